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
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ingest.resolve.arrays import sorted_unique

MARGIN_LOG2 = 4.0


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Component label per node of an undirected graph with edges ``(i, j)``."""
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def attach(
    labels: np.ndarray, full: np.ndarray, i: np.ndarray, j: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, pd.DataFrame]:
    """Join persons without a full birth date along match edges ``(i, j, score)``: first with each other,
    then each to the one dated person it matches best, when that one is clearly better than the next.

    ``full`` tells per profile whether its birth date is complete. Returns new labels and the
    ambiguous (profile ``x``, other person ``c``, score ``s``) rows left for candidates.
    """
    dated = np.bincount(labels, weights=full, minlength=len(labels)) > 0
    both = ~dated[labels[i]] & ~dated[labels[j]]
    labels = _union(labels, i[both], j[both])
    dated = np.bincount(labels, weights=full, minlength=len(labels)) > 0
    und_i, und_j = ~dated[labels[i]], ~dated[labels[j]]
    one = und_i ^ und_j
    x = np.where(und_i, i, j)[one]
    side = pd.DataFrame({"x": x, "lx": labels[x], "c": labels[np.where(und_i, j, i)[one]], "s": score[one]})
    if side.empty:
        return labels, side.drop(columns="lx")
    best = side.groupby(["lx", "c"], sort=True)["s"].max().reset_index()
    best = best.sort_values(["lx", "s", "c"], ascending=[True, False, True])
    best["rank"] = best.groupby("lx").cumcount()
    top, second = best[best["rank"] == 0], best[best["rank"] == 1].set_index("lx")["s"]
    gap = top["s"].to_numpy() - second.reindex(top["lx"]).fillna(-np.inf).to_numpy()
    ok = top[gap >= MARGIN_LOG2]
    labels = _union(labels, _first_of(labels, ok["lx"].to_numpy()), _first_of(labels, ok["c"].to_numpy()))
    ambiguous = side[side["lx"].isin(top["lx"][gap < MARGIN_LOG2])].drop(columns="lx")
    return labels, ambiguous


def attach_by_document(labels: np.ndarray, bare: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Join the records that name their person by a document alone (``bare``: no name, no birth date;
    ``doc``: document codes, -1 for none) with each other per document, then with the document's named
    holder when there is exactly one. Where the named holders are several persons (a victim and an impostor
    on one passport), such a record could be either's: it stays apart instead of joining them into one.
    """
    has = doc >= 0
    named = pd.DataFrame({"doc": doc[has & ~bare], "c": labels[has & ~bare]}).drop_duplicates()
    count = named.groupby("doc")["c"].size()
    holder = named.drop_duplicates("doc").set_index("doc")["c"][count == 1]
    rows = np.flatnonzero(has & bare)
    nameless = pd.DataFrame({"x": rows, "doc": doc[rows]})
    first = nameless.groupby("doc")["x"].transform("first").to_numpy()
    labels = _union(labels, rows, first)
    ok = nameless.drop_duplicates("doc")
    ok = ok[ok["doc"].isin(holder.index)]
    return _union(labels, ok["x"].to_numpy(), _first_of(labels, holder.loc[ok["doc"]].to_numpy()))


