"""PNRGOV bookings -> Booking, Voyage, Port, Phone, Email, Address, PaymentInstrument, Organization nodes;
ON, CONTACT, PAID_BY, VIA edges; BOOKED and HOLDS from each passenger (after resolution); one
person-bearing record per passenger. Co-travellers (the passengers of one booking) are derived later
(``cotravel``) from the records' booking and seat.

Phones are taken to E.164 with the region of the passenger's nationality (or the booking's agency country);
a digits-only number of ten digits or more is read as international (``6308480068`` -> ``+6308480068``),
as airline systems write them without the ``+``. Cards are keyed by masked PAN and expiry
(:mod:`ingest.pipeline.instrument_keys`).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

import ingest.normalise as n
from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.instrument_keys import card_expiry, instrument_tokens, masked_pan
from ingest.pipeline.keys import booking_key, edi_refs, flight_numbers, ids, seen, text, utc
from ingest.pipeline.map_paxlst import Problem, report_problems
from ingest.pipeline.people import normalise_people

_DIGITS = re.compile(r"^\d{10,15}$")


def booking_keys(carrier: pd.Series, locator: pd.Series, created: pd.Series) -> pd.Series:
    """Booking ids: carrier, locator, creation date (``0000-00-00`` when the push does not say)."""
    return ids("Booking", text(carrier).str.upper(), text(locator).str.upper(),
               text(created).str[:10].fillna("0000-00-00"))


def phone_e164(values: pd.Series, regions: pd.Series) -> pd.Series:
    """E.164 numbers (None where a value does not parse)."""
    raw = text(values).str.replace(r"[\s\-().]", "", regex=True)
    raw = raw.where(~raw.fillna("").str.match(_DIGITS.pattern), "+" + raw)
    reg = text(regions).map(lambda c: n.alpha2(c) if isinstance(c, str) and len(c) == 3 else None)
    res = pd.DataFrame(n.normalise_phones(raw, region=reg, field="phone"))
    return text(res["e164"].set_axis(values.index))


def _explode(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per item of a list column (rows with an empty list dropped), with ``pos`` the row."""
    out = frame[[column]].assign(pos=range(len(frame))).explode(column)
    return out[out[column].notna()].reset_index(drop=True)


def _field(items: pd.Series, key: str) -> pd.Series:
    return items.map(lambda d: d.get(key) if isinstance(d, dict) else d if isinstance(d, str) else None)


def map_bookings(book: pd.DataFrame, seg: pd.DataFrame, names: dict[str, str], batch: GraphBatch) -> pd.DataFrame:
    """Booking nodes and their edges; returns per ``file|message_index|locator`` the ``booking`` id, the
    ``voyage`` of its first segment and its time ``t``."""
    book = book.reset_index(drop=True)
    name = book["file"].map(names)
    ref = edi_refs(name, book["message_index"], book["segment_number"])
    bid = booking_keys(book["carrier"], book["locator"], book["created"])
    t = utc(text(book["created"]).fillna(text(book["push_date"])))
    base = {"t": t, "ref": ref}
    batch.node("Booking", pd.DataFrame({
        "carrier": text(book["carrier"]).str.upper(), "locator": text(book["locator"]).str.upper(),
        "created": text(book["created"]).str[:10].fillna("0000-00-00"), "created_at": text(book["created"]),
        "passenger_count": book["passenger_count"], "segment_count": book["segment_count"],
        "sender": text(book["sender"]), **base}))
    _contacts(book, bid, base, batch)
    key = book["file"].astype(str) + "|" + book["message_index"].astype(str) + "|" + text(book["locator"]).fillna("")
    by_key = pd.DataFrame({"booking": bid.to_numpy(), "t": t.to_numpy(), "voyage": None}, index=key.to_numpy())
    by_key = by_key[~by_key.index.duplicated()]
    if not seg.empty:
        seg = seg.reset_index(drop=True)
        skey = seg["file"].astype(str) + "|" + seg["message_index"].astype(str) + "|" + text(seg["locator"]).fillna("")
        flight = flight_numbers(text(seg["carrier"]).fillna("") + text(seg["flight_number"]).fillna(""))
        when = text(seg["arr_time"]).fillna(text(seg["dep_time"]))
        voyage = ids("Voyage", flight.str[:2], flight, when.str[:10])
        sref = edi_refs(seg["file"].map(names), seg["message_index"], seg["segment_number"])
        sbase = {"t": utc(when), "ref": sref}
        batch.node("Voyage", pd.DataFrame({"carrier": flight.str[:2], "number": flight, "date": when.str[:10],
                                           "mode": "AIR", "dep_port": text(seg["dep_port"]),
                                           "arr_port": text(seg["arr_port"]), "dep_time": text(seg["dep_time"]),
                                           "arr_time": text(seg["arr_time"]), **sbase}))
        for end in ("dep_port", "arr_port"):
            batch.node("Port", pd.DataFrame({"code": text(seg[end]).str.upper(), "mode": "AIR", **sbase}))
        batch.edge("ON", pd.DataFrame({"src": skey.map(by_key["booking"]), "dst": voyage, "booking_class":
                                       text(seg["booking_class"]), **sbase}))
        first = pd.Series(voyage.to_numpy(), index=skey.to_numpy())
        by_key["voyage"] = first[~first.index.duplicated()].reindex(by_key.index).to_numpy()
    return by_key


