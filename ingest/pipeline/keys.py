"""Vectorised key helpers the mappers share: record references, node ids, voyage numbers, times.

>>> refs("crossings.csv", pd.Series([2, 3])).tolist()
['crossings.csv:2', 'crossings.csv:3']
>>> edi_refs(pd.Series(["P.edi"]), pd.Series([2]), pd.Series([17])).tolist()
['P.edi#msg3/seg17']
>>> flight_numbers(pd.Series(["cx 0103", "CX103", "HARBOUR STAR", None])).tolist()
['CX103', 'CX103', 'HARBOUR STAR', None]
>>> ids("Port", pd.Series(["HKG", None])).tolist() == [node_id("Port", "HKG"), None]
True
"""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.ids import node_id

__all__ = ["coalesce", "distinct_ids", "edi_refs", "flight_numbers", "ids", "node_id", "refs", "seen", "text",
           "utc"]


_MISSING = ("", "None", "nan", "<NA>")
#: one in-memory DuckDB per thread for :func:`distinct_ids` (a connection costs ~25 ms CPU to open; the
#: mappers and resolution call it dozens of times a run)
_LOCAL = threading.local()


def text(s: pd.Series) -> pd.Series:
    """A text column with empty values as missing (object dtype; the spellings ``None``/``nan`` that a
    ``astype(str)`` of a missing value leaves are missing too). Trimmed and checked by Arrow, not per row
    in Python."""
    try:
        arr = pa.array(s.astype(object).where(s.notna(), None), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if arr is not None and pa.types.is_null(arr.type):
        return pd.Series(None, index=s.index, dtype=object)
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        out = s.astype(object).where(s.notna(), None)
        out = out.map(lambda v: v.strip() if isinstance(v, str) else v)
        miss = pd.isna(out).to_numpy() | out.isin(_MISSING).to_numpy()
        vals = out.to_numpy(dtype=object, copy=True)
        vals[miss] = None
        return pd.Series(vals, index=s.index, dtype=object)
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.if_else(pc.is_in(arr, value_set=pa.array(_MISSING)), pa.scalar(None, arr.type), arr)
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype=object)


def booking_key(carrier: pd.Series, locator: pd.Series) -> pd.Series:
    """A record's booking as ``CARRIER:LOCATOR`` (upper case; missing where it names no locator): what
    co-travel and booking-anchored identity compare records by.

    >>> booking_key(pd.Series(["cx", None, "OZ"]), pd.Series([" k1 ", "Q2", ""])).tolist()
    ['CX:K1', ':Q2', nan]
    """
    carrier, locator = text(carrier).str.upper(), text(locator).str.upper()
    return (carrier.fillna("") + ":" + locator).where(locator.notna())


def coalesce(*cols: pd.Series) -> pd.Series:
    """The first non-missing value of each row across ``cols`` (object dtype)."""
    out = text(cols[0]).to_numpy(dtype=object).copy()
    for c in cols[1:]:
        miss = pd.isna(out)
        if not miss.any():
            break
        out[miss] = text(c).to_numpy(dtype=object)[miss]
    return pd.Series(out, index=cols[0].index, dtype=object)


def refs(name: str, lines: pd.Series) -> pd.Series:
    """Record references of tabular rows: ``name:line``."""
    return (name + ":" + lines.astype("int64").astype(str)).astype(object)


def edi_refs(names: pd.Series, message_index: pd.Series, segment_number: pd.Series) -> pd.Series:
    """Record references of EDIFACT records: ``name#msgN/segM`` (message counted from 1)."""
    msg = (pd.to_numeric(message_index, errors="coerce").fillna(-1).astype("int64") + 1).astype(str)
    seg = pd.to_numeric(segment_number, errors="coerce").fillna(0).astype("int64").astype(str)
    return (names.astype(str) + "#msg" + msg + "/seg" + seg).astype(object)


