"""Candidates (``POSSIBLY_SAME_AS``) and document findings of a resolution.

* candidate: two persons with a pair of records scoring between the candidate and the match threshold,
  or a partial-date record that fits several persons equally well; ``score`` is the best match probability,
  ``reasons`` the comparison levels of that pair (``name=variant; birth_date=compatible; ...``);
* ``shared_document``: one document (issuer + number) presented under persons the resolution keeps apart
  (a name and birth date that do not fit): a victim and an impostor, or a placeholder number;
* ``several_nationalities``: one person holding documents of more than one issuer (dual nationals, and
  people who should not have two);
* ``many_documents``: one person holding at least ``many_documents`` documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.resolve.config import CANDIDATE_COLUMNS, FINDING_COLUMNS, ResolveConfig
from ingest.resolve.model import Comparison, probability


def reasons(comps: tuple[Comparison, ...], levels: np.ndarray) -> list[str]:
    """Readable comparison levels per pair."""
    parts = []
    for k, c in enumerate(comps):
        labels = np.array([*c.labels, "missing"], dtype=object) if c.labels else None
        lv = levels[:, k]
        text = labels[lv] if labels is not None else lv.astype(str)
        parts.append(np.char.add(f"{c.name}=", text.astype(str)))
    return ["; ".join(row) for row in zip(*parts, strict=True)] if parts and len(levels) else []


def candidates(
    comps: tuple[Comparison, ...],
    levels: np.ndarray,
    score: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    keys: np.ndarray,
    ambiguous: pd.DataFrame,
    config: ResolveConfig,
) -> pd.DataFrame:
    """Person pairs below the match threshold worth a human look (best pair per person pair)."""
    prob = probability(score)
    doc_conflict = levels[:, 4] == 0
    keep = (prob >= config.candidate_probability) & (keys[i] != keys[j]) & ~doc_conflict
    amb = np.zeros(len(i), dtype=bool)
    if len(ambiguous):
        x = ambiguous["x"].to_numpy()
        amb = np.isin(i, x) | np.isin(j, x)
        amb &= (prob >= config.match_probability) & (keys[i] != keys[j])
    keep |= amb
    a, b = keys[i[keep]], keys[j[keep]]
    frame = pd.DataFrame(
        {
            "person_key_a": np.minimum(a, b),
            "person_key_b": np.maximum(a, b),
            "score": prob[keep],
            "reasons": reasons(comps, levels[keep]),
        }
    )
    frame = frame.sort_values(["person_key_a", "person_key_b", "score", "reasons"], ascending=[True, True, False, True])
    return frame.drop_duplicates(["person_key_a", "person_key_b"]).reset_index(drop=True)[CANDIDATE_COLUMNS]


def document_findings(p: pd.DataFrame, keys: np.ndarray, config: ResolveConfig) -> pd.DataFrame:
    """Shared documents, several nationalities, many documents."""
    docs = pd.DataFrame(
        {
            "person_key": keys,
            "doc_key": p["doc_key"].to_numpy(),
            "doc_issuer": p["doc_issuer"].to_numpy(),
            "doc_number": p["doc_number"].to_numpy(),
            "name": p["full"].to_numpy(),
            "birth_date": p["birth_date"].to_numpy(),
            "bare": p["bare"].to_numpy(),
        }
    )
    # a record naming nobody but the document (kept apart where the holders disagree) is not one more user
    docs = docs[(docs["doc_key"] != "") & ~docs["bare"]]
    held = docs.drop_duplicates(["person_key", "doc_key"])
    out = [_shared(held), _per_person(held, config)]
    frame = (
        pd.concat([f for f in out if len(f)], ignore_index=True)
        if any(len(f) for f in out)
        else pd.DataFrame(columns=FINDING_COLUMNS)
    )
    return frame[FINDING_COLUMNS].sort_values(["kind", "person_key", "doc_issuer", "doc_number"]).reset_index(drop=True)


def _shared(held: pd.DataFrame) -> pd.DataFrame:
    users = held.groupby("doc_key")["person_key"].transform("size")
    rows = held[users > 1].sort_values(["doc_key", "person_key"])
    if rows.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    who = (rows["name"] + " " + rows["birth_date"]).str.strip().groupby(rows["doc_key"]).agg(", ".join)
    n = rows.groupby("doc_key")["person_key"].transform("size").astype(str)
    detail = "document used by " + n + " persons: " + rows["doc_key"].map(who)
    return rows.assign(kind="shared_document", detail=detail)


def _per_person(held: pd.DataFrame, config: ResolveConfig) -> pd.DataFrame:
    issuers = held[held["doc_issuer"] != ""].groupby("person_key")["doc_issuer"].nunique()
    docs = held.groupby("person_key")["doc_key"].size()
    several = set(issuers[issuers > 1].index)
    many = set(docs[docs >= config.many_documents].index)
    flagged = held[held["person_key"].isin(several | many)].sort_values(["person_key", "doc_key"])
    rows = []
    for key, group in flagged.groupby("person_key", sort=True):
        listed = ", ".join(group["doc_key"])
        if key in several:
            rows.append(("several_nationalities", key, "", "", f"documents of {issuers[key]} issuers: {listed}"))
        if key in many:
            rows.append(("many_documents", key, "", "", f"{docs[key]} documents: {listed}"))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
