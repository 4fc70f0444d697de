"""The comparison model: Fellegi-Sunter weights per comparison level, built-in or estimated from the data.

A pair's score is ``prior_log2 + sum(log2(m / u))`` over its comparisons (a missing value adds nothing);
its match probability is ``1 / (1 + 2 ** -score)``. ``m`` is the chance of a level among true matches,
``u`` among non-matches. The built-in person model has hand-set values that follow the world's and real
records' noise (typos, transliterations, swaps, partial dates, renewals, dual nationals); ``train`` estimates
``u`` from random pairs and ``m`` by expectation-maximisation over the blocked pairs, as Splink does.

>>> c = Comparison("sex", None, m=(0.97, 0.03), u=(0.5, 0.5))
>>> [round(float(w), 2) for w in c.weights()]
[0.96, -4.06]
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ingest.resolve import compare
from ingest.resolve.config import ResolveConfig

LevelFn = compare.LevelFn


@dataclass(frozen=True)
class Comparison:
    """One compared attribute: its level function and m/u probabilities per level (strongest first)."""

    name: str
    levels: LevelFn | None
    m: tuple[float, ...]
    u: tuple[float, ...]
    labels: tuple[str, ...] = ()

    def weights(self) -> np.ndarray:
        """log2(m/u) per level."""
        return np.log2(np.asarray(self.m) / np.asarray(self.u))


PERSON_MODEL = (
    Comparison(
        "name",
        compare.name_levels,
        m=(0.80, 0.09, 0.07, 0.02, 0.01, 0.01),
        u=(2e-5, 5e-5, 2e-4, 2e-3, 2e-2, 0.977),
        labels=("same", "variant", "typo", "similar", "weak", "different"),
    ),
    Comparison(
        "birth_date",
        compare.date_levels,
        m=(0.90, 0.07, 0.02, 0.0005, 0.0095),
        u=(3.4e-5, 1e-3, 3e-4, 0.0125, 0.986),
        labels=("same", "compatible", "near", "same-year", "different"),
    ),
    Comparison("sex", compare.exact_levels("sex"), m=(0.97, 0.03), u=(0.5, 0.5), labels=("same", "different")),
    Comparison(
        "nationality", compare.exact_levels("nationality"), m=(0.93, 0.07), u=(0.15, 0.85), labels=("same", "different")
    ),
    Comparison(
        "document",
        compare.document_levels,
        m=(0.6, 0.01, 0.39),
        u=(1e-6, 1e-4, 0.9999),
        labels=("same", "one-off", "different"),
    ),
)
_FUZZY = ((0.85, 0.08, 0.04, 0.03), (0.01, 0.01, 0.03, 0.95), ("same", "close", "similar", "different"))
_IDENT = ((0.85, 0.08, 0.03, 0.04), (1e-4, 1e-3, 5e-3, 0.99), ("same", "one-off", "two-off", "different"))
_EXTRA = {
    "fuzzy": (compare.fuzzy_levels, *_FUZZY),
    "exact": (compare.exact_levels, (0.95, 0.05), (0.05, 0.95), ("same", "different")),
    "identifier": (compare.identifier_levels, *_IDENT),
}  # fmt: skip


def build_model(config: ResolveConfig) -> tuple[Comparison, ...]:
    """The person comparisons plus one per extra column of the config."""
    extra = []
    for ex in config.extra:
        fn, m, u, labels = _EXTRA[ex.kind]
        extra.append(Comparison(ex.column, fn(ex.column), m=m, u=u, labels=labels))
    return PERSON_MODEL + tuple(extra)


def level_matrix(model: tuple[Comparison, ...], p: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Levels of every pair (rows) for every comparison (columns)."""
    if len(i) == 0:
        return np.zeros((0, len(model)), dtype=np.int8)
    return np.column_stack([c.levels(p, i, j) for c in model if c.levels is not None])


def scores(model: tuple[Comparison, ...], levels: np.ndarray, prior_log2: float) -> np.ndarray:
    """log2 odds of a match per pair."""
    total = np.full(len(levels), prior_log2, dtype=float)
    for k, c in enumerate(model):
        w = np.append(c.weights(), 0.0)  # index -1 (missing) -> 0
        total += w[levels[:, k]]
    return total


def probability(score: np.ndarray) -> np.ndarray:
    """Match probability from log2 odds."""
    return 1.0 / (1.0 + np.exp2(-np.clip(score, -60, 60)))


def estimate_u(
    model: tuple[Comparison, ...], p: pd.DataFrame, weights: np.ndarray, *, n: int, seed: int
) -> tuple[Comparison, ...]:
    """u per level from random record pairs (records drawn in proportion to ``weights``: records per profile)."""
    rng = np.random.default_rng(seed)
    prob = weights / weights.sum()
    i, j = rng.choice(len(p), n, p=prob), rng.choice(len(p), n, p=prob)
    keep = i != j
    lv = level_matrix(model, p, i[keep], j[keep])
    out = []
    for k, c in enumerate(model):
        counts = np.bincount(lv[:, k][lv[:, k] >= 0], minlength=len(c.u)).astype(float) + 0.5
        out.append(replace(c, u=tuple(counts / counts.sum())))
    return tuple(out)


def estimate_m(
    model: tuple[Comparison, ...], levels: np.ndarray, prior_log2: float, *, rounds: int = 25
) -> tuple[tuple[Comparison, ...], float]:
    """EM over blocked pairs with u held fixed: m per level and the share of matches among the pairs."""
    lam = 0.5
    for _ in range(rounds):
        s = scores(model, levels, np.log2(lam / (1 - lam)))
        post = probability(s)
        lam = float(np.clip(post.mean(), 1e-6, 1 - 1e-6))
        new = []
        for k, c in enumerate(model):
            lv = levels[:, k]
            ok = lv >= 0
            m = np.bincount(lv[ok], weights=post[ok], minlength=len(c.m)) + 1e-3
            new.append(replace(c, m=tuple(m / m.sum())))
        model = tuple(new)
    return model, lam
