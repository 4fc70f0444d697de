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

from ingest.resolve.arrays import sorted_unique
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
    keep = (prob >= config.candidate_probability) & ~doc_conflict
    if len(ambiguous):
        x = ambiguous["x"].to_numpy()
        keep |= (np.isin(i, x) | np.isin(j, x)) & (prob >= config.match_probability)
    at = np.flatnonzero(keep)  # keys compared only here: most pairs score below the candidate threshold
    keep[at] = keys[i[at]] != keys[j[at]]
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
    held = _held(p, keys)
    out = [_shared(held), _per_person(held, config)]
    frame = (
        pd.concat([f for f in out if len(f)], ignore_index=True)
        if any(len(f) for f in out)
        else pd.DataFrame(columns=FINDING_COLUMNS)
    )
    return frame[FINDING_COLUMNS].sort_values(["kind", "person_key", "doc_issuer", "doc_number"]).reset_index(drop=True)


def _held(p: pd.DataFrame, keys: np.ndarray) -> pd.DataFrame:
    """One row per (person, document) held, its first profile's name and birth date; integer codes ``pc``
    (person) and ``dc`` (document) beside the text. A record naming nobody but the document (kept apart
    where the holders disagree) is not one more user of a shared document."""
    doc_key = p["doc_key"].to_numpy()
    sel = np.flatnonzero((doc_key != "") & ~p["bare"].to_numpy())
    pc = pd.factorize(keys[sel])[0].astype(np.int64)
    dc = pd.factorize(doc_key[sel])[0].astype(np.int64)
    _, first = np.unique(pc * (int(dc.max(initial=0)) + 1) + dc, return_index=True)
    rows = sel[np.sort(first)]
    first = np.sort(first)
    return pd.DataFrame(
        {
            "person_key": keys[rows],
            "doc_key": doc_key[rows],
            "doc_issuer": p["doc_issuer"].to_numpy()[rows],
            "doc_number": p["doc_number"].to_numpy()[rows],
            "name": p["full"].to_numpy()[rows],
            "birth_date": p["birth_date"].to_numpy()[rows],
            "pc": pc[first],
            "dc": dc[first],
        }
    )


def _shared(held: pd.DataFrame) -> pd.DataFrame:
    dc = held["dc"].to_numpy()
    users = np.bincount(dc, minlength=int(dc.max(initial=-1)) + 1)[dc] if len(dc) else np.zeros(0, dtype=np.int64)
    rows = held[users > 1].sort_values(["doc_key", "person_key"])
    if rows.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    who = (rows["name"] + " " + rows["birth_date"]).str.strip().groupby(rows["doc_key"]).agg(", ".join)
    n = rows.groupby("doc_key")["person_key"].transform("size").astype(str)
    detail = "document used by " + n + " persons: " + rows["doc_key"].map(who)
    return rows.assign(kind="shared_document", detail=detail)


def _per_person(held: pd.DataFrame, config: ResolveConfig) -> pd.DataFrame:
    pc = held["pc"].to_numpy()
    if len(pc) == 0:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    npers = int(pc.max()) + 1
    docs = np.bincount(pc, minlength=npers)
    has = held["doc_issuer"].to_numpy() != ""
    ic = pd.factorize(held["doc_issuer"].to_numpy()[has])[0].astype(np.int64)
    pairs = sorted_unique(pc[has] * (int(ic.max(initial=0)) + 1) + ic)
    issuers = np.bincount(pairs // (int(ic.max(initial=0)) + 1), minlength=npers)
    several, many = issuers > 1, docs >= config.many_documents
    flagged = held[(several | many)[pc]].sort_values(["person_key", "doc_key"])
    if flagged.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    listed = flagged.groupby("pc", sort=False).agg(key=("person_key", "first"), listed=("doc_key", ", ".join))
    who = listed.index.to_numpy()
    frames = []
    for kind, mask, count, text in (("several_nationalities", several, issuers, "issuers"),
                                    ("many_documents", many, docs, None)):  # fmt: skip
        sel = mask[who]
        n = count[who[sel]].astype(str).astype(object)
        body = listed["listed"].to_numpy()[sel]
        detail = ("documents of " + n + " issuers: " + body) if text else (n + " documents: " + body)
        frames.append(pd.DataFrame({"kind": kind, "person_key": listed["key"].to_numpy()[sel], "doc_issuer": "",
                                    "doc_number": "", "detail": detail}))  # fmt: skip
    return pd.concat(frames, ignore_index=True)[FINDING_COLUMNS]
