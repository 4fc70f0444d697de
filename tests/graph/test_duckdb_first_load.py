"""The embedded store's first load (numbers in numpy, one sorted insert per batch) stores exactly what the
careful path (stage, check, merge) stores, batch by batch, and falls back to it whenever it has a doubt."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graph.errors import EndpointError
from graph.ids import edge_id, node_id
from graph.store import GraphStore, open_store
from graph.store.bulk_ids import edge_numbers, id_numbers

PEOPLE = [node_id("Person", f"P{i}") for i in range(12)]
CASES = [node_id("Case", f"C{i}") for i in range(3)]


def _batches() -> list[tuple[str, pd.DataFrame]]:
    """Edge batches that take every branch: a type written three times (the second batch repeating one edge
    of the first, and one inside itself), a symmetric type given both ways round, a keyed type written twice
    (both on the fast path), properties."""
    return [
        ("CO_TRAVELLED", pd.DataFrame({"src": PEOPLE[:6], "dst": PEOPLE[6:], "count": [1, 2, 3, 4, 5, 6]})),
        (
            "CO_TRAVELLED",
            pd.DataFrame(
                {
                    "src": [PEOPLE[7], PEOPLE[1], PEOPLE[2]],  # the first is P1-P7 again, given the other way
                    "dst": [PEOPLE[1], PEOPLE[3], PEOPLE[3]],
                    "count": [9, None, 3],
                    "sources": ["b:1", "b:2", "b:3"],
                    "first_seen": ["2024-01-01", "2023-01-01", "2022-01-01"],
                }
            ),
        ),
        ("CO_TRAVELLED", pd.DataFrame({"src": [PEOPLE[10], PEOPLE[10]], "dst": [PEOPLE[11], PEOPLE[11]]})),
        (
            "INVOLVED_IN",
            pd.DataFrame(
                {"src": [PEOPLE[0], PEOPLE[0], PEOPLE[5]], "dst": [CASES[0]] * 3, "role": ["ORGANISER", "WITNESS", "X"]}
            ),
        ),
        ("INVOLVED_IN", pd.DataFrame({"src": PEOPLE[1:3], "dst": CASES[1:], "role": ["SUSPECT", "VICTIM"]})),
    ]


def _load(store: GraphStore, *, bulk: bool | None) -> None:
    with store.writer(bulk=bulk) as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": [f"P{i}" for i in range(12)]}))
        w.upsert_nodes("Case", pd.DataFrame({"case_id": [f"C{i}" for i in range(3)]}))
        for etype, rows in _batches():
            w.upsert_edges(etype, rows)


def _everything(store: GraphStore) -> dict[str, list[dict[str, object]]]:
    return {t: [r for b in store.export_edges(t) for r in b.to_pylist()] for t in ("CO_TRAVELLED", "INVOLVED_IN")}


def test_a_first_load_stores_what_the_careful_path_stores(tmp_path: Path) -> None:
    with open_store(tmp_path / "fast.duckdb") as fast, open_store(tmp_path / "careful.duckdb") as careful:
        _load(fast, bulk=None)  # empty tables: the first-load path
        _load(careful, bulk=False)  # indexes kept: every batch staged and merged
        assert _everything(fast) == _everything(careful)
        assert fast.stats() == careful.stats()
        assert fast.subgraph(PEOPLE + CASES).to_dict() == careful.subgraph(PEOPLE + CASES).to_dict()  # ids too
        assert fast.stats().edges == {"CO_TRAVELLED": 9, "INVOLVED_IN": 5}
        got = fast.get(edge_id("CO_TRAVELLED", PEOPLE[1], PEOPLE[7]))
        assert got is not None and got.props == {"count": 9} and got.sources == ("b:1",)


def test_a_first_load_missing_an_end_in_a_later_batch_names_it_and_writes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with pytest.raises(EndpointError) as info, store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P0", "P1"]}))
            w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [PEOPLE[0]], "dst": [PEOPLE[1]]}))
            w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [PEOPLE[0], PEOPLE[0]], "dst": [PEOPLE[1], PEOPLE[9]]}))
        assert (info.value.record, info.value.field) == ("row 1", "dst")
        assert store.stats().to_dict()["total_edges"] == 0


def test_bulk_numbers_are_the_numbers_of_graph_ids() -> None:
    ids = pa.chunked_array([PEOPLE[:5], PEOPLE[5:]])
    numbers = id_numbers(ids)
    assert numbers is not None
    got = edge_numbers("KNOWS", numbers[:-1], numbers[1:], np.arange(11, dtype=np.int64) * 0)
    want = [edge_id("KNOWS", a, b) for a, b in itertools.pairwise(PEOPLE)]
    assert [f"KNOWS:{int(n):016x}" for n in got] == want
    assert id_numbers(pa.array(["Person:zzzzzzzzzzzzzzzz"])) is None
    assert id_numbers(pa.array(["Person:8000000000000000"])) is None  # beyond 63 bits
    assert id_numbers(pa.array([PEOPLE[0], None])) is None
