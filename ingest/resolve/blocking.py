"""Blocking: which profile pairs are compared at all.

Each rule is a tuple of profile key columns; two profiles are a candidate pair when they agree on every
column of a rule (empty values never agree). The built-in rules catch every noise the world and real
records show: same document; same name skeleton (transliterations, swaps) and birth year; same birth date
and surname (a typo in the given names) or given names (a typo in the surname); same name skeleton when one
side has no birth year. Blocks larger than ``max_block`` are skipped (a common name with no other key):
such pairs would be too weak to merge anyway.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DOCUMENT_RULE = ("doc_key",)
PERSON_RULES: tuple[tuple[str, ...], ...] = (
    ("variant", "year"),
    ("compact", "year"),
    ("birth_date", "surname_sk"),
    ("birth_date", "given_sk"),
)


def _codes(p: pd.DataFrame, keys: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    sub = p.iloc[rows]
    return sub.groupby(list(keys), sort=False).ngroup().to_numpy()


def pairs_on(p: pd.DataFrame, keys: tuple[str, ...], *, max_block: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Pairs (as ``i * n + j`` with ``i < j``) of profiles agreeing on every key column."""
    n = len(p)
    mask = np.ones(n, dtype=bool) if rows is None else np.isin(np.arange(n), rows)
    for k in keys:
        mask &= p[k].to_numpy() != ""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    code = _codes(p, keys, idx)
    size = np.bincount(code)
    ok = (size[code] > 1) & (size[code] <= max_block)
    frame = pd.DataFrame({"b": code[ok], "i": idx[ok]})
    pairs = frame.merge(frame, on="b", suffixes=("", "_j"))
    pairs = pairs[pairs["i"] < pairs["i_j"]]
    return pairs["i"].to_numpy(np.int64) * n + pairs["i_j"].to_numpy(np.int64)


def pairs_missing_year(p: pd.DataFrame, key: str, *, max_block: int) -> np.ndarray:
    """Pairs agreeing on ``key`` where at least one side has no birth year."""
    n = len(p)
    has_key = p[key].to_numpy() != ""
    no_year = has_key & (p["year"].to_numpy() == "")
    if not no_year.any():
        return np.zeros(0, dtype=np.int64)
    left = pd.DataFrame({"k": p[key].to_numpy()[no_year], "i": np.flatnonzero(no_year)})
    right = pd.DataFrame({"k": p[key].to_numpy()[has_key], "j": np.flatnonzero(has_key)})
    size = right["k"].map(right["k"].value_counts())
    right = right[size.to_numpy() <= max_block]
    pairs = left.merge(right, on="k")
    pairs = pairs[pairs["i"] != pairs["j"]]
    a = np.minimum(pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64))
    b = np.maximum(pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64))
    return a * n + b


def candidate_pairs(
    p: pd.DataFrame, rules: tuple[tuple[str, ...], ...], *, max_block: int
) -> tuple[np.ndarray, np.ndarray]:
    """All distinct pairs of the document rule, the given rules and the missing-year rule: ``(i, j)``."""
    n = len(p)
    parts = [pairs_on(p, DOCUMENT_RULE, max_block=max_block * 10)]
    parts += [pairs_on(p, r, max_block=max_block) for r in rules]
    parts.append(pairs_missing_year(p, "variant", max_block=max_block))
    flat = np.unique(np.concatenate(parts))
    return flat // max(n, 1), flat % max(n, 1)
