"""Households seen in the crossing history alone: people who made the same flight out and the same flight back
(a family's past trips have no booking in the store), a co-traveller at one's own address, and the same person
recorded twice."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from analytics.households import household_members, round_trips
from analytics.projection import project
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.voyage_fixture import Voyages


def P(key: str) -> str:
    return node_id("Person", key)


def test_the_same_two_voyages_one_after_the_other_pair_people_and_one_shared_flight_does_not() -> None:
    person = np.array([1, 1, 2, 2, 3, 3, 4, 4])
    voyage = np.array([10, 11, 10, 11, 10, 12, 20, 21])  # 3 shares only the outbound flight with 1 and 2
    pairs = round_trips(person, voyage, max_group=6)
    assert pairs[["a", "b"]].values.tolist() == [[1, 2], [2, 1]]
    assert pairs["trips"].tolist() == [1, 1]


def test_a_round_trip_made_by_more_than_max_group_people_pairs_nobody() -> None:
    person = np.repeat(np.arange(8), 2)
    voyage = np.tile([10, 11], 8)  # a tour group of 8 out and back together
    assert round_trips(person, voyage, max_group=6).empty
    assert len(round_trips(person, voyage, max_group=8)) == 8 * 7


PEOPLE = [  # key, surname, given names, birth date
    ("M1", "LAU", "MOTHER", "1970-01-01"),  # a mother and her grown son of another surname: two trips, no one else
    ("M2", "CHEUNG", "SON", "1995-01-01"),
    ("R1", "HO", "COURIER", "1990-01-01"),  # couriers: two trips together, then one with another courier
    ("R2", "TAM", "COURIER", "1991-01-01"),
    ("R3", "FUNG", "COURIER", "1992-01-01"),
    ("S1", "NAKAMURA", "FATHER", "1960-01-01"),  # two adults of one surname, one trip together
    ("S2", "NAKAMURA", "SON", "1990-01-01"),
    ("P1", "YEUNG", "PARENT", "1980-01-01"),  # a parent and a child of another surname, one trip together
    ("P2", "TSANG", "CHILD", "2015-01-01"),
    ("X1", "LEE", "STRANGER", "1985-01-01"),  # on P1's flight out only
    ("A1", "WONG", "ADULT ONE", "1980-01-01"),  # two adults of other surnames, one trip together: not kin
    ("A2", "HO", "ADULT TWO", "1981-01-01"),
    ("H1", "KO", "HUSBAND", "1960-01-01"),  # one trip together, and one flat
    ("H2", "CHENG", "WIFE", "1962-01-01"),
    ("T1", "YEUNG", "CHILD", "2015-01-01"),  # P2 recorded again under another surname
    ("T2", "TSENG", "CHILD", "2015-01-00"),  # P2's passport read in pinyin without the birth day
    ("T3", "CHAN", "OTHER", "1990-05-05"),  # holds P1's passport, born another year: not P1 recorded twice
]

TRIPS = [  # people, outbound voyage, return voyage, days before today
    (("M1", "M2"), "XQ101", "XQ102", 300),
    (("M1", "M2"), "XQ201", "XQ202", 100),
    (("P1", "P2"), "XQ301", "XQ302", 200),
    (("X1",), "XQ301", "XQ999", 200),
    (("A1", "A2"), "XQ401", "XQ402", 150),
    (("H1", "H2"), "XQ501", "XQ502", 120),
    (("S1", "S2"), "XQ601", "XQ602", 90),
    (("R1", "R2"), "XQ701", "XQ702", 80),
    (("R1", "R2"), "XQ703", "XQ704", 60),
    (("R1", "R3"), "XQ705", "XQ706", 40),
]


def _load(store: GraphStore) -> None:
    trips = Voyages()
    for people, out, back, days in TRIPS:
        for leg, number in enumerate((out, back)):
            when = (pd.Timestamp("2026-02-01") - pd.Timedelta(days=days - 5 * leg)).strftime("%Y-%m-%d")
            trips.add(number, when, people, P)
    flat = node_id("Address", "A-1")
    edges: dict[str, list[dict[str, Any]]] = {
        "MADE": trips.made, "ON": trips.on,
        "LIVES_AT": [{"src": P(k), "dst": flat, "first_seen": "2025-01-01", "last_seen": "2026-01-01"}
                     for k in ("H1", "H2")],
        "POSSIBLY_SAME_AS": [{"src": P("P2"), "dst": P("T1"), "first_seen": "2025-01-01",
                              "last_seen": "2026-01-01"}],
        "HOLDS": [{"src": P(k), "dst": node_id("Document", "HKG", doc), "first_seen": "2025-01-01",
                   "last_seen": "2026-01-01"} for k, doc in (("P2", "K1"), ("T2", "K1"), ("P1", "K2"), ("T3", "K2"))],
    }
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame([{"person_key": k, "surname": s, "given_names": g, "birth_date": b}
                                               for k, s, g, b in PEOPLE]))
        w.upsert_nodes("Crossing", pd.DataFrame(trips.crossings))
        w.upsert_nodes("Voyage", pd.DataFrame(list(trips.voyages.values())))
        w.upsert_nodes("Address", pd.DataFrame([{"address_key": "A-1", "line": "1 FLAT ROAD"}]))
        w.upsert_nodes("Document", pd.DataFrame([{"issuer": "HKG", "number": n} for n in ("K1", "K2")]))
        for etype, rows in edges.items():
            for n, row in enumerate(rows):
                row["sources"] = f"trips.csv:{n + 1}"
            w.upsert_edges(etype, pd.DataFrame(rows))


def test_households_are_found_in_the_crossing_history_without_bookings(store: GraphStore) -> None:
    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    # a child on one round trip; a couple's two trips; one round trip and one flat; the child's other records
    assert {P("P1"), P("P2"), P("M1"), P("M2"), P("H1"), P("H2"), P("T1"), P("T2")} <= found
    # one shared flight; one trip of adults of other surnames; couriers who change partners; a surname that
    # is common here (2 of 17 people: strangers of it meet by chance)
    assert not found & {P("X1"), P("A1"), P("A2"), P("R1"), P("R2"), P("R3"), P("S1"), P("S2"), P("T3")}


def test_a_rare_shared_surname_on_one_round_trip_makes_a_household(store: GraphStore) -> None:
    from analytics.config import HouseholdConfig

    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj, HouseholdConfig(chance=0.2))))
    assert {P("S1"), P("S2")} <= found
    assert not found & {P("A1"), P("A2")}


def test_companion_trips_sets_how_many_shared_pairs_of_voyages_make_a_couple(store: GraphStore) -> None:
    from analytics.config import HouseholdConfig

    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj, HouseholdConfig(companion_trips=4))))  # two trips share 3
    assert not found & {P("M1"), P("M2")}


@pytest.mark.parametrize(("verdict", "passes"), [("variant", True), ("weak", False)])
def test_a_record_possibly_the_same_passes_the_household_on_only_when_the_names_agree(
    store: GraphStore, verdict: str, passes: bool
) -> None:
    """One given name and a birth date in common (GARCIA GRACE and REYES GRACE, name ``weak``) is two people;
    a spelling of the same name (``variant``) is one person recorded twice."""
    _load(store)
    with store.writer() as w:
        w.upsert_edges("POSSIBLY_SAME_AS", pd.DataFrame([{
            "src": P("P2"), "dst": P("T1"), "sources": "trips.csv:1",
            "reasons": f"name={verdict}; birth_date=same; sex=same; nationality=same; document=different"}]))
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert P("P2") in found and (P("T1") in found) == passes
