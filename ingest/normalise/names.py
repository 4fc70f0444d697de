"""Person names: one Latin form as a travel document prints it, the native form kept, and keys for blocking.

``normalise_name`` gives upper-case ASCII (ICAO 9303 transliteration, see :mod:`ingest.normalise.scripts`),
hyphens and other separators as single spaces, apostrophes and dots dropped (the ICAO rule: O'NEILL ->
ONEILL), and keeps the native-script text when there was one.

Keys (for blocking candidate pairs, never for deciding a match):

* ``name_key``: the tokens of surname and given names, particles (AL, VAN, DE...) dropped when something
  else remains, sorted: order swaps and particle spellings meet (``AL-HARBI SARA`` = ``SARA HARBI``).
* ``variant_key``: each token reduced to a *transliteration skeleton*, then sorted. The skeleton folds what
  romanisation systems disagree on: a leading Arabic article AL/EL/UL on a long token dropped (ALHARBI =
  AL-HARBI; applied to every long token alike, so ALEXANDER loses it on both sides), initial Y/I before a
  vowel dropped (YURIY/IURII, YEVGENIY/EVGENI), digraphs folded (Wade-Giles HS -> X; ZH, CH, DZH, TCH, DJ -> J;
  KH -> H; SH, SCH, SHCH, TS, TZ -> S; PH -> F; TH -> T; X -> KS), letters grouped like Soundex (B/P/F/V/W,
  C/G/K/Q, D/T, S/Z), vowels after the first letter dropped, a final H dropped, runs collapsed.
  ZHANG/CHANG/CHEUNG -> JNK, YURIY/IURII -> AR, MOHAMMED/MUHAMMAD/MOHAMED -> MHMT,
  WANG/WONG -> PNK. Arabic through anyascii (``mhmd``) lands on the same skeleton.
* ``compact_variant_key``: the same on surname and the given names each written as one word, so ``MIN JUN``
  and ``MINJUN`` (or ``XIAO MING`` and ``XIAOMING``) meet.

``name_similarity`` (rapidfuzz) scores two names for ranking candidates within a block.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pyarrow as pa
from rapidfuzz import fuzz

from ingest.normalise._vector import ArrayLike, as_series, is_missing, map_unique
from ingest.normalise.errors import InvalidNameError
from ingest.normalise.scripts import romanise

PARTICLES = frozenset(
    {"AL", "EL", "UL", "BIN", "BEN", "IBN", "BINT", "ABU", "VAN", "VON", "DER", "DEN", "DE", "DA", "DI", "DO",
     "DOS", "DAS", "DEL", "DELLA", "LA", "LE", "DU", "TER", "TEN", "ZU", "Y"}
)  # fmt: skip
_DROP = re.compile(r"['’`´ʼ.]")
_SEPARATORS = re.compile(r"[^A-Z]+")


@dataclass(frozen=True)
class NormalName:
    """A normalised name: ``latin`` (upper-case ASCII, single spaces), the ``native`` text when it was not
    Latin, the ``script`` it came in and the transliteration ``method``."""

    latin: str
    native: str | None
    script: str
    method: str


@lru_cache(maxsize=200_000)
def _normalise(text: str, surname_first: bool, field: str) -> NormalName:
    raw = unicodedata.normalize("NFKC", text).strip()
    latin, method = romanise(raw.replace("<", " "), surname_first=surname_first)
    folded = " ".join(_SEPARATORS.sub(" ", _DROP.sub("", latin.upper())).split())
    if not folded:
        raise InvalidNameError("no letters left after transliteration", field=field, value=text, rule="name-empty")
    script = method.split("-")[-1] if method.startswith("icao9303") else method
    native = None if method == "icao9303-latin" else " ".join(raw.split())
    return NormalName(folded, native, "latin" if native is None else script, method)


def normalise_name(value: str | None, *, surname_first: bool = False, field: str = "name") -> NormalName | None:
    """Normalise one name (surname, given names or a full name) in any script; ``None`` stays ``None``.

    ``surname_first``: the value is a full name in surname-first order; a one-word Han or Hangul name is
    then split after the surname (``张小明`` -> ``ZHANG XIAOMING``).

    >>> normalise_name("  Jean-Pierre  O'Neill ").latin
    'JEAN PIERRE ONEILL'
    >>> n = normalise_name("Юрий"); (n.latin, n.native, n.method)
    ('IURII', 'Юрий', 'icao9303-cyrillic')
    >>> normalise_name("张小明", surname_first=True).latin
    'ZHANG XIAOMING'
    """
    if is_missing(value):
        return None
    return _normalise(str(value), surname_first, field)


def _tokens(latin: str | None) -> list[str]:
    toks = (latin or "").split()
    kept = [t for t in toks if t not in PARTICLES]
    return kept or toks


_SKELETON_RULES = [
    (re.compile(r"^(?:AL|EL|UL)(?=[A-Z]{4})"), ""),
    (re.compile(r"^[YI](?=[AEOU])"), ""),
    (re.compile(r"^([LN])V(E?)$"), r"\1U\2"),
    (re.compile(r"^HS"), "X"),
    (re.compile(r"SHCH|SCH|SH|TSH|TS|TZ"), "S"),
    (re.compile(r"DZH|TCH|ZH|CH|DJ|DZ|Q"), "J"),
    (re.compile(r"KH"), "H"),
    (re.compile(r"GH"), "G"),
    (re.compile(r"PH"), "F"),
    (re.compile(r"TH"), "T"),
    (re.compile(r"X"), "KS"),
    (re.compile(r"(?<=[AEIOUY])H$"), ""),
]
_GROUPS = str.maketrans("BFVWCGQKDZ", "PPPPKKKKTS")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The transliteration skeleton of one upper-case token (see the module docstring).

    >>> [skeleton(t) for t in ("ZHANG", "CHANG", "YURIY", "IURII", "MOHAMMED", "MUHAMMAD")]
    ['JNK', 'JNK', 'AR', 'AR', 'MHMT', 'MHMT']
    """
    s = token
    for pattern, repl in _SKELETON_RULES:
        s = pattern.sub(repl, s)
    s = s.translate(_GROUPS)
    if not s:
        return ""
    head = "A" if s[0] in "AEIOUY" else s[0]
    body = re.sub(r"[AEIOUY]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", head + body)


