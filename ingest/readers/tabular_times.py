"""The date-time check of the tabular sources: ISO 8601 with a UTC offset, kept as written and as UTC.

Why a module of its own: a crossings export has a distinct time on nearly every row, so this check runs
over the whole column (not once per distinct value) and is the costliest of the column checks; the usual
shapes are matched in Arrow and parsed by DuckDB, the odd ones by pandas, with the same results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.normalise._vector import fullmatch
from ingest.readers.tabular_fields import Checked, Done, Field, _blank_to_na, _where_text

_ISO_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"


#: ISO 8601 date-times DuckDB parses exactly as pandas does (hours 00-23, offsets up to 14 h, at most
#: microseconds, years well inside pandas' nanosecond range); anything else goes to pandas.
_PLAIN_TIME = (r"^(1[7-9]\d\d|2[01]\d\d|22[0-5]\d)-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
               r"(Z|[+-](0\d|1[0-4]):?[0-5]\d)$")


def _utc_times(s: pd.Series | pa.Array) -> pd.Series:
    """ISO 8601 text with offsets as UTC times (``datetime64[ns, UTC]``, NaT where missing or not a time in
    the calendar), as ``pd.to_datetime(format="ISO8601", utc=True, errors="coerce")`` gives them; the usual
    shapes are parsed by DuckDB (pandas took seconds per million values), the odd ones by pandas.

    >>> _utc_times(pd.Series(["2024-03-02T07:36:58+08:00", "2023-02-29T00:00Z", None])).astype(str).tolist()
    ['2024-03-01 23:36:58+00:00', 'NaT', 'NaT']
    """
    import duckdb

    if isinstance(s, pa.Array):
        arr, s = s, pd.Series(s.to_numpy(zero_copy_only=False), dtype=object)
    else:
        arr = pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_TIME), False)
    con = duckdb.connect()
    try:
        con.register("v", pa.table({"v": pc.if_else(plain, arr, pa.scalar(None, arr.type))}))
        micros = con.sql("SELECT epoch_us(TRY_CAST(v AS TIMESTAMPTZ)) AS us FROM v").to_arrow_table().column("us")
    finally:
        con.close()
    ns = pc.multiply(pc.fill_null(micros, 0).cast(pa.int64()), 1000).to_numpy()
    out = pd.Series(pd.to_datetime(ns, utc=True), index=s.index)
    out[pc.is_null(micros).to_numpy(zero_copy_only=False)] = pd.NaT
    rest = ~plain.to_numpy(zero_copy_only=False) & s.notna().to_numpy()
    if rest.any():
        out[rest] = pd.to_datetime(s[rest], format="ISO8601", utc=True, errors="coerce")
    return out


_TIME_ERRORS = np.array([None, "calendar: not a date-time in the calendar",
                         "time-format: not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss+hh:mm)",
                         "time-offset: no UTC offset (ISO 8601 with +hh:mm or Z required)"], dtype=object)


def _time(s: pd.Series, f: Field, done: Done) -> Checked:
    """ISO 8601 date-time with a UTC offset; gives the text as written and ``<name>_utc``. The patterns run
    in Arrow (RE2) when every value is ASCII, where RE2 and Python's ``re`` agree on them; else in pandas.

    >>> out, err, _ = _time(pd.Series(["2024-03-02T07:36:58,5+08:00", "2024-03-02T07:36", "", "x"]),
    ...                     Field("t", "time"), {})
    >>> out["t_utc"].astype(str).tolist(), err.str.split(":").str[0].tolist()
    (['2024-03-01 23:36:58.500000+00:00', 'NaT', 'NaT', 'NaT'], [None, 'time-offset', None, 'time-format'])
    """
    arr = pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    if arr.null_count or not pc.all(pc.string_is_ascii(arr)).as_py():
        return _time_pandas(s, f)
    full_a = pc.match_substring_regex(arr, "^(?:" + _ISO_TIME + r"(?:Z|[+-]\d{2}:?\d{2}))$")
    full = full_a.to_numpy(zero_copy_only=False)
    naive = pc.match_substring_regex(arr, "^(?:" + _ISO_TIME + ")$").to_numpy(zero_copy_only=False)
    utc = _utc_times(pc.if_else(full_a, pc.replace_substring(arr, ",", "."), pa.scalar(None, pa.string())))
    utc.index = s.index
    given = pc.not_equal(arr, "").to_numpy(zero_copy_only=False)
    which = np.where(naive, 3, np.where(given & ~full, 2, np.where(given & utc.isna().to_numpy(), 1, 0)))
    err = pd.Series(_TIME_ERRORS[which], index=s.index, dtype=object)
    return {f.name: _blank_to_na(s), f"{f.name}_utc": utc}, err, None


def _time_pandas(s: pd.Series, f: Field) -> Checked:
    full = fullmatch(s, _ISO_TIME + r"(?:Z|[+-]\d{2}:?\d{2})")
    naive = fullmatch(s, _ISO_TIME)
    utc = _utc_times(s.where(full).str.replace(",", ".", regex=False))
    err = _where_text(s.ne("") & utc.isna(), "calendar: not a date-time in the calendar")
    err = err.mask(s.ne("") & ~full, "time-format: not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss+hh:mm)")
    err = err.mask(naive, "time-offset: no UTC offset (ISO 8601 with +hh:mm or Z required)")
    return {f.name: _blank_to_na(s), f"{f.name}_utc": utc}, err, None
