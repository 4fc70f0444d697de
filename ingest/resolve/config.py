"""Run configuration and result of identity resolution.

``ResolveConfig`` holds the thresholds and the comparison model (which columns are compared, and how);
``Resolution`` is what :func:`ingest.resolve.resolve_identities` returns: four DataFrames.

>>> ResolveConfig().match_probability
0.9
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.errors import InvalidInputError

ASSIGNMENT_COLUMNS = ["record_ref", "person_key", "method", "confidence"]
PERSON_COLUMNS = ["person_key", "surname", "given_names", "native_name", "sex", "birth_date", "nationality"]
CANDIDATE_COLUMNS = ["person_key_a", "person_key_b", "score", "reasons"]
FINDING_COLUMNS = ["kind", "person_key", "doc_issuer", "doc_number", "detail"]


class ResolveError(InvalidInputError):
    """The records handed to identity resolution cannot be resolved (a required column missing, a record
    reference used twice); names the field and the offending value."""


@dataclass(frozen=True)
class ExtraComparison:
    """One more column to compare (beyond the person fields), e.g. FEBRL's ``soc_sec_id`` or ``postcode``.

    ``kind``: ``"fuzzy"`` (exact / Jaro-Winkler >= 0.92 / >= 0.8 / else), ``"exact"`` (equal / not) or
    ``"identifier"`` (exact / one character off / else; for numbers that carry typos).
    """

    column: str
    kind: str = "fuzzy"


@dataclass(frozen=True)
class ResolveConfig:
    """Thresholds and model of identity resolution (run configuration: saved beside a run).

    * ``match_probability``: a pair at or above it is the same person (merged);
    * ``candidate_probability``: a pair at or above it, but below the match threshold, is a
      ``POSSIBLY_SAME_AS`` candidate for a human to confirm;
    * ``prior_log2``: log2 prior odds that two blocked records are the same person;
    * ``extra``: more columns to compare (present in ``records``);
    * ``train``: estimate the model from the data (u from random pairs, m by EM over blocked pairs) instead
      of the built-in person-record defaults (which keep resolution stable when records are added);
    * ``blocking``: extra blocking rules (tuples of profile columns: the record columns, extra ones included,
      and the keys ``surname_l``, ``given_l``, ``name_key``, ``variant``, ``compact``, ``surname_sk``,
      ``given_sk``, ``year``, ``year_month``, ``doc_key``), added to the built-in ones;
    * ``max_block``: blocks larger than this are split by name key (a guard against common values);
    * ``many_documents``: a person holding at least this many documents is a finding;
    * ``concurrent_days``: two documents of one issuer and type, each seen more than this many days after
      the other's first use, were in use at the same time: their holders are two persons
      (:mod:`ingest.resolve.conflicts`).
    """

    match_probability: float = 0.9
    candidate_probability: float = 0.2
    prior_log2: float = -14.0
    extra: tuple[ExtraComparison, ...] = ()
    train: bool = False
    blocking: tuple[tuple[str, ...], ...] = ()
    max_block: int = 400
    many_documents: int = 4
    concurrent_days: float = 7.0
    seed: int = 7


@dataclass
class Resolution:
    """Result of identity resolution: ``assignments`` (record -> person), ``persons`` (one representative
    row per person), ``candidates`` (person pairs below the match threshold, for a human) and ``findings``
    (document conflicts); ``person_of``: per assignment row, the row of its person in ``persons`` (integers:
    callers group records by person without hashing the keys again)."""

    assignments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ASSIGNMENT_COLUMNS))
    persons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PERSON_COLUMNS))
    candidates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CANDIDATE_COLUMNS))
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    person_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
