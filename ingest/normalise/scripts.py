"""Native scripts to the Latin letters a travel document prints.

* Latin with diacritics: ICAO Doc 9303 Part 3 Table A (Ä AE, Ö OE, Ü UE, Å AA, Æ AE, Ø OE, ß SS, Þ TH, other
  marks dropped).
* Cyrillic: ICAO 9303 Part 3 Table B (the table Russian passports use since 2013: Ю IU, Я IA, Й I, Ъ IE, Х KH).
* Greek: ELOT 743 (what Greek passports print; ICAO 9303 has no Greek table).
* Han: Hanyu pinyin without tones (pypinyin), ü as YU (LYU, NYU), surname readings and compound surnames
  from a table, given-name syllables joined as Chinese passports print them.
* Hangul: Revised Romanisation, syllable by syllable, surnames as Korean passports print them (KIM, LEE,
  PARK...).
* Anything else (Arabic, Hebrew, kana, Thai, Armenian, Georgian...): anyascii, flagged as method
  ``anyascii``; Arabic comes out as a consonant skeleton, which the variant keys are built to meet.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from anyascii import anyascii

_LATIN_SPECIAL = {
    "Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Æ": "AE", "Ø": "OE", "Œ": "OE", "ß": "SS", "Þ": "TH",
    "Ð": "D", "Đ": "D", "Ħ": "H", "Ł": "L", "Ŀ": "L", "Ŋ": "N", "Ĳ": "IJ", "Ŧ": "T", "ı": "I", "ẞ": "SS",
}  # fmt: skip

_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Ђ": "D", "Ѓ": "G", "Е": "E", "Ѐ": "E",
    "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "Ѝ": "I", "І": "I", "Ї": "I", "Й": "I",
    "Ј": "J", "К": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "Ћ": "C", "Ќ": "K", "У": "U", "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH",
    "Џ": "DZ", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}  # fmt: skip

_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I", "Κ": "K",
    "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S", "Τ": "T", "Υ": "Y",
    "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}  # fmt: skip
_GREEK_VOICELESS = set("ΘΚΞΠΣΤΦΧΨ")

# Han surnames whose surname reading differs from the common reading, and compound surnames.
_HAN_SURNAME = {
    "曾": "ZENG", "单": "SHAN", "單": "SHAN", "解": "XIE", "仇": "QIU", "朴": "PIAO", "查": "ZHA", "区": "OU",
    "區": "OU", "乐": "YUE", "樂": "YUE", "盖": "GE", "蓋": "GE", "覃": "QIN", "翟": "ZHAI", "缪": "MIAO",
    "繆": "MIAO", "种": "CHONG", "員": "YUN", "员": "YUN", "秘": "BI", "薄": "BO", "黑": "HE", "召": "SHAO",
    "卜": "BU", "长": "CHANG", "長": "CHANG", "重": "CHONG", "沈": "SHEN", "任": "REN", "华": "HUA", "華": "HUA",
    "欧阳": "OUYANG", "歐陽": "OUYANG", "司马": "SIMA", "司馬": "SIMA", "上官": "SHANGGUAN", "诸葛": "ZHUGE",
    "諸葛": "ZHUGE", "东方": "DONGFANG", "東方": "DONGFANG", "皇甫": "HUANGFU", "令狐": "LINGHU", "慕容": "MURONG",
    "司徒": "SITU", "尉迟": "YUCHI", "尉遲": "YUCHI", "长孙": "ZHANGSUN", "長孫": "ZHANGSUN", "宇文": "YUWEN",
    "夏侯": "XIAHOU", "公孙": "GONGSUN", "公孫": "GONGSUN", "轩辕": "XUANYUAN", "軒轅": "XUANYUAN",
    "端木": "DUANMU", "万俟": "MOQI", "萬俟": "MOQI", "独孤": "DUGU", "獨孤": "DUGU", "南宫": "NANGONG",
    "南宮": "NANGONG", "西门": "XIMEN", "西門": "XIMEN", "呼延": "HUYAN", "申屠": "SHENTU", "澹台": "TANTAI",
}  # fmt: skip

_KO_SURNAME = {
    "김": "KIM", "이": "LEE", "리": "LEE", "박": "PARK", "최": "CHOI", "정": "JUNG", "강": "KANG", "조": "CHO",
    "윤": "YOON", "장": "JANG", "임": "LIM", "림": "LIM", "한": "HAN", "오": "OH", "서": "SEO", "신": "SHIN",
    "권": "KWON", "황": "HWANG", "안": "AHN", "송": "SONG", "전": "JEON", "홍": "HONG", "류": "RYU", "유": "YOO",
    "고": "KO", "문": "MOON", "양": "YANG", "손": "SON", "배": "BAE", "백": "BAEK", "허": "HEO", "노": "NOH",
    "남": "NAM", "심": "SIM", "하": "HA", "곽": "KWAK", "성": "SUNG", "차": "CHA", "주": "JOO", "우": "WOO",
    "구": "KOO", "민": "MIN", "나": "NA", "진": "JIN", "지": "JI", "엄": "UM", "채": "CHAE", "원": "WON",
    "천": "CHUN", "방": "BANG", "공": "KONG", "현": "HYUN", "함": "HAM", "변": "BYUN", "염": "YEOM", "여": "YEO",
    "추": "CHOO", "도": "DO", "석": "SEOK", "선": "SUN", "설": "SEOL", "마": "MA", "길": "GIL", "연": "YEON",
    "표": "PYO", "명": "MYUNG", "기": "KI", "반": "BAN", "왕": "WANG", "금": "KEUM", "육": "YUK", "인": "IN",
    "남궁": "NAMGOONG", "황보": "HWANGBO", "제갈": "JEGAL", "선우": "SUNWOO", "독고": "DOKGO",
}  # fmt: skip
_KO_INITIAL = ["G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K", "T", "P", "H"]
_KO_VOWEL = ["A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WO", "WE", "WI",
             "YU", "EU", "UI", "I"]  # fmt: skip
_KO_FINAL = ["", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P", "T",
             "T", "NG", "T", "T", "K", "T", "P", "T"]  # fmt: skip

_SCRIPT_PREFIXES = (
    ("CJK", "han"), ("HANGUL", "hangul"), ("CYRILLIC", "cyrillic"), ("GREEK", "greek"), ("ARABIC", "arabic"),
    ("HEBREW", "hebrew"), ("HIRAGANA", "kana"), ("KATAKANA", "kana"), ("THAI", "thai"), ("ARMENIAN", "armenian"),
    ("GEORGIAN", "georgian"), ("DEVANAGARI", "devanagari"), ("LATIN", "latin"),
)  # fmt: skip


@cache
def char_script(ch: str) -> str:
    """The script of one letter, by its Unicode name: ``latin``, ``cyrillic``, ``han``... or ``other``."""
    if ch.isascii():
        return "latin"
    name = unicodedata.name(ch, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    return "other"


def detect_script(text: str) -> str:
    """The dominant non-Latin script of ``text``, or ``latin``.

    >>> detect_script("Юрий"), detect_script("张伟"), detect_script("Müller")
    ('cyrillic', 'han', 'latin')
    """
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = char_script(ch)
            counts[script] = counts.get(script, 0) + 1
    native = {k: v for k, v in counts.items() if k != "latin"}
    return max(native, key=lambda k: native[k]) if native else "latin"


def latin_icao(text: str) -> str:
    """Latin text to upper-case ASCII by ICAO 9303 Table A: ``Müller`` -> ``MUELLER``, ``Søren`` -> ``SOEREN``."""
    out = []
    for ch in unicodedata.normalize("NFC", text.upper()):
        special = _LATIN_SPECIAL.get(ch)
        if special is not None:
            out.append(special)
        elif ch.isascii():
            out.append(ch)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base.isascii() else anyascii(base).upper())
    return "".join(out)


def cyrillic_icao(text: str) -> str:
    """Cyrillic by ICAO 9303 Table B: ``Юрий Щукин`` -> ``IURII SHCHUKIN``."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in unicodedata.normalize("NFC", text.upper()))


