"""Associated readers: every kind's columns, one case per rule, contacts flagged not dropped, a generated world."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ingest.readers.associated import CASE_ROLES, KINDS, kind_of, read_associated
from ingest.readers.tabular import MissingColumnError

REF = ["doc_issuer", "doc_number", "surname", "given_names", "birth_date", "nationality"]
BY_DOC = {"doc_issuer": "HKG", "doc_number": "K1234567"}
BY_NAME = {"surname": "Liu", "given_names": "Wei Lan", "birth_date": "1982-07-16", "nationality": "CHN"}

#: One good row per kind.
GOOD: dict[str, dict[str, str]] = {
    "phones": {
        **BY_DOC,
        "phone": "+852 9123 4567",
        "first_seen": "2023-03-02",
        "last_seen": "2026-03-01",
        "source": "TELECOM_SUBSCRIBER",
    },
    "emails": {
        **BY_NAME,
        "email": "Wei.Lan@Example.COM",
        "first_seen": "2023-03-02",
        "last_seen": "2026-03-01",
        "source": "AIRLINE_PROFILE",
    },
    "addresses": {
        **BY_DOC,
        "address_line1": "FLAT 3C",
        "address_line2": "70 MAIN STREET",
        "city": "SHANGHAI",
        "country": "CHN",
        "source": "LAND_REGISTRY",
    },
    "vehicles": {"plate": "AA0715", "plate_country": "HKG", **BY_DOC, "role": "OWNER"},
    "companies": {
        "company_id": "C000001",
        "name": "GOLDEN JADE TRAVEL",
        "country": "HKG",
        "registration_no": "00009208",
    },
    "employment": {**BY_DOC, "company_id": "C000001", "role": "WORKER"},
    "payments": {"instrument": "453201XXXXXX1234", "type": "VI", **BY_NAME},
    "cases": {
        "case_id": "CASE-1",
        "case_type": "SMUGGLING",
        "opened": "2024-03-31",
        "status": "CLOSED",
        "severity": "HIGH",
    },
    "case_subjects": {"case_id": "CASE-1", **BY_NAME, "role": "SUSPECT"},
    "watchlist": {
        "entry_id": "WL-1",
        "list": "NATIONAL",
        "surname": "SATOH",
        "given_names": "AKIKO",
        "native_name": "佐藤明子",
        "birth_date": "1981-11-00",
        "nationality": "JPN",
        "doc_number": "",
        "reason": "SUSPECTED TRAFFICKING",
        "severity": "HIGH",
        "listed_on": "2026-01-28",
    },
}


def columns(kind: str) -> list[str]:
    return [f.name for f in KINDS[kind][0]]


def write(
    path: Path, kind: str, rows: list[dict[str, str]], *, cols: list[str] | None = None, encoding: str = "utf-8"
) -> Path:
    cols = cols or columns(kind)
    frame = pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols, dtype=str)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode(encoding))
    return path


def test_every_kind_has_a_good_row() -> None:
    assert set(GOOD) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_good_row_of_each_kind_loads(tmp_path: Path, kind: str) -> None:
    r = read_associated(write(tmp_path / f"{kind}.csv", kind, [GOOD[kind]]))
    assert r.kind == kind and r.quarantined == [] and r.counts.to_dict()["loaded"] == 1
    rec = r.records.iloc[0]
    assert rec["line"] == 2 and len(rec["content_hash"]) == 16
    assert ("person_ref" in r.records) == KINDS[kind][1]


def test_person_ref_by_document_and_by_name(tmp_path: Path) -> None:
    rows = [
        GOOD["phones"],
        {**GOOD["phones"], "doc_issuer": "", "doc_number": "", **BY_NAME},
        {**GOOD["phones"], "doc_issuer": "", **BY_NAME, "birth_date": "1982-07-00"},
    ]
    r = read_associated(write(tmp_path / "phones.csv", "phones", rows))
    assert r.records["person_ref"].tolist() == [
        "DOC:HKG:K1234567",
        "NAME:LIU|WEI LAN|1982-07-16|CHN",
        "NAME:LIU|WEI LAN|1982-07-00|CHN",
    ]


# ---------------------------------------------------------------- one bad row per rule


BAD_ROWS = [
    ("phones", {"phone": ""}, "phone", "required"),
    ("phones", {"first_seen": "2023-02-30"}, "first_seen", "calendar"),
    ("phones", {"doc_issuer": "", "doc_number": ""}, "person_ref", "person-ref"),
    ("phones", {"doc_issuer": "ATLANTIS"}, "doc_issuer", "country-name"),
    ("phones", {"doc_number": "NONE"}, "doc_number", "doc-placeholder"),
    ("emails", {"email": ""}, "email", "required"),
    ("emails", {"birth_date": "1982-13-01"}, "birth_date", "calendar"),
    ("emails", {"surname": "###"}, "surname", "name-empty"),
    ("addresses", {"address_line1": ""}, "address_line1", "required"),
    ("addresses", {"country": "XX"}, "country", "country-code"),
    ("vehicles", {"plate": ""}, "plate", "required"),
    ("vehicles", {"plate_country": "QQQ"}, "plate_country", "country-code"),
    ("companies", {"company_id": ""}, "company_id", "required"),
    ("companies", {"name": ""}, "name", "required"),
    ("employment", {"company_id": ""}, "company_id", "required"),
    ("payments", {"instrument": ""}, "instrument", "required"),
    ("cases", {"case_id": ""}, "case_id", "required"),
    ("cases", {"opened": "31/31/2024"}, "opened", "date-format"),
    ("case_subjects", {"role": "BYSTANDER"}, "role", "enum"),
    ("case_subjects", {"role": ""}, "role", "required"),
    ("watchlist", {"surname": ""}, "surname", "required"),
    ("watchlist", {"birth_date": "2190-01-00"}, "birth_date", "year-range"),
    ("watchlist", {"listed_on": "soon"}, "listed_on", "date-format"),
]


@pytest.mark.parametrize(("kind", "change", "field", "rule"), BAD_ROWS)
def test_bad_row_is_quarantined_with_its_place(
    tmp_path: Path, kind: str, change: dict[str, str], field: str, rule: str
) -> None:
    other = {**GOOD[kind], **({"case_id": "CASE-2"} if "case_id" in GOOD[kind] else {})}
    path = write(tmp_path / f"{kind}.csv", kind, [GOOD[kind], {**GOOD[kind], **change}, other])
    r = read_associated(path)
    (q,) = r.quarantined
    assert (q.file, q.line, q.field, q.rule) == (str(path), 3, field, rule)
    assert q.raw == path.read_text(encoding="utf-8").splitlines()[2]
    assert r.counts.reconciles and r.counts.loaded + r.counts.duplicates == 2


def test_case_roles_are_the_design_roles() -> None:
    assert CASE_ROLES == ("ORGANISER", "SUSPECT", "ACCOMPLICE", "WITNESS", "VICTIM")


# ---------------------------------------------------------------- contacts are flagged, never dropped


def test_invalid_phones_are_flagged_not_dropped(tmp_path: Path) -> None:
    rows = [
        GOOD["phones"],
        {**GOOD["phones"], "phone": "12"},
        {**GOOD["phones"], "phone": "+8605640747"},
        {**GOOD["phones"], "phone": "0151 2345 6789", "doc_issuer": "D"},
    ]
    r = read_associated(write(tmp_path / "phones.csv", "phones", rows))
    assert r.quarantined == [] and len(r.records) == 4
    assert r.records["phone_valid"].tolist() == [True, False, False, True]
    assert r.records["phone_e164"].iat[3] == "+4915123456789"
    assert r.records["phone"].iat[1] == "12" and "phone-impossible" in r.records["findings"].iat[1]
    assert "phone-unassigned" in r.records["findings"].iat[2]
    assert {"phone-impossible", "phone-unassigned"} <= {d.rule for d in r.deviations}


def test_malformed_email_is_flagged_not_dropped(tmp_path: Path) -> None:
    rows = [GOOD["emails"], {**GOOD["emails"], "email": "not-an-address"}]
    r = read_associated(write(tmp_path / "emails.csv", "emails", rows))
    assert r.quarantined == [] and r.records["email_norm"].iat[0] == "wei.lan@example.com"
    assert pd.isna(r.records["email_norm"].iat[1]) and "email-shape" in r.records["findings"].iat[1]


# ---------------------------------------------------------------- file level, kinds, encodings


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    cols = [c for c in columns("phones") if c != "nationality"]
    path = write(tmp_path / "phones.csv", "phones", [GOOD["phones"]], cols=cols)
    with pytest.raises(MissingColumnError) as err:
        read_associated(path)
    assert (err.value.file, err.value.field) == (str(path), "nationality")


def test_kind_from_file_name_or_given(tmp_path: Path) -> None:
    assert kind_of("a/b/2026-03-01_case_subjects.csv") == "case_subjects"
    path = write(tmp_path / "export.csv", "cases", [GOOD["cases"]])
    with pytest.raises(ValueError, match="not an associated file kind"):
        read_associated(path)
    assert read_associated(path, "cases").counts.loaded == 1


def test_duplicates_reconcile(tmp_path: Path) -> None:
    rows = [GOOD["vehicles"]] * 3 + [{**GOOD["vehicles"], "plate": ""}] * 2
    r = read_associated(write(tmp_path / "vehicles.csv", "vehicles", rows))
    assert r.counts.to_dict() == {"read": 5, "loaded": 1, "quarantined": 1, "duplicates": 3}


def test_gb18030_watchlist_with_native_names(tmp_path: Path) -> None:
    rows = [
        GOOD["watchlist"],
        {
            **GOOD["watchlist"],
            "entry_id": "WL-2",
            "surname": "CHAN",
            "given_names": "TAI MAN",
            "native_name": "陳大文",
            "nationality": "HKG",
        },
    ]
    r = read_associated(write(tmp_path / "watchlist.csv", "watchlist", rows, encoding="gb18030"), encoding="gb18030")
    assert r.quarantined == [] and r.records["native_name"].tolist() == ["佐藤明子", "陳大文"]
    assert r.records["person_ref"].iat[0] == "NAME:SATOH|AKIKO|1981-11-00|JPN"


# ---------------------------------------------------------------- a generated world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world") / "w"
    subprocess.run(
        [sys.executable, "-m", "cluegraph.cli", "world", str(out), "--persons", "300"], check=True, capture_output=True
    )
    return out


def test_world_associated_files_load_without_quarantine(world: Path) -> None:
    noise = pd.read_csv(world / "truth" / "noise.csv", dtype=str, keep_default_na=False)
    unreadable = {"typo", "swap", "translit", "partial_dob", "missing", "split_id", "duplicate_message", "late_advance"}
    assert set(noise["kind"]) <= unreadable, "a new noise kind: decide whether it is readable"
    truth = pd.read_csv(world / "truth" / "associated_rows.csv", dtype=str, keep_default_na=False)
    files = sorted((world / "associated").glob("*.csv"))
    assert {kind_of(p) for p in files} == set(KINDS)
    for path in files:
        r = read_associated(path)
        assert r.quarantined == [], (path.name, r.quarantined[:3])
        assert r.counts.reconciles
        rows = truth[truth["file"] == path.name]
        if len(rows):
            assert r.counts.read == len(rows), path.name
            assert r.counts.loaded + r.counts.duplicates == len(rows)
        if KINDS[r.kind][1]:
            assert r.records["person_ref"].notna().all(), path.name
        partial = noise[(noise["source"] == path.name) & (noise["kind"] == "partial_dob")]["record"].astype(int)
        if len(partial):
            lines = r.records.set_index("line")
            assert lines.loc[partial + 1, "birth_date"].str.endswith("-00").all()
