"""The audit trail: one JSON line per action (search, view, expansion, filter, export, review, login,
logout) with the user, their role, the UTC time and the parameters. Append-only: lines are only ever
added, each with one ``write`` under a lock on a file opened for appending.

>>> import tempfile, pathlib
>>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
>>> log.append("ana", "investigator", "search", {"q": "ivanov"})
>>> [(e["user"], e["action"], e["params"]["q"]) for e in log.read()]
[('ana', 'search', 'ivanov')]
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class AuditLog:
    """An append-only JSONL file; ``enabled=False`` keeps nothing (a deployment choice, off only on purpose)."""

    def __init__(self, path: Path, *, enabled: bool = True) -> None:
        self.path = path
        self.enabled = enabled
        self._lock = threading.Lock()

    def append(self, user: str | None, role: str | None, action: str, params: dict[str, Any] | None = None) -> None:
        """Add one entry."""
        if not self.enabled:
            return
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "user": user,
            "role": role,
            "action": action,
            "params": params or {},
        }
        line = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)

    def read(self, *, last: int | None = None) -> list[dict[str, Any]]:
        """The entries, oldest first (only the ``last`` ones when given); a torn last line is skipped."""
        if not self.path.exists():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        entries = []
        for line in lines[-last:] if last else lines:
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
        return entries
