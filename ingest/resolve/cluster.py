"""From scored pairs to persons: connected components in two phases, stable person keys, representatives.

Phase 1 joins profiles with a full birth date (and any profiles sharing a document with a compatible name
and birth date). Phase 2 attaches a profile with a partial or missing birth date to the one person it
matches best, only when that person is clearly better than the next (else the alternatives become
candidates for a human): ``1980-00-00 ZHANG WEI`` must not glue two different ZHANG WEIs together.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MARGIN_LOG2 = 4.0


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Component label per node of an undirected graph with edges ``(i, j)``."""
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def attach(
    labels: np.ndarray, partial: np.ndarray, i: np.ndarray, j: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, pd.DataFrame]:
    """Attach partial-date profiles along match edges ``(i, j, score)`` where one person is clearly best.

    Returns new labels and the ambiguous (profile, other person) rows left for candidates.
    """
    side = pd.DataFrame(
        {
            "x": np.concatenate([i[partial[i]], j[partial[j]]]),
            "c": np.concatenate([labels[j[partial[i]]], labels[i[partial[j]]]]),
            "s": np.concatenate([score[partial[i]], score[partial[j]]]),
        }
    )
    side = side[labels[side["x"].to_numpy()] != side["c"].to_numpy()]
    if side.empty:
        return labels, side
    best = (
        side.groupby(["x", "c"], sort=True)["s"]
        .max()
        .reset_index()
        .sort_values(["x", "s", "c"], ascending=[True, False, True])
    )
    best["rank"] = best.groupby("x").cumcount()
    top, second = best[best["rank"] == 0], best[best["rank"] == 1].set_index("x")["s"]
    gap = top["s"].to_numpy() - second.reindex(top["x"]).fillna(-np.inf).to_numpy()
    ok = top[gap >= MARGIN_LOG2]
    n = len(labels)
    merged = components(
        n,
        np.concatenate([ok["x"].to_numpy(), np.arange(n)]),
        np.concatenate([_first_of(labels, ok["c"].to_numpy()), _first_of(labels, labels)]),
    )
    ambiguous = best[best["x"].isin(top["x"][gap < MARGIN_LOG2])]
    return merged, ambiguous


def _first_of(labels: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """One node of each given component (its first)."""
    order = np.argsort(labels, kind="stable")
    uniq, first = np.unique(labels[order], return_index=True)
    head = dict(zip(uniq.tolist(), order[first].tolist(), strict=True))
    return np.array([head[c] for c in comps.tolist()], dtype=np.int64)


def person_keys(p: pd.DataFrame, labels: np.ndarray, columns: list[str]) -> np.ndarray:
    """A key per profile: a hash of the first (smallest) profile of its person, so the same records give the
    same keys in any order, and unrelated records added later leave them alone."""
    order = np.argsort(labels, kind="stable")  # profiles are sorted by value: the first is the smallest
    uniq, first = np.unique(labels[order], return_index=True)
    anchors = p[columns].iloc[order[first]].agg("\x1f".join, axis=1).tolist()
    keys = np.array(["P" + hashlib.blake2b(a.encode(), digest_size=8).hexdigest() for a in anchors], dtype=object)
    return keys[np.searchsorted(uniq, labels)]


def representatives(p: pd.DataFrame, keys: np.ndarray, counts: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """Per person, the most frequent non-empty value of each column (weighted by records; full birth dates
    before partial ones; ties to the smallest value)."""
    out = pd.DataFrame({"person_key": np.unique(keys)})
    for col in columns:
        f = pd.DataFrame({"k": keys, "v": p[col].to_numpy(), "n": counts})
        f = f[f["v"] != ""]
        full = ~f["v"].str.contains("-00") if col == "birth_date" else pd.Series(True, index=f.index)
        f = f.assign(full=full)
        g = f.groupby(["k", "v", "full"], sort=False)["n"].sum().reset_index()
        g = g.sort_values(["k", "full", "n", "v"], ascending=[True, False, False, True]).drop_duplicates("k")
        out[col] = out["person_key"].map(g.set_index("k")["v"]).fillna("")
    return out
