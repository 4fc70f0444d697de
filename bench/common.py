"""Shared pieces of the benchmarks: a synthetic graph of a given size, timing, memory, reporting."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

RESULTS = Path(__file__).parent / "results"

#: (label, share of nodes, key column)
NODE_MIX = (
    ("Person", 0.5, "person_key"),
    ("Phone", 0.2, "number"),
    ("Email", 0.1, "address"),
    ("Document", 0.2, "number"),
)
#: Labels whose key has a fixed first part in the synthetic graph (Document: issuer, then number).
KEY_PREFIX = {"Document": ("issuer", "XXA")}
#: (edge type, share of edges, source label, target label)
EDGE_MIX = (
    ("USES", 0.4, "Person", "Phone"),
    ("USES", 0.2, "Person", "Email"),
    ("HOLDS", 0.2, "Person", "Document"),
    ("CO_TRAVELLED", 0.2, "Person", "Person"),
)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_1m() -> float:
    """The machine's 1-minute load average, to two places (2 cores, shared: figures are noisy above 2)."""
    return round(os.getloadavg()[0], 2)


@contextmanager
def timed() -> Iterator[list[float]]:
    """Measure wall time of a block: ``with timed() as t: ...; t[0]`` is seconds."""
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def percentiles(samples_s: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds."""
    arr = np.asarray(samples_s) * 1000
    return {
        "p50_ms": float(np.percentile(arr, 50)),
        "p95_ms": float(np.percentile(arr, 95)),
        "p99_ms": float(np.percentile(arr, 99)),
    }


def report(name: str, result: dict[str, Any]) -> None:
    """Print a result and keep it in bench/results/NAME.json."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, sort_keys=True))
    print(json.dumps({name: result}, indent=2, sort_keys=True))


def make_graph(out: Path, nodes: int, edges: int, seed: int = 7) -> dict[str, Any]:
    """Write a synthetic graph as Parquet: ``nodes_<Label>.parquet`` and ``edges_<i>_<TYPE>.parquet``.

    Node keys are synthetic strings; ids are computed with DuckDB's md5 (the same function the store uses),
    so generating a million nodes takes seconds. Edges are distinct per type (duplicates are dropped).
    """
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    ids: dict[str, np.ndarray] = {}
    for label, share, key in NODE_MIX:
        n = int(nodes * share)
        prefix_col, prefix = KEY_PREFIX.get(label, ("", ""))
        first_col = f"'{prefix}' AS {prefix_col}," if prefix_col else ""
        canon = f"'{label}' || chr(31) || " + (f"'{prefix}' || chr(31) || " if prefix else "")
        rel = con.sql(
            f"""SELECT {first_col} '{label[:3].upper()}-' || lpad(i::VARCHAR, 9, '0') AS {key},
                   '{label}:' || lpad(printf('%x', (md5_number_upper({canon} '{label[:3].upper()}-'
                       || lpad(i::VARCHAR, 9, '0')) >> 1)::BIGINT), 16, '0') AS id,
                   'bench.csv:' || i::VARCHAR AS sources,
                   DATE '2020-01-01' + (i % 1500)::INTEGER AS first_seen
               FROM range({n}) t(i)"""
        )
        table = rel.to_arrow_table()
        ids[label] = table.column("id").to_numpy(zero_copy_only=False)
        pq.write_table(table.drop(["id"]), out / f"nodes_{label}.parquet")
    total = 0
    for i, (etype, share, src_label, dst_label) in enumerate(EDGE_MIX):
        m = int(edges * share * 1.02)
        s = rng.integers(0, len(ids[src_label]), m)
        d = rng.integers(0, len(ids[dst_label]), m)
        if etype == "CO_TRAVELLED":
            s, d = np.minimum(s, d), np.maximum(s, d)
            keep = s != d
            s, d = s[keep], d[keep]
        pair = np.unique(s.astype(np.int64) * len(ids[dst_label]) + d)[: int(edges * share)]
        rng.shuffle(pair)
        s, d = pair // len(ids[dst_label]), pair % len(ids[dst_label])
        days = rng.integers(0, 1500, len(s))
        first = (np.datetime64("2020-01-01") + days.astype("timedelta64[D]")).astype("datetime64[us]")
        table = pa.table(
            {
                "src": pa.array(ids[src_label][s], pa.string()),
                "dst": pa.array(ids[dst_label][d], pa.string()),
                "first_seen": first,
                "last_seen": first + rng.integers(0, 200, len(s)).astype("timedelta64[D]"),
                "sources": pa.array(np.char.add("bench.csv:", (s % 100_000).astype(str)), pa.string()),
            }
        )
        total += table.num_rows
        pq.write_table(table, out / f"edges_{i}_{etype}.parquet")
    return {"nodes": sum(int(nodes * s) for _, s, _ in NODE_MIX), "edges": total}


def node_files(folder: Path) -> list[tuple[str, Path]]:
    """(label, file) for the node files of a generated graph."""
    return [(p.stem.removeprefix("nodes_"), p) for p in sorted(folder.glob("nodes_*.parquet"))]


def edge_files(folder: Path) -> list[tuple[str, Path]]:
    """(edge type, file) for the edge files of a generated graph."""
    return [(p.stem.split("_", 2)[2], p) for p in sorted(folder.glob("edges_*.parquet"))]


def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a fresh process and return its result with that process's peak RSS."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(_with_rss, (fn, *args))


def _with_rss(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    result = fn(*args)
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    result["pid"] = os.getpid()
    return result
