"""Seeds are found in the graph, each with its reason and the edges behind it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.config import RunConfig, config_from_dict
from analytics.projection import project
from analytics.seeds import find_seeds, severity_weight
from analytics.specificity import specificity
from graph.ids import node_id
from graph.store import GraphStore
from tests.analytics.risk_fixture import RING, P, load_risk_graph


def _ring_contacts(store: GraphStore) -> None:
    """The ring's three bookings give the ring's burner phone as their contact (one payer, one phone)."""
    bookings = [node_id("Booking", "XQ", b, "2026-01-01") for b in ("RB1", "RB2", "RB3")]
    with store.writer() as w:
        w.upsert_edges("CONTACT", pd.DataFrame({"src": bookings, "dst": node_id("Phone", "+17777"),
                                                "sources": "fixture.csv:900"}))


def _seeds(store: GraphStore, config: RunConfig | None = None) -> pd.DataFrame:
    load_risk_graph(store)
    _ring_contacts(store)
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
    _ring_contacts(store)
    with store.writer() as w:
        w.upsert_nodes("Organization", pd.DataFrame({"org_key": ["ACME"]}))
        w.upsert_edges(
            "WORKS_FOR",
            pd.DataFrame({"src": [P(r) for r in RING], "dst": node_id("Organization", "ACME"), "role": "STAFF"}),
        )
    seeds = find_seeds(store, project(store)).set_index("id")
    assert node_id("PaymentInstrument", "CARD-R") not in seeds.index


def test_a_card_paying_for_one_family_is_no_payer_for_many(store: GraphStore) -> None:
    """A parent's card paying for the family's trips, the family's phone on every booking: most passengers
    carry one surname."""
    load_risk_graph(store)
    _ring_contacts(store)
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": RING[:3], "surname": "LAU"}))
    seeds = find_seeds(store, project(store)).set_index("id")
    assert node_id("PaymentInstrument", "CARD-R") not in seeds.index


def test_a_card_whose_bookings_each_give_their_own_contact_is_no_payer_for_many(store: GraphStore) -> None:
    """A masked card number shared by chance: every booking names its own passenger's phone."""
    load_risk_graph(store)
    bookings = [node_id("Booking", "XQ", b, "2026-01-01") for b in ("RB1", "RB2", "RB3")]
    with store.writer() as w:
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1501", "+1502", "+1503"]}))
        phones = [node_id("Phone", f"+150{i}") for i in (1, 2, 3)]
        w.upsert_edges("CONTACT", pd.DataFrame({"src": bookings, "dst": phones, "sources": "fixture.csv:901"}))
    seeds = find_seeds(store, project(store)).set_index("id")
    assert node_id("PaymentInstrument", "CARD-R") not in seeds.index


def test_a_name_only_watchlist_hit_weighs_little(store: GraphStore) -> None:
    load_risk_graph(store)
    reasons = '[{"field": "name", "verdict": "exact"}, {"field": "birth_date", "verdict": "missing"}]'
    with store.writer() as w:
        entry = node_id("WatchlistEntry", "INTERPOL", "WL-1")
        hit = {"src": [P("W")], "dst": [entry], "score": [0.9], "reasons": [reasons]}
        w.upsert_edges("LISTED_AS", pd.DataFrame(hit))
    seeds = find_seeds(store, project(store)).set_index("id")
    assert seeds.loc[P("W"), "weight"] == pytest.approx(0.9 * RunConfig().seeds.watchlist_name_only)
    assert "name alone" in seeds.loc[P("W"), "reason"]


def _person(store: GraphStore, key: str, birth: str, sex: str) -> None:
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": [key], "surname": ["S"], "given_names": [key],
                                               "birth_date": [birth], "sex": [sex]}))


def test_a_document_of_two_holders_who_may_be_one_person_is_no_seed_unless_weighed(store: GraphStore) -> None:
    load_risk_graph(store)
    _person(store, "D1", "1980-12-06", "M")
    _person(store, "D2", "1980-00-00", "M")
    doc = node_id("Document", "CHN", "D-1")
    assert doc not in set(find_seeds(store, project(store))["id"])  # by default one person twice is no seed
    cfg = config_from_dict({"seeds": {"document_conflict_one_person": 0.002}})
    seeds = find_seeds(store, project(store), cfg).set_index("id")
    assert seeds.loc[doc, "weight"] == pytest.approx(cfg.seeds.document_conflict * 0.002)
    assert "perhaps one person" in seeds.loc[doc, "reason"]


