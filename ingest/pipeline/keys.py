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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.ids import node_id, node_ids

__all__ = ["coalesce", "edi_refs", "flight_numbers", "ids", "node_id", "refs", "text", "utc"]


_MISSING = ("", "None", "nan", "<NA>")


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
        got = node_ids(label, *[pa.array(c[ok].to_numpy(dtype=object), type=pa.large_string()) for c in clean])
        out[ok] = np.asarray(got.to_pylist(), dtype=object)
    return pd.Series(out, index=index, dtype=object)


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
