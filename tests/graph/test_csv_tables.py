"""Loading a graph kept as CSV tables: readable references, provenance by line, errors by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.csv_tables import load_csv_tables
from graph.errors import EndpointError, InvalidInputError
from graph.ids import node_id
from graph.store import GraphStore, Node

SAMPLE = Path(__file__).parents[2] / "data" / "sample_graph"


def test_the_committed_sample_loads_and_loads_again_unchanged(store: GraphStore) -> None:
    loaded = load_csv_tables(store, SAMPLE)
    assert loaded["nodes/Person.csv"] == 6
    first = store.stats().to_dict()
    load_csv_tables(store, SAMPLE)
    assert store.stats().to_dict() == first
    assert first["total_nodes"] == 16 and first["total_edges"] == 14


def test_references_by_key_become_ids_and_rows_keep_their_line(store: GraphStore) -> None:
    load_csv_tables(store, SAMPLE)
    doc = store.get(node_id("Document", "KOR", "M87654321"))
    assert isinstance(doc, Node) and doc.sources == ("Document.csv:4",)
    hood = store.neighbours(node_id("Person", "P-0003"))
    assert node_id("Document", "KOR", "M87654321") in hood.hops


def test_values_are_kept_as_text(tmp_path: Path, store: GraphStore) -> None:
    (tmp_path / "nodes").mkdir()
    (tmp_path / "nodes" / "Document.csv").write_text("issuer,number\nRUS,007123\n")
    load_csv_tables(store, tmp_path)
    assert store.get(node_id("Document", "RUS", "007123")) is not None


def test_a_bad_row_names_the_file_and_its_line_and_writes_nothing(tmp_path: Path, store: GraphStore) -> None:
    (tmp_path / "nodes").mkdir()
    (tmp_path / "edges").mkdir()
    (tmp_path / "nodes" / "Person.csv").write_text("person_key\nP-1\nP-2\n")
    (tmp_path / "edges" / "USES.csv").write_text("src,dst\nPerson=P-1,Person=P-2\n")
    with pytest.raises(EndpointError) as info:
        load_csv_tables(store, tmp_path)
    assert info.value.file is not None and info.value.file.endswith("USES.csv")
    assert info.value.record == "line 2" and info.value.field == "dst"
    assert store.stats().to_dict()["total_nodes"] == 0


def test_a_folder_without_tables_is_refused(tmp_path: Path, store: GraphStore) -> None:
    with pytest.raises(InvalidInputError):
        load_csv_tables(store, tmp_path)
