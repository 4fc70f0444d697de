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


def test_a_passenger_named_by_name_only_on_a_booking_maps_to_the_true_passenger(tmp_path: Path) -> None:
    from analytics.evaluate import _by_bookings

    truth = tmp_path / "truth"
    truth.mkdir()
    pd.DataFrame(
        {
            "file": ["PNRGOV_CX1_20260110.edi"] * 2,
            "locator": ["ABC123", "ABC123"],
            "passenger_index": [1, 2],
            "person_id": ["P-FIRST", "P-SECOND"],
        }
    ).to_csv(truth / "pnr_passengers.csv", index=False)
    booking = node_id("Booking", "CX", "ABC123", "2026-01-02")
    with open_store(str(tmp_path / "g.duckdb")) as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["NAME-ONLY-1", "NAME-ONLY-2", "KNOWN"]}))
            w.upsert_nodes(
                "Booking", pd.DataFrame({"carrier": ["CX"], "locator": ["ABC123"], "created": ["2026-01-02"]})
            )
            w.upsert_edges(
                "BOOKED",
                pd.DataFrame(
                    {
                        "src": [node_id("Person", k) for k in ("NAME-ONLY-1", "NAME-ONLY-2", "KNOWN")],
                        "dst": [booking] * 3,
                        "traveller_ref": ["1", "2", "2"],
                        "sources": ["advance/pnrgov/PNRGOV_CX1_20260110.edi#msg1/seg9"] * 3,
                    }
                ),
            )
        proj = project(store)
        known = proj.index([node_id("Person", "KNOWN")])[0]
        mapped = _by_bookings(pd.Series({known: "P-KNOWN"}), store, proj, truth)
    assert mapped[proj.index([node_id("Person", "NAME-ONLY-1")])[0]] == "P-FIRST"
    assert mapped[proj.index([node_id("Person", "NAME-ONLY-2")])[0]] == "P-SECOND"
    assert mapped[known] == "P-KNOWN"  # a person mapped by its documents or crossings keeps that
