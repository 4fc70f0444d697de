"""What is particular to the server store: a transaction killed mid-batch, URIs with credentials."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from neo4j import GraphDatabase

from graph.errors import StoreError, StoreUnavailableError
from graph.ids import node_id
from graph.store import open_store
from graph.store.neo4j_writer import _stored_cypher
from tests.conftest import NEO4J_URI, _empty_neo4j

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not NEO4J_URI, reason="no Neo4j server: set CLUEGRAPH_TEST_NEO4J_URI or run `make test`"),
]

PEOPLE = pd.DataFrame({"person_key": [f"P{i}" for i in range(2000)]})
USES = pd.DataFrame({"src": [node_id("Person", f"P{i}") for i in range(2000)], "dst": node_id("Phone", "+1")})


def _kill_other_transactions() -> int:
    with GraphDatabase.driver(NEO4J_URI, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery AS q WHERE NOT q STARTS WITH 'SHOW' RETURN id"
        )
        ids = [r["id"] for r in records]
        if ids:
            driver.execute_query("TERMINATE TRANSACTIONS $ids", ids=ids)
        return len(ids)


def test_a_transaction_killed_mid_batch_leaves_nothing_and_the_retry_writes_once() -> None:
    _empty_neo4j(NEO4J_URI)
    with open_store(NEO4J_URI) as store:
        with pytest.raises(StoreError, match="interrupted"), store.writer() as w:
            w.upsert_nodes("Person", PEOPLE)
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
            assert _kill_other_transactions() >= 1
            w.upsert_edges("USES", USES)
        assert store.stats().to_dict()["total_nodes"] == 0
        for _ in range(2):  # the retry, and once more: still one copy
            with store.writer() as w:
                w.upsert_nodes("Person", PEOPLE)
                w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
                w.upsert_edges("USES", USES)
        stats = store.stats().to_dict()
        assert (stats["nodes"], stats["edges"]) == ({"Person": 2000, "Phone": 1}, {"USES": 2000})


def test_a_server_that_does_not_answer_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailableError, match="cannot reach"):
        open_store("bolt://127.0.0.1:9")


@pytest.mark.parametrize("edge", [True, False], ids=["relationships", "nodes"])
def test_the_lookup_of_stored_ids_seeks_its_index_even_when_its_statistics_say_empty(edge: bool) -> None:
    """A new index's statistics say it is empty until Neo4j samples it. Planned then, the lookup was estimated
    at 0 rows and a plain ``USING INDEX`` hint was met by a scan of the whole index for every id under the
    ``UNWIND`` (20,000 ids over 20,000 relationships: 174 s on a fresh server); it must read one entry an id."""
    name, stored, asked = "CgTestSeekT" if edge else "CgTestSeekL", 500, 100
    pattern = f"()-[x:`{name}`]-()" if edge else f"(x:`{name}`)"
    create = (
        f"CREATE (:CgTestSeekEnd)-[:`{name}` {{id: 'e' + i}}]->(:CgTestSeekEnd)"
        if edge
        else f"CREATE (:`{name}` {{id: 'e' + i}})"
    )
    with GraphDatabase.driver(NEO4J_URI, auth=None) as driver, driver.session() as session:
        session.run(f"CREATE CONSTRAINT cg_test_seek IF NOT EXISTS FOR {pattern} REQUIRE x.id IS UNIQUE").consume()
        try:
            session.run("CALL db.awaitIndexes(60)").consume()
            session.run(f"UNWIND range(1, $n) AS i {create}", n=stored).consume()
            ids = [f"e{i}" for i in range(stored - asked // 2 + 1, stored + asked // 2 + 1)]  # half stored, half not
            result = session.run("CYPHER replan=force PROFILE " + _stored_cypher(name, edge=edge), ids=ids)
            assert len(result.single(strict=True)["found"]) == asked // 2
            hits = _db_hits(result.consume().profile)
        finally:
            session.run("DROP CONSTRAINT cg_test_seek IF EXISTS").consume()
            session.run(f"MATCH (x) WHERE x:CgTestSeekEnd OR x:`{name}` DETACH DELETE x").consume()
    assert hits <= 4 * asked, f"{hits} db hits for {asked} ids over {stored} stored: the index was scanned"


def _db_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_db_hits(child) for child in plan.get("children", []))


def test_constraints_missing_beside_stored_items_are_all_built_again() -> None:
    """After a first load some labels and types hold items and most are empty: ``ensure_constraints`` builds
    both kinds on its two sessions (populated ones first, the empty ones after them) and leaves none out."""
    from graph.store.neo4j_writer import ensure_constraints

    _empty_neo4j(NEO4J_URI)
    with open_store(NEO4J_URI) as store:
        with store.writer() as w:
            w.upsert_nodes("Person", PEOPLE)
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
            w.upsert_edges("USES", USES)
        wanted = {f"cg_{name}_id" for name in [*store.schema.nodes, *store.schema.edges]}
    with GraphDatabase.driver(NEO4J_URI, auth=None) as driver:
        for name in wanted:
            driver.execute_query(f"DROP CONSTRAINT `{name}` IF EXISTS")
        ensure_constraints(driver, None, store.schema)
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name, type RETURN name, type")
    built = {r["name"]: r["type"] for r in records}
    assert wanted <= set(built)
    assert {built[name] for name in wanted} == {"UNIQUENESS", "RELATIONSHIP_UNIQUENESS"}
