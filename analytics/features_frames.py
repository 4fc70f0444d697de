"""Whole labels and edge types of the store as pandas frames, through the store contract.

Why not ``export_nodes``/``export_edges`` batches as they come: their Arrow schema is inferred from the
first record of a batch, so a property the first node lacks is dropped for the whole batch. ``node_frame``
reads nodes with ``find`` (every property kept); ``edge_frame`` takes the ends from ``export_edges`` and,
when properties are asked for, reads them with ``subgraph``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from graph.store import GraphStore

ALL = 2**62


def node_frame(store: GraphStore, label: str) -> pd.DataFrame:
    """Every node of ``label``: its properties as columns, plus ``id``, ``first_seen``, ``last_seen``.

    >>> from graph.store import open_store
    >>> with open_store(":memory:") as st:
    ...     with st.writer() as w:
    ...         _ = w.upsert_nodes("Port", pd.DataFrame({"code": ["HKG", "LHR"], "name": [None, "Heathrow"]}))
    ...     node_frame(st, "Port").sort_values("code")["name"].fillna("-").tolist()
    ['-', 'Heathrow']
    """
    nodes = store.find(label, limit=ALL)
    rows = [{**n.props, "id": n.id, "first_seen": n.first_seen, "last_seen": n.last_seen} for n in nodes]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", "first_seen", "last_seen"])


def edge_frame(store: GraphStore, edge_type: str, columns: Sequence[str], *, chunk: int = 20_000) -> pd.DataFrame:
    """Every edge of ``edge_type`` with these ``columns`` (``src``, ``dst``, ``id``, properties, provenance);
    a property an edge lacks is ``None``. Ends come from ``export_edges``; properties, when asked for, from
    ``subgraph`` over those ends in chunks (so none is lost to a batch schema).

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
