"""Read the advance-information and associated files in side processes while this one reads the
crossings: the parts of the reading share nothing until they are merged, and the EDIFACT part is
Python-bound (a segment at a time), so on two cores they overlap instead of queueing.

Two side processes (``python -m ingest.pipeline.side``): one reads the PAXLST and PNRGOV files, the other
the associated files, so that the three parts (crossings here, EDIFACT, associated) share the cores the
way the system schedules them rather than one long side part finishing last. Each gets its files, the
encoding and the known company keys on its stdin (pickle), reads them with the same
:class:`~ingest.pipeline.read.Reading` the serial path uses, and writes back its state (the batch's Arrow
tables, the reports, the quarantined records, the steps it took, its CPU seconds and peak RSS).
:meth:`SideReading.finish` joins the states in the serial order (PAXLST, PNRGOV, associated) and
:func:`merge_into` appends them after the crossings', so the store, the report and the quarantine are the
ones a serial run gives. When a side process cannot run or fails, its files are read in this process
instead (the same result, one core).

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> head = "doc_issuer,doc_number,surname,given_names,birth_date,nationality,phone,first_seen,last_seen"
>>> _ = open(os.path.join(d, "phones.csv"), "w").write(head + "\\nHKG,K1,,,,,+85291234567,,\\n")
>>> from ingest.pipeline.discover import discover
>>> side = SideReading.start(discover(d).files, "utf-8", {})
>>> state = side.finish()
>>> state["reports"]["phones.csv"].loaded, sorted(state["nodes"]), state["process"], state["cpu_s"] > 0
(1, ['Phone'], 'side', True)
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.discover import SourceFile
from ingest.pipeline.read import Reading

#: Set to ``0`` to read everything in one process (the serial path; the result is the same).
ENV_SWITCH = "CLUEGRAPH_INGEST_SIDE_PROCESS"


def read_side(files: Sequence[SourceFile], encoding: str, companies: dict[str, str]) -> dict[str, Any]:
    """Read PAXLST, PNRGOV and associated ``files`` (in that order, as the serial path does) and return the
    reading's state as plain picklable data."""
    steps: list[str] = []
    reading = Reading(GraphBatch(), steps.append, dict(companies))
    reading.paxlst([f for f in files if f.family == "paxlst"], encoding)
    reading.pnrgov([f for f in files if f.family == "pnrgov"], encoding)
    for f in sorted((f for f in files if f.family == "associated"), key=lambda f: f.kind != "companies"):
        reading.tabular(f, encoding)
    b = reading.batch
    return {"nodes": dict(b.nodes), "edges": dict(b.edges), "person_edges": dict(b.person_edges),
            "records": list(b.records), "reports": reading.reports, "quarantine": reading.quarantine,
            "by_path": reading._by_path, "companies": reading.companies, "steps": steps}


def merge_into(reading: Reading, state: dict[str, Any]) -> None:
    """Append the side reading's ``state`` after what ``reading`` holds (its frames after the crossings'
    frames of each label and type, its files' reports and quarantine after theirs)."""
    for name in ("nodes", "edges", "person_edges"):
        into = getattr(reading.batch, name)
        for key, frames in state[name].items():
            into[key].extend(frames)
    reading.batch.records.extend(state["records"])
    reading.reports.update(state["reports"])
    reading.quarantine.update(state["quarantine"])
    reading._by_path.update(state["by_path"])
    reading.companies.update(state["companies"])


def groups(files: Sequence[SourceFile]) -> list[list[SourceFile]]:
    """The files of each side process, in the serial order: the EDIFACT files, then the associated ones
    (a group with no files is left out).

    >>> from pathlib import Path
    >>> fs = [SourceFile(Path(n), n, fam, kind) for n, fam, kind in
    ...       [("p.csv", "associated", "phones"), ("a.edi", "paxlst", "paxlst")]]
    >>> [[f.name for f in g] for g in groups(fs)]
    [['a.edi'], ['p.csv']]
    """
    edifact = [f for f in files if f.family in ("paxlst", "pnrgov")]
    rest = [f for f in files if f.family not in ("paxlst", "pnrgov")]
    return [g for g in (edifact, rest) if g]


