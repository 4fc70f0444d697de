"""The k-paths phase of the analytics bench: ``risk_paths`` for many people from one context, next to the
same local search by networkx and networkx k-shortest paths on the whole graph for a few people."""

from __future__ import annotations

import time
from itertools import islice
from typing import Any

import numpy as np

from bench.common import load_1m, percentiles, timed
from graph.store import open_store


def _nx_local_paths(ctx: Any, start: int, k: int, max_hops: int) -> list[list[int]]:
    """The same local search with networkx (what ``risk_paths`` did before igraph): the local graph built
    edge by edge, then ``shortest_simple_paths`` to the virtual end behind the seeds."""
    import networkx as nx

    from analytics.paths import local_nodes

    nodes = local_nodes(ctx, start, max_hops=max_hops, limit=ctx.config.paths.neighbourhood_limit)
    sub = ctx.matrix[nodes][:, nodes].tocoo()
    g = nx.Graph()
    g.add_nodes_from(nodes.tolist())
    keep = sub.row < sub.col
    for r, c, w in zip(sub.row[keep], sub.col[keep], sub.data[keep], strict=True):
        g.add_edge(int(nodes[r]), int(nodes[c]), cost=-np.log(min(float(w), 1.0)))
    for i in nodes[ctx.seed_weight[nodes] > 0]:
        g.add_edge(int(i), -1, cost=-np.log(min(ctx.seed_weight[i], 1.0)))
    if -1 not in g or not nx.has_path(g, start, -1):
        return []
    found: list[list[int]] = []
    for path in islice(nx.shortest_simple_paths(g, start, -1, weight="cost"), 3 * k):
        if len(path) - 2 <= max_hops:
            found.append(path[:-1])
        if len(found) == k:
            break
    return found


def bench_paths(store_path: str, n_people: int, nx_people: int, nx_local: int = 200) -> dict[str, Any]:
    """``risk_paths`` for n people from one context (wall and CPU per person, store reads included); the
    same local search by networkx for ``nx_local`` of them (the paths compared); networkx k-shortest paths
    on the whole graph for ``nx_people`` (seconds each, so only a few: stated as such)."""
    import networkx as nx

    from analytics.paths import _SINK, _index_paths, path_context, risk_paths

    load = load_1m()
    with open_store(store_path, read_only=True) as st:
        cpu = time.process_time()
        with timed() as tc:
            ctx = path_context(st)
        cpu_ctx = time.process_time() - cpu
        rng = np.random.default_rng(3)
        people = rng.choice(np.flatnonzero(ctx.proj.mask("Person")), n_people, replace=False)
        pids = ctx.proj.ids(people)
        samples, cpu_samples, found = [], [], 0
        with timed() as ta:
            for pid in pids:
                start, cpu = time.perf_counter(), time.process_time()
                found += bool(risk_paths(st, pid, k=3, max_hops=4, context=ctx))
                samples.append(time.perf_counter() - start)
                cpu_samples.append(time.process_time() - cpu)
    ours_cpu, nx_cpu, same = 0.0, 0.0, 0
    for i in people[:nx_local]:
        cpu = time.process_time()
        a = _index_paths(ctx, int(i), 3, 4)
        ours_cpu += time.process_time() - cpu
        cpu = time.process_time()
        b = _nx_local_paths(ctx, int(i), 3, 4)
        nx_cpu += time.process_time() - cpu
        same += a == b
    result = {
        "context_s": round(tc[0], 2),
        "context_cpu_s": round(cpu_ctx, 2),
        "people": n_people,
        "with_paths": found,
        "all_s": round(ta[0], 2),
        "all_cpu_s": round(sum(cpu_samples), 2),
        **{f"per_person_{k}": round(v, 2) for k, v in percentiles(samples).items()},
        **{f"per_person_cpu_{k}": round(v, 2) for k, v in percentiles(cpu_samples).items()},
        "local_search_people": min(nx_local, n_people),
        "local_search_cpu_ms_igraph": round(ours_cpu / max(min(nx_local, n_people), 1) * 1000, 2),
        "local_search_cpu_ms_networkx": round(nx_cpu / max(min(nx_local, n_people), 1) * 1000, 2),
        "local_search_same_paths": same,
        "load_1m_before": load,
        "load_1m_after": load_1m(),
    }
    if not nx_people:
        return result
    m = ctx.matrix.tocoo()
    keep = m.row < m.col
    g = nx.Graph()
    g.add_edges_from(
        (int(a), int(b), {"cost": -np.log(min(w, 1.0))})
        for a, b, w in zip(m.row[keep], m.col[keep], m.data[keep], strict=True)
    )
    for i in np.flatnonzero(ctx.seed_weight):
        g.add_edge(int(i), _SINK, cost=-np.log(min(ctx.seed_weight[i], 1.0)))
    nx_samples = []
    for i in people[:nx_people]:
        start = time.perf_counter()
        if g.has_node(int(i)) and nx.has_path(g, int(i), _SINK):
            list(zip(range(3), nx.shortest_simple_paths(g, int(i), _SINK, weight="cost"), strict=False))
        nx_samples.append(time.perf_counter() - start)
    result["networkx_people"] = nx_people
    result["networkx_whole_graph_per_person_s"] = round(float(np.mean(nx_samples)), 2)
    return result
