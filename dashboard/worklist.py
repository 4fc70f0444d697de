"""The worklist of the latest batch run: ``worklist.parquet`` in the newest run folder (one with a
``manifest.json``) under the runs directory (``CLUEGRAPH_RUNS``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from dashboard.reasons import reasons_text
from graph.errors import ClueGraphError
from graph.ids import node_id, parse_id

COLUMNS = [
    "rank",
    "person_id",
    "surname",
    "given_names",
    "birth_date",
    "nationality",
    "doc_issuer",
    "doc_number",
    "voyage",
    "port",
    "scheduled_time",
    "score",
    "reasons",
]


@dataclass
class Worklist:
    """The rows of one run's worklist, its folder and manifest (``rows`` empty when there is no run)."""

    folder: Path | None
    manifest: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""


def latest_run(runs_dir: Path) -> Path | None:
    """The newest run folder (by the manifest's ``finished``/``started`` time, else its modification time)."""
    if not runs_dir.is_dir():
        return None
    found = []
    for manifest in runs_dir.glob("*/manifest.json"):
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        stamp = str(meta.get("finished") or meta.get("started") or meta.get("created") or "")
        found.append((stamp, manifest.stat().st_mtime, manifest.parent))
    return max(found)[2] if found else None


def person_link_id(value: Any) -> str:
    """A worklist ``person_id`` as a node id (runs may write an id or the person key).

    >>> person_link_id("P-0001") == node_id("Person", "P-0001")
    True
    """
    text = str(value)
    try:
        parse_id(text)
        return text
    except ClueGraphError:
        return node_id("Person", text)


def _reasons(value: Any) -> str:
    return reasons_text(value, limit=4)


def load_worklist(runs_dir: Path) -> Worklist:
    """The latest run's worklist, reasons as one readable text, each row with a link to the person."""
    folder = latest_run(runs_dir)
    if folder is None:
        return Worklist(None, problem=f"No batch run yet in {runs_dir}.")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    path = folder / "worklist.parquet"
    if not path.exists():
        return Worklist(folder, manifest, problem=f"{folder.name} has no worklist.parquet.")
    frame = pd.read_parquet(path)
    missing = [c for c in ("rank", "person_id", "score") if c not in frame.columns]
    if missing:
        return Worklist(folder, manifest, problem=f"{path} lacks columns {', '.join(missing)}.")
    frame["reasons"] = frame["reasons"].map(_reasons) if "reasons" in frame else ""
    frame["person"] = frame["person_id"].map(lambda v: f"/person/{person_link_id(v)}")
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype(str)
    # records keyed by the (str) column names; the stubs key them by Hashable
    rows = cast(list[dict[str, Any]], frame.sort_values("rank").to_dict("records"))
    return Worklist(folder, manifest, rows)