def _contacts(book: pd.DataFrame, bid: pd.Series, base: dict[str, Any], batch: GraphBatch) -> None:
    """CONTACT phones, e-mails, addresses; PAID_BY cards; VIA agencies."""
    region = text(book["agency_country"]).map(lambda c: n.normalise_country(c) if isinstance(c, str) else None)
    ph = _explode(book, "phones")
    if len(ph):
        e164 = phone_e164(_field(ph["phones"], "value"), region.iloc[ph["pos"]].reset_index(drop=True))
        sub = {k: pd.Series(v).iloc[ph["pos"]].reset_index(drop=True) for k, v in base.items()}
        batch.node("Phone", pd.DataFrame({"number": e164, **sub}))
        batch.edge("CONTACT", pd.DataFrame({"src": bid.iloc[ph["pos"]].to_numpy(), "dst": ids("Phone", e164),
                                            "kind": _field(ph["phones"], "kind"), **sub}))
    em = _explode(book, "emails")
    if len(em):
        mail = text(pd.DataFrame(n.normalise_emails(em["emails"].astype(str)))["email"])
        sub = {k: pd.Series(v).iloc[em["pos"]].reset_index(drop=True) for k, v in base.items()}
        batch.node("Email", pd.DataFrame({"address": mail, **sub}))
        batch.edge("CONTACT", pd.DataFrame({"src": bid.iloc[em["pos"]].to_numpy(), "dst": ids("Email", mail), **sub}))
    ad = _explode(book, "addresses")
    if len(ad):
        lines, city = text(_field(ad["addresses"], "street")), text(_field(ad["addresses"], "city"))
        country = text(_field(ad["addresses"], "country"))
        akey = address_keys(lines, pd.Series(None, index=lines.index), city, country)
        sub = {k: pd.Series(v).iloc[ad["pos"]].reset_index(drop=True) for k, v in base.items()}
        batch.node("Address", pd.DataFrame({"address_key": akey, "lines": lines, "city": city, "country": country,
                                            **sub}))
        batch.edge("CONTACT", pd.DataFrame({"src": bid.iloc[ad["pos"]].to_numpy(), "dst": ids("Address", akey),
                                            **sub}))
    pay = _explode(book, "payments")
    if len(pay):
        card, expiry = _field(pay["payments"], "card"), card_expiry(_field(pay["payments"], "expiry"))
        token = instrument_tokens(card, expiry)
        sub = {k: pd.Series(v).iloc[pay["pos"]].reset_index(drop=True) for k, v in base.items()}
        batch.node("PaymentInstrument", pd.DataFrame({"token": token, "pan": masked_pan(card), "expiry": expiry,
                                                      "type": text(_field(pay["payments"], "vendor")), **sub}))
        batch.edge("PAID_BY", pd.DataFrame({"src": bid.iloc[pay["pos"]].to_numpy(),
                                            "dst": ids("PaymentInstrument", token),
                                            "form": text(_field(pay["payments"], "type")), **sub}))
    iata = text(book["agency_iata"])
    org = ("REG:" + iata).where(iata.notna())
    batch.node("Organization", pd.DataFrame({"org_key": org, "registration_no": iata, "kind": "AGENCY",
                                             "office": text(book["agency_office"]), **base}))
    batch.edge("VIA", pd.DataFrame({"src": bid, "dst": ids("Organization", org), **base}))


