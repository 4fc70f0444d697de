"""Risk paths: for one person, the k strongest chains of links to known risk, each link in words and sources.

The search is local: a breadth-first walk on the projection's CSR matrix from the person, at most
``max_hops`` deep and ``neighbourhood_limit`` nodes wide, that does not pass through unspecific hubs (a
hotel phone, an airport); then the k shortest simple paths (Yen's algorithm, igraph's
``get_k_shortest_paths``) on that small subgraph, with a link's cost
``-log(weight)`` (type x decay x specificity of both ends, as propagation weighs it) and a virtual end
behind every seed costing ``-log(seed weight)``. Only the few nodes and edges on the chosen paths are read
from the store (``subgraph``), for their names and the source records behind each link.

A ``PathContext`` (projection, specificity, seeds) is built once per graph and reused for many people
(``path_context``); ``risk_paths`` builds one when it is not given.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics.config import RunConfig
from analytics.explain import describe, link_text
from analytics.projection import Projection, project
from analytics.seeds import find_seeds
from analytics.specificity import specificity
from graph.errors import NotFoundError
from graph.ids import resolve_ref
from graph.store import Edge, GraphStore, Node

_SINK = -1  # the virtual end behind the seeds, in graphs keyed by node index (bench_analytics)
HUB_SPECIFICITY = 0.3  # nodes below this are not walked through (they may still be seeds at a path's end)


@dataclass(frozen=True)
class PathLink:
    """One hop of a risk path: the edge, what it says, and the source records behind it."""

    src: str
    dst: str
    edge_id: str
    edge_type: str
    text: str
    weight: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RiskPath:
    """A chain of links from a person to a seed: its score (product of link weights x seed weight), the
    nodes, the links, the seed's reason, and the whole in one sentence."""

    person_id: str
    seed_id: str
    seed_kind: str
    seed_reason: str
    score: float
    nodes: tuple[str, ...]
    links: tuple[PathLink, ...]
    text: str
    seed_sources: tuple[str, ...] = ()
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["nodes"] = list(self.nodes)
        data["links"] = [{**asdict(link), "sources": list(link.sources)} for link in self.links]
        data["seed_sources"] = list(self.seed_sources)
        return data


@dataclass
class PathContext:
    """What path searches share: the projection, its specificity-weighted matrix and the seeds by node."""

    proj: Projection
    spec: np.ndarray
    matrix: sp.csr_matrix
    seeds: pd.DataFrame
    seed_weight: np.ndarray
    config: RunConfig
    pair_keys: np.ndarray  # sorted (low end * n + high end) of every edge, for finding the edges of a hop
    pair_pos: np.ndarray  # the edge positions in that order
    best_seed: dict[int, dict[Hashable, Any]]  # node index -> its strongest seed row (a frame record)


def path_context(store: GraphStore, config: RunConfig | None = None) -> PathContext:
    """Project the graph and find its seeds once, for many ``risk_paths`` calls."""
    config = config or RunConfig()
    proj = project(store, config)
    spec = specificity(proj, config)
    seeds = find_seeds(store, proj, config, spec=spec)
    return context_from(proj, spec, seeds, config)


def context_from(proj: Projection, spec: np.ndarray, seeds: pd.DataFrame, config: RunConfig) -> PathContext:
    """A ``PathContext`` from parts already computed (a propagation run's)."""
    weight = np.zeros(proj.n_nodes)
    if len(seeds):
        np.maximum.at(weight, seeds["index"].to_numpy(dtype=np.int64), seeds["weight"].to_numpy(dtype=float))
    n = np.int64(proj.n_nodes)
    keys = np.minimum(proj.src, proj.dst).astype(np.int64) * n + np.maximum(proj.src, proj.dst)
    order = np.argsort(keys, kind="stable")
    best = seeds.sort_values("weight", ascending=False, kind="stable").drop_duplicates("index")
    best_seed = {int(r["index"]): r for r in best.to_dict("records")}
    return PathContext(proj, spec, proj.matrix(spec), seeds, weight, config, keys[order], order, best_seed)


def local_nodes(ctx: PathContext, start: int, *, max_hops: int, limit: int) -> np.ndarray:
    """Nodes within ``max_hops`` of ``start`` (a breadth-first walk on the CSR matrix), not walking through
    hubs, at most ``limit`` (strongest links first when a hop would overflow)."""
    m, seen = ctx.matrix, {start}
    frontier = np.array([start])
    for _ in range(max_hops):
        walkable = frontier[(ctx.spec[frontier] >= HUB_SPECIFICITY) | (frontier == start)]
        if not len(walkable):
            break
        sub = m[walkable]
        cand, w = sub.indices, sub.data
        fresh = ~np.isin(cand, np.fromiter(seen, dtype=np.int64))
        cand, w = cand[fresh], w[fresh]
        order = np.argsort(-w, kind="stable")
        cand = pd.unique(cand[order])[: max(limit - len(seen), 0)]
        if not len(cand):
            break
        seen.update(int(c) for c in cand)
        frontier = cand
    return np.array(sorted(seen), dtype=np.int64)


