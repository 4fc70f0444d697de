# ruff: noqa: E501  (a table of cases reads best one case a line)
"""A table of record pairs -> same person or not, with the reason (identity resolution, issue 4)."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.resolve import resolve_identities

FIELDS = ["surname", "given_names", "native_name", "sex", "birth_date", "nationality", "doc_type", "doc_issuer",
          "doc_number"]  # fmt: skip
# (surname, given names, native, sex, birth date, nationality, doc type, issuer, number)
BASE = ("ZHANG", "XIAOMING", "", "M", "1980-05-17", "CHN", "P", "CHN", "E12345678")

CASES = [
    # reason, record a, record b, same person?
    ("same document, same everything", BASE, BASE, True),
    ("same document, typo in the surname", BASE, ("ZAHNG", *BASE[1:]), True),
    ("same document, transliteration variant", BASE, ("CHANG", "HSIAOMING", *BASE[2:]), True),
    ("same document, surname and given names swapped", BASE, ("XIAOMING", "ZHANG", *BASE[2:]), True),
    ("same document, partial birth date", BASE, (*BASE[:4], "1980-05-00", *BASE[5:]), True),
    ("same document, birth date missing", BASE, (*BASE[:4], "", *BASE[5:]), True),
    ("renewal: new passport number, same name and birth date", BASE, (*BASE[:8], "E99887766"), True),
    ("dual national: second passport of another country", BASE,
     (*BASE[:5], "CAN", "P", "CAN", "GA123456"), True),
    ("local card instead of the passport", BASE, (*BASE[:6], "C", "CHN", "C81213501"), True),
    ("renewal with a partial birth date", BASE, (*BASE[:4], "1980-00-00", "CHN", "P", "CHN", "E55555555"), True),
    ("cross-script: native name on one side, transliteration on both", (*BASE[:2], "张晓明", *BASE[3:]),
     ("CHANG", "HSIAOMING", "张晓明", "M", "1980-05-17", "CHN", "P", "CHN", "E77777777"), True),
    ("Cyrillic ICAO and popular spellings, new passport", ("IVANOV", "IURII", "", "M", "1975-01-02", "RUS", "P", "RUS", "7501"),
     ("IVANOV", "YURIY", "", "M", "1975-01-02", "RUS", "P", "RUS", "7502"), True),
    ("Arabic spellings, new passport", ("AL-HARBI", "MOHAMMED", "", "M", "1970-03-04", "SAU", "P", "SAU", "A1"),
     ("HARBI", "MUHAMMAD", "", "M", "1970-03-04", "SAU", "P", "SAU", "A2"), True),
    ("same common name and birth year, other birth date", BASE, (*BASE[:4], "1980-11-02", "CHN", "P", "CHN", "E2"), False),
    ("same name and birth date, different native characters", ("WONG", "WAI WAI", "王偉偉", "F", "1976-03-24", "HKG", "P", "HKG", "K1"),
     ("WONG", "WAI WAI", "黃偉偉", "F", "1976-03-24", "HKG", "P", "HKG", "K2"), False),
    ("impostor: the same document under another name and birth date", BASE,
     ("NGUYEN", "VAN AN", "", "M", "1990-02-03", "VNM", "P", "CHN", "E12345678"), False),
    ("sibling: same surname and birth date, other given names", BASE, ("ZHANG", "LIHUA", "", "F", "1980-05-17", "CHN", "P", "CHN", "E3"), False),
    ("different surname, same given names and birth date", BASE, ("WANG", "XIAOMING", "", "M", "1980-05-17", "CHN", "P", "CHN", "E4"), False),
]  # fmt: skip


def _frame(a: tuple[str, ...], b: tuple[str, ...]) -> pd.DataFrame:
    rows = [dict(zip(FIELDS, r, strict=True)) for r in (a, b)]
    frame = pd.DataFrame(rows)
    frame.insert(0, "record_ref", ["a", "b"])
    frame["seen"] = "2025-01-01T00:00:00+08:00"
    return frame


@pytest.mark.parametrize(("reason", "a", "b", "same"), CASES, ids=[c[0] for c in CASES])
def test_pair(reason: str, a: tuple[str, ...], b: tuple[str, ...], same: bool) -> None:
    res = resolve_identities(_frame(a, b))
    keys = res.assignments.set_index("record_ref")["person_key"]
    assert (keys["a"] == keys["b"]) is same, reason


def test_impostor_is_a_shared_document_finding() -> None:
    res = resolve_identities(_frame(CASES[15][1], CASES[15][2]))
    shared = res.findings[res.findings["kind"] == "shared_document"]
    assert set(shared["doc_number"]) == {"E12345678"} and len(shared) == 2


def test_dual_national_is_a_several_nationalities_finding() -> None:
    res = resolve_identities(_frame(CASES[7][1], CASES[7][2]))
    assert list(res.findings["kind"]) == ["several_nationalities"]


def test_keys_do_not_depend_on_row_order_or_unrelated_records() -> None:
    frame = pd.concat([_frame(*CASES[6][1:3]), _frame(*CASES[16][1:3]).assign(record_ref=["c", "d"])])
    one = resolve_identities(frame).assignments.set_index("record_ref")["person_key"]
    two = resolve_identities(frame.iloc[::-1]).assignments.set_index("record_ref")["person_key"]
    assert one.sort_index().equals(two.sort_index())
    more = pd.concat([frame, _frame(*CASES[11][1:3]).assign(record_ref=["e", "f"])])
    three = resolve_identities(more).assignments.set_index("record_ref")["person_key"]
    assert three[one.index].equals(one)


def test_same_name_partial_date_between_two_people_is_a_candidate_not_a_merge() -> None:
    frame = pd.concat([_frame(BASE, (*BASE[:4], "1980-11-02", "CHN", "P", "CHN", "E2")),
                       _frame(BASE, (*BASE[:4], "1980-00-00", "CHN", "", "", ""))[1:].assign(record_ref="c")])  # fmt: skip
    res = resolve_identities(frame)
    assert res.assignments["person_key"].nunique() == 3
    assert len(res.candidates) >= 2


NAMELESS = ("", "", "", "", "", "", "", "CHN", "E12345678")  # an associated row naming only the document


def test_a_row_naming_only_a_shared_document_does_not_join_victim_and_impostor() -> None:
    impostor = CASES[15][2]
    frame = pd.concat([_frame(BASE, impostor), _frame(NAMELESS, NAMELESS)[:1].assign(record_ref="c")])
    keys = resolve_identities(frame).assignments.set_index("record_ref")["person_key"]
    assert keys.nunique() == 3  # victim, impostor, and the row that could be either's
    shared = resolve_identities(frame).findings.query("kind == 'shared_document'")
    assert shared["detail"].str.startswith("document used by 2 persons").all()


def test_a_row_naming_only_a_document_joins_its_one_holder() -> None:
    frame = pd.concat([_frame(BASE, (*BASE[:4], "1980-05-00", *BASE[5:])), _frame(NAMELESS, NAMELESS)[:1].assign(record_ref="c")])
    keys = resolve_identities(frame).assignments.set_index("record_ref")["person_key"]
    assert keys.nunique() == 1
