"""The baselines the risk ranking is measured against in the same run (issue 6, acceptance item 1): targeting
rules alone, degree centrality and plain (not personalised) PageRank, each a score per projection node.

- **rules only**: every targeting rule of ``data/rules.yaml`` (``analytics.rules``) applied to every event of
  the people asked about (their past crossings and their advance bookings, ``analytics.features``), within
  each rule's effective dates; a person scores the summed severity (LOW 1, MEDIUM 2, HIGH 3, CRITICAL 4) of
  the distinct rules that hit any of their events. The rules see what the border sees about one traveller,
  nothing of the graph around them.
- **degree**: the number of links of the node in the projection.
- **plain PageRank**: ``networkx.pagerank`` on the projection's weighted, symmetric matrix, unweighted links,
  no personalisation: how central a node is, not how close to known risk.

>>> RULE_SEVERITY["HIGH"] > RULE_SEVERITY["MEDIUM"]
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.projection import Projection
from graph.store import GraphStore

#: Points per rule severity in the rules-only score.
RULE_SEVERITY = {"LOW": 1.0, "MEDIUM": 2.0, "HIGH": 3.0, "CRITICAL": 4.0}


def rules_only(
    store: GraphStore, proj: Projection, persons: Sequence[str], rules_path: Path | None = None
) -> np.ndarray:
    """Per projection node: the summed severity of the distinct rules hitting any event of ``persons``
    (node ids; every other node scores 0). ``rules_path`` defaults to ``data/rules.yaml``."""
    from analytics.features import build_features
    from analytics.rules import DEFAULT_RULES, apply_rules, load_rules

    rules = load_rules(rules_path or DEFAULT_RULES)
    scores = np.zeros(proj.n_nodes)
    if not persons or not rules:
        return scores
    events = build_features(store, persons=list(persons))
    if events.empty:
        return scores
    hits = apply_rules(events, rules)
    weight = {r.id: RULE_SEVERITY.get(r.severity, 1.0) for r in rules}
    per = hits.assign(person_id=events["person_id"].to_numpy()).dropna(subset=["person_id"])
    per = per.groupby("person_id")[list(hits.columns)].any()
    total = (per * pd.Series(weight)[per.columns]).sum(axis=1)
    total = total[total > 0]
    if len(total):
        scores[proj.index(list(total.index))] = total.to_numpy()
    return scores


def degree(proj: Projection) -> np.ndarray:
    """Links per node."""
    return proj.degree().astype(float)


def plain_pagerank(proj: Projection) -> np.ndarray:
    """``networkx.pagerank`` (links unweighted, no personalisation) per node."""
    import networkx as nx

    graph = nx.from_scipy_sparse_array(proj.matrix())
    plain = nx.pagerank(graph, weight=None)
    return np.array([plain[i] for i in range(proj.n_nodes)])
