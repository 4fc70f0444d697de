"""Batch runs on a small ingested world: ranking against truth, byte-for-byte reproducibility, repeating from
the manifest, review decisions respected, an interrupted run finished by running again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.config import ConfigError
from analytics.evaluate import evaluate
from analytics.features_frames import edge_frame
from analytics.propagate import run_propagation
from analytics.runs import load_batch_config, repeat_run, run_batch
from analytics.runs.config import batch_config_from_dict
from analytics.runs.evaluate_run import evaluate_worklist
from analytics.runs.outputs import stable_manifest
from graph.store import open_store
from tests.runs.conftest import WINDOW

START, END = date.fromisoformat(WINDOW[0]), date.fromisoformat(WINDOW[1])
FILES = ("worklist.csv", "worklist.parquet", "alerts.jsonl", "config.yaml", "rules.yaml")


def _run(store: Path, out: Path) -> Path:
    with open_store(str(store)) as st:
        run_batch(st, start=START, end=END, config=load_batch_config(), out_dir=out, store_uri=str(store))
    return out


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def _manifest(folder: Path) -> dict[str, object]:
    return stable_manifest(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))


def test_run_ranks_planted_risky_travellers_at_least_as_well_as_the_analytics_evaluation(
        world_store: tuple[Path, Path], tmp_path: Path) -> None:
    world, store = world_store
    out = _run(store, tmp_path / "run")
    got = evaluate_worklist(pd.read_parquet(out / "worklist.parquet"), world / "truth")
    with open_store(str(store)) as st:
        graph_only = evaluate(st, world / "truth", run_propagation(st, write=False)).travellers["propagation"]
    assert got["risky_missing"] == 0  # every planted risky arrival is on the worklist
    assert got["r_precision"] >= graph_only["r_precision"]
    assert got["pr_auc"] >= graph_only["pr_auc"] - 1e-9


def test_worklist_has_the_issue_columns_and_every_row_its_reasons(world_store: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    out = _run(world_store[1], tmp_path / "run")
    rows = pd.read_csv(out / "worklist.csv", keep_default_na=False)
    assert list(rows.columns) == ["rank", "person_id", "surname", "given_names", "birth_date", "nationality",
                                  "doc_issuer", "doc_number", "voyage", "port", "scheduled_time", "score", "reasons"]
    assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
    assert rows["score"].is_monotonic_decreasing
    scored = rows[rows["score"] > 0]
    assert len(scored) and all(json.loads(r) for r in scored["reasons"])
    alerts = [json.loads(line) for line in (out / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    threshold = load_batch_config().worklist.alert_threshold
    assert len(alerts) == int((rows["score"] >= threshold).sum())
    assert all(a["reasons"] for a in alerts)


def test_two_runs_with_the_same_inputs_write_identical_files(world_store: tuple[Path, Path], tmp_path: Path) -> None:
    store = world_store[1]
    first, second = _run(store, tmp_path / "a"), _run(store, tmp_path / "b")
    assert _bytes(first) == _bytes(second)
    assert _manifest(first) == _manifest(second)


def test_the_manifest_alone_repeats_the_run(world_store: tuple[Path, Path], tmp_path: Path) -> None:
    store = world_store[1]
    first = _run(store, tmp_path / "a")
    with open_store(str(store)) as st:
        again = repeat_run(first / "manifest.json", st, out_dir=tmp_path / "again")
    assert _bytes(again.out_dir) == _bytes(first)
    assert _manifest(again.out_dir) == _manifest(first)


def test_a_dismissed_screening_hit_leaves_the_next_run(world_store: tuple[Path, Path], tmp_path: Path) -> None:
    store = world_store[1]
    first = pd.read_parquet(_run(store, tmp_path / "a") / "worklist.parquet")
    watch = first[first["reasons"].str.contains('"part": "screening"')]
    assert len(watch)
    person = watch["person_id"].iloc[0]
    with open_store(str(store)) as st:
        hits = edge_frame(st, "LISTED_AS", ["src", "dst", "evidence_hash"])
        mine = hits[hits["src"] == person].assign(review_status="DISMISSED", review_reason="known namesake")
        with st.writer() as w:
            w.upsert_edges("LISTED_AS", mine[["src", "dst", "review_status", "review_reason"]])
    second = pd.read_parquet(_run(store, tmp_path / "b") / "worklist.parquet")
    reasons = second.loc[second["person_id"] == person, "reasons"]
    assert not reasons.str.contains('"part": "screening"').any()


def test_run_configuration_errors_name_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"worklist\.alert_threshold"):
        batch_config_from_dict({"worklist": {"alert_threshold": 3}})
    with pytest.raises(ConfigError, match=r"worklist\.colour"):
        batch_config_from_dict({"worklist": {"colour": "red"}})


def test_a_window_that_ends_before_it_starts_is_refused(world_store: tuple[Path, Path], tmp_path: Path) -> None:
    with open_store(str(world_store[1])) as st, pytest.raises(ConfigError, match="ends before it starts"):
        run_batch(st, start=END, end=START, config=load_batch_config(), out_dir=tmp_path)


def test_an_interrupted_run_started_again_finishes_with_the_same_files(world_store: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    store = world_store[1]
    reference = _run(store, tmp_path / "reference")
    cmd = [sys.executable, "-m", "cluegraph.cli", "run", "--from", WINDOW[0], "--to", WINDOW[1],
           "--store", str(store), "--out", str(tmp_path / "interrupted")]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    midway = tmp_path / "interrupted" / "rules.yaml"  # written half way, after the graph stage
    deadline = time.monotonic() + 600
    while not midway.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be interrupted"
    assert not (tmp_path / "interrupted" / "manifest.json").exists()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _bytes(tmp_path / "interrupted") == _bytes(reference)
