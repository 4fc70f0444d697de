"""What the person page shows, gathered from the store: identity, documents, crossings, bookings,
co-travellers, screening hits, identity candidates, and the risk score with its reasons.

One ``neighbours`` call per section (each capped), so one busy section cannot crowd out another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dashboard.elements import caption, risk_of
from dashboard.reasons import reason_lines
from dashboard.review import reasons_text
from graph.store import Edge, GraphStore, Neighbourhood, Node

SECTION_LIMIT = 200


@dataclass
class PersonView:
    """One person and what links to them, as rows ready for tables."""

    node: Node
    documents: list[dict[str, Any]] = field(default_factory=list)
    crossings: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    co_travellers: list[dict[str, Any]] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)

    @property
    def risk_score(self) -> float:
        """The score the analytics wrote on the person (0 when none)."""
        return risk_of(self.node.props)

    @property
    def risk_reasons(self) -> list[str]:
        """The reasons the analytics gave for the score."""
        return reason_lines(self.node.props.get("risk_reasons"))


def _time(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "isoformat") else str(value or "")


def _section(store: GraphStore, pid: str, types: list[str], view: PersonView, depth: int = 1) -> Neighbourhood:
    hood = store.neighbours(pid, depth=depth, edge_types=types, limit=SECTION_LIMIT)
    if hood.truncated:
        view.truncated.append("/".join(types))
    return hood


def _edge_to(hood: Neighbourhood, node_id: str) -> Edge | None:
    return next((e for e in hood.edges if node_id in (e.src, e.dst)), None)


def _review_row(edge: Edge, other: Node) -> dict[str, Any]:
    p = edge.props
    return {
        "edge_id": edge.id,
        "other_id": other.id,
        "other": caption(other),
        "other_label": other.label,
        "detail": other.summary(),
        "score": p.get("score"),
        "reasons": reasons_text(p.get("reasons")),
        "review_status": p.get("review_status") or "pending",
        "review_reason": p.get("review_reason") or "",
        "reviewed_by": p.get("reviewed_by") or "",
    }


def person_view(store: GraphStore, person_id: str) -> PersonView | None:
    """Everything the person page shows about ``person_id`` (None when it is not a person in the store)."""
    node = store.get(person_id)
    if not isinstance(node, Node) or node.label != "Person":
        return None
    view = PersonView(node)
    others = lambda hood: [n for n in hood.nodes if n.id != person_id]  # noqa: E731
    for n in others(_section(store, person_id, ["HOLDS"], view)):
        view.documents.append({**n.props, "first_seen": _time(n.first_seen), "last_seen": _time(n.last_seen)})
    for n in others(_section(store, person_id, ["MADE"], view)):
        p = n.props
        when = p.get("crossing_time") or n.first_seen
        view.crossings.append({**p, "time": _time(when), "id": n.id})
    view.crossings.sort(key=lambda r: r["time"])
    booked = _section(store, person_id, ["BOOKED"], view, depth=2)
    for n in others(booked):
        if n.label == "Booking":
            view.bookings.append({**n.props, "id": n.id, "first_seen": _time(n.first_seen)})
    co = _section(store, person_id, ["CO_TRAVELLED"], view)
    for n in others(co):
        e = _edge_to(co, n.id)
        count, last = (e.props.get("count"), _time(e.last_seen)) if e else (None, "")
        view.co_travellers.append({"id": n.id, "name": caption(n), "how": "co-travelled", "count": count, "last": last})
    for n in others(booked):
        if n.label == "Person":
            row = {"id": n.id, "name": caption(n), "how": "same booking", "count": None, "last": ""}
            view.co_travellers.append(row)
    for etype, rows in (("LISTED_AS", view.hits), ("POSSIBLY_SAME_AS", view.candidates)):
        hood = _section(store, person_id, [etype], view)
        rows.extend(_review_row(e, n) for n in others(hood) if (e := _edge_to(hood, n.id)))
    return view
