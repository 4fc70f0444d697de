"""Acceptance 2: a packet altered anywhere, truncated, unsigned when a signature is required, or shaped
to escape its folder or to explode on inflating, is refused with a named error and nothing is loaded."""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from analytics.packets.manifest import zip_comment
from graph.store import GraphStore, open_store
from ingest.packet_verify import (
    Limits,
    PacketCorruptError,
    PacketError,
    PacketSignatureError,
    PacketTamperedError,
    PacketUnsafeError,
)
from ingest.readers.packet import import_packet
from tests.packets.helpers import export_all, members, rewrite, scheme_store, store_is_empty


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tamper")
    with scheme_store(d / "s.duckdb") as src:
        return export_all(src, d / "lead.zip")


@pytest.fixture
def empty(tmp_path: Path) -> GraphStore:
    with open_store(tmp_path / "receiver.duckdb") as st:
        yield st


def refused(
    store: GraphStore, path: Path, error: type[PacketError] | tuple[type[PacketError], ...] = PacketError, **kw: object
) -> PacketError:
    with pytest.raises(error) as caught:
        import_packet(store, path, **kw)  # type: ignore[arg-type]
    assert store_is_empty(store)
    return caught.value


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]


def test_the_untampered_packet_loads(packet: Path, empty: GraphStore) -> None:
    assert import_packet(empty, packet).nodes > 0


