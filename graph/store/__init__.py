"""Graph stores behind one contract; ``open_store`` picks one from a URI.

>>> with open_store(":memory:") as store:
...     store.stats().to_dict()["total_nodes"]
0
"""

from __future__ import annotations

from pathlib import Path

from graph.store.base import BulkWriter, GraphStore
from graph.store.model import Edge, Neighbourhood, Node, StoreStats, Subgraph, WriteResult

__all__ = [
    "BulkWriter",
    "Edge",
    "GraphStore",
    "Neighbourhood",
    "Node",
    "StoreStats",
    "Subgraph",
    "WriteResult",
    "open_store",
]

SERVER_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str | Path, *, read_only: bool = False) -> GraphStore:
    """Open the store at ``uri``: a DuckDB file path (or ``duckdb:PATH``, or ``:memory:``), or a Neo4j URI."""
    text = str(uri)
    if text.startswith(SERVER_SCHEMES):
        from graph.store.neo4j_store import Neo4jStore

        return Neo4jStore(text, read_only=read_only)
    if text.startswith("duckdb:"):
        text = text.removeprefix("duckdb:").removeprefix("//")
    from graph.store.duckdb_store import DuckDBStore

    return DuckDBStore(text, read_only=read_only)
