"""Issue #7 item 4: a batch run over ~100,000 announced travellers against a 1,000,000-person graph, end to
end, with per-stage wall and CPU seconds (the process's, every thread), the 1-minute load average and peak
memory; next to a row-at-a-time baseline measured in the same run on a sample (each traveller looked at
alone: two hops of neighbours from the store, and which seeds they reach).

Two ways to get the graph:
- ``--store X.duckdb --from D --to D``: an ingested world (`cluegraph world DIR --persons N` then
  `cluegraph ingest DIR --store X.duckdb`); it is copied, not changed;
- ``--persons 1000000 --announced 100000`` (default): a synthetic graph written through the store's writer:
  the dashboard bench's people (names, birth dates, passports, phones, bookings, co-travel), plus voyages
  over seven days with ``--announced`` API announcements, 300 watchlist entries naming people of the graph
  (half under a spelling variant) and 200 naming nobody, and 100 cases of three subjects each. (Ingesting a
  1,000,000-person world takes too long on this machine today: see docs/ingest.md.)

python -m bench.bench_runs [--persons 1000000 --announced 100000] | [--store X.duckdb --from D --to D]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import peak_rss_mib, report

WINDOW = (date(2026, 3, 1), date(2026, 3, 7))


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


def synthetic_store(path: Path, persons: int, announced: int, seed: int = 17) -> dict[str, float]:
    """The dashboard bench's people graph plus voyages, announcements, watchlist entries and cases."""
    from bench.bench_dashboard import VARIANTS, build
    from graph.ids import node_ids
    from graph.store import open_store

    t0 = time.perf_counter()
    build(path, persons)
    rng = np.random.default_rng(seed)
    n_voy = max(announced // 150, 7)
    days = np.array([(WINDOW[0] + pd.Timedelta(days=int(d))).isoformat() for d in rng.integers(0, 7, n_voy)])
    numbers = np.char.add("QX", np.arange(n_voy).astype(str))
    voyages = pd.DataFrame({"carrier": "QX", "number": numbers, "date": days, "arr_port": "HKG",
                            "arr_time": np.char.add(days, "T10:00")})
    vid = node_ids("Voyage", voyages["carrier"], voyages["number"], voyages["date"]).to_numpy(zero_copy_only=False)
    who = rng.choice(persons, announced, replace=False)
    keys = np.char.add("P-", np.char.zfill(who.astype(str), 7))
    pid = node_ids("Person", keys).to_numpy(zero_copy_only=False)
    with open_store(str(path), read_only=True) as st:
        people = st.subgraph(list(pid[:300])).nodes
    listed = [n.props for n in people]
    wl = pd.DataFrame({
        "list": "NATIONAL", "entry_id": [f"WL-{i:05d}" for i in range(500)],
        "surname": [VARIANTS.get(p["surname"], p["surname"]) if i % 2 else p["surname"] for i, p in enumerate(listed)]
        + ["NOBODY"] * 200,
        "given_names": [p["given_names"] for p in listed] + [f"ALEX {i}" for i in range(200)],
        "birth_date": [p["birth_date"] for p in listed] + ["1901-01-01"] * 200,
        "nationality": [p["nationality"] for p in listed] + ["XXA"] * 200, "listed_on": "2026-01-15"})
    subjects = pid[300:600]
    cases = [f"C-{i:04d}" for i in range(100)]
    with open_store(str(path)) as st, st.writer(bulk=True) as w:
        w.upsert_nodes("Voyage", voyages)
        w.upsert_edges("ANNOUNCED", pd.DataFrame({
            "src": pid, "dst": vid[rng.integers(0, n_voy, announced)], "role": "PASSENGER", "doc_issuer": "XXA",
            "doc_number": np.char.add("D", np.char.zfill(who.astype(str), 8)),
            "sources": [f"bench.edi#msg{i}" for i in range(announced)]}))
        w.upsert_nodes("WatchlistEntry", wl)
        w.upsert_nodes("Case", pd.DataFrame({"case_id": cases, "case_type": "SMUGGLING", "opened": "2025-06-01",
                                             "severity": "HIGH"}))
        w.upsert_edges("INVOLVED_IN", pd.DataFrame({
            "src": subjects, "dst": node_ids("Case", np.repeat(cases, 3)).to_numpy(zero_copy_only=False),
            "role": np.tile(["ORGANISER", "SUSPECT", "ACCOMPLICE"], 100)}))
    return {"build_s": round(time.perf_counter() - t0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="an ingested DuckDB store (it is copied, not changed)")
    parser.add_argument("--from", dest="start", default=WINDOW[0].isoformat())
    parser.add_argument("--to", dest="end", default=WINDOW[1].isoformat())
    parser.add_argument("--persons", type=int, default=1_000_000, help="people in the synthetic graph")
    parser.add_argument("--announced", type=int, default=100_000, help="announced travellers (synthetic graph)")
    parser.add_argument("--sample", type=int, default=300, help="travellers in the row-at-a-time baseline")
    args = parser.parse_args()

    from analytics.runs import load_batch_config, run_batch
    from graph.store import open_store

    work = Path(tempfile.mkdtemp(prefix="bench_runs_"))
    store = work / "store.duckdb"
    graph: dict[str, object] = {"source": args.store or "synthetic"}
    if args.store:
        shutil.copy(args.store, store)
    else:
        graph.update(synthetic_store(store, args.persons, args.announced))
    with open_store(str(store)) as st:
        persons = st.stats().nodes.get("Person", 0)
        t0, c0, load0 = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        result = run_batch(st, start=date.fromisoformat(args.start), end=date.fromisoformat(args.end),
                           config=load_batch_config(), out_dir=work / "run", store_uri=str(store))
        total, cpu, load1 = time.perf_counter() - t0, time.process_time() - c0, os.getloadavg()[0]
    rss = peak_rss_mib()
    announced = result.manifest["counts"]["announced_rows"]
    sample = result.worklist["person_id"].drop_duplicates().head(args.sample).tolist()
    seeds = {p for p, s in zip(result.worklist["person_id"], result.worklist["score"], strict=True) if s >= 0.5}
    base = _baseline(str(store), sample, seeds)
    report("bench_runs", {
        "graph": graph,
        "persons_in_graph": persons,
        "announced_rows": announced,
        "announced_persons": result.manifest["counts"]["announced_persons"],
        "total_s": round(total, 2),
        "travellers_per_s": round(announced / total, 1),
        "cpu_s": round(cpu, 2),
        "stage_s": result.timings,
        "stage_cpu_s": result.cpu,
        "load_1min": {"start": round(load0, 2), "end": round(load1, 2)},
        "peak_rss_gib": round(rss / 1024, 2),
        "baseline_row_at_a_time_travellers_per_s": round(base, 1),
        "baseline_sample": len(sample),
        "speedup_vs_baseline": round(announced / total / base, 1) if base else None,
        "targets": {"total_s": 60, "peak_rss_gib": 8},
    })
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
