"""PAXLST reader against the real corpus (``../shared/corpus/paxlst``, expectations from its SOURCES.md),
plus small inline cases: quarantine beside good travellers, GB18030, progressive legs per traveller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.readers.paxlst import COLUMNS, read_paxlst

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "paxlst"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"PAXLST corpus not found at {CORPUS}")

# file -> expected: travellers (count), type, names (first few surnames), docs, flights (per leg), deviations
# (rules that must be reported), quarantined rules.
CASES: dict[str, dict[str, Any]] = {
    "gtas_apisMessage.txt": dict(
        n=2, type="passenger", names=[("CLARK", "MICHAEL"), ("CLARK", "CHERYL")], flights=["AA123", "AA124"], devs=set()
    ),
    "gtas_multiple_flight_leg_apis.txt": dict(
        n=2,
        names=[("BARRETT", "TODD"), ("LANG", "KRISTIN")],
        docs=["YY3478621G", "TRQWE99800"],
        flights=["QQ877", "QQ827", "QQ827"],
        devs={"unterminated-tail"},
    ),
    "gtas_airline2.edi": dict(
        n=10,
        names=[("BETTON", "DAVID"), ("TRIBBLE", "FRANK")],
        flights=["TN506"],
        docs=["178556534", "130906000"],
        devs={"malformed-tag", "cnt-count", "unt-count", "unt-reference", "part-missing"},
    ),
    "gtas_Test1_crew.txt": dict(
        n=8,
        type="crew",
        names=[("Steur", "Andrea Pat")],
        flights=["UA0989"],
        docs=["123456789"] * 8,
        devs={"cnt-malformed", "unt-count"},
    ),
    "gtas_Test3.txt": dict(
        n=260,
        names=[("Kuchel", "Rachel Pat")],
        flights=["UA0989"],
        devs={"undecodable-byte", "cnt-qualifier", "cnt-count", "unt-count", "part-final-missing"},
    ),
    "gtas_tamr_flight1.txt": dict(
        n=10,
        names=[("JIANG", "HSIUYUAN"), ("CAPONE", "LISA ALVINA")],
        flights=["LA532"],
        ports=("SCL", "JFK"),
        docs=["433419360"],
        devs={"unt-count", "document-type-missing"},
    ),
    "gtas_tamr_flight2.txt": dict(
        n=10,
        names=[("WATERFIELD", "RHYS THOMAS"), ("CHIANG", "XIUYUAN")],
        flights=["FI615"],
        ports=("KEF", "JFK"),
        devs={"unt-count"},
    ),
    "gtas_tamr_flight3.txt": dict(
        n=10,
        names=[("MCLOUGHLIN", "BEN HARRY")],
        flights=["YY123"],
        ports=("IAD", "BRU"),
        devs={"unt-count", "value-whitespace"},
    ),
    "gtas_us_edifact_legacy_pdt_release_chars.edi": dict(
        n=4,
        names=[("MANGUS", "SIMON P"), ("FEFE", "THEODORE C"), ("BOYLE", "ALVIN"), ("O'LEARY", "KRIS ANN")],
        docs=["182345345", "122222345", "C76543D", "E54321A"],
        flights=["SA812"],
        devs={"unt-count"},
    ),
    "gtas_us_edifact_legacy_progressive.edi": dict(
        n=1, names=[("JONES", "INDIANA")], flights=["SA812"] * 3, devs={"unt-count", "part-final-missing"}
    ),
    "minelytics_sample01_empty_elements_nonascii.edi": dict(
        n=10,
        names=[("ALI YYÉ", ""), ("EVELYN", "AAKESSON")],
        flights=["YY123"],
        devs={"charset-unoa", "empty-value", "document-field-repeated", "unt-count"},
    ),
    "minelytics_sample02_wco2010_progressive.edi": dict(
        n=1, names=[("DOE", "JOHN WAYNE")], docs=["MB1402411"], flights=["UA123", "UA124"], devs={"unt-count"}
    ),
    "minelytics_testcase_wco2010_progressive_dedented.edi": dict(
        n=1, names=[("DOE", "JOHN WAYNE")], docs=["MB140241"], flights=["UA123", "UA124"], devs=set()
    ),
    "smooks_d03b_ace_emanifest_release_chars.edi": dict(
        n=1, type="crew", names=[("AOMAD", "CHRIS")], docs=["P100971204141"], devs={"list-type-unknown"}
    ),
    "astra_czapis_single_unh_to_une.txt": dict(
        n=3,
        names=[("STRANSKY", "JAROSLAV VICTOROVICH")],
        docs=["102865098", "35485167", "34356146"],
        flights=["OK688"],
        devs={"stray-une"},
    ),
    "wco2014guide_ex5_1_single_sector_pax.edi": dict(
        n=1,
        names=[("WILLIAMS", "JOHN DONALD")],
        docs=["MB140241"],
        flights=["ZZ123"],
        ports=("SYD", "HNL"),
        devs={"cnt-count", "value-whitespace"},
    ),
    "wco2014guide_ex5_2_crew.edi": dict(
        n=1, type="crew", names=[("CLARK", "MICHAEL")], flights=["ZZ123"], devs={"unt-count", "cnt-count"}
    ),
    "wco2014guide_ex5_3_progressive_2pax.edi": dict(
        n=2,
        names=[("MARTINEZ", "JULIO XAVIER"), ("MARTINEZ", "SORINA MARIA")],
        docs=["YY3478621", "TRQWE9980"],
        flights=["XZ877", "ZX877"],
        devs={"flight-carrier-differs"},
    ),
    "typeb_wrapped_irlapis_fragment_truncated.txt": dict(
        n=0,
        quarantined={"message-truncated"},
        devs={"preamble-skipped", "message-truncated", "unz-missing", "part-missing"},
    ),
}


def test_every_corpus_file_has_a_case() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"PAXLST corpus not found at {CORPUS}")
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".txt", ".edi") and "multipart" not in p.name}
    assert files == set(CASES)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name: str) -> None:
    exp = CASES[name]
    res = read_paxlst(CORPUS / name)
    df = res.travellers
    assert list(df.columns) == COLUMNS
    assert len(df) == exp["n"]
    names = list(zip(df.surname, df.given_names, strict=True))
    assert names[: len(exp.get("names", []))] == exp.get("names", [])
    if "docs" in exp:
        assert list(df.doc_number[: len(exp["docs"])]) == exp["docs"]
    if "flights" in exp:
        assert list(res.flights.flight) == exp["flights"]
    if "ports" in exp:
        assert (res.flights.dep_port[0], res.flights.arr_port.iloc[-1]) == exp["ports"]
    if "type" in exp:
        assert set(df.traveller_type) == {exp["type"]}
    assert exp["devs"] <= {d.rule for d in res.deviations}, [d.rule for d in res.deviations]
    assert {q.rule for q in res.quarantined} == exp.get("quarantined", set())
    assert df.content_hash.is_unique
    assert all(d.file == str(CORPUS / name) for d in res.deviations)


@needs_corpus
def test_clean_file_has_no_deviations() -> None:
    assert read_paxlst(CORPUS / "minelytics_testcase_wco2010_progressive_dedented.edi").deviations == []


@needs_corpus
def test_multipart_files_reassemble_into_one_list() -> None:
    parts = sorted(CORPUS.glob("astra_czapis_multipart_part*of3.txt"))
    res = read_paxlst(parts)
    df = res.travellers
    assert list(df.surname) == ["STRANSKY", "KOVACS", "LESKA", "PUTIN", "PUTINA"]
    assert list(df.part) == [1, 1, 2, 2, 3]
    rules = {d.rule for d in res.deviations}
    assert not rules & {"part-missing", "part-final-missing", "cnt-count"}  # CNT+42:5 is the total
    alone = read_paxlst(parts[1])
    assert {"part-missing", "part-final-missing", "cnt-count"} <= {d.rule for d in alone.deviations}
    assert len(alone.travellers) == 2


@needs_corpus
def test_progressive_legs_per_traveller() -> None:
    df = read_paxlst(CORPUS / "gtas_apisMessage.txt").travellers.set_index("given_names")
    assert [leg["flight"] for leg in df.loc["MICHAEL", "legs"]] == ["AA123", "AA124"]
    assert [leg["flight"] for leg in df.loc["CHERYL", "legs"]] == ["AA124"]
    assert df.loc["CHERYL", "dep_port"] == "ORD" and df.loc["CHERYL", "dep_time"] == "2007-02-19T18:40"
    assert df.loc["MICHAEL", "references"]["CR"] == "20060907NY123"


@needs_corpus
def test_details_of_tamr_and_smooks() -> None:
    df = read_paxlst(CORPUS / "gtas_tamr_flight1.txt").travellers
    jiang = df.iloc[0]
    assert (jiang.birth_date, jiang.nationality, jiang.seat, jiang.reservation_ref) == (
        "1967-06-03",
        "CHN",
        "056F",
        "7F5F21",
    )
    assert (jiang.bag_count, jiang.bag_weight, jiang.bag_tags) == (1, "13 KGM", ["2660001"])
    assert [(d["type"], d["number"], d["issuer"]) for d in jiang.documents] == [
        (None, "433419360", "CHN"),
        ("V", "57131424", "USA"),
    ]
    f3 = read_paxlst(CORPUS / "gtas_tamr_flight3.txt").travellers
    assert "1967-06-03" in set(f3.birth_date)  # the DOB written " 670603"
    ace = read_paxlst(CORPUS / "smooks_d03b_ace_emanifest_release_chars.edi").travellers.iloc[0]
    assert ace.address["street"] == "11107 SUNSET HILL'S ROAD" and ace.sex == "M"
    assert ace.birth_date == "1935-09-19"
    crew = read_paxlst(CORPUS / "gtas_Test1_crew.txt").travellers
    assert set(crew.place_of_birth) == {"Hartford USA"}


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "msg.edi"
    path.write_bytes(text.encode(encoding))
    return path


HEAD = (
    "UNB+UNOB:4+AIR+GOV+200101:1200+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+AB12'LOC+125+PEK'"
    "DTM+189:2001011000:201'LOC+87+HKG'DTM+232:2001011330:201'"
)


def test_bad_traveller_quarantined_good_ones_kept(tmp_path: Path) -> None:
    text = (
        HEAD + "NAD+FL+++GOOD:ONE'DTM+329:800101'NAD+FL+++:NOSURNAME'DTM+329:800101'"
        "NAD+FL+++BAD:DATE'DTM+329:801399'DOC+P+X1'NAD+FL+++GOOD:TWO'CNT+42:4'UNT+17+1'UNZ+1+1'"
    )
    res = read_paxlst(_write(tmp_path, text))
    assert list(res.travellers.surname) == ["GOOD", "GOOD"]
    quarantined = [(q.rule, q.message_index, q.segment_number, q.field, q.value) for q in res.quarantined]
    assert quarantined == [
        ("surname-missing", 0, 10, "NAD C080", "NAD+FL+++:NOSURNAME"),
        ("date-invalid", 0, 13, "DTM", "DTM+329:801399"),
    ]
    assert "NAD+FL+++BAD:DATE" in res.quarantined[1].raw
    assert {d.rule for d in res.deviations} == set()  # CNT counts quarantined travellers too


def test_gb18030(tmp_path: Path) -> None:
    text = HEAD + "NAD+FL+++江:秀媛'ATT+2++F'DTM+329:670603'NAT+2+CHN'CNT+42:1'UNT+13+1'UNZ+1+1'"
    res = read_paxlst(_write(tmp_path, text, "gb18030"), encoding="gb18030")
    assert list(res.travellers.surname) == ["江"] and res.deviations == []
    wrong = read_paxlst(_write(tmp_path, text, "gb18030"))
    assert "undecodable-byte" in {d.rule for d in wrong.deviations} and len(wrong.travellers) == 1


def _pydifact_segments(text: str) -> list[tuple[str, Any]] | None:
    """Tags and NAD names as pydifact reads them, or None where pydifact cannot read the file."""
    import warnings

    from pydifact.segmentcollection import RawSegmentCollection

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            segs = list(RawSegmentCollection.from_str(text).segments)
        except Exception:  # pydifact's known limits (UNG spacing, leading whitespace, trailing garbage)
            return None
    return [(s.tag, s.elements[3] if s.tag == "NAD" and len(s.elements) > 3 else None) for s in segs if s.tag != "UNA"]


@needs_corpus
@pytest.mark.parametrize("name", sorted(CASES))
def test_cross_check_with_pydifact(name: str) -> None:
    """An independent reader agrees on segment tags and traveller names, on the files it can read."""
    from ingest.edifact import tokenize

    text = (CORPUS / name).read_text("utf-8", errors="replace")
    theirs = _pydifact_segments(text)
    if theirs is None:
        pytest.skip("pydifact cannot read this file")

    def name(comps: tuple[str, ...]) -> Any:  # pydifact drops trailing empty components
        kept = list(comps[: max((i + 1 for i, c in enumerate(comps) if c), default=1)])
        return kept if len(kept) > 1 else kept[0]

    ours = [
        (s.tag, name(s.element(4)) if s.tag == "NAD" and len(s.elements) > 3 else None) for s in tokenize(text).segments
    ]
    assert ours == theirs


@pytest.mark.parametrize("seed", range(40))
def test_random_corruption_gives_only_named_errors(tmp_path: Path, seed: int) -> None:
    import random

    from graph.errors import InvalidInputError

    rng = random.Random(seed)
    data = bytearray((HEAD + "NAD+FL+++A:B'DTM+329:800101'DOC+P+X1'DTM+36:300101'CNT+42:1'UNT+12+1'UNZ+1+1'").encode())
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(len(data))
        choice = rng.random()
        if choice < 0.4:
            data[pos] = rng.randrange(256)
        elif choice < 0.7:
            del data[pos : pos + rng.randint(1, 30)]
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 5)))
    path = tmp_path / "c.edi"
    path.write_bytes(bytes(data))
    try:
        res = read_paxlst(path)
    except InvalidInputError:
        return
    assert len(res.travellers) + len(res.quarantined) >= 0
