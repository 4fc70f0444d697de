"""Copy a graph from one store to another (an embedded DuckDB file to a team's Neo4j server, say).

Idempotent: the target's upserts merge, so a sync can be run again, or after an interruption, and the
target ends with one copy of everything. Each batch is its own transaction on the target.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graph.ids import format_id
from graph.store.base import GraphStore
from graph.store.model import Node

#: Below this many rows a sync writes through transactions: the offline importer's stop, import and start
#: cost about a minute whatever the size.
FIRST_LOAD_MIN_ROWS = 200_000


def sync(
    source: GraphStore,
    target: GraphStore,
    *,
    batch: int = 50_000,
    progress: Callable[[str, int], None] | None = None,
    first_load_min_rows: int = FIRST_LOAD_MIN_ROWS,
) -> dict[str, int]:
    """Copy every node, then every edge, of ``source`` into ``target``; returns rows copied per label/type.

    A target that offers a bulk first load (the Neo4j store's ``first_load``: its offline importer, when
    configured and the database is empty) gets a graph of at least ``first_load_min_rows`` rows through
    it; otherwise each batch is a write."""
    first_load = getattr(target, "first_load", None)
    if first_load is not None and _rows(source) >= first_load_min_rows:
        loaded = first_load(_exports(source, batch), progress=progress)
        if loaded is not None:
            return dict(loaded)
    copied: dict[str, int] = {}
    for label in source.schema.nodes:
        for table in source.export_nodes(label, batch=batch):
            with target.writer() as w:
                w.upsert_nodes(label, table)
            copied[label] = copied.get(label, 0) + table.num_rows
            if progress:
                progress(label, copied[label])
    for edge_type in source.schema.edges:
        for table in source.export_edges(edge_type, batch=batch):
            with target.writer() as w:
                w.upsert_edges(edge_type, table)
            copied[edge_type] = copied.get(edge_type, 0) + table.num_rows
            if progress:
                progress(edge_type, copied[edge_type])
    return copied


def _rows(store: GraphStore) -> int:
    stats = store.stats()
    return sum(stats.nodes.values()) + sum(stats.edges.values())


def _exports(source: GraphStore, batch: int) -> Iterator[tuple[str, str, Any]]:
    """Every node batch, then every edge batch, of ``source``: ``("nodes" | "edges", name, table)``."""
    for label in source.schema.nodes:
        for table in source.export_nodes(label, batch=batch):
            yield "nodes", label, table
    for edge_type in source.schema.edges:
        for table in source.export_edges(edge_type, batch=batch):
            yield "edges", edge_type, table


def answers(store: GraphStore, sample: Sequence[str], words: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """The contract's queries, as (question, plain-data answer) pairs: counts, the edge and node tables,
    and for each sampled node ``get`` and ``neighbours`` (depth 1 to 3, a time window, a type filter), then
    ``subgraph`` of the sample and ``find`` of each word among persons."""
    yield "stats", store.stats().to_dict()
    yield "edge_list", sorted(tuple(r.values()) for r in store.edge_list().to_pylist())
    yield "node_table", sorted(tuple(r.values()) for r in store.node_table().to_pylist())
    for n in sample:
        got = store.get(n)
        yield f"get {n}", got.to_dict() if got else None
        for depth in (1, 2, 3):
            yield f"neighbours {n} depth {depth}", store.neighbours(n, depth=depth, limit=50).to_dict()
        yield f"window {n}", store.neighbours(n, depth=2, since="2024-01-01", until="2024-12-31").to_dict()
        yield f"typed {n}", store.neighbours(n, depth=2, edge_types=["USES", "HOLDS", "MADE"]).to_dict()
    yield "subgraph", store.subgraph(sample).to_dict()
    for w in words:
        yield f"find {w}", [n.to_dict() for n in store.find("Person", text=w, limit=20)]


def compare(a: GraphStore, b: GraphStore, *, sample: int = 200, seed: int = 7) -> dict[str, Any]:
    """Ask both stores the same questions (``answers``) about ``sample`` random nodes of ``a`` and up to ten
    surnames of its persons; how many answers differ, and the first few that do. After a sync: 0."""
    table = a.node_table()
    nodes = [format_id(lab, nid) for lab, nid in zip(table["label"].to_pylist(), table["nid"].to_pylist(), strict=True)]
    rng = random.Random(seed)
    picked = sorted(rng.sample(nodes, min(sample, len(nodes))))
    persons = [i for i in nodes if i.startswith("Person:")]
    found = (a.get(i) for i in rng.sample(persons, min(200, len(persons))))
    words = sorted({str(p.props.get("surname") or "") for p in found if isinstance(p, Node)} - {""})[:10]
    differ, asked = [], 0
    for (question, x), (_, y) in zip(answers(a, picked, words), answers(b, picked, words), strict=True):
        asked += 1
        if x != y:
            differ.append(question)
    return {"questions": asked, "differ": len(differ), "first_differences": differ[:5]}
