"""``neighbours`` on the 1M-node / 5M-edge store, with the neighbours' properties: p50/p95 over 1,000 random
nodes for 1 and 2 hops, next to the same walk in SQL (``adjacency=False``, the store's walk before the
adjacency index) called on the same node right after (A/B under the same load), and a bare indexed lookup
of the same nodes' edge rows (no properties, no second hop). Reported warm (the store's blocks already in
memory, as in a running dashboard), and for 1 hop also at first touch (node blocks read from the file).
The first call builds the adjacency index: its time and size are reported on their own
(``first_call_builds_index``), not mixed into the percentiles.

Needs the store that ``bench.bench_store_load`` leaves behind (it builds one if missing), or ``--store`` (a copy
of it in your own folder, so a concurrent store-load run cannot rewrite the file under the measurement).

    python -m bench.bench_neighbours [--nodes 1000000] [--edges 5000000] [--samples 1000] [--store PATH]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import cast

import duckdb
import numpy as np

from bench.bench_store_load import OUT, load
from bench.common import make_graph, peak_rss_mib, percentiles, report
from graph.ids import format_id
from graph.store import GraphStore
from graph.store.duckdb_store import DuckDBStore


def cpu_percentiles(samples_s: list[float]) -> dict[str, float]:
    """p50/p95 of CPU milliseconds per call: the work itself, which a busy machine stretches far less than
    the wall time (reads run on one DuckDB thread, the caller's)."""
    arr = np.asarray(samples_s) * 1000
    return {"cpu_p50_ms": float(np.percentile(arr, 50)), "cpu_p95_ms": float(np.percentile(arr, 95))}


def measure(stores: list[GraphStore], ids: list[str], depth: int, limit: int) -> list[dict[str, float]]:
    """Latency (wall and CPU) of ``neighbours`` over these nodes in each store, the stores asked one after
    the other for each node (so they share the machine's load), with the mean size of what came back."""
    times: list[list[float]] = [[] for _ in stores]
    cpu: list[list[float]] = [[] for _ in stores]
    sizes: list[list[int]] = [[] for _ in stores]
    cut = [0] * len(stores)
    answers: list[object] = []
    for node in ids:
        answers.clear()
        for i, store in enumerate(stores):
            start, start_cpu = time.perf_counter(), time.process_time()
            hood = store.neighbours(node, depth=depth, limit=limit)
            times[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
            sizes[i].append(len(hood.nodes))
            cut[i] += hood.truncated
            answers.append(hood)
        if any(a != answers[0] for a in answers):
            raise SystemExit(f"the walks disagree on {node} at depth {depth}")
    return [
        {**percentiles(t), **cpu_percentiles(c), "mean_nodes": round(float(np.mean(n)), 1), "truncated": k}
        for t, c, n, k in zip(times, cpu, sizes, cut, strict=True)
    ]


def first_call(store: DuckDBStore, node: str) -> dict[str, float]:
    """The first ``neighbours`` call, which builds the adjacency index: seconds, size, peak memory."""
    start, start_cpu = time.perf_counter(), time.process_time()
    store.neighbours(node)
    index = store._adjacency
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "cpu_s": round(time.process_time() - start_cpu, 2),  # both threads count
        "index_mb": round(index.nbytes / 1e6, 1) if index else 0.0,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "load_average_1min": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=100, help="neighbours returned at most (the default of the API)")
    parser.add_argument("--store", type=Path, help="a store to read (default: the bench_store_load one)")
    args = parser.parse_args()
    path = args.store or OUT / f"store_{args.nodes}_{args.edges}.duckdb"
    if args.store and not path.exists():
        raise SystemExit(f"no store at {path}")
    if not path.exists():
        folder = OUT / f"graph_{args.nodes}_{args.edges}"
        make_graph(folder, args.nodes, args.edges)
        load(str(folder), str(path))
    with DuckDBStore(path, adjacency=False) as sql:  # its first walk builds the index on edge ends it reads
        first = sql.node_table().slice(0, 1)
        sql.neighbours(format_id(first.column("label")[0].as_py(), first.column("nid")[0].as_py()))
    load_before = os.getloadavg()[0]
    rng = np.random.default_rng(11)
    with DuckDBStore(path, read_only=True) as store, DuckDBStore(path, read_only=True, adjacency=False) as sql:
        nodes = store.node_table()
        pick = rng.choice(nodes.num_rows, args.samples, replace=False)
        labels, numbers = nodes.column("label").take(pick).to_pylist(), nodes.column("nid").take(pick).to_pylist()
        ids = [format_id(lab, n) for lab, n in zip(labels, numbers, strict=True)]
        result: dict[str, object] = {"samples": args.samples, "limit": args.limit}
        result["first_call_builds_index"] = first_call(cast(DuckDBStore, store), ids[-1])
        # First touch: the blocks these nodes live in come from disk into DuckDB's buffer pool.
        result["hops_1_first_touch"] = measure([store], ids, 1, args.limit)[0]
        measure([store, sql], ids, 2, args.limit)  # the rest of the blocks: then every pass below is warm
        for depth in (1, 2):
            result[f"hops_{depth}"], result[f"sql_walk_hops_{depth}"] = measure([store, sql], ids, depth, args.limit)
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET threads = 1")  # as the store's point reads run
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(2):  # the second pass is warm, like the passes above
        times, cpu = [], []
        for n in numbers:
            start, start_cpu = time.perf_counter(), time.process_time()
            con.execute(
                "SELECT * FROM edges WHERE src = ? UNION ALL SELECT * FROM edges WHERE dst = ?", [n, n]
            ).fetchall()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    con.close()
    result["baseline_bare_edge_lookup"] = {**percentiles(times), **cpu_percentiles(cpu)}
    result["store"] = str(path)
    result["load_average_1min_before"] = load_before
    result["load_average_1min"] = os.getloadavg()[0]
    result["targets_p95_ms"] = {"hops_1": 5, "hops_2": 50}
    result["meets_targets"] = result["hops_1"]["p95_ms"] < 5 and result["hops_2"]["p95_ms"] < 50  # type: ignore[index]
    report("neighbours", result)


if __name__ == "__main__":
    main()
