"""Couples of two surnames seen on one round trip and one booking: a household when nobody else paid for
their travel; a courier pair with the same trips, flown on someone else's card, is not."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from analytics.config import HouseholdConfig
from analytics.household_couples import outside_payers
from analytics.households import household_members
from analytics.projection import project
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.voyage_fixture import Voyages, opened_store, write_travel

PEOPLE = [  # key, surname, given names, birth date
    ("W", "WANG", "MING MING", "1959-04-02"),  # a couple of two surnames, paying their own booking
    ("L", "LIU", "CHUN CHIA", "1960-11-30"),
    ("C1", "HO", "COURIER", "1990-01-01"),  # couriers: one round trip and one booking, paid by the organiser
    ("C2", "TAM", "COURIER", "1991-01-01"),
    ("D1", "FUNG", "COURIER", "1992-01-01"),  # couriers again, one booked under a record possibly the same as D2
    ("D2", "KWOK", "COURIER", "1993-01-01"),
    ("D2X", "KWOK", "COURIER", None),
    ("O", "LAM", "ORGANISER", "1970-01-01"),
    ("E1", "WONG", "ADULT ONE", "1980-01-01"),  # one round trip together, no booking, never side by side
    ("E2", "CHEUNG", "ADULT TWO", "1981-01-01"),
]
TRIPS = [("W", "L"), ("C1", "C2"), ("D1", "D2"), ("E1", "E2")]  # one round trip each pair
BOOKINGS = [("BK-W", ("W", "L"), "CARD-W"), ("BK-C", ("C1", "C2"), "CARD-O"), ("BK-D", ("D1", "D2X"), "CARD-O")]
CARDS = [("W", "CARD-W"), ("O", "CARD-O")]


def P(key: str) -> str:
    return node_id("Person", key)


def _load(store: GraphStore) -> None:
    trips = Voyages()
    for n, people in enumerate(TRIPS):
        for leg in range(2):
            when = (pd.Timestamp("2026-02-01") - pd.Timedelta(days=100 - 10 * n - 5 * leg)).strftime("%Y-%m-%d")
            trips.add(f"XQ{n}{leg}", when, people, P)
    write_travel(store, PEOPLE, trips, BOOKINGS, CARDS, day="2026-01-20", source="couples.csv", extra={
        "CO_TRAVELLED": [{"src": P(a), "dst": P(b)} for a, b in (("W", "L"), ("C1", "C2"), ("D1", "D2"))],
        "POSSIBLY_SAME_AS": [{"src": P("D2"), "dst": P("D2X")}],
    })


@pytest.fixture()
def store(tmp_path: Any) -> Any:
    yield from opened_store(tmp_path, "couples.duckdb", _load)


def test_a_couple_on_one_round_trip_and_one_booking_they_paid_themselves_is_a_household(store: GraphStore) -> None:
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert {P("W"), P("L")} <= found
    # flown on the organiser's card (also through a record possibly the same as one of them); never linked
    assert not found & {P("C1"), P("C2"), P("D1"), P("D2"), P("E1"), P("E2"), P("O")}


def test_booked_couples_off_leaves_a_couple_of_one_round_trip_unexplained(store: GraphStore) -> None:
    proj = project(store)
    found = set(proj.ids(household_members(store, proj, HouseholdConfig(booked_couples=False))))
    assert not found & {P("W"), P("L")}


def test_outside_payers_name_who_paid_for_someone_else_also_through_their_other_records(store: GraphStore) -> None:
    proj = project(store)
    p, payer = outside_payers(proj)
    pairs = {(a, b) for a, b in zip(proj.ids(p), proj.ids(payer), strict=True)}
    assert pairs == {(P(k), P("O")) for k in ("C1", "C2", "D1", "D2", "D2X")} | {(P("L"), P("W"))}
