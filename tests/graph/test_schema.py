"""The data model loads from YAML, and a broken model names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import SchemaError, UnknownLabelError
from graph.schema import SCHEMA_DIR, load_schema

DESIGN_LABELS = {
    "Person",
    "Document",
    "Crossing",
    "Voyage",
    "Port",
    "Booking",
    "Phone",
    "Email",
    "Address",
    "Vehicle",
    "Organization",
    "PaymentInstrument",
    "Case",
    "WatchlistEntry",
    "SourceRecord",
    "Cluster",
}
DESIGN_EDGES = {
    "HOLDS": ({"Person"}, {"Document"}),
    "MADE": ({"Person"}, {"Crossing"}),
    "USED": ({"Crossing"}, {"Document"}),
    "AT": ({"Crossing"}, {"Port"}),
    "ON": ({"Crossing", "Booking"}, {"Voyage"}),
    "BOOKED": ({"Person"}, {"Booking"}),
    "CONTACT": ({"Booking"}, {"Phone", "Email", "Address"}),
    "PAID_BY": ({"Booking"}, {"PaymentInstrument"}),
    "VIA": ({"Booking"}, {"Organization"}),
    "ANNOUNCED": ({"Person"}, {"Voyage"}),
    "USES": ({"Person"}, {"Phone", "Email", "PaymentInstrument", "Vehicle"}),
    "LIVES_AT": ({"Person"}, {"Address"}),
    "WORKS_FOR": ({"Person"}, {"Organization"}),
    "INVOLVED_IN": ({"Person"}, {"Case"}),
    "LISTED_AS": ({"Person"}, {"WatchlistEntry"}),
    "POSSIBLY_SAME_AS": ({"Person"}, {"Person"}),
    "CO_TRAVELLED": ({"Person"}, {"Person"}),
    "IN_CLUSTER": (
        {"Person", "Phone", "Email", "PaymentInstrument", "Address", "Document", "Vehicle", "Organization"},
        {"Cluster"},
    ),
}


def test_the_built_in_model_declares_the_labels_and_edges_of_the_design() -> None:
    schema = load_schema()
    assert set(schema.nodes) == DESIGN_LABELS
    assert {name: (set(e.sources), set(e.targets)) for name, e in schema.edges.items()} == DESIGN_EDGES
    assert all(n.key for n in schema.nodes.values())
    assert schema.edge("CO_TRAVELLED").symmetric and not schema.edge("HOLDS").symmetric
    assert schema.edge("INVOLVED_IN").key == "role"


def test_asking_for_an_undeclared_label_names_it() -> None:
    with pytest.raises(UnknownLabelError) as info:
        load_schema().node("Passenger")
    assert info.value.value == "Passenger"


def _broken(tmp_path: Path, nodes: str | None = None, edges: str | None = None) -> Path:
    (tmp_path / "nodes.yaml").write_text(nodes if nodes is not None else (SCHEMA_DIR / "nodes.yaml").read_text())
    (tmp_path / "edges.yaml").write_text(edges if edges is not None else (SCHEMA_DIR / "edges.yaml").read_text())
    return tmp_path


@pytest.mark.parametrize(
    ("nodes", "edges", "file", "key"),
    [
        ("Person:\n  text: [surname]\n", "X:\n  from: [Person]\n  to: [Person]\n", "nodes.yaml", "Person.key"),
        ("Person:\n  key: []\n", "", "nodes.yaml", "Person.key"),
        ("Person:\n  key: [id]\n", "", "nodes.yaml", "Person.key"),
        ("Person:\n  key: [pk]\n  colour: red\n", "", "nodes.yaml", "Person.colour"),
        ("Person:\n  key: [pk]\n", "KNOWS:\n  from: [Person]\n  to: [Ghost]\n", "edges.yaml", "KNOWS.to"),
        ("Person:\n  key: [pk]\n", "KNOWS:\n  from: [Person]\n", "edges.yaml", "KNOWS.to"),
        (
            "Person:\n  key: [pk]\nDoc:\n  key: [n]\n",
            "K:\n  from: [Person]\n  to: [Doc]\n  symmetric: true\n",
            "edges.yaml",
            "K.symmetric",
        ),
        (
            "Person:\n  key: [pk]\n",
            "K:\n  from: [Person]\n  to: [Person]\n  symmetric: maybe\n",
            "edges.yaml",
            "K.symmetric",
        ),
    ],
)
def test_a_broken_schema_names_the_file_and_the_key(
    tmp_path: Path, nodes: str, edges: str, file: str, key: str
) -> None:
    with pytest.raises(SchemaError) as info:
        load_schema(_broken(tmp_path, nodes, edges or "K:\n  from: [Person]\n  to: [Person]\n"))
    assert info.value.file is not None and info.value.file.endswith(file)
    assert info.value.field == key
    assert file in str(info.value) and key in str(info.value)


def test_yaml_that_does_not_parse_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        load_schema(_broken(tmp_path, nodes="Person: [unclosed\n"))
    assert str(info.value.file).endswith("nodes.yaml")


def test_a_missing_schema_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        load_schema(tmp_path)
    assert str(info.value.file).endswith("nodes.yaml")
