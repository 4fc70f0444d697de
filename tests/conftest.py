"""Shared fixtures: every contract test runs once per store backend.

The Neo4j backend runs when ``CLUEGRAPH_TEST_NEO4J_URI`` names a server (``make test`` starts one); each
test starts from an empty database there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from graph.store import GraphStore, open_store

# Property tests pin properties (round trips, idempotence, named errors), not speed: no per-example deadline,
# which a first call that loads a transliteration table on a busy 2-core machine can overrun.
settings.register_profile("cluegraph", deadline=None)
settings.load_profile("cluegraph")

NEO4J_URI = os.environ.get("CLUEGRAPH_TEST_NEO4J_URI", "")
#: Backends the contract suite runs on.
BACKENDS = ["duckdb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _empty_neo4j(uri: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        # In batches: one transaction over a database a bench left behind (a million relationships) ran out of memory.
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    if request.param == "duckdb":
        st = open_store(tmp_path / "contract.duckdb")
    else:
        if not NEO4J_URI:
            pytest.skip("no Neo4j server: run `make test` (it starts one) or set CLUEGRAPH_TEST_NEO4J_URI=bolt://...")
        _empty_neo4j(NEO4J_URI)
        st = open_store(NEO4J_URI)
    with st:
        yield st
