"""One dashboard app for the whole test session, on a real DuckDB file holding the planted world.

Dash collects ``dash.callback`` registrations into one global list that the first app to serve a request
takes, so the tests share one app (and the browser test serves that same app on a free port)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dash_helpers import PASSWORD, login
from world_fixture import load_world, write_run

from dashboard.app import create_app
from dashboard.config import DashboardConfig
from dashboard.users import add_user
from graph.store import open_store

USERS = {"ana": "investigator", "vic": "viewer", "sue": "supervisor", "ben": "investigator"}


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
