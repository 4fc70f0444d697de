"""Scores of clue clusters from explained features, each feature in 0..1 with the words that explain it.

Features (weights in ``analytics.clusters.FEATURE_WEIGHTS``):

- ``shared_identifiers``: specific identifiers the people share, per person;
- ``seeds``: known risk inside (watchlist hits, case subjects, flagged identifiers, document conflicts);
- ``prior_cases``: share of the people who are subjects of a case;
- ``document_conflicts``: people holding a document that someone else holds too (weighed by the conflict's
  seed: two records of one person count little);
- ``one_payer_many``: one card paying separate bookings for many of the people (damped when a common employer
  explains it; one booking of a whole tour group is one payment);
- ``lodged_co_workers``: people who work for one employer and share homes with each other (three or more):
  unrelated people lodged by their employer, the pattern of an overstay network;
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
    """Per community: the most people one member card paid for in separate bookings (``n``: the fewer of its
    people and its bookings). A tour operator's card on one booking of fifty tourists is one payment; a
    facilitator's card on twenty-five bookings of twenty-five strangers is twenty-five."""
    booked = proj.edges_of("BOOKED")
    paid = proj.edges_of("PAID_BY")
    trips = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]}).merge(
        pd.DataFrame({"b": proj.src[paid], "card": proj.dst[paid]}), on="b"
    )
    com = members.set_index("index")["community"]
    trips = trips[trips["card"].isin(com.index) & trips["p"].isin(com.index)]
    trips = trips[com.reindex(trips["card"]).to_numpy() == com.reindex(trips["p"]).to_numpy()]
    per_card = trips.groupby("card").agg(people=("p", "nunique"), bookings=("b", "nunique"))
    n = np.minimum(per_card["people"], per_card["bookings"])
    frame = pd.DataFrame({"card": per_card.index, "n": n.to_numpy()})
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
    from analytics.cluster_links import co_travel_pairs

    pairs = co_travel_pairs(proj, config).rename(columns={"q": "i"})
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


def _seed_weights(proj: Projection, seeds: pd.DataFrame, kinds: tuple[str, ...] | None = None) -> np.ndarray:
    """Summed seed weight per node (of these seed kinds)."""
    if kinds is not None:
        seeds = seeds[seeds["kind"].isin(kinds)]
    if not len(seeds):
        return np.zeros(proj.n_nodes)
    return np.bincount(seeds["index"].astype(np.int64), weights=seeds["weight"], minlength=proj.n_nodes)


def _conflict_holders(proj: Projection, seeds: pd.DataFrame, config: RunConfig) -> np.ndarray:
    """Per node: 0..1, how surely it holds a document of two people (the document conflict's seed weight over
    the full one: a conflict of two records of one person weighs little)."""
    full = max(config.seeds.document_conflict, 1e-9)
    conflict = np.minimum(_seed_weights(proj, seeds, ("document_conflict",)) / full, 1.0)
    holds = proj.edges_of("HOLDS")
    out = np.zeros(proj.n_nodes)
    np.maximum.at(out, proj.src[holds], conflict[proj.dst[holds]])
    return out


def _homes_and_employer(proj: Projection, members: pd.DataFrame) -> pd.Series:
    """Per community: its people who share an employer *and* a home with other members (co-workers lodged
    together: the pattern of people kept working past their stay), counted when at least three."""
    com = members.set_index("index")["community"]
    shared = []
    for edge_type in ("WORKS_FOR", "LIVES_AT"):
        pos = proj.edges_of(edge_type)
        links = pd.DataFrame({"p": proj.src[pos], "i": proj.dst[pos]})
        links = links[links["p"].isin(com.index)].drop_duplicates()
        links["c"] = com.reindex(links["p"]).to_numpy()
        links = links[links.groupby(["i", "c"])["p"].transform("size") >= 2]
        shared.append(set(links["p"]))
    both = members[members["index"].isin(shared[0] & shared[1])].groupby("community").size()
    return both[both >= 3]


def features(
    proj: Projection, spec: np.ndarray, seeds: pd.DataFrame, members: pd.DataFrame, config: RunConfig
) -> pd.DataFrame:
    """One row per community: its size and the raw and 0..1 values of every feature."""
    idx = members["index"].to_numpy()
    person = members["person"].to_numpy()
    out = pd.DataFrame({"size": _per_community(members, person.astype(float)).astype(int)})
    out["shared_raw"] = _per_community(members, np.where(person, 0.0, spec[idx]))
    out["seeds_raw"] = _per_community(members, _seed_weights(proj, seeds)[idx])
    subjects = np.isin(idx, seeds.loc[seeds["kind"].isin(["case_subject", "watchlist"]), "index"].astype(int))
    out["cases_raw"] = _per_community(members, (subjects & person).astype(float))
    out["conflicts_raw"] = _per_community(members, np.where(person, _conflict_holders(proj, seeds, config)[idx], 0))
    payers = _payers(proj, members)
    out["payer_raw"] = payers["n"].reindex(out.index).fillna(0)
    out["employer_share"] = _employer_share(proj, members).reindex(out.index).fillna(0.0)
    out["lodged_raw"] = _homes_and_employer(proj, members).reindex(out.index).fillna(0)
    out["co_travel_raw"] = _co_travel(proj, members, config).reindex(out.index).fillna(0)
    out["age_days"] = _newest_age(proj, members).reindex(out.index)
    out["payer_card"] = payers["card"].reindex(out.index)
    return _scaled(out, config)


def _scaled(out: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """The 0..1 value of every feature from its raw value."""
    size = out["size"].clip(lower=1)
    out["shared_identifiers"] = (2 * out["shared_raw"] / size).clip(0, 1)
    out["seeds"] = out["seeds_raw"].clip(0, 1)
    out["prior_cases"] = (out["cases_raw"] / size).clip(0, 1)
    out["document_conflicts"] = (out["conflicts_raw"] / size * 2).clip(0, 1)
    damp = np.where(out["employer_share"] >= 0.5, 0.2, 1.0)
    out["one_payer_many"] = ((out["payer_raw"] - 2).clip(lower=0) / 10).clip(0, 1) * damp
    out["lodged_co_workers"] = (out["lodged_raw"] / size).clip(0, 1)
    out["repeated_co_travel"] = (out["co_travel_raw"] / size).clip(0, 1)
    half = config.decay.half_life_days
    out["recency"] = np.where(np.isfinite(out["age_days"]), np.exp2(-out["age_days"].fillna(0) / half), 0.0)
    return out


def _reasons(row: pd.Series, seed_text: list[str]) -> list[dict[str, Any]]:
    said = {
        "shared_identifiers": f"{int(row['size'])} people share specific identifiers "
        f"(specificity sum {row['shared_raw']:.2f})",
        "seeds": f"known risk inside: {'; '.join(seed_text[:3])}" if seed_text else "no known risk inside",
        "prior_cases": f"{int(row['cases_raw'])} of the people are case subjects or watchlisted",
        "document_conflicts": f"{row['conflicts_raw']:.0f} of the people hold a document someone else holds",
        "one_payer_many": f"one card paid separate bookings for {int(row['payer_raw'])} of the people"
        + (" (most work for one employer)" if row["employer_share"] >= 0.5 else ""),
        "lodged_co_workers": f"{int(row['lodged_raw'])} of the people work for one employer and share homes",
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
    reasons = [_reasons(row, texts.get(int(row["community"]), [])) for _, row in feats.iterrows()]
    feats["reasons"] = pd.Series(reasons, index=feats.index, dtype=object)
    return feats.reset_index(drop=True)
