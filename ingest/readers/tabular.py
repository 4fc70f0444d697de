"""Shared reading of the tabular sources (``crossings`` and the associated CSV families): CSV or Parquet in,
every column as text, one row per record with its line number, raw text and content hash.

Why a module of its own: crossings and the ten associated kinds share everything but their column lists, so
the reconciliation (read = loaded + quarantined + duplicates), the result type and the run of the column
checks over a file (``validate``) live here once. What each kind of value must look like is
``ingest.readers.tabular_checks``; reading the file into text (encodings, quoting, broken lines) is
``ingest.readers.tabular_read``; ``RawTable``, ``read_table`` and ``row_hash`` are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.errors import InvalidInputError
from ingest.errors import Deviation, Quarantined
from ingest.readers.tabular_checks import (  # noqa: F401  (re-exported: the readers import them here)
    CHECKS,
    PERSON_REF_FIELDS,
    Checked,
    Checker,
    Done,
    Field,
    _where_text,
    as_text,
    check_column,
)
from ingest.readers.tabular_read import RawTable, read_table, row_hash  # noqa: F401  (re-exported: readers import them here)


class MissingColumnError(InvalidInputError):
    """A file lacks a column its kind requires (a file-level error: nothing of it is read).

    >>> str(MissingColumnError("required column missing", file="crossings.csv", field="mode"))
    'required column missing [file crossings.csv, field mode]'
    """


@dataclass(frozen=True, slots=True)
class ReadCounts:
    """Record counts of one file; ``read == loaded + quarantined + duplicates`` always holds.

    >>> ReadCounts(read=5, loaded=3, quarantined=1, duplicates=1).reconciles
    True
    """

    read: int
    loaded: int
    quarantined: int
    duplicates: int

    @property
    def reconciles(self) -> bool:
        """Whether every record read is accounted for exactly once."""
        return self.read == self.loaded + self.quarantined + self.duplicates

    def to_dict(self) -> dict[str, int]:
        """A plain dict (for the JSON ingest report)."""
        return {"read": self.read, "loaded": self.loaded, "quarantined": self.quarantined,
                "duplicates": self.duplicates}


@dataclass(slots=True)
class ReadResult:
    """What a tabular reader returns: the loaded ``records`` (normalised, with provenance columns ``file,
    line, content_hash``), the file-level ``deviations`` and per-rule findings, the ``quarantined`` rows
    (each with its raw text) and the ``counts``."""

    records: pd.DataFrame
    deviations: list[Deviation] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    counts: ReadCounts = field(default_factory=lambda: ReadCounts(0, 0, 0, 0))
    kind: str = ""
    file: str = ""
    #: Arrow copies of some text columns of ``records`` (the same rows), for mappers that work in Arrow.
    arrow: dict[str, pa.Array] = field(default_factory=dict)


# ---------------------------------------------------------------- validation: rows, person references, result


def person_refs(cols: dict[str, pd.Series], index: pd.Index, arrow: dict[str, pa.Array] | None = None
                ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``person_ref`` (``DOC:ISSUER:NUMBER`` when issuer and number are known, else
    ``NAME:SURNAME|GIVEN NAMES|BIRTH DATE|NATIONALITY`` from the normalised name), ``doc_key`` and an error
    where neither can be made. ``arrow`` holds Arrow copies of some of the columns (used instead of them).

    >>> c = {"doc_issuer": pd.Series(["CHN", None]), "doc_number": pd.Series(["E1", None]),
    ...      "surname_norm": pd.Series([None, "LIU"]), "given_names_norm": pd.Series([None, "WEILAN"]),
    ...      "birth_date": pd.Series([None, "1982-07-00"]), "nationality": pd.Series([None, "CHN"])}
    >>> person_refs(c, pd.RangeIndex(2))[0].tolist()
    ['DOC:CHN:E1', 'NAME:LIU|WEILAN|1982-07-00|CHN']
    """
    ref: pd.Series
    doc_key: pd.Series
    try:  # in Arrow (a million rows of pandas object concatenation took seconds)
        refs, keys = _person_refs_arrow(cols, len(index), arrow or {})
        ref, doc_key = pd.Series(refs, index=index, dtype=object), pd.Series(keys, index=index, dtype=object)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column holding something other than text
        ref, doc_key = _person_refs_pandas(cols, index)
    err = _where_text(ref.isna(), "person-ref: neither a document (doc_issuer and doc_number) nor a surname "
                      "names the person")
    return ref, doc_key, err


