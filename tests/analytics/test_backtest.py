"""Back-test numbers on a tiny hand-made history (counted by hand in the comments)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.backtest import backtest, backtest_json
from analytics.rules import Rule


def _rule(rid: str, cond: dict, start: str = "2024-01-01") -> Rule:
    return Rule.from_dict({"id": rid, "version": 1, "owner": "unit", "effective_from": start,
                           "description": "a rule under test", "severity": "LOW", "condition": cond})


# 8 events with outcomes (3 adverse: events 1, 2, 5), one upcoming booking (no outcome, never counted).
HISTORY = pd.DataFrame({
    "outcome": ["CLEARED", "REFUSED", "SECONDARY", "CLEARED", "CLEARED", "DETAINED", "CLEARED", "CLEARED", None],
    "mrz_check_failed": [False, True, True, True, False, False, False, False, True],
    "prior_refusals": [0, 0, 1, 0, 0, 2, 1, 0, 5],
    "event_time": pd.to_datetime([f"2024-0{m}-15" for m in range(1, 10)], utc=True),
})
MRZ = _rule("MRZ", {"feature": "mrz_check_failed", "op": "is_true"})
PRIOR = _rule("PRIOR", {"feature": "prior_refusals", "op": "ge", "value": 1}, start="2024-05-01")


def test_volume_hit_rate_precision_recall_per_rule() -> None:
    table = backtest(HISTORY, [MRZ, PRIOR]).set_index("rule_id")
    # MRZ hits events 1, 2, 3 (of 8): 2 adverse (1, 2) of 3 adverse overall.
    assert table.loc["MRZ", ["events", "volume", "adverse"]].tolist() == [8, 3, 2]
    assert table.loc["MRZ", "hit_rate"] == 3 / 8
    assert table.loc["MRZ", "precision"] == pytest.approx(0.6667, abs=1e-4)
    assert table.loc["MRZ", "recall"] == pytest.approx(0.6667, abs=1e-4)
    assert table.loc["MRZ", "lift"] == pytest.approx((2 / 3) / (3 / 8), abs=0.01)
    # PRIOR hits events 2, 5, 6: adverse 2, 5.
    assert table.loc["PRIOR", ["volume", "adverse"]].tolist() == [3, 2]
    # together: events 1, 2, 3, 5, 6 -> adverse 1, 2, 5.
    assert table.loc["ANY", ["volume", "adverse", "recall"]].tolist() == [5, 3, 1.0]


def test_respecting_effective_dates_and_windows() -> None:
    dated = backtest(HISTORY, [PRIOR], respect_dates=True).set_index("rule_id")
    assert dated.loc["PRIOR", ["volume", "adverse"]].tolist() == [2, 1]  # events 5, 6 (from May on)
    window = backtest(HISTORY, [MRZ], since="2024-03-01", until="2024-06-30").set_index("rule_id")
    assert window.loc["MRZ", ["events", "volume", "adverse"]].tolist() == [4, 2, 1]


def test_a_rule_that_never_fires_has_no_precision() -> None:
    never = _rule("NEVER", {"feature": "prior_refusals", "op": "gt", "value": 99})
    row = backtest(HISTORY, [never]).iloc[0]
    assert row["volume"] == 0 and row["precision"] is None


def test_json_report_names_every_rule() -> None:
    data = json.loads(backtest_json(backtest(HISTORY, [MRZ]), rules_file="x.yaml"))
    assert data["rules_file"] == "x.yaml" and [r["rule_id"] for r in data["rules"]] == ["MRZ", "ANY"]
