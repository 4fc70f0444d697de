"""The store contract, written once and run on every backend (the ``store`` fixture is parameterised)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pyarrow as pa
import pytest

from graph.errors import EndpointError, InvalidIdError, InvalidValueError, MissingKeyError, UnknownLabelError
from graph.ids import edge_id, format_id, node_id
from graph.store import Edge, GraphStore, Node
from tests.graph.graph_fixture import ANNA, BOOKING, BORIS, CARD, CASE, CHEN, DANA, DOC, PERSONS, PHONE, load_fixture

ALL_IDS = [ANNA, BORIS, CHEN, DANA, PHONE, CARD, BOOKING, DOC, CASE]


def snapshot(store: GraphStore) -> tuple[object, ...]:
    sub = store.subgraph(ALL_IDS)
    return store.stats().to_dict(), [n.to_dict() for n in sub.nodes], [e.to_dict() for e in sub.edges]


# ------------------------------------------------------------------ idempotence and merging
def test_upserting_the_same_rows_twice_changes_nothing(store: GraphStore) -> None:
    load_fixture(store)
    before = snapshot(store)
    load_fixture(store)
    assert snapshot(store) == before


def test_second_upsert_reports_no_inserts_and_no_updates(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        result = w.upsert_nodes("Person", PERSONS)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (4, 0, 0, 4)


def test_a_repeated_sighting_widens_the_time_span_and_unites_sources(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        w.upsert_nodes(
            "Person",
            pd.DataFrame(
                {
                    "person_key": ["P-ANNA"],
                    "first_seen": ["2020-05-05"],
                    "last_seen": ["2025-05-05"],
                    "sources": [["pnr.edi:7", "a:1"]],
                }
            ),
        )
    anna = store.get(ANNA)
    assert isinstance(anna, Node)
    assert anna.first_seen == datetime(2020, 5, 5)
    assert anna.last_seen == datetime(2025, 5, 5)
    assert anna.sources == ("a:1", "crossings.csv:2", "pnr.edi:7")
    assert anna.props["surname"] == "MÜLLER"  # a row without the property does not erase it


def test_the_latest_non_null_property_wins(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P-ANNA", "P-ANNA"], "nationality": ["AUT", None]}))
    anna = store.get(ANNA)
    assert isinstance(anna, Node) and anna.props["nationality"] == "AUT"


def test_duplicates_within_one_batch_become_one_item(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        result = w.upsert_edges(
            "USES",
            pd.DataFrame(
                {
                    "src": [DANA, DANA],
                    "dst": [PHONE, PHONE],
                    "first_seen": ["2024-01-01", "2024-03-01"],
                    "sources": ["x:1", "x:2"],
                }
            ),
        )
    assert (result.rows, result.distinct, result.inserted) == (2, 1, 1)
    edge = store.get(edge_id("USES", DANA, PHONE))
    assert isinstance(edge, Edge)
    assert (edge.first_seen, edge.last_seen, edge.sources) == (
        datetime(2024, 1, 1),
        datetime(2024, 3, 1),
        ("x:1", "x:2"),
    )


def test_a_symmetric_edge_is_one_edge_whichever_way_it_is_written(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [ANNA], "dst": [BORIS], "count": [2]}))
        w.upsert_edges("CO_TRAVELLED", pd.DataFrame({"src": [BORIS], "dst": [ANNA], "count": [3]}))
    assert store.stats().edges["CO_TRAVELLED"] == 1
    first, second = sorted([ANNA, BORIS])
    edge = store.get(edge_id("CO_TRAVELLED", first, second))
    assert isinstance(edge, Edge) and edge.props["count"] == 3


def test_an_edge_key_tells_apart_two_edges_between_the_same_nodes(store: GraphStore) -> None:
    load_fixture(store)
    with store.writer() as w:
        w.upsert_edges("INVOLVED_IN", pd.DataFrame({"src": [CHEN], "dst": [CASE], "role": ["SUSPECT"]}))
    assert store.stats().edges["INVOLVED_IN"] == 2


# ------------------------------------------------------------------ reads
def test_get_returns_nodes_and_edges_by_id(store: GraphStore) -> None:
    load_fixture(store)
    dana = store.get(DANA)
    assert isinstance(dana, Node) and dana.label == "Person" and dana.props["surname"] == "O'BRIEN"
    holds = store.get(edge_id("HOLDS", DANA, DOC))
    assert isinstance(holds, Edge) and (holds.src, holds.dst) == (DANA, DOC)
    assert store.get(node_id("Person", "nobody")) is None
    with pytest.raises(InvalidIdError):
        store.get("Person:not-an-id")


def test_find_by_key_by_property_and_by_text(store: GraphStore) -> None:
    load_fixture(store)
    assert [n.id for n in store.find("Document", key={"issuer": "GBR", "number": "123456789"})] == [DOC]
    assert [n.id for n in store.find("Person", props={"nationality": "RUS"})] == [BORIS]
    assert [n.id for n in store.find("Person", text="muller anna")] == [ANNA]
    assert [n.id for n in store.find(text="张伟")] == [CHEN]
    assert [n.id for n in store.find("Person", text="борис")] == [BORIS]
    assert store.find("Person", text="o'brien")[0].id == DANA
    assert store.find("Person", text="nobody") == []
    assert len(store.find("Person", limit=2)) == 2


def test_neighbours_honours_depth(store: GraphStore) -> None:
    load_fixture(store)
    assert store.neighbours(ANNA, depth=1).hops == {ANNA: 0, PHONE: 1}
    assert store.neighbours(ANNA, depth=2).hops == {ANNA: 0, PHONE: 1, BORIS: 2}
    assert store.neighbours(ANNA, depth=3).hops == {ANNA: 0, PHONE: 1, BORIS: 2, BOOKING: 3}
    hood = store.neighbours(BORIS, depth=3)
    assert set(hood.hops) == {BORIS, PHONE, BOOKING, ANNA, DANA, CARD, DOC, CHEN}
    assert hood.node_ids() == set(hood.hops)
    assert not hood.truncated


def test_neighbours_returns_the_edges_that_reached_each_node(store: GraphStore) -> None:
    load_fixture(store)
    hood = store.neighbours(BORIS, depth=1)
    assert {(e.type, e.src, e.dst) for e in hood.edges} == {("USES", BORIS, PHONE), ("BOOKED", BORIS, BOOKING)}
    assert {n.id: n.props.get("number") for n in hood.nodes}[PHONE] == "+441632960001"


def test_neighbours_honours_edge_types(store: GraphStore) -> None:
    load_fixture(store)
    assert set(store.neighbours(BORIS, depth=2, edge_types=["USES"]).hops) == {BORIS, PHONE, ANNA}
    assert set(store.neighbours(BORIS, depth=3, edge_types=["BOOKED", "HOLDS"]).hops) == {BORIS, BOOKING, DANA, DOC}


def test_neighbours_honours_the_time_window(store: GraphStore) -> None:
    load_fixture(store)
    assert set(store.neighbours(BORIS, depth=2, since="2024-06-01").hops) == {BORIS, PHONE}
    assert set(store.neighbours(BORIS, depth=2, until="2024-05-31").hops) == {BORIS, BOOKING, DANA, CARD}
    window = store.neighbours(ANNA, depth=2, since="2024-01-15", until="2024-01-16")
    assert set(window.hops) == {ANNA, PHONE}  # the USES span 01-10..01-20 meets the window


def test_neighbours_honours_the_limit_nearest_first(store: GraphStore) -> None:
    load_fixture(store)
    hood = store.neighbours(BORIS, depth=3, limit=2)
    assert set(hood.hops) == {BORIS, PHONE, BOOKING}
    assert hood.truncated
    hood = store.neighbours(BORIS, depth=3, limit=3)
    assert len(hood.hops) == 4 and sorted(hood.hops.values()) == [0, 1, 1, 2] and hood.truncated


def test_neighbours_of_a_missing_node_is_empty(store: GraphStore) -> None:
    load_fixture(store)
    hood = store.neighbours(node_id("Person", "nobody"))
    assert hood.nodes == [] and hood.edges == []


def test_neighbours_rejects_a_depth_outside_one_to_three(store: GraphStore) -> None:
    with pytest.raises(InvalidValueError):
        store.neighbours(ANNA, depth=4)


def test_subgraph_holds_the_nodes_and_every_edge_among_them(store: GraphStore) -> None:
    load_fixture(store)
    sub = store.subgraph([BORIS, PHONE, BOOKING, DANA, node_id("Person", "nobody")])
    assert sub.node_ids() == {BORIS, PHONE, BOOKING, DANA}
    assert {(e.type, e.src, e.dst) for e in sub.edges} == {
        ("USES", BORIS, PHONE),
        ("BOOKED", BORIS, BOOKING),
        ("BOOKED", DANA, BOOKING),
    }


def test_edge_list_agrees_with_what_was_written(store: GraphStore) -> None:
    load_fixture(store)
    table = store.edge_list().to_pylist()
    got = {(r["type"], format_id(r["src_label"], r["src"]), format_id(r["dst_label"], r["dst"])) for r in table}
    assert got == {
        ("USES", ANNA, PHONE),
        ("USES", BORIS, PHONE),
        ("USES", CHEN, CARD),
        ("BOOKED", BORIS, BOOKING),
        ("BOOKED", DANA, BOOKING),
        ("PAID_BY", BOOKING, CARD),
        ("HOLDS", DANA, DOC),
        ("INVOLVED_IN", CHEN, CASE),
    }
    assert {format_id(r["type"], r["eid"]) for r in table} == {e.id for e in store.subgraph(ALL_IDS).edges}
    assert store.edge_list(["HOLDS"]).num_rows == 1
    nodes = store.node_table(["Person"])
    assert sorted(format_id("Person", n) for n in nodes.column("nid").to_pylist()) == sorted([ANNA, BORIS, CHEN, DANA])


def test_edge_list_returns_only_the_columns_asked_for(store: GraphStore) -> None:
    load_fixture(store)
    whole = store.edge_list(["USES"])
    narrow = store.edge_list(["USES"], columns=["type", "dst", "src"])
    assert narrow.column_names == ["src", "dst", "type"]
    assert sorted(narrow.to_pylist(), key=repr) == sorted(whole.select(["src", "dst", "type"]).to_pylist(), key=repr)


def test_edge_list_names_an_unknown_column(store: GraphStore) -> None:
    with pytest.raises(InvalidValueError, match="columns"):
        store.edge_list(columns=["src", "props"])


def test_stats_count_per_label_and_type(store: GraphStore) -> None:
    load_fixture(store)
    stats = store.stats().to_dict()
    assert stats["nodes"]["Person"] == 4 and stats["total_nodes"] == 9
    assert stats["edges"]["USES"] == 3 and stats["total_edges"] == 8


def test_text_that_looks_like_code_round_trips_unchanged(store: GraphStore) -> None:
    nasty = ["O'Brien", "`", '"}) DETACH DELETE n //', "$x", "'; DROP TABLE nodes; --", "x" * 10_000]
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": nasty, "surname": nasty}))
    for value in nasty:
        (found,) = store.find("Person", key=[value])
        assert found.props["surname"] == value
        assert [n.id for n in store.find("Person", props={"surname": value})] == [found.id]
    assert store.stats().to_dict()["total_nodes"] == len(nasty)


# ------------------------------------------------------------------ bad input
def _assert_untouched(store: GraphStore, before: tuple[object, ...]) -> None:
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("label", "rows", "error", "field", "record"),
    [
        ("Passenger", pd.DataFrame({"x": ["1"]}), UnknownLabelError, "label", None),
        ("Person", pd.DataFrame({"surname": ["X"]}), MissingKeyError, "person_key", None),
        ("Person", pd.DataFrame({"person_key": ["a", None, "c"]}), MissingKeyError, "person_key", "row 1"),
        (
            "Person",
            pd.DataFrame({"person_key": ["a", "b"], "first_seen": ["2024-01-01", "yesterday"]}),
            InvalidValueError,
            "first_seen",
            "row 1",
        ),
        ("Person", pd.DataFrame({"person_key": ["a"], "bad name": ["x"]}), InvalidValueError, "bad name", None),
        (
            "Person",
            pd.DataFrame({"person_key": ["a"], "first_seen": ["2024-02-01"], "last_seen": ["2024-01-01"]}),
            InvalidValueError,
            "last_seen",
            "row 0",
        ),
        ("Person", pd.DataFrame({"person_key": [1.5]}), InvalidValueError, "person_key", None),
    ],
)
def test_bad_nodes_raise_a_named_error_and_write_nothing(
    store: GraphStore, label: str, rows: pd.DataFrame, error: type[Exception], field: str, record: str | None
) -> None:
    load_fixture(store)
    before = snapshot(store)
    with pytest.raises(error) as info, store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["NEW-ONE"]}))  # good rows beside it
        w.upsert_nodes(label, rows)
    assert getattr(info.value, "field", None) == field
    assert getattr(info.value, "record", None) == record
    _assert_untouched(store, before)


@pytest.mark.parametrize(
    ("edge_type", "rows", "error", "field", "record"),
    [
        ("KNOWS", {"src": [ANNA], "dst": [BORIS]}, UnknownLabelError, "type", None),
        ("USES", {"src": [ANNA]}, MissingKeyError, "dst", None),
        ("USES", {"src": [ANNA, DOC], "dst": [PHONE, PHONE]}, EndpointError, "src", "row 1"),
        ("USES", {"src": [ANNA, ANNA], "dst": [PHONE, CASE]}, EndpointError, "dst", "row 1"),
        ("USES", {"src": [ANNA, "Person:zz"], "dst": [PHONE, PHONE]}, InvalidIdError, "src", "row 1"),
        ("USES", {"src": [ANNA, node_id("Person", "ghost")], "dst": [PHONE, PHONE]}, EndpointError, "src", "row 1"),
        ("INVOLVED_IN", {"src": [ANNA], "dst": [CASE]}, MissingKeyError, "role", None),
        ("INVOLVED_IN", {"src": [ANNA], "dst": [CASE], "role": [None]}, MissingKeyError, "role", "row 0"),
    ],
)
def test_bad_edges_raise_a_named_error_and_write_nothing(
    store: GraphStore,
    edge_type: str,
    rows: dict[str, list[object]],
    error: type[Exception],
    field: str,
    record: str | None,
) -> None:
    load_fixture(store)
    before = snapshot(store)
    with pytest.raises(error) as info, store.writer() as w:
        w.upsert_edges("USES", pd.DataFrame({"src": [DANA], "dst": [PHONE]}))  # good rows beside it
        w.upsert_edges(edge_type, pd.DataFrame(rows))
    assert getattr(info.value, "field", None) == field
    assert getattr(info.value, "record", None) == record
    _assert_untouched(store, before)


def test_an_error_message_names_the_row_field_and_value(store: GraphStore) -> None:
    load_fixture(store)
    with pytest.raises(EndpointError) as info, store.writer() as w:
        w.upsert_edges("USES", pd.DataFrame({"src": [ANNA, DOC], "dst": [PHONE, PHONE]}))
    text = str(info.value)
    assert "row 1" in text and "field src" in text and DOC in text and "Person" in text


def test_a_writer_whose_transaction_dies_leaves_nothing_and_a_retry_writes_once(store: GraphStore) -> None:
    """A batch interrupted before its commit (here by an error, as a dropped connection would) leaves no
    partial data; writing it again gives exactly one copy."""
    people = pd.DataFrame({"person_key": [f"P{i}" for i in range(500)]})
    uses = pd.DataFrame({"src": [node_id("Person", f"P{i}") for i in range(500)], "dst": node_id("Phone", "+1")})

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), store.writer() as w:
        w.upsert_nodes("Person", people)
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
        w.upsert_edges("USES", uses)
        raise Interrupted
    assert store.stats().to_dict()["total_nodes"] == 0
    for _ in range(2):
        with store.writer() as w:
            w.upsert_nodes("Person", people)
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
            w.upsert_edges("USES", uses)
    assert store.stats().to_dict() == {
        "nodes": {"Person": 500, "Phone": 1},
        "edges": {"USES": 500},
        "total_nodes": 501,
        "total_edges": 500,
    }


# ------------------------------------------------------------------ exports
def test_export_keeps_a_property_that_only_later_nodes_have(store: GraphStore) -> None:
    with store.writer() as w:
        w.upsert_nodes("Port", pd.DataFrame({"code": ["AAA"]}))
        w.upsert_nodes("Port", pd.DataFrame({"code": ["BBB"], "name": ["Later Port"]}))
    table = pa_concat(store.export_nodes("Port"))
    names = dict(zip(table.column("code").to_pylist(), table.column("name").to_pylist(), strict=True))
    assert names == {"AAA": None, "BBB": "Later Port"}


def pa_concat(batches: object) -> pa.Table:
    return pa.concat_tables(list(batches), promote_options="default")  # type: ignore[call-overload]