def _latin(value: str | None) -> str:
    n = normalise_name(value)
    return n.latin if n else ""


def name_key(surname: str | None, given_names: str | None = None) -> str:
    """Order-insensitive blocking key: normalised tokens, particles dropped, sorted.

    >>> name_key("al-Harbi", "Sara") == name_key("SARA", "HARBI")
    True
    """
    return " ".join(sorted(_tokens(f"{_latin(surname)} {_latin(given_names)}")))


def variant_key(surname: str | None, given_names: str | None = None) -> str:
    """Sorted transliteration skeletons of every token: variant spellings and order swaps meet.

    >>> variant_key("ZHANG", "WEI") == variant_key("CHANG", "WAI")
    True
    >>> variant_key("IURII", "IVANOV") == variant_key("Ivanov", "Yuriy")
    True
    """
    return " ".join(sorted(skeleton(t) for t in _tokens(f"{_latin(surname)} {_latin(given_names)}")))


def compact_variant_key(surname: str | None, given_names: str | None = None) -> str:
    """Skeletons of the surname and of the given names each written as one word, sorted.

    >>> compact_variant_key("KIM", "MIN JUN") == compact_variant_key("Kim", "Minjun")
    True
    """
    parts = ["".join(_tokens(_latin(p))) for p in (surname, given_names)]
    return " ".join(sorted(skeleton(p) for p in parts if p))


def name_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two full names in [0, 1], order-insensitive: the better of the token-sorted ratio on the
    Latin forms and 0.95 x the same on the variant keys (a skeleton match is good evidence, not proof).

    >>> name_similarity("MOHAMMED ALI", "Ali Muhammad") > 0.9
    True
    """
    la, lb = _latin(a), _latin(b)
    if not la or not lb:
        return 0.0
    direct = fuzz.token_sort_ratio(la, lb) / 100.0
    va, vb = variant_key(la), variant_key(lb)
    return max(direct, 0.95 * fuzz.token_sort_ratio(va, vb) / 100.0)


def normalise_names(
    values: ArrayLike, *, surname_first: bool = False, field: str = "name"
) -> pd.DataFrame | pa.Table:
    """Vectorised :func:`normalise_name`: columns ``latin, native, script, method, error``.

    >>> normalise_names(pd.Series(["Юрий", "José", None]))["latin"].tolist()
    ['IURII', 'JOSE', None]
    """

    def one(v: object) -> tuple[str, str | None, str, str]:
        n = _normalise(str(v), surname_first, field)
        return n.latin, n.native, n.script, n.method

    return map_unique(values, one, ["latin", "native", "script", "method"])


def name_keys(surnames: ArrayLike, given_names: ArrayLike) -> pd.DataFrame:
    """Vectorised keys for two aligned columns: ``name_key, variant_key, compact_variant_key``.

    >>> name_keys(pd.Series(["Zhang"]), pd.Series(["Xiao Ming"])).iloc[0].tolist()
    ['MING XIAO ZHANG', 'JNK KS MNK', 'JNK KSMNK']
    """
    s, _ = as_series(surnames)
    g, _ = as_series(given_names)
    pairs = pd.Series(list(zip(s.tolist(), g.tolist(), strict=True)), index=s.index, dtype=object)
    codes, uniques = pd.factorize(pairs)
    rows = [(name_key(a, b), variant_key(a, b), compact_variant_key(a, b)) for a, b in uniques]
    frame = pd.DataFrame(rows, columns=["name_key", "variant_key", "compact_variant_key"])
    return frame.iloc[codes].set_index(s.index)
