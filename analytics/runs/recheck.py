"""``recheck``: when new intelligence arrives (watchlist entries, cases, the identifiers their subjects use),
look back over everything already held: re-screen every person against the watchlists, find the subjects of
the new cases, and list each such person's historical crossings and pending advance records as retro hits.
People who merely share a specific identifier with a new subject are listed apart (``related.csv``), as leads,
not hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.config import RunConfig
from analytics.features_frames import edge_frame, node_frame
from analytics.runs.outputs import sha256_file, write_json
from analytics.screening_store import screen_store
from graph.store import GraphStore

HIT_COLUMNS = ["person_id", "surname", "given_names", "intel_kind", "intel_id", "reason", "record_kind",
               "record_id", "time", "port", "direction", "outcome"]
RELATED_COLUMNS = ["person_id", "surname", "given_names", "identifier", "users", "subject_id", "case_id"]


@dataclass
class RecheckResult:
    """What a re-check found: the date it looked from, the new intelligence, retro hits and related people."""

    since: date
    intel: pd.DataFrame
    hits: pd.DataFrame
    related: pd.DataFrame
    counts: dict[str, Any] = field(default_factory=dict)


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype(str).str[:10], errors="coerce").dt.date


def latest_intel_day(store: GraphStore) -> date | None:
    """The newest day of any case or watchlist entry (the default ``since``)."""
    days = [_day(node_frame(store, lab)["first_seen"]).dropna() for lab in ("Case", "WatchlistEntry")]
    found = [d.max() for d in days if len(d)]
    return max(found) if found else None


def new_intelligence(store: GraphStore, since: date, config: RunConfig) -> pd.DataFrame:
    """Persons that new intelligence names: ``person_id, intel_kind, intel_id, reason``."""
    rows: list[dict[str, Any]] = []
    cases = node_frame(store, "Case")
    if len(cases):
        new_cases = cases[_day(cases["first_seen"]) >= since].set_index("id")
        inv = edge_frame(store, "INVOLVED_IN", ["src", "dst", "role"])
        inv = inv[inv["dst"].isin(new_cases.index)]
        for _, e in inv.sort_values(["dst", "src"]).iterrows():
            if config.case_roles.get(str(e["role"]).upper(), 0.5) <= 0:
                continue
            c = new_cases.loc[e["dst"]]
            rows.append({"person_id": e["src"], "intel_kind": "CASE_SUBJECT", "intel_id": c["case_id"],
                         "reason": f"{e['role']} in {c.get('case_type', '')} case {c['case_id']} opened {c['opened']}"})
    entries = node_frame(store, "WatchlistEntry")
    if len(entries):
        new_entries = entries[_day(entries["first_seen"]) >= since].set_index("id")
        hits = edge_frame(store, "LISTED_AS", ["src", "dst", "score", "review_status"])
        hits = hits[hits["dst"].isin(new_entries.index) & (hits["review_status"].fillna("OPEN") != "DISMISSED")]
        for _, h in hits.sort_values(["dst", "src"]).iterrows():
            w = new_entries.loc[h["dst"]]
            rows.append({"person_id": h["src"], "intel_kind": "WATCHLIST", "intel_id": w["entry_id"],
                         "reason": f"matches {w['list']} entry {w['entry_id']} listed {w.get('listed_on', '')} "
                                   f"(score {float(h['score']):.2f})"})
    return pd.DataFrame(rows, columns=["person_id", "intel_kind", "intel_id", "reason"])


def _records(store: GraphStore, persons: set[str]) -> pd.DataFrame:
    made = edge_frame(store, "MADE", ["src", "dst"])
    made = made[made["src"].isin(persons)]
    crossings = node_frame(store, "Crossing").set_index("id")
    c = crossings.reindex(made["dst"])
    out = pd.DataFrame({"person_id": made["src"].to_numpy(), "record_kind": "CROSSING",
                        "record_id": c.get("crossing_id", pd.Series(index=c.index)).to_numpy(),
                        "time": c.get("crossing_time", pd.Series(index=c.index)).to_numpy(),
                        "port": c.get("port", pd.Series(index=c.index)).to_numpy(),
                        "direction": c.get("direction", pd.Series(index=c.index)).to_numpy(),
                        "outcome": c.get("outcome", pd.Series(index=c.index)).to_numpy()})
    ann = edge_frame(store, "ANNOUNCED", ["src", "dst", "role"])
    ann = ann[ann["src"].isin(persons)]
    voyages = node_frame(store, "Voyage").set_index("id").reindex(ann["dst"])
    adv = pd.DataFrame({"person_id": ann["src"].to_numpy(), "record_kind": "ADVANCE",
                        "record_id": voyages.get("number", pd.Series(index=voyages.index)).to_numpy(),
                        "time": voyages.get("date", pd.Series(index=voyages.index)).to_numpy(),
                        "port": voyages.get("arr_port", pd.Series(index=voyages.index)).to_numpy(),
                        "direction": "IN", "outcome": "PENDING"})
    return pd.concat([out, adv], ignore_index=True)


def _related(store: GraphStore, subjects: pd.DataFrame, *, max_users: int) -> pd.DataFrame:
    uses = edge_frame(store, "USES", ["src", "dst"])
    users = uses.groupby("dst")["src"].nunique()
    mine = uses[uses["src"].isin(set(subjects["person_id"]))].merge(
        subjects[["person_id", "intel_id"]].rename(columns={"person_id": "src"}), on="src")
    mine = mine[mine["dst"].map(users) <= max_users]
    others = uses.merge(mine.rename(columns={"src": "subject_id"}), on="dst")
    others = others[~others["src"].isin(set(subjects["person_id"]))]
    return pd.DataFrame({"person_id": others["src"], "identifier": others["dst"],
                         "users": others["dst"].map(users).to_numpy(), "subject_id": others["subject_id"],
                         "case_id": others["intel_id"]}).drop_duplicates()


def _named(store: GraphStore, frame: pd.DataFrame) -> pd.DataFrame:
    people = {n.id: n.props for n in store.subgraph(sorted(set(frame["person_id"]))).nodes}
    for c in ("surname", "given_names"):
        frame[c] = frame["person_id"].map(lambda p, c=c: people.get(p, {}).get(c, ""))
    return frame


def recheck(store: GraphStore, *, since: date | None = None, config: RunConfig | None = None,
            out_dir: Path | None = None, max_related_users: int = 5) -> RecheckResult:
    """Re-screen, find who the intelligence since ``since`` (default: its newest day) names, and list their
    crossings and pending advance records (see the module doc). Writes ``retro_hits.csv``, ``related.csv``
    and ``recheck.json`` into ``out_dir`` when given."""
    config = config or RunConfig()
    screened = screen_store(store).hits
    since = since or latest_intel_day(store) or date.today()
    intel = new_intelligence(store, since, config)
    records = _records(store, set(intel["person_id"]))
    hits = intel.merge(records, on="person_id", how="left")
    hits = _named(store, hits)[HIT_COLUMNS].sort_values(["person_id", "intel_id", "time", "record_id"],
                                                       na_position="last", kind="stable").reset_index(drop=True)
    subjects = intel[intel["intel_kind"] == "CASE_SUBJECT"]
    related = _named(store, _related(store, subjects, max_users=max_related_users))[RELATED_COLUMNS]
    related = related.sort_values(["person_id", "identifier"], kind="stable").reset_index(drop=True)
    counts = {"screening_hits": screened, "intel_persons": int(intel["person_id"].nunique()),
              "retro_hits": len(hits), "related_persons": int(related["person_id"].nunique())}
    result = RecheckResult(since, intel, hits, related, counts)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        hits.to_csv(out_dir / "retro_hits.csv", index=False, lineterminator="\n")
        related.to_csv(out_dir / "related.csv", index=False, lineterminator="\n")
        write_json(out_dir / "recheck.json", {"since": since.isoformat(), "counts": counts, "outputs": {
            n: sha256_file(out_dir / n) for n in ("retro_hits.csv", "related.csv")}})
    return result
