"""``make bench``: every benchmark, each printing its figure next to a baseline measured in the same run.

python -m bench            # all, at the sizes the issues name (hours on a 2-core machine, several GiB)
python -m bench --quick    # the same code at about a tenth of the size, to check it runs
python -m bench --only runs dashboard   # some of them (names as in the list below)

The Neo4j benches run when CLUEGRAPH_TEST_NEO4J_URI names a server (`make neo4j` prints one), and are
skipped, saying so, otherwise. Figures land in bench/results/*.json.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

#: Screening is evaluated on worlds of these seeds (not used while developing it).
SEEDS = ["--seeds", "7711", "7712", "7713", "7714", "7715"]


def _benches(quick: bool) -> dict[str, list[str]]:
    k = 10 if quick else 1
    nodes, edges, persons = 1_000_000 // k, 5_000_000 // k, 1_000_000 // k
    return {
        "store_load": ["-m", "bench.bench_store_load", "--nodes", str(nodes), "--edges", str(edges)],
        "neighbours": ["-m", "bench.bench_neighbours", "--nodes", str(nodes), "--edges", str(edges)],
        "subgraph": ["-m", "bench.bench_subgraph", "--nodes", str(nodes), "--edges", str(edges)],
        "world": ["bench/bench_world.py", "--persons", str(persons)],
        "ingest": ["-m", "bench.bench_ingest", "--persons", str(200_000 // k)],
        "febrl": ["-m", "bench.bench_febrl"],
        "identity": ["-m", "bench.eval_identity", "--persons", str(20_000 // k)],
        "screening": ["-m", "bench.eval_screening", "--persons", str(100_000 // k), "--stress", "200", *SEEDS],
        "analytics": ["-m", "bench.bench_analytics", "--nodes", str(nodes), "--edges", str(edges)],
        "runs": ["-m", "bench.bench_runs", "--persons", str(persons), "--announced", str(100_000 // k)],
        "dashboard": ["-m", "bench.bench_dashboard", "--persons", str(persons)],
        "neo4j_load": ["-m", "bench.bench_neo4j_load", "--nodes", str(200_000 // k), "--edges", str(1_000_000 // k)],
        "sync": ["-m", "bench.bench_sync", "--persons", str(100_000 // k)],
    }


NEEDS_NEO4J = {"neo4j_load", "sync"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="about a tenth of the size")
    parser.add_argument("--only", nargs="+", help="run only these benches")
    args = parser.parse_args()
    benches = _benches(args.quick)
    unknown = set(args.only or []) - set(benches)
    if unknown:
        parser.error(f"unknown bench {sorted(unknown)}; known: {', '.join(benches)}")
    for name, run in benches.items():
        if args.only and name not in args.only:
            continue
        if name in NEEDS_NEO4J and not os.environ.get("CLUEGRAPH_TEST_NEO4J_URI"):
            print(f"\n=== {name}: skipped (set CLUEGRAPH_TEST_NEO4J_URI, e.g. from `make neo4j`)", flush=True)
            continue
        print(f"\n=== {name}: {' '.join(run)}", flush=True)
        subprocess.run([sys.executable, *run], check=True)


if __name__ == "__main__":
    main()
