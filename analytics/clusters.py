"""Clue clusters: groups of people and identifiers bound by specific shared identifiers and repeated co-travel.

1. **Graph** (``cluster_graph``): people and the identifiers they hold, use or book with (a booking's card,
   contact phone or e-mail, agency counts as the passenger's), each link weighted by the identifier's
   specificity; identifiers below ``min_specificity`` (hotel and agency switchboards, airports) are left
   out. People who shared ``co_travel_min`` or more bookings, or a ``CO_TRAVELLED`` link, are linked directly,
   and so are the subjects of one case (through the case) and identities that may be one (``POSSIBLY_SAME_AS``).
2. **Communities**: igraph's Leiden (``objective_function="modularity"``, fixed seed) on that graph, its
   vertices in node-number order, so the same graph gives the same communities whatever the input order.
3. **Scores** (``score_clusters``): explained features, each with its words in ``reasons``: identifiers
   shared inside, seeds inside, prior cases, document conflicts, one instrument paying for many, repeated
   co-travel, recency. ``FEATURE_WEIGHTS`` sums them into the score; clusters are ranked by it.
4. **Stable ids**: a cluster takes the id of the previous run's cluster it overlaps most (Jaccard of people
   at least 0.5, one to one), else ``CL-`` and a hash of its sorted people, so a lead keeps its id.

``run_clusters`` writes ``Cluster`` nodes and ``IN_CLUSTER`` edges (with the run); ``cluster_members`` reads
one back; ``write_csv`` writes ``clusters.csv``.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.projection import Projection, project
from analytics.seeds import find_seeds
from analytics.specificity import specificity
from graph.ids import node_id, resolve_ref
from graph.store import GraphStore, Node

IDENTIFIER_LABELS = ("Phone", "Email", "PaymentInstrument", "Address", "Document", "Vehicle", "Organization")
#: Weight of each explained feature in a cluster's score.
FEATURE_WEIGHTS = {
    "shared_identifiers": 1.0,
    "seeds": 3.0,
    "prior_cases": 2.0,
    "document_conflicts": 2.0,
    "one_payer_many": 1.5,
    "repeated_co_travel": 1.0,
    "recency": 0.5,
}
CSV_COLUMNS = ["cluster_id", "rank", "score", "size", "person_ids", "doc_keys", "reasons"]


@dataclass
class ClusterGraph:
    """The person-identifier graph: projection indexes of its vertices and weighted edges between them."""

    vertices: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray


def _person_identifier_pairs(proj: Projection, spec: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    person = proj.mask("Person")
    direct = np.isin(proj.types, [proj.type_code(t) for t in ("USES", "HOLDS", "LIVES_AT", "WORKS_FOR")])
    pairs = [pd.DataFrame({"p": proj.src[direct], "i": proj.dst[direct]})]
    booked = proj.edges_of("BOOKED")
    by_booking = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]})
    via = np.isin(proj.types, [proj.type_code(t) for t in ("PAID_BY", "CONTACT", "VIA")])
    on_booking = pd.DataFrame({"b": proj.src[via], "i": proj.dst[via]})
    pairs.append(by_booking.merge(on_booking, on="b")[["p", "i"]])
    out = pd.concat(pairs, ignore_index=True).drop_duplicates()
    out = out[person[out["p"].to_numpy()] & keep[out["i"].to_numpy()]]
    out["w"] = spec[out["i"].to_numpy()]
    return out


def _co_travel_pairs(proj: Projection, config: RunConfig) -> pd.DataFrame:
    booked = proj.edges_of("BOOKED")
    trips = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]}).drop_duplicates()
    size = trips.groupby("b")["p"].transform("size")
    trips = trips[(size >= 2) & (size <= 40)]
    pairs = trips.merge(trips, on="b")
    pairs = pairs[pairs["p_x"] < pairs["p_y"]]
    counts = pairs.groupby(["p_x", "p_y"]).size().rename("n").reset_index()
    counts = counts[counts["n"] >= config.clusters.co_travel_min]
    co = proj.edges_of("CO_TRAVELLED")
    direct = pd.DataFrame(
        {"p_x": np.minimum(proj.src[co], proj.dst[co]), "p_y": np.maximum(proj.src[co], proj.dst[co]), "n": 1}
    )
    both = pd.concat([counts, direct]).groupby(["p_x", "p_y"])["n"].max().reset_index()
    return both.rename(columns={"p_x": "p", "p_y": "i"}).assign(w=lambda f: np.minimum(f["n"] / 2.0, 2.0))


def case_pairs(proj: Projection, seeds: pd.DataFrame | None) -> pd.DataFrame:
    """(person, case) links of case subjects (the seeds of kind ``case_subject``), weight 1: co-subjects of a
    case belong together."""
    if seeds is None or not len(seeds):
        return pd.DataFrame({"p": [], "i": [], "w": []})
    subjects = seeds[seeds["kind"] == "case_subject"]
    cases = [r.split(" in case ", 1)[1].split(" ", 1)[0] if " in case " in r else "" for r in subjects["reason"]]
    codes = pd.Series(cases).astype("category").cat.codes.to_numpy().astype(np.int64)
    return pd.DataFrame({"p": subjects["index"].to_numpy(), "i": proj.n_nodes + codes, "w": 1.0})


def cluster_graph(
    proj: Projection, spec: np.ndarray, config: RunConfig, seeds: pd.DataFrame | None = None
) -> ClusterGraph:
    """The person-identifier graph of the module doc (cases as vertices past the projection's indexes)."""
    ident = np.isin(proj.labels, [proj.label_code(lab) for lab in IDENTIFIER_LABELS])
    keep = ident & (spec >= config.clusters.min_specificity)
    same = proj.edges_of("POSSIBLY_SAME_AS")
    maybe = pd.DataFrame({"p": proj.src[same], "i": proj.dst[same], "w": 1.0})
    parts = [_person_identifier_pairs(proj, spec, keep), _co_travel_pairs(proj, config)[["p", "i", "w"]], maybe]
    links = pd.concat([*parts, case_pairs(proj, seeds)])
    links = links.groupby(["p", "i"], sort=True)["w"].sum().reset_index()
    # identifiers linking one person only bind nothing: leave them out (fewer vertices, same communities)
    shared = links.groupby("i")["p"].transform("size") >= 2
    is_person = np.zeros(proj.n_nodes + len(links) + 1, dtype=bool)
    is_person[: proj.n_nodes] = proj.mask("Person")
    links = links[shared | is_person[links["i"].to_numpy(dtype=np.int64)]]
    vertices = np.unique(np.concatenate([links["p"].to_numpy(), links["i"].to_numpy()]))
    src = np.searchsorted(vertices, links["p"].to_numpy())
    dst = np.searchsorted(vertices, links["i"].to_numpy())
    return ClusterGraph(vertices, src, dst, links["w"].to_numpy(dtype=float))


def leiden(graph: ClusterGraph, config: RunConfig) -> np.ndarray:
    """Community of each vertex (Leiden, modularity, fixed seed)."""
    g = ig.Graph(n=len(graph.vertices), directed=False)
    g.add_edges(np.column_stack([graph.src, graph.dst]))  # measured faster than a list of tuples
    g.es["weight"] = graph.weight.tolist()
    c = config.clusters
    ig.set_random_number_generator(random.Random(c.seed))
    try:
        parts = g.community_leiden(
            objective_function="modularity", weights="weight", resolution=c.resolution, n_iterations=c.iterations
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(parts.membership, dtype=np.int64)


def stable_id(person_ids: list[str]) -> str:
    """A cluster id from its people: ``CL-`` and 12 hex digits of the SHA-256 of their sorted ids.

    >>> stable_id(["Person:b", "Person:a"]) == stable_id(["Person:a", "Person:b"])
    True
    """
    digest = hashlib.sha256("\n".join(sorted(person_ids)).encode()).hexdigest()
    return f"CL-{digest[:12]}"


def match_previous(clusters: list[list[str]], previous: dict[str, set[str]], *, min_jaccard: float = 0.5) -> list[str]:
    """Ids for ``clusters`` (lists of person ids): the previous cluster's id each overlaps most (one to one,
    best overlaps first, Jaccard at least ``min_jaccard``), else ``stable_id``.

    >>> ids = match_previous([["p1", "p2", "p3"], ["p9"]], {"CL-old": {"p1", "p2"}})
    >>> ids[0], ids[1] == stable_id(["p9"])
    ('CL-old', True)
    """
    scored = []
    for i, members in enumerate(clusters):
        mine = set(members)
        for cid, theirs in previous.items():
            inter = len(mine & theirs)
            if inter:
                scored.append((inter / len(mine | theirs), cid, i))
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for jac, cid, i in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if jac >= min_jaccard and ids[i] is None and cid not in taken:
            ids[i], _ = cid, taken.add(cid)
    return [cid or stable_id(members) for cid, members in zip(ids, clusters, strict=True)]


@dataclass
class Clusters:
    """A clustering run: one row per cluster (``table``) and one per member (``members``)."""

    table: pd.DataFrame
    members: pd.DataFrame
    run_id: str
    config: RunConfig


def _communities(proj: Projection, graph: ClusterGraph, membership: np.ndarray, min_size: int) -> pd.DataFrame:
    members = pd.DataFrame({"index": graph.vertices, "community": membership})
    members = members[members["index"] < proj.n_nodes]  # cases bind people; they are not members
    members["person"] = proj.mask("Person")[members["index"].to_numpy()]
    size = members.groupby("community")["person"].transform("sum")
    return members[size >= min_size].reset_index(drop=True)


def find_clusters(
    store: GraphStore, proj: Projection | None = None, config: RunConfig | None = None, *, run_id: str = ""
) -> Clusters:
    """Cluster, score and rank (see the module doc); ids matched against the clusters stored before."""
    from analytics.cluster_score import score_clusters

    config = config or RunConfig()
    proj = proj or project(store, config)
    spec = specificity(proj, config)
    seeds = find_seeds(store, proj, config, spec=spec)
    graph = cluster_graph(proj, spec, config, seeds)
    members = _communities(proj, graph, leiden(graph, config), config.clusters.min_size)
    members["id"] = proj.ids(members["index"].to_numpy())
    table = score_clusters(proj, spec, seeds, members, config)
    groups = members[members["person"]].groupby("community")["id"].apply(lambda s: sorted(s))
    table["person_ids"] = [groups.get(c, []) for c in table["community"]]
    table["cluster_id"] = match_previous(list(table["person_ids"]), previous_clusters(store))
    members = members.merge(table[["community", "cluster_id"]], on="community")
    return Clusters(table, members, run_id or datetime.now(UTC).strftime("clusters-%Y%m%dT%H%M%SZ"), config)


def previous_clusters(store: GraphStore) -> dict[str, set[str]]:
    """The stored clusters of the latest run before: cluster id -> its people's ids."""
    if "Cluster" not in store.schema.nodes:
        return {}
    nodes = [b.to_pandas() for b in store.export_nodes("Cluster")]
    if not nodes or not len(pd.concat(nodes)):
        return {}
    frame = pd.concat(nodes, ignore_index=True)
    latest = frame["run"].max()
    current = frame[frame["run"] == latest]["cluster_id"]
    by_node = {node_id("Cluster", cid): cid for cid in current}
    out: dict[str, set[str]] = {}
    for batch in store.export_edges("IN_CLUSTER"):
        edges = batch.to_pandas()
        edges = edges[edges["src"].str.startswith("Person:") & (edges["run"] == latest)]
        for src, dst in zip(edges["src"], edges["dst"], strict=True):
            if dst in by_node:
                out.setdefault(by_node[dst], set()).add(src)
    return out


def write_clusters(store: GraphStore, result: Clusters) -> int:
    """Store the clusters (``Cluster`` nodes) and their members (``IN_CLUSTER`` edges) of this run."""
    t = result.table
    if t.empty:
        return 0
    nodes = pd.DataFrame(
        {
            "cluster_id": t["cluster_id"],
            "rank": t["rank"].astype("int64"),
            "score": t["score"].astype(float),
            "size": t["size"].astype("int64"),
            "reasons": [json.dumps(r, ensure_ascii=False) for r in t["reasons"]],
            "run": result.run_id,
        }
    )
    m = result.members
    edges = pd.DataFrame(
        {"src": m["id"], "dst": [node_id("Cluster", c) for c in m["cluster_id"]], "run": result.run_id}
    )
    with store.writer() as w:
        w.upsert_nodes("Cluster", nodes)
        w.upsert_edges("IN_CLUSTER", edges)
    return len(nodes)


@dataclass
class ClusterMembers:
    """One stored cluster: its node, and the people and identifiers its latest run put in it."""

    cluster: Node
    persons: list[Node]
    identifiers: list[Node]


def cluster_members(store: GraphStore, cluster_id: str, *, limit: int = 10_000) -> ClusterMembers:
    """The members of a stored cluster (``CL-...`` or a ``Cluster:`` id) as of the run that last wrote it."""
    from graph.errors import NotFoundError

    cid = resolve_ref(cluster_id) if ":" in cluster_id or "=" in cluster_id else node_id("Cluster", cluster_id)
    node = store.get(cid)
    if not isinstance(node, Node):
        raise NotFoundError("no such cluster", field="cluster_id", value=cluster_id)
    hood = store.neighbours(cid, depth=1, edge_types=["IN_CLUSTER"], limit=limit)
    current = {e.src for e in hood.edges if e.props.get("run") == node.props.get("run")}
    members = sorted((n for n in hood.nodes if n.id in current), key=lambda n: n.id)
    return ClusterMembers(
        node, [n for n in members if n.label == "Person"], [n for n in members if n.label != "Person"]
    )


def write_csv(result: Clusters, out_dir: Path, doc_keys: dict[str, list[str]]) -> Path:
    """``clusters.csv``: cluster_id, rank, score, size, person_ids, doc_keys (``ISSUER:NUMBER;...``), reasons."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t = result.table
    frame = pd.DataFrame(
        {
            "cluster_id": t["cluster_id"],
            "rank": t["rank"],
            "score": t["score"].round(6),
            "size": t["size"],
            "person_ids": [";".join(p) for p in t["person_ids"]],
            "doc_keys": [";".join(doc_keys.get(c, [])) for c in t["cluster_id"]],
            "reasons": [json.dumps(r, ensure_ascii=False) for r in t["reasons"]],
        }
    )
    path = out_dir / "clusters.csv"
    frame[CSV_COLUMNS].to_csv(path, index=False)
    return path


def doc_keys(store: GraphStore, proj: Projection, result: Clusters) -> dict[str, list[str]]:
    """Per cluster: the documents its people hold, as ``ISSUER:NUMBER``, sorted."""
    people = result.members[result.members["person"]]
    holds = proj.edges_of("HOLDS")
    held = pd.DataFrame({"index": proj.src[holds], "doc": proj.dst[holds]}).merge(people[["index", "cluster_id"]])
    if held.empty:
        return {}
    docs = np.unique(held["doc"].to_numpy())
    ids = proj.ids(docs)
    found: dict[str, str] = {}
    for i in range(0, len(ids), 20_000):
        for n in store.subgraph(ids[i : i + 20_000]).nodes:
            found[n.id] = f"{n.props.get('issuer', '')}:{n.props.get('number', '')}"
    key_of = dict(zip(docs.tolist(), (found.get(i, i) for i in ids), strict=True))
    held["key"] = held["doc"].map(key_of)
    return {cid: sorted(set(keys)) for cid, keys in held.groupby("cluster_id")["key"]}
