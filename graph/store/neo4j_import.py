"""A first load of an empty Neo4j database with Neo4j's offline importer (``neo4j-admin database import full``).

Transactional Cypher writes cost the server tens of microseconds of CPU per row (parameters unpacked, each
row planned through the slotted runtime, index and transaction-log upkeep); the importer writes the store
files directly, several times cheaper. It needs the database offline and empty, and its input on the
server's disk, so it only serves a first load into a server the caller may stop: ``sync`` uses it when
``CLUEGRAPH_NEO4J_IMPORT`` names the command that stops the server, imports and starts it again (for the
test server: ``bash tools/neo4j/neo4j.sh import``). Everything else goes through the Cypher writer.

Rows are staged and merged exactly as the Cypher writer stages them (``node_items``/``edge_items`` and
``_merged``), so both paths store the same properties with the same types. A CSV file holds rows whose
property types agree (``name:long``, ``name:string[]``, ...); a row the CSV format cannot carry faithfully
(an empty list, a mixed list, a non-finite number, an odd property name, a huge text) is kept aside and
written through the Cypher writer after the import (``leftovers``), with the edges that end on one.

Nodes get their record ids here (``--id-type=actual``): a batch of ``n`` input rows takes the next ``n`` ids
(a row merged into an earlier one leaves a gap), and the edge files name those ids, looked up by DuckDB.
The importer then keeps no id map: no string ids to encode, sort and check, no lookup per relationship end
(1M relationships, standalone importer, load 12-15: 26.0 -> 21.2 CPU s, relationship stage 10.5 -> 6.5 s).
What its strict lookup and duplicate check caught is checked here instead, before the server is touched:
an edge whose endpoint no batch brought raises ``EndpointError`` (nodes come before their edges, as for
the writer), a node id in two batches raises ``StoreError``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from graph.errors import EndpointError, StoreError
from graph.schema import Schema
from graph.store.base import Rows
from graph.store.duckdb_rules import as_arrow
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.neo4j_csv import MAX_TEXT, NAME, field, iso_sql, row_of
from graph.store.neo4j_writer import edge_items, node_items

#: The argument file ``neo4j-admin database import full @FILE`` reads (picocli's @-files).
ARGS = "neo4j-admin.args"
_JSON_KINDS = {"VARCHAR": "string", "BIGINT": "long", "UBIGINT": "long", "DOUBLE": "double", "BOOLEAN": "boolean"}
_PART = "batch.part.csv"  # where a batch is written before it is filed in its input group
_IDS = "__imp_ids"  # the node ids of a first load and their record ids (a temporary DuckDB table)
#: Properties the provenance and ids set; a stored property of that name takes the row by row path.
_RESERVED = {"id", "first_seen", "last_seen", "sources", "confidence", "method"}

#: Sources as the Python rows give them (sorted, distinct; empty = no property), and the rows they cannot.
_SOURCES = "CASE WHEN len(sources) > 0 THEN array_to_string(list_sort(list_distinct(sources)), chr(31)) END"
_ODD_SOURCES = "count(*) FILTER (len(list_filter(sources, lambda x: x IS NULL OR x = '' OR contains(x, chr(31)))) > 0)"


def importer_options(off_heap: str = "2G") -> list[str]:
    """The importer's options for the files ``ImportFiles`` writes (input groups and multi-line files aside)."""
    return [
        "--id-type=actual",  # record ids given: no id map (see the module docstring)
        "--array-delimiter=U+001F",
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        f"--max-off-heap-memory={off_heap}",
    ]


