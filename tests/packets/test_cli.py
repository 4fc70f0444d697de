"""``cluegraph export-packet`` / ``import-packet`` / ``packet-keygen`` as a user runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph.store import open_store
from tests.packets.helpers import graph_doc, members, scheme_store
from tests.packets.scheme import M1, ORG


def cluegraph(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script's entry point (``python -m cluegraph.cli`` would register command families on
    a second copy of the app, not on the one ``__main__`` runs)."""
    entry = "import sys; from cluegraph.cli import main; sys.argv[0] = 'cluegraph'; main()"
    return subprocess.run(
        [sys.executable, "-c", entry, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_export_sign_and_import_from_the_command_line(tmp_path: Path) -> None:
    sender, receiver = tmp_path / "sender.duckdb", tmp_path / "receiver.duckdb"
    scheme_store(sender).close()
    priv, pub = tmp_path / "unit3.key", tmp_path / "unit3.pub"
    assert cluegraph("packet-keygen", str(priv), str(pub)).returncode == 0
    assert oct(priv.stat().st_mode & 0o777) == "0o600"
    out = cluegraph(
        "export-packet",
        "--person",
        "Person=P-ORG",
        "--note",
        "ring organiser",
        "--creator",
        "unit 3",
        "--redact",
        "birth_date",
        "--sign-key",
        str(priv),
        "--out",
        str(tmp_path / "lead.zip"),
        "--store",
        str(sender),
    )
    assert out.returncode == 0, out.stderr
    manifest = json.loads(members(tmp_path / "lead.zip")["manifest.json"])
    assert manifest["creator"] == "unit 3" and manifest["note"] == "ring organiser"
    assert manifest["signature"]["algorithm"] == "Ed25519" and manifest["redacted"] == ["birth_date"]
    assert graph_doc(tmp_path / "lead.zip")["focus"] == [ORG]

    checked = cluegraph("verify-packet", str(tmp_path / "lead.zip"), "--verify-key", str(pub))
    assert checked.returncode == 0 and "signature verified" in checked.stderr and "ring organiser" in checked.stderr
    unsigned_check = cluegraph(
        "import-packet", str(tmp_path / "lead.zip"), "--require-signature", "--store", str(receiver)
    )
    assert unsigned_check.returncode == 2 and "verify-key" in unsigned_check.stderr
    done = cluegraph(
        "import-packet",
        str(tmp_path / "lead.zip"),
        "--verify-key",
        str(pub),
        "--require-signature",
        "--store",
        str(receiver),
    )
    assert done.returncode == 0, done.stderr
    assert "signature verified" in done.stderr and "unit 3" in done.stderr
    with open_store(receiver, read_only=True) as st:
        org = st.get(ORG)
        assert org is not None and any(s.startswith("packet:") and s.endswith("/unit 3") for s in org.sources)
        assert "birth_date" in org.props and org.props["birth_date"].startswith("REDACTED-")


def test_a_tampered_packet_fails_with_a_named_error_and_exit_code(tmp_path: Path) -> None:
    sender = tmp_path / "s.duckdb"
    scheme_store(sender).close()
    out = cluegraph("export-packet", "--nodes", f"{ORG},{M1}", "--out", str(tmp_path / "p.zip"), "--store", str(sender))
    assert out.returncode == 0, out.stderr
    raw = bytearray((tmp_path / "p.zip").read_bytes())
    raw[-3] ^= 0x01  # inside the zip comment that pins the manifest
    (tmp_path / "bad.zip").write_bytes(bytes(raw))
    bad = cluegraph("import-packet", str(tmp_path / "bad.zip"), "--store", str(tmp_path / "r.duckdb"))
    assert bad.returncode == 2 and "manifest.json" in bad.stderr and "altered" in bad.stderr
    with open_store(tmp_path / "r.duckdb", read_only=True) as st:
        assert st.stats().to_dict()["total_nodes"] == 0
