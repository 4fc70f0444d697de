"""Clue clusters: found on shared specific identifiers, scored with reasons, ids stable across runs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from analytics.cluster_store import CSV_COLUMNS, cluster_members, doc_keys, write_clusters, write_csv
from analytics.clusters import find_clusters
from analytics.projection import project
from graph.store import GraphStore, open_store
from tests.analytics.risk_fixture import RING, P, load_risk_graph


def _ids(store: GraphStore) -> dict[str, list[str]]:
    result = find_clusters(store)
    return dict(zip(result.table["cluster_id"], result.table["person_ids"], strict=True))


def test_the_ring_is_one_cluster_and_every_cluster_carries_reasons(store: GraphStore) -> None:
    load_risk_graph(store)
    result = find_clusters(store)
    ring = {P(r) for r in RING}
    assert any(set(p) == ring for p in result.table["person_ids"])
    assert all(result.table["reasons"].map(len) > 0)
    assert list(result.table["rank"]) == list(range(1, len(result.table) + 1))
    assert list(result.table["score"]) == sorted(result.table["score"], reverse=True)
    seeded = result.table[[P("P-SEED") in p for p in result.table["person_ids"]]].iloc[0]
    assert seeded["rank"] <= 2 and seeded["reasons"][0]["feature"] == "seeds"
    pair = result.table[[set(p) == {P("D1"), P("D2")} for p in result.table["person_ids"]]].iloc[0]
    assert "document_conflicts" in {r["feature"] for r in pair["reasons"]}
    assert result.table.iloc[0]["person_ids"] == seeded["person_ids"]  # known risk ranks first


def test_cluster_ids_are_stable_across_runs_and_row_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.duckdb") as a, open_store(tmp_path / "b.duckdb") as b:
        load_risk_graph(a)
        load_risk_graph(b, shuffle=11)
        assert _ids(a) == _ids(a) == _ids(b)


def test_a_stored_cluster_keeps_its_id_when_a_member_joins(store: GraphStore) -> None:
    load_risk_graph(store)
    first = find_clusters(store, run_id="c1")
    write_clusters(store, first)
    ring_id = next(c for c, p in zip(first.table["cluster_id"], first.table["person_ids"], strict=True) if P("R1") in p)
    members = cluster_members(store, ring_id)
    assert {n.id for n in members.persons} == {P(r) for r in RING}
    assert members.identifiers and members.cluster.props["run"] == "c1"
    # a sixth ring member appears: the cluster changes, its id does not
    import pandas as pd

    from graph.ids import node_id

    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["R6"]}))
        w.upsert_edges("USES", pd.DataFrame({"src": [P("R6")], "dst": [node_id("Phone", "+17777")]}))
    second = find_clusters(store, run_id="c2")
    write_clusters(store, second)
    again = next(c for c, p in zip(second.table["cluster_id"], second.table["person_ids"], strict=True) if P("R6") in p)
    assert again == ring_id
    assert {n.id for n in cluster_members(store, ring_id).persons} == {P(r) for r in [*RING, "R6"]}


def test_clusters_csv_has_the_columns_documents_and_reasons(store: GraphStore, tmp_path: Path) -> None:
    load_risk_graph(store)
    proj = project(store)
    result = find_clusters(store, proj)
    path = write_csv(result, tmp_path, doc_keys(store, proj, result))
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == CSV_COLUMNS
    ring = next(r for r in rows if P("R1") in r["person_ids"])
    assert set(ring["doc_keys"].split(";")) == {f"XXA:N{r}" for r in RING}
    assert all(json.loads(r["reasons"]) for r in rows)


def _write(store: GraphStore, nodes: dict[str, list[dict[str, str]]], edges: dict[str, list[dict[str, str]]]) -> None:
    """People F0..F299 (so that identifiers of a few people are specific), then ``nodes`` and ``edges``."""
    import pandas as pd

    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": [f"F{i}" for i in range(300)]}))
        for label, rows in nodes.items():
            w.upsert_nodes(label, pd.DataFrame(rows))
        for etype, rows in edges.items():
            w.upsert_edges(etype, pd.DataFrame(rows).assign(last_seen="2026-01-01"))


def test_co_workers_sharing_homes_are_one_cluster_without_the_other_residents(store: GraphStore) -> None:
    from graph.ids import node_id

    workers = [f"W{i}" for i in range(6)]
    home = {w: ("A1" if i < 3 else "A2") for i, w in enumerate(workers)} | {"R1": "A1", "R2": "A1", "R3": "A2"}
    org = node_id("Organization", "GOLDEN")
    _write(
        store,
        {
            "Person": [{"person_key": k} for k in home],
            "Organization": [{"org_key": "GOLDEN", "name": "GOLDEN HARVEST CLEANING"}],
            "Address": [{"address_key": a} for a in ("A1", "A2")],
        },
        {
            "WORKS_FOR": [{"src": P(w), "dst": org, "role": "WORKER"} for w in workers],
            "LIVES_AT": [{"src": P(p), "dst": node_id("Address", a)} for p, a in home.items()],
        },
    )
    table = find_clusters(store).table
    # one shared address binds nobody alone; an employer and a home do
    assert [set(p) for p in table["person_ids"] if P("W0") in p] == [{P(w) for w in workers}]
    row = table[[P("W0") in p for p in table["person_ids"]]].iloc[0]
    assert "lodged_co_workers" in {r["feature"] for r in row["reasons"]}


def test_repeated_co_voyages_are_searched_around_known_risk_only(store: GraphStore) -> None:
    from graph.ids import node_id

    # two round trips (four voyages) together link two people; one round trip (two voyages) is chance
    legs = {
        "S": "V1 V2 V3 V4",
        "C1": "V1 V2 V3 V4 V5 V6 V7 V8",
        "C2": "V5 V6 V7 V8 V9 V10",
        "O": "V9 V10",
        "Q1": "W1 W2 W3 W4",
        "Q2": "W1 W2 W3 W4",
    }
    trips = [(who, v) for who, vs in legs.items() for v in vs.split()]
    voyage = {v: node_id("Voyage", "XQ", v, "2026-01-01") for _, v in trips}
    case = node_id("Case", "C-1")
    _write(
        store,
        {
            "Person": [{"person_key": k} for k in [*legs, "S2"]],
            "Voyage": [{"carrier": "XQ", "number": v, "date": "2026-01-01"} for v in voyage],
            "Crossing": [{"crossing_id": f"X-{who}-{v}"} for who, v in trips],
            "Case": [{"case_id": "C-1", "case_type": "SMUGGLING", "severity": "HIGH"}],
        },
        {
            "MADE": [{"src": P(who), "dst": node_id("Crossing", f"X-{who}-{v}")} for who, v in trips],
            "ON": [{"src": node_id("Crossing", f"X-{who}-{v}"), "dst": voyage[v]} for who, v in trips],
            "INVOLVED_IN": [
                {"src": P("S"), "dst": case, "role": "ORGANISER"},
                {"src": P("S2"), "dst": case, "role": "SUSPECT"},
            ],
        },
    )
    people = [set(p) for p in find_clusters(store).table["person_ids"]]
    assert {P("S"), P("S2"), P("C1"), P("C2")} in people  # two rounds out from the case's subjects
    assert not any(P("O") in p for p in people)  # one round trip on C2's flights: a stranger
    assert not any(P("Q1") in p for p in people)  # the same two trips together, far from any risk


def test_one_booking_of_a_whole_tour_is_one_payment_and_a_facilitators_separate_bookings_are_many(
    store: GraphStore,
) -> None:
    from graph.ids import node_id

    def booking(name: str) -> str:
        return node_id("Booking", "CX", name, "2026-01-02")

    tour, paid = [f"T{i}" for i in range(8)], [f"S{i}" for i in range(8)]
    bookings = ["TOUR"] + [f"B{i}" for i in range(8)]
    _write(
        store,
        {
            "Person": [{"person_key": k} for k in tour + paid],
            "Booking": [{"carrier": "CX", "locator": b, "created": "2026-01-02"} for b in bookings],
            "Phone": [{"number": n} for n in ("+85290000001", "+85290000002")],
            "PaymentInstrument": [{"token": t} for t in ("TOURCARD", "FACCARD")],
        },
        {
            "BOOKED": [{"src": P(t), "dst": booking("TOUR")} for t in tour]
            + [{"src": P(s), "dst": booking(f"B{i}")} for i, s in enumerate(paid)],
            "PAID_BY": [{"src": booking("TOUR"), "dst": node_id("PaymentInstrument", "TOURCARD")}]
            + [{"src": booking(f"B{i}"), "dst": node_id("PaymentInstrument", "FACCARD")} for i in range(8)],
            "CONTACT": [{"src": booking("TOUR"), "dst": node_id("Phone", "+85290000001")}]
            + [{"src": booking(f"B{i}"), "dst": node_id("Phone", "+85290000002")} for i in range(8)],
        },
    )
    table = find_clusters(store).table
    row = {g: table[[P(g) in p for p in table["person_ids"]]].iloc[0] for g in ("T0", "S0")}
    assert set(row["T0"]["person_ids"]) == {P(t) for t in tour} and set(row["S0"]["person_ids"]) == {P(s) for s in paid}
    assert row["T0"]["one_payer_many"] == 0 and row["S0"]["one_payer_many"] > 0
    assert row["S0"]["score"] > row["T0"]["score"]
