"""Seeds are found in the graph, each with its reason and the edges behind it."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.config import RunConfig, config_from_dict
from analytics.projection import project
from analytics.seeds import find_seeds, severity_weight
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.risk_fixture import RING, P, load_risk_graph


def _seeds(store: GraphStore, config: RunConfig | None = None) -> pd.DataFrame:
    load_risk_graph(store)
    return find_seeds(store, project(store, config), config).set_index("id")


def test_each_kind_of_seed_is_found_with_its_reason(store: GraphStore) -> None:
    seeds = _seeds(store)
    assert seeds.loc[P("P-SEED"), "kind"] == "case_subject"
    assert seeds.loc[P("W"), "kind"] == "watchlist"
    assert seeds.loc[P("W"), "weight"] == pytest.approx(0.9)
    assert seeds.loc[node_id("Document", "CHN", "D-1"), "kind"] == "document_conflict"
    assert seeds.loc[node_id("Phone", "+10001"), "kind"] == "flagged_identifier"
    assert seeds.loc[node_id("PaymentInstrument", "CARD-1"), "kind"] == "flagged_identifier"
    assert seeds.loc[node_id("PaymentInstrument", "CARD-R"), "kind"] == "payer_for_many"  # 3 bookings, 4 people
    assert all(isinstance(r, str) and len(r) > 20 for r in seeds["reason"])
    assert all(len(e) >= 1 for e in seeds["edges"])
    assert "C-17" in seeds.loc[P("P-SEED"), "reason"] and "organiser" in seeds.loc[P("P-SEED"), "reason"]


def test_a_hotel_phone_a_suspect_gave_is_no_flagged_identifier(store: GraphStore) -> None:
    seeds = _seeds(store)
    assert node_id("Phone", "+19999") not in seeds.index


def test_seed_weights_come_from_the_run_configuration(store: GraphStore) -> None:
    seeds = _seeds(store, config_from_dict({"case_roles": {"ORGANISER": 0.25}, "seeds": {"watchlist": 0.5}}))
    assert seeds.loc[P("P-SEED"), "weight"] == pytest.approx(0.25)
    assert seeds.loc[P("W"), "weight"] == pytest.approx(0.45)


def test_every_seed_edge_resolves_to_a_stored_edge_with_its_source(store: GraphStore) -> None:
    seeds = _seeds(store)
    for edges in seeds["edges"]:
        for eid in edges:
            edge = store.get(eid)
            assert edge is not None and edge.sources, eid


@pytest.mark.parametrize(("value", "weight"), [("HIGH", 1.0), ("low", 0.3), (5, 1.0), ("2", 0.4), ("??", 0.6)])
def test_case_severity_by_name_or_number(value: object, weight: float) -> None:
    assert severity_weight(value, RunConfig()) == pytest.approx(weight)


def test_a_card_paying_for_colleagues_is_no_payer_for_many(store: GraphStore) -> None:
    load_risk_graph(store)
    with store.writer() as w:
        w.upsert_nodes("Organization", pd.DataFrame({"org_key": ["ACME"]}))
        w.upsert_edges(
            "WORKS_FOR",
            pd.DataFrame({"src": [P(r) for r in RING], "dst": node_id("Organization", "ACME"), "role": "STAFF"}),
        )
    seeds = find_seeds(store, project(store)).set_index("id")
    assert node_id("PaymentInstrument", "CARD-R") not in seeds.index
