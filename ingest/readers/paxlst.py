"""PAXLST (API) reader: flights, passengers and crew from UN/EDIFACT passenger/crew lists.

``read_paxlst`` reads one file or several (the parts of a multi-part list may come in separate files),
reassembles multi-part messages, and returns one row per traveller. The flight legs a traveller flies are
in the ``legs`` column (a list of dicts, the legs between their embarkation and debarkation ports when
both lie on the route, else all legs); the first of them is also spread into the flat flight columns.
``flights`` has one row per leg per logical message.

Two dialects: UN/EDIFACT PAXLST (D:02B and later: TDT/LOC/DTM legs, NAD groups) and the pre-UN
"US EDIFACT" APIS dialect (``PAXLST:001:000``: one PDT segment per traveller).

A traveller that breaks a rule (no surname, a date that does not parse) is quarantined with its raw
segments; the travellers beside it are kept. Everything else unusual is a ``Deviation``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.edifact.dates import parse_dtm, reference_year, utc_offset
from ingest.edifact.structure import LogicalMessage, Message, assemble, read_files
from ingest.edifact.tokens import Segment
from ingest.errors import Deviation, Quarantined

#: NAD qualifiers that open a traveller group, and the traveller type they mean.
TRAVELLER_ROLES = {"FL": "passenger", "DDT": "passenger", "FM": "crew", "DDU": "crew", "VW": "crew"}
#: BGM document codes: passenger list vs crew lists.
LIST_TYPES = {"745": "passenger", "250": "crew", "266": "crew", "336": "crew"}
#: CNT qualifiers: 42 total passengers, 41 total crew.
COUNT_TYPES = {"42": "passenger", "41": "crew"}

COLUMNS = [
    "file", "message_index", "message_ref", "part", "segment_number", "line", "content_hash", "list_type",
    "role", "traveller_type", "surname", "given_names", "sex", "birth_date", "nationality", "place_of_birth",
    "residence_country", "embark_port", "debark_port", "clearance_port", "address", "phones", "doc_type",
    "doc_number", "doc_issuer", "doc_expiry", "documents", "reservation_ref", "references", "seat", "bag_count",
    "bag_weight", "bag_tags", "carrier", "flight", "dep_port", "dep_time", "arr_port", "arr_time", "legs",
]
FLIGHT_COLUMNS = ["file", "message_index", "message_ref", "list_type", "leg", "carrier", "flight", "dep_port",
                  "dep_time", "arr_port", "arr_time"]


@dataclass(slots=True)
class PaxlstResult:
    """Travellers (one row per traveller, ``COLUMNS``), flight legs (``FLIGHT_COLUMNS``), deviations and
    quarantined records of one or more PAXLST files."""

    travellers: pd.DataFrame
    flights: pd.DataFrame
    deviations: list[Deviation] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


@dataclass(slots=True)
class _Part:
    """Reading context of one message part: where findings go and how two-digit years are read."""

    msg: Message
    ref_year: int
    devs: list[Deviation]
    quarantine: list[Quarantined]

    def dev(self, seg: Segment, rule: str, detail: str, *, value: str | None = None, field_: str | None = None,
            severity: str = "warning") -> None:
        self.devs.append(Deviation(self.msg.file, rule, detail, severity, self.msg.index,  # type: ignore[arg-type]
                                   self.msg.number(seg), seg.line, seg.tag, field_, value))

    def reject(self, segs: Sequence[Segment], at: Segment, rule: str, detail: str, *, field_: str,
               value: str) -> None:
        raw = "\n".join(s.raw for s in segs)
        self.quarantine.append(Quarantined(self.msg.file, rule, detail, raw, self.msg.index, self.msg.number(at),
                                           at.line, at.tag, field_, value))

    def date(self, seg: Segment, value: str, fmt: str, kind: str) -> str | None:
        """Parse a date, reporting surrounding whitespace; raises ValueError when it does not parse."""
        if value != value.strip():
            self.dev(seg, "value-whitespace", "date value has surrounding spaces", value=value, severity="info")
        if not value.strip():
            self.dev(seg, "empty-value", f"{seg.tag} has an empty date", value=value, severity="info")
            return None
        return parse_dtm(value, fmt, ref_year=self.ref_year, kind=kind)  # type: ignore[arg-type]


def content_hash(segments: Sequence[Segment]) -> str:
    """A stable content hash of a traveller's segments (raw text, one per line), 16 hex digits.

    >>> from ingest.edifact.tokens import tokenize
    >>> content_hash(tokenize("UNH+1+PAXLST'NAD+FL+++DOE:JOHN'").segments[1:])
    '4d9b6b256d60ae90'
    """
    return hashlib.sha256("\n".join(s.raw for s in segments).encode("utf-8")).hexdigest()[:16]


def _join(parts: Sequence[str]) -> str:
    return " ".join(p.strip() for p in parts if p.strip())


# ---------------------------------------------------------------- UN/EDIFACT dialect: header and legs


#: DTM qualifiers of a leg: departure (189, 136) and arrival (232, 132) date/time.
_LEG_TIMES = {"189": "dep_time", "136": "dep_time", "232": "arr_time", "132": "arr_time"}


def _legs(header: Sequence[Segment], ctx: _Part) -> list[dict[str, Any]]:
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
        elif leg is not None and seg.tag == "DTM" and seg.get(1) in _LEG_TIMES:
            try:
                when = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "future")
            except ValueError:
                ctx.dev(seg, "date-invalid", "flight time does not parse", value=seg.get(1, 1), field_="DTM C507")
                continue
            leg[_LEG_TIMES[seg.get(1)]] = when
    return legs


def _traveller_legs(legs: list[dict[str, Any]], embark: str | None, debark: str | None) -> list[dict[str, Any]]:
    """The legs between the embarkation and debarkation ports, when both are on the route; else all legs."""
    starts = [i for i, leg in enumerate(legs) if leg["dep_port"] == embark]
    if starts:
        ends = [j for j in range(starts[0], len(legs)) if legs[j]["arr_port"] == debark]
        if ends:
            return legs[starts[0]: ends[0] + 1]
    return legs


# ---------------------------------------------------------------- UN/EDIFACT dialect: one traveller


def _new_row(nad: Segment) -> dict[str, Any]:
    name = nad.element(4)
    q = nad.get(1).strip()
    address = {"street": _join(nad.element(5)), "city": nad.get(6).strip(), "region": nad.get(7).strip(),
               "postcode": nad.get(8).strip(), "country": nad.get(9).strip()}
    return {
        "role": q, "traveller_type": TRAVELLER_ROLES[q],
        "surname": name[0].strip() if name else "", "given_names": _join(name[1:5]),
        "sex": None, "birth_date": None, "nationality": None, "place_of_birth": None, "residence_country": None,
        "embark_port": None, "debark_port": None, "clearance_port": None,
        "address": address if any(address.values()) else None, "phones": [], "documents": [],
        "references": {}, "seat": None, "bag_count": None, "bag_weight": None, "bag_tags": [],
    }


_LOC_FIELDS = {"22": "clearance_port", "174": "residence_country", "178": "embark_port", "179": "debark_port"}


def _apply(seg: Segment, row: dict[str, Any], doc: dict[str, Any] | None, ctx: _Part) -> None:
    """Fold one segment of a traveller group into the row (raises ValueError on a bad date)."""
    tag, q = seg.tag, seg.get(1).strip()
    if tag == "ATT" and q == "2":
        row["sex"] = seg.get(3).strip() or None
    elif tag == "DTM" and q == "329":
        row["birth_date"] = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "past")
    elif tag == "DTM" and q == "36":
        if doc is None:
            ctx.dev(seg, "expiry-without-document", "DTM+36 outside a DOC group")
        elif doc["expiry"] is not None:
            ctx.dev(seg, "document-field-repeated", "second DTM+36 in one DOC group ignored", value=seg.get(1, 1))
        else:
            doc["expiry"] = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "future")
    elif tag == "LOC" and q == "91" and doc is not None:
        value = seg.get(2).strip()
        if seg.get(2, 1).strip() == "163":
            doc["issuer_region"] = value
        elif value and not doc["issuer"]:
            doc["issuer"] = value
        elif not value:
            ctx.dev(seg, "empty-value", "LOC+91 without a country", severity="info")
    elif tag == "LOC" and q == "180":
        row["place_of_birth"] = seg.get(2).strip() or _join(seg.element(2)) or None
    elif tag == "LOC" and q in _LOC_FIELDS:
        row[_LOC_FIELDS[q]] = seg.get(2).strip() or None
    elif tag == "NAT":
        row["nationality"] = seg.get(2).strip() or None
    elif tag == "RFF":
        key, value = seg.get(1).strip(), seg.get(1, 1).strip()
        row["references"][key] = value
        if key == "SEA":
            row["seat"] = value
    elif tag == "MEA":
        value = seg.get(3, 1) or seg.get(3, 0) if q == "CT" else seg.get(3, 1)
        if q == "CT" and value.strip().isdigit():
            row["bag_count"] = int(value)
        elif q == "WT" and value.strip():
            row["bag_weight"] = f"{value.strip()} {seg.get(3).strip()}".strip()
    elif tag == "FTX" and q == "BAG":
        row["bag_tags"].append(seg.get(4).strip())
    elif tag == "COM":
        for e in range(1, len(seg.elements) + 1):
            if seg.get(e).strip():
                row["phones"].append(f"{seg.get(e).strip()}:{seg.get(e, 1).strip()}")


def _traveller(group: Sequence[Segment], legs: list[dict[str, Any]], ctx: _Part) -> dict[str, Any] | None:
    """One traveller row from its NAD group, or None when it is quarantined."""
    nad = group[0]
    row = _new_row(nad)
    doc: dict[str, Any] | None = None
    for seg in group:
        if ctx.msg.charset == "UNOA" and not seg.raw.isascii():
            ctx.dev(seg, "charset-unoa", "characters outside UNOA (level A) in the segment", value=seg.raw,
                    severity="info")
        if seg.tag == "DOC":
            doc = {"type": seg.get(1).strip() or None, "number": seg.get(2).strip(), "expiry": None,
                   "issuer": None}
            if not doc["number"]:
                ctx.dev(seg, "empty-value", "DOC without a document number", severity="info")
            elif doc["type"] is None:
                ctx.dev(seg, "document-type-missing", "DOC without a document type", value=doc["number"])
            if doc["number"]:
                row["documents"].append(doc)
            continue
        try:
            _apply(seg, row, doc, ctx)
        except ValueError:
            ctx.reject(group, seg, "date-invalid", "a date of the traveller does not parse", field_=seg.tag,
                       value=seg.raw)
            return None
    if not row["surname"]:
        ctx.reject(group, nad, "surname-missing", "traveller has no surname", field_="NAD C080",
                   value=nad.raw)
        return None
    return _finish(row, group, legs, ctx)


def _finish(row: dict[str, Any], group: Sequence[Segment], legs: list[dict[str, Any]], ctx: _Part) -> dict[str, Any]:
    docs = row["documents"]
    first = next((d for d in docs if d["type"] == "P"), docs[0] if docs else None)
    mine = _traveller_legs(legs, row["embark_port"], row["debark_port"])
    leg0 = mine[0] if mine else {}
    row.update({
        "file": ctx.msg.file, "message_index": ctx.msg.index, "message_ref": ctx.msg.ref, "part": ctx.msg.part,
        "segment_number": ctx.msg.number(group[0]), "line": group[0].line, "content_hash": content_hash(group),
        "doc_type": first and first["type"], "doc_number": first and first["number"],
        "doc_issuer": first and first["issuer"], "doc_expiry": first and first["expiry"],
        "reservation_ref": row["references"].get("AVF"), "legs": mine,
        **{k: leg0.get(k) for k in ("carrier", "flight", "dep_port", "dep_time", "arr_port", "arr_time")},
    })
    return row


def _split_groups(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    """Header (before the first traveller NAD), traveller groups, trailer (CNT and after)."""
    header: list[Segment] = []
    groups: list[list[Segment]] = []
    trailer: list[Segment] = []
    for seg in body:
        if seg.tag == "CNT" or trailer:
            trailer.append(seg)
        elif seg.tag == "NAD" and seg.get(1).strip() in TRAVELLER_ROLES:
            groups.append([seg])
        elif groups:
            groups[-1].append(seg)
        else:
            header.append(seg)
    return header, groups, trailer


def _list_type(header: Sequence[Segment], ctx: _Part) -> str:
    bgm = next((s for s in header if s.tag == "BGM"), None)
    if bgm is None:
        ctx.dev(ctx.msg.unh, "bgm-missing", "message has no BGM", severity="warning")
        return "unknown"
    code = bgm.get(1).strip()
    if code not in LIST_TYPES:
        ctx.dev(bgm, "list-type-unknown", "BGM document code is neither a passenger nor a crew list", value=code)
    return LIST_TYPES.get(code, "unknown")


# ---------------------------------------------------------------- pre-UN US EDIFACT dialect (PDT segments)


def _legacy_time(seg: Segment, ctx: _Part) -> str | None:
    """DTM+136/132 of the old dialect: date YYMMDD, time HHMM, UTC offset (M05, P8) in separate elements."""
    try:
        when = ctx.date(seg, seg.get(2) + seg.get(3).strip(), "", "future")
    except ValueError:
        ctx.dev(seg, "date-invalid", "flight time does not parse", value=seg.raw)
        return None
    return (when or "") + utc_offset(seg.get(4)) or None


def _legacy_legs(header: Sequence[Segment], ctx: _Part) -> list[dict[str, Any]]:
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


def _legacy_traveller(pdt: Segment, legs: list[dict[str, Any]], ctx: _Part) -> dict[str, Any] | None:
    """PDT+doc type/number:expiry:issuer+surname:given:middle:birth:sex+PAX|CRW+embark:debark."""
    doc_id, name = pdt.element(1), pdt.element(2)
    doc_type, _, number = (doc_id[0] if doc_id else "").partition("/")
    q = "FM" if pdt.get(3).strip() in ("CRW", "CRM") else "FL"
    row = _new_row(Segment("NAD", (((q,),), ((),), ((),), (name[:1] + name[1:3],))))
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
    return _finish(row, [pdt], legs, ctx)


def _read_legacy_part(ctx: _Part) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[Segment], list[str]]:
    body = ctx.msg.body()
    pdts = [s for s in body if s.tag == "PDT"]
    legs = _legacy_legs([s for s in body if s.tag != "PDT"], ctx)
    rows = [r for p in pdts if (r := _legacy_traveller(p, legs, ctx)) is not None]
    kinds = ["crew" if p.get(3).strip() in ("CRW", "CRM") else "passenger" for p in pdts]
    list_type = "crew" if kinds and all(k == "crew" for k in kinds) else "passenger"
    return list_type, legs, rows, [], kinds


# ---------------------------------------------------------------- messages, counts, the public reader


def _check_counts(ctx: _Part, trailer: Sequence[Segment], counts: dict[str, int], list_type: str) -> None:
    """CNT+42 (passengers) / CNT+41 (crew) against the travellers read (quarantined ones included)."""
    for seg in (s for s in trailer if s.tag == "CNT"):
        q, declared = seg.get(1).strip(), seg.get(1, 1).strip()
        if not declared and seg.get(2).strip():
            ctx.dev(seg, "cnt-malformed", "CNT count in a separate element instead of a component", value=seg.raw)
            declared = seg.get(2).strip()
        kind = COUNT_TYPES.get(q)
        if kind is None:
            ctx.dev(seg, "cnt-qualifier", "CNT qualifier is neither 41 (crew) nor 42 (passengers)", value=q)
            continue
        if list_type in ("passenger", "crew") and kind != list_type:
            ctx.dev(seg, "cnt-qualifier", f"CNT+{q} counts {kind}s in a {list_type} list", value=seg.raw)
        actual = counts[kind] if kind == list_type else sum(counts.values())
        if not declared.isdigit():
            ctx.dev(seg, "cnt-malformed", "CNT count is not a number", value=seg.raw)
        elif int(declared) != actual:
            ctx.dev(seg, "cnt-count", f"CNT+{q} says {int(declared)}, the list has {actual}", value=declared,
                    field_="CNT C270")


def _read_logical(lm: LogicalMessage, devs: list[Deviation], quarantine: list[Quarantined],
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    flights: list[dict[str, Any]] = []
    counts = {"passenger": 0, "crew": 0}
    last: tuple[_Part, list[Segment]] | None = None
    list_type = "unknown"
    for msg in lm.parts:
        ctx = _Part(msg, reference_year(msg.interchange_date, date.today().year), devs, quarantine)
        if msg.type != "PAXLST":
            ctx.dev(msg.unh, "not-paxlst", "message is not a PAXLST; skipped", value=msg.type, severity="error")
            continue
        if not msg.complete:
            ctx.reject(msg.segments, msg.unh, "message-truncated", "message has no UNT; kept whole in quarantine",
                       field_="UNT", value=msg.ref)
            continue
        if msg.version.startswith("D:") or not any(s.tag == "PDT" for s in msg.segments):
            header, groups, trailer = _split_groups(msg.body())
            list_type, legs = _list_type(header, ctx), _legs(header, ctx)
            part_rows = [r for g in groups if (r := _traveller(g, legs, ctx)) is not None]
            kinds = [TRAVELLER_ROLES[g[0].get(1).strip()] for g in groups]
        else:
            list_type, legs, part_rows, trailer, kinds = _read_legacy_part(ctx)
        for kind in kinds:
            counts[kind] += 1
        for row in part_rows:
            row["list_type"] = list_type
        rows.extend(part_rows)
        if not flights:
            flights = [{"file": msg.file, "message_index": msg.index, "message_ref": msg.ref, "list_type": list_type,
                        "leg": i, **leg} for i, leg in enumerate(legs)]
        if trailer:
            last = (ctx, trailer)
    if last is not None:
        _check_counts(last[0], last[1], counts, list_type)
    return rows, flights


def read_paxlst(path: str | Path | Sequence[str | Path], *, encoding: str = "utf-8") -> PaxlstResult:
    """Read PAXLST file(s): one row per traveller (``COLUMNS``), flight legs, deviations, quarantine.

    Give several paths when the parts of a multi-part list come in separate files; parts are joined by
    message type, common access reference (UNH element 3) and sender. ``encoding`` may be ``gb18030``.

    >>> import tempfile, os
    >>> text = ("UNA:+.? 'UNB+UNOA:4+AIR+GOV+070218:1545+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+AA123+++AA'"
    ...         "LOC+125+ATL'DTM+189:0702191540:201'LOC+87+JFK'DTM+232:0702191740:201'NAD+FL+++O?'NEIL:ANN'"
    ...         "ATT+2++F'DTM+329:730407'DOC+P+X123'DTM+36:120101'LOC+91+USA'CNT+42:2'UNT+15+1'UNZ+1+1'")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "a.edi")
    ...     _ = open(p, "w").write(text)
    ...     res = read_paxlst(p)
    >>> res.travellers[["surname", "given_names", "birth_date", "doc_number", "flight", "dep_time"]].values.tolist()
    [["O'NEIL", 'ANN', '1973-04-07', 'X123', 'AA123', '2007-02-19T15:40']]
    >>> [d.rule for d in res.deviations]
    ['cnt-count']
    """
    messages, devs = read_files(path, encoding=encoding)
    return paxlst_from_messages(messages, devs)


def paxlst_from_messages(messages: Sequence[Message], devs: list[Deviation]) -> PaxlstResult:
    """Travellers of messages already split (``read_messages`` per file, so that one unreadable file does
    not stop the others): multi-part messages reassembled, ``devs`` extended with what is found."""
    logical, part_devs = assemble(messages)
    devs.extend(part_devs)
    quarantine: list[Quarantined] = []
    rows: list[dict[str, Any]] = []
    flights: list[dict[str, Any]] = []
    for lm in logical:
        lm_rows, lm_flights = _read_logical(lm, devs, quarantine)
        rows.extend(lm_rows)
        flights.extend(lm_flights)
    return PaxlstResult(pd.DataFrame(rows, columns=COLUMNS), pd.DataFrame(flights, columns=FLIGHT_COLUMNS), devs,
                        quarantine)
