"""Writes to the Neo4j store: a batch staged by DuckDB, merged with what is stored, written in one ``SET``.

Labels and types are spliced into Cypher only from the schema; every value is a parameter.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime
from typing import Any

import pyarrow as pa
from neo4j import Driver, ManagedTransaction, Transaction
from neo4j import exceptions as neo4j_errors

from graph.errors import EndpointError
from graph.schema import NodeType, Schema
from graph.store.base import Rows
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.model import WriteResult
from graph.store.neo4j_records import native


def ensure_constraints(driver: Driver, database: str | None, schema: Schema) -> None:
    """Create the uniqueness constraint on ``id`` of every label and edge type that lacks it (a plain index of the same
    name, from an older version, is replaced), one schema transaction each.

    One read when they all exist (every open of the store). Not all in one transaction: built that way, the
    relationship constraints left the transactional writer's relationship writes many times slower (100,000
    relationships: 829/s against 7,408/s, same server, back to back; seen again in this round: with all 34 in one
    transaction, the writer's lookup of 20,000 stored USES ids by their index ran for minutes, about 150 index reads
    a second: that crawl was the lookup's plan, a scan of the index for every id, see ``_CREATE_EDGES``).
    Relationship uniqueness constraints (Community has them since 5.7) also refuse a duplicate edge that two writers
    create at once. They are built by two sessions at once, one transaction each: those of labels and types that hold
    items (after a first load) largest first, so their index populations share both cores and the largest does not
    start last, then the empty ones."""
    wanted = [(f"cg_{label}_id", f"(x:`{label}`)", label, False) for label in schema.nodes]
    wanted += [(f"cg_{edge_type}_id", f"()-[x:`{edge_type}`]-()", edge_type, True) for edge_type in schema.edges]
    with driver.session(database=database) as session:
        found = session.run("SHOW RANGE INDEXES YIELD name, owningConstraint RETURN name, owningConstraint")
        owners = {r["name"]: r["owningConstraint"] for r in found}
        missing = [w for w in wanted if owners.get(w[0]) is None]
        if not missing:
            return
        for name, *_ in missing:
            if name in owners:
                session.run(f"DROP INDEX `{name}`").consume()
        sizes = {what: _stored_count(session, what, edge=edge) for _, _, what, edge in missing}
    empty = [(name, pattern) for name, pattern, what, _ in missing if not sizes[what]]
    full = [(name, pattern) for name, pattern, what, _ in sorted(missing, key=lambda m: -sizes[m[2]]) if sizes[what]]
    # Largest first; the empty ones (one transaction each) after the populated ones, on whichever session is
    # free first: they no longer delay the start of the largest population (after a first load of 1M
    # relationships, 27 empty ones took one to two seconds before any population began).
    tasks = [[item] for item in full] + ([empty] if empty else [])
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda items: _build(driver, database, items), tasks))
    # Wait until every index is online before anything is written: a MERGE planned while its label's index
    # was still populating kept a label-scan plan (770-826 relationships/s against 8,814/s, same fresh server).
    with driver.session(database=database) as session:
        session.run("CALL db.awaitIndexes($seconds)", seconds=_AWAIT_INDEXES_S).consume()


def _build(driver: Driver, database: str | None, items: list[tuple[str, str]]) -> None:
    """Create constraints one schema transaction each, in a session of their own; a transient error (a deadlock
    with the other session's constraint) is retried at once."""
    with driver.session(database=database) as own:
        for item in items:
            for attempt in range(1, 21):
                tx = own.begin_transaction()  # not a context manager: leaving one without an error commits
                try:
                    _create(tx, [item])
                    tx.commit()
                    break
                except neo4j_errors.TransientError:
                    if attempt == 20:
                        raise
                finally:
                    tx.close()  # rolls back what is not committed
                time.sleep(0.02 * attempt)


def _create(tx: ManagedTransaction | Transaction, constraints: list[tuple[str, str]]) -> None:
    """Create constraints in one transaction (``IF NOT EXISTS``: safe to run again). Two sessions creating
    constraints at once can deadlock on a schema lock (a label and a relationship type of the same token id
    share one); ``ensure_constraints`` retries those itself within tens of milliseconds, where the driver's
    ``execute_write`` waited about a second before its first retry (seen in cold first loads)."""
    for name, pattern in constraints:
        tx.run(_constraint(name, pattern)).consume()


def _stored_count(session: Any, label_or_type: str, *, edge: bool) -> int:
    """Items of a label or type, from Neo4j's count store (no scan)."""
    match = f"()-[x:`{label_or_type}`]->()" if edge else f"(x:`{label_or_type}`)"
    return int(session.run(f"MATCH {match} RETURN count(x) AS c").single()["c"])


#: How long opening a store waits for new indexes to come online (a first load's constraints included).
_AWAIT_INDEXES_S = 600


def _constraint(name: str, pattern: str) -> str:
    return f"CREATE CONSTRAINT `{name}` IF NOT EXISTS FOR {pattern} REQUIRE x.id IS UNIQUE"


_CREATE_NODES = "UNWIND $rows AS row CREATE (x:`{label}`) SET x = row.set{times}"
_UPDATE = "UNWIND $rows AS row MATCH {pattern} WHERE elementId(x) = row.e SET x += row.set{times}"
#: Every lookup by id forces a seek of its index (``USING INDEX SEEK``). Planned while the index's statistics
#: still said empty (a type whose first batch was just written, before the index was sampled), the lookup
#: was estimated at 0 rows and a plain ``USING INDEX`` hint was met by an index *scan* and a filter under
#: the ``UNWIND``: every id read every stored entry (PROFILE: 200 ids over 20,000 relationships, 4,000,200
#: db hits; 20,000 ids took 174 s and 129 server CPU s on a fresh server). The seek reads one entry an id.
_CREATE_EDGES = """
UNWIND $rows AS row
MATCH (a:`{src}` {{id: row.src}}) USING INDEX SEEK a:`{src}`(id)
MATCH (b:`{dst}` {{id: row.dst}}) USING INDEX SEEK b:`{dst}`(id)
CREATE (a)-[x:`{type}`]->(b) SET x = row.set{times}
RETURN count(*) AS n"""
#: Times travel as ISO text and become LOCAL DATETIME on the server: the driver's datetime packing costs
#: ~170 us a value, more than the rest of the write.
_TIMES = (
    ", x.first_seen = coalesce(localdatetime(row.f), x.first_seen),"
    " x.last_seen = coalesce(localdatetime(row.l), x.last_seen)"
)


def _stored_cypher(label_or_type: str, *, edge: bool) -> str:
    match = f"()-[x:`{label_or_type}` {{id: id}}]->()" if edge else f"(x:`{label_or_type}` {{id: id}})"
    match += f" USING INDEX SEEK x:`{label_or_type}`(id)"  # see _CREATE_EDGES
    times = "first_seen: toString(x.first_seen), last_seen: toString(x.last_seen)"  # text: see _TIMES
    # One record holding the list: streaming a record per item costs the driver two socket reads each.
    return f"UNWIND $ids AS id MATCH {match} RETURN collect([x.id, elementId(x), x {{.*, {times}}}]) AS found"


def _empty_cypher(label_or_type: str, *, edge: bool) -> str:
    """Counts come from Neo4j's count store: no scan."""
    match = f"()-[x:`{label_or_type}`]->()" if edge else f"(x:`{label_or_type}`)"
    return f"MATCH {match} RETURN count(x) = 0 AS empty"


def _merged(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The properties to set so the stored item holds the merge of ``old`` and ``new`` (earliest first
    sighting, latest last, all sources, latest non-null properties); None when nothing would change."""
    old = {k: native(v) for k, v in (old or {}).items()}
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
OPTIONAL MATCH (a:`{src}` {{id: row.src}}) USING INDEX SEEK a:`{src}`(id)
OPTIONAL MATCH (b:`{dst}` {{id: row.dst}}) USING INDEX SEEK b:`{dst}`(id)
WITH row, a IS NULL AS no_src, b IS NULL AS no_dst WHERE no_src OR no_dst
RETURN row.row AS row, no_src, no_dst, row.src AS src, row.dst AS dst ORDER BY row"""


def _value(v: Any) -> Any:
    """A property value Neo4j can hold: maps and mixed lists become JSON text."""
    if isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict | list) for x in v)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def node_items(ntype: NodeType, staged: pa.Table) -> list[dict[str, Any]]:
    """Staged node rows (``DuckDBWriter.staged``) as items: id, the property values Neo4j stores, provenance."""
    return [
        {
            "id": r["id"],
            "row": r["__row"],
            "values": {"_n": r["n"], **_props(r["props"]), **{f"_t_{t}": r[f"_t_{t}"] for t in ntype.text}},
            **_prov(r),
        }
        for r in staged.to_pylist()
    ]


