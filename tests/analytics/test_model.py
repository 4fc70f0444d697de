"""The risk model: calibrated, explained exactly (reasons add up to the logit), versioned, never in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.features import person_graph_features
from analytics.model import ModelError, labels, load, model_matrix, save, score, train
from analytics.rules import Rule
from graph.store import open_store

MRZ = Rule.from_dict({"id": "MRZ", "version": 1, "owner": "unit", "effective_from": "2025-01-01",
                      "description": "broken MRZ check digit", "severity": "HIGH",
                      "condition": {"feature": "mrz_check_failed", "op": "is_true"}})


def _history(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    """Synthetic history: adverse outcomes likelier with a broken MRZ and prior refusals."""
    rng = np.random.default_rng(seed)
    mrz = rng.random(n) < 0.05
    prior = rng.poisson(0.2, n)
    p = 1 / (1 + np.exp(-(-3.5 + 2.5 * mrz + 1.0 * prior)))
    outcome = np.where(rng.random(n) < p, "SECONDARY", "CLEARED")
    return pd.DataFrame({"person_id": [f"Person:{i % 500:016x}" for i in range(n)], "outcome": outcome,
                         "mrz_check_failed": mrz, "prior_refusals": prior,
                         "event_time": pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC")})


@pytest.fixture(scope="module")
def fitted() -> tuple[dict, pd.DataFrame, np.ndarray]:
    ev = _history()
    X, y = model_matrix(ev, [MRZ]), labels(ev)
    return train(X, y), X, y


def test_reasons_add_up_to_the_logit_of_the_score(fitted) -> None:
    model, X, _ = fitted
    out = score(model, X.head(200))
    contrib = out[[c for c in out.columns if c.startswith("c:")]].sum(axis=1)
    assert np.allclose(out["base"] + contrib, out["logit"])
    assert np.allclose(np.log(out["score"] / (1 - out["score"])), out["logit"])


def test_scores_match_what_scikit_learn_computes(fitted) -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    model, X, y = fitted
    Z = (X.to_numpy(float) - np.array(model["mean"])) / np.array(model["scale"])
    cal = CalibratedClassifierCV(LogisticRegression(max_iter=2000, random_state=0), method="sigmoid", cv=5,
                                 ensemble=False).fit(Z, y)
    assert np.allclose(cal.predict_proba(Z[:50])[:, 1], score(model, X.head(50))["score"], atol=1e-9)


def test_the_model_is_calibrated_and_learns_the_signal(fitted) -> None:
    model, X, y = fitted
    out = score(model, X)
    assert abs(out["score"].mean() - y.mean()) < 0.01
    assert model["metrics"]["roc_auc"] > 0.7
    top = out.loc[X["mrz_check_failed"] == 1].iloc[0]
    assert pd.read_json(__import__("io").StringIO(top["reasons"]))["feature"].iloc[0] in ("mrz_check_failed",
                                                                                         "rule:MRZ")


def test_model_file_is_versioned_by_its_data_and_never_overwritten(fitted, tmp_path: Path) -> None:
    model, X, y = fitted
    path = save(model, tmp_path / "m.json")
    again = load(path)
    assert again["version"] == model["version"] and again["training_data_hash"] == model["training_data_hash"]
    assert again["features"] == list(X.columns) and "roc_auc" in again["metrics"]
    with pytest.raises(ModelError, match="never overwritten"):
        save(model, path)
    other = train(X, np.roll(y, 1))
    assert other["version"] != model["version"]


def test_scoring_needs_the_model_features(fitted) -> None:
    model, X, _ = fitted
    with pytest.raises(ModelError):
        score(model, X.drop(columns=["rule:MRZ"]))


def test_one_class_history_is_refused() -> None:
    ev = _history(50).assign(outcome="CLEARED")
    with pytest.raises(ModelError, match="both"):
        train(model_matrix(ev, [MRZ]), labels(ev))


def test_graph_features_from_a_store(tmp_path: Path) -> None:
    from graph.ids import node_id

    with open_store(tmp_path / "g.duckdb") as st:
        with st.writer() as w:
            w.upsert_nodes("Person", pd.DataFrame({"person_key": ["a", "b", "c"], "risk_score": [0.5, None, 0.1]}))
            w.upsert_nodes("Phone", pd.DataFrame({"number": ["+1", "+2"]}))
            pa_, pb, pc = (node_id("Person", k) for k in "abc")
            w.upsert_edges("USES", pd.DataFrame({"src": [pa_, pb, pc], "dst": [node_id("Phone", "+1")] * 2
                                                 + [node_id("Phone", "+2")]}))
        g = person_graph_features(st)
    assert g.loc[pa_, "shared_identifiers"] == 1 and g.loc[pc, "shared_identifiers"] == 0
    assert g.loc[pa_, "degree"] == 1 and g.loc[pa_, "risk_score"] == 0.5
