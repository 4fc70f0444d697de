"""Graph analytics at a million nodes: propagation, k risk paths for 1,000 people, clustering, next to networkx.

The graph is synthetic and typed (``make_risk_graph``): people, documents, crossings, voyages, phones (30 of
them hotel-like hubs of ~2,000 guests each), e-mails, cards, bookings, co-travel and cases, about 1M nodes
and 5M edges, written through the store's writer like any other graph. A world ingested by ``cluegraph
ingest`` would be closer to life, but a 1,000,000-person world takes minutes to generate and longer to
ingest on this machine; the figures here are for the synthetic graph, stated as such.

Measured in child processes (peak RSS each), wall and CPU seconds with the 1-minute load average (the
machine is shared: wall time stretches with the load, CPU time much less):
- **propagation**: projection from the store + specificity + seeds + personalised PageRank (to 1e-10 L1, its
  sparse products on a thread per core),
  next to networkx building the same weighted graph and running ``pagerank`` with the same personalisation
  and ``tol = 1e-8 / N`` (networkx's default stops far too early at this size), with the top-100 agreement;
- **k-paths**: ``risk_paths(k=3, max_hops=4)`` for 1,000 people from one ``PathContext`` (store reads
  included), next to the same local search done by networkx (``shortest_simple_paths`` on each local graph,
  200 of the people, paths compared) and networkx ``shortest_simple_paths`` on the whole graph for a few
  people (it takes seconds each: stated as such);
- **clustering**: ``find_clusters`` (projection included) with igraph Leiden, next to networkx Louvain on the
  same person-identifier graph built at a tenth of the size (at full size it takes too long).

    python -m bench.bench_analytics [--nodes 1000000] [--edges 5000000] [--paths 1000] [--nx-paths 5]
        [--store FILE] [--reuse] [--only propagation paths ...]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import RESULTS, in_child, percentiles, report, timed
from graph.ids import node_ids
from graph.store import open_store

OUT = Path("out/bench")


def _keys(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.arange(n).astype(str))


def _edges(src: np.ndarray, dst: np.ndarray, rng: np.random.Generator, **extra: Any) -> pd.DataFrame:
    days = rng.integers(0, 1500, len(src))
    last = np.datetime64("2026-03-01") - days.astype("timedelta64[D]")
    frame = pd.DataFrame({"src": src, "dst": dst, "last_seen": last.astype("datetime64[us]"), **extra})
    frame["sources"] = "bench.csv:" + pd.Series(np.arange(len(src)) % 100_000).astype(str)
    return frame.drop_duplicates(["src", "dst", *extra])


def _ids(label: str, *cols: Any) -> np.ndarray:
    return node_ids(label, *cols).to_numpy(zero_copy_only=False)


def _identifier_links(
    rng: np.random.Generator, persons: int, own: int, groups: int, size: int, hubs: int, guests: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """(person, identifier) pairs: ``own`` personal identifiers, ``groups`` shared by ``size`` people each,
    ``hubs`` shared by ``guests`` people each; returns the pairs and the number of identifiers."""
    p_own = rng.choice(persons, own, replace=False)
    i_own = np.arange(own)
    p_grp = rng.integers(0, persons, groups * size)
    i_grp = own + np.repeat(np.arange(groups), size)
    p_hub = rng.integers(0, persons, hubs * guests)
    i_hub = own + groups + np.repeat(np.arange(hubs), guests)
    return np.concatenate([p_own, p_grp, p_hub]), np.concatenate([i_own, i_grp, i_hub]), own + groups + hubs


def make_risk_graph(store_path: str, nodes: int, edges: int, seed: int = 11) -> dict[str, Any]:
    """Write the synthetic typed risk graph into a fresh DuckDB store; returns counts and load time.

    Per 1M nodes: 150,000 people with their documents and 450,000 crossings (each MADE, USED, AT, ON) on
    20,000 voyages; phones, e-mails and cards mostly personal, some shared by small groups (3-6 people), 30
    phones shared by 2,000 people each (hotel switchboards); 40,000 bookings of 1-4 people with a card and a
    contact phone; 1.2M announcements on voyages; 1.2M co-travel pairs; 100 cases of 3 subjects. About 5M edges.
    """
    rng = np.random.default_rng(seed)
    f = nodes / 1_000_000
    n_p, n_x, n_v, n_b = int(150_000 * f), int(450_000 * f), max(int(20_000 * f), 10), int(40_000 * f)
    people = _ids("Person", _keys("P", n_p))
    docs = _ids("Document", ["XXA"] * n_p, _keys("D", n_p))
    frames: dict[str, list[pd.DataFrame]] = {
        t: []
        for t in (
            "HOLDS",
            "USES",
            "MADE",
            "USED",
            "AT",
            "ON",
            "BOOKED",
            "PAID_BY",
            "CONTACT",
            "CO_TRAVELLED",
            "INVOLVED_IN",
            "ANNOUNCED",
        )
    }
    frames["HOLDS"].append(_edges(people, docs, rng))
    node_rows: dict[str, pd.DataFrame] = {
        "Person": pd.DataFrame({"person_key": _keys("P", n_p)}),
        "Document": pd.DataFrame({"issuer": "XXA", "number": _keys("D", n_p)}),
    }
    spec = {  # label: key column, own, groups, size, hubs, guests
        "Phone": ("number", int(100_000 * f), int(6_000 * f), 4, 30, int(2_000 * f) or 1),
        "Email": ("address", int(80_000 * f), int(2_000 * f), 3, 0, 0),
        "PaymentInstrument": ("token", int(70_000 * f), int(3_000 * f), 5, 20, int(500 * f) or 1),
    }
    ident_ids = {}
    for label, (col, own, groups, size, hubs, guests) in spec.items():
        p, i, count = _identifier_links(rng, n_p, own, groups, size, hubs, guests)
        keys = _keys(f"{label[:2]}-", count)
        ident_ids[label] = _ids(label, keys)
        node_rows[label] = pd.DataFrame({col: keys})
        frames["USES"].append(_edges(people[p], ident_ids[label][i], rng))
    crossing_keys = _keys("X", n_x)
    crossings = _ids("Crossing", crossing_keys)
    voyage_keys = _keys("V", n_v)
    voyages = _ids("Voyage", ["XQ"] * n_v, voyage_keys, ["2026-01-01"] * n_v)
    ports = _ids("Port", _keys("PT", 50))
    who = rng.integers(0, n_p, n_x)
    frames["MADE"].append(_edges(people[who], crossings, rng))
    frames["USED"].append(_edges(crossings, docs[who], rng))
    frames["AT"].append(_edges(crossings, ports[rng.integers(0, 50, n_x)], rng))
    frames["ON"].append(_edges(crossings, voyages[rng.integers(0, n_v, n_x)], rng))
    frames["ANNOUNCED"].append(
        _edges(
            people[rng.integers(0, n_p, int(1_200_000 * f))],
            voyages[rng.integers(0, n_v, int(1_200_000 * f))],
            rng,
            role="PAX",
        )
    )
    booking_keys = _keys("B", n_b)
    bookings = _ids("Booking", ["XQ"] * n_b, booking_keys, ["2026-01-01"] * n_b)
    pax = rng.integers(1, 5, n_b)
    lead = rng.integers(0, n_p, n_b)
    members = np.repeat(lead, pax) + np.concatenate([np.arange(k) for k in pax])
    frames["BOOKED"].append(_edges(people[members % n_p], np.repeat(bookings, pax), rng))
    frames["PAID_BY"].append(
        _edges(bookings, ident_ids["PaymentInstrument"][rng.integers(0, len(ident_ids["PaymentInstrument"]), n_b)], rng)
    )
    frames["CONTACT"].append(_edges(bookings, ident_ids["Phone"][rng.integers(0, len(ident_ids["Phone"]), n_b)], rng))
    a = rng.integers(0, n_p, int(1_200_000 * f))
    b = (a + rng.integers(1, 40, len(a))) % n_p
    frames["CO_TRAVELLED"].append(_edges(people[np.minimum(a, b)], people[np.maximum(a, b)], rng))
    cases = _keys("C-", max(10, int(100 * f)))
    subj = rng.choice(n_p, len(cases) * 3, replace=False)
    roles = np.tile(["ORGANISER", "SUSPECT", "ACCOMPLICE"], len(cases))
    frames["INVOLVED_IN"].append(_edges(people[subj], _ids("Case", np.repeat(cases, 3)), rng, role=roles))
    node_rows["Crossing"] = pd.DataFrame({"crossing_id": crossing_keys})
    node_rows["Voyage"] = pd.DataFrame({"carrier": "XQ", "number": voyage_keys, "date": "2026-01-01"})
    node_rows["Port"] = pd.DataFrame({"code": _keys("PT", 50)})
    node_rows["Booking"] = pd.DataFrame({"carrier": "XQ", "locator": booking_keys, "created": "2026-01-01"})
    node_rows["Case"] = pd.DataFrame({"case_id": cases, "case_type": "SMUGGLING", "severity": "HIGH"})
    Path(store_path).unlink(missing_ok=True)
    start = time.perf_counter()
    with open_store(store_path) as st, st.writer() as w:
        for label, rows in node_rows.items():
            w.upsert_nodes(label, rows)
        for etype, parts in frames.items():
            w.upsert_edges(etype, pd.concat(parts, ignore_index=True))
    with open_store(store_path, read_only=True) as st:
        stats = st.stats().to_dict()
    return {
        "nodes": stats["total_nodes"],
        "edges": stats["total_edges"],
        "load_s": round(time.perf_counter() - start, 1),
    }


def _load() -> float:
    """The machine's 1-minute load average (2 cores, shared: figures are noisy above 2)."""
    return round(os.getloadavg()[0], 2)