def _local_graph(ctx: PathContext, nodes: np.ndarray) -> tuple[ig.Graph, np.ndarray]:
    """The links among ``nodes`` (sorted indexes) as an igraph graph on local numbers ``0..len(nodes)-1``,
    plus a virtual end (number ``len(nodes)``) behind every seed; and each link's cost ``-log(weight)``."""
    rows = ctx.matrix[nodes]  # whole rows, then columns by binary search (a column slice of a 1M-column
    # matrix allocates per column)
    src = np.repeat(np.arange(len(nodes)), np.diff(rows.indptr))
    dst = np.minimum(np.searchsorted(nodes, rows.indices), len(nodes) - 1)
    keep = (nodes[dst] == rows.indices) & (src < dst)
    src, dst, w = src[keep], dst[keep], rows.data[keep]
    seeds = np.flatnonzero(ctx.seed_weight[nodes] > 0)
    sink = np.full(len(seeds), len(nodes))
    edges = np.column_stack([np.concatenate([src, seeds]), np.concatenate([dst, sink])])
    weights = np.concatenate([w, ctx.seed_weight[nodes[seeds]]])
    return ig.Graph(n=len(nodes) + 1, edges=edges), -np.log(np.minimum(weights, 1.0))


def _index_paths(ctx: PathContext, start: int, k: int, max_hops: int) -> list[list[int]]:
    """The ``k`` cheapest simple paths to the virtual end within ``max_hops`` links (Yen's algorithm in
    igraph's C core; networkx's ``shortest_simple_paths`` gives the same paths, measured 10x slower)."""
    limit = ctx.config.paths.neighbourhood_limit
    nodes = local_nodes(ctx, start, max_hops=max_hops, limit=limit)
    graph, cost = _local_graph(ctx, nodes)
    origin, sink = int(np.searchsorted(nodes, start)), len(nodes)
    if not graph.degree(sink) or sink not in graph.subcomponent(origin):
        return []
    found: list[list[int]] = []
    for path in graph.get_k_shortest_paths(origin, to=sink, k=3 * k, weights=cost.tolist(), mode="all"):
        hops = nodes[path[:-1]].tolist()
        if len(hops) - 1 <= max_hops:
            found.append(hops)
        if len(found) == k:
            break
    return found


class _Items:
    """The nodes and edges of one person's paths, read from the store in one ``subgraph`` call (every edge
    among the paths' nodes comes with it; the store has no index on edge ids, so reading each hop's edge
    by id scans the edges once per hop: measured 17 ms a hop at 5M edges)."""

    def __init__(self, store: GraphStore, node_ids: list[str]) -> None:
        sub = store.subgraph(sorted(set(node_ids)))
        self.store = store
        self.seen: dict[str, Node | Edge | None] = {n.id: n for n in sub.nodes}
        self.seen.update({e.id: e for e in sub.edges})

    def get(self, item_id: str) -> Node | Edge | None:
        if item_id not in self.seen:
            self.seen[item_id] = self.store.get(item_id)
        return self.seen[item_id]


def _node(item: Node | Edge | None) -> Node | None:
    return item if isinstance(item, Node) else None


def hop_edges(ctx: PathContext, a: int, b: int) -> list[str]:
    """Ids of the edges between two nodes (by index), strongest type first."""
    n = np.int64(ctx.proj.n_nodes)
    key = np.int64(min(a, b)) * n + max(a, b)
    lo, hi = np.searchsorted(ctx.pair_keys, [key, key + 1])
    pos = ctx.pair_pos[lo:hi]
    pos = pos[np.argsort(-ctx.proj.weight[pos], kind="stable")]
    return ctx.proj.edge_ids(pos)


