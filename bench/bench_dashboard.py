"""Dashboard server time on a 1,000,000-person store: search, the person page and expand, p50/p95 over
random people, each through the dashboard's own HTTP path (the Flask test client posts the Dash callback a
browser would post, signed in, audited), next to the bare store call underneath measured in the same run.

Targets (issue 8): expand p95 under 300 ms, search p95 under 500 ms, person page under 1 s.

The store: people with names from a pool of transliterated names, one passport each, phones shared by
about five people, bookings of two to four, co-travel links; built once into out/bench/ and reused.

    python -m bench.bench_dashboard [--persons 1000000] [--samples 200]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from bench.common import percentiles, report, timed
from bench.dashboard_names import GIVEN, SURNAMES, VARIANTS
from graph.ids import node_ids
from graph.store import open_store

OUT = Path("out/bench")


def _persons(n: int, rng: np.random.Generator) -> pa.Table:
    sur = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    giv = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    # a second given name makes names rarer, as real ones are
    giv = np.char.add(np.char.add(giv, " "), np.array(GIVEN)[rng.integers(0, len(GIVEN), n)])
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20000, n).astype("timedelta64[D]")
    return pa.table(
        {
            "person_key": pa.array(np.char.add("P-", np.char.zfill(np.arange(n).astype(str), 7))),
            "surname": pa.array(sur),
            "given_names": pa.array(giv),
            "birth_date": pa.array(birth.astype(str)),
            "nationality": pa.array(
                np.array(["RUS", "CHN", "KOR", "JOR", "TUR", "VNM", "BRA", "DEU"])[rng.integers(0, 8, n)]
            ),
            "risk_score": pa.array(np.round(rng.beta(0.5, 8, n), 3)),
        }
    )


def _edges(src: np.ndarray, dst: np.ndarray, rng: np.random.Generator) -> pa.Table:
    first = np.datetime64("2021-01-01") + rng.integers(0, 1700, len(src)).astype("timedelta64[D]")
    return pa.table(
        {
            "src": src,
            "dst": dst,
            "first_seen": first.astype("datetime64[us]"),
            "last_seen": (first + rng.integers(0, 90, len(src)).astype("timedelta64[D]")).astype("datetime64[us]"),
        }
    )


def build(path: Path, persons: int, seed: int = 5) -> dict[str, Any]:
    """Write the bench store (people, passports, phones, bookings, co-travel) with the store's bulk writer."""
    rng = np.random.default_rng(seed)
    people = _persons(persons, rng)
    pid = node_ids("Person", people.column("person_key")).to_numpy(zero_copy_only=False)
    n_phone, n_book = persons // 5, persons // 3
    phones = pa.table({"number": pa.array(np.char.add("+4416329", np.char.zfill(np.arange(n_phone).astype(str), 7)))})
    docs = pa.table(
        {
            "issuer": pa.array(np.full(persons, "XXA")),
            "number": pa.array(np.char.add("D", np.char.zfill(np.arange(persons).astype(str), 8))),
        }
    )
    books = pa.table(
        {
            "carrier": pa.array(np.full(n_book, "XX")),
            "locator": pa.array(np.char.add("L", np.char.zfill(np.arange(n_book).astype(str), 7))),
            "created": pa.array(np.full(n_book, "2025-01-01")),
        }
    )
    phid = node_ids("Phone", phones.column("number")).to_numpy(zero_copy_only=False)
    did = node_ids("Document", docs.column("issuer"), docs.column("number")).to_numpy(zero_copy_only=False)
    bid = node_ids("Booking", books.column("carrier"), books.column("locator"), books.column("created")).to_numpy(
        zero_copy_only=False
    )
    a, b = rng.integers(0, persons, persons // 2), rng.integers(0, persons, persons // 2)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    pairs = np.unique(lo.astype(np.int64) * persons + hi)
    with timed() as t, open_store(path) as st, st.writer(bulk=True) as w:
        w.upsert_nodes("Person", people)
        w.upsert_nodes("Phone", phones)
        w.upsert_nodes("Document", docs)
        w.upsert_nodes("Booking", books)
        w.upsert_edges("HOLDS", _edges(pid, did, rng))
        w.upsert_edges("USES", _edges(pid, phid[rng.integers(0, n_phone, persons)], rng))
        w.upsert_edges("BOOKED", _edges(pid, bid[rng.integers(0, n_book, persons)], rng))
        w.upsert_edges("CO_TRAVELLED", _edges(pid[pairs // persons], pid[pairs % persons], rng))
    return {"persons": persons, "build_s": round(t[0], 1)}


def _query(surname: str, given: str, rng: np.random.Generator) -> str:
    """A search as an investigator types it: the full name, given names first, each word spelled another
    way half the time where it has a common variant, lower case."""
    words = [VARIANTS.get(w, w) if rng.random() < 0.5 else w for w in f"{given} {surname}".split()]
    return " ".join(words).lower()


def _post(client: Any, body: dict[str, Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed, response.get_json()


def _search_body(q: str) -> dict[str, Any]:
    return {
        "output": "search-results.children",
        "outputs": {"id": "search-results", "property": "children"},
        "inputs": [
            {"id": "search-button", "property": "n_clicks", "value": 1},
            {"id": "search-input", "property": "n_submit", "value": None},
        ],
        "state": [{"id": "search-input", "property": "value", "value": q}],
        "changedPropIds": ["search-button.n_clicks"],
    }


def _page_body(path: str) -> dict[str, Any]:
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }


def _expand_body(scene: list[Any], center: str, tap: str) -> dict[str, Any]:
    inputs = [
        ("cy", "tapNode", {"data": {"id": tap}}),
        ("paths-button", "n_clicks", None),
        ("connect-button", "n_clicks", None),
    ]
    state = [
        ("scene", "data", scene),
        ("center", "data", center),
        ("cy", "selectedNodeData", []),
        ("edge-types", "value", None),
        ("bins", "data", []),
        ("time-slider", "value", None),
    ]
    return {
        "output": "..scene.data...explore-status.children..",
        "outputs": [{"id": "scene", "property": "data"}, {"id": "explore-status", "property": "children"}],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": ["cy.tapNode"],
    }


def _app(store_path: Path, tmp: Path) -> Any:
    from dashboard.app import create_app
    from dashboard.config import DashboardConfig
    from dashboard.users import add_user

    add_user(tmp / "users.json", "bench", "bench-password", "investigator")
    cfg = DashboardConfig(
        store=str(store_path),
        users_path=tmp / "users.json",
        audit_path=tmp / "audit.jsonl",
        runs_dir=tmp / "runs",
        secret_key="bench",
    )
    app = create_app(cfg)
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"username": "bench", "password": "bench-password", "csrf": token})
    return app, client


def measure(store_path: Path, samples: int, seed: int = 9) -> dict[str, Any]:
    """p50/p95 of the three interactions and their bare store calls."""
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        app, client = _app(store_path, Path(tmp))
        with app.server.extensions["cluegraph"].store() as st:
            people = st.node_table(["Person"]).column("nid").to_numpy()
        picks = [f"Person:{int(n):016x}" for n in rng.choice(people, samples, replace=False)]
        result: dict[str, Any] = {"samples": samples}
        result.update(_bench_search(app, client, picks, rng))
        result.update(_bench_person(app, client, picks))
        result.update(_bench_expand(app, client, picks))
        app.server.extensions["cluegraph"].close()
    return result


def _names(app: Any, ids: list[str]) -> list[tuple[str, str]]:
    with app.server.extensions["cluegraph"].store() as st:
        return [(n.props["surname"], n.props["given_names"]) for n in (st.get(i) for i in ids) if n is not None]


def _bench_search(app: Any, client: Any, picks: list[str], rng: np.random.Generator) -> dict[str, Any]:
    names = _names(app, picks)
    queries = [_query(s, g, rng) for s, g in names]
    found, exact, times, bare = 0, 0, [], []
    for pid, (surname, _given), q in zip(picks, names, queries, strict=True):
        elapsed, answer = _post(client, _search_body(q))
        times.append(elapsed)
        found += surname.split()[-1] in json.dumps(answer)
        exact += pid in json.dumps(answer)
        with app.server.extensions["cluegraph"].store() as st, timed() as t:
            st.find("Person", text=surname, limit=30)
        bare.append(t[0])
    return {
        "search": {
            **percentiles(times),
            "surname_found_share": round(found / len(names), 3),
            "person_found_share": round(exact / len(names), 3),
            "example": queries[:3],
        },
        "baseline_store_find_surname": percentiles(bare),
    }


def _bench_person(app: Any, client: Any, picks: list[str]) -> dict[str, Any]:
    from dashboard import analytics_bridge as bridge

    first, _ = _post(client, _page_body(f"/person/{picks[0]}"))  # starts the risk-path projection
    uri = app.server.extensions["cluegraph"].config.store
    with timed() as ready:  # then wait for it, so every page measured below computes its risk paths
        while True:
            with app.server.extensions["cluegraph"].store() as st:
                if bridge.risk_paths(st, picks[0], uri=uri) != bridge.PENDING:
                    break
            time.sleep(0.5)
    times, bare = [], []
    for pid in picks[1:]:
        times.append(_post(client, _page_body(f"/person/{pid}"))[0])
        with app.server.extensions["cluegraph"].store() as st, timed() as t:
            st.get(pid)
            st.neighbours(pid, limit=200)
        bare.append(t[0])
    return {
        "person_page": {
            **percentiles(times),
            "first_ms": round(first * 1000, 1),
            "projection_ready_after_s": round(ready[0], 1),
        },
        "baseline_get_and_neighbours": percentiles(bare),
    }


def _bench_expand(app: Any, client: Any, picks: list[str]) -> dict[str, Any]:
    from dashboard import explore

    times, bare, sizes = [], [], []
    for pid in picks:
        with app.server.extensions["cluegraph"].store() as st:
            scene = explore.first_scene(st, pid)
        tap = next((e["data"]["id"] for e in scene if e["data"].get("type") in ("Phone", "Booking")), pid)
        elapsed, answer = _post(client, _expand_body(scene, pid, tap))
        times.append(elapsed)
        sizes.append(len(answer["response"]["scene"]["data"]))
        with app.server.extensions["cluegraph"].store() as st, timed() as t:
            st.neighbours(tap, limit=explore.EXPAND_LIMIT)
        bare.append(t[0])
    return {
        "expand": {
            **percentiles(times),
            "mean_scene_elements": round(float(np.mean(sizes)), 1),
            "max_scene_elements": int(max(sizes)),
        },
        "baseline_store_neighbours": percentiles(bare),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    path = OUT / f"dashboard_{args.persons}.duckdb"
    built: dict[str, Any] = {}
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        built = build(path, args.persons)
    with open_store(path, read_only=True) as st:
        stats = st.stats().to_dict()
    result = {
        "store": {
            "persons": stats["nodes"].get("Person"),
            "nodes": stats["total_nodes"],
            "edges": stats["total_edges"],
            **built,
        }
    }
    result.update(measure(path, args.samples))
    report("dashboard", result)


if __name__ == "__main__":
    main()
