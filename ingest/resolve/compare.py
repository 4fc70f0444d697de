"""Comparison levels of profile pairs, whole arrays at a time.

Each function takes the profiles frame and two aligned index arrays ``i``, ``j`` and returns an ``int8``
array of levels: 0 is the strongest agreement, higher is weaker, ``-1`` means a value is missing on one
side (no evidence either way). String similarities are rapidfuzz ``cpdist`` (pairwise, in C, all cores).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

NULL = np.int8(-1)
LevelFn = Callable[[pd.DataFrame, np.ndarray, np.ndarray], np.ndarray]


def _col(p: pd.DataFrame, name: str, idx: np.ndarray) -> np.ndarray:
    return p[name].to_numpy()[idx]


def _pairwise(a: np.ndarray, b: np.ndarray, scorer: Any) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    return np.asarray(process.cpdist(list(a), list(b), scorer=scorer, workers=-1), dtype=float)


def _select(conditions: list[np.ndarray], null: np.ndarray) -> np.ndarray:
    out = np.select(conditions, np.arange(len(conditions), dtype=np.int8), default=len(conditions)).astype(np.int8)
    out[null] = NULL
    return out


def name_levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same tokens (any order: swaps), 1 same transliteration skeletons or same native-script name,
    2 one of surname / given names the same and the other one keyboard error off (an insertion, deletion,
    substitution or transposition), 3 token-sorted similarity >= 0.85, 4 >= 0.7, 5 different. Native-script
    names present on both sides and different make the pair "different" whatever the Latin forms say
    (WONG WAI WAI is both 王偉偉 and 黃偉偉)."""
    fa, fb = _col(p, "full", i), _col(p, "full", j)
    same = _col(p, "name_key", i) == _col(p, "name_key", j)
    na, nb = _col(p, "native_name", i), _col(p, "native_name", j)
    variant = (
        (_col(p, "variant", i) == _col(p, "variant", j))
        | (_col(p, "compact", i) == _col(p, "compact", j))
        | ((na == nb) & (na != ""))
    )
    known = same | variant  # the string distances below only where these do not decide the level
    sur = _part_levels(p, "surname_l", "surname_sk", i, j, ~known)
    giv = _part_levels(p, "given_l", "given_sk", i, j, ~known)
    typo = ((sur == 0) & (giv <= 1)) | ((giv == 0) & (sur <= 1))
    null = (fa == "") | (fb == "")
    todo = ~(known | typo | null)
    sim = np.zeros(len(i))
    ratio = _pairwise(fa[todo], fb[todo], fuzz.token_sort_ratio) / 100.0
    skel = _pairwise(_col(p, "variant", i[todo]), _col(p, "variant", j[todo]), fuzz.token_sort_ratio) / 100.0
    sim[todo] = np.maximum(ratio, 0.95 * skel)
    levels = _select([same, variant, typo, sim >= 0.85, sim >= 0.7], null)
    levels[(na != nb) & (na != "") & (nb != "")] = 5
    return levels


def _part_levels(
    p: pd.DataFrame, latin: str, skel: str, i: np.ndarray, j: np.ndarray, need: np.ndarray
) -> np.ndarray:
    """0 same (or same skeleton), 1 one edit apart (transpositions count one), 2 different; the edit
    distance is computed only for the pairs in ``need`` that are not the same (the rest count as 2)."""
    a, b = _col(p, latin, i), _col(p, latin, j)
    same = (a == b) | (_col(p, skel, i) == _col(p, skel, j))
    todo = need & ~same & (a != "") & (b != "")
    near = np.zeros(len(i), dtype=bool)
    near[todo] = _pairwise(a[todo], b[todo], OSA.distance) <= 1
    return np.where(same, 0, np.where(near, 1, 2))


def date_levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same full date, 1 compatible (one side partial, the known parts agree), 2 near (one digit off, or
    day and month swapped), 3 same year otherwise, 4 different."""
    ya, ma, da = (_col(p, c, i) for c in ("dob_y", "dob_m", "dob_d"))
    yb, mb, db = (_col(p, c, j) for c in ("dob_y", "dob_m", "dob_d"))
    full = _col(p, "dob_full", i) & _col(p, "dob_full", j)
    exact = full & (ya == yb) & (ma == mb) & (da == db)
    agree = (ya == yb) & ((ma == 0) | (mb == 0) | (ma == mb)) & ((da == 0) | (db == 0) | (da == db))
    digits = _digit_diffs(ya, yb, 4) + _digit_diffs(ma, mb, 2) + _digit_diffs(da, db, 2)
    swapped = (ya == yb) & (ma == db) & (da == mb)
    near = full & ((digits == 1) | swapped)
    null = (ya == 0) | (yb == 0)
    return _select([exact, agree & ~full, near, ya == yb], null)


def _digit_diffs(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    diffs = np.zeros(len(a), dtype=np.int64)
    a, b = a.astype(np.int64), b.astype(np.int64)
    for _ in range(width):
        diffs += (a % 10) != (b % 10)
        a, b = a // 10, b // 10
    return diffs


def exact_levels(column: str) -> LevelFn:
    """A level function for one column: 0 equal, 1 different."""

    def levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = _col(p, column, i), _col(p, column, j)
        return _select([a == b], (a == "") | (b == ""))

    return levels


def fuzzy_levels(column: str) -> LevelFn:
    """A level function for one column: 0 equal, 1 Jaro-Winkler >= 0.92, 2 >= 0.8, 3 different."""

    def levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = _col(p, column, i), _col(p, column, j)
        jw = _pairwise(a, b, JaroWinkler.normalized_similarity)
        return _select([a == b, jw >= 0.92, jw >= 0.8], (a == "") | (b == ""))

    return levels


def identifier_levels(column: str) -> LevelFn:
    """A level function for an identifier: 0 equal, 1 one edit apart, 2 two edits, 3 different."""

    def levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = _col(p, column, i), _col(p, column, j)
        dist = _pairwise(a, b, Levenshtein.distance)
        return _select([a == b, dist <= 1, dist <= 2], (a == "") | (b == ""))

    return levels


def document_levels(p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same issuer and number, 1 same number under another issuer or one character off (numbers of six
    characters or more), 2 different."""
    ka, kb = _col(p, "doc_key", i), _col(p, "doc_key", j)
    na, nb = _col(p, "doc_number", i), _col(p, "doc_number", j)
    null = (ka == "") | (kb == "")
    todo = np.flatnonzero(~null & (ka != kb))
    todo = todo[pd.Series(na[todo], dtype=object).str.len().to_numpy() >= 6]  # K1 / K2: not one typo apart
    near = np.zeros(len(i), dtype=bool)
    near[todo] = _pairwise(na[todo], nb[todo], Levenshtein.distance) <= 1
    return _select([ka == kb, near], null)
