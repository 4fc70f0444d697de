"""Reads a clue packet another unit sent, and loads it into the store once every check has passed.

``import_packet`` first verifies the packet (``ingest.packet_verify``: safe zip, hashes, signature),
then checks ``graph.json`` against the data model (labels, keys, ids that are the hash of their keys,
edges whose ends are in the packet), and only then writes everything in one writer transaction. Each
item keeps the sender's provenance and gains ``packet:<packet id>/<sender>`` in its sources, so the
receiving unit always sees where a link came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from graph.errors import ClueGraphError
from graph.ids import edge_id, node_id
from graph.schema import RESERVED, Schema
from graph.store.base import GraphStore
from ingest.packet_verify import DEFAULT_LIMITS, Limits, PacketFormatError, VerifiedPacket, verify_packet

GRAPH = "graph.json"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/]+")


@dataclass(frozen=True)
class PacketImport:
    """What an import loaded: the packet, its sender, whose signature was checked, and the counts."""

    packet_id: str
    sender: str
    source: str
    verified_key: str | None
    nodes: int
    edges: int


def packet_source(packet_id: str, sender: str) -> str:
    """The provenance reference items of a packet get: ``packet:<id>/<sender>``.

    >>> packet_source("3f2a", "unit A/port")
    'packet:3f2a/unit A port'
    """
    return f"packet:{packet_id}/{_UNSAFE.sub(' ', sender).strip()[:100] or 'unknown'}"


def _time(value: Any, where: dict[str, Any]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise PacketFormatError("not an ISO time", **where, value=value) from None


def _row(item: dict[str, Any], source: str, where: dict[str, Any]) -> dict[str, Any]:
    sources = item.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise PacketFormatError("sources must be a list of text", **where, field="sources")
    return {
        "first_seen": _time(item.get("first_seen"), {**where, "field": "first_seen"}),
        "last_seen": _time(item.get("last_seen"), {**where, "field": "last_seen"}),
        "sources": [*sources, source],
        "confidence": item.get("confidence"),
        "method": item.get("method"),
    }


def _check_props(props: dict[str, Any], where: dict[str, Any]) -> None:
    """Property names must not be ones the store manages (an edge's ``dst`` in its props would re-aim it)."""
    for name in sorted(props):
        if name in RESERVED or not isinstance(name, str):
            raise PacketFormatError("a property has a reserved name", **where, field=f"props.{name}")


def _check_node(n: Any, i: int, schema: Schema, file: str) -> dict[str, Any]:
    where = {"file": file, "record": f"nodes[{i}]"}
    if not isinstance(n, dict) or not isinstance(n.get("props"), dict) or not isinstance(n.get("id"), str):
        raise PacketFormatError("a node needs id, label and props", **where)
    _check_props(n["props"], where)
    try:
        key = schema.node(str(n.get("label"))).key
        missing = [k for k in key if n["props"].get(k) in (None, "")]
        if missing:
            raise PacketFormatError("a key property is missing", **where, field=missing[0])
        if node_id(n["label"], *(n["props"][k] for k in key)) != n["id"]:
            raise PacketFormatError("the id is not the one its key gives", **where, field="id", value=n["id"])
    except PacketFormatError:
        raise
    except ClueGraphError as err:
        raise PacketFormatError(err.message, **where, field=err.field, value=err.value) from err
    return where


def _check_edge(e: Any, i: int, schema: Schema, ids: set[str], file: str) -> dict[str, Any]:
    where = {"file": file, "record": f"edges[{i}]"}
    if not isinstance(e, dict) or not isinstance(e.get("props"), dict):
        raise PacketFormatError("an edge needs id, type, src, dst and props", **where)
    _check_props(e["props"], where)
    for end in ("src", "dst"):
        if e.get(end) not in ids:
            raise PacketFormatError("an edge end is not a node of the packet", **where, field=end, value=e.get(end))
    try:
        etype = schema.edge(str(e.get("type")))
        expected = edge_id(etype.name, e["src"], e["dst"], e["props"].get(etype.key) if etype.key else None)
    except ClueGraphError as err:
        raise PacketFormatError(err.message, **where, field=err.field, value=err.value) from err
    if expected != e.get("id"):
        raise PacketFormatError("the id is not the one its ends and key give", **where, field="id", value=e.get("id"))
    return where


def read_graph(packet: VerifiedPacket, schema: Schema, file: str) -> dict[str, Any]:
    """``graph.json`` of a verified packet, checked against the data model (``PacketFormatError`` if not)."""
    try:
        doc = json.loads(packet.files[GRAPH].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PacketFormatError(f"graph.json is missing or not JSON: {err}", file=file, record=GRAPH) from err
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list) or not isinstance(doc.get("edges"), list):
        raise PacketFormatError("graph.json needs nodes and edges lists", file=file, record=GRAPH)
    where = f"{file}!{GRAPH}"
    for i, n in enumerate(doc["nodes"]):
        _check_node(n, i, schema, where)
    ids = {n["id"] for n in doc["nodes"]}
    for i, e in enumerate(doc["edges"]):
        _check_edge(e, i, schema, ids, where)
    return doc


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as Arrow, every column any row has (``from_pylist`` alone takes the first row's keys only)."""
    names = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table({name: [row.get(name) for row in rows] for name in names})


def _tables(doc: dict[str, Any], source: str, file: str) -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    nodes: dict[str, list[dict[str, Any]]] = {}
    edges: dict[str, list[dict[str, Any]]] = {}
    for i, n in enumerate(doc["nodes"]):
        row = {**n["props"], **_row(n, source, {"file": file, "record": f"nodes[{i}]"})}
        nodes.setdefault(n["label"], []).append(row)
    for i, e in enumerate(doc["edges"]):
        row = {
            "src": e["src"],
            "dst": e["dst"],
            **e["props"],
            **_row(e, source, {"file": file, "record": f"edges[{i}]"}),
        }
        edges.setdefault(e["type"], []).append(row)
    try:
        return ({k: _table(v) for k, v in sorted(nodes.items())}, {k: _table(v) for k, v in sorted(edges.items())})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
        raise PacketFormatError(f"a property mixes kinds of values: {err}", file=file, record=GRAPH) from err


def import_packet(
    store: GraphStore,
    path: Path,
    *,
    verify_key: Path | Ed25519PublicKey | None = None,
    require_signature: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> PacketImport:
    """Verify the packet at ``path``, then load it into ``store`` in one transaction; nothing on any error."""
    packet = verify_packet(path, verify_key=verify_key, require_signature=require_signature, limits=limits)
    doc = read_graph(packet, store.schema, str(path))
    source = packet_source(packet.packet_id, packet.sender)
    node_tables, edge_tables = _tables(doc, source, f"{path}!{GRAPH}")
    with store.writer() as w:
        for label, table in node_tables.items():
            w.upsert_nodes(label, table)
        for etype, table in edge_tables.items():
            w.upsert_edges(etype, table)
    return PacketImport(
        packet.packet_id, packet.sender, source, packet.verified_key, len(doc["nodes"]), len(doc["edges"])
    )
