"""Search: one box for names in any script and transliteration, document numbers, phones, e-mails, cards,
bookings and plates.

Candidates come from the store's text search (``store.find(text=...)``) on the query as typed, and on short
probes of its Latin form (ICAO 9303 transliteration of Cyrillic, Arabic, Han...; see ``probes``); people
among them are then ranked by ``ingest.normalise.names``: equal transliteration skeletons (``variant_key``:
YURIY IVANOV = IURII IVANOV, CHANG WEI = ZHANG WEI) and fuzzy similarity. Phones and e-mails are also looked
up by their normalised key (E.164, lower case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.elements import caption, risk_of
from graph.errors import ClueGraphError
from graph.store import GraphStore, Node
from ingest.normalise.emails import normalise_email
from ingest.normalise.names import name_similarity, normalise_name, variant_key
from ingest.normalise.phones import normalise_phone

MIN_NAME_SCORE = 0.72
_IDENTIFIER = re.compile(r"[0-9@+_]")
_PER_FIND = 200


@dataclass(frozen=True)
class Hit:
    """One search result: the node, how well it matched (0-1) and why."""

    id: str
    label: str
    caption: str
    detail: str
    score: float
    why: str
    risk: float


def _person_name(node: Node) -> str:
    return f"{node.props.get('surname') or ''} {node.props.get('given_names') or ''}".strip()


def _detail(node: Node) -> str:
    p = node.props
    if node.label == "Person":
        bits = [p.get("native_name"), p.get("birth_date"), p.get("nationality")]
        return " · ".join(str(b) for b in bits if b)
    return node.summary()


def _latin(query: str) -> str:
    try:
        n = normalise_name(query)
    except ClueGraphError:
        return ""
    return n.latin if n else ""


def _key_lookups(store: GraphStore, query: str) -> list[Node]:
    """Phones and e-mails by their normalised key."""
    found: list[Node] = []
    for label, norm in (("Phone", normalise_phone), ("Email", normalise_email)):
        try:
            key = norm(query)
        except ClueGraphError:
            continue
        if key:
            found += store.find(label, key=[key])
    return found


def _name_hit(node: Node, latin: str, vkey: str) -> Hit | None:
    name = _person_name(node)
    same_skeleton = bool(vkey) and variant_key(node.props.get("surname"), node.props.get("given_names")) == vkey
    score = max(name_similarity(latin, name), 0.97 if same_skeleton else 0.0)
    if score < MIN_NAME_SCORE:
        return None
    why = "same transliteration skeleton" if same_skeleton and score == 0.97 else f"name similarity {score:.2f}"
    return Hit(node.id, node.label, caption(node), _detail(node), round(score, 3), why, risk_of(node.props))


def probes(latin: str) -> list[str]:
    """Text searches that find a name and its spelling variants, every word in each (all must occur, so
    they stay selective): the first four letters of each word, and the second to fourth letters (where
    romanisations tend to agree: YURIY/IURII -> URI, ZHANG/CHANG -> HAN, DMITRIY/DMITRII -> MIT; short words
    whole).

    >>> probes("YURIY IVANOV"), probes("CHANG WEI")
    (['YURI IVAN', 'URI VAN'], ['CHAN WEI', 'HAN WEI'])
    """
    words = [w for w in latin.split() if len(w) >= 2]
    if not words:
        return []
    found = " ".join(dict.fromkeys(w[:4] for w in words))
    middle = " ".join(dict.fromkeys(w[1:4] if len(w) >= 4 else w for w in words))
    return [found] + ([middle] if middle != found else [])


def _text_hit(node: Node) -> Hit:
    return Hit(node.id, node.label, caption(node), _detail(node), 1.0, "text match", risk_of(node.props))


def _has_words(node: Node, words: list[str]) -> bool:
    """Whether every word occurs in the node's text properties (upper case, as typed or romanised)."""
    text = " ".join(str(v) for v in node.props.values() if isinstance(v, str)).upper()
    return all(w in text for w in words)


def search(store: GraphStore, query: str, *, limit: int = 30) -> list[Hit]:
    """The best matches for ``query``, best first (exact text matches, then people by name).

    A query with digits, ``@``, ``+`` or ``_`` is an identifier: looked up by key and by its text as typed
    (one scan). A name in Latin letters takes two selective probes (the first over every label, so entries
    and organisations named so are found too); a name in another script also its text as typed (native
    names). Example (on a store holding IVANOV IURII): ``search(store, "Юрий Иванов")`` and
    ``search(store, "Yuriy Ivanov")`` both find him (``tests/dashboard/test_pages.py``)."""
    query = " ".join(query.split())
    if not query:
        return []
    hits: dict[str, Hit] = {}

    def keep(hit: Hit | None) -> None:
        if hit and (hit.id not in hits or hits[hit.id].score < hit.score):
            hits[hit.id] = hit

    latin = "" if _IDENTIFIER.search(query) else _latin(query)
    if not latin or latin != query.upper():
        for node in [*_key_lookups(store, query), *store.find(text=query, limit=limit)]:
            keep(_text_hit(node))
    vkey, words = (variant_key(latin) if latin else ""), latin.split()
    for i, probe in enumerate(probes(latin)):
        for node in store.find(None if i == 0 else "Person", text=probe, limit=_PER_FIND):
            keep(
                _name_hit(node, latin, vkey)
                if node.label == "Person"
                else _text_hit(node)
                if _has_words(node, words)
                else None
            )
    return sorted(hits.values(), key=lambda h: (-h.score, -h.risk, h.caption))[:limit]
