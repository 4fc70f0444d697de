"""Syncing one store into another gives the same answers on both, and syncing again changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from graph.ids import node_id
from graph.store import GraphStore, open_store
from graph.sync import compare, sync
from ingest.pipeline.run import run_ingest
from tests.conftest import NEO4J_URI, _empty_neo4j
from tests.graph.graph_fixture import ANNA, BOOKING, BORIS, CARD, CASE, CHEN, DANA, DOC, PHONE, load_fixture
from tests.ingest.pipeline_helpers import make_world

NEO4J_SH = Path(__file__).parents[2] / "tools" / "neo4j" / "neo4j.sh"
ALL = [ANNA, BORIS, CHEN, DANA, PHONE, CARD, BOOKING, DOC, CASE]


def answers(store: GraphStore) -> dict[str, object]:
    """The contract's queries, as plain data to compare across stores."""
    return {
        "stats": store.stats().to_dict(),
        "subgraph": store.subgraph(ALL).to_dict(),
        "hoods": [
            store.neighbours(n, depth=d, limit=lim).to_dict()
            for n in (ANNA, BORIS, DANA)
            for d in (1, 2, 3)
            for lim in (2, 100)
        ],
        "windows": [
            store.neighbours(BORIS, depth=2, since="2024-06-01").to_dict(),
            store.neighbours(BORIS, depth=3, edge_types=["BOOKED", "HOLDS"]).to_dict(),
        ],
        "find": [n.to_dict() for n in store.find("Person", text="muller")]
        + [n.to_dict() for n in store.find(text="张伟")],
        "edges": sorted((sorted(r.items()) for r in store.edge_list().to_pylist()), key=repr),
    }


def source(tmp_path: Path) -> GraphStore:
    store = open_store(tmp_path / "source.duckdb")
    load_fixture(store)
    with store.writer() as w:
        w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [DANA], "dst": [BORIS], "count": [3]}))
        w.upsert_edges(
            "INVOLVED_IN",
            pd.DataFrame(
                {"src": [CHEN], "dst": [CASE], "role": ["SUSPECT"], "confidence": [0.5], "method": ["manual"]}
            ),
        )
    return store


def test_a_sync_into_another_embedded_store_gives_the_same_answers(tmp_path: Path) -> None:
    with source(tmp_path) as src, open_store(tmp_path / "target.duckdb") as dst:
        copied = sync(src, dst, batch=3)
        assert copied["Person"] == 4 and copied["USES"] == 3
        assert answers(dst) == answers(src)
        sync(src, dst, batch=3)
        assert answers(dst) == answers(src)


@pytest.mark.neo4j
@pytest.mark.skipif(not NEO4J_URI, reason="no Neo4j server: set CLUEGRAPH_TEST_NEO4J_URI or run `make test`")
def test_a_sync_to_neo4j_gives_the_same_answers_and_is_idempotent(tmp_path: Path) -> None:
    _empty_neo4j(NEO4J_URI)
    with source(tmp_path) as src, open_store(NEO4J_URI) as dst:
        sync(src, dst, batch=4)
        assert answers(dst) == answers(src)
        sync(src, dst, batch=4)
        assert answers(dst) == answers(src)


@pytest.mark.slow  # a world, its ingest and two syncs: about 30 s, minutes on a busy machine
@pytest.mark.neo4j
@pytest.mark.skipif(not NEO4J_URI, reason="no Neo4j server: set CLUEGRAPH_TEST_NEO4J_URI or run `make test`")
def test_an_ingested_world_synced_to_neo4j_answers_the_contract_queries_as_duckdb_does(tmp_path: Path) -> None:
    world = make_world(tmp_path / "world", persons=150, days=1)
    run_ingest(world, str(tmp_path / "world.duckdb"))
    _empty_neo4j(NEO4J_URI)
    with open_store(tmp_path / "world.duckdb", read_only=True) as src, open_store(NEO4J_URI) as dst:
        copied = sync(src, dst, batch=500)
        assert sum(copied.values()) == sum(src.stats().nodes.values()) + sum(src.stats().edges.values())
        first = compare(src, dst, sample=25)
        assert first["questions"] > 150 and first["differ"] == 0, first["first_differences"]
        before = dst.stats().to_dict()
        sync(src, dst, batch=500)  # again: nothing changes
        assert dst.stats().to_dict() == before
        assert compare(src, dst, sample=25, seed=8)["differ"] == 0
        with dst.writer() as w:  # and the comparison does see a difference
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["only-in-neo4j"], "surname": ["Nobody"]}))
        assert compare(src, dst, sample=5)["first_differences"][:1] == ["stats"]


def _test_server_runs_at(uri: str) -> bool:
    """Whether ``uri`` is the server of ``tools/neo4j`` (the one this run may stop for an offline import)."""
    done = subprocess.run(["bash", str(NEO4J_SH), "status"], capture_output=True, text=True, check=False)
    return done.returncode == 0 and done.stdout.strip().endswith(uri)


@pytest.mark.slow  # the server stops, imports and starts again: about a minute, more on a busy machine
@pytest.mark.neo4j
@pytest.mark.skipif(not NEO4J_URI, reason="no Neo4j server: set CLUEGRAPH_TEST_NEO4J_URI or run `make test`")
def test_a_first_sync_through_the_offline_importer_gives_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _test_server_runs_at(NEO4J_URI):
        pytest.skip("the offline import restarts the server: only with the server of tools/neo4j/neo4j.sh")
    monkeypatch.setenv("CLUEGRAPH_NEO4J_IMPORT", f"bash {NEO4J_SH} import")
    _empty_neo4j(NEO4J_URI)
    with source(tmp_path) as src, open_store(NEO4J_URI) as dst:
        with src.writer() as w:  # one row the CSV files cannot carry (an empty list): written by Cypher after
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["odd"], "aliases": [[]]}))
            # and line breaks inside fields: their file is read as multi-line, the others are not
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["lines"], "surname": ["Line\nBreak\r\nEnd\r"]}))
        copied = sync(src, dst, batch=4, first_load_min_rows=0)
        assert copied["Person"] == 6 and copied["USES"] == 3
        assert answers(dst) == answers(src)
        for key in ("odd", "lines"):
            assert dst.get(node_id("Person", key)) == src.get(node_id("Person", key))
        sync(src, dst, batch=4, first_load_min_rows=0)  # not empty now: the ordinary writes, changing nothing
        assert answers(dst) == answers(src)
