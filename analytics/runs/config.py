"""The configuration of a batch run: the analytics run configuration (``analytics.config.RunConfig``) plus
a ``worklist`` section saying how the parts of a traveller's score combine, where the alert threshold lies,
and which rules and model file the run uses. One YAML file, validated, saved beside every run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.config import ConfigError, RunConfig, config_from_dict, read_config_file

COMPONENTS = ("screening", "graph", "rules", "model")


def _weights() -> dict[str, float]:
    return {"screening": 1.0, "graph": 0.9, "rules": 0.6, "model": 0.5}


def _severities() -> dict[str, float]:
    return {"LOW": 0.15, "MEDIUM": 0.35, "HIGH": 0.6, "CRITICAL": 0.85}


@dataclass(frozen=True)
class WorklistConfig:
    """How a traveller's parts become one score (noisy-OR of weighted parts in [0, 1]).

    ``graph_quantile``: the propagated graph risk is scaled so that the person at this quantile of all
    people's scores gets 0.5; ``alert_threshold``: worklist rows at or above it also go to alerts.jsonl, the
    first ``alert_paths_limit`` of them (by rank) with their ``alert_paths`` strongest risk paths.
    """

    weights: dict[str, float] = field(default_factory=_weights)
    rule_severity: dict[str, float] = field(default_factory=_severities)
    graph_quantile: float = 0.99
    alert_threshold: float = 0.5
    alert_paths: int = 3
    alert_paths_limit: int = 500
    rules_file: str | None = None
    model_file: str | None = None


@dataclass(frozen=True)
class BatchConfig:
    """A batch run's whole configuration: analytics settings and the worklist section."""

    analytics: RunConfig
    worklist: WorklistConfig

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as the YAML file holds it."""
        return {**self.analytics.to_dict(), "worklist": dataclasses.asdict(self.worklist)}

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of this configuration."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


def _unit(value: Any, where: str, file: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise ConfigError("must be a number between 0 and 1", file=file, field=where, value=value)
    return float(value)


def worklist_from_dict(data: Any, *, file: str | None = None) -> WorklistConfig:
    """Validate the ``worklist`` section; missing settings keep their defaults."""
    if data is None:
        return WorklistConfig()
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping", file=file, field="worklist", value=data)
    base = WorklistConfig()
    out: dict[str, Any] = {}  # keyword arguments of WorklistConfig: values of several types
    known = {f.name for f in dataclasses.fields(WorklistConfig)}
    for key, value in data.items():
        where = f"worklist.{key}"
        if key not in known:
            raise ConfigError(f"unknown setting (known: {', '.join(sorted(known))})", file=file, field=where)
        default = getattr(base, key)
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError("must be a mapping", file=file, field=where, value=value)
            allowed = set(default)
            bad = [k for k in value if k not in allowed]
            if bad:
                raise ConfigError(f"unknown name (known: {', '.join(sorted(allowed))})", file=file,
                                  field=f"{where}.{bad[0]}")
            out[key] = {**default, **{str(k): _unit(v, f"{where}.{k}", file) for k, v in value.items()}}
        elif key in ("rules_file", "model_file"):
            if value is not None and not isinstance(value, str):
                raise ConfigError("must be a file path", file=file, field=where, value=value)
            out[key] = value
        elif key in ("alert_paths", "alert_paths_limit"):
            top = 20 if key == "alert_paths" else 1_000_000
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                raise ConfigError(f"must be a whole number from 0 to {top}", file=file, field=where, value=value)
            out[key] = value
        else:
            out[key] = _unit(value, where, file)
    return WorklistConfig(**out)


def batch_config_from_dict(data: dict[str, Any] | None, *, file: str | None = None) -> BatchConfig:
    """Validate plain data (as read from YAML) into a ``BatchConfig``.

    >>> cfg = batch_config_from_dict({"worklist": {"alert_threshold": 0.7}, "paths": {"k": 2}})
    >>> cfg.worklist.alert_threshold, cfg.analytics.paths.k
    (0.7, 2)
    >>> batch_config_from_dict({"worklist": {"weights": {"luck": 1.0}}})
    Traceback (most recent call last):
    ...
    analytics.config.ConfigError: unknown name (known: graph, model, rules, screening) [field worklist.weights.luck]
    """
    data = dict(data or {})
    worklist = worklist_from_dict(data.pop("worklist", None), file=file)
    return BatchConfig(config_from_dict(data, file=file), worklist)


def load_batch_config(path: str | Path | None = None) -> BatchConfig:
    """Load a run configuration file (default ``data/run.yaml``) with its ``worklist`` section."""
    data, file = read_config_file(path)
    return batch_config_from_dict(data, file=file)
