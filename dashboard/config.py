"""Deployment settings of the dashboard, read once from ``CLUEGRAPH_*`` environment variables.

``CLUEGRAPH_STORE`` (the graph store), ``CLUEGRAPH_USERS`` (users file, default ``./users.json``),
``CLUEGRAPH_AUDIT`` (audit trail, default ``./audit.jsonl``; ``off`` turns it off, which a deployment must
choose on purpose), ``CLUEGRAPH_RUNS`` (batch run folders, default ``./runs``), ``CLUEGRAPH_SECRET_KEY``
(signs session cookies; a random key per process when unset, so a restart logs everyone out) and
``CLUEGRAPH_COOKIE_SECURE`` (unset: the session cookie is Secure whenever the request came over HTTPS;
``1``: always, for a TLS proxy that does not forward the scheme; ``0``: never).

>>> cfg = DashboardConfig(store=":memory:")
>>> cfg.audit_path.name, cfg.cookie_secure
('audit.jsonl', None)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cluegraph.settings import settings


@dataclass(frozen=True)
class DashboardConfig:
    """Where the dashboard finds its store, users, audit trail and batch runs."""

    store: str
    users_path: Path = Path("users.json")
    audit_path: Path = Path("audit.jsonl")
    audit_on: bool = True
    runs_dir: Path = Path("runs")
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    cookie_secure: bool | None = None
    session_hours: int = 8


def config_from_env(store: str | None = None) -> DashboardConfig:
    """The configuration this process was started with (``store`` overrides ``CLUEGRAPH_STORE``)."""
    env = os.environ
    audit = env.get("CLUEGRAPH_AUDIT", "audit.jsonl")
    return DashboardConfig(
        store=store or settings().store,
        users_path=Path(env.get("CLUEGRAPH_USERS", "users.json")),
        audit_path=Path("audit.jsonl" if audit.lower() == "off" else audit),
        audit_on=audit.lower() != "off",
        runs_dir=Path(env.get("CLUEGRAPH_RUNS", "runs")),
        secret_key=env.get("CLUEGRAPH_SECRET_KEY") or secrets.token_hex(32),
        cookie_secure={"1": True, "0": False}.get(env.get("CLUEGRAPH_COOKIE_SECURE", "")),
    )
