"""Redaction: chosen fields masked in every file of a packet.

``redact`` works on the ``graph.json`` document before any file is drawn from it. It collects the values
of the chosen fields (``doc_number`` also covers a Document's ``number``; ``birth_date`` also ``dob``),
replaces every occurrence of those values in every text of the document (properties, reasons, paths,
source references) with a mask, and re-derives the ids of nodes whose key held a masked value (an id is a
hash of the key, and a hash of a short document number can be reversed by trying them all). The mask is a
keyed hash, so one value masks the same way throughout a packet (links stay visible) but cannot be
recovered without the key, which is random per packet unless a test fixes it.

>>> doc = {"nodes": [{"id": "x", "label": "Person", "props": {"birth_date": "1980-02-03"}}], "edges": [],
...        "reasons": [{"text": "born 1980-02-03"}]}
>>> out = redact(doc, ["birth_date"], key=b"k")
>>> "1980-02-03" in str(out)
False
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from typing import Any

from graph.errors import InvalidValueError
from graph.ids import edge_id, node_id
from graph.schema import Schema, load_schema

#: Property names each redactable field covers (``label.prop`` for one label's property).
ALIASES: dict[str, tuple[str, ...]] = {
    "doc_number": ("doc_number", "document_number", "passport_number", "Document.number"),
    "birth_date": ("birth_date", "dob", "date_of_birth"),
}
#: Values shorter than this are not replaced inside longer texts (they would mask unrelated text).
MIN_EMBEDDED = 4


def mask(value: str, key: bytes) -> str:
    """The mask of one value: ``REDACTED-`` and 8 hex digits of a keyed hash.

    >>> mask("E1234567", b"k") == mask("E1234567", b"k") != mask("E1234568", b"k")
    True
    """
    return "REDACTED-" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:8]


def _covers(fields: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for f in fields:
        if not f.replace("_", "").replace(".", "").isalnum():
            raise InvalidValueError("not a field name", field="redact", value=f)
        names |= {f, *ALIASES.get(f, ())}
    return names


def _secrets(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], names: set[str]) -> set[str]:
    found = set()
    for item in nodes + edges:
        kind = item.get("label") or item.get("type")
        for prop, value in item["props"].items():
            if (prop in names or f"{kind}.{prop}" in names) and value not in (None, ""):
                found |= {str(v) for v in value} if isinstance(value, list) else {str(value)}
    return found


def map_strings(obj: Any, fn: Callable[[str], str]) -> Any:
    """``obj`` with ``fn`` applied to every string in it, keys included."""
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {fn(k): map_strings(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [map_strings(v, fn) for v in obj]
    return obj


def _replacer(pairs: dict[str, str]) -> Callable[[str], str]:
    ordered = sorted(pairs.items(), key=lambda kv: -len(kv[0]))

    def replace(text: str) -> str:
        if text in pairs:
            return pairs[text]
        for old, new in ordered:
            if len(old) >= MIN_EMBEDDED and old in text:
                text = text.replace(old, new)
        return text

    return replace


def _new_ids(doc: dict[str, Any], schema: Schema) -> dict[str, str]:
    """Old id -> new id for nodes whose key changed, then for edges whose ends changed."""
    renamed: dict[str, str] = {}
    for n in doc["nodes"]:
        key = schema.node(n["label"]).key
        if not all(k in n["props"] for k in key):
            continue
        new = node_id(n["label"], *(n["props"][k] for k in key))
        if new != n["id"]:
            renamed[n["id"]] = new
    for e in doc["edges"]:
        src, dst = renamed.get(e["src"], e["src"]), renamed.get(e["dst"], e["dst"])
        etype = schema.edge(e["type"])
        if etype.symmetric and dst < src:
            src, dst = dst, src
        new = edge_id(e["type"], src, dst, e["props"].get(etype.key) if etype.key else None)
        if new != e["id"]:
            renamed[e["id"]] = new
    return renamed


def redact(
    doc: dict[str, Any], fields: Iterable[str], *, key: bytes | None = None, schema: Schema | None = None
) -> dict[str, Any]:
    """A copy of the packet document with the values of ``fields`` masked everywhere and ids re-derived."""
    fields = sorted(set(fields))
    if not fields:
        return doc
    key = key if key is not None else os.urandom(32)
    secrets = _secrets(doc["nodes"], doc["edges"], _covers(fields))
    out = map_strings(doc, _replacer({s: mask(s, key) for s in secrets}))
    if out["nodes"]:
        renamed = _new_ids(out, schema or load_schema())
        out = map_strings(out, _replacer(renamed))
        out["nodes"].sort(key=lambda n: n["id"])
        out["edges"].sort(key=lambda e: e["id"])
    out["redacted"] = fields
    return out
