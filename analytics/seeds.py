"""Seeds: the known risk that propagation starts from, found in the graph, each with its reason.

Six kinds, weighted by the run configuration (``seeds``, ``case_roles``, ``case_severity``):

- **watchlist**: a screening hit (``LISTED_AS`` Person -> WatchlistEntry, its ``score`` in 0..1 or 0..100);
  a hit on a name alone, with no birth date to compare (``birth_date`` verdict ``missing``), weighs
  ``watchlist_name_only`` as much: common names have many holders; a hit a reviewer ``DISMISSED`` is none;
- **case subject**: a person ``INVOLVED_IN`` a case, by role and the case's severity (``HIGH``/``MEDIUM``/
  ``LOW``, or a number on a 1-5 scale); roles the configuration does not name weigh 0.5;
- **flagged identifier**: a phone, e-mail or card a case subject uses, or that pays for or is the contact of
  a booking of a case subject, times its specificity (a hotel phone a suspect once gave is no lead) and, for
  one only on his bookings, times the share of its bookings that are case subjects' (an agency's phone on
  his booking and on twenty strangers' is the agency's);
- **document conflict** and **MRZ check failed** (``analytics.seed_documents``): one document held by
  people who cannot be one person; a document presented with a wrong MRZ check digit;
- **payer for many**: a card paying for bookings of ``payer_min_people`` or more people other than its
  holder, over ``payer_min_bookings`` or more bookings, with one contact phone on at least
  ``payer_min_contact_share`` of them (one payer and one phone behind many travellers: a masked card number
  shared by chance by unrelated people has each passenger's own phone), unless most of them share an
  employer (a corporate card), a surname (a family card: a parent's card paying for the family's trips,
  the family's own phone on every booking; on development seed 45102 such a card put a family member at
  rank 41 of the arrivals) or the bookings an agency (a tour group).

``find_seeds`` returns one row per (node, reason): ``id``, ``index`` (in the projection), ``kind``,
``weight``, ``reason`` (words), ``edges`` (the edge ids behind it) and ``sources`` (their source records,
where the store keeps them on the edge).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.explain import describe, role_text
from analytics.projection import Projection
from analytics.seed_documents import SEED_COLUMNS, _frame, document_conflict_seeds, mrz_seeds
from analytics.specificity import specificity
from graph.ids import edge_id, node_id
from graph.store import GraphStore, Node

UNKNOWN_ROLE_WEIGHT = 0.5


def _export(store: GraphStore, kind: str, *, edge: bool) -> pd.DataFrame:
    if kind not in (store.schema.edges if edge else store.schema.nodes):
        return pd.DataFrame()
    batches = store.export_edges(kind) if edge else store.export_nodes(kind)
    frames = [b.to_pandas() for b in batches]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _names(store: GraphStore, ids: Iterable[str]) -> dict[str, Node]:
    wanted = sorted(set(ids))
    found: dict[str, Node] = {}
    for i in range(0, len(wanted), 20_000):
        found.update({n.id: n for n in store.subgraph(wanted[i : i + 20_000]).nodes})
    return found


def severity_weight(value: Any, config: RunConfig) -> float:
    """The weight of a case severity: by name from the configuration, or a 1-5 number scaled to 0.2-1.

    >>> severity_weight("HIGH", RunConfig()), severity_weight(4, RunConfig()), severity_weight(None, RunConfig())
    (1.0, 0.8, 0.6)
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and not np.isnan(value):
        return float(min(max(value / 5.0, 0.0), 1.0))
    text = str(value).strip().upper() if value is not None else ""
    if text.replace(".", "", 1).isdigit():
        return severity_weight(float(text), config)
    return config.case_severity.get(text, config.case_severity.get("MEDIUM", 0.6))


def _sources(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple | np.ndarray) else [str(value)]


def _score(value: Any) -> float:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return 1.0
    if np.isnan(score):
        return 1.0
    return min(max(score / 100.0 if score > 1.0 else score, 0.0), 1.0)


