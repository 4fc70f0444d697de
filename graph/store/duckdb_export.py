"""Whole labels and edge types of the DuckDB store as Arrow batches, without a Python object per row.

DuckDB itself expands each item's JSON properties into typed columns: one pass finds the union of the
property names (in order of first appearance, items in id order) and the merged JSON structure of their
values; ``json_transform`` then reads every item's properties as one STRUCT of that shape, and ``sources``
(a JSON array) becomes a list column. The batches carry the columns ``upsert_nodes`` / ``upsert_edges``
take: properties (and for edges ``src``, ``dst`` first), then ``first_seen``, ``last_seen``, ``sources``,
``confidence``, ``method``.

Types follow what Python's inference made of the parsed values before: whole numbers are ``int64``, numbers
with a fraction anywhere in the column ``double``, text ``string``, lists and objects nested types. Two
deliberate differences: a column is typed once for the whole label, so every batch has the same columns
(a property only later items have is a null column in earlier batches, not missing), and a column whose
values mix text with numbers or booleans comes out as text (Arrow could not type it at all before).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from graph.store.duckdb_ddl import id_string

_PROVENANCE = "first_seen, last_seen, from_json(sources, '[\"VARCHAR\"]') AS sources, confidence, method"


def _arrow_like(structure: Any) -> Any:
    """A JSON structure (``json_group_structure``) with the types Arrow inferred from Python values before:
    unsigned whole numbers as signed ones, a scalar of mixed kinds as text."""
    if isinstance(structure, dict):
        return {k: _arrow_like(v) for k, v in structure.items()}
    if isinstance(structure, list):
        return [_arrow_like(v) for v in structure]
    return {"UBIGINT": "BIGINT", "JSON": "VARCHAR"}.get(structure, structure)


def _columns(
    cur: duckdb.DuckDBPyConnection, scope: str, order: str, params: dict[str, Any]
) -> tuple[list[tuple[str, bool]], str]:
    """The property names of the items in ``scope`` in order of first appearance (items in ``order``), each
    with whether the first item has it, and the JSON structure that types them all."""
    names = cur.execute(
        f"""SELECT key, min(rn) FROM (
              SELECT rn, unnest(json_keys(props)) AS key, unnest(range(len(json_keys(props)))) AS pos
              FROM (SELECT row_number() OVER (ORDER BY {order}) AS rn, props FROM {scope} AND props IS NOT NULL))
            GROUP BY key ORDER BY min(rn), arg_min(pos, rn)""",
        params,
    ).fetchall()
    structure = cur.execute(f"SELECT json_group_structure(props) FROM {scope}", params).fetchall()[0][0]
    shape = _arrow_like(json.loads(structure)) if structure else {}
    return [(n, first == 1) for n, first in names], json.dumps(shape if isinstance(shape, dict) else {})


def export_sql(cur: duckdb.DuckDBPyConnection, table: str, name: str) -> tuple[str, dict[str, Any]]:
    """The query that exports every node of label ``name`` (``table == "nodes"``) or edge of type ``name``."""
    params = {"name": name}
    key, scope_col = ("nid", "label") if table == "nodes" else ("eid", "type")
    scope = f"(SELECT * FROM {table} WHERE {scope_col} = $name)"
    names, shape = _columns(cur, f"{table} WHERE {scope_col} = $name", key, params)
    # The columns in the order the row-by-row export had: the first item's properties, its provenance, then
    # the properties only later items have.
    ends = (
        []
        if table == "nodes"
        else [f"{id_string('src_label', 'src')} AS src", f"{id_string('dst_label', 'dst')} AS dst"]
    )
    first = [f'p."{n}" AS "{n}"' for n, in_first in names if in_first]
    later = [f'p."{n}" AS "{n}"' for n, in_first in names if not in_first]
    struct = ", json_transform(props, $shape) AS p" if names else ""
    sql = f"""SELECT {", ".join([*ends, *first, _PROVENANCE, *later])}
              FROM (SELECT *{struct} FROM {scope}) ORDER BY {key}"""
    return sql, {**params, "shape": shape} if names else params


def batches(reader: pa.RecordBatchReader, size: int) -> Iterator[pa.Table]:
    """The reader's rows as tables of ``size`` rows (the last one may be shorter)."""
    held: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        held.append(batch)
        count += batch.num_rows
        while count >= size:
            table = pa.Table.from_batches(held, reader.schema)
            yield table.slice(0, size)
            held, count = table.slice(size).to_batches(), count - size
    if count:
        yield pa.Table.from_batches(held, reader.schema)