def test_the_run_configuration_makes_one_person_recorded_twice_no_seed(store: GraphStore) -> None:
    from analytics.config import load_config

    load_risk_graph(store)
    _person(store, "D1", "1980-12-06", "M")
    _person(store, "D2", "1980-00-00", "M")
    cfg = load_config(Path(__file__).resolve().parents[2] / "data" / "run.yaml")
    assert cfg.seeds.document_conflict_one_person == 0.0
    assert node_id("Document", "CHN", "D-1") not in set(find_seeds(store, project(store), cfg)["id"])


def test_a_document_of_holders_born_on_other_days_is_a_full_conflict(store: GraphStore) -> None:
    load_risk_graph(store)
    _person(store, "D1", "2005-09-20", "M")
    _person(store, "D2", "2005-10-18", "M")
    seeds = find_seeds(store, project(store)).set_index("id")
    assert seeds.loc[node_id("Document", "CHN", "D-1"), "weight"] == pytest.approx(RunConfig().seeds.document_conflict)


def test_a_document_presented_with_a_wrong_mrz_check_digit_is_a_seed(store: GraphStore) -> None:
    load_risk_graph(store)
    doc = node_id("Document", "XXA", "NA")
    with store.writer() as w:
        w.upsert_nodes("Crossing", pd.DataFrame({"crossing_id": ["X1", "X2"], "mrz_checks_ok": [False, True],
                                                 "crossing_time": ["2025-02-01T10:00:00+08:00"] * 2,
                                                 "findings": ["mrz mrz-check: document_number check digit wrong", ""],
                                                 "sources": [["crossings.csv:7"], ["crossings.csv:8"]]}))
        crossings = [node_id("Crossing", "X1"), node_id("Crossing", "X2")]
        w.upsert_edges("USED", pd.DataFrame({"src": crossings, "dst": doc, "sources": "crossings.csv:7"}))
    seeds = find_seeds(store, project(store)).set_index("id")
    assert seeds.loc[doc, "kind"] == "mrz_check_failed"
    assert seeds.loc[doc, "weight"] == pytest.approx(RunConfig().seeds.mrz_check_failed)
    assert "wrong MRZ check digit" in seeds.loc[doc, "reason"] and "X1" in seeds.loc[doc, "reason"]
    assert seeds.loc[doc, "sources"] == ["crossings.csv:7"]
    assert len(seeds.loc[doc, "edges"]) == 1


def test_a_watchlist_hit_a_reviewer_dismissed_is_no_seed(store: GraphStore) -> None:
    load_risk_graph(store)
    with store.writer() as w:
        entry = node_id("WatchlistEntry", "INTERPOL", "WL-1")
        w.upsert_edges("LISTED_AS", pd.DataFrame({"src": [P("W")], "dst": [entry], "score": [0.9],
                                                  "review_status": ["DISMISSED"]}))
    seeds = find_seeds(store, project(store)).set_index("id")
    assert P("W") not in seeds.index


def test_a_contact_phone_on_a_suspects_booking_and_strangers_bookings_is_flagged_at_its_share(
    store: GraphStore,
) -> None:
    """An agency's phone on the suspect's booking and on twenty strangers' bookings is the agency's, not his:
    it is flagged at 1/21 of what a contact phone on his booking alone is."""
    load_risk_graph(store)
    agency, own = node_id("Phone", "+18888"), node_id("Phone", "+16666")
    strangers = [node_id("Booking", "XQ", f"AG{i}", "2026-01-02") for i in range(20)]
    with store.writer() as w:
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+18888", "+16666"]}))
        w.upsert_nodes("Booking", pd.DataFrame({"carrier": "XQ", "locator": [f"AG{i}" for i in range(20)],
                                                "created": "2026-01-02"}))
        suspect_booking = node_id("Booking", "XQ", "BK-S", "2026-01-01")
        w.upsert_edges("CONTACT", pd.DataFrame({"src": [suspect_booking, suspect_booking, *strangers],
                                                "dst": [agency, own, *[agency] * 20], "sources": "fixture.csv:901"}))
    proj = project(store)
    seeds = find_seeds(store, proj).set_index("id")
    spec = dict(zip(proj.ids(range(proj.n_nodes)), specificity(proj), strict=True))
    own_w = seeds.loc[own, "weight"] / spec[own]
    assert seeds.loc[agency, "weight"] / spec[agency] == pytest.approx(own_w / 21)
    assert "5% of the bookings" in seeds.loc[agency, "reason"]
