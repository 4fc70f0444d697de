"""The DuckDB store's vectorised export gives what the row-by-row export gave (one Python dict per item,
``json.loads`` of its properties and sources, Arrow's type inference), kept here as the reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from graph.ids import node_id
from graph.store import open_store
from graph.store.base import export_table
from graph.store.duckdb_store import DuckDBStore
from tests.graph.graph_fixture import load_fixture

_NODE = "SELECT nid, label, props, first_seen, last_seen, sources, confidence, method FROM nodes"
_EDGE = (
    "SELECT src_label || ':' || lpad(printf('%x', src), 16, '0'), dst_label || ':' || lpad(printf('%x', dst), 16, "
    "'0'), props, first_seen, last_seen, sources, confidence, method FROM edges"
)


def _row_by_row(store: DuckDBStore, table: str, name: str) -> pa.Table:
    """The export as it was: one dict per item, types inferred by Arrow from the Python values."""
    con = store._con
    if table == "nodes":
        rows = con.execute(f"{_NODE} WHERE label = ? ORDER BY nid", [name]).fetchall()
        ends: list[dict[str, Any]] = [{} for _ in rows]
        rest = [r[2:] for r in rows]
    else:
        rows = con.execute(f"{_EDGE} WHERE type = ? ORDER BY eid", [name]).fetchall()
        ends = [{"src": r[0], "dst": r[1]} for r in rows]
        rest = [r[2:] for r in rows]
    records = [
        {
            **end,
            **(json.loads(props) if props else {}),
            "first_seen": first,
            "last_seen": last,
            "sources": list(json.loads(sources)),
            "confidence": conf,
            "method": method,
        }
        for end, (props, first, last, sources, conf, method) in zip(ends, rest, strict=True)
    ]
    return export_table(records)


def _mixed_store(path: Path) -> DuckDBStore:
    store = open_store(path)
    assert isinstance(store, DuckDBStore)
    load_fixture(store)
    people = pd.DataFrame(
        {
            "person_key": [f"K{i}" for i in range(30)],
            "surname": [f"S{i}" if i % 3 else None for i in range(30)],
            "height": [float(i) + 0.5 if i % 2 else None for i in range(30)],
            "visits": [i if i % 4 else None for i in range(30)],
            "flagged": [bool(i % 2) for i in range(30)],
            "confidence": [0.5 if i % 5 == 0 else None for i in range(30)],
            "method": ["rule" if i % 7 == 0 else None for i in range(30)],
            "last_seen": ["2024-03-01T10:00:00+02:00" if i % 2 else None for i in range(30)],
        }
    )
    with store.writer() as w:
        w.upsert_nodes("Person", people)
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["K3"], "aliases": [["A", "B"]], "visits": [-2]}))
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["K5"], "height": [2]}))  # a whole number among floats
        w.upsert_edges(
            "CO_TRAVELLED",
            pd.DataFrame(
                {
                    "src": [node_id("Person", f"K{i}") for i in range(29)],
                    "dst": [node_id("Person", f"K{i + 1}") for i in range(29)],
                    "count": list(range(29)),
                    "sources": [[f"f:{i}", "f:0"] for i in range(29)],
                }
            ),
        )
    return store


@pytest.mark.parametrize(
    ("table", "name"),
    [
        ("nodes", "Person"),
        ("nodes", "Phone"),
        ("nodes", "Case"),
        ("edges", "CO_TRAVELLED"),
        ("edges", "USES"),
        ("edges", "INVOLVED_IN"),
        ("edges", "BOOKED"),
    ],
)
def test_the_export_equals_the_row_by_row_export(tmp_path: Path, table: str, name: str) -> None:
    with _mixed_store(tmp_path / "g.duckdb") as store:
        assert isinstance(store, DuckDBStore)
        export = store.export_nodes if table == "nodes" else store.export_edges
        (got,) = list(export(name))
        want = _row_by_row(store, table, name)
    assert got.column_names == want.column_names
    assert got.to_pylist() == want.to_pylist()
    for field in want.schema:  # a column with no value at all was typeless before; now it keeps its type
        if field.type not in (pa.null(), pa.list_(pa.null())):
            assert got.schema.field(field.name).type == field.type, field.name


def test_every_batch_of_an_export_has_the_same_columns_and_the_asked_size(tmp_path: Path) -> None:
    with _mixed_store(tmp_path / "g.duckdb") as store:
        parts = list(store.export_nodes("Person", batch=7))
        whole = pa.concat_tables(parts)
    assert [p.num_rows for p in parts] == [7, 7, 7, 7, 6]
    assert len({p.schema for p in parts}) == 1
    assert "aliases" in parts[0].column_names and whole.column("aliases").null_count == 33


def test_text_mixed_with_numbers_is_exported_as_text(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Case", pd.DataFrame({"case_id": ["A"], "severity": [4]}))
            w.upsert_nodes("Case", pd.DataFrame({"case_id": ["B"], "severity": ["HIGH"]}))
        (got,) = list(store.export_nodes("Case"))
    assert sorted(got.column("severity").to_pylist()) == ["4", "HIGH"]
