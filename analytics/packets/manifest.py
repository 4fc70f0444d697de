"""``manifest.json``: who sent the packet, when and why, what it holds, and the proof it is unaltered.

The manifest lists the SHA-256 and size of every other file. With a signing key it carries an Ed25519
signature (the ``cryptography`` library) over its canonical form: the manifest without ``signature``,
as JSON with sorted keys, no spaces, UTF-8. The SHA-256 of the manifest file's own bytes goes in the zip
comment, so a changed manifest is caught even in an unsigned packet (against accident, not against a
forger: only a signature, checked with the sender's public key, proves who sent it).

``packet_id``, ``created``, ``signature`` and ``cluegraph_version`` are volatile: everything else is a
function of the lead and the sender's choices.

>>> m = {"packet_id": "p", "files": {}, "signature": {"value": "x"}}
>>> canonical(m)
b'{"files":{},"packet_id":"p"}'
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from analytics.packets.graph_json import FORMAT
from graph.errors import InvalidInputError

VOLATILE = ("packet_id", "created", "signature", "cluegraph_version")
COMMENT_PREFIX = b"cluegraph-packet manifest-sha256="


def cluegraph_version() -> str:
    """The installed cluegraph version."""
    try:
        return version("cluegraph")
    except PackageNotFoundError:
        return "unknown"


def canonical(manifest: dict[str, Any]) -> bytes:
    """The bytes a signature covers: the manifest without ``signature``, sorted keys, compact, UTF-8."""
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def file_entries(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """Name -> SHA-256 (hex) and size, for every file, sorted by name."""
    return {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for name, data in sorted(files.items())
    }


def build_manifest(
    files: dict[str, bytes],
    *,
    packet_id: str,
    created: datetime | None,
    creator: str,
    note: str,
    source_run: str | None,
    selection: dict[str, Any],
    redacted: list[str],
) -> dict[str, Any]:
    """The manifest of these files (not yet signed)."""
    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "format": FORMAT,
        "packet_id": packet_id,
        "created": when.isoformat().replace("+00:00", "Z"),
        "creator": creator,
        "note": note,
        "source_run": source_run,
        "cluegraph_version": cluegraph_version(),
        "selection": selection,
        "redacted": redacted,
        "files": file_entries(files),
        "volatile": list(VOLATILE),
    }


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM (PKCS#8) file or a raw 32-byte file."""
    try:
        data = Path(path).read_bytes()
        key = (
            serialization.load_pem_private_key(data, password=None)
            if data.startswith(b"-----")
            else Ed25519PrivateKey.from_private_bytes(data)
        )
    except (OSError, ValueError, TypeError) as err:
        raise InvalidInputError(f"cannot read the signing key: {err}", file=str(path)) from err
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInputError("the signing key is not an Ed25519 key", file=str(path))
    return key


def sign(manifest: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The manifest with an Ed25519 ``signature`` over its canonical form (and the public key, for reference)."""
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    value = key.sign(canonical(manifest))
    return {
        **manifest,
        "signature": {
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(public).decode(),
            "value": base64.b64encode(value).decode(),
        },
    }


def write_keypair(private_path: Path, public_path: Path) -> None:
    """A new Ed25519 key pair as PEM files (private PKCS#8 unencrypted, mode 600; public SubjectPublicKeyInfo)."""
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def zip_comment(manifest_bytes: bytes) -> bytes:
    """The zip comment that pins the manifest file's bytes."""
    return COMMENT_PREFIX + hashlib.sha256(manifest_bytes).hexdigest().encode()
