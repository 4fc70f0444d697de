"""Copy a graph from one store to another (an embedded DuckDB file to a team's Neo4j server, say).

Idempotent: the target's upserts merge, so a sync can be run again, or after an interruption, and the
target ends with one copy of everything. Each batch is its own transaction on the target.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.store.base import GraphStore


def sync(
    source: GraphStore, target: GraphStore, *, batch: int = 50_000, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every node, then every edge, of ``source`` into ``target``; returns rows copied per label/type."""
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
