"""Write one ingest run into the store: every node label, then every edge type, in one bulk writer.

Why one transaction: a run killed at any point leaves the store as it was (the writer commits all or
nothing), so running it again gives the store one uninterrupted run gives; and every write is an idempotent
upsert, so running it twice changes nothing. ``bulk`` is asked for when the store is empty (a first load:
the store rebuilds its indexes once at the end).

Why in the background: most of a run's rows (crossings, voyages, documents and their edges) do not wait for
identity resolution; :class:`Load` writes them on a thread of its own while resolution runs on the main one
(DuckDB works without Python's lock, resolution mostly in NumPy), then the people, their records and edges,
then commits, still in the one transaction.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from graph.store import GraphStore
from ingest.pipeline.batch import GraphBatch, schema
from ingest.pipeline.identities import Identities

#: Node labels in write order (people last: they come from resolution).
NODE_ORDER = ("Port", "Voyage", "Document", "Crossing", "Booking", "Phone", "Email", "Address", "Vehicle",
              "Organization", "PaymentInstrument", "Case", "WatchlistEntry", "SourceRecord", "Person")
#: What resolution adds (besides the person edges of the batch): written after it.
RESOLVED_LABELS = ("SourceRecord", "Person")
RESOLVED_TYPES = ("POSSIBLY_SAME_AS", "CO_TRAVELLED")

Tables = dict[str, pa.Table]
Written = dict[str, dict[str, int]]


def waiting_types(batch: GraphBatch) -> set[str]:
    """Edge types written after resolution: those it adds, and those with a person or record end."""
    wait = set(RESOLVED_LABELS)
    return set(batch.person_edges) | set(RESOLVED_TYPES) | {
        name for name, e in schema().edges.items() if wait & (set(e.sources) | set(e.targets))}


def early_tables(batch: GraphBatch) -> tuple[Tables, Tables, Tables]:
    """The batch's tables that do not wait for resolution (nodes, edges), and apart its tables that do
    (``held``: labels resolution writes, types of :func:`waiting_types`). Merged one row per item; the
    batch's frames are let go as they are merged."""
    wait = waiting_types(batch)
    nodes: Tables = {}
    edges: Tables = {}
    held: Tables = {}
    for label in NODE_ORDER:
        if label in batch.nodes:
            (held if label in RESOLVED_LABELS else nodes)[label] = batch.finish_nodes(label)
            del batch.nodes[label]
    for t in schema().edges:
        if t in batch.edges:
            (held if t in wait else edges)[t] = batch.finish_edges(t)
            del batch.edges[t]
    return _rows(nodes), _rows(edges), _rows(held)


def resolved_tables(found: Identities, held: Tables) -> tuple[Tables, Tables]:
    """What is written after resolution: its node tables (in place of the batch's of the same labels, in
    ``held``), and its edge tables joined with the batch's of the same types."""
    nodes = {k: v for k, v in {**held, **found.nodes}.items() if k in NODE_ORDER and k in RESOLVED_LABELS}
    nodes = _rows({k: nodes[k] for k in NODE_ORDER if k in nodes})
    edges = {k: v for k, v in held.items() if k not in NODE_ORDER}
    for etype, table in found.edges.items():
        if table.num_rows:
            edges[etype] = _concat(edges[etype], table) if etype in edges else table
    return nodes, edges


def _rows(tables: Tables) -> Tables:
    return {k: v for k, v in tables.items() if v.num_rows}


def _concat(a: pa.Table, b: pa.Table) -> pa.Table:
    return pa.concat_tables([a, b], promote_options="permissive")