def watchlist_seeds(store: GraphStore, proj: Projection, config: RunConfig) -> pd.DataFrame:
    """People with a screening hit, weighted by the hit's score; a hit a reviewer dismissed is no seed."""
    hits = _export(store, "LISTED_AS", edge=True)
    if "review_status" in hits.columns:
        hits = hits[hits["review_status"].fillna("OPEN").astype(str).str.upper() != "DISMISSED"]
    if hits.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    entries = _export(store, "WatchlistEntry", edge=False)
    entry_names = {node_id("WatchlistEntry", r["list"], r["entry_id"]): r for r in entries.to_dict("records")}
    people = _names(store, hits["src"])
    rows = []
    for hit in hits.to_dict("records"):
        entry = entry_names.get(hit["dst"], {})
        score = _score(hit.get("score"))
        what = f"{entry.get('list', '')} {entry.get('entry_id', hit['dst'])}".strip()
        reason = f"{describe(people.get(hit['src']), hit['src'])} matches watchlist entry {what} (score {score:.2f})"
        weight = config.seeds.watchlist * score
        if name_only(hit.get("reasons")):
            weight *= config.seeds.watchlist_name_only
            reason += ", on the name alone (no birth date to compare)"
        hit_id = edge_id("LISTED_AS", hit["src"], hit["dst"])
        rows.append([hit["src"], weight, reason, [hit_id], _sources(hit.get("sources"))])
    return _frame(proj, "watchlist", rows)


def name_only(reasons: Any) -> bool:
    """Whether a screening hit's reasons (JSON text or a list of ``{field, verdict}``) say the birth date
    could not be compared (``missing``): the hit rests on the name alone.

    >>> name_only('[{"field": "birth_date", "verdict": "missing"}]'), name_only([{"field": "name"}]), name_only(None)
    (True, False, False)
    """
    import json

    if isinstance(reasons, str):
        try:
            reasons = json.loads(reasons)
        except ValueError:
            return False
    if not isinstance(reasons, list | tuple | np.ndarray):
        return False
    return any(isinstance(r, dict) and r.get("field") == "birth_date" and r.get("verdict") == "missing"
               for r in reasons)


def _case_rows(store: GraphStore, config: RunConfig) -> pd.DataFrame:
    links = _export(store, "INVOLVED_IN", edge=True)
    if links.empty:
        return links
    cases = _export(store, "Case", edge=False)
    cases["dst"] = [node_id("Case", c) for c in cases["case_id"]]
    links = links.merge(cases[["dst", "case_id", *[c for c in ("case_type", "severity") if c in cases]]], on="dst")
    role_w = links["role"].map(lambda r: config.case_roles.get(str(r).upper(), UNKNOWN_ROLE_WEIGHT))
    sev = links["severity"] if "severity" in links else pd.Series([None] * len(links))
    links["w"] = role_w * sev.map(lambda s: severity_weight(s, config)).to_numpy()
    links["severity"] = sev.to_numpy()
    return links[links["w"] > 0].reset_index(drop=True)


def case_seeds(store: GraphStore, proj: Projection, config: RunConfig, links: pd.DataFrame) -> pd.DataFrame:
    """Case subjects, by role and case severity."""
    if links.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    from graph.ids import edge_id

    people = _names(store, links["src"])
    rows = []
    for link in links.to_dict("records"):
        kind = f"{link.get('case_type') or ''}, severity {link.get('severity')}".strip(", ")
        reason = (
            f"{describe(people.get(link['src']), link['src'])} is {role_text(link['role'])} "
            f"in case {link['case_id']} ({kind})"
        )
        eid = edge_id("INVOLVED_IN", link["src"], link["dst"], link["role"])
        rows.append([link["src"], config.seeds.case_subject * link["w"], reason, [eid], _sources(link.get("sources"))])
    return _frame(proj, "case_subject", rows)


def _subject_links(proj: Projection, subj_w: np.ndarray) -> pd.DataFrame:
    """(identifier, person, edge positions) for identifiers used by case subjects or on their bookings."""
    parts = []
    uses = proj.edges_of("USES")
    hit = uses[subj_w[proj.src[uses]] > 0]
    parts.append(pd.DataFrame({"ident": proj.dst[hit], "person": proj.src[hit], "e1": hit, "e2": -1}))
    booked = proj.edges_of("BOOKED")
    booked = booked[subj_w[proj.src[booked]] > 0]
    by_booking = pd.DataFrame({"booking": proj.dst[booked], "person": proj.src[booked], "e1": booked})
    for edge_type in ("PAID_BY", "CONTACT"):
        pos = proj.edges_of(edge_type)
        pay = pd.DataFrame({"booking": proj.src[pos], "ident": proj.dst[pos], "e2": pos})
        parts.append(by_booking.merge(pay, on="booking")[["ident", "person", "e1", "e2"]])
    return pd.concat(parts, ignore_index=True)


