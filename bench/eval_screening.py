"""Screening against the world's truth: recall on the planted watchlist variants, precision of all hits.

Builds fresh worlds (seeds not used in development unless given), reads ``crossings.csv`` and
``watchlist.csv`` with the ingest readers (not the pipeline), makes one Person-like record per document
(the most frequent spelling of its name, birth date and nationality across its crossings, as a resolved
Person carries), screens them with ``analytics.screening.screen_names`` and scores the hits against
``truth/`` (the person behind each document and each watchlist row). Baseline in the same run: exact
match on the normalised name (any token order) and the full birth date.

    python -m bench.eval_screening --persons 100000 --seeds 9101 9102 9103 9104 9105

Acceptance (issue 6, item 4): recall >= 0.98 on planted variants, precision >= 0.95.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.screening import ScreeningConfig, screen_names
from bench.common import peak_rss_mib, report
from ingest.normalise import name_key
from ingest.readers.associated import read_associated
from ingest.readers.crossings import read_crossings

_FIELDS = ["surname", "given_names", "native_name", "birth_date", "nationality"]


def person_table(world: Path) -> pd.DataFrame:
    """One record per document from the crossings (id ``ISSUER:NUMBER``), with its true ``person_id``."""
    rec = read_crossings(world / "crossings.csv").records
    rec = rec[rec["doc_key"].notna()].copy()
    for col in _FIELDS:
        rec[col] = rec[col].astype(object).where(~rec[col].astype(str).isin(["None", "nan", ""]), None)
    truth = pd.read_csv(world / "truth" / "crossings.csv", usecols=["crossing_id", "person_id"])
    rec = rec.merge(truth, on="crossing_id", how="left")
    out = rec.groupby("doc_key").agg(
        {**{c: _mode for c in _FIELDS}, "doc_number": "first", "person_id": _mode}
    ).reset_index()
    return out.rename(columns={"doc_key": "id"})


def _mode(values: pd.Series) -> Any:
    v = values.dropna()
    return v.mode().iloc[0] if len(v) else None


def watchlist_table(world: Path) -> pd.DataFrame:
    """The watchlist as read by the associated reader, with the true person behind each row (or none)."""
    rec = read_associated(world / "associated" / "watchlist.csv").records
    rows = pd.read_csv(world / "truth" / "associated_rows.csv")
    rows = rows[rows["file"].str.endswith("watchlist.csv")].set_index("row")["person_id"]
    frame = rec.rename(columns={"entry_id": "id"}).copy()
    frame["person_id"] = (frame["line"] - 1).map(rows)
    return frame


def baseline(people: pd.DataFrame, wl: pd.DataFrame) -> pd.DataFrame:
    """Exact normalised name (any order) and exact full birth date."""
    a = people.assign(k=[name_key(s, g) for s, g in zip(people["surname"], people["given_names"], strict=True)])
    b = wl.assign(k=[name_key(s, g) for s, g in zip(wl["surname"], wl["given_names"], strict=True)])
    hits = a.merge(b, on=["k", "birth_date"], suffixes=("_p", "_w"))
    return pd.DataFrame({"person_id": hits["id_p"], "entry_id": hits["id_w"]})


def score(hits: pd.DataFrame, people: pd.DataFrame, wl: pd.DataFrame) -> dict[str, Any]:
    """Recall over planted entries, precision over every hit (a decoy hit is a false positive)."""
    truth_p = people.set_index("id")["person_id"]
    truth_w = wl.set_index("id")["person_id"]
    h = hits.assign(tp=hits["person_id"].map(truth_p).to_numpy() == hits["entry_id"].map(truth_w).to_numpy())
    planted = wl[wl["person_id"].notna()]
    found = set(h.loc[h["tp"], "entry_id"])
    return {
        "planted": len(planted),
        "found": int(planted["id"].isin(found).sum()),
        "hits": len(h),
        "true_hits": int(h["tp"].sum()),
        "missed": sorted(set(planted["id"]) - found),
        "false_hits": h.loc[~h["tp"], ["person_id", "entry_id"]].values.tolist(),
    }


def one_world(persons: int, seed: int, tmp: Path, config: ScreeningConfig) -> dict[str, Any]:
    world = tmp / f"w{seed}"
    subprocess.run([str(Path(sys.executable).parent / "cluegraph"), "world", str(world), "--persons", str(persons),
                    "--seed", str(seed)], check=True, capture_output=True)
    people, wl = person_table(world), watchlist_table(world)
    start = time.perf_counter()
    hits = screen_names(people, wl, config=config)
    took = time.perf_counter() - start
    start = time.perf_counter()
    base = baseline(people, wl)
    base_took = time.perf_counter() - start
    return {"seed": seed, "people": len(people), "entries": len(wl), "screen_s": round(took, 2),
            "baseline_s": round(base_took, 3), "screening": score(hits, people, wl),
            "baseline": score(base, people, wl)}


def _totals(runs: list[dict[str, Any]], which: str) -> dict[str, float]:
    planted = sum(r[which]["planted"] for r in runs)
    found = sum(r[which]["found"] for r in runs)
    hits = sum(r[which]["hits"] for r in runs)
    true_hits = sum(r[which]["true_hits"] for r in runs)
    return {"planted": planted, "found": found, "hits": hits, "true_hits": true_hits,
            "recall": round(found / planted, 4) if planted else 0.0,
            "precision": round(true_hits / hits, 4) if hits else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[9101, 9102, 9103, 9104, 9105])
    parser.add_argument("--config", type=Path, help="screening configuration YAML")
    args = parser.parse_args()
    config = ScreeningConfig.load(args.config) if args.config else ScreeningConfig()
    with tempfile.TemporaryDirectory(prefix="eval_screening_") as tmp:
        runs = [one_world(args.persons, s, Path(tmp), config) for s in args.seeds]
    result = {"persons": args.persons, "seeds": args.seeds, "config": config.to_dict(),
              "screening": _totals(runs, "screening"), "baseline_exact": _totals(runs, "baseline"),
              "runs": runs, "peak_rss_mib": round(peak_rss_mib(), 1)}
    report("eval_screening", result)


if __name__ == "__main__":
    main()
