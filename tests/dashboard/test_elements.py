"""Subgraph -> cytoscape elements: grouping, the cap (a node with 10,000 neighbours), filters, highlights."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from world_fixture import IVANOV, PHONE, ZHANG, load_world

from dashboard import elements as el
from dashboard import explore, timebar
from graph.ids import node_id
from graph.store import GraphStore, open_store
from graph.store.model import Edge, Neighbourhood, Node

HUB = node_id("Phone", "+441632960999")
N_USERS = 10_000


@pytest.fixture(scope="module")
def hub_store(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """A real DuckDB store with the small world and one phone used by 10,000 people."""
    st = open_store(tmp_path_factory.mktemp("hub") / "hub.duckdb")
    load_world(st)
    keys = [f"P-HUB-{i:05d}" for i in range(N_USERS)]
    with st.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": keys, "surname": "USER", "given_names": keys}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+441632960999"]}))
        w.upsert_edges(
            "USES", pd.DataFrame({"src": [node_id("Person", k) for k in keys], "dst": HUB, "first_seen": "2024-01-01"})
        )
        w.upsert_edges("USES", pd.DataFrame({"src": [IVANOV], "dst": [HUB], "first_seen": ["2024-02-01"]}))
    return st


def _ids(scene: list[el.Element]) -> list[str]:
    return [e["data"]["id"] for e in scene]


def _hood(n: int, *, label: str = "Person", etype: str = "CO_TRAVELLED", truncated: bool = False) -> Neighbourhood:
    centre = Node("Person:00", "Person", {"surname": "CENTRE"})
    others = [Node(f"{label}:{i + 1:02x}", label, {"surname": f"P{i}"}) for i in range(n)]
    edges = [Edge(f"{etype}:{i + 1:02x}", etype, centre.id, o.id, {}) for i, o in enumerate(others)]
    return Neighbourhood(
        [centre, *others],
        edges,
        center=centre.id,
        hops={centre.id: 0, **{o.id: 1 for o in others}},
        truncated=truncated,
    )


def test_a_few_neighbours_are_shown_one_by_one() -> None:
    scene = el.expand([], _hood(3))
    assert len([e for e in scene if "source" not in e["data"]]) == 4
    assert len([e for e in scene if "source" in e["data"]]) == 3
    assert "center" in scene[0]["classes"]


def test_many_neighbours_of_one_kind_become_one_group_node() -> None:
    scene = el.expand([], _hood(312))
    groups = [e for e in scene if e["data"]["type"] == "Group"]
    assert [g["data"]["label"] for g in groups] == ["+312 co-travellers"]
    assert len(scene) == 3  # the centre, the group, the edge to it


def test_a_truncated_neighbourhood_says_there_are_more() -> None:
    scene = el.expand([], _hood(100, truncated=True))
    assert any(e["data"]["label"] == "+100+ co-travellers" for e in scene)


def test_a_full_scene_groups_what_does_not_fit() -> None:
    scene = el.expand([], _hood(20), cap=15)
    assert len(scene) <= 15
    group = next(e for e in scene if e["data"]["type"] == "Group")
    shown = len([e for e in scene if "source" not in e["data"] and e["data"]["type"] == "Person"]) - 1
    assert shown + group["data"]["count"] == 20


def test_risky_neighbours_are_kept_out_of_the_overflow_group() -> None:
    hood = _hood(20)
    risky = Node("Person:ff", "Person", {"surname": "RISKY", "risk_score": 0.9})
    hood.nodes.append(risky)
    hood.edges.append(Edge("CO_TRAVELLED:ff", "CO_TRAVELLED", hood.center, risky.id, {}))
    hood.hops[risky.id] = 1
    assert "Person:ff" in _ids(el.expand([], hood, cap=11))


def test_expanding_again_adds_nothing_twice() -> None:
    once = el.expand([], _hood(5))
    assert el.expand(once, _hood(5)) == once


def test_the_scene_never_exceeds_its_cap_around_a_node_with_10000_neighbours(hub_store: GraphStore) -> None:
    scene = explore.first_scene(hub_store, HUB)
    assert 0 < len(scene) <= el.DEFAULT_CAP
    group = next(e for e in scene if e["data"]["type"] == "Group")
    assert group["data"]["label"].endswith("+ users")  # the store cut the neighbourhood: the label says so
    for node in [IVANOV, ZHANG, HUB, PHONE, IVANOV]:
        scene, _ = explore.expand_node(hub_store, scene, node)
        assert len(scene) <= el.DEFAULT_CAP
    scene, _ = explore.expand_node(hub_store, scene, IVANOV, edge_types=["CO_TRAVELLED", "USES"])
    assert len(scene) <= el.DEFAULT_CAP
    assert len(set(_ids(scene))) == len(scene)


def test_a_small_cap_holds_with_many_real_expansions(hub_store: GraphStore) -> None:
    scene = explore.first_scene(hub_store, IVANOV, cap=40)
    for node in [HUB, ZHANG, PHONE, node_id("Person", "P-HUB-00001")]:
        scene, _ = explore.expand_node(hub_store, scene, node, cap=40)
        assert len(scene) <= 40


def test_visible_keeps_edges_of_the_chosen_types_and_window() -> None:
    a, b, c = (Node(f"Person:0{i}", "Person", {}) for i in range(3))
    edges = [
        Edge("USES:01", "USES", a.id, b.id, {}, first_seen=_dt("2023-01-01"), last_seen=_dt("2023-02-01")),
        Edge("BOOKED:02", "BOOKED", a.id, c.id, {}, first_seen=_dt("2025-01-01")),
    ]
    scene = [el.node_element(n) for n in (a, b, c)] + [el.edge_element(e) for e in edges]
    assert set(_ids(el.visible(scene, edge_types=["USES"]))) == {a.id, b.id, "USES:01"}
    assert set(_ids(el.visible(scene, since="2024-01-01"))) == {a.id, c.id, "BOOKED:02"}
    assert set(_ids(el.visible(scene, until="2022-12-31", keep=[a.id]))) == {a.id}


def test_highlight_marks_path_nodes_and_the_edges_between_them() -> None:
    scene = el.expand([], _hood(3))
    marked = el.highlight(scene, [["Person:00", "Person:01"]])
    on = {e["data"]["id"] for e in marked if "path" in e["classes"].split()}
    assert on == {"Person:00", "Person:01", "CO_TRAVELLED:01"}


def test_from_subgraph_and_merge_stay_within_the_cap(hub_store: GraphStore) -> None:
    hood = hub_store.neighbours(HUB, limit=2000)
    assert len(el.from_subgraph(hood, center=HUB, cap=100)) <= 100
    assert len(el.merge(el.expand([], _hood(3)), hood, cap=120)) <= 120


def test_time_bar_counts_and_window_follow_the_scene(hub_store: GraphStore) -> None:
    scene = explore.first_scene(hub_store, IVANOV)
    bins = timebar.months(scene)
    assert bins[0] == "2023-01" and bins[-1] >= "2025-07"
    counts = timebar.counts(scene, bins)
    assert sum(counts) >= len([e for e in scene if "source" in e["data"] and e["data"]["first_seen"]])
    since, until = timebar.window(bins, [bins.index("2025-01"), bins.index("2025-07")])
    shown = el.visible(scene, since=since, until=until, keep=[IVANOV])
    assert 0 < len(shown) < len(scene)


def test_connect_selected_finds_what_binds_two_people(hub_store: GraphStore) -> None:
    from world_fixture import CLUSTER

    scene = explore.first_scene(hub_store, IVANOV)
    scene, status = explore.connect_selected(hub_store, scene, [IVANOV, ZHANG])
    assert "1 connecting paths" in status
    on_path = {e["data"]["id"] for e in scene if "path" in e["classes"].split()}
    assert {IVANOV, ZHANG} <= on_path and on_path & {PHONE, CLUSTER}  # the shared phone, or their cluster
    assert any(e["data"].get("source") in (IVANOV, ZHANG) for e in scene if "path" in e["classes"].split())


def _dt(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_expanding_a_group_node_explains_instead(hub_store: GraphStore) -> None:
    scene = explore.first_scene(hub_store, HUB)
    group = next(e["data"]["id"] for e in scene if e["data"]["type"] == "Group")
    same, status = explore.expand_node(hub_store, scene, group)
    assert same == scene and "filter" in status


def test_module_paths_exist() -> None:
    assert Path(el.__file__).name == "elements.py"
