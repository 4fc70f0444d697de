"""Run a scalar normaliser over a column: once per distinct value, errors into an ``error`` column.

Border data repeats itself (the same nationality, port, birth date or surname on many rows), so the cost
is one call per *distinct* value plus a numpy take; that is the vectorisation here. Arrow in, Arrow out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.normalise.errors import NormaliseError

ArrayLike: TypeAlias = pd.Series | pa.Array | pa.ChunkedArray | Sequence[Any]


def as_series(values: ArrayLike) -> tuple[pd.Series, bool]:
    """The values as an object Series, and whether they came as Arrow (so results go back as Arrow)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return pd.Series(values.to_pylist(), dtype=object), True
    if isinstance(values, pd.Series):
        return values.astype(object), False
    return pd.Series(list(values), dtype=object), False


def is_missing(value: Any) -> bool:
    """None, NaN, NA or a blank string: a value that is absent, not wrong."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def map_unique(
    values: ArrayLike,
    fn: Callable[[Any], Any],
    columns: Sequence[str],
) -> pd.DataFrame | pa.Table:
    """Apply ``fn`` to each distinct non-missing value; ``fn`` returns one item per column (a tuple if several).

    A :class:`NormaliseError` becomes the row's ``error`` text and ``None`` in every column; missing values
    give ``None`` everywhere and no error.

    >>> map_unique(pd.Series(["a", "b", "a", None]), str.upper, ["up"])["up"].tolist()
    ['A', 'B', 'A', None]
    """
    series, arrow = as_series(values)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    width = len(columns)
    results: list[tuple[Any, ...]] = []
    errors: list[str | None] = []
    for value in uniques:
        if is_missing(value):
            results.append((None,) * width)
            errors.append(None)
            continue
        try:
            out = fn(value)
        except NormaliseError as err:
            results.append((None,) * width)
            errors.append(str(err))
            continue
        results.append(tuple(out) if width > 1 else (out,))
        errors.append(None)
    results.append((None,) * width)  # the NA sentinel (-1) picks the last entry
    errors.append(None)
    take = np.where(codes < 0, len(results) - 1, codes)
    data: dict[str, Any] = {}
    for i, name in enumerate(columns):
        col = np.empty(len(results), dtype=object)
        col[:] = [r[i] for r in results]
        data[name] = pd.Series(col[take], index=series.index, dtype=object)
    err_col = np.empty(len(errors), dtype=object)
    err_col[:] = errors
    data["error"] = pd.Series(err_col[take], index=series.index, dtype=object)
    frame = pd.DataFrame(data)
    if arrow:
        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame


def fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    """``s.str.fullmatch(pattern)`` of a text column, by Arrow's RE2 in C for the ASCII values (where RE2 and
    Python's ``re`` agree on these patterns: ``\\d`` is ``[0-9]`` there) and by ``re`` for the others, so the
    result is the same: bool, with ``None`` (object dtype) where a value is missing, as pandas gives it.

    >>> fullmatch(pd.Series(["A1", "a", None, "\\u0661"]), r"[A-Z0-9]+|\\d").tolist()
    [True, False, None, True]
    """
    try:
        arr = pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return s.str.fullmatch(pattern)
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(arr, f"^(?:{pattern})$").to_numpy(zero_copy_only=False)
    other = ~pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False)
    if other.any():
        hit = hit.astype(object)
        hit[other] = s[other].str.fullmatch(pattern).to_numpy(dtype=object)
    missing = arr.is_null().to_numpy(zero_copy_only=False)
    if missing.any():
        hit = hit.astype(object)
        hit[missing] = None
        return pd.Series(hit, index=s.index, dtype=object)
    return pd.Series(hit.astype(bool), index=s.index)
