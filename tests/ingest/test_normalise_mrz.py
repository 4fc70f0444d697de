"""MRZ parsing against every vector of the shared corpus (ICAO 9303 specimens and corrupted copies), plus a
hypothesis round trip of the check digit."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise.errors import InvalidMRZError
from ingest.normalise.mrz import check_digit, parse_mrz, parse_mrzs, verify_check_digit

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "mrz"
VECTORS = CORPUS / "mrz_vectors.csv"
REF = date(2026, 1, 1)
FIELDS = ["document_code", "issuing_state", "surname", "given_names", "document_number", "nationality", "sex",
          "optional_data", "optional_data_2"]  # fmt: skip
CHECK_COLUMNS = {"document_number_check_ok": "document_number", "birth_date_check_ok": "birth_date",
                 "expiry_date_check_ok": "expiry_date", "optional_data_check_ok": "optional_data",
                 "composite_check_ok": "composite"}  # fmt: skip


def _vectors() -> list[dict[str, str]]:
    if not VECTORS.exists():
        return []
    with VECTORS.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


ROWS = _vectors()
needs_corpus = pytest.mark.skipif(not ROWS, reason=f"MRZ corpus not found at {VECTORS}")


def _lines(row: dict[str, str]) -> list[str]:
    return [row[k] for k in ("line1", "line2", "line3") if row[k]]


@needs_corpus
def test_corpus_has_the_22_vectors() -> None:
    assert len(ROWS) == 22


@needs_corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_vector(row: dict[str, str]) -> None:
    m = parse_mrz(_lines(row), ref=REF)
    assert m.format == row["format"]
    for name in FIELDS:
        assert getattr(m, name) == row[name], name
    assert m.birth_date == row["birth_date_yymmdd"]
    assert m.expiry_date == row["expiry_date_yymmdd"]
    for column, check in CHECK_COLUMNS.items():
        expected = None if row[column] == "" else row[column] == "True"
        assert m.checks.get(check) == expected, column
    assert m.all_checks_ok == (row["all_check_digits_ok"] == "True")
    assert (m.long_docnum_convention or "") == row["long_docnum_check_convention"]
    check_findings = [f for f in m.findings if f.startswith("mrz-check")]
    assert bool(check_findings) == (row["all_check_digits_ok"] != "True")


@needs_corpus
def test_vectorised_agrees_with_scalar() -> None:
    texts = ["\n".join(_lines(r)) for r in ROWS]
    df = parse_mrzs(texts, ref=REF)
    for text, got in zip(texts, df.to_dict("records"), strict=True):
        m = parse_mrz(text, ref=REF)
        assert got["document_number"] == m.document_number
        assert got["all_check_digits_ok"] == m.all_checks_ok
        assert got["composite_check_ok"] == m.checks.get("composite")
    assert df["error"].isna().all()


def test_td3_dates_get_their_century() -> None:
    m = parse_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", ref=REF)
    assert (m.birth_date_iso, m.expiry_date_iso, m.sex) == ("1974-08-12", "2012-04-15", "F")


def test_run_together_lines_are_split() -> None:
    m = parse_mrz("I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    assert (m.format, m.document_number) == ("TD1", "D23145890")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("P<UTOERIKSSON<<ANNA\nL898902C36UTO", "mrz-shape"),
        (
            "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<#",
            "mrz-charset",
        ),
        ("", "mrz-shape"),
    ],
)
def test_not_an_mrz_names_the_rule(text: str, rule: str) -> None:
    with pytest.raises(InvalidMRZError) as info:
        parse_mrz(text)
    assert info.value.rule == rule and info.value.field == "mrz"


def test_long_number_conventions_differ() -> None:
    # the corpus finding: over 000590240601 the digit is 1 without the filler and 3 with it
    assert check_digit("000590240601") == "1"
    assert check_digit("000590240<601") == "3"


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<", min_size=1, max_size=40))
def test_check_digit_round_trips(data: str) -> None:
    digit = check_digit(data)
    assert verify_check_digit(data, digit)
    assert not verify_check_digit(data, str((int(digit) + 1) % 10))
