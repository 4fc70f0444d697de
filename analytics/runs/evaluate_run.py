"""Score a batch run's worklist against a world's truth (``truth/upcoming.csv``): each upcoming arrival gets
the best score of the worklist rows of its true person on that day, and the same measures as the analytics
evaluation (``analytics.evaluate``: R-precision, precision and recall at 100, ROC-AUC, PR-AUC) follow.
Worklist rows are tied to true people by the document they presented (``truth/documents.csv``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analytics.evaluate import _metrics


def arrivals_scored(worklist: pd.DataFrame, truth_dir: Path) -> pd.DataFrame:
    """``truth/upcoming.csv`` with ``score``: the best worklist score of the arrival's person that day (0 when
    the worklist does not hold them)."""
    docs = pd.read_csv(truth_dir / "documents.csv", dtype=str, keep_default_na=False)
    docs = docs.sort_values("role").drop_duplicates(["doc_issuer", "doc_number"])
    rows = worklist.merge(docs[["doc_issuer", "doc_number", "person_id"]].rename(columns={"person_id": "true_id"}),
                          on=["doc_issuer", "doc_number"], how="left")
    rows["arrival_date"] = rows["scheduled_time"].astype(str).str[:10]
    best = rows.dropna(subset=["true_id"]).groupby(["true_id", "arrival_date"])["score"].max()
    up = pd.read_csv(truth_dir / "upcoming.csv", dtype={"person_id": str, "arrival_date": str})
    key = pd.MultiIndex.from_arrays([up["person_id"], up["arrival_date"]])
    up["score"] = best.reindex(key).fillna(0.0).to_numpy()
    return up


def evaluate_worklist(worklist: pd.DataFrame, truth_dir: Path) -> dict[str, Any]:
    """The evaluation measures of a worklist over the world's upcoming arrivals, plus how many arrivals the
    worklist held at all (``covered``)."""
    up = arrivals_scored(worklist, truth_dir)
    labels = up["risky"].astype(str).str.lower().eq("true").to_numpy()
    out = _metrics(labels.astype(int), up["score"].to_numpy(dtype=float))
    out["covered"] = int((up["score"] > 0).sum()) if len(up) else 0
    out["risky_missing"] = int(((up["score"] <= 0) & labels).sum())
    return out


def top_confounders(worklist: pd.DataFrame, truth_dir: Path, *, top: int = 100) -> int:
    """How many of the ``top`` ranked upcoming arrivals are members of a benign confounder."""
    up = arrivals_scored(worklist, truth_dir).sort_values("score", ascending=False, kind="stable").head(top)
    conf = pd.read_csv(truth_dir / "confounders.csv", dtype=str, keep_default_na=False)
    members = set(conf.loc[conf["person_id"] != "", "person_id"])
    risky = up["risky"].astype(str).str.lower().eq("true")
    return int((up["person_id"].isin(members) & ~risky & (up["score"] > 0)).to_numpy(dtype=bool).sum())


__all__ = ["arrivals_scored", "evaluate_worklist", "top_confounders"]
