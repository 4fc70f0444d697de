"""Records read from Neo4j as the store contract's values: nodes, edges and Arrow tables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pyarrow as pa

from graph.store.model import Edge, Node

INTERNAL = ("id", "_n", "_key", "first_seen", "last_seen", "sources", "confidence", "method")


def native(v: Any) -> Any:
    """A driver value as plain Python (neo4j.time types to datetime and date)."""
    return v.to_native() if hasattr(v, "to_native") else v


def split_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """The user properties of a stored item, without the internal and provenance ones."""
    return {k: native(v) for k, v in props.items() if k not in INTERNAL and not k.startswith("_t_")}


def provenance(item: Node | Edge) -> dict[str, Any]:
    """The provenance columns of an exported row (what ``upsert_nodes``/``upsert_edges`` take back)."""
    return {
        "first_seen": item.first_seen,
        "last_seen": item.last_seen,
        "sources": list(item.sources),
        "confidence": item.confidence,
        "method": item.method,
    }


def _stored_provenance(props: Mapping[str, Any]) -> tuple[Any, Any, tuple[str, ...], Any, Any]:
    """first_seen, last_seen, sources, confidence and method of a stored item, in the contract's order."""
    return (
        native(props.get("first_seen")),
        native(props.get("last_seen")),
        tuple(props.get("sources") or ()),
        props.get("confidence"),
        props.get("method"),
    )


def to_node(n: Any) -> Node:
    """A Neo4j node as the store contract's ``Node``."""
    props = dict(n)
    label = next(iter(n.labels))
    return Node(props["id"], label, split_props(props), *_stored_provenance(props))

def to_edge(r: Any, src: str, dst: str) -> Edge:
    """A Neo4j relationship between the nodes ``src`` and ``dst`` as the contract's ``Edge``."""
    props = dict(r)
    return Edge(props["id"], r.type, src, dst, split_props(props), *_stored_provenance(props))

EDGE_SCHEMA = pa.schema(
    [
        ("src", pa.int64()),
        ("dst", pa.int64()),
        ("src_label", pa.string()),
        ("dst_label", pa.string()),
        ("type", pa.string()),
        ("eid", pa.int64()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
    ]
)
NODE_SCHEMA = pa.schema(
    [("nid", pa.int64()), ("label", pa.string()), ("first_seen", pa.timestamp("us")), ("last_seen", pa.timestamp("us"))]
)


def to_arrow(records: list[Any], schema: pa.Schema) -> pa.Table:
    """Bolt records as an Arrow table of ``schema`` (times without their zone)."""
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    for rec in records:
        for name in columns:
            value = native(rec[name])
            columns[name].append(value.replace(tzinfo=None) if isinstance(value, datetime) else value)
    return pa.table(columns, schema=schema)
