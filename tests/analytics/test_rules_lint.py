"""The rule lint refuses protected attributes and nationality alone, and lets combined rules through."""

from __future__ import annotations

import pytest

from analytics.rules import Rule, load_rules
from analytics.rules_lint import RuleLintError, lint_rule, require_clean


def _rule(cond: dict) -> Rule:
    return Rule.from_dict({"id": "R", "version": 1, "owner": "unit", "effective_from": "2024-01-01",
                           "description": "a rule under test", "severity": "LOW", "condition": cond})


NAT = {"feature": "nationality", "op": "eq", "value": "XXA"}
MRZ = {"feature": "mrz_check_failed", "op": "is_true"}


def _errors(cond: dict) -> list[str]:
    return [f.message for f in lint_rule(_rule(cond)) if f.level == "ERROR"]


def test_nationality_alone_is_refused() -> None:
    assert any("nationality alone" in m for m in _errors(NAT))
    assert any("nationality alone" in m for m in _errors({"feature": "nationality", "op": "in", "value": ["A", "B"]}))


def test_nationality_as_an_alternative_branch_is_refused() -> None:
    assert any("nationality alone" in m for m in _errors({"any": [NAT, MRZ]}))
    assert any("nationality alone" in m for m in _errors({"not": {"all": [{"not": NAT}, MRZ]}}))


def test_nationality_with_a_behavioural_feature_passes() -> None:
    assert _errors({"all": [NAT, MRZ]}) == []
    assert _errors({"all": [NAT, {"any": [MRZ, {"feature": "prior_refusals", "op": "ge", "value": 1}]}]}) == []


@pytest.mark.parametrize("feature", ["religion", "ethnicity", "race", "sex", "gender", "religious_group",
                                     "ethnic_origin", "sexual_orientation"])
def test_protected_attributes_are_refused_even_combined(feature: str) -> None:
    errors = _errors({"all": [{"feature": feature, "op": "eq", "value": "X"}, MRZ]})
    assert errors == [f"uses protected attribute {feature!r}"]


def test_unknown_features_are_refused() -> None:
    errors = _errors({"feature": "shoe_size", "op": "gt", "value": 45})
    assert errors == ["unknown feature 'shoe_size' (not in the event table)"]


def test_require_clean_raises_naming_the_rule() -> None:
    with pytest.raises(RuleLintError) as err:
        require_clean([_rule({"feature": "religion", "op": "eq", "value": "X"})])
    assert err.value.record == "R"


def test_the_shipped_rules_pass_the_lint() -> None:
    assert [str(f) for f in lint_rule_all()] == []


def lint_rule_all() -> list:
    return [f for r in load_rules() for f in lint_rule(r)]
