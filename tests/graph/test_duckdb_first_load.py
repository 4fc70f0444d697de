"""The DuckDB store's first-load fast path (``duckdb_first_load``): batches inserted straight from their input
while the indexes are off must leave the store exactly as the careful path (stage, check, merge) does, for a
type's later batches too: repeats merged, provenance united, a bad row refused with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph.errors import EndpointError
from graph.ids import node_id
from graph.store import open_store
from graph.store.duckdb_store import DuckDBStore
from graph.store.model import WriteResult

PEOPLE = [f"P{i}" for i in range(6)]
PHONES = ["+1", "+2", "+3"]


def person(k: str) -> str:
    return node_id("Person", k)


def phone(k: str) -> str:
    return node_id("Phone", k)


#: Three batches of USES for one writer: the second repeats an edge of the first with a wider span and
#: another source, and holds one edge twice; the third repeats the first batch exactly.
BATCHES = [
    pd.DataFrame(
        {
            "src": [person("P0"), person("P1"), person("P2")],
            "dst": [phone("+1"), phone("+2"), phone("+3")],
            "first_seen": ["2024-01-02", "2024-02-01", None],
            "sources": ["a:1", "a:2", "a:3"],
        }
    ),
    pd.DataFrame(
        {
            "src": [person("P0"), person("P3"), person("P3"), person("P4")],
            "dst": [phone("+1"), phone("+1"), phone("+1"), phone("+2")],
            "first_seen": ["2024-01-01", "2024-03-01", "2024-03-05", "2024-04-01"],
            "last_seen": ["2024-05-01", None, "2024-03-09", None],
            "sources": ["b:1", "b:2", "b:3", "b:4"],
        }
    ),
]
BATCHES.append(BATCHES[0])


def load(path: Path, *, bulk: bool | None) -> tuple[list[WriteResult], list[tuple[Any, ...]]]:
    """Nodes in one block, then every batch of USES in another (a first load of edges unless ``bulk`` is
    False); the results and every stored edge row."""
    with open_store(path) as store:
        assert isinstance(store, DuckDBStore)
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": PEOPLE}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": PHONES}))
        with store.writer(bulk=bulk) as w:
            results = [w.upsert_edges("USES", b) for b in BATCHES]
        rows = store._con.execute("SELECT * EXCLUDE (props) FROM edges ORDER BY eid").fetchall()
    return results, rows


def test_later_batches_of_a_type_in_a_first_load_merge_as_the_careful_path_does(tmp_path: Path) -> None:
    fast, fast_rows = load(tmp_path / "fast.duckdb", bulk=None)
    careful, careful_rows = load(tmp_path / "careful.duckdb", bulk=False)
    assert fast_rows == careful_rows
    assert fast == careful
    assert [(r.rows, r.distinct, r.inserted, r.updated) for r in fast] == [(3, 3, 3, 0), (4, 3, 2, 1), (3, 3, 0, 0)]


def test_a_repeated_edge_across_batches_keeps_the_widest_span_and_every_source(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": PEOPLE}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": PHONES}))
            for b in BATCHES:
                w.upsert_edges("USES", b)
        (p0,) = store.subgraph([person("P0"), phone("+1")]).edges
        (p3,) = store.subgraph([person("P3"), phone("+1")]).edges
    assert (p0.first_seen.isoformat(), p0.last_seen.isoformat(), p0.sources) == (  # type: ignore[union-attr]
        "2024-01-01T00:00:00",
        "2024-05-01T00:00:00",
        ("a:1", "b:1"),
    )
    assert (p3.first_seen.isoformat(), p3.last_seen.isoformat(), p3.sources) == (  # type: ignore[union-attr]
        "2024-03-01T00:00:00",
        "2024-03-09T00:00:00",
        ("b:2", "b:3"),
    )


def test_a_later_batch_with_a_missing_end_names_it_and_the_block_writes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": PEOPLE}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": PHONES}))
        with pytest.raises(EndpointError) as info, store.writer() as w:
            w.upsert_edges("USES", BATCHES[0])
            w.upsert_edges("USES", pd.DataFrame({"src": [person("P5"), person("nobody")], "dst": [phone("+1")] * 2}))
        assert (info.value.record, info.value.field) == ("row 1", "src")
        assert store.stats().to_dict()["total_edges"] == 0
        with store.writer() as w:  # the indexes are back and a first load still works
            assert w.upsert_edges("USES", BATCHES[1]).inserted == 3
        assert len(store.neighbours(phone("+1")).nodes) == 3


def test_a_first_load_of_a_type_already_stored_merges_with_what_is_stored(tmp_path: Path) -> None:
    """A bulk block over a store that has edges: the stored ones of the type count as earlier batches."""
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": PEOPLE}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": PHONES}))
            w.upsert_edges("USES", BATCHES[0])
        with store.writer(bulk=True) as w:
            again = w.upsert_edges("USES", BATCHES[1])
        assert (again.inserted, again.updated) == (2, 1)
        assert store.stats().to_dict()["edges"] == {"USES": 5}
