"""A small risk graph written through a real store, for the analytics tests.

- S (P-SEED) is an ORGANISER in case C-17 (HIGH); S uses a specific phone (+10001) shared with A, and a
  hotel phone (+19999) that B and 300 other guests also use; S booked BK-S paid with card CARD-1, which also
  paid X's booking BK-X.
- W matches watchlist entry WL-1 (score 0.9); document D-1 is held by D1 and D2.
- A ring: R1..R5 share a burner phone and a card that paid three bookings of two of them each.
Every edge carries a source record ``fixture.csv:<n>``.
"""

from __future__ import annotations

import random
from typing import Any

import pandas as pd

from graph.ids import node_id
from graph.store import GraphStore

GUESTS = 300
RING = [f"R{i}" for i in range(1, 6)]


def P(key: str) -> str:
    return node_id("Person", key)


#: D1 and D2 hold one document and were born years apart: not one person recorded twice
BORN = {"D1": "1971-03-04", "D2": "1988-09-10"}


def _rows() -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    people = ["P-SEED", "A", "B", "X", "W", "D1", "D2", *RING] + [f"G{i}" for i in range(GUESTS)]
    nodes: dict[str, list[dict[str, Any]]] = {
        "Person": [{"person_key": k, "surname": f"SUR{k}", "given_names": "GIVEN", "birth_date": BORN.get(k)}
                   for k in people],
        "Phone": [{"number": n} for n in ("+10001", "+19999", "+17777")],
        "PaymentInstrument": [{"token": t, "masked": f"4111****{t[-1]}"} for t in ("CARD-1", "CARD-R")],
        "Booking": [
            {"carrier": "XQ", "locator": loc, "created": "2026-01-01"} for loc in ("BK-S", "BK-X", "RB1", "RB2", "RB3")
        ],
        "Case": [{"case_id": "C-17", "case_type": "SMUGGLING", "severity": "HIGH"}],
        "WatchlistEntry": [{"list": "INTERPOL", "entry_id": "WL-1", "surname": "SURW"}],
        "Document": [{"issuer": "CHN", "number": "D-1"}] + [{"issuer": "XXA", "number": f"N{k}"} for k in people],
    }
    phone, card = (lambda n: node_id("Phone", n)), (lambda t: node_id("PaymentInstrument", t))
    bk = lambda loc: node_id("Booking", "XQ", loc, "2026-01-01")  # noqa: E731
    uses = [
        (P("P-SEED"), phone("+10001")),
        (P("A"), phone("+10001")),
        (P("P-SEED"), phone("+19999")),
        (P("B"), phone("+19999")),
        *[(P(f"G{i}"), phone("+19999")) for i in range(GUESTS)],
        *[(P(r), phone("+17777")) for r in RING],
    ]
    edges: dict[str, list[dict[str, Any]]] = {
        "USES": [{"src": s, "dst": d} for s, d in uses],
        "BOOKED": [
            {"src": P("P-SEED"), "dst": bk("BK-S")},
            {"src": P("X"), "dst": bk("BK-X")},
            *[
                {"src": P(r), "dst": bk(b)}
                for b, pair in zip(("RB1", "RB2", "RB3"), ((0, 1), (0, 1), (2, 3)), strict=True)
                for r in (RING[pair[0]], RING[pair[1]])
            ],
        ],
        "PAID_BY": [
            {"src": bk("BK-S"), "dst": card("CARD-1")},
            {"src": bk("BK-X"), "dst": card("CARD-1")},
            *[{"src": bk(b), "dst": card("CARD-R")} for b in ("RB1", "RB2", "RB3")],
        ],
        "INVOLVED_IN": [{"src": P("P-SEED"), "dst": node_id("Case", "C-17"), "role": "ORGANISER"}],
        "LISTED_AS": [{"src": P("W"), "dst": node_id("WatchlistEntry", "INTERPOL", "WL-1"), "score": 0.9}],
        "HOLDS": [{"src": P(k), "dst": node_id("Document", "XXA", f"N{k}")} for k in people]
        + [
            {"src": P("D1"), "dst": node_id("Document", "CHN", "D-1")},
            {"src": P("D2"), "dst": node_id("Document", "CHN", "D-1")},
        ],
    }
    n = 0
    for rows in edges.values():
        for row in rows:
            n += 1
            row.update({"sources": f"fixture.csv:{n}", "first_seen": "2025-06-01", "last_seen": "2026-01-01"})
    return nodes, edges


def load_risk_graph(store: GraphStore, *, shuffle: int | None = None) -> None:
    """Write the fixture; ``shuffle`` (a seed) writes every table's rows and the tables in another order."""
    nodes, edges = _rows()
    rng = random.Random(shuffle)
    node_items, edge_items = list(nodes.items()), list(edges.items())
    if shuffle is not None:
        rng.shuffle(node_items)
        rng.shuffle(edge_items)
    with store.writer() as w:
        for label, rows in node_items:
            rows = list(rows)
            if shuffle is not None:
                rng.shuffle(rows)
            w.upsert_nodes(label, pd.DataFrame(rows))
        for etype, rows in edge_items:
            rows = list(rows)
            if shuffle is not None:
                rng.shuffle(rows)
            w.upsert_edges(etype, pd.DataFrame(rows))
