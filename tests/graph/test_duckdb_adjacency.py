"""The DuckDB store's adjacency index (``duckdb_adjacency``): the same neighbourhoods as the SQL walk on random
graphs (hubs, ties, parallel edges, open time spans), rebuilt after every write, and safe from other
processes' writes because DuckDB locks the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graph.ids import node_id
from graph.store.duckdb_store import DuckDBStore

DAYS = pd.date_range("2024-01-01", periods=6, freq="D")  # few days: many ties in last_seen


def _times(rng: np.random.Generator, n: int) -> tuple[list[object], list[object]]:
    """First and last seen, some unknown, on few distinct days (the walk's order breaks ties)."""
    first = [None if rng.random() < 0.2 else DAYS[i] for i in rng.integers(0, 3, n)]
    last = [None if rng.random() < 0.2 else DAYS[i] for i in rng.integers(3, 6, n)]
    return first, last


def _random_graph(path: Path, seed: int) -> list[str]:
    """People, phones and organisations; people who use many phones are hubs. Returns the node ids."""
    rng = np.random.default_rng(seed)
    people, phones, orgs = [f"P{i}" for i in range(40)], [f"+44{i}" for i in range(12)], ["O1", "O2", "O3"]
    with DuckDBStore(path) as store, store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": people, "surname": [f"S{i}" for i in range(40)]}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": phones}))
        w.upsert_nodes("Organization", pd.DataFrame({"org_key": orgs, "name": ["A", "B", "C"]}))
        pairs = {(people[a], phones[b]) for a, b in zip(rng.integers(0, 40, 150), rng.zipf(1.6, 150) % 12, strict=True)}
        src, dst = zip(*sorted(pairs), strict=True)
        first, last = _times(rng, len(src))
        w.upsert_edges("USES", pd.DataFrame({"src": [node_id("Person", s) for s in src],
                                             "dst": [node_id("Phone", d) for d in dst],
                                             "first_seen": first, "last_seen": last, "note": list(range(len(src)))}))
        pairs = {tuple(sorted((people[a], people[b]))) for a, b in rng.integers(0, 40, (60, 2)) if a != b}
        src, dst = zip(*sorted(pairs), strict=True)
        first, last = _times(rng, len(src))
        w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [node_id("Person", s) for s in src],
                                                     "dst": [node_id("Person", d) for d in dst],
                                                     "first_seen": first, "last_seen": last}))
        n = 80  # parallel edges (one per role) between few people and organisations: ties past a hub's cap
        first, last = _times(rng, n)
        src = [node_id("Person", people[i]) for i in rng.integers(0, 3, n)]
        dst = [node_id("Organization", orgs[i]) for i in rng.integers(0, 2, n)]
        w.upsert_edges("WORKS_FOR", pd.DataFrame({"src": src, "dst": dst, "role": [f"R{i}" for i in range(n)],
                                                  "first_seen": first, "last_seen": last}))
    return ([node_id("Person", p) for p in people] + [node_id("Phone", p) for p in phones]
            + [node_id("Organization", o) for o in orgs])


QUESTIONS = [
    {},
    {"edge_types": ["USES"]},
    {"edge_types": ["CO_TRAVELLED", "WORKS_FOR"]},
    {"since": "2024-01-05"},
    {"until": "2024-01-02"},
    {"since": "2024-01-04", "until": "2024-01-02", "edge_types": ["USES", "WORKS_FOR"]},
]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_walk_answers_exactly_as_the_sql_walk(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "g.duckdb"
    ids = _random_graph(path, seed)
    rng = np.random.default_rng(seed)
    with DuckDBStore(path, read_only=True) as fast, DuckDBStore(path, read_only=True, adjacency=False) as sql:
        hubs = [node_id("Organization", "O1"), node_id("Phone", "+441"), node_id("Person", "P0")]
        for start in [*hubs, *rng.choice(ids, 6, replace=False), node_id("Person", "nobody")]:
            for depth in (1, 2, 3):
                for limit in (1, 3, 100):
                    for question in QUESTIONS:
                        asked = {"depth": depth, "limit": limit, **question}
                        assert fast.neighbours(start, **asked) == sql.neighbours(start, **asked), (start, asked)
        assert fast._adjacency is not None and sql._adjacency is None  # both walks really ran


def test_a_hub_is_cut_to_its_most_recent_links_as_in_sql(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    _random_graph(path, 4)
    hub = node_id("Phone", "+441")  # zipf: most people use phone 1
    with DuckDBStore(path, read_only=True) as fast, DuckDBStore(path, read_only=True, adjacency=False) as sql:
        hood = fast.neighbours(hub, limit=2)
        assert hood.truncated and len(hood.nodes) == 3
        assert hood == sql.neighbours(hub, limit=2)


def test_a_write_through_the_store_is_seen_by_the_next_walk(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    _random_graph(path, 5)
    anna, phone = node_id("Person", "P0"), node_id("Phone", "+4411")
    with DuckDBStore(path) as store:
        before = store.neighbours(anna, limit=1000)
        with store.writer() as w:
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+4499"]}))
            w.upsert_edges("USES", pd.DataFrame({"src": [anna], "dst": [node_id("Phone", "+4499")]}))
        after = store.neighbours(anna, limit=1000)
        assert set(after.hops) - set(before.hops) == {node_id("Phone", "+4499")}
        assert phone in store.neighbours(phone).hops


def test_a_write_through_another_store_object_of_the_same_file_is_seen(tmp_path: Path) -> None:
    """DuckDB lets connections of one process share a file (no lock between them): writes are counted."""
    path = tmp_path / "g.duckdb"
    _random_graph(path, 9)
    anna, new = node_id("Person", "P0"), node_id("Phone", "+4499")
    with DuckDBStore(path) as reader, DuckDBStore(path) as other:
        assert new not in reader.neighbours(anna, limit=1000).hops
        with other.writer() as w:
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+4499"]}))
            w.upsert_edges("USES", pd.DataFrame({"src": [anna], "dst": [new]}))
        assert new in reader.neighbours(anna, limit=1000).hops


def test_a_failed_write_leaves_no_stale_index(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    _random_graph(path, 6)
    anna = node_id("Person", "P0")
    with DuckDBStore(path) as store:
        before = store.neighbours(anna, limit=1000)
        with pytest.raises(RuntimeError), store.writer() as w:
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+4499"]}))
            w.upsert_edges("USES", pd.DataFrame({"src": [anna], "dst": [node_id("Phone", "+4499")]}))
            assert node_id("Phone", "+4499") in store.neighbours(anna, limit=1000).hops  # read inside the block
            raise RuntimeError("abandon the block")
        assert store.neighbours(anna, limit=1000) == before


def test_no_other_process_can_write_the_file_while_the_store_holds_it(tmp_path: Path) -> None:
    """Why the index needs no check for outside writes: DuckDB locks the file for a connection's life."""
    path = tmp_path / "g.duckdb"
    _random_graph(path, 7)
    writer = f"import duckdb; duckdb.connect({str(path)!r}).execute('DELETE FROM edges')"
    with DuckDBStore(path, read_only=True) as store:
        store.neighbours(node_id("Person", "P0"))
        done = subprocess.run([sys.executable, "-c", writer], capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and "lock" in done.stderr.lower()
        assert store.stats().edges  # nothing was deleted


def test_the_index_memory_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    _random_graph(path, 8)
    with DuckDBStore(path, read_only=True) as store:
        store.neighbours(node_id("Person", "P0"))
        assert store._adjacency is not None
        edges = sum(store.stats().edges.values())
        assert 0 < store._adjacency.nbytes < 200 * edges + 100_000
