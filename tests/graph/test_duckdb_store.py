"""What is particular to the embedded store: one file on disk, its lock, its format, its indexes, its text
index."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from graph.errors import StoreError, StoreUnavailableError
from graph.ids import node_id
from graph.store import duckdb_text, open_store
from graph.store.duckdb_store import DuckDBStore
from tests.graph.graph_fixture import ANNA, PHONE, load_fixture


def test_the_graph_survives_closing_and_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        load_fixture(store)
        before = store.stats()
    with open_store(path, read_only=True) as store:
        assert store.stats() == before
        assert PHONE in store.neighbours(ANNA).hops


def test_a_first_load_leaves_every_index_in_place(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        load_fixture(store)
    con = duckdb.connect(str(path), read_only=True)
    names = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    con.close()
    assert names == {"nodes_nid", "edges_src"}


def test_the_sql_walk_builds_the_index_on_edge_ends_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        load_fixture(store)
    with DuckDBStore(path, adjacency=False) as store:
        walked = store.neighbours(PHONE)
    con = duckdb.connect(str(path), read_only=True)
    names = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    con.close()
    assert "edges_dst" in names
    assert ANNA in walked.hops


def test_a_read_only_store_refuses_to_write(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    open_store(path).close()
    with (
        open_store(path, read_only=True) as store,
        pytest.raises(StoreError, match="read-only"),
        store.writer() as w,
    ):
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A"]}))


def test_a_missing_file_is_not_created_by_a_read(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError):
        open_store(tmp_path / "none.duckdb", read_only=True)
    assert not (tmp_path / "none.duckdb").exists()


def test_a_duckdb_file_that_is_not_a_cluegraph_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a cluegraph store"):
        open_store(path, read_only=True)


def test_a_store_held_by_a_writer_elsewhere_says_so(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreUnavailableError, match="cannot open"):
            open_store(path)
    finally:
        holder.kill()
        holder.wait()


def test_a_server_uri_is_refused_until_the_neo4j_store_exists() -> None:
    with pytest.raises(StoreUnavailableError, match="Neo4j"):
        open_store("neo4j://localhost:7687")


def test_ids_of_another_label_are_not_found_under_this_one(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load_fixture(store)
        number = ANNA.split(":")[1]
        assert store.get(f"Phone:{number}") is None
        assert store.get(node_id("Person", "P-ANNA")) is not None


# ------------------------------------------------------------------ text index (graph.store.duckdb_text)
_LETTERS = ["A", "B", "AN", "NA", "Ö", "É", "LI", "IV", "OV"]


def _people(rng: random.Random, keys: range) -> pd.DataFrame:
    def name() -> str:
        return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(1, 4)))

    return pd.DataFrame(
        {
            "person_key": [f"P{k}" for k in keys],
            "surname": [name() for _ in keys],
            "given_names": [f"{name()}  {name().lower()}" for _ in keys],
            "native_name": [rng.choice([None, "Борис", "张伟", "ÅSA-LI"]) for _ in keys],
        }
    )


def _queries(rng: random.Random) -> list[str]:
    words = [*_LETTERS, "ANA", "OVI", "ANAN", "BOR", "伟", "张伟", "asa-li", "é", "Z", "NAB", "ABAN", "-LI"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(120)]


def _same_as_a_scan(store: Any, queries: list[str]) -> int:
    """Check that every query finds what a scan of every node finds; return how many found something."""
    answered = 0
    for q in queries:
        for label in (None, "Person"):
            indexed = [n.id for n in store.find(label, text=q, limit=500)]
            store._text_stale = True  # the store's own switch: answer by scanning every node
            try:
                scanned = [n.id for n in store.find(label, text=q, limit=500)]
            finally:
                store._text_stale = False
            assert indexed == scanned, q
            answered += bool(indexed)
    return answered


def test_the_text_index_finds_what_a_scan_finds_through_every_write_path(tmp_path: Path) -> None:
    rng = random.Random(8)
    queries = _queries(rng)
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:  # a first load: the index is written once, sorted, at the end
            w.upsert_nodes("Person", _people(rng, range(300)))
        assert _same_as_a_scan(store, queries) > 50
        with store.writer() as w:  # the careful path: new people, and others whose names change
            w.upsert_nodes("Person", _people(rng, range(200, 500)))
        with store.writer() as w:  # a label loaded for the first time into a store that has nodes
            w.upsert_nodes("Document", pd.DataFrame({"issuer": ["XXA"] * 3, "number": ["ANA1", "LIV2", "B3"]}))
        assert _same_as_a_scan(store, queries) > 50
        with store.writer(bulk=True) as w:  # a bulk block over a full store writes the index again
            w.upsert_nodes("Person", _people(rng, range(400, 600)))
        assert _same_as_a_scan(store, queries) > 50


def test_a_changed_name_is_no_longer_found_under_the_old_one(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load_fixture(store)
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P-ANNA"], "surname": ["QUARTZ"]}))
        assert store.find("Person", text="müller") == []
        assert [n.id for n in store.find("Person", text="uart ann")] == [ANNA]


def test_a_store_made_before_the_text_index_is_searched_and_gets_the_index_at_its_next_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        load_fixture(store)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE node_grams")
    con.execute("DELETE FROM meta WHERE key = 'text_index'")
    con.close()
    with open_store(path, read_only=True) as store:
        assert [n.id for n in store.find("Person", text="muller anna")] == [ANNA]
    with open_store(path) as store:
        with store.writer() as w:
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+441632960002"]}))
        assert duckdb_text.is_complete(store._con)
        assert [n.id for n in store.find("Person", text="muller anna")] == [ANNA]
