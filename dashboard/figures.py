"""Plotly figures of the person page.

>>> fig = crossings_timeline([{"time": "2024-01-02 10:00", "port": "LHR", "direction": "IN", "outcome": "CLEARED"}])
>>> fig.data[0].name
'CLEARED'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

OUTCOME_COLOURS = {"CLEARED": "#59a14f", "SECONDARY": "#f28e2b", "REFUSED": "#e15759", "DETAINED": "#b00020"}


def crossings_timeline(rows: Sequence[dict[str, Any]]) -> go.Figure:
    """Crossings over time, one row per port, coloured by inspection outcome, hover with the details."""
    fig = go.Figure()
    outcomes = sorted({str(r.get("outcome") or "UNKNOWN") for r in rows})
    for outcome in outcomes:
        mine = [r for r in rows if str(r.get("outcome") or "UNKNOWN") == outcome]
        fig.add_trace(
            go.Scatter(
                x=[r["time"] for r in mine],
                y=[str(r.get("port") or "?") for r in mine],
                mode="markers",
                name=outcome,
                marker={
                    "size": 11,
                    "color": OUTCOME_COLOURS.get(outcome, "#9aa5b1"),
                    "symbol": ["triangle-right" if r.get("direction") == "IN" else "triangle-left" for r in mine],
                },
                text=[
                    f"{r.get('direction', '')} {r.get('conveyance', '')} {r.get('outcome_reason') or ''}" for r in mine
                ],
                hovertemplate="%{x}<br>%{y}<br>%{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        height=230,
        margin={"l": 50, "r": 10, "t": 10, "b": 30},
        legend={"orientation": "h"},
        yaxis={"type": "category"},
        plot_bgcolor="#fafbfc",
    )
    return fig
