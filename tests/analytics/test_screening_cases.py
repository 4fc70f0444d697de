"""A table of screening cases: two records (a traveller, a watchlist entry) -> hit or no hit.

Each row names what it pins: transliteration systems (pinyin, Wade-Giles, ICAO 9303 Cyrillic, Hangul RR,
Arabic), native script against Latin, token order, typos, partial birth dates, and the evidence that must
clear a name match (another birth year, another day, another given name).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.screening import ScreeningConfig, screen_names

# (case, traveller (surname, given, native, birth_date, nationality, doc), entry (same), expected hit)
CASES = [
    ("pinyin vs Han", ("ZHANG", "WEI", None, "1980-05-07", "CHN", None),
     (None, None, "张伟", "1980-05-07", "CHN", None), True),
    ("pinyin vs Wade-Giles", ("ZHANG", "WEI", None, "1980-05-07", "CHN", None),
     ("CHANG", "WEI", None, "1980-05-07", "TWN", None), True),
    ("Han vs Wade-Giles", (None, None, "张伟", "1980-05-07", "CHN", None),
     ("CHANG", "WEI", None, "1980-05-07", "CHN", None), True),
    ("ICAO 9303 vs popular Cyrillic", ("IVANOV", "IURII", None, "1971-02-03", "RUS", None),
     ("IVANOV", "YURIY", None, "1971-02-03", "RUS", None), True),
    ("Cyrillic script vs Latin", (None, None, "Иванов Юрий", "1971-02-03", "RUS", None),
     ("IVANOV", "YURIY", None, "1971-02-03", "RUS", None), True),
    ("Arabic name variants", ("MOHAMMED", "ALI", None, "1985-11-30", "EGY", None),
     ("MUHAMMAD", "ALI", None, "1985-11-30", "EGY", None), True),
    ("Arabic script vs Latin", (None, None, "محمد علي", "1985-11-30", "EGY", None),
     ("MOHAMMED", "ALI", None, "1985-11-30", "EGY", None), True),
    ("Arabic article AL- and token order", ("AL-HARBI", "SARA", None, "1990-01-01", "SAU", None),
     ("SARA", "HARBI", None, "1990-01-01", "SAU", None), True),
    ("Cyrillic YE/E and swapped order", ("YEVGENIY", "PETROV", None, "1990-01-01", "RUS", None),
     ("PETROV", "EVGENII", None, "1990-01-01", "RUS", None), True),
    ("Hangul surname KIM/GIM, given name split", ("KIM", "MINJUN", None, "1990-01-15", "KOR", None),
     ("GIM", "MIN JUN", None, "1990-01-15", "KOR", None), True),
    ("Hangul script vs Latin", (None, None, "김민준", "1990-01-15", "KOR", None),
     ("KIM", "MIN JUN", None, "1990-01-15", "KOR", None), True),
    ("Japanese variant SATO/SATOH", ("SATO", "HIROSHI", None, "1966-04-01", "JPN", None),
     ("SATOH", "HIROSHI", None, "1966-04-01", "JPN", None), True),
    ("apostrophe dropped (ICAO)", ("O'BRIEN", "SEAN", None, "1975-08-19", "IRL", None),
     ("OBRIEN", "SEAN", None, "1975-08-19", "IRL", None), True),
    ("swapped token order", ("WEI", "ZHANG", None, "1980-05-07", "CHN", None),
     ("ZHANG", "WEI", None, "1980-05-07", "CHN", None), True),
    ("typo: doubled letter", ("SMITH", "ANDREW", None, "1966-07-12", "AUS", None),
     ("SMMITH", "ANDREW", None, "1966-07-12", "AUS", None), True),
    ("typo: transposed letters", ("SMITH", "ANDREW", None, "1966-07-12", "AUS", None),
     ("SMIHT", "ANDREW", None, "1966-07-12", "AUS", None), True),
    ("typo: wrong neighbouring letter", ("MENDOZA", "PAOLO", None, "1974-03-09", "PHL", None),
     ("MENDOXA", "PAOLO", None, "1974-03-09", "PHL", None), True),
    ("partial birth date: year only", ("MENDOZA", "PAOLO", None, "1974-03-09", "PHL", None),
     ("MENDOZA", "PAOLO", None, "1974-00-00", "PHL", None), True),
    ("partial birth date: year and month", ("MENDOZA", "PAOLO", None, "1974-03-09", "PHL", None),
     ("MENDOZA", "PAOLO", None, "1974-03-00", "PHL", None), True),
    ("variant spelling, only the birth year in common: no hit", ("CHANG", "WEI", None, "1980-05-07", "CHN", None),
     ("ZHANG", "WEI", None, "1980-00-00", "CHN", None), False),
    ("different birth year: no hit", ("ZHANG", "WEI", None, "1981-05-07", "CHN", None),
     ("ZHANG", "WEI", None, "1980-05-07", "CHN", None), False),
    ("different birth year, variant spelling: no hit", ("CHANG", "WEI", None, "1962-05-07", "TWN", None),
     (None, None, "张伟", "1980-00-00", "CHN", None), False),
    ("same year, other day: no hit", ("SMITH", "ANDREW", None, "1966-07-13", "AUS", None),
     ("SMITH", "ANDREW", None, "1966-07-12", "AUS", None), False),
    ("partial month conflicts: no hit", ("MENDOZA", "PAOLO", None, "1974-03-09", "PHL", None),
     ("MENDOZA", "PAOLO", None, "1974-04-00", "PHL", None), False),
    ("other given name, same birth date: no hit", ("WANG", "LEI", None, "1980-05-07", "CHN", None),
     ("WANG", "WEI", None, "1980-05-07", "CHN", None), False),
    ("family member (same surname): no hit", ("ZHANG", "XIAOMING", None, "1980-05-07", "CHN", None),
     ("ZHANG", "WEI", None, "1980-05-07", "CHN", None), False),
    ("unrelated name: no hit", ("NOBODYA0", "ALEX", None, "1950-01-01", "GBR", None),
     ("SMITH", "ALEX", None, "1950-01-01", "GBR", None), False),
    ("dual national: other nationality still hits", ("IVANOV", "IURII", None, "1971-02-03", "ISR", None),
     ("IVANOV", "YURIY", None, "1971-02-03", "RUS", None), True),
    ("birth date unknown on the traveller: hit for review", ("ZHANG", "WEI", None, None, "CHN", None),
     ("ZHANG", "WEI", None, "1980-05-07", "CHN", None), True),
    ("same document number, name variant", ("CHANG", "WAI", None, None, None, "E12345678"),
     ("ZHANG", "WEI", None, None, None, "e1234-5678"), True),
]

_COLS = ["surname", "given_names", "native_name", "birth_date", "nationality", "doc_number"]


def _frame(rec: tuple, rid: str) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(_COLS, rec, strict=True), id=rid, list="NATIONAL")])


@pytest.mark.parametrize(("case", "traveller", "entry", "expected"), CASES, ids=[c[0] for c in CASES])
def test_screening_case(case: str, traveller: tuple, entry: tuple, expected: bool) -> None:
    hits = screen_names(_frame(traveller, "p"), _frame(entry, "w"), config=ScreeningConfig())
    assert (len(hits) == 1) is expected, case


def test_every_hit_says_why_and_its_reasons_add_up_to_its_score() -> None:
    hits = screen_names(_frame(CASES[1][1], "p"), _frame(CASES[1][2], "w"))
    reasons = json.loads(hits.loc[0, "reasons"])
    assert {r["field"] for r in reasons} >= {"name", "birth_date", "nationality"}
    assert reasons[0]["verdict"] == "variant" and "CHANG WEI" in reasons[0]["detail"]
    assert min(1.0, sum(r["weight"] for r in reasons)) == pytest.approx(hits.loc[0, "score"])


def test_threshold_is_per_list() -> None:
    traveller = _frame(("ZHANG", "WEI", None, None, "CHN", None), "p")
    entry = _frame(("ZHANG", "WEI", None, "1980-05-07", "CHN", None), "w")
    strict = ScreeningConfig(thresholds={"NATIONAL": 1.0})
    assert len(screen_names(traveller, entry)) == 1
    assert screen_names(traveller, entry, config=strict).empty
    assert len(screen_names(traveller, entry.assign(list="OTHER"), config=strict)) == 1
