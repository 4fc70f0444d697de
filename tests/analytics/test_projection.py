"""The projection maps the store's edge list to indexes and weights links by type and age."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.config import config_from_dict
from analytics.projection import project
from graph.errors import InvalidValueError
from graph.ids import node_id
from graph.store import GraphStore


def _two_links(store: GraphStore) -> None:
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["a", "b"]}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
        w.upsert_edges(
            "USES",
            pd.DataFrame(
                {
                    "src": [node_id("Person", "a"), node_id("Person", "b")],
                    "dst": [node_id("Phone", "+1")] * 2,
                    "last_seen": ["2026-01-01", "2024-01-01"],
                }
            ),
        )


def test_an_older_link_weighs_less_by_the_half_life(store: GraphStore) -> None:
    _two_links(store)
    proj = project(store, config_from_dict({"decay": {"half_life_days": 731}}))
    w = dict(zip(proj.ids(proj.src), proj.weight, strict=True))
    assert w[node_id("Person", "a")] == pytest.approx(1.0)
    assert w[node_id("Person", "b")] == pytest.approx(0.5, abs=1e-3)  # 731 days older


def test_edge_type_weights_and_zero_weight_types_left_out(store: GraphStore) -> None:
    _two_links(store)
    assert project(store, config_from_dict({"edge_weights": {"USES": 0.0}})).n_edges == 0
    proj = project(store, config_from_dict({"edge_weights": {"USES": 0.5}, "decay": {"half_life_days": 1e6}}))
    assert np.allclose(proj.weight, 0.5, atol=1e-3)


def test_the_matrix_is_symmetric_and_unknown_ids_are_named(store: GraphStore) -> None:
    _two_links(store)
    proj = project(store)
    m = proj.matrix()
    assert (m != m.T).nnz == 0 and m.shape == (3, 3)
    with pytest.raises(InvalidValueError) as info:
        proj.index([node_id("Person", "nobody")])
    assert info.value.value == node_id("Person", "nobody")


def test_a_link_without_a_date_keeps_its_full_weight_and_one_after_as_of_does_not_grow(store: GraphStore) -> None:
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["a", "b", "c"]}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
        w.upsert_edges(
            "USES",
            pd.DataFrame(
                {
                    "src": [node_id("Person", k) for k in "abc"],
                    "dst": [node_id("Phone", "+1")] * 3,
                    "last_seen": ["2025-01-01", None, "2026-06-01"],
                }
            ),
        )
    proj = project(store, config_from_dict({"decay": {"half_life_days": 365, "as_of": "2026-01-01"}}))
    people = proj.ids(proj.src)
    age = dict(zip(people, proj.age_days, strict=True))
    w = dict(zip(people, proj.weight, strict=True))
    assert age[node_id("Person", "a")] == 365.0 and w[node_id("Person", "a")] == pytest.approx(0.5)
    assert np.isnan(age[node_id("Person", "b")]) and w[node_id("Person", "b")] == 1.0
    assert age[node_id("Person", "c")] == 0.0 and w[node_id("Person", "c")] == 1.0
