"""PAXLST flight legs (UN/EDIFACT dialect): the TDT/LOC/DTM groups of the message header, and the legs
one traveller flies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.edifact.tokens import Segment
from ingest.readers.paxlst_part import Part

#: DTM qualifiers of a leg: departure (189, 136) and arrival (232, 132) date/time.
LEG_TIMES = {"189": "dep_time", "136": "dep_time", "232": "arr_time", "132": "arr_time"}


def read_legs(header: Sequence[Segment], ctx: Part) -> list[dict[str, Any]]:
    """Flight legs from TDT/LOC/DTM: LOC+125 departure, LOC+87 arrival, LOC+92 routing (first is the
    departure, the next the arrival), DTM+189 departure and DTM+232 arrival time of the LOC before it."""
    legs: list[dict[str, Any]] = []
    leg: dict[str, Any] | None = None
    for seg in header:
        if seg.tag == "TDT":
            flight = seg.get(2).strip()
            carrier = seg.get(5).strip() or flight[:2]
            if carrier and flight and not flight.startswith(carrier):
                ctx.dev(seg, "flight-carrier-differs", "flight number does not start with the carrier code",
                        value=f"{flight} / {carrier}", severity="info")
            leg = {"carrier": carrier, "flight": flight, "dep_port": None, "dep_time": None, "arr_port": None,
                   "arr_time": None}
            legs.append(leg)
        elif leg is not None and seg.tag == "LOC":
            q, port = seg.get(1).strip(), seg.get(2).strip() or None
            if q == "125" or (q == "92" and leg["dep_port"] is None):
                leg["dep_port"] = port
            elif q in ("87", "92"):
                leg["arr_port"] = port
        elif leg is not None and seg.tag == "DTM" and seg.get(1) in LEG_TIMES:
            try:
                when = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "future")
            except ValueError:
                ctx.dev(seg, "date-invalid", "flight time does not parse", value=seg.get(1, 1), field_="DTM C507")
                continue
            leg[LEG_TIMES[seg.get(1)]] = when
    return legs


def traveller_legs(legs: list[dict[str, Any]], embark: str | None, debark: str | None) -> list[dict[str, Any]]:
    """The legs between the embarkation and debarkation ports, when both are on the route; else all legs.

    >>> legs = [{"dep_port": "A", "arr_port": "B"}, {"dep_port": "B", "arr_port": "C"}]
    >>> len(traveller_legs(legs, "B", "C")), len(traveller_legs(legs, "X", "C"))
    (1, 2)
    """
    if len(legs) == 1:  # nearly every list: the one leg either way
        return legs
    starts = [i for i, leg in enumerate(legs) if leg["dep_port"] == embark]
    if starts:
        ends = [j for j in range(starts[0], len(legs)) if legs[j]["arr_port"] == debark]
        if ends:
            return legs[starts[0]: ends[0] + 1]
    return legs
