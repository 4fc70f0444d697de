"""Stable ids from natural keys.

A node id is ``Label:`` followed by 16 hex digits: the first 8 bytes of the MD5 of the canonical key string
(label and key values joined by the unit separator U+001F), read little-endian and shifted right by one bit
so it fits a signed 64-bit integer. The same key gives the same id on every run and every machine, and
stores keep the 63-bit number for fast joins (DuckDB's ``md5_number_upper`` computes the same number in
bulk; ``tests/graph/test_ids.py`` pins that the two agree).

An edge id is ``TYPE:`` and 16 hex digits mixed from the numbers of its type, its two ends and its key by
SplitMix64 rounds: as stable as MD5 for this purpose, and ten times cheaper in bulk, which matters at
millions of edges.

>>> node_id("Document", "CHN", "E12345678")
'Document:2123867e2a162a6c'
>>> parse_id("Document:2123867e2a162a6c")
('Document', 2387900103866591852)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import pyarrow as pa

from graph.errors import InvalidIdError

SEP = "\x1f"
_ID = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):([0-9a-f]{16})$")
_REF = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)=(.+)$", re.DOTALL)
#: The same pattern, for SQL regexp_full_match (stores use it to validate ids in bulk).
ID_PATTERN = r"[A-Za-z][A-Za-z0-9_]*:[0-9a-f]{16}"


def canonical(value: object) -> str:
    """The text a key value contributes to an id: strings as they are, integers and dates in ISO form.

    Ingest normalises values (case, spacing, document numbers) before they become keys; this function
    only fixes how a normalised value is spelled, and matches a SQL ``CAST(value AS VARCHAR)``.

    >>> canonical(date(2024, 3, 1)), canonical(42), canonical("E1")
    ('2024-03-01', '42', 'E1')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    raise InvalidIdError("a key value must be text, an integer or a date", field="key", value=value)


def hash63(text: str) -> int:
    """The 63-bit number behind an id (non-negative, fits a signed 64-bit integer).

    >>> hash63("Port" + SEP + "LHR") == parse_id(node_id("Port", "LHR"))[1]
    True
    """
    return int.from_bytes(hashlib.md5(text.encode("utf-8")).digest()[:8], "little") >> 1


def format_id(label: str, number: int) -> str:
    """Spell an id from its label and 63-bit number.

    >>> format_id("Port", 255)
    'Port:00000000000000ff'
    """
    return f"{label}:{number:016x}"


def node_id(label: str, *key_values: object) -> str:
    """The id of the node of ``label`` whose key properties have these values (in the schema's order)."""
    if not key_values:
        raise InvalidIdError("a node id needs at least one key value", field="key", value=label)
    return format_id(label, hash63(SEP.join([label, *(canonical(v) for v in key_values)])))


M64 = 0xFFFFFFFFFFFFFFFF
#: SplitMix64 constants (Steele, Lea, Flood 2014), shared with the SQL of the stores.
GOLDEN, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def splitmix64(z: int) -> int:
    """One SplitMix64 step of a 64-bit number.

    >>> splitmix64(0)
    16294208416658607535
    """
    z = (z + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * MIX1) & M64
    z = ((z ^ (z >> 27)) * MIX2) & M64
    return z ^ (z >> 31)


def edge_number(edge_type: str, src: int, dst: int, key: object = None) -> int:
    """The 63-bit number of an edge from the numbers of its ends (see the module doc)."""
    key_number = 0 if key is None else hash63(canonical(key))
    h = splitmix64(hash63(edge_type) ^ src)
    h = splitmix64(h ^ dst)
    return splitmix64(h ^ key_number) >> 1


def edge_id(edge_type: str, src: str, dst: str, key: object = None) -> str:
    """The id of the edge of ``edge_type`` from ``src`` to ``dst`` (ids), told apart by ``key`` if any.

    Symmetric edge types put their ends in sorted order before calling this (the store does).

    >>> edge_id("HOLDS", node_id("Person", "p1"), node_id("Document", "CHN", "E1"))[:6]
    'HOLDS:'
    """
    return format_id(edge_type, edge_number(edge_type, parse_id(src)[1], parse_id(dst)[1], key))


def parse_id(text: str) -> tuple[str, int]:
    """Split an id into its label (or edge type) and 63-bit number; ``InvalidIdError`` if it is not one."""
    match = _ID.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidIdError("not a cluegraph id (expected Label:16 hex digits)", field="id", value=text)
    return match.group(1), int(match.group(2), 16)


def resolve_ref(text: str) -> str:
    """An id, given either an id or a readable reference by key, ``Label=key1|key2``.

    >>> resolve_ref("Document=CHN|E12345678") == node_id("Document", "CHN", "E12345678")
    True
    >>> resolve_ref("Port:00000000000000ff")
    'Port:00000000000000ff'
    """
    match = _REF.match(text) if isinstance(text, str) else None
    if match:
        return node_id(match.group(1), *match.group(2).split("|"))
    parse_id(text)
    return text


def split_ref(text: object) -> tuple[str, list[str]] | None:
    """``(label, key values)`` of a ``Label=key1|key2`` reference, or None if ``text`` is not one."""
    match = _REF.match(text) if isinstance(text, str) else None
    return (match.group(1), match.group(2).split("|")) if match else None


def node_ids(label: str, *key_columns: Sequence[object] | pa.Array) -> pa.Array:
    """Ids of many nodes of ``label`` at once: one column per key property (text, integers or dates), in
    the schema's order. Computed in bulk by DuckDB with the same function as ``node_id``.

    >>> node_ids("Port", ["LHR", "PEK"]).to_pylist() == [node_id("Port", "LHR"), node_id("Port", "PEK")]
    True
    """
    if not key_columns:
        raise InvalidIdError("node ids need at least one key column", field="key", value=label)
    table = pa.table(
        {
            f"k{i}": col if isinstance(col, pa.Array | pa.ChunkedArray) else pa.array(col)
            for i, col in enumerate(key_columns)
        }
    )
    canon = " || ".join(f"chr(31) || CAST(k{i} AS VARCHAR)" for i in range(len(key_columns)))
    con = duckdb.connect()
    try:
        con.register("keys", table)
        rel = con.sql(
            f"SELECT $label || ':' || lpad(printf('%x', (md5_number_upper($label || {canon}) >> 1)::BIGINT), 16, '0')"
            " AS id FROM keys",
            params={"label": label},
        )
        return rel.to_arrow_table().column("id").combine_chunks()
    finally:
        con.close()
