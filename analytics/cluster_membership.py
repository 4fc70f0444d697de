"""Who belongs to a clue cluster: the evidence graph between people (``ClusterGraph``), and the rules that
take people out of the communities Leiden found and put some back.

- **prune** (``_prune``, ``_bound``): a person stays in her community when two or more distinct pieces of
  evidence bind her to two or more of its members, or one strong link or one piece that binds alone does
  (a document another member holds too); a phone, e-mail, address or employer alone does not;
- **readmit**: a person taken out comes back when two or more bound members share her phone or e-mail;
- **pair up**: a community left with one person keeps its strongest pair;
- **rehome** (``rehome``, ``_reprune``): after pruning, a person moves to the kept community holding most of
  the people of her phone, e-mail or document, when her ties there beat her own (Leiden's CPM measure);
- **join halves**: two communities that hold most of the people of one home, employer or vehicle become one.
- **group cut** (``analytics.cluster_cut``): last, a community is cut where a group hangs on the rest by weak
  links only (one round trip together, an agency of sixty).

``analytics.clusters`` builds the graph, runs Leiden and calls these; ``docs/scoring.md`` gives the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from analytics.cluster_links import MAX_SHARE

#: One link at least this strong binds a person to a cluster alone (a card and a phone of two people, three
#: trips together); otherwise it takes two distinct pieces of evidence (see ``_bound``).
STRONG_LINK = 1.5


@dataclass
class ClusterGraph:
    """The evidence graph between people: projection indexes of its vertices and weighted edges between them,
    and the (person, identifier) links the identifiers of a cluster are read from."""

    vertices: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    identifiers: pd.DataFrame
    pair_links: pd.DataFrame


def _linked(graph: ClusterGraph, membership: np.ndarray) -> np.ndarray:
    """Per vertex: how many members of its own community it has a link with."""
    same = membership[graph.src] == membership[graph.dst]
    n = len(graph.vertices)
    return np.bincount(graph.src[same], minlength=n) + np.bincount(graph.dst[same], minlength=n)


def _evidence(graph: ClusterGraph, membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex: distinct pieces of evidence binding it to its community (identifiers shared with another
    member, pairwise links to members), and whether one alone binds it (a document another member holds too;
    two bookings with a member, four voyages, a case with one). A phone, e-mail or card is one piece of
    evidence and never binds alone: masked card numbers collide by chance (three unrelated people shared one
    and came into an overstay network with it), e-mail addresses made of a name collide between namesakes
    (a MARK SANTOS beside a facilitator's traveller MARK SANTOS), a family shares one phone. A possible same
    identity (``binds`` false in ``pair_links``) is a likeness, never enough alone either.

    A person tied to members who are tied to others is judged on those ties only, not on members who hang on
    her alone: a resident of an overstay network's house and the stranger who shares her e-mail hold each
    other up, not the network. A person whose members all hang on her (an organiser and the couriers who
    share only her phone) is judged on all of them."""
    com = pd.Series(membership, index=graph.vertices)
    same_edge = membership[graph.src] == membership[graph.dst]
    linked = _linked(graph, membership)
    anchored_v = linked >= 2
    reach = np.zeros(len(graph.vertices), dtype=bool)  # tied to a member who is tied to someone else too
    s, d = graph.src[same_edge], graph.dst[same_edge]
    reach[s[anchored_v[d]]] = True
    reach[d[anchored_v[s]]] = True
    anchored = pd.Series(anchored_v, index=graph.vertices)
    free = pd.Series(~reach, index=graph.vertices)  # judged on all its ties
    idents = graph.identifiers[graph.identifiers["p"].isin(graph.vertices)]
    idents = idents.assign(c=com.reindex(idents["p"]).to_numpy(), a=anchored.reindex(idents["p"]).to_numpy())
    inside = idents.groupby(["i", "c"])["p"].transform("size")
    others = idents.groupby(["i", "c"])["a"].transform("sum") - idents["a"]
    ok = (inside >= 2) & ((others >= 1) | free.reindex(idents["p"]).to_numpy())
    evidence = idents[ok].groupby("p").size().reindex(graph.vertices, fill_value=0).to_numpy()
    alone = ok & idents["document"]
    pl = graph.pair_links
    same = com.reindex(pl["p"]).to_numpy() == com.reindex(pl["q"]).to_numpy()
    p_ok = same & (anchored.reindex(pl["q"]).to_numpy() | free.reindex(pl["p"]).to_numpy())
    q_ok = same & (anchored.reindex(pl["p"]).to_numpy() | free.reindex(pl["q"]).to_numpy())
    ends = np.concatenate([pl["p"].to_numpy()[p_ok], pl["q"].to_numpy()[q_ok]])
    evidence = evidence + pd.Series(ends).value_counts().reindex(graph.vertices, fill_value=0).to_numpy()
    strong = (pl["w"].to_numpy() >= 1.0) & (pl["binds"].to_numpy(dtype=bool) if "binds" in pl else True)
    alone_at = np.concatenate(
        [idents.loc[alone, "p"].to_numpy(), pl["p"].to_numpy()[strong & p_ok], pl["q"].to_numpy()[strong & q_ok]]
    )
    return evidence, np.isin(graph.vertices, alone_at)


