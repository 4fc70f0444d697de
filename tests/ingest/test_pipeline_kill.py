"""Acceptance 7: ``cluegraph ingest`` killed (SIGKILL, a real subprocess) at random points and run again
gives a store identical to one uninterrupted run, compared through the stores' exports; the quarantine
file too."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.ingest.pipeline_helpers import CLUEGRAPH, ROOT, make_world, snapshot


def _ingest(world: Path, store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*CLUEGRAPH, "ingest", str(world), "--store", str(store)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_killed_ingest_run_again_equals_one_uninterrupted_run(tmp_path: Path) -> None:
    world = make_world(tmp_path / "world", persons=200, seed=11, days=2)
    ref = tmp_path / "ref" / "g.duckdb"
    ref.parent.mkdir()
    start = time.monotonic()
    assert _ingest(world, ref).wait() == 0
    took = time.monotonic() - start
    killed = tmp_path / "killed" / "g.duckdb"
    killed.parent.mkdir()
    rng = random.Random(7)
    kills = 0
    for _ in range(4):
        proc = _ingest(world, killed)
        time.sleep(rng.uniform(0.2, 0.95) * took)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 2, "the kills came after the runs had finished: nothing was tested"
    assert _ingest(world, killed).wait() == 0
    assert snapshot(killed) == snapshot(ref)
    quarantine = [p.parent / "g.quarantine" / "quarantine.jsonl" for p in (ref, killed)]
    assert quarantine[0].read_text() == quarantine[1].read_text()