def test_one_changed_byte_in_any_file_is_detected_and_nothing_loads(
    packet: Path, empty: GraphStore, tmp_path: Path
) -> None:
    files = members(packet)
    for name, data in sorted(files.items()):
        for at in sorted({0, 1, len(data) // 3, len(data) // 2, len(data) - 2, len(data) - 1}):
            bad = rewrite(packet, tmp_path / "bad.zip", {name: flip(data, at)}, fix_comment=False)
            err = refused(empty, bad, PacketTamperedError)
            assert name in str(err) or "manifest" in str(err)


def test_a_rewritten_manifest_is_caught_by_its_pinned_hash(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    manifest = members(packet)["manifest.json"].replace(b"for the airport team", b"for the harbour team")
    err = refused(
        empty, rewrite(packet, tmp_path / "m.zip", {"manifest.json": manifest}, fix_comment=False), PacketTamperedError
    )
    assert "manifest.json" in str(err)


def test_an_added_or_removed_file_is_detected(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    refused(
        empty,
        rewrite(packet, tmp_path / "add.zip", {"tables/extra.csv": b"a\n"}, fix_comment=False),
        PacketTamperedError,
    )
    files = members(packet)
    del files["graph.graphml"]
    with zipfile.ZipFile(tmp_path / "rm.zip", "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.comment = zipfile.ZipFile(packet).comment
    refused(empty, tmp_path / "rm.zip", PacketTamperedError)


def test_flipped_bytes_inside_the_compressed_data_are_detected(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    raw = packet.read_bytes()
    with zipfile.ZipFile(packet) as zf:
        spans = []
        for info in zf.infolist():
            name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
            start = info.header_offset + 30 + name_len + extra_len
            spans.append((start, start + info.compress_size))
    checked = 0
    for start, end in spans:
        for at in sorted({start, start + 1, (start + end) // 2, end - 2}):
            (tmp_path / "f.zip").write_bytes(flip(raw, at))
            if same_members(tmp_path / "f.zip", packet):
                continue  # the flip hit deflate padding: no file changed, nothing to detect
            refused(empty, tmp_path / "f.zip")
            checked += 1
    assert checked > 2 * len(spans)


def same_members(path: Path, original: Path) -> bool:
    try:
        return members(path) == members(original)
    except Exception:
        return False


def test_a_truncated_packet_is_refused(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    raw = packet.read_bytes()
    for keep in (0, 10, len(raw) // 2, len(raw) - 30, len(raw) - 1):
        (tmp_path / "t.zip").write_bytes(raw[:keep])
        err = refused(empty, tmp_path / "t.zip", (PacketCorruptError, PacketTamperedError))  # type: ignore[arg-type]
        assert "truncated" in str(err) or "altered" in str(err)


def test_signatures_verify_and_a_forged_or_missing_one_is_refused(tmp_path: Path, empty: GraphStore) -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with scheme_store(tmp_path / "s.duckdb") as src:
        signed = export_all(src, tmp_path / "signed.zip", sign_key=key)
        unsigned = export_all(src, tmp_path / "unsigned.zip")
    refused(empty, unsigned, PacketSignatureError, require_signature=True)
    refused(empty, unsigned, PacketSignatureError, verify_key=key.public_key(), require_signature=True)
    refused(empty, signed, PacketSignatureError, verify_key=other.public_key())
    # a forger who rewrites the note, and re-pins the manifest, still cannot make the signature verify
    manifest = members(signed)["manifest.json"].replace(b"for the airport team", b"for anyone")
    forged = rewrite(signed, tmp_path / "forged.zip", {"manifest.json": manifest})
    refused(empty, forged, PacketSignatureError, verify_key=key.public_key())
    done = import_packet(empty, signed, verify_key=key.public_key(), require_signature=True)
    assert done.verified_key is not None and done.nodes > 0


def _zip_with(tmp_path: Path, packet: Path, name: str, data: bytes = b"x", *, mode: int = 0o100644) -> Path:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for good, content in members(packet).items():
            zf.writestr(good, content)
        info = zipfile.ZipInfo("placeholder")
        info.filename, info.orig_filename = name, name
        info.external_attr = mode << 16
        zf.writestr(info, data)
        zf.comment = zipfile.ZipFile(packet).comment
    return path


@pytest.mark.parametrize(
    "name",
    [
        "../evil.csv",
        "/etc/cron.d/evil",
        "tables/../../evil.csv",
        "tables/../graph.json.csv",
        "C:/evil.csv",
        "tables\\..\\evil.csv",
        "tables/evil\x00.csv",
        "tables/",
        "notes.txt",
        "tables/sub/evil.csv",
    ],
)
def test_zip_slip_names_are_refused(packet: Path, empty: GraphStore, tmp_path: Path, name: str) -> None:
    refused(empty, _zip_with(tmp_path, packet, name), PacketUnsafeError)


def test_a_symlink_member_is_refused(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    path = _zip_with(tmp_path, packet, "tables/link.csv", b"/etc/passwd", mode=0o120777)
    assert "symbolic link" in str(refused(empty, path, PacketUnsafeError))


def test_a_repeated_member_name_is_refused(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    with pytest.warns(UserWarning):
        path = _zip_with(tmp_path, packet, "graph.json", b"{}")
    refused(empty, path, PacketUnsafeError)


def _bomb(path: Path, name: str, size: int) -> Path:
    """A zip whose one member inflates to ``size`` zero bytes (about a thousand times its packed size)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    return path


def test_a_zip_bomb_is_refused_while_streaming(empty: GraphStore, tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.zip", "graph.json", 96 << 20)
    assert bomb.stat().st_size < 1 << 20
    err = refused(empty, bomb, PacketUnsafeError)
    assert "zip bomb" in str(err)


def test_header_sizes_are_not_trusted(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    """A member whose headers claim 10 bytes, though its data inflates to more, is still refused."""
    raw = bytearray(packet.read_bytes())
    info = zipfile.ZipFile(packet).getinfo("graph.json")
    struct.pack_into("<I", raw, info.header_offset + 22, 10)  # local header: uncompressed size
    at = raw.find(b"PK\x01\x02")
    while raw[at + 46 : at + 46 + 10] != b"graph.json":
        at = raw.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + 24, 10)  # central directory: uncompressed size
    (tmp_path / "lie.zip").write_bytes(bytes(raw))
    assert zipfile.ZipFile(tmp_path / "lie.zip").getinfo("graph.json").file_size == 10
    refused(empty, tmp_path / "lie.zip")


def test_limits_on_entries_and_sizes_hold(packet: Path, empty: GraphStore, tmp_path: Path) -> None:
    refused(empty, packet, PacketUnsafeError, limits=Limits(max_entries=3))
    refused(empty, packet, PacketUnsafeError, limits=Limits(max_entry_bytes=1000))
    refused(empty, packet, PacketUnsafeError, limits=Limits(max_total_bytes=20_000))
    refused(empty, packet, PacketUnsafeError, limits=Limits(max_archive_bytes=1000))


def _repinned(packet: Path, out: Path, doc: bytes) -> Path:
    """The packet with another graph.json, its manifest and comment updated to match (no signature)."""
    manifest = json.loads(members(packet)["manifest.json"])
    manifest["files"]["graph.json"] = {"sha256": hashlib.sha256(doc).hexdigest(), "size": len(doc)}
    new_manifest = (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    path = rewrite(packet, out, {"graph.json": doc, "manifest.json": new_manifest})
    assert zipfile.ZipFile(path).comment == zip_comment(new_manifest)
    return path


def test_graph_json_that_breaks_the_data_model_is_refused_before_loading(
    packet: Path, empty: GraphStore, tmp_path: Path
) -> None:
    doc = members(packet)["graph.json"].replace(b'"label": "Phone"', b'"label": "Telex"')
    err = refused(empty, _repinned(packet, tmp_path / "model.zip", doc))
    assert "nodes[" in str(err) and "Telex" in str(err)


def test_an_edge_cannot_be_re_aimed_through_a_reserved_property(
    packet: Path, empty: GraphStore, tmp_path: Path
) -> None:
    doc = json.loads(members(packet)["graph.json"])
    doc["edges"][0]["props"]["dst"] = "Person:0000000000000001"
    err = refused(empty, _repinned(packet, tmp_path / "aim.zip", json.dumps(doc).encode()))
    assert "reserved" in str(err) and "props.dst" in str(err)


def test_any_flipped_byte_is_refused_by_name_or_changes_no_file(packet: Path, tmp_path: Path) -> None:
    """Fuzz: a flip anywhere in the archive (headers, data, directory, comment) either fails with a named
    packet error, or hit bytes that change no file (deflate padding, a header time), and then loads."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    raw = packet.read_bytes()
    original = members(packet)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(at=st.integers(0, len(raw) - 1), bit=st.integers(0, 7))
    def check(at: int, bit: int) -> None:
        path = tmp_path / "fuzz.zip"
        path.write_bytes(raw[:at] + bytes([raw[at] ^ (1 << bit)]) + raw[at + 1 :])
        with open_store(":memory:") as st_:
            try:
                import_packet(st_, path)
            except PacketError:
                assert store_is_empty(st_)
                return
            assert members(path) == original

    check()
