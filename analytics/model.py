"""The risk model: rule hits + event and graph features -> a calibrated probability of an adverse
inspection outcome (SECONDARY, REFUSED, DETAINED vs CLEARED), with per-feature contributions as reasons.

How: features standardised, a logistic regression (scikit-learn) calibrated by Platt scaling with
``CalibratedClassifierCV(method="sigmoid", ensemble=False)``; the fitted numbers are kept in a JSON model
file (no pickle: loading a model runs no code). Because both steps are linear in the logit, the reasons are
exact: ``logit(score) = base + sum(contributions)`` with ``contribution_i = -a * w_i * z_i`` (``w`` the
regression weights, ``z`` the standardised value, ``a`` the Platt slope).

Governance: a model is trained only when asked (``train`` / ``cluegraph model train --out FILE``) and a
model file is never overwritten: its ``version`` names the training data hash, features and settings, and
scoring reads the file as it is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from analytics.features import ADVERSE
from analytics.rules import Rule, apply_rules
from graph.errors import InvalidInputError

FORMAT = "cluegraph-risk-model/1"
#: Event-table columns the model reads as numbers (booleans as 0/1, missing as 0).
EVENT_NUMERIC = ["prior_refusals", "prior_inspections", "prior_crossings", "doc_holders", "mrz_check_failed",
                 "doc_reported_lost", "one_way"]
#: Graph features (per person) the model reads when present.
GRAPH_NUMERIC = ["degree", "shared_identifiers", "watchlist_hits", "case_links", "possible_duplicates", "risk_score"]


class ModelError(InvalidInputError):
    """A model file or training set that cannot be used (names the file and field)."""


def model_matrix(events: pd.DataFrame, rules: list[Rule], graph: pd.DataFrame | None = None) -> pd.DataFrame:
    """The numeric features of each event: ``rule:<id>`` hits (replayed whatever their dates, so history
    and today read alike), event features, ``cash`` and ``short_lead`` from the booking, and the person's
    graph features (``graph`` indexed by person id) when given."""
    X = pd.DataFrame(index=events.index)
    hits = apply_rules(events, rules, respect_dates=False)
    for rid in hits.columns:
        X[f"rule:{rid}"] = hits[rid].astype(float)
    for col in EVENT_NUMERIC:
        X[col] = _num(events[col]) if col in events.columns else 0.0
    X["cash"] = (events.get("payment_type", pd.Series(index=events.index)) == "CASH").astype(float)
    lead = pd.to_numeric(events.get("booking_lead_hours", pd.Series(index=events.index)), errors="coerce")
    X["short_lead"] = (lead < 72).astype(float)
    if graph is not None:
        per = graph.reindex(events["person_id"].to_numpy())
        for col in GRAPH_NUMERIC:
            if col in per.columns:
                X[col] = _num(pd.Series(per[col].to_numpy(), index=events.index))
    return X


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype(object).map(lambda v: float(v) if isinstance(v, bool | np.bool_) else v),
                         errors="coerce").fillna(0.0).astype(float)


def labels(events: pd.DataFrame, adverse: tuple[str, ...] = ADVERSE) -> np.ndarray:
    """1 for an adverse outcome, 0 for CLEARED (events without an outcome have no label)."""
    return events["outcome"].isin(adverse).to_numpy(dtype=np.int64)


def data_hash(X: pd.DataFrame, y: np.ndarray) -> str:
    """SHA-256 of the training matrix (columns, values) and labels: names the data a model learnt from.

    >>> data_hash(pd.DataFrame({"a": [1.0]}), np.array([1])) == data_hash(pd.DataFrame({"a": [1.0]}), np.array([0]))
    False
    """
    h = hashlib.sha256(json.dumps(list(X.columns)).encode())
    h.update(np.ascontiguousarray(X.to_numpy(dtype=np.float64)).tobytes())
    h.update(np.ascontiguousarray(y, dtype=np.int64).tobytes())
    return h.hexdigest()


def train(X: pd.DataFrame, y: np.ndarray, *, C: float = 1.0, holdout: float = 0.2, seed: int = 0,
          meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit the model on ``X``/``y`` (rows in time order: the last ``holdout`` share measures it first, then
    everything fits the final model) and return the model as plain data (see ``save``)."""
    if len(np.unique(y)) < 2:
        raise ModelError("training needs both adverse and cleared outcomes", field="outcome")
    cut = int(len(X) * (1 - holdout))
    metrics = {}
    if 0 < cut < len(X) and len(np.unique(y[:cut])) == 2 and len(np.unique(y[cut:])) == 2:
        early = _fit(X.iloc[:cut], y[:cut], C, seed, meta={})
        p = score(early, X.iloc[cut:])["score"].to_numpy()
        metrics = {"holdout_rows": len(X) - cut, "holdout_positive": int(y[cut:].sum()),
                   "roc_auc": round(float(roc_auc_score(y[cut:], p)), 4),
                   "pr_auc": round(float(average_precision_score(y[cut:], p)), 4),
                   "brier": round(float(brier_score_loss(y[cut:], p)), 6),
                   "base_rate": round(float(y[cut:].mean()), 6), "mean_score": round(float(p.mean()), 6)}
    model = _fit(X, y, C, seed, meta=meta or {})
    model["metrics"] = metrics
    return model


