"""The investigator dashboard: a Dash app with Dash Pages (one module a page in ``dashboard/pages/``)
behind the login of ``dashboard.auth``.

>>> from dashboard.config import DashboardConfig
>>> app = create_app(DashboardConfig(store=":memory:"))   # doctest: +SKIP
>>> app.run(host="127.0.0.1", port=8050)                  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import dash
import dash_cytoscape as cyto
from dash import dcc, html
from flask import Response, has_request_context, redirect, request

from dashboard import analytics_bridge as bridge
from dashboard import auth, export_panel
from dashboard.config import DashboardConfig
from dashboard.services import Services
from graph.store import GraphStore

PAGES = Path(__file__).parent / "pages"
NAV = [
    ("Worklist", "/worklist"),
    ("Search", "/search"),
    ("Clusters", "/clusters"),
    ("Review", "/review"),
    ("Audit", "/audit"),
]


def _shell() -> html.Div:
    """Navigation, the page container, and the logout link."""
    user, role = auth.current_user() if has_request_context() else (None, None)
    links = [dcc.Link(text, href=href, className="nav-link", id=f"nav-{text.lower()}") for text, href in NAV]
    who = html.Span(f"{user} ({role})" if user else "", id="nav-user", className="nav-user")
    logout = html.A("Sign out", href="/logout", id="logout-link", className="nav-link logout")
    bar = html.Nav([html.Span("cluegraph", className="brand"), *links, who, logout], className="navbar")
    note = html.Footer("Synthetic data only · every search, view, review and export is audited", className="foot")
    return html.Div([bar, html.Main(dash.page_container, className="page"), note])


def _home() -> Response | None:
    """The front page is the worklist (the guard has run first)."""
    return redirect("/worklist") if request.path == "/" else None  # type: ignore[return-value]


def create_app(config: DashboardConfig, *, store: GraphStore | None = None, warm: bool = True) -> dash.Dash:
    """The dashboard app on ``config`` (or on an already open ``store``); serve ``app.server`` with any
    WSGI server, or ``app.run`` for one machine. ``warm`` opens the store and builds what its first
    neighbourhood read builds (``Services.warm``), and imports the clue-packet writer (``warm_imports``), in
    the background now, not in the first visitor's request."""
    cyto.load_extra_layouts()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        suppress_callback_exceptions=True,
        title="cluegraph",
        update_title="",  # '' (or None, which Dash's annotation omits): the tab title stays put during callbacks
        assets_folder=str(Path(__file__).parent / "assets"),
    )
    services = Services(config, store)
    app.server.extensions["cluegraph"] = services
    if warm:
        services.warm()
        bridge.warm_imports()
    auth.install(
        app.server, secret_key=config.secret_key, cookie_secure=config.cookie_secure, session_hours=config.session_hours
    )
    app.layout = _shell
    app.server.before_request(_home)
    export_panel.register(app)
    return app
