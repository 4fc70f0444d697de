"""Namesakes are not merged on a name and birth date alone when their documents say they are two people
(identity resolution, issue 4; ``ingest/resolve/conflicts.py``). A renewal, a misread number and a value
seen once still join."""

from __future__ import annotations

import pandas as pd

from ingest.resolve import resolve_identities

FIELDS = ["surname", "given_names", "native_name", "sex", "birth_date", "nationality", "doc_type", "doc_issuer",
          "doc_number"]  # fmt: skip
ZHANG = ("ZHANG", "XIAOMING", "", "M", "1980-05-17", "CHN", "P", "CHN")


def _records(rows: list[tuple[tuple[str, ...], str, str]]) -> pd.DataFrame:
    """Rows of (person fields without the number, document number, seen date)."""
    frame = pd.DataFrame([dict(zip(FIELDS, (*f, number), strict=True)) | {"seen": f"{day}T10:00:00+08:00"}
                          for f, number, day in rows])  # fmt: skip
    frame.insert(0, "record_ref", [f"r{k}" for k in range(len(frame))])
    return frame


def _persons(frame: pd.DataFrame) -> pd.Series:
    res = resolve_identities(frame)
    return res.assignments.set_index("record_ref")["person_key"]


def test_namesakes_with_two_passports_of_one_country_in_use_at_the_same_time_are_two_persons() -> None:
    days_a = ["2024-01-05", "2024-04-10", "2024-09-01", "2025-02-11"]
    days_b = ["2024-02-20", "2024-06-15", "2024-11-30", "2025-03-03"]
    frame = _records([(ZHANG, "E11111111", d) for d in days_a] + [(ZHANG, "E22222222", d) for d in days_b])
    keys = _persons(frame)
    assert keys.nunique() == 2
    assert keys[frame.loc[frame["doc_number"] == "E11111111", "record_ref"]].nunique() == 1
    res = resolve_identities(frame)
    assert len(res.candidates) == 1  # the pair stays visible to a human


def test_a_renewal_whose_old_passport_is_not_used_after_the_new_one_is_one_person() -> None:
    old = [(ZHANG, "E11111111", d) for d in ("2023-01-05", "2023-06-10", "2024-03-01")]
    new = [(ZHANG, "E22222222", d) for d in ("2024-03-20", "2024-08-15", "2025-01-30")]
    assert _persons(_records(old + new)).nunique() == 1


def test_a_document_number_one_character_off_is_not_a_second_passport() -> None:
    right = [(ZHANG, "E12345678", d) for d in ("2024-01-05", "2024-06-10", "2025-03-01")]
    misread = [(ZHANG, "E12345679", "2024-08-15")]
    assert _persons(_records(right + misread)).nunique() == 1


def test_namesakes_of_different_sex_each_seen_twice_are_two_persons() -> None:
    he = [(ZHANG, "E11111111", d) for d in ("2023-01-05", "2023-02-10")]
    she = [(("ZHANG", "XIAOMING", "", "F", *ZHANG[4:]), "E22222222", d) for d in ("2024-05-01", "2024-07-01")]
    assert _persons(_records(he + she)).nunique() == 2


def test_a_sex_seen_once_on_each_side_does_not_split() -> None:
    # GTAS' Tamr test: JOSEPH GAYLA COOKE F and JOSEPH GAELLA COOK M on two passports are one person
    he = [(ZHANG, "E11111111", "2023-01-05")]
    she = [(("ZHANG", "XIAOMING", "", "F", *ZHANG[4:]), "E22222222", "2024-05-01")]
    assert _persons(_records(he + she)).nunique() == 1


def test_a_common_name_with_birth_dates_one_digit_apart_on_two_passports_is_two_persons() -> None:
    jones = ("JONES", "JAMES", "", "M", "1967-06-29", "AUS", "P", "AUS")
    other = (*jones[:4], "1967-06-24", *jones[5:])
    frame = _records([(jones, "PA1948544", "2025-01-15"), (jones, "PA1948544", "2025-01-19"),
                      (other, "PA1284186", "2025-05-10"), (other, "PA1284186", "2025-05-14")])  # fmt: skip
    assert _persons(frame).nunique() == 2


def test_without_seen_times_two_passports_of_one_name_and_birth_date_still_join() -> None:
    frame = _records([(ZHANG, "E11111111", "2024-01-05"), (ZHANG, "E22222222", "2024-02-20")])
    assert _persons(frame.drop(columns="seen")).nunique() == 1


def test_an_arrow_table_resolves_as_the_same_records_in_a_dataframe() -> None:
    import pyarrow as pa

    frame = _records([(ZHANG, "E11111111", "2024-01-05"), (ZHANG, "E22222222", "2024-02-20"),
                      (("WONG", "WAI MAN", "", "", "", "HKG", "", ""), "", "2024-03-01")])  # fmt: skip
    frame.loc[2, "doc_number"] = None  # missing values: null in Arrow, None / NaN in pandas
    one = resolve_identities(frame)
    two = resolve_identities(pa.Table.from_pandas(frame, preserve_index=False))
    for name in ("assignments", "persons", "candidates", "findings"):
        assert getattr(one, name).astype(str).equals(getattr(two, name).astype(str)), name
