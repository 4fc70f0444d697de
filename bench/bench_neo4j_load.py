"""Write throughput of the Neo4j store (nodes/s, relationships/s) at 1,000,000 relationships, next to a naive
writer measured in the same run on a sample: one row per transaction, one MERGE each.

Two write paths of the store are timed: its first load into an empty database through Neo4j's offline
importer (``Neo4jStore.first_load``: CSV files, ``neo4j-admin database import full`` run inside the server's
JVM between a shutdown and a start of its DBMS, constraints built; only with the server of ``tools/neo4j``),
and its transactional writer (``writer()``, ``UNWIND`` batches) on the first ``--cypher-edges`` relationships.
Wall and CPU seconds (this process, and the server process when it is the local one) and the load average
stand beside each figure; the first load also reports its steps and the importer's own stages (from its log).

The first load is repeated (``--repeat``): the first one runs in a freshly started server JVM (cold: no
import has run in it), the others in the same JVM after its database was emptied in place (``neo4j.sh
empty``), as a long-running team server would run them (warm). Both are reported; JIT warm-up alone made the
same import take twice the server CPU.

What is timed: from the moment the load is requested (``Neo4jStore.first_load`` called: CSV files, the
import with the database's stop and start, constraints) until it returns. Not timed: the server's start,
which includes its warm-up (``tools/neo4j``: after Bolt answers, the launcher imports a generated
100,000-node, 500,000-relationship sample into a scratch home and builds its constraints there, so the
importer's and the index builders' code is compiled; the bench waits for it with ``neo4j.sh warm``), as a
team server is started once and loaded later. The warm-up's time and the server's CPU seconds up to the
request are reported beside the cold load (``before_the_load_not_timed``).

Needs a Neo4j server: ``CLUEGRAPH_TEST_NEO4J_URI`` or the one ``tools/neo4j/neo4j.sh start`` runs (started
and stopped here when none is given). The database is emptied first.

    python -m bench.bench_neo4j_load [--nodes 200000] [--edges 1000000] [--batch 20000] [--sample 2000]
                                     [--import-batch 200000] [--cypher-edges 1000000] [--no-import] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from neo4j import GraphDatabase

from bench.common import edge_files, make_graph, node_files, report, timed
from graph.ids import edge_id
from graph.store import open_store

OUT = Path("out/bench")
NEO4J_SH = Path(__file__).parents[1] / "tools" / "neo4j" / "neo4j.sh"


def _server_cpu_s() -> float:
    """CPU seconds of the local test server (tools/neo4j), 0 when it is not the local one."""
    try:
        pid = (NEO4J_SH.parent / "run" / "neo4j.pid").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def costs(out: dict[str, Any]) -> Iterator[None]:
    """Wall seconds, CPU seconds of this process and of the server, and the 1-minute load average."""
    wall, cpu, server, load = time.perf_counter(), time.process_time(), _server_cpu_s(), os.getloadavg()[0]
    yield
    out["wall_s"] = round(time.perf_counter() - wall, 1)
    out["client_cpu_s"] = round(time.process_time() - cpu, 1)
    out["server_cpu_s"] = round(_server_cpu_s() - server, 1)  # a restarted server counts from its start
    out["load_average_1m"] = [round(load, 1), round(os.getloadavg()[0], 1)]


def first_load(uri: str, folder: Path, batch: int) -> dict[str, Any]:
    """Nodes and edges into the empty database through the store's offline first load, as Arrow batches of
    ``batch`` rows (the store takes pandas or Arrow; ``sync`` hands it Arrow)."""
    os.environ["CLUEGRAPH_NEO4J_IMPORT"] = f"bash {NEO4J_SH} import"
    result: dict[str, Any] = {"batch": batch}

    def batches() -> Iterator[tuple[str, str, Any]]:
        for kind, files in (("nodes", node_files(folder)), ("edges", edge_files(folder))):
            for name, path in files:
                table = pq.read_table(path)
                for start in range(0, table.num_rows, batch):
                    yield kind, name, table.slice(start, batch)

    with open_store(uri) as store, costs(result):
        copied = store.first_load(batches())  # type: ignore[attr-defined]
    if copied is None:
        raise SystemExit("first load not possible: the database is not empty")
    result["steps_s"] = store.first_load_seconds  # type: ignore[attr-defined]
    reply = NEO4J_SH.parent / "run" / "import.reply"  # the launcher's own timings: stop, import, start
    if reply.exists():
        result["steps_s"]["import_in_server"] = reply.read_text().strip().split(" ", 1)[1]
        result["importer_stages_s"] = importer_stages((NEO4J_SH.parent / "run" / "import.log").read_text())
    nodes = sum(n for name, n in copied.items() if name in store.schema.nodes)
    edges = sum(n for name, n in copied.items() if name in store.schema.edges)
    result.update(nodes=nodes, edges=edges)
    result["nodes_and_edges_per_s"] = round((nodes + edges) / result["wall_s"])
    result["edges_per_s"] = round(edges / result["wall_s"])  # the whole load's time: nodes included
    return result


def _warm_up_reply() -> str | None:
    """What the local test server's warm-up at start did (``tools/neo4j/run/warmup.reply``), None without it."""
    reply = NEO4J_SH.parent / "run" / "warmup.reply"
    return reply.read_text().strip().split(" ", 1)[1] if reply.exists() else None


