"""One dashboard app for the whole test session, on a real DuckDB file holding the planted world.

Dash collects ``dash.callback`` registrations into one global list that the first app to serve a request
takes, so the tests share one app (and the browser test serves that same app on a free port)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from world_fixture import load_world, write_run

from dashboard.app import create_app
from dashboard.config import DashboardConfig
from dashboard.users import add_user
from graph.store import open_store

USERS = {"ana": "investigator", "vic": "viewer", "sue": "supervisor", "ben": "investigator"}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def dash_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app, its configuration and its store."""
    root = tmp_path_factory.mktemp("dashboard")
    store_path = root / "world.duckdb"
    with open_store(store_path) as st:
        load_world(st)
    users = root / "users.json"
    for name, role in USERS.items():
        add_user(users, name, PASSWORD, role)
    write_run(root / "runs")
    config = DashboardConfig(
        store=str(store_path),
        users_path=users,
        audit_path=root / "audit.jsonl",
        runs_dir=root / "runs",
        secret_key="test-secret",
    )
    app = create_app(config)
    app.server.config["PREFERRED_URL_SCHEME"] = "https"  # the test client then keeps the Secure cookie
    yield {"app": app, "config": config, "root": root}
    app.server.extensions["cluegraph"].close()


def login(client: Any, name: str = "ana", password: str = PASSWORD) -> Any:
    """Sign ``client`` in (fetching the form first for its CSRF token)."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    return client.post("/login", data={"username": name, "password": password, "csrf": token, "next": "/"})


@pytest.fixture
def anon(dash_env: dict[str, Any]) -> Any:
    """A test client with no session (https, as the secure cookie requires)."""
    return dash_env["app"].server.test_client()


@pytest.fixture
def client(dash_env: dict[str, Any]) -> Any:
    """A test client signed in as the investigator ``ana``."""
    c = dash_env["app"].server.test_client()
    assert login(c).status_code == 302
    return c


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
