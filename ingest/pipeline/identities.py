"""Identity resolution over every person-bearing record the store knows, and what it adds to the graph:
Person nodes, the person edges of this run's records, POSSIBLY_SAME_AS candidates, CO_TRAVELLED.

Why every record: a new day's records can join identities seen before, so the resolver sees the stored
records (``SourceRecord`` nodes, read back through the store contract) with this run's; the same files
twice give the same records, hence the same persons.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.store import GraphStore
from ingest.pipeline.batch import CONTEXT_COLUMNS, MAX_SOURCES, RESOLVE_COLUMNS, GraphBatch, merge_rows
from ingest.pipeline.cotravel import co_travelled
from ingest.pipeline.keys import distinct_ids, ids
from ingest.resolve.arrays import all_distinct

#: Findings listed in the report (the rest counted).
MAX_FINDINGS = 200


@dataclass(slots=True)
class Identities:
    """What resolution adds: node tables and edge tables ready for the writer, and a report section."""

    nodes: dict[str, pa.Table] = field(default_factory=dict)
    edges: dict[str, pa.Table] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


def stored_records(store: GraphStore) -> pd.DataFrame:
    """The person-bearing records kept in the store (``SourceRecord`` nodes) as resolver rows + context."""
    parts = [t.to_pandas() for t in store.export_nodes("SourceRecord", batch=200_000)]
    cols = RESOLVE_COLUMNS + CONTEXT_COLUMNS
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    old = pd.concat(parts, ignore_index=True).rename(columns={"ref": "record_ref"})
    for c in cols:
        if c not in old:
            old[c] = ""
    return old[cols].fillna("").astype(str)


def source_record_nodes(records: pa.Table) -> pa.Table:
    """This run's records as ``SourceRecord`` nodes (key ``ref``, the resolver's columns as properties)."""
    t = _seen_times(records.column("seen"))
    names = ["ref" if c == "record_ref" else c for c in records.column_names]
    return records.rename_columns(names).append_column("first_seen", t).append_column(
        "last_seen", t).append_column("sources", records.column("record_ref"))


def _seen_times(seen: pa.ChunkedArray) -> pa.ChunkedArray:
    """``seen`` text (``YYYY-MM-DDThh:mm:ss``, naive UTC, as the mappers write it) as timestamps; null where
    empty or unreadable."""
    return pc.strptime(seen, format="%Y-%m-%dT%H:%M:%S", unit="us", error_is_null=True)


def new_records(batch: GraphBatch) -> pa.Table:
    """This run's person-bearing records, one per ``record_ref`` (the last one, as a re-read replaces)."""
    if not batch.records:
        return pa.table({c: pa.array([], pa.string()) for c in RESOLVE_COLUMNS + CONTEXT_COLUMNS})
    new = pa.concat_tables(batch.records)
    refs = new.column("record_ref")
    if not all_distinct(refs):  # a sort: Arrow's count_distinct of a million references costs 7x more
        keep = ~pd.Series(refs.to_numpy(zero_copy_only=False)).duplicated(keep="last").to_numpy()
        new = new.filter(pa.array(keep))
    return new


def _every(old: pd.DataFrame, new: pa.Table) -> pa.Table:
    """The stored records the run does not replace, then this run's (Arrow, text columns)."""
    cols = RESOLVE_COLUMNS + CONTEXT_COLUMNS
    if old.empty:
        return new.select(cols)
    old = old[~old["record_ref"].isin(new.column("record_ref").to_numpy(zero_copy_only=False))]
    kept = pa.Table.from_pandas(old[cols].reset_index(drop=True), preserve_index=False,
                                schema=pa.schema([(c, pa.string()) for c in cols]))
    return pa.concat_tables([kept, new.select(cols).cast(kept.schema)])


