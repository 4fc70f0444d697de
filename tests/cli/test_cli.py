"""The ``cluegraph`` command as a user runs it: a real process, a real store file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph.ids import node_id

SAMPLE = Path(__file__).parents[2] / "data" / "sample_graph"


def cluegraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cluegraph.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
    )


def test_help_lists_the_commands() -> None:
    out = cluegraph("--help")
    assert out.returncode == 0
    for command in ("stats", "load-graph", "neighbours", "world"):
        assert command in out.stdout


def test_stats_json_counts_per_label_and_type(tmp_path: Path) -> None:
    store = str(tmp_path / "g.duckdb")
    assert cluegraph("load-graph", str(SAMPLE), "--store", store).returncode == 0
    out = cluegraph("stats", "--store", store, "--json")
    assert out.returncode == 0
    stats = json.loads(out.stdout)
    assert stats["nodes"]["Person"] == 6 and stats["edges"]["PAID_BY"] == 3
    assert stats["total_nodes"] == 16 and stats["total_edges"] == 14


def test_the_store_can_come_from_the_environment(tmp_path: Path) -> None:
    store = str(tmp_path / "env.duckdb")
    assert cluegraph("load-graph", str(SAMPLE), env={"CLUEGRAPH_STORE": store}).returncode == 0
    out = cluegraph("stats", "--json", env={"CLUEGRAPH_STORE": store})
    assert json.loads(out.stdout)["total_edges"] == 14


def test_stats_on_a_missing_store_says_so_and_fails(tmp_path: Path) -> None:
    out = cluegraph("stats", "--store", str(tmp_path / "none.duckdb"))
    assert out.returncode != 0
    assert "no graph store here yet" in out.stderr and "none.duckdb" in out.stderr


def test_neighbours_json_lists_what_a_person_links_to(tmp_path: Path) -> None:
    store = str(tmp_path / "g.duckdb")
    cluegraph("load-graph", str(SAMPLE), "--store", store)
    person = node_id("Person", "P-0001")
    out = cluegraph("neighbours", person, "--depth", "2", "--store", store, "--json")
    assert out.returncode == 0, out.stderr
    hood = json.loads(out.stdout)
    assert hood["hops"][node_id("Phone", "+85255500101")] == 2
    assert hood["hops"][node_id("PaymentInstrument", "tok_a1b2c3")] == 2


def test_a_bad_id_is_a_clear_error(tmp_path: Path) -> None:
    store = str(tmp_path / "g.duckdb")
    cluegraph("load-graph", str(SAMPLE), "--store", store)
    out = cluegraph("neighbours", "Person:zz", "--store", store)
    assert out.returncode == 2
    assert "not a cluegraph id" in out.stderr and "Person:zz" in out.stderr