def _explain(ctx: PathContext, person: str, hops: list[int], items: _Items) -> RiskPath:
    ids = ctx.proj.ids(np.array(hops, dtype=np.int64))
    nodes = {i: items.get(i) for i in ids}
    links, score = [], 1.0
    for a, b, ia, ib in zip(ids, ids[1:], hops, hops[1:], strict=False):
        found = [items.get(e) for e in hop_edges(ctx, ia, ib)[:1]]
        edge = found[0] if found and isinstance(found[0], Edge) else None
        w = float(ctx.matrix[ia, ib])
        score *= w
        forward = edge is None or edge.src == a
        kind = edge.type if edge else "LINK"
        words = link_text(kind, a.split(":")[0], b.split(":")[0], forward=forward)
        na, nb = nodes.get(a), nodes.get(b)
        text = f"{describe(_node(na), a)} {words} {describe(_node(nb), b)}"
        links.append(PathLink(a, b, edge.id if edge else "", kind, text, round(w, 6), edge.sources if edge else ()))
    seed = ctx.best_seed[hops[-1]]
    score *= float(seed["weight"])
    chain = "; ".join(link.text for link in links)
    sentence = f"{chain}; {seed['reason']}" if chain else str(seed["reason"])
    return RiskPath(
        person,
        ids[-1],
        str(seed["kind"]),
        str(seed["reason"]),
        score,
        tuple(ids),
        tuple(links),
        sentence,
        tuple(seed["sources"]) + tuple(seed["edges"]),
        summarise(ids, [link.edge_type for link in links], {i: _node(items.get(i)) for i in ids}, str(seed["reason"])),
    )


_VIA_BOOKING = {"PAID_BY": "booked with the same {what} as", "CONTACT": "gave the same contact {what} as"}


def _segment(kinds: list[str], middle: list[str], nodes: dict[str, Node | None]) -> str:
    """What a chain of links between two people says, in a few words."""
    idents = [m for m in middle if m.split(":")[0] not in ("Booking", "Voyage", "Crossing")]
    if not middle:
        return "travelled with" if kinds == ["CO_TRAVELLED"] else "may be the same person as"
    if not idents:
        return "was on the same booking as" if all(m.startswith("Booking:") for m in middle) else "travelled with"
    what = describe(nodes.get(idents[0]), idents[0])
    for kind, phrase in _VIA_BOOKING.items():
        if kind in kinds:
            return phrase.format(what=what)
    return f"shares {what} with"


def summarise(ids: list[str], kinds: list[str], nodes: dict[str, Node | None], seed_reason: str) -> str:
    """One sentence for a path: ``booked with the same card 4111... as LI NA (P-2), who is an organiser in case
    C-17``. People are named; identifiers between two people are said once."""
    people = [i for i, node_id in enumerate(ids) if node_id.startswith("Person:")]
    if not kinds:
        return seed_reason
    parts = []
    for a, b in pairwise(people):
        said = _segment(kinds[a:b], ids[a + 1 : b], nodes)
        parts.append(f"{said} {describe(nodes.get(ids[b]), ids[b])}")
    last_person = people[-1] if people else 0
    if last_person < len(ids) - 1:  # the path ends at an identifier or document
        tail = describe(nodes.get(ids[-1]), ids[-1])
        parts.append(f"is linked to {tail}")
        return f"{', who '.join(parts)} ({seed_reason})" if len(parts) > 1 else f"{parts[0]} ({seed_reason})"
    who = describe(nodes.get(ids[-1]), ids[-1])
    rest = seed_reason[len(who) :].strip() if seed_reason.startswith(who) else f"({seed_reason})"
    sentence = ", who ".join(parts)
    return f"{sentence}, who {rest}"


def risk_paths(
    store: GraphStore,
    person_id: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    context: PathContext | None = None,
) -> list[RiskPath]:
    """The ``k`` strongest paths (at most ``max_hops`` links) from a person to known risk, strongest first.

    ``person_id`` is an id or a ``Person=KEY`` reference. A person who is a seed gets a path of no links
    first. Empty when no seed is within reach.
    """
    ctx = context or path_context(store)
    pid = resolve_ref(person_id)
    try:
        start = int(ctx.proj.index([pid])[0])
    except Exception:
        raise NotFoundError("no such node in the graph", field="person", value=person_id) from None
    found = _index_paths(ctx, start, k, max_hops)
    if not found:
        return []
    items = _Items(store, ctx.proj.ids(np.unique(np.concatenate(found))))
    paths = [_explain(ctx, pid, hops, items) for hops in found]
    return sorted(paths, key=lambda p: (-p.score, len(p.links), p.seed_id))


def iter_risk_paths(
    store: GraphStore, person_ids: list[str], *, context: PathContext, k: int = 3, max_hops: int = 4
) -> Iterator[tuple[str, list[RiskPath]]]:
    """``risk_paths`` for many people with one context."""
    for pid in person_ids:
        yield pid, risk_paths(store, pid, k=k, max_hops=max_hops, context=context)
