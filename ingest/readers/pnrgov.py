"""PNRGOV (PNR push) reader: bookings, passengers and itinerary segments from UN/EDIFACT PNRGOV messages.

``read_pnrgov`` reads one file or several (PNRGOV versions 10, 11 and 13 as airlines and GTAS send them),
reassembles multi-part pushes, and returns one row per booking (SRC group), one per passenger (TIF group)
and one per itinerary segment (TVL group), each with its provenance (file, message, segment number, line,
content hash). Text damage seen in real pushes (a UNA that does not fit, curly-quote terminators, wrapped
lines, glued segments) is repaired and reported (``pnrgov_text``); fields are read by ``pnrgov_fields``
and a booking is assembled by ``pnrgov_booking``.

Quarantine: a booking without a record locator, a booking cut off by a truncated message, a passenger
without a surname or with a document date that does not parse. The bookings and passengers beside them
are kept. Control counts (UNT, EQN) that disagree are deviations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.edifact.dates import reference_year
from ingest.edifact.structure import LogicalMessage, Message, assemble, read_files
from ingest.edifact.tokens import Segment
from ingest.errors import Deviation, Quarantined
from ingest.readers.pnrgov_booking import BookingReader, content_hash
from ingest.readers.pnrgov_fields import pnr_date
from ingest.readers.pnrgov_text import clean_segments, read_pnr_messages

PROVENANCE = ["file", "message_index", "message_ref", "version", "segment_number", "line", "content_hash"]
BOOKING_COLUMNS = [
    *PROVENANCE,
    "locator", "carrier", "other_locators", "created", "last_transaction", "date_booked", "sender", "push_flight",
    "push_dep_port", "push_arr_port", "push_date", "agency", "agency_iata", "agency_office", "agency_country",
    "addresses", "phones", "emails", "payments", "tickets", "passenger_count", "segment_count", "seats", "bags",
    "bag_count", "excess_bags", "ssr_codes", "remarks", "has_history", "history_count",
]
PASSENGER_COLUMNS = [
    *PROVENANCE,
    "locator", "booking_carrier", "traveller_ref", "reservation_ref", "passenger_type", "is_infant",
    "with_infant", "accompanied_by_ref", "surname", "given_names", "sex", "birth_date", "nationality", "doc_type",
    "doc_number", "doc_issuer", "doc_expiry", "doc_surname", "doc_given_names", "documents", "visas",
    "doc_addresses", "addresses", "phones", "emails", "frequent_flyer", "tickets", "payments", "seats", "bags",
    "bag_count", "excess_bags", "ssr_codes", "co_travellers",
]
SEGMENT_COLUMNS = [
    *PROVENANCE,
    "locator", "seq", "carrier", "flight_number", "flight", "booking_class", "dep_port", "arr_port", "dep_time",
    "arr_time", "operating_carrier", "operating_flight_number", "codeshare", "status", "pax_count", "equipment",
    "cabin", "air", "is_push_flight",
]


@dataclass(slots=True)
class PnrgovResult:
    """Bookings (``BOOKING_COLUMNS``), passengers (``PASSENGER_COLUMNS``), itinerary segments
    (``SEGMENT_COLUMNS``), deviations and quarantined records of one or more PNRGOV files."""

    bookings: pd.DataFrame
    passengers: pd.DataFrame
    segments: pd.DataFrame
    deviations: list[Deviation] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


@dataclass(slots=True)
class _Push:
    """Reading context of one logical message: where each segment came from, where findings go."""

    home: dict[int, Message]
    ref_year: int
    devs: list[Deviation]
    quarantine: list[Quarantined]
    #: The message when there is one part (nearly always): every segment's home, no lookup needed.
    single: Message | None = None
    meta: dict[int, tuple[str, str]] = field(default_factory=dict)

    def where(self, seg: Segment) -> tuple[Message, int]:
        msg = self.single or self.home[id(seg)]
        return msg, seg.index - msg.segments[0].index + 1

    def refs(self, msg: Message) -> tuple[str, str]:
        """The message's reference and version, looked up once per message."""
        found = self.meta.get(id(msg))
        if found is None:
            found = self.meta[id(msg)] = (msg.ref, msg.version)
        return found

    def dev(self, seg: Segment, rule: str, detail: str, field_: str | None = None, value: str | None = None,
            severity: str = "warning") -> None:
        msg, number = self.where(seg)
        self.devs.append(Deviation(msg.file, rule, detail, severity, msg.index, number, seg.line, seg.tag,  # type: ignore[arg-type]
                                   field_, value))

    def reject(self, segs: Sequence[Segment], at: Segment, rule: str, detail: str, field_: str, value: str) -> None:
        msg, number = self.where(at)
        self.quarantine.append(Quarantined(msg.file, rule, detail, "\n".join(s.raw for s in segs), msg.index,
                                           number, at.line, at.tag, field_, value))

    def provenance(self, segs: Sequence[Segment]) -> dict[str, Any]:
        msg, number = self.where(segs[0])
        ref, version = self.refs(msg)
        return {"file": msg.file, "message_index": msg.index, "message_ref": ref, "version": version,
                "segment_number": number, "line": segs[0].line, "content_hash": content_hash(segs)}


