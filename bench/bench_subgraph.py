"""``subgraph`` of 1-20 nodes on the 1M-node / 5M-edge store (a node and some of its neighbours, the shape
of one traveller's paths in the alerts stage): p50/p95 wall and CPU ms of the store's call, next to the two
SQL forms measured in the same run on the same sets: the old one, which binds the set as a list (DuckDB
scans every edge for it), and the store's, which reads the set's out-edges from the ``src`` index with node
numbers as integer literals. Both forms must return the same rows, or the bench stops.

Needs the store that ``bench.bench_store_load`` leaves behind (it builds one if missing), or ``--store``.

    python -m bench.bench_subgraph [--store PATH] [--samples 300]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from bench.bench_neighbours import cpu_percentiles
from bench.bench_store_load import OUT, load
from bench.common import make_graph, percentiles, report
from graph.ids import format_id, parse_id
from graph.store import open_store
from graph.store.duckdb_store import _EDGE_COLS, _NODE_COLS, _SUBGRAPH_EDGES
from graph.store.duckdb_walk import numbers as sql_numbers

OLD_NODES = f"SELECT {_NODE_COLS} FROM nodes WHERE nid IN (SELECT unnest($ids))"
OLD_EDGES = f"SELECT {_EDGE_COLS} FROM edges WHERE src IN (SELECT unnest($ids)) AND list_contains($ids, dst)"


def node_sets(path: Path, samples: int, seed: int = 3) -> list[list[str]]:
    """Random nodes, each with 0-19 of its neighbours."""
    rng = np.random.default_rng(seed)
    with open_store(path, read_only=True) as store:
        nodes = store.node_table()
        pick = rng.choice(nodes.num_rows, samples, replace=False)
        labels, numbers = nodes.column("label").take(pick).to_pylist(), nodes.column("nid").take(pick).to_pylist()
        sets = []
        for label, number in zip(labels, numbers, strict=True):
            center = format_id(label, number)
            others = sorted(set(store.neighbours(center, depth=1).hops) - {center})
            sets.append([center, *others[: int(rng.integers(0, 20))]])
    return sets


def timed_calls(sets: list[list[str]], call: Callable[[list[str]], Any]) -> dict[str, float]:
    times, cpu = [], []
    for ids in sets:
        start, start_cpu = time.perf_counter(), time.process_time()
        call(ids)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {**percentiles(times), **cpu_percentiles(cpu), "load_average_1min": os.getloadavg()[0]}


def sql_forms(path: Path, sets: list[list[str]]) -> dict[str, Any]:
    """The old and the new SQL on a bare connection (one thread, as the store's point reads run)."""
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET threads = 1")

    def old(ids: list[str]) -> list[Any]:
        numbers = sorted({parse_id(i)[1] for i in ids})
        nodes = con.execute(OLD_NODES, {"ids": numbers}).fetchall()
        return [nodes, con.execute(OLD_EDGES, {"ids": numbers}).fetchall()]

    def new(ids: list[str]) -> list[Any]:
        literals = sql_numbers(sorted({parse_id(i)[1] for i in ids}))
        nodes = con.execute(f"SELECT {_NODE_COLS} FROM nodes WHERE nid IN ({literals})").fetchall()
        return [nodes, con.execute(_SUBGRAPH_EDGES.replace("{ids}", literals)).fetchall()]

    for ids in sets:
        if [sorted(rows) for rows in old(ids)] != [sorted(rows) for rows in new(ids)]:
            raise SystemExit(f"the two forms disagree on {ids}")
    result = {"old_sql": timed_calls(sets, old), "new_sql": timed_calls(sets, new)}
    con.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--store", type=Path, help="a store to read (default: the bench_store_load one)")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    path = args.store or OUT / f"store_{args.nodes}_{args.edges}.duckdb"
    if not path.exists():
        folder = OUT / f"graph_{args.nodes}_{args.edges}"
        make_graph(folder, args.nodes, args.edges)
        load(str(folder), str(path))
    sets = node_sets(path, args.samples)
    result: dict[str, Any] = {"samples": len(sets), "mean_nodes": float(np.mean([len(s) for s in sets]))}
    result.update(sql_forms(path, sets))  # also warms the blocks the store's calls read
    with open_store(path, read_only=True) as store:
        result["mean_edges"] = float(np.mean([len(store.subgraph(s).edges) for s in sets]))
        result["store_subgraph"] = timed_calls(sets, store.subgraph)
    report("subgraph", result)


if __name__ == "__main__":
    main()
