"""What the explorer's buttons do, as functions of the store and the scene (the callbacks only dispatch).

Every function returns the new scene and a line of status for the investigator; the scene stays within
``elements.DEFAULT_CAP`` whatever the store holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import networkx as nx

from dashboard import analytics_bridge as bridge
from dashboard import elements as el
from graph.store import GraphStore, Subgraph

#: Neighbours fetched per expansion; those beyond what the scene can show are counted into group nodes.
EXPAND_LIMIT = 500
#: Nodes reached from each selected node when looking for what connects them.
CONNECT_LIMIT = 300
Scene = list[el.Element]


def first_scene(store: GraphStore, node_id: str, *, cap: int = el.DEFAULT_CAP) -> Scene:
    """The scene an explorer opens on: the node and its neighbours (grouped where many)."""
    if store.get(node_id) is None:
        return []
    return el.expand([], store.neighbours(node_id, limit=EXPAND_LIMIT), cap=cap)


def expand_node(
    store: GraphStore,
    scene: Scene,
    node_id: str,
    *,
    edge_types: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    cap: int = el.DEFAULT_CAP,
) -> tuple[Scene, str]:
    """The scene with the neighbours of ``node_id`` (over ``edge_types``, seen in [since, until]) added."""
    if node_id.startswith("group:"):
        return scene, "A group stands for many neighbours: filter by edge type or time to see fewer."
    hood = store.neighbours(node_id, edge_types=edge_types or None, since=since, until=until, limit=EXPAND_LIMIT)
    new = el.expand(scene, hood, cap=cap)
    added = len(el.element_ids(new) - el.element_ids(scene))
    full = f" The scene is full ({cap} elements): the rest is grouped." if len(new) >= cap - 2 else ""
    return new, f"Expanded {node_id}: {added} elements added.{full}"


def connecting_network(store: GraphStore, ids: Sequence[str]) -> tuple[Subgraph, list[list[str]]]:
    """The nodes on shortest paths (up to four hops) between the selected ``ids``, and those paths."""
    graph = nx.Graph()
    for node in ids:
        hood = store.neighbours(node, depth=2, limit=CONNECT_LIMIT)
        graph.add_edges_from((e.src, e.dst) for e in hood.edges)
    paths = []
    for a, b in combinations(ids, 2):
        if a in graph and b in graph and nx.has_path(graph, a, b):
            path = nx.shortest_path(graph, a, b)
            if len(path) <= 5:
                paths.append(path)
    on_paths = sorted({n for p in paths for n in p} | set(ids))
    return store.subgraph(on_paths), paths


def connect_selected(
    store: GraphStore, scene: Scene, ids: Sequence[str], *, cap: int = el.DEFAULT_CAP
) -> tuple[Scene, str]:
    """The scene with the connecting network among the selected nodes added and its paths highlighted."""
    ids = [i for i in ids if not i.startswith("group:")]
    if len(ids) < 2:
        return scene, "Select two or more nodes (shift-click or drag a box) to connect them."
    network, paths = connecting_network(store, ids)
    new = el.highlight(el.merge(scene, network, cap=cap), paths)
    return (
        new,
        f"{len(paths)} connecting paths among {len(ids)} selected nodes." if paths else "No short path connects them.",
    )


def risk_path_scene(
    store: GraphStore, scene: Scene, center: str, *, cap: int = el.DEFAULT_CAP, uri: str | None = None
) -> tuple[Scene, str]:
    """The scene with the centre's risk paths (from the analytics) added and highlighted."""
    paths = bridge.risk_paths(store, center, uri=uri)
    if paths is None:
        return scene, "Risk paths need the analytics (issue 6), not installed yet."
    if isinstance(paths, str):
        return scene, "Risk paths are being prepared (a projection of the whole graph); try again in a moment."
    if not paths:
        return scene, "No path from here to known risk."
    node_paths = [p.nodes for p in paths]
    sub = store.subgraph(sorted({n for p in node_paths for n in p}))
    return el.highlight(el.merge(scene, sub, cap=cap), node_paths), f"{len(paths)} risk paths highlighted."
