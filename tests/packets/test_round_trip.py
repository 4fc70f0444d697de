"""Acceptance 1: a planted scheme exported as a packet and imported into an empty store comes back equal
(subgraph, scores, reasons, provenance), plus the packet's own source; on every store backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analytics.packets import Selection, export_packet
from graph.store import GraphStore, open_store
from ingest.readers.packet import import_packet
from tests.packets.helpers import export_all, graph_doc, scheme_store
from tests.packets.scheme import ALL, ORG, RING, load_scheme


def with_source(sub: dict[str, Any], extra: str | None) -> dict[str, Any]:
    """The subgraph with ``extra`` added to every item's sources, sources sorted."""
    for item in sub["nodes"] + sub["edges"]:
        item["sources"] = sorted([*item["sources"], *([extra] if extra else [])])
    return sub


def assert_round_trip(src: GraphStore, dst: GraphStore, ids: list[str], source: str) -> None:
    expected = with_source(src.subgraph(ids).to_dict(), source)
    got = with_source(dst.subgraph(ids).to_dict(), None)
    assert got == expected


def test_the_whole_scheme_round_trips_into_an_empty_store(store: GraphStore, tmp_path: Path) -> None:
    with scheme_store(tmp_path / "sender.duckdb") as src:
        packet = export_all(src, tmp_path / "lead.zip")
        done = import_packet(store, packet)
        assert (done.nodes, done.edges) == (len(ALL), 19)
        assert done.source == f"packet:{done.packet_id}/port unit 3"
        assert_round_trip(src, store, ALL, done.source)
        scores = {n.id: n.props["risk_score"] for n in store.subgraph(RING).nodes}
        assert scores == {n.id: n.props["risk_score"] for n in src.subgraph(RING).nodes}


def test_a_person_lead_exported_from_each_store_round_trips(store: GraphStore, tmp_path: Path) -> None:
    load_scheme(store)
    packet = export_packet(
        store, Selection.parse(person=ORG), note="organiser", creator="unit B", out=tmp_path / "p.zip"
    )
    doc = graph_doc(packet)
    ids = [n["id"] for n in doc["nodes"]]
    assert set(RING) <= set(ids) and doc["focus"] == [ORG]
    assert {s["item"] for s in doc["scores"]} >= set(RING)
    with open_store(tmp_path / "receiver.duckdb") as dst:
        done = import_packet(dst, packet)
        assert_round_trip(store, dst, ids, done.source)
        assert dst.stats().to_dict()["total_nodes"] == len(ids)


def test_importing_the_same_packet_twice_changes_nothing(tmp_path: Path) -> None:
    with scheme_store(tmp_path / "s.duckdb") as src, open_store(tmp_path / "r.duckdb") as dst:
        packet = export_all(src, tmp_path / "lead.zip")
        import_packet(dst, packet)
        first = dst.subgraph(ALL).to_dict()
        import_packet(dst, packet)
        assert dst.subgraph(ALL).to_dict() == first


def test_a_planted_ring_cluster_round_trips_with_its_score_reasons_and_run(store: GraphStore, tmp_path: Path) -> None:
    from analytics.cluster_store import write_clusters
    from analytics.clusters import find_clusters
    from tests.analytics.risk_fixture import RING as PLANTED
    from tests.analytics.risk_fixture import P, load_risk_graph

    with open_store(tmp_path / "sender.duckdb") as src:
        load_risk_graph(src)
        found = find_clusters(src, run_id="run-7")
        write_clusters(src, found)
        ring = {P(r) for r in PLANTED}
        (cid,) = [
            c
            for c, people in zip(found.table["cluster_id"], found.table["person_ids"], strict=True)
            if set(people) == ring
        ]
        packet = export_packet(src, Selection.parse(cluster=cid), note="ring", creator="unit C", out=tmp_path / "c.zip")
        doc = graph_doc(packet)
        ids = [n["id"] for n in doc["nodes"]]
        assert ring <= set(ids) and doc["focus"][0].startswith("Cluster:")
        assert [s["name"] for s in doc["scores"] if s["item"] == doc["focus"][0]] == ["score"]
        assert any("share specific identifiers" in r["text"] for r in doc["reasons"])
        done = import_packet(store, packet)
        assert_round_trip(src, store, ids, done.source)
        cluster = store.get(doc["focus"][0])
        assert cluster is not None and cluster.props["run"] == "run-7"
        assert cluster.props["score"] == src.get(doc["focus"][0]).props["score"]  # type: ignore[union-attr]
