"""Score a screening pair and say why: name (across scripts), birth date, nationality, document number.

The score is a sum of evidence, clipped to [0, 1]: the name similarity (the best of the Latin forms, the
romanised native forms, the transliteration skeletons and an identical native-script name), plus or minus
what the birth date, nationality and document number say. Every term is a reason with its weight, so the
reasons of a hit add up to its score (before clipping). The weights live in :class:`ScoreWeights`
(part of the screening configuration).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from ingest.normalise.names import compact_variant_key, name_similarity, skeleton, variant_key


@dataclass(frozen=True)
class ScoreWeights:
    """What each kind of evidence adds to (or takes from) the name score."""

    dob_exact: float = 0.08
    dob_partial: float = 0.04
    dob_conflict: float = -0.45
    dob_missing: float = -0.03
    #: Only a birth year in common, and a name that is not the same: too little to raise a hit on its own.
    dob_year_only_inexact_name: float = -0.12
    nationality_same: float = 0.02
    nationality_differs: float = -0.08
    doc_same: float = 0.30
    native_identical: float = 1.0


def name_evidence(p: pd.Series, w: pd.Series, native_identical: float) -> tuple[float, str, str]:
    """The best name score of a pair, its kind (``exact``, ``native-script``, ``variant``, ``similar``) and
    the two spellings compared.

    >>> p = pd.Series({"latin": "CHANG WEI", "native_latin": None, "native_name": None,
    ...                "surname": "CHANG", "given_names": "WEI"})
    >>> w = pd.Series({"latin": "ZHANG WEI", "native_latin": "ZHANG WEI", "native_name": "张伟",
    ...                "surname": None, "given_names": None})
    >>> name_evidence(p, w, 1.0)
    (0.95, 'variant', 'CHANG WEI ~ ZHANG WEI')
    """
    if p["native_name"] and w["native_name"] and _squash(p["native_name"]) == _squash(w["native_name"]):
        return native_identical, "native-script", f"{p['native_name']} = {w['native_name']}"
    best = (0.0, "similar", "")
    for a in (p["latin"], p["native_latin"]):
        for b in (w["latin"], w["native_latin"]):
            if not a or not b:
                continue
            if sorted(a.split()) == sorted(b.split()):
                return 1.0, "exact", f"{a} = {b}"
            score = max(name_similarity(a, b), _compact(a, b))
            kind = "variant" if variant_key(a) == variant_key(b) or _compact(a, b) >= 0.95 else "similar"
            if kind == "similar" and not tokens_agree(a, b):
                score = min(score, UNMATCHED_TOKEN_CAP)
            if score > best[0]:
                best = (round(score, 4), kind, f"{a} ~ {b}")
    return best


#: The most a name scores when some token has no close partner on the other side (another given name).
UNMATCHED_TOKEN_CAP = 0.75


def tokens_agree(a: str, b: str) -> bool:
    """Whether every token of the shorter name has a partner in the other within one keyboard error (two in
    tokens of 8 letters or more, transpositions counting one) or with the same transliteration skeleton,
    comparing the names as written and with the given names run together (MIN JUN / MINJUN).

    Why: a similarity over the whole name rates WONG WAI TO / WONG WAI TSZ (two people) as high as a typo;
    a typo changes one token a little, another given name changes a token entirely.

    >>> tokens_agree("SMITH ANDREW", "SMIHT ANDREW"), tokens_agree("WONG WAI TO", "WONG WAI TSZ")
    (True, False)
    >>> tokens_agree("MIN CHIEN LI", "LI MINJIAN"), tokens_agree("SANTOS MARK", "SANTOS MARICEL")
    (True, False)
    >>> tokens_agree("WONG WAI WAI", "WONG MAN WAI"), tokens_agree("MHMD LY", "MOHAMMED ALI")
    (False, True)
    """
    forms_a, forms_b = _forms(a), _forms(b)
    if _covered(forms_a[0], forms_b[0]):  # as written (a missing middle name allowed)
        return True
    return any(_covered(fa, fb) for fa in forms_a for fb in forms_b if len(fa) == len(fb))


def _forms(name: str) -> list[list[str]]:
    toks = name.split()
    out = [toks]
    for i in range(len(toks)):  # each token as the surname, the rest run together
        rest = "".join(toks[:i] + toks[i + 1 :])
        if rest and len(toks) > 2:
            out.append([toks[i], rest])
    return out


def _covered(x: list[str], y: list[str]) -> bool:
    """Each token of the shorter list pairs with its own token of the longer (one to one, greedy)."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    free = list(long_)
    for t in short:
        match = next((u for u in free if u == t), None) or next((u for u in free if _close(t, u)), None)
        if match is None:
            return False
        free.remove(match)
    return True


