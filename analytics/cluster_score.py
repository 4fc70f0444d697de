"""Scores of clue clusters from explained features, each feature in 0..1 with the words that explain it.

Features (weights in ``analytics.clusters.FEATURE_WEIGHTS``):

- ``shared_identifiers``: specific identifiers the people share, per person;
- ``seeds``: known risk inside (watchlist hits, case subjects, flagged identifiers, document conflicts);
- ``prior_cases``: share of the people who are subjects of a case;
- ``document_conflicts``: people holding a document that someone else holds too;
- ``one_payer_many``: one card paying for many of the people (damped when a common employer explains it);
- ``repeated_co_travel``: pairs of people who travelled together repeatedly, per person;
- ``recency``: ``0.5 ** (age of the newest link / half-life)``.

Refusals and other crossing outcomes are not in the projection (they are properties of crossings) and so
are not a feature here; the risk model uses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.projection import Projection


def _per_community(members: pd.DataFrame, values: np.ndarray, how: str = "sum") -> pd.Series:
    frame = pd.DataFrame({"community": members["community"].to_numpy(), "v": values})
    return frame.groupby("community")["v"].agg(how)


def _payers(proj: Projection, members: pd.DataFrame) -> pd.DataFrame:
    """Per community: the most people one member card paid for."""
    booked = proj.edges_of("BOOKED")
    paid = proj.edges_of("PAID_BY")
    trips = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]}).merge(
        pd.DataFrame({"b": proj.src[paid], "card": proj.dst[paid]}), on="b"
    )
    com = members.set_index("index")["community"]
    trips = trips[trips["card"].isin(com.index) & trips["p"].isin(com.index)]
    trips = trips[com.reindex(trips["card"]).to_numpy() == com.reindex(trips["p"]).to_numpy()]
    per_card = trips.drop_duplicates(["card", "p"]).groupby("card").size()
    frame = pd.DataFrame({"card": per_card.index, "n": per_card.to_numpy()})
    frame["community"] = com.reindex(frame["card"]).to_numpy()
    return frame.sort_values("n", ascending=False).drop_duplicates("community").set_index("community")


def _employer_share(proj: Projection, members: pd.DataFrame) -> pd.Series:
    works = proj.edges_of("WORKS_FOR")
    com = members.set_index("index")["community"]
    emp = pd.DataFrame({"p": proj.src[works], "org": proj.dst[works]})
    emp = emp[emp["p"].isin(com.index)]
    emp["community"] = com.reindex(emp["p"]).to_numpy()
    top = emp.drop_duplicates(["p", "org"]).groupby(["community", "org"]).size().groupby("community").max()
    persons = members[members["person"]].groupby("community").size()
    return (top / persons).reindex(persons.index).fillna(0.0)


def _co_travel(proj: Projection, members: pd.DataFrame, config: RunConfig) -> pd.Series:
    from analytics.clusters import _co_travel_pairs

    pairs = _co_travel_pairs(proj, config)
    com = members.set_index("index")["community"]
    inside = pairs[pairs["p"].isin(com.index) & pairs["i"].isin(com.index)]
    same = com.reindex(inside["p"]).to_numpy() == com.reindex(inside["i"]).to_numpy()
    return pd.Series(com.reindex(inside["p"]).to_numpy()[same]).value_counts()


def _newest_age(proj: Projection, members: pd.DataFrame) -> pd.Series:
    age = np.full(proj.n_nodes, np.inf)
    ages = np.where(np.isnan(proj.age_days), np.inf, proj.age_days)
    np.minimum.at(age, proj.src, ages)
    np.minimum.at(age, proj.dst, ages)
    return _per_community(members, age[members["index"].to_numpy()], "min")


def features(
    proj: Projection, spec: np.ndarray, seeds: pd.DataFrame, members: pd.DataFrame, config: RunConfig
) -> pd.DataFrame:
    """One row per community: its size and the raw and 0..1 values of every feature."""
    idx = members["index"].to_numpy()
    person = members["person"].to_numpy()
    n = _per_community(members, person.astype(float))
    out = pd.DataFrame({"size": n.astype(int)})
    out["shared_raw"] = _per_community(members, np.where(person, 0.0, spec[idx]))
    seed_w = (
        np.bincount(seeds["index"].astype(np.int64), weights=seeds["weight"], minlength=proj.n_nodes)
        if len(seeds)
        else np.zeros(proj.n_nodes)
    )
    out["seeds_raw"] = _per_community(members, seed_w[idx])
    kind_at = {k: set(seeds.loc[seeds["kind"] == k, "index"].astype(int)) for k in seeds["kind"].unique()}
    subjects = np.isin(idx, list(kind_at.get("case_subject", set())) + list(kind_at.get("watchlist", set())))
    out["cases_raw"] = _per_community(members, (subjects & person).astype(float))
    conflicted = np.zeros(proj.n_nodes, dtype=bool)
    conflicted[list(kind_at.get("document_conflict", set()))] = True
    holds = proj.edges_of("HOLDS")
    holders = np.zeros(proj.n_nodes, dtype=bool)
    holders[proj.src[holds][conflicted[proj.dst[holds]]]] = True
    out["conflicts_raw"] = _per_community(members, (holders[idx] & person).astype(float))
    payers = _payers(proj, members)
    out["payer_raw"] = payers["n"].reindex(out.index).fillna(0)
    out["employer_share"] = _employer_share(proj, members).reindex(out.index).fillna(0.0)
    out["co_travel_raw"] = _co_travel(proj, members, config).reindex(out.index).fillna(0)
    out["age_days"] = _newest_age(proj, members).reindex(out.index)
    size = out["size"].clip(lower=1)
    out["shared_identifiers"] = (2 * out["shared_raw"] / size).clip(0, 1)
    out["seeds"] = out["seeds_raw"].clip(0, 1)
    out["prior_cases"] = (out["cases_raw"] / size).clip(0, 1)
    out["document_conflicts"] = (out["conflicts_raw"] / size * 2).clip(0, 1)
    damp = np.where(out["employer_share"] >= 0.5, 0.2, 1.0)
    out["one_payer_many"] = ((out["payer_raw"] - 2).clip(lower=0) / 10).clip(0, 1) * damp
    out["repeated_co_travel"] = (out["co_travel_raw"] / size).clip(0, 1)
    half = config.decay.half_life_days
    out["recency"] = np.where(np.isfinite(out["age_days"]), np.exp2(-out["age_days"].fillna(0) / half), 0.0)
    out["payer_card"] = payers["card"].reindex(out.index)
    return out


def _reasons(row: pd.Series, seed_text: list[str]) -> list[dict[str, Any]]:
    said = {
        "shared_identifiers": f"{int(row['size'])} people share specific identifiers "
        f"(specificity sum {row['shared_raw']:.2f})",
        "seeds": f"known risk inside: {'; '.join(seed_text[:3])}" if seed_text else "no known risk inside",
        "prior_cases": f"{int(row['cases_raw'])} of the people are case subjects or watchlisted",
        "document_conflicts": f"{int(row['conflicts_raw'])} of the people hold a document someone else holds",
        "one_payer_many": f"one card paid for {int(row['payer_raw'])} of the people"
        + (" (most work for one employer)" if row["employer_share"] >= 0.5 else ""),
        "repeated_co_travel": f"{int(row['co_travel_raw'])} pairs travelled together repeatedly",
        "recency": f"newest link {row['age_days']:.0f} days old" if np.isfinite(row["age_days"]) else "no dated link",
    }
    from analytics.clusters import FEATURE_WEIGHTS

    reasons = [
        {"feature": f, "value": round(float(row[f]), 4), "weight": w, "text": said[f]}
        for f, w in FEATURE_WEIGHTS.items()
        if row[f] > 0
    ]
    return sorted(reasons, key=lambda r: -r["value"] * r["weight"])


def score_clusters(
    proj: Projection, spec: np.ndarray, seeds: pd.DataFrame, members: pd.DataFrame, config: RunConfig
) -> pd.DataFrame:
    """Score and rank communities: ``community``, ``size``, ``score``, ``rank``, ``reasons``, features; the
    ``clusters.top`` best."""
    from analytics.clusters import FEATURE_WEIGHTS

    feats = features(proj, spec, seeds, members, config)
    feats["score"] = sum(feats[f] * w for f, w in FEATURE_WEIGHTS.items()) / sum(FEATURE_WEIGHTS.values())
    feats = feats.reset_index().rename(columns={"index": "community"})
    feats = feats.sort_values(["score", "size", "community"], ascending=[False, False, True]).head(config.clusters.top)
    feats["rank"] = np.arange(1, len(feats) + 1)
    com_of = members.set_index("index")["community"]
    texts: dict[int, list[str]] = {}
    for i, reason in zip(seeds["index"], seeds["reason"], strict=True) if len(seeds) else []:
        if int(i) in com_of.index:
            texts.setdefault(int(com_of[int(i)]), []).append(str(reason))
    feats["reasons"] = [_reasons(row, texts.get(int(row["community"]), [])) for _, row in feats.iterrows()]
    return feats.reset_index(drop=True)
