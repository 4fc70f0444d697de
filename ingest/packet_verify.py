"""Checks a clue packet before anything of it is loaded: a safe zip, every hash, and the signature.

The zip is read into memory entry by entry, never extracted to disk, and refused (``PacketUnsafeError``)
when a name could escape a folder (absolute, ``..``, backslashes, drive letters, NUL), names a symlink or a
folder, repeats, or is not a packet file; and when it could be a decompression bomb: too many entries, or
an entry or the whole inflating beyond a limit or a compression ratio. The sizes are counted on the bytes
actually inflated, while streaming, not read from the headers. Then the manifest must match the zip
comment's hash of it, list exactly the files present, and every file must match its SHA-256 and size
(``PacketTamperedError``). With the sender's public key, the manifest's Ed25519 signature must verify
(``PacketSignatureError``); ``require_signature`` refuses a packet that cannot be checked that way.

>>> safe_name("tables/nodes_Person.csv"), safe_name("../etc/passwd")
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from graph.errors import InvalidInputError

FORMAT = "cluegraph-packet/1"
MANIFEST = "manifest.json"
COMMENT_PREFIX = b"cluegraph-packet manifest-sha256="
_NAME = re.compile(
    r"^(manifest\.json|graph\.json|entities\.ftm\.json|graph\.graphml|report\.html"
    r"|tables/[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.csv)$"
)
CHUNK = 64 * 1024


class PacketError(InvalidInputError):
    """A clue packet that cannot be imported; nothing of it was loaded."""


class PacketCorruptError(PacketError):
    """Not a zip, or a truncated or damaged one (a checksum of the zip itself fails)."""


class PacketUnsafeError(PacketError):
    """A zip that could write outside its folder or exhaust memory (zip-slip, symlink, decompression bomb)."""


class PacketTamperedError(PacketError):
    """The files do not match the manifest, or the manifest does not match its recorded hash."""


class PacketSignatureError(PacketError):
    """The signature is missing when required, or does not verify with the given key."""


class PacketFormatError(PacketError):
    """The packet's content does not follow the packet format (names the file, record and field)."""


@dataclass(frozen=True)
class Limits:
    """How much a packet may hold (all counted on inflated bytes)."""

    max_archive_bytes: int = 512 * 1024 * 1024
    max_entries: int = 2_000
    max_entry_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class VerifiedPacket:
    """A packet whose files all match its manifest; ``verified_key`` says whose signature was checked."""

    manifest: dict[str, Any]
    files: dict[str, bytes]
    verified_key: str | None

    @property
    def packet_id(self) -> str:
        return str(self.manifest["packet_id"])

    @property
    def sender(self) -> str:
        return str(self.manifest.get("creator") or "unknown")


def safe_name(name: str) -> bool:
    """True for a member name a packet may have: a known file or ``tables/<name>.csv``, nothing else."""
    return bool(_NAME.match(name)) and ".." not in name and "\\" not in name and "\x00" not in name


def _check_entries(infos: list[zipfile.ZipInfo], file: str, limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise PacketUnsafeError(f"too many entries ({len(infos)} > {limits.max_entries})", file=file)
    seen: set[str] = set()
    for info in infos:
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_ISDIR(mode):
            raise PacketUnsafeError("a packet holds no folders", file=file, record=info.filename)
        if stat.S_ISLNK(mode):
            raise PacketUnsafeError("a packet holds no symbolic links", file=file, record=info.filename)
        if not safe_name(info.filename) or info.filename != info.orig_filename:
            raise PacketUnsafeError(
                "unsafe or unknown member name (path traversal?)", file=file, record=info.orig_filename
            )
        if info.filename in seen:
            raise PacketUnsafeError("a member name repeats", file=file, record=info.filename)
        if info.flag_bits & 0x1:
            raise PacketUnsafeError("encrypted members are not allowed", file=file, record=info.filename)
        seen.add(info.filename)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, file: str, limits: Limits) -> bytes:
    """One member's bytes, counted while streaming; refuse past the limits."""
    parts, size = [], 0
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            if size > limits.max_entry_bytes or size > budget:
                raise PacketUnsafeError(
                    "a member inflates beyond the size limit (zip bomb?)", file=file, record=info.filename
                )
            if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(info.compress_size, 1):
                raise PacketUnsafeError(
                    "a member inflates beyond the compression ratio limit (zip bomb?)", file=file, record=info.filename
                )
            parts.append(chunk)
    return b"".join(parts)


