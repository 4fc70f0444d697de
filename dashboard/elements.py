"""Subgraphs to cytoscape elements: pure functions, no Dash, no store.

A *scene* is the list of cytoscape element dicts the explorer shows. It never holds more than ``cap``
elements (nodes and edges together): when a neighbourhood would overflow it, or when one node brings many
neighbours of one kind, those neighbours become one group node (``+312 co-travellers``) instead of a
hairball (DESIGN.md convention 12).

>>> from graph.store.model import Node, Edge, Neighbourhood
>>> a = Node("Person:01", "Person", {"surname": "IVANOV", "given_names": "IURII"})
>>> p = Node("Phone:02", "Phone", {"number": "+441632960001"})
>>> hood = Neighbourhood([a, p], [Edge("USES:03", "USES", a.id, p.id, {})], center=a.id, hops={a.id: 0, p.id: 1})
>>> scene = expand([], hood)
>>> sorted(e["data"]["id"] for e in scene)
['Person:01', 'Phone:02', 'USES:03']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from graph.store.model import Edge, Neighbourhood, Node, Subgraph

DEFAULT_CAP = 300
#: More neighbours than this of one label over one edge type, from one node, become one group node.
GROUP_OVER = 25
Element = dict[str, Any]

_NOUNS = {
    ("CO_TRAVELLED", "Person"): "co-travellers",
    ("BOOKED", "Person"): "passengers",
    ("BOOKED", "Booking"): "bookings",
    ("MADE", "Crossing"): "crossings",
    ("USES", "Person"): "users",
    ("PAID_BY", "Booking"): "bookings paid",
    ("ON", "Crossing"): "crossings",
    ("ON", "Booking"): "bookings",
    ("AT", "Crossing"): "crossings",
}


def caption(node: Node) -> str:
    """A short name for a node as an investigator reads it.

    >>> caption(Node("Person:1", "Person", {"surname": "ZHANG", "given_names": "WEI"}))
    'ZHANG Wei'
    >>> caption(Node("Document:1", "Document", {"issuer": "CHN", "number": "E1234"}))
    'CHN E1234'
    """
    p = node.props
    if node.label == "Person":
        return f"{p.get('surname') or ''} {str(p.get('given_names') or '').title()}".strip() or node.id
    if node.label == "Document":
        return f"{p.get('issuer', '')} {p.get('number', '')}".strip()
    if node.label == "Crossing":
        when = str(p.get("crossing_time") or node.first_seen or "")[:10]
        return f"{p.get('port', '')} {p.get('direction', '')} {when}".strip()
    if node.label == "Voyage":
        return f"{p.get('carrier', '')}{p.get('number', '')} {p.get('date', '')}".strip()
    return node.summary()[:40] or node.id


def risk_of(props: dict[str, Any]) -> float:
    """A node's risk score (0 when it has none)."""
    value = props.get("risk_score")
    try:
        return float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def risk_band(score: float) -> str:
    """``high``, ``medium``, ``low`` or ``none``, as the stylesheet colours them.

    >>> [risk_band(s) for s in (0.9, 0.5, 0.1, 0)]
    ['high', 'medium', 'low', 'none']
    """
    return "high" if score >= 0.7 else "medium" if score >= 0.4 else "low" if score > 0 else "none"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def node_element(node: Node, *, center: bool = False) -> Element:
    """One node as a cytoscape element; classes carry the label and risk band for the stylesheet."""
    risk = risk_of(node.props)
    classes = [node.label, f"risk-{risk_band(risk)}"] + (["center"] if center else [])
    if node.props.get("watchlisted") or node.label == "WatchlistEntry":
        classes.append("flagged")
    data = {
        "id": node.id,
        "label": caption(node),
        "type": node.label,
        "risk": round(risk, 3),
        "first_seen": _time(node.first_seen),
        "last_seen": _time(node.last_seen),
    }
    return {"data": data, "classes": " ".join(classes)}


def edge_element(edge: Edge) -> Element:
    """One edge as a cytoscape element."""
    data = {
        "id": edge.id,
        "source": edge.src,
        "target": edge.dst,
        "type": edge.type,
        "label": edge.type.replace("_", " ").lower(),
        "first_seen": _time(edge.first_seen),
        "last_seen": _time(edge.last_seen or edge.first_seen),
    }
    return {"data": data, "classes": edge.type}


