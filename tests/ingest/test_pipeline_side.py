"""The side readers (``ingest.pipeline.side``): the files other than the crossings, read by two side
processes, give the state the serial reading in this process gives (the same tables in the same order,
the same reports and quarantine)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from ingest.pipeline.discover import discover
from ingest.pipeline.side import ENV_SWITCH, SideReading, groups, read_side
from tests.ingest.pipeline_helpers import make_world


def _plain(state: dict) -> dict:
    def tables(frames: dict[str, list[pa.Table]]) -> dict[str, list[list[dict]]]:
        return {k: [t.to_pylist() for t in v] for k, v in sorted(frames.items())}

    return {"nodes": tables(state["nodes"]), "edges": tables(state["edges"]),
            "person_edges": tables(state["person_edges"]),
            "records": [t.to_pylist() for t in state["records"]],
            "reports": {k: vars(v) if hasattr(v, "__dict__") else repr(v) for k, v in state["reports"].items()},
            "quarantine": {k: [repr(q) for q in v] for k, v in state["quarantine"].items()},
            "companies": state["companies"], "steps": state["steps"]}


def test_two_side_processes_give_the_serial_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(tmp_path / "w", persons=200, seed=3, days=2)
    files = [f for f in discover(world).files if f.family != "crossings"]
    assert len(groups(files)) == 2  # EDIFACT and associated files: one process each
    side = SideReading.start(files, "utf-8", {})
    state = side.finish()
    assert state["process"] == "side" and state["cpu_s"] > 0
    assert all(p.proc is not None for p in side.procs)
    serial = read_side(files, "utf-8", {})
    assert _plain(state) == _plain(serial)
    monkeypatch.setenv(ENV_SWITCH, "0")  # the switch: read here, the same state
    here = SideReading.start(files, "utf-8", {}).finish()
    assert here["process"] == "main" and _plain(here) == _plain(serial)
