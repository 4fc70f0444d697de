"""The ingest summary: per source file records read, loaded, quarantined, duplicates and the deviations
found with their place; what was written to the store; what identity resolution found.

Counts reconcile exactly for every file: ``read == loaded + quarantined + duplicates``.

>>> r = FileReport("crossings.csv", "crossings", read=5, loaded=3, quarantined=1, duplicates=1)
>>> r.reconciles, IngestReport("src", "g.duckdb", [r]).to_dict()["totals"]["read"]
(True, 5)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import Deviation

#: Deviations listed per file in the report (the rest are counted).
MAX_LISTED = 200


def deviation_entry(name: str, d: Deviation) -> dict[str, Any]:
    """A deviation with its place, the file named as in record references."""
    out = {k: v for k, v in d.to_dict().items() if v is not None and k != "file"}
    if d.message_index is not None:
        out["message"] = d.message_index + 1
        del out["message_index"]
    if "segment_number" in out:
        out["segment"] = out.pop("segment_number")
    return {"file": name, **out}


@dataclass(slots=True)
class FileReport:
    """What ingest did with one source file."""

    file: str
    family: str
    kind: str = ""
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    deviations: list[dict[str, Any]] = field(default_factory=list)
    deviation_count: int = 0
    error: str | None = None

    @property
    def reconciles(self) -> bool:
        """Whether every record read is accounted for exactly once."""
        return self.read == self.loaded + self.quarantined + self.duplicates

    def add_deviation(self, entry: dict[str, Any]) -> None:
        """Count a deviation; list it while fewer than ``MAX_LISTED`` are."""
        self.deviation_count += 1
        if len(self.deviations) < MAX_LISTED:
            self.deviations.append(entry)


@dataclass(slots=True)
class IngestReport:
    """The summary of one ingest run (``to_dict`` is the ``--report`` JSON)."""

    source: str
    store: str
    files: list[FileReport] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    written: dict[str, dict[str, int]] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    quarantine_file: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        """Records over all files."""
        keys = ("read", "loaded", "quarantined", "duplicates", "deviation_count")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    @property
    def reconciles(self) -> bool:
        """Whether every file reconciles."""
        return all(f.reconciles for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON."""
        return {"source": self.source, "store": self.store, "totals": self.totals(),
                "reconciles": self.reconciles, "files": [asdict(f) for f in self.files], "skipped": self.skipped,
                "written": self.written, "identity": self.identity, "quarantine_file": self.quarantine_file,
                "seconds": self.seconds}

    def write(self, path: str | Path) -> None:
        """Write the summary as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False, default=str) + "\n",
                              encoding="utf-8")
