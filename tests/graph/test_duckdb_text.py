"""The text index's layout: grams and labels as numbers, label order of candidates, and stores whose index
has an older layout."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from graph.store import duckdb_text, open_store
from graph.store.duckdb_store import DuckDBStore


def _load(store: object) -> None:
    with store.writer() as w:  # type: ignore[attr-defined]
        w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P1", "P2"], "surname": ["IVANOVA", "Ивановa"]}))
        w.upsert_nodes("Document", pd.DataFrame({"issuer": ["XXA"], "number": ["IVANO7"]}))
        w.upsert_nodes("Email", pd.DataFrame({"address": ["ivan@example.org"]}))


def test_candidates_of_several_labels_come_in_label_then_number_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        _load(store)
        with store.writer() as w:  # a later write adds a label the index has no number for yet
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+44IVAN"]}))
        found = [n.label for n in store.find(None, text="iva")]
        assert found == sorted(found) and set(found) == {"Document", "Email", "Person", "Phone"}
        assert [n.label for n in store.find("Email", text="iv")] == ["Email"]
        assert [n.props["surname"] for n in store.find("Person", text="иван")] == ["Ивановa"]


def test_a_store_whose_text_index_has_the_older_layout_scans_and_is_rebuilt_at_its_next_write(tmp_path: Path) -> None:
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        _load(store)
    con = duckdb.connect(str(path))  # the layout before grams were numbers
    con.execute("DROP TABLE node_grams")
    con.execute("DROP TABLE gram_counts")
    con.execute("DROP TABLE gram_labels")
    con.execute("CREATE TABLE node_grams (gram VARCHAR NOT NULL, label VARCHAR NOT NULL, nid BIGINT NOT NULL)")
    con.execute("CREATE TABLE gram_counts (gram VARCHAR, n BIGINT)")
    con.execute("UPDATE meta SET value = 'trigram-2' WHERE key = 'text_index'")
    con.close()
    with open_store(path, read_only=True) as store:
        assert not duckdb_text.is_complete(store._con)
        assert len(store.find(None, text="ivan")) == 3
    with open_store(path) as store:
        with store.writer() as w:  # a write of edges only is enough
            w.upsert_edges(
                "HOLDS",
                pd.DataFrame(
                    {
                        "src": [store.find("Person", text="ivanova")[0].id],
                        "dst": [store.find("Document", text="ivano7")[0].id],
                    }
                ),
            )
        assert duckdb_text.is_complete(store._con)
        assert store._con.execute("SELECT typeof(gram) FROM node_grams LIMIT 1").fetchall() == [("BIGINT",)]
        assert len(store.find(None, text="ivan")) == 3


def _indexed_labels(store: DuckDBStore) -> set[str]:
    """The labels that have grams in the store's text index."""
    rows = store._con.execute("SELECT DISTINCT l.label FROM node_grams g JOIN gram_labels l USING (code)")
    return {r[0] for r in rows.fetchall()}


def test_record_references_are_left_out_of_the_index_and_found_by_a_scan_of_their_label(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        _load(store)
        with store.writer() as w:
            w.upsert_nodes("SourceRecord", pd.DataFrame({"ref": ["crossings.csv:2", "ivan.edi#msg1/seg4"]}))
        assert "SourceRecord" not in _indexed_labels(store)
        assert [n.props["ref"] for n in store.find("SourceRecord", text="csv:2")] == ["crossings.csv:2"]
        by_key = store.find("SourceRecord", key=["ivan.edi#msg1/seg4"])
        assert [n.props["ref"] for n in by_key] == ["ivan.edi#msg1/seg4"]
        assert len(store.find(None, text="ivan")) == 3  # names and identifiers as before


def test_crossings_are_left_out_of_the_index_and_found_whole_by_every_label_search(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        _load(store)
        with store.writer() as w:
            w.upsert_nodes("Crossing", pd.DataFrame({"crossing_id": ["X000000017", "X000000018"]}))
        assert "Crossing" not in _indexed_labels(store)
        assert [n.props["crossing_id"] for n in store.find(None, text="X000000017")] == ["X000000017"]
        assert [n.props["crossing_id"] for n in store.find(None, text="x000000018")] == ["X000000018"]
        part = store.find("Crossing", text="00001")  # a part of an id: a search of the label scans it
        assert sorted(n.props["crossing_id"] for n in part) == ["X000000017", "X000000018"]
        assert [n.label for n in store.find(None, text="ivano")] == ["Document", "Person"]


def _grams(path: Path) -> list[tuple[int, str, int]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        sql = "SELECT g.gram, l.label, g.nid FROM node_grams g JOIN gram_labels l USING (code) ORDER BY ALL"
        return [(int(a), str(b), int(c)) for a, b, c in con.execute(sql).fetchall()]
    finally:
        con.close()


def _counts(path: Path) -> list[tuple[int, int]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [(int(a), int(b)) for a, b in con.execute("SELECT * FROM gram_counts ORDER BY ALL").fetchall()]
    finally:
        con.close()


def test_an_index_built_during_a_first_load_and_completed_at_its_end_is_the_one_built_at_its_end(
    tmp_path: Path,
) -> None:
    people = pd.DataFrame({"person_key": ["P1", "P2"], "surname": ["IVANOVA", "Ивановa"]})
    docs = pd.DataFrame({"issuer": ["XXA"], "number": ["IVANO7"]})
    with open_store(tmp_path / "a.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Document", docs)
            w.index_text()  # type: ignore[attr-defined]
            w.upsert_nodes("Person", people)
        assert [n.props["surname"] for n in store.find("Person", text="иван")] == ["Ивановa"]
        assert [n.label for n in store.find(None, text="ivano")] == ["Document", "Person"]
    with open_store(tmp_path / "b.duckdb") as store, store.writer() as w:
        w.upsert_nodes("Document", docs)
        w.upsert_nodes("Person", people)
    assert _grams(tmp_path / "a.duckdb") == _grams(tmp_path / "b.duckdb")
    assert _counts(tmp_path / "a.duckdb") == _counts(tmp_path / "b.duckdb")


def test_a_node_changed_after_the_index_was_built_during_the_block_is_indexed_by_its_new_text(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.duckdb") as store:
        with store.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P1"], "surname": ["IVANOVA"]}))
            w.index_text()  # type: ignore[attr-defined]
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["P1"], "surname": ["PETROVA"]}))
        assert [n.props["surname"] for n in store.find("Person", text="petro")] == ["PETROVA"]
        assert store.find("Person", text="ivano") == []
