"""What the pages share: the configuration, the store (one connection, one caller at a time) and the audit
trail. Pages reach them through ``services()`` inside a request; nothing here is a module-level global, so
tests can build several apps on several stores.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from dashboard.audit import AuditLog
from dashboard.auth import current_user
from dashboard.config import DashboardConfig
from graph.errors import ClueGraphError
from graph.store import GraphStore, open_store


class Services:
    """The dashboard's configuration, store and audit trail."""

    def __init__(self, config: DashboardConfig, store: GraphStore | None = None) -> None:
        self.config = config
        self.audit = AuditLog(config.audit_path, enabled=config.audit_on)
        self._store = store
        self._lock = threading.RLock()
        self._closed = False  # set by ``close``: a warm-up that has not started yet then opens nothing

    @contextmanager
    def store(self) -> Iterator[GraphStore]:
        """The store, opened on first use; one request uses it at a time (an embedded store's connection
        is not shared between threads)."""
        with self._lock:
            if self._store is None:
                self._store = open_store(self.config.store)
            yield self._store

    def warm(self) -> threading.Thread:
        """Open the store and make one ``neighbours`` call in a background thread, so the first explorer or
        person page does not wait for what the store builds on first use (the DuckDB store's adjacency
        index, measured at load 11: 0.4 CPU s / 2.2 s wall on a 20,000-person world, 4.7 CPU s / 11.5 s wall
        on the 1,000,000-person bench_dashboard store). A request that comes meanwhile waits for it, as for
        any request in progress."""
        thread = threading.Thread(target=self._warm, name="cluegraph-store-warm", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                with self.store() as st:
                    first = st.find(limit=1)
                    if first:
                        st.neighbours(first[0].id)
            except ClueGraphError:
                pass  # no store yet, or not a store: the first request that needs it says so

    def close(self) -> None:
        """Close the store."""
        with self._lock:
            self._closed = True
            if self._store is not None:
                self._store.close()
                self._store = None


def services() -> Services:
    """The services of the app serving this request."""
    found: Services = current_app.extensions["cluegraph"]
    return found


@contextmanager
def store() -> Iterator[GraphStore]:
    """Shortcut: the store of the app serving this request."""
    with services().store() as st:
        yield st


def audit(action: str, **params: Any) -> None:
    """Append ``action`` with ``params`` for the signed-in user of this request."""
    user, role = current_user()
    services().audit.append(user, role, action, params)