def _header(segs: Sequence[Segment], push: _Push) -> dict[str, Any]:
    """Message-level data before the first SRC: sender (ORG), the pushed flight (TVL), PNR count (EQN)."""
    org = next((s for s in segs if s.tag == "ORG"), None)
    tvl = next((s for s in segs if s.tag == "TVL"), None)
    eqn = next((s for s in segs if s.tag == "EQN"), None)
    carrier, number = (tvl.get(4, 0).strip(), tvl.get(5, 0).strip()) if tvl else ("", "")
    push_date = None
    if tvl is not None and tvl.get(1, 0).strip():
        try:
            push_date = pnr_date(tvl.get(1, 0), ref_year=push.ref_year)
        except ValueError:
            push.dev(tvl, "date-invalid", "pushed flight date does not parse", "TVL", tvl.get(1, 0))
    return {"sender": org.get(1, 0).strip() or None if org else None,
            "push_flight": f"{carrier}{number}" or None, "push_key": (carrier, number.lstrip("0")) if tvl else None,
            "push_dep_port": tvl.get(2, 0).strip() or None if tvl else None,
            "push_arr_port": tvl.get(3, 0).strip() or None if tvl else None, "push_date": push_date,
            "eqn": eqn}


def _split(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]]]:
    header: list[Segment] = []
    groups: list[list[Segment]] = []
    for seg in body:
        if seg.tag == "SRC":
            groups.append([seg])
        elif groups:
            groups[-1].append(seg)
        else:
            header.append(seg)
    return header, groups


def _booking(group: list[Segment], head: dict[str, Any], push: _Push, out: dict[str, list[dict[str, Any]]]) -> None:
    reader = BookingReader(push.ref_year, lambda s, r, d, f_, v: push.dev(s, r, d, f_, v), head["push_key"])
    for seg in group[1:]:
        reader.feed(seg)
    b, paxes, legs = reader.finish()
    if not b["locator"]:
        push.reject(group, group[0], "locator-missing", "booking has no record locator (RCI)", "RCI",
                    next((s.raw for s in group if s.tag == "RCI"), ""))
        return
    agency = b["agency"] or {}
    out["bookings"].append({**push.provenance(group), **b, **{k: head[k] for k in (
        "sender", "push_flight", "push_dep_port", "push_arr_port", "push_date")},
        "agency_iata": agency.get("iata_number"), "agency_office": agency.get("office_id") or agency.get(
            "system_location"), "agency_country": agency.get("country")})
    for p in paxes:
        segs = p.pop("_segments")
        bad = p.pop("_bad")
        if not p["surname"]:
            push.reject(segs, segs[0], "surname-missing", "passenger has no surname", "TIF C324", segs[0].raw)
        elif bad is not None:
            push.reject(segs, bad[0], "date-invalid", "a document date of the passenger does not parse", bad[1],
                        bad[2])
        else:
            out["passengers"].append({**push.provenance(segs), **p, "locator": b["locator"],
                                      "booking_carrier": b["carrier"]})
    for seq, leg in enumerate(legs):
        segs = leg.pop("_segments")
        out["segments"].append({**push.provenance(segs), **leg, "locator": b["locator"], "seq": seq,
                                "codeshare": bool(leg["operating_carrier"] or leg["operating_flight_number"])})


