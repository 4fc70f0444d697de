"""The traveller-event feature table that targeting rules and the risk model read.

One row per travel event: every crossing (with its recorded inspection outcome) and every booking
passenger that no crossing of the same person on the same voyage accounts for yet (an advance record,
outcome unknown). Columns are the names in ``FEATURES``; rules may name only those (the lint checks).
Built from the store contract (``node_table``-style frames of Person, Crossing, Document, Booking and the
MADE / USED / ON / BOOKED edges) with whole-column pandas operations, no loop over events.

Booking properties are read under the names the ingest pipeline and the PNR reader give them
(``created_at`` or ``created``, ``segment_count``; ``payment_type``, ``payment_forms`` or ``payments`` as a
list of ``{type: CC|CA|...}`` when stored); the form of payment otherwise comes from the ``form`` of the
booking's ``PAID_BY`` edges (CA cash, CC card), the departure time and the origin port from its Voyage
(``dep_time`` or ``date``, ``dep_port``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.features_frames import edge_frame, node_frame
from graph.ids import format_id, parse_id
from graph.store import GraphStore

#: Outcomes that count as an adverse inspection result (a "positive" for precision and the model).
ADVERSE = ("SECONDARY", "REFUSED", "DETAINED")
REFUSALS = ("REFUSED", "DETAINED")


@dataclass(frozen=True)
class Feature:
    """One column of the event table: its kind (``bool``, ``number``, ``text``, ``list``) and meaning."""

    kind: str
    description: str


FEATURES: dict[str, Feature] = {
    "event_kind": Feature("text", "CROSSING or BOOKING"),
    "direction": Feature("text", "IN or OUT (crossings)"),
    "mode": Feature("text", "AIR, SEA or LAND"),
    "port": Feature("text", "port of the crossing (IATA or UN/LOCODE)"),
    "doc_type": Feature("text", "ICAO 9303 document code presented"),
    "nationality": Feature("text", "the traveller's nationality (never enough on its own: see rules_lint)"),
    "one_way": Feature("bool", "the booking has no return segment"),
    "payment_type": Feature("text", "CASH, CARD or OTHER (booking form of payment)"),
    "booking_lead_hours": Feature("number", "hours from booking creation to departure"),
    "route": Feature("list", "ports of the booking's itinerary (origin and stops)"),
    "mrz_check_failed": Feature("bool", "a check digit of the presented MRZ is wrong"),
    "doc_reported_lost": Feature("bool", "the document is reported lost or stolen"),
    "doc_holders": Feature("number", "how many people presented this document"),
    "prior_refusals": Feature("number", "the traveller's earlier crossings refused or detained"),
    "prior_inspections": Feature("number", "the traveller's earlier crossings with an adverse outcome"),
    "prior_crossings": Feature("number", "the traveller's earlier crossings"),
}
#: Columns every event table has besides the features.
BASE = ["event_id", "person_id", "event_time", "outcome"]


def build_features(store: GraphStore, *, persons: Collection[str] | None = None,
                   people: pd.DataFrame | None = None) -> pd.DataFrame:
    """The event table of everything in the store (see the module doc), or only of the events of ``persons``
    (node ids; then ``doc_holders`` counts holders among those people only). ``people``: the Person frame
    (``node_frame``), when the caller has read it already.

    For ``persons``, the links come from the store's edge list (numbers, no properties) cut down to their
    events first, and only the nodes those events reach are turned into frames: a batch run asks for
    100,000 travellers of a 1,000,000-person graph."""
    if persons is not None:
        return _build_for(store, set(persons), people)
    frames = {lab: node_frame(store, lab) for lab in ("Crossing", "Document", "Booking", "Voyage")}
    frames["Person"] = people if people is not None else node_frame(store, "Person")
    links = {t: edge_frame(store, t, ["src", "dst"]) for t in ("MADE", "USED", "ON", "BOOKED")}
    links["PAID_BY"] = edge_frame(store, "PAID_BY", ["src", "dst", "form"])
    return assemble(frames, links)


_LINK_LABELS = {"MADE": "Crossing", "BOOKED": "Booking", "USED": "Document", "ON": "Voyage"}


def _build_for(store: GraphStore, persons: set[str], people: pd.DataFrame | None) -> pd.DataFrame:
    links = _links_of(store, persons)
    keep = {lab: set(links[t]["dst"]) for t, lab in _LINK_LABELS.items()}
    frames = {lab: node_frame(store, lab, ids=ids) if ids else pd.DataFrame(columns=["id", "first_seen", "last_seen"])
              for lab, ids in keep.items()}
    if people is None:
        frames["Person"] = node_frame(store, "Person", ids=persons, columns=["nationality"])
    else:
        frames["Person"] = people[people["id"].isin(persons)]
    paid = links.pop("PAID_BY_ENDS")
    links["PAID_BY"] = pd.DataFrame(columns=["src", "dst", "form"])
    if len(paid):
        every = edge_frame(store, "PAID_BY", ["src", "dst", "form"])
        links["PAID_BY"] = every[every["src"].isin(keep["Booking"] | keep["Crossing"])]
    return assemble(frames, links)


def _links_of(store: GraphStore, persons: set[str]) -> dict[str, pd.DataFrame]:
    """MADE and BOOKED edges of ``persons``, USED, ON (and PAID_BY's ends) of their events, as ``src``/``dst``
    id frames in the order ``edge_frame`` gives (by edge number), from the store's edge list."""
    types = [*_LINK_LABELS, "PAID_BY"]
    el = store.edge_list(types, columns=["src", "dst", "src_label", "dst_label", "type", "eid"]).to_pandas()
    el = el.sort_values(["type", "eid"], kind="stable")
    who = np.array([parse_id(p)[1] for p in persons], dtype=np.int64)
    mine = el["type"].isin(["MADE", "BOOKED"]) & el["src"].isin(who)
    events = el.loc[mine, "dst"].unique()
    theirs = el["type"].isin(["USED", "ON", "PAID_BY"]) & el["src"].isin(events)
    cut = el[mine | theirs]
    src = _spell(cut["src_label"], cut["src"])
    dst = _spell(cut["dst_label"], cut["dst"])
    out = {}
    for t in types:
        rows = (cut["type"] == t).to_numpy()
        out["PAID_BY_ENDS" if t == "PAID_BY" else t] = pd.DataFrame({"src": src[rows], "dst": dst[rows]})
    return out


def _spell(labels: pd.Series, numbers: pd.Series) -> np.ndarray:
    """Node ids from labels and numbers (``graph.ids.format_id``), as an object array."""
    return np.array([format_id(lab, n) for lab, n in zip(labels.tolist(), numbers.tolist(), strict=True)],
                    dtype=object)


def assemble(frames: dict[str, pd.DataFrame], links: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The event table from node frames (``id`` + properties) and edge frames (``src``, ``dst``)."""
    crossings = _crossings(frames["Crossing"], links, frames["Document"])
    bookings = _bookings(frames["Booking"], links, frames.get("Voyage", pd.DataFrame()))
    on_c = links["ON"].rename(columns={"src": "event_id", "dst": "voyage"})
    crossings = crossings.merge(on_c, on="event_id", how="left")
    matched = crossings.merge(bookings, on=["person_id", "voyage"], how="left", suffixes=("", "_b"))
    matched = matched.drop_duplicates("event_id")
    seen = set(zip(crossings["person_id"], crossings["voyage"], strict=True))
    advance = bookings[np.array([(p, v) not in seen for p, v in zip(bookings["person_id"], bookings["voyage"],
                                                                    strict=True)], dtype=bool)]
    advance = advance.assign(event_id=advance["booking_id"] + "/" + advance["person_id"], event_kind="BOOKING",
                             event_time=advance["departure"], outcome=None)
    events = pd.concat([matched.assign(event_kind="CROSSING"), advance], ignore_index=True)
    events = _history(events)
    persons = frames["Person"]
    nat = persons.set_index("id")["nationality"] if "nationality" in persons.columns else pd.Series(dtype=object)
    events["nationality"] = events["person_id"].map(nat)
    for name, feat in FEATURES.items():
        if name not in events.columns:
            events[name] = None
        if feat.kind == "bool":
            events[name] = events[name].astype("boolean")
        elif feat.kind == "number":
            events[name] = pd.to_numeric(events[name], errors="coerce")
    cols = BASE + list(FEATURES)
    return events[cols].sort_values(["event_time", "event_id"], ignore_index=True)


def _col(frame: pd.DataFrame, *names: str) -> pd.Series:
    for n in names:
        if n in frame.columns:
            return frame[n]
    return pd.Series(None, index=frame.index, dtype=object)


def _crossings(cr: pd.DataFrame, links: dict[str, pd.DataFrame], docs: pd.DataFrame) -> pd.DataFrame:
    made = links["MADE"].rename(columns={"src": "person_id", "dst": "event_id"})
    used = links["USED"].rename(columns={"src": "event_id", "dst": "doc"})
    out = pd.DataFrame({
        "event_id": cr.get("id", pd.Series(dtype=object)),
        "event_time": pd.to_datetime(_col(cr, "crossing_time_utc", "crossing_time"), utc=True, errors="coerce"),
        "outcome": _col(cr, "outcome"), "direction": _col(cr, "direction"), "mode": _col(cr, "mode"),
        "port": _col(cr, "port"), "doc_type": _col(cr, "doc_type"),
        "mrz_check_failed": _col(cr, "mrz_checks_ok").map({True: False, False: True}),
    })
    out = out.merge(made, on="event_id", how="left").merge(used, on="event_id", how="left")
    holders = out.groupby("doc")["person_id"].nunique()
    out["doc_holders"] = out["doc"].map(holders)
    status = _col(docs, "status", "doc_status").astype(str).str.upper().isin(["LOST", "STOLEN", "LOST_STOLEN"])
    lost = status | (_col(docs, "reported_lost").astype(object) == True).to_numpy()  # noqa: E712
    lost_by_doc = pd.Series(lost.to_numpy(dtype=bool), index=_col(docs, "id"))
    out["doc_reported_lost"] = out["doc"].map(lost_by_doc).astype("boolean").fillna(False)
    return out.drop(columns=["doc"]).drop_duplicates("event_id")


def _bookings(bk: pd.DataFrame, links: dict[str, pd.DataFrame], voyages: pd.DataFrame) -> pd.DataFrame:
    on_b = links["ON"].rename(columns={"src": "booking_id", "dst": "voyage"})
    booked = links["BOOKED"].rename(columns={"src": "person_id", "dst": "booking_id"})
    voy = on_b.drop_duplicates("booking_id").set_index("booking_id")["voyage"].reindex(_col(bk, "id"))
    vframe = voyages.set_index("id") if "id" in voyages.columns else pd.DataFrame()
    v_dep = _col(vframe, "dep_time", "date").reindex(voy.to_numpy()).to_numpy()
    v_port = _col(vframe, "dep_port").reindex(voy.to_numpy()).to_numpy()
    created = pd.to_datetime(_col(bk, "created_at", "created"), utc=True, errors="coerce", format="mixed")
    departure = pd.to_datetime(_col(bk, "departure", "dep_time").fillna(pd.Series(v_dep, index=bk.index)),
                               utc=True, errors="coerce", format="mixed")
    one_way = _col(bk, "one_way")
    if one_way.isna().all():
        one_way = pd.to_numeric(_col(bk, "segment_count"), errors="coerce").map(lambda n: None if pd.isna(n)
                                                                               else bool(n <= 1))
    frame = pd.DataFrame({
        "booking_id": _col(bk, "id"), "departure": departure, "one_way": one_way,
        "booking_lead_hours": (departure - created).dt.total_seconds() / 3600.0,
        "payment_type": _payment_types(bk, links.get("PAID_BY")), "route": _routes(bk, v_port),
    })
    return frame.merge(booked, on="booking_id").merge(on_b, on="booking_id", how="left")


_FORMS = {"CA": "CASH", "CASH": "CASH", "CC": "CARD", "CARD": "CARD"}


def _payment_types(bk: pd.DataFrame, paid: pd.DataFrame | None) -> pd.Series:
    """CASH, CARD, OTHER or None per booking: a stored ``payment_type``, else the ``payment_forms`` or
    ``payments`` property, else the forms on the booking's PAID_BY edges."""
    direct = _col(bk, "payment_type").astype(object)
    forms = _col(bk, "payment_forms").map(lambda f: None if f is None or isinstance(f, float)
                                          else _worst([f] if isinstance(f, str) else list(f)))
    listed = _col(bk, "payments").map(_from_payments)
    out = direct.where(direct.notna(), forms)
    out = out.where(out.notna(), listed)
    if paid is not None and len(paid) and "form" in paid.columns:
        by_booking = paid.groupby("src")["form"].agg(_worst_of)
        out = out.where(out.notna(), _col(bk, "id").map(by_booking))
    return out.astype(object)


def _worst_of(forms: pd.Series) -> str | None:
    return _worst(list(forms))


def _from_payments(v: Any) -> str | None:
    items = json.loads(v) if isinstance(v, str) else v
    if not isinstance(items, list):
        return None
    return _worst([i.get("type") for i in items if isinstance(i, dict)])


def _worst(forms: list[Any]) -> str | None:
    """CASH if any part was paid in cash, else CARD, OTHER or None."""
    kinds = [_FORMS.get(str(f).upper(), "OTHER") for f in forms if isinstance(f, str) and f]
    return "CASH" if "CASH" in kinds else (kinds[0] if kinds else None)


def _routes(bk: pd.DataFrame, voyage_ports: np.ndarray) -> pd.Series:
    route = _col(bk, "route")
    if route.notna().any():
        return route.map(lambda r: list(json.loads(r)) if isinstance(r, str) else list(r or [])).astype(object)
    dep = _col(bk, "push_dep_port").fillna(pd.Series(voyage_ports, index=bk.index))
    return dep.map(lambda p: [p] if isinstance(p, str) and p else []).astype(object)


def _history(events: pd.DataFrame) -> pd.DataFrame:
    """Per event, the traveller's earlier crossings, inspections and refusals (strictly before it)."""
    ev = events.sort_values(["person_id", "event_time", "event_id"], kind="stable")
    is_cross = (ev["event_kind"] == "CROSSING").astype(np.int64)
    adverse = ev["outcome"].isin(ADVERSE).astype(np.int64)
    refused = ev["outcome"].isin(REFUSALS).astype(np.int64)
    g = ev["person_id"].fillna("")
    for name, flag in (("prior_crossings", is_cross), ("prior_inspections", adverse), ("prior_refusals", refused)):
        ev[name] = flag.groupby(g).cumsum() - flag
    return ev


#: Node labels that identify someone (a shared one links people).
IDENTIFIERS = ("Phone", "Email", "PaymentInstrument", "Address", "Document", "Vehicle")


#: Per-person counts of these edge types, as graph features.
_TYPED = {"watchlist_hits": "LISTED_AS", "case_links": "INVOLVED_IN", "possible_duplicates": "POSSIBLY_SAME_AS"}


def person_graph_features(store: GraphStore) -> pd.DataFrame:
    """Per person (index: node id): ``degree`` (edges touching the person), ``shared_identifiers`` (linked
    phones, e-mails, cards, addresses, documents, vehicles that another person links to as well),
    ``watchlist_hits``, ``case_links``, ``possible_duplicates`` (LISTED_AS, INVOLVED_IN, POSSIBLY_SAME_AS
    edges) and ``risk_score`` when propagation has written one. From ``edge_list`` (Arrow), vectorised."""
    edges = store.edge_list(columns=["src", "dst", "src_label", "dst_label", "type"]).to_pandas()
    cols = ["p", "o", "ol", "type"]
    ends = pd.concat([
        edges.loc[edges["src_label"] == "Person", ["src", "dst", "dst_label", "type"]].set_axis(cols, axis=1),
        edges.loc[edges["dst_label"] == "Person", ["dst", "src", "src_label", "type"]].set_axis(cols, axis=1),
    ], ignore_index=True)
    degree = ends.groupby("p").size()
    ident = ends[ends["ol"].isin(IDENTIFIERS)].drop_duplicates(["p", "o"])
    holders = ident.groupby("o")["p"].transform("size")
    shared = ident[holders >= 2].groupby("p").size()
    typed = {name: ends[ends["type"] == t].groupby("p").size() for name, t in _TYPED.items()}
    out = pd.DataFrame({"degree": degree, "shared_identifiers": shared, **typed}).fillna(0)
    out.index = [f"Person:{int(n):016x}" for n in out.index]
    persons = node_frame(store, "Person")
    if "risk_score" in persons.columns:
        out["risk_score"] = persons.set_index("id")["risk_score"].reindex(out.index)
    return out
