"""Person: identities and documents, crossings on a timeline, bookings and co-travellers, screening hits,
risk score with its paths and reasons, identity candidates; links to the explorer and a packet export."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import analytics_bridge as bridge
from dashboard.elements import risk_band
from dashboard.export_panel import panel as export_panel
from dashboard.figures import crossings_timeline
from dashboard.person import PersonView, person_view
from dashboard.services import audit, services, store
from dashboard.ui import card, empty, table

dash.register_page(__name__, path_template="/person/<person_id>", name="Person", title="cluegraph · person")

_IDENTITY = ["surname", "given_names", "native_name", "birth_date", "sex", "nationality", "person_key"]


def _identity(view: PersonView) -> html.Div:
    p = view.node.props
    rows = [html.Tr([html.Th(k.replace("_", " ")), html.Td(str(p.get(k) or ""))]) for k in _IDENTITY if p.get(k)]
    seen = (
        f"seen {view.node.first_seen or '?'} – {view.node.last_seen or '?'} · {len(view.node.sources)} source records"
    )
    return card("Identity", html.Table(rows, className="simple"), html.P(seen, className="status"))


def _risk(view: PersonView, paths: list[bridge.RiskPath] | str | None) -> html.Div:
    band = risk_band(view.risk_score)
    score = html.P([f"Risk score {view.risk_score:.2f} ", html.Span(band, className=f"risk-{band}")])
    reasons = (
        html.Ul([html.Li(r) for r in view.risk_reasons]) if view.risk_reasons else empty("No risk reasons recorded.")
    )
    trail: html.P | html.Ol
    if paths is None:
        trail = empty("Risk paths appear here once the analytics (issue 6) are installed.")
    elif isinstance(paths, str):  # bridge.PENDING, the only text risk_paths answers
        trail = empty(
            "Risk paths are being prepared: the first use builds a projection of the whole graph "
            "(about half a minute per million people). Reload the page in a moment."
        )
    elif not paths:
        trail = empty("No path to known risk.")
    else:
        trail = html.Ol(
            [
                html.Li(f"{p.text or ' → '.join(p.nodes)}" + (f" (strength {p.score:.2f})" if p.score else ""))
                for p in paths
            ]
        )
    return card("Risk", score, reasons, html.H4("Paths to known risk"), trail, id="risk-card")


SHOWN_PEOPLE = 20


def _people(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return empty("None.")
    more = len(rows) - SHOWN_PEOPLE
    rows = sorted(rows, key=lambda r: (r["how"] != "same booking", -(r.get("count") or 0)))[:SHOWN_PEOPLE]
    tail = [html.P(f"+{more} more: see them in the explorer", className="status")] if more > 0 else []
    return html.Div(
        [
            *tail,
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(r["name"], href=f"/person/{r['id']}"),
                            f" · {r['how']}",
                            f" × {r['count']}" if r.get("count") else "",
                        ]
                    )
                    for r in rows
                ]
            ),
        ]
    )


def _body(view: PersonView, paths: list[bridge.RiskPath] | str | None) -> html.Div:
    pid = view.node.id
    head = html.Div(
        [
            html.H2(view.node.props.get("surname", "") + " " + str(view.node.props.get("given_names", ""))),
            dcc.Link("Open in explorer →", href=f"/explore/{pid}", id="open-explorer"),
        ],
        className="controls",
    )
    cols = [
        ("issuer", "issuer"),
        ("number", "number"),
        ("doc_type", "type"),
        ("expiry", "expiry"),
        ("last_seen", "last seen"),
    ]
    review_cols = [
        ("other", "with"),
        ("score", "score"),
        ("reasons", "reasons"),
        ("review_status", "status"),
        ("review_reason", "reason"),
        ("reviewed_by", "by"),
    ]
    timeline = (
        dcc.Graph(figure=crossings_timeline(view.crossings), id="crossings-timeline")
        if view.crossings
        else empty("No crossings.")
    )
    cut = (
        html.P(f"Only the most recent {', '.join(view.truncated)} are shown.", className="status")
        if view.truncated
        else ""
    )
    return html.Div(
        [
            head,
            cut,
            html.Div([_identity(view), _risk(view, paths)], className="row"),
            html.Div(
                [
                    card("Documents", table(view.documents, cols)),
                    card("Screening hits", table(view.hits, review_cols), dcc.Link("Review →", href="/review")),
                ],
                className="row",
            ),
            card("Crossings", timeline),
            html.Div(
                [
                    card(
                        "Bookings",
                        table(view.bookings, [("locator", "locator"), ("carrier", "carrier"), ("created", "created")]),
                    ),
                    card("Co-travellers", _people(view.co_travellers)),
                ],
                className="row",
            ),
            card("Identity candidates (possibly the same person)", table(view.candidates, review_cols)),
            export_panel("person", [pid]),
        ],
        id="person-page",
    )


def layout(person_id: str | None = None, **_: Any) -> html.Div:
    """The person page, or a plain message when there is no such person."""
    with store() as st:
        view = person_view(st, person_id or "")
        paths = bridge.risk_paths(st, view.node.id, uri=services().config.store) if view else None
    audit("view", page="person", id=person_id)
    if view is None:
        return html.Div([html.H2("Person"), empty(f"No person {person_id} in this store.")])
    return _body(view, paths)
