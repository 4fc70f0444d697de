"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): sign in, search a planted
person by a transliteration variant, open the person, expand twice, filter by time, export a packet, open
the worklist, dismiss a screening hit with a reason, sign out; then the audit trail holds one entry per
action with the right user and parameters. It screenshots each page into the test's tmp_path (the README's
screenshots come from the demo world: test_screenshots_demo_world.py).
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    chromium_or_skip,
    scene_size,
    shot,
    sign_in,
    tap,
    wait_scene_above,
    wait_scene_below,
)
from world_fixture import IVANOV, PHONE, ZHANG

from dashboard.audit import AuditLog
from dashboard.review import review_queue
from graph.store import Edge

USER, PASSWORD = "ben", "correct horse battery"
REASON = "entry born 1962, traveller 1979: not the same person"


@pytest.fixture(scope="module")
def server(dash_env: dict[str, Any]) -> Iterator[str]:
    """The session's app served on a free port in a thread."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any) -> None:
            pass

    srv = make_server("127.0.0.1", 0, dash_env["app"].server, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


def _drag_low_thumb(page: Any, fraction: float) -> None:
    """Drag the time bar's left thumb to ``fraction`` of its track, as a user does."""
    thumb = page.locator("#time-slider .dash-slider-thumb-1").bounding_box()
    track = page.locator("#time-slider .dash-slider-track").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * fraction, thumb["y"] + thumb["height"] / 2, steps=8)
    page.mouse.up()


def _wait_audit(log: AuditLog, start: int, n: int, page: Any) -> None:
    for _ in range(100):
        if len([e for e in log.read()[start:] if e["user"] == USER]) >= n:
            return
        page.wait_for_timeout(100)


def test_investigator_session_in_a_real_browser(dash_env: dict[str, Any], server: str, tmp_path: Path) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    log = AuditLog(dash_env["config"].audit_path)
    start = len(log.read())
    with dash_env["app"].server.extensions["cluegraph"].store() as st:
        hit = next(r for r in review_queue(st) if r["type"] == "LISTED_AS" and r["src"] == IVANOV)["id"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page.set_default_timeout(15_000)
        # sign in
        sign_in(page, f"{server}/search", tmp_path, USER, PASSWORD, "#search-input")
        # search by a transliteration variant (the store holds IURII; the query says YURIY)
        page.fill("#search-input", "Yuriy Ivanov")
        page.click("#search-button")
        page.wait_for_selector("text=IVANOV Iurii")
        shot(page, tmp_path, "search")
        # the person
        page.click("text=IVANOV Iurii")
        page.wait_for_selector("#person-page #crossings-timeline .main-svg")
        assert "Юрий Иванов" in page.inner_text("#person-page")
        shot(page, tmp_path, "person")
        # the explorer: expand twice, filter by time
        page.click("#open-explorer")
        page.wait_for_selector("#cy canvas")
        first = scene_size(page)
        tap(page, PHONE)
        page.wait_for_function(f"() => document.querySelector('#explore-status').innerText.includes('{PHONE}')")
        tap(page, ZHANG)
        page.wait_for_function(f"() => document.querySelector('#explore-status').innerText.includes('{ZHANG}')")
        wait_scene_above(page, first)
        expanded = scene_size(page)
        _wait_audit(log, start, 6, page)
        _drag_low_thumb(page, 0.8)
        wait_scene_below(page, expanded)
        _wait_audit(log, start, 7, page)
        shot(page, tmp_path, "explore")
        # a clue packet of what the explorer shows
        page.fill("#export-note", "phone shared with a case organiser")
        with page.expect_download() as download:
            page.click("#export-button")
        packet = tmp_path / download.value.suggested_filename
        download.value.save_as(packet)
        assert "manifest.json" in zipfile.ZipFile(packet).namelist()
        # the worklist
        page.click("#nav-worklist")
        page.wait_for_selector("#worklist-grid .ag-row")
        shot(page, tmp_path, "worklist")
        # review: dismiss the screening hit with a reason
        page.click("#nav-review")
        page.wait_for_selector(f'#review-grid .ag-row[row-id="{hit}"]')
        page.locator(f'#review-grid .ag-row[row-id="{hit}"] input[type="checkbox"]').first.check()
        page.fill("#review-reason", REASON)
        page.click("#review-dismiss")
        page.wait_for_selector("text=Dismissed 1 item(s).")
        page.wait_for_timeout(500)  # let the grid finish removing the row
        shot(page, tmp_path, "review")
        # sign out
        page.click("#logout-link")
        page.wait_for_selector("#login-button")
        page.goto(f"{server}/worklist")
        assert "/login" in page.url
        _supervisor_pages(page, server, tmp_path)
        browser.close()

    with dash_env["app"].server.extensions["cluegraph"].store() as st:
        edge = st.get(hit)
    assert isinstance(edge, Edge) and edge.props["review_status"] == "dismissed" and edge.props["reviewed_by"] == USER

    mine = [e for e in log.read()[start:] if e["user"] == USER]
    assert [e["action"] for e in mine] == [
        "login",
        "search",
        "view",
        "view",
        "expand",
        "expand",
        "filter",
        "export",
        "view",
        "view",
        "review",
        "logout",
    ], mine
    p = [e["params"] for e in mine]
    assert all(e["role"] == "investigator" for e in mine)
    assert p[1]["q"] == "Yuriy Ivanov" and p[1]["results"] >= 1
    assert (p[2]["page"], p[2]["id"]) == ("person", IVANOV)
    assert (p[3]["page"], p[3]["id"]) == ("explore", IVANOV)
    assert p[4]["id"] == PHONE and p[5]["id"] == ZHANG
    assert p[6]["since"] is not None and p[6]["since"] > "2023-01-01"
    assert p[7]["kind"] == "nodes" and IVANOV in p[7]["ids"] and p[7]["note"] == "phone shared with a case organiser"
    assert p[8]["page"] == "worklist" and p[9]["page"] == "review"
    assert (p[10]["id"], p[10]["decision"], p[10]["reason"]) == (hit, "dismissed", REASON)


def _supervisor_pages(page: Any, server: str, folder: Path) -> None:
    """Screenshots of the clusters and audit pages, as a supervisor."""
    page.fill("#username", "sue")
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#nav-clusters")
    page.click("#nav-clusters")
    page.wait_for_selector("h2:has-text('Clusters')")
    shot(page, folder, "clusters")
    page.click("#nav-audit")
    page.wait_for_selector("#audit-grid .ag-row")
    shot(page, folder, "audit")
