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
written through the Cypher writer after the import (``leftovers``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from graph.schema import Schema
from graph.store.base import Rows
from graph.store.duckdb_rules import as_arrow
from graph.store.duckdb_writer import DuckDBWriter
from graph.store.neo4j_writer import _iso, _merged, edge_items, node_items

#: The argument file ``neo4j-admin database import full @FILE`` reads (picocli's @-files).
ARGS = "neo4j-admin.args"
ARRAY_SEP = "\x1f"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_TEXT = 1_000_000  # the importer's read buffer holds a field whole (4 MiB by default)
_SCALARS = {bool: "boolean", int: "long", float: "double", str: "string"}


def kind_of(value: Any) -> str | None:
    """The importer's type for a property value, or None when a CSV field cannot carry it faithfully.

    >>> kind_of(3), kind_of(True), kind_of(["a", "b"]), kind_of([]), kind_of([1, "a"]), kind_of(float("nan"))
    ('long', 'boolean', 'string[]', None, None, None)
    """
    if isinstance(value, list):
        kinds = {_scalar_kind(v) for v in value}
        if len(kinds) != 1 or None in kinds:
            return None
        if isinstance(value[0], str) and any(v == "" or ARRAY_SEP in v for v in value):
            return None
        return f"{kinds.pop()}[]"
    return _scalar_kind(value)


def _scalar_kind(value: Any) -> str | None:
    kind = _SCALARS.get(type(value))
    if kind == "long" and not -(2**63) <= value < 2**63:
        return None
    if kind == "double" and not math.isfinite(value):
        return None
    if kind == "string" and len(value) > _MAX_TEXT:
        return None
    return kind


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else repr(value)


def field(value: Any) -> str:
    """One CSV field: text quoted (quotes doubled), lists joined by ``ARRAY_SEP`` and quoted, None empty.

    >>> field('O"Brien'), field(2.5), field(["a", "b"]), field(None), field("")
    ('"O""Brien"', '2.5', '"a\\x1fb"', '', '""')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, list):
        return field(ARRAY_SEP.join(_text(v) for v in value))
    return _text(value)


def _row(item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The properties the Cypher writer would create for a new item, and their importer types; None when
    some value cannot go through a CSV file."""
    props = _merged(item, None)
    assert props is not None  # an item that is not stored always has something to write
    props["id"] = item["id"]
    if not props.get("sources"):
        props.pop("sources", None)  # reads give () for a missing list and for an empty one alike
    props["first_seen"], props["last_seen"] = _iso(props.get("first_seen")), _iso(props.get("last_seen"))
    kinds = {"first_seen": "localdatetime", "last_seen": "localdatetime"}
    for name, value in props.items():
        if name in kinds:
            continue
        kind = kind_of(value)
        if kind is None or not _NAME.match(name):
            return None
        kinds[name] = kind
    return props, kinds


class ImportFiles:
    """Writes an import folder: CSV files (one per label or type, endpoints and column types) and ``ARGS``."""

    def __init__(self, folder: Path, schema: Schema, stager: DuckDBWriter) -> None:
        self.folder = folder
        self._schema = schema
        self._stager = stager
        self._args: list[str] = []
        #: (``"nodes"`` or ``"edges"``, label or type, rows) to write through the Cypher writer afterwards.
        self.leftovers: list[tuple[str, str, pa.Table]] = []

    def add_nodes(self, label: str, rows: Rows) -> int:
        """Stage and write a batch of nodes of ``label``; returns the rows read."""
        table = as_arrow(rows)
        items = node_items(self._schema.node(label), self._stager.staged(self._schema.node(label), table))
        self._write("nodes", label, f"id:ID({label})", {(): items}, table, lambda it: [it["id"]])
        return table.num_rows

    def add_edges(self, edge_type: str, rows: Rows) -> int:
        """Stage and write a batch of edges of ``edge_type``; returns the rows read."""
        table = as_arrow(rows)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in edge_items(self._stager.staged(self._schema.edge(edge_type), table)):
            groups.setdefault(item["ends"], []).append(item)
        self._write(
            "edges", edge_type, ":START_ID({}),:END_ID({})", groups, table, lambda it: [it["src"], it["dst"]]
        )
        return table.num_rows

    def _write(
        self,
        kind: str,
        name: str,
        id_header: str,
        groups: dict[tuple[str, ...], list[dict[str, Any]]],
        table: pa.Table,
        ids: Any,
    ) -> None:
        odd: list[int] = []
        for ends, items in groups.items():
            files: list[tuple[dict[str, str], list[tuple[list[str], dict[str, Any]]]]] = []
            for item in items:
                row = _row(item)
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

    def _csv(
        self, kind: str, name: str, id_header: str, columns: dict[str, str], rows: list[tuple[list[str], Any]]
    ) -> None:
        names = [c for c in columns if not (kind == "nodes" and c == "id")]
        path = self.folder / f"{len(self._args):05d}_{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(",".join([id_header, *(f"{c}:{columns[c]}" for c in names)]) + "\n")
            out.writelines(
                ",".join([*(field(i) for i in ends), *(field(props.get(c)) for c in names)]) + "\n"
                for ends, props in rows
            )
        self._args.append(f'--{"nodes" if kind == "nodes" else "relationships"}={name}={path}')

    def finish(self) -> Path:
        """Write the argument file and return its path."""
        path = self.folder / ARGS
        options = [
            "--id-type=string",
            "--array-delimiter=U+001F",
            "--multiline-fields=true",
            "--strict=true",
            "--bad-tolerance=0",
            "--skip-bad-relationships=false",
            "--skip-duplicate-nodes=false",
            "--max-off-heap-memory=2G",
        ]
        path.write_text("\n".join(options + self._args) + "\n", encoding="utf-8")
        return path