def group_element(center: str, edge_type: str, label: str, count: int, *, more: bool = False) -> list[Element]:
    """One node standing for ``count`` neighbours of ``center`` (``+312 co-travellers``) and its edge."""
    noun = _NOUNS.get((edge_type, label), f"{label} via {edge_type.replace('_', ' ').lower()}")
    gid = f"group:{center}:{edge_type}:{label}"
    text = f"+{count:,}{'+' if more else ''} {noun}"
    node = {
        "data": {"id": gid, "label": text, "type": "Group", "count": count, "of": center, "risk": 0},
        "classes": "Group",
    }
    edge = {
        "data": {
            "id": f"{gid}:edge",
            "source": center,
            "target": gid,
            "type": edge_type,
            "label": "",
            "first_seen": None,
            "last_seen": None,
        },
        "classes": f"{edge_type} grouped",
    }
    return [node, edge]


def element_ids(scene: Iterable[Element]) -> set[str]:
    """The ids of a scene's elements."""
    return {e["data"]["id"] for e in scene}


def _reaching_edges(hood: Neighbourhood, center: str) -> dict[str, Edge]:
    """For each neighbour, the edge that links it to the centre (the first one found)."""
    found: dict[str, Edge] = {}
    for edge in hood.edges:
        other = edge.dst if edge.src == center else edge.src if edge.dst == center else None
        if other is not None:
            found.setdefault(other, edge)
    return found


def _ranked(hood: Neighbourhood, known: set[str]) -> list[Node]:
    """New nodes of a neighbourhood, nearest and riskiest first (the store's order kept among equals)."""
    order = {n.id: i for i, n in enumerate(hood.nodes)}
    fresh = [n for n in hood.nodes if n.id not in known and n.id != hood.center]
    return sorted(fresh, key=lambda n: (hood.hops.get(n.id, 1), -risk_of(n.props), order[n.id]))


def expand(
    scene: Sequence[Element],
    hood: Neighbourhood,
    *,
    cap: int = DEFAULT_CAP,
    group_over: int = GROUP_OVER,
) -> list[Element]:
    """The scene with ``hood`` (what ``store.neighbours`` found around one node) added, within ``cap``.

    Neighbours that reach the centre by one edge type and share a label are grouped when there are more
    than ``group_over`` of them, or when the scene has no room for them one by one; a truncated
    neighbourhood makes its groups say ``+100+``. The nearest and riskiest neighbours are shown first."""
    out = [dict(e) for e in scene]
    known = element_ids(out)
    if hood.center not in known:
        centre = next((n for n in hood.nodes if n.id == hood.center), None)
        if centre is None or len(out) >= cap:
            return out
        out.append(node_element(centre, center=True))
        known.add(hood.center)
    reach = _reaching_edges(hood, hood.center)
    buckets: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for node in _ranked(hood, known):
        edge = reach.get(node.id)
        buckets[(edge.type if edge else "LINK", node.label)].append(node)
    groups = {k for k, members in buckets.items() if len(members) > group_over}
    singles = [n for k, members in buckets.items() if k not in groups for n in members]
    singles.sort(key=lambda n: (hood.hops.get(n.id, 1), -risk_of(n.props)))
    fits, overflow = _fit(singles, groups, reach, cap - len(out))
    for key in sorted(groups | overflow):
        count = sum(1 for n in buckets[key] if n.id not in fits)
        group = group_element(hood.center, key[0], key[1], count, more=hood.truncated)
        at = next((i for i, e in enumerate(out) if e["data"]["id"] == group[0]["data"]["id"]), None)
        if at is not None and not count:  # everything it stood for is now shown
            out = [e for e in out if e["data"]["id"] not in {g["data"]["id"] for g in group}]
        elif at is not None:  # expanded before: the group now stands for what is still hidden
            out[at] = group[0]
        elif count and len(out) + 2 <= cap:
            out.extend(group)
    for node in singles:
        if node.id in fits:
            out.append(node_element(node))
            known.add(node.id)
    first = [reach[n.id] for n in singles if n.id in fits and n.id in reach]
    return _add_edges(out, [*first, *hood.edges], known, cap)


