"""The analytics the dashboard calls, each optional until its part of analytics exists: risk paths,
cluster members, and the clue-packet writer. Every page works without them and says what is missing.

>>> path_nodes({"nodes": ["Person:01", {"id": "Phone:02"}], "steps": [{"src": "Phone:02", "dst": "Case:03"}]})
['Person:01', 'Phone:02', 'Case:03']
"""

from __future__ import annotations

import importlib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import ClueGraphError
from graph.store import GraphStore, open_store


def optional(module: str, name: str) -> Any:
    """``module.name`` if that part of analytics is installed, else None."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _plain(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    if isinstance(obj, dict):
        return dict(obj)
    if isinstance(obj, list | tuple):
        return {"nodes": list(obj)}
    return dict(vars(obj))


def path_nodes(path: dict[str, Any]) -> list[str]:
    """The node ids along a risk path, in order (from ``nodes`` or the ends of ``steps``/``links``)."""
    ids = [n if isinstance(n, str) else n.get("id", "") for n in path.get("nodes", [])]
    for step in path.get("steps", path.get("links", [])):
        if isinstance(step, dict):
            ids += [step.get(k, "") for k in ("src", "dst", "source", "target")]
    return [i for i in dict.fromkeys(ids) if isinstance(i, str) and ":" in i]


@dataclass(frozen=True)
class RiskPath:
    """One chain from a person to known risk: node ids, its strength, and its explanation in words."""

    nodes: list[str]
    score: float | None
    text: str


#: How long one projection of the graph serves risk-path questions before it is built again.
CONTEXT_SECONDS = 600.0
#: Graphs smaller than this (nodes) get their projection built on the spot; larger ones in the background.
SYNC_NODES = 200_000
#: What ``risk_paths`` answers while the projection of a large graph is still being built.
PENDING = "pending"
_contexts: dict[str, tuple[float, Any]] = {}
_building: set[str] = set()
_guard = threading.Lock()


def _fresh(key: str) -> Any:
    made, ctx = _contexts.get(key, (0.0, None))
    return ctx if ctx is not None and time.monotonic() - made <= CONTEXT_SECONDS else None


def warm_paths(uri: str) -> bool:
    """Build the analytics' path context (a projection of the whole graph) for the store at ``uri`` in a
    background thread, on a connection of its own, so no request waits for it. False when there is nothing
    to build it with or a build is already running."""
    build = optional("analytics.paths", "path_context")
    with _guard:
        if build is None or uri in _building or uri == ":memory:":
            return False
        _building.add(uri)

    def run() -> None:
        try:
            with open_store(uri) as st:
                _contexts[uri] = (time.monotonic(), build(st))
        except ClueGraphError:
            pass
        finally:
            with _guard:
                _building.discard(uri)

    threading.Thread(target=run, name="cluegraph-path-context", daemon=True).start()
    return True


def _context(store: GraphStore, uri: str | None) -> Any:
    """The path context for ``store``: cached, built now for a small graph, else ``PENDING`` while a
    background build runs (a stale one keeps serving while it is rebuilt)."""
    key = uri or f"store:{id(store)}"
    ctx = _fresh(key)
    if ctx is not None:
        return ctx
    stale = _contexts.get(key, (0.0, None))[1]
    if uri is None or sum(store.stats().nodes.values()) < SYNC_NODES:
        build = optional("analytics.paths", "path_context")
        _contexts[key] = (time.monotonic(), build(store))
        return _contexts[key][1]
    warm_paths(uri)
    return stale if stale is not None else PENDING


def risk_paths(store: GraphStore, person_id: str, *, k: int = 3, uri: str | None = None) -> list[RiskPath] | str | None:
    """The person's strongest risk paths; None while ``analytics.paths`` does not exist, ``PENDING`` while
    the projection of a large graph (``uri`` names its store) is being built."""
    fn = optional("analytics.paths", "risk_paths")
    if fn is None or optional("analytics.paths", "path_context") is None:
        return None
    ctx = _context(store, uri)
    if ctx is PENDING:
        return PENDING
    try:
        found = fn(store, person_id, k=k, context=ctx)
    except ClueGraphError:
        return []
    out = []
    for raw in found:
        d = _plain(raw)
        text = d.get("explanation") or d.get("text") or d.get("reason") or ""
        score = d.get("score", d.get("strength"))
        out.append(RiskPath(path_nodes(d), float(score) if score is not None else None, str(text)))
    return out


def cluster_members(store: GraphStore, cluster_id: str) -> list[str] | None:
    """Node ids of a clue cluster, or None while ``analytics.cluster_store`` does not exist."""
    fn = optional("analytics.cluster_store", "cluster_members")
    if fn is None:
        return None
    try:
        found = fn(store, cluster_id)
    except ClueGraphError:
        return []
    if hasattr(found, "persons"):
        found = [*found.persons, *getattr(found, "identifiers", [])]
    return [m if isinstance(m, str) else m.id for m in found]


def packets_available() -> bool:
    """Whether the clue-packet writer is installed."""
    return optional("analytics.packets", "export_packet") is not None


def warm_imports() -> threading.Thread:
    """Import the clue-packet writer in a background thread, so the first page with an export panel (person,
    explorer, cluster) does not: it pulls in followthemoney (measured: 4.6 s of imports at load 12, most of
    a warmed store's first explorer page). A page that asks meanwhile waits only for what is left."""
    thread = threading.Thread(target=packets_available, name="cluegraph-imports", daemon=True)
    thread.start()
    return thread


def export_packet(store: GraphStore, kind: str, ids: list[str], *, note: str, creator: str, out_dir: Path) -> Path:
    """Write a clue packet (a .zip) of a lead (``kind``: person, cluster or nodes) into ``out_dir``; its path.
    Unsigned and unredacted: signing keys and redaction are choices of ``cluegraph export-packet``."""
    export = optional("analytics.packets", "export_packet")
    selection_cls = optional("analytics.packets.select", "Selection")
    if export is None or selection_cls is None:
        raise RuntimeError("the clue-packet writer (analytics.packets) is not installed yet")
    out_dir.mkdir(parents=True, exist_ok=True)
    selection = selection_cls(kind, tuple(ids))
    out = out_dir / f"clue-packet-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.zip"
    return Path(export(store, selection, note=note, creator=creator, sign_key=None, out=out))
