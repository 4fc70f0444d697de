"""PNRGOV segment fields: one small function per segment kind, each returning plain dicts.

Values are read as sent (spaces trimmed); the only decoding done here is what the PNR conventions require
to read a value at all: DDMMYY / DDMMMYY dates, the IATA e-mail escapes in ``CTCE`` (``//`` = ``@``,
``..`` = ``_``) and the phone number inside a ``CTC`` remark or an address. Normalisation comes later.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from ingest.edifact.tokens import Segment

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])}
_CTC = re.compile(r"(?:^|\s)CTC ?([A-Z])\b ?(.*)|(?:^|\s)CTC([A-Z])(.*)", re.DOTALL)
_PHONE = re.compile(r"\+?\d[\d \-./()]*\d")
_SEAT = re.compile(r"0*(\d+)([A-Z])")
#: CTC remark letters (IATA AIRIMP) and what they mean.
CONTACT_KINDS = {"A": "agency", "B": "business", "E": "email", "F": "fax", "H": "home", "M": "mobile",
                 "P": "phone", "R": "reference", "T": "travel_agent", "U": "unknown"}
SEAT_SSRS = ("SEAT", "NSST", "NSSA", "NSSW", "SMST", "SMSA", "SMSW", "RQST")


def _year(yy: int, ref_year: int, past: bool) -> int:
    year = 2000 + yy
    if (past and year > ref_year) or (not past and year > ref_year + 50):
        year -= 100
    return year


def pnr_date(value: str, time: str = "", *, ref_year: int, past: bool = False) -> str | None:
    """ISO date or date-time from PNR ``DDMMYY`` (+ ``HHMM[SS]``); None when empty, ValueError when wrong.

    >>> pnr_date("230513", "181348", ref_year=2013), pnr_date("280513", ref_year=2013)
    ('2013-05-23T18:13:48', '2013-05-28')
    """
    return _pnr_date(value, time, ref_year, past)


@lru_cache(maxsize=1 << 16)
def _pnr_date(value: str, time: str, ref_year: int, past: bool) -> str | None:
    """``pnr_date`` once per distinct argument (a push repeats its flight and booking dates); a value that
    raises is not cached and raises again."""
    value, time = value.strip(), time.strip()
    if not value:
        return None
    if len(value) != 6 or not value.isdigit() or (time and (not time.isdigit() or len(time) not in (4, 6))):
        raise ValueError(f"not a DDMMYY[ HHMM] date: {value!r} {time!r}")
    day = datetime(_year(int(value[4:]), ref_year, past), int(value[2:4]), int(value[:2]))
    if not time:
        return day.strftime("%Y-%m-%d")
    stamp = day.replace(hour=int(time[:2]), minute=int(time[2:4]), second=int(time[4:6] or 0))
    return stamp.strftime("%Y-%m-%dT%H:%M:%S" if len(time) == 6 else "%Y-%m-%dT%H:%M")


def ssr_date(value: str, *, ref_year: int, past: bool) -> str | None:
    """ISO date from an SSR ``DDMMMYY`` (``10SEP72``); None when empty, ValueError when wrong.

    >>> ssr_date("10SEP72", ref_year=2013, past=True), ssr_date("05JUL16", ref_year=2013, past=False)
    ('1972-09-10', '2016-07-05')
    """
    value = value.strip().upper()
    if not value:
        return None
    if len(value) != 7 or not (value[:2] + value[5:]).isdigit() or value[2:5] not in _MONTHS:
        raise ValueError(f"not a DDMMMYY date: {value!r}")
    return datetime(_year(int(value[5:]), ref_year, past), _MONTHS[value[2:5]], int(value[:2])).strftime("%Y-%m-%d")


def email(text: str) -> str:
    """The address in a ``CTCE`` remark, IATA escapes undone.

    >>> email(" MOLLY..LOUUNT+50BB//GMAIL.COM ")
    'MOLLY_LOUUNT+50BB@GMAIL.COM'
    """
    return text.strip().replace("//", "@").replace("..", "_")


def phone_number(text: str) -> str | None:
    """The first phone-like run (at least five digits) in free text, as sent.

    >>> phone_number("EK CTC M 5432109876"), phone_number("H5555555555 W 1 555"), phone_number("NONE")
    ('5432109876', '5555555555', None)
    """
    for m in _PHONE.finditer(text):
        if sum(ch.isdigit() for ch in m.group()) >= 5:
            return m.group().strip()
    return None


def contact(text: str, source: str) -> dict[str, Any] | None:
    """A contact from a ``CTC`` remark (``CTCE``, ``CTCM``, ``CTC M``...): kind, value, raw text; else None.

    >>> contact("YY CTC M 123456789", "IFT")["value"], contact("CTCE A..B//X.COM", "IFT")["kind"]
    ('123456789', 'email')
    """
    m = _CTC.search(text)
    if m is None:
        return None
    letter, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    kind = CONTACT_KINDS.get(letter, "phone")
    if kind == "email":
        return {"kind": "email", "value": email(rest), "raw": text.strip(), "source": source}
    number = phone_number(rest)
    return {"kind": kind, "value": number, "raw": text.strip(), "source": source} if number else None


def free_text(seg: Segment, first: int = 2) -> str:
    """Elements ``first``.. of an IFT-like segment joined by spaces (components by spaces)."""
    return " ".join(c.strip() for e in range(first, len(seg.elements) + 1) for c in seg.element(e) if c.strip())


def address(seg: Segment) -> dict[str, Any]:
    """ADD: purpose code, street, city, region, country, postcode, and the phone/free text of the last field.

    >>> from ingest.edifact.tokens import tokenize
    >>> address(tokenize("UNA:+.? 'ADD++702:8095 KIRBY AVENUE:RIO:::BR::8675309'").segments[0])["phone"]
    '8675309'
    """
    c = [seg.get(2, i).strip() for i in range(8)]
    extra = c[7]
    found = contact(extra, "ADD") if extra else None
    phone = found["value"] if found and found["kind"] != "email" else phone_number(extra) if extra else None
    return {"type": c[0] or None, "street": c[1] or None, "city": c[2] or None, "region": c[3] or None,
            "country": c[5] or None, "postcode": c[6] or None, "text": extra or None, "phone": phone}


def docs(seg: Segment) -> tuple[str, dict[str, Any]]:
    """SSR DOCS/DOCO/DOCA: the SSR code and the slash-separated free text split into named fields."""
    code = seg.get(1, 0).strip().upper()
    text = ":".join(seg.element(1)[8:])
    parts = [p.strip() for p in (text[1:] if text.startswith("/") else text).split("/")] + [""] * 10
    ref = seg.get(2, 2).strip() or None
    if code == "DOCO":
        return code, {"place_of_birth": parts[0] or None, "type": parts[1] or None, "number": parts[2] or None,
                      "place_of_issue": parts[3] or None, "issued": parts[4], "valid_for": parts[5] or None,
                      "ref": ref, "text": text}
    if code == "DOCA":
        return code, {"type": parts[0] or None, "country": parts[1] or None, "street": parts[2] or None,
                      "city": parts[3] or None, "region": parts[4] or None, "postcode": parts[5] or None,
                      "ref": ref, "text": text}
    return code, {"type": parts[0] or None, "issuer": parts[1] or None, "number": parts[2] or None,
                  "nationality": parts[3] or None, "birth": parts[4], "sex": parts[5] or None, "expiry": parts[6],
                  "surname": parts[7] or None, "given_names": " ".join(p for p in parts[8:10] if p) or None,
                  "ref": ref, "text": text}


def seats(seg: Segment) -> list[dict[str, Any]]:
    """Seat SSRs (SEAT, NSST, RQST...): one dict per element with a seat; ``074E`` read as ``74E``.

    >>> from ingest.edifact.tokens import tokenize
    >>> [s["seat"] for s in seats(tokenize("UNA:+.? 'SSR+NSST:HK:1:YY:::SFO:IAD+074E::1+XXX::2'").segments[0])]
    ['74E']
    """
    out = []
    for e in range(2, len(seg.elements) + 1):
        raw = seg.get(e, 0).strip().upper()
        if not raw or raw == "XXX":
            continue
        m = _SEAT.fullmatch(raw)
        out.append({"seat": f"{m.group(1)}{m.group(2)}" if m else raw, "seat_raw": raw,
                    "ref": seg.get(e, 2).strip() or None, "dep_port": seg.get(1, 6).strip() or None,
                    "arr_port": seg.get(1, 7).strip() or None, "source": seg.get(1, 0).strip().upper()})
    return out


def bags(seg: Segment) -> dict[str, Any]:
    """TBD: bag count, weight and unit, and each tag (carrier or prefix, number, consecutive count,
    destination)."""
    count = seg.get(2, 0).strip()
    tags = []
    for e in range(4, len(seg.elements) + 1):
        comps = [c.strip() for c in seg.element(e)] + [""] * 5
        if len(seg.element(e)) >= 2 and comps[1]:
            numeric = comps[0].isdigit()  # v11 sends the airline's numeric prefix first, v13 its code
            tags.append({"carrier": None if numeric else comps[0] or None, "tag": comps[1],
                         "consecutive": comps[2] or None, "destination": comps[3] or None,
                         "prefix": comps[0] if numeric else comps[4] or None})
    return {"count": int(count) if count.isdigit() else None, "weight": seg.get(2, 1).strip() or None,
            "unit": seg.get(2, 2).strip() or None, "tags": tags}


def payments(seg: Segment) -> list[dict[str, Any]]:
    """FOP: one dict per form of payment (type, amount, card vendor, masked card or token, expiry)."""
    out = []
    for e in range(1, len(seg.elements) + 1):
        c = [x.strip() for x in seg.element(e)] + [""] * 6
        if any(c):
            out.append({"type": c[0] or None, "amount": c[2] or None, "vendor": c[3] or None,
                        "card": c[4] or None, "expiry": c[5] or None, "holder": None})
    return out


def ticket(seg: Segment) -> dict[str, Any]:
    """TKT: ticket number, type and coupon count (fares and issue details are filled in by MON/PTK)."""
    return {"number": seg.get(1, 0).strip() or None, "type": seg.get(1, 1).strip() or None,
            "count": seg.get(1, 2).strip() or None, "fares": {}, "currency": None, "issued": None,
            "issuing_carrier": None, "issue_place": None}


def fares(seg: Segment, tkt: dict[str, Any]) -> None:
    """MON: monetary amounts by qualifier (B base, T total...) into the ticket."""
    for reps in seg.elements:
        for c in reps:
            if len(c) >= 2 and c[0].strip():
                tkt["fares"][c[0].strip()] = c[1].strip()
                if len(c) >= 3 and c[2].strip():
                    tkt["currency"] = c[2].strip()


def frequent_flyer(seg: Segment) -> dict[str, Any]:
    """FTI: carrier, number, tier."""
    c = [x.strip() for x in seg.element(1)] + [""] * 7
    return {"carrier": c[0] or None, "number": c[1] or None, "tier": next((x for x in c[2:] if x), None)}
