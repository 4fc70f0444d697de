"""A batch run's view of the store keeps whole exports between writes, and never serves one older than
the store (a real in-memory DuckDB store)."""

from __future__ import annotations

import pandas as pd

from analytics.runs.kept_exports import KeptExports
from graph.store import open_store


def _codes(view: KeptExports) -> list[str]:
    return sorted(c for t in view.export_nodes("Port") for c in t.column("code").to_pylist())


def test_an_export_read_twice_without_a_write_is_read_once() -> None:
    with open_store(":memory:") as st:
        with st.writer() as w:
            w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG"]}))
        view = KeptExports(st)
        first = list(view.export_nodes("Port"))
        again = list(view.export_nodes("Port"))
        assert [a is b for a, b in zip(first, again, strict=True)] == [True]


def test_a_write_to_the_label_is_seen_by_the_next_export() -> None:
    with open_store(":memory:") as st:
        view = KeptExports(st)
        with view.writer() as w:
            w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG"]}))
        assert _codes(view) == ["HKG"]
        with view.writer() as w:
            w.upsert_nodes("Port", pd.DataFrame({"code": ["LHR"]}))
            assert _codes(view) in (["HKG"], ["HKG", "LHR"])  # inside the block: whatever the store says
        assert _codes(view) == ["HKG", "LHR"]


def test_an_export_left_half_read_is_not_kept() -> None:
    with open_store(":memory:") as st:
        with st.writer() as w:
            w.upsert_nodes("Port", pd.DataFrame({"code": [f"P{i:02d}" for i in range(30)]}))
        view = KeptExports(st)
        next(iter(view.export_nodes("Port", batch=10)))
        assert sum(t.num_rows for t in view.export_nodes("Port", batch=10)) == 30


def test_other_reads_are_the_stores_own() -> None:
    with open_store(":memory:") as st:
        with st.writer() as w:
            w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG"], "name": ["Hong Kong"]}))
        view = KeptExports(st)
        assert view.stats() == st.stats()
        assert [n.id for n in view.find("Port", text="hong")] == [n.id for n in st.find("Port", text="hong")]
        assert view.edge_list().num_rows == 0 and view.node_table().num_rows == 1
