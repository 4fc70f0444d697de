"""What is particular to the embedded store: one file on disk, its lock, its format, its indexes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from graph.errors import StoreError, StoreUnavailableError
from graph.ids import node_id
from graph.store import open_store
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
    assert names == {"nodes_nid", "edges_src", "edges_dst"}


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
