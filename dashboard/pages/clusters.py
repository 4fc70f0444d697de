"""Clusters: ranked clue clusters with their explanation; each opens in the explorer."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.reasons import reasons_text
from dashboard.services import audit, store
from dashboard.ui import card, empty

dash.register_page(__name__, path="/clusters", name="Clusters", title="cluegraph · clusters")

LIMIT = 100


def _score(props: dict[str, Any]) -> float:
    try:
        return float(props.get("score") or props.get("risk_score") or 0)
    except (TypeError, ValueError):
        return 0.0


def layout(**_: Any) -> html.Div:
    """The clusters the analytics wrote (label ``Cluster``), best first."""
    with store() as st:
        clusters = st.find("Cluster", limit=1000) if "Cluster" in st.schema.nodes else None
    audit("view", page="clusters", shown=len(clusters or []))
    if clusters is None:
        return html.Div(
            [
                html.H2("Clusters"),
                empty(
                    "Clue clusters are computed by the analytics (issue 6); "
                    "this store's data model has no Cluster label yet."
                ),
            ]
        )
    if not clusters:
        return html.Div([html.H2("Clusters"), empty("No clue clusters in this store yet: run the analytics.")])
    clusters.sort(key=lambda n: (n.props.get("rank") is None, n.props.get("rank") or 0, -_score(n.props)))
    rows = []
    for n in clusters[:LIMIT]:
        p = n.props
        why = reasons_text(p.get("explanation") or p.get("reasons"))
        why = "; ".join(map(str, why)) if isinstance(why, list) else str(why)
        rows.append(
            card(
                f"{p.get('cluster_id') or n.id} · score {_score(p):.2f} · {p.get('size', '?')} members",
                html.P(why),
                dcc.Link("Open in explorer →", href=f"/explore/{n.id}"),
            )
        )
    return html.Div([html.H2("Clusters"), *rows])
