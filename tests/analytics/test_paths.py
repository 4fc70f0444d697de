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


def _networkx_paths(ctx, start: int, k: int, max_hops: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """The same local search with networkx's ``shortest_simple_paths`` (Yen's algorithm in Python)."""
    from itertools import islice

    import networkx as nx
    import numpy as np

    from analytics.paths import local_nodes

    nodes = local_nodes(ctx, start, max_hops=max_hops, limit=ctx.config.paths.neighbourhood_limit)
    sub = ctx.matrix[nodes][:, nodes].tocoo()
    g = nx.Graph()
    for r, c, w in zip(sub.row, sub.col, sub.data, strict=True):
        if r < c:
            g.add_edge(int(nodes[r]), int(nodes[c]), cost=-np.log(min(w, 1.0)))
    for i in nodes[ctx.seed_weight[nodes] > 0]:
        g.add_edge(int(i), -1, cost=-np.log(min(ctx.seed_weight[i], 1.0)))
    if -1 not in g or start not in g or not nx.has_path(g, start, -1):
        return []
    found = [p[:-1] for p in islice(nx.shortest_simple_paths(g, start, -1, weight="cost"), 3 * k)]
    return [p for p in found if len(p) - 1 <= max_hops][:k]


def test_the_local_search_finds_the_same_paths_as_networkx(store: GraphStore) -> None:
    import numpy as np

    from analytics.paths import _index_paths

    load_risk_graph(store)
    ctx = path_context(store)
    people = np.flatnonzero(ctx.proj.mask("Person"))
    compared = 0
    for start in people:
        for k, hops in ((3, 4), (5, 2)):
            ours = _index_paths(ctx, int(start), k, hops)
            assert ours == _networkx_paths(ctx, int(start), k, hops), ctx.proj.ids([start])
            compared += bool(ours)
    assert compared >= 10
