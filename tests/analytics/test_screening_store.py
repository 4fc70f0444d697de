"""Screening through a real DuckDB store: hits become LISTED_AS edges, reviewers' verdicts are respected."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analytics.screening_store import screen_store
from graph.ids import edge_id, node_id
from graph.store import GraphStore, open_store


def _load(st: GraphStore, birth_date: str = "1971-02-03") -> None:
    with st.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({
            "person_key": ["p1", "p2"], "surname": ["IVANOV", "PETROV"], "given_names": ["YURIY", "OLEG"],
            "birth_date": [birth_date, "1980-01-01"], "nationality": ["RUS", "RUS"]}))
        w.upsert_nodes("Document", pd.DataFrame({"issuer": ["RUS"], "number": ["751234567"]}))
        w.upsert_edges("HOLDS", pd.DataFrame({"src": [node_id("Person", "p2")],
                                              "dst": [node_id("Document", "RUS", "751234567")]}))
        w.upsert_nodes("WatchlistEntry", pd.DataFrame({
            "list": ["NATIONAL", "NATIONAL"], "entry_id": ["W1", "W2"], "surname": ["IVANOV", "PETROFF"],
            "given_names": ["IURII", "ALEG"], "birth_date": ["1971-02-00", None], "nationality": ["RUS", None],
            "doc_number": [None, "751234567"]}))


HIT1 = edge_id("LISTED_AS", node_id("Person", "p1"), node_id("WatchlistEntry", "NATIONAL", "W1"))
HIT2 = edge_id("LISTED_AS", node_id("Person", "p2"), node_id("WatchlistEntry", "NATIONAL", "W2"))


@pytest.fixture
def st(tmp_path: Path):
    with open_store(tmp_path / "g.duckdb") as store:
        _load(store)
        yield store


def _dismiss(st: GraphStore, eid: str) -> None:
    edge = st.get(eid)
    with st.writer() as w:
        w.upsert_edges("LISTED_AS", pd.DataFrame({"src": [edge.src], "dst": [edge.dst],
                                                  "review_status": ["DISMISSED"]}))


def test_hits_are_written_as_listed_as_edges_with_score_reasons_and_open_status(st: GraphStore) -> None:
    report = screen_store(st)
    assert (report.people, report.entries, report.hits) == (2, 2, 2)
    edge = st.get(HIT1)
    assert edge is not None and edge.props["review_status"] == "OPEN"
    assert edge.props["score"] >= edge.props["threshold"] and edge.method == "screening-v1"
    assert json.loads(edge.props["reasons"])[0]["field"] == "name"


def test_a_held_document_number_is_evidence(st: GraphStore) -> None:
    screen_store(st)
    reasons = json.loads(st.get(HIT2).props["reasons"])
    assert {"field": "doc_number", "verdict": "same"}.items() <= reasons[-1].items()


def test_a_dismissed_hit_stays_dismissed_on_rescreen(st: GraphStore) -> None:
    screen_store(st)
    _dismiss(st, HIT1)
    report = screen_store(st)
    assert st.get(HIT1).props["review_status"] == "DISMISSED"
    assert st.get(HIT2).props["review_status"] == "OPEN"
    assert (report.kept, report.reopened) == (1, 0)


def test_a_dismissed_hit_reopens_when_its_evidence_changes(st: GraphStore) -> None:
    screen_store(st)
    _dismiss(st, HIT1)
    with st.writer() as w:  # new intelligence: the person's full birth date now differs in month, same year
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["p1"], "birth_date": ["1971-02-04"]}))
    report = screen_store(st)
    assert st.get(HIT1).props["review_status"] == "OPEN"
    assert report.reopened == 1


def test_rescreening_an_unchanged_store_changes_nothing(st: GraphStore) -> None:
    screen_store(st)
    before = {e: st.get(e).props for e in (HIT1, HIT2)}
    screen_store(st)
    assert {e: st.get(e).props for e in (HIT1, HIT2)} == before


def test_screening_a_part_shares_a_hit_with_namesakes_outside_it(tmp_path: Path) -> None:
    with open_store(tmp_path / "n.duckdb") as st:
        with st.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({
                "person_key": ["a", "b", "c"], "surname": ["WANG", "WANG", "LI"],
                "given_names": ["WEILEI", "WEILEI", "NA"], "native_name": ["王伟磊", "王伟磊", None],
                "birth_date": ["1962-06-25", "1962-02-06", "1980-01-01"], "nationality": ["CHN", "CHN", "CHN"]}))
            w.upsert_nodes("WatchlistEntry", pd.DataFrame({
                "list": ["NATIONAL"], "entry_id": ["W9"], "surname": ["WANG"], "given_names": ["WEILEI"],
                "native_name": ["王伟磊"], "birth_date": ["1962-00-00"], "nationality": ["CHN"]}))
        whole = screen_store(st)
        part = screen_store(st, persons=[node_id("Person", "a")])
        assert whole.hits == 0 and part.hits == 0  # one of two namesakes travelling is still one of two
