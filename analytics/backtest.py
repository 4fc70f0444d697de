"""Back-test targeting rules: replay each rule over history with recorded inspection outcomes.

Per rule: ``events`` (history events with an outcome in the window), ``volume`` (events the rule hits),
``hit_rate`` (volume / events), ``adverse`` (hits whose outcome was adverse: SECONDARY, REFUSED or
DETAINED by default), ``precision`` (adverse / volume), ``recall`` (adverse hits / all adverse events) and
``lift`` (precision over the base rate). A rule is replayed over the whole window by default, also before
its ``effective_from`` (that is what a back-test is for); ``respect_dates`` limits it to its dates.

>>> from analytics.rules import Rule
>>> from datetime import date
>>> r = Rule("R", 1, "o", date(2024, 1, 1), None, "prior refusal", "LOW",
...          {"feature": "prior_refusals", "op": "ge", "value": 1})
>>> ev = pd.DataFrame({"prior_refusals": [0, 1, 1, 0], "outcome": ["CLEARED", "REFUSED", "CLEARED", None],
...                    "event_time": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)], utc=True)})
>>> backtest(ev, [r])[["rule_id", "events", "volume", "adverse", "precision"]].values.tolist()
[['R', 3, 2, 1, 0.5], ['ANY', 3, 2, 1, 0.5]]
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from analytics.features import ADVERSE
from analytics.rules import Rule, apply_rules

COLUMNS = ["rule_id", "version", "severity", "events", "volume", "hit_rate", "adverse", "precision", "recall",
           "lift"]


def backtest(events: pd.DataFrame, rules: list[Rule], *, adverse: tuple[str, ...] = ADVERSE,
             since: str | None = None, until: str | None = None, respect_dates: bool = False) -> pd.DataFrame:
    """One row per rule version (``COLUMNS``), plus ``ANY`` for the rules together (see the module doc)."""
    times = pd.to_datetime(events["event_time"], utc=True, errors="coerce")
    keep = events["outcome"].notna()
    if since:
        keep &= times >= pd.Timestamp(since, tz="UTC")
    if until:
        keep &= times <= pd.Timestamp(until, tz="UTC")
    hist = events[keep.to_numpy(dtype=bool)]
    positive = hist["outcome"].isin(adverse).to_numpy(dtype=bool)
    rows = []
    any_hit = np.zeros(len(hist), dtype=bool)
    for r in rules:
        hit = apply_rules(hist, [r], respect_dates=respect_dates)[r.id].to_numpy(dtype=bool)
        any_hit |= hit
        rows.append(_row(r.id, r.version, r.severity, hit, positive))
    if rules:
        rows.append(_row("ANY", None, None, any_hit, positive))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"version": "Int64"})


def _row(rid: str, version: int | None, severity: str | None, hit: np.ndarray, pos: np.ndarray) -> dict[str, Any]:
    n, volume, adverse = len(hit), int(hit.sum()), int((hit & pos).sum())
    base = pos.mean() if n else 0.0
    precision = adverse / volume if volume else None
    return {
        "rule_id": rid, "version": version, "severity": severity, "events": n, "volume": volume,
        "hit_rate": round(volume / n, 6) if n else None, "adverse": adverse,
        "precision": None if precision is None else round(precision, 4),
        "recall": round(adverse / pos.sum(), 4) if pos.sum() else None,
        "lift": round(precision / base, 2) if precision is not None and base else None,
    }


def backtest_json(table: pd.DataFrame, **meta: Any) -> str:
    """The back-test as JSON text: ``meta`` (rules file, window, counts) and one object per rule."""
    rows = json.loads(table.to_json(orient="records"))
    return json.dumps({**meta, "rules": rows}, indent=2, default=str)
