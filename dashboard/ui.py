"""Small layout pieces the pages share: cards, plain tables, empty states, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard.auth import has_role


def card(title: str, *children: Any, id: str | None = None) -> html.Div:
    """A titled panel."""
    kwargs: dict[str, Any] = {"id": id} if id else {}
    return html.Div([html.H3(title), *children], className="card", **kwargs)


def empty(text: str) -> html.P:
    """An honest empty state: what is missing and why."""
    return html.P(text, className="empty")


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], *, none: str = "None.") -> Any:
    """A plain table of ``rows`` with ``columns`` as (key, heading) pairs; ``none`` when there are no rows."""
    if not rows:
        return empty(none)
    head = html.Tr([html.Th(h) for _, h in columns])
    body = [html.Tr([html.Td(_cell(r.get(k))) for k, _ in columns]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="simple")


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def refused(needed: str) -> html.Div:
    """What a user without the rights of ``needed`` sees instead of a page."""
    return html.Div([html.H2("Not allowed"), empty(f"This page needs the {needed} role.")], id="refused")


def allowed(needed: str) -> bool:
    """Whether the signed-in user may use a page that needs ``needed``."""
    return has_role(needed)
