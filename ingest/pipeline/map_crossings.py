"""Crossings records -> Crossing, Document, Port, Voyage nodes; USED, AT, ON edges; MADE and HOLDS from the
person (after resolution); one person-bearing record per crossing.

All whole-column operations: a national export is millions of rows. A crossing by air or sea is ON the
voyage of its conveyance that day (flight designator or vessel, local date of the crossing); a land
crossing (on foot, by bus or car) has no voyage.

>>> import pandas as pd
>>> rec = pd.DataFrame({"line": [2], "crossing_id": ["X1"], "crossing_time": ["2024-01-02T08:00:00+08:00"],
...     "crossing_time_utc": pd.to_datetime(["2024-01-02T00:00:00Z"]), "port": ["HKG"], "direction": ["IN"],
...     "mode": ["AIR"], "conveyance": ["CX103"], "surname_norm": ["LIU"], "given_names_norm": ["FANG"],
...     "sex": ["M"], "birth_date": ["1975-09-00"], "nationality": ["CHN"], "doc_type": ["P"],
...     "doc_number": ["E1"], "doc_issuer": ["CHN"], "doc_expiry": ["2030-01-01"], "outcome": ["CLEARED"]})
>>> b = GraphBatch(); map_crossings(rec, "crossings.csv", b)
>>> sorted(b.nodes), sorted(b.edges), sorted(b.person_edges), b.records[0]["record_ref"].to_pylist()
(['Crossing', 'Document', 'Port', 'Voyage'], ['AT', 'ON', 'USED'], ['HOLDS', 'MADE'], ['crossings.csv:2'])
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.keys import distinct_ids

CROSSING_PROPS = ["crossing_time", "port", "direction", "mode", "conveyance", "outcome", "outcome_reason",
                  "source", "findings", "mrz_checks_ok"]


def id_sql(label: str, *cols: str) -> str:
    """SQL for the node id of ``label`` from key columns (``graph.ids.node_id``; NULL when a key is)."""
    canon = " || ".join(f"chr(31) || CAST({c} AS VARCHAR)" for c in cols)
    return f"'{label}:' || lpad(printf('%x', (md5_number_upper('{label}' || {canon}) >> 1)::BIGINT), 16, '0')"


_FLIGHT = r"^([A-Z0-9]{2})\s*0*(\d{1,4})([A-Z]?)$"

#: The computed columns only (the others are the input's own Arrow columns: sending them through DuckDB and
#: back cost as much as computing these).
_SQL = f"""
WITH c AS (
  SELECT line, crossing_time, crossing_time_utc, crossing_id, mode, nullif(trim(upper(conveyance)), '') AS conv
  FROM rec),
v AS (
  SELECT *,
    CASE WHEN mode = 'AIR' AND regexp_matches(conv, '{_FLIGHT}') THEN regexp_replace(conv, '{_FLIGHT}', '\\1\\2\\3')
         WHEN mode = 'SEA' THEN conv END AS v_number
  FROM c)
SELECT CASE WHEN mode = 'AIR' THEN v_number[1:2] ELSE v_number END AS v_carrier, v_number,
       CASE WHEN v_number IS NOT NULL THEN crossing_time[1:10] END AS v_date,
       $name || ':' || CAST(line AS VARCHAR) AS ref,
       CAST(crossing_time_utc AS TIMESTAMPTZ)::TIMESTAMP AS t,
       {id_sql("Crossing", "crossing_id")} AS crossing
