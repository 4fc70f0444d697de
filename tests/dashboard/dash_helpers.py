"""Helpers of the dashboard tests: sign a test client in, render a page, fire a callback (no browser)."""

from __future__ import annotations

import json
from typing import Any

PASSWORD = "correct horse battery"


def login(client: Any, name: str = "ana", password: str = PASSWORD) -> Any:
    """Sign ``client`` in (fetching the form first for its CSRF token)."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    return client.post("/login", data={"username": name, "password": password, "csrf": token, "next": "/"})


def render(client: Any, path: str, search: str = "") -> str:
    """The page at ``path`` as Dash Pages' router callback answers it (JSON text), without a browser."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.get_json(), ensure_ascii=False)


def call(
    client: Any,
    output: str,
    inputs: list[tuple[str, str, Any]],
    state: list[tuple[str, str, Any]] = (),
    changed: str | None = None,
) -> Any:
    """Fire one callback as the browser would (``output`` as Dash names it); its JSON answer."""
    outs = [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True)) for o in output.strip(".").split("...")]
    body = {
        "output": output,
        "outputs": outs if output.startswith("..") else outs[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:800]
    return response.get_json() if response.status_code == 200 else None
