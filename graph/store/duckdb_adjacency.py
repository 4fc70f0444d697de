"""An in-memory adjacency index over the DuckDB store's edges, so a ``neighbours`` hop is an array slice.

Asking DuckDB for a hop costs a statement, and a statement costs about a millisecond however few rows it
reads (parse, bind, plan, scan set-up: measured on 1M nodes / 5M edges, a one-row lookup by an indexed
number 0.6 ms CPU, ``SELECT 1`` 0.2 ms, at load 12; prepared statements save little). This index keeps, for each node,
its links in both directions (neighbour, edge, direction), and for each edge its number, times and the rest
of its row (type, labels, properties, sources, confidence, method: text with few values as small codes,
other text in Arrow buffers). A hop is a slice, a mask for the filters and a sort of the few links that pass, in the
order of ``expand.by_recency``; the kept edges' rows come from the index too, so a walk asks DuckDB only
for the reached nodes, in one statement. Node rows stay in DuckDB: their properties are the bulk of a
store (a 100,000-person world: 315 MB of node properties against 65 MB of edge properties and sources).

It is built from one scan of the edges table on the first ``neighbours`` call and lives as long as the
store object, which drops it whenever it writes (``DuckDBStore.writer``). No other process can change the
file meanwhile: DuckDB locks the file for the whole life of a connection, exclusively for a read-write one,
so a writer elsewhere cannot open it while this store holds it, read-only or not (pinned by
``tests/graph/test_duckdb_adjacency.py``). Within one process DuckDB lets several connections share a file,
so every store's writer counts its writes per file (``bump``) and an index built before the latest count is
built again (``generation``): another store object writing the same file is seen too.

Size for 1M nodes / 5M edges (``bench.bench_neighbours``): 355 MB, of which 114 MB are the edges' sources;
per link 9 bytes (two links per edge), per edge 27 bytes besides the text. Built in about 6-7 CPU s; the
build peaks at about 1.7 GB more (the scan's Arrow table and the sort's temporaries).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.store.expand import EID, NBR, Row

EDGE_COLS = "eid, type, src, dst, src_label, dst_label, props, first_seen, last_seen, sources, confidence, method"

_NULL_LAST = np.iinfo(np.int64).min  # an unknown last-seen sorts after every known one (as ``by_recency``)
_NULL_FIRST = np.iinfo(np.int64).min  # an unknown first-seen passes any ``until`` (as the SQL filter)
#: The edge columns kept besides the numbers and times, in the order of an edge row (``duckdb_walk.EDGE_COLS``).
REST = ("type", "src_label", "dst_label", "props", "sources", "confidence", "method")
_EPOCH = datetime(1970, 1, 1)
_PAD = (None,) * (NBR - EID - 2)  # hop rows carry (eid, link position, ..., neighbour) where ``expand`` looks


class _Column:
    """One column of the edges' rows held for ``edge_rows``: text with few values as small codes into a list
    of names (NULL the last name), a column without values as nothing, others as one Arrow array (a take
    over many chunks costs a take per chunk). Numpy codes and a list are read faster than Arrow's take."""

    def __init__(self, column: pa.ChunkedArray, *, codes: bool = False) -> None:
        self.array: pa.Array | None = None  # kept for its buffers when it is text (see ``_text``)
        self.codes: np.ndarray | None = None
        self.text: tuple[np.ndarray, memoryview, np.ndarray | None] | None = None
        self.names: list[Any] = []
        if not codes and column.null_count == len(column):
            return
        if codes or (pa.types.is_string(column.type) and len(pc.unique(column)) <= 127):
            encoded = pc.dictionary_encode(column.combine_chunks())
            self.names = [*encoded.dictionary.to_pylist(), None]
            small = np.int8 if len(self.names) <= 127 else np.int32
            self.codes = encoded.indices.fill_null(len(self.names) - 1).to_numpy().astype(small)
        else:
            self.array = column.combine_chunks()
            if pa.types.is_string(self.array.type) or pa.types.is_large_string(self.array.type):
                self.text = _text(self.array)

    @property
    def nbytes(self) -> int:
        """Memory held, in bytes (the names aside: few)."""
        nulls = self.text[2] if self.text is not None else None
        held = self.codes if self.codes is not None else self.array
        return (held.nbytes if held is not None else 0) + (nulls.nbytes if nulls is not None else 0)

    def values(self, rows: np.ndarray) -> list[Any]:
        """The values of these rows, as Python values."""
        if self.codes is not None:
            names = self.names
            return [names[c] for c in self.codes[rows].tolist()]
        if self.text is not None:
            ends, data, nulls = self.text
            got = [str(data[a:b], "utf-8") for a, b in zip(ends[rows].tolist(), ends[rows + 1].tolist(), strict=True)]
            return got if nulls is None else [None if n else v for v, n in zip(got, nulls[rows].tolist(), strict=True)]
        if self.array is not None:
            got_list: list[Any] = self.array.take(rows).to_pylist()
            return got_list
        return [None] * len(rows)


