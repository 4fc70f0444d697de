"""Shared fixtures: every contract test runs once per store backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import GraphStore, open_store

#: Backends the contract suite runs on. The Neo4j store joins this list when it exists.
BACKENDS = ["duckdb"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    if request.param == "duckdb":
        st = open_store(tmp_path / "contract.duckdb")
    else:  # pragma: no cover - future backends
        raise AssertionError(request.param)
    with st:
        yield st
