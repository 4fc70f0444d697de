"""Re-upserts into the embedded store: only rows that change something are rewritten, and a value an item
lacked (a time, a property, a confidence) is always taken, whichever shortcut decides what is unchanged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.errors import EndpointError
from graph.ids import edge_id, node_id
from graph.store import Edge, open_store

A, B = node_id("Person", "A"), node_id("Person", "B")


def test_a_repeat_fills_what_the_stored_edge_lacked_and_leaves_the_rest(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A", "B"]}))
            w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [A], "dst": [B]}))
        with store.writer() as w:
            same = w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [B], "dst": [A]}))
            more = w.upsert_edges(
                "CO_TRAVELLED",
                pd.DataFrame(
                    {
                        "src": [A],
                        "dst": [B],
                        "first_seen": ["2024-01-01"],
                        "count": [2],
                        "confidence": [0.5],
                        "method": ["rule"],
                        "sources": ["x:1"],
                    }
                ),
            )
            again = w.upsert_edges(
                "CO_TRAVELLED", pd.DataFrame({"src": [A], "dst": [B], "first_seen": ["2024-06-01"], "count": [2]})
            )
        edge = store.get(edge_id("CO_TRAVELLED", min(A, B), max(A, B)))  # symmetric: ends sorted
    assert (same.updated, same.unchanged) == (0, 1)
    assert more.updated == 1 and (again.updated, again.unchanged) == (1, 0)  # last_seen widens to June
    assert isinstance(edge, Edge)
    assert (edge.first_seen.isoformat(), edge.last_seen.isoformat()) == ("2024-01-01T00:00:00", "2024-06-01T00:00:00")  # type: ignore[union-attr]
    assert (edge.props, edge.confidence, edge.method, edge.sources) == ({"count": 2}, 0.5, "rule", ("x:1",))


def test_a_big_batch_with_one_missing_end_names_it_and_writes_nothing(tmp_path: Path) -> None:
    n = 50_000  # big enough to have its ends checked in numpy
    keys = [f"K{i}" for i in range(n + 1)]
    ids = [node_id("Person", k) for k in keys]
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": keys[:n]}))  # the last one is never written
            w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": ids[:10], "dst": ids[10:20]}))
        good = pd.DataFrame({"src": ids[: n - 1], "dst": ids[1:n]})
        bad = pd.DataFrame({"src": [*ids[: n - 1], ids[0]], "dst": [*ids[1:n], ids[n]]})
        with pytest.raises(EndpointError) as info, store.writer() as w:
            w.upsert_edges("CO_TRAVELLED", bad)
        assert (info.value.record, info.value.value) == (f"row {n - 1}", ids[n])
        assert store.stats().edges == {"CO_TRAVELLED": 10}
        with store.writer() as w:
            result = w.upsert_edges("CO_TRAVELLED", good)
        assert (result.inserted, result.updated) == (n - 1, 0)
        assert store.stats().edges == {"CO_TRAVELLED": 10 + n - 1}
