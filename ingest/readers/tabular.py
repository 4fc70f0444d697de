"""Shared reading of the tabular sources (``crossings`` and the associated CSV families): CSV or Parquet in,
every column as text, one row per record with its line number, raw text and content hash.

Why a module of its own: crossings and the ten associated kinds share everything but their column lists, so
the reconciliation (read = loaded + quarantined + duplicates), the result type and the column checks
(``Field``, ``validate``) live here once. Reading the file into text (encodings, quoting, broken lines) is
``ingest.readers.tabular_read``; ``RawTable``, ``read_table`` and ``row_hash`` are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.errors import InvalidInputError
from ingest.errors import Deviation, Quarantined
from ingest.normalise._vector import fullmatch
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


# ---------------------------------------------------------------- validation: column checks over whole columns

#: What a check gives back: output columns, a per-row error (``"rule: detail"`` or missing; the row is
#: quarantined) and a per-row finding (kept on the record).
Checked = tuple[dict[str, pd.Series], pd.Series | None, pd.Series | None]
#: The normalised columns of the fields checked so far: the context a check may use.
Done = dict[str, pd.Series]
#: A check: the stripped column, its field and the columns done before it.
Checker = Callable[[pd.Series, "Field", Done], Checked]


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a kind: its name, the check it gets (a name from ``CHECKS`` or a function), whether a
    value is required on every row, whether the column may be absent from the file, and allowed values
    (``enum``)."""

    name: str
    check: str | Checker = "text"
    required: bool = False
    optional_column: bool = False
    values: tuple[str, ...] = ()


#: The person reference of DESIGN.md section 4: the document when known, else name, birth date, nationality.
PERSON_REF_FIELDS = (
    Field("doc_issuer", "country"), Field("doc_number", "doc_number"), Field("surname", "name"),
    Field("given_names", "name"), Field("birth_date", "birth_date"), Field("nationality", "country"),
)


def as_text(s: pd.Series) -> pd.Series:
    """Text values with missing ones kept missing (``None``), whatever the pandas version: pandas 2's
    ``astype("str")`` would spell a missing value ``'None'``.

    >>> as_text(pd.Series(["E1", None, np.nan])).tolist()
    ['E1', None, None]
    """
    return s.astype(object).where(s.notna(), None)


