"""Writes to the Neo4j store: a batch staged by DuckDB, merged with what is stored, written in one ``SET``.

Labels and types are spliced into Cypher only from the schema; every value is a parameter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

import pyarrow as pa
from neo4j import Transaction
from neo4j import exceptions as neo4j_errors

from graph.errors import EndpointError
from graph.schema import Schema
from graph.store.base import Rows
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.model import WriteResult


def _native(v: Any) -> Any:
    return v.to_native() if hasattr(v, "to_native") else v


def _node_cypher(label: str) -> str:
    return f"UNWIND $rows AS row MERGE (x:`{label}` {{id: row.id}}) SET x += row.set"


def _edge_cypher(edge_type: str, src: str, dst: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (a:`{src}` {{id: row.src}})
MATCH (b:`{dst}` {{id: row.dst}})
MERGE (a)-[x:`{edge_type}` {{id: row.id}}]->(b)
SET x += row.set"""


def _stored_cypher(label_or_type: str, *, edge: bool) -> str:
    if edge:
        return f"UNWIND $ids AS id MATCH ()-[x:`{label_or_type}` {{id: id}}]->() RETURN x"
    return f"UNWIND $ids AS id MATCH (x:`{label_or_type}` {{id: id}}) RETURN x"


def _merged(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The properties to set so the stored item holds the merge of ``old`` and ``new`` (earliest first
    sighting, latest last, all sources, latest non-null properties); None when nothing would change."""
    old = {k: _native(v) for k, v in (old or {}).items()}
    out = {k: v for k, v in new["values"].items() if v is not None}
    firsts = [t for t in (old.get("first_seen"), new["first_seen"]) if t is not None]
    lasts = [t for t in (old.get("last_seen"), new["last_seen"]) if t is not None]
    if firsts:
        out["first_seen"] = min(firsts)
    if lasts:
        out["last_seen"] = max(lasts)
    out["sources"] = sorted(set(old.get("sources") or ()) | set(new["sources"] or ()))
    for name in ("confidence", "method"):
        if new[name] is not None:
            out[name] = new[name]
    if old and all(old.get(k) == v for k, v in out.items()):
        return None
    return out


def _missing_cypher(src: str, dst: str) -> str:
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (a:`{src}` {{id: row.src}})
OPTIONAL MATCH (b:`{dst}` {{id: row.dst}})
WITH row, a IS NULL AS no_src, b IS NULL AS no_dst WHERE no_src OR no_dst
RETURN row.row AS row, no_src, no_dst, row.src AS src, row.dst AS dst ORDER BY row"""


def _value(v: Any) -> Any:
    """A property value Neo4j can hold: maps and mixed lists become JSON text."""
    if isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict | list) for x in v)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


class Neo4jWriter:
    """Upserts in one explicit Neo4j transaction; the batch is staged by an in-memory DuckDB."""

    def __init__(self, tx: Transaction, schema: Schema, stager: DuckDBWriter) -> None:
        self._tx = tx
        self._schema = schema
        self._stager = stager

    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        """Upsert nodes of ``label`` (see ``BulkWriter.upsert_nodes``)."""
        ntype = self._schema.node(label)
        staged = self._stager.staged(ntype, rows).to_pylist()
        items = [
            {
                "id": r["id"],
                "values": {"_n": r["n"], **_props(r["props"]), **{f"_t_{t}": r[f"_t_{t}"] for t in ntype.text}},
                **_prov(r),
            }
            for r in staged
        ]
        return self._write(label, False, _node_cypher(label), items, rows)

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        """Upsert edges of ``edge_type`` (see ``BulkWriter.upsert_edges``)."""
        etype = self._schema.edge(edge_type)
        staged = self._stager.staged(etype, rows).to_pylist()
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in staged:
            groups.setdefault((r["src_label"], r["dst_label"]), []).append(
                {
                    "id": r["id"],
                    "src": r["src"],
                    "dst": r["dst"],
                    "row": r["__row"],
                    "values": {"_n": r["n"], "_key": r["key"], **_props(r["props"])},
                    **_prov(r),
                }
            )
        self._check_ends(edge_type, groups)
        total = WriteResult(_count(rows), len(staged), 0, 0)
        for (src, dst), items in groups.items():
            done = self._write(edge_type, True, _edge_cypher(edge_type, src, dst), items, rows)
            total = WriteResult(
                total.rows, total.distinct, total.inserted + done.inserted, total.updated + done.updated
            )
        return total

    def _check_ends(self, edge_type: str, groups: Mapping[tuple[str, str], list[dict[str, Any]]]) -> None:
        missing: list[tuple[int, str, str]] = []
        for (src, dst), items in groups.items():
            ends = [{"row": i["row"], "src": i["src"], "dst": i["dst"]} for i in items]
            for rec in self._tx.run(_missing_cypher(src, dst), rows=ends):
                if rec["no_src"]:
                    missing.append((0, rec["row"], rec["src"]))
                if rec["no_dst"]:
                    missing.append((1, rec["row"], rec["dst"]))
        if missing:
            end, row, value = min(missing)
            count = sum(1 for m in missing if m[0] == end)
            raise EndpointError(
                f"{edge_type} edges: endpoint node does not exist; write nodes before their edges ({count} bad "
                f"row{'s' if count > 1 else ''}, nothing of this batch written)",
                record=f"row {row}",
                field=("src", "dst")[end],
                value=value,
            )

    def _write(self, name: str, edge: bool, cypher: str, items: list[dict[str, Any]], rows: Rows) -> WriteResult:
        """Read what is stored of these items, merge in Python, write only what is new or changed."""
        if not items:
            return WriteResult(_count(rows), 0, 0, 0)
        stored = {
            rec["x"]["id"]: dict(rec["x"])
            for rec in self._tx.run(_stored_cypher(name, edge=edge), ids=[i["id"] for i in items])
        }
        writes, inserted, updated = [], 0, 0
        for item in items:
            old = stored.get(item["id"])
            merged = _merged(item, old)
            if merged is None:
                continue
            inserted, updated = (inserted + 1, updated) if old is None else (inserted, updated + 1)
            writes.append({"id": item["id"], "src": item.get("src"), "dst": item.get("dst"), "set": merged})
        for start in range(0, len(writes), 10_000):
            self._tx.run(cypher, rows=writes[start : start + 10_000]).consume()
        return WriteResult(_count(rows), len(items), inserted, updated)


def _props(raw: str | None) -> dict[str, Any]:
    return {k: _value(v) for k, v in json.loads(raw or "{}").items()}


def _prov(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in ("first_seen", "last_seen", "sources", "confidence", "method")}


def _rollback(tx: Transaction) -> None:
    """Roll back what is still open; a transaction the server or the network already ended has nothing left."""
    if not tx.closed():
        with suppress(neo4j_errors.Neo4jError, neo4j_errors.DriverError):
            tx.rollback()


def _count(rows: Rows) -> int:
    return int(rows.num_rows) if isinstance(rows, pa.Table) else len(rows)