FROM v"""


def seen_text(t: pa.ChunkedArray) -> pa.ChunkedArray:
    """Naive times as ``YYYY-MM-DDThh:mm:ss`` text (null stays null): Arrow's cast to text, whose format
    is that with a space for the ``T`` (``strftime`` took a microsecond a value).

    >>> seen_text(pa.chunked_array([pa.array([0, None], pa.timestamp("us"))])).to_pylist()
    ['1970-01-01T00:00:00', None]
    """
    text = pc.cast(pc.cast(t, pa.timestamp("s")), pa.string())
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def _table(rec: pd.DataFrame, arrow: dict[str, pa.Array]) -> pa.Table:
    """The columns the mapping needs, as Arrow text (missing as null); the reader's Arrow copies of columns
    (``ReadResult.arrow``) are taken as they are."""
    cols = {}
    for c in ["line", "crossing_id", "crossing_time", *CROSSING_PROPS, "surname_norm", "given_names_norm",
              "native_name", "sex", "birth_date", "nationality", "doc_type", "doc_issuer", "doc_number",
              "doc_expiry"]:
        if c in ("line", "mrz_checks_ok"):
            cols[c] = pa.array(rec[c], from_pandas=True) if c in rec else pa.nulls(len(rec), pa.bool_())
        elif c in arrow and c not in cols:
            cols[c] = arrow[c].cast(pa.large_string())
        elif c in rec and c not in cols:
            cols[c] = pa.array(rec[c], type=pa.large_string(), from_pandas=True)  # None, NaN and NA as null
        elif c not in cols:
            cols[c] = pa.nulls(len(rec), pa.large_string())
    cols["crossing_time_utc"] = pa.array(rec["crossing_time_utc"], from_pandas=True)
    return pa.table(cols)


def map_crossings(rec: pd.DataFrame, name: str, batch: GraphBatch, arrow: dict[str, pa.Array] | None = None) -> None:
    """Add the nodes, edges and person records of validated crossings (``read_crossings(...).records``, and
    its Arrow copies of columns ``arrow`` when there are), computed in one DuckDB pass over Arrow (ids with
    the store's own function)."""
    if rec.empty:
        return
    table = _table(rec, arrow or {})
    con = duckdb.connect()
    try:
        con.register("rec", table)
        computed = con.sql(_SQL, params={"name": name}).to_arrow_table()  # one pass, no temporary table
    finally:
        con.close()
    t = pa.table({**{c: table.column(c).cast(pa.string()) if pa.types.is_large_string(table.column(c).type)
                     else table.column(c) for c in table.column_names}, **dict(zip(computed.column_names,
                                                                                   computed.columns, strict=True))})
    t = t.append_column("doc", distinct_ids("Document", t.column("doc_issuer"), t.column("doc_number")))
    t = t.append_column("port_id", distinct_ids("Port", t.column("port")))
    t = t.append_column("voyage", distinct_ids("Voyage", t.column("v_carrier"), t.column("v_number"),
                                               t.column("v_date")))
    base = {"t": t.column("t"), "ref": t.column("ref")}
    props = {c: t.column(c) for c in CROSSING_PROPS}
    batch.node("Crossing", pa.table({"crossing_id": t.column("crossing_id"), **props, **base}))
    batch.node("Document", pa.table({"issuer": t.column("doc_issuer"), "number": t.column("doc_number"),
                                     "type": t.column("doc_type"), "expiry": t.column("doc_expiry"), **base}))
    batch.node("Port", pa.table({"code": t.column("port"), "mode": t.column("mode"), **base}))
    batch.node("Voyage", pa.table({"carrier": t.column("v_carrier"), "number": t.column("v_number"),
                                   "date": t.column("v_date"), "mode": t.column("mode"), **base}))
    batch.edge("USED", pa.table({"src": t.column("crossing"), "dst": t.column("doc"), **base}))
    batch.edge("AT", pa.table({"src": t.column("crossing"), "dst": t.column("port_id"), **base}))
    batch.edge("ON", pa.table({"src": t.column("crossing"), "dst": t.column("voyage"), **base}))
    batch.person_edge("MADE", pa.table({"record_ref": t.column("ref"), "dst": t.column("crossing"), **base}))
    batch.person_edge("HOLDS", pa.table({"record_ref": t.column("ref"), "dst": t.column("doc"), **base}))
    seen = seen_text(t.column("t"))
    batch.record(pa.table({
        "record_ref": t.column("ref"), "surname": t.column("surname_norm"), "given_names": t.column("given_names_norm"),
        "native_name": t.column("native_name"), "sex": t.column("sex"), "birth_date": t.column("birth_date"),
        "nationality": t.column("nationality"), "doc_type": t.column("doc_type"),
        "doc_issuer": t.column("doc_issuer"), "doc_number": t.column("doc_number"), "seen": seen,
        "kind": pa.array(["crossing"] * t.num_rows), "voyage": t.column("voyage"),
        "booking": pa.nulls(t.num_rows, pa.string()), "seat": pa.nulls(t.num_rows, pa.string())}))
