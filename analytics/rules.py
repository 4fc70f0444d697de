"""Targeting rules: declared in YAML, validated, applied to the traveller-event feature table.

A rule has ``id``, ``version``, ``owner``, ``effective_from`` / ``effective_to`` (dates; ``to`` open when
absent), ``description``, ``severity`` and a ``condition`` in a small declarative form, never code:

    condition:
      all:
        - {feature: one_way, op: is_true}
        - {feature: payment_type, op: eq, value: CASH}
        - {feature: booking_lead_hours, op: lt, value: 48}

Leaves name a feature of ``analytics.features.FEATURES``, an operator of ``OPS`` and, where the operator
takes one, a value; ``all``, ``any`` and ``not`` combine them. Evaluation is whole-column pandas; a missing
feature value never satisfies a comparison. Rules are checked by :mod:`analytics.rules_lint` before use.

>>> r = Rule.from_dict({"id": "R1", "version": 1, "owner": "unit", "effective_from": "2024-01-01",
...     "description": "prior refusal", "severity": "HIGH",
...     "condition": {"feature": "prior_refusals", "op": "ge", "value": 1}})
>>> ev = pd.DataFrame({"prior_refusals": [0, 2, None],
...                    "event_time": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"], utc=True)})
>>> apply_rules(ev, [r])["R1"].tolist()
[False, True, False]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from graph.errors import InvalidInputError

SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
#: Operator -> whether it takes a value.
OPS = {"eq": True, "ne": True, "lt": True, "le": True, "gt": True, "ge": True, "in": True, "not_in": True,
       "intersects": True, "is_true": False, "is_false": False, "is_null": False, "not_null": False}
DEFAULT_RULES = Path(__file__).resolve().parents[1] / "data" / "rules.yaml"


class RuleError(InvalidInputError):
    """A rule that does not validate: names the file, the rule and the field."""


@dataclass(frozen=True)
class Rule:
    """One targeting rule (see the module doc)."""

    id: str
    version: int
    owner: str
    effective_from: date
    effective_to: date | None
    description: str
    severity: str
    condition: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str | None = None) -> Rule:
        """Validate one rule's plain data (from YAML)."""
        rid = str(data.get("id") or "")
        if not rid:
            raise RuleError("a rule needs an id", file=file, field="id")
        missing = [k for k in ("version", "owner", "effective_from", "description", "severity", "condition")
                   if data.get(k) in (None, "")]
        if missing:
            raise RuleError(f"missing {', '.join(missing)}", file=file, record=rid, field=missing[0])
        extra = set(data) - {"id", "version", "owner", "effective_from", "effective_to", "description",
                             "severity", "condition"}
        if extra:
            raise RuleError("unknown rule fields", file=file, record=rid, field=sorted(extra)[0])
        severity = str(data["severity"]).upper()
        if severity not in SEVERITIES:
            raise RuleError(f"severity is one of {', '.join(SEVERITIES)}", file=file, record=rid,
                            field="severity", value=data["severity"])
        start, end = _date(data["effective_from"], rid, "effective_from", file), None
        if data.get("effective_to") not in (None, ""):
            end = _date(data["effective_to"], rid, "effective_to", file)
            if end < start:
                raise RuleError("effective_to is before effective_from", file=file, record=rid, field="effective_to")
        check_condition(data["condition"], rid=rid, file=file)
        try:
            version = int(data["version"])
        except (TypeError, ValueError):
            raise RuleError("version is a whole number", file=file, record=rid, field="version") from None
        return cls(rid, version, str(data["owner"]), start, end, str(data["description"]).strip(), severity,
                   data["condition"])

    def active(self, times: pd.Series) -> np.ndarray:
        """Which event times fall inside the rule's effective dates (days inclusive, UTC)."""
        days = pd.to_datetime(times, utc=True, errors="coerce").dt.tz_convert(None).dt.normalize()
        ok = days >= pd.Timestamp(self.effective_from)
        if self.effective_to is not None:
            ok &= days <= pd.Timestamp(self.effective_to)
        return ok.fillna(False).to_numpy(dtype=bool)


def _date(value: Any, rid: str, field: str, file: str | None) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError("not an ISO date", file=file, record=rid, field=field, value=value) from None


