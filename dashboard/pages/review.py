"""Review: confirm or dismiss screening hits and identity candidates, each with a reason; decisions are
written onto the edges and respected by later runs."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard.auth import current_user
from dashboard.review import record_decision, review_queue
from dashboard.services import audit, store
from dashboard.ui import allowed, refused

dash.register_page(__name__, path="/review", name="Review", title="cluegraph · review")

_COLUMNS = [
    {"field": "type", "width": 150},
    {"field": "src_name", "headerName": "person"},
    {"field": "dst_name", "headerName": "entry / other identity"},
    {"field": "score", "width": 90},
    {"field": "reasons_text", "headerName": "reasons", "flex": 2, "wrapText": True, "autoHeight": True},
    {"field": "review_status", "headerName": "status", "width": 110},
    {"field": "review_reason", "headerName": "reason"},
    {"field": "reviewed_by", "headerName": "by", "width": 100},
]


def _rows(status: str) -> list[dict[str, Any]]:
    with store() as st:
        return review_queue(st, status=status)


def layout(**_: Any) -> html.Div:
    """The queue of undecided items, and the decision controls."""
    audit("view", page="review")
    if not allowed("investigator"):
        return refused("investigator")
    grid = dag.AgGrid(
        id="review-grid",
        rowData=_rows("pending"),
        columnDefs=_COLUMNS,
        getRowId="params.data.id",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"rowSelection": {"mode": "multiRow"}, "pagination": True, "paginationPageSize": 20},
        style={"height": "55vh"},
    )
    return html.Div(
        [
            html.H2("Review"),
            html.Div(
                [
                    dcc.Dropdown(
                        ["pending", "confirmed", "dismissed", "all"],
                        "pending",
                        id="review-status",
                        clearable=False,
                        style={"width": "12rem"},
                    ),
                    dcc.Input(id="review-reason", placeholder="reason (required)", style={"width": "28rem"}),
                    html.Button("Confirm", id="review-confirm"),
                    html.Button("Dismiss", id="review-dismiss"),
                ],
                className="controls",
            ),
            html.Div(id="review-message", className="status"),
            grid,
        ]
    )


@callback(
    Output("review-grid", "rowData"),
    Output("review-message", "children"),
    Input("review-confirm", "n_clicks"),
    Input("review-dismiss", "n_clicks"),
    Input("review-status", "value"),
    State("review-grid", "selectedRows"),
    State("review-reason", "value"),
    prevent_initial_call=True,
)
def decide(_c, _d, status, selected, reason):  # type: ignore[no-untyped-def]
    """Record a decision on the selected rows (or just change which rows are listed)."""
    if ctx.triggered_id == "review-status":
        return _rows(status), ""
    decision = "confirmed" if ctx.triggered_id == "review-confirm" else "dismissed"
    message = _decide(selected or [], decision, reason or "")
    return _rows(status), message


def _decide(rows: list[dict[str, Any]], decision: str, reason: str) -> str:
    if not allowed("investigator"):
        return "Reviewing needs the investigator role."
    if not rows or not reason.strip():
        return "Select at least one row and give a reason."
    user, _ = current_user()
    with store() as st:
        for row in rows:
            record_decision(st, row["id"], decision, reason, user or "")
            audit("review", id=row["id"], type=row["type"], decision=decision, reason=reason.strip())
    return f"{decision.capitalize()} {len(rows)} item(s)."
