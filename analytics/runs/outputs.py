"""The files of a batch run, written so that the same inputs give the same bytes: ``worklist.csv`` and
``worklist.parquet`` (one row per announced traveller and voyage, ranked), ``alerts.jsonl`` (rows at or above
the alert threshold, with their risk paths), ``config.yaml`` and ``manifest.json`` (written last: a folder
with a manifest is a finished run). Each file is written to a temporary name and renamed into place, so an
interrupted run never leaves a half-written file under a final name."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: The worklist's columns, in order (issue #7).
WORKLIST_COLUMNS = ["rank", "person_id", "surname", "given_names", "birth_date", "nationality", "doc_issuer",
                    "doc_number", "voyage", "port", "scheduled_time", "score", "reasons"]
#: Manifest fields that differ between two runs of the same inputs (wall-clock facts), and nothing else.
VOLATILE = ("created", "timings")


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through ``write(tmp)`` and rename into ``path`` (what ``write`` returns, such as the count
    ``Path.write_text`` gives, is ignored)."""
    tmp = path.with_name(f".{path.name}.partial")
    write(tmp)
    os.replace(tmp, path)
    return path


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_worklist(rows: pd.DataFrame, out_dir: Path) -> list[Path]:
    """``worklist.csv`` and ``worklist.parquet`` from ranked ``rows`` (``WORKLIST_COLUMNS`` plus any extra
    columns, which the CSV leaves out)."""
    table = rows[WORKLIST_COLUMNS].reset_index(drop=True)
    csv = write_atomic(out_dir / "worklist.csv",
                       lambda p: table.to_csv(p, index=False, lineterminator="\n", float_format="%.6f"))
    arrow = pa.Table.from_pandas(table, preserve_index=False).replace_schema_metadata(None)
    parquet = write_atomic(out_dir / "worklist.parquet",
                           lambda p: pq.write_table(arrow, p, compression="zstd", write_statistics=False))
    return [csv, parquet]


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """One canonical JSON object a line (sorted keys)."""
    def put(p: Path) -> None:
        with p.open("w", encoding="utf-8", newline="\n") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str) + "\n")
    return write_atomic(path, put)


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """Canonical, indented JSON."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def stable_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without its volatile fields: what two runs of the same inputs share byte for byte."""
    return {k: v for k, v in manifest.items() if k not in VOLATILE}