def resolve(batch: GraphBatch, old: pd.DataFrame, new: pa.Table) -> Identities:
    """Run identity resolution over the stored records (``old``: :func:`stored_records`, read before the
    run's writer starts on the store) and the new ones (``new``: :func:`new_records` of the batch); build
    what it adds to the graph. The ``SourceRecord`` nodes are not among it: they do not wait for
    resolution (:func:`source_record_nodes`).

    The records stay Arrow (a million of them as Python objects cost seconds and gigabytes), the resolver
    takes them as they are; only the references of the stored records it replaces are compared in pandas."""
    from ingest.resolve import resolve_identities

    every = _every(old, new)
    del old
    out = Identities()
    if every.num_rows == 0:
        return out
    res = resolve_identities(every.select(RESOLVE_COLUMNS), bookings=booking_codes(every.column("booking")))
    asg = res.assignments[["record_ref", "person_key"]]  # one row per record of ``every``, in its order
    out.nodes["Person"] = _persons(res.persons, res.person_of, every)
    pid = distinct_ids("Person", pa.chunked_array([pa.array(res.persons["person_key"].to_numpy(dtype=object),
                                                            pa.string())]))  # fmt: skip
    person_of = pa.table({"record_ref": every.column("record_ref"), "src": pid.take(pa.array(res.person_of))})
    at = _positions([t for frames in batch.person_edges.values() for t in frames], person_of)
    for etype, frames in batch.person_edges.items():
        out.edges[etype] = merge_rows([_from_person(t, person_of, next(at)) for t in frames], _edge_keys(etype))
    first = pc.list_element(out.nodes["Person"].column("sources"), 0)  # each person's first reference in sort order
    first_ref = pd.Series(first.to_numpy(zero_copy_only=False), index=res.persons["person_key"].to_numpy())
    out.edges["POSSIBLY_SAME_AS"] = _candidates(res.candidates, first_ref)
    pairs = co_travelled(every, asg)
    if len(pairs):
        out.edges["CO_TRAVELLED"] = pa.Table.from_pandas(pairs, preserve_index=False)
    found = res.findings
    out.report = {"records": every.num_rows, "new_records": new.num_rows, "persons": int(res.persons.shape[0]),
                  "candidates": int(res.candidates.shape[0]), "co_travelled_pairs": len(pairs),
                  "findings_count": int(found.shape[0]),
                  "findings": found.head(MAX_FINDINGS).astype(str).to_dict("records")}
    return out


def booking_codes(booking: pa.ChunkedArray) -> np.ndarray:
    """Each record's booking as an integer code, -1 where it has none (blank or null).

    >>> booking_codes(pa.chunked_array([["CX:K1", "", "CX:K1", None, "OZ:Q2"]])).tolist()
    [0, -1, 0, -1, 2]
    """
    enc = pc.dictionary_encode(booking.cast(pa.string())).combine_chunks()
    codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    blank = np.flatnonzero(np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object) == "")
    codes[np.isin(codes, blank)] = -1
    return codes


def _positions(tables: list[pa.Table], person_of: pa.Table) -> Iterator[pa.ChunkedArray]:
    """For each table, the row of ``person_of`` holding each of its ``record_ref`` (null where none): one
    Arrow hash lookup for all the tables together (the lookup's hash set of a million references is built
    once, not once per table; the crossings' ``MADE`` and ``HOLDS`` alone are two million rows).

    >>> po = pa.table({"record_ref": ["a", "b"], "src": ["P1", "P2"]})
    >>> [c.to_pylist() for c in _positions([pa.table({"record_ref": ["b", "x"]}), pa.table({"record_ref": ["a"]})], po)]
    [[1, None], [0]]
    """
    refs = [t.column("record_ref").cast(pa.string()) for t in tables]
    if not refs:
        return iter(())
    every = pa.chunked_array([c for r in refs for c in r.chunks], type=pa.string())
    at = pc.index_in(every, value_set=person_of.column("record_ref").cast(pa.string()))
    starts = np.cumsum([0] + [len(r) for r in refs])
    return (at.slice(int(a), int(b - a)) for a, b in itertools.pairwise(starts))


def _from_person(table: pa.Table, person_of: pa.Table, at: pa.ChunkedArray | None = None) -> pa.Table:
    """Person edges with ``src`` the Person of their ``record_ref`` (records without a person dropped), in
    their order: a hash lookup in Arrow (``person_of`` has one row per record; ``at``, when given, the rows
    already looked up by :func:`_positions`), no join through DuckDB. Text comes back as ``string``, as
    DuckDB gave it."""
    if at is None:
        at = pc.index_in(table.column("record_ref"), value_set=person_of.column("record_ref"))
    found = pc.is_valid(at)
    out = table.filter(found).drop_columns(["record_ref"])
    out = out.add_column(0, "src", pc.take(person_of.column("src"), at.filter(found)))
    fields = [pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f for f in out.schema]
    return out.cast(pa.schema(fields))


