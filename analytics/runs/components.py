"""The parts of a traveller's score in a batch run, each a frame indexed by person id with ``score`` (0..1)
and ``reasons`` (a list of dicts with ``text``): screening hits, propagated graph risk, targeting-rule hits
on the traveller's advance records in the window, and the risk model's calibrated score. Each reads the
store through the analytics that own the part; nothing here decides how the parts combine."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics.features_frames import edge_frame, node_frame
from analytics.projection import Projection
from analytics.propagate import Propagation
from analytics.rules import Rule, apply_rules
from analytics.runs.combine import PLACES
from graph.ids import parse_id
from graph.store import GraphStore

PART_COLUMNS = ["score", "reasons"]


def _empty(persons: Sequence[str]) -> pd.DataFrame:
    return _part(persons, np.zeros(len(persons)), [[] for _ in persons])


def _part(persons: Sequence[str], score: np.ndarray, reasons: list[list[dict[str, Any]]]) -> pd.DataFrame:
    """A part frame from whole columns (no cell-by-cell writes: a run has 100,000 travellers)."""
    col = np.empty(len(reasons), dtype=object)
    col[:] = reasons
    return pd.DataFrame({"score": np.asarray(score, dtype=float), "reasons": col}, index=pd.Index(persons))


def _from_dicts(persons: Sequence[str], score: dict[str, float],
                reasons: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """A part frame from the scores and reasons of the persons that have some (0 and none for the rest)."""
    persons = list(persons)
    return _part(persons, np.array([score.get(p, 0.0) for p in persons], dtype=float),
                 [reasons.get(p, []) for p in persons])


def screening_part(store: GraphStore, persons: Sequence[str]) -> pd.DataFrame:
    """The best open or confirmed watchlist hit of each person (a hit a reviewer dismissed is left out)."""
    hits = edge_frame(store, "LISTED_AS", ["src", "dst", "score", "list", "review_status"])
    hits = hits[hits["src"].isin(set(persons)) & (hits["review_status"].fillna("OPEN") != "DISMISSED")]
    if hits.empty:
        return _empty(persons)
    entries = node_frame(store, "WatchlistEntry").set_index("id")
    hits = hits.assign(score=pd.to_numeric(hits["score"], errors="coerce").fillna(0.0))
    hits = hits.sort_values(["src", "score", "dst"], ascending=[True, False, True])
    score: dict[str, float] = {}
    reasons: dict[str, list[dict[str, Any]]] = {}
    for person, group in hits.groupby("src", sort=True):
        got = reasons.setdefault(str(person), [])
        for _, h in group.iterrows():
            e = entries.loc[h["dst"]] if h["dst"] in entries.index else pd.Series(dtype=object)
            got.append({"text": f"watchlist {h['list']} entry {e.get('entry_id', h['dst'])} "
                                f"({e.get('reason', 'no reason given')}), match score {h['score']:.2f}",
                        "entry": h["dst"], "review_status": h["review_status"] or "OPEN"})
        score[str(person)] = round(float(group["score"].max()), PLACES)
    return _from_dicts(persons, score, reasons)


def graph_part(result: Propagation, persons: Sequence[str], *, quantile: float) -> pd.DataFrame:
    """Propagated risk scaled so the person at ``quantile`` of everyone's risk gets 0.5 (``r / (r + q)``),
    with the seed reasons and the links most of the risk came through."""
    proj = result.proj
    mask = proj.mask("Person")
    all_raw = result.scores[mask]
    scale = float(np.quantile(all_raw, quantile)) if len(all_raw) else 0.0
    scale = scale if scale > 0 else float(all_raw[all_raw > 0].min(initial=1.0))
    persons = list(persons)
    at = _positions(proj, persons)
    found = at >= 0
    if not found.any():
        return _empty(persons)
    idx = at[found]
    raw = result.scores[idx]
    score = np.zeros(len(persons))
    score[found] = np.round(raw / (raw + scale), PLACES)
    seeds = result.seeds.groupby("index")["reason"].apply(list).to_dict() if len(result.seeds) else {}
    via = result.contributions(idx)
    via_ids = proj.ids(via["via"].to_numpy())
    links: dict[int, list[dict[str, Any]]] = {}
    for row, vid, share in zip(via["row"].tolist(), via_ids, via["share"].tolist(), strict=True):
        links.setdefault(row, []).append({"text": f"risk through {vid} ({share:.0%})", "via": vid})
    reasons: list[list[dict[str, Any]]] = [[] for _ in persons]
    top = f"{1 - quantile:.1%}"
    for row, (pos, i) in enumerate(zip(np.flatnonzero(found).tolist(), idx.tolist(), strict=True)):
        got = [{"text": f"known risk: {r}"} for r in seeds.get(i, [])]
        if score[pos] > 0:
            got.append({"text": f"graph risk {score[pos]:.2f} (0.5 = the top {top})"})
        reasons[pos] = got + links.get(row, [])
    return _part(persons, score, reasons)


def _positions(proj: Projection, persons: Sequence[str]) -> np.ndarray:
    """Each person's index in the projection, -1 for one it does not hold as a person (in bulk)."""
    numbers = np.array([parse_id(p)[1] for p in persons], dtype=np.int64)
    people = np.flatnonzero(proj.mask("Person"))
    order = np.argsort(proj.nids[people], kind="stable")
    sorted_nids = proj.nids[people][order]
    pos = np.minimum(np.searchsorted(sorted_nids, numbers), max(len(sorted_nids) - 1, 0))
    hit = (sorted_nids[pos] == numbers) if len(sorted_nids) else np.zeros(len(numbers), dtype=bool)
    return np.where(hit, people[order][pos] if len(sorted_nids) else -1, -1)