def _fit(
    singles: list[Node], groups: set[tuple[str, str]], reach: dict[str, Edge], room: int
) -> tuple[set[str], set[tuple[str, str]]]:
    """Which single neighbours fit in ``room`` (a node and its edge each), and which kinds overflow into
    new groups (a group costs a node and an edge too)."""
    overflow: set[tuple[str, str]] = set()
    while True:
        n = max(0, (room - 2 * (len(groups) + len(overflow))) // 2)
        more = {(reach[x.id].type if x.id in reach else "LINK", x.label) for x in singles[n:]} - groups
        if more <= overflow:
            return {x.id for x in singles[:n]}, overflow
        overflow |= more


def _add_edges(out: list[Element], edges: Iterable[Edge], known: set[str], cap: int) -> list[Element]:
    """Add the edges whose two ends are in the scene, while there is room."""
    present = element_ids(out)
    for edge in edges:
        if len(out) >= cap:
            break
        if edge.id not in present and edge.src in known and edge.dst in known:
            out.append(edge_element(edge))
            present.add(edge.id)
    return out


def from_subgraph(graph: Subgraph, *, center: str | None = None, cap: int = DEFAULT_CAP) -> list[Element]:
    """A fresh scene of a whole subgraph (a cluster, a connecting network), riskiest nodes first, within
    ``cap``: nodes that do not fit are left out and counted by ``dropped``."""
    nodes = sorted(graph.nodes, key=lambda n: (n.id != center, -risk_of(n.props)))
    budget = max(1, cap // 2) if graph.edges else cap
    out = [node_element(n, center=n.id == center) for n in nodes[:budget]]
    return _add_edges(out, graph.edges, element_ids(out), cap)


def merge(scene: Sequence[Element], graph: Subgraph, *, cap: int = DEFAULT_CAP) -> list[Element]:
    """The scene with the nodes and edges of ``graph`` added, as many as fit within ``cap``."""
    out = [dict(e) for e in scene]
    known = element_ids(out)
    for node in sorted(graph.nodes, key=lambda n: -risk_of(n.props)):
        if node.id not in known and len(out) < cap - 1:
            out.append(node_element(node))
            known.add(node.id)
    return _add_edges(out, graph.edges, known, cap)


def highlight(scene: Sequence[Element], paths: Iterable[Sequence[str]]) -> list[Element]:
    """The scene with the nodes and edges along ``paths`` (node id sequences) marked ``path``."""
    on_path: set[str] = set()
    pairs: set[frozenset[str]] = set()
    for path in paths:
        on_path.update(path)
        pairs.update(frozenset(p) for p in pairwise(path))
    out = []
    for e in scene:
        d = e["data"]
        hit = d["id"] in on_path or ("source" in d and frozenset((d["source"], d["target"])) in pairs)
        classes = [c for c in e.get("classes", "").split() if c != "path"] + (["path"] if hit else [])
        out.append({**e, "classes": " ".join(classes)})
    return out


def _meets(data: dict[str, Any], since: str | None, until: str | None) -> bool:
    first, last = data.get("first_seen"), data.get("last_seen") or data.get("first_seen")
    if first is None and last is None:
        return True
    return not ((since and last and last < since) or (until and first and first > until))


def visible(
    scene: Sequence[Element],
    *,
    edge_types: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    keep: Iterable[str] = (),
) -> list[Element]:
    """What the canvas shows of a scene: edges of ``edge_types`` whose time span meets [since, until]
    (ISO text), and the nodes they touch, plus the nodes in ``keep`` (the centre, the selection)."""
    types = set(edge_types) if edge_types is not None else None
    edges = [
        e
        for e in scene
        if "source" in e["data"] and (types is None or e["data"]["type"] in types) and _meets(e["data"], since, until)
    ]
    touched = {x for e in edges for x in (e["data"]["source"], e["data"]["target"])} | set(keep)
    nodes = [e for e in scene if "source" not in e["data"] and e["data"]["id"] in touched]
    return nodes + edges
