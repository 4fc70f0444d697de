"""Small worlds shared by the world tests (generated once per session)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cluegraph.world.command import generate
from cluegraph.world.config import WorldConfig


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A 2,000-person world with default noise, and the seconds it took."""
    out = tmp_path_factory.mktemp("world2k")
    t0 = time.perf_counter()
    generate(WorldConfig(persons=2000, days=7, seed=1), out)
    return out, time.perf_counter() - t0
