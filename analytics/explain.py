"""Words for nodes and links, so that every score and path can be read by an investigator.

``describe`` names a node as a person would ("phone +66901234567", "ZHANG WEI (P-0001)", "case C-17");
``link_text`` says what one hop means ("booked with the same card as ..."). Both are pure functions of the
store's ``Node``/``Edge`` dataclasses, so the dashboard and the clue packets say the same thing.

>>> from graph.store.model import Node
>>> describe(Node("Phone:00000000000000ff", "Phone", {"number": "+85291234567"}))
'phone +85291234567'
>>> describe(Node("Person:00000000000000fe", "Person", {"person_key": "P-1", "surname": "LI", "given_names": "NA"}))
'LI NA (P-1)'
>>> link_text("USES", "Person", "Phone")
'uses'
"""

from __future__ import annotations

from typing import Any

from graph.store.model import Node

#: How each label is called in a sentence, and which properties name it.
_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Phone": ("phone", ("number",)),
    "Email": ("e-mail", ("address",)),
    "Address": ("address", ("lines", "city", "address_key")),
    "PaymentInstrument": ("card", ("masked", "token")),
    "Document": ("document", ("issuer", "number")),
    "Booking": ("booking", ("carrier", "locator")),
    "Voyage": ("voyage", ("carrier", "number", "date")),
    "Crossing": ("crossing", ("crossing_id",)),
    "Port": ("port", ("code",)),
    "Vehicle": ("vehicle", ("plate_country", "plate")),
    "Organization": ("organisation", ("name", "org_key")),
    "Case": ("case", ("case_id",)),
    "WatchlistEntry": ("watchlist entry", ("list", "entry_id")),
    "Cluster": ("cluster", ("cluster_id",)),
    "SourceRecord": ("record", ("ref",)),
}

#: (edge type, direction) -> what the hop says; "fwd" reads from the edge's source to its target.
_LINKS: dict[tuple[str, str], str] = {
    ("HOLDS", "fwd"): "holds",
    ("HOLDS", "rev"): "held by",
    ("USES", "fwd"): "uses",
    ("USES", "rev"): "used by",
    ("BOOKED", "fwd"): "booked",
    ("BOOKED", "rev"): "booked by",
    ("CONTACT", "fwd"): "gives as contact",
    ("CONTACT", "rev"): "is the contact of",
    ("PAID_BY", "fwd"): "paid with",
    ("PAID_BY", "rev"): "paid for",
    ("VIA", "fwd"): "booked through",
    ("VIA", "rev"): "made",
    ("LIVES_AT", "fwd"): "lives at",
    ("LIVES_AT", "rev"): "home of",
    ("WORKS_FOR", "fwd"): "works for",
    ("WORKS_FOR", "rev"): "employs",
    ("CO_TRAVELLED", "fwd"): "travelled with",
    ("CO_TRAVELLED", "rev"): "travelled with",
    ("POSSIBLY_SAME_AS", "fwd"): "may be the same person as",
    ("POSSIBLY_SAME_AS", "rev"): "may be the same person as",
    ("MADE", "fwd"): "made",
    ("MADE", "rev"): "made by",
    ("USED", "fwd"): "was made on",
    ("USED", "rev"): "presented at",
    ("ON", "fwd"): "on",
    ("ON", "rev"): "carried",
    ("ANNOUNCED", "fwd"): "announced on",
    ("ANNOUNCED", "rev"): "announced",
    ("INVOLVED_IN", "fwd"): "is involved in",
    ("INVOLVED_IN", "rev"): "involves",
    ("LISTED_AS", "fwd"): "matches",
    ("LISTED_AS", "rev"): "matched by",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def describe(node: Node | None, fallback: str = "") -> str:
    """A short name for a node: ``SURNAME GIVEN (key)`` for people, ``<kind> <key>`` for everything else."""
    if node is None:
        return fallback
    props = node.props
    if node.label == "Person":
        name = " ".join(_text(props.get(k)) for k in ("surname", "given_names") if _text(props.get(k)))
        key = _text(props.get("person_key"))
        return f"{name} ({key})" if name and key else name or key or node.id
    kind, keys = _NAMES.get(node.label, (node.label.lower(), ()))
    values = [_text(props.get(k)) for k in keys if _text(props.get(k))]
    if node.label == "Document" and len(values) == 2:
        return f"{kind} {values[0]}:{values[1]}"
    if node.label == "Address" and values:
        return f"{kind} {', '.join(values[:2])}"
    return f"{kind} {' '.join(values[:3])}" if values else f"{kind} {node.id}"


def link_text(edge_type: str, from_label: str, to_label: str, *, forward: bool = True) -> str:
    """What one hop says, read from the ``from`` end (``forward`` when that end is the edge's source)."""
    return _LINKS.get((edge_type, "fwd" if forward else "rev"), edge_type.lower().replace("_", " "))


def role_text(role: str | None) -> str:
    """A case role as a noun phrase: ``ORGANISER`` -> ``an organiser``."""
    word = _text(role).lower() or "subject"
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