def address_keys(line1: pd.Series, line2: pd.Series, city: pd.Series, country: pd.Series) -> pd.Series:
    """One key string per address: upper-cased, punctuation and repeated spaces removed, parts joined by ``|``.

    >>> address_keys(pd.Series(["Flat 3C,  70 Nathan Rd."]), pd.Series([None]), pd.Series(["Hong Kong"]),
    ...              pd.Series(["HKG"])).tolist()
    ['FLAT 3C 70 NATHAN RD||HONG KONG|HKG']
    """
    first = text(line1)
    key = _address_part(first) + "|" + _address_part(text(line2)) + "|" + _address_part(text(city)) + "|" \
        + _address_part(text(country))
    return pd.Series(key, index=line1.index, dtype=object).where(first.notna(), None)


_NOT_WORD = re.compile(r"[^\w\s]")


def _address_part(s: pd.Series) -> np.ndarray:
    """Upper-cased, punctuation to spaces, spaces collapsed (missing as ``""``): once per distinct value
    (cities and countries repeat on every row), one pass instead of four pandas string passes."""
    codes, uniques = pd.factorize(s)
    done = [" ".join(_NOT_WORD.sub(" ", str(v).upper()).split()) for v in uniques]
    return np.array([*done, ""], dtype=object)[codes]  # code -1 (missing) takes the last: ""


def map_passengers(pax: pd.DataFrame, by_booking: pd.DataFrame, names: dict[str, str], batch: GraphBatch,
                   problem: Problem) -> None:
    """BOOKED and HOLDS from each passenger, their person records."""
    pax = pax.reset_index(drop=True)
    name = pax["file"].map(names)
    ref = edi_refs(name, pax["message_index"], pax["segment_number"])
    people, problems = normalise_people(pax)
    report_problems(problems, name, pax, problem)
    key = pax["file"].astype(str) + "|" + pax["message_index"].astype(str) + "|" + text(pax["locator"]).fillna("")
    booking = key.map(by_booking["booking"])
    seat = pax["seats"].map(lambda s: s[0] if isinstance(s, list) and s else None)
    t = pd.to_datetime(key.map(by_booking["t"]))
    base = {"t": t, "ref": ref}
    batch.person_edge("BOOKED", pd.DataFrame({"record_ref": ref, "dst": booking, "seat": seat,
                                              "traveller_ref": text(pax["traveller_ref"]), **base}))
    doc = ids("Document", people["doc_issuer"], people["doc_number"])
    batch.node("Document", pd.DataFrame({"issuer": people["doc_issuer"], "number": people["doc_number"],
                                         "type": people["doc_type"], "expiry": text(pax["doc_expiry"]), **base}))
    batch.person_edge("HOLDS", pd.DataFrame({"record_ref": ref, "dst": doc, **base}))
    batch.record(pd.DataFrame({
        "record_ref": ref, **{c: people[c] for c in ("surname", "given_names", "sex", "birth_date", "nationality",
                                                      "doc_type", "doc_issuer", "doc_number")},
        "native_name": None, "seen": seen(t), "kind": "pnr",
        "voyage": key.map(by_booking["voyage"]),
        "booking": booking_key(pax["booking_carrier"], pax["locator"]), "seat": text(seat)}))
