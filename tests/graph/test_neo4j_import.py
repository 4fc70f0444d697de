"""The import folder the Neo4j first load hands to ``neo4j-admin database import`` (no server needed), and the
test server's warm-up at start."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from neo4j import GraphDatabase

from graph.errors import EndpointError, StoreError
from graph.ids import node_id
from graph.schema import load_schema
from graph.store.duckdb_ddl import TABLES
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.neo4j_import import ImportFiles

NEO4J_SH = Path(__file__).parents[2] / "tools" / "neo4j" / "neo4j.sh"


def _files(folder: Path) -> ImportFiles:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for ddl in TABLES:
        con.execute(ddl)
    schema = load_schema()
    return ImportFiles(folder, schema, DuckDBWriter(con, schema), con)


def _options(args: Path) -> dict[str, str]:
    lines = args.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if not line.startswith(("--nodes=", "--relationships=")))


def test_files_without_line_breaks_are_read_in_parallel(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A", "B"], "surname": ["Ng", 'O\'Brien, "Jr"']}))
    files.add_edges("CO_TRAVELLED", pd.DataFrame({"src": [node_id("Person", "A")], "dst": [node_id("Person", "B")]}))
    options = _options(files.finish())
    assert options["--multiline-fields"] == "false"
    assert "--multiline-fields-format" not in options


def test_only_the_files_with_a_line_break_in_a_field_are_read_as_multi_line(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A"], "surname": ["Ng"]}))
    files.add_nodes("Person", pd.DataFrame({"person_key": ["B"], "surname": ["two\nlines"]}))
    files.add_nodes("Person", pd.DataFrame({"person_key": ["C"], "surname": ["carriage\rreturn"]}))
    files.add_nodes("Person", pd.DataFrame({"person_key": ["D"], "aliases": [["new\nline", "x"]]}))  # by Python
    options = _options(files.finish())
    assert options["--multiline-fields-format"] == "v2"
    listed = options["--multiline-fields"].split(",")
    assert len(listed) == 3 and all(Path(p).exists() for p in listed)
    assert not any(b"Ng" in Path(p).read_bytes() for p in listed)


def test_batches_with_the_same_columns_share_one_input_group_and_data_file(tmp_path: Path) -> None:
    files = _files(tmp_path)
    for key in ("A", "B", "C"):
        files.add_nodes("Person", pd.DataFrame({"person_key": [key], "surname": ["Ng"]}))
    files.add_nodes("Person", pd.DataFrame({"person_key": ["D"], "age": [40]}))  # other columns: another group
    groups = [line for line in files.finish().read_text().splitlines() if line.startswith("--nodes=")]
    assert len(groups) == 2
    first = groups[0].split("=", 2)[2].split(",")
    assert first[0].endswith(".header.csv") and len(first) == 2  # the batches appended to one data file
    assert Path(first[1]).read_bytes().count(b"\n") == 3


def test_edge_files_name_the_record_ids_the_node_files_gave(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A", "B"]}))
    files.add_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
    files.add_edges("USES", pd.DataFrame({"src": [node_id("Person", "B")], "dst": [node_id("Phone", "+1")]}))
    args = files.finish().read_text().splitlines()
    assert "--id-type=actual" in args
    data = {
        line.split("=")[1]: [Path(p).read_text().splitlines() for p in line.split("=", 2)[2].split(",")]
        for line in args
        if line.startswith(("--nodes=", "--relationships="))
    }
    record = {row.split(",")[1]: row.split(",")[0] for name in ("Person", "Phone") for row in data[name][1]}
    assert sorted(record.values()) == ["0", "1", "2"]  # Person rows 0 and 1, then the Phone batch
    (edge,) = data["USES"][1]
    assert edge.split(",")[:2] == [record[node_id("Person", "B")], record[node_id("Phone", "+1")]]


def test_an_edge_without_its_endpoint_is_named_before_anything_is_imported(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A"]}))
    files.add_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
    edges = pd.DataFrame({"src": [node_id("Person", "A"), node_id("Person", "Z")], "dst": [node_id("Phone", "+1")] * 2})
    with pytest.raises(EndpointError) as info:
        files.add_edges("USES", edges)
    assert (info.value.record, info.value.field, info.value.value) == ("row 1", "src", node_id("Person", "Z"))


def test_a_node_in_two_batches_of_a_first_load_is_refused(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A", "B"]}))
    with pytest.raises(StoreError, match=node_id("Person", "B")):
        files.add_nodes("Person", pd.DataFrame({"person_key": ["B"]}))


def test_an_edge_ending_on_a_node_kept_aside_is_kept_aside_too(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.add_nodes("Person", pd.DataFrame({"person_key": ["A", "odd"], "aliases": [["x"], []]}))  # [] by Cypher
    src = [node_id("Person", "A"), node_id("Person", "odd")]
    files.add_edges("CO_TRAVELLED", pd.DataFrame({"src": src, "dst": [node_id("Person", "A")] * 2}))
    assert [(kind, name, t.num_rows) for kind, name, t in files.leftovers] == [
        ("nodes", "Person", 1),
        ("edges", "CO_TRAVELLED", 1),
    ]
    assert files.leftovers[1][2].column("src").to_pylist() == [node_id("Person", "odd")]


@pytest.mark.neo4j
def test_the_test_server_warms_up_at_start_beside_its_database() -> None:
    """After its start the launcher imports a generated sample into a scratch home and builds its constraints
    there (tools/neo4j/.../WarmUp.java); the served database never sees it and the scratch home is removed."""
    uri = os.environ.get("CLUEGRAPH_TEST_NEO4J_URI", "")
    status = subprocess.run(["bash", str(NEO4J_SH), "status"], capture_output=True, text=True, check=False)
    if not uri or status.returncode != 0 or not status.stdout.strip().endswith(uri):
        pytest.skip("needs the tools/neo4j test server at CLUEGRAPH_TEST_NEO4J_URI")
    waited = subprocess.run(["bash", str(NEO4J_SH), "warm"], capture_output=True, text=True, check=False)
    assert waited.returncode == 0, waited.stderr
    reply = (NEO4J_SH.parent / "run" / "warmup.reply").read_text(encoding="utf-8")
    assert reply.split()[0] == "0" and "relationships" in reply  # the importer took the sample, constraints built
    assert not (NEO4J_SH.parent / "run" / "home-warmup").exists()
    with GraphDatabase.driver(uri, auth=None) as driver:
        found = driver.execute_query("MATCH (n:Warm) RETURN count(n) AS c").records[0]["c"]
        names = [r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records]
    assert found == 0 and not any(n.startswith("warm_") for n in names)
