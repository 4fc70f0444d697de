"""Identifier specificity is learned from the graph: shared by hundreds weighs little, by two weighs 1."""

from __future__ import annotations

import numpy as np

from analytics.projection import project
from analytics.specificity import idf, specificity
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.risk_fixture import P, load_risk_graph


def test_a_hotel_phone_is_far_less_specific_than_a_phone_of_two(store: GraphStore) -> None:
    load_risk_graph(store)
    proj = project(store)
    spec = specificity(proj)
    hotel, own = proj.index([node_id("Phone", "+19999"), node_id("Phone", "+10001")])
    assert spec[own] == 1.0
    assert spec[hotel] < 0.05
    assert spec[proj.index([P("A")])[0]] == 1.0  # people are exempt


def test_specificity_falls_with_the_number_of_links() -> None:
    values = idf(np.array([2, 5, 50, 500, 5000]), people=10_000)
    assert list(values) == sorted(values, reverse=True)
    assert values[0] == 1.0 and values[-1] < 0.01