def _where_text(mask: pd.Series, text: str) -> pd.Series:
    """``text`` where ``mask`` holds, ``None`` elsewhere (an object column of per-row errors)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask.to_numpy(dtype=bool, na_value=False)] = text
    return pd.Series(out, index=mask.index)


def _blank_to_na(s: pd.Series) -> pd.Series:
    return s.mask(s.eq(""))


def _on_uniques(s: pd.Series, fn: Callable[[pd.Series], pd.DataFrame]) -> pd.DataFrame:
    """Run a vectorised normaliser once per distinct value of ``s`` and spread the result back (an Arrow
    take: text results come back as ``str`` columns without a Python object per row)."""
    codes, uniques = pd.factorize(s)
    res = pd.DataFrame(fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object))).reset_index(drop=True)
    missing = codes < 0
    idx = pa.array(np.where(missing, 0, codes), mask=missing)
    out: dict[str, Any] = {}
    for name in res.columns:
        values = res[name].astype(object)
        try:
            arr = pa.array(values.tolist(), from_pandas=True) if len(values) else pa.nulls(0)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = None
        if arr is None or name == "error" or not (pa.types.is_string(arr.type) or pa.types.is_boolean(arr.type)):
            padded = np.concatenate([values.to_numpy(dtype=object), np.array([None], dtype=object)])
            taken = padded[np.where(missing, len(values), codes)]
            out[name] = pd.Series(taken, index=s.index, dtype=object)
        elif pa.types.is_string(arr.type):
            taken = pc.take(arr.cast(pa.large_string()), idx)
            out[name] = as_text(pd.Series(taken.to_pandas(), dtype=object)).set_axis(s.index)
        else:
            out[name] = pd.Series(pd.array(pc.take(arr, idx).to_pandas(), dtype="boolean"), index=s.index)
    return pd.DataFrame(out, index=s.index)


def _scalar(fn: Callable[[Any], Any], column: str) -> Callable[[pd.Series], pd.DataFrame]:
    """A scalar normaliser that raises ``NormaliseError`` as a vectorised one with an ``error`` column."""
    from ingest.normalise._vector import map_unique

    def run(values: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(map_unique(values, fn, [column]))

    return run


def _text(s: pd.Series, f: Field, done: Done) -> Checked:
    return {f.name: _blank_to_na(s)}, None, None


def _code(s: pd.Series, f: Field, done: Done) -> Checked:
    return {f.name: _blank_to_na(s.str.upper())}, None, None


def _enum(s: pd.Series, f: Field, done: Done) -> Checked:
    up = s.str.upper()
    bad = up.ne("") & ~up.isin(f.values)
    err = "enum: not one of " + "|".join(f.values)
    return {f.name: _blank_to_na(up)}, _where_text(bad, err), None


def _normalised(column: str, out_suffix: str = "") -> Checker:
    """A check through a vectorised normaliser of :mod:`ingest.normalise` (by name, resolved lazily)."""

    def check(s: pd.Series, f: Field, done: Done) -> Checked:
        import ingest.normalise as n

        fns: dict[str, Callable[[pd.Series], pd.DataFrame]] = {
            "name": lambda v: pd.DataFrame(n.normalise_names(v, field=f.name)),
            "birth_date": lambda v: pd.DataFrame(n.normalise_dates(v, kind="birth", field=f.name)),
            "expiry": lambda v: pd.DataFrame(n.normalise_dates(v, kind="expiry", field=f.name)),
            "date": lambda v: pd.DataFrame(n.normalise_dates(v, field=f.name)),
            "country": lambda v: pd.DataFrame(n.normalise_countries(v, field=f.name)),
            "doc_type": _scalar(lambda v: n.normalise_doc_type(v, field=f.name), "code"),
            "doc_number": _scalar(lambda v: n.normalise_doc_number(v, field=f.name), "number"),
        }
        res = _on_uniques(s, fns[f.check if isinstance(f.check, str) else "name"])
        cols = {f.name + out_suffix: as_text(res[column])}
        if out_suffix:
            cols = {f.name: _blank_to_na(s), **cols}
        return cols, res["error"], None

    return check


def _doc_number(s: pd.Series, f: Field, done: Done) -> Checked:
    """Document numbers: values already in MRZ form pass by a regex; the rest go through the normaliser."""
    from ingest.normalise.documents import MAX_LENGTH, PLACEHOLDERS

    canonical = fullmatch(s, f"[A-Z0-9]{{1,{MAX_LENGTH}}}") & ~s.isin(PLACEHOLDERS) & ~fullmatch(s, "0+")
    out = s.mask(~canonical)
    err = pd.Series(None, index=s.index, dtype=object)
    rest = ~canonical & s.ne("")
    if rest.any():
        cols, e, _ = _normalised("number")(s[rest], f, done)
        out = out.astype(object)
        out[rest] = cols[f.name].astype(object)
        err[rest] = e
    return {f.name: as_text(out)}, err, None


_ISO_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"


#: ISO 8601 date-times DuckDB parses exactly as pandas does (hours 00-23, offsets up to 14 h, at most
#: microseconds, years well inside pandas' nanosecond range); anything else goes to pandas.
_PLAIN_TIME = (r"^(1[7-9]\d\d|2[01]\d\d|22[0-5]\d)-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
               r"(Z|[+-](0\d|1[0-4]):?[0-5]\d)$")


def _utc_times(s: pd.Series) -> pd.Series:
    """ISO 8601 text with offsets as UTC times (``datetime64[ns, UTC]``, NaT where missing or not a time in
    the calendar), as ``pd.to_datetime(format="ISO8601", utc=True, errors="coerce")`` gives them; the usual
    shapes are parsed by DuckDB (pandas took seconds per million values), the odd ones by pandas.

    >>> _utc_times(pd.Series(["2024-03-02T07:36:58+08:00", "2023-02-29T00:00Z", None])).astype(str).tolist()
    ['2024-03-01 23:36:58+00:00', 'NaT', 'NaT']
    """
    import duckdb

    arr = pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_TIME), False)
    con = duckdb.connect()
    try:
        con.register("v", pa.table({"v": pc.if_else(plain, arr, pa.scalar(None, pa.string()))}))
        micros = con.sql("SELECT epoch_us(TRY_CAST(v AS TIMESTAMPTZ)) AS us FROM v").to_arrow_table().column("us")
    finally:
        con.close()
    ns = pc.multiply(pc.fill_null(micros, 0).cast(pa.int64()), 1000).to_numpy()
    out = pd.Series(pd.to_datetime(ns, utc=True), index=s.index)
    out[pc.is_null(micros).to_numpy(zero_copy_only=False)] = pd.NaT
    rest = ~plain.to_numpy(zero_copy_only=False) & s.notna().to_numpy()
    if rest.any():
        out[rest] = pd.to_datetime(s[rest], format="ISO8601", utc=True, errors="coerce")
    return out


def _time(s: pd.Series, f: Field, done: Done) -> Checked:
    """ISO 8601 date-time with a UTC offset; gives the text as written and ``<name>_utc``."""
    full = fullmatch(s, _ISO_TIME + r"(?:Z|[+-]\d{2}:?\d{2})")
    naive = fullmatch(s, _ISO_TIME)
    utc = _utc_times(s.where(full).str.replace(",", ".", regex=False))
    err = _where_text(s.ne("") & utc.isna(), "calendar: not a date-time in the calendar")
    err = err.mask(s.ne("") & ~full, "time-format: not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss+hh:mm)")
    err = err.mask(naive, "time-offset: no UTC offset (ISO 8601 with +hh:mm or Z required)")
    return {f.name: _blank_to_na(s), f"{f.name}_utc": utc}, err, None


def _region_of(done: Done, index: pd.Index) -> pd.Series:
    """Phone region per row: the normalised nationality, else the document issuer (alpha-3)."""
    empty = pd.Series("", index=index, dtype="str")
    nat = done["nationality"].fillna("") if "nationality" in done else empty
    iss = done["doc_issuer"].fillna("") if "doc_issuer" in done else empty
    return nat.where(nat.ne(""), iss)


def _phone_region(country: object) -> str | None:
    """The ISO alpha-2 region of a country as written (``D``, ``DE``, ``DEU``, ``Germany``), else ``None``."""
    from ingest.normalise import NormaliseError, alpha2, normalise_country

    try:
        return alpha2(normalise_country(country)) if isinstance(country, str) and country else None
    except NormaliseError:
        return None


def _phone(s: pd.Series, f: Field, done: Done) -> Checked:
    """Phones to E.164 with the region taken from the person's country; a number that does not parse or is
    not in an assigned range is flagged (``<name>_valid`` False and a finding), never dropped."""
    from ingest.normalise import normalise_phones

    key = s + "\x1f" + _region_of(done, s.index)

    def run(keys: pd.Series) -> pd.DataFrame:
        parts = [k.split("\x1f", 1) for k in keys.tolist()]
        codes, countries = pd.factorize(pd.Series([p[1] for p in parts], dtype=object))
        found = np.array([*(_phone_region(c) for c in countries), None], dtype=object)  # once per country
        regions = pd.Series(found[codes], index=keys.index, dtype=object)
        numbers = pd.Series([p[0] for p in parts], index=keys.index, dtype=object)
        return pd.DataFrame(normalise_phones(numbers, region=regions, field=f.name))

    res = _on_uniques(key.mask(s.eq("")), run)
    valid = res["valid"].astype("boolean")
    finding = res["error"].where(res["error"].notna(), _where_text(
        valid.eq(False).fillna(False), "phone-unassigned: not in a range its country assigned"))
    return ({f.name: _blank_to_na(s), f"{f.name}_e164": as_text(res["e164"]),
             f"{f.name}_valid": valid.fillna(False).where(s.ne(""), pd.NA)}, None, finding)


def _email(s: pd.Series, f: Field, done: Done) -> Checked:
    """E-mail addresses lower-cased with a mailbox key; a malformed one is flagged, not dropped."""
    from ingest.normalise import normalise_emails

    res = _on_uniques(s, lambda v: pd.DataFrame(normalise_emails(v, field=f.name)))
    return ({f.name: _blank_to_na(s), f"{f.name}_norm": as_text(res["email"]),
             f"{f.name}_key": as_text(res["email_key"])}, None, res["error"])


def _native(s: pd.Series, f: Field, done: Done) -> Checked:
    """A name in its native script, kept as written, with its ICAO/pinyin romanisation beside it."""
    from ingest.normalise import normalise_names

    res = _on_uniques(s, lambda v: pd.DataFrame(normalise_names(v, field=f.name)))
    return {f.name: _blank_to_na(s), f"{f.name}_latin": as_text(res["latin"])}, None, res["error"]


CHECKS: dict[str, Checker] = {
    "text": _text, "code": _code, "enum": _enum, "time": _time, "phone": _phone, "email": _email,
    "native": _native, "doc_number": _doc_number, "name": _normalised("latin", "_norm"),
    "birth_date": _normalised("iso"), "expiry": _normalised("iso"), "date": _normalised("iso"),
    "country": _normalised("code"), "doc_type": _normalised("code"),
}


# ---------------------------------------------------------------- validation: rows, person references, result


def person_refs(cols: dict[str, pd.Series], index: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``person_ref`` (``DOC:ISSUER:NUMBER`` when issuer and number are known, else
    ``NAME:SURNAME|GIVEN NAMES|BIRTH DATE|NATIONALITY`` from the normalised name), ``doc_key`` and an error
    where neither can be made.

    >>> c = {"doc_issuer": pd.Series(["CHN", None]), "doc_number": pd.Series(["E1", None]),
    ...      "surname_norm": pd.Series([None, "LIU"]), "given_names_norm": pd.Series([None, "WEILAN"]),
    ...      "birth_date": pd.Series([None, "1982-07-00"]), "nationality": pd.Series([None, "CHN"])}
    >>> person_refs(c, pd.RangeIndex(2))[0].tolist()
    ['DOC:CHN:E1', 'NAME:LIU|WEILAN|1982-07-00|CHN']
    """
    ref: pd.Series
    doc_key: pd.Series
    try:  # in Arrow (a million rows of pandas object concatenation took seconds)
        refs, keys = _person_refs_arrow(cols, len(index))
        ref, doc_key = pd.Series(refs, index=index, dtype=object), pd.Series(keys, index=index, dtype=object)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column holding something other than text
        ref, doc_key = _person_refs_pandas(cols, index)
    err = _where_text(ref.isna(), "person-ref: neither a document (doc_issuer and doc_number) nor a surname "
                      "names the person")
    return ref, doc_key, err


