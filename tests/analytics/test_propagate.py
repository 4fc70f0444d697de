"""Propagation ranks by specific links, writes a score with reasons on every scored person."""

from __future__ import annotations

import json

import pytest

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


def _networkx_ppr(matrix, seeds, restart):  # type: ignore[no-untyped-def]
    import networkx as nx
    import numpy as np

    graph = nx.from_scipy_sparse_array(matrix)
    personal = {int(i): float(seeds[i]) for i in np.flatnonzero(seeds)}
    n = matrix.shape[0]
    pr = nx.pagerank(graph, alpha=1 - restart, personalization=personal, tol=1e-15, max_iter=10_000)
    return np.array([pr[i] for i in range(n)])


def test_the_walk_equals_networkx_pagerank_with_the_same_personalisation_and_isolated_nodes() -> None:
    import numpy as np
    import scipy.sparse as sp

    from analytics.propagate import personalised_pagerank

    rng = np.random.default_rng(5)
    n = 300
    a, b = rng.integers(0, n - 20, 900), rng.integers(0, n - 20, 900)  # the last 20 nodes have no links
    keep = a != b
    w = rng.random(keep.sum()) + 0.01
    m = sp.coo_matrix((np.r_[w, w], (np.r_[a[keep], b[keep]], np.r_[b[keep], a[keep]])), shape=(n, n)).tocsr()
    seeds = np.zeros(n)
    seeds[[0, 7, n - 1]] = [1.0, 0.5, 0.25]  # one seed has no links: its share comes back to the seeds
    for restart in (0.1, 0.25, 0.6):
        ours, _, delta = personalised_pagerank(m, seeds, restart=restart, tol=1e-12)
        ref = _networkx_ppr(m, seeds, restart)
        assert delta < 1e-12
        assert np.abs(ours - ref).sum() < 1e-10, restart


def test_the_stored_graph_scores_equal_networkx_pagerank(store: GraphStore) -> None:
    import numpy as np

    from analytics.seeds import seed_vector

    load_risk_graph(store)
    result = run_propagation(store, write=False)
    ref = _networkx_ppr(result.matrix, seed_vector(result.seeds, result.proj.n_nodes), 0.25)
    assert np.abs(result.scores - ref).sum() < 1e-9


def test_seeds_without_links_keep_all_the_risk_and_the_walk_stops_at_once() -> None:
    import numpy as np
    import scipy.sparse as sp

    from analytics.propagate import personalised_pagerank

    m = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=float))
    r, products, delta = personalised_pagerank(m, np.array([0, 0, 1.0, 3.0]))
    assert r.tolist() == [0.0, 0.0, 0.25, 0.75] and products == 0 and delta == 0.0
    empty, _, _ = personalised_pagerank(sp.csr_matrix((3, 3)), np.array([1.0, 0, 1.0]))
    assert empty.tolist() == [0.5, 0.0, 0.5]


def test_an_iteration_cap_too_small_reports_the_change_left() -> None:
    import numpy as np
    import scipy.sparse as sp

    from analytics.propagate import personalised_pagerank

    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 500, 3000), rng.integers(0, 500, 3000)
    m = sp.coo_matrix((np.ones(6000), (np.r_[a, b], np.r_[b, a])), shape=(500, 500)).tocsr()
    seeds = np.zeros(500)
    seeds[3] = 1.0
    _, products, delta = personalised_pagerank(m, seeds, max_iter=3)
    assert products <= 4 and delta > 1e-10
    _, products, delta = personalised_pagerank(m, seeds)
    assert delta < 1e-10


def test_the_walk_on_threads_gives_the_same_scores_to_the_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import scipy.sparse as sp

    from analytics import pagerank

    rng = np.random.default_rng(9)
    a, b = rng.integers(0, 2000, 9000), rng.integers(0, 2000, 9000)
    w = rng.random(9000)
    m = sp.coo_matrix((np.r_[w, w], (np.r_[a, b], np.r_[b, a])), shape=(2000, 2000)).tocsr()
    seeds = np.zeros(2000)
    seeds[[4, 40]] = 1.0
    one = pagerank.personalised_pagerank(m, seeds)
    monkeypatch.setattr(pagerank, "PARALLEL_ENTRIES", 0)
    monkeypatch.setattr(pagerank.os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert pagerank.threads_for(m.nnz) == 3
    threaded = pagerank.personalised_pagerank(m, seeds)
    assert np.array_equal(one[0], threaded[0]) and one[1:] == threaded[1:]