def bench_propagation(store_path: str) -> dict[str, Any]:
    """cluegraph: projection + specificity + seeds + PPR from the store (no write), then the write; wall and
    CPU seconds of each step, the load average before and after."""
    from analytics.pagerank import threads_for
    from analytics.propagate import run_propagation, write_scores

    load = _load()
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
        "load_1m_after": _load(),
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
    load, cpu = _load(), time.process_time()
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
        "load_1m_after": _load(),
    }


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

    load = _load()
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
        "load_1m_after": _load(),
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


def bench_clusters(store_path: str) -> dict[str, Any]:
    """``find_clusters`` from the store (projection, specificity, seeds, the evidence graph, igraph Leiden,
    pruning, scoring, stable ids; no write), then the write: wall and CPU seconds of each step, the load."""
    from analytics.cluster_store import write_clusters
    from analytics.clusters import find_clusters
    from analytics.projection import project

    steps: dict[str, float] = {}
    load = _load()
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
        "load_1m_after": _load(),
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
    load = _load()
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
        "load_1m_after": _load(),
    }


def _phase(result: dict[str, Any], name: str, value: dict[str, Any]) -> None:
    result[name] = value
    print(name, value, flush=True)


PHASES = ("propagation", "clusters", "paths", "networkx_pagerank", "networkx_louvain_tenth_size")


