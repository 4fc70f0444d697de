"""What goes into a clue packet: a lead chosen as a cluster, a person with their neighbourhood, or nodes.

A ``Selection`` names the lead; ``select`` turns it into a ``Lead``: the subgraph from the store, the nodes
the lead is about (``focus``), the risk paths that explain it when ``analytics.paths`` provides them, and
whether a cap cut the neighbourhood. Every expansion is capped (DESIGN.md section 8: 3-hop
neighbourhoods can reach tens of thousands of nodes).

>>> Selection.parse(nodes="Port=LHR").ids[0].startswith("Port:")
True
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.errors import InvalidValueError, NotFoundError
from graph.ids import resolve_ref
from graph.store.base import GraphStore
from graph.store.model import Subgraph

Kind = Literal["cluster", "person", "nodes"]
#: At most this many nodes around a person (besides the person) and around each cluster member.
NEIGHBOURHOOD_CAP = 150
#: Risk paths asked for per focus person, when ``analytics.paths`` is there.
PATHS_PER_PERSON = 3


@dataclass(frozen=True)
class Selection:
    """The lead to hand on: ``kind`` says how ``ids`` are read (a cluster id, a person id, or node ids)."""

    kind: Kind
    ids: tuple[str, ...]
    cap: int = NEIGHBOURHOOD_CAP

    @classmethod
    def parse(cls, *, cluster: str | None = None, person: str | None = None, nodes: str | None = None) -> Selection:
        """Exactly one of the three options, as the CLI gives them (``nodes`` comma-separated, ids or refs)."""
        given = [(k, v) for k, v in (("cluster", cluster), ("person", person), ("nodes", nodes)) if v]
        if len(given) != 1:
            raise InvalidValueError("choose exactly one of --cluster, --person, --nodes", field="selection")
        kind, text = given[0]
        parts = [part.strip() for part in text.split(",") if part.strip()]
        # a cluster is named by its cluster_id (CL-...) or its node id; analytics.cluster_store resolves it
        ids = tuple(parts if kind == "cluster" else (resolve_ref(p) for p in parts))
        if not ids or (kind != "nodes" and len(ids) != 1):
            raise InvalidValueError(f"--{kind} takes {'ids' if kind == 'nodes' else 'one id'}", field=kind, value=text)
        return cls(kind, ids)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"kind": self.kind, "ids": list(self.ids), "cap": self.cap}


@dataclass
class Lead:
    """A selected subgraph and what explains it."""

    selection: Selection
    subgraph: Subgraph
    focus: list[str]
    paths: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def _optional(module: str, name: str) -> Any:
    """A function another part of analytics provides, or None while it does not exist yet."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _path_dict(path: Any) -> dict[str, Any]:
    """A risk path as plain data, whatever small dataclass ``analytics.paths`` answers with."""
    if hasattr(path, "to_dict"):
        return dict(path.to_dict())
    if isinstance(path, dict):
        return dict(path)
    return dict(vars(path))


def path_node_ids(path: dict[str, Any]) -> list[str]:
    """The node ids a risk path passes through (``nodes``, or the ends of its ``steps``/``links``)."""
    ids = [n if isinstance(n, str) else n.get("id", "") for n in path.get("nodes", [])]
    for step in path.get("steps", path.get("links", [])):
        if isinstance(step, dict):
            ids += [step.get(k, "") for k in ("src", "dst", "source", "target")]
    return [i for i in dict.fromkeys(ids) if isinstance(i, str) and ":" in i]


def _person_ids(store: GraphStore, person: str, cap: int) -> tuple[list[str], bool, list[dict[str, Any]]]:
    if store.get(person) is None:
        raise InvalidValueError("no such person in the store", field="person", value=person)
    hood = store.neighbours(person, depth=2, limit=cap)
    ids = [person, *sorted(hood.node_ids() - {person})]
    risk_paths = _optional("analytics.paths", "risk_paths")
    try:
        paths = [_path_dict(p) for p in risk_paths(store, person, k=PATHS_PER_PERSON)] if risk_paths else []
    except NotFoundError:  # a person the risk projection does not reach has no paths
        paths = []
    for p in paths:
        ids += path_node_ids(p)
    return list(dict.fromkeys(ids)), hood.truncated, paths


def _cluster_ids(store: GraphStore, cluster: str, cap: int) -> tuple[list[str], list[str], bool]:
    """The cluster node, its members, and what binds them: neighbours shared by at least two members."""
    members_of = _optional("analytics.cluster_store", "cluster_members")
    if members_of is None:
        raise InvalidValueError("clusters are not available (analytics.cluster_store)", field="cluster", value=cluster)
    found = members_of(store, cluster)
    members = [n.id for n in (*found.persons, *found.identifiers)]
    seen: dict[str, int] = {}
    truncated = False
    for m in members:
        hood = store.neighbours(m, depth=1, limit=cap)
        truncated |= hood.truncated
        for n in hood.node_ids() - {m}:
            seen[n] = seen.get(n, 0) + 1
    shared = sorted(n for n, count in seen.items() if count >= 2 and not n.startswith("Cluster:"))
    return list(dict.fromkeys([found.cluster.id, *members, *shared])), [found.cluster.id], truncated


def select(store: GraphStore, selection: Selection) -> Lead:
    """The lead ``selection`` names, read from ``store`` through the contract."""
    paths: list[dict[str, Any]] = []
    truncated = False
    if selection.kind == "person":
        ids, truncated, paths = _person_ids(store, selection.ids[0], selection.cap)
        focus = [selection.ids[0]]
    elif selection.kind == "cluster":
        ids, focus, truncated = _cluster_ids(store, selection.ids[0], selection.cap)
    else:
        ids, focus = list(selection.ids), list(selection.ids)
    sub = store.subgraph(ids)
    missing = sorted(set(focus) - sub.node_ids())
    if missing:
        raise InvalidValueError("selected nodes are not in the store", field="nodes", value=", ".join(missing))
    return Lead(selection, sub, [f for f in focus if f in sub.node_ids()], paths, truncated)
