"""Bulk, idempotent upserts into the DuckDB store.

A batch goes: Arrow in -> one staging pass that computes ids in SQL and flags every broken rule per row ->
the first broken rule raised with its first row -> endpoints checked -> duplicates in the batch merged ->
new rows inserted, changed rows updated, unchanged rows left alone. All of it runs inside the writer's
transaction, so a bad batch writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from graph.errors import EndpointError, MissingKeyError
from graph.ids import hash63 as hash63_py
from graph.schema import EdgeType, NodeType, Schema
from graph.store import duckdb_text
from graph.store.base import Rows
from graph.store.duckdb_ddl import SEP_SQL, hash63, id_string, norm_text, splitmix64
from graph.store.duckdb_first_load import FirstLoad, precheck_sql, sorted_insert_sql
from graph.store.duckdb_row_sql import insert_columns, json_props, prop_sql, raw_text
from graph.store.duckdb_rules import (
    Rule,
    as_arrow,
    check_key_type,
    edge_rules,
    empty,
    label_of,
    need_column,
    prop_columns,
    provenance_rules,
    q,
    time_sql,
)
from graph.store.model import WriteResult

#: SQL of a value the same for every row of a batch (a literal, a typed NULL or a parameter).
_CONST = re.compile(r"^(NULL::\w+|'[^']*'(::\w+)?|\$\w+)$")


class DuckDBWriter:
    """Upserts nodes and edges on one DuckDB connection, inside the caller's transaction."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        schema: Schema,
        *,
        unindexed: frozenset[str] = frozenset(),
        text_index: bool = False,
    ) -> None:
        self._con = con
        self._schema = schema
        # Tables whose indexes are off for this transaction: rows go in in key order, so the rebuild at
        # the end is one cheap pass and range scans by key touch few row groups.
        self._unindexed = unindexed
        # Whether each batch keeps the text index (``duckdb_text``) up to date; if not, the store builds
        # it again at the end of the block when nodes were written (``nodes_written``).
        self._text_index = text_index
        self.nodes_written = False
        # the last node row the text index covers, when ``index_text`` built it and no node changed since
        self._text_upto: int | None = None

    def index_text(self) -> None:
        """Build the text index over the nodes written so far now, not at the end of the block (see
        ``duckdb_text.extend``): for a writer with time to spare before its last nodes. Nothing to do where
        each batch keeps the index up to date."""
        if self._text_index:
            return
        duckdb_text.rebuild(self._con)
        self._text_upto = int(self._one("SELECT coalesce(max(rowid), -1) FROM nodes")[0])

    def text_indexed_upto(self) -> int | None:
        """The last node row (``rowid``) the text index of ``index_text`` covers; None when there is none
        or a node it covers has changed since (the block's end then builds the index again)."""
        return self._text_upto

    # ---------------------------------------------------------------- public
    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        """Upsert nodes of ``label`` (see ``BulkWriter.upsert_nodes``)."""
        ntype = self._schema.node(label)
        table = as_arrow(rows)
        if table.num_rows == 0:
            return WriteResult(0, 0, 0, 0)
        self.nodes_written = True
        try:
            fresh = self._stage_nodes(ntype, table)
            if fresh and self._text_index:
                duckdb_text.add(self._con, "label = $label", {"label": label})
            return fresh or self._merge("nodes", "nid", ntype, rows=table.num_rows)
        finally:
            self._cleanup()

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        """Upsert edges of ``edge_type`` (see ``BulkWriter.upsert_edges``)."""
        etype = self._schema.edge(edge_type)
        table = as_arrow(rows)
        if table.num_rows == 0:
            return WriteResult(0, 0, 0, 0)
        try:
            fresh = self._stage_edges(etype, table)
            if fresh:
                return fresh
            self._check_endpoints_exist(f"{edge_type} edges")
            return self._merge("edges", "eid", etype, rows=table.num_rows)
        finally:
            self._cleanup()

    def staged(self, kind: NodeType | EdgeType, rows: Rows) -> pa.Table:
        """Check a batch and merge its duplicates without writing it: the rows another store (Neo4j) writes.

        Node rows: ``id, props`` (JSON), provenance, ``__row`` (first input row) and one ``_t_<prop>`` column
        of normalised search text per text property. Edge rows: ``id, src, dst`` (ids), ``src_label``,
        ``dst_label``, ``key``, ``props``, provenance, ``__row``. Endpoints are not checked here.
        """
        table = as_arrow(rows)
        try:
            if isinstance(kind, NodeType):
                self._stage_nodes(kind, table)
                texts = "".join(f", {norm_text(prop_sql(t))} AS _t_{t}" for t in kind.text)
                select = f"SELECT {id_string('label', 'nid')} AS id, nid AS n{texts}"
            else:
                self._stage_edges(kind, table)
                select = (
                    f"SELECT {id_string('type', 'eid')} AS id, eid AS n, {id_string('src_label', 'src')} AS src, "
                    f"{id_string('dst_label', 'dst')} AS dst, src_label, dst_label, key"
                )
            rel = self._con.sql(
                f"{select}, props, first_seen, last_seen, from_json(sources, '[\"VARCHAR\"]') AS sources, "
                "confidence, method, __row FROM __stage ORDER BY __row"
            )
            return rel.to_arrow_table()
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        """Drop the batch's scratch tables (after an error the transaction is aborted: its rollback does)."""
        try:
            for name in ("__pre", "__stage", "__upd", "__old_text"):
                self._con.execute(f"DROP TABLE IF EXISTS {name}")
        except duckdb.TransactionException:
            pass

    def _stage_nodes(self, ntype: NodeType, table: pa.Table) -> WriteResult | None:
        what = f"{ntype.name} nodes"
        props = prop_columns(table, what, reserved=("id", "label"))
        for k in ntype.key:
            need_column(table, k, what, "key column is missing")
            check_key_type(table, k, what)
        rules = [Rule(empty(k), k, "key value is empty", MissingKeyError) for k in ntype.key]
        canon = " || ".join(f"{SEP_SQL} || CAST({q(k)} AS VARCHAR)" for k in ntype.key)
        ids = f"{hash63('$label || ' + canon)} AS nid, $label AS label"
        return self._stage(ntype, table, what, ids, props, rules, {"label": ntype.name}, {"label": "$label"})

    def _stage_edges(self, etype: EdgeType, table: pa.Table) -> WriteResult | None:
        what = f"{etype.name} edges"
        for end in ("src", "dst"):
            need_column(table, end, what, "endpoint column is missing")
        if etype.key:
            need_column(table, etype.key, what, "key column is missing")
            check_key_type(table, etype.key, what)
        props = [c for c in prop_columns(table, what, reserved=("id", "type")) if c not in ("src", "dst")]
        src, dst = q("src"), q("dst")
        if etype.symmetric:
            src, dst = f"least({src}, {dst})", f"greatest({src}, {dst})"
        key = f"CAST({q(etype.key)} AS VARCHAR)" if etype.key else "NULL::VARCHAR"
        ids = (
            f"$type AS type, coalesce(TRY_CAST('0x' || right({src}, 16) AS BIGINT), 0) AS src, "
            f"coalesce(TRY_CAST('0x' || right({dst}, 16) AS BIGINT), 0) AS dst, "
            f"{label_of(src, etype.sources)} AS src_label, "
            f"{label_of(dst, etype.targets)} AS dst_label, {key} AS key, coalesce({hash63(key)}, 0) AS key_n"
        )
        params = {"type": etype.name, "type_n": hash63_py(etype.name)}
        fixed = {"type": "$type", "src_label": label_of(src, etype.sources), "dst_label": label_of(dst, etype.targets)}
        fixed["key"] = key
        return self._stage(etype, table, what, ids, props, edge_rules(etype), params, fixed)

    # ------------------------------------------------------------ validation
    def _raise_first_broken(self, table: pa.Table, what: str, rules: list[Rule]) -> None:
        """Raise for the first rule any row breaks, naming its first row, its field and its value."""
        if not self._one("SELECT count(*) FROM __pre WHERE __bad <> 0")[0]:
            return
        for i, rule in enumerate(rules):
            first, count = self._one(f"SELECT min(__row), count(*) FROM __pre WHERE (__bad >> {i}) & 1 = 1")
            if count:
                value = table.column(rule.field)[int(first)].as_py() if rule.field in table.column_names else None
                raise rule.error(
                    f"{what}: {rule.says} ({count} bad row{'s' if count > 1 else ''}, nothing of this batch written)",
                    record=f"row {first}",
                    field=rule.field,
                    value=value,
                )

    def _check_endpoints_exist(self, what: str) -> None:
        for end in ("src", "dst"):
            first, count, value = self._one(
                f"SELECT min(s.__row), count(*), arg_min(s.{end}_label || ':' || lpad(printf('%x', s.{end}), 16, "
                f"'0'), s.__row) FROM __stage s ANTI JOIN nodes n ON n.nid = s.{end}"
            )
            if count:
                raise EndpointError(
                    f"{what}: endpoint node does not exist; write nodes before their edges ({count} bad "
                    f"row{'s' if count > 1 else ''}, nothing of this batch written)",
                    record=f"row {first}",
                    field=end,
                    value=value,
                )

    # --------------------------------------------------------------- staging
    def _stage(
        self,
        kind: NodeType | EdgeType,
        table: pa.Table,
        what: str,
        ids: str,
        props: Sequence[str],
        rules: list[Rule],
        params: dict[str, Any],
        fixed: dict[str, str] | None = None,
    ) -> WriteResult | None:
        """Build ``__stage``: one row per distinct ``key``, provenance parsed, properties as JSON. When the
        fast path of a first load has already written the batch, return its result instead."""
        rules = rules + provenance_rules(table)
        key = "nid" if isinstance(kind, NodeType) else "eid"
        cols = table.column_names
        props_sql = json_props(table, props)
        first, last = (time_sql(table, t) for t in ("first_seen", "last_seen"))
        first, last = first or last or "NULL::TIMESTAMP", last or first or "NULL::TIMESTAMP"
        sources = "'[]'::JSON"  # a JSON array of text, sorted and distinct (see duckdb_ddl)
        if "sources" in cols:
            typ = table.schema.field("sources").type
            if pa.types.is_list(typ) or pa.types.is_large_list(typ):
                sources = "to_json(list_sort(list_distinct(coalesce(sources, [])::VARCHAR[])))"
            else:  # json_array gives the same text as building it, at half the cost (no parse)
                sources = "CASE WHEN sources IS NULL THEN '[]'::JSON ELSE json_array(CAST(sources AS VARCHAR)) END"
        conf = "TRY_CAST(confidence AS DOUBLE)" if "confidence" in cols else "NULL::DOUBLE"
        method = "CAST(method AS VARCHAR)" if "method" in cols else "NULL::VARCHAR"
        bad = " | ".join(f"(CASE WHEN {r.bad} THEN {1 << i} ELSE 0 END)" for i, r in enumerate(rules)) or "0"
        select = (
            f"SELECT __row, {bad}::BIGINT AS __bad, {ids}, {props_sql} AS props, {first} AS first_seen, "
            f"{last} AS last_seen, {sources} AS sources, {conf} AS confidence, {method} AS method FROM __in"
        )
        if key == "eid":  # mix the edge number from type, ends and key (graph.ids.edge_number)
            select = f"SELECT *, {splitmix64('xor($type_n::UHUGEINT, src::UHUGEINT)')} AS h1 FROM ({select})"
            select = f"SELECT *, {splitmix64('xor(h1, dst::UHUGEINT)')} AS h2 FROM ({select})"
            select = (
                f"SELECT * EXCLUDE (h1, h2, key_n), ({splitmix64('xor(h2, key_n::UHUGEINT)')} >> 1)::BIGINT "
                f"AS eid FROM ({select})"
            )
        parts = {"first_seen": first, "last_seen": last, "sources": sources, "confidence": conf, "method": method}
        if key == "eid":
            parts["props"] = props_sql
        consts = {c: e for c, e in {**parts, **(fixed or {})}.items() if _CONST.match(e)}
        self._con.register("__in", table.append_column("__row", pa.array(np.arange(table.num_rows))))
        raw = raw_text(kind, table, props)
        fast = select.replace(" AS props, ", f" AS props, {raw} AS __tx, ", 1) if raw else select
        try:
            fresh = self._insert_fresh(kind, fast, params, rules, consts, raw_tx=raw is not None)
            if fresh:
                return fresh
            self._con.execute("DROP TABLE IF EXISTS __pre")
            self._con.execute(f"CREATE TEMP TABLE __pre AS {select}", params)
        finally:
            self._con.unregister("__in")
        self._raise_first_broken(table, what, rules)
        self._dedupe(key)
        return None

    def _insert_fresh(
        self,
        kind: NodeType | EdgeType,
        select: str,
        params: dict[str, Any],
        rules: list[Rule],
        consts: dict[str, str],
        *,
        raw_tx: bool = False,
    ) -> WriteResult | None:
        """With the table's indexes off (a first load): insert straight from the input, in key order, and
        check after (``duckdb_first_load``); None when the careful path must do the batch. ``raw_tx``: the
        rows of ``select`` carry the node text's words in ``__tx`` (``raw_text``)."""
        table = "nodes" if isinstance(kind, NodeType) else "edges"
        if table not in self._unindexed:
            return None
        cols, _ = insert_columns(table, "s")
        text = norm_text("s.__tx") if raw_tx else self._text_sql(kind).format(p="s.props")
        insert = sorted_insert_sql(table, cols.split(", "), select, consts, text, carry=("__tx",) if raw_tx else ())
        return FirstLoad(self._con).insert(kind, insert, params, precheck_sql(kind, rules))

    def _dedupe(self, key: str) -> None:
        """Rename ``__pre`` to ``__stage``, merging rows of one id first (earliest/latest times, all sources,
        properties patched in row order, last non-null confidence and method)."""
        n, distinct = self._one(f"SELECT count(*), count(DISTINCT {key}) FROM __pre")
        self._con.execute("DROP TABLE IF EXISTS __stage")
        if n == distinct:
            self._con.execute("ALTER TABLE __pre RENAME TO __stage")
            return
        others = ("label",) if key == "nid" else ("type", "src", "dst", "src_label", "dst_label", "key")
        keep = "".join(f", any_value({c}) AS {c}" for c in others)
        self._con.execute(
            f"""CREATE TEMP TABLE __stage AS SELECT {key}{keep}, min(__row) AS __row,
                list_reduce(list(coalesce(props, '{{}}'::JSON) ORDER BY __row),
                            lambda a, b: json_merge_patch(a, b)) AS props,
                min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                to_json(list_sort(list_distinct(flatten(list(from_json(sources, '["VARCHAR"]')))))) AS sources,
                arg_max(confidence, __row) FILTER (WHERE confidence IS NOT NULL) AS confidence,
                arg_max(method, __row) FILTER (WHERE method IS NOT NULL) AS method
            FROM __pre GROUP BY {key}"""
        )
        self._con.execute("DROP TABLE __pre")

    # ----------------------------------------------------------------- merge
    def _merge(self, table: str, key: str, kind: NodeType | EdgeType, *, rows: int) -> WriteResult:
        con = self._con
        distinct = self._one("SELECT count(*) FROM __stage")[0]
        existing = self._one(f"SELECT count(*) FROM {self._scope(table)}", self._params(table, kind))[0]
        text = self._text_sql(kind)
        cols, vals = insert_columns(table, "s")
        vals = vals.replace("{text}", text.format(p="s.props"))
        updated = self._changed(table, key, kind.name) if existing else 0
        anti = f"ANTI JOIN {self._scope(table)} t ON t.{key} = s.{key}" if existing else ""
        retext = table == "nodes" and self._text_index
        if retext:  # the text each node of the batch had before (NULL: a new node)
            con.execute(
                "CREATE OR REPLACE TEMP TABLE __old_text AS SELECT s.nid, t.text FROM __stage s LEFT JOIN nodes t "
                "ON t.nid = s.nid"
            )
        order = f"ORDER BY s.{'nid' if table == 'nodes' else 'src'}" if table in self._unindexed else ""
        inserted = self._one(
            f"INSERT INTO {table} ({cols}) SELECT {vals} FROM __stage s {anti} {order}",
            self._params(table, kind) if existing else None,
        )[0]
        if updated:
            if table == "nodes":
                self._text_upto = None  # a node's text may have changed: ``index_text``'s index is stale
            text_set = f", text = {text.format(p='u.props')}" if table == "nodes" else ""
            con.execute(
                f"""UPDATE {table} SET props = u.props, first_seen = u.first_seen, last_seen = u.last_seen,
                    sources = u.sources, confidence = u.confidence, method = u.method{text_set}
                    FROM __upd u WHERE {table}.{key} = u.{key}"""
            )
        if retext:
            duckdb_text.refresh_changed(con, "__old_text")
        con.execute("DROP TABLE IF EXISTS __upd")
        con.execute("DROP TABLE IF EXISTS __stage")
        return WriteResult(rows=rows, distinct=distinct, inserted=inserted, updated=updated)

    @staticmethod
    def _scope(table: str) -> str:
        """The stored rows a batch can match. An edge number mixes in its type, so only stored edges of
        the batch's type can match: filtering on it keeps the join to that type."""
        return "(SELECT * FROM edges WHERE type = $type)" if table == "edges" else table

    @staticmethod
    def _params(table: str, kind: NodeType | EdgeType) -> dict[str, Any] | None:
        return {"type": kind.name} if table == "edges" else None

    def _changed(self, table: str, key: str, name: str) -> int:
        """Stage in ``__upd`` the merged values of the stored items this batch changes; return how many."""
        self._con.execute("DROP TABLE IF EXISTS __upd")
        self._con.execute(
            f"""CREATE TEMP TABLE __upd AS SELECT * FROM (
                SELECT s.{key},
                  CASE WHEN s.props IS NULL THEN t.props WHEN t.props IS NULL THEN s.props
                       ELSE json_merge_patch(t.props, s.props) END AS props,
                  least(t.first_seen, s.first_seen) AS first_seen,
                  greatest(t.last_seen, s.last_seen) AS last_seen,
                  to_json(list_sort(list_distinct(list_concat(from_json(t.sources, '["VARCHAR"]'),
                                                              from_json(s.sources, '["VARCHAR"]'))))) AS sources,
                  coalesce(s.confidence, t.confidence) AS confidence,
                  coalesce(s.method, t.method) AS method,
                  t.props AS o_props, t.first_seen AS o_first, t.last_seen AS o_last,
                  t.sources AS o_sources, t.confidence AS o_conf, t.method AS o_method
                FROM __stage s JOIN {self._scope(table)} t ON t.{key} = s.{key})
              WHERE props IS DISTINCT FROM o_props OR first_seen IS DISTINCT FROM o_first
                 OR last_seen IS DISTINCT FROM o_last OR sources IS DISTINCT FROM o_sources
                 OR confidence IS DISTINCT FROM o_conf OR method IS DISTINCT FROM o_method""",
            {"type": name} if table == "edges" else None,
        )
        return int(self._one("SELECT count(*) FROM __upd")[0])

    @staticmethod
    def _text_sql(kind: NodeType | EdgeType) -> str:
        if not isinstance(kind, NodeType) or not kind.text:
            return "NULL"
        parts = ", ".join(f"json_extract_string({{p}}, '$.{t}')" for t in kind.text)
        return norm_text(f"concat_ws(' ', {parts})")

    def _one(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...]:
        rows = self._con.execute(sql, params).fetchall()  # fetch to the end: DuckDB 2 keeps open results
        return tuple(rows[0])
