"""``quarantine.jsonl``: every record set aside by ingest, one JSON object a line, with its raw text.

Each line names the source file (as named in record references), the place (``line``, or ``message`` and
``segment``), the ``field`` and ``value``, the ``rule`` broken, a ``detail`` and the ``raw`` text, so an
operator can fix the source and ingest it again. The file is rewritten on each run: the lines of the files
this run read are replaced, the lines of other files (an earlier day's delivery) kept, all in a stable
order, so that ingesting the same files twice leaves the same file.

>>> import tempfile, pathlib
>>> from ingest.errors import Quarantined
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> q = Quarantined(file="/x/a.edi", rule="surname-missing", detail="no surname", raw="NAD+FL", message_index=0,
...                 segment_number=7, field="surname", value="")
>>> p = write_quarantine(d, {"a.edi": [q]})
>>> import json; json.loads(p.read_text().splitlines()[0])["message"]
1
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import Quarantined

FILE_NAME = "quarantine.jsonl"


def quarantine_line(name: str, q: Quarantined) -> dict[str, Any]:
    """One quarantine entry: file, line/message+segment, field, value, rule, detail, raw text."""
    return {
        "file": name,
        "line": q.line,
        "message": None if q.message_index is None else q.message_index + 1,
        "segment": q.segment_number,
        "tag": q.tag,
        "field": q.field,
        "value": q.value,
        "rule": q.rule,
        "detail": q.detail,
        "raw": q.raw,
    }


def _order(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry["file"], entry["message"] or 0, entry["segment"] or 0, entry["line"] or 0, entry["rule"])


def write_quarantine(folder: str | Path, found: Mapping[str, Sequence[Quarantined]]) -> Path:
    """Write ``folder/quarantine.jsonl``: the entries of the files in ``found`` (all of them, replacing what
    an earlier run wrote for those files) and the earlier entries of other files. Written atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    kept: list[dict[str, Any]] = []
    if path.exists():
        for text in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(text)
            except json.JSONDecodeError:
                continue
            if entry.get("file") not in found:
                kept.append(entry)
    fresh = [quarantine_line(name, q) for name, items in found.items() for q in items]
    entries = sorted(kept + fresh, key=_order)
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path
