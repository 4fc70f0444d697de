"""The embedded graph store: one DuckDB file, no server.

Nodes and edges live in two tables keyed by 63-bit numbers taken from their ids (see ``graph.ids``), with
ART indexes on node numbers and on edge sources (on edge ends too once a SQL walk needs them, see
``duckdb_ddl.DST_INDEX``), so point reads touch only the rows they need, while
analytics read the whole edge list as Arrow in one scan. ``neighbours`` walks an in-memory adjacency index
built from one such scan on first use (``duckdb_adjacency``, ``duckdb_walk``) and reads only the nodes it
reached from the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from graph.errors import StoreError, StoreUnavailableError
from graph.ids import format_id, parse_id
from graph.schema import Schema, load_schema
from graph.store import duckdb_adjacency, duckdb_export, duckdb_text
from graph.store.base import BulkWriter, GraphStore, TimeBound, edge_columns
from graph.store.duckdb_adjacency import EDGE_COLS, Adjacency
from graph.store.duckdb_ddl import DST_INDEX, FORMAT_VERSION, INDEX_NAMES, INDEXES, TABLES, norm_text
from graph.store.duckdb_walk import NODE_COLS, Walk, indexed_walk, numbers, sql_walk
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.model import Edge, Neighbourhood, Node, StoreStats, Subgraph

_NODE_COLS, _EDGE_COLS = NODE_COLS, EDGE_COLS
# The edges among a set of nodes: their out-edges from the src index (node numbers as integer literals, see
# ``duckdb_walk.numbers``), kept when the other end is in the set too. The CTE is materialised so the dst test
# runs on those few rows: with both tests in one WHERE, or the set bound as a list, DuckDB scans all edges
# (measured on 5M edges, 1-20 nodes: p50 6 ms against 13 ms). Filtering in SQL keeps a hub's other edges out
# of Python.
_SUBGRAPH_EDGES = f"""WITH hits AS MATERIALIZED (SELECT {_EDGE_COLS} FROM edges WHERE src IN ({{ids}}))
SELECT * FROM hits WHERE dst IN ({{ids}})"""
# Text search: candidates from the text index are read by number in slices of 256, 512...; past this many
# read without finding enough, a scan is cheaper (reading a node by number costs ~40 us, a scan ~0.3 s).
_FIRST_SLICE, _MAX_TESTED = 256, 8_000


def _decoded(raws: list[Any]) -> list[Any]:
    """JSON texts (or values DuckDB already decoded, or NULLs) as Python values, decoded in one call: one
    ``json.loads`` per result instead of one per cell (measured: about half the Python time of a 1-hop read)."""
    if all(r is None or isinstance(r, str) for r in raws):
        return list(json.loads("[" + ",".join("null" if r is None else r for r in raws) + "]"))
    return [json.loads(r) if isinstance(r, str) else r for r in raws]


class DuckDBStore(GraphStore):
    """A graph in one DuckDB file (or in memory with ``":memory:"``)."""

    def __init__(
        self, path: str | Path, *, read_only: bool = False, schema: Schema | None = None, adjacency: bool = True
    ) -> None:
        """``adjacency=False`` walks neighbourhoods in SQL instead of over the in-memory index (see ``_walk``)."""
        self.path = str(path)
        self.read_only = read_only
        self.schema = schema or load_schema()
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreUnavailableError(
                "no graph store here yet: ingest or load data first (or pass --store)", file=self.path
            )
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as err:
            raise StoreUnavailableError(f"cannot open the DuckDB store: {err}", file=self.path) from err
        self._con.execute("SET TimeZone = 'UTC'")
        if limit := os.environ.get("CLUEGRAPH_DUCKDB_MEMORY_LIMIT"):  # e.g. 5GB: a big ingest spills to disk instead
            self._con.execute(f"SET memory_limit = '{limit}'")
        self._con.execute("SET enable_progress_bar = false")
        # Point reads (get, neighbours, subgraph) run on one thread: for sub-millisecond work, handing off
        # to worker threads costs more than it saves (measured: 1-hop p95 5.6 -> 3.7 ms). Scans and bulk
        # writes switch to every thread for their duration (``_parallel``).
        self._threads = int(self._one("SELECT current_setting('threads')")[0])
        self._con.execute("SET threads = 1")
        self._text_stale = False  # True inside a writer block that builds the text index at its end
        self._use_adjacency = adjacency
        self._dst_indexed = False  # whether this handle has made sure of ``edges_dst`` (see ``DST_INDEX``)
        self._adjacency: Adjacency | None = None  # the index, built by the first ``neighbours``
        self._key = str(Path(self.path).resolve()) if self.path != ":memory:" else f":memory:{id(self)}"
        if not read_only:
            self._create()
        self._check_version()

    # --------------------------------------------------------------- set-up
    def _create(self) -> None:
        for ddl in TABLES:
            self._con.execute(ddl)
        self._create_indexes()
        self._con.execute("INSERT OR IGNORE INTO meta VALUES ('format_version', ?)", [FORMAT_VERSION])

    def _create_indexes(self) -> None:
        for ddls in INDEXES.values():
            for ddl in ddls:
                self._con.execute(ddl)

    def _check_version(self) -> None:
        try:
            rows = self._con.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchall()
            row = rows[0] if rows else None
        except duckdb.CatalogException as err:
            raise StoreError("not a cluegraph store (no meta table)", file=self.path) from err
        if row is None or row[0] != FORMAT_VERSION:
            raise StoreError(f"store format {row and row[0]} is not {FORMAT_VERSION}", file=self.path)

    def close(self) -> None:
        """Close the file (changes are already committed)."""
        self._con.close()

    # --------------------------------------------------------------- writes
    @contextmanager
    def writer(self, *, bulk: bool | None = None) -> Iterator[BulkWriter]:
        """A bulk writer in one transaction: committed at the end of the block, rolled back on error.

        ``bulk`` drops the indexes for the block and builds them again at its end (by default, those of the
        tables that are still empty: a first load): DuckDB builds an index over a stored table in one pass,
        but indexes rows appended inside a transaction one at a time. A process that dies in a bulk block
        leaves no index behind, and opening the store read-write builds them again.
        """
        if self.read_only:
            raise StoreError("the store is open read-only: open it without read_only to write", file=self.path)
        if bulk is None:  # a first load: drop the indexes of the tables that are still empty
            dropped = [t for t in INDEX_NAMES if self._one(f"SELECT count(*) FROM (SELECT 1 FROM {t} LIMIT 1)")[0] == 0]
        else:
            dropped = list(INDEX_NAMES) if bulk else []
        for table in dropped:
            for name in INDEX_NAMES[table]:
                self._con.execute(f"DROP INDEX IF EXISTS {name}")
        # The text index is kept batch by batch, except in a bulk block over the nodes (or in a store made
        # before it): then it is written once, sorted, at the end (see ``duckdb_text``).
        complete = duckdb_text.is_complete(self._con)
        text_index = "nodes" not in dropped and complete
        duckdb_adjacency.bump(self._key)  # the edges change: the next ``neighbours`` builds the index again
        with self._parallel():
            try:
                self._con.execute("BEGIN TRANSACTION")
                self._text_stale = not text_index  # finds inside the block scan
                try:
                    writer = DuckDBWriter(self._con, self.schema, unindexed=frozenset(dropped), text_index=text_index)
                    yield writer
                    if not text_index and (writer.nodes_written or not complete):
                        upto = writer.text_indexed_upto()
                        if upto is None:
                            duckdb_text.rebuild(self._con)
                        else:  # built during the block (``DuckDBWriter.index_text``): add the nodes since
                            duckdb_text.extend(self._con, upto)
                except BaseException:
                    self._con.execute("ROLLBACK")
                    raise
                self._con.execute("COMMIT")
            finally:
                self._text_stale = False
                duckdb_adjacency.bump(self._key)  # also one built by a read inside the block
                if dropped:
                    self._create_indexes()
                    self._dst_indexed = False

    @contextmanager
    def _parallel(self) -> Iterator[None]:
        """Run the block on every thread DuckDB was given (see ``__init__``)."""
        if self._threads > 1:
            self._con.execute(f"SET threads = {self._threads}")
        try:
            yield
        finally:
            if self._threads > 1:
                self._con.execute("SET threads = 1")

    def _one(self, sql: str) -> tuple[Any, ...]:
        rows = self._con.execute(sql).fetchall()  # fetch to the end: DuckDB 2 keeps open results
        return tuple(rows[0])

    # ---------------------------------------------------------------- reads
    def _nodes(self, rows: list[tuple[Any, ...]]) -> list[Node]:
        texts = _decoded([r[2] for r in rows] + [r[5] for r in rows])
        return [
            Node(format_id(label, nid), label, dict(props or {}), first, last, tuple(sources or ()), conf, method)
            for (nid, label, _, first, last, _, conf, method), props, sources in zip(
                rows, texts[: len(rows)], texts[len(rows) :], strict=True
            )
        ]

    def _edges(self, rows: list[tuple[Any, ...]]) -> list[Edge]:
        texts = _decoded([r[6] for r in rows] + [r[9] for r in rows])
        return [
            Edge(
                format_id(etype, eid),
                etype,
                format_id(src_label, src),
                format_id(dst_label, dst),
                dict(props or {}),
                first,
                last,
                tuple(sources or ()),
                conf,
                method,
            )
            for (
                eid,
                etype,
                src,
                dst,
                src_label,
                dst_label,
                _,
                first,
                last,
                _,
                conf,
                method,
                *_,
            ), props, sources in zip(rows, texts[: len(rows)], texts[len(rows) :], strict=True)
        ]

    def get(self, item_id: str) -> Node | Edge | None:
        """The node or edge with this id, or None."""
        label, number = parse_id(item_id)
        if label in self.schema.nodes:
            rows = self._con.execute(f"SELECT {_NODE_COLS} FROM nodes WHERE nid = ?", [number]).fetchall()
            return self._nodes(rows[:1])[0] if rows and rows[0][1] == label else None
        if label in self.schema.edges:
            rows = self._con.execute(f"SELECT {_EDGE_COLS} FROM edges WHERE eid = ?", [number]).fetchall()
            return self._edges(rows[:1])[0] if rows and rows[0][1] == label else None
        return None

    def _find(self, label: str | None, props: Mapping[str, Any], text: str, limit: int) -> list[Node]:
        """Nodes by property equality and normalised text (see ``GraphStore.find``)."""
        where, params = ["($label IS NULL OR label = $label)"], {"label": label, "limit": limit}
        for i, (name, value) in enumerate(sorted(props.items())):
            where.append(f"json_extract_string(props, $path{i}) = CAST($value{i} AS VARCHAR)")
            params[f"path{i}"], params[f"value{i}"] = f'$."{name}"', value
        for i, word in enumerate(text.split()):
            where.append(f"contains(text, {norm_text(f'$word{i}')})")
            params[f"word{i}"] = word
        nids = self._text_candidates(text.split(), label)
        found = None if nids is None else self._test_candidates(nids, " AND ".join(where), params, limit)
        if found is not None:
            return found
        with self._parallel():  # a search scans every node of the label
            rows = self._con.execute(
                f"SELECT {_NODE_COLS} FROM nodes WHERE {' AND '.join(where)} ORDER BY label, nid LIMIT $limit",
                params,
            ).fetchall()
        return self._nodes(rows)

    def _text_candidates(self, words: list[str], label: str | None) -> np.ndarray | None:
        """Numbers of the nodes that may hold every word, in label and number order, from the text index
        (see ``duckdb_text``); None when it cannot say (no words, no complete index, too many candidates)."""
        if not words or self._text_stale or not duckdb_text.is_complete(self._con):
            return None
        rows = self._con.execute(f"SELECT {norm_text('unnest($words)')}", {"words": words}).fetchall()
        normal = [r[0] for r in rows]
        if any(w is None for w in normal):  # a word that normalises to nothing matches no node
            return np.empty(0, dtype=np.int64)
        if any(" " in w for w in normal):
            return None
        return duckdb_text.candidates(self._con, normal, label)

    def _test_candidates(self, nids: np.ndarray, where: str, params: dict[str, Any], limit: int) -> list[Node] | None:
        """The first ``limit`` candidates (in label and number order) that pass the test of a scan, read by
        number in growing slices; None when many candidates fail it (a scan is cheaper by then). The slice is
        read by number first (a materialised CTE): with the test in the same query, DuckDB scanned every node
        (70 ms against 6 ms for 100 candidates on 2.5 M nodes)."""
        found: list[Node] = []
        start, size = 0, _FIRST_SLICE
        while start < len(nids) and len(found) < limit:
            if start >= _MAX_TESTED:
                return None
            rows = self._con.execute(
                f"WITH c AS MATERIALIZED (SELECT * FROM nodes WHERE list_contains($ids, nid)) "
                f"SELECT {_NODE_COLS} FROM c WHERE {where} ORDER BY label, nid",
                {**{k: v for k, v in params.items() if k != "limit"}, "ids": nids[start : start + size].tolist()},
            ).fetchall()
            found += self._nodes(rows)
            start, size = start + size, size * 2
        return found[:limit]

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
        """Nodes within ``depth`` hops of ``node_id`` (see ``GraphStore.neighbours``)."""
        params = self._walk_params(depth, limit, edge_types, since, until)
        _, center = parse_id(node_id)
        hops, edges, nodes, truncated = self._walk(center, depth, limit, params)
        if not any(r[0] == center for r in nodes):
            return Neighbourhood(center=node_id)
        found = self._nodes(nodes)
        by_number = {r[0]: n.id for r, n in zip(nodes, found, strict=True)}
        return Neighbourhood(
            nodes=found,
            edges=self._edges(list(edges.values())),
            center=node_id,
            hops={by_number[n]: h for n, h in hops.items() if n in by_number},
            truncated=truncated,
        )

    def _walk(self, center: int, depth: int, limit: int, params: dict[str, Any]) -> Walk:
        """The walk of ``neighbours``: over the adjacency index (built on first use, see ``duckdb_adjacency``),
        or in SQL when the store was opened with ``adjacency=False``."""
        if not self._use_adjacency:
            if not self.read_only and not self._dst_indexed:
                with self._parallel():
                    self._con.execute(DST_INDEX)  # read-only: the incoming half scans instead
                self._dst_indexed = True
            return sql_walk(self._con, center, depth, limit, params)
        if self._adjacency is None or self._adjacency.generation != duckdb_adjacency.generation(self._key):
            self._adjacency = None  # free the old one before building the new
            with self._parallel():
                self._adjacency = Adjacency.from_store(self._con, self._key)
        return indexed_walk(self._con, self._adjacency, center, depth, limit, params)

    def subgraph(self, node_ids: Sequence[str]) -> Subgraph:
        """These nodes (those that exist) and every edge among them."""
        wanted = numbers(sorted({parse_id(i)[1] for i in node_ids}))
        if not wanted:
            return Subgraph(nodes=[], edges=[])
        nodes = self._con.execute(f"SELECT {_NODE_COLS} FROM nodes WHERE nid IN ({wanted})").fetchall()
        edges = self._con.execute(_SUBGRAPH_EDGES.replace("{ids}", wanted)).fetchall()
        return Subgraph(nodes=self._nodes(nodes), edges=self._edges(edges))

    def edge_list(self, edge_types: Sequence[str] | None = None, *, columns: Sequence[str] | None = None) -> pa.Table:
        """Every edge (of these types) as Arrow, for analytics (only ``columns`` when given)."""
        for t in edge_types or ():
            self.schema.edge(t)
        select = ", ".join(edge_columns(columns))  # names from a fixed list, never user text
        rel = self._con.sql(
            f"""SELECT {select} FROM edges
               WHERE $types IS NULL OR list_contains($types, type)""",
            params={"types": list(edge_types) if edge_types else None},
        )
        with self._parallel():
            return rel.to_arrow_table()

    def node_table(self, labels: Sequence[str] | None = None) -> pa.Table:
        """Every node (of these labels) as Arrow, for analytics."""
        for lab in labels or ():
            self.schema.node(lab)
        rel = self._con.sql(
            "SELECT nid, label, first_seen, last_seen FROM nodes "
            "WHERE $labels IS NULL OR list_contains($labels, label)",
            params={"labels": list(labels) if labels else None},
        )
        with self._parallel():
            return rel.to_arrow_table()

    def export_nodes(self, label: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every node of ``label`` in batches shaped for ``upsert_nodes`` (see ``duckdb_export``)."""
        self.schema.node(label)
        yield from self._export("nodes", label, batch)

    def export_edges(self, edge_type: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every edge of ``edge_type`` in batches shaped for ``upsert_edges`` (see ``duckdb_export``)."""
        self.schema.edge(edge_type)
        yield from self._export("edges", edge_type, batch)

    def _export(self, table: str, name: str, batch: int) -> Iterator[pa.Table]:
        """Rows typed and shaped by DuckDB, read on every thread batch by batch (reads in between run on one)."""
        cursor = self._con.cursor()  # its own result, so reads between batches do not end the export
        try:
            with self._parallel():
                sql, params = duckdb_export.export_sql(cursor, table, name)
                tables = duckdb_export.batches(cursor.sql(sql, params=params).to_arrow_reader(batch), batch)
            while True:
                with self._parallel():
                    got = next(tables, None)
                if got is None:
                    return
                yield got
        finally:
            cursor.close()

    def stats(self) -> StoreStats:
        """Counts of nodes per label and edges per type."""
        with self._parallel():
            nodes = dict(self._con.execute("SELECT label, count(*) FROM nodes GROUP BY label").fetchall())
            edges = dict(self._con.execute("SELECT type, count(*) FROM edges GROUP BY type").fetchall())
        return StoreStats(
            nodes={str(k): int(v) for k, v in nodes.items()}, edges={str(k): int(v) for k, v in edges.items()}
        )
