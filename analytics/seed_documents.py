"""Document seeds: a document held by several people who cannot be one person, and a document presented
with a wrong MRZ check digit.

- **document conflict**: one document (issuer and number) held by two or more people. Most such pairs in a
  resolved graph are one person recorded twice (a Cantonese and a pinyin spelling of one name, a full and a
  partial birth date) that identity resolution kept apart on purpose; only holders whose birth dates or sexes
  disagree point to an impostor. Holders that all agree weigh ``document_conflict x
  document_conflict_one_person``, and the reason says so. That factor is 0 in ``data/run.yaml`` (no seed):
  one person recorded twice is a question for identity resolution (its review candidates), not known risk,
  and at x0.002 it still put the holder, and whoever travelled with them, above the faint background every
  traveller has (seed 8675309: a benign resident 14th of 707 arrivals; seed 20261127: a family member 41st).
- **MRZ check failed**: a crossing whose machine readable zone failed a check digit (``mrz_checks_ok`` is
  false on the ``Crossing``): an altered or forged document. The document presented is the seed, so risk
  flows to whoever holds it, also on later trips that carry no MRZ (API and PNR records).

>>> compatible_dates("1980-12-06", "1980-00-00"), compatible_dates("1980-12-06", "1980-12-07")
(True, False)
>>> compatible_dates(None, "1975-01-01"), compatible_dates("2005-09-20", "2005-10-18")
(True, False)
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.explain import describe
from analytics.projection import Projection
from graph.store import GraphStore, Node

SEED_COLUMNS = ["id", "index", "kind", "weight", "reason", "edges", "sources"]


def _parts(value: Any) -> tuple[str, str, str] | None:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
    if len(text) < 4 or not text[:4].isdigit():
        return None
    bits = [*text.split("-"), "00", "00"][:3]
    return bits[0], bits[1], bits[2]


def compatible_dates(a: Any, b: Any) -> bool:
    """Whether two birth dates (``YYYY-MM-DD``, ``00`` for an unknown part, or missing) can be the same day."""
    pa_, pb = _parts(a), _parts(b)
    if pa_ is None or pb is None:
        return True
    return all(x == y or x in ("00", "") or y in ("00", "") for x, y in zip(pa_, pb, strict=True))


def one_person(holders: list[Node | None]) -> bool:
    """Whether every pair of holders agrees on birth date and sex where both know them (then the conflict is
    most likely one person recorded twice, not an impostor)."""
    for a, b in combinations([h for h in holders if h is not None], 2):
        if not compatible_dates(a.props.get("birth_date"), b.props.get("birth_date")):
            return False
        sa, sb = (str(n.props.get("sex") or "").upper() for n in (a, b))
        if sa in ("M", "F") and sb in ("M", "F") and sa != sb:
            return False
    return True


def _frame(proj: Projection, kind: str, rows: list[list[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "weight", "reason", "edges", "sources"])
    frame = frame[frame["weight"] > 0]
    frame.insert(1, "index", proj.index(list(frame["id"])) if len(frame) else np.zeros(0, dtype=np.int64))
    frame.insert(2, "kind", kind)
    return frame[SEED_COLUMNS].reset_index(drop=True)


def document_conflict_seeds(store: GraphStore, proj: Projection, config: RunConfig) -> pd.DataFrame:
    """Documents held by two or more different people, weighed down when the holders may be one person."""
    from analytics.seeds import _names

    holds = proj.edges_of("HOLDS")
    table = pd.DataFrame({"doc": proj.dst[holds], "person": proj.src[holds], "e": holds}).drop_duplicates(
        ["doc", "person"]
    )
    table = table[table.groupby("doc")["person"].transform("size") >= 2]
    if table.empty:
        return pd.DataFrame(columns=SEED_COLUMNS)
    grouped = table.groupby("doc").agg(people=("person", list), edges=("e", list))
    doc_ids = proj.ids(grouped.index.to_numpy())
    person_ids = {int(p): pid for p, pid in zip(table["person"], proj.ids(table["person"].to_numpy()), strict=True)}
    names = _names(store, doc_ids + list(person_ids.values()))
    c = config.seeds
    rows = []
    for doc, (people, edges) in zip(doc_ids, grouped.itertuples(index=False), strict=True):
        holders = [names.get(person_ids[int(p)]) for p in people]
        who = ", ".join(describe(h, person_ids[int(p)]) for h, p in zip(holders[:3], people[:3], strict=False))
        more = f" and {len(people) - 3} more" if len(people) > 3 else ""
        reason = f"{describe(names.get(doc), doc)} is held by {len(people)} different people: {who}{more}"
        weight = c.document_conflict
        if one_person(holders):
            weight *= c.document_conflict_one_person
            reason += " (their birth dates and sexes agree: perhaps one person recorded twice)"
        rows.append([doc, weight, reason, proj.edge_ids(edges), []])
    return _frame(proj, "document_conflict", rows)


def mrz_seeds(store: GraphStore, proj: Projection, config: RunConfig) -> pd.DataFrame:
    """Documents presented at a crossing whose MRZ failed a check digit (``mrz_checks_ok`` false)."""
    if config.seeds.mrz_check_failed <= 0 or "Crossing" not in proj.label_names:
        return pd.DataFrame(columns=SEED_COLUMNS)
    crossings = store.find("Crossing", props={"mrz_checks_ok": False}, limit=10_000_000)
    if not crossings:
        return pd.DataFrame(columns=SEED_COLUMNS)
    by_id = {n.id: n for n in crossings}
    idx = proj.index(list(by_id))
    used = proj.edges_of("USED")
    hit = used[np.isin(proj.src[used], idx)]
    if not len(hit):
        return pd.DataFrame(columns=SEED_COLUMNS)
    found = pd.DataFrame({"doc": proj.dst[hit], "crossing": proj.ids(proj.src[hit]), "edge": proj.edge_ids(hit)})
    docs = dict(zip(found["doc"], proj.ids(found["doc"].to_numpy()), strict=True))
    from analytics.seeds import _names

    names = _names(store, list(docs.values()))
    rows = []
    for doc, group in found.groupby("doc", sort=True):
        shown = [by_id[c] for c in group["crossing"]]
        first = min(shown, key=lambda n: str(n.props.get("crossing_time") or ""))
        what = str(first.props.get("findings") or "a check digit wrong").replace("mrz mrz-check: ", "")
        when = str(first.props.get("crossing_time") or "")[:10]
        reason = (
            f"{describe(names.get(docs[doc]), docs[doc])} was presented with a wrong MRZ check digit ({what}) "
            f"at {len(shown)} crossing(s), first {first.props.get('crossing_id', first.id)} on {when}"
        )
        sources = sorted({s for n in shown for s in n.sources})
        rows.append([docs[doc], config.seeds.mrz_check_failed, reason, list(group["edge"]), sources])
    return _frame(proj, "mrz_check_failed", rows)
