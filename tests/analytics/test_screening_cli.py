"""``cluegraph screen``, ``rules lint``, ``rules backtest``, ``model train`` and ``model score`` on a real
DuckDB file, in process (typer's runner)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cluegraph.cli import app
from graph.ids import node_id
from graph.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """60 people with 4 crossings each (adverse outcomes likelier after a broken MRZ), a watchlist entry
    under a Wade-Giles spelling of person 0, and one upcoming booking."""
    path = str(tmp_path_factory.mktemp("cli") / "g.duckdb")
    rng = np.random.default_rng(3)
    n, k = 60, 4
    people = [f"p{i}" for i in range(n)]
    xid = [f"X{i:04d}" for i in range(n * k)]
    mrz_bad = rng.random(n * k) < 0.15
    outcome = np.where(rng.random(n * k) < np.where(mrz_bad, 0.6, 0.08), "SECONDARY", "CLEARED")
    times = pd.date_range("2025-01-01", periods=n * k, freq="6h", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
    with open_store(path) as st, st.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": people, "surname": ["ZHANG"] + ["SMITH"] * (n - 1),
                                               "given_names": ["WEI"] + [f"JOHN{i}" for i in range(1, n)],
                                               "birth_date": ["1980-05-07"] * n, "nationality": ["CHN"] * n}))
        w.upsert_nodes("Crossing", pd.DataFrame({"crossing_id": xid, "crossing_time": times, "direction": "IN",
                                                 "mode": "AIR", "port": "HKG", "outcome": outcome,
                                                 "mrz_checks_ok": ~mrz_bad}))
        w.upsert_edges("MADE", pd.DataFrame({"src": [node_id("Person", people[i % n]) for i in range(n * k)],
                                             "dst": [node_id("Crossing", x) for x in xid]}))
        w.upsert_nodes("WatchlistEntry", pd.DataFrame({"list": ["NATIONAL"], "entry_id": ["WL-1"],
                                                       "surname": ["CHANG"], "given_names": ["WEI"],
                                                       "birth_date": ["1980-05-00"], "nationality": ["CHN"]}))
        w.upsert_nodes("Voyage", pd.DataFrame({"carrier": ["CX"], "number": ["CX701"], "date": ["2026-03-05"],
                                               "dep_time": ["2026-03-05T08:00"], "dep_port": ["BKK"]}))
        bkg = node_id("Booking", "CX", "ABC123", "2026-03-04")
        w.upsert_nodes("Booking", pd.DataFrame({"carrier": ["CX"], "locator": ["ABC123"], "created": ["2026-03-04"],
                                                "created_at": ["2026-03-04T20:00"], "segment_count": [1]}))
        w.upsert_edges("ON", pd.DataFrame({"src": [bkg], "dst": [node_id("Voyage", "CX", "CX701", "2026-03-05")]}))
        w.upsert_edges("BOOKED", pd.DataFrame({"src": [node_id("Person", "p0")], "dst": [bkg]}))
    return path


def test_screen_writes_hits_and_reports_them(store: str) -> None:
    out = runner.invoke(app, ["screen", "--store", store, "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert (report["people"], report["entries"], report["hits"]) == (60, 1, 1)
    with open_store(store, read_only=True) as st:
        assert st.stats().edges["LISTED_AS"] == 1


def test_rules_lint_passes_the_shipped_rules_and_refuses_religion(tmp_path: Path) -> None:
    assert runner.invoke(app, ["rules", "lint"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {id: BAD, version: 1, owner: x, effective_from: 2024-01-01, severity: LOW,\n"
                   "     description: targets a faith, condition: {feature: religion, op: eq, value: X}}\n")
    out = runner.invoke(app, ["rules", "lint", "--rules", str(bad)])
    assert out.exit_code == 2 and "protected attribute 'religion'" in out.output


def test_backtest_reports_every_rule_as_json(store: str, tmp_path: Path) -> None:
    out = runner.invoke(app, ["rules", "backtest", "--store", store, "--json", "--out", str(tmp_path / "b.json")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    rows = {r["rule_id"]: r for r in data["rules"]}
    assert rows["MRZ-CHECK-DIGIT"]["events"] == 240 and rows["MRZ-CHECK-DIGIT"]["volume"] > 0
    assert rows["MRZ-CHECK-DIGIT"]["precision"] > 0.3 and rows["MRZ-CHECK-DIGIT"]["lift"] > 1.5
    assert json.loads((tmp_path / "b.json").read_text()) == data


def test_model_train_writes_a_new_file_only_and_score_explains(store: str, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    out = runner.invoke(app, ["model", "train", "--store", store, "--out", str(model), "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["version"].startswith("risk-") and summary["rows"] == 240
    again = runner.invoke(app, ["model", "train", "--store", store, "--out", str(model)])
    assert again.exit_code != 0 and "never overwritten" in again.output
    scored = tmp_path / "scored.csv"
    out = runner.invoke(app, ["model", "score", "--store", store, "--model", str(model), "--out", str(scored)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(scored)
    assert len(table) == 1 and table.loc[0, "person_id"] == node_id("Person", "p0")
    assert 0 < table.loc[0, "score"] < 1 and json.loads(table.loc[0, "reasons"])
