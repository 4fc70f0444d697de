"""The run's write: the part that does not wait for resolution written on a thread while it runs, one
transaction all the same."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.store import open_store
from ingest.pipeline.load import Load
from ingest.pipeline.run import run_ingest
from tests.ingest.pipeline_helpers import make_world, snapshot


def test_a_run_written_in_the_background_gives_the_store_of_one_written_after_resolution(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w", persons=150, days=2)
    a = run_ingest(world, str(tmp_path / "a.duckdb"), quarantine_dir=tmp_path / "qa", background=True)
    b = run_ingest(world, str(tmp_path / "b.duckdb"), quarantine_dir=tmp_path / "qb", background=False)
    assert a.written == b.written and a.reconciles
    assert snapshot(tmp_path / "a.duckdb") == snapshot(tmp_path / "b.duckdb")


def test_giving_up_between_the_two_parts_writes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load = Load(store, lambda _s: None)
        load.start({"Port": pd.DataFrame({"code": ["HKG"]})}, {})  # type: ignore[dict-item]
        load.abort()
        assert sum(store.stats().nodes.values()) == 0


def test_a_bad_table_of_the_first_part_is_raised_by_finish_and_nothing_is_written(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load = Load(store, lambda _s: None)
        load.start({"Port": pd.DataFrame({"code": [""]})}, {})  # type: ignore[dict-item]  # an empty key
        with pytest.raises(Exception, match="key"):
            load.finish({"Person": pd.DataFrame({"person_key": ["P1"]})}, {})  # type: ignore[dict-item]
        assert sum(store.stats().nodes.values()) == 0
