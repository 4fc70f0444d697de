"""Pages and callbacks without a browser: each page rendered through Dash Pages' router, callbacks fired
as the browser fires them, on the planted world in a real DuckDB file."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from dash_helpers import call, render
from world_fixture import IVANOV, ZHANG

from dashboard.audit import AuditLog
from dashboard.review import record_decision, review_queue
from dashboard.search import search
from dashboard.worklist import load_worklist
from graph.store import Edge, open_store


def test_search_finds_a_person_by_transliteration_variants(dash_env: dict[str, Any]) -> None:
    with dash_env["app"].server.extensions["cluegraph"].store() as st:
        for query in ("Yuriy Ivanov", "IURII IVANOV", "Юрий Иванов", "ivanov yuri"):
            assert IVANOV in [h.id for h in search(st, query)[:2]], query
        assert search(st, "Chang Wei")[0].id == ZHANG
        assert search(st, "张伟")[0].id == ZHANG
        assert search(st, "751234567")[0].label == "Document"
        assert search(st, "+44 1632 960001")[0].label == "Phone"
        assert search(st, "ABC123")[0].label == "Booking"
        assert search(st, "nobody at all") == []


def test_person_page_shows_identity_hits_candidates_paths_and_crossings(client: Any) -> None:
    page = render(client, f"/person/{IVANOV}")
    for text in (
        "Юрий Иванов",
        "SYN-LIST W-1",
        "IVANOFF Iouri",
        "crossings-timeline",
        "ABC123",
        "KIM Minji",
        "+21 more",
        "Risk score 0.82",
        "RUS",
    ):
        assert text in page, text
    assert "matches watchlist entry" in page or "issue 6" in page  # risk paths, or why they are missing


def test_unknown_person_gets_a_plain_message(client: Any) -> None:
    assert "No person Person:0000000000000001" in render(client, "/person/Person:0000000000000001")


def test_worklist_page_lists_the_latest_run(client: Any) -> None:
    page = render(client, "/worklist")
    assert "worklist-grid" in page and "booking phone shared with a case organiser" in page
    href = call(client, "worklist-go.href", [("worklist-grid", "cellClicked", {"rowId": f"/person/{IVANOV}#1"})])
    assert href["response"]["worklist-go"]["href"] == f"/person/{IVANOV}"


def test_worklist_without_a_run_says_so(tmp_path: Path) -> None:
    work = load_worklist(tmp_path / "runs")
    assert work.rows == [] and "No batch run yet" in work.problem


def test_explorer_expands_on_tap_and_audits_filters(dash_env: dict[str, Any], client: Any) -> None:
    page = render(client, f"/explore/{IVANOV}")
    assert "+40 co-travellers" in page
    scene = json.loads(page)["response"]["_pages_content"]["children"]
    scene = _find_store(scene, "scene")
    out = call(
        client,
        "..scene.data...explore-status.children..",
        [
            ("cy", "tapNode", {"data": {"id": ZHANG}}),
            ("paths-button", "n_clicks", None),
            ("connect-button", "n_clicks", None),
        ],
        [
            ("scene", "data", scene),
            ("center", "data", IVANOV),
            ("cy", "selectedNodeData", []),
            ("edge-types", "value", None),
            ("bins", "data", []),
            ("time-slider", "value", None),
        ],
    )
    grown = out["response"]["scene"]["data"]
    assert len(grown) > len(scene) and any(e["data"]["type"] == "Case" for e in grown)
    shown = call(
        client,
        "cy.elements",
        [("scene", "data", grown), ("edge-types", "value", ["USES"]), ("time-slider", "value", [0, 1])],
        [("bins", "data", ["2025-04", "2025-05", "2025-06"]), ("center", "data", IVANOV)],
        changed="time-slider.value",
    )
    assert {e["data"]["type"] for e in shown["response"]["cy"]["elements"] if "source" in e["data"]} == {"USES"}
    last = AuditLog(dash_env["config"].audit_path).read()[-1]
    assert last["action"] == "filter" and last["params"]["since"] == "2025-04-01" and last["user"] == "ana"


def _find_store(tree: Any, store_id: str) -> Any:
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == store_id and tree.get("type") == "Store":
            return tree["props"]["data"]
        return next((x for v in tree.values() if (x := _find_store(v, store_id)) is not None), None)
    if isinstance(tree, list):
        return next((x for v in tree if (x := _find_store(v, store_id)) is not None), None)
    return None


def test_review_decision_is_written_on_the_edge_and_kept(tmp_path: Path) -> None:
    from world_fixture import load_world

    with open_store(tmp_path / "r.duckdb") as st:
        load_world(st)
        queue = review_queue(st)
        assert {r["type"] for r in queue} == {"LISTED_AS", "POSSIBLY_SAME_AS"}
        hit = next(r for r in queue if r["type"] == "LISTED_AS")
        edge = record_decision(st, hit["id"], "dismissed", "different birth year on the entry", "ana")
        assert isinstance(edge, Edge)
        assert edge.props["review_status"] == "dismissed" and edge.props["reviewed_by"] == "ana"
        assert edge.props["score"] == 0.91  # the evidence stays
        assert [r["type"] for r in review_queue(st)] == ["POSSIBLY_SAME_AS"]
        assert [r["id"] for r in review_queue(st, status="dismissed")] == [hit["id"]]


def test_review_needs_a_reason_and_a_reviewable_edge(tmp_path: Path) -> None:
    import pytest
    from world_fixture import load_world

    from graph.errors import InvalidValueError

    with open_store(tmp_path / "r.duckdb") as st:
        load_world(st)
        hit = review_queue(st)[0]["id"]
        with pytest.raises(InvalidValueError):
            record_decision(st, hit, "dismissed", "  ", "ana")
        with pytest.raises(InvalidValueError):
            record_decision(st, IVANOV, "dismissed", "why", "ana")


def test_a_viewer_cannot_decide(dash_env: dict[str, Any]) -> None:
    from dash_helpers import login

    c = dash_env["app"].server.test_client()
    login(c, "vic")
    out = call(
        c,
        "..review-grid.rowData...review-message.children..",
        [
            ("review-confirm", "n_clicks", None),
            ("review-dismiss", "n_clicks", 1),
            ("review-status", "value", "pending"),
        ],
        [
            ("review-grid", "selectedRows", [{"id": "LISTED_AS:0000000000000001", "type": "LISTED_AS"}]),
            ("review-reason", "value", "no"),
        ],
        changed="review-dismiss.n_clicks",
    )
    assert "investigator role" in out["response"]["review-message"]["children"]


def test_clusters_page_lists_clusters_and_opens_them_in_the_explorer(dash_env: dict[str, Any], client: Any) -> None:
    from world_fixture import CLUSTER, PHONE

    from dashboard import analytics_bridge as bridge

    page = render(client, "/clusters")
    assert "CL-1 · score 0.88 · 3 members" in page and f"/explore/{CLUSTER}" in page
    assert "share phone +441632960001" in page
    assert all(i in render(client, f"/explore/{CLUSTER}") for i in (IVANOV, ZHANG, PHONE))
    with dash_env["app"].server.extensions["cluegraph"].store() as st:
        members = bridge.cluster_members(st, CLUSTER)
    assert members is None or set(members) == {IVANOV, ZHANG, PHONE}


def test_users_command_adds_a_user_from_stdin(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cluegraph.cli import app
    from dashboard.users import load_users, verify

    users = tmp_path / "users.json"
    result = CliRunner().invoke(
        app,
        ["users", "add", "zoe", "--role", "supervisor", "--password-stdin", "--file", str(users)],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert verify(users, "zoe", "a long enough password") == "supervisor"
    assert "a long enough password" not in users.read_text()
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    bad = CliRunner().invoke(
        app,
        ["users", "add", "zoe", "--role", "admin", "--password-stdin", "--file", str(users)],
        input="a long enough password\n",
    )
    assert bad.exit_code == 2 and load_users(users)["zoe"]["role"] == "supervisor"


def test_serve_command_answers_with_the_login_page(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CLUEGRAPH_USERS": str(tmp_path / "users.json"), "CLUEGRAPH_AUDIT": str(tmp_path / "a.jsonl")}
    cmd = [
        str(Path(sys.executable).parent / "cluegraph"),
        "serve",
        "--port",
        str(port),
        "--store",
        str(tmp_path / "g.duckdb"),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1) as r:
                    assert r.status == 200 and "Sign in" in r.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise AssertionError(proc.stderr.read() if proc.poll() is not None else "no answer")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=2)
            raise AssertionError("anonymous layout request answered")
        except urllib.error.HTTPError as err:
            assert err.code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_person_page_exports_a_packet_of_that_person(client: Any) -> None:
    page = json.loads(render(client, f"/person/{IVANOV}"))["response"]["_pages_content"]["children"]
    selection = _find_store(page, "export-selection")
    assert selection == {"kind": "person", "ids": [IVANOV]}  # a list of ids, never the id's characters
    out = call(
        client,
        "..export-download.data...export-status.children..",
        [("export-button", "n_clicks", 1)],
        [("export-selection", "data", selection), ("export-note", "value", "seen with a case organiser")],
    )
    download = out["response"]["export-download"]["data"]
    packet = zipfile.ZipFile(io.BytesIO(base64.b64decode(download["content"])))
    manifest = json.loads(packet.read("manifest.json"))
    assert IVANOV in json.dumps(manifest)
