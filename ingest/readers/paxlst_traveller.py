"""One PAXLST traveller (UN/EDIFACT dialect): a NAD group (name and address, then ATT, DTM, LOC, NAT, RFF,
DOC groups, MEA, FTX, COM) folded into one row.

The segments of a group are dispatched on their tag to one small function each; a date that does not
parse rejects the traveller (quarantined with its raw segments), and so does a missing surname.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest.edifact.tokens import Segment
from ingest.readers.paxlst_legs import traveller_legs
from ingest.readers.paxlst_part import Part, content_hash, join_values

#: NAD qualifiers that open a traveller group, and the traveller type they mean.
TRAVELLER_ROLES = {"FL": "passenger", "DDT": "passenger", "FM": "crew", "DDU": "crew", "VW": "crew"}
#: LOC qualifiers read into a row field as they are.
_LOC_FIELDS = {"22": "clearance_port", "174": "residence_country", "178": "embark_port", "179": "debark_port"}
_LEG_FIELDS = ("carrier", "flight", "dep_port", "dep_time", "arr_port", "arr_time")

Row = dict[str, Any]
Doc = dict[str, Any] | None


def new_row(nad: Segment) -> Row:
    """The row a traveller's NAD opens: role, type, name, address; the rest still empty."""
    name = nad.element(4)
    q = nad.get(1).strip()
    address = {"street": join_values(nad.element(5)), "city": nad.get(6).strip(), "region": nad.get(7).strip(),
               "postcode": nad.get(8).strip(), "country": nad.get(9).strip()}
    return {
        "role": q, "traveller_type": TRAVELLER_ROLES[q],
        "surname": name[0].strip() if name else "", "given_names": join_values(name[1:5]),
        "sex": None, "birth_date": None, "nationality": None, "place_of_birth": None, "residence_country": None,
        "embark_port": None, "debark_port": None, "clearance_port": None,
        "address": address if any(address.values()) else None, "phones": [], "documents": [],
        "references": {}, "seat": None, "bag_count": None, "bag_weight": None, "bag_tags": [],
    }


def _att(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    if q == "2":
        row["sex"] = seg.get(3).strip() or None


def _dtm(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    if q == "329":
        row["birth_date"] = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "past")
    elif q == "36":
        if doc is None:
            ctx.dev(seg, "expiry-without-document", "DTM+36 outside a DOC group")
        elif doc["expiry"] is not None:
            ctx.dev(seg, "document-field-repeated", "second DTM+36 in one DOC group ignored", value=seg.get(1, 1))
        else:
            doc["expiry"] = ctx.date(seg, seg.get(1, 1), seg.get(1, 2), "future")


def _loc(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    if q == "91" and doc is not None:
        value = seg.get(2).strip()
        if seg.get(2, 1).strip() == "163":
            doc["issuer_region"] = value
        elif value and not doc["issuer"]:
            doc["issuer"] = value
        elif not value:
            ctx.dev(seg, "empty-value", "LOC+91 without a country", severity="info")
    elif q == "180":
        row["place_of_birth"] = seg.get(2).strip() or join_values(seg.element(2)) or None
    elif q in _LOC_FIELDS:
        row[_LOC_FIELDS[q]] = seg.get(2).strip() or None


def _nat(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    row["nationality"] = seg.get(2).strip() or None


def _rff(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    value = seg.get(1, 1).strip()
    row["references"][q] = value
    if q == "SEA":
        row["seat"] = value


def _mea(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    value = seg.get(3, 1) or seg.get(3, 0) if q == "CT" else seg.get(3, 1)
    if q == "CT" and value.strip().isdigit():
        row["bag_count"] = int(value)
    elif q == "WT" and value.strip():
        row["bag_weight"] = f"{value.strip()} {seg.get(3).strip()}".strip()


def _ftx(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    if q == "BAG":
        row["bag_tags"].append(seg.get(4).strip())


def _com(seg: Segment, q: str, row: Row, doc: Doc, ctx: Part) -> None:
    for e in range(1, len(seg.elements) + 1):
        if seg.get(e).strip():
            row["phones"].append(f"{seg.get(e).strip()}:{seg.get(e, 1).strip()}")


#: What each segment tag of a traveller group adds to the row (``q``: element 1 trimmed).
_APPLY: dict[str, Callable[[Segment, str, Row, Doc, Part], None]] = {
    "ATT": _att, "DTM": _dtm, "LOC": _loc, "NAT": _nat, "RFF": _rff, "MEA": _mea, "FTX": _ftx, "COM": _com,
}


def _doc(seg: Segment, row: Row, ctx: Part) -> dict[str, Any]:
    doc = {"type": seg.get(1).strip() or None, "number": seg.get(2).strip(), "expiry": None, "issuer": None}
    if not doc["number"]:
        ctx.dev(seg, "empty-value", "DOC without a document number", severity="info")
    elif doc["type"] is None:
        ctx.dev(seg, "document-type-missing", "DOC without a document type", value=doc["number"])
    if doc["number"]:
        row["documents"].append(doc)
    return doc


def read_traveller(group: Sequence[Segment], legs: list[dict[str, Any]], ctx: Part) -> Row | None:
    """One traveller row from its NAD group, or None when it is quarantined."""
    nad = group[0]
    row = new_row(nad)
    doc: Doc = None
    unoa, apply = ctx.unoa, _APPLY.get
    for seg in group:
        if unoa and not seg.raw.isascii():
            ctx.dev(seg, "charset-unoa", "characters outside UNOA (level A) in the segment", value=seg.raw,
                    severity="info")
        tag = seg.tag
        if tag == "DOC":
            doc = _doc(seg, row, ctx)
            continue
        fold = apply(tag)
        if fold is None:
            continue
        try:
            fold(seg, seg.get(1).strip(), row, doc, ctx)
        except ValueError:
            ctx.reject(group, seg, "date-invalid", "a date of the traveller does not parse", field_=seg.tag,
                       value=seg.raw)
            return None
    if not row["surname"]:
        ctx.reject(group, nad, "surname-missing", "traveller has no surname", field_="NAD C080", value=nad.raw)
        return None
    return finish_row(row, group, legs, ctx)


def finish_row(row: Row, group: Sequence[Segment], legs: list[dict[str, Any]], ctx: Part) -> Row:
    """The traveller's place, content hash, first document and legs (the first leg spread into the flight
    columns)."""
    docs = row["documents"]
    first = next((d for d in docs if d["type"] == "P"), docs[0] if docs else None)
    mine = traveller_legs(legs, row["embark_port"], row["debark_port"])
    leg0 = mine[0] if mine else {}
    head = group[0]
    row.update({
        "file": ctx.msg.file, "message_index": ctx.msg.index, "message_ref": ctx.ref, "part": ctx.part,
        "segment_number": head.index - ctx.first + 1, "line": head.line, "content_hash": content_hash(group),
        "doc_type": first and first["type"], "doc_number": first and first["number"],
        "doc_issuer": first and first["issuer"], "doc_expiry": first and first["expiry"],
        "reservation_ref": row["references"].get("AVF"), "legs": mine,
    })
    row.update(zip(_LEG_FIELDS, [leg0.get(k) for k in _LEG_FIELDS], strict=True))
    return row
