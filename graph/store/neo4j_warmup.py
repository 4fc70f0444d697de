"""A small sample import that the server runs while a first load's files are still being written.

In a freshly started server JVM the importer's code starts interpreted: the first 5% of a million
relationships took 3 s, each further 5% 0.2 s (its own log), and the index builders after it are cold too.
``warm_up`` writes a sample with the same column types and importer options as ``ImportFiles`` (40,000 nodes,
150,000 relationships, a fraction of a second for DuckDB) and hands it to the import command as
``COMMAND --warm-up ARGS_FILE``: the test server (``tools/neo4j``) imports it into a scratch home beside its
database, which keeps serving, so that code is compiled by the time the real files arrive; the real import
waits for it. It costs server CPU inside the first load's time, on the core the client's file writing leaves
free. A command that knows no ``--warm-up`` fails it, and that failure is ignored: it only costs time.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import duckdb

from graph.store.neo4j_csv import iso_sql
from graph.store.neo4j_import import importer_options

NODES, EDGES = 40_000, 150_000
_NODE_HEADER = (
    ":ID,id:string,first_seen:localdatetime,last_seen:localdatetime,_n:long,_t_name:string,name:string,"
    "sources:string[],confidence:double,method:string"
)
_EDGE_HEADER = (
    ":START_ID,:END_ID,id:string,first_seen:localdatetime,last_seen:localdatetime,_n:long,_key:string,"
    "sources:string[],confidence:double,method:string"
)
#: Every fourth row a timestamp with seconds, the others a bare date (``iso_sql`` writes both); ids and
#: provenance shaped as the store writes them.
_TIMES = "TIMESTAMP '2020-01-01' + to_days((i % 1500)::INTEGER) + to_seconds((i % 4 = 0)::INTEGER * (i % 86400))"
_NODES = f"""
SELECT i, 'Warm:' || lpad(printf('%x', hash(i) >> 2), 16, '0'), {iso_sql('t')}, {iso_sql('t')}, hash(i) >> 1,
       'NAME ' || i, 'Name ' || i, 'warm.csv:' || i, CASE WHEN i % 3 = 0 THEN 0.9 END,
       CASE WHEN i % 3 = 0 THEN 'rule' END
FROM (SELECT i, {_TIMES} AS t FROM range({NODES}) r(i))"""
_EDGES = f"""
SELECT hash(i) % {NODES}, hash(i + 7) % {NODES}, 'WARM:' || lpad(printf('%x', hash(i) >> 2), 16, '0'),
       {iso_sql('t')}, {iso_sql('t')}, hash(i) >> 1, CASE WHEN i % 5 = 0 THEN 'k' || i END,
       'warm.csv:' || i, CASE WHEN i % 3 = 0 THEN 0.5 END, CASE WHEN i % 3 = 0 THEN 'rule' END
FROM (SELECT i, {_TIMES} AS t FROM range({EDGES}) r(i))"""


def warm_up(command: list[str], folder: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Write the sample into ``folder`` and hand it to ``command --warm-up``; returns at once."""
    folder.mkdir(parents=True, exist_ok=True)
    groups = []
    for kind, header, sql in (("nodes", _NODE_HEADER, _NODES), ("relationships", _EDGE_HEADER, _EDGES)):
        head, data = folder / f"{kind}.header.csv", folder / f"{kind}.csv"
        head.write_text(header + "\n", encoding="utf-8")
        con.execute(f"COPY ({sql}) TO '{data}' (HEADER false)")
        groups.append(f"--{kind}={'Warm' if kind == 'nodes' else 'WARM'}={head},{data}")
    args = folder / "warm-up.args"
    options = [*importer_options(off_heap="512M"), "--multiline-fields=false"]
    args.write_text("\n".join([*options, *groups]) + "\n", encoding="utf-8")
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # no warm-up: the import is only slower
        subprocess.run([*command, "--warm-up", str(args)], capture_output=True, timeout=30, check=False)
