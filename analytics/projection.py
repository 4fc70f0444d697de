"""A whole-graph projection for analytics: the store's Arrow edge list as index arrays and a CSR matrix.

Analytics never walk the store record by record (DESIGN.md section 6): ``project`` reads ``node_table()``
and ``edge_list()`` once, maps the 63-bit node numbers to dense indexes, and weights every edge by its type
(``edge_weights`` of the run configuration) and its age (``0.5 ** (age / half_life)`` from ``as_of``, the
newest link by default). ``matrix`` turns it into a symmetric ``scipy.sparse`` CSR matrix (risk flows both
ways along a link), optionally scaled per node (identifier specificity).

>>> from graph.store import open_store
>>> with open_store(":memory:") as st:
...     with st.writer() as w:
...         _ = w.upsert_nodes("Person", pd.DataFrame({"person_key": ["a", "b"]}))
...         _ = w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
...         _ = w.upsert_edges("USES", pd.DataFrame({"src": [node_id("Person", k) for k in "ab"],
...                                                   "dst": [node_id("Phone", "+1")] * 2}))
...     proj = project(st)
>>> proj.n_nodes, proj.n_edges, proj.matrix().nnz
(3, 2, 4)
>>> proj.label_of(proj.index([node_id("Phone", "+1")]))[0]
'Phone'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from analytics.config import RunConfig
from graph.errors import InvalidValueError
from graph.ids import format_id, node_id, parse_id
from graph.store import GraphStore

__all__ = ["Projection", "node_id", "project"]


@dataclass
class Projection:
    """Nodes as dense indexes (sorted by node number) and edges as index arrays with weights.

    ``labels``/``types`` are small integer codes into ``label_names``/``type_names``; ``weight`` is the type
    weight times the time decay; ``last_seen_days`` is each edge's last sighting in days before ``as_of``
    (NaN when unknown).
    """

    nids: np.ndarray
    labels: np.ndarray
    label_names: tuple[str, ...]
    src: np.ndarray
    dst: np.ndarray
    types: np.ndarray
    type_names: tuple[str, ...]
    weight: np.ndarray
    age_days: np.ndarray
    as_of: datetime | None
    eids: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nids)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.src)

    def label_code(self, label: str) -> int:
        """The code of ``label`` (-1 when no node has it)."""
        return self.label_names.index(label) if label in self.label_names else -1

    def type_code(self, edge_type: str) -> int:
        """The code of ``edge_type`` (-1 when no edge has it)."""
        return self.type_names.index(edge_type) if edge_type in self.type_names else -1

    def mask(self, label: str) -> np.ndarray:
        """Boolean mask of the nodes of ``label``."""
        return self.labels == self.label_code(label)

    def edges_of(self, edge_type: str) -> np.ndarray:
        """Positions of the edges of ``edge_type``."""
        return np.flatnonzero(self.types == self.type_code(edge_type))

    def label_of(self, idx: np.ndarray) -> np.ndarray:
        """Label names of node indexes."""
        return np.asarray(self.label_names, dtype=object)[self.labels[idx]]

    def index(self, ids: Sequence[str]) -> np.ndarray:
        """Dense indexes of node ids; ``InvalidValueError`` for an id the projection does not hold."""
        numbers = np.array([parse_id(i)[1] for i in ids], dtype=np.int64)
        pos = np.searchsorted(self.nids, numbers)
        pos = np.minimum(pos, max(self.n_nodes - 1, 0))
        missing = [i for i, ok in zip(ids, self.nids[pos] == numbers if self.n_nodes else [], strict=False) if not ok]
        if missing or (ids and not self.n_nodes):
            raise InvalidValueError("node not in the graph", field="id", value=(missing or list(ids))[0])
        return pos

    def ids(self, idx: np.ndarray | Sequence[int]) -> list[str]:
        """Node ids of dense indexes."""
        idx = np.asarray(idx, dtype=np.int64)
        labels = self.label_of(idx)
        return [format_id(lab, int(n)) for lab, n in zip(labels, self.nids[idx], strict=True)]

    def edge_ids(self, positions: np.ndarray | Sequence[int]) -> list[str]:
        """Edge ids of edge positions."""
        pos = np.asarray(positions, dtype=np.int64)
        names = np.asarray(self.type_names, dtype=object)[self.types[pos]]
        return [format_id(t, int(e)) for t, e in zip(names, self.eids[pos], strict=True)]

    def matrix(self, node_scale: np.ndarray | None = None) -> sp.csr_matrix:
        """The symmetric weighted adjacency (CSR); each edge's weight times ``node_scale`` at both ends."""
        w = self.weight
        if node_scale is not None:
            w = w * node_scale[self.src]
            w *= node_scale[self.dst]
        s, d = self.src, self.dst
        keep = w > 0
        if not keep.all():  # most graphs weigh every link: no copies then
            s, d, w = s[keep], d[keep], w[keep]
        n = self.n_nodes
        rows, cols = np.concatenate([s, d]), np.concatenate([d, s])
        return sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))

    def degree(self, edge_types: Sequence[str] | None = None) -> np.ndarray:
        """Number of edges at each node (of these types), unweighted."""
        if edge_types is None:
            s, d = self.src, self.dst
        else:
            pick = np.isin(self.types, [self.type_code(t) for t in edge_types])
            s, d = self.src[pick], self.dst[pick]
        return np.bincount(s, minlength=self.n_nodes) + np.bincount(d, minlength=self.n_nodes)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Small integer codes of a string column and the names they stand for, in name order (so the codes do
    not depend on the order the store returns rows in)."""
    enc = pc.dictionary_encode(column).combine_chunks()
    names = enc.dictionary.to_pylist()
    rank = np.argsort(np.argsort(np.array(names, dtype=object))).astype(np.int16) if names else np.zeros(0, np.int16)
    codes = enc.indices.to_numpy(zero_copy_only=False)
    return rank[codes] if len(codes) else codes.astype(np.int16), tuple(sorted(names))


def _as_of(config: RunConfig, last: pa.ChunkedArray) -> datetime | None:
    if config.decay.as_of:
        try:
            return datetime.fromisoformat(config.decay.as_of).replace(tzinfo=None)
        except ValueError:
            raise InvalidValueError("not an ISO date", field="decay.as_of", value=config.decay.as_of) from None
    newest = pc.max(last).as_py() if len(last) else None
    return newest.replace(tzinfo=None) if newest is not None else None


def _ages(last: pa.ChunkedArray, as_of: datetime | None) -> np.ndarray:
    """Days from each edge's ``last_seen`` to ``as_of`` (at least 0; NaN when either is unknown), chunk by
    chunk on the microsecond values in place (no concatenated or converted copy of the column)."""
    ages = np.full(len(last), np.nan)
    if as_of is None:
        return ages
    ref = int((as_of - datetime(1970, 1, 1)).total_seconds() * 1e6)
    at = 0
    for chunk in pc.cast(last, pa.timestamp("us")).chunks:
        if chunk.null_count == len(chunk):  # no date at all (the data buffer may be missing)
            at += len(chunk)
            continue
        micros = np.frombuffer(chunk.buffers()[1], dtype=np.int64, count=len(chunk) + chunk.offset)[chunk.offset :]
        part = ages[at : at + len(chunk)]
        np.divide(np.subtract(ref, micros), 86_400e6, out=part)
        if chunk.null_count:  # links without a date do not decay
            part[chunk.is_null().to_numpy(zero_copy_only=False)] = np.nan
        at += len(chunk)
    return np.maximum(ages, 0.0, out=ages)  # NaN stays NaN


class _NodeIndex:
    """Dense indexes of node numbers: a binary search for a sorted run of numbers (the store returns edges
    sorted by ``src``: measured 1.8x faster than hashing them), a hash lookup otherwise (binary searches of
    random numbers miss the cache: measured 3x slower than the hash).

    >>> where = _NodeIndex(np.array([3, 8, 20], dtype=np.int64))
    >>> where.positions(np.array([3, 5, 20, 21])).tolist(), where.positions(np.array([20, 3, 5])).tolist()
    ([0, -1, 2, -1], [2, 0, -1])
    """

    def __init__(self, nids: np.ndarray) -> None:
        self.nids = nids
        self._hash: pd.Index | None = None

    def positions(self, numbers: np.ndarray) -> np.ndarray:
        """Index of each number in ``nids``; -1 for a number that is not there."""
        if len(numbers) < 2 or bool((numbers[1:] >= numbers[:-1]).all()):
            pos = np.searchsorted(self.nids, numbers)
            found = pos < len(self.nids)
            found[found] = self.nids[pos[found]] == numbers[found]
            return np.where(found, pos, -1)
        if self._hash is None:
            self._hash = pd.Index(self.nids)
        return self._hash.get_indexer(pd.Index(numbers))


def _positions(where: _NodeIndex, column: pa.ChunkedArray, end: str) -> np.ndarray:
    """Dense indexes of the node numbers of ``column``, chunk by chunk into one int32 array; an edge end that
    is not a node is named."""
    out = np.empty(len(column), dtype=np.int32)
    at = 0
    for chunk in column.chunks:
        numbers = chunk.to_numpy(zero_copy_only=False)
        pos = where.positions(numbers)
        bad = np.flatnonzero(pos < 0)
        if len(bad):
            raise InvalidValueError("edge end is not a node of the graph", field=end, value=int(numbers[bad[0]]))
        out[at : at + len(pos)] = pos
        at += len(pos)
    return out


def _decayed(type_w: np.ndarray, ages: np.ndarray, half_life: float) -> np.ndarray:
    """Type weight times ``0.5 ** (age / half_life)`` (1 for links without a date), in one buffer."""
    decay = np.divide(ages, -half_life)
    np.exp2(decay, out=decay)
    decay[np.isnan(decay)] = 1.0
    decay *= type_w
    return decay


def split_alternatives(weight: np.ndarray, src: np.ndarray, dst: np.ndarray, alias: np.ndarray, n: int) -> None:
    """Divide (in place) the weight of each ``alias`` link (``POSSIBLY_SAME_AS``) by the number of such links
    of the end that has more: a record possibly the same as ``k`` people (a name alone, SMITH ANDREW, matched
    to twenty namesakes) is at most one of them, so each link holds ``1/k`` of an identity. A pair of records
    that can only be each other keeps its weight. Without this, risk crossed between strangers of one common
    name through the shared name-only record (seed 45101: a name-only GUPTA SUNITA who travelled with two ring
    couriers lifted a namesake above planted travellers).

    >>> w = np.ones(4)
    >>> split_alternatives(w, np.array([0, 0, 0, 3]), np.array([1, 2, 3, 4]), np.array([True, True, False, True]), 5)
    >>> w.tolist()
    [0.5, 0.5, 1.0, 1.0]
    """
    ends = np.r_[src[alias], dst[alias]]
    links = np.bincount(ends, minlength=n)
    weight[alias] /= np.maximum(np.maximum(links[src[alias]], links[dst[alias]]), 1)


#: What an empty edge read holds (no type asked for).
_NO_EDGES = pa.schema(
    [("src", pa.int64()), ("dst", pa.int64()), ("eid", pa.int64()), ("last_seen", pa.timestamp("us"))]
)


def _edges_by_type(store: GraphStore, edge_types: Sequence[str]) -> tuple[pa.Table, np.ndarray, tuple[str, ...]]:
    """The edges of ``edge_types`` read one type at a time, in name order: each read knows its type, so no
    column of type names is read, made into 5M Arrow strings and encoded again (measured about 0.2 s CPU
    less at 5M edges). Returns the edges, their type codes and the names of the types that have edges."""
    names, parts = [], []
    for edge_type in sorted(set(edge_types)):
        part = store.edge_list([edge_type], columns=["src", "dst", "eid", "last_seen"])
        if part.num_rows:
            names.append(edge_type)
            parts.append(part)
    codes = np.repeat(np.arange(len(parts), dtype=np.int16), [p.num_rows for p in parts])
    edges = pa.concat_tables(parts) if parts else _NO_EDGES.empty_table()
    return edges, codes, tuple(names)


def _numpy(column: pa.ChunkedArray) -> np.ndarray:
    return column.to_numpy() if column.num_chunks != 1 else column.chunk(0).to_numpy(zero_copy_only=False)


def project(
    store: GraphStore, config: RunConfig | None = None, *, edge_types: Sequence[str] | None = None
) -> Projection:
    """Read the store once into a ``Projection`` (edges of positive weight in ``config``, or ``edge_types``)."""
    config = config or RunConfig()
    if edge_types is None:
        edge_types = sorted(t for t, w in config.edge_weights.items() if w > 0 and t in store.schema.edges)
    nodes = store.node_table()
    nids = _numpy(nodes.column("nid")).astype(np.int64, copy=False)
    order = np.argsort(nids, kind="stable")
    nids = nids[order]
    labels, label_names = _codes(nodes.column("label"))
    labels = labels[order]
    edges, types, type_names = _edges_by_type(store, edge_types)
    where = _NodeIndex(nids)
    src = _positions(where, edges.column("src"), "src")
    dst = _positions(where, edges.column("dst"), "dst")
    as_of = _as_of(config, edges.column("last_seen"))
    ages = _ages(edges.column("last_seen"), as_of)
    type_w = np.array([config.edge_weights.get(t, 0.0) for t in type_names] or [0.0])
    weight = _decayed(type_w[types], ages, config.decay.half_life_days)
    if config.specificity.split_alternatives and "POSSIBLY_SAME_AS" in type_names:
        split_alternatives(weight, src, dst, types == type_names.index("POSSIBLY_SAME_AS"), len(nids))
    eids = _numpy(edges.column("eid")).astype(np.int64, copy=False)
    return Projection(nids, labels, label_names, src, dst, types, type_names, weight, ages, as_of, eids)


def frame(proj: Projection, idx: np.ndarray) -> pd.DataFrame:
    """Node indexes as a small table: ``index``, ``id``, ``label``."""
    return pd.DataFrame({"index": idx, "id": proj.ids(idx), "label": proj.label_of(idx)})
