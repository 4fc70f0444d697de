"""Groups seen in the crossing history: a family crossing a land checkpoint together (no voyage, one
minute) and a tour group (one round trip made by a crowd); strangers who happen to share one of the legs
are neither."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.config import HouseholdConfig
from analytics.households import household_members, household_scale
from analytics.projection import project
from graph.ids import node_id
from graph.store import GraphStore


def P(key: str) -> str:
    return node_id("Person", key)


TOUR = [f"T{n}" for n in range(12)]  # twelve visitors of as many surnames, out and back together
PEOPLE: list[tuple[str, str, str, str | None]] = [  # key, surname, given names, birth date
    ("L1", "KWAN", "FATHER", "1980-01-01"),  # a father and his child: by bus, out and back, no voyage
    ("L2", "KWAN", "CHILD", "2016-01-01"),
    ("S1", "POON", "STRANGER", "1970-01-01"),  # crosses in L1's minute on the way out, alone on the way back
    ("S2", "SIU", "CHILD", "2014-01-01"),  # a child who crossed in L1's minute once, on another day back
    *[(k, f"SURNAME{n}", "VISITOR", f"19{60 + n}-01-01") for n, k in enumerate(TOUR)],
    ("A1", "HO", "ONE", "1980-01-01"),  # three adults out and back together: too few for a tour
    ("A2", "MAN", "TWO", "1981-01-01"),
    ("A3", "YIP", "THREE", "1982-01-01"),
    ("N0", "SMITH", "ANDREW", None),  # a name alone on a trip with a child, possibly either of two namesakes
    ("C1", "SMITH", "CHILD", "2018-01-01"),
    ("R1", "SMITH", "ANDREW", "1968-02-01"),
    ("R2", "SMITH", "ANDREW", "1975-06-01"),
]

LEGS = [  # people, time, voyage (None: by land, no voyage)
    (("L1", "L2", "S1", "S2"), "2026-01-10T09:15:{:02d}", None),
    (("L1", "L2"), "2026-01-14T18:02:{:02d}", None),
    (("S1",), "2026-01-14T18:40:{:02d}", None),
    (("S2",), "2026-01-15T11:07:{:02d}", None),
    (tuple(TOUR), "2026-01-05T10:00:{:02d}", "XQ801"),
    (tuple(TOUR), "2026-01-09T20:00:{:02d}", "XQ802"),
    (("A1", "A2", "A3"), "2026-01-06T10:00:{:02d}", "XQ901"),
    (("A1", "A2", "A3"), "2026-01-10T20:00:{:02d}", "XQ902"),
    (("N0", "C1"), "2026-01-11T10:00:{:02d}", "XQ971"),
    (("N0", "C1"), "2026-01-13T20:00:{:02d}", "XQ972"),
]


def _load(store: GraphStore) -> None:
    crossings, voyages, made, on = [], {}, [], []
    for people, when, number in LEGS:
        for n, key in enumerate(people):
            at = when.format(3 * n + 2)
            cid = f"X-{key}-{at}"
            crossings.append({"crossing_id": cid, "crossing_time": at, "mode": "AIR" if number else "LAND"})
            made.append({"src": P(key), "dst": node_id("Crossing", cid), "first_seen": at, "last_seen": at})
            if number:
                day = at[:10]
                voyages[number] = {"carrier": "XQ", "number": number, "date": day, "mode": "AIR"}
                on.append({"src": node_id("Crossing", cid), "dst": node_id("Voyage", "XQ", number, day),
                           "first_seen": at, "last_seen": at})
    same = [{"src": P("N0"), "dst": P(k), "first_seen": "2026-01-01", "last_seen": "2026-01-01"} for k in ("R1", "R2")]
    edges: dict[str, list[dict[str, Any]]] = {"MADE": made, "ON": on, "POSSIBLY_SAME_AS": same}
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame([{"person_key": k, "surname": s, "given_names": g, "birth_date": b}
                                               for k, s, g, b in PEOPLE]))
        w.upsert_nodes("Crossing", pd.DataFrame(crossings))
        w.upsert_nodes("Voyage", pd.DataFrame(list(voyages.values())))
        for etype, rows in edges.items():
            for n, row in enumerate(rows):
                row["sources"] = f"legs.csv:{n + 1}"
            w.upsert_edges(etype, pd.DataFrame(rows))


def test_a_family_crossing_a_land_checkpoint_together_is_a_household(store: GraphStore) -> None:
    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert {P("L1"), P("L2")} <= found
    assert not found & {P("S1"), P("S2")}  # one minute shared by chance, the way back alone


def test_a_round_trip_made_by_a_crowd_is_a_tour_group_and_three_adults_are_not(store: GraphStore) -> None:
    _load(store)
    proj = project(store)
    scale = household_scale(store, proj, HouseholdConfig(discount=0.5))
    by_id = dict(zip(proj.ids(range(proj.n_nodes)), scale.tolist(), strict=True))
    assert all(by_id[P(k)] == 0.5 for k in TOUR)
    assert all(by_id[P(k)] == 1.0 for k in ("A1", "A2", "A3", "S1"))
    off = household_scale(store, proj, HouseholdConfig(discount=0.5, tour_min=0))
    assert all(off[proj.index([P(k)])[0]] == 1.0 for k in TOUR)


def test_a_name_alone_possibly_the_same_as_several_people_passes_the_household_to_none(store: GraphStore) -> None:
    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert {P("N0"), P("C1")} <= found
    assert not found & {P("R1"), P("R2")}