def _text(array: pa.Array) -> tuple[np.ndarray, memoryview, np.ndarray | None]:
    """A text array's offsets, bytes and NULL marks as numpy views, sliced per row without Arrow's take."""
    _, offsets, data = array.buffers()
    kind = np.int64 if pa.types.is_large_string(array.type) else np.int32
    ends = np.frombuffer(offsets, dtype=kind)[array.offset : array.offset + len(array) + 1]
    nulls = array.is_null().to_numpy(zero_copy_only=False) if array.null_count else None
    return ends, memoryview(data) if data is not None else memoryview(b""), nulls


def _micros(column: pa.ChunkedArray, null: int) -> np.ndarray:
    """A TIMESTAMP column as int64 microseconds, NULL as ``null``."""
    micros: np.ndarray = column.cast(pa.int64()).fill_null(null).to_numpy()
    return micros


def _times(values: np.ndarray, null: int) -> list[datetime | None]:
    """Microseconds back to naive datetimes (as DuckDB returns TIMESTAMP values), ``null`` to None."""
    return [None if v == null else _EPOCH + timedelta(microseconds=v) for v in values.tolist()]


def micros(value: datetime) -> int:
    """A time bound as microseconds since 1970 (UTC; a naive time is UTC, as the store's session is)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    delta = value - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_WRITES: dict[str, int] = {}  # writes begun per store file in this process (see the module docstring)


def bump(key: str) -> None:
    """Count a write to the store ``key`` (its resolved path): indexes built before it are stale."""
    _WRITES[key] = _WRITES.get(key, 0) + 1


def generation(key: str) -> int:
    """How many writes to the store ``key`` this process has begun."""
    return _WRITES.get(key, 0)


class Adjacency:
    """Both-way links of every node as CSR arrays, and the edges' rows (see the module docstring). Node and
    edge positions are int32: up to 2**31 of each."""

    def __init__(self, edges: pa.Table, generation: int = 0) -> None:
        """Build from a table of the edges (``EDGE_COLS`` of ``duckdb_walk``) as of this ``generation``."""
        self.generation = generation
        src, dst = edges.column("src").to_numpy(), edges.column("dst").to_numpy()
        # the rest of an edge row: few-valued text as codes, other text as Arrow buffers (see ``_Column``)
        self.rest = {name: _Column(edges.column(name), codes=name == "type") for name in REST}
        self.type_names: list[str] = self.rest["type"].names[:-1]
        self.type_code: np.ndarray = self.rest["type"].codes  # type: ignore[assignment]
        self.eid = edges.column("eid").to_numpy()
        self.first = _micros(edges.column("first_seen"), _NULL_FIRST)
        self.last = _micros(edges.column("last_seen"), _NULL_LAST)
        ends = np.sort(np.concatenate([src, dst]))  # sort and drop repeats: cheaper than np.unique's hashing
        self.nids = ends[np.concatenate([[True], ends[1:] != ends[:-1]])] if len(ends) else ends
        del ends
        a = np.searchsorted(self.nids, src).astype(np.int32)
        b = np.searchsorted(self.nids, dst).astype(np.int32)
        del src, dst
        owner, nbr = np.concatenate([a, b]), np.concatenate([b, a])
        edge = np.concatenate([np.arange(len(a), dtype=np.int32)] * 2)
        out = np.concatenate([np.ones(len(a), dtype=bool), np.zeros(len(a), dtype=bool)])
        del a, b
        # grouped by node; each hop orders its few links itself (a full sort here cost ~15 CPU s for 5M edges)
        order = np.argsort(owner, kind="stable")
        self.nbr, self.edge, self.out = nbr[order], edge[order], out[order]
        self.offsets = np.zeros(len(self.nids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=len(self.nids)), out=self.offsets[1:])

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection, key: str) -> Adjacency:
        """Read the edges of the store ``key`` in one scan and build the index."""
        at = generation(key)  # before the scan: a write during the build makes the index stale at once
        return cls(con.sql(f"SELECT {EDGE_COLS} FROM edges").to_arrow_table(), at)

    @property
    def nbytes(self) -> int:
        """Memory held by the index, in bytes."""
        edges = (self.eid, self.first, self.last)
        links = (self.nids, self.nbr, self.edge, self.out, self.offsets)
        return sum(c.nbytes for c in self.rest.values()) + sum(a.nbytes for a in (*edges, *links))

    def _links(self, frontier: Sequence[int]) -> np.ndarray:
        """Positions of the links of these node numbers (none for a number without edges)."""
        at = np.searchsorted(self.nids, frontier)
        at = at[(at < len(self.nids)) & (self.nids[np.minimum(at, len(self.nids) - 1)] == frontier)]
        starts, ends = self.offsets[at], self.offsets[at + 1]
        if len(at) == 1:
            return np.arange(starts[0], ends[0])
        sizes = ends - starts
        return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())

    def hop(self, frontier: list[int], cap: int, filters: dict[str, Any]) -> tuple[list[Row], bool]:
        """The hop ``expand`` asks for: at most ``cap`` links of the frontier passing the filters, in
        ``by_recency`` order, and whether ``cap`` or more passed (then the SQL hop says it was cut too)."""
        if not len(self.nids):
            return [], False
        pos = self._links(frontier)
        edge = self.edge[pos]
        keep = None
        if "types" in filters:
            codes = [self.type_names.index(t) for t in filters["types"] if t in self.type_names]
            keep = np.isin(self.type_code[edge], codes)
        if "since" in filters:
            last = self.last[edge]
            ok = (last >= micros(filters["since"])) | (last == _NULL_LAST)
            keep = ok if keep is None else keep & ok
        if "until" in filters:
            ok = self.first[edge] <= micros(filters["until"])
            keep = ok if keep is None else keep & ok
        if keep is not None:
            pos, edge = pos[keep], edge[keep]
        if len(pos) > 1:  # last seen first (unknown last), then neighbour, then edge number
            order = np.lexsort((self.eid[edge], self.nbr[pos], ~self.last[edge]))[:cap]
            pos, edge = pos[order], edge[order]
        cut = len(pos) >= cap
        pos, edge = pos[:cap], edge[:cap]
        nbrs = self.nids[self.nbr[pos]].tolist()
        return [(e, p, *_PAD, n) for e, p, n in zip(self.eid[edge].tolist(), pos.tolist(), nbrs, strict=True)], cut

    def edge_rows(self, positions: Sequence[int]) -> list[Row]:
        """The edge rows (``duckdb_walk.EDGE_COLS``) of the edges of these links, as DuckDB would give them."""
        pos = np.asarray(positions, dtype=np.int64)
        owner = self.nids[np.searchsorted(self.offsets, pos, side="right") - 1]
        nbr, out, edge = self.nids[self.nbr[pos]], self.out[pos], self.edge[pos]
        src, dst = np.where(out, owner, nbr).tolist(), np.where(out, nbr, owner).tolist()
        rest = {name: column.values(edge) for name, column in self.rest.items()}
        return list(
            zip(
                self.eid[edge].tolist(), rest["type"], src, dst, rest["src_label"], rest["dst_label"], rest["props"],
                _times(self.first[edge], _NULL_FIRST), _times(self.last[edge], _NULL_LAST), rest["sources"],
                rest["confidence"], rest["method"], strict=True,
            )
        )
