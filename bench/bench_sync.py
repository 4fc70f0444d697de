"""``sync`` of an embedded graph (a DuckDB store) to Neo4j, then the contract queries on both stores.

Times the first sync and a second one (idempotent: it must change nothing), then asks both stores the
same questions and counts the answers that differ (the figure must be 0): counts per label and type, the
edge list, ``get``, ``neighbours`` (depth 1 to 3, with a type filter and a time window), ``subgraph`` and
``find`` by text, for a sample of nodes. Baseline in the same run: the same copy one row per transaction,
on a sample.

Needs a Neo4j server: ``CLUEGRAPH_TEST_NEO4J_URI`` or the one ``tools/neo4j/neo4j.sh start`` runs (started
and stopped here when none is given). The database is emptied first. With the local server of
``tools/neo4j`` the first sync goes through the store's offline first load (``CLUEGRAPH_NEO4J_IMPORT``,
see ``graph/store/neo4j_import.py``) unless ``--no-import``; the second one always writes transactions.

    python -m bench.bench_sync --store out/bench/world_100000.duckdb     # any DuckDB store
    python -m bench.bench_sync --persons 100000    # builds it: cluegraph world + cluegraph ingest (cached)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.bench_neo4j_load import NEO4J_SH, costs, empty_database
from bench.common import report, timed
from graph.store import GraphStore, open_store
from graph.sync import compare, sync

OUT = Path("out/bench")
CLI = [str(Path(sys.executable).with_name("cluegraph"))]


def world_store(persons: int, seed: int = 7) -> Path:
    """A DuckDB store holding an ingested synthetic world of ``persons`` (built once, then reused)."""
    world, store = OUT / f"world_{persons}", OUT / f"world_{persons}.duckdb"
    if not store.exists():
        if not (world / "world.json").exists():
            subprocess.run([*CLI, "world", str(world), "--persons", str(persons), "--seed", str(seed)], check=True)
        subprocess.run([*CLI, "ingest", str(world), "--store", str(store)], check=True)
    return store


@contextmanager
def neo4j_uri() -> Iterator[str]:
    """The server to bench against: ``CLUEGRAPH_TEST_NEO4J_URI``, or one started (and stopped) here."""
    uri = os.environ.get("CLUEGRAPH_TEST_NEO4J_URI", "")
    if uri:
        yield uri
        return
    out = subprocess.run(["bash", "tools/neo4j/neo4j.sh", "start"], check=True, capture_output=True, text=True)
    try:
        yield out.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", "tools/neo4j/neo4j.sh", "stop"], check=False)


def empty(uri: str) -> None:
    """Delete everything (the local test server: reset and started again on its port)."""
    empty_database(uri)


def timed_sync(source: GraphStore, target: GraphStore, batch: int) -> dict[str, Any]:
    """One sync, timed; rows copied and rows/s for nodes and edges together."""
    start = time.perf_counter()

    def progress(name: str, rows: int) -> None:
        print(f"  {time.perf_counter() - start:7.1f} s  {name}: {rows:,}", file=sys.stderr, flush=True)

    out: dict[str, Any] = {}
    with costs(out):
        copied = sync(source, target, batch=batch, progress=progress)
    nodes = sum(v for k, v in copied.items() if k in source.schema.nodes)
    edges = sum(v for k, v in copied.items() if k in source.schema.edges)
    rate = round((nodes + edges) / out["wall_s"])
    return {"nodes": nodes, "edges": edges, "s": out["wall_s"], "rows_per_s": rate, **out}


def one_row_per_transaction(source: GraphStore, target: GraphStore, sample: int) -> dict[str, Any]:
    """Baseline: the first ``sample`` Person rows copied through the same writer, one row a transaction."""
    rows = next(source.export_nodes("Person", batch=sample))
    with timed() as t:
        for i in range(rows.num_rows):
            with target.writer() as w:
                w.upsert_nodes("Person", rows.slice(i, 1))
    return {"rows": rows.num_rows, "rows_per_s": round(rows.num_rows / t[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="a DuckDB store to sync (default: an ingested world of --persons)")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=200, help="nodes whose neighbourhoods are compared")
    parser.add_argument("--baseline", type=int, default=1_000, help="rows of the one-row-per-transaction copy")
    parser.add_argument("--no-again", action="store_true", help="skip the second (idempotent) sync")
    parser.add_argument("--no-import", action="store_true", help="first sync by transactions, not the importer")
    args = parser.parse_args()
    if not args.no_import:
        os.environ["CLUEGRAPH_NEO4J_IMPORT"] = f"bash {NEO4J_SH} import"
    path = Path(args.store) if args.store else world_store(args.persons)
    load_before = os.getloadavg()[0]
    with neo4j_uri() as uri, open_store(path, read_only=True) as source:
        empty(uri)
        with open_store(uri) as target:
            base = one_row_per_transaction(source, target, args.baseline)
        empty(uri)  # may restart the local server: the target is opened again after it
        with open_store(uri) as target:
            first = timed_sync(source, target, args.batch)
            again = None if args.no_again else timed_sync(source, target, args.batch)
            with timed() as t:
                same = {**compare(source, target, sample=args.sample)}
            same["s"] = round(t[0], 1)
            same["load_average_1m"] = round(os.getloadavg()[0], 1)
        empty(uri)
    report(
        "sync",
        {
            "source": str(path),
            "batch": args.batch,
            "first_sync_path": "transactions" if args.no_import else "offline import when the server is local",
            "first_sync": first,
            "second_sync_idempotent": again,
            "answers": same,
            "baseline_one_row_per_transaction": base,
            "ratio_vs_baseline": round(first["rows_per_s"] / base["rows_per_s"], 1),
            "same_answers": same["differ"] == 0,
            # The machine is shared: the 1-minute load average (2 cores) says how much of it the run had.
            "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        },
    )


if __name__ == "__main__":
    main()
