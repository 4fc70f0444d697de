"""What the browser tests share: Debian's Chromium (or a skip), a real tap on the cytoscape canvas, the size of
the scene, and where screenshots go.

Screenshots go to the test's ``tmp_path``, so a test run leaves the tracked tree alone; with
``CLUEGRAPH_UPDATE_SCREENSHOTS=1`` the demo-world test writes them to ``docs/img/`` (the README shows them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CLUEGRAPH_CHROMIUM", "/usr/bin/chromium")
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
_CY = "[...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg)._cyreg.cy"


def update_screenshots() -> bool:
    """True when ``CLUEGRAPH_UPDATE_SCREENSHOTS=1`` asks for the committed screenshots to be rewritten."""
    return os.environ.get("CLUEGRAPH_UPDATE_SCREENSHOTS") == "1"


def chromium_or_skip() -> None:
    """Skip (fail under ``CI=true``) when there is no Chromium to drive."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"no Chromium at {CHROMIUM}: under CI the browser test must run")
    pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test.sh installs it with apt when run as root)")


def shot(page: Any, folder: Path, name: str) -> Path:
    """Save the page as ``folder/dashboard_<name>.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dashboard_{name}.png"
    page.screenshot(path=str(path))
    return path


def sign_in(page: Any, url: str, folder: Path, user: str, password: str, ready: str) -> None:
    """Open ``url`` signed out (it must send us to the login page, shot as ``login``), sign in as ``user``,
    and wait for the ``ready`` selector of the page we land on."""
    page.goto(url)
    assert "/login" in page.url
    shot(page, folder, "login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-button")
    page.wait_for_selector(ready)


def tap(page: Any, node_id: str) -> None:
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


def scene_size(page: Any) -> int:
    """How many elements (nodes and edges) the canvas holds."""
    return int(page.evaluate(f"() => {_CY}.elements().length"))


def wait_scene_above(page: Any, n: int) -> None:
    """Wait until the canvas holds more than ``n`` elements."""
    page.wait_for_function(f"n => {_CY}.elements().length > n", arg=n)


def wait_scene_below(page: Any, n: int) -> None:
    """Wait until the canvas holds fewer than ``n`` elements."""
    page.wait_for_function(f"n => {_CY}.elements().length < n", arg=n)


def drawn_node_ids(page: Any) -> list[str]:
    """The ids of the nodes the canvas draws."""
    return list(page.evaluate(f"() => {_CY}.nodes().map(n => n.id())"))
