"""Households: kinship read from the graph explains family links; their risk is discounted, seeds keep theirs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from analytics.config import config_from_dict
from analytics.households import household_members
from analytics.projection import project
from analytics.propagate import reasons_json, run_propagation
from graph.ids import node_id
from graph.store import GraphStore


def P(key: str) -> str:
    return node_id("Person", key)


def _booking(loc: str) -> str:
    return node_id("Booking", "XQ", loc, "2026-01-01")


PEOPLE = [  # key, surname, given names, birth date
    ("S", "ORG", "BOSS", "1970-01-01"),  # organiser of a case
    ("L", "LONE", "TRAVELLER", "1980-01-01"),  # shares the organiser's phone, travels alone
    ("F1", "TAN", "FATHER", "1980-01-01"),  # shares the organiser's phone, travels with his child
    ("F2", "TAN", "CHILD", "2018-01-01"),
    ("C1", "LIM", "ADULT ONE", "1985-01-01"),  # two adults of other surnames on one booking: not kin
    ("C2", "KOH", "ADULT TWO", "1986-01-01"),
    ("D1", "NG", "SAME", "1990-01-01"),  # one person recorded twice, on one booking: not kin
    ("D2", "NG", "SAME", "1990-01-01"),
    ("H1", "WEE", "RESIDENT", "1975-01-01"),  # lives with an unrelated minor: a shared flat, not kin
    ("H2", "YAP", "YOUNG", "2015-01-01"),
    ("K1", "SEED", "PARENT", "1975-01-01"),  # a case subject travelling with her child keeps her risk
    ("K2", "SEED", "KID", "2016-01-01"),
]


def _load(store: GraphStore) -> None:
    nodes: dict[str, list[dict[str, Any]]] = {
        "Person": [{"person_key": k, "surname": s, "given_names": g, "birth_date": b} for k, s, g, b in PEOPLE],
        "Phone": [{"number": "+10001"}],
        "Address": [{"address_key": "A-1", "line": "1 FLAT ROAD"}],
        "Booking": [{"carrier": "XQ", "locator": loc, "created": "2026-01-01"} for loc in ("BF", "BC", "BD", "BK")],
        "Case": [{"case_id": "C-1", "case_type": "SMUGGLING", "severity": "HIGH"}],
    }
    phone = node_id("Phone", "+10001")
    booked = [("F1", "BF"), ("F2", "BF"), ("C1", "BC"), ("C2", "BC"), ("D1", "BD"), ("D2", "BD"), ("K1", "BK"),
              ("K2", "BK")]
    edges: dict[str, list[dict[str, Any]]] = {
        "USES": [{"src": P(k), "dst": phone} for k in ("S", "L", "F1")],
        "BOOKED": [{"src": P(k), "dst": _booking(b)} for k, b in booked],
        "LIVES_AT": [{"src": P(k), "dst": node_id("Address", "A-1")} for k in ("H1", "H2")],
        "POSSIBLY_SAME_AS": [{"src": P("D1"), "dst": P("D2")}],
        "INVOLVED_IN": [{"src": P(k), "dst": node_id("Case", "C-1"), "role": "ORGANISER"} for k in ("S", "K1")],
    }
    for rows in edges.values():
        for n, row in enumerate(rows):
            row.update({"sources": f"households.csv:{n + 1}", "first_seen": "2025-06-01", "last_seen": "2026-01-01"})
    with store.writer() as w:
        for label, node_rows in nodes.items():
            w.upsert_nodes(label, pd.DataFrame(node_rows))
        for etype, edge_rows in edges.items():
            w.upsert_edges(etype, pd.DataFrame(edge_rows))


def test_travelling_with_a_child_or_kin_makes_a_household_and_other_groups_do_not(store: GraphStore) -> None:
    _load(store)
    proj = project(store)
    found = set(proj.ids(household_members(store, proj)))
    assert {P("F1"), P("F2"), P("K1"), P("K2")} <= found
    # adults of other surnames, one person recorded twice, a flat shared with an unrelated minor, a lone traveller
    assert not found & {P("C1"), P("C2"), P("D1"), P("D2"), P("H1"), P("H2"), P("L"), P("S")}


def test_a_household_member_falls_below_a_lone_traveller_with_the_same_link_and_says_why(store: GraphStore) -> None:
    _load(store)
    result = run_propagation(store, run_id="run-test")
    idx = dict(zip(result.proj.ids(np.arange(result.proj.n_nodes)), range(result.proj.n_nodes), strict=True))
    walked = result.walked()
    assert walked[idx[P("F1")]] > 0.5 * walked[idx[P("L")]]  # the walk alone sees the same phone link
    assert result.scores[idx[P("F1")]] < result.scores[idx[P("L")]]
    lone = json.loads(store.get(P("L")).props["risk_reasons"])
    assert "household" not in lone and lone["links"][0]["label"] == "Phone"
    people = result.persons()
    reasons = json.loads(reasons_json(result, people[people["id"] == P("F1")])[0])
    assert "kin" in reasons["household"] and reasons["links"][0]["label"] == "Phone"
    assert abs(sum(link["share"] for link in reasons["links"]) - 1.0) < 0.05  # shares of the walk's own score


def test_a_seed_in_a_household_keeps_its_risk_and_discount_one_turns_the_discount_off(store: GraphStore) -> None:
    _load(store)
    on = run_propagation(store, write=False)
    off = run_propagation(store, config_from_dict({"households": {"discount": 1.0}}), write=False)
    k1, f1 = on.proj.index([P("K1"), P("F1")])
    assert on.scores[k1] == off.scores[k1]
    assert on.scores[f1] == on.config.households.discount * off.scores[f1]
    assert np.array_equal(off.scores, off.walked())
