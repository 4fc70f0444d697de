"""Time screening's stages on a large population: clean (romanise and key names), blocking, scoring.

The population is a world's document records (``bench.eval_screening.person_table``) repeated ``--scale``
times with the birth year moved by the copy number (so 100,000 persons x 10 make a 1,000,000-record frame
with the world's name distribution); the entries are the world's watchlist plus ``--stress`` variant entries
and as many near misses. ``--before REV`` also times ``candidate_pairs`` and ``score_pairs`` as they were at
git revision REV (``score_pairs`` on a sample of at most 50,000 of the same pairs, per pair) on the very
same frames: the baseline, in the same run.

    python -m bench.bench_screening --world DIR --scale 10 --stress 120 --before 014280b
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.screening_blocking import candidate_pairs, clean
from analytics.screening_score import ScoreWeights, score_pairs
from bench.common import peak_rss_mib, report
from bench.eval_screening import person_table, stress_entries, watchlist_table


def population(world: Path, scale: int) -> pd.DataFrame:
    """The world's records, ``scale`` copies, each copy's birth years moved by its number."""
    cache = world / "screening_people.parquet"  # reading every crossing takes a while; once per world
    if not cache.exists():
        person_table(world).to_parquet(cache)
    base = pd.read_parquet(cache)
    copies = []
    for k in range(scale):
        c = base.copy()
        c["id"] = c["id"] + f"#{k}"
        year = pd.to_numeric(c["birth_date"].str[:4], errors="coerce") - k
        c["birth_date"] = year.astype("Int64").astype(str).str.cat(c["birth_date"].str[4:]).where(year.notna())
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def _stage(fn: Any, *args: Any, **kw: Any) -> tuple[Any, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return out, {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(time.process_time() - cpu, 2),
                 "load_1m": round(os.getloadavg()[0], 2)}


def old_module(rev: str, name: str = "screening_score") -> types.ModuleType:
    """``analytics/NAME.py`` as it was at ``rev`` (a module of its own, not installed)."""
    src = subprocess.run(["git", "show", f"{rev}:analytics/{name}.py"], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1]).stdout
    mod = types.ModuleType(f"{name}_{rev}")
    sys.modules[mod.__name__] = mod  # dataclasses look their module up
    exec(compile(src, f"{name}@{rev}", "exec"), mod.__dict__)
    return mod


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--stress", type=int, default=120)
    parser.add_argument("--before", help="git revision whose score_pairs to time on the same pairs")
    args = parser.parse_args()
    seed = int(json.loads((args.world / "world.json").read_text())["seed"])
    people = population(args.world, args.scale)
    entries = pd.concat([watchlist_table(args.world), stress_entries(args.world, people.iloc[: len(people)
                         // args.scale], args.stress, seed)], ignore_index=True)
    result: dict[str, Any] = {"world_seed": seed, "records": len(people), "entries": len(entries)}
    P, result["clean_people"] = _stage(clean, people)
    E, result["clean_entries"] = _stage(clean, entries)
    E["list"] = "NATIONAL"
    pairs, result["blocking"] = _stage(candidate_pairs, P, E)
    result["pairs"] = len(pairs)
    scored, result["score_pairs"] = _stage(score_pairs, P, E, pairs, ScoreWeights(), min_score=0.88)
    result["hits_at_0.88"] = int((scored["score"] >= 0.88).sum())
    if args.before:
        old = old_module(args.before)
        sample = pairs if len(pairs) <= 50_000 else pairs.sample(50_000, random_state=1).sort_index()
        _, took = _stage(old.score_pairs, P, E, sample, old.ScoreWeights())
        result["score_pairs_before"] = {**took, "revision": args.before, "pairs": len(sample),
                                        "per_pair_ms": round(1000 * took["cpu_s"] / max(len(sample), 1), 4)}
        old_blocking = old_module(args.before, "screening_blocking")
        _, result["blocking_before"] = _stage(old_blocking.candidate_pairs, P, E)
        result["blocking_before"]["revision"] = args.before
        result["score_pairs"]["per_pair_ms"] = round(1000 * result["score_pairs"]["cpu_s"] / max(len(pairs), 1), 4)
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    result["numpy"] = np.__version__
    report("bench_screening", result)


if __name__ == "__main__":
    main()
