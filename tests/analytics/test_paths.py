"""Risk paths: the strongest chains to known risk, every link in words and tied to its source records."""

from __future__ import annotations

import pytest

from analytics.paths import path_context, risk_paths
from graph.errors import NotFoundError
from graph.store import Edge, GraphStore
from tests.analytics.risk_fixture import P, load_risk_graph


def test_a_card_shared_with_a_case_organiser_is_explained_link_by_link(store: GraphStore) -> None:
    load_risk_graph(store)
    paths = risk_paths(store, P("X"), k=3, max_hops=4)
    assert paths, "X booked with the organiser's card"
    assert [p.score for p in paths] == sorted((p.score for p in paths), reverse=True)
    to_case = [p for p in paths if p.seed_id == P("P-SEED")]
    assert to_case and len(to_case[0].links) == 4
    assert "organiser in case C-17" in to_case[0].text
    assert "paid with card" in to_case[0].text
    assert to_case[0].summary.startswith("booked with the same card 4111****1 CARD-1 as SURP-SEED GIVEN (P-SEED)")
    assert to_case[0].summary.endswith("who is an organiser in case C-17 (SMUGGLING, severity HIGH)")


def test_every_link_resolves_to_a_stored_edge_and_its_source_records(store: GraphStore) -> None:
    load_risk_graph(store)
    ctx = path_context(store)
    for person in ("X", "A", "R1", "D1"):
        for path in risk_paths(store, P(person), context=ctx):
            assert path.nodes[0] == P(person) and path.nodes[-1] == path.seed_id
            assert path.seed_reason and path.seed_sources
            for link in path.links:
                edge = store.get(link.edge_id)
                assert isinstance(edge, Edge) and {edge.src, edge.dst} == {link.src, link.dst}
                assert link.sources and link.sources == edge.sources
                assert all(s.startswith("fixture.csv:") for s in link.sources)
                assert link.text


def test_the_hop_limit_is_kept_and_a_hotel_phone_is_no_path(store: GraphStore) -> None:
    load_risk_graph(store)
    ctx = path_context(store)
    assert all(len(p.links) <= 2 for p in risk_paths(store, P("X"), max_hops=2, context=ctx))
    assert risk_paths(store, P("B"), context=ctx) == []


def test_a_seed_person_has_a_path_of_no_links_and_unknown_people_are_named(store: GraphStore) -> None:
    load_risk_graph(store)
    first = risk_paths(store, "Person=P-SEED", k=1)[0]
    assert first.links == () and first.seed_kind == "case_subject"
    with pytest.raises(NotFoundError):
        risk_paths(store, "Person=nobody")
