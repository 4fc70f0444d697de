"""Every dashboard page on the demo world, in a real headless Chromium: a 600-person world from the real
generator, ingested, screened, scored, clustered and batch-run as ``make demo`` does, then served by
``cluegraph serve`` in its own process. A supervisor signs in and walks the worklist (rows with reasons),
the top traveller's person page (a click on the row), the explorer after an expansion, search by that name,
clusters, review and audit; each page must show its content.

Screenshots go to ``tmp_path``; with ``CLUEGRAPH_UPDATE_SCREENSHOTS=1`` they go to ``docs/img/`` (the
README shows them):

    CLUEGRAPH_UPDATE_SCREENSHOTS=1 .venv/bin/pytest -q tests/dashboard/test_screenshots_demo_world.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    IMG,
    chromium_or_skip,
    drawn_node_ids,
    scene_size,
    shot,
    sign_in,
    tap,
    update_screenshots,
    wait_scene_above,
)

from dashboard.users import add_user
from graph.store import open_store

USER, PASSWORD = "demo", "demo world password"


@dataclass(frozen=True)
class DemoWorld:
    """The prepared demo world: store, runs, and the top worklist traveller."""

    root: Path
    store: Path
    runs: Path
    top_id: str
    top_name: str
    worklist_rows: int
    top_risk_reasons: list[str]
    expand_candidates: list[str]


def _prepare(root: Path) -> tuple[Path, Path]:
    """Generate, ingest, screen, score, cluster and batch-run a 600-person world, as ``make demo`` does."""
    from analytics.cluster_store import write_clusters
    from analytics.clusters import find_clusters
    from analytics.config import load_config
    from analytics.propagate import run_propagation
    from analytics.runs.batch import run_batch
    from analytics.runs.config import load_batch_config
    from analytics.screening_store import screen_store
    from cluegraph.world.command import generate
    from cluegraph.world.config import WorldConfig
    from ingest.pipeline.run import run_ingest

    generate(WorldConfig(persons=600, days=7, seed=1), root / "world")
    store = root / "demo.duckdb"
    run_ingest(root / "world", str(store))
    runs = root / "runs"
    with open_store(store) as st:
        screen_store(st)
        cfg = load_config()
        scored = run_propagation(st, cfg)
        assert write_clusters(st, find_clusters(st, scored.proj, cfg)) > 0
        run_batch(st, start=date(2026, 3, 1), end=date(2026, 3, 7), config=load_batch_config(),
                  out_dir=runs / "demo-run", store_uri=str(store))
    return store, runs


def _risk_reasons(store: Path, person: str) -> list[str]:
    """The person's risk reasons as the person page shows them (read before the server holds the file)."""
    from dashboard.person import PersonView

    with open_store(store, read_only=True) as st:
        node = st.get(person)
    return PersonView(node).risk_reasons  # type: ignore[arg-type]


