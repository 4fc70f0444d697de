"""``make bench``: every benchmark, each printing its figure next to a baseline measured in the same run.

python -m bench            # all, at the sizes the issues name (several minutes, a few GiB)
python -m bench --quick    # the same code at a tenth of the size, to check it runs
"""

from __future__ import annotations

import argparse
import subprocess
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    nodes, edges, persons = (100_000, 500_000, 100_000) if args.quick else (1_000_000, 5_000_000, 1_000_000)
    runs = [
        ["-m", "bench.bench_store_load", "--nodes", str(nodes), "--edges", str(edges)],
        ["-m", "bench.bench_neighbours", "--nodes", str(nodes), "--edges", str(edges)],
        ["bench/bench_world.py", "--persons", str(persons)],
    ]
    for run in runs:
        print(f"\n=== {' '.join(run)}", flush=True)
        subprocess.run([sys.executable, *run], check=True)


if __name__ == "__main__":
    main()
