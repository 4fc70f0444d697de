"""Flights taken together, written as the ingest writes them: a Voyage, and per traveller a Crossing that
the person MADE and that was ON the voyage (shared by the household tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