def _booking_share(found: pd.DataFrame, booked_idents: np.ndarray) -> np.ndarray:
    """Per row of ``_subject_links``: 1 for an identifier the subject uses; for one only on the subject's
    bookings (their card or contact), the share of the bookings it is on (``booked_idents``: the identifier
    of every card and contact link of a booking) that are case subjects' bookings. A phone a suspect uses is
    his; a phone on his booking and on twenty bookings of strangers is the booker's (an agency's switchboard,
    a hotel's desk), not his: an agency phone on one suspect's booking and twenty others seeded six benign
    travellers above a facilitator's travellers on a world of 100,000 people.

    >>> found = pd.DataFrame({"ident": [7, 8, 9], "e2": [0, 4, -1]})
    >>> _booking_share(found, np.array([7, 7, 7, 7, 8])).tolist()
    [0.25, 1.0, 1.0]
    """
    share = np.ones(len(found))
    on_booking = found["e2"].to_numpy() >= 0
    if not on_booking.any():
        return share
    ident = found["ident"].to_numpy()[on_booking]
    mine = found.loc[on_booking, ["ident", "e2"]].drop_duplicates().groupby("ident").size()
    total = pd.Series(booked_idents).value_counts()
    share[on_booking] = mine.reindex(ident).to_numpy() / total.reindex(ident).fillna(1).clip(lower=1).to_numpy()
    return np.minimum(share, 1.0)


def flagged_identifier_seeds(
    store: GraphStore, proj: Projection, config: RunConfig, links: pd.DataFrame, spec: np.ndarray
) -> pd.DataFrame:
    """Identifiers of case subjects (used, or on their bookings), weighted by the subject and specificity."""
    if links.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    subj = links.sort_values("w", ascending=False).drop_duplicates("src")
    idx = proj.index(list(subj["src"]))
    subj_w = np.zeros(proj.n_nodes)
    subj_w[idx] = subj["w"].to_numpy()
    found = _subject_links(proj, subj_w)
    if found.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    booked = proj.dst[np.concatenate([proj.edges_of("PAID_BY"), proj.edges_of("CONTACT")])]
    found["share"] = _booking_share(found, booked)
    found["w"] = config.seeds.flagged_identifier * subj_w[found["person"]] * spec[found["ident"]] * found["share"]
    found = found[found["w"] >= 1e-3].sort_values("w", ascending=False).drop_duplicates("ident")
    case_of = dict(zip(idx, subj.to_dict("records"), strict=True))
    ident_ids, person_ids = proj.ids(found["ident"].to_numpy()), proj.ids(found["person"].to_numpy())
    names = _names(store, ident_ids + person_ids)
    rows = []
    for rec, ident, person in zip(found.to_dict("records"), ident_ids, person_ids, strict=True):
        case = case_of[rec["person"]]
        how = "uses" if rec["e2"] < 0 else "booked with"
        if rec["share"] < 1.0:
            how += f" ({rec['share']:.0%} of the bookings it is on are case subjects')"
        reason = (
            f"{describe(names.get(ident), ident)}: {describe(names.get(person), person)}, {role_text(case['role'])} "
            f"in case {case['case_id']}, {how} it"
        )
        edges = proj.edge_ids([e for e in (rec["e1"], rec["e2"]) if e >= 0])
        rows.append([ident, float(rec["w"]), reason, edges, []])
    return _frame(proj, "flagged_identifier", rows)


def _payments(proj: Projection) -> pd.DataFrame:
    """(card, booking, person) for every passenger of every paid booking, the card's own holders left out."""
    paid, booked, uses = proj.edges_of("PAID_BY"), proj.edges_of("BOOKED"), proj.edges_of("USES")
    trips = pd.DataFrame({"card": proj.dst[paid], "b": proj.src[paid], "e": paid}).merge(
        pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]}), on="b"
    )
    holders = pd.DataFrame({"p": proj.src[uses], "card": proj.dst[uses], "holder": True})
    trips = trips.merge(holders, on=["card", "p"], how="left")
    return trips[trips["holder"].isna()].drop(columns="holder")


def _share(trips: pd.DataFrame, proj: Projection, edge_type: str, end: str) -> pd.Series:
    """Per card: the largest share of its passengers (``end`` "p") or bookings ("b") linked by ``edge_type``
    to one and the same node (a common employer, one agency)."""
    pos = proj.edges_of(edge_type)
    link = pd.DataFrame({end: proj.src[pos], "o": proj.dst[pos]}).drop_duplicates()
    items = trips[["card", end]].drop_duplicates()
    joined = items.merge(link, on=end)
    top = joined.groupby(["card", "o"])[end].nunique().groupby("card").max()
    return (top / items.groupby("card")[end].nunique()).fillna(0.0)


