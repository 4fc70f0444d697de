"""``graph.json``: the lead as plain data, the one document every other file of a packet is drawn from.

It holds the nodes and edges as the store gives them (properties and provenance: first/last seen,
sources, confidence, method), the scores and reasons found on them, the risk paths, and an index of the
source records behind every item. Redaction works on this document, so whatever it masks is masked in
every file drawn from it.

>>> jsonable({"when": datetime(2024, 5, 1), "n": 1})
{'when': '2024-05-01T00:00:00', 'n': 1}
"""

from __future__ import annotations

import contextlib
import json
import math
from datetime import date, datetime
from typing import Any

from analytics.packets.select import Lead

FORMAT = "cluegraph-packet/1"
SCORE_SUFFIX = "score"
REASON_KEYS = ("reason", "reasons")


def jsonable(value: Any) -> Any:
    """``value`` with dates as ISO text, NaN as None and numpy scalars as Python numbers, recursively."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _reason_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("reason") or json.dumps(value, sort_keys=True, ensure_ascii=False))
    return str(value)


def _reason_texts(value: Any) -> list[str]:
    """Reasons as texts: a list, a JSON list in text, or text separated by ``;`` or new lines."""
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, list | tuple):
        return [_reason_text(v) for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [part.strip() for part in value.replace("\n", ";").split(";") if part.strip()]
    return []


def scores_and_reasons(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every numeric ``*score`` property and every ``reason(s)`` / ``*_reason(s)`` text, with its item."""
    scores, reasons = [], []
    for item in items:
        kind = item.get("label") or item.get("type")
        for name, value in sorted(item["props"].items()):
            if name.lower().endswith(SCORE_SUFFIX) and isinstance(value, int | float) and not isinstance(value, bool):
                scores.append({"item": item["id"], "kind": kind, "name": name, "value": value})
            if name.lower() in REASON_KEYS or name.lower().endswith(("_reason", "_reasons")):
                reasons += [{"item": item["id"], "kind": kind, "name": name, "text": t} for t in _reason_texts(value)]
    return scores, reasons


def provenance_index(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each source record reference and the items it stands behind, sorted by reference."""
    index: dict[str, list[str]] = {}
    for item in items:
        for ref in item["sources"]:
            index.setdefault(ref, []).append(item["id"])
    return [{"source": ref, "items": sorted(ids)} for ref, ids in sorted(index.items())]


def graph_document(lead: Lead) -> dict[str, Any]:
    """The lead as the ``graph.json`` document (nodes, edges, scores, reasons, paths, provenance)."""
    nodes = [jsonable(n.to_dict()) for n in lead.subgraph.nodes]
    edges = [jsonable(e.to_dict()) for e in lead.subgraph.edges]
    scores, reasons = scores_and_reasons(nodes + edges)
    return {
        "format": FORMAT,
        "selection": lead.selection.to_dict(),
        "focus": list(lead.focus),
        "truncated": lead.truncated,
        "nodes": nodes,
        "edges": edges,
        "scores": scores,
        "reasons": reasons,
        "paths": jsonable(lead.paths),
        "provenance": provenance_index(nodes + edges),
    }


def dumps(doc: Any) -> bytes:
    """Canonical, readable JSON bytes: sorted keys, two-space indent, UTF-8, a final newline."""
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