def join_states(states: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One state from the states of the side readings, in their order (``merge_into`` takes it)."""
    out: dict[str, Any] = {"nodes": {}, "edges": {}, "person_edges": {}, "records": [], "reports": {},
                           "quarantine": {}, "by_path": {}, "companies": {}, "steps": []}
    for st in states:
        for name in ("nodes", "edges", "person_edges"):
            for key, frames in st[name].items():
                out[name].setdefault(key, []).extend(frames)
        out["records"].extend(st["records"])
        for name in ("reports", "quarantine", "by_path", "companies"):
            out[name].update(st[name])
        out["steps"].extend(st["steps"])
    side = [st for st in states if st.get("process") == "side"]
    out["process"] = "side" if side else "main"
    out["cpu_s"] = sum(st["cpu_s"] for st in (side or states))  # side CPU only: the rest is this process's
    out["peak_rss_mib"] = max((st["peak_rss_mib"] for st in side), default=0.0)
    return out


class _Proc:
    """One side process reading some files; :meth:`finish` waits for it and returns its state."""

    def __init__(self, files: Sequence[SourceFile], encoding: str, companies: dict[str, str],
                 proc: subprocess.Popen[bytes] | None) -> None:
        self.files, self.encoding, self.companies, self.proc = list(files), encoding, companies, proc
        self._out: list[bytes] = []
        self._reader: threading.Thread | None = None
        if proc is not None:  # drain its stdout as it comes, so it never waits on a full pipe
            self._reader = threading.Thread(target=lambda: self._out.append(proc.stdout.read()),  # type: ignore[union-attr]
                                            daemon=True)
            self._reader.start()

    @classmethod
    def start(cls, files: Sequence[SourceFile], encoding: str, companies: dict[str, str]) -> _Proc:
        if not files or os.environ.get(ENV_SWITCH, "1") == "0":
            return cls(files, encoding, companies, None)
        import ingest

        root = str(Path(ingest.__file__).resolve().parents[1])  # the code this process runs, not another copy
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            proc = subprocess.Popen([sys.executable, "-m", "ingest.pipeline.side"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, env=env)
            assert proc.stdin is not None
            pickle.dump((list(files), encoding, companies), proc.stdin)
            proc.stdin.close()
        except OSError:
            return cls(files, encoding, companies, None)
        return cls(files, encoding, companies, proc)

    def finish(self) -> dict[str, Any]:
        if self.proc is not None and self._reader is not None:
            self._reader.join()
            code = self.proc.wait()
            data = self._out[0] if self._out else b""
            self._out.clear()
            if code == 0 and data:
                with contextlib.suppress(pickle.UnpicklingError, EOFError):
                    state: dict[str, Any] = pickle.loads(data)
                    return state
        c0 = time.process_time()
        state = read_side(self.files, self.encoding, self.companies)
        state.update(cpu_s=time.process_time() - c0, peak_rss_mib=0.0, process="main")
        return state


class SideReading:
    """The side processes reading the files other than the crossings (:func:`groups`); :meth:`finish`
    waits for them and returns their joined state."""

    def __init__(self, procs: list[_Proc]) -> None:
        self.procs = procs

    @classmethod
    def start(cls, files: Sequence[SourceFile], encoding: str, companies: dict[str, str]) -> SideReading:
        """Start reading ``files`` in side processes (or note that they are to be read here)."""
        return cls([_Proc.start(g, encoding, dict(companies)) for g in groups(files)])

    def finish(self) -> dict[str, Any]:
        """The side readings' state (``read_side``'s, plus ``cpu_s`` summed and ``peak_rss_mib`` the largest
        of the processes that read, ``process`` ``side`` when one did); files whose side process failed are
        read here."""
        return join_states([p.finish() for p in self.procs])


def _die_with_parent() -> None:
    """Ask Linux to end this process when the one that started it ends (a killed ingest leaves no reader)."""
    import ctypes
    import ctypes.util

    libc = ctypes.util.find_library("c")
    if libc and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def _main() -> None:
    _die_with_parent()
    gc.disable()  # a reader's millions of small tuples live until the end: no collection walks them; this
    # process reads once and exits, and its reading makes next to no reference cycles (``read.no_gc``)
    files, encoding, companies = pickle.load(sys.stdin.buffer)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the pickle on stdout
    sys.stdout = sys.stderr
    state = read_side(files, encoding, companies)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    state.update(cpu_s=usage.ru_utime + usage.ru_stime, peak_rss_mib=usage.ru_maxrss / 1024, process="side")
    out.write(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    out.close()


if __name__ == "__main__":
    _main()
