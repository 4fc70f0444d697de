"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): sign in, search a planted
person by a transliteration variant, open the person, expand twice, filter by time, export a packet, open
the worklist, dismiss a screening hit with a reason, sign out; then the audit trail holds one entry per
action with the right user and parameters. Screenshots of each page go to docs/img/ (the README shows them).
"""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from world_fixture import IVANOV, PHONE, ZHANG

from dashboard.audit import AuditLog
from dashboard.review import review_queue
from graph.store import Edge

CHROMIUM = os.environ.get("CLUEGRAPH_CHROMIUM", "/usr/bin/chromium")
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
USER, PASSWORD = "ben", "correct horse battery"
REASON = "entry born 1962, traveller 1979: not the same person"


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"no Chromium at {CHROMIUM}: under CI the browser test must run")
    pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test.sh installs it with apt when run as root)")


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


def _tap(page: Any, node_id: str) -> None:
    """Click a node on the cytoscape canvas where it is drawn (a real tap, as a user makes it)."""
    page.wait_for_function(
        "id => { const c = [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg);"
        " return c && c._cyreg.cy.getElementById(id).length > 0; }",
        arg=node_id,
    )
    pos = page.evaluate(
        """id => { const c = [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg);
                   const cy = c._cyreg.cy; const n = cy.getElementById(id); cy.center(n);
                   const p = n.renderedPosition(); const r = c.getBoundingClientRect();
                   return {x: r.left + p.x, y: r.top + p.y}; }""",
        node_id,
    )
    page.mouse.click(pos["x"], pos["y"])


def _drag_low_thumb(page: Any, fraction: float) -> None:
    """Drag the time bar's left thumb to ``fraction`` of its track, as a user does."""
    thumb = page.locator("#time-slider .dash-slider-thumb-1").bounding_box()
    track = page.locator("#time-slider .dash-slider-track").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * fraction, thumb["y"] + thumb["height"] / 2, steps=8)
    page.mouse.up()


def _scene_size(page: Any) -> int:
    return int(
        page.evaluate(
            "() => [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg)._cyreg.cy.elements().length"
        )
    )


def _wait_audit(log: AuditLog, start: int, n: int, page: Any) -> None:
    for _ in range(100):
        if len([e for e in log.read()[start:] if e["user"] == USER]) >= n:
            return
        page.wait_for_timeout(100)


def _shot(page: Any, name: str) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMG / f"dashboard_{name}.png"))


def test_investigator_session_in_a_real_browser(dash_env: dict[str, Any], server: str, tmp_path: Path) -> None:
    _chromium_or_skip()
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
        page.goto(f"{server}/search")
        assert "/login" in page.url
        _shot(page, "login")
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.click("#login-button")
        page.wait_for_selector("#search-input")
        # search by a transliteration variant (the store holds IURII; the query says YURIY)
        page.fill("#search-input", "Yuriy Ivanov")
        page.click("#search-button")
        page.wait_for_selector("text=IVANOV Iurii")
        _shot(page, "search")
        # the person
        page.click("text=IVANOV Iurii")
        page.wait_for_selector("#person-page #crossings-timeline .main-svg")
        assert "Юрий Иванов" in page.inner_text("#person-page")
        _shot(page, "person")
        # the explorer: expand twice, filter by time
        page.click("#open-explorer")
        page.wait_for_selector("#cy canvas")
        first = _scene_size(page)
        _tap(page, PHONE)
        page.wait_for_function(f"() => document.querySelector('#explore-status').innerText.includes('{PHONE}')")
        _tap(page, ZHANG)
        page.wait_for_function(f"() => document.querySelector('#explore-status').innerText.includes('{ZHANG}')")
        page.wait_for_function(
            "n => [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg)._cyreg.cy.elements().length > n",
            arg=first,
        )
        expanded = _scene_size(page)
        _wait_audit(log, start, 6, page)
        _drag_low_thumb(page, 0.8)
        page.wait_for_function(
            "n => [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg)._cyreg.cy.elements().length < n",
            arg=expanded,
        )
        _wait_audit(log, start, 7, page)
        _shot(page, "explore")
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
        _shot(page, "worklist")
        # review: dismiss the screening hit with a reason
        page.click("#nav-review")
        page.wait_for_selector(f'#review-grid .ag-row[row-id="{hit}"]')
        page.locator(f'#review-grid .ag-row[row-id="{hit}"] input[type="checkbox"]').first.check()
        page.fill("#review-reason", REASON)
        page.click("#review-dismiss")
        page.wait_for_selector("text=Dismissed 1 item(s).")
        page.wait_for_timeout(500)  # let the grid finish removing the row
        _shot(page, "review")
        # sign out
        page.click("#logout-link")
        page.wait_for_selector("#login-button")
        page.goto(f"{server}/worklist")
        assert "/login" in page.url
        _supervisor_pages(page, server)
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


def _supervisor_pages(page: Any, server: str) -> None:
    """Screenshots of the clusters and audit pages, as a supervisor."""
    page.fill("#username", "sue")
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#nav-clusters")
    page.click("#nav-clusters")
    page.wait_for_selector("h2:has-text('Clusters')")
    _shot(page, "clusters")
    page.click("#nav-audit")
    page.wait_for_selector("#audit-grid .ag-row")
    _shot(page, "audit")
