"""The clustering phase of the analytics bench: ``find_clusters`` (igraph Leiden) from the store, and networkx
Louvain next to igraph Leiden on the same evidence graph as the baseline."""

from __future__ import annotations

import time
from typing import Any

from bench.common import load_1m, timed
from graph.store import open_store


def bench_clusters(store_path: str) -> dict[str, Any]:
    """``find_clusters`` from the store (projection, specificity, seeds, the evidence graph, igraph Leiden,
    pruning, scoring, stable ids; no write), then the write: wall and CPU seconds of each step, the load."""
    from analytics.cluster_store import write_clusters
    from analytics.clusters import find_clusters
    from analytics.projection import project

    steps: dict[str, float] = {}
    load = load_1m()
    with open_store(store_path) as st:
        cpu = time.process_time()
        with timed() as t:
            with timed() as tp:
                proj = project(st)
            result = find_clusters(st, proj, timings=steps)
        cpu = time.process_time() - cpu
        wcpu = time.process_time()
        with timed() as tw:
            stored = write_clusters(st, result)
        wcpu = time.process_time() - wcpu
    return {
        "total_s": round(t[0], 2),
        "total_cpu_s": round(cpu, 2),
        "projection_s": round(tp[0], 2),
        **{k: round(v, 2) for k, v in steps.items()},
        "clusters": len(result.table),
        "write_s": round(tw[0], 2),
        "write_cpu_s": round(wcpu, 2),
        "stored": stored,
        "load_1m_before": load,
        "load_1m_after": load_1m(),
    }


def bench_networkx_louvain(store_path: str) -> dict[str, Any]:
    """networkx Louvain (modularity: networkx has no constant Potts model) on the evidence graph between
    people that clusters are found on, next to igraph Leiden (CPM, what ``find_clusters`` runs) on the same."""
    import networkx as nx

    from analytics.clusters import cluster_graph, leiden
    from analytics.config import RunConfig
    from analytics.projection import project
    from analytics.seeds import find_seeds
    from analytics.specificity import specificity

    cfg = RunConfig()
    with open_store(store_path, read_only=True) as st:
        proj = project(st, cfg)
        spec = specificity(proj, cfg)
        graph = cluster_graph(proj, spec, cfg, find_seeds(st, proj, cfg, spec=spec))
    load = load_1m()
    g = nx.Graph()
    g.add_weighted_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), graph.weight.tolist(), strict=True))
    cpu = time.process_time()
    with timed() as tn:
        nx.community.louvain_communities(g, weight="weight", seed=42)
    ncpu, cpu = time.process_time() - cpu, time.process_time()
    with timed() as ti:
        leiden(graph, cfg)
    return {
        "vertices": len(graph.vertices),
        "edges": len(graph.src),
        "louvain_s": round(tn[0], 2),
        "louvain_cpu_s": round(ncpu, 2),
        "leiden_s": round(ti[0], 2),
        "leiden_cpu_s": round(time.process_time() - cpu, 2),
        "load_1m_before": load,
        "load_1m_after": load_1m(),
    }
