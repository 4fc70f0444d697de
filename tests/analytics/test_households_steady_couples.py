"""Steady couples: two people of two surnames who made two round trips together are a household even when a
stranger shared one other round trip with one of them; ring couriers with the same trips, flown on the
organiser's card, are not."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from analytics.config import HouseholdConfig
from analytics.households import household_members
from analytics.projection import project
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.voyage_fixture import Voyages

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
    booked = BOOKINGS if bookings else []
    bk = lambda loc: node_id("Booking", "XQ", loc, "2025-01-01")  # noqa: E731
    card = lambda t: node_id("PaymentInstrument", t)  # noqa: E731
    edges: dict[str, list[dict[str, Any]]] = {
        "MADE": trips.made, "ON": trips.on,
        "BOOKED": [{"src": P(k), "dst": bk(loc)} for loc, keys, _ in booked for k in keys],
        "PAID_BY": [{"src": bk(loc), "dst": card(c)} for loc, _, c in booked],
        "USES": [{"src": P(k), "dst": card(c)} for k, c in CARDS],
    }
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame([{"person_key": k, "surname": s, "given_names": g, "birth_date": b}
                                               for k, s, g, b in PEOPLE]))
        w.upsert_nodes("Crossing", pd.DataFrame(trips.crossings))
        w.upsert_nodes("Voyage", pd.DataFrame(list(trips.voyages.values())))
        w.upsert_nodes("PaymentInstrument", pd.DataFrame([{"token": c, "masked": "4111****1"} for _, c in CARDS]))
        if booked:
            w.upsert_nodes("Booking", pd.DataFrame([{"carrier": "XQ", "locator": loc, "created": "2025-01-01"}
                                                    for loc, _, _ in booked]))
        for etype, rows in edges.items():
            if not rows:
                continue
            for n, row in enumerate(rows):
                row["sources"] = f"steady.csv:{n + 1}"
                row.setdefault("first_seen", "2025-01-01")
                row.setdefault("last_seen", "2025-01-01")
            w.upsert_edges(etype, pd.DataFrame(rows))


@pytest.fixture()
def store(tmp_path: Any) -> Any:
    from graph.store import open_store

    with open_store(str(tmp_path / "steady.duckdb")) as st:
        _load(st)
        yield st


def test_spouses_with_two_round_trips_and_a_chance_companion_are_a_household(store: GraphStore) -> None:
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert {P("H"), P("N")} <= found
    assert P("S") not in found  # one round trip with a stranger explains nothing


def test_couriers_flying_twice_together_on_the_organisers_card_are_not_a_household(store: GraphStore) -> None:
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert not found & {P("K1"), P("K2"), P("K3"), P("O")}


def test_steady_couples_off_leaves_spouses_with_a_chance_companion_unexplained(store: GraphStore) -> None:
    proj = project(store)
    found = set(proj.ids(household_members(store, proj, HouseholdConfig(steady_couples=False))))
    assert not found & {P("H"), P("N")}


def test_spouses_seen_in_the_crossing_history_alone_are_not_read_as_a_steady_couple(tmp_path: Any) -> None:
    from graph.store import open_store

    with open_store(str(tmp_path / "history.duckdb")) as st:
        _load(st, bookings=False)  # the same trips, no booking: nothing tells them from couriers
        proj = project(st)
        assert not set(proj.ids(household_members(st, proj))) & {P("H"), P("N"), P("K1"), P("K2")}
