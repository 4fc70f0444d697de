"""Whole labels and edge types of the store as pandas frames, through the store contract.

Both read the store's Arrow exports (``export_nodes``/``export_edges``, whose batches carry every property any
item has), so a label of millions of nodes becomes a frame without a Python object per node; node ids are
computed from the key columns in bulk (``graph.ids.node_ids``). Only an edge frame that asks for edge ``id``
reads edges one by one (through ``subgraph``), since edge ids are not part of the export.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.ids import node_ids
from graph.store import GraphStore

ALL = 2**62


def _exported(batches: Iterable[pa.Table]) -> pa.Table | None:
    tables = [t for t in batches if t.num_rows]
    return pa.concat_tables(tables, promote_options="permissive") if tables else None


def node_frame(store: GraphStore, label: str, *, ids: Collection[str] | None = None,
               columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Every node of ``label``: its properties as columns, plus ``id``, ``first_seen``, ``last_seen``; only
    the nodes whose id is in ``ids`` and only ``columns`` (besides ``id``) when given. Rows keep the export's
    order (by number), and are cut in Arrow before any becomes a Python object.

    >>> from graph.store import open_store
    >>> with open_store(":memory:") as st:
    ...     with st.writer() as w:
    ...         _ = w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG", "LHR"], "name": [None, "Heathrow"]}))
    ...     node_frame(st, "Port").sort_values("code")["name"].fillna("-").tolist()
    ['-', 'Heathrow']
    """
    table = _exported(store.export_nodes(label))
    if table is None:
        return pd.DataFrame(columns=["id", "first_seen", "last_seen"])
    key = store.schema.node(label).key
    id_col = node_ids(label, *[table.column(k).combine_chunks() for k in key])
    if ids is not None:
        keep = pc.is_in(id_col, value_set=pa.array(sorted(set(ids)), type=pa.string()))
        table, id_col = table.filter(keep), id_col.filter(keep)
    if columns is not None:
        table = table.select([c for c in columns if c in table.column_names and c != "id"])
    frame = table.to_pandas()
    frame["id"] = id_col.to_pylist()
    return frame


def edge_frame(store: GraphStore, edge_type: str, columns: Sequence[str], *, chunk: int = 20_000) -> pd.DataFrame:
    """Every edge of ``edge_type`` with these ``columns`` (``src``, ``dst``, ``id``, properties, provenance);
    a property an edge lacks is missing (``None``/NaN). From ``export_edges``; only when ``id`` is asked for,
    from ``subgraph`` over the ends in chunks.

    >>> from graph.store import open_store
    >>> with open_store(":memory:") as st:
    ...     with st.writer() as w:
    ...         _ = w.upsert_nodes("Person", pd.DataFrame({"person_key": ["a", "b"]}))
    ...         _ = w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1"]}))
    ...         _ = w.upsert_edges("USES", pd.DataFrame({"src": [st.find("Person", key=["a"])[0].id,
    ...                 st.find("Person", key=["b"])[0].id], "dst": [st.find("Phone", key=["+1"])[0].id] * 2,
    ...                 "role": [None, "owner"]}))
    ...     sorted(edge_frame(st, "USES", ["src", "role"])["role"].fillna("-"))
    ['-', 'owner']
    """
    if "id" not in columns:
        table = _exported(store.export_edges(edge_type))
        if table is None:
            return pd.DataFrame(columns=list(columns))
        return table.to_pandas().reindex(columns=list(columns)).reset_index(drop=True)
    ends = [b.select(["src", "dst"]).to_pandas() for b in store.export_edges(edge_type)]
    frame = pd.concat(ends, ignore_index=True) if ends else pd.DataFrame(columns=["src", "dst"])
    if set(columns) <= {"src", "dst"}:
        return frame[list(columns)]
    rows: list[dict[str, object]] = []
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk]
        sub = store.subgraph(sorted(set(part["src"]) | set(part["dst"])))
        rows += [{**e.props, "id": e.id, "src": e.src, "dst": e.dst, "first_seen": e.first_seen,
                  "last_seen": e.last_seen, "sources": list(e.sources), "confidence": e.confidence,
                  "method": e.method} for e in sub.edges if e.type == edge_type]
    got = pd.DataFrame(rows).drop_duplicates("id") if rows else pd.DataFrame(columns=["id"])
    return got.reindex(columns=list(columns)).reset_index(drop=True)
