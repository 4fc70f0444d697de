"""The rule lint: refuses rules that target protected attributes or nationality alone.

Why: targeting on ethnicity, religion, race, sex and the like is discrimination, whatever the hit rate, and
a rule that fires on nationality alone targets a whole people. A rule may use nationality only together
with a behavioural or documentary feature (a route, a payment, a broken MRZ). The lint reads the condition
as the sets of features that can trigger it on their own (``any`` branches are alternatives, ``all``
branches must hold together), so ``any: [nationality = X, ...]`` is refused as surely as a bare
``nationality = X``. It also refuses features the event table does not have.

>>> from analytics.rules import Rule
>>> def rule(cond): return Rule("R", 1, "o", date(2024, 1, 1), None, "what it seeks", "LOW", cond)
>>> [f.message for f in lint_rule(rule({"feature": "nationality", "op": "eq", "value": "XXA"}))]
['fires on nationality alone (nationality): combine it with a behavioural or documentary feature']
>>> lint_rule(rule({"all": [{"feature": "nationality", "op": "eq", "value": "XXA"},
...                         {"feature": "mrz_check_failed", "op": "is_true"}]}))
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date  # noqa: F401  (used by the doctest)
from itertools import product
from typing import Any

from analytics.features import FEATURES
from analytics.rules import Rule, RuleError

#: Attributes no rule may use (GDPR art. 9 special categories and the like), matched as words of a name.
PROTECTED = frozenset({
    "ethnicity", "ethnic", "race", "racial", "religion", "religious", "faith", "sex", "gender",
    "sexual", "orientation", "political", "politics", "union", "health", "disability", "pregnancy", "genetic",
    "biometric", "caste", "skin", "colour", "color", "tribe", "belief", "beliefs",
})
#: Features that say where someone is from: never enough on their own.
NATIONALITY_LIKE = frozenset({"nationality", "second_nationality", "citizenship", "doc_issuer", "birth_country",
                              "country_of_birth", "issuing_country"})
MAX_CLAUSES = 1024


@dataclass(frozen=True)
class Finding:
    """One lint finding on one rule."""

    rule_id: str
    level: str  # ERROR refuses the rule, WARNING does not
    message: str

    def __str__(self) -> str:
        return f"{self.level} {self.rule_id}: {self.message}"


class RuleLintError(RuleError):
    """A rule the lint refuses."""


def features_of(cond: dict[str, Any]) -> set[str]:
    """Every feature a condition names."""
    if "all" in cond or "any" in cond:
        return set().union(*(features_of(c) for c in cond.get("all", cond.get("any", []))))
    if "not" in cond:
        return features_of(cond["not"])
    return {str(cond["feature"])}


def trigger_sets(cond: dict[str, Any], negated: bool = False) -> list[frozenset[str]]:
    """The feature sets that can make the condition hold on their own (its DNF clauses, by feature).

    >>> sorted(map(sorted, trigger_sets({"any": [{"feature": "a", "op": "is_true"},
    ...     {"all": [{"feature": "b", "op": "is_true"}, {"feature": "c", "op": "is_true"}]}]})))
    [['a'], ['b', 'c']]
    """
    if "not" in cond:
        return trigger_sets(cond["not"], not negated)
    if "all" in cond or "any" in cond:
        conj = ("all" in cond) != negated
        parts = [trigger_sets(c, negated) for c in cond.get("all", cond.get("any", []))]
        if not conj:
            return [s for p in parts for s in p]
        out: list[frozenset[str]] = []
        for combo in product(*parts):
            out.append(frozenset().union(*combo))
            if len(out) >= MAX_CLAUSES:
                break
        return out
    return [frozenset({str(cond["feature"])})]


def _protected(feature: str) -> bool:
    words = set(feature.lower().replace("-", "_").split("_"))
    return bool(words & PROTECTED) or feature.lower() in PROTECTED


def lint_rule(rule: Rule) -> list[Finding]:
    """Findings for one rule (empty when it passes)."""
    found: list[Finding] = []
    names = features_of(rule.condition)
    for f in sorted(n for n in names if _protected(n)):
        found.append(Finding(rule.id, "ERROR", f"uses protected attribute {f!r}"))
    for f in sorted(n for n in names if n not in FEATURES and not _protected(n)):
        found.append(Finding(rule.id, "ERROR", f"unknown feature {f!r} (not in the event table)"))
    alone = sorted({", ".join(sorted(s)) for s in trigger_sets(rule.condition) if s <= NATIONALITY_LIKE})
    for s in alone:
        found.append(Finding(rule.id, "ERROR", f"fires on nationality alone ({s}): combine it with a "
                                               "behavioural or documentary feature"))
    if len(rule.description) < 10:
        found.append(Finding(rule.id, "WARNING", "the description does not say what the rule looks for"))
    return found


def lint_rules(rules: list[Rule]) -> list[Finding]:
    """Findings for every rule, in order."""
    return [f for r in rules for f in lint_rule(r)]


def require_clean(rules: list[Rule]) -> list[Rule]:
    """The rules, if none has an ERROR finding; else ``RuleLintError`` naming the first."""
    for f in lint_rules(rules):
        if f.level == "ERROR":
            raise RuleLintError(f.message, record=f.rule_id, field="condition")
    return rules
