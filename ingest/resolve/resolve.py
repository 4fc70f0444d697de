"""``resolve_identities``: person-bearing records -> persons, candidate pairs and document findings.

Steps (all whole-array): distinct profiles of the records (:mod:`.profiles`); candidate pairs by blocking
(:mod:`.blocking`); comparison levels and Fellegi-Sunter scores (:mod:`.compare`, :mod:`.model`); the
deterministic rule (same document issuer + number, name and birth date compatible) and the probabilistic
one (match probability at or above the threshold) give edges; persons are their connected components
(:mod:`.cluster`), rebuilt where a component holds documents that cannot be one person's: two passports of
one country in use at the same time, confirmed different sexes or birth dates (:mod:`.conflicts`);
partial-date profiles are attached only where unambiguous; a name-only record joins the one person of its
booking with its name when the records' bookings are given (:mod:`.bookings`); candidates and findings last
(:mod:`.findings`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.resolve import cluster, conflicts, findings, model
from ingest.resolve.arrays import sorted_unique
from ingest.resolve.blocking import PERSON_RULES, candidate_pairs, document_pairs
from ingest.resolve.bookings import join_on_bookings
from ingest.resolve.config import ASSIGNMENT_COLUMNS, PERSON_COLUMNS, Resolution, ResolveConfig
from ingest.resolve.profiles import (
    IDENTITY_COLUMNS,
    Records,
    add_keys,
    check_records,
    column,
    columns_of,
    profile_codes,
    references,
)

#: column that keeps records without birth date and document apart: a name alone is nobody's identity.
SOLO = "_solo"
#: name levels (and birth date levels) under which a shared document joins two profiles.
DOC_NAME_OK, DOC_DATE_OK = 3, 2


def resolve_identities(records: Records, *, config: ResolveConfig | None = None,
                       bookings: np.ndarray | None = None) -> Resolution:
    """Resolve records (one row per person-bearing record; a DataFrame or an Arrow table of text columns)
    into persons. ``bookings``, when given, is each record's booking as an integer code (-1: none): a
    name-only record then joins the one person of its booking with its name (:mod:`.bookings`).

    >>> recs = pd.DataFrame({"record_ref": ["r1", "r2", "r3"], "surname": ["ZHANG", "CHANG", "ZHANG"],
    ...     "given_names": ["WEI", "WEI", "WEI"], "native_name": ["", "", ""], "sex": ["M", "M", "M"],
    ...     "birth_date": ["1980-05-01", "1980-05-01", "1981-02-11"], "nationality": ["CHN"] * 3,
    ...     "doc_type": ["P"] * 3, "doc_issuer": ["CHN"] * 3, "doc_number": ["E1", "E2", "E3"],
    ...     "seen": ["2025-01-01T00:00:00"] * 3})
    >>> res = resolve_identities(recs)
    >>> res.assignments["person_key"].nunique()
    2
    """
    config = config or ResolveConfig()
    extra = [e.column for e in config.extra if e.column not in IDENTITY_COLUMNS]
    refs = references(records) if "record_ref" in columns_of(records) else np.zeros(0, dtype=object)
    check_records(records, refs, extra)
    columns = [*IDENTITY_COLUMNS, *extra, SOLO]
    p, codes = profile_codes(records, refs, columns[:-1], SOLO)
    add_keys(p)
    counts = np.bincount(codes, minlength=len(p))
    comps, i, j, levels, score = _score_pairs(p, counts, config)
    days = conflicts.seen_days(column(records, "seen"))
    spans = conflicts.document_spans(p, codes, days, counts)
    labels, method, conf, ambiguous = _cluster(p, i, j, levels, score, spans, config)
    if bookings is not None:
        labels, joined = join_on_bookings(labels, p, codes, bookings, SOLO)
        method[joined], conf[joined] = "booking", 1.0
        # a record its booking identified is no longer a namesake's candidate
        keep = ~(joined[i] | joined[j])
        i, j, levels, score = i[keep], j[keep], levels[keep], score[keep]
        ambiguous = ambiguous[~joined[ambiguous["x"].to_numpy(dtype=np.int64)]] if len(ambiguous) else ambiguous
    keys = cluster.person_keys(p, labels, columns, prefer=(p[SOLO] == "").to_numpy())
    assignments = pd.DataFrame(
        {
            "record_ref": refs,
            "person_key": keys[codes],
            "method": method[codes],
            "confidence": conf[codes],
        }
    )[ASSIGNMENT_COLUMNS]
    persons, row = cluster.representatives(p, labels, keys, counts, PERSON_COLUMNS[1:])
    cands = findings.candidates(comps, levels, score, i, j, keys, ambiguous, config)
    found = findings.document_findings(p, keys, config)
    return Resolution(assignments=assignments, persons=persons[PERSON_COLUMNS], candidates=cands, findings=found,
                      person_of=row[codes])


def _score_pairs(
    p: pd.DataFrame, counts: np.ndarray, config: ResolveConfig
) -> tuple[tuple[model.Comparison, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Document pairs first (their compatible ones make groups), then the person blocks between groups;
    levels and scores of all of them (the model trained here when the config asks)."""
    comps = model.build_model(config)
    di, dj = document_pairs(p, counts)
    dlv = model.level_matrix(comps, p, di, dj)
    doc_ok = _doc_compatible(dlv)
    groups = cluster.components(len(p), di[doc_ok], dj[doc_ok])
    pi, pj = candidate_pairs(p, PERSON_RULES + config.blocking, groups, max_block=config.max_block)
    i, j = np.concatenate([di, pi]), np.concatenate([dj, pj])
    levels = np.concatenate([dlv, model.level_matrix(comps, p, pi, pj)])
    prior = config.prior_log2
    if config.train and len(i):
        comps = model.estimate_u(comps, p, counts.astype(float), n=200_000, seed=config.seed)
        comps, lam = model.estimate_m(comps, levels, prior)
        prior = float(np.log2(lam / (1 - lam)))
    score = model.scores(comps, levels, prior) + _name_frequency(p, i, j, levels[:, 0], comps[0])
    return comps, i, j, levels, score


