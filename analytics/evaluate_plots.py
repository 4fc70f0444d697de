"""Plots of an evaluation: precision-recall curves of every ranker over the upcoming arrivals, and the
propagated score of risky travellers, confounders and everybody else (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_plots(arrivals: pd.DataFrame, out: Path) -> list[Path]:
    """``arrivals``: one row per upcoming traveller with ``risky`` (bool), ``group`` (``risky``,
    ``confounder`` or ``other``) and one score column per ranker. Writes ``evaluation_pr.png`` and
    ``evaluation_scores.png`` into ``out``; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    out.mkdir(parents=True, exist_ok=True)
    rankers = [c for c in arrivals.columns if c not in ("risky", "group")]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name in rankers:
        precision, recall, _ = precision_recall_curve(arrivals["risky"].astype(int), arrivals[name])
        ax.step(recall, precision, where="post", label=name)
    ax.set(xlabel="recall", ylabel="precision", title="Risky upcoming travellers", xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="lower left")
    pr = out / "evaluation_pr.png"
    fig.tight_layout()
    fig.savefig(pr, dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    score = arrivals[rankers[0]]
    positive = score[score > 0]
    floor = max(float(positive.min()) / 10 if len(positive) else 1e-6, 1e-16)
    bins = np.logspace(np.log10(floor), np.log10(max(float(score.max()), floor * 10)), 40)
    for group in ("other", "confounder", "risky"):
        values = score[arrivals["group"] == group].clip(lower=floor)
        ax.hist(values, bins=bins.tolist(), alpha=0.6, label=f"{group} ({len(values)})")
    ax.set(xscale="log", xlabel=f"{rankers[0]} score (log)", ylabel="arrivals", title="Scores by group")
    ax.legend()
    dist = out / "evaluation_scores.png"
    fig.tight_layout()
    fig.savefig(dist, dpi=110)
    plt.close(fig)
    return [pr, dist]
