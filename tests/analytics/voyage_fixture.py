"""Flights taken together, written as the ingest writes them: a Voyage, and per traveller a Crossing that
the person MADE and that was ON the voyage (shared by the household tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.ids import node_id


@dataclass
class Voyages:
    """Voyage and Crossing nodes and MADE/ON edges, collected flight by flight (``add``)."""

    crossings: list[dict[str, Any]] = field(default_factory=list)
    voyages: dict[str, dict[str, Any]] = field(default_factory=dict)
    made: list[dict[str, Any]] = field(default_factory=list)
    on: list[dict[str, Any]] = field(default_factory=list)

    def add(self, number: str, when: str, people: list[str] | tuple[str, ...], person_id: Any) -> None:
        """Flight XQ ``number`` on day ``when``, taken by ``people`` (keys; ``person_id`` makes their ids)."""
        self.voyages[number] = {"carrier": "XQ", "number": number, "date": when, "mode": "AIR"}
        voyage = node_id("Voyage", "XQ", number, when)
        for key in people:
            cid = f"X-{key}-{number}"
            crossing = node_id("Crossing", cid)
            self.crossings.append({"crossing_id": cid, "crossing_time": f"{when}T10:00:00", "mode": "AIR"})
            self.made.append({"src": person_id(key), "dst": crossing, "first_seen": when, "last_seen": when})
            self.on.append({"src": crossing, "dst": voyage, "first_seen": when, "last_seen": when})


def write_travel(store: Any, people: list[tuple[str, str, str, str | None]], trips: Voyages,
                 bookings: list[tuple[str, tuple[str, ...], str]], cards: list[tuple[str, str]], *, day: str,
                 source: str, extra: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """Write people (key, surname, given names, birth date), their flights, bookings (locator, who, paying card
    token; made on ``day``) and who uses which card, plus ``extra`` edges, through the store's writer."""

    def person(key: str) -> str:
        return node_id("Person", key)

    def booking(loc: str) -> str:
        return node_id("Booking", "XQ", loc, day)

    def card(token: str) -> str:
        return node_id("PaymentInstrument", token)

    edges: dict[str, list[dict[str, Any]]] = {
        "MADE": trips.made, "ON": trips.on,
        "BOOKED": [{"src": person(k), "dst": booking(loc)} for loc, keys, _ in bookings for k in keys],
        "PAID_BY": [{"src": booking(loc), "dst": card(c)} for loc, _, c in bookings],
        "USES": [{"src": person(k), "dst": card(c)} for k, c in cards],
        **(extra or {}),
    }
    with store.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame([{"person_key": k, "surname": s, "given_names": g, "birth_date": b}
                                               for k, s, g, b in people]))
        w.upsert_nodes("Crossing", pd.DataFrame(trips.crossings))
        w.upsert_nodes("Voyage", pd.DataFrame(list(trips.voyages.values())))
        w.upsert_nodes("PaymentInstrument", pd.DataFrame([{"token": c, "masked": "4111****1"} for _, c in cards]))
        if bookings:
            w.upsert_nodes("Booking", pd.DataFrame([{"carrier": "XQ", "locator": loc, "created": day}
                                                    for loc, _, _ in bookings]))
        for etype, rows in edges.items():
            for n, row in enumerate(rows):
                row["sources"] = f"{source}:{n + 1}"
                row.setdefault("first_seen", day)
                row.setdefault("last_seen", day)
            if rows:
                w.upsert_edges(etype, pd.DataFrame(rows))


def opened_store(tmp_path: Any, name: str, load: Any) -> Any:
    """A DuckDB store file ``name`` in ``tmp_path`` with ``load(store)`` written, kept open (a fixture body)."""
    from graph.store import open_store

    with open_store(str(tmp_path / name)) as st:
        load(st)
        yield st


def household_ids(store: Any, config: Any = None) -> set[str]:
    """The ids of the household members ``analytics.households`` finds in ``store`` (with ``config``)."""
    from analytics.households import household_members
    from analytics.projection import project

    proj = project(store)
    return set(proj.ids(household_members(store, proj, config)))
