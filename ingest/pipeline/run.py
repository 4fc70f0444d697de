"""``run_ingest``: discover -> read, validate, normalise (readers) -> map -> resolve -> load -> report.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> head = "crossing_id,crossing_time,port,direction,mode,conveyance,surname,given_names,sex,birth_date,"
>>> head += "nationality,doc_type,doc_number,doc_issuer,doc_expiry,outcome"
>>> row = "X1,2024-03-02T07:36:58+08:00,HKG,IN,AIR,CX1,Liu,Fang,M,1975-09-00,CN,P,E123,CHN,2030-01-01,CLEARED"
>>> _ = open(os.path.join(d, "crossings.csv"), "w").write(head + "\\n" + row + "\\n")
>>> rep = run_ingest(d, os.path.join(d, "g.duckdb"))
>>> rep.totals()["loaded"], rep.written["Person"]["inserted"], rep.reconciles
(1, 1, True)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from graph.store import open_store
from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.discover import discover
from ingest.pipeline.identities import Identities, new_records, resolve, source_record_nodes, stored_records
from ingest.pipeline.load import Load
from ingest.pipeline.quarantine import write_quarantine
from ingest.pipeline.read import Reading
from ingest.pipeline.report import IngestReport
from ingest.pipeline.side import SideReading, merge_into

Step = Callable[[str], None]


def release_memory() -> None:
    """Hand memory freed by the reading and resolving back to the system before the store writes (Arrow's
    pool and glibc keep freed blocks for reuse; the store's transaction then counts on top of them)."""
    import ctypes
    import ctypes.util

    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
            ctypes.CDLL(libc).malloc_trim(0)


def default_quarantine_dir(store: str) -> Path:
    """The folder beside a DuckDB store (``g.duckdb`` -> ``g.quarantine/``), else ``./cluegraph.quarantine``."""
    if "://" in store or store == ":memory:":
        return Path("cluegraph.quarantine")
    path = Path(store.removeprefix("duckdb:"))
    return path.with_name(path.stem + ".quarantine")


def _companies(store: object) -> dict[str, str]:
    """Company ids of the organisations already stored -> their keys (for ``employment.csv``)."""
    out: dict[str, str] = {}
    for table in store.export_nodes("Organization"):  # type: ignore[attr-defined]
        if "company_id" in table.column_names:
            for cid, key in zip(table.column("company_id").to_pylist(), table.column("org_key").to_pylist(),
                                strict=True):
                if cid:
                    out[cid] = key
    return out


def run_ingest(source: str | Path, store_uri: str, *, encoding: str = "utf-8",
               quarantine_dir: str | Path | None = None, step: Step | None = None,
               on_files: Callable[[int], None] | None = None, background: bool = True) -> IngestReport:
    """Ingest every source file under ``source`` into the store at ``store_uri``; return the summary.

    ``step`` is called with a short description before each file and stage (a progress bar); ``on_files``
    once with the number of steps to expect. ``background`` merges and writes what does not wait for identity
    resolution while it runs (``ingest.pipeline.load``); without it, one stage after the other (the
    CPU seconds of each stage then measured apart)."""
    tell = step or (lambda _s: None)
    clock: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    found = discover(source)
    if on_files:
        on_files(2 * len(found.files) + 6)
    report = IngestReport(str(source), store_uri, skipped=[{"file": s.name, "reason": s.reason} for s in found.skipped])
    with open_store(store_uri) as store:
        reading = Reading(GraphBatch(), tell, _companies(store))
        side = SideReading.start([f for f in found.files if f.family != "crossings"], encoding,
                                 reading.companies)
        for f in found.of("crossings"):
            reading.tabular(f, encoding)
        state = side.finish()
        for s in state["steps"]:
            tell(s)
        merge_into(reading, state)
        del state["nodes"], state["edges"], state["person_edges"], state["records"]
        side_cpu = state["cpu_s"] if state["process"] == "side" else 0.0
        clock["read_map"] = time.perf_counter() - t0
        clock["read_map_cpu"] = time.process_time() - c0 + side_cpu
        clock["read_side_cpu"] = state["cpu_s"]
        clock["read_side_peak_rss_mib"] = state["peak_rss_mib"]
        tell("merge rows")
        old = [stored_records(store)] if reading.batch.records else []  # before the writer takes the store
        new = new_records(reading.batch)
        extra = {"SourceRecord": source_record_nodes(new)} if new.num_rows else {}  # not waiting for resolution
        load = Load(store, tell)
        # merged and written on a thread of its own while the main one resolves
        load.start(reading.batch, extra, background=background)
        del extra
        try:
            tell("resolve identities")
            t1, c1 = time.perf_counter(), time.process_time()
            ident = resolve(reading.batch, old.pop(), new) if old else Identities()
            del new
            reading.batch = GraphBatch()  # resolved: the person records and edges live on in ``ident``
            clock["resolve"], clock["resolve_cpu"] = time.perf_counter() - t1, time.process_time() - c1
            t1, c1 = time.perf_counter(), time.process_time()
        except BaseException:
            load.abort()
            raise
        release_memory()
        report.written = load.finish(ident)
        clock["load_after_resolve"] = time.perf_counter() - t1
        clock["load_after_resolve_cpu"] = time.process_time() - c1
        clock["merge"] = load.first_part.get("merge_s", 0.0)
        clock["merge_cpu"] = load.first_part.get("merge_cpu_s", 0.0)
        clock["load_first_part"] = load.first_part.get("wall_s", 0.0)
    report.files = [reading.reports[f.name] for f in found.files]
    report.identity = ident.report
    qdir = Path(quarantine_dir) if quarantine_dir else default_quarantine_dir(store_uri)
    report.quarantine_file = str(write_quarantine(qdir, reading.quarantine))
    clock["total"] = time.perf_counter() - t0
    clock["total_cpu"] = time.process_time() - c0 + side_cpu
    report.seconds = {k: round(v, 3) for k, v in clock.items()}
    return report
