"""The fast path of a first load into the DuckDB store: a batch inserted straight from its input, then checked.

While a table's indexes are off for a writer's transaction (a first load, or a bulk block), a batch of nodes
or edges is inserted from its input in key order with no staging table, and what it inserted is checked
after: distinct ids, none already stored in its scope (the label or edge type), and for edges both ends
stored nodes of the labels their ids name. A cheap test of the input runs first, so a batch that breaks a
rule never gets in. If any check fails, the batch's rows are taken out again and the careful path (stage,
check, merge) does the batch, merging repeats and naming the first bad row. Later batches of a label or type
take the same path as the first: the rows of one batch are told from earlier ones by ``rowid``, since DuckDB
numbers the rows a transaction appends after every committed row, in the order they are appended.

Why: staging writes every row twice, and a 5M-edge first load spent about as long staging and merging its
second batch of a type as inserting it (see ``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from graph.schema import EdgeType, NodeType
from graph.store.duckdb_rules import Rule, q
from graph.store.model import WriteResult


def end_ok(column: str, labels: Sequence[str]) -> str:
    """SQL true when an id column holds ``Label:`` + 16 bytes for one of ``labels`` (the careful path's id
    rules, in one cheap test; whether the 16 are hex digits shows as a missing node after the insert)."""
    col = q(column)
    return " OR ".join(f"(starts_with({col}, '{lab}:') AND strlen({col}) = {len(lab.encode()) + 17})" for lab in labels)


def precheck_sql(kind: NodeType | EdgeType, rules: Sequence[Rule]) -> str:
    """SQL true for an input row the fast path must not insert (the careful path then names it)."""
    tests = [f"coalesce({r.bad}, false)" for r in rules if not r.checked_after and r.field not in ("src", "dst")]
    if isinstance(kind, EdgeType):
        ends = f"({end_ok('src', kind.sources)}) AND ({end_ok('dst', kind.targets)})"
        tests.insert(0, f"NOT coalesce({ends}, false)")
    return " OR ".join(tests) or "false"


def sorted_insert_sql(
    table: str, cols: Sequence[str], select: str, consts: dict[str, str], text: str, carry: Sequence[str] = ()
) -> str:
    """SQL inserting the rows of ``select`` into ``table`` in key order. Only the columns that vary go through
    the sort: the batch's constants (``consts``, column -> SQL) and the node text (``text``, from ``s.props``
    or from the columns of ``select`` named in ``carry``) are added after it, which is cheaper than sorting
    them (5M edges: 11.5 -> 11.1 CPU s)."""
    varied = [c for c in cols if c not in consts and c != "text"] + list(carry)
    vals = ", ".join(text if c == "text" else consts.get(c, f"s.{c}") for c in cols)
    order = "nid" if table == "nodes" else "src"
    rows = f"SELECT {', '.join(varied)} FROM ({select}) ORDER BY {order}"
    return f"INSERT INTO {table} ({', '.join(cols)}) SELECT {vals} FROM ({rows}) s"


class FirstLoad:
    """Inserts batches on the fast path, on a connection inside the writer's transaction.

    The input test and the checks after are separate queries on purpose. Measured and not taken (5M edges,
    CPU seconds of the whole first load, back to back at load average 10-15): the rules as a filter of the
    insert and the ends as semi joins inside it, 11.9 and 12.8 against 11.9 and 12.3 (with the plan forced
    so the nodes are the build side; left to itself DuckDB hashed the whole batch, 12.9 and 13.4); merging
    the checks after into one query cost more than the three (1.1 against 0.9 CPU s).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def insert(self, kind: NodeType | EdgeType, insert: str, params: dict[str, Any], broken: str) -> WriteResult | None:
        """Run ``insert`` (an ``INSERT ... SELECT`` from the registered input ``__in``) unless a row of the
        input is ``broken``; check what it wrote; return the result, or None with
        nothing written (the careful path then does the batch)."""
        table, key, scope = ("nodes", "nid", "label") if isinstance(kind, NodeType) else ("edges", "eid", "type")
        if self._one(f"SELECT count(*) FROM __in WHERE {broken}")[0]:
            return None
        before = self._one(f"SELECT coalesce(max(rowid), -1) FROM {table}")[0]
        stored = self._one(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {scope} = $n LIMIT 1)", {"n": kind.name})
        inserted = int(self._one(insert, params)[0])
        batch = f"(SELECT * FROM {table} WHERE rowid > {int(before)})"
        n, distinct = self._one(f"SELECT count(*), count(DISTINCT {key}) FROM {batch}")
        ok = n == distinct == inserted
        if ok and stored[0]:
            earlier = f"(SELECT {key} FROM {table} WHERE rowid <= {int(before)} AND {scope} = $n)"
            ok = not self._one(
                f"SELECT count(*) FROM {batch} b SEMI JOIN {earlier} t ON t.{key} = b.{key}", {"n": kind.name}
            )[0]
        if ok and isinstance(kind, EdgeType):
            ok = self._ends_stored(batch, "src", kind.sources) and self._ends_stored(batch, "dst", kind.targets)
        if ok:
            return WriteResult(rows=inserted, distinct=inserted, inserted=inserted, updated=0)
        self._con.execute(f"DELETE FROM {table} WHERE rowid > {int(before)}")
        return None

    def _ends_stored(self, batch: str, end: str, labels: Sequence[str]) -> bool:
        """Whether every ``end`` of the batch is a stored node of the label its id names."""
        names = ", ".join(f"'{lab}'" for lab in labels)
        if len(labels) == 1:  # the label is the same for every row: only the numbers need joining
            nodes, on = f"(SELECT nid FROM nodes WHERE label = {names})", f"n.nid = e.{end}"
        else:
            nodes, on = (
                f"(SELECT nid, label FROM nodes WHERE label IN ({names}))",
                f"n.nid = e.{end} AND n.label = e.{end}_label",
            )
        missing = self._one(
            f"SELECT count(*) FROM (SELECT {end}, {end}_label FROM {batch}) e ANTI JOIN {nodes} n ON {on}"
        )
        return not missing[0]

    def _one(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...]:
        rows = self._con.execute(sql, params).fetchall()  # fetch to the end: DuckDB 2 keeps open results
        return tuple(rows[0])
