"""Issue #7 item 4: a batch run over ~100,000 announced travellers against a 1,000,000-person graph, end to
end, with per-stage timings and peak memory; next to a row-at-a-time baseline measured in the same run on a
sample (each traveller looked at alone: two hops of neighbours from the store, and which seeds they reach).

python -m bench.bench_runs --store big.duckdb --from 2026-02-20 --to 2026-03-07
    (the store: `cluegraph world DIR --persons 1000000` then `cluegraph ingest DIR --store big.duckdb`)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import peak_rss_mib, report


def _baseline(store_path: str, persons: list[str], seeds: set[str]) -> float:
    """Travellers per second when each is looked at alone through the store."""
    from graph.store import open_store

    with open_store(store_path, read_only=True) as st:
        t0 = time.perf_counter()
        reached = 0
        for pid in persons:
            hood = st.neighbours(pid, depth=2, limit=500)
            reached += any(n.id in seeds for n in hood.nodes)
        secs = time.perf_counter() - t0
    return len(persons) / secs if secs > 0 else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="an ingested DuckDB store (it is copied, not changed)")
    parser.add_argument("--from", dest="start", required=True)
    parser.add_argument("--to", dest="end", required=True)
    parser.add_argument("--sample", type=int, default=300, help="travellers in the row-at-a-time baseline")
    args = parser.parse_args()

    from analytics.runs import load_batch_config, run_batch
    from graph.store import open_store

    work = Path(tempfile.mkdtemp(prefix="bench_runs_"))
    store = work / "store.duckdb"
    shutil.copy(args.store, store)
    with open_store(str(store)) as st:
        persons = st.stats().nodes.get("Person", 0)
        t0 = time.perf_counter()
        result = run_batch(st, start=date.fromisoformat(args.start), end=date.fromisoformat(args.end),
                           config=load_batch_config(), out_dir=work / "run", store_uri=str(store))
        total = time.perf_counter() - t0
    rss = peak_rss_mib()
    announced = result.manifest["counts"]["announced_rows"]
    sample = result.worklist["person_id"].drop_duplicates().head(args.sample).tolist()
    seeds = {p for p, s in zip(result.worklist["person_id"], result.worklist["score"], strict=True) if s >= 0.5}
    base = _baseline(str(store), sample, seeds)
    report("bench_runs", {
        "persons_in_graph": persons,
        "announced_rows": announced,
        "announced_persons": result.manifest["counts"]["announced_persons"],
        "total_s": round(total, 2),
        "travellers_per_s": round(announced / total, 1),
        "stage_s": result.timings,
        "peak_rss_gib": round(rss / 1024, 2),
        "baseline_row_at_a_time_travellers_per_s": round(base, 1),
        "baseline_sample": len(sample),
        "speedup_vs_baseline": round(announced / total / base, 1) if base else None,
        "targets": {"total_s": 60, "peak_rss_gib": 8},
    })
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
