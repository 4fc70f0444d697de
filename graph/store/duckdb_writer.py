"""Bulk, idempotent upserts into the DuckDB store.

A batch goes: Arrow in -> one validation pass (every rule, first bad row named) -> a staged table with ids
computed in SQL -> duplicates in the batch merged -> new rows inserted, changed rows updated, unchanged rows
left alone. All of it runs inside the writer's transaction, so a bad batch writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from graph.errors import EndpointError, InvalidIdError, InvalidInputError, InvalidValueError, MissingKeyError
from graph.ids import ID_PATTERN
from graph.schema import EdgeType, NodeType, Schema
from graph.store.base import Rows
from graph.store.duckdb_ddl import INDEX_NAMES, INDEXES, SEP_SQL, hash63, id_number, norm_text
from graph.store.model import WriteResult

PROVENANCE = ("first_seen", "last_seen", "sources", "confidence", "method")
_PROP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEY_TYPES = (pa.types.is_null, pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_date32)


def as_arrow(rows: Rows) -> pa.Table:
    """The rows as an Arrow table (a DataFrame's index is dropped)."""
    if isinstance(rows, pa.Table):
        return rows
    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows, preserve_index=False)
    raise InvalidInputError("rows must be a pandas DataFrame or a pyarrow Table", value=type(rows).__name__)


def _q(name: str) -> str:
    return f'"{name}"'


