"""Clue packets: hand a lead to another unit as one zip it can verify, read, open in its tools, and import.

``export_packet`` selects the lead from the store, draws every file from one document (``graph.json``),
redacts it when asked, writes a manifest with the SHA-256 of every file (signed with Ed25519 when a key is
given) and a deterministic zip. ``cluegraph import-packet`` (``ingest.readers.packet``) is the other end.

Files of a packet: ``manifest.json``, ``graph.json``, ``entities.ftm.json`` (FollowTheMoney),
``graph.graphml`` (Gephi, Cytoscape), ``tables/*.csv`` and ``report.html``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from analytics.packets.ftm import ftm_bytes
from analytics.packets.graph_json import dumps, graph_document
from analytics.packets.graphml import graphml_bytes
from analytics.packets.manifest import build_manifest, load_private_key, sign, zip_comment
from analytics.packets.redact import redact as redact_document
from analytics.packets.report import report_html
from analytics.packets.select import Selection, select
from analytics.packets.tables import table_files
from analytics.packets.zipfile_writer import write_zip_file
from graph.store.base import GraphStore

__all__ = ["Selection", "export_packet", "packet_files"]

RUN_PROPS = ("run_id", "source_run", "run")


def _source_run(doc: dict[str, Any]) -> str | None:
    for n in doc["nodes"]:
        if n["id"] in doc["focus"]:
            for prop in RUN_PROPS:
                if n["props"].get(prop):
                    return str(n["props"][prop])
    return None


def packet_files(
    doc: dict[str, Any],
    *,
    packet_id: str,
    created: datetime | None,
    creator: str,
    note: str,
    source_run: str | None,
    sign_key: Ed25519PrivateKey | None,
) -> tuple[dict[str, bytes], bytes]:
    """Every file of the packet for an (already redacted) document, and the zip comment."""
    meta = {
        "creator": creator,
        "purpose": note,
        "source run": source_run,
        "redacted fields": ", ".join(doc.get("redacted", [])),
    }
    files = {
        "graph.json": dumps(doc),
        "entities.ftm.json": ftm_bytes(doc),
        "graph.graphml": graphml_bytes(doc),
        "report.html": report_html(doc, meta),
        **table_files(doc),
    }
    manifest = build_manifest(
        files,
        packet_id=packet_id,
        created=created,
        creator=creator,
        note=note,
        source_run=source_run,
        selection=doc["selection"],
        redacted=doc.get("redacted", []),
    )
    if sign_key is not None:
        manifest = sign(manifest, sign_key)
    files["manifest.json"] = dumps(manifest)
    return files, zip_comment(files["manifest.json"])


def export_packet(
    store: GraphStore,
    selection: Selection,
    *,
    note: str = "",
    creator: str,
    redact: Sequence[str] = (),
    sign_key: Path | Ed25519PrivateKey | None = None,
    out: Path,
    packet_id: str | None = None,
    created: datetime | None = None,
    source_run: str | None = None,
    redact_key: bytes | None = None,
) -> Path:
    """Write the clue packet for ``selection`` to ``out`` (a .zip) and return its path.

    ``sign_key`` is an Ed25519 private key or a PEM file holding one. ``packet_id`` and ``created`` default
    to a new UUID and now; tests fix them (and ``redact_key``, the mask's secret) for reproducible bytes.
    """
    doc = graph_document(select(store, selection))
    if redact:
        doc = redact_document(doc, redact, key=redact_key, schema=store.schema)
    key = load_private_key(sign_key) if isinstance(sign_key, str | Path) else sign_key
    files, comment = packet_files(
        doc,
        packet_id=packet_id or uuid.uuid4().hex,
        created=created,
        creator=creator,
        note=note,
        source_run=source_run or _source_run(doc),
        sign_key=key,
    )
    return write_zip_file(files, Path(out), comment=comment)