def read_members(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, bytes], bytes]:
    """Every member of the packet zip (name -> bytes) and the zip comment, after the safety checks."""
    file = str(path)
    try:
        if os.path.getsize(path) > limits.max_archive_bytes:
            raise PacketUnsafeError("the packet file is larger than the limit", file=file)
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_entries(infos, file, limits)
            files, left = {}, limits.max_total_bytes
            for info in infos:
                files[info.filename] = _inflate(zf, info, left, file, limits)
                left -= len(files[info.filename])
            return files, zf.comment
    except OSError as err:
        raise PacketCorruptError(f"cannot read the packet: {err}", file=file) from err
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise PacketCorruptError(f"not a complete, undamaged zip (truncated?): {err}", file=file) from err
    except Exception as err:  # zlib.error and friends from a damaged deflate stream
        if isinstance(err, PacketError):
            raise
        raise PacketCorruptError(f"damaged zip member: {err}", file=file) from err


def canonical(manifest: dict[str, Any]) -> bytes:
    """The bytes the signature covers (the manifest without ``signature``; see analytics.packets.manifest)."""
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _manifest(files: dict[str, bytes], comment: bytes, file: str) -> dict[str, Any]:
    raw = files.get(MANIFEST)
    if raw is None:
        raise PacketTamperedError("the packet has no manifest.json", file=file)
    if comment != COMMENT_PREFIX + hashlib.sha256(raw).hexdigest().encode():
        raise PacketTamperedError(
            "manifest.json does not match the hash in the zip comment (altered?)", file=file, record=MANIFEST
        )
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PacketFormatError(f"manifest.json is not JSON: {err}", file=file, record=MANIFEST) from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PacketFormatError(f"not a {FORMAT} manifest", file=file, record=MANIFEST, field="format")
    if not isinstance(manifest.get("files"), dict) or not manifest.get("packet_id"):
        raise PacketFormatError("the manifest lacks files or packet_id", file=file, record=MANIFEST)
    return manifest


def _check_hashes(manifest: dict[str, Any], files: dict[str, bytes], file: str) -> None:
    listed, present = set(manifest["files"]), set(files) - {MANIFEST}
    for name in sorted(present - listed):
        raise PacketTamperedError("a file the manifest does not list", file=file, record=name)
    for name in sorted(listed - present):
        raise PacketTamperedError("a file the manifest lists is missing (truncated?)", file=file, record=name)
    for name in sorted(listed):
        entry, data = manifest["files"][name], files[name]
        if not isinstance(entry, dict) or entry.get("size") != len(data):
            raise PacketTamperedError("size differs from the manifest", file=file, record=name, field="size")
        if entry.get("sha256") != hashlib.sha256(data).hexdigest():
            raise PacketTamperedError("SHA-256 differs from the manifest", file=file, record=name, field="sha256")


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file or a raw 32-byte file."""
    try:
        data = Path(path).read_bytes()
        key = (
            serialization.load_pem_public_key(data)
            if data.startswith(b"-----")
            else Ed25519PublicKey.from_public_bytes(data)
        )
    except (OSError, ValueError, TypeError) as err:
        raise PacketSignatureError(f"cannot read the verify key: {err}", file=str(path)) from err
    if not isinstance(key, Ed25519PublicKey):
        raise PacketSignatureError("the verify key is not an Ed25519 public key", file=str(path))
    return key


def _check_signature(manifest: dict[str, Any], key: Ed25519PublicKey, file: str) -> str:
    sig = manifest.get("signature")
    if not isinstance(sig, dict) or sig.get("algorithm") != "Ed25519":
        raise PacketSignatureError("the packet is not signed (Ed25519)", file=file, record=MANIFEST)
    try:
        key.verify(base64.b64decode(str(sig.get("value", "")), validate=True), canonical(manifest))
    except (InvalidSignature, ValueError) as err:
        raise PacketSignatureError(
            "the signature does not verify with this key (altered, or another sender)",
            file=file,
            record=MANIFEST,
            field="signature",
        ) from err
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def verify_packet(
    path: Path,
    *,
    verify_key: Path | Ed25519PublicKey | None = None,
    require_signature: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedPacket:
    """Every check of the module doc, in order; the packet's files once all of them pass."""
    file = str(path)
    if require_signature and verify_key is None:
        raise PacketSignatureError("a signature is required: give the sender's public key (--verify-key)", file=file)
    files, comment = read_members(Path(path), limits)
    manifest = _manifest(files, comment, file)
    key = load_public_key(verify_key) if isinstance(verify_key, str | Path) else verify_key
    verified = _check_signature(manifest, key, file) if key is not None else None
    _check_hashes(manifest, files, file)
    return VerifiedPacket(manifest, files, verified)
