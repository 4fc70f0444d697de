"""One small synthetic world, generated and ingested once for the run tests; tests that write to the store
get their own copy of the DuckDB file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cluegraph.world.command import generate
from cluegraph.world.config import WorldConfig
from ingest.pipeline.run import run_ingest

WINDOW = ("2026-03-01", "2026-03-07")


@pytest.fixture(scope="session")
def ingested_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(world folder, ingested DuckDB file) of a 600-person world with 7 days of upcoming arrivals."""
    base = tmp_path_factory.mktemp("runs_world")
    world = base / "world"
    generate(WorldConfig(persons=600, days=7, seed=11), world)
    store = base / "world.duckdb"
    run_ingest(world, str(store))
    return world, store


@pytest.fixture()
def world_store(ingested_world: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """(world folder, a private copy of the ingested store)."""
    world, store = ingested_world
    copy = tmp_path / "store.duckdb"
    shutil.copy(store, copy)
    return world, copy