def window_events(events: pd.DataFrame, persons: Sequence[str], start: date, end: date) -> pd.DataFrame:
    """The advance events (bookings) of ``persons`` whose time falls in ``[start, end]``."""
    day = pd.to_datetime(events["event_time"], utc=True, errors="coerce").dt.tz_convert(None).dt.normalize()
    keep = events["person_id"].isin(set(persons)) & (events["event_kind"] == "BOOKING")
    return events[keep & (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))]


def rules_part(events: pd.DataFrame, rules: list[Rule], persons: Sequence[str],
               severity: dict[str, float]) -> pd.DataFrame:
    """Each person's rule hits on ``events`` (their advance records in the window): the score of the most
    severe rule hit, every hit named with its version and description."""
    if events.empty or not rules:
        return _empty(persons)
    hits = apply_rules(events, rules)
    by_id = {r.id: r for r in rules}
    score: dict[str, float] = {}
    reasons: dict[str, list[dict[str, Any]]] = {}
    who = events["person_id"].to_numpy()
    for rid in sorted(hits.columns):
        rule = by_id[rid]
        weight = severity.get(rule.severity, 0.0)
        reason = {"text": f"rule {rule.id} v{rule.version} ({rule.severity}): {rule.description}", "rule": rule.id}
        for person in sorted(set(who[hits[rid].to_numpy(dtype=bool)])):
            score[person] = max(score.get(person, 0.0), weight)
            reasons.setdefault(person, []).append(dict(reason))
    return _from_dicts(persons, score, reasons)


def model_part(scored: pd.DataFrame, events: pd.DataFrame, persons: Sequence[str], version: str) -> pd.DataFrame:
    """The model's highest calibrated score over each person's events (``scored`` from ``analytics.model.score``
    on ``events``), with the contributions behind it."""
    if scored.empty:
        return _empty(persons)
    frame = scored.assign(person_id=events["person_id"]).sort_values(["person_id", "score"],
                                                                      ascending=[True, False])
    score: dict[str, float] = {}
    reasons: dict[str, list[dict[str, Any]]] = {}
    for person, row in frame.groupby("person_id", sort=True).head(1).set_index("person_id").iterrows():
        contribs = json.loads(row["reasons"])
        words = ", ".join(f"{c['feature']} {c['contribution']:+.2f}" for c in contribs[:3])
        score[str(person)] = round(float(row["score"]), PLACES)
        reasons[str(person)] = [{"text": f"model {version}: {row['score']:.2f} ({words})", "contributions": contribs}]
    return _from_dicts(persons, score, reasons)
