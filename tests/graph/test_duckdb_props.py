"""The JSON of a node's properties: built without a merge patch where it can be, the same text either way."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from graph.store.duckdb_row_sql import json_props


def _table(nullable: int, rows: int = 64) -> pa.Table:
    rng = np.random.default_rng(nullable)
    cols = {
        "s": pa.array([f"x{i}\"é" for i in range(rows)]),
        "i": pa.array(list(range(rows)), pa.int64()),
        "f": pa.array(rng.random(rows)),
        "b": pa.array([bool(i % 2) for i in range(rows)]),
        "d": pa.array(np.arange(rows).astype("datetime64[s]")),
    }
    names = list(cols)
    for name in names[:nullable]:  # nulls in the first ``nullable`` columns, at random rows
        mask = pa.array(rng.random(rows) < 0.4)
        cols[name] = pc.if_else(mask, pa.scalar(None, cols[name].type), cols[name])
    return pa.table(cols)


@pytest.mark.parametrize("nullable", [0, 1, 3, 4, 5])
def test_properties_are_the_json_a_merge_patch_gives_whatever_holds_nulls(nullable: int) -> None:
    table = _table(nullable)
    props = table.column_names
    con = duckdb.connect()
    con.register("t", table)
    pairs = ", ".join(f"'{p}', \"{p}\"" for p in props)
    ours = con.sql(f"SELECT ({json_props(table, props)})::VARCHAR FROM t").fetchall()
    patched = con.sql(f"SELECT json_merge_patch('{{}}', json_object({pairs}))::VARCHAR FROM t").fetchall()
    assert ours == patched
    assert ("merge_patch" in json_props(table, props)) == (nullable > 4)


def test_nested_properties_keep_the_merge_patch_that_drops_nulls_inside_them() -> None:
    table = pa.table({"a": pa.array([{"x": 1, "y": None}])})
    assert "merge_patch" in json_props(table, ["a"])
    con = duckdb.connect()
    con.register("t", table)
    assert con.sql(f"SELECT ({json_props(table, ['a'])})::VARCHAR FROM t").fetchall() == [('{"a":{"x":1}}',)]
