"""Ids are stable functions of natural keys: pinned values, and the bulk (SQL) and scalar forms agree."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from graph.errors import InvalidIdError
from graph.ids import edge_id, edge_number, format_id, hash63, node_id, node_ids, parse_id, splitmix64
from graph.store import Edge, GraphStore


def test_pinned_ids_never_change() -> None:
    # If these change, every stored graph and every exported packet changes its ids: do not.
    assert node_id("Document", "CHN", "E12345678") == "Document:2123867e2a162a6c"
    assert node_id("Port", "LHR") == format_id("Port", hash63("Port\x1fLHR"))
    assert edge_id("HOLDS", node_id("Person", "p1"), node_id("Document", "CHN", "E1")) == "HOLDS:4444e36fcce3b4f5"
    assert splitmix64(0) == 0xE220A8397B1DCDAF


def test_the_same_key_gives_the_same_id_and_another_key_another() -> None:
    assert node_id("Person", "P-1") == node_id("Person", "P-1")
    assert node_id("Person", "P-1") != node_id("Person", "P-2")
    assert node_id("Person", "P-1") != node_id("Phone", "P-1")
    assert node_id("Document", "AB", "C") != node_id("Document", "A", "BC")


def test_ids_parse_back_into_label_and_number() -> None:
    label, number = parse_id(node_id("Case", "C-17"))
    assert label == "Case" and 0 <= number < 2**63
    assert format_id(label, number) == node_id("Case", "C-17")


@pytest.mark.parametrize("bad", ["", "Person", "Person:123", "Person:0123456789abcdeg", ":0123456789abcdef", 42])
def test_what_is_not_an_id_is_refused(bad: object) -> None:
    with pytest.raises(InvalidIdError):
        parse_id(bad)  # type: ignore[arg-type]


def test_key_values_may_be_text_integers_or_dates_but_not_times() -> None:
    assert node_id("Booking", "XQ", "ZX81QK", date(2025, 11, 1)) == node_id("Booking", "XQ", "ZX81QK", "2025-11-01")
    assert node_id("Case", 17) == node_id("Case", "17")
    with pytest.raises(InvalidIdError):
        node_id("Case", datetime(2025, 1, 1, 12))


def test_bulk_node_ids_agree_with_the_scalar_function() -> None:
    keys = ["A", "b", "ÄÖ", "张伟", "O'Brien", "x" * 500]
    assert node_ids("Person", keys).to_pylist() == [node_id("Person", k) for k in keys]
    issuers, numbers = ["CHN", "GBR"], ["E1", "0012"]
    assert node_ids("Document", issuers, numbers).to_pylist() == [
        node_id("Document", i, n) for i, n in zip(issuers, numbers, strict=True)
    ]


def test_the_store_computes_the_same_edge_ids_as_the_scalar_function(store: GraphStore) -> None:
    people = [f"P{i}" for i in range(50)]
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": people}))
        w.upsert_nodes("Case", pd.DataFrame({"case_id": ["C-1"]}))
        w.upsert_edges(
            "INVOLVED_IN",
            pd.DataFrame(
                {"src": [node_id("Person", p) for p in people], "dst": node_id("Case", "C-1"), "role": "SUSPECT"}
            ),
        )
    for p in people:
        expected = edge_id("INVOLVED_IN", node_id("Person", p), node_id("Case", "C-1"), "SUSPECT")
        found = store.get(expected)
        assert isinstance(found, Edge) and found.src == node_id("Person", p)


def test_edge_numbers_depend_on_type_ends_and_key() -> None:
    base = edge_number("USES", 1, 2)
    assert len({base, edge_number("USES", 2, 1), edge_number("HOLDS", 1, 2), edge_number("USES", 1, 2, "k")}) == 4
