"""The cluster part of the evaluation: how stored people map to the world's true people."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.evaluate import _by_records
from analytics.projection import project
from graph.ids import node_id
from graph.store import open_store


def test_a_person_named_by_name_only_maps_to_the_true_person_behind_its_rows(tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    # data row r of an associated file is its line r + 1 (line 1 is the header)
    pd.DataFrame({"file": ["phones.csv", "phones.csv"], "row": [4, 5], "person_id": ["P-ORG", "P-OTHER"]}).to_csv(
        truth / "associated_rows.csv", index=False
    )
    with open_store(str(tmp_path / "g.duckdb")) as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["ORG-NAME-ONLY", "KNOWN"]}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1", "+2"]}))
            w.upsert_edges(
                "USES",
                pd.DataFrame(
                    {
                        "src": [node_id("Person", "ORG-NAME-ONLY"), node_id("Person", "KNOWN")],
                        "dst": [node_id("Phone", "+1"), node_id("Phone", "+2")],
                        "sources": ["associated/phones.csv:5", "associated/phones.csv:6"],
                    }
                ),
            )
        proj = project(store)
        known = proj.index([node_id("Person", "KNOWN")])[0]
        people = pd.Series({known: "P-KNOWN"})
        mapped = _by_records(people, store, proj, truth)
    assert mapped[proj.index([node_id("Person", "ORG-NAME-ONLY")])[0]] == "P-ORG"
    assert mapped[known] == "P-KNOWN"  # a person mapped by its documents or crossings keeps that