@contextmanager
def step(seconds: dict[str, float], name: str) -> Iterator[None]:
    """Wall seconds of a step of a first load into ``seconds[name]`` (``Neo4jStore.first_load_seconds``)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = round(time.perf_counter() - start, 2)


class ImportFiles:
    """Writes an import folder: CSV files (one per label or type, endpoints and column types) and ``ARGS``."""

    def __init__(self, folder: Path, schema: Schema, stager: DuckDBWriter, con: duckdb.DuckDBPyConnection) -> None:
        self.folder = folder
        self._schema = schema
        self._stager = stager
        self._con = con  # the stager's connection: batches of plain scalars are written to CSV by DuckDB
        #: One input group per header (label or type, column types): its header file, then its data files,
        #: rather than one group per batch (65 at a million relationships). Cold-server A/B pairs showed no
        #: proven gain in time (tools/neo4j/README.md); it keeps the importer's input list short.
        self._groups: dict[tuple[str, str, str], list[Path]] = {}
        #: The one data file of a group that its batches without line breaks are appended to: before it
        #: starts, the importer parses a sample of every input file on one thread (standalone, 1M
        #: relationships, load 8: one file per group 4.2 s, five 6.8 s of that).
        self._plain: dict[tuple[str, str, str], Path] = {}
        self._multiline: list[Path] = []  # the data files with a line break inside a field
        #: (``"nodes"`` or ``"edges"``, label or type, rows) to write through the Cypher writer afterwards.
        self.leftovers: list[tuple[str, str, pa.Table]] = []
        self._next = 0  # the next free node record id
        #: Every node id seen, with its record id (NULL for a leftover node, written after the import).
        self._con.execute(f"CREATE OR REPLACE TEMP TABLE {_IDS} (id VARCHAR, nid BIGINT)")

    def add_all(
        self, batches: Iterable[tuple[str, str, Rows]], progress: Callable[[str, int], None] | None = None
    ) -> dict[str, int]:
        """Write ``("nodes" | "edges", label or type, rows)`` batches; rows read per label and type."""
        copied: dict[str, int] = {}
        for kind, name, rows in batches:
            add = self.add_nodes if kind == "nodes" else self.add_edges
            copied[name] = copied.get(name, 0) + add(name, rows)
            if progress:
                progress(name, copied[name])
        return copied

    def add_nodes(self, label: str, rows: Rows) -> int:
        """Stage and write a batch of nodes of ``label``; returns the rows read."""
        table = as_arrow(rows)
        ntype = self._schema.node(label)
        staged = self._stager.staged(ntype, table)
        texts = [f"_t_{t}" for t in ntype.text]
        first, odd = self._next, []
        self._next += int(table.num_rows)
        self._con.register("__imp_new", staged.select(["id", "__row"]))
        try:
            again = self._con.execute(f"SELECT n.id FROM __imp_new n SEMI JOIN {_IDS} USING (id) LIMIT 1").fetchall()
            if again:
                raise StoreError(f"{label} nodes: {again[0][0]} comes in two batches of a first load; nothing written")
            if not self._by_duckdb("nodes", label, staged, texts, first):
                items = node_items(ntype, staged)
                odd = self._write("nodes", label, ":ID", {(): items}, table, lambda it: [first + it["row"]])
            self._con.execute(
                f"INSERT INTO {_IDS} SELECT id, CASE WHEN list_contains($odd, __row) THEN NULL ELSE $first + __row END"
                " FROM __imp_new",
                {"odd": odd, "first": first},
            )
        finally:
            self._con.unregister("__imp_new")
        return int(table.num_rows)

    def add_edges(self, edge_type: str, rows: Rows) -> int:
        """Stage and write a batch of edges of ``edge_type``; returns the rows read."""
        table = as_arrow(rows)
        staged = self._with_ends(edge_type, self._stager.staged(self._schema.edge(edge_type), table), table)
        if self._by_duckdb("edges", edge_type, staged, []):
            return int(table.num_rows)
        rows, src, dst = (staged[c].to_pylist() for c in ("__row", "__src", "__dst"))
        ends = dict(zip(rows, zip(src, dst, strict=True), strict=True))
        self._write("edges", edge_type, ":START_ID,:END_ID", {(): edge_items(staged)}, table, lambda i: ends[i["row"]])
        return int(table.num_rows)

    def _with_ends(self, edge_type: str, staged: pa.Table, table: pa.Table) -> pa.Table:
        """The staged edges with the record ids of their ends (``__src``, ``__dst``); those ending on a
        leftover node go to the leftovers too. An end no batch brought raises ``EndpointError``, naming the
        first such row as the writer does (source ends first)."""
        self._con.register("__imp_e", staged.select(["src", "dst", "__row"]))
        try:  # only the looked-up columns come back, in the staged order (by __row): props are not copied
            ends = self._con.sql(
                f"SELECT a.nid AS __src, b.nid AS __dst, a.id IS NULL AS __no_src, b.id IS NULL AS __no_dst "
                f"FROM __imp_e e LEFT JOIN {_IDS} a ON a.id = e.src LEFT JOIN {_IDS} b ON b.id = e.dst ORDER BY e.__row"
            ).to_arrow_table()
        finally:
            self._con.unregister("__imp_e")
        joined = staged
        for name in ends.column_names:
            joined = joined.append_column(name, ends[name])
        for end in ("src", "dst"):
            bad = joined.filter(joined[f"__no_{end}"])
            if bad.num_rows:
                raise EndpointError(
                    f"{edge_type} edges: endpoint node does not exist; write nodes before their edges ({bad.num_rows}"
                    f" bad row{'s' if bad.num_rows > 1 else ''}, nothing of this first load written)",
                    record=f"row {bad['__row'][0].as_py()}",
                    field=end,
                    value=bad[end][0].as_py(),
                )
        waiting = pc.or_(pc.is_null(joined["__src"]), pc.is_null(joined["__dst"]))
        if pc.any(waiting).as_py():
            self.leftovers.append(("edges", edge_type, table.take(joined.filter(waiting)["__row"])))
            joined = joined.filter(pc.invert(waiting))
        return joined.drop_columns(["__no_src", "__no_dst"])

    def _write(
        self,
        kind: str,
        name: str,
        id_header: str,
        groups: dict[tuple[str, ...], list[dict[str, Any]]],
        table: pa.Table,
        ids: Any,
    ) -> list[int]:
        """Write items row by row (Python); returns the input rows kept aside for the Cypher writer."""
        odd: list[int] = []
        for ends, items in groups.items():
            files: list[tuple[dict[str, str], list[tuple[list[str], dict[str, Any]]]]] = []
            for item in items:
                row = row_of(item)
                if row is None:
                    odd.append(item["row"])
                    continue
                props, kinds = row
                for columns, rows in files:  # the first file whose column types agree with this row's
                    if all(columns.get(k, v) == v for k, v in kinds.items()):
                        columns.update(kinds)
                        rows.append((ids(item), props))
                        break
                else:
                    files.append((dict(kinds), [(ids(item), props)]))
            for columns, rows in files:
                self._csv(kind, name, id_header.format(*ends), columns, rows)
        if odd:
            self.leftovers.append((kind, name, table.take(sorted(odd))))
        return odd

    def _csv(
        self, kind: str, name: str, id_header: str, columns: dict[str, str], rows: list[tuple[list[str], Any]]
    ) -> None:
        names = list(columns)
        part = self.folder / _PART
        with part.open("w", encoding="utf-8", newline="") as out:
            out.writelines(
                ",".join([*(field(i) for i in ends), *(field(props.get(c)) for c in names)]) + "\n"
                for ends, props in rows
            )
        self._place(kind, name, ",".join([id_header, *(f"{c}:{columns[c]}" for c in names)]), len(rows))

    def _by_duckdb(self, kind: str, name: str, staged: pa.Table, texts: list[str], first: int = 0) -> bool:
        """Write the batch to CSV with DuckDB when every property is a plain scalar of one JSON type and
        the sources fit an array field: the same values the Python rows give, without a Python object per
        row. False (nothing written) otherwise: the caller takes the row by row path."""
        self._con.register("__imp", staged)
        try:
            columns = self._plain_columns(texts, edges=kind == "edges")
            if columns is None:
                return False
            if kind == "nodes":
                self._copy(kind, name, [(":ID", f"{int(first)} + __row"), ("id:string", "id"), *columns])
            else:
                self._copy(kind, name, [(":START_ID", "__src"), (":END_ID", "__dst"), ("id:string", "id"), *columns])
            return True
        finally:
            self._con.unregister("__imp")

    def _plain_columns(self, texts: list[str], *, edges: bool) -> list[tuple[str, str]] | None:
        """(header, SQL) of every column but the ids, or None when some value needs the row by row path."""
        keys = [str(k) for (k,) in self._con.execute("SELECT DISTINCT unnest(json_keys(props)) FROM __imp").fetchall()]
        if any(not NAME.match(k) or k.startswith("_") or k in _RESERVED for k in keys):
            return None
        checks = ", ".join(
            f"list(DISTINCT json_type(props, '$.{k}')), "
            f"count(*) FILTER (json_type(props, '$.{k}') = 'UBIGINT' AND "
            f"TRY_CAST(json_extract_string(props, '$.{k}') AS BIGINT) IS NULL), "
            f"coalesce(max(length(json_extract_string(props, '$.{k}'))), 0)"
            for k in keys
        )
        found = self._con.execute(f"SELECT {_ODD_SOURCES}{', ' if checks else ''}{checks} FROM __imp").fetchall()[0]
        if found[0]:
            return None
        columns = [
            ("first_seen:localdatetime", iso_sql("first_seen")),
            ("last_seen:localdatetime", iso_sql("last_seen")),
            ("_n:long", "n"),
            *((f"{t}:string", t) for t in texts),
            *([("_key:string", "key")] if edges else []),
        ]
        for i, k in enumerate(keys):
            types, too_big, longest = found[1 + 3 * i : 4 + 3 * i]
            kinds = {_JSON_KINDS.get(t, "?") for t in types if t not in (None, "NULL")}
            if len(kinds) != 1 or "?" in kinds or too_big or longest > MAX_TEXT:
                return None
            columns.append((f"{k}:{kinds.pop()}", f"json_extract_string(props, '$.{k}')"))
        return [
            *columns,
            ("sources:string[]", _SOURCES),
            ("confidence:double", "confidence"),
            ("method:string", "method"),
        ]

    def _copy(self, kind: str, name: str, columns: list[tuple[str, str]]) -> None:
        part = self.folder / _PART
        select = ", ".join(e for _, e in columns)
        done = self._con.execute(f"COPY (SELECT {select} FROM __imp) TO '{part}' (HEADER false)").fetchone()
        self._place(kind, name, ",".join(h for h, _ in columns), int(done[0]) if done else 0)

    def _data_file(self, kind: str, name: str, header: str) -> Path:
        """A new data file in the input group of ``header`` (the group and its header file made on first use)."""
        group = self._groups.get((kind, name, header))
        if group is None:
            head = self.folder / f"{len(self._groups):05d}_{name}.header.csv"
            head.write_text(header + "\n", encoding="utf-8")
            group = self._groups[(kind, name, header)] = [head]
        group.append(group[0].with_name(group[0].name.replace(".header.csv", f".{len(group):05d}.csv")))
        return group[-1]

    def _place(self, kind: str, name: str, header: str, rows: int) -> None:
        """File the batch just written to ``_PART`` in the input group of ``header``: appended to the group's
        plain data file, or, when some field holds a line break (more line ends than rows, or any carriage
        return), kept as a file of its own that is read with ``--multiline-fields`` (that option stops the
        importer from splitting a file between its threads, so only such files get it)."""
        part = self.folder / _PART
        data = part.read_bytes()
        multiline = data.count(b"\n") != rows or b"\r" in data
        key = (kind, name, header)
        plain = self._plain.get(key)
        if multiline or plain is None:
            path = self._data_file(kind, name, header)
            part.rename(path)
            if multiline:
                self._multiline.append(path)
            else:
                self._plain[key] = path
            return
        with plain.open("ab") as out:
            out.write(data)
        part.unlink()

    def finish(self) -> Path:
        """Write the argument file and return its path."""
        path = self.folder / ARGS
        self._con.execute(f"DROP TABLE IF EXISTS {_IDS}")
        options = importer_options()
        if self._multiline:
            options += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(map(str, self._multiline))]
        else:
            options.append("--multiline-fields=false")
        groups = [
            f"--{'nodes' if kind == 'nodes' else 'relationships'}={name}={','.join(map(str, files))}"
            for (kind, name, _), files in self._groups.items()
        ]
        path.write_text("\n".join(options + groups) + "\n", encoding="utf-8")
        return path
