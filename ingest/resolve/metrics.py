"""Pairwise precision, recall and F1 of a clustering against the truth (the usual measure of entity
resolution: every pair of records placed together is a predicted match).

Computed from the contingency table of (predicted, true) cluster labels, never from the pairs themselves,
so a million records cost a group-by.

>>> s = pairwise_scores(["a", "a", "b", "c"], [1, 1, 1, 2])
>>> (s["true_pairs"], s["predicted_pairs"], s["correct_pairs"], round(s["recall"], 3))
(3, 1, 1, 0.333)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def _pairs(counts: np.ndarray) -> int:
    c = counts.astype(np.int64)
    return int((c * (c - 1) // 2).sum())


def pairwise_scores(predicted: Sequence[Any] | pd.Series, truth: Sequence[Any] | pd.Series) -> dict[str, float]:
    """Pairwise precision, recall, F1 and pair counts of ``predicted`` labels against ``truth`` labels."""
    frame = pd.DataFrame({"p": np.asarray(predicted), "t": np.asarray(truth)})
    both = _pairs(frame.groupby(["p", "t"]).size().to_numpy())
    pred = _pairs(frame.groupby("p").size().to_numpy())
    true = _pairs(frame.groupby("t").size().to_numpy())
    precision = both / pred if pred else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true, "predicted_pairs": pred,
            "correct_pairs": both}  # fmt: skip


def record_errors(predicted: Sequence[Any] | pd.Series, truth: Sequence[Any] | pd.Series) -> pd.DataFrame:
    """Per record: ``missed`` (records of the same true person placed elsewhere: false splits) and
    ``wrong`` (records of other persons placed with it: false merges)."""
    frame = pd.DataFrame({"p": np.asarray(predicted), "t": np.asarray(truth)})
    cell = frame.groupby(["p", "t"])["p"].transform("size")
    in_pred = frame.groupby("p")["p"].transform("size")
    in_true = frame.groupby("t")["t"].transform("size")
    return pd.DataFrame({"missed": (in_true - cell).to_numpy(), "wrong": (in_pred - cell).to_numpy()})
