"""The explorer's stylesheet as data: one colour and shape per label, one colour per edge type, risk bands
as border colour and size, and the classes the explorer adds (``path``, ``center``, ``Group``).

>>> any(rule["selector"] == ".Person" for rule in stylesheet())
True
"""

from __future__ import annotations

from typing import Any

LABELS: dict[str, tuple[str, str]] = {  # label: (colour, shape)
    "Person": ("#4e79a7", "ellipse"),
    "Document": ("#76b7b2", "round-rectangle"),
    "Crossing": ("#bab0ac", "diamond"),
    "Voyage": ("#9c755f", "vee"),
    "Port": ("#59a14f", "triangle"),
    "Booking": ("#edc948", "round-tag"),
    "Phone": ("#f28e2b", "round-rectangle"),
    "Email": ("#ff9da7", "round-rectangle"),
    "Address": ("#8cd17d", "round-rectangle"),
    "Vehicle": ("#b6992d", "round-rectangle"),
    "Organization": ("#499894", "hexagon"),
    "PaymentInstrument": ("#d37295", "round-rectangle"),
    "Case": ("#e15759", "star"),
    "WatchlistEntry": ("#b00020", "octagon"),
    "Cluster": ("#7f3c8d", "barrel"),
    "Group": ("#dddddd", "round-rectangle"),
}
EDGES: dict[str, str] = {
    "LISTED_AS": "#b00020",
    "INVOLVED_IN": "#e15759",
    "POSSIBLY_SAME_AS": "#7f3c8d",
    "CO_TRAVELLED": "#4e79a7",
    "USES": "#f28e2b",
    "PAID_BY": "#d37295",
    "CONTACT": "#f28e2b",
}
RISK = {"high": ("#b00020", 6, 46), "medium": ("#f28e2b", 4, 38), "low": ("#edc948", 2, 30), "none": ("#ffffff", 1, 26)}


def stylesheet() -> list[dict[str, Any]]:
    """The cytoscape stylesheet (a list of selector/style rules)."""
    rules: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "font-size": 9,
                "text-valign": "bottom",
                "text-margin-y": 3,
                "color": "#222",
                "border-color": "#fff",
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": 1.5,
                "line-color": "#9aa5b1",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "target-arrow-color": "#9aa5b1",
                "arrow-scale": 0.7,
                "font-size": 7,
                "color": "#666",
            },
        },
    ]
    for label, (colour, shape) in LABELS.items():
        rules.append({"selector": f".{label}", "style": {"background-color": colour, "shape": shape}})
    for etype, colour in EDGES.items():
        rules.append({"selector": f"edge.{etype}", "style": {"line-color": colour, "target-arrow-color": colour}})
    for band, (colour, border, size) in RISK.items():
        style = {"border-color": colour, "border-width": border, "width": size, "height": size}
        rules.append({"selector": f"node.risk-{band}", "style": style})
    rules += [
        {
            "selector": "node.Group",
            "style": {
                "shape": "round-rectangle",
                "width": "label",
                "padding": 6,
                "text-valign": "center",
                "font-size": 10,
                "border-width": 1,
                "border-color": "#999",
                "border-style": "dashed",
            },
        },
        {"selector": "edge.grouped", "style": {"line-style": "dashed"}},
        {"selector": "node.center", "style": {"border-color": "#1f4e79", "border-width": 5}},
        {"selector": "node.flagged", "style": {"border-color": "#b00020", "border-width": 5}},
        {
            "selector": ".path",
            "style": {"line-color": "#b00020", "target-arrow-color": "#b00020", "width": 4, "z-index": 10},
        },
        {"selector": "node.path", "style": {"overlay-color": "#b00020", "overlay-opacity": 0.15}},
        {"selector": ":selected", "style": {"overlay-color": "#1f4e79", "overlay-opacity": 0.25}},
        {"selector": "edge:selected", "style": {"label": "data(label)"}},
    ]
    return rules