def _bound(graph: ClusterGraph, membership: np.ndarray, strong: float) -> np.ndarray:
    """Which vertices are bound to their community: linked to two or more members, and by two or more
    distinct pieces of evidence, or by one link of at least ``strong`` (summed over its evidence), or by one
    piece that binds alone (``_evidence``); in a community of two, by a link of at least 1 (one phone of the
    two). A person tied to a group by one shared address, employer, agency, phone or e-mail, or tied to one
    member only (her contact, her travel companion: a leaf on that member, not part of the group), is not in
    it."""
    evidence, alone = _evidence(graph, membership)
    same = membership[graph.src] == membership[graph.dst]
    s, d, w = graph.src[same], graph.dst[same], graph.weight[same]
    best = np.zeros(len(graph.vertices))
    np.maximum.at(best, s, w)
    np.maximum.at(best, d, w)
    linked = np.bincount(s, minlength=len(best)) + np.bincount(d, minlength=len(best))
    pair = np.bincount(membership, minlength=membership.max(initial=0) + 1)[membership] == 2
    return ((linked >= 2) & (evidence >= 2)) | (best >= strong) | alone | (pair & (best >= 1.0))


def _prune(graph: ClusterGraph, membership: np.ndarray, rounds: int = 4) -> np.ndarray:
    """The communities with every vertex that is not bound to its own (``_bound``) taken out (-1), until none
    is left to take out (what binds a person may leave with another); then those taken out whose phone or
    e-mail two or more of the bound members share are put back (``readmit``)."""
    original, membership = membership, membership.copy()
    for _ in range(rounds):
        alone = membership < 0
        apart = np.where(alone, membership.max(initial=0) + 1 + np.arange(len(alone)), membership)
        loose = ~_bound(graph, apart, STRONG_LINK)
        loose &= ~alone
        if not loose.any():
            break
        membership[loose] = -1
    return pair_up(graph, original, readmit(graph, original, membership))


