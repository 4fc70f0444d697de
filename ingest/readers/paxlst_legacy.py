"""The pre-UN "US EDIFACT" APIS dialect of PAXLST (``PAXLST:001:000``): one TDT with LOC+5 (departure),
LOC+PT (transit) and LOC+8 (arrival) stops and their DTM+136/132 times, and one PDT segment per traveller."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from ingest.edifact.dates import utc_offset
from ingest.edifact.tokens import Segment
from ingest.readers.paxlst_part import Part
from ingest.readers.paxlst_traveller import finish_row, new_row


def _legacy_time(seg: Segment, ctx: Part) -> str | None:
    """DTM+136/132 of the old dialect: date YYMMDD, time HHMM, UTC offset (M05, P8) in separate elements."""
    try:
        when = ctx.date(seg, seg.get(2) + seg.get(3).strip(), "", "future")
    except ValueError:
        ctx.dev(seg, "date-invalid", "flight time does not parse", value=seg.raw)
        return None
    return (when or "") + utc_offset(seg.get(4)) or None


def legacy_legs(header: Sequence[Segment], ctx: Part) -> list[dict[str, Any]]:
    """Legs from one TDT and its LOC+5 (departure), LOC+PT (transit), LOC+8 (arrival) stops."""
    tdt = next((s for s in header if s.tag == "TDT"), None)
    flight = tdt.get(2).strip() if tdt else ""
    carrier = (tdt.get(4).strip() if tdt else "") or flight[:2]
    stops: list[dict[str, Any]] = []
    for seg in header:
        if seg.tag == "LOC":
            stops.append({"port": seg.get(2).strip() or None, "dep": None, "arr": None})
        elif seg.tag == "DTM" and stops and seg.get(1).strip() in ("136", "132"):
            stops[-1]["dep" if seg.get(1).strip() == "136" else "arr"] = _legacy_time(seg, ctx)
    return [{"carrier": carrier, "flight": flight, "dep_port": a["port"], "dep_time": a["dep"],
             "arr_port": b["port"], "arr_time": b["arr"]} for a, b in itertools.pairwise(stops)]


def legacy_traveller(pdt: Segment, legs: list[dict[str, Any]], ctx: Part) -> dict[str, Any] | None:
    """PDT+doc type/number:expiry:issuer+surname:given:middle:birth:sex+PAX|CRW+embark:debark."""
    doc_id, name = pdt.element(1), pdt.element(2)
    doc_type, _, number = (doc_id[0] if doc_id else "").partition("/")
    q = "FM" if pdt.get(3).strip() in ("CRW", "CRM") else "FL"
    row = new_row(Segment("NAD", (((q,),), ((),), ((),), (name[:1] + name[1:3],))))
    row.update({"sex": pdt.get(2, 4).strip() or None, "embark_port": pdt.get(4, 0).strip() or None,
                "debark_port": pdt.get(4, 1).strip() or None})
    try:
        row["birth_date"] = ctx.date(pdt, pdt.get(2, 3), "101", "past") if pdt.get(2, 3) else None
        expiry = ctx.date(pdt, pdt.get(1, 1), "101", "future") if pdt.get(1, 1) else None
    except ValueError:
        ctx.reject([pdt], pdt, "date-invalid", "a date of the traveller does not parse", field_="PDT", value=pdt.raw)
        return None
    if number.strip():
        row["documents"].append({"type": doc_type.strip() or None, "number": number.strip(), "expiry": expiry,
                                 "issuer": pdt.get(1, 2).strip() or None})
    if not row["surname"]:
        ctx.reject([pdt], pdt, "surname-missing", "traveller has no surname", field_="PDT 2", value=pdt.raw)
        return None
    return finish_row(row, [pdt], legs, ctx)


def read_legacy_part(ctx: Part) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[Segment], list[str]]:
    """List type, legs, traveller rows, trailer (none in this dialect) and traveller kinds of one part."""
    body = ctx.msg.body()
    pdts = [s for s in body if s.tag == "PDT"]
    legs = legacy_legs([s for s in body if s.tag != "PDT"], ctx)
    rows = [r for p in pdts if (r := legacy_traveller(p, legs, ctx)) is not None]
    kinds = ["crew" if p.get(3).strip() in ("CRW", "CRM") else "passenger" for p in pdts]
    list_type = "crew" if kinds and all(k == "crew" for k in kinds) else "passenger"
    return list_type, legs, rows, [], kinds
