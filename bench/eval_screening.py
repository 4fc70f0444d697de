"""Screening against the world's truth: recall on the planted watchlist variants, precision of all hits.

Builds fresh worlds (seeds not used in development unless given), reads ``crossings.csv`` and
``watchlist.csv`` with the ingest readers (not the pipeline), makes one Person-like record per document
(the most frequent spelling of its name, birth date and nationality across its crossings, as a resolved
Person carries), screens them with ``analytics.screening.screen_names`` and scores the hits against
``truth/`` (the person behind each document and each watchlist row). Baseline in the same run: exact
match on the normalised name (any token order) and the full birth date.

    python -m bench.eval_screening --persons 100000 --seeds 9101 9102 9103 9104 9105

Acceptance (issue 6, item 4): recall >= 0.98 on planted variants, precision >= 0.95.

A world plants few listed people (40 per million), so ``--stress N`` adds, per world, N more entries made
the same way from travelling people of the world's truth (their other romanisation, a keyboard typo from
``cluegraph.world.noise.typo``, swapped names, a year-only birth date; the native-script name kept on half
of them) and N near misses (a traveller's exact name with a birth year 3-12 years off, which must not hit
that person). Reported separately as ``stress``.

Precision counts a hit on anyone but the listed person as false, as the world's truth says (the generator
lists one person per entry; decoys and near misses list nobody). The world draws names from small tables,
so a year-only birth date often fits several people of the very same name, native name and nationality:
*indistinguishable namesakes*, found from the truth (``persons.csv``: same true name, the same native name
where the entry has one, same nationality, a birth date agreeing as far as the entry knows it). No matcher
can tell them from the listed person, so the report also gives ``ambiguous_entries`` (planted entries with
such a namesake among the screened people), ``recall_resolvable`` (recall over the other entries) and
``precision_excluding_indistinguishable``. Screening shares a hit among such namesakes by default
(``share_namesakes``: each scores ``score / k`` and none reaches the threshold); ``refer_all`` is the same
run with sharing off (every namesake referred), so both sides of the trade-off are measured together.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
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
    out = rec.drop_duplicates("doc_key")[["doc_key", "doc_number"]].set_index("doc_key")
    rec["name"] = rec["surname"].fillna("") + "|" + rec["given_names"].fillna("")
    name = _mode(rec, "name").reindex(out.index).fillna("|").str.split("|", expand=True)
    for i, col in enumerate(("surname", "given_names")):  # one spelling, its parts together
        out[col] = name[i].replace("", None)
    for col in ("native_name", "birth_date", "nationality", "person_id"):
        out[col] = _mode(rec, col).reindex(out.index)
    return out.reset_index().rename(columns={"doc_key": "id"})


def _mode(rec: pd.DataFrame, col: str) -> pd.Series:
    """The most frequent non-missing value of ``col`` per document (vectorised: count, sort, first)."""
    counts = rec[["doc_key", col]].dropna().value_counts().reset_index(name="n")
    counts = counts.sort_values(["doc_key", "n", col], ascending=[True, False, True])
    return counts.drop_duplicates("doc_key").set_index("doc_key")[col]


def watchlist_table(world: Path) -> pd.DataFrame:
    """The watchlist as read by the associated reader, with the true person behind each row (or none)."""
    rec = read_associated(world / "associated" / "watchlist.csv").records
    rows = pd.read_csv(world / "truth" / "associated_rows.csv")
    person = rows[rows["file"].str.endswith("watchlist.csv")].set_index("row")["person_id"]
    frame = rec.rename(columns={"entry_id": "id"}).copy()
    frame["person_id"] = (frame["line"] - 1).map(person)
    return frame


def stress_entries(world: Path, people: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """N variant entries and N near misses for travelling people (see the module doc)."""
    from cluegraph.world.noise import typo

    rng = np.random.default_rng(seed)
    truth = pd.read_csv(world / "truth" / "persons.csv", dtype=str, keep_default_na=False).set_index("person_id")
    pool = sorted(set(people["person_id"].dropna()) & set(truth.index))
    chosen = truth.loc[rng.choice(pool, size=min(2 * n, len(pool)), replace=False)]
    rows = []
    for k, (pid, p) in enumerate(chosen.iterrows()):
        sur, giv, dob, how = p["surname"], p["given_names"], p["birth_date"], ""
        if k >= n:  # near miss: same name, another birth year
            dob, how, pid = f"{int(dob[:4]) - int(rng.integers(3, 13))}{dob[4:]}", "NEAR_MISS", None
        else:
            how = ["TRANSLITERATION", "TYPO", "SWAPPED", "PARTIAL_DOB"][k % 4]
            if how == "TRANSLITERATION" and (p["surname_variant"], p["given_variant"]) == (sur, giv):
                how = "TYPO"
            if how == "TRANSLITERATION":
                sur, giv = p["surname_variant"], p["given_variant"]
            elif how == "TYPO":
                sur = typo(sur, float(rng.random()), float(rng.random()))
            elif how == "SWAPPED":
                sur, giv = giv, sur
            else:
                dob = dob[:4] + "-00-00"
        rows.append({"id": f"ST-{k:05d}", "list": "STRESS", "surname": sur, "given_names": giv,
                     "native_name": p["native_name"] if k % 2 == 0 else None, "birth_date": dob,
                     "nationality": p["nationality"], "person_id": pid, "variant": how})
    return pd.DataFrame(rows)


def baseline(people: pd.DataFrame, wl: pd.DataFrame) -> pd.DataFrame:
    """Exact normalised name (any order) and exact full birth date."""
    a = people.assign(k=[name_key(s, g) for s, g in zip(people["surname"], people["given_names"], strict=True)])
    b = wl.assign(k=[name_key(s, g) for s, g in zip(wl["surname"], wl["given_names"], strict=True)])
    hits = a.merge(b, on=["k", "birth_date"], suffixes=("_p", "_w"))
    return pd.DataFrame({"person_id": hits["id_p"], "entry_id": hits["id_w"]})


def score(hits: pd.DataFrame, people: pd.DataFrame, wl: pd.DataFrame,
          truth: pd.DataFrame | None = None) -> dict[str, Any]:
    """Recall over planted entries, precision over every hit (a decoy hit is a false positive); with the
    world's ``truth`` (persons.csv), the indistinguishable namesakes (see the module doc)."""
    truth_p = people.set_index("id")["person_id"]
    truth_w = wl.set_index("id")["person_id"]
    h = hits.assign(tp=hits["person_id"].map(truth_p).to_numpy() == hits["entry_id"].map(truth_w).to_numpy())
    planted = wl[wl["person_id"].notna()]
    found = set(h.loc[h["tp"], "entry_id"])
    out = {
        "planted": len(planted),
        "found": int(planted["id"].isin(found).sum()),
        "hits": len(h),
        "true_hits": int(h["tp"].sum()),
        "missed": sorted(set(planted["id"]) - found),
        "false_hits": h.loc[~h["tp"], ["person_id", "entry_id"]].values.tolist(),
        "false_by_name_kind": (h.loc[~h["tp"], "name_kind"].value_counts().to_dict()
                               if "name_kind" in h.columns else {}),
    }
    if truth is not None:
        twins = namesakes(people, planted, truth)
        out["ambiguous_entries"] = sorted(set(twins["entry_id"]))
        pairs = set(zip(twins["entry_id"], twins["person_id"], strict=True))
        false = h[~h["tp"]]
        out["false_indistinguishable"] = int(sum((e, truth_p.get(p)) in pairs
                                                 for p, e in zip(false["person_id"], false["entry_id"], strict=True)))
    return out