def join(labels: np.ndarray, profiles: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Labels after joining each profile ``profiles[k]`` to the person labelled ``persons[k]``.

    >>> join(np.array([0, 1, 2]), np.array([2]), np.array([0])).tolist()
    [0, 1, 0]
    """
    return _union(labels, profiles, _first_of(labels, persons))


def _union(labels: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Labels after also joining nodes ``a[k]`` and ``b[k]``."""
    n = len(labels)
    heads = _first_of(labels, labels)
    return components(n, np.concatenate([a, np.arange(n)]), np.concatenate([b, heads]))


def _first_of(labels: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """One node of each given component (its first; labels are small non-negative integers).

    >>> _first_of(np.array([1, 0, 1, 0]), np.array([0, 1, 1])).tolist()
    [1, 0, 0]
    """
    uniq, first = np.unique(labels, return_index=True)  # the first occurrence of each label
    head = np.full(int(labels.max(initial=-1)) + 1, -1, dtype=np.int64)
    head[uniq] = first
    return head[np.asarray(comps, dtype=np.int64)]


def person_keys(p: pd.DataFrame, labels: np.ndarray, columns: list[str],
                prefer: np.ndarray | None = None) -> np.ndarray:
    """A key per profile: a hash of the first (smallest) profile of its person among the ``prefer`` ones when
    it has any, so the same records give the same keys in any order, and unrelated records added later leave
    them alone (a name-only booking record joining a traveller later does not rename them)."""
    if prefer is None:
        uniq, first = np.unique(labels, return_index=True)  # profiles are sorted by value: the first is the smallest
    else:
        order = np.lexsort((np.arange(len(labels)), ~np.asarray(prefer, dtype=bool), labels))
        head = np.r_[True, labels[order][1:] != labels[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
        uniq, first = labels[order][head], order[head]
    anchors = p[columns[0]].to_numpy()[first]
    for c in columns[1:]:  # whole-column string joins (object arrays), not a pandas str.cat
        anchors = anchors + "\x1f" + p[c].to_numpy()[first]
    blake = hashlib.blake2b
    keys = np.array(["P" + blake(a.encode(), digest_size=8).hexdigest() for a in anchors.tolist()], dtype=object)
    return keys[np.searchsorted(uniq, labels)]


def representatives(p: pd.DataFrame, labels: np.ndarray, keys: np.ndarray, counts: np.ndarray,
                    columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:  # fmt: skip
    """Per person, the most frequent non-empty value of each column (weighted by records; full birth dates
    before partial ones; ties to the smallest value), sorted by person key; and per profile the row of its
    person. A person of one profile takes its values as they are; the others go through integer group-bys,
    one column at a time."""
    people = sorted_unique(labels)
    pos = np.searchsorted(people, labels)
    multi = np.bincount(pos, minlength=len(people))[pos] > 1
    single, rows = np.flatnonzero(~multi), np.flatnonzero(multi)
    frame = {}
    for c in columns:
        values = p[c].to_numpy()
        out = np.full(len(people), "", dtype=object)
        out[pos[single]] = values[single]
        who, best = _most_frequent(pos[rows], values[rows], counts[rows], dates=c == "birth_date")
        out[who] = best
        frame[c] = out
    key_of = np.empty(labels.max() + 1 if len(labels) else 0, dtype=object)
    key_of[labels] = keys
    # keys are unique ASCII: Arrow's sort gives sort_values' order, without comparing Python strings
    order = np.asarray(pc.sort_indices(pa.array(key_of[people], pa.string())), dtype=np.int64)
    result = pd.DataFrame({c: v[order] for c, v in frame.items()}, columns=columns)
    result.insert(0, "person_key", key_of[people][order])
    row = np.empty(len(order), dtype=np.int64)
    row[order] = np.arange(len(order))
    return result, row[pos]


def _most_frequent(
    person: np.ndarray, values: np.ndarray, weight: np.ndarray, *, dates: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per person among ``person``, its non-empty value of most weight (full dates before partial ones when
    ``dates``; ties to the smallest value): the persons and their values."""
    vcode, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(uniques.astype(str), kind="stable")] = np.arange(len(uniques))
    by_rank = np.empty(len(uniques), dtype=object)
    by_rank[rank] = uniques
    keep = (uniques != "")[vcode]
    width = max(len(uniques), 1)
    group = person[keep].astype(np.int64) * width + rank[vcode[keep]]
    g, inverse = np.unique(group, return_inverse=True)
    total = np.bincount(inverse.ravel(), weights=weight[keep])
    who, val = g // width, g % width
    partial = np.zeros(len(val), dtype=bool)
    if dates:  # once per distinct date, not per (person, date)
        partial = (np.char.find(by_rank.astype(str), "-00") >= 0)[val]
    order = np.lexsort((val, -total, partial, who))
    who, val = who[order], val[order]
    first = np.r_[True, who[1:] != who[:-1]] if len(who) else np.zeros(0, dtype=bool)
    return who[first], by_rank[val[first]]
