"""The store contract on an empty store: a first load takes the fast path of each store, and its checks
must hold as on the careful path (run on every backend, like the rest of the contract)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from graph.errors import EndpointError, InvalidIdError, MissingKeyError
from graph.ids import node_id
from graph.store import GraphStore, Node


def test_a_first_load_merges_duplicates_within_its_batch(store: GraphStore) -> None:
    with store.writer() as w:
        w.upsert_nodes(
            "Person", pd.DataFrame({"person_key": ["A", "A", "B"], "first_seen": ["2024-01-02", "2024-01-01", None]})
        )
        result = w.upsert_edges(
            "CO_TRAVELLED",
            pd.DataFrame(
                {
                    "src": [node_id("Person", "A"), node_id("Person", "B")],
                    "dst": [node_id("Person", "B"), node_id("Person", "A")],
                    "sources": ["x:1", "x:2"],
                }
            ),
        )
    assert store.stats().to_dict()["nodes"] == {"Person": 2}
    assert (result.rows, result.distinct, result.inserted) == (2, 1, 1)
    (edge,) = store.subgraph([node_id("Person", "A"), node_id("Person", "B")]).edges
    assert edge.sources == ("x:1", "x:2")
    a = store.get(node_id("Person", "A"))
    assert isinstance(a, Node) and (a.first_seen, a.last_seen) == (datetime(2024, 1, 1), datetime(2024, 1, 2))


def test_a_first_load_with_a_missing_endpoint_writes_nothing(store: GraphStore) -> None:
    with pytest.raises(EndpointError) as info, store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A"]}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
        w.upsert_edges(
            "USES",
            pd.DataFrame(
                {"src": [node_id("Person", "A"), node_id("Person", "Z")], "dst": [node_id("Phone", "+1")] * 2}
            ),
        )
    assert info.value.record == "row 1" and info.value.field == "src"
    assert store.stats().to_dict()["total_nodes"] == 0


def test_a_first_load_with_a_bad_row_names_it_and_writes_nothing(store: GraphStore) -> None:
    with pytest.raises(MissingKeyError) as info, store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A", "", "C"]}))
    assert info.value.record == "row 1"
    assert store.stats().to_dict()["total_nodes"] == 0
    with store.writer() as w:  # and the store still takes a good first load afterwards
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A", "C"]}))
    assert store.neighbours(node_id("Person", "A")).hops == {node_id("Person", "A"): 0}


def test_a_first_load_with_an_id_that_does_not_parse_names_it(store: GraphStore) -> None:
    with pytest.raises(InvalidIdError) as info, store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["A"]}))
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
        w.upsert_edges(
            "USES",
            pd.DataFrame(
                {"src": [node_id("Person", "A"), "Person:zzzzzzzzzzzzzzzz"], "dst": [node_id("Phone", "+1")] * 2}
            ),
        )
    assert (info.value.record, info.value.field) == ("row 1", "src")
    assert store.stats().to_dict()["total_nodes"] == 0