def ids(label: str, *cols: pd.Series) -> pd.Series:
    """Node ids of ``label`` from key columns (in the schema's order); None where a key value is missing."""
    index = cols[0].index
    ok = np.ones(len(index), dtype=bool)
    clean = []
    for c in cols:
        c = text(c)
        clean.append(c)
        ok &= c.notna().to_numpy()
    out = np.full(len(index), None, dtype=object)
    if ok.any():
        got = distinct_ids(label, *[pa.chunked_array([pa.array(c[ok].to_numpy(dtype=object), type=pa.large_string())])
                                    for c in clean])
        out[ok] = got.to_numpy(zero_copy_only=False)
    return pd.Series(out, index=index, dtype=object)


def distinct_ids(label: str, *cols: pa.ChunkedArray) -> pa.Array:
    """Node ids of ``label`` from key columns, hashed once per distinct key (a million crossings name a
    few hundred thousand documents, a few hundred thousand voyages, a few dozen ports); null where a key
    value is. The ids of ``graph.ids.node_id`` (the key canonical text is the values joined by U+001F).

    >>> a = distinct_ids("Document", pa.chunked_array([["CHN", None, "CHN"]]),
    ...                  pa.chunked_array([["E1", "E1", "E1"]], pa.large_string()))
    >>> a.to_pylist() == [node_id("Document", "CHN", "E1"), None, node_id("Document", "CHN", "E1")]
    True
    """
    if len(cols) == 1:
        joined = cols[0]
    else:  # one text type for the kernel (the mappers' columns come as string or large_string)
        joined = pc.binary_join_element_wise(*[c.cast(pa.large_string()) for c in cols],
                                             pa.scalar("\x1f", pa.large_string()))
    enc = pc.dictionary_encode(joined).combine_chunks()
    con = _connection()
    con.register("d", pa.table({"j": enc.dictionary}))
    try:
        canon = f"'{label}' || chr(31) || j"
        got = con.sql(f"SELECT '{label}:' || lpad(printf('%x', (md5_number_upper({canon}) >> 1)::BIGINT), 16, '0') "
                      "AS i FROM d").to_arrow_table().column("i").combine_chunks()
    finally:
        con.unregister("d")
    return pc.take(got, enc.indices)


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB for hashing keys (opened on first use, kept for the next calls)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = _LOCAL.con = duckdb.connect()
    return con


def seen(t: pd.Series) -> pd.Series:
    """Naive times as ``YYYY-MM-DDThh:mm:ss`` text (missing where NaT), as ``t.dt.strftime`` writes them: by
    Arrow's cast to text when every time is a whole second (``strftime`` is a Python call a value), else by
    ``strftime``.

    >>> seen(pd.Series(pd.to_datetime(["2024-01-02 03:04:05", None]))).tolist()
    ['2024-01-02T03:04:05', None]
    """
    fmt = "%Y-%m-%dT%H:%M:%S"
    if t.dtype != np.dtype("datetime64[ns]"):
        return t.dt.strftime(fmt)
    ns = t.to_numpy().view("int64")
    valid = ~np.isnat(t.to_numpy())
    if (ns[valid] % 1_000_000_000).any():
        return t.dt.strftime(fmt)
    text = pc.cast(pc.cast(pa.array(t, from_pandas=True), pa.timestamp("s")), pa.string())
    text = pc.replace_substring(text, " ", "T", max_replacements=1)
    return pd.Series(text.to_numpy(zero_copy_only=False), index=t.index, dtype=object)


def flight_numbers(s: pd.Series) -> pd.Series:
    """Flight designators in one spelling (``CX0103``, ``cx 103`` -> ``CX103``); other conveyances (vessel
    names) upper-cased as they are."""
    up = text(s).str.upper().str.strip()
    parts = up.str.extract(r"^([A-Z0-9]{2})\s*0*(\d{1,4})([A-Z]?)$")
    flight = parts[0] + parts[1] + parts[2].fillna("")
    return flight.where(parts[0].notna(), up).astype(object).where(up.notna(), None)


def utc(s: pd.Series) -> pd.Series:
    """Times as naive UTC timestamps (text with offsets, or naive text taken as UTC); NaT where unreadable."""
    if pd.api.types.is_datetime64_any_dtype(s):
        out = pd.to_datetime(s)
    else:
        out = pd.to_datetime(text(s), utc=True, errors="coerce", format="ISO8601")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out
