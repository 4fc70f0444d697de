"""The shared graph store: a Neo4j server, over Bolt, with the official driver.

A batch is checked and its duplicates merged exactly as the embedded store does it (an in-memory DuckDB
stages it: ids, rules, merging), then written with ``UNWIND $rows`` and ``MERGE`` on constrained ids.
Cypher is built once per label and edge type from the schema (labels cannot be parameters); every value
is a ``$param``. Internal properties start with ``_``: ``_n`` (the 63-bit number of the id), ``_key``
(an edge's discriminating key), ``_t_<prop>`` (normalised search text).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pyarrow as pa
from neo4j import Driver, GraphDatabase
from neo4j import exceptions as neo4j_errors

from graph.errors import StoreError, StoreUnavailableError
from graph.ids import format_id, parse_id
from graph.schema import Schema, load_schema
from graph.store.base import BulkWriter, GraphStore, TimeBound, edge_columns, export_table
from graph.store.duckdb_ddl import TABLES, norm_text
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.expand import Row, by_recency, expand
from graph.store.model import Edge, Neighbourhood, Node, StoreStats, Subgraph
from graph.store.neo4j_import import ImportFiles, step
from graph.store.neo4j_records import (
    EDGE_SCHEMA,
    NODE_SCHEMA,
    native,
    provenance,
    split_props,
    to_arrow,
    to_edge,
    to_node,
)
from graph.store.neo4j_writer import Neo4jWriter, _rollback, ensure_constraints


class Neo4jStore(GraphStore):
    """A graph on a Neo4j server: ``neo4j://user:pass@host:port`` or ``bolt://host:port`` (no auth)."""

    def __init__(self, uri: str, *, read_only: bool = False, schema: Schema | None = None) -> None:
        self.schema = schema or load_schema()
        self.read_only = read_only
        #: Wall seconds of the steps of the last ``first_load``: files (staging and CSV), import (the server
        #: down, the importer, the server up), constraints, leftovers.
        self.first_load_seconds: dict[str, float] = {}
        parts = urlsplit(uri)
        self._auth = (parts.username or "", parts.password or "") if parts.username else None
        netloc = parts.hostname or "" if not parts.port else f"{parts.hostname}:{parts.port}"
        self.uri = urlunsplit((parts.scheme, netloc, "", "", ""))
        self._database = parts.path.strip("/") or None
        self._connect()
        self._staging = duckdb.connect()
        self._staging.execute("SET TimeZone = 'UTC'")
        for ddl in TABLES:
            self._staging.execute(ddl)
        if not read_only:
            self._create_constraints()

    def _connect(self) -> None:
        try:
            # No notifications: the server would warn on every read of a property no item has yet.
            self._driver: Driver = GraphDatabase.driver(self.uri, auth=self._auth, notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError, ValueError) as err:
            raise StoreUnavailableError(f"cannot reach the Neo4j store: {err}", file=self.uri) from err

    def _run(self, cypher: str, **params: Any) -> list[Any]:
        with self._driver.session(database=self._database) as session:
            return list(session.run(cypher, **params))

    def _create_constraints(self) -> None:
        ensure_constraints(self._driver, self._database, self.schema)

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()
        self._staging.close()

    @contextmanager
    def writer(self, *, bulk: bool | None = None) -> Iterator[BulkWriter]:
        """A bulk writer in one explicit transaction: committed at the end of the block, rolled back on error."""
        if self.read_only:
            raise StoreError("the store is open read-only: open it without read_only to write", file=self.uri)
        with self._driver.session(database=self._database) as session:
            tx = session.begin_transaction()
            try:
                yield Neo4jWriter(tx, self.schema, DuckDBWriter(self._staging, self.schema))
                tx.commit()
            except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as err:
                _rollback(tx)
                raise StoreError(
                    f"the write was interrupted and nothing of it was written; write it again: {err}", file=self.uri
                ) from err
            except BaseException:
                _rollback(tx)
                raise

    def first_load(
        self, batches: Iterable[tuple[str, str, pa.Table]], *, progress: Callable[[str, int], None] | None = None
    ) -> dict[str, int] | None:
        """Load ``("nodes" | "edges", label or type, rows)`` batches into this empty database with Neo4j's
        offline importer (``graph.store.neo4j_import``); rows read per label and type.

        Only when ``CLUEGRAPH_NEO4J_IMPORT`` names the command that stops the server, imports the argument
        file it is given and starts the server again on the same address (``bash tools/neo4j/neo4j.sh
        import`` for the test server), and the database holds nothing; otherwise returns None at once,
        reading no batch, and the caller writes through ``writer()``. Rows the CSV format cannot carry are
        written through ``writer()`` after the import. Endpoints and duplicate ids are checked by the importer:
        a failure raises ``StoreError`` and leaves the database empty."""
        command = os.environ.get("CLUEGRAPH_NEO4J_IMPORT", "").strip()
        if not command or self.read_only or self._run("MATCH (n) RETURN count(n) AS c")[0]["c"]:
            return None
        steps: dict[str, float] = {}
        self.first_load_seconds = steps
        with tempfile.TemporaryDirectory(prefix="cluegraph-neo4j-import-") as tmp:
            with step(steps, "files"):
                files = ImportFiles(Path(tmp), self.schema, DuckDBWriter(self._staging, self.schema), self._staging)
                copied = files.add_all(batches, progress)
            self._driver.close()
            with step(steps, "import"):
                done = subprocess.run([*shlex.split(command), str(files.finish())], capture_output=True, text=True)
            self._connect()
            if done.returncode != 0:
                raise StoreError(f"the import failed and wrote nothing: {done.stderr.strip()[-2000:]}", file=self.uri)
        with step(steps, "constraints"):
            self._create_constraints()
        with step(steps, "leftovers"):
            for kind, name, table in files.leftovers:
                with self.writer() as w:
                    (w.upsert_nodes if kind == "nodes" else w.upsert_edges)(name, table)
        return copied

    # ---------------------------------------------------------------- reads
    def get(self, item_id: str) -> Node | Edge | None:
        """The node or edge with this id, or None."""
        label, _ = parse_id(item_id)
        if label in self.schema.nodes:
            recs = self._run(f"MATCH (n:`{label}` {{id: $id}}) RETURN n", id=item_id)
            return to_node(recs[0]["n"]) if recs else None
        if label in self.schema.edges:
            recs = self._run(f"MATCH (a)-[r:`{label}` {{id: $id}}]->(b) RETURN r, a.id AS a, b.id AS b", id=item_id)
            return to_edge(recs[0]["r"], recs[0]["a"], recs[0]["b"]) if recs else None
        return None

    def _normalised_words(self, text: str) -> list[str]:
        words = []
        for word in text.split():
            rows = self._staging.execute(f"SELECT {norm_text('$w')}", {"w": word}).fetchall()
            if rows and rows[0][0]:
                words.append(str(rows[0][0]))
        return words

    def _find(self, label: str | None, props: Mapping[str, Any], text: str, limit: int) -> list[Node]:
        """Nodes by property equality and normalised text (see ``GraphStore.find``)."""
        words = self._normalised_words(text)
        found: list[tuple[str, int, Node]] = []
        for ntype in [self.schema.node(label)] if label else list(self.schema.nodes.values()):
            if words and not ntype.text:
                continue
            conds = [f"toString(n[$p{i}]) = toString($v{i})" for i in range(len(props))]
            params: dict[str, Any] = {"limit": limit, "words": words}
            for i, (name, value) in enumerate(sorted(props.items())):
                params[f"p{i}"], params[f"v{i}"] = name, value
            if words:
                joined = " + ' ' + ".join(f"coalesce(n._t_{t}, '')" for t in ntype.text)
                conds.append(f"all(w IN $words WHERE ({joined}) CONTAINS w)")
            where = f"WHERE {' AND '.join(conds)}" if conds else ""
            recs = self._run(f"MATCH (n:`{ntype.name}`) {where} RETURN n ORDER BY n._n LIMIT $limit", **params)
            found += [(ntype.name, r["n"]["_n"], to_node(r["n"])) for r in recs]
        return [n for _, _, n in sorted(found, key=lambda t: (t[0], t[1]))[:limit]]

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
        params = {"types": None, "since": None, "until": None, **params}  # Cypher tests each for null
        label, center = parse_id(node_id)
        labels: dict[int, str] = {center: label}

        def hop(frontier: list[int], cap: int) -> tuple[list[Row], bool]:
            rows: list[Row] = []
            for lab in sorted({labels[n] for n in frontier}):
                ids = [format_id(lab, n) for n in frontier if labels[n] == lab]
                for rec in self._run(_HOP.replace("$LABEL", lab), ids=ids, cap=cap, **params):
                    r = rec["r"]
                    row = (
                        r["_n"],
                        r.type,
                        rec["s"],
                        rec["d"],
                        rec["sl"],
                        rec["dl"],
                        split_props(dict(r)),
                        native(r.get("first_seen")),
                        native(r.get("last_seen")),
                        tuple(r.get("sources") or ()),
                        r.get("confidence"),
                        r.get("method"),
                        rec["nbr"],
                    )
                    labels[rec["nbr"]] = rec["nl"]
                    rows.append(row)
            rows = by_recency(rows)
            return rows[:cap], len(rows) >= cap

        hops, edges, truncated = expand(center, depth=depth, limit=limit, hop=hop)
        nodes = self._fetch({format_id(labels[n], n) for n in hops})
        if node_id not in {n.id for n in nodes}:
            return Neighbourhood(center=node_id)
        by_number = {parse_id(n.id)[1]: n.id for n in nodes}
        edge_list = [
            Edge(
                format_id(r[1], r[0]),
                r[1],
                format_id(r[4], r[2]),
                format_id(r[5], r[3]),
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
            )
            for r in edges.values()
        ]
        return Neighbourhood(
            nodes=nodes,
            edges=edge_list,
            center=node_id,
            hops={by_number[n]: h for n, h in hops.items() if n in by_number},
            truncated=truncated,
        )

    def _fetch(self, ids: set[str]) -> list[Node]:
        by_label: dict[str, list[str]] = {}
        for i in ids:
            by_label.setdefault(parse_id(i)[0], []).append(i)
        nodes = []
        for lab, group in by_label.items():
            if lab in self.schema.nodes:
                recs = self._run(f"UNWIND $ids AS id MATCH (n:`{lab}` {{id: id}}) RETURN n", ids=group)
                nodes += [to_node(r["n"]) for r in recs]
        return nodes

    def subgraph(self, node_ids: Sequence[str]) -> Subgraph:
        """These nodes (those that exist) and every edge among them."""
        nodes = self._fetch(set(node_ids))
        ids = [n.id for n in nodes]
        edges: list[Edge] = []
        for lab in sorted({n.label for n in nodes}):
            recs = self._run(
                f"UNWIND $mine AS id MATCH (a:`{lab}` {{id: id}})-[r]->(b) WHERE b.id IN $ids "
                "RETURN r, a.id AS a, b.id AS b",
                mine=[n.id for n in nodes if n.label == lab],
                ids=ids,
            )
            edges += [to_edge(r["r"], r["a"], r["b"]) for r in recs]
        return Subgraph(nodes=nodes, edges=edges)

    def edge_list(self, edge_types: Sequence[str] | None = None, *, columns: Sequence[str] | None = None) -> pa.Table:
        """Every edge (of these types) as Arrow, for analytics (only ``columns`` when given)."""
        for t in edge_types or ():
            self.schema.edge(t)
        names = edge_columns(columns)
        recs = self._run(
            "MATCH (a)-[r]->(b) WHERE $types IS NULL OR type(r) IN $types "
            "RETURN a._n AS src, b._n AS dst, labels(a)[0] AS src_label, labels(b)[0] AS dst_label, type(r) AS type, "
            "r._n AS eid, r.first_seen AS first_seen, r.last_seen AS last_seen",
            types=list(edge_types) if edge_types else None,
        )
        return to_arrow(recs, pa.schema([EDGE_SCHEMA.field(n) for n in names]))

    def node_table(self, labels: Sequence[str] | None = None) -> pa.Table:
        """Every node (of these labels) as Arrow, for analytics."""
        for lab in labels or ():
            self.schema.node(lab)
        recs = self._run(
            "MATCH (n) WHERE $labels IS NULL OR labels(n)[0] IN $labels "
            "RETURN n._n AS nid, labels(n)[0] AS label, n.first_seen AS first_seen, n.last_seen AS last_seen",
            labels=list(labels) if labels else None,
        )
        return to_arrow(recs, NODE_SCHEMA)

    def export_nodes(self, label: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every node of ``label`` in batches shaped for ``upsert_nodes``."""
        self.schema.node(label)
        cypher = f"MATCH (n:`{label}`) WHERE n._n > $after RETURN n ORDER BY n._n LIMIT $batch"
        after = -1
        while recs := self._run(cypher, after=after, batch=batch):
            nodes = [to_node(r["n"]) for r in recs]
            after = recs[-1]["n"]["_n"]
            yield export_table([{**n.props, **provenance(n)} for n in nodes])

    def export_edges(self, edge_type: str, *, batch: int = 50_000) -> Iterator[pa.Table]:
        """Every edge of ``edge_type`` in batches shaped for ``upsert_edges``."""
        self.schema.edge(edge_type)
        cypher = (
            f"MATCH (a)-[r:`{edge_type}`]->(b) WHERE r._n > $after "
            "RETURN r, a.id AS a, b.id AS b ORDER BY r._n LIMIT $batch"
        )
        after = -1
        while recs := self._run(cypher, after=after, batch=batch):
            edges = [to_edge(r["r"], r["a"], r["b"]) for r in recs]
            after = recs[-1]["r"]["_n"]
            yield export_table([{"src": e.src, "dst": e.dst, **e.props, **provenance(e)} for e in edges])

    def stats(self) -> StoreStats:
        """Counts of nodes per label and edges per type."""
        nodes = {r["l"]: int(r["c"]) for r in self._run("MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c")}
        edges = {r["t"]: int(r["c"]) for r in self._run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")}
        return StoreStats(nodes=nodes, edges=edges)


_HOP = """
UNWIND $ids AS id
MATCH (a:`$LABEL` {id: id})-[r]-(b)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($since IS NULL OR r.last_seen IS NULL OR r.last_seen >= $since)
  AND ($until IS NULL OR r.first_seen IS NULL OR r.first_seen <= $until)
RETURN r, startNode(r)._n AS s, endNode(r)._n AS d, labels(startNode(r))[0] AS sl, labels(endNode(r))[0] AS dl,
       b._n AS nbr, labels(b)[0] AS nl
ORDER BY r.last_seen IS NULL, r.last_seen DESC, b._n, r._n
LIMIT $cap"""