def _sql(query: str, **tables: Any) -> pa.Table:
    """``query`` over the given tables (by their keyword names) in a throwaway in-memory DuckDB, as Arrow."""
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(query).to_arrow_table()
    finally:
        con.close()


def _edge_keys(etype: str) -> list[str]:
    from ingest.pipeline.batch import schema

    key = schema().edge(etype).key
    return ["src", "dst"] + ([key] if key else [])


def _persons(persons: pd.DataFrame, person_of: np.ndarray, every: pa.Table) -> pa.Table:
    """Person nodes: the resolver's representative values; provenance from the person's records (first and
    last ``seen``, the first ``MAX_SOURCES`` references in sort order). ``person_of`` holds the row of
    ``persons`` of each row of ``every`` (the resolver's assignments are in record order): records are
    grouped by that integer, once (a sort of the references, then a stable sort of their persons), not
    by hashing keys or references.

    >>> ps = pd.DataFrame({"person_key": ["P1", "P2"], "surname": ["A", "B"]})
    >>> ev = pa.table({"record_ref": ["r2", "r1", "r3"], "seen": ["2024-01-02T00:00:00", "", "2024-01-01"]})
    >>> t = _persons(ps, np.array([0, 0, 1]), ev)
    >>> t.column("sources").to_pylist(), [str(v) for v in t.column("first_seen").to_pylist()]
    ([['r1', 'r2'], ['r3']], ['2024-01-02 00:00:00', '2024-01-01 00:00:00'])
    """
    n = len(persons)
    refs = every.column("record_ref").combine_chunks().cast(pa.string())
    order = np.asarray(pc.sort_indices(refs))  # references in sort order (bytes: DuckDB's list_sort)
    order = order[np.argsort(person_of[order], kind="stable")]  # grouped by person, sorted within
    who = person_of[order]
    start = np.searchsorted(who, np.arange(n))
    rank = np.arange(len(who)) - start[who]
    keep = order[rank < MAX_SOURCES]
    offsets = np.searchsorted(who[rank < MAX_SOURCES], np.arange(n + 1))
    sources = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), refs.take(pa.array(keep)),
                                       type=pa.list_(pa.field("l", pa.string())))  # fmt: skip
    seen = _sql("SELECT TRY_CAST(nullif(seen, '') AS TIMESTAMP) AS t FROM a", a=every.select(["seen"]))
    t = np.asarray(seen.column("t").cast(pa.int64()).fill_null(np.iinfo(np.int64).min).to_numpy())[order]
    have = t != np.iinfo(np.int64).min
    first, last = _span(who[have], t[have], n)
    frame = persons.astype(object).where(persons.notna(), None)
    base = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    return base.append_column("first_seen", first).append_column("last_seen", last).append_column("sources", sources)


def _span(who: np.ndarray, t: np.ndarray, n: int) -> tuple[pa.Array, pa.Array]:
    """Earliest and latest time per person (``who`` sorted; null where a person has none), as timestamps."""
    lo, hi = np.full(n, 0, dtype=np.int64), np.full(n, 0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if len(who) else np.zeros(0, dtype=np.int64)
    if len(starts):
        lo[who[starts]] = np.minimum.reduceat(t, starts)
        hi[who[starts]] = np.maximum.reduceat(t, starts)
    none = np.ones(n, dtype=bool)
    none[who] = False
    ts = pa.timestamp("us")
    return pa.array(lo, ts, mask=none), pa.array(hi, ts, mask=none)


def _candidates(cands: pd.DataFrame, first_ref: pd.Series) -> pa.Table:
    """POSSIBLY_SAME_AS edges; their sources: the first record of each of the two persons."""
    if cands.empty:
        return pa.table({})
    a, b = ids("Person", cands["person_key_a"]), ids("Person", cands["person_key_b"])
    refs = [sorted({x, y} - {None}) for x, y in zip(cands["person_key_a"].map(first_ref).tolist(),
                                                    cands["person_key_b"].map(first_ref).tolist(), strict=True)]
    return pa.Table.from_pandas(pd.DataFrame({
        "src": a.where(a < b, b), "dst": b.where(a < b, a), "score": cands["score"].astype(float),
        "reasons": cands["reasons"].astype(str), "method": "identity-resolution", "sources": refs}),
        preserve_index=False)
