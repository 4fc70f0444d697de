"""What the mappers produce before it is written: node and edge frames with provenance, and the
person-bearing records identity resolution needs.

Every frame a mapper adds carries ``t`` (when the record saw the item: a naive UTC timestamp, or NaT) and
``ref`` (the record reference, ``crossings.csv:123`` or ``PAXLST_x.edi#msg3/seg17``). ``finish`` merges the
rows of one node (or edge) into one: ``first_seen``/``last_seen`` the earliest and latest ``t``, ``sources``
the record references (the first ``MAX_SOURCES`` in sort order, so that a port seen by a million crossings
does not carry a million references), properties from the last row. Person edges are added with
``record_ref`` in place of ``src``: the person is known only after resolution.

>>> b = GraphBatch()
>>> b.node("Port", pd.DataFrame({"code": ["HKG", "HKG"], "t": pd.to_datetime(["2024-01-02", "2024-01-01"]),
...                               "ref": ["c.csv:3", "c.csv:2"]}))
>>> out = b.finish_nodes("Port")
>>> out.select(["code", "sources"]).to_pylist(), out.column("first_seen")[0].as_py().isoformat()
([{'code': 'HKG', 'sources': ['c.csv:2', 'c.csv:3']}], '2024-01-01T00:00:00')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeAlias

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import Schema, load_schema

#: References kept per item and per ingest run (see the module doc).
MAX_SOURCES = 20
#: The columns identity resolution takes (``ingest.resolve.resolve_identities``).
RESOLVE_COLUMNS = ["record_ref", "surname", "given_names", "native_name", "sex", "birth_date", "nationality",
                   "doc_type", "doc_issuer", "doc_number", "seen"]
#: What a person-bearing record also keeps for derived edges (co-travel): its voyage, booking and seat.
CONTEXT_COLUMNS = ["kind", "voyage", "booking", "seat"]

_SCHEMA: Schema | None = None


def schema() -> Schema:
    """The data model, loaded once."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = load_schema()
    return _SCHEMA


Frame: TypeAlias = pd.DataFrame | pa.Table


def as_table(frame: Frame) -> pa.Table:
    """A mapper's frame as Arrow (times as naive timestamps)."""
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def _keep(table: pa.Table, columns: list[str]) -> pa.Table:
    """The rows where every one of ``columns`` has a non-blank value."""
    mask = None
    for c in columns:
        col = table.column(c)
        ok = pc.is_valid(col)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            # blank: empty or nothing but white space (``utf8_is_space``: no trimmed copy of the column)
            ok = pc.and_kleene(ok, pc.invert(pc.or_(pc.equal(col, ""), pc.utf8_is_space(col))))
        mask = ok if mask is None else pc.and_kleene(mask, ok)
    if mask is None:
        return table
    mask = pc.fill_null(mask, False)
    if pc.all(mask).as_py() is not False:  # nothing to drop (nearly always): no filtered copy of every column
        return table
    return table.filter(mask)


@dataclass(slots=True)
class GraphBatch:
    """Node tables per label, edge tables per type, person edges per type, person-bearing records (Arrow)."""

    nodes: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))
    person_edges: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))
    records: list[pa.Table] = field(default_factory=list)

    def node(self, label: str, frame: Frame) -> None:
        """Add nodes of ``label``: key columns, properties, ``t`` and ``ref``; rows with an empty key are
        dropped (a mapper only adds a node where the record names one)."""
        table = _keep(as_table(frame), list(schema().node(label).key))
        if table.num_rows:
            self.nodes[label].append(table)

    def edge(self, edge_type: str, frame: Frame) -> None:
        """Add edges: ``src``, ``dst`` (ids; rows with either missing are dropped), properties, ``t``, ``ref``."""
        table = _keep(as_table(frame), ["src", "dst"])
        if table.num_rows:
            self.edges[edge_type].append(table)

    def person_edge(self, edge_type: str, frame: Frame) -> None:
        """Add edges from the person of ``record_ref`` to ``dst``."""
        table = _keep(as_table(frame), ["record_ref", "dst"])
        if table.num_rows:
            self.person_edges[edge_type].append(table)

    def record(self, frame: Frame) -> None:
        """Add person-bearing records (``RESOLVE_COLUMNS`` + ``CONTEXT_COLUMNS``, all text, blank for none)."""
        table = as_table(frame).select(RESOLVE_COLUMNS + CONTEXT_COLUMNS)
        cols = [pc.fill_null(pc.cast(table.column(c), pa.string()), "") for c in table.column_names]
        self.records.append(pa.table(cols, names=table.column_names))

    def finish_nodes(self, label: str) -> pa.Table:
        """The nodes of ``label``, one row per key, ready for ``upsert_nodes``."""
        return merge_rows(self.nodes.get(label, []), list(schema().node(label).key))

    def finish_edges(self, edge_type: str, frames: list[pa.Table] | None = None) -> pa.Table:
        """The edges of ``edge_type``, one row per (src, dst, key), ready for ``upsert_edges``."""
        etype = schema().edge(edge_type)
        keys = ["src", "dst"] + ([etype.key] if etype.key else [])
        return merge_rows(self.edges.get(edge_type, []) if frames is None else frames, keys)


