"""``subgraph`` on the DuckDB store reads the edges among its nodes from the ``src`` index (node numbers as
integer literals); these tests pin that it answers exactly what the old whole-table form answered."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from graph.ids import format_id, node_id, parse_id
from graph.store import open_store
from graph.store.duckdb_store import _EDGE_COLS, _NODE_COLS, DuckDBStore
from graph.store.model import Subgraph
from tests.graph.graph_fixture import ANNA, BOOKING, BORIS, CARD, CASE, CHEN, DANA, DOC, PHONE, load_fixture

ALL_IDS = [ANNA, BORIS, CHEN, DANA, PHONE, CARD, BOOKING, DOC, CASE]
NOBODY = node_id("Person", "nobody")


def old_form(store: DuckDBStore, node_ids: list[str]) -> Subgraph:
    """The subgraph as the store read it before: the set bound as a list, which DuckDB scans edges for."""
    numbers = sorted({parse_id(i)[1] for i in node_ids})
    con = store._con
    nodes = con.execute(f"SELECT {_NODE_COLS} FROM nodes WHERE nid IN (SELECT unnest($ids))", {"ids": numbers})
    node_rows = nodes.fetchall()  # before the next query: one connection holds one open result
    edges = con.execute(
        f"SELECT {_EDGE_COLS} FROM edges WHERE src IN (SELECT unnest($ids)) AND list_contains($ids, dst)",
        {"ids": numbers},
    )
    return Subgraph(nodes=store._nodes(node_rows), edges=store._edges(edges.fetchall()))


def test_every_small_set_of_fixture_nodes_gives_the_old_answer(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        assert isinstance(store, DuckDBStore)
        load_fixture(store)
        sets = [list(c) for k in range(4) for c in itertools.combinations([*ALL_IDS, NOBODY], k)]
        rng = random.Random(5)
        sets += [rng.sample(ALL_IDS, rng.randint(4, len(ALL_IDS))) for _ in range(30)]
        for ids in sets:
            assert store.subgraph(ids).to_dict() == old_form(store, ids).to_dict(), ids
        assert store.subgraph(ALL_IDS).edges  # the fixture's edges are there to compare


def test_a_set_that_is_empty_or_names_no_stored_node_gives_an_empty_subgraph(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load_fixture(store)
        assert store.subgraph([]).to_dict() == Subgraph().to_dict()
        assert store.subgraph([NOBODY, format_id("Phone", 1)]).to_dict() == Subgraph().to_dict()


def test_an_edge_counts_once_whichever_way_and_only_when_both_ends_are_asked_for(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load_fixture(store)
        full = store.subgraph(ALL_IDS)
        for edge in full.edges:
            pair = store.subgraph([edge.dst, edge.src, edge.src])
            assert edge.id in {e.id for e in pair.edges}
            assert all({e.src, e.dst} <= {edge.src, edge.dst} for e in pair.edges)
