"""The fast path of a first load of edges: numbers and checks in numpy, then one plain sorted INSERT.

When the edge table's indexes are off (a first load, or a bulk block) and nothing of an edge type is stored
but what this writer inserted on this path, a batch is written straight from the input: its node and edge
numbers are worked out in numpy (``bulk_ids``), checked there (distinct edge numbers, also against the
type's earlier batches of this writer; both ends among the stored nodes), and only then inserted, in ``src``
order, with the same SQL for properties and provenance as the careful path. Any doubt (a rule broken, a
repeated edge, a missing end) returns None and the careful path (stage, check, merge) does the batch, and
raises the precise error if there is one. Nothing is written twice and nothing has to be taken out again.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import EdgeType
from graph.store.bulk_ids import Numbers, edge_numbers, id_numbers
from graph.store.duckdb_ddl import hash63
from graph.store.duckdb_rules import Rule, label_of, q
from graph.store.model import WriteResult


def _within(sorted_numbers: Numbers, numbers: Numbers) -> bool:
    """Whether every number is one of ``sorted_numbers``."""
    if not len(numbers):
        return True
    if not len(sorted_numbers):
        return False
    at = np.minimum(np.searchsorted(sorted_numbers, numbers), len(sorted_numbers) - 1)
    return bool((sorted_numbers[at] == numbers).all())


def _overlaps(sorted_numbers: Numbers, numbers: Numbers) -> bool:
    """Whether any number is one of ``sorted_numbers``."""
    if not len(numbers) or not len(sorted_numbers):
        return False
    at = np.minimum(np.searchsorted(sorted_numbers, numbers), len(sorted_numbers) - 1)
    return bool((sorted_numbers[at] == numbers).any())


class FreshEdges:
    """What a writer's first load of edges knows between batches: the stored node numbers (read once after
    the last node write) and, per edge type, the edge numbers it inserted."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._nodes: Numbers | None = None
        self._eids: dict[str, list[Numbers]] = {}

    def nodes_changed(self) -> None:
        """Forget the node numbers (nodes were written)."""
        self._nodes = None

    def _node_numbers(self) -> Numbers:
        if self._nodes is None:
            got = self._con.execute("SELECT nid FROM nodes ORDER BY nid").fetchnumpy()["nid"]
            self._nodes = np.asarray(got, dtype=np.int64)
        return self._nodes

    def ends_stored(self, src: Numbers, dst: Numbers, *, least: int = 50_000) -> bool:
        """Whether every end is a stored node, said in numpy for a batch of at least ``least`` rows (reading
        every node number once costs more than a small batch's index lookups); False means "not known"."""
        if len(src) < least and self._nodes is None:
            return False
        nodes = self._node_numbers()
        return _within(nodes, src) and _within(nodes, dst)

    def insert(
        self,
        etype: EdgeType,
        table: pa.Table,
        numbers: tuple[Numbers, Numbers, Numbers],
        values: dict[str, str],
        rules: list[Rule],
    ) -> WriteResult | None:
        """Write the batch (numbered by ``edge_numbers_of``) on the fast path and say what was written, or
        None (nothing written)."""
        stored = self._con.execute("SELECT count(*) FROM edges WHERE type = ?", [etype.name]).fetchall()[0][0]
        if stored != sum(len(e) for e in self._eids.get(etype.name, [])):
            return None
        eids, src_n, dst_n = numbers
        ordered = np.sort(eids)
        if (ordered[1:] == ordered[:-1]).any() or any(_overlaps(e, eids) for e in self._eids.get(etype.name, [])):
            return None
        if not self.ends_stored(src_n, dst_n, least=0):
            return None
        if etype.symmetric:  # stored once, ends in sorted order
            src, dst = table.column("src"), table.column("dst")
            swap = pc.fill_null(pc.greater(src, dst), False)
            table = table.set_column(table.column_names.index("src"), "src", pc.if_else(swap, dst, src))
            table = table.set_column(table.column_names.index("dst"), "dst", pc.if_else(swap, src, dst))
        numbered = table.append_column("__eid", pa.array(eids))
        numbered = numbered.append_column("__src", pa.array(src_n)).append_column("__dst", pa.array(dst_n))
        # In ``src`` order: sorted in numpy and gathered by Arrow, cheaper than DuckDB sorting whole rows.
        self._con.register("__in", numbered.take(np.argsort(src_n, kind="stable")))
        try:
            if not self._write(etype, values, rules):
                return None
        finally:
            self._con.unregister("__in")
        self._eids.setdefault(etype.name, []).append(ordered)
        n = table.num_rows
        return WriteResult(rows=n, distinct=n, inserted=n, updated=0)

    def _write(self, etype: EdgeType, values: dict[str, str], rules: list[Rule]) -> bool:
        """Insert the numbered rows ``__in`` (in ``src`` order) as they come, unless one breaks a rule (then
        write nothing)."""
        broken = " OR ".join(f"coalesce({r.bad}, false)" for r in rules if not r.checked_after) or "false"
        if self._con.execute(f"SELECT count(*) FROM __in WHERE {broken}").fetchall()[0][0]:
            return False
        self._con.execute(
            f"""INSERT INTO edges (eid, type, src, dst, src_label, dst_label, key, props, first_seen, last_seen,
                   sources, confidence, method)
                SELECT __eid, $type, __src, __dst, {label_of("src", etype.sources)}, {label_of("dst", etype.targets)},
                   {_key_sql(etype)}, {values["props"]}, {values["first_seen"]}, {values["last_seen"]},
                   {values["sources"]}, {values["confidence"]}, {values["method"]}
                FROM __in""",
            {"type": etype.name},
        ).fetchall()
        return True


def edge_numbers_of(
    con: duckdb.DuckDBPyConnection, etype: EdgeType, table: pa.Table
) -> tuple[Numbers, Numbers, Numbers] | None:
    """Edge, source and target numbers of a batch (a symmetric type's ends in sorted order), or None when
    an id does not parse (the SQL of the careful path then names the row)."""
    src, dst = table.column("src"), table.column("dst")
    if etype.symmetric:
        swap = pc.fill_null(pc.greater(src, dst), False)
        src, dst = pc.if_else(swap, dst, src), pc.if_else(swap, src, dst)
    src_n, dst_n = id_numbers(src), id_numbers(dst)
    if src_n is None or dst_n is None:
        return None
    return edge_numbers(etype.name, src_n, dst_n, _key_numbers(con, etype, table)), src_n, dst_n


def _key_numbers(con: duckdb.DuckDBPyConnection, etype: EdgeType, table: pa.Table) -> Numbers | None:
    """The numbers of the edges' keys (0 for none), as the careful path's SQL computes them."""
    if not etype.key:
        return None
    con.register("__keys", table.select([etype.key]))
    try:
        got = con.execute(f"SELECT coalesce({hash63(_key_sql(etype))}, 0) AS k FROM __keys").fetchnumpy()
    finally:
        con.unregister("__keys")
    return np.asarray(got["k"], dtype=np.int64)


def _key_sql(etype: EdgeType) -> str:
    return f"CAST({q(etype.key)} AS VARCHAR)" if etype.key else "NULL::VARCHAR"