def _person_refs_arrow(cols: dict[str, pd.Series], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``person_refs``' two columns by Arrow kernels (missing values as ``None``)."""

    def col(name: str) -> pa.Array:
        if name not in cols:
            return pa.nulls(n, pa.string())
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


def _marks(name: str, texts: pd.Series, values: pd.Series) -> _Marks:
    rows = np.flatnonzero(texts.notna().to_numpy())
    return _Marks(name, rows, [str(t) for t in texts.iloc[rows]], values.iloc[rows].tolist())


#: Checks that look at one value at a time, never at the columns before them.
_ELEMENTWISE = frozenset({"text", "code", "enum", "time", "doc_number", "name", "birth_date", "expiry", "date",
                          "country", "doc_type", "email", "native"})


def _check_column(column: pd.Series, f: Field, done: Done) -> tuple[pd.Series, Checked]:
    """The stripped column and its check. An elementwise check of a column with many repeated values (a
    port, a nationality, a name) runs once per distinct value and is spread back by position.

    >>> s, (out, err, _) = _check_column(pd.Series([" in", "OUT", " in", "x"] * 3), Field("d", "enum",
    ...                                  values=("IN", "OUT")), {})
    >>> s.tolist()[:4], out["d"].tolist()[:4], err.notna().tolist()[:4]
    (['in', 'OUT', 'in', 'x'], ['IN', 'OUT', 'IN', 'X'], [False, False, False, True])
    """
    check = f.check if callable(f.check) else CHECKS[f.check]
    column = column.astype("str")
    if isinstance(f.check, str) and f.check in _ELEMENTWISE and len(column) > 1000:
        codes, uniques = pd.factorize(column)
        if len(uniques) * 2 < len(column) and (codes >= 0).all():
            u = pd.Series(np.asarray(uniques, dtype=object), dtype=object).str.strip()
            out, err, finding = check(u, f, done)

            def back(x: pd.Series) -> pd.Series:
                return x.take(codes).set_axis(column.index)

            return back(u), ({k: back(v) for k, v in out.items()}, None if err is None else back(err),
                             None if finding is None else back(finding))
    s = column.str.strip()
    return s, check(s, f, done)


def validate(raw: RawTable, fields: tuple[Field, ...], *, kind: str, person: bool = False) -> ReadResult:
    """Check every column of ``raw`` against ``fields`` as whole-column operations; quarantine the rows that
    break a rule (with their raw text), count exact duplicates, and return the normalised records.

    A required column that is absent raises :class:`MissingColumnError` (nothing of the file is read); a
    required value that is empty, an enum value outside its set, a time, date or country that does not
    parse, or (``person=True``) a row naming nobody, quarantines the row. Findings (a broken MRZ check
    digit, a phone outside the assigned ranges) stay on the record in ``findings``. Checks see the
    normalised columns before them (a phone's region comes from the normalised nationality).
    """
    frame, file = raw.frame, raw.file
    for f in fields:
        if f.name not in frame.columns:
            if not f.optional_column:
                raise MissingColumnError(f"{kind}: required column {f.name!r} is missing", file=file, field=f.name)
            frame[f.name] = pd.Series("", index=frame.index, dtype="str")
    known = {f.name for f in fields}
    extra = [c for c in frame.columns if c not in known]
    devs = list(raw.deviations)
    if extra:
        devs.append(Deviation(file, "unknown-column", f"columns kept as text: {', '.join(extra)}", "info"))
    n, index = len(frame), frame.index
    dup = pd.Series(raw.digests).duplicated().to_numpy() if n else np.zeros(0, dtype=bool)
    cols: dict[str, pd.Series] = {
        "file": pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([file])),
                          index=index),
        "line": pd.Series(raw.lines, index=index), "content_hash": raw.hashes.set_axis(index)}
    errors: list[_Marks] = []
    findings: list[_Marks] = []
    for f in fields:
        s, (out, err, finding) = _check_column(frame.pop(f.name), f, cols)
        cols.update(out)
        if f.required:
            errors.append(_marks(f.name, _where_text(s.eq(""), "required: no value"), s))
        if err is not None:
            errors.append(_marks(f.name, err, s))
        if finding is not None:
            findings.append(_marks(f.name, finding, s))
    if person:
        cols["person_ref"], cols["doc_key"], err = person_refs(cols, index)
        errors.append(_marks("person_ref", err, cols["person_ref"]))
    found = np.full(n, None, dtype=object)
    for m in findings:
        for i, t in zip(m.rows.tolist(), m.texts, strict=True):
            found[i] = f"{m.field} {t}" if found[i] is None else f"{found[i]}; {m.field} {t}"
    cols["findings"] = pd.Series(found, index=index, dtype=object)
    for c in extra:
        cols[c] = frame.pop(c)
    bad = np.zeros(n, dtype=bool)
    for m in errors:
        bad[m.rows] = True
    quarantined = list(raw.quarantined) + _quarantine(file, raw, errors, np.flatnonzero(bad & ~dup))
    quarantined.sort(key=lambda q: q.line or 0)
    keep = ~bad & ~dup
    records = pd.DataFrame(cols, copy=False)
    if not keep.all():
        records = records.loc[keep].reset_index(drop=True)
    devs.extend(_finding_deviations(file, findings, keep, raw.lines))
    if dup.any():
        devs.append(Deviation(file, "duplicate-row", f"{int(dup.sum())} exact duplicate rows counted, not loaded",
                              "info", line=int(raw.lines[np.flatnonzero(dup)[0]])))
    counts = ReadCounts(raw.read, int(keep.sum()), len(quarantined), int(dup.sum()))
    return ReadResult(records, devs, quarantined, counts, kind, file)


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
