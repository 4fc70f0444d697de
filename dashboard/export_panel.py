"""The clue-packet export panel shown wherever a lead is (person, explorer, cluster): a note, a button,
and the download. It calls ``analytics.packets.export_packet`` when that writer is installed and says so
plainly when it is not; only investigators and supervisors may export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import analytics_bridge as bridge
from dashboard.auth import current_user, has_role
from dashboard.services import audit, store
from dashboard.ui import card, empty


def panel(kind: str, ids: list[str]) -> html.Div:
    """The panel for a lead of ``kind`` (person, cluster, nodes) made of ``ids``."""
    keep = [dcc.Store(id="export-selection", data={"kind": kind, "ids": ids}), dcc.Download(id="export-download")]
    if not bridge.packets_available():
        missing = empty("The clue-packet writer (issue 9) is not installed yet.")
        return card("Clue packet", missing, *keep, html.Div(id="export-status"), id="export-panel")
    note = dcc.Input(id="export-note", placeholder="why this lead is handed on", style={"width": "28rem"})
    return card(
        "Clue packet",
        html.Div([note, html.Button("Export packet", id="export-button")], className="controls"),
        html.Div(id="export-status", className="status"),
        *keep,
        id="export-panel",
    )


def export(selection: dict[str, Any], note: str | None) -> tuple[Any, str]:
    """Write the packet of ``selection`` and hand it to the browser; the audit entry names it."""
    if not has_role("investigator"):
        return dash.no_update, "Exporting needs the investigator role."
    user, _ = current_user()
    out = Path(tempfile.mkdtemp(prefix="cluegraph-packet-"))
    with store() as st:
        path = bridge.export_packet(
            st, selection["kind"], selection["ids"], note=note or "", creator=user or "", out_dir=out
        )
    audit("export", kind=selection["kind"], ids=selection["ids"], note=note or "", packet=path.name)
    return dcc.send_file(str(path)), f"Exported {path.name}"


def register(app: dash.Dash) -> None:
    """Put the export callback on ``app``."""
    app.callback(
        Output("export-download", "data"),
        Output("export-status", "children"),
        Input("export-button", "n_clicks"),
        State("export-selection", "data"),
        State("export-note", "value"),
        prevent_initial_call=True,
    )(lambda _n, selection, note: export(selection, note))
