"""Acceptance 4: a packet of a tiny graph matches the committed golden packet byte for byte, apart from
the fields its manifest declares volatile (packet id, created, signature, cluegraph version).

Regenerate after an intended format change with ``CLUEGRAPH_UPDATE_GOLDEN=1 pytest tests/packets/test_golden.py``
and review the diff."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from analytics.packets import Selection, export_packet
from tests.packets.helpers import members, scheme_store
from tests.packets.scheme import CASE, M1, ORG, PHONE

GOLDEN = Path(__file__).parent / "golden"
TINY = (ORG, M1, PHONE, CASE)


def normalised_manifest(data: bytes) -> bytes:
    """The manifest text with the value of every declared volatile field replaced by a placeholder."""
    manifest = json.loads(data)
    text = data.decode("utf-8")
    for field in manifest["volatile"]:
        if field in manifest:
            value = json.dumps(manifest[field], indent=2, ensure_ascii=False, sort_keys=True).replace("\n", "\n  ")
            text = text.replace(f'"{field}": {value}', f'"{field}": "<volatile>"')
    return text.encode("utf-8")


def tiny_packet(tmp_path: Path, **options: object) -> Path:
    with scheme_store(tmp_path / "tiny.duckdb") as src:
        return export_packet(
            src,
            Selection("nodes", TINY),
            note="golden tiny lead",
            creator="golden unit",
            out=tmp_path / "tiny.zip",
            **options,
        )  # type: ignore[arg-type]


def test_the_tiny_packet_matches_the_golden_files(tmp_path: Path) -> None:
    got = members(tiny_packet(tmp_path))
    got["manifest.json"] = normalised_manifest(got["manifest.json"])
    if os.environ.get("CLUEGRAPH_UPDATE_GOLDEN"):
        for name, data in got.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    want = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert sorted(got) == sorted(want)
    for name in sorted(want):
        assert got[name] == want[name], f"{name} differs from tests/packets/golden/{name}"
    assert b"<volatile>" in got["manifest.json"] and not re.search(rb'"created": "\d', got["manifest.json"])


def test_the_same_lead_gives_the_same_zip_bytes(tmp_path: Path) -> None:
    fixed = {"packet_id": "0" * 32, "created": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = tiny_packet(tmp_path / "a", **fixed).read_bytes()
    second = tiny_packet(tmp_path / "b", **fixed).read_bytes()
    assert first == second and len(first) > 1000
