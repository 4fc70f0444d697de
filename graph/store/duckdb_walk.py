"""The two ways the DuckDB store walks a neighbourhood: hop by hop in SQL, or over the adjacency index.

Both hand ``expand`` the same hops, so they reach the same nodes over the same edges (pinned by
``tests/graph/test_duckdb_adjacency.py`` on random graphs); they differ in cost. The SQL walk asks DuckDB
for each hop; the indexed walk slices arrays (``duckdb_adjacency``) and reads only the edge rows it keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

from graph.store.duckdb_adjacency import EDGE_COLS, Adjacency
from graph.store.expand import Row, by_recency, expand

# Filters of a hop, each added only when asked for (a filter that is not needed still costs its test).
_TYPE_FILTER = " AND list_contains($types, e.type)"
_SINCE_FILTER = " AND (e.last_seen IS NULL OR e.last_seen >= $since)"
_UNTIL_FILTER = " AND (e.first_seen IS NULL OR e.first_seen <= $until)"
NODE_COLS = "nid, label, props, first_seen, last_seen, sources, confidence, method"
#: (hop count per node number, edge rows by edge number, node rows, whether the walk was cut)
Walk = tuple[dict[int, int], dict[int, Row], list[Row], bool]


def numbers(values: Iterable[int]) -> str:
    """Node numbers as an SQL list of integer literals: DuckDB answers ``nid IN (1, 2, 3)`` from the index,
    but ``list_contains($ids, nid)`` with a bound list by scanning (measured on 1M nodes, 12 ids: p50 1.7 ms
    against 5-8 ms). Only integers go in, so nothing can be injected.

    >>> numbers([3, 1])
    '3, 1'
    """
    return ", ".join(str(int(n)) for n in values)


def _hop_sql(*, single: bool, ordered: bool, types: bool, since: bool, until: bool) -> str:
    """One hop from a frontier: the edges that touch it (either way) and the node at their other end, at
    most $cap rows. ``ordered`` takes the most recently seen first, for hubs whose thousands of links must be
    cut in SQL; its CTE is materialised so the top-N does not turn the index lookups into full scans. One
    start node is looked up by equality, which DuckDB answers from the index fastest. Built from constant
    fragments: every value is a parameter."""
    filters = (_TYPE_FILTER if types else "") + (_SINCE_FILTER if since else "") + (_UNTIL_FILTER if until else "")
    src, dst = ("e.src = $node", "e.dst = $node") if single else ("e.src IN ({frontier})", "e.dst IN ({frontier})")
    hits = f"""
    SELECT {EDGE_COLS}, e.dst AS nbr FROM edges e WHERE {src}{filters}
    UNION ALL
    SELECT {EDGE_COLS}, e.src AS nbr FROM edges e WHERE {dst}{filters}"""
    if not ordered:  # read with fetchmany: a LIMIT here makes DuckDB plan the lookups worse
        return hits
    order = "ORDER BY last_seen DESC NULLS LAST, nbr, eid"
    return f"WITH hits AS MATERIALIZED ({hits})\nSELECT * FROM hits {order} LIMIT $cap"


def node_rows(con: duckdb.DuckDBPyConnection, hops: dict[int, int]) -> list[Row]:
    """The rows of the nodes a walk reached (those that exist)."""
    return con.execute(f"SELECT {NODE_COLS} FROM nodes WHERE nid IN ({numbers(hops)})").fetchall()


def sql_walk(con: duckdb.DuckDBPyConnection, center: int, depth: int, limit: int, params: dict[str, Any]) -> Walk:
    """``expand`` with each hop asked of DuckDB: (hop count per node number, edge rows by number, cut)."""
    shape = {"types": "types" in params, "since": "since" in params, "until": "until" in params}

    def hop(frontier: list[int], cap: int) -> tuple[list[Row], bool]:
        single = len(frontier) == 1
        ends = {"node": frontier[0]} if single else {}
        # Most nodes have fewer links than the cap: stream them unordered (cheapest) and order them here.
        # A hub fills the cap: stop its stream and let SQL pick the most recent links.
        sql = _hop_sql(single=single, ordered=False, **shape).replace("{frontier}", numbers(frontier))
        rows = con.execute(sql, {**params, **ends}).fetchmany(cap)
        if len(rows) < cap:
            con.complete()
            return by_recency(rows), False
        con.abort()
        sql = _hop_sql(single=single, ordered=True, **shape).replace("{frontier}", numbers(frontier))
        return con.execute(sql, {**params, **ends, "cap": cap}).fetchall(), True

    hops, edges, truncated = expand(center, depth=depth, limit=limit, hop=hop)
    return hops, edges, node_rows(con, hops), truncated


def indexed_walk(
    con: duckdb.DuckDBPyConnection, index: Adjacency, center: int, depth: int, limit: int, params: dict[str, Any]
) -> Walk:
    """``expand`` over the adjacency index, the kept edges' rows from the index too, and only the reached
    nodes read from DuckDB (every statement costs DuckDB about a millisecond however few rows it reads)."""
    hops, kept, truncated = expand(center, depth=depth, limit=limit, hop=lambda f, cap: index.hop(f, cap, params))
    rows = index.edge_rows([row[1] for row in kept.values()]) if kept else []
    return hops, {row[0]: row for row in rows}, node_rows(con, hops), truncated
