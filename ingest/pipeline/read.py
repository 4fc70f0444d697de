"""Read every discovered file of one family and map its records into a :class:`GraphBatch`, filling in the
file's report (records read, loaded, quarantined, duplicates; deviations with their place).

A file that cannot be read at all (no header, no EDIFACT, a required column missing) gets its error in the
report and the other files go on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

from graph.errors import ClueGraphError
from ingest.edifact.structure import Message, read_messages
from ingest.errors import Deviation, Quarantined
from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.discover import SourceFile
from ingest.pipeline.map_associated import map_associated
from ingest.pipeline.map_crossings import map_crossings
from ingest.pipeline.map_paxlst import duplicates, map_paxlst
from ingest.pipeline.map_pnrgov import map_bookings, map_passengers
from ingest.pipeline.report import FileReport, deviation_entry
from ingest.readers.associated import read_associated
from ingest.readers.crossings import read_crossings
from ingest.readers.paxlst import paxlst_from_messages
from ingest.readers.pnrgov import pnrgov_from_messages
from ingest.readers.pnrgov_text import read_pnr_messages

Step = Callable[[str], None]
Split = tuple[list[Message], list[Deviation]]


def assemble_rounds(messages: list[Message], devs: list[Deviation], read: Callable[..., Any]) -> Any:
    """Read messages into records; a message the assembler set aside as a second copy of a part it already
    had (``part-duplicate``: a resend, or another list that reuses the reference) is read again in a round
    of its own, so its records are counted (as duplicates when they are) rather than lost."""
    result, pending, first = None, list(messages), True
    while pending:
        found: list[Deviation] = list(devs) if first else []
        res = read(pending, found)
        dropped = {(d.file, d.message_index) for d in found if d.rule == "part-duplicate"}
        if result is None:
            result = res
        else:
            for name in ("travellers", "flights", "bookings", "passengers", "segments"):
                parts = [f for f in (getattr(result, name, None), getattr(res, name, None)) if f is not None and len(f)]
                if parts:
                    setattr(result, name, pd.concat(parts, ignore_index=True))
            result.quarantined.extend(res.quarantined)
            result.deviations.extend(d for d in res.deviations if d not in result.deviations)
        nxt = [m for m in pending if (m.file, m.index) in dropped]
        pending, first = (nxt if len(nxt) < len(pending) else []), False
    return result


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a reader runs, and restore it after.

    Why: reading EDIFACT makes millions of small tuples (segments, elements) that all stay alive until the
    records are built, and every automatic collection walks all of them again; on the 200k-person world
    that was a quarter to a third of the PAXLST, PNRGOV and associated reading's CPU seconds. Reading makes
    next to no reference cycles, so nothing is held back that a collection would have freed.

    >>> with no_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Reading:
    """The state of one run's reading: the batch, the reports by file, the quarantined records by file."""

    def __init__(self, batch: GraphBatch, step: Step, companies: dict[str, str]) -> None:
        self.batch = batch
        self.step = step
        self.companies = companies
        self.reports: dict[str, FileReport] = {}
        self.quarantine: dict[str, list[Quarantined]] = {}
        self._by_path: dict[str, str] = {}

    def start(self, f: SourceFile) -> FileReport:
        self._by_path[str(f.path)] = f.name
        rep = self.reports[f.name] = FileReport(f.name, f.family, f.kind)
        self.quarantine[f.name] = []
        return rep

    def name_of(self, path: Any) -> str:
        return self._by_path.get(str(path), str(path))

    def deviations(self, devs: Sequence[Deviation]) -> None:
        for d in devs:
            name = self.name_of(d.file)
            if name in self.reports:
                self.reports[name].add_deviation(deviation_entry(name, d))

    def quarantined(self, items: Sequence[Quarantined]) -> None:
        for q in items:
            name = self.name_of(q.file)
            if name in self.reports:
                self.quarantine[name].append(q)
                self.reports[name].quarantined += 1
                self.reports[name].read += 1

    def problem(self, name: str, message: int | None, segment: int | None, field: str, value: str, rule: str,
                detail: str) -> None:
        """A value that did not normalise (the record is kept): a deviation with its place."""
        if name in self.reports:
            self.reports[name].add_deviation({"file": name, "rule": rule, "detail": detail, "severity": "warning",
                                              "message": None if message is None else int(message) + 1,
                                              "segment": None if segment is None else int(segment),
                                              "field": field, "value": value})

    # ------------------------------------------------------------------ families
    def tabular(self, f: SourceFile, encoding: str) -> None:
        """Read and map one crossings or associated file (the collector paused: :func:`no_gc`)."""
        with no_gc():
            self._tabular(f, encoding)

    def _tabular(self, f: SourceFile, encoding: str) -> None:
        rep = self.start(f)
        self.step(f"read {f.name}")
        try:
            res = read_crossings(f.path, encoding=encoding) if f.family == "crossings" else read_associated(
                f.path, f.kind, encoding=encoding)
        except (ClueGraphError, ValueError) as err:
            rep.error = str(err)
            return
        rep.read, rep.loaded = res.counts.read, res.counts.loaded
        rep.quarantined, rep.duplicates = res.counts.quarantined, res.counts.duplicates
        self.quarantine[f.name] = list(res.quarantined)
        for d in res.deviations:
            rep.add_deviation(deviation_entry(f.name, d))
        self.step(f"map {f.name}")
        if f.family == "crossings":
            map_crossings(res.records, f.name, self.batch, res.arrow)
        else:
            map_associated(res.records, f.kind, f.name, self.batch, self.companies)

    def _messages(self, files: Sequence[SourceFile], encoding: str, reader: Callable[..., Split]) -> Split:
        messages: list[Message] = []
        devs: list[Deviation] = []
        for f in files:
            rep = self.start(f)
            self.step(f"read {f.name}")
            try:
                found, found_devs = reader(f.path, encoding=encoding)
            except ClueGraphError as err:
                rep.error = str(err)
                continue
            messages.extend(found)
            devs.extend(found_devs)
        return messages, devs

    def paxlst(self, files: Sequence[SourceFile], encoding: str) -> None:
        """Read and map the PAXLST files together (multi-part messages span files; :func:`no_gc`)."""
        with no_gc():
            self._paxlst(files, encoding)

    def _paxlst(self, files: Sequence[SourceFile], encoding: str) -> None:
        messages, devs = self._messages(files, encoding, read_messages)
        if not messages:
            self.deviations(devs)
            return
        self.step("map PAXLST travellers")
        res = assemble_rounds(messages, devs, paxlst_from_messages)
        self.deviations(res.deviations)
        self.quarantined(res.quarantined)
        trav = res.travellers
        if trav.empty:
            return
        dup = duplicates(trav).to_numpy()
        names = trav["file"].map(self.name_of)
        self._count(names, dup)
        map_paxlst(trav[~dup], names[~dup], self.batch, self.problem)

    def pnrgov(self, files: Sequence[SourceFile], encoding: str) -> None:
        """Read and map the PNRGOV files together (multi-part pushes span files; :func:`no_gc`)."""
        with no_gc():
            self._pnrgov(files, encoding)

    def _pnrgov(self, files: Sequence[SourceFile], encoding: str) -> None:
        messages, devs = self._messages(files, encoding, read_pnr_messages)
        if not messages:
            self.deviations(devs)
            return
        self.step("map PNRGOV bookings")
        res = assemble_rounds(messages, devs, pnrgov_from_messages)
        self.deviations(res.deviations)
        self.quarantined(res.quarantined)
        book, pax = res.bookings, res.passengers
        names = {p: self.name_of(p) for p in set(book["file"]) | set(pax["file"]) | set(res.segments["file"])}
        new_book = self._new_rows(book, ["content_hash", "locator", "push_date"])
        new_pax = self._new_rows(pax, ["content_hash", "locator"])
        by_booking = map_bookings(new_book, res.segments, names, self.batch)
        if len(pax):
            map_passengers(new_pax, by_booking, names, self.batch, self.problem)

    def _new_rows(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """The rows of ``frame`` whose ``keys`` were not seen before in it; every row is counted in its file's
        report as loaded or duplicate."""
        if not len(frame):
            return frame
        dup = frame.duplicated(keys).to_numpy()
        self._count(frame["file"].map(self.name_of), dup)
        return frame[~dup]

    def _count(self, names: pd.Series, dup: Any) -> None:
        for name, d in zip(names.tolist(), dup.tolist(), strict=True):
            rep = self.reports.get(name)
            if rep is None:
                continue
            rep.read += 1
            if d:
                rep.duplicates += 1
            else:
                rep.loaded += 1
