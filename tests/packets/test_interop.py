"""Acceptance 3: the files a receiving unit opens in its own tools are valid for those tools.

FollowTheMoney entities validate with the ``followthemoney`` library and every reference resolves;
GraphML reads back with networkx; CSV tables cannot run as spreadsheet formulas; redacted fields appear
in no file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model

from graph.store import open_store
from ingest.readers.packet import import_packet
from tests.packets.helpers import export_all, graph_doc, members, scheme_store
from tests.packets.scheme import BIRTH_DATES, COMPANY, DOC_NUMBERS, ORG


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("interop")
    with scheme_store(d / "s.duckdb") as src:
        return export_all(src, d / "lead.zip")


def entities(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in members(path)["entities.ftm.json"].decode().splitlines()]


def test_every_ftm_entity_validates_with_followthemoney(packet: Path) -> None:
    ents = entities(packet)
    ids = {e["id"] for e in ents}
    for data in ents:
        proxy = model.get_proxy(data, cleaned=False)  # re-validates and normalises every value
        assert proxy.schema.validate(data) is None
        assert proxy.to_dict()["properties"] == data["properties"], data["id"]
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                assert set(proxy.get(prop)) <= ids, (data["id"], prop.name)


def test_ftm_entities_carry_the_people_documents_and_links(packet: Path) -> None:
    by_schema: dict[str, list[dict[str, object]]] = {}
    for e in entities(packet):
        by_schema.setdefault(str(e["schema"]), []).append(e)
    assert len(by_schema["Person"]) == 5 and len(by_schema["Passport"]) == 5
    for needed in (
        "BankAccount",
        "Company",
        "Address",
        "CourtCase",
        "CourtCaseParty",
        "Risk",
        "Employment",
        "Associate",
        "Event",
        "UnknownLink",
    ):
        assert needed in by_schema, needed
    org = next(e for e in by_schema["Person"] if "KOVAC" in str(e["properties"]))
    assert org["properties"]["phone"] == ["+442071838750"]  # type: ignore[index]
    assert org["properties"]["birthDate"] == ["1971-04-09"]  # type: ignore[index]
    party = by_schema["CourtCaseParty"][0]["properties"]
    assert party["role"] == ["ORGANISER"]  # type: ignore[index]


def test_graphml_reads_back_with_networkx(packet: Path) -> None:
    g = nx.read_graphml(io.BytesIO(members(packet)["graph.graphml"]), force_multigraph=True)
    doc = graph_doc(packet)
    assert set(g.nodes) == {n["id"] for n in doc["nodes"]}
    assert sorted(k for _, _, k in g.edges(keys=True)) == sorted(e["id"] for e in doc["edges"])
    assert g.nodes[ORG]["label"] == "Person" and g.nodes[ORG]["risk_score"] == pytest.approx(0.98)
    assert "crossings.csv:2" in g.nodes[ORG]["sources"]


def test_csv_tables_cannot_run_formulas(packet: Path) -> None:
    files = members(packet)
    assert {"tables/nodes_Person.csv", "tables/edges_USES.csv", "tables/reasons.csv"} <= set(files)
    for name, data in files.items():
        if name.startswith("tables/"):
            assert data.startswith("\ufeff".encode())
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    orgs = list(csv.DictReader(io.StringIO(files["tables/nodes_Organization.csv"].decode("utf-8-sig"))))
    assert orgs[0]["id"] == COMPANY and orgs[0]["name"] == "'=cmd|' /C calc'!A0 Logistics"


def test_redacted_fields_appear_in_no_file_and_the_packet_still_imports(tmp_path: Path) -> None:
    with scheme_store(tmp_path / "s.duckdb") as src:
        packet = export_all(src, tmp_path / "red.zip", redact=["doc_number", "birth_date"])
    files = members(packet)
    secrets = [*DOC_NUMBERS, *BIRTH_DATES]
    for name, data in files.items():
        text = data.decode("utf-8")
        for secret in secrets:
            assert secret not in text, (name, secret)
    assert json.loads(files["manifest.json"])["redacted"] == ["birth_date", "doc_number"]
    doc = graph_doc(packet)
    docs = [n for n in doc["nodes"] if n["label"] == "Document"]
    assert all(n["props"]["number"].startswith("REDACTED-") for n in docs)
    assert len({n["props"]["number"] for n in docs}) == 5  # still told apart
    with open_store(tmp_path / "r.duckdb") as dst:
        done = import_packet(dst, packet)
        assert done.nodes == len(doc["nodes"]) and done.edges == len(doc["edges"])
        assert dst.get(docs[0]["id"]) is not None


def test_the_ftm_command_line_tool_reads_the_entities(packet: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "entities.ftm.json"
    path.write_bytes(members(packet)["entities.ftm.json"])
    ftm = Path(sys.executable).parent / "ftm"
    out = subprocess.run([str(ftm), "validate", "-i", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == len(entities(packet))
