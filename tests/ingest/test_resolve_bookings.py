"""A name-only PNR passenger joins the traveller its booking's API record names (identity resolution, issue 4)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from ingest.pipeline.identities import booking_codes
from ingest.resolve import resolve_identities

FIELDS = ["record_ref", "surname", "given_names", "native_name", "sex", "birth_date", "nationality", "doc_type",
          "doc_issuer", "doc_number", "seen"]  # fmt: skip
SEEN = "2026-01-16T00:00:00"


def _api(ref: str, surname: str, given: str, born: str, number: str) -> tuple[str, ...]:
    return (ref, surname, given, "", "M", born, "CHN", "P", "CHN", number, SEEN)


def _pnr(ref: str, surname: str, given: str) -> tuple[str, ...]:
    return (ref, surname, given, "", "", "", "", "", "", "", SEEN)


def _resolve(rows: list[tuple[str, ...]], bookings: list[str] | None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=FIELDS)
    import pyarrow as pa

    codes = None if bookings is None else booking_codes(pa.chunked_array([pa.array(bookings, pa.string())]))
    res = resolve_identities(frame, bookings=codes)
    return res.assignments.set_index("record_ref").join(
        res.persons.set_index("person_key"), on="person_key"), res.candidates


NAMESAKES = [_api(f"other{k}", "HU", "WEIWEN", f"19{60 + k}-0{k + 1}-1{k}", f"E5{k}") for k in range(2)]
#: strangers of made-up names and birth dates, so that HU WEIWEN reads as a name few people carry (a name
#: only met among a few thousand people makes weaker candidates than the world's)
_RND = random.Random(4)
CROWD = [_api(f"crowd{k}", "".join(_RND.choice("ABCDEFGHIKLMNOPRSTUVWYZ") for _ in range(6)),
              "".join(_RND.choice("AEIOUBCDLMNRST") for _ in range(5)),
              f"19{_RND.randint(40, 99)}-{_RND.randint(1, 12):02d}-{_RND.randint(10, 28)}", f"C{k}")
         for k in range(12_000)]


def test_name_only_record_joins_the_one_traveller_of_its_booking_with_that_name() -> None:
    rows = [_api("api", "HU", "WEIWEN", "1971-09-09", "E96944726"), _pnr("pnr", "HU", "WEIWEN"), *NAMESAKES]
    people, _ = _resolve(rows, ["CX:R7C7VP", "CX:R7C7VP", "", ""])
    assert people.loc["pnr", "person_key"] == people.loc["api", "person_key"]
    assert people.loc["pnr", "method"] == "booking"
    assert people.loc["pnr", "birth_date"] == "1971-09-09"


def test_without_bookings_the_name_only_record_stays_apart() -> None:
    rows = [_api("api", "HU", "WEIWEN", "1971-09-09", "E96944726"), _pnr("pnr", "HU", "WEIWEN"), *NAMESAKES]
    people, _ = _resolve(rows, None)
    assert people.loc["pnr", "person_key"] != people.loc["api", "person_key"]


def test_a_joined_record_is_no_longer_a_candidate_of_its_namesakes() -> None:
    rows = [_api("api", "HU", "WEIWEN", "1971-09-09", "E96944726"), _pnr("pnr", "HU", "WEIWEN"), *NAMESAKES, *CROWD]
    people, before = _resolve(rows, [""] * len(rows))
    pnr_before = people.loc["pnr", "person_key"]
    assert ((before["person_key_a"] == pnr_before) | (before["person_key_b"] == pnr_before)).any()
    people, after = _resolve(rows, ["CX:R7C7VP", "CX:R7C7VP"] + [""] * (len(rows) - 2))
    api = people.loc["api", "person_key"]
    namesakes = set(people.loc[[r[0] for r in NAMESAKES], "person_key"])
    linked = set(after["person_key_a"]) | set(after["person_key_b"])
    assert api not in linked or not (linked & namesakes), after


def test_two_namesakes_on_one_booking_leave_the_name_only_record_apart() -> None:
    rows = [_api("a1", "HU", "WEIWEN", "1971-09-09", "E1"), _api("a2", "HU", "WEIWEN", "1999-01-02", "E2"),
            _pnr("pnr", "HU", "WEIWEN")]
    people, _ = _resolve(rows, ["CX:K1", "CX:K1", "CX:K1"])
    assert people.loc["pnr", "person_key"] not in {people.loc["a1", "person_key"], people.loc["a2", "person_key"]}


def test_another_name_on_the_booking_is_not_joined() -> None:
    rows = [_api("api", "LIN", "WEILEI", "1972-07-23", "E1"), _pnr("pnr", "HU", "WEIWEN")]
    people, _ = _resolve(rows, ["CX:K1", "CX:K1"])
    assert people.loc["pnr", "person_key"] != people.loc["api", "person_key"]


def test_the_traveller_keeps_their_key_when_their_booking_record_joins() -> None:
    api = _api("api", "HU", "WEIWEN", "1971-09-09", "E96944726")
    alone, _ = _resolve([api], [""])
    joined, _ = _resolve([api, _pnr("pnr", "HU", "WEIWEN")], ["CX:R7C7VP", "CX:R7C7VP"])
    assert joined.loc["api", "person_key"] == alone.loc["api", "person_key"]


def test_booking_codes_mark_records_without_a_booking() -> None:
    import pyarrow as pa

    codes = booking_codes(pa.chunked_array([pa.array(["", "CX:K1", None, "CX:K1"], pa.string())]))
    assert codes[0] == codes[2] == -1
    assert codes[1] == codes[3] >= 0
    assert np.issubdtype(codes.dtype, np.integer)
