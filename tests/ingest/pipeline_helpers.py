"""Helpers of the ingest pipeline tests: a small world on disk, store snapshots for comparing stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from graph.store import open_store

ROOT = Path(__file__).resolve().parents[2]
CLUEGRAPH = [sys.executable, "-m", "cluegraph.cli"]


def make_world(out: Path, persons: int = 300, seed: int = 5, days: int = 3) -> Path:
    """A synthetic world written by the real generator (as an outside system would)."""
    subprocess.run([*CLUEGRAPH, "world", str(out), "--persons", str(persons), "--seed", str(seed),
                    "--days", str(days)], check=True, capture_output=True, cwd=ROOT)
    return out


def snapshot(store_path: Path | str) -> dict[str, list[str]]:
    """Every node and edge of a store, through its export, as sorted JSON lines per label and type."""
    out: dict[str, list[str]] = {}
    with open_store(store_path, read_only=True) as store:
        stats = store.stats()
        for label in sorted(stats.nodes):
            out[label] = sorted(_lines(store.export_nodes(label)))
        for etype in sorted(stats.edges):
            out[etype] = sorted(_lines(store.export_edges(etype)))
    return out


def _lines(batches: Any) -> list[str]:
    return [json.dumps(row, sort_keys=True, default=str) for t in batches for row in t.to_pylist()]


def counts(store_path: Path | str) -> dict[str, int]:
    """Nodes per label and edges per type."""
    with open_store(store_path, read_only=True) as store:
        s = store.stats()
        return {**s.nodes, **s.edges}
