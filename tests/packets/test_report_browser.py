"""Acceptance 5: report.html opens in a real headless Chromium with every network request blocked, and
shows the picture of the subgraph and every reason. The screenshot goes to ``tmp_path``; with
``CLUEGRAPH_UPDATE_SCREENSHOTS=1`` to docs/img/packet_report.png (committed; a test run leaves the tree clean)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from analytics.packets import Selection, export_packet
from tests.dashboard.browser_helpers import update_screenshots
from tests.packets.helpers import graph_doc, scheme_store
from tests.packets.scheme import ORG

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "packet_report.png"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_report_shows_the_picture_and_every_reason_offline(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    shot = SCREENSHOT if update_screenshots() else tmp_path / "packet_report.png"

    with scheme_store(tmp_path / "s.duckdb") as src:
        packet = export_packet(
            src,
            Selection.parse(person=ORG),
            note="organiser of case C-90 and his ring",
            creator="port unit 3",
            out=tmp_path / "lead.zip",
        )
    doc = graph_doc(packet)
    report = tmp_path / "report.html"
    report.write_bytes(zipfile.ZipFile(packet).read("report.html"))
    requests: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def block(route) -> None:  # type: ignore[no-untyped-def]
                if not route.request.url.startswith("file://"):
                    requests.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", block)
            page.goto(report.as_uri(), wait_until="load")
            picture = page.locator("svg#graph-picture")
            assert picture.is_visible()
            box = picture.bounding_box()
            assert box is not None and box["width"] > 500 and box["height"] > 300
            assert page.locator("svg#graph-picture g.node circle").count() == len(doc["nodes"])
            assert page.locator("svg#graph-picture g.edge line").count() == len(doc["edges"])
            text = page.locator("body").inner_text()
            assert doc["reasons"] and all(r["text"] in text for r in doc["reasons"])
            for reason in doc["reasons"]:
                assert page.get_by_text(reason["text"], exact=False).first.is_visible()
            assert doc["paths"] and all(p["text"] in text for p in doc["paths"])
            assert "KOVAC" in text and "crossings.csv:2" in text and "organiser of case C-90" in text
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert requests == []
    assert shot.stat().st_size > 10_000