def _expand_candidates(store: Path, person: str) -> list[str]:
    """The person's neighbours, those that reach the most nodes the person's page does not show first."""
    with open_store(store, read_only=True) as st:
        near = set(st.neighbours(person, limit=500).hops)
        gain = {n: len(set(st.neighbours(n, limit=500).hops) - near - {person}) for n in near - {person}}
    return sorted((n for n, g in gain.items() if g > 0), key=lambda n: -gain[n])


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """The demo world, prepared once for this module, with a supervisor in its users file."""
    import pandas as pd

    root = tmp_path_factory.mktemp("demo_world")
    store, runs = _prepare(root)
    add_user(root / "users.json", USER, PASSWORD, "supervisor")
    worklist = pd.read_parquet(runs / "demo-run" / "worklist.parquet").sort_values("rank")
    assert len(worklist) > 5
    top = worklist.iloc[0]
    name = f"{top['surname']} {top['given_names']}"
    return DemoWorld(root, store, runs, str(top["person_id"]), name, len(worklist),
                     _risk_reasons(store, str(top["person_id"])), _expand_candidates(store, str(top["person_id"])))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(demo_world: DemoWorld) -> Iterator[str]:
    """``cluegraph serve`` on the demo world, in a process of its own (as an investigator starts it)."""
    port = _free_port()
    env = {**os.environ, "CLUEGRAPH_USERS": str(demo_world.root / "users.json"),
           "CLUEGRAPH_AUDIT": str(demo_world.root / "audit.jsonl"), "CLUEGRAPH_RUNS": str(demo_world.runs),
           "CLUEGRAPH_SECRET_KEY": "demo-test-secret"}
    cli = Path(sys.executable).with_name("cluegraph")
    log = (demo_world.root / "serve.log").open("w")
    proc = subprocess.Popen([str(cli), "serve", "--port", str(port), "--store", str(demo_world.store)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_up(url, proc, demo_world.root / "serve.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"cluegraph serve exited with {proc.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"cluegraph serve did not answer within 90 s: {log.read_text()}")


def test_every_page_on_the_demo_world(demo_world: DemoWorld, demo_server: str, tmp_path: Path) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    folder = IMG if update_screenshots() else tmp_path
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        sign_in(page, f"{demo_server}/worklist", folder, USER, PASSWORD, "#nav-user")
        _worklist_and_person(page, demo_world, folder)
        _explorer(page, demo_world, folder)
        _search(page, demo_world, folder)
        _clusters_review_audit(page, folder)
        browser.close()
    names = {p.name for p in folder.glob("dashboard_*.png")}
    pages = ["login", "worklist", "person", "explore", "search", "clusters", "review", "audit"]
    assert {f"dashboard_{p}.png" for p in pages} <= names


def _worklist_and_person(page: Any, world: DemoWorld, folder: Path) -> None:
    """The worklist shows the run's travellers with reasons; a click on the top row opens that person."""
    page.wait_for_selector("#worklist-grid .ag-row")
    first = page.locator('#worklist-grid .ag-center-cols-container .ag-row[row-index="0"]')
    surname = world.top_name.split()[0]
    assert surname in first.inner_text()
    reasons = first.locator('[col-id="reasons"]').inner_text().strip()
    assert len(reasons) > 10, reasons
    assert f"{world.worklist_rows:,} travellers" in page.inner_text("#_pages_content .status")
    shot(page, folder, "worklist")
    first.locator('[col-id="surname"]').click()
    page.wait_for_url(f"**/person/{world.top_id}")
    page.wait_for_selector("#person-page h2")
    assert page.inner_text("#person-page h2").strip() == world.top_name
    assert "risk" in page.inner_text("#person-page").lower()
    page.wait_for_timeout(1000)  # let the timeline figure draw
    shot(page, folder, "person")


def _explorer(page: Any, world: DemoWorld, folder: Path) -> None:
    """The explorer draws the person's neighbourhood; tapping a neighbour adds that neighbour's links."""
    page.click("#open-explorer")
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(
        "id => { const c = [...document.querySelectorAll('#cy, #cy *')].find(e => e._cyreg);"
        " return c && c._cyreg.cy.getElementById(id).length > 0; }",
        arg=world.top_id,
    )
    before = scene_size(page)
    assert before > 1
    drawn = set(drawn_node_ids(page))
    target = next(n for n in world.expand_candidates if n in drawn)
    tap(page, target)
    page.wait_for_function(f"() => document.querySelector('#explore-status').innerText.includes('{target}')")
    wait_scene_above(page, before)
    page.wait_for_timeout(1500)  # let the layout settle
    shot(page, folder, "explore")


def _search(page: Any, world: DemoWorld, folder: Path) -> None:
    """Searching the top traveller's name finds them, with why."""
    page.click("#nav-search")
    page.fill("#search-input", world.top_name.title())
    page.click("#search-button")
    link = page.locator(f'#search-results a.hit-link[href="/person/{world.top_id}"]')
    link.wait_for()
    assert link.inner_text().strip().upper() == world.top_name.upper()
    shot(page, folder, "search")


def _clusters_review_audit(page: Any, folder: Path) -> None:
    """Clusters list stored clusters with reasons; review lists pending items; audit lists this session."""
    page.click("#nav-clusters")
    page.wait_for_selector("h2:has-text('Clusters')")
    cards = page.locator(".card:has-text('members')")
    assert cards.count() > 0
    assert "Open in explorer" in cards.first.inner_text()
    assert len(cards.first.locator("p").inner_text().strip()) > 10
    shot(page, folder, "clusters")
    page.click("#nav-review")
    page.wait_for_selector("#review-grid .ag-row")
    shot(page, folder, "review")
    page.click("#nav-audit")
    page.wait_for_selector("#audit-grid .ag-row")
    text = page.inner_text("#audit-grid")
    assert "expand" in text and "search" in text and USER in text
    shot(page, folder, "audit")


def test_demo_world_reasons_read_as_text(demo_world: DemoWorld) -> None:
    """Worklist and risk reasons on the demo world read as sentences, not as JSON records."""
    from dashboard.worklist import load_worklist

    top = load_worklist(demo_world.runs).rows[0]["reasons"]
    risk = demo_world.top_risk_reasons
    assert risk and top
    assert not any(r.lstrip().startswith(("{", "[")) for r in [top, *risk]), (top, risk)
