"""Worklist: the latest batch run's ranked travellers with their reasons; a click opens the person."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
from dash import Input, Output, callback, dcc, html

from dashboard.services import audit, services
from dashboard.ui import card, empty
from dashboard.worklist import load_worklist

dash.register_page(__name__, path="/worklist", name="Worklist", title="cluegraph · worklist")

_TWO_DECIMALS = {"function": "d3.format('.2f')(params.value)"}
_COLUMNS = [
    {"field": "rank", "headerName": "#", "width": 70, "filter": "agNumberColumnFilter"},
    {"field": "score", "width": 95, "filter": "agNumberColumnFilter", "valueFormatter": _TWO_DECIMALS},
    {"field": "surname", "width": 140},
    {"field": "given_names", "headerName": "given names", "width": 140},
    {"field": "reasons", "flex": 1, "wrapText": True, "autoHeight": True, "minWidth": 320},
    {"field": "birth_date", "headerName": "born", "width": 115},
    {"field": "nationality", "headerName": "nat.", "width": 85},
    {"field": "doc_issuer", "headerName": "issuer", "width": 90},
    {"field": "doc_number", "headerName": "document", "width": 125},
    {"field": "voyage", "width": 100},
    {"field": "port", "width": 80},
    {"field": "scheduled_time", "headerName": "scheduled", "width": 175},
]


def layout(**_: Any) -> html.Div:
    """The grid of the newest run, or why there is none."""
    runs = services().config.runs_dir
    work = load_worklist(runs)
    audit("view", page="worklist", run=work.folder.name if work.folder else None, rows=len(work.rows))
    if not work.rows:
        hint = "Run a batch risk run (issue 7) to fill it; it writes worklist.parquet and manifest.json there."
        return html.Div([html.H2("Worklist"), card("No worklist", empty(f"{work.problem} {hint}"))])
    grid = dag.AgGrid(
        id="worklist-grid",
        rowData=work.rows,
        columnDefs=_COLUMNS,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 20,
            "paginationPageSizeSelector": [20, 50, 100],
            "animateRows": False,
        },
        getRowId="params.data.person + '#' + params.data.rank",
        style={"height": "70vh"},
    )
    meta = f"Run {work.folder.name if work.folder else ''} · {len(work.rows):,} travellers · click a row to open"
    return html.Div(
        [
            html.H2("Worklist"),
            html.P(meta, className="status"),
            grid,
            dcc.Location(id="worklist-go", refresh="callback-nav"),
        ]
    )


@callback(Output("worklist-go", "href"), Input("worklist-grid", "cellClicked"), prevent_initial_call=True)
def open_person(cell: dict[str, Any] | None) -> str:
    """Go to the clicked traveller's person page."""
    if not cell or not cell.get("rowId"):
        raise dash.exceptions.PreventUpdate
    return str(cell["rowId"]).rsplit("#", 1)[0]
