"""Search: names in any script or transliteration, document numbers, phones, e-mails, cards, bookings, plates."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard.search import Hit, search
from dashboard.services import audit, store
from dashboard.ui import empty

dash.register_page(__name__, path="/search", name="Search", title="cluegraph · search")


def layout(q: str | None = None, **_: Any) -> html.Div:
    """The search box (``?q=`` fills it and searches)."""
    box = dcc.Input(
        id="search-input",
        type="search",
        value=q or "",
        debounce=False,
        autoFocus=True,
        placeholder="name (any script), document, phone, e-mail, card, booking, plate",
        style={"width": "36rem", "padding": ".45rem"},
    )
    return html.Div(
        [
            html.H2("Search"),
            html.Div([box, html.Button("Search", id="search-button", n_clicks=1 if q else 0)], className="controls"),
            html.Div(id="search-results"),
        ]
    )


def _row(hit: Hit) -> html.Div:
    href = f"/person/{hit.id}" if hit.label == "Person" else f"/explore/{hit.id}"
    risk = f" · risk {hit.risk:.2f}" if hit.risk else ""
    return html.Div(
        [
            dcc.Link(hit.caption, href=href, className="hit-link"),
            f" — {hit.label}",
            html.Span(f" · {hit.detail}" if hit.detail else ""),
            html.Span(f" · {hit.why}{risk}", className="status"),
        ],
        className="hit",
    )


@callback(
    Output("search-results", "children"),
    Input("search-button", "n_clicks"),
    Input("search-input", "n_submit"),
    State("search-input", "value"),
    prevent_initial_call=False,
)
def run_search(_clicks: int, _submit: int | None, query: str | None) -> Any:
    """Search the store and list what was found."""
    if not (query or "").strip():
        return empty("Type a name, number or identifier.")
    with store() as st:
        hits = search(st, query or "")
    audit("search", q=query, results=len(hits))
    return [html.P(f"{len(hits)} found", className="status"), *map(_row, hits)] if hits else empty("Nothing found.")
