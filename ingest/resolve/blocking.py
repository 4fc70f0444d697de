"""Blocking: which profile pairs are compared at all.

Each rule is a tuple of profile key columns; two profiles are a candidate pair when they agree on every
column of a rule (empty values never agree). The built-in rules catch every noise the world and real
records show: same document; same name skeleton (transliterations, swaps) and birth date, or birth year and
month (a day mistyped); same birth date and surname (a typo in the given names) or given names (a typo in the
surname); same name skeleton and year when one side has a partial birth date, same name skeleton alone when
one side has none. Blocks larger than ``max_block`` are skipped (a common name with no other key):
such pairs would be too weak to merge anyway.

Documents come first (:func:`document_pairs`, a star per document); the person rules then compare one
profile per block and document-made group, so the dozens of noisy profiles of one frequent traveller do not
become thousands of pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.resolve.arrays import sorted_unique

PERSON_RULES: tuple[tuple[str, ...], ...] = (
    ("variant", "birth_date"),
    ("compact", "birth_date"),
    ("variant", "year_month"),
    ("birth_date", "surname_sk"),
    ("birth_date", "given_sk"),
)


class KeyCodes:
    """Integer codes of the profiles' key columns, factorised once per column (blocking combines them per
    rule many times; strings are hashed only here). Code 0 is the empty value."""

    def __init__(self, p: pd.DataFrame) -> None:
        self.p = p
        self.cache: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.cache:
            values = self.p[key].to_numpy()
            codes, uniques = pd.factorize(values)
            empty = np.asarray(uniques, dtype=object) == ""
            shift = np.cumsum(~empty) * ~empty  # non-empty values 1.., the empty value 0
            self.cache[key] = shift[codes].astype(np.int64)
        return self.cache[key]

    def present(self, keys: tuple[str, ...]) -> np.ndarray:
        """Profiles with a value in every key column."""
        mask = np.ones(len(self.p), dtype=bool)
        for k in keys:
            mask &= self[k] != 0
        return mask


def _codes(kc: KeyCodes, keys: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    """Block code per row: the key columns' codes combined (re-factorised only to avoid overflow)."""
    combined, bound = np.zeros(len(rows), dtype=np.int64), 1
    for k in keys:
        codes = kc[k][rows]
        width = int(codes.max()) + 1 if len(codes) else 1
        if bound * width >= 2**62:
            combined = pd.factorize(combined)[0].astype(np.int64)
            bound = int(combined.max()) + 1
        combined, bound = combined * width + codes, bound * width
    return pd.factorize(combined)[0].astype(np.int64)


def document_pairs(p: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each profile with a document paired with the anchor of its document: the named profile of that
    document seen on most records (a star, not every pair: a commuter's document has dozens of noisy
    profiles; a record naming nobody but the document anchors only where nobody named holds it)."""
    has = np.flatnonzero(p["doc_key"].to_numpy() != "")
    if len(has) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    doc = pd.factorize(p["doc_key"].to_numpy()[has])[0]
    bare = p["bare"].to_numpy()[has]
    order = np.lexsort((has, -counts[has], bare, doc))
    doc_sorted = doc[order]
    first = np.r_[True, doc_sorted[1:] != doc_sorted[:-1]]
    anchor = has[order][np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
    other = has[order]
    keep = anchor != other
    a, b = anchor[keep], other[keep]
    return np.minimum(a, b), np.maximum(a, b)


def _representatives(kc: KeyCodes, keys: tuple[str, ...], groups: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One profile per (block, group) among ``rows``: a profile with a full birth date first, then the
    smallest (profiles are sorted by value, so this is deterministic)."""
    if len(rows) == 0:
        return rows
    code = _codes(kc, keys, rows)
    order = np.lexsort((rows, ~kc.p["dob_full"].to_numpy()[rows]))
    pair = code[order] * (int(groups.max()) + 1) + groups[rows][order]
    _, first = np.unique(pair, return_index=True)
    return np.sort(rows[order][first])


def pairs_on(kc: KeyCodes, keys: tuple[str, ...], groups: np.ndarray, *, max_block: int) -> np.ndarray:
    """Pairs (as ``i * n + j`` with ``i < j``) of profiles of different groups agreeing on every key column."""
    n = len(kc.p)
    idx = _representatives(kc, keys, groups, np.flatnonzero(kc.present(keys)))
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    code = _codes(kc, keys, idx)
    size = np.bincount(code)
    ok = (size[code] > 1) & (size[code] <= max_block)
    frame = pd.DataFrame({"b": code[ok], "i": idx[ok]})
    pairs = frame.merge(frame, on="b", suffixes=("", "_j"))
    pairs = pairs[pairs["i"] < pairs["i_j"]]
    return pairs["i"].to_numpy(np.int64) * n + pairs["i_j"].to_numpy(np.int64)


def pairs_from(
    kc: KeyCodes, keys: tuple[str, ...], left: np.ndarray, groups: np.ndarray, *, max_block: int
) -> np.ndarray:
    """Pairs of different groups agreeing on ``keys`` where one side is among the ``left`` profiles (a mask):
    a partial or missing birth date meets every profile with the same name and year (or name alone)."""
    n = len(kc.p)
    reps = _representatives(kc, keys, groups, np.flatnonzero(kc.present(keys)))
    lreps = reps[left[reps]]
    if len(lreps) == 0:
        return np.zeros(0, dtype=np.int64)
    code = _codes(kc, keys, reps)
    size = np.bincount(code)
    right = pd.DataFrame({"b": code, "j": reps})[size[code] <= max_block]
    pairs = pd.DataFrame({"b": code[left[reps]], "i": lreps}).merge(right, on="b")
    pairs = pairs[pairs["i"] != pairs["j"]]
    a = np.minimum(pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64))
    b = np.maximum(pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64))
    return a * n + b


def candidate_pairs(
    p: pd.DataFrame, rules: tuple[tuple[str, ...], ...], groups: np.ndarray, *, max_block: int
) -> tuple[np.ndarray, np.ndarray]:
    """All distinct pairs of the given rules and the partial-date rules between profiles of different
    ``groups`` (the persons the document rule already made), one profile per group and block: ``(i, j)``."""
    n = max(len(p), 1)
    kc = KeyCodes(p)
    parts = [pairs_on(kc, r, groups, max_block=max_block) for r in rules]
    year = p["year"].to_numpy() != ""
    partial = year & ~p["dob_full"].to_numpy()
    parts.append(pairs_from(kc, ("variant", "year"), partial, groups, max_block=max_block))
    parts.append(pairs_from(kc, ("compact", "year"), partial, groups, max_block=max_block))
    parts.append(pairs_from(kc, ("variant",), ~year, groups, max_block=max_block))
    flat = sorted_unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    return flat // n, flat % n
