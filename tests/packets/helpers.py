"""Helpers for the packet tests: export the scheme, read a packet, rewrite one with changes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from analytics.packets import Selection, export_packet
from analytics.packets.manifest import zip_comment
from analytics.packets.zipfile_writer import write_zip_file
from graph.store import GraphStore, open_store
from tests.packets.scheme import ALL, load_scheme


def scheme_store(path: Path) -> GraphStore:
    """A DuckDB store at ``path`` holding the scheme graph."""
    store = open_store(path)
    load_scheme(store)
    return store


def export_all(store: GraphStore, out: Path, **options: Any) -> Path:
    """Export every node of the scheme as a packet."""
    options.setdefault("creator", "port unit 3")
    options.setdefault("note", "ring using one phone and card; for the airport team")
    return export_packet(store, Selection("nodes", tuple(ALL)), out=out, **options)


def members(path: Path) -> dict[str, bytes]:
    """Every member of a packet zip."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def graph_doc(path: Path) -> dict[str, Any]:
    """The packet's graph.json."""
    return json.loads(members(path)["graph.json"])


def rewrite(path: Path, out: Path, changes: dict[str, bytes], *, fix_comment: bool = True) -> Path:
    """The packet with some members replaced (a well-formed zip; the comment re-pinned to the manifest)."""
    files = {**members(path), **changes}
    comment = zip_comment(files["manifest.json"]) if fix_comment else zipfile.ZipFile(path).comment
    return write_zip_file(files, out, comment=comment)


def store_is_empty(store: GraphStore) -> bool:
    """True when nothing was loaded."""
    return store.stats().to_dict()["total_nodes"] == 0 and store.stats().to_dict()["total_edges"] == 0
