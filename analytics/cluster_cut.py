"""Group cut: a community split where a group hangs on the rest only by weak pairwise links.

A family who made one round trip on the same flights as a ring's courier passes pruning: each of them is
bound to the others by their own phone, address and booking, and the one round trip beside the courier
(two voyages together, 0.5; ``analytics.cluster_links``) only brought them into the ring's community.
So, after pruning, each community is cut into the groups its members form by **firm** links: an identifier
of at most ``FIRM_SHARE`` people (a ring's burner phone however light its pair weight, a facilitator's card
paying for 25) or pairwise evidence of at least ``FIRM_PAIR`` (two bookings or four voyages together, a case,
one identity). One round trip or one booking together, a weak likeness, and an identifier of more people
(an agency's sixty customers and a company card held 41 travellers in a ring's community on dev seed
46002) are **weak**. Two groups stay one when their weak links weigh ``STRONG_LINK`` or more per person of
the smaller group (a courier on one round trip with four ring members); otherwise each group is a
community of its own (a group of one is then too small to be a cluster).

>>> from analytics.cluster_membership import ClusterGraph
>>> idents = pd.DataFrame({"p": [0, 1, 2, 3, 4], "i": [8, 8, 9, 9, 9], "w": 1.0})
>>> trip = pd.DataFrame({"p": [0, 0], "q": [3, 4], "w": [0.5, 0.5], "binds": True})
>>> g = ClusterGraph(np.arange(5), np.array([0, 2, 2, 3, 0, 0]), np.array([1, 3, 4, 4, 3, 4]),
...     np.array([1.0, 0.5, 0.5, 0.5, 0.5, 0.5]), idents, trip)
>>> cut_weak(g, np.array([0, 0, 0, 0, 0])).tolist()
[1, 1, 0, 0, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from analytics.cluster_membership import STRONG_LINK, ClusterGraph

#: Pairwise evidence (co-travel, a case, one identity) of at least this weight is a firm link.
FIRM_PAIR = 1.0
#: An identifier shared by at most this many people is a firm link (a ring's burner phone, a facilitator's
#: card paying for 25); one of more (an agency's 60 customers, a company card) is weak.
FIRM_SHARE = 30


def _firm_pairs(graph: ClusterGraph, membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex pairs of one community whose pairwise evidence weighs ``FIRM_PAIR`` or more."""
    pl = graph.pair_links
    if pl is None or not len(pl):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    number = np.full(int(graph.vertices.max(initial=-1)) + 1, -1, dtype=np.int64)  # vertex number of a node
    number[graph.vertices] = np.arange(len(graph.vertices))
    p, q = number[pl["p"].to_numpy().astype(np.int64)], number[pl["q"].to_numpy().astype(np.int64)]
    same = (membership[p] >= 0) & (membership[p] == membership[q])
    a, b = np.minimum(p, q)[same].astype(np.int64), np.maximum(p, q)[same].astype(np.int64)
    pair, at = np.unique(a * len(graph.vertices) + b, return_inverse=True)
    firm = pair[np.bincount(at, weights=pl["w"].to_numpy(dtype=float)[same], minlength=len(pair)) >= FIRM_PAIR]
    return firm // len(graph.vertices), firm % len(graph.vertices)


def _firm_holders(graph: ClusterGraph, membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(vertex, key) of the community members holding an identifier of 2 to ``FIRM_SHARE`` people, one key
    per identifier and community."""
    idents = graph.identifiers
    if idents is None or not len(idents) or not len(graph.vertices):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    people, ident = idents["p"].to_numpy(), idents["i"].to_numpy().astype(np.int64)
    k = np.bincount(ident)[ident]
    pos = np.minimum(np.searchsorted(graph.vertices, people), len(graph.vertices) - 1)
    pick = (graph.vertices[pos] == people) & (k >= 2) & (k <= FIRM_SHARE)
    pick[pick] = membership[pos[pick]] >= 0
    v = pos[pick]
    _, key = np.unique(ident[pick] * (int(membership.max()) + 1) + membership[v], return_inverse=True)
    return v, key.ravel()


def _firm_parts(graph: ClusterGraph, membership: np.ndarray) -> np.ndarray:
    """Per vertex: its group of firm links inside its community (connected components of the people and, per
    community, the identifiers of at most ``FIRM_SHARE`` people and the pairwise links of ``FIRM_PAIR``)."""
    n = len(graph.vertices)
    a, b = _firm_pairs(graph, membership)
    v, key = _firm_holders(graph, membership)
    r, c = np.concatenate([a, v]), np.concatenate([b, n + key])
    size = n + int(key.max(initial=-1)) + 1
    adj = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(size, size))
    return connected_components(adj, directed=False)[1][:n]


def cut_weak(graph: ClusterGraph, membership: np.ndarray, strong: float = STRONG_LINK) -> np.ndarray:
    """``membership`` (``-1``: out) with each community cut into the groups of its firm links, groups whose
    weak links weigh ``strong`` or more per person of the smaller one kept together (see the module doc)."""
    n = len(graph.vertices)
    c_s, c_d = membership[graph.src], membership[graph.dst]
    inside = (c_s >= 0) & (c_s == c_d)
    part = _firm_parts(graph, membership)
    weak = inside & (part[graph.src] != part[graph.dst])
    size = np.bincount(part, minlength=n)
    ties = pd.DataFrame({"a": part[graph.src[weak]], "b": part[graph.dst[weak]], "w": graph.weight[weak]})
    ties = ties[ties["a"] != ties["b"]]
    lo, hi = np.minimum(ties["a"], ties["b"]), np.maximum(ties["a"], ties["b"])
    per = ties.assign(a=lo, b=hi).groupby(["a", "b"])["w"].sum().reset_index()
    keep = per["w"].to_numpy() >= strong * np.minimum(size[per["a"]], size[per["b"]])
    join = sp.coo_matrix((np.ones(keep.sum()), (per["a"][keep], per["b"][keep])), shape=(n, n))
    _, group = connected_components(join, directed=False)
    group = group[part]
    lead = pd.DataFrame({"c": membership, "g": group})[membership >= 0]
    sizes = lead.groupby(["c", "g"]).size().rename("k").reset_index()
    sizes = sizes.sort_values(["c", "k", "g"], ascending=[True, False, True], kind="stable")
    first = ~sizes["c"].duplicated()  # the largest group of a community keeps its number
    sizes["new"] = np.where(first, sizes["c"], membership.max(initial=-1) + 1 + np.cumsum(~first) - 1)
    out = lead.merge(sizes[["c", "g", "new"]], on=["c", "g"], how="left")["new"].to_numpy()
    result = membership.copy()
    result[membership >= 0] = out
    return result
