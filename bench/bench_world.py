"""Benchmark: build a large synthetic world in a child process; print wall time, crossings/s, peak RSS.

    python bench/bench_world.py --persons 1000000 --out /tmp/world1m

The acceptance target (issue 3) is a 1,000,000-person world with about 5,000,000 crossings in under
10 minutes and under 8 GiB. Peak RSS is the child's, from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 600
LIMIT_GIB = 8.0


def run(persons: int, days: int, seed: int, out: Path) -> dict[str, float]:
    """Build the world in a child process and measure it."""
    cmd = [
        sys.executable,
        "-m",
        "cluegraph.cli",
        "world",
        str(out),
        "--persons",
        str(persons),
        "--days",
        str(days),
        "--seed",
        str(seed),
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t0
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # KiB on Linux
    counts = json.loads((out / "world.json").read_text())["counts"]
    return {
        "persons": persons,
        "wall_s": wall,
        "crossings": counts["crossings"],
        "crossings_per_s": counts["crossings"] / wall,
        "peak_rss_gib": peak_gib,
        "paxlst_files": counts["paxlst_files"],
        "pnrgov_files": counts["pnrgov_files"],
    }


def main() -> int:
    """Parse options, run, print a table, and exit non-zero when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cluegraph-world-") as tmp:
        r = run(args.persons, args.days, args.seed, args.out or Path(tmp))
    print(
        f"world bench: {r['persons']:,} persons -> {r['crossings']:,} crossings, "
        f"{r['paxlst_files']:,} PAXLST + {r['pnrgov_files']:,} PNRGOV files"
    )
    print(f"  wall time   {r['wall_s']:8.1f} s   (target < {LIMIT_SECONDS} s)")
    print(f"  crossings/s {r['crossings_per_s']:8,.0f}")
    print(f"  peak RSS    {r['peak_rss_gib']:8.2f} GiB (target < {LIMIT_GIB} GiB)")
    ok = r["wall_s"] < LIMIT_SECONDS and r["peak_rss_gib"] < LIMIT_GIB
    return 0 if ok or args.persons < 1_000_000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
