"""The evaluation's measures count ties fairly, and the rules-only baseline scores people by the rules alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analytics.baselines import RULE_SEVERITY, rules_only
from analytics.evaluate import _confounders, _metrics, expected_hits
from analytics.projection import project
from graph.store import open_store
from tests.analytics.test_features import P1, P2, load_history

MRZ_RULE = """rules:
  - id: MRZ-CHECK-DIGIT
    version: 1
    owner: unit
    effective_from: 2023-01-01
    description: A check digit of the presented MRZ is wrong.
    severity: HIGH
    condition: {feature: mrz_check_failed, op: is_true}
"""


def test_a_ranker_that_scores_everybody_alike_gets_the_base_rate_not_the_luck_of_the_order() -> None:
    labels = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    m = _metrics(labels, np.zeros(10))
    assert m["r_precision"] == pytest.approx(0.2) and m["precision_at_100"] == pytest.approx(0.2)


def test_a_perfect_ranker_has_r_precision_one() -> None:
    labels = np.array([0, 1, 0, 1, 0])
    m = _metrics(labels, np.array([0.1, 0.9, 0.2, 0.8, 0.0]))
    assert m["r_precision"] == 1.0 and m["pr_auc"] == 1.0 and m["recall_at_100"] == 1.0


def test_ties_at_the_cut_share_their_places() -> None:
    assert expected_hits(np.array([1, 0, 0, 1]), np.array([3.0, 2.0, 2.0, 2.0]), 2) == pytest.approx(1 + 1 / 3)


def test_confounders_are_compared_with_what_chance_would_place_in_the_top() -> None:
    risky = np.array([True] + [False] * 9)
    conf = np.array([False, True, True] + [False] * 7)
    out = _confounders(risky, conf, np.arange(10, 0, -1, dtype=float))  # everybody in the top 100
    assert out == {"confounders_top_100": 2.0, "confounders_by_chance": 2.0}


def test_the_rules_only_baseline_sums_the_severity_of_the_rules_a_person_hits(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(MRZ_RULE)
    with open_store(tmp_path / "g.duckdb") as st:
        load_history(st)
        proj = project(st)
        scores = rules_only(st, proj, [P1, P2], rules)
        p1, p2 = proj.index([P1, P2])
    assert scores[p2] == RULE_SEVERITY["HIGH"] and scores[p1] == 0.0
    assert scores.sum() == RULE_SEVERITY["HIGH"]


def test_the_report_writes_tables_scores_and_plots(tmp_path: Path) -> None:
    import json

    import pandas as pd

    from analytics.evaluate import Evaluation, write_report

    ev = Evaluation(travellers={"propagation": _metrics(np.array([1, 0, 0]), np.array([0.9, 0.1, 0.2]))})
    ev.arrivals = pd.DataFrame({"risky": [True, False, False], "group": ["risky", "confounder", "other"],
                                "propagation": [0.9, 0.1, 0.2], "degree": [1.0, 3.0, 2.0]}, index=["a", "b", "c"])
    md = write_report(ev, tmp_path).read_text()
    assert "| propagation | 1 | 3 | 1.0 |" in md and "evaluation_pr.png" in md
    written = {p.name for p in tmp_path.iterdir()}
    assert {"evaluation_pr.png", "evaluation_scores.png", "evaluation_arrivals.csv"} <= written
    assert "arrivals" not in json.loads((tmp_path / "evaluation_graph.json").read_text())


def test_the_riskiest_people_count_scheme_members_and_confounders_apart(tmp_path: Path) -> None:
    import pandas as pd

    from analytics.evaluate import _riskiest_people

    pd.DataFrame({"person_id": [f"P{i}" for i in range(10)]}).to_csv(tmp_path / "persons.csv", index=False)
    pd.DataFrame({"scheme_id": ["R1"], "scheme_type": ["RING"], "person_id": ["P0"], "role": ["COURIER"]}).to_csv(
        tmp_path / "scheme_members.csv", index=False)
    kinds = pd.Series({"P1": "FAMILY", "P2": "FAMILY", "P0": "FAMILY"})
    score = pd.Series({f"P{i}": 10.0 - i for i in range(10)})
    out = _riskiest_people(score, kinds, tmp_path, k=3)
    assert (out["scheme_members"], out["confounders"], out["listed"]) == (1, 2, {"P1": "FAMILY", "P2": "FAMILY"})
    assert out["confounders_by_chance"] == pytest.approx(2 * 2 / 9, abs=0.01)


def test_an_unknown_baseline_is_refused_by_name() -> None:
    from analytics.evaluate import check_baselines
    from graph.errors import ClueGraphError

    with pytest.raises(ClueGraphError, match="pagerank"):
        check_baselines(["degree", "pagerank"])


def test_the_report_names_the_baselines_left_out(tmp_path: Path) -> None:
    from analytics.evaluate import Evaluation, write_report

    ev = Evaluation(travellers={"propagation": _metrics(np.array([1, 0]), np.array([0.9, 0.1])),
                                "degree": _metrics(np.array([1, 0]), np.array([0.1, 0.9]))},
                    run={"baselines": "degree"})
    md = write_report(ev, tmp_path).read_text()
    assert "Baselines not run (left out with --baselines): rules_only, networkx_pagerank" in md