def _fit(X: pd.DataFrame, y: np.ndarray, C: float, seed: int, meta: dict[str, Any]) -> dict[str, Any]:
    mean = X.mean().to_numpy()
    scale = X.std(ddof=0).replace(0.0, 1.0).to_numpy()
    Z = (X.to_numpy(dtype=float) - mean) / scale
    cv = int(min(5, np.bincount(y).min()))
    cal = CalibratedClassifierCV(LogisticRegression(C=C, max_iter=2000, random_state=seed), method="sigmoid",
                                 cv=max(cv, 2), ensemble=False)
    cal.fit(Z, y)
    inner = cal.calibrated_classifiers_[0]
    lr, platt = inner.estimator, inner.calibrators[0]
    data = data_hash(X, y)
    settings = {"C": C, "seed": seed, "calibration": "sigmoid"}
    version = hashlib.sha256(json.dumps([data, list(X.columns), settings]).encode()).hexdigest()[:12]
    return {
        "format": FORMAT, "version": f"risk-{version}", "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data_hash": data, "rows": len(X), "positive": int(y.sum()), "features": list(X.columns),
        "mean": mean.tolist(), "scale": scale.tolist(), "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]), "platt": {"a": float(platt.a_), "b": float(platt.b_)},
        "settings": settings, **meta,
    }


def score(model: dict[str, Any], X: pd.DataFrame, *, top: int = 5) -> pd.DataFrame:
    """Calibrated ``score`` per row, its ``logit``, the ``base`` logit, one ``c:<feature>`` contribution
    column per feature (``base + sum(c:*) == logit``) and ``reasons``: JSON of the ``top`` largest
    contributions (feature, value, contribution)."""
    feats = model["features"]
    missing = [f for f in feats if f not in X.columns]
    if missing:
        raise ModelError(f"features missing for model {model['version']}", field=missing[0])
    raw = X[feats].to_numpy(dtype=float)
    Z = (raw - np.asarray(model["mean"])) / np.asarray(model["scale"])
    a, b = model["platt"]["a"], model["platt"]["b"]
    contrib = -a * Z * np.asarray(model["coef"])
    base = -a * model["intercept"] - b
    logit = base + contrib.sum(axis=1)
    out = pd.DataFrame({"score": 1.0 / (1.0 + np.exp(-logit)), "logit": logit, "base": base}, index=X.index)
    cols = pd.DataFrame(contrib, index=X.index, columns=[f"c:{f}" for f in feats])
    order = np.argsort(-np.abs(contrib), axis=1)[:, :top]
    out["reasons"] = [json.dumps([{"feature": feats[j], "value": raw[i, j], "contribution": round(contrib[i, j], 4)}
                                  for j in order[i] if contrib[i, j] != 0.0]) for i in range(len(X))]
    return pd.concat([out, cols], axis=1)


def save(model: dict[str, Any], path: str | Path) -> Path:
    """Write a model file; an existing file is never replaced (a model does not change in place)."""
    path = Path(path)
    if path.exists():
        raise ModelError("a model file is never overwritten: choose a new --out", file=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=2), encoding="utf-8")
    return path


def load(path: str | Path) -> dict[str, Any]:
    """Read a model file and check its format and fields."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ModelError(f"not a {FORMAT} file", file=str(path), field="format", value=data.get("format"))
    n = len(data.get("features", []))
    for key in ("mean", "scale", "coef"):
        if len(data.get(key, [])) != n:
            raise ModelError("fields disagree with the feature list", file=str(path), field=key)
    return dict(data)
