"""Bulk load into the DuckDB store: 1M nodes and 5M edges, then the same edges again (idempotent upsert).

Prints edges/s for the first load and the re-upsert, and the loading process's peak RSS, next to three
baselines measured in the same run:

- ``baseline_row_at_a_time``: one parameterised INSERT ... ON CONFLICT per edge (the way a naive loader
  writes), on a sample;
- ``baseline_plain_sorted_table``: the input columns exactly as they come (``src``, ``dst`` as 23-character
  text ids, two TIMESTAMPs, ``sources`` as text) copied into a new table sorted by the ``src`` text: no edge
  numbers, no parsing of ids, no checks, no JSON, no indexes. A floor for copying these bytes, not a store;
- ``baseline_numeric_indexed_table``: what the store's reads need at the least: the edges with their ends
  and edge numbers already computed (before the clock starts) as BIGINTs, inserted sorted by ``src`` into a
  table with the two timestamps and ``sources`` text, then the two ART indexes on ``src`` and ``dst`` built.

Each phase also reports the CPU seconds of the loading process (all its threads): on a machine shared with
other work the wall time swings several-fold, the CPU time and the ratios much less. ``*_block_end_s`` and
``*_block_end_cpu_s`` are the part spent after the last batch, in the writer block's end: the commit and,
on a first load, building the two edge indexes again.

    python -m bench.bench_store_load [--nodes 1000000] [--edges 5000000] [--sample 20000] [--out out/bench]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import edge_files, in_child, make_graph, node_files, report, timed
from graph.ids import edge_id
from graph.store import open_store

OUT = Path("out/bench")


@contextmanager
def cpu_timed() -> Iterator[list[float]]:
    """Wall and CPU seconds of a block (CPU of every thread of this process): ``[wall, cpu]``."""
    box: list[float] = []
    start, cpu = time.perf_counter(), time.process_time()
    yield box
    box += [time.perf_counter() - start, time.process_time() - cpu]


def load(folder: str, store_path: str) -> dict[str, Any]:
    """Load the generated graph twice into a fresh store; return timings."""
    Path(store_path).unlink(missing_ok=True)
    folder_p = Path(folder)
    edges = [(etype, pq.read_table(path)) for etype, path in edge_files(folder_p)]
    nodes = [(label, pq.read_table(path)) for label, path in node_files(folder_p)]
    n_edges, n_nodes = sum(t.num_rows for _, t in edges), sum(t.num_rows for _, t in nodes)
    result: dict[str, Any] = {"nodes": n_nodes, "edges": n_edges}
    with open_store(store_path) as store:
        with timed() as t, store.writer() as w:
            for label, table in nodes:
                w.upsert_nodes(label, table)
        result["node_load_s"] = round(t[0], 2)
        for phase in ("first_load", "re_upsert"):
            load_before = os.getloadavg()[0]
            with cpu_timed() as t, store.writer() as w:
                written = [w.upsert_edges(etype, table) for etype, table in edges]
                upserted = time.perf_counter(), time.process_time()
            ended = time.perf_counter(), time.process_time()
            result[f"{phase}_load_average_1m"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            result[f"{phase}_s"], result[f"{phase}_cpu_s"] = round(t[0], 2), round(t[1], 2)
            # the end of the writer block: the commit, and on a first load the two edge index builds
            result[f"{phase}_block_end_s"] = round(ended[0] - upserted[0], 2)
            result[f"{phase}_block_end_cpu_s"] = round(ended[1] - upserted[1], 2)
            result[f"{phase}_edges_per_s"] = round(n_edges / t[0])
            result[f"{phase}_inserted"] = sum(r.inserted for r in written)
            result[f"{phase}_updated"] = sum(r.updated for r in written)
        result["stored_edges"] = store.stats().to_dict()["total_edges"]
    result["file_mib"] = round(Path(store_path).stat().st_size / 2**20, 1)
    return result


def plain_sorted(folder: str, store_path: str) -> dict[str, Any]:
    """Baseline: the same edges as they come (ids as text), written to a plain DuckDB table sorted by ``src``."""
    Path(store_path).unlink(missing_ok=True)
    edges = pa.concat_tables([pq.read_table(path) for _, path in edge_files(Path(folder))])
    con = duckdb.connect(store_path)
    load_before = os.getloadavg()[0]
    with cpu_timed() as t:
        con.execute("BEGIN")
        con.execute("CREATE TABLE edges AS SELECT * FROM edges ORDER BY src")
        con.execute("COMMIT")
    con.close()
    Path(store_path).unlink(missing_ok=True)
    return _figures(edges.num_rows, t, load_before)


def _figures(rows: int, t: list[float], load_before: float) -> dict[str, Any]:
    """A baseline's figures: rows a second, wall and CPU seconds, the load average before and after."""
    return {
        "edges_per_s": round(rows / t[0]),
        "s": round(t[0], 2),
        "cpu_s": round(t[1], 2),
        "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def numeric_indexed(folder: str, store_path: str) -> dict[str, Any]:
    """Baseline: the edges with numbers already computed, inserted sorted by ``src``, then indexed on both ends."""
    Path(store_path).unlink(missing_ok=True)
    con = duckdb.connect(store_path)
    con.register("edges", pa.concat_tables([pq.read_table(path) for _, path in edge_files(Path(folder))]))
    con.execute("SET TimeZone = 'UTC'")
    nums = con.sql(
        "SELECT (hash(src, dst) >> 1)::BIGINT AS eid, ('0x' || right(src, 16))::BIGINT AS src, "
        "('0x' || right(dst, 16))::BIGINT AS dst, first_seen::TIMESTAMP AS first_seen, "
        "last_seen::TIMESTAMP AS last_seen, sources FROM edges"
    ).to_arrow_table()
    con.execute(
        "CREATE TABLE e (eid BIGINT, src BIGINT, dst BIGINT, first_seen TIMESTAMP, last_seen TIMESTAMP, "
        "sources VARCHAR)"
    )
    load_before = os.getloadavg()[0]
    with cpu_timed() as t:
        con.execute("BEGIN")
        con.execute("INSERT INTO e SELECT * FROM nums ORDER BY src")
        con.execute("COMMIT")
        con.execute("CREATE INDEX e_src ON e (src)")
        con.execute("CREATE INDEX e_dst ON e (dst)")
    con.close()
    Path(store_path).unlink(missing_ok=True)
    return _figures(nums.num_rows, t, load_before)


def row_at_a_time(folder: Path, sample: int, store_path: Path) -> dict[str, Any]:
    """Baseline: one parameterised upsert statement per edge, on a sample."""
    store_path.unlink(missing_ok=True)
    con = duckdb.connect(str(store_path))
    con.execute("""CREATE TABLE edges (eid VARCHAR PRIMARY KEY, type VARCHAR, src VARCHAR, dst VARCHAR,
                   first_seen TIMESTAMP, last_seen TIMESTAMP, sources VARCHAR[])""")
    etype, path = edge_files(folder)[0]
    rows = pq.read_table(path).slice(0, sample).to_pylist()
    sql = """INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, [?]) ON CONFLICT (eid) DO UPDATE SET
             first_seen = least(edges.first_seen, excluded.first_seen),
             last_seen = greatest(edges.last_seen, excluded.last_seen),
             sources = list_sort(list_distinct(list_concat(edges.sources, excluded.sources)))"""
    start = time.perf_counter()
    for r in rows:
        con.execute(
            sql,
            [
                edge_id(etype, r["src"], r["dst"]),
                etype,
                r["src"],
                r["dst"],
                r["first_seen"],
                r["last_seen"],
                r["sources"],
            ],
        )
    elapsed = time.perf_counter() - start
    con.close()
    return {"sample_edges": len(rows), "edges_per_s": round(len(rows) / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--sample", type=int, default=5_000, help="rows for the row-at-a-time baseline")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the stores (the graph stays in out/bench)")
    args = parser.parse_args()
    folder = OUT / f"graph_{args.nodes}_{args.edges}"
    with timed() as t:
        made = make_graph(folder, args.nodes, args.edges)
    print(f"generated {made['nodes']:,} nodes and {made['edges']:,} edges in {t[0]:.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    ours = in_child(load, str(folder), str(args.out / f"store_{args.nodes}_{args.edges}.duckdb"))
    plain = in_child(plain_sorted, str(folder), str(args.out / "baseline_plain.duckdb"))
    numeric = in_child(numeric_indexed, str(folder), str(args.out / "baseline_numeric.duckdb"))
    base = row_at_a_time(folder, args.sample, args.out / "baseline_rows.duckdb")
    report(
        "store_load",
        {
            "cluegraph": ours,
            "baseline_row_at_a_time": base,
            "baseline_plain_sorted_table": plain,
            "baseline_numeric_indexed_table": numeric,
            "ratio_first_load_vs_baseline": round(ours["first_load_edges_per_s"] / base["edges_per_s"], 1),
            "ratio_first_load_vs_plain_sorted": round(ours["first_load_edges_per_s"] / plain["edges_per_s"], 2),
            # CPU seconds swing far less than wall time on a shared machine: the same ratio in CPU
            "ratio_first_load_cpu_vs_plain_sorted": round(ours["first_load_cpu_s"] / plain["cpu_s"], 2),
            "ratio_first_load_cpu_vs_numeric_indexed": round(ours["first_load_cpu_s"] / numeric["cpu_s"], 2),
            "targets": {"first_load_edges_per_s": 1_000_000, "re_upsert_edges_per_s": 300_000, "peak_rss_mib": 4096},
            "meets_targets": ours["first_load_edges_per_s"] >= 1_000_000
            and ours["re_upsert_edges_per_s"] >= 300_000
            and ours["peak_rss_mib"] < 4096,
        },
    )


if __name__ == "__main__":
    main()
