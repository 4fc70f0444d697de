"""One score per traveller from its parts (screening, graph risk, targeting rules, model), each in [0, 1]
with its own reasons: a weighted noisy-OR, ``1 - prod(1 - weight * part)``, so any strong part alone makes
a traveller stand out and weak parts add up without ever passing 1. Reasons are ordered by how much each
part contributed, strongest first."""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Decimal places of every score written: the same inputs give the same bytes on any machine.
PLACES = 6


def combine(parts: Mapping[str, pd.DataFrame], weights: Mapping[str, float], index: pd.Index) -> pd.DataFrame:
    """``score`` and ``reasons`` (a JSON list) per row of ``index`` from ``parts``: one frame per part,
    indexed like ``index``, with columns ``score`` (0..1) and ``reasons`` (a list of dicts with ``text``).

    >>> idx = pd.Index(["a", "b"])
    >>> parts = {"screening": pd.DataFrame({"score": [0.9, 0.0], "reasons": [[{"text": "watchlist"}], []]}, index=idx),
    ...          "rules": pd.DataFrame({"score": [0.0, 0.5], "reasons": [[], [{"text": "cash"}]]}, index=idx)}
    >>> out = combine(parts, {"screening": 1.0, "rules": 0.5}, idx)
    >>> out["score"].tolist()
    [0.9, 0.25]
    >>> json.loads(out.loc["b", "reasons"])[0]["part"]
    'rules'
    """
    keep = np.ones(len(index))
    contributions: dict[str, np.ndarray] = {}
    for name, part in parts.items():
        s = part["score"].reindex(index).fillna(0.0).clip(0.0, 1.0).to_numpy(dtype=float)
        c = float(weights.get(name, 0.0)) * s
        contributions[name] = c
        keep *= 1.0 - c
    score = np.round(1.0 - keep, PLACES)
    names = sorted(parts)
    given = {n: parts[n]["reasons"].reindex(index).tolist() for n in names}
    strength = np.column_stack([contributions[n] for n in names]) if names else np.zeros((len(index), 0))
    reasons = []
    for i, row in enumerate(strength.tolist()):
        items = []
        for c, name in sorted(((-c, n) for c, n in zip(row, names, strict=True) if c > 0.0)):
            for r in given[name][i] if isinstance(given[name][i], list) else ():
                items.append({"part": name, "contribution": round(-c, PLACES), **r})
        reasons.append(json.dumps(items, ensure_ascii=False, sort_keys=True) if items else "[]")
    return pd.DataFrame({"score": score, "reasons": reasons}, index=index)


def reasons_text(reasons_json: str, *, limit: int = 4) -> str:
    """The first ``limit`` reasons of a JSON list as one line for a table cell.

    >>> reasons_text('[{"part": "rules", "text": "cash"}, {"part": "graph", "text": "near case C-1"}]')
    'rules: cash; graph: near case C-1'
    """
    items = json.loads(reasons_json)
    text = [f"{r['part']}: {r['text']}" for r in items[:limit]]
    more = len(items) - limit
    return "; ".join(text) + (f"; +{more} more" if more > 0 else "")
