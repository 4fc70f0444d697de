"""Steady couples: two people of two surnames who made two round trips together are a household even when a
stranger shared one other round trip with one of them; ring couriers with the same trips, flown on the
organiser's card, are not."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from analytics.config import HouseholdConfig
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.voyage_fixture import Voyages, household_ids, opened_store, write_travel

PEOPLE = [  # key, surname, given names, birth date
    ("H", "HU", "WEIWEN", "1971-09-09"),  # spouses of two surnames: two round trips together
    ("N", "LIN", "WEILEI", "1972-07-23"),
    ("S", "STRANGER", "ONE", "1985-03-03"),  # shared one round trip of H's by chance
    ("K1", "HO", "COURIER", "1990-01-01"),  # couriers: K1 twice with K2, once with K3, on the organiser's card
    ("K2", "TAM", "COURIER", "1991-01-01"),
    ("K3", "FUNG", "COURIER", "1992-01-01"),
    ("O", "LAM", "ORGANISER", "1970-01-01"),
]
#: flights in the order flown, each with who took it (a round trip is two flights one after the other)
FLIGHTS = [("F0", "HN"), ("F1", "HN"), ("F2", "HN"), ("F3", "HN"), ("F4", "HS"), ("F5", "HS"),
           ("G0", ("K1", "K2")), ("G1", ("K1", "K2")), ("G2", ("K1", "K2")), ("G3", ("K1", "K2")),
           ("G4", ("K1", "K3")), ("G5", ("K1", "K3"))]  # fmt: skip
BOOKINGS = [("BK-H", ("H",), "CARD-H"), ("BK-K2", ("K1", "K2"), "CARD-O"), ("BK-K3", ("K1", "K3"), "CARD-O")]
CARDS = [("H", "CARD-H"), ("O", "CARD-O")]


def P(key: str) -> str:
    return node_id("Person", key)


def _load(store: GraphStore, bookings: bool = True) -> None:
    trips = Voyages()
    for n, (number, people) in enumerate(FLIGHTS):
        when = (pd.Timestamp("2025-01-01") + pd.Timedelta(days=12 * (n % 6) + 90 * (n // 6))).strftime("%Y-%m-%d")
        trips.add(number, when, list(people), P)
    write_travel(store, PEOPLE, trips, BOOKINGS if bookings else [], CARDS, day="2025-01-01", source="steady.csv")


@pytest.fixture()
def store(tmp_path: Any) -> Any:
    yield from opened_store(tmp_path, "steady.duckdb", _load)


def test_spouses_with_two_round_trips_and_a_chance_companion_are_a_household(store: GraphStore) -> None:
    found = household_ids(store)
    assert {P("H"), P("N")} <= found
    assert P("S") not in found  # one round trip with a stranger explains nothing


def test_couriers_flying_twice_together_on_the_organisers_card_are_not_a_household(store: GraphStore) -> None:
    found = household_ids(store)
    assert not found & {P("K1"), P("K2"), P("K3"), P("O")}


def test_steady_couples_off_leaves_spouses_with_a_chance_companion_unexplained(store: GraphStore) -> None:
    found = household_ids(store, HouseholdConfig(steady_couples=False))
    assert not found & {P("H"), P("N")}


def test_spouses_seen_in_the_crossing_history_alone_are_not_read_as_a_steady_couple(tmp_path: Any) -> None:
    from graph.store import open_store

    with open_store(str(tmp_path / "history.duckdb")) as st:
        _load(st, bookings=False)  # the same trips, no booking: nothing tells them from couriers
        assert not household_ids(st) & {P("H"), P("N"), P("K1"), P("K2")}
