"""The synthetic typed risk graph the analytics bench runs on (``make_risk_graph``): people, documents,
crossings, voyages, identifiers with hotel-like hubs, bookings, co-travel and cases, about 1M nodes and 5M edges
at the default size, written through the store's writer like any other graph."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph.ids import node_ids
from graph.store import open_store

#: Where the bench's graphs (and the propagation's top 100, for the networkx comparison) go by default.
OUT = Path("out/bench")


def _keys(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.arange(n).astype(str))


def _edges(src: np.ndarray, dst: np.ndarray, rng: np.random.Generator, **extra: Any) -> pd.DataFrame:
    days = rng.integers(0, 1500, len(src))
    last = np.datetime64("2026-03-01") - days.astype("timedelta64[D]")
    frame = pd.DataFrame({"src": src, "dst": dst, "last_seen": last.astype("datetime64[us]"), **extra})
    frame["sources"] = "bench.csv:" + pd.Series(np.arange(len(src)) % 100_000).astype(str)
    return frame.drop_duplicates(["src", "dst", *extra])


def _ids(label: str, *cols: Any) -> np.ndarray:
    return node_ids(label, *cols).to_numpy(zero_copy_only=False)


def _identifier_links(
    rng: np.random.Generator, persons: int, own: int, groups: int, size: int, hubs: int, guests: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """(person, identifier) pairs: ``own`` personal identifiers, ``groups`` shared by ``size`` people each,
    ``hubs`` shared by ``guests`` people each; returns the pairs and the number of identifiers."""
    p_own = rng.choice(persons, own, replace=False)
    i_own = np.arange(own)
    p_grp = rng.integers(0, persons, groups * size)
    i_grp = own + np.repeat(np.arange(groups), size)
    p_hub = rng.integers(0, persons, hubs * guests)
    i_hub = own + groups + np.repeat(np.arange(hubs), guests)
    return np.concatenate([p_own, p_grp, p_hub]), np.concatenate([i_own, i_grp, i_hub]), own + groups + hubs


def make_risk_graph(store_path: str, nodes: int, edges: int, seed: int = 11) -> dict[str, Any]:
    """Write the synthetic typed risk graph into a fresh DuckDB store; returns counts and load time.

    Per 1M nodes: 150,000 people with their documents and 450,000 crossings (each MADE, USED, AT, ON) on
    20,000 voyages; phones, e-mails and cards mostly personal, some shared by small groups (3-6 people), 30
    phones shared by 2,000 people each (hotel switchboards); 40,000 bookings of 1-4 people with a card and a
    contact phone; 1.2M announcements on voyages; 1.2M co-travel pairs; 100 cases of 3 subjects. About 5M edges.
    """
    rng = np.random.default_rng(seed)
    f = nodes / 1_000_000
    n_p, n_x, n_v, n_b = int(150_000 * f), int(450_000 * f), max(int(20_000 * f), 10), int(40_000 * f)
    people = _ids("Person", _keys("P", n_p))
    docs = _ids("Document", ["XXA"] * n_p, _keys("D", n_p))
    frames: dict[str, list[pd.DataFrame]] = {
        t: []
        for t in (
            "HOLDS",
            "USES",
            "MADE",
            "USED",
            "AT",
            "ON",
            "BOOKED",
            "PAID_BY",
            "CONTACT",
            "CO_TRAVELLED",
            "INVOLVED_IN",
            "ANNOUNCED",
        )
    }
    frames["HOLDS"].append(_edges(people, docs, rng))
    node_rows: dict[str, pd.DataFrame] = {
        "Person": pd.DataFrame({"person_key": _keys("P", n_p)}),
        "Document": pd.DataFrame({"issuer": "XXA", "number": _keys("D", n_p)}),
    }
    spec = {  # label: key column, own, groups, size, hubs, guests
        "Phone": ("number", int(100_000 * f), int(6_000 * f), 4, 30, int(2_000 * f) or 1),
        "Email": ("address", int(80_000 * f), int(2_000 * f), 3, 0, 0),
        "PaymentInstrument": ("token", int(70_000 * f), int(3_000 * f), 5, 20, int(500 * f) or 1),
    }
    ident_ids = {}
    for label, (col, own, groups, size, hubs, guests) in spec.items():
        p, i, count = _identifier_links(rng, n_p, own, groups, size, hubs, guests)
        keys = _keys(f"{label[:2]}-", count)
        ident_ids[label] = _ids(label, keys)
        node_rows[label] = pd.DataFrame({col: keys})
        frames["USES"].append(_edges(people[p], ident_ids[label][i], rng))
    crossing_keys = _keys("X", n_x)
    crossings = _ids("Crossing", crossing_keys)
    voyage_keys = _keys("V", n_v)
    voyages = _ids("Voyage", ["XQ"] * n_v, voyage_keys, ["2026-01-01"] * n_v)
    ports = _ids("Port", _keys("PT", 50))
    who = rng.integers(0, n_p, n_x)
    frames["MADE"].append(_edges(people[who], crossings, rng))
    frames["USED"].append(_edges(crossings, docs[who], rng))
    frames["AT"].append(_edges(crossings, ports[rng.integers(0, 50, n_x)], rng))
    frames["ON"].append(_edges(crossings, voyages[rng.integers(0, n_v, n_x)], rng))
    frames["ANNOUNCED"].append(
        _edges(
            people[rng.integers(0, n_p, int(1_200_000 * f))],
            voyages[rng.integers(0, n_v, int(1_200_000 * f))],
            rng,
            role="PAX",
        )
    )
    booking_keys = _keys("B", n_b)
    bookings = _ids("Booking", ["XQ"] * n_b, booking_keys, ["2026-01-01"] * n_b)
    pax = rng.integers(1, 5, n_b)
    lead = rng.integers(0, n_p, n_b)
    members = np.repeat(lead, pax) + np.concatenate([np.arange(k) for k in pax])
    frames["BOOKED"].append(_edges(people[members % n_p], np.repeat(bookings, pax), rng))
    frames["PAID_BY"].append(
        _edges(bookings, ident_ids["PaymentInstrument"][rng.integers(0, len(ident_ids["PaymentInstrument"]), n_b)], rng)
    )
    frames["CONTACT"].append(_edges(bookings, ident_ids["Phone"][rng.integers(0, len(ident_ids["Phone"]), n_b)], rng))
    a = rng.integers(0, n_p, int(1_200_000 * f))
    b = (a + rng.integers(1, 40, len(a))) % n_p
    frames["CO_TRAVELLED"].append(_edges(people[np.minimum(a, b)], people[np.maximum(a, b)], rng))
    cases = _keys("C-", max(10, int(100 * f)))
    subj = rng.choice(n_p, len(cases) * 3, replace=False)
    roles = np.tile(["ORGANISER", "SUSPECT", "ACCOMPLICE"], len(cases))
    frames["INVOLVED_IN"].append(_edges(people[subj], _ids("Case", np.repeat(cases, 3)), rng, role=roles))
    node_rows["Crossing"] = pd.DataFrame({"crossing_id": crossing_keys})
    node_rows["Voyage"] = pd.DataFrame({"carrier": "XQ", "number": voyage_keys, "date": "2026-01-01"})
    node_rows["Port"] = pd.DataFrame({"code": _keys("PT", 50)})
    node_rows["Booking"] = pd.DataFrame({"carrier": "XQ", "locator": booking_keys, "created": "2026-01-01"})
    node_rows["Case"] = pd.DataFrame({"case_id": cases, "case_type": "SMUGGLING", "severity": "HIGH"})
    Path(store_path).unlink(missing_ok=True)
    start = time.perf_counter()
    with open_store(store_path) as st, st.writer() as w:
        for label, rows in node_rows.items():
            w.upsert_nodes(label, rows)
        for etype, parts in frames.items():
            w.upsert_edges(etype, pd.concat(parts, ignore_index=True))
    with open_store(store_path, read_only=True) as st:
        stats = st.stats().to_dict()
    return {
        "nodes": stats["total_nodes"],
        "edges": stats["total_edges"],
        "load_s": round(time.perf_counter() - start, 1),
    }
