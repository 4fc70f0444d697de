"""Name evidence of screening pairs, vectorised: how alike two records' names are, across scripts.

For every pair (a person, a watchlist entry) the Latin forms and the romanised native-script forms of both
sides are compared four ways (Latin/Latin, Latin/native, native/Latin, native/native) with rapidfuzz's
``process.cpdist`` (one C call per comparison kind over all pairs, no Python loop per pair), and the best
comparison is kept with its kind:

* ``native-script``: the very same native-script name on both sides (张伟 = 张伟);
* ``exact``: the same tokens in the same order, or the surname and given names swapped as blocks
  (CHAN WAI MAN / WAI MAN CHAN);
* ``variant``: the given names in another order (LEE YIM CHING / LEE CHING YIM: in Chinese names another
  order is another name, so this is not exact), the same transliteration skeletons (ZHANG/CHANG,
  IURII/YURIY) or the given names run together (MIN JUN / MINJUN);
* ``similar``: anything else, scored by the token-sorted ratio; capped at ``UNMATCHED_TOKEN_CAP`` when a
  token has no close partner on the other side (another given name, not a typo).

``native`` says whether the native-script names, where both sides have one, read the same (``same``), read
differently (``conflict``: 黃偉偉 HUANG WEIWEI and 王偉偉 WANG WEIWEI are two names both romanised WONG WAI WAI
in Cantonese), or cannot be compared (``missing``). Simplified and traditional characters of one name read
the same (王伟磊 / 王偉磊), so they do not conflict.

>>> import pandas as pd
>>> from analytics.screening_blocking import clean
>>> p = clean(pd.DataFrame({"id": ["a", "b"], "surname": ["WONG", "LEE"], "given_names": ["WAI WAI", "YIM CHING"],
...                         "native_name": ["黃偉偉", None]}))
>>> w = clean(pd.DataFrame({"id": ["w"], "surname": ["WONG"], "given_names": ["WAI WAI"], "native_name": ["王偉偉"]}))
>>> t = name_table(p, w, np.array([0, 1]), np.array([0, 0]))
>>> t[["name_score", "name_kind", "native"]].values.tolist()
[[1.0, 'exact', 'conflict'], [0.5182, 'similar', 'missing']]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from ingest.normalise.names import compact_variant_key, skeleton, variant_key

#: Score of a name whose tokens are all the same but in another order (not a block swap).
REORDERED = 0.95
_KIND_RANK = {"exact": 3, "variant": 2, "similar": 1, "": 0}


def name_table(people: pd.DataFrame, entries: pd.DataFrame, p: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """Per pair (positions ``p`` into ``people``, ``w`` into ``entries``, both frames from
    ``screening_blocking.clean``): ``name_score``, ``name_kind``, ``name_detail`` and ``native``."""
    n = len(p)
    best = pd.DataFrame({"name_score": np.zeros(n), "name_kind": np.full(n, "", dtype=object),
                         "name_detail": np.full(n, "", dtype=object)})
    for pc in ("latin", "native_latin"):
        for wc in ("latin", "native_latin"):
            a = people[pc].to_numpy(dtype=object)[p]
            b = entries[wc].to_numpy(dtype=object)[w]
            one = _compare(a, b)
            better = (one["name_score"].to_numpy() > best["name_score"].to_numpy()) | (
                (one["name_score"].to_numpy() == best["name_score"].to_numpy())
                & (one["name_kind"].map(_KIND_RANK).to_numpy() > best["name_kind"].map(_KIND_RANK).to_numpy()))
            best.loc[better] = one.loc[better]
    best.loc[best["name_kind"] == "", "name_kind"] = "similar"
    nat_p = _squash(people["native_name"].to_numpy(dtype=object)[p])
    nat_w = _squash(entries["native_name"].to_numpy(dtype=object)[w])
    same_script = (nat_p != "") & (nat_p == nat_w)
    best.loc[same_script, "name_kind"] = "native-script"
    best.loc[same_script, "name_detail"] = (pd.Series(nat_p[same_script]) + " = "
                                            + pd.Series(nat_w[same_script])).to_numpy()
    best["native"] = _native(people["native_latin"].to_numpy(dtype=object)[p],
                             entries["native_latin"].to_numpy(dtype=object)[w], same_script)
    best["native_same_script"] = same_script
    return best


def _native(a: np.ndarray, b: np.ndarray, identical: np.ndarray) -> np.ndarray:
    both = pd.notna(a) & pd.notna(b)
    ka = np.array([_sorted(x) if ok else "" for x, ok in zip(a, both, strict=True)], dtype=object)
    kb = np.array([_sorted(x) if ok else "" for x, ok in zip(b, both, strict=True)], dtype=object)
    return np.select([identical | (both & (ka == kb)), both], ["same", "conflict"], "missing").astype(object)


def _compare(a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """One comparison over all pairs: score, kind and detail (empty kind where either side is missing)."""
    ok = pd.notna(a) & pd.notna(b)
    sa = np.where(ok, a, "").astype(object)
    sb = np.where(ok, b, "").astype(object)
    exact = ok & np.array([_rotation(x, y) for x, y in zip(sa, sb, strict=True)], dtype=bool)
    srt_a, srt_b = _per_value(sa, _sorted), _per_value(sb, _sorted)
    reordered = ok & ~exact & (srt_a == srt_b)
    direct = process.cpdist(list(sa), list(sb), scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=1)
    va, vb = _per_value(sa, _variant), _per_value(sb, _variant)
    via_keys = 0.95 * process.cpdist(list(va), list(vb), scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=1)
    ca, cb = _per_value(sa, _compact_key), _per_value(sb, _compact_key)
    la, lb, lb2 = _per_value(sa, _letters), _per_value(sb, _letters), _per_value(sb, _letters_swapped)
    letters = np.maximum(process.cpdist(list(la), list(lb), scorer=fuzz.ratio, dtype=np.float32, workers=1),
                         process.cpdist(list(la), list(lb2), scorer=fuzz.ratio, dtype=np.float32, workers=1))
    compact = np.where((letters >= 75) & (ca != "") & (cb != ""), 0.95 * process.cpdist(
        list(ca), list(cb), scorer=fuzz.ratio, dtype=np.float32, workers=1), 0.0)
    score = np.maximum(np.maximum(direct, via_keys), compact).astype(np.float64) / 100.0
    variant = ok & ((va == vb) & (va != "") | (compact >= 95.0) | reordered)
    kind = np.select([exact, variant, ok], ["exact", "variant", "similar"], "").astype(object)
    score = np.select([exact, reordered], [1.0, REORDERED], score)
    check = np.flatnonzero((kind == "similar") & (score > UNMATCHED_TOKEN_CAP))
    for i in check:
        if not _agree(sa[i], sb[i]):
            score[i] = UNMATCHED_TOKEN_CAP
    score = np.where(ok, np.round(score, 4), 0.0)
    sep = np.where(exact, " = ", " ~ ").astype(object)
    detail = np.where(ok, sa + sep + sb, "").astype(object)
    return pd.DataFrame({"name_score": score, "name_kind": kind, "name_detail": detail})


def _per_value(values: np.ndarray, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` once per distinct value (names repeat a lot)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    return np.array([fn(u) for u in uniques], dtype=object)[codes] if len(uniques) else np.array([], dtype=object)


@lru_cache(maxsize=200_000)
def _rotation(a: str, b: str) -> bool:
    """Same tokens in the same order, or one name's tokens rotated (the surname and given names swapped
    as blocks).

    >>> _rotation("CHAN WAI MAN", "WAI MAN CHAN"), _rotation("LEE YIM CHING", "LEE CHING YIM")
    (True, False)
    """
    if not a or not b:
        return False
    ta, tb = a.split(), b.split()
    return len(ta) == len(tb) and any(ta == tb[i:] + tb[:i] for i in range(len(tb)))


@lru_cache(maxsize=200_000)
def _agree(a: str, b: str) -> bool:
    return tokens_agree(a, b)


def _sorted(name: str) -> str:
    return " ".join(sorted(name.split())) if name else ""


_DOUBLED = re.compile(r"(.)\1+")


def _variant(name: str) -> str:
    """The variant key with doubled letters made single first (a typo CHHU meets CHU, ZHU).

    >>> _variant("CHHU TING KUO") == _variant("ZHU TING GUO")
    True
    """
    return variant_key(_DOUBLED.sub(r"\1", name)) if name else ""


def _compact_key(name: str) -> str:
    if not name:
        return ""
    first, _, rest = _DOUBLED.sub(r"\1", name).partition(" ")
    return compact_variant_key(first, rest)


def _letters(name: str) -> str:
    """The first token and the rest run together (compared also with the other side's swapped form)."""
    first, _, rest = name.partition(" ")
    return first + rest.replace(" ", "")


def _letters_swapped(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest.replace(" ", "") + first


def _squash(values: np.ndarray) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    return s.where(s.notna(), "").astype(str).str.replace(r"\s+", "", regex=True).str.upper().to_numpy(dtype=object)


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
