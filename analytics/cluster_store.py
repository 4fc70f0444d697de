"""Stored clue clusters: stable ids across runs, ``Cluster`` nodes and ``IN_CLUSTER`` edges written and read
back, and ``clusters.csv`` (see ``analytics.clusters`` for how clusters are found)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.projection import Projection
from graph.ids import node_id, resolve_ref
from graph.store import GraphStore, Node

CSV_COLUMNS = ["cluster_id", "rank", "score", "size", "person_ids", "doc_keys", "reasons"]


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
            ids[i] = cid
            taken.add(cid)
    return [cid or stable_id(members) for cid, members in zip(ids, clusters, strict=True)]


@dataclass
class Clusters:
    """A clustering run: one row per cluster (``table``) and one per member (``members``)."""

    table: pd.DataFrame
    members: pd.DataFrame
    run_id: str
    config: RunConfig


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
    return {str(cid): sorted(set(keys)) for cid, keys in held.groupby("cluster_id")["key"]}
