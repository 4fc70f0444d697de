"""CSV fields for Neo4j's offline importer: the importer type of a property value, one field's text, and the
properties of a new item as the Cypher writer would create them (used by ``graph.store.neo4j_import``)."""

from __future__ import annotations

import math
import re
from typing import Any

from graph.store.neo4j_writer import _iso, _merged

ARRAY_SEP = "\x1f"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_TEXT = 1_000_000  # the importer's read buffer holds a field whole (4 MiB by default)
_SCALARS = {bool: "boolean", int: "long", float: "double", str: "string"}


def iso_sql(column: str) -> str:
    """A DuckDB expression writing a timestamp as the shortest ISO text that holds it: the importer parses
    each one with a regular expression (a fifth of its time at a million edges), and a bare date parses
    in about half the time of a full timestamp; all give the same LOCAL DATETIME."""
    return (
        f"CASE WHEN {column} = date_trunc('day', {column}) THEN strftime({column}, '%Y-%m-%d')"
        f" WHEN {column} = date_trunc('second', {column}) THEN strftime({column}, '%Y-%m-%dT%H:%M:%S')"
        f" ELSE strftime({column}, '%Y-%m-%dT%H:%M:%S.%f') END"
    )


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
    if kind == "string" and len(value) > MAX_TEXT:
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


def row_of(item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
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
        if kind is None or not NAME.match(name):
            return None
        kinds[name] = kind
    return props, kinds
