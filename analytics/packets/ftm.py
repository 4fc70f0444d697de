"""``entities.ftm.json``: the lead as FollowTheMoney entities, one JSON object a line, for Aleph and
OpenSanctions tools (``ftm`` CLI, ``followthemoney`` library).

People become ``Person``; documents ``Passport`` (ICAO type P) or ``Identification`` held by the person
who holds them; phones and e-mails become properties of the people who use them (FtM has no phone
entity); addresses ``Address``; organisations ``Company`` (with a registration number) or
``Organization``; payment instruments ``BankAccount``; crossings, voyages and bookings ``Event``; cases
``CourtCase`` with ``CourtCaseParty`` links; screening hits ``Risk``; employment ``Employment``; co-travel
``Associate``; identity candidates ``Similar``; every other link ``UnknownLink`` with its type as role.
Values are cleaned by the library, so what it cannot read (a masked birth date) is left out, never wrong.

>>> fid("Person:0d7199cc0b721158")
'cg-person-0d7199cc0b721158'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from followthemoney import EntityProxy, model

Item = dict[str, Any]


def fid(item_id: str) -> str:
    """The FtM entity id of a cluegraph id (FtM ids allow no colon)."""
    kind, _, number = item_id.partition(":")
    return f"cg-{kind.lower().replace('_', '-')}-{number}"


def _entity(schema: str, item_id: str, **props: Any) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = fid(item_id)
    for prop, value in props.items():
        if value not in (None, "", []):
            entity.add(prop, value if isinstance(value, list) else str(value))
    return entity


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _full(p: dict[str, Any], *keys: str) -> str:
    return ", ".join(str(p[k]) for k in keys if p.get(k))


def _person(n: Item) -> EntityProxy:
    p = n["props"]
    name = " ".join(str(p[k]) for k in ("given_names", "surname") if p.get(k)) or p.get("person_key")
    sex = {"M": "male", "F": "female", "X": "other"}.get(str(p.get("sex", "")))
    return _entity(
        "Person",
        n["id"],
        name=name,
        firstName=p.get("given_names"),
        lastName=p.get("surname"),
        alias=p.get("native_name"),
        birthDate=p.get("birth_date"),
        nationality=p.get("nationality"),
        gender=sex,
    )


def _org(n: Item) -> EntityProxy:
    p = n["props"]
    schema = "Company" if p.get("registration_no") else "Organization"
    return _entity(
        schema,
        n["id"],
        name=p.get("name") or p.get("org_key"),
        country=p.get("country"),
        registrationNumber=p.get("registration_no"),
    )


def _event(name: Callable[[dict[str, Any]], str], date_key: str) -> Callable[[Item], EntityProxy]:
    def make(n: Item) -> EntityProxy:
        return _entity("Event", n["id"], name=name(n["props"]), date=_day(n["props"].get(date_key)))

    return make


NODES: dict[str, Callable[[Item], EntityProxy]] = {
    "Person": _person,
    "Organization": _org,
    "Address": lambda n: _entity(
        "Address",
        n["id"],
        full=_full(n["props"], "lines", "city", "country") or n["props"].get("address_key"),
        city=n["props"].get("city"),
        country=n["props"].get("country"),
    ),
    "Port": lambda n: _entity("Address", n["id"], full=_full(n["props"], "name", "code")),
    "Vehicle": lambda n: _entity(
        "Vehicle",
        n["id"],
        name=n["props"].get("plate"),
        registrationNumber=n["props"].get("plate"),
        country=n["props"].get("plate_country"),
    ),
    "PaymentInstrument": lambda n: _entity(
        "BankAccount", n["id"], accountNumber=n["props"].get("token"), accountType=n["props"].get("type")
    ),
    "Case": lambda n: _entity(
        "CourtCase",
        n["id"],
        name=f"Case {n['props'].get('case_id')}",
        caseNumber=n["props"].get("case_id"),
        type=n["props"].get("case_type"),
        status=n["props"].get("status"),
    ),
    "Crossing": _event(lambda p: f"Crossing {p.get('crossing_id')} {p.get('direction', '')}".strip(), "crossing_time"),
    "Voyage": _event(
        lambda p: f"Voyage {p.get('carrier', '')}{p.get('number', '')} {p.get('date', '')}".strip(), "date"
    ),
    "Booking": _event(lambda p: f"Booking {p.get('carrier', '')} {p.get('locator', '')}".strip(), "created"),
}
#: Edge types that add a property to an entity: type -> (property on the source, end that gives the value).
PROPERTY_EDGES = {
    "MADE": "involved",
    "ANNOUNCED": "involved",
    "BOOKED": "involved",
    "VIA": "organizer",
    "LIVES_AT": "addressEntity",
    "CONTACT": "addressEntity",
}


def _document(n: Item, holders: list[str]) -> EntityProxy:
    p = n["props"]
    schema = "Passport" if p.get("doc_type") == "P" else "Identification"
    return _entity(
        schema,
        n["id"],
        number=p.get("number"),
        country=p.get("issuer"),
        type=p.get("doc_type"),
        holder=[fid(h) for h in holders[:1]],
        endDate=_day(p.get("expiry") or p.get("doc_expiry")),
    )


def _link(e: Item, ents: dict[str, EntityProxy]) -> EntityProxy | None:
    """The relationship entity of one edge (None when its ends are not both entities)."""
    src, dst, p = ents.get(e["src"]), ents.get(e["dst"]), e["props"]
    if src is None or dst is None:
        return None
    dates = {"startDate": _day(e.get("first_seen")), "endDate": _day(e.get("last_seen"))}
    s, d = src.schema.name, dst.schema.name
    if e["type"] == "WORKS_FOR" and s == "Person" and d in ("Company", "Organization"):
        return _entity("Employment", e["id"], employee=src.id, employer=dst.id, role=p.get("role"), **dates)
    if e["type"] == "CO_TRAVELLED":
        return _entity(
            "Associate",
            e["id"],
            person=src.id,
            associate=dst.id,
            relationship=f"travelled together {p.get('count', '')} times".replace("  ", " "),
            **dates,
        )
    if e["type"] == "POSSIBLY_SAME_AS":
        return _entity("Similar", e["id"], candidate=src.id, match=dst.id, confidenceScore=e.get("confidence"))
    if e["type"] == "INVOLVED_IN" and d == "CourtCase":
        return _entity("CourtCaseParty", e["id"], party=src.id, case=dst.id, role=p.get("role"), **dates)
    return _entity(
        "UnknownLink", e["id"], subject=src.id, object=dst.id, role=e["type"].lower().replace("_", " "), **dates
    )


def _apply_property_edges(doc: dict[str, Any], ents: dict[str, EntityProxy], nodes: dict[str, Item]) -> set[str]:
    """Phones, e-mails, addresses, participants: edges that become properties. Returns the edges used."""
    used = set()
    for e in doc["edges"]:
        src, dst, target = ents.get(e["src"]), nodes.get(e["dst"]), ents.get(e["dst"])
        if src is None or dst is None:
            continue
        value = dst["props"].get("number") if dst["label"] == "Phone" else dst["props"].get("address")
        if dst["label"] in ("Phone", "Email") and src.schema.is_a("LegalEntity"):
            src.add("phone" if dst["label"] == "Phone" else "email", value)
            used.add(e["id"])
        elif e["type"] in PROPERTY_EDGES and target is not None:
            holder, prop, other = (
                (target, PROPERTY_EDGES[e["type"]], src)
                if e["type"] in ("MADE", "ANNOUNCED", "BOOKED")
                else (src, PROPERTY_EDGES[e["type"]], target)
            )
            prop_def = holder.schema.get(prop)
            allowed = getattr(prop_def.range, "name", None) if prop_def is not None else None
            if allowed is not None and other.schema.is_a(allowed):
                holder.add(prop, other.id)
                used.add(e["id"])
    return used


def _risks(doc: dict[str, Any], ents: dict[str, EntityProxy], nodes: dict[str, Item]) -> list[EntityProxy]:
    out = []
    for e in doc["edges"]:
        entry = nodes.get(e["dst"])
        if e["type"] == "LISTED_AS" and e["src"] in ents and entry is not None:
            p = entry["props"]
            reason = "; ".join(str(x) for x in (p.get("reason"), e["props"].get("reasons")) if x)
            out.append(
                _entity(
                    "Risk",
                    e["id"],
                    entity=ents[e["src"]].id,
                    program=p.get("list"),
                    reason=reason,
                    listingDate=_day(p.get("listed_on")),
                )
            )
    return out


def ftm_entities(doc: dict[str, Any]) -> list[EntityProxy]:
    """The packet document as FtM entity proxies, sorted by id."""
    nodes = {n["id"]: n for n in doc["nodes"]}
    ents = {i: NODES[n["label"]](n) for i, n in nodes.items() if n["label"] in NODES}
    holders: dict[str, list[str]] = {}
    for e in doc["edges"]:
        if e["type"] == "HOLDS" and e["src"] in ents:
            holders.setdefault(e["dst"], []).append(e["src"])
    for i, n in nodes.items():
        if n["label"] == "Document" and holders.get(i):
            ents[i] = _document(n, sorted(holders[i]))
    used = _apply_property_edges(doc, ents, nodes)
    links = [
        _link(e, ents)
        for e in doc["edges"]
        if e["id"] not in used
        and e["type"] != "LISTED_AS"
        and not (
            e["type"] == "HOLDS"
            and ents.get(e["dst"]) is not None
            and fid(e["src"]) in ents[e["dst"]].get("holder", quiet=True)
        )
    ]
    out = [*ents.values(), *(x for x in links if x is not None), *_risks(doc, ents, nodes)]
    return sorted(out, key=lambda x: str(x.id))


def ftm_bytes(doc: dict[str, Any]) -> bytes:
    """``entities.ftm.json``: one entity a line (the FtM streaming form), keys sorted."""
    lines = [json.dumps(e.to_dict(), sort_keys=True, ensure_ascii=False) for e in ftm_entities(doc)]
    return "".join(line + "\n" for line in lines).encode("utf-8")
