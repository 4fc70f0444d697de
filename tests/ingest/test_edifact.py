"""The EDIFACT layer: tokenizer (UNA variants, release characters, repetitions, whitespace, damaged tails),
interchange structure and multi-part assembly, a hypothesis round trip, and the docstring examples."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.edifact import Separators, assemble, serialize, split_messages, tokenize
from ingest.edifact.tokens import decode
from ingest.errors import EdifactError

MODULES = [
    "ingest.errors",
    "ingest.edifact.tokens",
    "ingest.edifact.structure",
    "ingest.edifact.dates",
    "ingest.readers.paxlst",
    "ingest.readers.paxlst_part",
    "ingest.readers.paxlst_legs",
    "ingest.readers.pnrgov_text",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _values(text: str, tag: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    return next(s.elements for s in tokenize(text).segments if s.tag == tag)


@pytest.mark.parametrize(
    ("text", "tag", "element", "expected"),
    [
        ("UNH+1'NAD+FL+++O?'LEARY:KRIS'", "NAD", 4, ("O'LEARY", "KRIS")),
        ("UNH+1'NAD+FL+++FRED? SAMPLES'", "NAD", 4, ("FRED SAMPLES",)),
        ("UNH+1'UNG+PAXLST+CBP-A?+CE-TEST:02'", "UNG", 2, ("CBP-A+CE-TEST", "02")),
        ("UNH+1'FTX+AAA+++A?:B??C'", "FTX", 4, ("A:B?C",)),
        ("UNA:*.? $UNH*1$NAD*FL***BETTON:DAVID:$", "NAD", 4, ("BETTON", "DAVID", "")),
        (" SOH QK\n STX UNA:(.) -\n UNH(1-\n LOC(125(YY)(Z-", "LOC", 2, ("YY(Z",)),
        ("UNA:+.?*'UNH+1'ATT+2++M*F'", "ATT", 3, ("M",)),
    ],
)
def test_tokenizer_values(text: str, tag: str, element: int, expected: tuple[str, ...]) -> None:
    seg = next(s for s in tokenize(text).segments if s.tag == tag)
    assert seg.element(element) == expected


def test_repetitions_una_and_syntax4_default() -> None:
    assert _values("UNA:+.?*'UNH+1'ATT+2++M*F'", "ATT")[2] == (("M",), ("F",))
    # no UNA and syntax version 4: the ISO 9735 v4 default repetition separator '*' applies
    att = _values("UNB+UNOA:4+A+B+1:1+1'UNH+1'ATT+2++M*M*M'", "ATT")[2]
    assert att == (("M",), ("M",), ("M",))
    # a space in the UNA repetition position means no repetition separator
    assert _values("UNA:+.? 'UNH+1'RFF+AVF:A*B'", "RFF")[0] == (("AVF", "A*B"),)


def test_whitespace_and_lines() -> None:
    toks = tokenize(" UNA:+.?*'\n UNB+UNOA:4+X'\r\n UNH+1'BGM+745'RFF+TN:1'\r\r\n  UNT+4+1'")
    assert [s.tag for s in toks.segments] == ["UNB", "UNH", "BGM", "RFF", "UNT"]
    assert [s.line for s in toks.segments] == [2, 3, 3, 3, 4]
    assert toks.deviations == []


def test_truncated_tail_and_preamble_reported() -> None:
    toks = tokenize("junk\nUNH+1+PAXLST'BGM+745'UNT+2+1'NAD+FL+++DO")
    assert [s.tag for s in toks.segments] == ["UNH", "BGM", "UNT"]
    assert [(d.rule, d.value) for d in toks.deviations] == [
        ("preamble-skipped", "junk"),
        ("unterminated-tail", "NAD+FL+++DO"),
    ]


def test_malformed_tag_is_cleaned() -> None:
    toks = tokenize("UNA:*.? $UNG *PAXLST$")
    assert toks.segments[0].tag == "UNG"
    assert [d.rule for d in toks.deviations] == ["malformed-tag"]


def test_no_edifact_and_bad_una() -> None:
    with pytest.raises(EdifactError):
        tokenize("\x00\x01 binary garbage")
    with pytest.raises(EdifactError):
        tokenize("UNA:::::'UNH+1'")


def test_decode_reports_bad_bytes() -> None:
    text, devs = decode(b"UNH+1'\nNAD+FL+++NOV\x87K'", "utf-8", file="x")
    assert "NOV\ufffdK" in text
    assert [(d.rule, d.line, d.value) for d in devs] == [("undecodable-byte", 2, "0x87")]


def test_structure_counts_and_truncation() -> None:
    text = (
        "UNB+UNOA:4+S+R+200101:1200+REF1'UNG+PAXLST+S+R+200101:1200+G1+UN+D:02B'"
        "UNH+M1+PAXLST:D:02B:UN:IATA'BGM+745'UNT+5+M1'"
        "UNH+M2+PAXLST:D:02B:UN:IATA'BGM+745'UNT+3+XX'UNE+3+G1'UNZ+2+REF9'"
        "UNH+M3+PAXLST:D:02B:UN:IATA'BGM+745'"
    )
    msgs, devs = split_messages(tokenize(text).segments, file="f")
    assert [(m.ref, m.complete) for m in msgs] == [("M1", True), ("M2", True), ("M3", False)]
    assert [d.rule for d in devs] == [
        "unt-count",
        "unt-reference",
        "une-count",
        "unz-count",
        "unz-reference",
        "message-truncated",
    ]
    assert devs[0].message_index == 0 and devs[0].segment_number == 3
    assert msgs[0].interchange_date == "200101" and msgs[0].charset == "UNOA"


def test_multipart_reassembly_in_order_and_missing() -> None:
    def part(n: str) -> str:
        return f"UNH+1+PAXLST:D:02B:UN:IATA+LIST1+{n}'BGM+745'UNT+3+1'"

    msgs, _ = split_messages(tokenize(part("03:F") + part("01:C") + part("02")).segments)
    logical, devs = assemble(msgs)
    assert len(logical) == 1 and [m.part for m in logical[0].parts] == [1, 2, 3] and devs == []
    msgs, _ = split_messages(tokenize(part("01:C") + part("03:F") + part("03:F")).segments)
    logical, devs = assemble(msgs)
    assert logical[0].missing_parts == (2,)
    assert sorted(d.rule for d in devs) == ["part-duplicate", "part-missing"]


# ------------------------------------------------------------------ property: escape + join + tokenize round trip

_SPECIALS = st.sampled_from(list(":+.?*'$()-|!~^#"))


@st.composite
def separators(draw: st.DrawFn) -> Separators:
    chars = draw(st.lists(_SPECIALS, min_size=5, max_size=5, unique=True))
    comp, elem, rel, rep, term = chars
    return Separators(comp, elem, ".", rel, draw(st.sampled_from([rep, None])), term)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def segment_lists(draw: st.DrawFn, seps: Separators) -> list[tuple[str, tuple[tuple[tuple[str, ...], ...], ...]]]:
    max_reps = 3 if seps.repetition else 1
    components = st.lists(_TEXT, min_size=1, max_size=3).map(tuple)
    element = st.lists(components, min_size=1, max_size=max_reps).map(tuple)
    tag = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=3)
    segment = st.tuples(tag, st.lists(element, min_size=0, max_size=5).map(tuple))
    return draw(st.lists(segment, max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_round_trip(data: st.DataObject) -> None:
    seps = data.draw(separators())
    segments = data.draw(segment_lists(seps))
    tokens = tokenize(serialize(segments, seps))
    assert tokens.separators == seps
    assert [(s.tag, s.elements) for s in tokens.segments] == [(t, e) for t, e in segments]
    assert tokens.deviations == []
