"""``tables/*.csv``: the lead as spreadsheets, safe to open in Excel or LibreOffice.

One file per node label (``nodes_<Label>.csv``: id, properties, provenance) and per edge type
(``edges_<TYPE>.csv``), plus ``scores.csv``, ``reasons.csv`` and ``sources.csv``. A text cell that begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a formula, so it is prefixed
with ``'`` (OWASP's advice on CSV injection); numbers are written as numbers. UTF-8 with a byte order mark,
so spreadsheet programs read native-script names correctly.

>>> safe_cell("=HYPERLINK(1)"), safe_cell("+441632960001"), safe_cell(-1.5), safe_cell("ANNA")
("'=HYPERLINK(1)", "'+441632960001", -1.5, 'ANNA')
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROVENANCE = ("first_seen", "last_seen", "sources", "confidence", "method")


def safe_cell(value: Any) -> Any:
    """A cell value no spreadsheet will run: text starting like a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """One CSV file: header, rows with safe cells, ``\\r\\n`` line ends (RFC 4180), UTF-8 with BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([[safe_cell(c) for c in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _item_rows(items: list[dict[str, Any]], ends: list[str]) -> tuple[list[str], list[list[Any]]]:
    props = sorted({k for it in items for k in it["props"]})
    header = ["id", *ends, *props, *PROVENANCE]
    rows = [
        [
            it["id"],
            *(it[e] for e in ends),
            *(it["props"].get(p) for p in props),
            *(";".join(it[p]) if p == "sources" else it.get(p) for p in PROVENANCE),
        ]
        for it in items
    ]
    return header, rows


def table_files(doc: dict[str, Any]) -> dict[str, bytes]:
    """Every table of the packet: ``tables/<name>.csv`` -> bytes."""
    out: dict[str, bytes] = {}
    for label in sorted({n["label"] for n in doc["nodes"]}):
        out[f"tables/nodes_{label}.csv"] = csv_bytes(*_item_rows([n for n in doc["nodes"] if n["label"] == label], []))
    for etype in sorted({e["type"] for e in doc["edges"]}):
        items = [e for e in doc["edges"] if e["type"] == etype]
        out[f"tables/edges_{etype}.csv"] = csv_bytes(*_item_rows(items, ["src", "dst"]))
    out["tables/scores.csv"] = csv_bytes(
        ["item", "kind", "name", "value"], [[s["item"], s["kind"], s["name"], s["value"]] for s in doc["scores"]]
    )
    out["tables/reasons.csv"] = csv_bytes(
        ["item", "kind", "name", "text"], [[r["item"], r["kind"], r["name"], r["text"]] for r in doc["reasons"]]
    )
    out["tables/sources.csv"] = csv_bytes(
        ["source", "items"], [[p["source"], ";".join(p["items"])] for p in doc["provenance"]]
    )
    return out
