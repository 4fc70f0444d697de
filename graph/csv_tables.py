"""A graph kept as CSV tables, one file per label and per edge type, loaded into a store in bulk.

Layout: ``nodes/<Label>.csv`` (the label's key properties as columns, other columns as properties) and
``edges/<TYPE>.csv`` (``src`` and ``dst``, then properties). An endpoint is a node id (``Person:1f3a...``)
or a readable reference by key, ``Label=key1|key2`` (``Document=GBR|123456789``). Every row keeps its
provenance: ``sources`` defaults to ``<file>:<line>``. Values are read as text, so document numbers keep
their leading zeros.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from graph.errors import InvalidInputError
from graph.ids import node_ids, split_ref
from graph.store.base import GraphStore


def read_table(path: Path) -> pa.Table:
    """One CSV file as an Arrow table of text columns, with a ``sources`` column if it had none."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            names = next(csv.reader(handle), [])
        table = pacsv.read_csv(
            path, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
        )
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid) as err:
        raise InvalidInputError(f"cannot read CSV: {err}", file=str(path)) from err
    if "sources" not in table.column_names:
        lines = np.arange(2, table.num_rows + 2).astype(str)
        table = table.append_column("sources", pa.array(np.char.add(f"{path.name}:", lines)))
    return table


def resolve_refs(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Turn ``Label=key1|key2`` references into node ids; ids pass through unchanged."""
    values = column.to_pylist()
    out: list[str | None] = list(values)
    groups: dict[tuple[str, int], list[tuple[int, list[str]]]] = {}
    for row, value in enumerate(values):
        ref = split_ref(value)
        if ref:
            groups.setdefault((ref[0], len(ref[1])), []).append((row, ref[1]))
    for (label, width), rows in groups.items():
        columns = [[keys[i] for _, keys in rows] for i in range(width)]
        for (row, _), ident in zip(rows, node_ids(label, *columns).to_pylist(), strict=True):
            out[row] = ident
    return pa.array(out, pa.string())


def load_csv_tables(
    store: GraphStore, folder: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Load ``folder/nodes/*.csv`` then ``folder/edges/*.csv`` into ``store`` in one transaction.

    Returns rows read per file. A bad file or row raises an error naming the file (and the row, field and
    value), and nothing is written. ``progress(name, done, total)`` is called after each file.
    """
    nodes, edges = sorted((folder / "nodes").glob("*.csv")), sorted((folder / "edges").glob("*.csv"))
    if not nodes and not edges:
        raise InvalidInputError("no nodes/*.csv or edges/*.csv here", file=str(folder))
    loaded: dict[str, int] = {}
    with store.writer() as w:
        for path in nodes:
            table = read_table(path)
            with _named(path):
                w.upsert_nodes(path.stem, table)
            loaded[f"nodes/{path.name}"] = table.num_rows
            if progress:
                progress(f"nodes/{path.name}", len(loaded), len(nodes) + len(edges))
        for path in edges:
            table = read_table(path)
            for end in ("src", "dst"):
                if end in table.column_names:
                    ids = resolve_refs(table.column(end))
                    table = table.set_column(table.column_names.index(end), end, ids)
            with _named(path):
                w.upsert_edges(path.stem, table)
            loaded[f"edges/{path.name}"] = table.num_rows
            if progress:
                progress(f"edges/{path.name}", len(loaded), len(nodes) + len(edges))
    return loaded


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """Add the file name (and the CSV line of the row) to any input error raised inside."""
    try:
        yield
    except InvalidInputError as err:
        err.file = str(path)
        if isinstance(err.record, str) and err.record.startswith("row "):
            err.record = f"line {int(err.record[4:]) + 2}"
        raise
