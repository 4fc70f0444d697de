"""The picture of a packet's subgraph: an inline SVG laid out here (no script, no network, no fonts).

Kamada-Kawai layout by networkx (deterministic: no random start) for up to ``KK_LIMIT`` nodes, a seeded
spring layout beyond; circles coloured by label, arrows for direction, the lead's focus nodes ringed.

>>> svg = svg_picture({"nodes": [{"id": "Port:01", "label": "Port", "props": {"code": "LHR"}}], "edges": []},
...                   captions={"Port:01": "LHR"})
>>> svg.startswith("<svg") and "LHR" in svg
True
"""

from __future__ import annotations

from html import escape
from typing import Any

import networkx as nx

WIDTH, HEIGHT, MARGIN, RADIUS = 960, 640, 70, 11
KK_LIMIT = 250
SEED = 7
PALETTE = {
    "Person": "#d62728",
    "Document": "#1f77b4",
    "Crossing": "#7f7f7f",
    "Voyage": "#8c564b",
    "Port": "#bcbd22",
    "Booking": "#9467bd",
    "Phone": "#ff7f0e",
    "Email": "#e377c2",
    "Address": "#17becf",
    "Vehicle": "#2ca02c",
    "Organization": "#393b79",
    "PaymentInstrument": "#ad494a",
    "Case": "#000000",
    "WatchlistEntry": "#843c39",
    "Cluster": "#636363",
}
OTHER = "#999999"


def layout(doc: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y) in SVG pixels, the same for the same document."""
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in doc["nodes"])
    g.add_edges_from((e["src"], e["dst"]) for e in doc["edges"] if e["src"] in g and e["dst"] in g)
    if len(g) == 0:
        return {}
    if len(g) == 1:
        return {next(iter(g)): (WIDTH / 2, HEIGHT / 2)}
    if len(g) <= KK_LIMIT:
        start = nx.circular_layout(sorted(g))
        pos = nx.kamada_kawai_layout(g, pos=start)
    else:
        pos = nx.spring_layout(g, seed=SEED)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        k: (
            round(MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1),
            round(MARGIN + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1),
        )
        for k, (x, y) in sorted(pos.items())
    }


def _edge(e: dict[str, Any], pos: dict[str, tuple[float, float]]) -> str:
    (x1, y1), (x2, y2) = pos[e["src"]], pos[e["dst"]]
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    x2, y2 = round(x2 - dx / length * (RADIUS + 3), 1), round(y2 - dy / length * (RADIUS + 3), 1)
    mx, my = round((x1 + x2) / 2, 1), round((y1 + y2) / 2, 1)
    return (
        f'<g class="edge"><title>{escape(e["type"])}</title>'
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#888" stroke-width="1.4" '
        f'marker-end="url(#arrow)"/><text x="{mx}" y="{my}" font-size="9" fill="#555" '
        f'text-anchor="middle">{escape(e["type"])}</text></g>'
    )


def _node(n: dict[str, Any], xy: tuple[float, float], caption: str, focus: bool) -> str:
    x, y = xy
    ring = ' stroke="#111" stroke-width="3"' if focus else ' stroke="#fff" stroke-width="1.5"'
    colour = PALETTE.get(n["label"], OTHER)
    return (
        f'<g class="node" data-id="{escape(n["id"])}"><title>{escape(n["label"])}: {escape(caption)}</title>'
        f'<circle cx="{x}" cy="{y}" r="{RADIUS}" fill="{colour}"{ring}/>'
        f'<text x="{x}" y="{round(y + RADIUS + 12, 1)}" font-size="11" text-anchor="middle">'
        f"{escape(caption[:28])}</text></g>"
    )


def _legend(labels: list[str]) -> str:
    rows = [
        f'<g><circle cx="14" cy="{16 + 16 * i}" r="5" fill="{PALETTE.get(lab, OTHER)}"/>'
        f'<text x="24" y="{20 + 16 * i}" font-size="11">{escape(lab)}</text></g>'
        for i, lab in enumerate(labels)
    ]
    return '<g class="legend">' + "".join(rows) + "</g>"


def svg_picture(doc: dict[str, Any], *, captions: dict[str, str], focus: frozenset[str] = frozenset()) -> str:
    """The subgraph as one ``<svg>`` element (text escaped, no external references)."""
    pos = layout(doc)
    edges = "".join(_edge(e, pos) for e in doc["edges"] if e["src"] in pos and e["dst"] in pos)
    nodes = "".join(_node(n, pos[n["id"]], captions.get(n["id"], n["id"]), n["id"] in focus) for n in doc["nodes"])
    labels = sorted({n["label"] for n in doc["nodes"]})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph-picture" role="img" '
        f'aria-label="picture of the subgraph: {len(doc["nodes"])} nodes, {len(doc["edges"])} links" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fcfcfc"/>{edges}{nodes}{_legend(labels)}</svg>'
    )
