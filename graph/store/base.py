"""The store contract: what every graph store (embedded DuckDB, Neo4j server) offers.

Writers are bulk and idempotent: upserting the same rows twice changes nothing, and repeated sightings
merge (``first_seen`` is the earliest, ``last_seen`` the latest, ``sources`` the union, properties the
latest non-null value). A bad batch raises a named ``InvalidInputError`` that says which row and field,
and writes nothing of its writer's transaction. Reads answer with the dataclasses of ``graph.store.model``;
whole-graph analytics take ``edge_list()`` (Arrow) rather than walking the store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, TypeAlias

import pandas as pd
import pyarrow as pa

from graph.errors import InvalidValueError
from graph.ids import node_id
from graph.schema import Schema
from graph.store.model import Edge, Neighbourhood, Node, StoreStats, Subgraph, WriteResult

Rows: TypeAlias = "pd.DataFrame | pa.Table"
TimeBound: TypeAlias = str | date | datetime | None

MAX_DEPTH = 3

#: The columns ``edge_list`` can return, in the order it returns them.
EDGE_COLUMNS = ("src", "dst", "src_label", "dst_label", "type", "eid", "first_seen", "last_seen")


class BulkWriter(Protocol):
    """Bulk upserts inside one transaction (see ``GraphStore.writer``)."""

    def upsert_nodes(self, label: str, rows: Rows) -> WriteResult:
        """Upsert nodes of ``label``: one row each, the key properties as columns, other columns as
        properties, and optionally ``first_seen``, ``last_seen``, ``sources`` (text or list of text),
        ``confidence`` and ``method``."""
        ...

    def upsert_edges(self, edge_type: str, rows: Rows) -> WriteResult:
        """Upsert edges of ``edge_type``: ``src`` and ``dst`` node ids (which must exist), the type's key
        property when it declares one, other columns as properties, and the provenance columns."""
        ...


class GraphStore(ABC):
    """One property graph, behind one contract. Use as a context manager, or call ``close``."""

    schema: Schema

    @abstractmethod
    def writer(self, *, bulk: bool | None = None) -> AbstractContextManager[BulkWriter]:
        """A bulk writer; everything written inside the ``with`` block commits together or not at all.

        ``bulk`` tells the store that much will be written (a first load, a sync), so it may trade
        index upkeep for one rebuild at the end; by default the store decides."""

    @abstractmethod
    def get(self, item_id: str) -> Node | Edge | None:
        """The node or edge with this id, or None."""

    def find(
        self,
        label: str | None = None,
        *,
        key: Mapping[str, Any] | Sequence[Any] | None = None,
        props: Mapping[str, Any] | None = None,
        text: str | None = None,
        limit: int = 100,
    ) -> list[Node]:
        """Nodes by key (needs ``label``), by property equality, or by normalised text (every word of
        ``text`` must occur in the label's text properties, ignoring case, accents and spacing)."""
        if label is not None:
            self.schema.node(label)
        if key is not None:
            found = self.get(self._key_id(label, key))
            return [found] if isinstance(found, Node) else []
        return self._find(label, props or {}, text or "", limit)

    @abstractmethod
    def _find(self, label: str | None, props: Mapping[str, Any], text: str, limit: int) -> list[Node]:
        """``find`` by property equality and text, the label already checked."""

    @abstractmethod
    def neighbours(
        self,
        node_id: str,
        *,
        depth: int = 1,
        edge_types: Sequence[str] | None = None,
        since: TimeBound = None,
        until: TimeBound = None,
        limit: int = 100,
    ) -> Neighbourhood:
        """Nodes within ``depth`` hops (1 to 3) of ``node_id`` over edges of ``edge_types`` whose time span
        meets the window [since, until], nearest and most recent first, at most ``limit`` of them (besides
        the node itself), with the edges that reached them."""

    @abstractmethod
    def subgraph(self, node_ids: Sequence[str]) -> Subgraph:
        """These nodes (those that exist) and every edge among them."""

    @abstractmethod
    def edge_list(self, edge_types: Sequence[str] | None = None, *, columns: Sequence[str] | None = None) -> pa.Table:
        """Every edge (of these types) as an Arrow table for analytics: ``src``, ``dst`` (63-bit node
        numbers), ``src_label``, ``dst_label``, ``type``, ``eid``, ``first_seen``, ``last_seen``; only
        ``columns`` of these when given (a whole-graph read need not carry text it does not use)."""

    @abstractmethod
    def node_table(self, labels: Sequence[str] | None = None) -> pa.Table:
        """Every node (of these labels) as an Arrow table: ``nid``, ``label``, ``first_seen``, ``last_seen``."""

    @abstractmethod
    def export_nodes(self, label: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every node of ``label`` in batches shaped for ``upsert_nodes`` (key columns, properties,
        provenance), so another store can take them as they are (``graph.sync``)."""

    @abstractmethod
    def export_edges(self, edge_type: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every edge of ``edge_type`` in batches shaped for ``upsert_edges`` (``src``, ``dst``, properties,
        provenance)."""

    @abstractmethod
    def stats(self) -> StoreStats:
        """Counts of nodes per label and edges per type."""

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    # ------------------------------------------------ argument checks both stores share
    def _key_id(self, label: str | None, key: Mapping[str, Any] | Sequence[Any]) -> str:
        """The id a find-by-key names (the label is required, the key in the schema's order or by name)."""
        if label is None:
            raise InvalidValueError("find by key needs a label", field="label")
        ntype = self.schema.node(label)
        values = [key[k] for k in ntype.key] if isinstance(key, Mapping) else list(key)
        return node_id(label, *values)

    def _walk_params(
        self, depth: int, limit: int, edge_types: Sequence[str] | None, since: TimeBound, until: TimeBound
    ) -> dict[str, Any]:
        """Checked ``neighbours`` arguments: the filters that apply (types, since, until), None ones left out."""
        if not 1 <= depth <= MAX_DEPTH:
            raise InvalidValueError(f"depth must be 1 to {MAX_DEPTH}", field="depth", value=depth)
        if limit < 1:
            raise InvalidValueError("limit must be at least 1", field="limit", value=limit)
        for t in edge_types or ():
            self.schema.edge(t)
        params = {
            "types": list(edge_types) if edge_types else None,
            "since": as_time(since, "since"),
            "until": as_time(until, "until"),
        }
        return {k: v for k, v in params.items() if v is not None}

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def as_time(value: TimeBound, field: str) -> datetime | None:
    """A time bound as a naive UTC datetime (dates at midnight); ``InvalidValueError`` if it is not one."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValueError("not an ISO date or time", field=field, value=value) from None


def edge_columns(columns: Sequence[str] | None) -> list[str]:
    """The ``edge_list`` columns asked for, in their store order; ``InvalidValueError`` names an unknown one.

    >>> edge_columns(["dst", "src"])
    ['src', 'dst']
    """
    if columns is None:
        return list(EDGE_COLUMNS)
    unknown = [c for c in columns if c not in EDGE_COLUMNS]
    if unknown or not columns:
        raise InvalidValueError(f"edge_list columns must be among {', '.join(EDGE_COLUMNS)}", field="columns",
                                value=unknown[0] if unknown else "")
    return [c for c in EDGE_COLUMNS if c in columns]


def export_table(records: list[dict[str, Any]]) -> pa.Table:
    """Exported rows as Arrow, types inferred per column (integers stay integers where values are missing).

    Every property any row has becomes a column (``None`` where a row lacks it), not only the first row's:

    >>> export_table([{"a": 1}, {"a": 2, "b": "x"}]).column_names
    ['a', 'b']
    """
    names = list(dict.fromkeys(k for r in records for k in r))
    return pa.Table.from_pydict({k: [r.get(k) for r in records] for k in names})
