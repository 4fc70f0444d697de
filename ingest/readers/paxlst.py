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

This module reads messages and counts; one traveller is read by ``paxlst_traveller``, the flight legs by
``paxlst_legs``, the old US dialect by ``paxlst_legacy``, and the context they share is ``paxlst_part``.
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
from ingest.readers.paxlst_legacy import read_legacy_part
from ingest.readers.paxlst_legs import read_legs
from ingest.readers.paxlst_part import Part, content_hash
from ingest.readers.paxlst_traveller import TRAVELLER_ROLES, read_traveller

__all__ = [
    "COLUMNS",
    "FLIGHT_COLUMNS",
    "TRAVELLER_ROLES",
    "PaxlstResult",
    "content_hash",
    "paxlst_from_messages",
    "read_paxlst",
]

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


def _split_groups(body: Sequence[Segment]) -> tuple[Sequence[Segment], list[Sequence[Segment]], list[Segment]]:
    """Header (before the first traveller NAD), traveller groups, trailer (the first CNT and after)."""
    tags = [s.tag for s in body]
    end = tags.index("CNT") if "CNT" in tags else len(tags)
    starts = [i for i in range(end) if tags[i] == "NAD" and body[i].get(1).strip() in TRAVELLER_ROLES]
    groups = [body[a:b] for a, b in zip(starts, [*starts[1:], end], strict=False)]
    return body[: starts[0] if starts else end], groups, list(body[end:])


def _list_type(header: Sequence[Segment], ctx: Part) -> str:
    bgm = next((s for s in header if s.tag == "BGM"), None)
    if bgm is None:
        ctx.dev(ctx.msg.unh, "bgm-missing", "message has no BGM", severity="warning")
        return "unknown"
    code = bgm.get(1).strip()
    if code not in LIST_TYPES:
        ctx.dev(bgm, "list-type-unknown", "BGM document code is neither a passenger nor a crew list", value=code)
    return LIST_TYPES.get(code, "unknown")


def _check_counts(ctx: Part, trailer: Sequence[Segment], counts: dict[str, int], list_type: str) -> None:
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


def _read_part(ctx: Part) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], Sequence[Segment], list[str]]:
    """List type, legs, traveller rows, trailer and traveller kinds of one complete UN/EDIFACT part."""
    header, groups, trailer = _split_groups(ctx.msg.body())
    list_type, legs = _list_type(header, ctx), read_legs(header, ctx)
    rows = [r for g in groups if (r := read_traveller(g, legs, ctx)) is not None]
    kinds = [TRAVELLER_ROLES[g[0].get(1).strip()] for g in groups]
    return list_type, legs, rows, trailer, kinds


def _read_logical(lm: LogicalMessage, devs: list[Deviation], quarantine: list[Quarantined],
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    flights: list[dict[str, Any]] = []
    counts = {"passenger": 0, "crew": 0}
    last: tuple[Part, Sequence[Segment]] | None = None
    list_type = "unknown"
    for msg in lm.parts:
        ctx = Part(msg, reference_year(msg.interchange_date, date.today().year), devs, quarantine)
        if msg.type != "PAXLST":
            ctx.dev(msg.unh, "not-paxlst", "message is not a PAXLST; skipped", value=msg.type, severity="error")
            continue
        if not msg.complete:
            ctx.reject(msg.segments, msg.unh, "message-truncated", "message has no UNT; kept whole in quarantine",
                       field_="UNT", value=msg.ref)
            continue
        if msg.version.startswith("D:") or not any(s.tag == "PDT" for s in msg.segments):
            list_type, legs, part_rows, trailer, kinds = _read_part(ctx)
        else:
            list_type, legs, part_rows, trailer, kinds = read_legacy_part(ctx)
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
