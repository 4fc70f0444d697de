"""Score a screening pair and say why: name (across scripts), birth date, nationality, document number, sex.

The score is a sum of evidence, clipped to [0, 1]: the name similarity (the best of the Latin forms, the
romanised native forms, the transliteration skeletons and an identical native-script name, from
:mod:`analytics.screening_names`), plus or minus what the birth date, nationality, document number, sex and
two native-script names that read differently say. Every term is a reason with its weight, so the reasons
of a hit add up to its score (before clipping). The weights live in :class:`ScoreWeights` (part of the
screening configuration).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.screening_names import UNMATCHED_TOKEN_CAP, name_table, tokens_agree

__all__ = ["UNMATCHED_TOKEN_CAP", "ScoreWeights", "dob_evidence", "reasons_json", "score_pairs", "tokens_agree"]


@dataclass(frozen=True)
class ScoreWeights:
    """What each kind of evidence adds to (or takes from) the name score."""

    dob_exact: float = 0.08
    dob_partial: float = 0.04
    dob_conflict: float = -0.45
    dob_missing: float = -0.03
    #: Only a birth year in common, and a name that is not the same: too little to raise a hit on its own.
    dob_year_only_inexact_name: float = -0.12
    #: No birth date on one side and a name that is not the same: as little.
    dob_missing_inexact_name: float = -0.12
    nationality_same: float = 0.02
    nationality_differs: float = -0.08
    #: Another nationality and no full birth date in common, or a name only similar: a namesake abroad, not
    #: a dual national.
    nationality_differs_weak_dob: float = -0.2
    doc_same: float = 0.30
    native_identical: float = 1.0
    #: Both sides have a native-script name and the two read differently (黃偉偉 / 王偉偉): two names.
    native_conflict: float = -0.5
    #: Both sides know the sex and it differs.
    sex_differs: float = -0.3


def dob_evidence(py: np.ndarray, pm: np.ndarray, pd_: np.ndarray, wy: np.ndarray, wm: np.ndarray,
                 wd: np.ndarray) -> np.ndarray:
    """Per pair: ``missing``, ``conflict``, ``exact``, ``partial`` (year and month agree, a day unknown) or
    ``year-only`` (only the year known on one side, and it agrees).

    >>> a = np.array
    >>> dob_evidence(a([1980, 1980, 1980, 0, 1980]), a([5, 5, 0, 0, 5]), a([7, 8, 0, 0, 0]),
    ...              a([1980, 1980, 1980, 1981, 1980]), a([5, 5, 3, 1, 5]), a([7, 7, 9, 1, 9])).tolist()
    ['exact', 'conflict', 'year-only', 'missing', 'partial']
    """
    missing = (py == 0) | (wy == 0)
    conflict = (py != wy) | ((pm > 0) & (wm > 0) & (pm != wm)) | ((pd_ > 0) & (wd > 0) & (pd_ != wd))
    exact = (pm > 0) & (wm > 0) & (pd_ > 0) & (wd > 0) & ~conflict
    year_only = (pm == 0) | (wm == 0)
    return np.select([missing, conflict, exact, year_only], ["missing", "conflict", "exact", "year-only"],
                     "partial").astype(object)


def _verdict(a: pd.Series, b: pd.Series) -> np.ndarray:
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    return np.where(a.isna() | b.isna(), "missing", np.where(a == b, "same", "differs")).astype(object)


def score_pairs(people: pd.DataFrame, entries: pd.DataFrame, pairs: pd.DataFrame, weights: ScoreWeights,
                *, min_score: float = 0.0) -> pd.DataFrame:
    """Scores and reasons for ``pairs`` (positions ``p``, ``w`` into the clean frames): columns ``p, w,
    score, name_score, name_kind, dob, nationality, doc, sex, native, reasons`` (reasons as a list of dicts,
    built only for pairs scoring at least ``min_score``; ``None`` for the others). Vectorised: one array
    operation per kind of evidence over all pairs."""
    cols = ["score", "name_score", "name_kind", "dob", "nationality", "doc", "sex", "native", "reasons"]
    if pairs.empty:
        return pairs.assign(**{c: [] for c in cols})
    p, w = pairs["p"].to_numpy(), pairs["w"].to_numpy()
    P, W = people.iloc[p].reset_index(drop=True), entries.iloc[w].reset_index(drop=True)
    out = pairs[["p", "w"]].reset_index(drop=True)
    names = _names_once(people, entries, p, w)
    kind = names["name_kind"].to_numpy()
    out["name_score"] = np.where(kind == "native-script", weights.native_identical, names["name_score"])
    out["name_kind"], out["native"] = kind, names["native"].to_numpy()
    dob = dob_evidence(*(P[c].to_numpy() for c in ("year", "month", "day")),
                       *(W[c].to_numpy() for c in ("year", "month", "day")))
    out["dob"], out["nationality"], out["sex"] = dob, _verdict(P["nationality"], W["nationality"]), \
        _verdict(P["sex"], W["sex"])
    out["doc"] = [("same" if set(a) & set(b) else ("missing" if not a or not b else "differs"))
                  for a, b in zip(P["docs"], W["docs"], strict=True)]
    parts = _weights(out, weights)
    out["score"] = np.clip(sum(parts.values()), 0.0, 1.0).round(4)
    keep = np.flatnonzero(out["score"].to_numpy() >= min_score)
    reasons = np.full(len(out), None, dtype=object)
    reasons[keep] = [_reasons(int(i), out, names, parts, P, W) for i in keep]
    out["reasons"] = reasons
    return out


def _names_once(people: pd.DataFrame, entries: pd.DataFrame, p: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """``name_table`` once per distinct (person's names, entry) pair: namesakes share one comparison."""
    cols = [people[c].to_numpy(dtype=object)[p] for c in ("latin", "native_latin", "native_name")]
    who = pd.Series(cols[0]).fillna("") + "|" + pd.Series(cols[1]).fillna("") + "|" + pd.Series(cols[2]).fillna("")
    code, _ = pd.factorize(who)
    pair_code, first = np.unique(code.astype(np.int64) * (len(entries) + 1) + w, return_inverse=False,
                                 return_index=True)
    inverse = np.searchsorted(pair_code, code.astype(np.int64) * (len(entries) + 1) + w)
    return name_table(people, entries, p[first], w[first]).iloc[inverse].reset_index(drop=True)


def _weights(out: pd.DataFrame, wt: ScoreWeights) -> dict[str, np.ndarray]:
    """The weight of each field per pair (the terms of the score)."""
    exact_name = out["name_kind"].isin(["exact", "native-script"]).to_numpy()
    dob = out["dob"].to_numpy()
    dob_w = np.select(
        [dob == "exact", dob == "partial", dob == "conflict", (dob == "year-only") & exact_name,
         dob == "year-only", (dob == "missing") & exact_name],
        [wt.dob_exact, wt.dob_partial, wt.dob_conflict, wt.dob_partial, wt.dob_year_only_inexact_name,
         wt.dob_missing], wt.dob_missing_inexact_name)
    nat = out["nationality"].to_numpy()
    similar = out["name_kind"].to_numpy() == "similar"
    nat_w = np.select([nat == "same", (nat == "differs") & (dob == "exact") & ~similar, nat == "differs"],
                      [wt.nationality_same, wt.nationality_differs, wt.nationality_differs_weak_dob], 0.0)
    return {
        "name": out["name_score"].to_numpy(dtype=float),
        "birth_date": dob_w,
        "nationality": nat_w,
        "doc_number": np.where(out["doc"].to_numpy() == "same", wt.doc_same, 0.0),
        "sex": np.where(out["sex"].to_numpy() == "differs", wt.sex_differs, 0.0),
        "native_name": np.where(out["native"].to_numpy() == "conflict", wt.native_conflict, 0.0),
    }


def _reasons(i: int, out: pd.DataFrame, names: pd.DataFrame, parts: dict[str, np.ndarray], P: pd.DataFrame,
             W: pd.DataFrame) -> list[dict[str, Any]]:
    """The reasons of one pair: one ``{field, verdict, weight, detail}`` per term of its score."""
    p, w = P.iloc[i], W.iloc[i]
    rs = [{"field": "name", "verdict": out.at[i, "name_kind"], "weight": float(parts["name"][i]),
           "detail": names.at[i, "name_detail"]},
          {"field": "birth_date", "verdict": out.at[i, "dob"], "weight": float(parts["birth_date"][i]),
           "detail": f"{p['birth_date'] or '?'} vs {w['birth_date'] or '?'}"}]
    if out.at[i, "nationality"] != "missing":
        rs.append({"field": "nationality", "verdict": out.at[i, "nationality"],
                   "weight": float(parts["nationality"][i]), "detail": f"{p['nationality']} vs {w['nationality']}"})
    if out.at[i, "doc"] == "same":
        same = sorted(set(p["docs"]) & set(w["docs"]))
        rs.append({"field": "doc_number", "verdict": "same", "weight": float(parts["doc_number"][i]),
                   "detail": ", ".join(same)})
    if out.at[i, "sex"] != "missing":
        rs.append({"field": "sex", "verdict": out.at[i, "sex"], "weight": float(parts["sex"][i]),
                   "detail": f"{p['sex']} vs {w['sex']}"})
    if out.at[i, "native"] == "conflict":
        rs.append({"field": "native_name", "verdict": "conflict", "weight": float(parts["native_name"][i]),
                   "detail": f"{p['native_name']} ({p['native_latin']}) vs {w['native_name']} ({w['native_latin']})"})
    return rs


def reasons_json(reasons: list[dict[str, Any]]) -> str:
    """Reasons as compact JSON text, the form stored on a ``LISTED_AS`` edge.

    >>> reasons_json([{"field": "name", "verdict": "exact", "weight": 1.0, "detail": "A = A"}])
    '[{"field": "name", "verdict": "exact", "weight": 1.0, "detail": "A = A"}]'
    """
    return json.dumps(reasons, ensure_ascii=False)
