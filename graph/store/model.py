"""What a store hands back: nodes, edges, subgraphs, neighbourhoods and counts, as small dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Node:
    """One node with its properties and provenance."""

    id: str
    label: str
    props: dict[str, Any]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sources: tuple[str, ...] = ()
    confidence: float | None = None
    method: str | None = None

    def summary(self) -> str:
        """A short human line: the properties that name the node, as a person would read them."""
        shown = [str(v) for k, v in self.props.items() if v not in (None, "") and not isinstance(v, dict | list)]
        return " ".join(shown[:4])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**asdict(self), "sources": list(self.sources)}


@dataclass(frozen=True)
class Edge:
    """One edge (from ``src`` to ``dst``, both node ids) with its properties and provenance."""

    id: str
    type: str
    src: str
    dst: str
    props: dict[str, Any]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sources: tuple[str, ...] = ()
    confidence: float | None = None
    method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**asdict(self), "sources": list(self.sources)}


@dataclass
class Subgraph:
    """Some nodes and the edges among them, sorted by id so equal graphs compare equal."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes.sort(key=lambda n: n.id)
        self.edges.sort(key=lambda e: e.id)

    def node_ids(self) -> set[str]:
        """The ids of the nodes."""
        return {n.id for n in self.nodes}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"nodes": [n.to_dict() for n in self.nodes], "edges": [e.to_dict() for e in self.edges]}


@dataclass
class Neighbourhood(Subgraph):
    """What ``neighbours`` found around ``center``: each node's hop count, and whether the limit cut it."""

    center: str = ""
    hops: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**super().to_dict(), "center": self.center, "hops": self.hops, "truncated": self.truncated}


@dataclass(frozen=True)
class StoreStats:
    """Counts of nodes per label and of edges per type."""

    nodes: dict[str, int]
    edges: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with totals."""
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "edges": dict(sorted(self.edges.items())),
            "total_nodes": sum(self.nodes.values()),
            "total_edges": sum(self.edges.values()),
        }


@dataclass(frozen=True)
class WriteResult:
    """What one bulk upsert did: rows given, rows after merging duplicates in the batch, and their fate."""

    rows: int
    distinct: int
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        """Rows that matched a stored item and changed nothing."""
        return self.distinct - self.inserted - self.updated
