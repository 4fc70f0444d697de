"""Screening against the graph store: read people and watchlist entries through the store contract, write
hits as ``LISTED_AS`` edges (Person -> WatchlistEntry) with ``score``, ``reasons`` (JSON text), ``method``,
``review_status`` and ``evidence_hash``.

A reviewer's verdict is respected: an edge whose ``review_status`` is ``DISMISSED`` (or ``CONFIRMED``) keeps
it on a re-screen as long as the evidence behind the hit (the matched fields of both records) is the same;
when the evidence changes the hit is opened again (``OPEN``) for a new review.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.features_frames import edge_frame, node_frame
from analytics.screening import ScreeningConfig, screen_names
from graph.ids import node_ids
from graph.store import GraphStore

OPEN = "OPEN"
#: Verdicts a reviewer records that survive a re-screen while the evidence stays the same.
KEPT = ("DISMISSED", "CONFIRMED")
#: Person properties screening reads (the first present of each list of names).
_PERSON_PROPS = {
    "surname": ("surname", "surname_norm"),
    "given_names": ("given_names", "given_names_norm"),
    "native_name": ("native_name",),
    "birth_date": ("birth_date",),
    "nationality": ("nationality",),
    "sex": ("sex",),
}


@dataclass
class ScreenReport:
    """What a store screening did: people and entries read, hits written, verdicts kept or reopened."""

    people: int = 0
    entries: int = 0
    hits: int = 0
    kept: int = 0
    reopened: int = 0
    by_list: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return dict(self.__dict__)


def _ids(frame: pd.DataFrame, store: GraphStore, label: str) -> pd.Series:
    key = store.schema.node(label).key
    cols = [pa.array(frame[k].astype(str).tolist()) for k in key]
    return pd.Series(node_ids(label, *cols).to_pylist(), index=frame.index)


def people_frame(store: GraphStore) -> pd.DataFrame:
    """Person nodes as screening candidates: ``id`` (node id), names, birth date, nationality and the
    numbers of the documents they hold (``HOLDS`` edges), ``;``-separated."""
    nodes = node_frame(store, "Person")
    if nodes.empty:
        return pd.DataFrame(columns=["id", *_PERSON_PROPS, "doc_number"])
    out = pd.DataFrame({"id": _ids(nodes, store, "Person")})
    for col, names in _PERSON_PROPS.items():
        present = [n for n in names if n in nodes.columns]
        out[col] = nodes[present[0]] if present else None
    out["doc_number"] = out["id"].map(_held_numbers(store)).astype(object)
    return out


def _held_numbers(store: GraphStore) -> pd.Series:
    holds = edge_frame(store, "HOLDS", ["src", "dst"])
    docs = node_frame(store, "Document")
    if holds.empty or docs.empty:
        return pd.Series(dtype=object)
    docs = pd.DataFrame({"dst": _ids(docs, store, "Document"), "number": docs["number"].astype(str)})
    joined = holds.merge(docs, on="dst")[["src", "number"]].drop_duplicates()
    con = duckdb.connect()  # an in-memory engine over our own frame: one string_agg, not a lambda per person
    try:
        con.register("j", joined)
        agg = con.sql("SELECT src, string_agg(number, ';' ORDER BY number) AS numbers FROM j GROUP BY src").df()
    finally:
        con.close()
    return agg.set_index("src")["numbers"]


def entries_frame(store: GraphStore) -> pd.DataFrame:
    """WatchlistEntry nodes: ``id`` (node id), ``list``, ``entry_id`` and the fields screening compares."""
    nodes = node_frame(store, "WatchlistEntry")
    if nodes.empty:
        return pd.DataFrame(columns=["id", "list", "entry_id", *_PERSON_PROPS, "doc_number"])
    out = pd.DataFrame({"id": _ids(nodes, store, "WatchlistEntry")})
    for col in ("list", "entry_id", *_PERSON_PROPS, "doc_number"):
        out[col] = nodes[col] if col in nodes.columns else None
    return out


def existing_hits(store: GraphStore) -> pd.DataFrame:
    """The ``LISTED_AS`` edges already in the store: ``src, dst, review_status, evidence_hash``."""
    return edge_frame(store, "LISTED_AS", ["src", "dst", "review_status", "evidence_hash"])


def screen_store(store: GraphStore, *, config: ScreeningConfig | None = None,
                 persons: Collection[str] | None = None) -> ScreenReport:
    """Screen every Person (or only ``persons``, node ids) against every WatchlistEntry and write the hits
    (see the module doc).

    >>> from graph.store import open_store
    >>> with open_store(":memory:") as st:
    ...     with st.writer() as w:
    ...         _ = w.upsert_nodes("Person", pd.DataFrame({"person_key": ["p1"], "surname": ["IVANOV"],
    ...                 "given_names": ["YURIY"], "birth_date": ["1970-02-03"], "nationality": ["RUS"]}))
    ...         _ = w.upsert_nodes("WatchlistEntry", pd.DataFrame({"list": ["NATIONAL"], "entry_id": ["W1"],
    ...                 "surname": ["IVANOV"], "given_names": ["IURII"], "birth_date": ["1970-02-00"]}))
    ...     screen_store(st).hits
    1
    """
    config = config or ScreeningConfig()
    everyone, entries = people_frame(store), entries_frame(store)
    people = everyone
    if persons is not None:  # only these people (a batch run's travellers); the others keep their hits
        people = everyone[everyone["id"].isin(set(persons))]
    hits = screen_names(people, entries, config=config)
    if persons is not None and config.share_namesakes and not hits.empty:
        hits = with_namesakes_outside(hits, people, everyone, entries, config)
    report = ScreenReport(people=len(people), entries=len(entries), hits=len(hits))
    if hits.empty:
        return report
    rows = _with_review_status(hits, existing_hits(store), report)
    report.by_list = {str(k): int(v) for k, v in hits["list"].value_counts().items()}
    with store.writer() as w:
        w.upsert_edges("LISTED_AS", rows)
    return report


def with_namesakes_outside(hits: pd.DataFrame, people: pd.DataFrame, everyone: pd.DataFrame,
                           entries: pd.DataFrame, config: ScreeningConfig) -> pd.DataFrame:
    """Hits of a part of the people (``people``, a batch run's travellers) as a whole screening would give
    them: people outside the part with the same name (Latin in either order, or native) are screened with
    the hit people against the hit entries, so a hit an entry cannot tell from a namesake's is shared the
    same way (``share_namesakes``) whoever travels this week."""
    hit_people = people[people["id"].isin(set(hits["person_id"]))]
    wanted = set(_raw_names(hit_people).stack()) - {""}
    raw = _raw_names(everyone)
    same = raw.isin(wanted).any(axis=1) & ~everyone["id"].isin(set(people["id"]))
    if not same.any():
        return hits
    again = screen_names(pd.concat([hit_people, everyone[same]], ignore_index=True),
                         entries[entries["id"].isin(set(hits["entry_id"]))], config=config)
    return again[again["person_id"].isin(set(hit_people["id"]))].reset_index(drop=True)


def _raw_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Upper-case ``SURNAME|GIVEN``, ``GIVEN|SURNAME`` and the native name without spaces (``""`` if none)."""
    def text(col: str) -> pd.Series:
        return frame[col].fillna("").astype(str).str.upper().str.strip()

    sur, giv = text("surname"), text("given_names")
    return pd.DataFrame({"a": (sur + "|" + giv).where((sur + giv) != "", ""),
                         "b": (giv + "|" + sur).where((sur + giv) != "", ""),
                         "n": text("native_name").str.replace(r"\s+", "", regex=True)})


def _with_review_status(hits: pd.DataFrame, old: pd.DataFrame, report: ScreenReport) -> pd.DataFrame:
    rows = pd.DataFrame({
        "src": hits["person_id"], "dst": hits["entry_id"], "score": hits["score"], "reasons": hits["reasons"],
        "method": hits["method"], "list": hits["list"], "threshold": hits["threshold"],
        "evidence_hash": hits["evidence_hash"], "confidence": hits["score"],
    })
    merged = rows.merge(old.rename(columns={"evidence_hash": "old_hash"}), on=["src", "dst"], how="left")
    reviewed = merged["review_status"].isin(KEPT)
    same = merged["old_hash"] == merged["evidence_hash"]
    merged["review_status"] = merged["review_status"].where(reviewed & same, OPEN)
    report.kept = int((reviewed & same).sum())
    report.reopened = int((reviewed & ~same).sum())
    return merged.drop(columns=["old_hash"])
