"""The store as one batch run sees it: every read is the store's own, except that a label's or an edge
type's whole export (``export_nodes`` / ``export_edges``) is read once and kept until something is written
to that label or type. A run's stages each read the Person label whole (the announced travellers'
identities, the screening candidates, the people whose risk is written), which on a 1,000,000-person
graph is several seconds of DuckDB work every time; with this view it is read once per version.

A write through ``writer()`` forgets what it touches as soon as it is asked for (and again when the block
ends), and nothing is kept while a writer is open, so no read can see an export older than the store.

>>> from graph.store import open_store
>>> import pandas as pd
>>> with open_store(":memory:") as st:
...     with st.writer() as w:
...         _ = w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG"]}))
...     run = KeptExports(st)
...     first = [t.num_rows for t in run.export_nodes("Port")]
...     with run.writer() as w:
...         _ = w.upsert_nodes("Port", pd.DataFrame({"code": ["LHR"]}))
...     first, [t.num_rows for t in run.export_nodes("Port")]
([1], [2])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from graph.store import Edge, GraphStore, Node
from graph.store.base import BulkWriter, Rows, TimeBound
from graph.store.model import Neighbourhood, StoreStats, Subgraph, WriteResult


class _Forgetting:
    """A writer that makes the run's view forget each label or type it writes."""

    def __init__(self, view: KeptExports, writer: BulkWriter) -> None:
        self._view, self._writer = view, writer

    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        self._view.forget("nodes", label)
        return self._writer.upsert_nodes(label, rows)

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        self._view.forget("edges", edge_type)
        return self._writer.upsert_edges(edge_type, rows)


class KeptExports(GraphStore):
    """``store`` with its whole-label and whole-type exports kept between writes (see the module doc)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.schema = store.schema
        self._kept: dict[tuple[str, str, int], list[pa.Table]] = {}
        self._writing = 0

    def forget(self, kind: str, name: str) -> None:
        """Drop what is kept of the label (``kind == "nodes"``) or edge type ``name``."""
        for key in [k for k in self._kept if k[:2] == (kind, name)]:
            del self._kept[key]

    @contextmanager
    def writer(self, *, bulk: bool | None = None) -> Iterator[BulkWriter]:
        self._writing += 1
        written: list[tuple[str, str]] = []
        try:
            with self.store.writer(bulk=bulk) as w:
                yield _Forgetting(self, _Noting(w, written))
        finally:
            self._writing -= 1
            for kind, name in written:
                self.forget(kind, name)

    def _kept_or_read(self, kind: str, name: str, batch: int, read: Iterator[pa.Table]) -> Iterator[pa.Table]:
        key = (kind, name, batch)
        if key in self._kept:
            yield from self._kept[key]
            return
        got: list[pa.Table] = []
        for table in read:
            got.append(table)
            yield table
        if not self._writing:  # read to the end, with no write open: keep it
            self._kept[key] = got

    def export_nodes(self, label: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        return self._kept_or_read("nodes", label, batch, self.store.export_nodes(label, batch=batch))

    def export_edges(self, edge_type: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        return self._kept_or_read("edges", edge_type, batch, self.store.export_edges(edge_type, batch=batch))

    # ------------------------------------------------ everything else is the store's own
    def get(self, item_id: str) -> Node | Edge | None:
        return self.store.get(item_id)

    def _find(self, label: str | None, props: Mapping[str, Any], text: str, limit: int) -> list[Node]:
        return self.store.find(label, props=dict(props) or None, text=text or None, limit=limit)

    def neighbours(self, node_id: str, *, depth: int = 1, edge_types: Sequence[str] | None = None,
                   since: TimeBound = None, until: TimeBound = None, limit: int = 100) -> Neighbourhood:
        return self.store.neighbours(node_id, depth=depth, edge_types=edge_types, since=since, until=until,
                                     limit=limit)

    def subgraph(self, node_ids: Sequence[str]) -> Subgraph:
        return self.store.subgraph(node_ids)

    def edge_list(self, edge_types: Sequence[str] | None = None, *, columns: Sequence[str] | None = None) -> pa.Table:
        return self.store.edge_list(edge_types, columns=columns)

    def node_table(self, labels: Sequence[str] | None = None) -> pa.Table:
        return self.store.node_table(labels)

    def stats(self) -> StoreStats:
        return self.store.stats()

    def close(self) -> None:
        """The run does not own the store: only what is kept is let go."""
        self._kept.clear()


class _Noting:
    """A writer that notes what it wrote (forgotten again when the writer's block ends)."""

    def __init__(self, writer: BulkWriter, written: list[tuple[str, str]]) -> None:
        self._writer, self._written = writer, written

    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        self._written.append(("nodes", label))
        return self._writer.upsert_nodes(label, rows)

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        self._written.append(("edges", edge_type))
        return self._writer.upsert_edges(edge_type, rows)