def _surname_share(store: GraphStore, proj: Projection, trips: pd.DataFrame) -> pd.Series:
    """Per card: the largest share of its passengers (people other than its holder) carrying one surname."""
    people = trips[["card", "p"]].drop_duplicates()
    ids = proj.ids(people["p"].to_numpy())
    found = _names(store, ids)
    surname = pd.Series([found[i].props.get("surname") if i in found else None for i in ids], index=people.index)
    named = people.assign(surname=surname).dropna(subset=["surname"])
    top = named.groupby(["card", "surname"])["p"].nunique().groupby("card").max()
    return (top / people.groupby("card")["p"].nunique()).fillna(0.0)


def payer_seeds(store: GraphStore, proj: Projection, config: RunConfig) -> pd.DataFrame:
    """Cards paying for bookings of several people who are not their holder, over several bookings, mostly
    with one contact (phone, e-mail or address), with no common employer (a corporate card), surname (a
    family) or agency (a tour) to explain it: one payer for many."""
    trips = _payments(proj)
    if trips.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    per = trips.groupby("card").agg(people=("p", "nunique"), bookings=("b", "nunique"))
    c = config.seeds
    per = per[(per["people"] >= c.payer_min_people) & (per["bookings"] >= c.payer_min_bookings)]
    trips = trips[trips["card"].isin(per.index)]
    per["employer"] = _share(trips, proj, "WORKS_FOR", "p").reindex(per.index).fillna(0.0)
    per["agency"] = _share(trips, proj, "VIA", "b").reindex(per.index).fillna(0.0)
    per["contact"] = _share(trips, proj, "CONTACT", "b").reindex(per.index).fillna(0.0)
    per["family"] = _surname_share(store, proj, trips).reindex(per.index).fillna(0.0)
    per = per[(per["employer"] < 0.5) & (per["agency"] < 0.5) & (per["family"] < 0.5)
              & (per["contact"] >= c.payer_min_contact_share)]
    ids = proj.ids(per.index.to_numpy())
    names = _names(store, ids)
    paid = trips.drop_duplicates("e").groupby("card")["e"].apply(lambda e: sorted(e)[:20])
    rows = []
    columns = (per.index.tolist(), per["bookings"].tolist(), per["people"].tolist(), per["contact"].tolist())
    for card, (at, bookings, people, contact) in zip(ids, zip(*columns, strict=True), strict=True):
        reason = (
            f"{describe(names.get(card), card)} paid for {bookings} bookings of {people} people other than "
            f"its holder, {contact:.0%} of them with one and the same contact, with no common employer, "
            "surname or agency to explain it"
        )
        edges = proj.edge_ids(paid[at])  # their sources are read only when a path shows them
        rows.append([card, c.payer_for_many * min(1.0, people / 5.0), reason, edges, []])
    return _frame(proj, "payer_for_many", rows)


def find_seeds(
    store: GraphStore, proj: Projection, config: RunConfig | None = None, *, spec: np.ndarray | None = None
) -> pd.DataFrame:
    """Every seed of the graph, one row per (node, reason), strongest first (see the module doc)."""
    config = config or RunConfig()
    spec = specificity(proj, config) if spec is None else spec
    links = _case_rows(store, config)
    parts = [
        watchlist_seeds(store, proj, config),
        case_seeds(store, proj, config, links),
        flagged_identifier_seeds(store, proj, config, links, spec),
        document_conflict_seeds(store, proj, config),
        mrz_seeds(store, proj, config),
        payer_seeds(store, proj, config),
    ]
    seeds = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(len(p) for p in parts) else None
    if seeds is None:
        return pd.DataFrame(columns=SEED_COLUMNS)
    return seeds.sort_values(["weight", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def seed_vector(seeds: pd.DataFrame, n_nodes: int) -> np.ndarray:
    """The restart distribution: each node's summed seed weight, normalised to sum 1 (zeros if no seed).

    >>> seed_vector(pd.DataFrame({"index": [0, 2, 2], "weight": [1.0, 0.5, 0.5]}), 3).tolist()
    [0.5, 0.0, 0.5]
    """
    vec = np.bincount(seeds["index"].to_numpy(dtype=np.int64), weights=seeds["weight"], minlength=n_nodes)
    total = vec.sum()
    return vec / total if total > 0 else vec