class DuckDBWriter:
    """Upserts nodes and edges on one DuckDB connection, inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, schema: Schema) -> None:
        self._con = con
        self._schema = schema

    # ---------------------------------------------------------------- public
    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        """Upsert nodes of ``label`` (see ``BulkWriter.upsert_nodes``)."""
        ntype = self._schema.node(label)
        table = as_arrow(rows)
        if table.num_rows == 0:
            return WriteResult(0, 0, 0, 0)
        what = f"{label} nodes"
        props = self._prop_columns(table, what)
        for k in ntype.key:
            if k not in table.column_names:
                raise MissingKeyError(f"{what}: key column is missing", field=k)
            self._check_key_type(table, k, what)
        self._register(table)
        checks = [(f"{_q(k)} IS NULL OR trim(CAST({_q(k)} AS VARCHAR)) = ''", k, "key value is empty", MissingKeyError)
                  for k in ntype.key]
        self._validate(table, what, checks)
        canon = " || ".join([f"{SEP_SQL} || CAST({_q(k)} AS VARCHAR)" for k in ntype.key])
        self._stage(table, f"{hash63('$label || ' + canon)} AS nid, $label AS label", props, {"label": label})
        return self._merge("nodes", "nid", ntype, rows=table.num_rows)

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        """Upsert edges of ``edge_type`` (see ``BulkWriter.upsert_edges``)."""
        etype = self._schema.edge(edge_type)
        table = as_arrow(rows)
        if table.num_rows == 0:
            return WriteResult(0, 0, 0, 0)
        what = f"{edge_type} edges"
        for end in ("src", "dst"):
            if end not in table.column_names:
                raise MissingKeyError(f"{what}: endpoint column is missing", field=end)
        if etype.key and etype.key not in table.column_names:
            raise MissingKeyError(f"{what}: key column is missing", field=etype.key)
        if etype.key:
            self._check_key_type(table, etype.key, what)
        props = [c for c in self._prop_columns(table, what) if c not in ("src", "dst")]
        self._register(table)
        self._validate(table, what, self._edge_checks(etype))
        src, dst = _q("src"), _q("dst")
        if etype.symmetric:
            src, dst = f"least({_q('src')}, {_q('dst')})", f"greatest({_q('src')}, {_q('dst')})"
        key = f"CAST({_q(etype.key)} AS VARCHAR)" if etype.key else "NULL::VARCHAR"
        canon = f"$type || {SEP_SQL} || {src} || {SEP_SQL} || {dst} || {SEP_SQL} || coalesce({key}, '')"
        ids = (
            f"{hash63(canon)} AS eid, $type AS type, {id_number(src)} AS src, {id_number(dst)} AS dst, "
            f"split_part({src}, ':', 1) AS src_label, split_part({dst}, ':', 1) AS dst_label, {key} AS key"
        )
        self._stage(table, ids, props, {"type": edge_type})
        self._check_endpoints_exist(what)
        return self._merge("edges", "eid", etype, rows=table.num_rows)

    # ------------------------------------------------------------ validation
    def _prop_columns(self, table: pa.Table, what: str) -> list[str]:
        cols = [c for c in table.column_names if c not in PROVENANCE]
        for c in cols:
            if not _PROP.match(c) or c == "__row":
                raise InvalidValueError(f"{what}: a property name must be a plain identifier", field=c)
        reserved = ("id", "label") if what.endswith("nodes") else ("id", "type")
        for c in cols:
            if c in reserved:
                raise InvalidValueError(f"{what}: reserved column name", field=c)
        return cols

    @staticmethod
    def _check_key_type(table: pa.Table, column: str, what: str) -> None:
        typ = table.schema.field(column).type
        if not any(test(typ) for test in _KEY_TYPES):
            raise InvalidValueError(
                f"{what}: a key column must hold text, integers or dates, not {typ}", field=column
            )

    def _edge_checks(self, etype: EdgeType) -> list[tuple[str, str, str, type[InvalidInputError]]]:
        checks: list[tuple[str, str, str, type[InvalidInputError]]] = []
        for end, labels in (("src", etype.sources), ("dst", etype.targets)):
            col = _q(end)
            checks.append((f"{col} IS NULL", end, "endpoint id is empty", MissingKeyError))
            checks.append((f"NOT regexp_full_match({col}, '{ID_PATTERN}')", end,
                           "not a node id (Label:16 hex digits)", InvalidIdError))
            allowed = ", ".join(f"'{lab}'" for lab in labels)
            checks.append((f"split_part({col}, ':', 1) NOT IN ({allowed})", end,
                           f"endpoint label not allowed for {etype.name} (allowed: {', '.join(labels)})",
                           EndpointError))
        if etype.key:
            checks.append((f"{_q(etype.key)} IS NULL OR trim(CAST({_q(etype.key)} AS VARCHAR)) = ''",
                           etype.key, "key value is empty", MissingKeyError))
        return checks

    def _validate(
        self, table: pa.Table, what: str, checks: list[tuple[str, str, str, type[InvalidInputError]]]
    ) -> None:
        """One pass over the batch for every rule; raise for the first rule broken, naming its first row."""
        cols = table.column_names
        checks = list(checks)
        for t in ("first_seen", "last_seen"):
            if t in cols:
                checks.append((f"{_q(t)} IS NOT NULL AND TRY_CAST({_q(t)} AS TIMESTAMPTZ) IS NULL", t,
                               "not a date or time", InvalidValueError))
        if "first_seen" in cols and "last_seen" in cols:
            checks.append(("TRY_CAST(first_seen AS TIMESTAMPTZ) > TRY_CAST(last_seen AS TIMESTAMPTZ)",
                           "last_seen", "last_seen is before first_seen", InvalidValueError))
        if "confidence" in cols:
            checks.append(("TRY_CAST(confidence AS DOUBLE) NOT BETWEEN 0 AND 1 OR "
                           "(confidence IS NOT NULL AND TRY_CAST(confidence AS DOUBLE) IS NULL)",
                           "confidence", "confidence must be between 0 and 1", InvalidValueError))
        exprs = ", ".join(f"min(CASE WHEN {cond} THEN __row END), count_if(coalesce({cond}, false))"
                          for cond, *_ in checks)
        found = self._con.execute(f"SELECT {exprs} FROM __in").fetchone()
        assert found is not None
        for i, (_cond, field, rule, error) in enumerate(checks):
            first, count = found[2 * i], found[2 * i + 1]
            if count:
                value = self._value_at(table, field, int(first))
                raise error(f"{what}: {rule} ({count} bad row{'s' if count > 1 else ''}, "
                            f"nothing of this batch written)", record=f"row {first}", field=field, value=value)

    @staticmethod
    def _value_at(table: pa.Table, field: str, row: int) -> Any:
        return table.column(field)[row].as_py() if field in table.column_names else None

    def _check_endpoints_exist(self, what: str) -> None:
        for end in ("src", "dst"):
            first, count, value = self._con.execute(
                f"SELECT min(s.__row), count(*), arg_min(s.{end}_label || ':' || lpad(printf('%x', s.{end}), 16, '0'), "
                f"s.__row) FROM __stage s ANTI JOIN nodes n ON n.nid = s.{end}"
            ).fetchone() or (None, 0, None)
            if count:
                raise EndpointError(
                    f"{what}: endpoint node does not exist; write nodes before their edges ({count} bad "
                    f"row{'s' if count > 1 else ''}, nothing of this batch written)",
                    record=f"row {first}", field=end, value=value)

    # --------------------------------------------------------------- staging
    def _register(self, table: pa.Table) -> None:
        table = table.append_column("__row", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        self._con.register("__in", table)

    def _stage(self, table: pa.Table, id_cols: str, props: Sequence[str], params: dict[str, Any]) -> None:
        """Build ``__stage``: one row per distinct id, provenance parsed, properties as JSON."""
        cols = table.column_names
        pairs = ", ".join(f"'{p}', {_q(p)}" for p in props)
        props_sql = f"json_merge_patch('{{}}', json_object({pairs}))" if props else "NULL::JSON"
        first = "TRY_CAST(first_seen AS TIMESTAMPTZ)::TIMESTAMP" if "first_seen" in cols else None
        last = "TRY_CAST(last_seen AS TIMESTAMPTZ)::TIMESTAMP" if "last_seen" in cols else None
        first, last = first or last or "NULL::TIMESTAMP", last or first or "NULL::TIMESTAMP"
        sources = "[]::VARCHAR[]"
        if "sources" in cols:
            if pa.types.is_list(table.schema.field("sources").type) or pa.types.is_large_list(
                table.schema.field("sources").type
            ):
                sources = "list_sort(list_distinct(coalesce(sources, [])::VARCHAR[]))"
            else:
                sources = "CASE WHEN sources IS NULL THEN []::VARCHAR[] ELSE [CAST(sources AS VARCHAR)] END"
        conf = "TRY_CAST(confidence AS DOUBLE)" if "confidence" in cols else "NULL::DOUBLE"
        method = "CAST(method AS VARCHAR)" if "method" in cols else "NULL::VARCHAR"
        self._con.execute("DROP TABLE IF EXISTS __pre")
        self._con.execute(
            f"CREATE TEMP TABLE __pre AS SELECT __row, {id_cols}, {props_sql} AS props, {first} AS first_seen, "
            f"{last} AS last_seen, {sources} AS sources, {conf} AS confidence, {method} AS method FROM __in",
            params,
        )
        self._con.unregister("__in")
        key = "nid" if "AS nid" in id_cols else "eid"
        n, distinct = self._one(f"SELECT count(*), count(DISTINCT {key}) FROM __pre")
        self._con.execute("DROP TABLE IF EXISTS __stage")
        if n == distinct:
            self._con.execute("ALTER TABLE __pre RENAME TO __stage")
            return
        others = [c for c in ("label", "type", "src", "dst", "src_label", "dst_label", "key") if f"AS {c}" in id_cols]
        keep = "".join(f", any_value({c}) AS {c}" for c in others)
        self._con.execute(
            f"""CREATE TEMP TABLE __stage AS SELECT {key}{keep}, min(__row) AS __row,
                list_reduce(list(coalesce(props, '{{}}'::JSON) ORDER BY __row),
                            lambda a, b: json_merge_patch(a, b)) AS props,
                min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                list_sort(list_distinct(flatten(list(sources)))) AS sources,
                arg_max(confidence, __row) FILTER (WHERE confidence IS NOT NULL) AS confidence,
                arg_max(method, __row) FILTER (WHERE method IS NOT NULL) AS method
            FROM __pre GROUP BY {key}"""
        )
        self._con.execute("DROP TABLE __pre")

    # ----------------------------------------------------------------- merge
    def _merge(self, table: str, key: str, kind: NodeType | EdgeType, *, rows: int) -> WriteResult:
        con = self._con
        distinct = self._one("SELECT count(*) FROM __stage")[0]
        existing = self._one(f"SELECT count(*) FROM {table}")[0]
        text = self._text_sql(kind)
        if table == "nodes":
            cols = "nid, label, props, text, first_seen, last_seen, sources, confidence, method"
            vals = f"s.nid, s.label, s.props, {text.format(p='s.props')}, s.first_seen, s.last_seen, s.sources, s.confidence, s.method"
        else:
            cols = ("eid, type, src, dst, src_label, dst_label, key, props, first_seen, last_seen, sources, "
                    "confidence, method")
            vals = ("s.eid, s.type, s.src, s.dst, s.src_label, s.dst_label, s.key, s.props, s.first_seen, "
                    "s.last_seen, s.sources, s.confidence, s.method")
        updated = 0
        if existing:
            con.execute("DROP TABLE IF EXISTS __upd")
            con.execute(
                f"""CREATE TEMP TABLE __upd AS SELECT * FROM (
                    SELECT s.{key},
                      CASE WHEN s.props IS NULL THEN t.props WHEN t.props IS NULL THEN s.props
                           ELSE json_merge_patch(t.props, s.props) END AS props,
                      least(t.first_seen, s.first_seen) AS first_seen,
                      greatest(t.last_seen, s.last_seen) AS last_seen,
                      list_sort(list_distinct(list_concat(t.sources, s.sources))) AS sources,
                      coalesce(s.confidence, t.confidence) AS confidence,
                      coalesce(s.method, t.method) AS method,
                      t.props AS o_props, t.first_seen AS o_first, t.last_seen AS o_last,
                      t.sources AS o_sources, t.confidence AS o_conf, t.method AS o_method
                    FROM __stage s JOIN {table} t ON t.{key} = s.{key})
                  WHERE props IS DISTINCT FROM o_props OR first_seen IS DISTINCT FROM o_first
                     OR last_seen IS DISTINCT FROM o_last OR sources IS DISTINCT FROM o_sources
                     OR confidence IS DISTINCT FROM o_conf OR method IS DISTINCT FROM o_method"""
            )
            updated = self._one("SELECT count(*) FROM __upd")[0]
        bulk = distinct > existing
        if bulk:
            for name in INDEX_NAMES[table]:
                con.execute(f"DROP INDEX IF EXISTS {name}")
        order = "s.nid" if table == "nodes" else "s.src"
        anti = f"ANTI JOIN {table} t ON t.{key} = s.{key}" if existing else ""
        inserted = self._one(f"INSERT INTO {table} ({cols}) SELECT {vals} FROM __stage s {anti} ORDER BY {order}")[0]
        if updated:
            text_set = f", text = {text.format(p='u.props')}" if table == "nodes" else ""
            con.execute(
                f"""UPDATE {table} SET props = u.props, first_seen = u.first_seen, last_seen = u.last_seen,
                    sources = u.sources, confidence = u.confidence, method = u.method{text_set}
                    FROM __upd u WHERE {table}.{key} = u.{key}"""
            )
        if bulk:
            for ddl in INDEXES[table]:
                con.execute(ddl)
        con.execute("DROP TABLE IF EXISTS __upd")
        con.execute("DROP TABLE IF EXISTS __stage")
        return WriteResult(rows=rows, distinct=distinct, inserted=inserted, updated=updated)

    @staticmethod
    def _text_sql(kind: NodeType | EdgeType) -> str:
        if not isinstance(kind, NodeType) or not kind.text:
            return "NULL"
        parts = ", ".join(f"json_extract_string({{p}}, '$.{t}')" for t in kind.text)
        return norm_text(f"concat_ws(' ', {parts})")

    def _one(self, sql: str) -> tuple[Any, ...]:
        row = self._con.execute(sql).fetchone()
        assert row is not None
        return row