def _doc_compatible(levels: np.ndarray) -> np.ndarray:
    """The deterministic rule on pairs sharing a document: name and birth date compatible. A missing value
    (-1) is compatible; the same full birth date vouches for a romanisation with nothing in common."""
    name_lv, date_lv = levels[:, 0], levels[:, 1]
    return ((name_lv <= DOC_NAME_OK) & (date_lv <= DOC_DATE_OK)) | (date_lv == 0)


def _cluster(
    p: pd.DataFrame,
    i: np.ndarray,
    j: np.ndarray,
    levels: np.ndarray,
    score: np.ndarray,
    spans: pd.DataFrame,
    config: ResolveConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    n = len(p)
    doc_lv = levels[:, 4]
    same_doc = doc_lv == 0
    doc_edge = same_doc & _doc_compatible(levels)
    prob = model.probability(score)
    match = (prob >= config.match_probability) & ~same_doc
    full = p["dob_full"].to_numpy()
    bare = p["bare"].to_numpy()
    nameless = doc_edge & (bare[i] | bare[j])  # a record naming its person by the document alone
    strong = (doc_edge & ~nameless) | (match & full[i] & full[j])
    labels = cluster.components(n, i[strong], j[strong])
    sure, prob_strong = strong & doc_edge, strong & ~doc_edge
    heads = conflicts.separate(labels, (i[sure], j[sure]), (i[prob_strong], j[prob_strong], score[prob_strong]),
                               spans, config.concurrent_days)  # fmt: skip
    labels = cluster.components(n, np.arange(n), heads)
    weak = match & ~strong
    labels, ambiguous = cluster.attach(labels, full, i[weak], j[weak], score[weak])
    labels = cluster.attach_by_document(labels, bare, pd.factorize(p["doc_key"].replace("", None))[0])
    method = np.full(n, "single", dtype=object)
    conf = np.ones(n)
    joined = strong | weak | nameless
    ok = joined & (labels[i] == labels[j])
    pr = pd.DataFrame(
        {
            "x": np.concatenate([i[ok], j[ok]]),
            "p": np.concatenate([prob[ok], prob[ok]]),
            "d": np.concatenate([doc_edge[ok], doc_edge[ok]]),
        }
    )
    by = pr.groupby("x").agg(p=("p", "max"), d=("d", "max"))
    idx = by.index.to_numpy()
    method[idx] = np.where(by["d"].to_numpy(), "document", "probabilistic")
    conf[idx] = np.where(by["d"].to_numpy(), 1.0, by["p"].to_numpy())
    return labels, method, conf, ambiguous


def _name_frequency(
    p: pd.DataFrame, i: np.ndarray, j: np.ndarray, name_lv: np.ndarray, name: model.Comparison
) -> np.ndarray:
    """Term-frequency adjustment of agreeing names: a name many people carry (SANTOS JOSE, WONG WAI WAI) is
    weaker evidence than a rare one. People per name are counted as distinct full birth dates among the
    profiles with that name; u of the level becomes ``max(u, (people - 2) / all people)``."""
    adjust = np.zeros(len(i))
    full = p["dob_full"].to_numpy()
    date = pd.factorize(p["birth_date"].to_numpy()[full])[0].astype(np.int64)
    codes = {key: pd.factorize(p[key].to_numpy())[0].astype(np.int64) for key in ("name_key", "variant")}
    total = max(len(_distinct_pairs(codes["name_key"][full], date)), 1)
    for level, key in ((0, "name_key"), (1, "variant")):
        per = np.bincount(_distinct_pairs(codes[key][full], date), minlength=int(codes[key].max(initial=-1)) + 1)
        sel = name_lv == level
        n = per[codes[key][i[sel]]]
        n = np.where(n == 0, 1, n)  # a name no dated profile carries counts as one person
        u_tf = np.maximum(name.u[level], (n - 2) / total)  # the pair itself may be two of the dates
        adjust[sel] = np.log2(name.u[level] / u_tf)
    return adjust


def _distinct_pairs(key: np.ndarray, date: np.ndarray) -> np.ndarray:
    """The key of each distinct (key, date) pair of integer codes."""
    width = int(date.max(initial=0)) + 1
    return sorted_unique(key * width + date) // width
