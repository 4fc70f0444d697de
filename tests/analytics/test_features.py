"""The traveller-event feature table, built from a real DuckDB store holding a tiny hand-made history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.features import FEATURES, build_features
from graph.ids import node_id
from graph.store import GraphStore, open_store

P1, P2 = node_id("Person", "p1"), node_id("Person", "p2")
DOC = node_id("Document", "XXA", "D1")
VOY = node_id("Voyage", "CX", "701", "2025-03-10")
BKG = node_id("Booking", "CX", "ABC123", "2025-03-09")
BKG2 = node_id("Booking", "CX", "ZZZ999", "2025-02-01T10:00")
VOY2 = node_id("Voyage", "CX", "701", "2026-03-05")


def load_history(st: GraphStore) -> None:
    """p1: refused in January, then crosses on CX701 booked 16 h before, cash, one way; p2: shares p1's
    document once (with a broken MRZ), and has an upcoming booking."""
    c = pd.DataFrame({
        "crossing_id": ["X1", "X2", "X3"],
        "crossing_time": ["2025-01-05T10:00:00+08:00", "2025-03-10T12:00:00+08:00", "2025-03-11T09:00:00+08:00"],
        "direction": ["IN", "IN", "IN"], "mode": ["AIR", "AIR", "AIR"], "port": ["HKG"] * 3,
        "outcome": ["REFUSED", "SECONDARY", "CLEARED"], "mrz_checks_ok": [True, True, False]})
    with st.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["p1", "p2"], "nationality": ["XXA", "XXB"]}))
        w.upsert_nodes("Document", pd.DataFrame({"issuer": ["XXA"], "number": ["D1"], "status": ["LOST"]}))
        w.upsert_nodes("Crossing", c)
        # the first voyage and booking as the ingest pipeline writes them (departure and origin on the
        # voyage, form of payment on PAID_BY); the second as the PNR reader names the fields
        w.upsert_nodes("Voyage", pd.DataFrame({"carrier": ["CX", "CX"], "number": ["701", "701"],
                                               "date": ["2025-03-10", "2026-03-05"],
                                               "dep_time": ["2025-03-10T12:00", None], "dep_port": ["BKK", None]}))
        w.upsert_nodes("Booking", pd.DataFrame({
            "carrier": ["CX", "CX"], "locator": ["ABC123", "ZZZ999"], "created": ["2025-03-09", "2025-02-01T10:00"],
            "created_at": ["2025-03-09T20:00", None], "dep_time": [None, "2026-03-05T08:00"],
            "segment_count": [1, 2], "payments": [None, '[{"type": "CC", "card": "4111XXXX"}]'],
            "push_dep_port": [None, "LHR"]}))
        w.upsert_nodes("PaymentInstrument", pd.DataFrame({"token": ["5424XXXX"]}))
        w.upsert_edges("PAID_BY", pd.DataFrame({"src": [BKG], "dst": [node_id("PaymentInstrument", "5424XXXX")],
                                                "form": ["CA"]}))
        xs = [node_id("Crossing", x) for x in ("X1", "X2", "X3")]
        w.upsert_edges("MADE", pd.DataFrame({"src": [P1, P1, P2], "dst": xs}))
        w.upsert_edges("USED", pd.DataFrame({"src": xs, "dst": [DOC] * 3}))
        w.upsert_edges("ON", pd.DataFrame({"src": [xs[1], BKG, BKG2], "dst": [VOY, VOY, VOY2]}))
        w.upsert_edges("BOOKED", pd.DataFrame({"src": [P1, P2], "dst": [BKG, BKG2]}))


@pytest.fixture
def events(tmp_path: Path) -> pd.DataFrame:
    with open_store(tmp_path / "g.duckdb") as st:
        load_history(st)
        return build_features(st).set_index("event_id")


def test_one_row_per_crossing_and_per_booking_no_crossing_accounts_for(events: pd.DataFrame) -> None:
    assert list(events["event_kind"]) == ["CROSSING", "CROSSING", "CROSSING", "BOOKING"]
    assert set(FEATURES) <= set(events.columns)


def test_a_crossing_takes_the_features_of_its_booking(events: pd.DataFrame) -> None:
    x2 = events.loc[node_id("Crossing", "X2")]
    assert (x2["payment_type"], bool(x2["one_way"]), x2["booking_lead_hours"]) == ("CASH", True, 16.0)
    assert x2["route"] == ["BKK"] and x2["nationality"] == "XXA"


def test_history_counts_only_what_came_before(events: pd.DataFrame) -> None:
    x1, x2 = events.loc[node_id("Crossing", "X1")], events.loc[node_id("Crossing", "X2")]
    assert (x1["prior_refusals"], x2["prior_refusals"], x2["prior_inspections"]) == (0, 1, 1)


def test_document_signals(events: pd.DataFrame) -> None:
    x3 = events.loc[node_id("Crossing", "X3")]
    assert bool(x3["mrz_check_failed"]) and bool(x3["doc_reported_lost"]) and x3["doc_holders"] == 2
    assert not bool(events.loc[node_id("Crossing", "X1"), "mrz_check_failed"])


def test_an_upcoming_booking_has_no_outcome(events: pd.DataFrame) -> None:
    upcoming = events[events["event_kind"] == "BOOKING"].iloc[0]
    assert upcoming["outcome"] is None and upcoming["payment_type"] == "CARD" and not bool(upcoming["one_way"])


@pytest.fixture
def history_store(tmp_path: Path) -> GraphStore:
    st = open_store(tmp_path / "h.duckdb")
    load_history(st)
    yield st
    st.close()


@pytest.mark.parametrize("persons", [[P1], [P2], [P1, P2]])
def test_the_events_of_some_persons_are_their_rows_of_the_whole_table(history_store: GraphStore,
                                                                      persons: list[str]) -> None:
    whole = build_features(history_store)
    some = build_features(history_store, persons=persons)
    mine = whole[whole["person_id"].isin(persons)].reset_index(drop=True)
    if len(persons) == 2:  # doc_holders counts holders among the persons asked for: here, everyone
        pd.testing.assert_frame_equal(some, mine)
    else:
        pd.testing.assert_frame_equal(some.drop(columns="doc_holders"), mine.drop(columns="doc_holders"))


def test_a_person_frame_given_is_used_as_read(history_store: GraphStore) -> None:
    from analytics.features_frames import node_frame

    people = node_frame(history_store, "Person").assign(nationality=["ZZZ", "ZZZ"])
    got = build_features(history_store, persons=[P1], people=people)
    assert set(got["nationality"]) == {"ZZZ"}


def test_a_person_without_events_gives_an_empty_table(history_store: GraphStore) -> None:
    got = build_features(history_store, persons=[node_id("Person", "nobody")])
    assert got.empty and list(got.columns)[:4] == ["event_id", "person_id", "event_time", "outcome"]