def namesakes(people: pd.DataFrame, planted: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """(``entry_id``, ``person_id``) of the screened people other than the listed one who match every field
    the entry knows exactly as the listed person does (true name, native name if the entry has one,
    nationality, birth date as far as the entry knows it)."""
    t = truth.set_index("person_id")
    screened = t.loc[sorted(set(people["person_id"].dropna()) & set(t.index))].reset_index()
    listed = planted[["id", "person_id", "birth_date", "native_name"]].rename(
        columns={"id": "entry_id", "person_id": "listed", "birth_date": "entry_dob", "native_name": "entry_native"})
    listed = listed.merge(t[["surname", "given_names", "native_name", "nationality"]], left_on="listed",
                          right_index=True)
    cand = listed.merge(screened, on=["surname", "given_names", "nationality"], suffixes=("_l", ""))
    cand = cand[cand["person_id"] != cand["listed"]]
    has_native = cand["entry_native"].fillna("").astype(str).str.len() > 0
    cand = cand[~has_native | (cand["native_name"] == cand["native_name_l"])]
    dob = cand["entry_dob"].fillna("").astype(str).str.split("-", expand=True).reindex(columns=range(3))
    mine = cand["birth_date"].astype(str).str.split("-", expand=True).reindex(columns=range(3))
    agree = pd.Series(True, index=cand.index)
    for i in range(3):
        known = dob[i].notna() & ~dob[i].isin(["", "00", "0000"])
        agree &= ~known | (dob[i] == mine[i])
    return cand.loc[agree, ["entry_id", "person_id"]].reset_index(drop=True)


def one_world(persons: int, seed: int, tmp: Path, config: ScreeningConfig, stress: int) -> dict[str, Any]:
    world = tmp / f"w{seed}"
    subprocess.run([str(Path(sys.executable).parent / "cluegraph"), "world", str(world), "--persons", str(persons),
                    "--seed", str(seed)], check=True, capture_output=True)
    return evaluate_world(world, seed, config, stress)


def evaluate_world(world: Path, seed: int, config: ScreeningConfig, stress: int) -> dict[str, Any]:
    """Screen one world's people against its watchlist (and ``stress`` extra entries) and score both
    policies and the exact baseline against its truth."""
    people, wl = person_table(world), watchlist_table(world)
    truth = pd.read_csv(world / "truth" / "persons.csv", dtype=str, keep_default_na=False)
    truth["native_name"] = truth["native_name"].replace("", None)
    other = replace(config, share_namesakes=not config.share_namesakes)
    start, cpu = time.perf_counter(), time.process_time()
    hits = screen_names(people, wl, config=config)
    took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    base = baseline(people, wl)
    base_took = time.perf_counter() - start
    out: dict[str, Any] = {"seed": seed, "people": len(people), "entries": len(wl), "screen_s": round(took, 2),
           "screen_cpu_s": round(took_cpu, 2), "load_1m": round(os.getloadavg()[0], 2),
           "baseline_s": round(base_took, 3), "screening": score(hits, people, wl, truth),
           "other_policy": score(screen_names(people, wl, config=other), people, wl, truth),
           "baseline": score(base, people, wl, truth)}
    if stress:
        st = stress_entries(world, people, stress, seed)
        st_hits = screen_names(people, st, config=config)
        out["stress"] = score(st_hits, people, st, truth)
        out["stress_other_policy"] = score(screen_names(people, st, config=other), people, st, truth)
        out["stress_baseline"] = score(baseline(people, st), people, st, truth)
        found = set(st_hits["entry_id"])
        out["stress"]["missed_variants"] = st.loc[st["person_id"].notna() & ~st["id"].isin(found),
                                                  "variant"].value_counts().to_dict()
        out["stress"]["near_miss_hits"] = int(st_hits["entry_id"].isin(st.loc[st["person_id"].isna(), "id"]).sum())
    return out


def _totals(runs: list[dict[str, Any]], which: str) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(r[which][key] for r in runs)

    planted, found, hits, true_hits = total("planted"), total("found"), total("hits"), total("true_hits")
    ambiguous = sum(len(r[which]["ambiguous_entries"]) for r in runs)
    found_ambiguous = sum(len(set(r[which]["ambiguous_entries"]) - set(r[which]["missed"])) for r in runs)
    twins = total("false_indistinguishable")
    resolvable = planted - ambiguous
    return {"planted": planted, "found": found, "hits": hits, "true_hits": true_hits,
            "recall": round(found / planted, 4) if planted else 0.0,
            "precision": round(true_hits / hits, 4) if hits else 0.0,
            "ambiguous_entries": ambiguous,
            "recall_resolvable": round((found - found_ambiguous) / resolvable, 4) if resolvable else 0.0,
            "false_indistinguishable": twins,
            "precision_excluding_indistinguishable": round(true_hits / (hits - twins), 4) if hits > twins else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[9101, 9102, 9103, 9104, 9105])
    parser.add_argument("--config", type=Path, help="screening configuration YAML")
    parser.add_argument("--world", type=Path, help="evaluate this existing world directory instead")
    parser.add_argument("--refer-all", action="store_true", help="raise every indistinguishable namesake (the "
                        "other policy is measured beside it either way)")
    parser.add_argument("--stress", type=int, default=0, help="extra variant entries (and near misses) per world")
    args = parser.parse_args()
    config = ScreeningConfig.load(args.config) if args.config else ScreeningConfig()
    config = replace(config, share_namesakes=not args.refer_all) if args.refer_all else config
    if args.world:  # an existing world directory (development), not a fresh one
        seed = int(json.loads((args.world / "world.json").read_text())["seed"])
        runs = [evaluate_world(args.world, seed, config, args.stress)]
        args.seeds, args.persons = [seed], runs[0]["people"]
    else:
        with tempfile.TemporaryDirectory(prefix="eval_screening_") as tmp:
            runs = [one_world(args.persons, s, Path(tmp), config, args.stress) for s in args.seeds]
    result: dict[str, Any] = {"persons": args.persons, "seeds": args.seeds, "config": config.to_dict(),
              "screening": _totals(runs, "screening"), "other_policy": _totals(runs, "other_policy"),
              "baseline_exact": _totals(runs, "baseline"),
              "runs": runs, "peak_rss_mib": round(peak_rss_mib(), 1)}
    if args.stress:
        result["stress"] = _totals(runs, "stress")
        result["stress_other_policy"] = _totals(runs, "stress_other_policy")
        result["stress_baseline_exact"] = _totals(runs, "stress_baseline")
    report("eval_screening_dev" if args.world else "eval_screening", result)


if __name__ == "__main__":
    main()
