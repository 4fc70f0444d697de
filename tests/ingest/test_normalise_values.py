"""Tables of cases for dates, countries, phones and documents; rejections name field, value and rule;
vectorised forms agree with the scalar ones."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from ingest.normalise import (
    NormaliseError,
    alpha2,
    doc_key,
    doc_keys,
    normalise_countries,
    normalise_country,
    normalise_date,
    normalise_dates,
    normalise_doc_number,
    normalise_doc_type,
    normalise_phone,
    normalise_phones,
    parse_date,
)
from ingest.normalise.errors import InvalidCountryError, InvalidDateError, InvalidDocumentError, InvalidPhoneError

REF = date(2026, 1, 1)

DATES = [
    ("1974-08-12", "other", "1974-08-12", "day"),
    ("1974-08-00", "birth", "1974-08-00", "month"),
    ("1974-00-00", "birth", "1974-00-00", "year"),
    ("19740812", "birth", "1974-08-12", "day"),
    ("740812", "birth", "1974-08-12", "day"),
    ("130101", "birth", "2013-01-01", "day"),
    ("251231", "birth", "2025-12-31", "day"),
    ("260102", "birth", "1926-01-02", "day"),
    ("7408<<", "birth", "1974-08-00", "month"),
    ("120415", "expiry", "2012-04-15", "day"),
    ("340529", "expiry", "2034-05-29", "day"),
    ("950712", "expiry", "1995-07-12", "day"),
    ("12AUG74", "birth", "1974-08-12", "day"),
    ("05jan2031", "expiry", "2031-01-05", "day"),
    ("12.08.1974", "birth", "1974-08-12", "day"),
    ("1974-08", "birth", "1974-08-00", "month"),
    ("1974", "birth", "1974-00-00", "year"),
    ("2024-02-29T10:00:00+01:00", "other", "2024-02-29", "day"),
]


@pytest.mark.parametrize(("value", "kind", "iso", "precision"), DATES, ids=[d[0] for d in DATES])
def test_dates(value: str, kind: str, iso: str, precision: str) -> None:
    d = parse_date(value, kind=kind, ref=REF)  # type: ignore[arg-type]
    assert d is not None and (d.iso, d.precision) == (iso, precision)


BAD_DATES = [
    ("1990-13-01", "other", "calendar"),
    ("1990-02-30", "other", "calendar"),
    ("2023-02-29", "other", "calendar"),
    ("1990-00-15", "other", "calendar"),
    ("1850-01-01", "birth", "year-range"),
    ("2030-01-01", "birth", "birth-in-future"),
    ("yesterday", "other", "date-format"),
    ("7SIOZS", "birth", "date-format"),
    ("12XYZ74", "birth", "date-format"),
    ("1990/01/01", "other", "date-format"),
]


@pytest.mark.parametrize(("value", "kind", "rule"), BAD_DATES, ids=[d[0] for d in BAD_DATES])
def test_bad_dates_name_the_rule(value: str, kind: str, rule: str) -> None:
    with pytest.raises(InvalidDateError) as info:
        parse_date(value, kind=kind, ref=REF, field="birth_date")  # type: ignore[arg-type]
    err = info.value
    assert (err.rule, err.field, err.value) == (rule, "birth_date", value)
    assert rule in str(err) and repr(value) in str(err)


def test_partial_dates_are_compatible() -> None:
    a, b = parse_date("1974-08-00"), parse_date("1974-08-12")
    assert a is not None and b is not None and a.compatible(b) and a.to_date() is None
    assert normalise_date(None) is None and normalise_date(date(2000, 1, 2)) == "2000-01-02"


def test_dates_vectorised_agree() -> None:
    values = [d[0] for d in DATES if d[1] == "birth"] + [d[0] for d in BAD_DATES if d[1] == "birth"] + [None, ""]
    df = normalise_dates(pd.Series(values), kind="birth", ref=REF)
    for value, row in zip(values, df.to_dict("records"), strict=True):
        try:
            assert row["iso"] == normalise_date(value, kind="birth", ref=REF) and row["error"] is None
        except InvalidDateError as err:
            assert row["iso"] is None and row["error"] == str(err)
    assert isinstance(normalise_dates(pa.array(values), kind="birth", ref=REF), pa.Table)


COUNTRIES = [
    ("DEU", "DEU"), ("de", "DEU"), ("D", "DEU"), ("D<<", "DEU"), ("276", "DEU"), ("Germany", "DEU"),
    ("GBR", "GBR"), ("UK", "GBR"), ("United Kingdom", "GBR"), ("GBD", "GBD"), ("GBN", "GBN"), ("GBO", "GBO"),
    ("GBP", "GBP"), ("GBS", "GBS"), ("UNO", "UNO"), ("UNA", "UNA"), ("UNK", "UNK"), ("XXA", "XXA"),
    ("XXB", "XXB"), ("XXC", "XXC"), ("XXX", "XXX"), ("EUE", "EUE"), ("Côte d'Ivoire", "CIV"), ("CHINA", "CHN"),
    ("Russian Federation", "RUS"), ("Russia", "RUS"), ("South Korea", "KOR"), ("Viet Nam", "VNM"), ("usa", "USA"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "code"), COUNTRIES, ids=[c[0] for c in COUNTRIES])
def test_countries(value: str, code: str) -> None:
    assert normalise_country(value) == code


@pytest.mark.parametrize(
    ("value", "rule"), [("ZZZ", "country-code"), ("Q", "country-code"), ("Atlantis", "country-name"),
                        ("UTO", "specimen"), ("Guinea Republic of the", "country-name")]
)  # fmt: skip
def test_bad_countries(value: str, rule: str) -> None:
    with pytest.raises(InvalidCountryError) as info:
        normalise_country(value, field="nationality")
    assert (info.value.rule, info.value.field, info.value.value) == (rule, "nationality", value)


def test_specimen_state_when_allowed_and_alpha2() -> None:
    assert normalise_country("UTO", allow_specimen=True) == "UTO"
    assert (alpha2("DEU"), alpha2("GBN"), alpha2("UNO"), alpha2(None)) == ("DE", "GB", None, None)


def test_countries_vectorised_agree() -> None:
    values = [c[0] for c in COUNTRIES] + ["ZZZ", None]
    df = normalise_countries(pd.Series(values))
    assert df["code"].tolist() == [c[1] for c in COUNTRIES] + [None, None]
    assert df["error"].notna().tolist() == [False] * len(COUNTRIES) + [True, False]


PHONES = [
    ("+49 151 23456789", None, "+4915123456789"),
    ("0151 2345 6789", "DE", "+4915123456789"),
    ("0151/23456789", "DEU", "+4915123456789"),
    ("0044 20 7946 0018", None, "+442079460018"),
    ("(020) 7946 0018", "GB", "+442079460018"),
    ("8 (912) 345-67-89", "RU", "+79123456789"),
    ("+86 138 0013 8000", None, "+8613800138000"),
    ("010-1234-5678", "KR", "+821012345678"),
]


@pytest.mark.parametrize(("value", "region", "e164"), PHONES, ids=[p[0] for p in PHONES])
def test_phones(value: str, region: str | None, e164: str) -> None:
    assert normalise_phone(value, region=region) == e164


@pytest.mark.parametrize(
    ("value", "region", "rule"),
    [("12", "DE", "phone-impossible"), ("+49 1", None, "phone-parse"), ("0151 2345 6789", None,
     "phone-needs-region"), ("call me", "DE", "phone-parse"), ("+999 123456789", None, "phone-needs-region")],
)  # fmt: skip
def test_bad_phones(value: str, region: str | None, rule: str) -> None:
    with pytest.raises(InvalidPhoneError) as info:
        normalise_phone(value, region=region, field="phone")
    assert (info.value.rule, info.value.field, info.value.value) == (rule, "phone", value)


def test_phones_vectorised_with_region_column() -> None:
    values = pd.Series([p[0] for p in PHONES] + ["12", None])
    regions = pd.Series([p[1] for p in PHONES] + ["DE", "DE"])
    df = normalise_phones(values, region=regions)
    assert df["e164"].tolist() == [p[2] for p in PHONES] + [None, None]
    assert df["valid"].tolist()[: len(PHONES)] == [True] * len(PHONES)
    assert df["error"].iloc[-2].startswith("phone-impossible")


DOCS = [(" c01x-0006h ", "C01X0006H"), ("D23145890<123", "D23145890123"), ("ab 12/34.5", "AB12345"),
        ("Ｌ８９８９０２Ｃ３", "L898902C3")]  # fmt: skip


@pytest.mark.parametrize(("value", "number"), DOCS)
def test_doc_numbers(value: str, number: str) -> None:
    assert normalise_doc_number(value) == number


@pytest.mark.parametrize(
    ("value", "rule"), [("<<<", "doc-empty"), ("UNKNOWN", "doc-placeholder"), ("000000", "doc-placeholder"),
                        ("AB#12", "doc-charset"), ("A" * 21, "doc-length")]
)  # fmt: skip
def test_bad_doc_numbers(value: str, rule: str) -> None:
    with pytest.raises(InvalidDocumentError) as info:
        normalise_doc_number(value)
    assert (info.value.rule, info.value.field, info.value.value) == (rule, "doc_number", value)


def test_doc_types_and_keys() -> None:
    assert [normalise_doc_type(v) for v in ("P", "P<", "PT", "ID", "I<", "AC", "V", "passport", "Visa")] == [
        "P", "P", "PT", "ID", "I", "AC", "V", "P", "V"]  # fmt: skip
    with pytest.raises(InvalidDocumentError):
        normalise_doc_type("Z")
    assert doc_key("D", "c01x0006h") == "DEU:C01X0006H" and doc_key(None, "X1") is None
    df = doc_keys(pd.Series(["DE", "ZZZ", "FRA"]), pd.Series(["c01 x0006h", "1", None]))
    assert df["doc_key"].tolist() == ["DEU:C01X0006H", None, None]
    assert df["error"].iloc[1].startswith("country-code") and df["error"].iloc[2] is None


def test_every_rejection_is_an_invalid_value_error() -> None:
    from graph.errors import InvalidValueError

    assert issubclass(NormaliseError, InvalidValueError)
