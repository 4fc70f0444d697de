"""On a small generated world, ingested and screened for real: every score carries reasons, every path's
links resolve to source records, and the evaluation against the truth runs (slow: ingest takes a while)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.clusters import find_clusters
from analytics.evaluate import evaluate
from analytics.paths import path_context, risk_paths
from analytics.propagate import run_propagation
from analytics.screening_store import screen_store
from cluegraph.world.command import generate
from cluegraph.world.config import WorldConfig
from graph.store import Edge, open_store
from ingest.pipeline.run import run_ingest

pytestmark = pytest.mark.slow


def test_scores_reasons_paths_and_evaluation_on_an_ingested_world(tmp_path: Path) -> None:
    world = tmp_path / "world"
    generate(WorldConfig(persons=2000, days=7, seed=3), world)
    store_path = str(tmp_path / "g.duckdb")
    run_ingest(world, store_path)
    with open_store(store_path) as st:
        screen_store(st)
        result = run_propagation(st, run_id="run-world")
        written = result.persons(min_score=result.config.propagation.write_min_score)
        assert len(result.seeds) > 0 and len(written) > 0
        for pid in written["id"][:200]:
            reasons = json.loads(st.get(pid).props["risk_reasons"])
            assert reasons["seed"] or reasons["links"]
        ctx = path_context(st)
        checked = 0
        for pid in written["id"][:40]:
            for path in risk_paths(st, pid, context=ctx):
                for link in path.links:
                    edge = st.get(link.edge_id)
                    assert isinstance(edge, Edge) and link.sources == edge.sources and link.sources
                    checked += 1
        assert checked > 0
        clusters = find_clusters(st, result.proj)
        ev = evaluate(st, world / "truth", result, clusters)
    assert set(ev.travellers) == {"propagation", "rules_only", "degree", "networkx_pagerank"}
    assert ev.travellers["propagation"]["risky"] > 0
    assert all(0 <= m["r_precision"] <= 1 for m in ev.travellers.values())
    assert ev.clusters and all(0 <= c["jaccard"] <= 1 for c in ev.clusters)
