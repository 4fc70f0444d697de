"""Audit: the trail of every search, view, expansion, export and review decision (supervisors only)."""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_ag_grid as dag
from dash import html

from dashboard.services import audit, services
from dashboard.ui import allowed, empty, refused

dash.register_page(__name__, path="/audit", name="Audit", title="cluegraph · audit")

SHOWN = 2000
_COLUMNS = [
    {"field": "time", "width": 210},
    {"field": "user", "width": 120},
    {"field": "role", "width": 120},
    {"field": "action", "width": 110},
    {"field": "params", "flex": 1, "wrapText": True},
]


def layout(**_: Any) -> html.Div:
    """The newest entries first."""
    audit("view", page="audit", allowed=allowed("supervisor"))
    if not allowed("supervisor"):
        return refused("supervisor")
    log = services().audit
    if not log.enabled:
        return html.Div([html.H2("Audit"), empty("The audit trail is turned off (CLUEGRAPH_AUDIT=off).")])
    rows = [{**e, "params": json.dumps(e.get("params"), ensure_ascii=False)} for e in reversed(log.read(last=SHOWN))]
    grid = dag.AgGrid(
        id="audit-grid",
        rowData=rows,
        columnDefs=_COLUMNS,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50},
        style={"height": "70vh"},
    )
    return html.Div([html.H2("Audit"), html.P(f"{log.path} · newest first", className="status"), grid])
