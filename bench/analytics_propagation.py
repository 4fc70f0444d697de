"""The propagation phase of the analytics bench: cluegraph's projection, specificity, seeds and personalised
PageRank from the store, and networkx ``pagerank`` on the same weighted graph as the baseline."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench.analytics_graph import OUT
from bench.common import load_1m, timed
from graph.store import open_store


def bench_propagation(store_path: str) -> dict[str, Any]:
    """cluegraph: projection + specificity + seeds + PPR from the store (no write), then the write; wall and
    CPU seconds of each step, the load average before and after."""
    from analytics.pagerank import threads_for
    from analytics.propagate import run_propagation, write_scores

    load = load_1m()
    with open_store(store_path) as st:
        cpu = time.process_time()
        with timed() as t:
            result = run_propagation(st, write=False)
        cpu = time.process_time() - cpu
        wcpu = time.process_time()
        with timed() as tw:
            written = write_scores(st, result)
        wcpu = time.process_time() - wcpu
    (OUT / "bench_analytics_top100.txt").write_text("\n".join(result.persons(top=100)["id"]))
    return {
        "total_s": round(t[0], 2),
        "total_cpu_s": round(cpu, 2),
        **{k: round(v, 2) for k, v in result.timings.items()},
        "projection_and_propagation_cpu_s": round(
            result.timings["projection_cpu_s"] + result.timings["propagation_cpu_s"], 2
        ),
        "iterations": result.iterations,
        "nnz": int(result.matrix.nnz),
        "product_threads": threads_for(result.matrix.nnz),
        "seeds": len(result.seeds),
        "write_s": round(tw[0], 2),
        "write_cpu_s": round(wcpu, 2),
        "written": written,
        "load_1m_before": load,
        "load_1m_after": load_1m(),
    }


def bench_networkx_pagerank(store_path: str) -> dict[str, Any]:
    """networkx: build the same weighted graph, then pagerank with the same personalisation, tol 1e-8/N."""
    import networkx as nx

    from analytics.projection import project
    from analytics.seeds import find_seeds, seed_vector
    from analytics.specificity import specificity

    with open_store(store_path, read_only=True) as st:
        proj = project(st)
        spec = specificity(proj)
        seeds = find_seeds(st, proj, spec=spec)
    m = proj.matrix(spec).tocoo()
    keep = m.row < m.col
    with timed() as tb:
        g = nx.Graph()
        g.add_nodes_from(range(proj.n_nodes))
        g.add_weighted_edges_from(zip(m.row[keep].tolist(), m.col[keep].tolist(), m.data[keep].tolist(), strict=True))
    s = seed_vector(seeds, proj.n_nodes)
    personal = {int(i): float(s[i]) for i in np.flatnonzero(s)}
    restart = 0.25
    load, cpu = load_1m(), time.process_time()
    with timed() as tp:
        pr = nx.pagerank(g, alpha=1 - restart, personalization=personal, tol=1e-8 / proj.n_nodes, max_iter=1000)
    cpu = time.process_time() - cpu
    person = np.flatnonzero(proj.mask("Person"))
    nx_scores = np.array([pr[int(i)] for i in person])
    nx_top = set(proj.ids(person[np.argsort(-nx_scores, kind="stable")[:100]]))
    ours = set((OUT / "bench_analytics_top100.txt").read_text().split("\n"))
    return {
        "build_s": round(tb[0], 2),
        "pagerank_s": round(tp[0], 2),
        "pagerank_cpu_s": round(cpu, 2),
        "top100_agreement": len(nx_top & ours) / 100,
        "load_1m_before": load,
        "load_1m_after": load_1m(),
    }
