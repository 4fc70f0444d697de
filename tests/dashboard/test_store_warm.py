"""The dashboard opens its store and builds the neighbourhood index in the background at start, so the first
explorer or person page does not wait for it (``Services.warm``)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from world_fixture import load_world

from dashboard.config import DashboardConfig
from dashboard.services import Services
from graph.errors import ClueGraphError
from graph.store import open_store
from graph.store.duckdb_store import DuckDBStore


def _services(store: Path, tmp_path: Path) -> Services:
    return Services(DashboardConfig(store=str(store), audit_path=tmp_path / "audit.jsonl"))


@pytest.fixture
def world_store(tmp_path: Path) -> Path:
    path = tmp_path / "world.duckdb"
    with open_store(path) as st:
        load_world(st)
    return path


def test_warm_builds_the_adjacency_index_before_the_first_request(world_store: Path, tmp_path: Path) -> None:
    svc = _services(world_store, tmp_path)
    svc.warm().join(timeout=60)
    with svc.store() as st:
        assert isinstance(st, DuckDBStore) and st._adjacency is not None  # the index the first walk builds
        assert st.neighbours(st.find("Person", limit=1)[0].id).nodes  # and it serves
    svc.close()


def test_warm_on_a_file_that_is_no_store_leaves_the_error_to_the_request(tmp_path: Path) -> None:
    bad = tmp_path / "not_a_store.duckdb"
    bad.write_bytes(b"not a database")
    failures: list[BaseException] = []
    old_hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)  # type: ignore[assignment]
    try:
        svc = _services(bad, tmp_path)
        svc.warm().join(timeout=60)
    finally:
        threading.excepthook = old_hook
    assert failures == []
    with pytest.raises(ClueGraphError), svc.store():
        pass


def test_close_before_the_warm_up_runs_opens_nothing(world_store: Path, tmp_path: Path) -> None:
    svc = _services(world_store, tmp_path)
    with svc._lock:  # a request in progress: the warm-up waits for it, and the app closes meanwhile
        thread = svc.warm()
        svc.close()
    thread.join(timeout=60)
    assert svc._store is None


def test_warm_imports_the_packet_writer_before_the_first_page() -> None:
    """In a fresh interpreter: the app alone does not import the clue-packet writer; the warm-up does."""
    code = (
        "import sys\n"
        "from dashboard.app import create_app\n"
        "from dashboard.config import DashboardConfig\n"
        "from dashboard import analytics_bridge\n"
        "create_app(DashboardConfig(store=':memory:'), warm=False)\n"
        "before = 'analytics.packets' in sys.modules\n"
        "analytics_bridge.warm_imports().join(timeout=120)\n"
        "print(before, 'analytics.packets' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
