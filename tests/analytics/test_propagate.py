"""Propagation ranks by specific links, writes a score with reasons on every scored person."""

from __future__ import annotations

import json

from analytics.config import config_from_dict
from analytics.propagate import run_propagation
from graph.store import GraphStore
from tests.analytics.risk_fixture import GUESTS, P, load_risk_graph


def test_a_specific_shared_phone_carries_more_risk_than_a_hotel_phone_shared_by_hundreds(store: GraphStore) -> None:
    load_risk_graph(store)
    result = run_propagation(store, run_id="run-test")
    people = result.persons().set_index("id")["risk_score"]
    assert people[P("A")] > 100 * people.get(P("B"), 0.0)
    assert people[P("P-SEED")] == 1.0  # the organiser is the riskiest person
    # B is as risky as any other guest of the hotel: the hotel phone singles nobody out
    assert abs(people.get(P("B"), 0.0) - people.get(P(f"G{GUESTS - 1}"), 0.0)) < 1e-9


def test_the_walk_converges_and_scores_sum_to_one(store: GraphStore) -> None:
    load_risk_graph(store)
    result = run_propagation(store, write=False)
    assert result.delta < result.config.propagation.tolerance
    assert abs(result.scores.sum() - 1.0) < 1e-9


def test_every_written_score_carries_reasons_and_the_run(store: GraphStore) -> None:
    load_risk_graph(store)
    result = run_propagation(store, run_id="run-test")
    written = result.persons(min_score=result.config.propagation.write_min_score)
    assert len(written) >= 5
    for pid in written["id"]:
        node = store.get(pid)
        reasons = json.loads(node.props["risk_reasons"])
        assert node.props["risk_run"] == "run-test"
        assert reasons["seed"] or reasons["links"], pid
        assert abs(reasons["score"] - node.props["risk_score"]) < 1e-6
    seed = json.loads(store.get(P("P-SEED")).props["risk_reasons"])
    assert "organiser in case C-17" in seed["seed"][0]
    a = json.loads(store.get(P("A")).props["risk_reasons"])
    assert a["links"][0]["label"] == "Phone" and a["links"][0]["share"] > 0.5


def test_a_higher_restart_keeps_risk_closer_to_the_seeds(store: GraphStore) -> None:
    load_risk_graph(store)
    low = run_propagation(store, config_from_dict({"propagation": {"restart": 0.1}}), write=False)
    high = run_propagation(store, config_from_dict({"propagation": {"restart": 0.6}}), write=False)
    a = low.proj.index([P("A")])[0]
    assert high.scores[a] < low.scores[a]
