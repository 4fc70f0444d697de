"""Benchmark: end-to-end ``cluegraph ingest`` of a synthetic world into an empty DuckDB store, next to a
row-at-a-time baseline on a sample of the same crossings, measured in the same run.

    python -m bench.bench_ingest --persons 200000          # about 1,000,000 crossings (world.json says)
    python -m bench.bench_ingest --world /tmp/w200k        # an existing world

End to end means everything ``cluegraph ingest`` does: discover, read and validate every file (crossings,
PAXLST, PNRGOV, associated), normalise, map to nodes and edges, resolve identities over all person-bearing
records, derive CO_TRAVELLED, write in one transaction, build the indexes, write the quarantine. The figure
is crossing records per second of that whole run (the other files are extra work it also does), and the
peak RSS of the process that ran it. The PAXLST, PNRGOV and associated files are read by a side process
(``ingest.pipeline.side``) while the crossings are read: ``cpu_s`` counts both processes, and the side
process's own peak RSS is given beside (it has ended before the store's commit, where the main peak is).
``stages_s`` gives each stage's wall (and ``*_cpu``: CPU seconds of the whole process meanwhile) as
``run_ingest`` measures them: ``read_map``; ``merge`` (the batch's rows merged one per item) and
``load_first_part`` (writing what does not wait for identities, then building the text index of those nodes)
run on the writer's thread while ``resolve`` runs on the main one, so their CPU seconds overlap resolution's;
``load_after_resolve`` is the rest of the write (people, their edges, the commit, the indexes), waiting for the
first part where it has not ended. With ``--sequential`` the stages run one after the other.
The baseline reads, normalises and upserts one crossing at a time (one transaction each: the way a loop
over rows would), on ``--sample`` rows.

Target (issue 4, acceptance 8): at least 100,000 crossing records/s end to end, under 6 GiB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import in_child, report

TARGET_PER_S = 100_000
LIMIT_GIB = 6.0


def ingest(world: str, store: str, background: bool = True) -> dict[str, Any]:
    """The pipeline, in this (child) process: wall time per stage, records. ``background``: the rows that
    do not wait for identity resolution are written while it runs (the default of ``cluegraph ingest``);
    without it the stages run one after the other and each stage's CPU seconds are its own."""
    import resource

    from ingest.pipeline.run import run_ingest

    load0 = os.getloadavg()[0]
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0, c0 = time.perf_counter(), time.process_time()
    rep = run_ingest(world, store, quarantine_dir=str(Path(store).parent / "q"), background=background)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the side reader (ingest.pipeline.side)
    side_cpu = (after.ru_utime + after.ru_stime) - (kids.ru_utime + kids.ru_stime)
    crossings = sum(f.read for f in rep.files if f.family == "crossings")
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu + side_cpu, 2), "side_process_cpu_s": round(side_cpu, 2),
            "side_process_peak_rss_mib": rep.seconds.get("read_side_peak_rss_mib"),
            "crossing_records": crossings, "all_records": rep.totals()["read"], "stages_s": rep.seconds,
            "persons": rep.identity.get("persons"), "reconciles": rep.reconciles, "background_load": background,
            "load_avg_1min": [round(load0, 2), round(os.getloadavg()[0], 2)]}


def baseline(world: str, store: str, sample: int) -> dict[str, Any]:
    """Row at a time: read one crossings row, normalise it with the scalar normalisers, upsert its nodes
    and edges in a transaction of its own."""
    import pandas as pd

    import ingest.normalise as n
    from graph.ids import node_id
    from graph.store import open_store

    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    with open(Path(world) / "crossings.csv", encoding="utf-8", newline="") as fh, open_store(store) as st:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= sample:
                break
            surname = n.normalise_name(row["surname"])
            issuer = n.normalise_country(row["doc_issuer"])
            number = n.normalise_doc_number(row["doc_number"])
            n.normalise_date(row["birth_date"], kind="birth")
            ref = f"crossings.csv:{i + 2}"
            person = f"DOC:{issuer}:{number}"
            with st.writer() as w:
                w.upsert_nodes("Person", pd.DataFrame([{"person_key": person, "surname": surname.latin if surname
                                                        else None, "sources": ref}]))
                w.upsert_nodes("Document", pd.DataFrame([{"issuer": issuer, "number": number, "sources": ref}]))
                w.upsert_nodes("Crossing", pd.DataFrame([{"crossing_id": row["crossing_id"], "sources": ref,
                                                          "first_seen": row["crossing_time"],
                                                          "last_seen": row["crossing_time"]}]))
                w.upsert_nodes("Port", pd.DataFrame([{"code": row["port"], "sources": ref}]))
                crossing = node_id("Crossing", row["crossing_id"])
                w.upsert_edges("MADE", pd.DataFrame([{"src": node_id("Person", person), "dst": crossing}]))
                w.upsert_edges("USED", pd.DataFrame([{"src": crossing, "dst": node_id("Document", issuer, number)}]))
                w.upsert_edges("AT", pd.DataFrame([{"src": crossing, "dst": node_id("Port", row["port"])}]))
            done += 1
    wall = time.perf_counter() - t0
    return {"rows": done, "wall_s": round(wall, 2), "cpu_s": round(time.process_time() - c0, 2),
            "records_per_s": round(done / wall, 1), "load_avg_1min": round(os.getloadavg()[0], 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--world", type=Path, default=None, help="an existing world (else one is generated)")
    ap.add_argument("--sample", type=int, default=200, help="rows for the row-at-a-time baseline")
    ap.add_argument("--sequential", action="store_true",
                    help="write after resolution, not during it (each stage's CPU seconds apart)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    world = args.world or tmp / "world"
    if args.world is None:
        subprocess.run([sys.executable, "-m", "cluegraph.cli", "world", str(world), "--persons",
                        str(args.persons), "--seed", str(args.seed)], check=True)
    meta = json.loads((world / "world.json").read_text())
    base = in_child(baseline, str(world), str(tmp / "baseline.duckdb"), args.sample)
    run = in_child(ingest, str(world), str(tmp / "g.duckdb"), not args.sequential)
    per_s = run["crossing_records"] / run["wall_s"]
    result = {
        "world": {"persons": meta["parameters"]["persons"], "crossings": meta["counts"]["crossings"],
                  "paxlst_files": meta["counts"]["paxlst_files"], "pnrgov_files": meta["counts"]["pnrgov_files"]},
        "cluegraph": {**run, "crossing_records_per_s": round(per_s, 1),
                      "crossing_records_per_cpu_s": round(run["crossing_records"] / run["cpu_s"], 1),
                      "all_records_per_s": round(run["all_records"] / run["wall_s"], 1),
                      "peak_rss_gib": round(run["peak_rss_mib"] / 1024, 2)},
        "baseline_row_at_a_time": base,
        "speedup": round(per_s / base["records_per_s"], 1),
        "target": {"crossing_records_per_s": TARGET_PER_S, "peak_rss_gib": LIMIT_GIB,
                   "met": per_s >= TARGET_PER_S and run["peak_rss_mib"] / 1024 < LIMIT_GIB},
    }
    report("ingest", result)
    shutil.rmtree(tmp, ignore_errors=True)  # the stores (and a generated world): 1.6 GB a run at 1M crossings
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
