"""Associated records -> Phone, Email, Address, Vehicle, Organization, PaymentInstrument, Case,
WatchlistEntry nodes; USES, LIVES_AT, WORKS_FOR (role), INVOLVED_IN (role) from the person named by each row
(after resolution); one person-bearing record per row that names a person.

Organisations are keyed by registration number where there is one (``REG:<number>``: a travel agency's
IATA number in a PNR is the ``registration_no`` of its ``companies.csv`` row, so both meet in one node),
else by company id (``CO:<id>``). ``employment.csv`` names companies by id: the ids of this run's
``companies.csv`` and of the organisations already stored are looked up. ``payments.csv`` may carry an
``expiry`` column (``MMYY``); a card is keyed by masked PAN and expiry (:mod:`ingest.pipeline.instrument_keys`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.instrument_keys import card_expiry, instrument_tokens, masked_pan
from ingest.pipeline.keys import coalesce, ids, refs, seen, text, utc
from ingest.pipeline.map_pnrgov import address_keys


def org_keys(company_id: pd.Series, registration_no: pd.Series) -> pd.Series:
    """``REG:<registration_no>`` where known, else ``CO:<company_id>``.

    >>> org_keys(pd.Series(["C1", "C2"]), pd.Series(["00001301", None])).tolist()
    ['REG:00001301', 'CO:C2']
    """
    reg = text(registration_no)
    return ("REG:" + reg).where(reg.notna(), "CO:" + text(company_id))


def _col(rec: pd.DataFrame, name: str) -> pd.Series:
    return text(rec[name]) if name in rec else pd.Series(None, index=rec.index, dtype=object)


def _person_record(rec: pd.DataFrame, ref: pd.Series, t: pd.Series, kind: str, batch: GraphBatch) -> None:
    batch.record(pd.DataFrame({
        "record_ref": ref, "surname": _col(rec, "surname_norm"), "given_names": _col(rec, "given_names_norm"),
        "native_name": None, "sex": None, "birth_date": _col(rec, "birth_date"),
        "nationality": _col(rec, "nationality"), "doc_type": None, "doc_issuer": _col(rec, "doc_issuer"),
        "doc_number": _col(rec, "doc_number"), "seen": seen(t), "kind": kind,
        "voyage": None, "booking": None, "seat": None}))


def map_associated(rec: pd.DataFrame, kind: str, name: str, batch: GraphBatch,
                   companies: Mapping[str, str]) -> None:
    """Add the nodes, edges and person records of one associated file (``read_associated(...).records``);
    ``companies`` maps company ids to organisation keys known so far (this function adds to it for
    ``companies`` files)."""
    if rec.empty:
        return
    ref = refs(name, rec["line"])
    first = utc(coalesce(_col(rec, "first_seen"), _col(rec, "opened"), _col(rec, "listed_on")))
    last = utc(_col(rec, "last_seen"))
    t = first.where(first.notna(), last)
    base = {"t": t, "ref": ref}
    person_edge: tuple[str, pd.Series, dict[str, pd.Series]] | None = None
    if kind == "phones":
        number = _col(rec, "phone_e164").fillna(_col(rec, "phone"))
        batch.node("Phone", pd.DataFrame({"number": number, "valid": rec.get("phone_valid"), **base}))
        person_edge = ("USES", ids("Phone", number), {"source": _col(rec, "source")})
    elif kind == "emails":
        mail = _col(rec, "email_norm").fillna(_col(rec, "email").str.lower())
        batch.node("Email", pd.DataFrame({"address": mail, **base}))
        person_edge = ("USES", ids("Email", mail), {"source": _col(rec, "source")})
    elif kind == "addresses":
        key = address_keys(_col(rec, "address_line1"), _col(rec, "address_line2"), _col(rec, "city"),
                           _col(rec, "country"))
        lines = _col(rec, "address_line1") + (", " + _col(rec, "address_line2")).fillna("")
        batch.node("Address", pd.DataFrame({"address_key": key, "lines": lines, "city": _col(rec, "city"),
                                            "country": _col(rec, "country"), **base}))
        person_edge = ("LIVES_AT", ids("Address", key), {"source": _col(rec, "source")})
    elif kind == "vehicles":
        country = _col(rec, "plate_country").fillna("UNK")
        batch.node("Vehicle", pd.DataFrame({"plate_country": country, "plate": _col(rec, "plate"), **base}))
        person_edge = ("USES", ids("Vehicle", country, _col(rec, "plate")), {"role": _col(rec, "role")})
    elif kind == "payments":
        card, expiry = _col(rec, "instrument"), card_expiry(_col(rec, "expiry"))
        token = instrument_tokens(card, expiry)
        batch.node("PaymentInstrument", pd.DataFrame({"token": token, "pan": masked_pan(card), "expiry": expiry,
                                                      "type": _col(rec, "type"), **base}))
        person_edge = ("USES", ids("PaymentInstrument", token), {})
    elif kind == "companies":
        key = org_keys(rec["company_id"], _col(rec, "registration_no"))
        batch.node("Organization", pd.DataFrame({
            "org_key": key, "company_id": _col(rec, "company_id"), "name": _col(rec, "name"),
            "country": _col(rec, "country"), "registration_no": _col(rec, "registration_no"), **base}))
        companies.update(dict(zip(_col(rec, "company_id").tolist(), key.tolist(), strict=True)))  # type: ignore[attr-defined]
    elif kind == "employment":
        cid = _col(rec, "company_id")
        key = cid.map(lambda c: companies.get(c, f"CO:{c}") if isinstance(c, str) else None)
        batch.node("Organization", pd.DataFrame({"org_key": key, "company_id": cid, **base}))
        person_edge = ("WORKS_FOR", ids("Organization", key), {"role": _col(rec, "role").fillna("EMPLOYEE")})
    elif kind == "cases":
        batch.node("Case", pd.DataFrame({"case_id": _col(rec, "case_id"), **{
            c: _col(rec, c) for c in ("case_type", "opened", "status", "severity")}, **base}))
    elif kind == "case_subjects":
        case = _col(rec, "case_id")
        batch.node("Case", pd.DataFrame({"case_id": case, **base}))
        person_edge = ("INVOLVED_IN", ids("Case", case), {"role": _col(rec, "role")})
    elif kind == "watchlist":
        batch.node("WatchlistEntry", pd.DataFrame({
            "list": _col(rec, "list").fillna("DEFAULT"), "entry_id": _col(rec, "entry_id"),
            "surname": _col(rec, "surname_norm").fillna(_col(rec, "surname")),
            "given_names": _col(rec, "given_names_norm").fillna(_col(rec, "given_names")),
            "native_name": _col(rec, "native_name"), "birth_date": _col(rec, "birth_date"),
            "nationality": _col(rec, "nationality"), "doc_number": _col(rec, "doc_number"),
            **{c: _col(rec, c) for c in ("reason", "severity", "listed_on")}, **base}))
    if person_edge is not None:
        etype, dst, props = person_edge
        batch.person_edge(etype, pd.DataFrame({"record_ref": ref, "dst": dst, **props, **base}))
        _person_record(rec, ref, t, kind, batch)
