"""Find the source files of DESIGN.md section 4 in a folder, by name and by content.

Why by content too: real deliveries come as ``.txt``, ``.dat`` or with no suffix at all, so an EDIFACT file
is known by its ``UNH`` message type (``PAXLST``, ``PNRGOV``), and a CSV by its header (a ``crossings.csv``
lacking ``crossing_time`` is not a crossings export: the world's ``truth/crossings.csv`` is one such file).
Files that are none of these are listed as skipped, with the reason, so the report says what was not read.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> _ = open(os.path.join(d, "a.txt"), "w").write("UNB+UNOA:4+X+Y+200101:0000+1'UNH+1+PAXLST:D:05B:UN:IATA'")
>>> _ = open(os.path.join(d, "notes.md"), "w").write("hello")
>>> found = discover(d)
>>> [(f.name, f.family) for f in found.files], [(s.name, s.reason[:12]) for s in found.skipped]
([('a.txt', 'paxlst')], [('notes.md', 'not a source')])
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.readers.associated import KINDS, kind_of

#: Families in the order they are loaded (people and documents of crossings first, associated last).
FAMILIES = ("crossings", "paxlst", "pnrgov", "associated")
_UNH = re.compile(rb"UNH[^A-Za-z0-9<>\s][^<>]{0,40}?(PAXLST|PNRGOV)")
_SNIFF = 1 << 16
_TABULAR = (".csv", ".parquet", ".pq")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One source file: its path, its name relative to the source folder (used in record references), its
    family (``FAMILIES``) and, for associated files, its kind (``phones``...)."""

    path: Path
    name: str
    family: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that is not read, and why."""

    name: str
    reason: str


@dataclass(slots=True)
class Discovered:
    """What ``discover`` found: source files in load order, and the files skipped."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def of(self, family: str) -> list[SourceFile]:
        """The files of one family."""
        return [f for f in self.files if f.family == family]


def _header(path: Path) -> list[str]:
    """The lower-cased column names of a CSV or Parquet file (empty when there is none)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return [c.lower() for c in pq.read_schema(path).names]
        except Exception:  # an unreadable Parquet file is not a source: it is skipped
            return []
    with path.open("rb") as fh:
        head = fh.read(_SNIFF).split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    text = head.decode("utf-8", "replace")
    return [c.strip().lower() for c in next(csv.reader(io.StringIO(text)), [])]


def _edifact_type(path: Path) -> str | None:
    """``paxlst`` or ``pnrgov`` from the first UNH segment in the file's head, else None."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF)
    match = _UNH.search(head)
    return match.group(1).decode().lower() if match else None


def classify(path: Path, name: str) -> SourceFile | Skipped:
    """The family of one file, or why it is skipped."""
    suffix = path.suffix.lower()
    if suffix in _TABULAR:
        cols = set(_header(path))
        if name.split("/")[-1].lower().startswith("crossings"):
            if {"crossing_id", "crossing_time"} <= cols:
                return SourceFile(path, name, "crossings")
            return Skipped(name, "named crossings but has no crossing_id/crossing_time columns")
        try:
            kind = kind_of(path)
        except ValueError:
            return Skipped(name, "not a source file kind (crossings or an associated kind)")
        first = KINDS[kind][0][0].name if kind in ("vehicles", "companies", "payments", "cases") else None
        need = {f.name for f in KINDS[kind][0] if f.required} | ({first} if first else set())
        if not need <= cols:
            return Skipped(name, f"named {kind} but lacks columns {', '.join(sorted(need - cols))}")
        return SourceFile(path, name, "associated", kind)
    family = _edifact_type(path)
    if family:
        return SourceFile(path, name, family)
    return Skipped(name, "not a source file (no UNH PAXLST/PNRGOV, not a known CSV)")


def discover(source: str | Path) -> Discovered:
    """Every source file under ``source`` (recursively; hidden files and ``truth/`` folders left out), in
    load order: crossings, PAXLST, PNRGOV, associated; within a family by name."""
    root = Path(source)
    out = Discovered()
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in paths:
        rel = path.name if root.is_file() else path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or "truth" in rel.split("/")[:-1]:
            continue
        found = classify(path, rel)
        (out.files if isinstance(found, SourceFile) else out.skipped).append(found)  # type: ignore[arg-type]
    out.files.sort(key=lambda f: (FAMILIES.index(f.family), f.name))
    return out