def pair_up(graph: ClusterGraph, membership: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """``kept`` with each community left with one person (or none) after pruning made the pair of its two
    members with the strongest link of at least 1 (what binds a community of two, ``_bound``): a seed and the
    one person who shares her phone stay a lead when a third, hung on by a card, was taken out.

    >>> g = ClusterGraph(np.arange(3), np.array([0, 0]), np.array([1, 2]), np.array([1.0, 0.5]), None, None)
    >>> pair_up(g, np.array([4, 4, 4]), np.array([4, -1, -1])).tolist()
    [4, 4, -1]
    """
    n = int(membership.max(initial=-1)) + 1
    left = np.bincount(kept[kept >= 0], minlength=n)
    c = membership[graph.src]
    few = (c >= 0) & (c == membership[graph.dst]) & (graph.weight >= 1.0)
    few &= left[np.maximum(c, 0)] < 2
    few &= ((kept[graph.src] == c) | (kept[graph.src] < 0)) & ((kept[graph.dst] == c) | (kept[graph.dst] < 0))
    if not few.any():
        return kept
    pairs = pd.DataFrame({"a": graph.src[few], "b": graph.dst[few], "c": c[few], "w": graph.weight[few]})
    pairs = pairs.sort_values(["w", "a", "b"], ascending=[False, True, True], kind="stable").drop_duplicates("c")
    out = kept.copy()
    out[pairs["a"].to_numpy()] = pairs["c"].to_numpy()
    out[pairs["b"].to_numpy()] = pairs["c"].to_numpy()
    return out


def readmit(graph: ClusterGraph, membership: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """``kept`` (``-1``: taken out of ``membership``) with each person taken out put back into her community
    when she holds, uses or books with a phone or e-mail that two or more of its bound members share: one
    phone is not enough to make a group (a family shares one), but it is enough to join one that other
    evidence made (a ring member who gave only the ring's burner phone). An e-mail she shares with one
    member only (namesakes' addresses made of one name collide) does not bring her back.

    >>> idents = pd.DataFrame({"p": [0, 1, 2, 3, 4], "i": [9, 9, 9, 8, 8], "w": 1.0, "document": False,
    ...     "personal": True, "card": False})
    >>> g = ClusterGraph(np.arange(5), np.zeros(0, int), np.zeros(0, int), np.zeros(0), idents, None)
    >>> readmit(g, np.array([0, 0, 0, 0, 0]), np.array([0, 0, -1, 0, -1])).tolist()
    [0, 0, 0, 0, -1]
    """
    idents = graph.identifiers
    if idents is None or idents.empty or "personal" not in idents:
        return kept
    pos, known = _positions(graph, idents["p"].to_numpy())
    pick = (idents["personal"] & ~idents["card"]).to_numpy(dtype=bool) & known
    i, v = idents["i"].to_numpy()[pick], pos[pick]
    many = np.bincount(i)[i] >= 3  # two bound members and her
    i, v = i[many], v[many]
    links = pd.DataFrame({"i": i, "v": v, "c": membership[v], "k": kept[v]})
    bound = links[links["k"] >= 0].groupby(["i", "k"]).size().rename("n").reset_index().rename(columns={"k": "c"})
    out = links[(links["k"] < 0) & (links["c"] >= 0)].merge(bound[bound["n"] >= 2], on=["i", "c"])
    back = kept.copy()
    back[out["v"].to_numpy()] = out["c"].to_numpy()
    return back


def join_halves(graph: ClusterGraph, membership: np.ndarray) -> np.ndarray:
    """``membership`` (``-1``: out) with two communities made one where an identifier (an employer, an
    address) is shared by three or more people of each (two, of an employer): the halves of one group Leiden
    kept apart because each half was held with strangers who were then pruned (an overstay network's two
    houses, each with its neighbours, and the employer they share; two workers whose homes are on other
    records of theirs and four who live together).

    >>> g = ClusterGraph(np.arange(7), np.zeros(0, int), np.zeros(0, int), np.zeros(0), pd.DataFrame(
    ...     {"p": [0, 1, 2, 3, 4, 5, 6], "i": [9, 9, 9, 9, 9, 9, 9]}), None)
    >>> join_halves(g, np.array([0, 0, 0, 1, 1, 1, 2])).tolist()
    [0, 0, 0, 0, 0, 0, 1]

    >>> g.identifiers["organisation"] = True
    >>> join_halves(g, np.array([0, 0, 0, 0, 1, 1, 2])).tolist()
    [0, 0, 0, 0, 0, 0, 1]

    Only an identifier the two halves hold four in five of joins them (not an agency of sixty customers some of
    each half booked with), and only a home, employer or vehicle: not a phone, e-mail, card or document.
    """
    com = pd.Series(membership, index=graph.vertices)
    idents = graph.identifiers
    if "personal" in idents:  # homes, employers, vehicles: not phones, e-mails, cards or documents
        idents = idents[~(idents["personal"] | idents["document"]).to_numpy(dtype=bool)]
    k = idents.groupby("i")["p"].transform("size")
    links = idents[["p", "i"]].assign(c=com.reindex(idents["p"]).to_numpy(), k=k.to_numpy())
    links = links[(links["c"] >= 0) & (links["k"] <= MAX_SHARE)]
    per = links.groupby(["i", "c"]).agg(n=("p", "size"), k=("k", "first"))
    per = per.reset_index()
    employer = np.zeros(len(per), dtype=bool)
    if "organisation" in idents:  # two who share only the employer are a half (their homes are on other records)
        employer = idents.groupby("i")["organisation"].first().reindex(per["i"]).to_numpy(dtype=bool)
    per = per[per["n"] >= np.where(employer, 2, 3)]
    pairs = per.merge(per[["i", "c", "n"]], on="i")
    pairs = pairs[(pairs["c_x"] < pairs["c_y"]) & (pairs["n_x"] + pairs["n_y"] >= 0.8 * pairs["k"])]
    if pairs.empty:
        return membership
    n = int(membership.max()) + 1
    adj = sp.coo_matrix((np.ones(len(pairs)), (pairs["c_x"], pairs["c_y"])), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    return np.where(membership >= 0, label[np.maximum(membership, 0)], -1)


def _positions(graph: ClusterGraph, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex number of each of ``people`` and whether it is a vertex (one binary search, no sort)."""
    pos = np.minimum(np.searchsorted(graph.vertices, people), max(len(graph.vertices) - 1, 0))
    return pos, graph.vertices[pos] == people if len(graph.vertices) else np.zeros(len(people), dtype=bool)


def _pulled(graph: ClusterGraph, membership: np.ndarray) -> pd.DataFrame:
    """(person ``v``, community ``c``) where ``c`` holds two or more, and more than half, of the people of a
    phone, e-mail or document she holds or books with (a card does not pull: masked numbers collide)."""
    idents = graph.identifiers
    if idents is None or idents.empty or "personal" not in idents:
        return pd.DataFrame({"v": np.zeros(0, dtype=np.int64), "c": np.zeros(0, dtype=np.int64)})
    pos, known = _positions(graph, idents["p"].to_numpy())
    pick = ((idents["personal"] & ~idents["card"]) | idents["document"]).to_numpy(dtype=bool) & known
    i, v = idents["i"].to_numpy()[pick], pos[pick]
    k = np.bincount(i)[i]
    many = k >= 3  # two others and her
    links = pd.DataFrame({"i": i[many], "v": v[many], "c": membership[v[many]], "k": k[many]})
    per = links[links["c"] >= 0].groupby(["i", "c"]).agg(n=("v", "size"), k=("k", "first")).reset_index()
    per = per[(per["n"] >= 2) & (2 * per["n"] > per["k"])]
    return links[["i", "v"]].merge(per[["i", "c"]], on="i")[["v", "c"]].drop_duplicates()


def rehome(
    graph: ClusterGraph, membership: np.ndarray, resolution: float, fixed: np.ndarray | None = None
) -> np.ndarray:
    """``membership`` (``-1``: out) with people moved, all at once, to a kept community that holds most of the
    people of a phone, e-mail or document of theirs (``_pulled``), when their ties to it beat their ties to
    their own: a community's gain is the link weight to its members less ``resolution`` times their number
    (Leiden's own CPM measure), counted after pruning. Leiden weighs a person's ties before the strangers
    are pruned: a traveller whose trips the facilitator's card and phone paid (weak ties to each of
    twenty-five, strong together) sat with the neighbours of her apartment block, who were then pruned, and
    was lost to both. ``fixed`` people (a shared document's holders, split off) neither move nor draw.

    >>> idents = pd.DataFrame({"p": [0, 1, 2, 3], "i": 9, "w": 1.0, "document": False, "personal": True,
    ...     "card": False})
    >>> g = ClusterGraph(np.arange(5), np.array([0, 0, 1, 3, 3]), np.array([1, 2, 2, 4, 2]),
    ...     np.array([.5, .5, .5, 1., .6]), idents, None)
    >>> rehome(g, np.array([0, 0, 0, 1, 1]), 0.02).tolist()
    [0, 0, 0, 1, 1]
    >>> rehome(g, np.array([0, 0, 0, -1, 1]), 0.02).tolist()
    [0, 0, 0, 0, 1]
    """
    fixed = np.zeros(len(membership), dtype=bool) if fixed is None else fixed
    open_to = np.where(fixed, -1, membership)
    pulled = _pulled(graph, open_to)
    pulled = pulled[~fixed[pulled["v"].to_numpy()] & (membership[pulled["v"].to_numpy()] != pulled["c"].to_numpy())]
    if pulled.empty:
        return membership
    want = np.zeros(len(membership), dtype=bool)
    want[pulled["v"].to_numpy()] = True
    v = np.concatenate([graph.src, graph.dst])
    u = np.concatenate([graph.dst, graph.src])
    pick = want[v] & (membership[u] >= 0)
    w = np.concatenate([graph.weight, graph.weight])[pick]
    ties = pd.DataFrame({"v": v[pick], "c": membership[u[pick]], "w": w})
    ties = ties.groupby(["v", "c"], sort=False)["w"].sum().reset_index()
    size = np.bincount(membership[membership >= 0], minlength=int(membership.max(initial=0)) + 1)
    own = membership[ties["v"].to_numpy()] == ties["c"].to_numpy()
    ties["gain"] = ties["w"].to_numpy() - resolution * (size[ties["c"].to_numpy()] - own)
    stay = pd.Series(ties["gain"].to_numpy()[own], index=ties["v"].to_numpy()[own])
    best = ties.merge(pulled, on=["v", "c"]).sort_values(["gain", "c"], ascending=[False, True], kind="stable")
    best = best.drop_duplicates("v")
    here = stay.reindex(best["v"].to_numpy(), fill_value=0.0).to_numpy()
    move = best[best["gain"].to_numpy() > np.maximum(here, 0.0)]
    out = membership.copy()
    out[move["v"].to_numpy()] = move["c"].to_numpy()
    return out


def _subgraph(graph: ClusterGraph, at: np.ndarray) -> ClusterGraph:
    """The vertices ``at`` (a mask) and the links and identifiers between them."""
    both = at[graph.src] & at[graph.dst]
    number = np.cumsum(at) - 1
    vertices = graph.vertices[at]
    idents = graph.identifiers[np.isin(graph.identifiers["p"].to_numpy(), vertices)]
    pl = graph.pair_links
    pl = pl[np.isin(pl["p"].to_numpy(), vertices) & np.isin(pl["q"].to_numpy(), vertices)]
    return ClusterGraph(vertices, number[graph.src[both]], number[graph.dst[both]], graph.weight[both], idents, pl)


def _reprune(graph: ClusterGraph, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``after`` (``before`` with some people moved) pruned again (``_prune``) in the communities the moves
    touched only: a community's pruning reads its own members' links alone, so the others stay as they were."""
    moved = before != after
    if not moved.any():
        return after
    touched = np.unique(np.concatenate([before[moved], after[moved]]))
    at = np.isin(after, touched[touched >= 0])
    out = after.copy()
    out[at] = _prune(_subgraph(graph, at), after[at])
    return out