def merge_rows(frames: list[Frame], keys: list[str]) -> pa.Table:
    """One row per ``keys``: provenance aggregated (see the module doc), the other columns of the last row."""
    tables = [as_table(f) for f in frames if len(f)]
    if not tables:
        return pa.table({})
    data = pa.concat_tables(tables, promote_options="permissive")
    if "t" not in data.column_names:
        data = data.append_column("t", pa.nulls(data.num_rows, pa.timestamp("us")))
    data = data.append_column("__o", pa.array(np.arange(data.num_rows)))
    cols = ", ".join(f'"{k}"' for k in keys)
    con = duckdb.connect()
    try:
        con.register("data", data)
        n, distinct = con.sql(f"SELECT count(*), count(DISTINCT ({cols})) FROM data").fetchall()[0]
        if n == distinct:  # one row per item already (crossings, their edges): no merge, no copy through DuckDB
            return _provenance_of_rows(data)
        if n > BIG_GROUP * distinct:  # a port's sources come from few distinct (item, reference) pairs
            return con.sql(_merge_sql(data, keys, many=True)).to_arrow_table()
        ranked, refs = _ranked(data)
        con.register("data", ranked)
        return _named_sources(con.sql(_merge_sql(ranked, keys, many=False)).to_arrow_table(), refs)
    finally:
        con.close()


def _ranked(data: pa.Table) -> tuple[pa.Table, pa.Array]:
    """``data`` with ``ref`` replaced by its rank among the distinct references (null stays null), and those
    references in sort order (bytes, as DuckDB sorts text): the merge sorts and slices lists of integers,
    not of text (a million crossings' documents: 1.19 -> 0.97 CPU s).

    >>> t, refs = _ranked(pa.table({"ref": ["b", None, "a", "b"]}))
    >>> t.column("ref").to_pylist(), refs.to_pylist()
    ([1, None, 0, 1], ['a', 'b'])
    """
    refs = data.column("ref").combine_chunks().cast(pa.string())
    order = pc.sort_indices(refs)  # nulls last
    valid = len(refs) - refs.null_count
    at = np.asarray(order)[:valid]
    ordered = refs.take(pa.array(at))
    new = np.ones(valid, dtype=bool)
    if valid > 1:
        new[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, valid - 1)).to_numpy(zero_copy_only=False)
    rank = np.zeros(len(refs), dtype=np.int64)
    rank[at] = np.cumsum(new) - 1
    column = pa.array(rank, mask=np.asarray(pc.is_null(refs)))
    return data.set_column(data.column_names.index("ref"), "ref", column), ordered.filter(pa.array(new))


def _named_sources(merged: pa.Table, refs: pa.Array) -> pa.Table:
    """``sources`` (lists of ranks, :func:`_ranked`) as the references they stand for."""
    at = merged.column_names.index("sources")
    ranks = merged.column(at).combine_chunks()
    named = pa.ListArray.from_arrays(ranks.offsets, refs.take(ranks.values), type=pa.list_(pa.field("l", pa.string())),
                                     mask=ranks.is_null())
    return merged.set_column(at, "sources", named)


#: Rows per item on average above which an item's sources are picked from its distinct references (a port
#: named by every crossing at it: 265k rows of 49 ports in a 50k world), not from the sorted list of all of them.
BIG_GROUP = 100


def _merge_sql(data: pa.Table, keys: list[str], *, many: bool) -> str:
    """SQL merging ``data`` (``t``, ``ref``, ``__o``: row order) to one row per ``keys``, in the order of each
    item's last row. One aggregate: the other columns are those of the last row (``arg_max_null``: NULLs
    kept, as a last row has them), ``sources`` the first ``MAX_SOURCES`` distinct references in sort order;
    with ``many`` rows per item these are taken by ``min(ref, n)`` over the distinct (item, reference) pairs
    (a port's 5,000 references are not listed and sorted to keep 20: 0.32 -> 0.10 CPU s at 50k)."""
    cols = ", ".join(f'"{k}"' for k in keys)
    others = [c for c in data.column_names if c not in keys and c not in ("t", "ref", "__o")]
    last = "".join(f', arg_max_null("{c}", __o) AS "{c}"' for c in others)
    out = ", ".join(f'"{c}"' for c in data.column_names if c not in ("t", "ref", "__o"))  # the input's order
    head = f"SELECT {cols}{last}, min(t)::TIMESTAMP AS first_seen, max(t)::TIMESTAMP AS last_seen, max(__o) AS __o"
    if not many:
        every = f"list_slice(list_sort(list_distinct(list(ref))), 1, {MAX_SOURCES})"
        grouped = f"{head}, {every} AS sources FROM data GROUP BY {cols}"
        return f"SELECT {out}, first_seen, last_seen, sources FROM ({grouped}) ORDER BY __o"
    return f"""WITH a AS ({head} FROM data GROUP BY {cols}),
        s AS (SELECT {cols}, coalesce(min(ref, {MAX_SOURCES}), []) AS sources
              FROM (SELECT DISTINCT {cols}, ref FROM data) GROUP BY {cols})
        SELECT {out}, first_seen, last_seen, sources FROM a JOIN s USING ({cols}) ORDER BY a.__o"""


def _provenance_of_rows(data: pa.Table) -> pa.Table:
    """Rows that are one item each: ``t`` becomes ``first_seen`` and ``last_seen``, ``ref`` the ``sources``,
    in Arrow (the columns are reused, not copied; a crossings table is a million rows). The types are those
    DuckDB's projection gave: times as naive microseconds, text as ``string``."""
    t = data.column("t")
    if pa.types.is_timestamp(t.type) and t.type.tz is not None:
        t = t.cast(pa.timestamp(t.type.unit))  # the UTC wall time, as DuckDB's cast in a UTC session
    t = t.cast(pa.timestamp("us"), safe=False)
    out = data.drop_columns(["__o", "t", "ref"]).append_column("first_seen", t).append_column("last_seen", t)
    out = out.append_column("sources", data.column("ref"))
    fields = [pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f for f in out.schema]
    return out.cast(pa.schema(fields))