def greek_elot(text: str) -> str:
    """Greek by ELOT 743: ``Παπαδοπούλου`` -> ``PAPADOPOULOU``, ``Ευάγγελος`` -> ``EVANGELOS``."""
    s = "".join(c for c in unicodedata.normalize("NFD", text.upper()) if not unicodedata.combining(c))
    s = s.replace("ς", "Σ")
    out: list[str] = []
    i = 0
    while i < len(s):
        pair, nxt = s[i : i + 2], s[i + 2 : i + 3]
        start = i == 0 or not s[i - 1].isalpha()
        if pair == "ΟΥ":
            out.append("OU")
        elif pair in ("ΑΥ", "ΕΥ", "ΗΥ"):
            out.append(_GREEK[pair[0]] + ("F" if nxt in _GREEK_VOICELESS else "V"))
        elif pair == "ΜΠ":
            out.append("B" if start else "MP")
        elif pair in ("ΓΓ", "ΓΚ", "ΓΞ", "ΓΧ"):
            out.append("G" if start and pair == "ΓΚ" else "N" + ("G" if pair[1] in "ΓΚ" else _GREEK[pair[1]]))
        else:
            out.append(_GREEK.get(s[i], s[i]))
            i += 1
            continue
        i += 2
    return "".join(out)


def _hangul_syllable(ch: str, prev_final: str) -> tuple[str, str]:
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return anyascii(ch).upper(), ""
    ini, vow, fin = _KO_INITIAL[code // 588], _KO_VOWEL[(code % 588) // 28], _KO_FINAL[code % 28]
    if ini == "R" and prev_final == "L":
        ini = "L"
    return ini + vow + fin, fin


def hangul_rr(text: str, *, surname_first: bool = False) -> str:
    """Hangul by Revised Romanisation, syllables of a word joined; with ``surname_first`` the first syllable
    (or known two-syllable surname) of a one-word name is the surname, spelled as passports do.

    >>> hangul_rr("김민준", surname_first=True)
    'KIM MINJUN'
    """
    words = []
    for w, word in enumerate(text.split()):
        parts: list[str] = []
        rest = word
        if surname_first and w == 0:
            sur = word[:2] if word[:2] in _KO_SURNAME and len(word) > 2 else word[:1]
            parts.append(_KO_SURNAME.get(sur) or hangul_rr(sur))
            rest = word[len(sur) :]
            if not rest:
                words.append(parts[0])
                continue
            parts.append(" ")
        prev = ""
        for ch in rest:
            roman, prev = _hangul_syllable(ch, prev)
            parts.append(roman)
        words.append("".join(parts))
    return " ".join(words)


@cache
def _pinyin(text: str) -> str:
    """Pinyin of one word, once per distinct word (given names repeat under many surnames). pypinyin is
    imported on first use: its phrase dictionary takes most of a second to load, and a process that reads
    no Han text (the side readers of EDIFACT and associated files, mostly) need not pay for it."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="default")
    return "".join(syllables).upper().replace("Ü", "YU")


def han_pinyin(text: str, *, surname_first: bool = False) -> str:
    """Han by Hanyu pinyin without tones, given-name syllables joined; with ``surname_first`` a one-word name
    is split after its surname (compound surnames and surname readings from a table).

    >>> han_pinyin("张小明", surname_first=True), han_pinyin("欧阳修", surname_first=True), han_pinyin("吕")
    ('ZHANG XIAOMING', 'OUYANG XIU', 'LYU')
    """
    words = []
    for w, word in enumerate(text.split()):
        if surname_first and w == 0 and len(word) > 1:
            sur = word[:2] if word[:2] in _HAN_SURNAME and len(word) > 2 else word[:1]
            words.append(_HAN_SURNAME.get(sur) or _pinyin(sur))
            word = word[len(sur) :]
        elif surname_first and w == 0 and word in _HAN_SURNAME:
            words.append(_HAN_SURNAME[word])
            continue
        words.append(_pinyin(word))
    return " ".join(words)


def romanise(text: str, *, surname_first: bool = False) -> tuple[str, str]:
    """Romanise any-script text; returns ``(latin upper-case ASCII, method)``.

    >>> romanise("Юрий")
    ('IURII', 'icao9303-cyrillic')
    """
    script = detect_script(text)
    if script == "latin":
        return latin_icao(text), "icao9303-latin"
    if script == "cyrillic":
        return latin_icao(cyrillic_icao(text)), "icao9303-cyrillic"
    if script == "greek":
        return latin_icao(greek_elot(text)), "elot743"
    if script == "han":
        return latin_icao(han_pinyin(text, surname_first=surname_first)), "pinyin"
    if script == "hangul":
        return latin_icao(hangul_rr(text, surname_first=surname_first)), "hangul-rr"
    return anyascii(text).upper(), "anyascii"