def _targets(result: dict[str, Any]) -> dict[str, bool]:
    prop, clusters = result.get("propagation", {}), result.get("clusters", {})
    return {
        "propagation_under_3s": prop.get("projection_s", 1e9) + prop.get("propagation_s", 1e9) < 3,
        "propagation_with_seeds_under_3s": prop.get("total_s", 1e9) < 3,
        "clustering_under_20s": clusters.get("total_s", 1e9) < 20,
        "peak_rss_under_8gib": max(r.get("peak_rss_mib", 0) for r in result.values() if isinstance(r, dict)) < 8192,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--nx-paths", type=int, default=5)
    parser.add_argument("--skip-networkx", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep a graph generated by an earlier run")
    parser.add_argument("--store", help="the graph's DuckDB file (default out/bench/analytics_N_E.duckdb)")
    parser.add_argument(
        "--only", nargs="+", choices=PHASES, help="run these phases; the others keep their last figures"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = args.store or str(OUT / f"analytics_{args.nodes}_{args.edges}.duckdb")
    small = str(OUT / f"analytics_{args.nodes // 10}_{args.edges // 10}.duckdb")
    result: dict[str, Any] = {"graph": "synthetic typed risk graph (bench_analytics.make_risk_graph)"}
    last = RESULTS / "analytics.json"
    if args.only and last.exists():
        result = {**json.loads(last.read_text()), **result}
    run = set(args.only or PHASES) - (set() if not args.skip_networkx else {PHASES[3], PHASES[4]})
    if not (args.reuse and Path(path).exists()):
        _phase(result, "load", in_child(make_risk_graph, path, args.nodes, args.edges))
    if "propagation" in run:
        _phase(result, "propagation", in_child(bench_propagation, path))
    if "clusters" in run:
        _phase(result, "clusters", in_child(bench_clusters, path))
    if "paths" in run:
        _phase(result, "paths", in_child(bench_paths, path, args.paths, 0 if args.skip_networkx else args.nx_paths))
    if "networkx_pagerank" in run:
        _phase(result, "networkx_pagerank", in_child(bench_networkx_pagerank, path))
    if "networkx_louvain_tenth_size" in run:
        _phase(result, "small_load", in_child(make_risk_graph, small, args.nodes // 10, args.edges // 10))
        _phase(result, "networkx_louvain_tenth_size", in_child(bench_networkx_louvain, small))
    result["targets"] = _targets(result)
    report("analytics", result)


if __name__ == "__main__":
    main()