def importer_stages(log: str) -> dict[str, float]:
    """Seconds of the importer's stages from its log, and ``before_start``: what it spends before its first
    stage (sampling every input file on one thread to estimate sizes).

    >>> importer_stages("Node import COMPLETED in 5s 908ms\\nPost processing COMPLETED in 380ms\\n"
    ...                 "IMPORT DONE in 30s 695ms.")
    {'node_import': 5.908, 'post_processing': 0.38, 'total': 30.695, 'before_start': 24.407}
    """

    def seconds(text: str) -> float:
        return round(sum(float(n) * (1 if unit == "s" else 0.001) for n, unit in re.findall(r"(\d+)(ms|s)\b", text)), 3)

    stages = {
        m[1].strip().lower().replace(" ", "_"): seconds(m[2])
        for m in re.finditer(r"^(\w[\w ]*?) COMPLETED in ([^\n]+)", log, re.M)
    }
    done = re.search(r"IMPORT DONE in ([^.\n]+)", log)
    if done:
        stages["total"] = seconds(done[1])
        stages["before_start"] = round(stages["total"] - sum(v for k, v in stages.items() if k != "total"), 3)
    return stages


def empty_database(uri: str, *, fresh_jvm: bool = True) -> None:
    """Delete everything: the local test server is reset and started again on its port (a fresh JVM), or
    with ``fresh_jvm=False`` has its database deleted and started again inside the running JVM (seconds,
    where deleting a million relationships in transactions takes minutes); any other server by Cypher."""
    status = subprocess.run(["bash", str(NEO4J_SH), "status"], capture_output=True, text=True, check=False)
    if status.returncode == 0 and status.stdout.strip().endswith(uri):
        env = {**os.environ, "CLUEGRAPH_NEO4J_PORT": uri.rsplit(":", 1)[1]}
        for command in ["empty"] if not fresh_jvm else ["reset", "start", "warm"]:
            subprocess.run(["bash", str(NEO4J_SH), command], check=True, capture_output=True, env=env)
        return
    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def load(uri: str, folder: Path, batch: int, max_edges: int) -> dict[str, Any]:
    """Nodes then (the first ``max_edges``) edges through the store's writer, ``batch`` rows a transaction."""
    result: dict[str, Any] = {"batch": batch}
    with open_store(uri) as store, costs(result):
        for kind, files, upsert in (
            ("nodes", node_files(folder), "upsert_nodes"),
            ("edges", edge_files(folder), "upsert_edges"),
        ):
            count, cap = 0, max_edges if kind == "edges" else None
            with timed() as t:
                for name, path in files:
                    table = pq.read_table(path)
                    if cap is not None:
                        table, cap = table.slice(0, cap), max(0, cap - table.num_rows)
                    for chunk in table.to_batches(max_chunksize=batch):
                        with store.writer() as w:
                            getattr(w, upsert)(name, chunk.to_pandas())
                        count += chunk.num_rows
            result[kind] = count
            result[f"{kind}_s"] = round(t[0], 1)
            result[f"{kind}_per_s"] = round(count / t[0])
    return result


