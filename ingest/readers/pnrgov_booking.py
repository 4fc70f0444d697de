"""One PNRGOV booking (an SRC group) read into a booking dict, passenger dicts and itinerary segment dicts.

The SRC group is read as a small state machine over its segments, because PNRGOV nests by position, not by
markers: TIF groups (the passengers, with their FTI, REF, SSR, TKT/MON/PTK, FOP, contacts) come before
the TVL groups (the itinerary, with RPI, APD, seat SSRs and TRI groups of check-in data: TIF, SSD, TBD),
and ABI/SAC/LTS open the history, whose TVL and SSR copies are not the live booking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ingest.edifact.tokens import Segment
from ingest.readers import pnrgov_fields as f

#: Called with (segment, rule, detail, field, value) for a finding inside the booking.
Report = Callable[[Segment, str, str, str, str], None]


def content_hash(segments: Sequence[Segment]) -> str:
    """A stable hash (16 hex digits) of the raw text of ``segments``, one per line."""
    return hashlib.sha256("\n".join(s.raw for s in segments).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1 << 16)
def _key(text: str | None) -> str:
    """A name compared without case or spaces (cached: every TIF compares it with each passenger so far)."""
    return "".join((text or "").upper().split())


def _new_booking() -> dict[str, Any]:
    return {"locator": None, "carrier": None, "other_locators": [], "created": None, "last_transaction": None,
            "date_booked": None, "agency": None, "addresses": [], "phones": [], "emails": [], "payments": [],
            "tickets": [], "excess_bags": [], "seats": [], "bags": [], "ssr_codes": [], "remarks": [],
            "has_history": False, "history_count": 0}


def _new_passenger(seg: Segment) -> dict[str, Any]:
    kind = seg.get(2, 1).strip().upper()
    return {"surname": seg.get(1, 0).strip(), "given_names": seg.get(2, 0).strip(),
            "traveller_ref": seg.get(2, 2).strip() or None, "passenger_type": kind or None,
            "is_infant": kind in ("IN", "INF"), "with_infant": seg.get(2, 3).strip() == "1",
            "reservation_ref": None, "frequent_flyer": [], "addresses": [], "phones": [], "emails": [],
            "payments": [], "tickets": [], "excess_bags": [], "seats": [], "bags": [], "ssr_codes": [],
            "documents": [], "visas": [], "doc_addresses": [], "_segments": [seg], "_bad": None}


class BookingReader:
    """Reads the segments of one SRC group; call ``feed`` per segment, then ``finish``."""

    def __init__(self, ref_year: int, report: Report, push_flight: tuple[str, str] | None) -> None:
        self.ref_year, self.report, self.push_flight = ref_year, report, push_flight
        self.b = _new_booking()
        self.pax: list[dict[str, Any]] = []
        self.legs: list[dict[str, Any]] = []
        self.state = "booking"
        self.cur: dict[str, Any] | None = None
        self.leg: dict[str, Any] | None = None
        self.tri: dict[str, Any] | None = None
        self.tri_ref: str | None = None
        self.ticket: dict[str, Any] | None = None
        self.payment: dict[str, Any] | None = None
        self.docs: list[tuple[str, dict[str, Any], Segment, dict[str, Any] | None]] = []

    # ------------------------------------------------------------------ helpers
    def _ctx(self) -> dict[str, Any]:
        return self.cur if self.state == "pax" and self.cur is not None else self.b

    def _date(self, seg: Segment, value: str, time: str = "") -> str | None:
        try:
            return f.pnr_date(value, time, ref_year=self.ref_year)
        except ValueError:
            self.report(seg, "date-invalid", "date does not parse", seg.tag, f"{value}:{time}".rstrip(":"))
            return None

    def _find(self, ref: str | None, surname: str = "", given: str = "") -> dict[str, Any] | None:
        sk = _key(surname)
        gk = _key(given.split()[0]) if given.split() else ""
        named = [p for p in self.pax if surname and _key(p["surname"]) == sk
                 and (not given or _key(p["given_names"]).startswith(gk))]
        if len(named) == 1:
            return named[0]
        refs = [p for p in (named or self.pax) if ref and p["traveller_ref"] == ref]
        return refs[0] if refs else (named[0] if named else None)

    def _contact(self, found: dict[str, Any] | None) -> None:
        if found is None:
            return
        ctx = self._ctx()
        if found["kind"] == "email":
            ctx["emails"].append(found["value"])
        else:
            ctx["phones"].append(found)

    # ------------------------------------------------------------------ segments
    def feed(self, seg: Segment) -> None:
        """Fold one segment of the SRC group into the booking."""
        tag = seg.tag
        if tag in ("ABI", "SAC", "LTS"):
            self.state = "history"
            self.b["has_history"] = True
            self.b["history_count"] += tag != "SAC"
            return
        if self.state == "history" and tag not in ("RCI",):
            return
        handler = _HANDLERS.get(tag)
        if handler is not None:
            handler(self, seg)
        if self.cur is not None and self.state == "pax" and tag != "TIF" and not (
                tag == "SSR" and seg.get(1, 0).strip().upper() in ("DOCS", "DOCO", "DOCA")):
            self.cur["_segments"].append(seg)
        elif self.leg is not None and self.state in ("tvl", "other") and tag != "TVL":
            self.leg["_segments"].append(seg)

    def _rci(self, seg: Segment) -> None:
        if self.b["locator"] is not None:
            return
        c = [x.strip() for x in seg.element(1)] + [""] * 5
        self.b["carrier"], self.b["locator"] = c[0] or None, c[1] or None
        date, time = (c[2], c[3]) if len(c[2]) == 6 else (c[3], c[4])
        self.b["created"] = self._date(seg, date, time)
        self.b["other_locators"] = [":".join(x.strip() for x in seg.element(e) if x.strip())
                                    for e in range(2, len(seg.elements) + 1) if seg.get(e, 1).strip()]

    def _dat(self, seg: Segment) -> None:
        for e in range(1, len(seg.elements) + 1):
            q = seg.get(e, 0).strip()
            if q == "700" and self.b["last_transaction"] is None:
                self.b["last_transaction"] = self._date(seg, seg.get(e, 1), seg.get(e, 2))
            elif q == "710":
                when = self._date(seg, seg.get(e, 1), seg.get(e, 2))
                if self.b["date_booked"] is None:
                    self.b["date_booked"] = when
                if self.ticket is not None and self.ticket["issued"] is None:
                    self.ticket["issued"] = when

    def _org(self, seg: Segment) -> None:
        if self.b["agency"] is not None or self.pax or self.legs:
            return
        c = {e: [x.strip() for x in seg.element(e)] + [""] * 3 for e in range(1, 10)}
        self.b["agency"] = {"system": c[1][0] or None, "system_location": c[1][1] or None,
                            "iata_number": c[2][0] or None, "office_id": c[2][1] or None,
                            "location": c[3][0] or None, "company": c[4][0] or None,
                            "company_location": c[4][1] or None, "originator_type": c[5][0] or None,
                            "country": c[6][0] or None, "currency": c[6][1] or None,
                            "agent": c[7][0] or None, "raw": seg.raw}

    def _add(self, seg: Segment) -> None:
        addr = f.address(seg)
        self._ctx()["addresses"].append(addr)
        if addr["phone"]:
            self._ctx()["phones"].append({"kind": "address", "value": addr["phone"], "raw": addr["text"],
                                          "source": "ADD"})

    def _ift(self, seg: Segment) -> None:
        text = f.free_text(seg)
        found = f.contact(text, "IFT") if "CTC" in text else None
        if found is not None:
            self._contact(found)
        elif seg.get(1, 1).strip() == "43" and self.payment is not None:
            self.payment["holder"] = text or None
        elif text:
            self.b["remarks"].append(text)

    def _ebd(self, seg: Segment) -> None:
        if seg.elements:
            self._ctx()["excess_bags"].append({"currency": seg.get(1, 0).strip() or None,
                                               "amount": seg.get(1, 1).strip() or None,
                                               "count": seg.get(2, 0).strip() or None})

    def _tif(self, seg: Segment) -> None:
        ref, surname, given = seg.get(2, 2).strip() or None, seg.get(1, 0), seg.get(2, 0)
        if self.state in ("booking", "pax"):
            sk, gk = _key(surname), _key(given)
            same = [p for p in self.pax if _key(p["surname"]) == sk and _key(p["given_names"]) == gk
                    and p["traveller_ref"] == ref]
            self.cur = same[0] if same else _new_passenger(seg)
            if not same:
                self.pax.append(self.cur)
            self.state, self.ticket, self.payment = "pax", None, None
        else:
            self.tri, self.tri_ref = self._find(ref, surname, given), ref

    def _fti(self, seg: Segment) -> None:
        if self.state == "pax" and self.cur is not None:
            self.cur["frequent_flyer"].append(f.frequent_flyer(seg))

    def _ref(self, seg: Segment) -> None:
        if self.state == "pax" and self.cur is not None and self.cur["reservation_ref"] is None:
            self.cur["reservation_ref"] = seg.get(1, 1).strip() or None

    def _ssr(self, seg: Segment) -> None:
        code = seg.get(1, 0).strip().upper()
        if code in ("DOCS", "DOCO", "DOCA"):
            self.docs.append((*f.docs(seg), seg, self.cur if self.state == "pax" else None))
        elif code in f.SEAT_SSRS:
            for s in f.seats(seg):
                s["dep_port"] = s["dep_port"] or (self.leg or {}).get("dep_port")
                s["arr_port"] = s["arr_port"] or (self.leg or {}).get("arr_port")
                s["flight"] = (self.leg or {}).get("flight")
                self.b["seats"].append(s)
        else:
            self._ctx()["ssr_codes"].append(code)

    def _tkt(self, seg: Segment) -> None:
        self.ticket = f.ticket(seg)
        self._ctx()["tickets"].append(self.ticket)

    def _mon(self, seg: Segment) -> None:
        if self.ticket is not None:
            f.fares(seg, self.ticket)

    def _ptk(self, seg: Segment) -> None:
        if self.ticket is not None:
            self.ticket["issued"] = self._date(seg, seg.get(3, 0), seg.get(3, 1))
            self.ticket["issuing_carrier"] = seg.get(4, 0).strip() or None
            self.ticket["issue_place"] = seg.get(6, 0).strip() or None

    def _fop(self, seg: Segment) -> None:
        found = f.payments(seg)
        self._ctx()["payments"].extend(found)
        self.payment = found[-1] if found else None

    def _msg(self, seg: Segment) -> None:
        self.state = "other"

    def _tvl(self, seg: Segment) -> None:
        if not any(seg.get(e).strip() for e in (1, 2, 3, 4)) and seg.get(5).strip():
            if self.leg is not None:
                self.leg["operating_flight_number"] = seg.get(5, 0).strip()
            return
        d = [x.strip() for x in seg.element(1)] + [""] * 4
        arr_date, arr_time = (d[0], d[2]) if len(d[2]) == 4 and not d[3] else (d[2] or d[0], d[3])
        marketing, number = seg.get(4, 0).strip() or None, seg.get(5, 0).strip() or None
        self.leg = {"carrier": marketing, "flight_number": number,
                    "flight": f"{marketing or ''}{number or ''}" or None, "booking_class": seg.get(5, 1).strip()
                    or None, "dep_port": seg.get(2, 0).strip() or None, "arr_port": seg.get(3, 0).strip() or None,
                    "dep_time": self._date(seg, d[0], d[1]),
                    "arr_time": self._date(seg, arr_date, arr_time) if d[0] or d[2] else None,
                    "operating_carrier": seg.get(4, 1).strip() or None, "operating_flight_number": None,
                    "status": None, "pax_count": None, "equipment": None, "cabin": None, "air": self.state != "other",
                    "is_push_flight": (marketing, (number or "").lstrip("0")) == self.push_flight,
                    "_segments": [seg]}
        self.legs.append(self.leg)
        self.state, self.tri = ("tvl" if self.state != "other" else "other"), None

    def _tra(self, seg: Segment) -> None:
        if self.leg is not None:
            self.leg["operating_carrier"] = seg.get(1, 0).strip() or self.leg["operating_carrier"]
            self.leg["operating_flight_number"] = seg.get(2, 0).strip() or None

    def _rpi(self, seg: Segment) -> None:
        if self.leg is not None:
            self.leg["pax_count"], self.leg["status"] = seg.get(1).strip() or None, seg.get(2).strip() or None

    def _apd(self, seg: Segment) -> None:
        if self.leg is not None:
            self.leg["equipment"] = seg.get(1, 0).strip() or None

    def _tri(self, seg: Segment) -> None:
        self.tri, self.tri_ref = None, None

    def _ssd(self, seg: Segment) -> None:
        raw = seg.get(1, 0).strip().upper()
        if self.leg is not None and self.leg["cabin"] is None:
            self.leg["cabin"] = seg.get(5, 0).strip() or None
        if raw and raw != "XXX":
            seat = f.seats(Segment("SSR", ((("SSD",),), ((raw, "", self.tri_ref or ""),))))[0]
            seat.update({"dep_port": (self.leg or {}).get("dep_port"), "arr_port": (self.leg or {}).get("arr_port"),
                         "flight": (self.leg or {}).get("flight"), "cabin": seg.get(5, 0).strip() or None})
            self.b["seats"].append(seat)

    def _tbd(self, seg: Segment) -> None:
        bag = f.bags(seg)
        owner = self.tri if self.state != "pax" else self.cur
        bag.update({"ref": owner["traveller_ref"] if owner else self.tri_ref, "flight": (self.leg or {}).get(
            "flight"), "dep_port": (self.leg or {}).get("dep_port"), "arr_port": (self.leg or {}).get("arr_port"),
            "prime_flight": bool(self.leg and self.leg["is_push_flight"])})
        self.b["bags"].append(bag)
        if owner is not None:
            owner["bags"].append(bag)

    # ------------------------------------------------------------------ end of the group
    def _owner(self, code: str, d: dict[str, Any], ctx_pax: dict[str, Any] | None) -> dict[str, Any] | None:
        """The passenger an SSR DOCS/DOCO/DOCA belongs to: an infant's DOCS (sex FI/MI) to the infant, then
        by name, then by traveller reference, then the TIF group it stands in, then the only passenger."""
        infant = code == "DOCS" and (d.get("sex") or "").upper() in ("FI", "MI")
        pool = [p for p in self.pax if p["is_infant"]] if infant else self.pax
        surname, given = d.get("surname") or "", d.get("given_names") or ""
        named = [p for p in pool if surname and _key(p["surname"]) == _key(surname)
                 and _key(p["given_names"]).startswith(_key(given.split()[0]) if given.split() else "")]
        if named:
            return named[0]
        refs = [p for p in pool if d.get("ref") and (p["traveller_ref"] or "").lstrip("0") == d["ref"].lstrip("0")]
        if refs:
            return refs[0]
        if ctx_pax is not None and not infant:
            return ctx_pax
        return pool[0] if len(pool) == 1 else None

    def _assign_docs(self) -> None:
        for code, d, seg, ctx_pax in self.docs:
            owner = self._owner(code, d, ctx_pax)
            if owner is None:
                self.report(seg, "docs-unassigned", f"SSR {code} matches no passenger of the booking", "SSR",
                            d["text"])
                continue
            owner["_segments"].append(seg)
            if code == "DOCA":
                owner["doc_addresses"].append(d)
                continue
            fields = (("issued", True),) if code == "DOCO" else (("birth", True), ("expiry", False))
            try:
                for name, past in fields:
                    value = d[name]
                    d[name] = f.ssr_date(value, ref_year=self.ref_year, past=past)
            except ValueError:
                owner["_bad"] = (seg, f"SSR {code} {name}", value)
                continue
            target = owner["visas"] if code == "DOCO" else owner["documents"]
            key = tuple(d.get(k) for k in ("type", "number", "birth", "expiry", "issued"))
            if all(tuple(t.get(k) for k in ("type", "number", "birth", "expiry", "issued")) != key for t in target):
                target.append(d)

    def _assign_seats(self) -> None:
        for s in self.b["seats"]:
            owner = self._find(s["ref"]) if s["ref"] else None
            if owner is not None and s["seat"] not in owner["seats"]:
                owner["seats"].append(s["seat"])

    def finish(self) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """The booking, its passengers (with ``_segments`` and ``_bad``) and its itinerary segments."""
        self._assign_docs()
        self._assign_seats()
        b = self.b
        adults = [q for q in self.pax if not q["is_infant"]]
        carers = [q for q in adults if q["with_infant"]] or (adults if len(adults) == 1 else [])
        for p in self.pax:
            b["phones"].extend(p["phones"])
            b["emails"].extend(p["emails"])
            b["payments"].extend(p["payments"])
            b["tickets"].extend(p["tickets"])
            b["excess_bags"].extend(p["excess_bags"])
            doc = next((d for d in p["documents"] if d["number"]), p["documents"][0] if p["documents"] else {})
            p.update({"sex": doc.get("sex"), "birth_date": doc.get("birth"), "nationality": doc.get("nationality"),
                      "doc_type": doc.get("type"), "doc_number": doc.get("number"), "doc_issuer": doc.get("issuer"),
                      "doc_expiry": doc.get("expiry"), "doc_surname": doc.get("surname"),
                      "doc_given_names": doc.get("given_names"),
                      "bag_count": sum(x["count"] or 0 for x in p["bags"]),
                      "co_travellers": [f"{q['surname']}/{q['given_names']}" for q in self.pax if q is not p]})
            p["accompanied_by_ref"] = carers[0]["traveller_ref"] if p["is_infant"] and carers else None
        b["bag_count"] = sum(x["count"] or 0 for x in b["bags"])
        b["passenger_count"], b["segment_count"] = len(self.pax), sum(1 for leg in self.legs if leg["air"])
        return b, self.pax, self.legs


#: The method that reads each segment tag of an SRC group, looked up once per segment (it was
#: ``getattr(self, "_" + tag.lower())``, which also took a CTX segment for the ``_ctx`` helper and failed).
_HANDLERS: dict[str, Callable[[BookingReader, Segment], None]] = {
    tag: getattr(BookingReader, "_" + tag.lower()) for tag in (
        "ADD", "APD", "DAT", "EBD", "FOP", "FTI", "IFT", "MON", "MSG", "ORG", "PTK", "RCI", "REF", "RPI", "SSD",
        "SSR", "TBD", "TIF", "TKT", "TRA", "TRI", "TVL")}
