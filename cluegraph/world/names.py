"""Names in native script and the Latin form a travel document prints, plus one common variant.

Han names are romanised by nationality (pinyin for CHN, Hong Kong Cantonese for HKG, Wade-Giles for TWN),
Cyrillic by the ICAO 9303 table (variant: the popular "Y" spelling, YURIY for IURII), Hangul given names by
Revised Romanisation (surnames as Korean passports print them, KIM/LEE/PARK, with RR as variant), Arabic
and Japanese from tables. The variant is what a second source might spell: it feeds transliteration noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cluegraph.world import nametables as t

_ICAO_CYR = dict(
    zip(
        "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐ",
        [
            "A",
            "B",
            "V",
            "G",
            "D",
            "E",
            "E",
            "ZH",
            "Z",
            "I",
            "I",
            "K",
            "L",
            "M",
            "N",
            "O",
            "P",
            "R",
            "S",
            "T",
            "U",
            "F",
            "KH",
            "TS",
            "CH",
            "SH",
            "SHCH",
            "IE",
            "Y",
            "_",
            "E",
            "IU",
            "IA",
            "I",
            "I",
            "IE",
            "G",
        ],
        strict=True,
    )
)
_POPULAR_CYR = {**_ICAO_CYR, "Й": "Y", "Ю": "YU", "Я": "YA", "Ё": "YO", "Ъ": "_", "Є": "YE", "Ї": "YI"}
_RR_L = ["G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "_", "J", "JJ", "CH", "K", "T", "P", "H"]
_RR_V = [
    "A",
    "AE",
    "YA",
    "YAE",
    "EO",
    "E",
    "YEO",
    "YE",
    "O",
    "WA",
    "WAE",
    "OE",
    "YO",
    "U",
    "WO",
    "WE",
    "WI",
    "YU",
    "EU",
    "UI",
    "I",
]
_RR_T = [
    "_",
    "K",
    "K",
    "K",
    "N",
    "N",
    "N",
    "T",
    "L",
    "K",
    "M",
    "L",
    "L",
    "L",
    "P",
    "L",
    "M",
    "P",
    "P",
    "T",
    "T",
    "NG",
    "T",
    "T",
    "K",
    "T",
    "P",
    "T",
]


def icao_cyrillic(text: str, *, popular: bool = False) -> str:
    """Transliterate Cyrillic as ICAO 9303 (or the popular variant) in upper case.

    >>> icao_cyrillic("Юрий"), icao_cyrillic("Юрий", popular=True)
    ('IURII', 'YURIY')
    """
    table = _POPULAR_CYR if popular else _ICAO_CYR
    out: list[str] = []
    for ch in text.upper():
        rom = table.get(ch, ch)
        if popular and ch == "Й" and out and out[-1] in ("I", "Y"):
            rom = "Y"
        out.append("" if rom == "_" else rom)
    return "".join(out)


def revised_romanisation(text: str) -> str:
    """Revised Romanisation of Hangul syllables, syllable by syllable (no assimilation rules).

    >>> revised_romanisation("민준")
    'MINJUN'
    """
    out = []
    for ch in text:
        s = ord(ch) - 0xAC00
        if not 0 <= s < 11172:
            out.append(ch)
            continue
        parts = (_RR_L[s // 588], _RR_V[(s % 588) // 28], _RR_T[s % 28])
        out.append("".join(p for p in parts if p != "_"))
    return "".join(out)


@dataclass(frozen=True)
class NamePool:
    """Surnames and given names of one naming tradition, by sex (0 = male, 1 = female).

    Arrays are object arrays of equal length per (part, sex): native, latin, variant.
    """

    key: str
    surnames: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
    given: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
    native_order: str  # "SG" (no space), "S G", "G S" or "" (no native form)


def _arr(rows: list[tuple[str, str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cols = list(zip(*rows, strict=True))
    return tuple(np.array(c, dtype=object) for c in cols)  # type: ignore[return-value]


def _rows(block: str) -> list[list[str]]:
    return [r.split() for r in block.replace("\n", "|").split("|") if r.strip()]


def _han(style: str) -> NamePool:
    col = {"CN": 2, "HK": 3, "TW": 4}[style]
    var = 4 if style == "CN" else 2
    native = 0 if style == "CN" else 1
    sur = [(r[native], r[col], r[var]) for r in _rows(t.HAN_SURNAMES)]
    syl = _rows(t.HAN_GIVEN)
    sep = {"CN": "", "HK": " ", "TW": "-"}[style]
    vsep = "-" if style == "CN" else ""
    given = [
        (a[native] + b[native], a[col] + sep + b[col], a[var] + vsep + b[var])
        for i, a in enumerate(syl)
        for b in syl[i % 7 :: 7]
    ]
    given += [(a[native], a[col], a[var]) for a in syl]
    s, g = _arr(sur), _arr(given)
    return NamePool(f"HAN_{style}", (s, s), (g, g), "SG")


def _korean() -> NamePool:
    sur = _arr([(r[0], r[1], r[2]) for r in _rows(t.KO_SURNAMES)])
    syl = t.KO_GIVEN_SYLLABLES.split()
    pairs = [a + b for i, a in enumerate(syl) for b in syl[i % 5 :: 5] if a != b]
    given = _arr(
        [
            (p, revised_romanisation(p), revised_romanisation(p[0]) + "-" + revised_romanisation(p[1]))
            for p in pairs
        ]
    )
    return NamePool("KO", (sur, sur), (given, given), "SG")


def _feminine(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ёв", "ин")) else surname


def _cyrillic() -> NamePool:
    base = t.CYR_SURNAMES.split()

    def tri(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _arr([(w, icao_cyrillic(w), icao_cyrillic(w, popular=True)) for w in words])

    return NamePool(
        "CYR",
        (tri(base), tri([_feminine(s) for s in base])),
        (tri(t.CYR_GIVEN_M.split()), tri(t.CYR_GIVEN_F.split())),
        "S G",
    )


def _table(key: str, sur: str, gm: str, gf: str, order: str) -> NamePool:
    def tri(block: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = []
        for r in _rows(block):  # native, latin, variant: each a third of the words
            k = len(r) // 3
            rows.append((" ".join(r[:k]), " ".join(r[k : 2 * k]), " ".join(r[2 * k :])))
        return _arr(rows)

    s = tri(sur)
    return NamePool(key, (s, s), (tri(gm), tri(gf)), order)


def _latin(key: str) -> NamePool:
    sur, gm, gf = t.LATIN[key]
    sur_words = sur.replace("DELA CRUZ", "DELA_CRUZ").split()

    def tri(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        words = [w.replace("_", " ") for w in words]
        return _arr([("", w, t.LATIN_VARIANTS.get(w, w)) for w in words])

    s = tri(sur_words)
    return NamePool(key, (s, s), (tri(gm.split()), tri(gf.split())), "")


@cache
def pool(key: str) -> NamePool:
    """The name pool of a naming tradition (``HAN_CN``, ``HAN_HK``, ``HAN_TW``, ``KO``, ``CYR``, ``AR``,
    ``JA``, ``VI`` or a Latin group ``EN``, ``DE``, ``FR``, ``PH``, ``ID``, ``IN``, ``TH``)."""
    if key.startswith("HAN_"):
        return _han(key[4:])
    if key == "KO":
        return _korean()
    if key == "CYR":
        return _cyrillic()
    if key == "AR":
        return _table("AR", t.ARABIC_SURNAMES, t.ARABIC_GIVEN_M, t.ARABIC_GIVEN_F, "G S")
    if key == "JA":
        return _table("JA", t.JA_SURNAMES, t.JA_GIVEN_M, t.JA_GIVEN_F, "SG")
    if key == "VI":
        return _table("VI", t.VI_SURNAMES, t.VI_GIVEN_M, t.VI_GIVEN_F, "S G")
    return _latin(key)


def _zipf(n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** 0.8
    return w / w.sum()


def draw_names(rng: np.random.Generator, pool_keys: np.ndarray, sex: np.ndarray) -> dict[str, np.ndarray]:
    """Draw a name for every person (vectorised per pool and sex); common names are more frequent.

    Returns object arrays ``surname, given_names, native_surname, native_given, surname_variant,
    given_variant`` (native parts are empty for Latin-only traditions).
    """
    n = len(pool_keys)
    out = {
        k: np.full(n, "", dtype=object)
        for k in (
            "surname",
            "given_names",
            "native_surname",
            "native_given",
            "surname_variant",
            "given_variant",
        )
    }
    for key in sorted(set(pool_keys.tolist())):
        p = pool(key)
        for s in (0, 1):
            idx = np.flatnonzero((pool_keys == key) & (sex == s))
            if not len(idx):
                continue
            sn, sl, sv = p.surnames[s]
            gn, gl, gv = p.given[s]
            si = rng.choice(len(sl), size=len(idx), p=_zipf(len(sl)))
            gi = rng.choice(len(gl), size=len(idx), p=_zipf(len(gl)))
            out["surname"][idx] = sl[si]
            out["given_names"][idx] = gl[gi]
            out["surname_variant"][idx] = sv[si]
            out["given_variant"][idx] = gv[gi]
            if p.native_order:
                out["native_surname"][idx] = sn[si]
                out["native_given"][idx] = gn[gi]
    return out
