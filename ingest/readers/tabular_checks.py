"""The column checks of the tabular sources: one function per kind of value (text, code, enum, time, name,
date, country, document, phone, e-mail, native-script name), each over a whole column (or over its distinct
values: ``validate`` hands a column with many repeats over once per distinct value).

Why a module of its own: ``ingest.readers.tabular`` runs the checks over a file (quarantine, duplicates,
person references, the result); what each kind of value must look like, and how it is normalised, is here.
A check takes the stripped column, its :class:`Field` and the normalised columns before it, and gives back
its output columns, a per-row error (the row is quarantined) and a per-row finding (kept on the record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.normalise._vector import fullmatch
from ingest.readers.tabular_fields import (  # noqa: F401  (re-exported: the readers import them here)
    PERSON_REF_FIELDS,
    Checked,
    Checker,
    Done,
    Field,
    _blank_to_na,
    _where_text,
    as_text,
)
from ingest.readers.tabular_times import _time


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



#: Checks that look at one value at a time, never at the columns before them.
_ELEMENTWISE = frozenset({"text", "code", "enum", "time", "doc_number", "name", "birth_date", "expiry", "date",
                          "country", "doc_type", "email", "native"})


def _arrow_text(values: pd.Series) -> pa.Array | None:
    """An object column of text (missing as null) as an Arrow ``large_string`` array, else ``None``."""
    if values.dtype != object:
        return None
    try:
        return pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


@dataclass(slots=True)
class CheckedColumn:
    """A column after its check: the output columns (one value a row) and their Arrow copies where they
    came cheap, and the stripped input ``values`` with the per-value ``error`` and ``finding`` texts. When
    the check ran once per distinct value, ``values``, ``error`` and ``finding`` are per distinct value and
    ``codes`` maps each row to its value (``values.take(codes)`` is the column); else they are per row."""

    out: dict[str, pd.Series]
    arrow: dict[str, pa.Array]
    values: pd.Series
    error: pd.Series | None
    finding: pd.Series | None
    codes: np.ndarray | None = None


def check_column(column: pa.ChunkedArray | pa.Array, f: Field, done: Done) -> CheckedColumn:
    """Strip a column and run its check.

    An elementwise check of a column with many repeated values (a port, a nationality, a name) runs once per
    distinct value (Arrow's dictionary encoding finds them without a Python object per row); its outputs are
    spread back by position, its text outputs in Arrow too (``take``), so a mapper that wants Arrow need not
    convert a million Python strings again; its errors and findings stay per distinct value (``codes``).
    Other columns are checked whole.

    >>> c = check_column(pa.array([" in", "OUT", " in", "x"] * 300), Field("d", "enum", values=("IN", "OUT")), {})
    >>> c.values.tolist(), c.codes[:4].tolist(), c.out["d"].tolist()[:4], c.error.notna().tolist()
    (['in', 'OUT', 'x'], [0, 1, 0, 2], ['IN', 'OUT', 'IN', 'X'], [False, False, True])
    >>> c.arrow["d"].to_pylist()[:4]
    ['IN', 'OUT', 'IN', 'X']
    """
    check = f.check if callable(f.check) else CHECKS[f.check]
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    n = len(column)
    if isinstance(f.check, str) and f.check in _ELEMENTWISE and n > 1000 and not column.null_count:
        enc = pc.dictionary_encode(column)
        if len(enc.dictionary) * 2 < n:
            codes = enc.indices.to_numpy(zero_copy_only=False)
            u = pd.Series(enc.dictionary.to_pylist(), dtype=object).str.strip()
            out, err, finding = check(u, f, done)
            arrow = {}
            for k, v in out.items():
                small = _arrow_text(v)
                if small is not None:
                    arrow[k] = pc.take(small, enc.indices)
            index = pd.RangeIndex(n)
            return CheckedColumn({k: v.take(codes).set_axis(index) for k, v in out.items()}, arrow, u, err, finding,
                                 codes)
    s = pd.Series(column.to_pandas(), dtype=object).astype("str").str.strip()
    out, err, finding = check(s, f, done)
    return CheckedColumn(out, {}, s, err, finding)