def check_condition(cond: Any, *, rid: str, file: str | None = None, path: str = "condition") -> None:
    """Raise ``RuleError`` unless ``cond`` is a well-formed condition (shape, operators, values)."""
    if not isinstance(cond, dict) or len(cond) == 0:
        raise RuleError("a condition is a mapping", file=file, record=rid, field=path)
    if set(cond) & {"all", "any"}:
        (key,) = tuple(cond) if len(cond) == 1 else (None,)
        if key is None or not isinstance(cond[key], list) or not cond[key]:
            raise RuleError("all/any take a non-empty list and nothing else", file=file, record=rid, field=path)
        for i, sub in enumerate(cond[key]):
            check_condition(sub, rid=rid, file=file, path=f"{path}.{key}[{i}]")
        return
    if set(cond) == {"not"}:
        check_condition(cond["not"], rid=rid, file=file, path=f"{path}.not")
        return
    if not {"feature", "op"} <= set(cond) or set(cond) - {"feature", "op", "value"}:
        raise RuleError("a leaf is {feature, op, value}", file=file, record=rid, field=path)
    op = cond["op"]
    if op not in OPS:
        raise RuleError(f"unknown operator (one of {', '.join(OPS)})", file=file, record=rid, field=path, value=op)
    if OPS[op] != ("value" in cond):
        raise RuleError(f"operator {op} {'needs' if OPS[op] else 'takes no'} value", file=file, record=rid,
                        field=path)
    if op in ("in", "not_in", "intersects") and not isinstance(cond["value"], list):
        raise RuleError(f"operator {op} takes a list", file=file, record=rid, field=path)


def load_rules(path: str | Path = DEFAULT_RULES) -> list[Rule]:
    """Read and validate a rules file (``rules:`` list); duplicate (id, version) pairs are refused."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RuleError("a rules file holds a list under 'rules'", file=str(path), field="rules")
    rules = [Rule.from_dict(item, file=str(path)) for item in items]
    seen: set[tuple[str, int]] = set()
    for r in rules:
        if (r.id, r.version) in seen:
            raise RuleError("duplicate rule id and version", file=str(path), record=r.id, field="version")
        seen.add((r.id, r.version))
    return rules


def evaluate(cond: dict[str, Any], events: pd.DataFrame) -> np.ndarray:
    """The events (rows) a condition holds for, as a boolean array; missing values never match."""
    if "all" in cond:
        return np.logical_and.reduce([evaluate(c, events) for c in cond["all"]])
    if "any" in cond:
        return np.logical_or.reduce([evaluate(c, events) for c in cond["any"]])
    if "not" in cond:
        return ~evaluate(cond["not"], events)
    col = events[cond["feature"]] if cond["feature"] in events.columns else pd.Series(None, index=events.index)
    return _leaf(col, cond["op"], cond.get("value"))


def _leaf(col: pd.Series, op: str, value: Any) -> np.ndarray:
    known = col.notna().to_numpy(dtype=bool)
    if op in ("is_null", "not_null"):
        return ~known if op == "is_null" else known
    if op in ("is_true", "is_false"):
        return (col.astype("boolean") == (op == "is_true")).fillna(False).to_numpy(dtype=bool)
    if op == "intersects":
        wanted = {str(v) for v in value}
        return np.array([isinstance(x, list | tuple | np.ndarray) and bool(wanted & {str(i) for i in x})
                         for x in col], dtype=bool)
    if op in ("in", "not_in"):
        hit = col.astype(object).isin(value).to_numpy(dtype=bool)
        return (hit if op == "in" else ~hit) & known
    compare = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__"}
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    series = pd.to_numeric(col, errors="coerce") if numeric else col.astype(object)
    out = getattr(series, compare[op])(value)
    return pd.Series(out).fillna(False).to_numpy(dtype=bool) & known


def apply_rules(events: pd.DataFrame, rules: list[Rule], *, respect_dates: bool = True) -> pd.DataFrame:
    """One boolean column per rule id: the rule hits the event (inside its effective dates, unless
    ``respect_dates`` is False, as a backtest of a rule before it takes effect asks). Versions of one rule
    share its column, each within its own dates."""
    out = pd.DataFrame(index=events.index)
    for r in rules:
        hit = evaluate(r.condition, events)
        if respect_dates:
            hit &= r.active(events["event_time"])
        out[r.id] = (out[r.id].to_numpy(dtype=bool) | hit) if r.id in out.columns else hit
    return out
