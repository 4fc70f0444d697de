"""Identity resolution over every person-bearing record the store knows, and what it adds to the graph:
Person nodes, the person edges of this run's records, POSSIBLY_SAME_AS candidates, CO_TRAVELLED.

Why every record: a new day's records can join identities seen before, so the resolver sees the stored
records (``SourceRecord`` nodes, read back through the store contract) with this run's; the same files
twice give the same records, hence the same persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from graph.store import GraphStore
from ingest.pipeline.batch import CONTEXT_COLUMNS, MAX_SOURCES, RESOLVE_COLUMNS, GraphBatch, merge_rows
from ingest.pipeline.cotravel import co_travelled
from ingest.pipeline.keys import ids, utc

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


def source_record_nodes(records: pd.DataFrame) -> pa.Table:
    """This run's records as ``SourceRecord`` nodes (key ``ref``, the resolver's columns as properties)."""
    t = utc(records["seen"].where(records["seen"].ne(""), None))
    frame = records.rename(columns={"record_ref": "ref"})
    frame = frame.assign(first_seen=t, last_seen=t, sources=records["record_ref"])
    return pa.Table.from_pandas(frame, preserve_index=False)


def resolve(batch: GraphBatch, store: GraphStore) -> Identities:
    """Run identity resolution over stored and new records; build what it adds to the graph."""
    from ingest.resolve import resolve_identities

    new = pa.concat_tables(batch.records).to_pandas() if batch.records else stored_records(store).iloc[:0]
    new = new.drop_duplicates("record_ref", keep="last")
    old = stored_records(store)
    every = pd.concat([old[~old["record_ref"].isin(new["record_ref"])], new], ignore_index=True)
    out = Identities()
    if every.empty:
        return out
    res = resolve_identities(every[RESOLVE_COLUMNS].reset_index(drop=True))
    asg = res.assignments[["record_ref", "person_key"]]
    out.nodes["SourceRecord"] = source_record_nodes(new)
    out.nodes["Person"] = _persons(res.persons, asg, every)
    person_of = pa.table({"record_ref": asg["record_ref"].astype(str).to_numpy(),
                          "src": ids("Person", asg["person_key"]).to_numpy()})
    for etype, frames in batch.person_edges.items():
        out.edges[etype] = merge_rows([_from_person(t, person_of) for t in frames], _edge_keys(etype))
    first_ref = asg.sort_values("record_ref").drop_duplicates("person_key").set_index("person_key")["record_ref"]
    out.edges["POSSIBLY_SAME_AS"] = _candidates(res.candidates, first_ref)
    pairs = co_travelled(every, asg)
    if len(pairs):
        out.edges["CO_TRAVELLED"] = pa.Table.from_pandas(pairs, preserve_index=False)
    found = res.findings
    out.report = {"records": len(every), "new_records": len(new), "persons": int(res.persons.shape[0]),
                  "candidates": int(res.candidates.shape[0]), "co_travelled_pairs": len(pairs),
                  "findings_count": int(found.shape[0]),
                  "findings": found.head(MAX_FINDINGS).astype(str).to_dict("records")}
    return out


def _from_person(table: pa.Table, person_of: pa.Table) -> pa.Table:
    """Person edges with ``src`` the Person of their ``record_ref`` (records without a person dropped)."""
    con = duckdb.connect()
    try:
        con.register("e", table.append_column("__i", pa.array(np.arange(table.num_rows))))
        con.register("p", person_of)
        return con.sql("SELECT p.src, e.* EXCLUDE (record_ref, __i) FROM e JOIN p USING (record_ref) "
                       "ORDER BY e.__i").to_arrow_table()
    finally:
        con.close()


def _edge_keys(etype: str) -> list[str]:
    from ingest.pipeline.batch import schema

    key = schema().edge(etype).key
    return ["src", "dst"] + ([key] if key else [])


def _persons(persons: pd.DataFrame, asg: pd.DataFrame, every: pd.DataFrame) -> pa.Table:
    """Person nodes: the resolver's representative values; provenance from the person's records."""
    seen = asg.merge(every[["record_ref", "seen"]], on="record_ref", how="left")
    seen["t"] = utc(seen["seen"].where(seen["seen"].ne(""), None))
    seen = seen.sort_values(["person_key", "record_ref"])
    agg = seen.groupby("person_key", sort=True).agg(
        first_seen=("t", "min"), last_seen=("t", "max"), sources=("record_ref", lambda s: list(s[:MAX_SOURCES])))
    frame = persons.drop_duplicates("person_key").merge(agg, left_on="person_key", right_index=True, how="left")
    frame = frame.astype({c: object for c in frame.columns if c not in ("first_seen", "last_seen", "sources")})
    frame = frame.where(frame.notna(), None)
    return pa.Table.from_pandas(frame, preserve_index=False)


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
