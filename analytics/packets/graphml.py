"""``graph.graphml``: the lead for Gephi and Cytoscape desktop, written by networkx.

A directed multigraph (two edges of one type may join the same pair, told apart by their key). Every
attribute is text except scores, which stay numbers so a tool can size or colour by them; lists and
nested values are JSON text. Provenance travels as ``sources`` (references joined by ``;``).

>>> doc = {"nodes": [{"id": "Port:01", "label": "Port", "props": {"code": "LHR"}, "sources": []}], "edges": []}
>>> b"LHR" in graphml_bytes(doc)
True
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from analytics.packets.graph_json import SCORE_SUFFIX

Item = dict[str, Any]
PROVENANCE = ("first_seen", "last_seen", "confidence", "method")


def _attrs(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in sorted(item["props"].items()):
        if value is None:
            continue
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and name.lower().endswith(SCORE_SUFFIX):
            out[name] = float(value)
        else:
            out[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    for name in PROVENANCE:
        if item.get(name) is not None:
            out[name] = str(item[name])
    out["sources"] = ";".join(item.get("sources", []))
    return out


def to_networkx(doc: dict[str, Any]) -> nx.MultiDiGraph:
    """The packet document as a networkx multigraph (node and edge keys are cluegraph ids)."""
    g = nx.MultiDiGraph()
    for n in doc["nodes"]:
        g.add_node(n["id"], label=n["label"], **_attrs(n))
    for e in doc["edges"]:
        g.add_edge(e["src"], e["dst"], key=e["id"], type=e["type"], **_attrs(e))
    return g


def graphml_bytes(doc: dict[str, Any]) -> bytes:
    """GraphML bytes (UTF-8), attributes declared in a fixed order."""
    g = to_networkx(doc)
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()