def _read_logical(lm: LogicalMessage, devs: list[Deviation], quarantine: list[Quarantined],
                  out: dict[str, list[dict[str, Any]]]) -> None:
    first = lm.parts[0]
    push = _Push({}, reference_year(first.interchange_date, date.today().year), devs, quarantine,
                 first if len(lm.parts) == 1 else None)
    body: list[Segment] = []
    for msg in lm.parts:
        segs, cdevs = clean_segments(msg)
        devs.extend(cdevs)
        if push.single is None:
            push.home.update({id(s): msg for s in (*msg.segments, *segs)})
        if msg.type != "PNRGOV":
            push.dev(msg.unh, "not-pnrgov", "message is not a PNRGOV; skipped", "UNH", msg.type)
            return
        body.extend(segs[1:-1] if msg.complete else segs[1:])
    header, groups = _split(body)
    head = _header(header, push)
    if not lm.parts[-1].complete and groups:
        cut = groups.pop()
        push.reject(cut, cut[0], "booking-truncated", "message ends (no UNT) inside this booking", "UNT",
                    cut[-1].raw[:80])
    for group in groups:
        _booking(group, head, push, out)
    eqn = head["eqn"]
    total = len(groups) + (0 if lm.parts[-1].complete else 1)
    if eqn is not None and eqn.get(1).strip() != str(total):
        push.dev(eqn, "eqn-count", f"EQN says {eqn.get(1).strip()!r}, the message has {total} bookings", "EQN",
                 eqn.get(1))


def read_pnrgov(path: str | Path | Sequence[str | Path], *, encoding: str = "utf-8") -> PnrgovResult:
    """Read PNRGOV file(s) into bookings, passengers and itinerary segments, with deviations and quarantine.

    Give several paths when the parts of a multi-part push come in separate files. ``encoding`` may be
    ``gb18030``. Values are read as sent; normalisation (names, phones, countries) is a later step.

    >>> import tempfile, os
    >>> text = ("UNB+IATA:1+UA++180928:1120+1'UNH+1+PNRGOV:13:1:IA+1'MSG+:22'ORG+UA:DJE'TVL+280918:1220:1505"
    ...         "+FRA+IAD+UA+988'EQN+1'SRC'RCI+UA:7C789A:230818:1220'TIF+LOBB+MOLLYMRS:A:1'"
    ...         "IFT+4:28::YY+CTCE MOLLY..LOBB//GMAIL.COM'"
    ...         "SSR+DOCS:HK::DL:::::/P/GBR/79642//13AUG54/F/26APR25/LOBB/MOLLY'"
    ...         "TVL+280918:1220::1505+FRA+IAD+UA+988:B'UNT+12+1'UNZ+1+1'")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "a.edi")
    ...     _ = open(p, "w").write(text)
    ...     res = read_pnrgov(p)
    >>> res.bookings[["locator", "created", "emails"]].values.tolist()
    [['7C789A', '2018-08-23T12:20', ['MOLLY_LOBB@GMAIL.COM']]]
    >>> res.passengers[["surname", "birth_date", "doc_number"]].values.tolist()
    [['LOBB', '1954-08-13', '79642']]
    >>> res.segments[["flight", "dep_port", "arr_time"]].values.tolist()
    [['UA988', 'FRA', '2018-09-28T15:05']]
    """
    messages, devs = read_files(path, read_pnr_messages, encoding=encoding)
    return pnrgov_from_messages(messages, devs)


def pnrgov_from_messages(messages: Sequence[Message], devs: list[Deviation]) -> PnrgovResult:
    """Bookings of messages already split (``read_pnr_messages`` per file, so that one unreadable file does
    not stop the others): multi-part pushes reassembled, ``devs`` extended with what is found."""
    logical, part_devs = assemble(messages)
    devs.extend(part_devs)
    quarantine: list[Quarantined] = []
    out: dict[str, list[dict[str, Any]]] = {"bookings": [], "passengers": [], "segments": []}
    for lm in logical:
        _read_logical(lm, devs, quarantine, out)
    return PnrgovResult(_frame(out["bookings"], BOOKING_COLUMNS), _frame(out["passengers"], PASSENGER_COLUMNS),
                        _frame(out["segments"], SEGMENT_COLUMNS), devs, quarantine)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows as a DataFrame of Python objects, absent values as None (not NaN), built a column at a time
    (no value a reader makes is a float, so none is NaN)."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns}, columns=columns)
