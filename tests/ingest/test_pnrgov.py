"""PNRGOV reader against the real corpus (``../shared/corpus/pnrgov``, expectations from its SOURCES.md, i.e.
GTAS' own tests), the synthetic world's pushes, and small inline cases: quarantine beside good bookings, a
damaged tail, GB18030, multi-part pushes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ingest.errors import EdifactError
from ingest.readers.pnrgov import BOOKING_COLUMNS, PASSENGER_COLUMNS, SEGMENT_COLUMNS, read_pnrgov

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "pnrgov"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"PNRGOV corpus not found at {CORPUS}")
FILES = sorted(p.name for p in CORPUS.iterdir() if p.name != "SOURCES.md") if CORPUS.is_dir() else []

# file -> bookings (count), passengers (count), locators (first ones), names (first passengers), devs (rules that
# must be reported); files not listed here are still read by test_every_file_reads.
CASES: dict[str, dict[str, Any]] = {
    "gtas_parsers_pnrMessagePg75.txt": dict(
        bookings=2,
        pax=2,
        locators=["2LS6KP", "X49V9U"],
        names=[("PARK", "SEJOONMR"), ("KIM", "KONG CHUN MRS")],
        devs={"curly-terminator", "terminator-missing", "value-line-break", "unt-count"},
    ),
    "gtas_parsers_pnrMessagePg76.txt": dict(
        bookings=1, pax=2, locators=["35K2IO"], devs={"unterminated-tail", "unz-missing"}
    ),
    "gtas_parsers_pnrMessagePg77.txt": dict(
        bookings=1,
        pax=1,
        locators=["W9TEND"],
        names=[("VANDENBERG", "KEVINMICHAELMR")],
        devs={"terminator-missing", "value-line-break", "unterminated-tail"},
    ),
    "gtas_parsers_modifyPnr77ForCodeShare.txt": dict(bookings=1, pax=1, locators=["W9TEND"], devs={"date-invalid"}),
    "gtas_parsers_pnrBadFormat.txt": dict(bookings=1, pax=2, devs={"unterminated-tail"}),
    "gtas_parsers_pnrMessage.txt": dict(
        bookings=1,
        pax=2,
        locators=["MFN4TI"],
        names=[("SMITHJR", "JOHNMR"), ("JONES", "WILLIAMMR")],
        devs={"eqn-count"},
    ),
    "gtas_loader_pnr1.txt": dict(bookings=1, pax=2),
    "gtas_loader_pnr2.txt": dict(bookings=1, pax=2),
    "gtas_loader_2_pnrs_basic.edi": dict(
        bookings=2,
        pax=4,
        names=[("SMITHJR", "JOHNMR"), ("JONES", "WILLIAMMR"), ("WAYNE", "JOHNMR"), ("COOPER", "GARYMR")],
    ),
    "gtas_loader_3_pnrs.edi": dict(bookings=3, locators=["W9TEND", "D1RGHI", "GBFKSK"]),
    "gtas_loader_adult_and_infant.edi": dict(bookings=1, pax=2),
    "gtas_loader_pnr_split.edi": dict(bookings=2, pax=3),
    "gtas_loader_codeshare.edi": dict(bookings=2, pax=2, locators=["2LS6KP", "X49V9U"], devs={"una-repaired"}),
    "gtas_loader_infant.edi": dict(bookings=1, pax=2, locators=["3PGZOV"], devs={"una-repaired"}),
    "gtas_loader_no_pnr_history.edi": dict(bookings=3, pax=4),
    "gtas_parsers_pnrMessageExample.txt": dict(
        bookings=1, pax=5, locators=["7C789A"], names=[("LOBB", "MOLLYMRS"), ("PHILIPPS", "MATTHIASMR")]
    ),
    "gtas_parsers_bigMessagePnr.txt": dict(bookings=1),
    "gtas_parsers_bigbigPnr.txt": dict(bookings=47),
    "gtas_parsers_pnrWithBags.txt": dict(bookings=127),
    "gtas_parsers_pnrEdge.txt": dict(bookings=1, pax=1),
    "gtas_parsers_pnrNoOrgMsg.txt": dict(bookings=1, pax=1, locators=["7C789A"]),
    "gtas_parsers_danglingMetaCharacter.txt": dict(bookings=1, pax=1, names=[("SERIO", "REUBEN")]),
}


def read(name: str) -> Any:
    return read_pnrgov(CORPUS / name)


@needs_corpus
def test_every_corpus_file_is_listed_and_reads() -> None:
    assert len(FILES) == 31
    for name in FILES:
        res = read(name)
        assert len(res.bookings) >= 1, name
        assert not res.quarantined, (name, res.quarantined)
        assert list(res.bookings.columns) == BOOKING_COLUMNS
        assert list(res.passengers.columns) == PASSENGER_COLUMNS
        assert list(res.segments.columns) == SEGMENT_COLUMNS
        assert res.bookings["locator"].notna().all(), name
        assert res.passengers["content_hash"].str.fullmatch(r"[0-9a-f]{16}").all(), name
        assert (res.passengers["file"] == str(CORPUS / name)).all()


@needs_corpus
@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_table(name: str) -> None:
    case, res = CASES[name], read(name)
    assert len(res.bookings) == case["bookings"]
    if "pax" in case:
        assert len(res.passengers) == case["pax"]
    if "locators" in case:
        assert res.bookings["locator"].tolist()[: len(case["locators"])] == case["locators"]
    if "names" in case:
        got = list(zip(res.passengers["surname"], res.passengers["given_names"], strict=True))
        assert got[: len(case["names"])] == case["names"]
    assert case.get("devs", set()) <= {d.rule for d in res.deviations}
    assert set(res.passengers["locator"]) <= set(res.bookings["locator"])


@needs_corpus
def test_pg77_dates_and_reference() -> None:
    b = read("gtas_parsers_pnrMessagePg77.txt").bookings.iloc[0]
    pax = read("gtas_parsers_pnrMessagePg77.txt").passengers.iloc[0]
    assert (b.locator, b.carrier) == ("W9TEND", "TZ")
    assert b.created == "2013-05-23T18:13:48" and b.date_booked == "2013-05-23T21:24"
    assert pax.reservation_ref == "43576"
    assert (pax.doc_surname, pax.doc_number, pax.birth_date) == ("VANDENBERG", "548721687", "1980-07-04")
    assert b.has_history and b.payments[0]["type"] == "CA"


@needs_corpus
def test_pg76_booking_date_is_first_dat_710() -> None:
    res = read("gtas_parsers_pnrMessagePg76.txt")
    assert res.bookings.iloc[0].date_booked == "2013-02-14"
    assert res.passengers["sex"].tolist() == ["F", "F"] and res.passengers["doc_number"].isna().all()


@needs_corpus
def test_codeshares_marketing_and_operating() -> None:
    segs = read("gtas_parsers_modifyPnr77ForCodeShare.txt").segments
    shared = segs[segs["codeshare"]]
    got = [(r.flight, (r.operating_flight_number or "").zfill(4)) for r in shared.itertuples()]
    assert got == [("SQ5678", "1524"), ("DL8976", "0972")]
    assert shared["operating_carrier"].tolist() == ["SK", "KL"]
    pg75 = read("gtas_parsers_pnrMessagePg75.txt").segments
    assert pg75["codeshare"].all() and pg75["operating_carrier"].tolist() == ["SQ", "SQ"]


@needs_corpus
def test_message_example_origin_cabin_bags_emails_payment() -> None:
    res = read("gtas_parsers_pnrMessageExample.txt")
    b = res.bookings.iloc[0]
    assert res.segments.iloc[0].dep_port == "WDH"
    assert "Y" in res.segments["cabin"].tolist()
    assert b.bag_count == 18
    assert b.emails[:2] == ["MOLLY_LOBB@GMAIL.COM", "MATTHIAS_PHILIPPS@GMAIL.COM"]
    assert res.passengers.iloc[0].payments[0] == {
        "type": "CC",
        "amount": "800.00",
        "vendor": "AX",
        "card": "372395XXXXX9581",
        "expiry": "0318",
        "holder": "MOLLY LOBB 99 GANDER AVENUE KOLKATA GBR O2070 678171055264",
    }
    assert res.passengers.iloc[0].tickets[0]["number"] == "10862010862010"
    assert res.passengers.iloc[0].co_travellers[0] == "PHILIPPS/MATTHIASMR"
    assert b.agency_iata == "70379193"


@needs_corpus
@pytest.mark.parametrize(
    "name, second",
    [
        ("gtas_parsers_pnrPhoneCTCM.txt", "123456789"),
        ("gtas_parsers_pnrPhoneCTC_M.txt", "123456789"),
        ("gtas_parsers_pnrAddressPhoneCTCM.txt", "5432109876"),
    ],
)
def test_phone_variants(name: str, second: str) -> None:
    phones = read(name).bookings.iloc[0].phones
    assert [p["value"] for p in phones][:2] == ["8675309", second]


@needs_corpus
def test_edge_email_with_release_character() -> None:
    assert read("gtas_parsers_pnrEdge.txt").bookings.iloc[0].emails == ["MOLLY_LOUUNT+50BB@GMAIL.COM"]


@needs_corpus
def test_seat_formats() -> None:
    seats = read("gtas_parsers_pnrSeatFormats.txt").bookings.iloc[0].seats
    assert len(seats) == 2
    nsst = seats[1]
    assert (nsst["seat"], nsst["dep_port"], nsst["arr_port"], nsst["ref"]) == ("74E", "SFO", "IAD", "1")


@needs_corpus
def test_doco_visa() -> None:
    visa = read("gtas_parsers_pnrWithDoco.txt").passengers.iloc[0].visas[0]
    assert (visa["number"], visa["type"], visa["place_of_issue"], visa["issued"]) == (
        "8675309",
        "V",
        "OTHER PLACE",
        "2006-12-22",
    )
    assert "expiry" not in visa


@needs_corpus
def test_bags_with_prefixes() -> None:
    b = read("gtas_parsers_pnrWithPrefixesAndBookingDetailBags.txt").bookings.iloc[0]
    assert b.bag_count == 4
    first = b.bags[0]
    assert (first["tags"][0]["carrier"], first["tags"][0]["destination"], first["prime_flight"]) == ("UA", "KWI", False)


@needs_corpus
def test_infant_and_her_documents() -> None:
    pax = read("gtas_loader_infant.edi").passengers
    mother, infant = pax.iloc[0], pax.iloc[1]
    assert (mother.surname, mother.with_infant, mother.doc_number) == ("BELT", True, "509229987")
    assert (infant.given_names, infant.is_infant, infant.accompanied_by_ref) == ("SOPHY", True, "2")
    assert (infant.doc_number, infant.birth_date, infant.sex) == ("512731999", "2012-09-20", "FI")
    assert len(infant.documents) == 1


@needs_corpus
def test_dangling_meta_character_una() -> None:
    res = read("gtas_parsers_danglingMetaCharacter.txt")
    assert res.segments["flight"].tolist() == ["VS138", "BA117", "DL441"]
    assert res.bookings.iloc[0].emails == ["REUBEN_SERIO@GMAIL.COM"]


@needs_corpus
def test_volume_files() -> None:
    big = read("gtas_parsers_pnrWithBags.txt")
    assert len(big.bookings) == 127 and big.bookings["locator"].is_unique
    assert len(big.passengers) == 268  # 927 TIF segments, the rest are check-in (TRI) and history copies
    assert (big.bookings["passenger_count"].sum()) == len(big.passengers)


# ---------------------------------------------------------------- inline cases

HEAD = (
    "UNA:+.? 'UNB+IATA:1+XX++260101:1200+1'UNH+1+PNRGOV:11:1:IA+1'MSG+:22'ORG+XX:HKG'"
    "TVL+020126:1000:020126:1400+PEK+HKG+XX+100'EQN+{n}'"
)


def booking(locator: str, surname: str, birth: str = "01JAN80") -> str:
    return (
        f"SRC'RCI+XX:{locator}:011225:0900'TIF+{surname}+ANNA:A:1'"
        f"SSR+DOCS:HK::XX:::::/P/CHN/E1234/CHN/{birth}/F/01JAN30/{surname}/ANNA'"
        "TVL+020126:1000:020126:1400+PEK+HKG+XX+100:Y'"
    )


def write(tmp_path: Path, text: str, name: str = "p.edi", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_quarantine_beside_good_bookings(tmp_path: Path) -> None:
    body = (
        booking("AAA111", "WANG")
        + booking("BBB222", "LI", birth="31FEB80")
        + "SRC'TIF+ZHAO+BO:A:1'"
        + booking("CCC333", "ZHANG")
    )
    text = HEAD.format(n=4) + body + "UNT+30+1'UNZ+1+1'"
    res = read_pnrgov(write(tmp_path, text))
    assert res.bookings["locator"].tolist() == ["AAA111", "BBB222", "CCC333"]
    assert res.passengers["surname"].tolist() == ["WANG", "ZHANG"]
    rules = {q.rule: q for q in res.quarantined}
    assert set(rules) == {"date-invalid", "locator-missing"}
    bad = rules["date-invalid"]
    assert (bad.file, bad.message_index, bad.field, bad.value) == (
        str(tmp_path / "p.edi"),
        0,
        "SSR DOCS birth",
        "31FEB80",
    )
    assert "31FEB80" in bad.raw and bad.tag == "SSR" and bad.segment_number == 14
    assert rules["locator-missing"].raw.startswith("SRC")
    assert "unt-count" in {d.rule for d in res.deviations}


def test_damaged_tail_keeps_bookings_before_it(tmp_path: Path) -> None:
    text = HEAD.format(n=3) + booking("AAA111", "WANG") + booking("BBB222", "LI") + "SRC'RCI+XX:CCC3"
    res = read_pnrgov(write(tmp_path, text))
    assert res.bookings["locator"].tolist() == ["AAA111", "BBB222"]
    assert [q.rule for q in res.quarantined] == ["booking-truncated"]
    assert {"unterminated-tail", "message-truncated"} <= {d.rule for d in res.deviations}


def test_control_count_disagrees(tmp_path: Path) -> None:
    text = HEAD.format(n=5) + booking("AAA111", "WANG") + "UNT+99+1'UNZ+1+1'"
    res = read_pnrgov(write(tmp_path, text))
    assert len(res.bookings) == 1
    assert {"eqn-count", "unt-count"} <= {d.rule for d in res.deviations}


def test_gb18030(tmp_path: Path) -> None:
    text = HEAD.format(n=1) + booking("AAA111", "WANG").replace("ANNA:A", "安娜:A") + "UNT+9+1'UNZ+1+1'"
    res = read_pnrgov(write(tmp_path, text, encoding="gb18030"), encoding="gb18030")
    assert res.passengers.iloc[0].given_names == "安娜"
    assert not [d for d in res.deviations if d.rule == "undecodable-byte"]


def test_multipart_push_in_two_files(tmp_path: Path) -> None:
    one = HEAD.replace("IA+1'", "IA+REF+01:C'").format(n=2) + booking("AAA111", "WANG") + "UNT+9+1'UNZ+1+1'"
    two = "UNB+IATA:1+XX++260101:1200+2'UNH+2+PNRGOV:11:1:IA+REF+02:F'" + booking("BBB222", "LI") + "UNT+7+2'UNZ+1+2'"
    res = read_pnrgov([write(tmp_path, two, "b.edi"), write(tmp_path, one, "a.edi")])
    assert res.bookings["locator"].tolist() == ["AAA111", "BBB222"]  # in part order, each with its own file
    assert [Path(f).name for f in res.bookings["file"]] == ["a.edi", "b.edi"]
    assert res.bookings["push_flight"].tolist() == ["XX100", "XX100"]
    assert not {"part-missing", "eqn-count"} & {d.rule for d in res.deviations}


def test_not_a_pnrgov_and_not_edifact(tmp_path: Path) -> None:
    res = read_pnrgov(write(tmp_path, "UNH+1+PAXLST:D:02B:UN'BGM+745'UNT+3+1'"))
    assert res.bookings.empty and [d.rule for d in res.deviations] == ["not-pnrgov"]
    with pytest.raises(EdifactError):
        read_pnrgov(write(tmp_path, "\x00\x01 binary garbage, no segments at all"))


@needs_corpus
def test_random_damage_gives_only_named_errors(tmp_path: Path) -> None:
    import random

    rng = random.Random(4)
    small = [CORPUS / n for n in FILES if (CORPUS / n).stat().st_size < 10_000]
    for _ in range(300):
        data = bytearray(rng.choice(small).read_bytes())
        if rng.random() < 0.5:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 10)):
                data[rng.randrange(len(data))] = rng.choice(b"+:'?*\\\n AZ09\xff")
        path = tmp_path / "damaged.edi"
        path.write_bytes(bytes(data))
        try:
            res = read_pnrgov(path)
        except EdifactError:
            continue
        assert res.bookings["locator"].notna().all()


# ---------------------------------------------------------------- the synthetic world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cluegraph.world.command import generate
    from cluegraph.world.config import WorldConfig

    out = tmp_path_factory.mktemp("world")
    try:
        generate(WorldConfig(persons=300), out)
    except TypeError:
        pytest.skip("world generator signature changed")
    return out


def test_world_pushes_read_without_quarantine(world: Path) -> None:
    truth = pd.read_csv(world / "truth" / "pnr_passengers.csv")
    files = sorted((world / "advance" / "pnrgov").glob("*.edi"))
    assert files
    for path in files:
        res = read_pnrgov(path)
        assert not res.quarantined, path.name
        expected = truth[truth["file"] == path.name]
        assert len(res.passengers) == len(expected), path.name
        assert set(res.passengers["locator"]) == set(expected["locator"]), path.name
        assert not [d for d in res.deviations if d.severity == "error"], path.name
