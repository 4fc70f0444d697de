"""Explorer: the cytoscape canvas around one node. Tap to expand; filter by edge type and the time bar;
highlight risk paths; connect selected nodes; choose a layout; export the scene as a clue packet."""

from __future__ import annotations

from typing import Any

import dash
import dash_cytoscape as cyto
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard import explore, timebar
from dashboard.elements import DEFAULT_CAP, visible
from dashboard.export_panel import panel as export_panel
from dashboard.services import audit, services, store
from dashboard.styles import stylesheet

dash.register_page(__name__, path_template="/explore/<node_id>", name="Explorer", title="cluegraph · explorer")

LAYOUTS = ["fcose", "cola", "dagre", "cose", "concentric", "breadthfirst"]


def _controls(edge_types: list[str]) -> html.Div:
    return html.Div(
        [
            dcc.Dropdown(LAYOUTS, "fcose", id="layout-choice", clearable=False, style={"width": "10rem"}),
            dcc.Dropdown(
                edge_types,
                edge_types,
                id="edge-types",
                multi=True,
                placeholder="edge types",
                style={"minWidth": "24rem", "flex": "1"},
            ),
            html.Button("Highlight risk paths", id="paths-button"),
            html.Button("Connect selected", id="connect-button"),
        ],
        className="controls",
    )


def layout(node_id: str | None = None, **_: Any) -> html.Div:
    """The canvas opened on ``node_id`` and its neighbours."""
    with store() as st:
        scene = explore.first_scene(st, node_id or "")
        edge_types = sorted(st.schema.edges)
    audit("view", page="explore", id=node_id, elements=len(scene))
    if not scene:
        return html.Div([html.H2("Explorer"), html.P(f"No node {node_id} in this store.", className="empty")])
    bins = timebar.months(scene)
    canvas = cyto.Cytoscape(
        id="cy",
        elements=scene,
        stylesheet=stylesheet(),
        layout={"name": "fcose", "animate": False},
        style={"width": "100%", "height": "62vh", "background": "#fff"},
        boxSelectionEnabled=True,
        minZoom=0.2,
        maxZoom=3,
    )
    slider = dcc.RangeSlider(
        0,
        max(0, len(bins) - 1),
        1,
        value=[0, max(0, len(bins) - 1)],
        id="time-slider",
        marks=timebar.marks(bins),
        allowCross=False,
    )
    return html.Div(
        [
            html.H2("Explorer"),
            _controls(edge_types),
            html.Div(
                f"Tap a node to expand it (the scene holds at most {DEFAULT_CAP} elements).",
                id="explore-status",
                className="status",
            ),
            canvas,
            dcc.Graph(
                id="time-histogram",
                figure=timebar.figure(bins, timebar.counts(scene, bins)),
                config={"displayModeBar": False},
            ),
            slider,
            dcc.Store(id="scene", data=scene),
            dcc.Store(id="center", data=node_id),
            dcc.Store(id="bins", data=bins),
            export_panel(
                "nodes", [e["data"]["id"] for e in scene if "source" not in e["data"] and e["data"]["type"] != "Group"]
            ),
        ]
    )


def _window(bins: list[str], value: list[int] | None) -> tuple[str | None, str | None]:
    return timebar.window(bins, value) if value and bins and value != [0, len(bins) - 1] else (None, None)


@callback(
    Output("scene", "data"),
    Output("explore-status", "children"),
    Input("cy", "tapNode"),
    Input("paths-button", "n_clicks"),
    Input("connect-button", "n_clicks"),
    State("scene", "data"),
    State("center", "data"),
    State("cy", "selectedNodeData"),
    State("edge-types", "value"),
    State("bins", "data"),
    State("time-slider", "value"),
    prevent_initial_call=True,
)
def change_scene(tap, _p, _c, scene, center, selected, types, bins, value):  # type: ignore[no-untyped-def]
    """Expand a tapped node, highlight risk paths, or connect the selection."""
    since, until = _window(bins, value)
    with store() as st:
        if ctx.triggered_id == "cy":
            audit("expand", id=tap["data"]["id"], edge_types=types, since=since, until=until)
            return explore.expand_node(st, scene, tap["data"]["id"], edge_types=types, since=since, until=until)
        if ctx.triggered_id == "paths-button":
            audit("paths", id=center)
            return explore.risk_path_scene(st, scene, center, uri=services().config.store)
        ids = [n["id"] for n in selected or []]
        audit("connect", ids=ids)
        return explore.connect_selected(st, scene, ids)


@callback(
    Output("cy", "elements"),
    Input("scene", "data"),
    Input("edge-types", "value"),
    Input("time-slider", "value"),
    State("bins", "data"),
    State("center", "data"),
    prevent_initial_call=True,
)
def show(scene, types, value, bins, center):  # type: ignore[no-untyped-def]
    """What the canvas shows of the scene under the filters; a filter change is audited."""
    since, until = _window(bins, value)
    if ctx.triggered_id in ("edge-types", "time-slider"):
        audit("filter", edge_types=types, since=since, until=until)
    return visible(scene, edge_types=types, since=since, until=until, keep=[center])


@callback(
    Output("time-histogram", "figure"),
    Output("time-slider", "max"),
    Output("time-slider", "marks"),
    Output("time-slider", "value"),
    Output("bins", "data"),
    Output("export-selection", "data"),
    Input("scene", "data"),
    State("bins", "data"),
    State("time-slider", "value"),
    prevent_initial_call=True,
)
def retime(scene, old_bins, value):  # type: ignore[no-untyped-def]
    """Rebuild the time bar over the scene, keeping the chosen window."""
    bins = timebar.months(scene)
    nodes = [e["data"]["id"] for e in scene if "source" not in e["data"] and e["data"].get("type") != "Group"]
    return (
        timebar.figure(bins, timebar.counts(scene, bins)),
        max(0, len(bins) - 1),
        timebar.marks(bins),
        timebar.remap(old_bins, bins, value),
        bins,
        {"kind": "nodes", "ids": nodes},
    )


@callback(Output("cy", "layout"), Input("layout-choice", "value"), prevent_initial_call=True)
def relayout(name: str) -> dict[str, Any]:
    """Lay the scene out again."""
    return {"name": name, "animate": False}
