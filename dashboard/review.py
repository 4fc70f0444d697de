"""Review decisions on screening hits (``LISTED_AS``) and identity candidates (``POSSIBLY_SAME_AS``).

A decision is written onto the edge itself through the store writer, as ``review_status`` (``confirmed`` or
``dismissed``), ``review_reason``, ``reviewed_by`` and ``reviewed_at``; the edge's score, reasons and
provenance stay as they were (an upsert patches only the properties it is given). Later screening runs read
these properties, so a dismissed hit does not come back unless its evidence changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from dashboard.reasons import reasons_text as readable
from graph.errors import InvalidValueError
from graph.ids import edge_id
from graph.store import Edge, GraphStore

REVIEWABLE = ("LISTED_AS", "POSSIBLY_SAME_AS")
DECISIONS = ("confirmed", "dismissed")


def record_decision(
    store: GraphStore, item_id: str, decision: str, reason: str, user: str, *, now: datetime | None = None
) -> Edge:
    """Store ``decision`` with its ``reason`` on the edge ``item_id``; the updated edge."""
    if decision not in DECISIONS:
        raise InvalidValueError(f"decision must be one of {', '.join(DECISIONS)}", field="decision", value=decision)
    if not reason.strip():
        raise InvalidValueError("a review decision needs a reason", field="reason")
    edge = store.get(item_id)
    if not isinstance(edge, Edge) or edge.type not in REVIEWABLE:
        raise InvalidValueError("not a screening hit or identity candidate", field="id", value=item_id)
    row: dict[str, Any] = {
        "src": edge.src,
        "dst": edge.dst,
        "review_status": decision,
        "review_reason": reason.strip(),
        "reviewed_by": user,
        "reviewed_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    key = store.schema.edge(edge.type).key
    if key:
        row[key] = edge.props.get(key)
    with store.writer() as w:
        w.upsert_edges(edge.type, pd.DataFrame([row]))
    updated = store.get(item_id)
    assert isinstance(updated, Edge)
    return updated


def review_queue(store: GraphStore, *, status: str = "pending", limit: int = 200) -> list[dict[str, Any]]:
    """Screening hits and identity candidates with this review ``status`` (``pending``: not yet decided;
    ``all``), highest score first, with both ends named."""
    rows: list[dict[str, Any]] = []
    for etype in REVIEWABLE:
        if etype not in store.schema.edges:
            continue
        for batch in store.export_edges(etype):
            for r in batch.to_pylist():
                decided = r.get("review_status")
                if status == "all" or (status == "pending" and not decided) or decided == status:
                    rows.append({**r, "type": etype, "id": edge_id(etype, r["src"], r["dst"], _key(store, etype, r))})
    rows.sort(key=lambda r: -_score(r.get("score")))
    rows = rows[:limit]
    names = {n.id: n for n in store.subgraph([x for r in rows for x in (r["src"], r["dst"])]).nodes}
    from dashboard.elements import caption

    for r in rows:
        r["src_name"] = caption(names[r["src"]]) if r["src"] in names else r["src"]
        r["dst_name"] = caption(names[r["dst"]]) if r["dst"] in names else r["dst"]
        r["reasons_text"] = reasons_text(r.get("reasons"))
    return rows


def _key(store: GraphStore, etype: str, row: dict[str, Any]) -> Any:
    key = store.schema.edge(etype).key
    return row.get(key) if key else None


def _score(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def reasons_text(value: Any) -> str:
    """Reasons (a list, a JSON list or text) as one readable line.

    >>> reasons_text(["name match 0.96", "birth date equal"])
    'name match 0.96; birth date equal'
    """
    return readable(value)
