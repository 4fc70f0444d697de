"""Write one ingest run into the store: every node label, then every edge type, in one bulk writer.

Why one transaction: a run killed at any point leaves the store as it was (the writer commits all or
nothing), so running it again gives the store one uninterrupted run gives; and every write is an idempotent
upsert, so running it twice changes nothing. ``bulk`` is asked for when the store is empty (a first load:
the store rebuilds its indexes once at the end).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from graph.store import GraphStore
from ingest.pipeline.batch import GraphBatch, schema
from ingest.pipeline.identities import Identities

#: Node labels in write order (people last: they come from resolution).
NODE_ORDER = ("Port", "Voyage", "Document", "Crossing", "Booking", "Phone", "Email", "Address", "Vehicle",
              "Organization", "PaymentInstrument", "Case", "WatchlistEntry", "SourceRecord", "Person")


def tables(batch: GraphBatch, found: Identities) -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    """The node and edge tables of a run, merged one row per item, in write order. The batch's row frames
    of each label and type are let go as soon as they are merged (the peak memory of a big run)."""
    nodes = {}
    for label in NODE_ORDER:
        if label in batch.nodes:
            nodes[label] = batch.finish_nodes(label)
            del batch.nodes[label]
    nodes.update(found.nodes)
    nodes = {k: nodes[k] for k in NODE_ORDER if k in nodes and nodes[k].num_rows}
    edges = {}
    for t in schema().edges:
        if t in batch.edges:
            edges[t] = batch.finish_edges(t)
            del batch.edges[t]
    for etype, table in found.edges.items():
        if table.num_rows:
            edges[etype] = _concat(edges[etype], table) if etype in edges else table
    return nodes, {k: v for k, v in edges.items() if v.num_rows}


def _concat(a: pa.Table, b: pa.Table) -> pa.Table:
    return pa.concat_tables([a, b], promote_options="permissive")


def write(store: GraphStore, nodes: dict[str, pa.Table], edges: dict[str, pa.Table],
          step: Callable[[str], None]) -> dict[str, dict[str, int]]:
    """Upsert everything in one transaction; per label and type the rows written, inserted and updated.
    Each table is taken out of ``nodes``/``edges`` as it is written (its memory goes back before the next)."""
    empty = sum(store.stats().nodes.values()) == 0
    out: dict[str, dict[str, int]] = {}
    with store.writer(bulk=True if empty else None) as w:
        for label in list(nodes):
            step(f"write {label} nodes")
            r = w.upsert_nodes(label, nodes.pop(label))
            out[label] = {"rows": r.rows, "inserted": r.inserted, "updated": r.updated}
        for etype in list(edges):
            step(f"write {etype} edges")
            r = w.upsert_edges(etype, edges.pop(etype))
            out[etype] = {"rows": r.rows, "inserted": r.inserted, "updated": r.updated}
        step("commit")
    return out