def _person_refs_arrow(cols: dict[str, pd.Series], n: int, arrow: dict[str, pa.Array]
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``person_refs``' two columns by Arrow kernels (missing values as ``None``)."""

    def col(name: str) -> pa.Array:
        if name not in cols:
            return pa.nulls(n, pa.string())
        if name in arrow:
            return arrow[name].cast(pa.string())
        return pa.array(as_text(cols[name]).to_numpy(dtype=object), type=pa.string(), from_pandas=True)

    def filled(name: str) -> pa.Array:
        return pc.fill_null(col(name), "")

    doc_key = pc.binary_join_element_wise(col("doc_issuer"), col("doc_number"), ":")
    name = pc.binary_join_element_wise(col("surname_norm"), filled("given_names_norm"), filled("birth_date"),
                                       filled("nationality"), "|")
    ref = pc.if_else(pc.is_valid(doc_key), pc.binary_join_element_wise(pa.scalar("DOC:"), doc_key, ""),
                     pc.binary_join_element_wise(pa.scalar("NAME:"), name, ""))
    return ref.to_numpy(zero_copy_only=False), doc_key.to_numpy(zero_copy_only=False)


def _person_refs_pandas(cols: dict[str, pd.Series], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    none = pd.Series(None, index=index, dtype=object)

    def col(name: str) -> pd.Series:
        return as_text(cols[name]) if name in cols else none

    doc_key = col("doc_issuer") + ":" + col("doc_number")
    name = ("NAME:" + col("surname_norm") + "|" + col("given_names_norm").fillna("") + "|"
            + col("birth_date").fillna("") + "|" + col("nationality").fillna(""))
    return ("DOC:" + doc_key).where(doc_key.notna(), name), doc_key


def _split(error: str) -> tuple[str, str]:
    """``"rule: detail [field f, value 'v']"`` -> ``(rule, detail)``."""
    rule, _, detail = str(error).partition(": ")
    return rule, detail.split(" [field ", 1)[0]


@dataclass(slots=True)
class _Marks:
    """Sparse per-row marks of one field (errors or findings): the rows, their texts and the raw values."""

    field: str
    rows: np.ndarray
    texts: list[str]
    values: list[Any]


def _marks(name: str, texts: pd.Series, values: pd.Series, codes: np.ndarray | None = None) -> _Marks:
    """The rows with a text in ``texts``; with ``codes``, ``texts`` and ``values`` are per distinct value and
    ``codes`` gives each row's."""
    hit = texts.notna().to_numpy(dtype=bool)
    if codes is None:
        rows = np.flatnonzero(hit)
        return _Marks(name, rows, [str(t) for t in texts.iloc[rows]], values.iloc[rows].tolist())
    rows = np.flatnonzero(hit[codes])
    at = codes[rows]
    return _Marks(name, rows, [str(t) for t in texts.to_numpy(dtype=object)[at]],
                  values.to_numpy(dtype=object)[at].tolist())


def validate(raw: RawTable, fields: tuple[Field, ...], *, kind: str, person: bool = False) -> ReadResult:
    """Check every column of ``raw`` against ``fields`` as whole-column operations; quarantine the rows that
    break a rule (with their raw text), count exact duplicates, and return the normalised records.

    A required column that is absent raises :class:`MissingColumnError` (nothing of the file is read); a
    required value that is empty, an enum value outside its set, a time, date or country that does not
    parse, or (``person=True``) a row naming nobody, quarantines the row. Findings (a broken MRZ check
    digit, a phone outside the assigned ranges) stay on the record in ``findings``. Checks see the
    normalised columns before them (a phone's region comes from the normalised nationality).
    """
    table, file = raw.table, raw.file
    names = set(table.column_names)
    n = table.num_rows
    for f in fields:
        if f.name not in names and not f.optional_column:
            raise MissingColumnError(f"{kind}: required column {f.name!r} is missing", file=file, field=f.name)
    known = {f.name for f in fields}
    extra = [c for c in table.column_names if c not in known]
    devs = list(raw.deviations)
    if extra:
        devs.append(Deviation(file, "unknown-column", f"columns kept as text: {', '.join(extra)}", "info"))
    index = pd.RangeIndex(n)
    dup = pd.Series(raw.digests).duplicated().to_numpy() if n else np.zeros(0, dtype=bool)
    cols: dict[str, pd.Series] = {
        "file": pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([file])),
                          index=index),
        "line": pd.Series(raw.lines, index=index), "content_hash": raw.hashes.set_axis(index)}
    arrow: dict[str, pa.Array] = {}
    errors: list[_Marks] = []
    findings: list[_Marks] = []
    for f in fields:
        column = table.column(f.name) if f.name in names else pa.array([""] * n, pa.large_string())
        c = check_column(column, f, cols)
        cols.update(c.out)
        arrow.update(c.arrow)
        if f.required:
            errors.append(_marks(f.name, _where_text(c.values.eq(""), "required: no value"), c.values, c.codes))
        if c.error is not None:
            errors.append(_marks(f.name, c.error, c.values, c.codes))
        if c.finding is not None:
            findings.append(_marks(f.name, c.finding, c.values, c.codes))
    if person:
        cols["person_ref"], cols["doc_key"], err = person_refs(cols, index, arrow)
        errors.append(_marks("person_ref", err, cols["person_ref"]))
    found = np.full(n, None, dtype=object)
    for m in findings:
        for i, t in zip(m.rows.tolist(), m.texts, strict=True):
            found[i] = f"{m.field} {t}" if found[i] is None else f"{found[i]}; {m.field} {t}"
    cols["findings"] = pd.Series(found, index=index, dtype=object)
    for c in extra:
        cols[c] = pd.Series(table.column(c).to_pandas(), index=index, dtype=object)
    bad = np.zeros(n, dtype=bool)
    for m in errors:
        bad[m.rows] = True
    quarantined = list(raw.quarantined) + _quarantine(file, raw, errors, np.flatnonzero(bad & ~dup))
    quarantined.sort(key=lambda q: q.line or 0)
    keep = ~bad & ~dup
    records = pd.DataFrame(cols, copy=False)
    if not keep.all():
        records = records.loc[keep].reset_index(drop=True)
        mask = pa.array(keep)
        arrow = {k: v.filter(mask) for k, v in arrow.items()}
    devs.extend(_finding_deviations(file, findings, keep, raw.lines))
    if dup.any():
        devs.append(Deviation(file, "duplicate-row", f"{int(dup.sum())} exact duplicate rows counted, not loaded",
                              "info", line=int(raw.lines[np.flatnonzero(dup)[0]])))
    counts = ReadCounts(raw.read, int(keep.sum()), len(quarantined), int(dup.sum()))
    return ReadResult(records, devs, quarantined, counts, kind, file, arrow)