def _close(t: str, u: str) -> bool:
    allowed = 2 if max(len(t), len(u)) >= 8 else 1
    if DamerauLevenshtein.distance(t, u) <= allowed or skeleton(t) == skeleton(u):
        return True
    if not (_NO_VOWEL.fullmatch(t) or _NO_VOWEL.fullmatch(u)):
        return False
    ct, cu = _VOWELS.sub("", skeleton(t)), _VOWELS.sub("", skeleton(u))  # Arabic without vowels: LY / ALI
    return bool(ct) and ct == cu


_VOWELS = re.compile(r"[AEIOUY]")
_NO_VOWEL = re.compile(r"[^AEIOU]+")  # a token romanised without vowels (Arabic through anyascii)


def _squash(text: str) -> str:
    return "".join(text.split()).upper()


def _compact(a: str, b: str) -> float:
    """0.95 x the similarity of the compact skeleton keys (given names as one word: MIN JUN / MINJUN), first
    token taken as the surname on each side; only where the letters themselves are close (at least 0.75),
    since a skeleton of a whole run of given names folds too much (LAU YAN YUNG / LEE YING both give ANK L).

    >>> _compact("KIM MINJUN", "GIM MIN JUN"), _compact("LAU YAN YUNG", "LEE YING")
    (0.95, 0.0)
    """
    ka = compact_variant_key(*_split(a))
    kb = compact_variant_key(*_split(b))
    if not ka or not kb or fuzz.ratio(_letters(a), _letters(b)) < 75:
        return 0.0
    return 0.95 * fuzz.ratio(ka, kb) / 100.0


def _letters(name: str) -> str:
    """Surname and the given names run together, the two parts in sorted order (swaps meet)."""
    first, rest = _split(name)
    return "".join(sorted((first, rest.replace(" ", ""))))


def _split(name: str) -> tuple[str, str]:
    first, _, rest = name.partition(" ")
    return first, rest


def dob_evidence(py: np.ndarray, pm: np.ndarray, pd_: np.ndarray, wy: np.ndarray, wm: np.ndarray,
                 wd: np.ndarray) -> np.ndarray:
    """Per pair: ``missing``, ``conflict``, ``exact`` or ``partial`` (what both sides know agrees).

    >>> a = np.array
    >>> dob_evidence(a([1980, 1980, 1980, 0]), a([5, 5, 0, 0]), a([7, 8, 0, 0]),
    ...              a([1980, 1980, 1980, 1981]), a([5, 5, 3, 1]), a([7, 7, 9, 1])).tolist()
    ['exact', 'conflict', 'partial', 'missing']
    """
    missing = (py == 0) | (wy == 0)
    conflict = (py != wy) | ((pm > 0) & (wm > 0) & (pm != wm)) | ((pd_ > 0) & (wd > 0) & (pd_ != wd))
    exact = (pm > 0) & (wm > 0) & (pd_ > 0) & (wd > 0) & ~conflict
    return np.select([missing, conflict, exact], ["missing", "conflict", "exact"], "partial").astype(object)


