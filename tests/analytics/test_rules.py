"""Targeting rules: the declarative condition language, effective dates, and loading with validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.rules import DEFAULT_RULES, Rule, RuleError, apply_rules, evaluate, load_rules


def _rule(cond: dict, start: str = "2024-01-01", end: str | None = None, rid: str = "R") -> Rule:
    return Rule.from_dict({"id": rid, "version": 1, "owner": "unit", "effective_from": start, "effective_to": end,
                           "description": "a test rule", "severity": "LOW", "condition": cond})


EVENTS = pd.DataFrame({
    "one_way": pd.array([True, True, False, None], dtype="boolean"),
    "payment_type": ["CASH", "CARD", "CASH", "CASH"],
    "booking_lead_hours": [10.0, 10.0, 10.0, None],
    "route": [["BKK"], ["LHR"], [], None],
    "event_time": pd.to_datetime(["2024-01-01", "2024-06-30", "2024-07-01", "2025-01-01"], utc=True),
})
CASH_ONEWAY = {"all": [{"feature": "one_way", "op": "is_true"},
                       {"feature": "payment_type", "op": "eq", "value": "CASH"},
                       {"feature": "booking_lead_hours", "op": "lt", "value": 48}]}


def test_all_any_not_combine_leaves() -> None:
    assert evaluate(CASH_ONEWAY, EVENTS).tolist() == [True, False, False, False]
    either = {"any": [{"feature": "payment_type", "op": "eq", "value": "CARD"},
                      {"feature": "route", "op": "intersects", "value": ["BKK", "DXB"]}]}
    assert evaluate(either, EVENTS).tolist() == [True, True, False, False]
    assert evaluate({"not": either}, EVENTS).tolist() == [False, False, True, True]


def test_a_missing_value_never_satisfies_a_comparison() -> None:
    assert evaluate({"feature": "booking_lead_hours", "op": "ge", "value": 0}, EVENTS).tolist()[-1] is False
    assert evaluate({"feature": "payment_type", "op": "not_in", "value": ["CARD"]}, EVENTS).tolist() == [
        True, False, True, True]
    assert evaluate({"feature": "no_such_column", "op": "eq", "value": 1}, EVENTS).sum() == 0


def test_a_rule_hits_only_inside_its_effective_dates() -> None:
    every = {"feature": "payment_type", "op": "not_null"}
    rule = _rule(every, start="2024-06-30", end="2024-07-01")
    assert apply_rules(EVENTS, [rule])["R"].tolist() == [False, True, True, False]
    assert apply_rules(EVENTS, [rule], respect_dates=False)["R"].tolist() == [True, True, True, True]


def test_two_versions_share_one_column_each_within_its_dates() -> None:
    v1 = _rule({"feature": "payment_type", "op": "eq", "value": "CASH"}, start="2024-01-01", end="2024-06-30")
    v2 = Rule(**{**v1.__dict__, "version": 2, "effective_from": date(2024, 7, 1), "effective_to": None,
                 "condition": {"feature": "payment_type", "op": "eq", "value": "CARD"}})
    assert apply_rules(EVENTS, [v1, v2])["R"].tolist() == [True, False, False, False]


@pytest.mark.parametrize(("cond", "field"), [
    ({"feature": "x", "op": "matches", "value": ".*"}, "condition"),
    ({"feature": "x", "op": "eq"}, "condition"),
    ({"feature": "x", "op": "is_true", "value": 1}, "condition"),
    ({"all": []}, "condition"),
    ({"all": [{"feature": "x", "op": "is_true"}], "any": [{"feature": "x", "op": "is_true"}]}, "condition"),
    ("__import__('os').system('true')", "condition"),
])
def test_conditions_are_data_not_code(cond: object, field: str) -> None:
    with pytest.raises(RuleError) as err:
        _rule(cond)  # type: ignore[arg-type]
    assert err.value.field == field and err.value.record == "R"


def test_bad_dates_and_severity_are_refused_with_the_field() -> None:
    with pytest.raises(RuleError, match="before") as err:
        _rule({"feature": "x", "op": "is_true"}, start="2024-02-01", end="2024-01-01")
    assert err.value.field == "effective_to"
    with pytest.raises(RuleError) as err:
        Rule.from_dict({"id": "R", "version": 1, "owner": "o", "effective_from": "2024-01-01",
                        "description": "d", "severity": "HUGE", "condition": {"feature": "x", "op": "is_true"}})
    assert err.value.field == "severity"


def test_the_default_rules_load(tmp_path: Path) -> None:
    rules = load_rules(DEFAULT_RULES)
    assert {"CASH-ONEWAY-LATE", "TRANSIT-HUB", "MRZ-CHECK-DIGIT", "PRIOR-REFUSAL", "DOC-LOST"} <= {r.id for r in rules}
    dup = tmp_path / "dup.yaml"
    dup.write_text(DEFAULT_RULES.read_text().replace("id: TRANSIT-HUB", "id: CASH-ONEWAY-LATE"))
    with pytest.raises(RuleError, match="duplicate"):
        load_rules(dup)
