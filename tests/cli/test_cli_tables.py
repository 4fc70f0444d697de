"""The tables the CLI prints for people (not ``--json``): neighbours and the ingest summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cluegraph.commands.ingest import MAX_ROWS, _rows
from graph.ids import node_id
from ingest.pipeline.report import FileReport, IngestReport

SAMPLE = Path(__file__).parents[2] / "data" / "sample_graph"


def test_neighbours_table_lists_each_neighbour_with_its_hops_but_not_the_node_itself(tmp_path: Path) -> None:
    store = str(tmp_path / "g.duckdb")
    env = {**os.environ, "COLUMNS": "250"}
    run = [sys.executable, "-m", "cluegraph.cli"]
    subprocess.run([*run, "load-graph", str(SAMPLE), "--store", store], check=True, capture_output=True, env=env)
    person = node_id("Person", "P-0001")
    out = subprocess.run([*run, "neighbours", person, "--depth", "2", "--store", store], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = {line.split("│")[2].strip(): line.split("│")[1].strip() for line in out.stdout.splitlines()
            if line.count("│") >= 4}
    assert rows[node_id("Phone", "+85255500101")] == "2"
    assert person not in rows


def test_ingest_summary_has_a_row_per_file_until_there_are_many_then_one_per_kind() -> None:
    few = IngestReport("src", "g.duckdb", [FileReport("a.csv", "crossings", read=3, loaded=2, duplicates=1)])
    assert _rows(few) == [("a.csv", "crossings", 3, 2, 0, 1, 0)]
    files = [FileReport(f"PAXLST_{i}.edi", "paxlst", read=2, loaded=2, deviation_count=i % 2)
             for i in range(MAX_ROWS)]
    files.append(FileReport("PAXLST_bad.edi", "paxlst", error="truncated"))
    files.append(FileReport("phones.csv", "associated", kind="phones", read=5, loaded=4, quarantined=1))
    rows = _rows(IngestReport("src", "g.duckdb", files))
    assert rows == [
        (f"{MAX_ROWS + 1} files [red](1 unreadable)[/]", "paxlst", 2 * MAX_ROWS, 2 * MAX_ROWS, 0, 0, MAX_ROWS // 2),
        ("1 files", "phones", 5, 4, 1, 0, 0),
    ]