def edge_items(staged: pa.Table) -> list[dict[str, Any]]:
    """Staged edge rows as items: as ``node_items``, with the endpoint ids and labels."""
    return [
        {
            "id": r["id"],
            "src": r["src"],
            "dst": r["dst"],
            "ends": (r["src_label"], r["dst_label"]),
            "row": r["__row"],
            "values": {"_n": r["n"], "_key": r["key"], **_props(r["props"])},
            **_prov(r),
        }
        for r in staged.to_pylist()
    ]


class Neo4jWriter:
    """Upserts in one explicit Neo4j transaction; the batch is staged by an in-memory DuckDB.

    What exists is read once by id (skipped while the label or type is still empty, as in a first load);
    new items are written with ``CREATE`` (the uniqueness constraints on ``id`` still refuse a duplicate
    that a concurrent writer slipped in), stored ones that change get one ``SET`` by ``elementId``.
    """

    def __init__(self, tx: Transaction, schema: Schema, stager: DuckDBWriter) -> None:
        self._tx = tx
        self._schema = schema
        self._stager = stager

    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        """Upsert nodes of ``label`` (see ``BulkWriter.upsert_nodes``)."""
        ntype = self._schema.node(label)
        items = node_items(ntype, self._stager.staged(ntype, rows))
        new, changed, result = self._plan(label, False, items, rows)
        self._run_batches(_CREATE_NODES.format(label=label, times=_TIMES), [w for _, w in new])
        self._run_batches(_UPDATE.format(pattern="(x)", times=_TIMES), changed)
        return result

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        """Upsert edges of ``edge_type`` (see ``BulkWriter.upsert_edges``)."""
        items = edge_items(self._stager.staged(self._schema.edge(edge_type), rows))
        new, changed, result = self._plan(edge_type, True, items, rows)
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for item, write in new:
            groups.setdefault(item["ends"], []).append({**write, "src": item["src"], "dst": item["dst"]})
        for (src, dst), writes in groups.items():
            cypher = _CREATE_EDGES.format(src=src, dst=dst, type=edge_type, times=_TIMES)
            for start in range(0, len(writes), _CHUNK):
                part = writes[start : start + _CHUNK]
                if self._tx.run(cypher, rows=part).single(strict=True)["n"] != len(part):
                    self._raise_missing_ends(edge_type, src, dst, items)
        self._run_batches(_UPDATE.format(pattern="()-[x]->()", times=_TIMES), changed)
        return result

    def _plan(
        self, name: str, edge: bool, items: list[dict[str, Any]], rows: Rows
    ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], WriteResult]:
        """Split staged items into writes: new ones (item, whole property map) and stored ones that change."""
        stored: dict[str, tuple[str, dict[str, Any]]] = {}
        if items and not self._tx.run(_empty_cypher(name, edge=edge)).single(strict=True)["empty"]:
            ids = [i["id"] for i in items]
            for start in range(0, len(ids), _CHUNK):
                rec = self._tx.run(_stored_cypher(name, edge=edge), ids=ids[start : start + _CHUNK]).single(strict=True)
                for item_id, element, props in rec["found"]:
                    stored[item_id] = (element, _parse_times(props))
        new: list[tuple[dict[str, Any], dict[str, Any]]] = []
        changed: list[dict[str, Any]] = []
        for item in items:
            element, old = stored.get(item["id"], (None, None))
            merged = _merged(item, old)
            if merged is None:
                continue
            first, last = merged.pop("first_seen", None), merged.pop("last_seen", None)
            write = {"set": merged, "f": _iso(first), "l": _iso(last)}
            if element is None:
                merged["id"] = item["id"]
                new.append((item, write))
            else:
                changed.append({**write, "e": element})
        return new, changed, WriteResult(_count(rows), len(items), len(new), len(changed))

    def _run_batches(self, cypher: str, writes: list[dict[str, Any]]) -> None:
        for start in range(0, len(writes), _CHUNK):
            self._tx.run(cypher, rows=writes[start : start + _CHUNK]).consume()

    def _raise_missing_ends(self, edge_type: str, src: str, dst: str, items: list[dict[str, Any]]) -> None:
        """Name the first row whose endpoint does not exist (the transaction is then rolled back whole)."""
        missing: list[tuple[int, str, str]] = []
        ends = [{"row": i["row"], "src": i["src"], "dst": i["dst"]} for i in items if i["ends"] == (src, dst)]
        for rec in self._tx.run(_missing_cypher(src, dst), rows=ends):
            if rec["no_src"]:
                missing.append((0, rec["row"], rec["src"]))
            if rec["no_dst"]:
                missing.append((1, rec["row"], rec["dst"]))
        if not missing:
            raise EndpointError(f"{edge_type} edges: an endpoint was deleted while the batch was written")
        end, row, value = min(missing)
        count = sum(1 for m in missing if m[0] == end)
        raise EndpointError(
            f"{edge_type} edges: endpoint node does not exist; write nodes before their edges ({count} bad "
            f"row{'s' if count > 1 else ''}, nothing of this batch written)",
            record=f"row {row}",
            field=("src", "dst")[end],
            value=value,
        )


_CHUNK = 20_000


def _parse_times(props: dict[str, Any]) -> dict[str, Any]:
    for name in ("first_seen", "last_seen"):
        if props.get(name) is not None:
            props[name] = datetime.fromisoformat(props[name])
    return props


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


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
