"""A table of screening cases: two records (a traveller, a watchlist entry) -> hit or no hit.

Each row names what it pins: transliteration systems (pinyin, Wade-Giles, ICAO 9303 Cyrillic, Hangul RR,
Arabic), native script against Latin, token order, typos, partial birth dates, and the evidence that must
clear a name match (another birth year, another day, another given name, native names that read
differently, another nationality without a full date in common, another sex), and namesakes an entry
cannot tell apart.
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
    # kinds of false hits found on 100,000-person worlds (seeds 9104, 4242), each pinned with its counterpart
    ("same Latin name, native names read differently (黃 HUANG / 王 WANG, both WONG): no hit",
     ("WONG", "WAI WAI", "黃偉偉", "1991-11-02", "HKG", None), ("WONG", "WAI WAI", "王偉偉", "1991-00-00", "HKG", None),
     False),
    ("simplified and traditional characters of one name", ("WONG", "WAI LUI", "王偉磊", "1962-05-04", "HKG", None),
     ("WANG", "WEILEI", "王伟磊", "1962-05-04", "HKG", None), True),
    ("identical name, year-only entry, another nationality: no hit",
     ("WONG", "WAI LUI", "王偉磊", "1962-05-04", "HKG", None), ("WANG", "WEILEI", "王伟磊", "1962-00-00", "CHN", None),
     False),
    ("identical name, year and month only, another nationality: no hit",
     ("WANG", "WEIWEI", "王偉偉", "1974-11-00", "HKG", None), ("WANG", "WEIWEI", "王伟伟", "1974-11-17", "CHN", None),
     False),
    ("identical name, conflicting full birth date: no hit", ("CHEN", "WEITAO", "陈伟涛", "1961-05-02", "CHN", None),
     ("CHEN", "WEITAO", "陈伟涛", "1962-05-02", "CHN", None), False),
    ("given names in another order, year-only entry: no hit (LEE YIM CHING is not LEE CHING YIM)",
     ("LEE", "YIM CHING", "李艷靜", "1970-07-05", "HKG", None), ("LEE", "CHING YIM", None, "1970-00-00", "HKG", None),
     False),
    ("given names in another order, full birth date: hit for review",
     ("LEE", "YIM CHING", None, "1970-07-05", "HKG", None), ("LEE", "CHING YIM", None, "1970-07-05", "HKG", None),
     True),
    ("surname and given names swapped as blocks: the same name", ("WAI LUI", "WONG", None, "1958-00-00", "HKG", None),
     ("WONG", "WAI LUI", None, "1958-06-08", "HKG", None), True),
    ("variant spelling, no birth date on the traveller: no hit", ("CHAN", "NA CHIU", None, None, "HKG", None),
     ("CHIU", "NA CHUN", "趙娜俊", "2004-11-25", "HKG", None), False),
    ("one letter off in a given name, other nationality: no hit", ("ZHANG", "WEIWEN", None, "1973-02-10", "CHN", None),
     ("CHEUNG", "WAI WAI", "張偉偉", "1973-02-10", "HKG", None), False),
    ("skeletons alike, names not (CHOU CHIANG-YU / ZHANG CHAOZHI), native names differ: no hit",
     ("ZHANG", "CHAOZHI", "张超志", "1958-05-25", "CHN", None),
     ("CHOU", "CHIANG-YU", "周强玉", "1958-05-25", "CHN", None), False),
    ("Wade-Giles with a doubled letter (CHHU TING-KUO / ZHU TINGGUO)",
     ("CHHU", "TING-KUO", None, "1962-12-03", "TWN", None),
     ("ZHU", "TINGGUO", "朱婷國", "1962-12-03", "TWN", None), True),
    ("Cantonese and pinyin of one native name (NG FONG MING / WU FANGMING)",
     ("NG", "FONG MING", "吳芳明", "1969-03-03", "HKG", None),
     ("WU", "FANGMING", "吳芳明", "1969-03-03", "HKG", None), True),
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


def test_another_sex_clears_an_identical_name_and_date() -> None:
    traveller = _frame(("SMITH", "ANDREW", None, "1966-07-12", "AUS", None), "p").assign(sex="M")
    entry = _frame(("SMITH", "ANDREW", None, "1966-07-12", "AUS", None), "w")
    assert len(screen_names(traveller, entry.assign(sex="M"))) == 1
    assert screen_names(traveller, entry.assign(sex="F")).empty
    reasons = json.loads(screen_names(traveller, entry.assign(sex="M")).loc[0, "reasons"])
    assert {"field": "sex", "verdict": "same", "weight": 0.0, "detail": "M vs M"} in reasons


def _people(rows: list[tuple]) -> pd.DataFrame:
    return pd.concat([_frame(r, f"p{i}") for i, r in enumerate(rows)], ignore_index=True)


def test_namesakes_an_entry_cannot_tell_apart_share_the_hit() -> None:
    entry = _frame(("WANG", "WEILEI", "王伟磊", "1962-00-00", "CHN", None), "w")
    three = _people([("WANG", "WEILEI", "王伟磊", d, "CHN", None) for d in ("1962-06-25", "1962-02-06", "1962-12-08")])
    assert screen_names(three, entry).empty  # each 1/3: none reaches the threshold
    refer_all = screen_names(three, entry, config=ScreeningConfig(share_namesakes=False))
    assert len(refer_all) == 3
    lone = screen_names(three.iloc[:1], entry)
    assert len(lone) == 1 and "namesakes" not in lone.loc[0, "reasons"]


def test_two_records_of_one_person_are_not_namesakes() -> None:
    entry = _frame(("WAI LUI", "WONG", "王偉磊", "1958-06-08", "HKG", None), "w")
    records = _people([("WONG", "WAI LUI", "王偉磊", "1958-06-08", "HKG", None),
                       ("WANG", "WEILEI", "王偉磊", "1958-06-08", "HKG", None),
                       ("WONG", "WAI LUI", "王偉磊", "1958-06-00", "HKG", None)])
    assert len(screen_names(records, entry)) == 3


def test_a_namesake_with_weaker_evidence_does_not_share() -> None:
    entry = _frame(("WANG", "WEILEI", "王伟磊", "1962-00-00", "CHN", None), "w")
    people = _people([("WANG", "WEILEI", "王伟磊", "1962-06-25", "CHN", None),
                      ("WONG", "WAI LUI", "王偉磊", "1962-11-01", "HKG", None)])
    hits = screen_names(people, entry)
    assert hits["person_id"].tolist() == ["p0"] and hits.loc[0, "score"] == 1.0


def test_threshold_is_per_list() -> None:
    traveller = _frame(("ZHANG", "WEI", None, None, "CHN", None), "p")
    entry = _frame(("ZHANG", "WEI", None, "1980-05-07", "CHN", None), "w")
    strict = ScreeningConfig(thresholds={"NATIONAL": 1.0})
    assert len(screen_names(traveller, entry)) == 1
    assert screen_names(traveller, entry, config=strict).empty
    assert len(screen_names(traveller, entry.assign(list="OTHER"), config=strict)) == 1