def _quarantine(file: str, raw: RawTable, errors: list[_Marks], rows: np.ndarray) -> list[Quarantined]:
    """One quarantined record per bad row: the first rule it broke, every error in the detail, the raw text."""
    hits: dict[int, list[tuple[str, str, Any]]] = {int(i): [] for i in rows}
    for m in errors:
        for i, t, v in zip(m.rows.tolist(), m.texts, m.values, strict=True):
            if i in hits:
                hits[i].append((m.field, t, v))
    out = []
    for i, found in hits.items():
        name, text, value = found[0]
        detail = "; ".join(f"{f}: {_split(t)[1]} ({_split(t)[0]})" for f, t, _ in found)
        out.append(Quarantined(file, _split(text)[0], detail, raw.raw(i), line=int(raw.lines[i]), field=name,
                               value=None if pd.isna(value) else str(value)))
    return out


def _finding_deviations(file: str, findings: list[_Marks], keep: np.ndarray, lines: np.ndarray) -> list[Deviation]:
    """One deviation per field and rule of the findings on loaded rows: how many, where first, an example."""
    devs = []
    for m in findings:
        groups: dict[str, list[int]] = {}
        for k, (i, t) in enumerate(zip(m.rows.tolist(), m.texts, strict=True)):
            if keep[i]:
                groups.setdefault(_split(t)[0], []).append(k)
        for rule, ks in sorted(groups.items()):
            k = ks[0]
            devs.append(Deviation(file, rule, f"{len(ks)} records, first: {_split(m.texts[k])[1]}", "warning",
                                  line=int(lines[m.rows[k]]), field=m.field, value=str(m.values[k])))
    return devs
