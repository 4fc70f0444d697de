"""Write throughput of the Neo4j store (nodes/s, relationships/s) at 1,000,000 relationships, next to a naive
writer measured in the same run on a sample: one row per transaction, one MERGE each.

Needs a Neo4j server: ``CLUEGRAPH_TEST_NEO4J_URI`` or the one ``tools/neo4j/neo4j.sh start`` runs (started
and stopped here when none is given). The database is emptied first.

    python -m bench.bench_neo4j_load [--nodes 200000] [--edges 1000000] [--batch 20000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from neo4j import GraphDatabase

from bench.common import edge_files, make_graph, node_files, report, timed
from graph.ids import edge_id
from graph.store import open_store

OUT = Path("out/bench")


def _empty(uri: str) -> None:
    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def load(uri: str, folder: Path, batch: int) -> dict[str, Any]:
    """Nodes then edges through the store's writer, ``batch`` rows a transaction."""
    result: dict[str, Any] = {"batch": batch}
    with open_store(uri) as store:
        for kind, files, upsert in (
            ("nodes", node_files(folder), "upsert_nodes"),
            ("edges", edge_files(folder), "upsert_edges"),
        ):
            count = 0
            with timed() as t:
                for name, path in files:
                    for chunk in pq.read_table(path).to_batches(max_chunksize=batch):
                        with store.writer() as w:
                            getattr(w, upsert)(name, chunk.to_pandas())
                        count += chunk.num_rows
            result[kind] = count
            result[f"{kind}_s"] = round(t[0], 1)
            result[f"{kind}_per_s"] = round(count / t[0])
    return result


def naive(uri: str, folder: Path, sample: int) -> dict[str, Any]:
    """Baseline: one relationship per transaction, one MERGE, as a first script would write it."""
    etype, path = edge_files(folder)[0]
    rows = pq.read_table(path).slice(0, sample).to_pylist()
    cypher = (
        f"MATCH (a:Person {{id: $src}}) MATCH (b:Phone {{id: $dst}}) "
        f"MERGE (a)-[r:{etype}_NAIVE {{id: $id}}]->(b) SET r.first_seen = $first, r.sources = [$source]"
    )
    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        start = time.perf_counter()
        for r in rows:
            session.execute_write(
                lambda tx, r=r: tx.run(
                    cypher,
                    src=r["src"],
                    dst=r["dst"],
                    id=edge_id(etype, r["src"], r["dst"]),
                    first=r["first_seen"],
                    source=r["sources"],
                ).consume()
            )
        elapsed = time.perf_counter() - start
    return {"sample_relationships": len(rows), "relationships_per_s": round(len(rows) / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    uri, started = os.environ.get("CLUEGRAPH_TEST_NEO4J_URI", ""), False
    if not uri:
        uri = (
            subprocess.run(["bash", "tools/neo4j/neo4j.sh", "start"], check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        started = True
    load_before = os.getloadavg()[0]
    try:
        folder = OUT / f"graph_{args.nodes}_{args.edges}"
        make_graph(folder, args.nodes, args.edges)
        _empty(uri)
        ours = load(uri, folder, args.batch)
        base = naive(uri, folder, args.sample)
        _empty(uri)
    finally:
        if started:
            subprocess.run(["bash", "tools/neo4j/neo4j.sh", "stop"], check=False)
    report(
        "neo4j_load",
        {
            "cluegraph": ours,
            "baseline_one_row_per_transaction": base,
            "ratio_vs_baseline": round(ours["edges_per_s"] / base["relationships_per_s"], 1),
            "target_relationships_per_s": 50_000,
            "meets_target": ours["edges_per_s"] >= 50_000,
            # The machine is shared: the 1-minute load average (2 cores) says how much of it the run had.
            "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        },
    )


if __name__ == "__main__":
    main()
