"""The run's write: the part that does not wait for resolution written on a thread while it runs, one
transaction all the same."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from graph.store import open_store
from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.identities import Identities
from ingest.pipeline.load import Load
from ingest.pipeline.run import run_ingest
from tests.ingest.pipeline_helpers import make_world, snapshot


def test_a_run_written_in_the_background_gives_the_store_of_one_written_after_resolution(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w", persons=150, days=2)
    a = run_ingest(world, str(tmp_path / "a.duckdb"), quarantine_dir=tmp_path / "qa", background=True)
    b = run_ingest(world, str(tmp_path / "b.duckdb"), quarantine_dir=tmp_path / "qb", background=False)
    assert a.written == b.written and a.reconciles
    assert snapshot(tmp_path / "a.duckdb") == snapshot(tmp_path / "b.duckdb")


def test_the_batch_is_merged_on_the_writers_thread_and_written_with_the_extra_nodes(tmp_path: Path) -> None:
    batch = GraphBatch()
    batch.node("Port", pd.DataFrame({"code": ["HKG", "HKG"], "t": pd.to_datetime(["2024-01-02", "2024-01-01"]),
                                     "ref": ["c.csv:3", "c.csv:2"]}))
    with open_store(tmp_path / "g.duckdb") as store:
        load = Load(store, lambda _s: None)
        load.start(batch, {"SourceRecord": pa.table({"ref": ["c.csv:2"]})})
        written = load.finish(Identities(nodes={"Person": pa.table({"person_key": ["P1"]})}))
        assert {k: v["inserted"] for k, v in written.items()} == {"Port": 1, "SourceRecord": 1, "Person": 1}
        assert not batch.nodes and load.first_part["merge_s"] >= 0
        port = store.find("Port", key=["HKG"])[0]
        assert port.sources == ("c.csv:2", "c.csv:3")


def test_giving_up_between_the_two_parts_writes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        batch = GraphBatch()
        batch.node("Port", pd.DataFrame({"code": ["HKG"], "t": [pd.NaT], "ref": ["c.csv:2"]}))
        load = Load(store, lambda _s: None)
        load.start(batch, {})
        load.abort()
        assert sum(store.stats().nodes.values()) == 0


def test_a_bad_table_of_the_first_part_is_raised_by_finish_and_nothing_is_written(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        load = Load(store, lambda _s: None)
        load.start(GraphBatch(), {"Port": pa.table({"code": [""]})})  # an empty key
        with pytest.raises(Exception, match="key"):
            load.finish(Identities(nodes={"Person": pa.table({"person_key": ["P1"]})}))
        assert sum(store.stats().nodes.values()) == 0