def _write_one(tx: Any, cypher: str, etype: str, r: dict[str, Any]) -> None:
    """One baseline relationship in its own transaction."""
    tx.run(
        cypher, src=r["src"], dst=r["dst"], id=edge_id(etype, r["src"], r["dst"]), first=r["first_seen"],
        source=r["sources"],
    ).consume()


def naive(uri: str, folder: Path, sample: int) -> dict[str, Any]:
    """Baseline: one relationship per transaction, one MERGE, as a first script would write it."""
    etype, path = edge_files(folder)[0]
    rows = pq.read_table(path).slice(0, sample).to_pylist()
    cypher = (
        f"MATCH (a:Person {{id: $src}}) MATCH (b:Phone {{id: $dst}}) "
        f"MERGE (a)-[r:{etype}_NAIVE {{id: $id}}]->(b) SET r.first_seen = $first, r.sources = [$source]"
    )
    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        start = time.perf_counter()
        for r in rows:
            session.execute_write(_write_one, cypher, etype, r)
        elapsed = time.perf_counter() - start
    return {"sample_relationships": len(rows), "relationships_per_s": round(len(rows) / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000, help="rows a transaction for the writer")
    parser.add_argument("--import-batch", type=int, default=200_000, help="rows a batch for the first load")
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--cypher-edges", type=int, default=1_000_000, help="edges for the transactional writer")
    parser.add_argument("--no-import", action="store_true", help="skip the offline first load")
    parser.add_argument("--no-writer", action="store_true", help="skip the transactional writer")
    parser.add_argument("--repeat", type=int, default=3, help="first loads: one cold, then warm ones")
    args = parser.parse_args()
    uri, started = os.environ.get("CLUEGRAPH_TEST_NEO4J_URI", ""), False
    if not uri:
        uri = (
            subprocess.run(["bash", "tools/neo4j/neo4j.sh", "start"], check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        started = True
    load_before = os.getloadavg()[0]
    try:
        folder = OUT / f"graph_{args.nodes}_{args.edges}"
        make_graph(folder, args.nodes, args.edges)
        empty_database(uri)
        # The writer first, on a fresh server: run after the importer and a reset, the same writer measured
        # ten times slower (100,000 relationships, quiet: 826/s against 8,814/s on a fresh server).
        ours = None if args.no_writer else load(uri, folder, args.batch, args.cypher_edges)
        base = naive(uri, folder, args.sample) if ours else None  # on the writer's nodes
        imported: list[dict[str, Any]] = []
        for i in range(0 if args.no_import else max(1, args.repeat)):
            empty_database(uri, fresh_jvm=i == 0)
            before = {"warm_up": _warm_up_reply(), "server_cpu_s": round(_server_cpu_s(), 1)}
            imported.append(first_load(uri, folder, args.import_batch))
            imported[-1]["server_jvm"] = "fresh (cold)" if i == 0 else f"same JVM, first load {i + 1} (warm)"
            if i == 0:  # what the started server did before the load was requested (not in the timed figure)
                imported[-1]["before_the_load_not_timed"] = before
        if imported:
            base = base or naive(uri, folder, args.sample)  # on the imported nodes
        if base is None:
            raise SystemExit("nothing to measure: --no-writer and --no-import together")
        empty_database(uri)
    finally:
        if started:
            subprocess.run(["bash", "tools/neo4j/neo4j.sh", "stop"], check=False)
    cold = imported[0] if imported else None
    warm = sorted(r["edges_per_s"] for r in imported[1:])
    best = max(ours["edges_per_s"] if ours else 0, cold["edges_per_s"] if cold else 0)
    report(
        "neo4j_load",
        {
            "cluegraph": ours,
            "cluegraph_first_load_import": cold,
            "cluegraph_first_load_import_warm": imported[1:] or None,
            "warm_edges_per_s_median": warm[len(warm) // 2] if warm else None,
            "baseline_one_row_per_transaction": base,
            "ratio_vs_baseline": round(best / base["relationships_per_s"], 1),
            "target_relationships_per_s": 50_000,
            "meets_target": best >= 50_000,  # the cold first load (or the writer), as before
            "meets_target_warm_server": bool(warm) and warm[len(warm) // 2] >= 50_000,
            # The machine is shared: the 1-minute load average (2 cores) says how much of it the run had.
            "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        },
    )


if __name__ == "__main__":
    main()