def score_pairs(people: pd.DataFrame, entries: pd.DataFrame, pairs: pd.DataFrame,
                weights: ScoreWeights) -> pd.DataFrame:
    """Scores and reasons for ``pairs`` (positions ``p``, ``w`` into the clean frames): columns ``p, w,
    score, name_score, name_kind, dob, nationality, doc, reasons`` (reasons as a list of dicts)."""
    if pairs.empty:
        return pairs.assign(score=[], name_score=[], name_kind=[], dob=[], nationality=[], doc=[], reasons=[])
    P = people.iloc[pairs["p"].to_numpy()].reset_index(drop=True)
    W = entries.iloc[pairs["w"].to_numpy()].reset_index(drop=True)
    names = [name_evidence(a, b, weights.native_identical) for (_, a), (_, b) in zip(P.iterrows(), W.iterrows(),
                                                                                        strict=True)]
    dob = dob_evidence(*(P[c].to_numpy() for c in ("year", "month", "day")),
                       *(W[c].to_numpy() for c in ("year", "month", "day")))
    nat = np.where(P["nationality"].isna() | W["nationality"].isna(), "missing",
                   np.where(P["nationality"] == W["nationality"], "same", "differs")).astype(object)
    doc = np.array(["same" if set(a) & set(b) else ("missing" if not a or not b else "differs")
                    for a, b in zip(P["docs"], W["docs"], strict=True)], dtype=object)
    out = pairs[["p", "w"]].reset_index(drop=True).copy()
    out["name_score"] = [n[0] for n in names]
    out["name_kind"] = [n[1] for n in names]
    year_only = (P["month"].to_numpy() == 0) | (W["month"].to_numpy() == 0)
    inexact = np.array([n[1] not in ("exact", "native-script") for n in names], dtype=bool)
    dob = np.where((dob == "partial") & year_only & inexact, "year-only", dob).astype(object)
    out["dob"], out["nationality"], out["doc"] = dob, nat, doc
    reasons = [_reasons(n, d, t, x, P.iloc[i], W.iloc[i], weights)
               for i, (n, d, t, x) in enumerate(zip(names, dob, nat, doc, strict=True))]
    out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)
    out["score"] = np.clip([sum(r["weight"] for r in rs) for rs in reasons], 0.0, 1.0).round(4)
    return out


def _reasons(name: tuple[float, str, str], dob: str, nat: str, doc: str, p: pd.Series, w: pd.Series,
             wt: ScoreWeights) -> list[dict[str, Any]]:
    out = [{"field": "name", "verdict": name[1], "weight": name[0], "detail": name[2]}]
    dob_w = {"exact": wt.dob_exact, "partial": wt.dob_partial, "conflict": wt.dob_conflict,
             "missing": wt.dob_missing, "year-only": wt.dob_year_only_inexact_name}[dob]
    out.append({"field": "birth_date", "verdict": dob, "weight": dob_w,
                "detail": f"{p['birth_date'] or '?'} vs {w['birth_date'] or '?'}"})
    if nat != "missing":
        nat_w = wt.nationality_same if nat == "same" else wt.nationality_differs
        out.append({"field": "nationality", "verdict": nat, "weight": nat_w,
                    "detail": f"{p['nationality']} vs {w['nationality']}"})
    if doc == "same":
        same = sorted(set(p["docs"]) & set(w["docs"]))
        out.append({"field": "doc_number", "verdict": "same", "weight": wt.doc_same, "detail": ", ".join(same)})
    return out


def reasons_json(reasons: list[dict[str, Any]]) -> str:
    """Reasons as compact JSON text, the form stored on a ``LISTED_AS`` edge.

    >>> reasons_json([{"field": "name", "verdict": "exact", "weight": 1.0, "detail": "A = A"}])
    '[{"field": "name", "verdict": "exact", "weight": 1.0, "detail": "A = A"}]'
    """
    return json.dumps(reasons, ensure_ascii=False)
