"""What the mappers produce before it is written: node and edge frames with provenance, and the
person-bearing records identity resolution needs.

Every frame a mapper adds carries ``t`` (when the record saw the item: a naive UTC timestamp, or NaT) and
``ref`` (the record reference, ``crossings.csv:123`` or ``PAXLST_x.edi#msg3/seg17``). ``finish`` merges the
rows of one node (or edge) into one: ``first_seen``/``last_seen`` the earliest and latest ``t``, ``sources``
the record references (the first ``MAX_SOURCES`` in sort order, so that a port seen by a million crossings
does not carry a million references), properties from the last row. Person edges are added with
``record_ref`` in place of ``src``: the person is known only after resolution.

>>> b = GraphBatch()
>>> b.node("Port", pd.DataFrame({"code": ["HKG", "HKG"], "t": pd.to_datetime(["2024-01-02", "2024-01-01"]),
...                               "ref": ["c.csv:3", "c.csv:2"]}))
>>> out = b.finish_nodes("Port")
>>> out.select(["code", "sources"]).to_pylist(), out.column("first_seen")[0].as_py().isoformat()
([{'code': 'HKG', 'sources': ['c.csv:2', 'c.csv:3']}], '2024-01-01T00:00:00')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from graph.schema import Schema, load_schema

#: References kept per item and per ingest run (see the module doc).
MAX_SOURCES = 20
#: The columns identity resolution takes (``ingest.resolve.resolve_identities``).
RESOLVE_COLUMNS = ["record_ref", "surname", "given_names", "native_name", "sex", "birth_date", "nationality",
                   "doc_type", "doc_issuer", "doc_number", "seen"]
#: What a person-bearing record also keeps for derived edges (co-travel): its voyage, booking and seat.
CONTEXT_COLUMNS = ["kind", "voyage", "booking", "seat"]

_SCHEMA: Schema | None = None


def schema() -> Schema:
    """The data model, loaded once."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = load_schema()
    return _SCHEMA


@dataclass(slots=True)
class GraphBatch:
    """Node frames per label, edge frames per type, person edges per type, person-bearing records."""

    nodes: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    person_edges: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    records: list[pd.DataFrame] = field(default_factory=list)

    def node(self, label: str, frame: pd.DataFrame) -> None:
        """Add nodes of ``label``: key columns, properties, ``t`` and ``ref``; rows with an empty key are
        dropped (a mapper only adds a node where the record names one)."""
        keys = schema().node(label).key
        ok = np.ones(len(frame), dtype=bool)
        for k in keys:
            ok &= frame[k].notna().to_numpy() & frame[k].astype("str").str.strip().ne("").to_numpy()
        if ok.any():
            self.nodes[label].append(frame.loc[ok])

    def edge(self, edge_type: str, frame: pd.DataFrame) -> None:
        """Add edges: ``src``, ``dst`` (ids; rows with either missing are dropped), properties, ``t``, ``ref``."""
        ok = frame["src"].notna() & frame["dst"].notna()
        if ok.any():
            self.edges[edge_type].append(frame.loc[ok])

    def person_edge(self, edge_type: str, frame: pd.DataFrame) -> None:
        """Add edges from the person of ``record_ref`` to ``dst``."""
        ok = frame["record_ref"].notna() & frame["dst"].notna()
        if ok.any():
            self.person_edges[edge_type].append(frame.loc[ok])

    def record(self, frame: pd.DataFrame) -> None:
        """Add person-bearing records (``RESOLVE_COLUMNS`` + ``CONTEXT_COLUMNS``, all text)."""
        self.records.append(frame[RESOLVE_COLUMNS + CONTEXT_COLUMNS].fillna("").astype(str))

    def finish_nodes(self, label: str) -> pa.Table:
        """The nodes of ``label``, one row per key, ready for ``upsert_nodes``."""
        return merge_rows(self.nodes.get(label, []), list(schema().node(label).key))

    def finish_edges(self, edge_type: str, frames: list[pd.DataFrame] | None = None) -> pa.Table:
        """The edges of ``edge_type``, one row per (src, dst, key), ready for ``upsert_edges``."""
        etype = schema().edge(edge_type)
        keys = ["src", "dst"] + ([etype.key] if etype.key else [])
        return merge_rows(self.edges.get(edge_type, []) if frames is None else frames, keys)


def merge_rows(frames: list[pd.DataFrame], keys: list[str]) -> pa.Table:
    """One row per ``keys``: provenance aggregated (see the module doc), the other columns of the last row."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pa.table({})
    data = pd.concat(frames, ignore_index=True, copy=False)
    data["__o"] = np.arange(len(data))
    if "t" not in data:
        data["t"] = pd.NaT
    data["t"] = pd.to_datetime(data["t"])
    if len(frames) == 1 and not data.duplicated(keys).any():  # one row per item already (crossings): no merge
        data = data.drop(columns="__o").rename(columns={"ref": "sources"})
        data["first_seen"] = data["t"]
        return pa.Table.from_pandas(data.rename(columns={"t": "last_seen"}), preserve_index=False)
    cols = ", ".join(f'"{k}"' for k in keys)
    con = duckdb.connect()
    try:
        con.register("data", data)
        return con.sql(
            f"""WITH a AS (SELECT {cols}, min(t) AS first_seen, max(t) AS last_seen,
                       list_slice(list_sort(list_distinct(list(ref))), 1, {MAX_SOURCES}) AS sources
                     FROM data GROUP BY {cols}),
                l AS (SELECT * EXCLUDE (t, ref) FROM data
                      QUALIFY row_number() OVER (PARTITION BY {cols} ORDER BY __o DESC) = 1)
            SELECT l.* EXCLUDE (__o), a.first_seen, a.last_seen, a.sources FROM l JOIN a USING ({cols})
            ORDER BY l.__o"""
        ).to_arrow_table()
    finally:
        con.close()