class Load:
    """One transaction written in two parts: :meth:`start` merges the batch's rows (:func:`early_tables`) and
    writes those that do not wait for resolution (on a thread with ``background``), :meth:`finish` the rest
    (:func:`resolved_tables`), then commits and returns what was written. :meth:`abort` (after a failure
    between the two) rolls the whole of it back.

    Why the merge runs on the writer's thread too: it is a fifth of a first load's work (one DuckDB
    aggregate per label and type, without Python's lock) and resolution does not need its result, so it need
    not hold up the start of resolution."""

    def __init__(self, store: GraphStore, step: Callable[[str], None]) -> None:
        self._store, self._step = store, step
        self._late: queue.Queue[Identities | None] = queue.Queue(maxsize=1)
        self._out: Written = {}
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._empty = False
        self._first: tuple[Tables, Tables] | None = None  # merged, not yet written (without ``background``)
        self._held: Tables = {}
        #: the merge's and the first part's wall seconds, the CPU seconds of the process during the merge
        #: (with ``background`` resolution runs meanwhile), and when the first part ended
        self.first_part: dict[str, float] = {}

    def start(self, batch: GraphBatch, extra: Tables, *, background: bool = True) -> None:
        """Merge the batch's node and edge frames and write those that do not wait for resolution, with the
        node tables ``extra`` after them: on a thread now with ``background``, else merged now and written
        when :meth:`finish` is called. The batch's node and edge frames are taken out of it as merged
        (resolution reads only its records and person edges)."""
        self._empty = sum(self._store.stats().nodes.values()) == 0
        if background:
            self._thread = threading.Thread(target=self._run, args=(batch, extra), name="ingest-load", daemon=True)
            self._thread.start()
        else:
            self._first = self._merge(batch, extra)

    def finish(self, found: Identities) -> Written:
        """Write what resolution ``found`` (and the batch's rows that waited for it) and commit; raise what
        the writing raised."""
        self._late.put(found)
        if self._thread is not None:
            self._thread.join()
        else:
            self._run(None, {})
        if self._error is not None:
            raise self._error
        return self._out

    def abort(self) -> None:
        """Give up: the writer rolls back everything written so far."""
        if self._thread is not None:
            self._late.put(None)
            self._thread.join()

    def _merge(self, batch: GraphBatch, extra: Tables) -> tuple[Tables, Tables]:
        t0, c0 = time.perf_counter(), time.process_time()
        nodes, edges, self._held = early_tables(batch)
        nodes.update(_rows(extra))
        self.first_part.update(merge_s=time.perf_counter() - t0, merge_cpu_s=time.process_time() - c0)
        return nodes, edges

    def _run(self, batch: GraphBatch | None, extra: Tables) -> None:
        handed = False
        try:
            first = self._first if batch is None else self._merge(batch, extra)
            self._first = None
            t0 = time.perf_counter()
            with self._store.writer(bulk=True if self._empty else None) as w:
                if first is not None:
                    self._tables(w, *first)
                del first
                if self._empty and hasattr(w, "index_text"):  # while resolution runs (DuckDB's store)
                    self._step("index text")
                    w.index_text()
                self.first_part.update(wall_s=time.perf_counter() - t0, ended=time.perf_counter())
                found, handed = self._late.get(), True
                if found is None:
                    raise _Aborted
                late = resolved_tables(found, self._held)
                found.nodes, found.edges, self._held = {}, {}, {}
                del found
                self._tables(w, *late)
                self._step("commit")
        except _Aborted:
            pass
        except BaseException as err:  # handed to the main thread by finish()
            self._error = err
            if not handed:  # failed in the first part: wait for the hand-over (it is not written)
                self._late.get()

    def _tables(self, w: Any, nodes: Tables, edges: Tables) -> None:
        for label in list(nodes):
            self._step(f"write {label} nodes")
            r = w.upsert_nodes(label, nodes.pop(label))
            self._out[label] = {"rows": r.rows, "inserted": r.inserted, "updated": r.updated}
        for etype in list(edges):
            self._step(f"write {etype} edges")
            r = w.upsert_edges(etype, edges.pop(etype))
            self._out[etype] = {"rows": r.rows, "inserted": r.inserted, "updated": r.updated}


class _Aborted(Exception):
    """The main thread gave up before the second part: roll back."""
