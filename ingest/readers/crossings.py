"""Historical crossings reader: ``crossings.csv`` (or ``.parquet``), one row per crossing (DESIGN.md section 4).

Why vectorised: a national export is millions of rows. Reading is pyarrow, every check is a whole-column
operation (regexes, ``pd.to_datetime``, normalisers run once per distinct value) and MRZ check digits of
the common TD3/MRV-A shape are computed with numpy over all rows at once; only odd MRZ shapes go through
the scalar :func:`ingest.normalise.parse_mrz`. Measured on the shared 2-core development machine: the
4,859,949 crossings of a 1,000,000-person world in 40-43 s (about 115,000 rows/s), peak RSS 4.55 GiB
(``tests/ingest/test_crossings.py::test_five_million_rows_read_well_under_a_minute``, marked slow).

A row that breaks a rule (a required value missing, an enum value outside its set, a time without a UTC
offset, a date or country that does not parse, a document number that is a placeholder) is quarantined with
its raw line; a broken MRZ check digit is a fraud signal, so it stays on the record as a finding
(``mrz_checks_ok`` False and ``findings``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ingest.normalise._vector import fullmatch
from ingest.readers.tabular import (
    PERSON_REF_FIELDS,
    Checked,
    Done,
    Field,
    ReadResult,
    as_text,
    read_table,
    validate,
)

DIRECTIONS = ("IN", "OUT")
MODES = ("AIR", "SEA", "LAND")
SEXES = ("M", "F", "X")
OUTCOMES = ("CLEARED", "SECONDARY", "REFUSED", "DETAINED")

_VALUES = np.full(256, -1, dtype=np.int64)
_VALUES[ord("0"): ord("9") + 1] = np.arange(10)
_VALUES[ord("A"): ord("Z") + 1] = np.arange(10, 36)
_VALUES[ord("<")] = 0
#: TD3/MRV-A line 2 checks: (name, data positions, check digit position); MRV-A has the first three only.
_TD3_CHECKS = (
    ("document_number", list(range(0, 9)), 9),
    ("birth_date", list(range(13, 19)), 19),
    ("expiry_date", list(range(21, 27)), 27),
    ("optional_data", list(range(28, 42)), 42),
    ("composite", [*range(0, 10), *range(13, 20), *range(21, 43)], 43),
)


def td3_checks(mrzs: list[str]) -> tuple[np.ndarray, list[str | None]]:
    """Check digits of two-line 44-character MRZs (TD3 passports, MRV-A visas), all at once with numpy:
    whether every check holds, and the names of the failing checks (``None`` when all hold).

    >>> ok, bad = td3_checks(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    ...                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"])
    >>> ok.tolist(), bad
    ([True], [None])
    """
    chars = np.frombuffer("".join(mrzs).encode("ascii"), dtype=np.uint8).reshape(len(mrzs), 88)
    line2 = chars[:, 44:]
    values = _VALUES[line2]
    visa = chars[:, 0] == ord("V")
    failed = np.zeros((len(mrzs), len(_TD3_CHECKS)), dtype=bool)
    for k, (_, data, at) in enumerate(_TD3_CHECKS):
        weights = np.resize(np.array([7, 3, 1]), len(data))
        calc = (values[:, data] * weights).sum(axis=1) % 10
        digit = line2[:, at].astype(np.int64)
        filler = (digit == ord("<")) & (line2[:, data] == ord("<")).all(axis=1)
        ok = ((digit >= 48) & (digit <= 57) & (calc == digit - 48)) | filler
        failed[:, k] = ~ok & (~visa if k >= 3 else True)
    names = [c[0] for c in _TD3_CHECKS]
    any_failed = failed.any(axis=1)
    bad: list[str | None] = [None] * len(mrzs)
    for i in np.flatnonzero(any_failed):
        bad[i] = ", ".join(n for n, f in zip(names, failed[i], strict=True) if f)
    return np.asarray(~any_failed, dtype=bool), bad


def _mrz_uniques(values: pd.Series) -> pd.DataFrame:
    """MRZ format, checks result and finding per distinct MRZ text (newlines and spaces removed)."""
    from ingest.normalise import parse_mrzs

    text = values.astype(str)
    fast = fullmatch(text, r"[A-Z0-9<]{88}") & ~text.str[0].isin(["I", "A", "C"])
    out = pd.DataFrame({"format": None, "ok": None, "finding": None, "number": None}, index=values.index,
                       dtype=object)
    if fast.any():
        ok, bad = td3_checks(text[fast].tolist())
        out.loc[fast, "format"] = np.where(text[fast].str[0].eq("V"), "MRVA", "TD3")
        out.loc[fast, "ok"] = ok
        out.loc[fast, "finding"] = [None if b is None else f"mrz-check: {b} check digit wrong" for b in bad]
        out.loc[fast, "number"] = text[fast].str[44:53].str.replace("<", "", regex=False)
    rest = ~fast
    if rest.any():
        res = pd.DataFrame(parse_mrzs(values[rest], field="mrz"))
        res.index = values[rest].index
        out.loc[rest, "format"] = res["format"]
        out.loc[rest, "ok"] = res["all_check_digits_ok"].where(res["error"].isna(), None)
        unreadable = res["error"].map(lambda e: None if pd.isna(e) else f"mrz-unreadable: {str(e).split(': ', 1)[-1]}")
        out.loc[rest, "finding"] = res["findings"].where(res["findings"].notna(), unreadable)
        out.loc[rest, "number"] = res["document_number"]
    return out


def _mrz(s: pd.Series, f: Field, done: Done) -> Checked:
    """The MRZ as written, its format and whether every check digit holds; failures are findings, and so is
    an MRZ whose document number is not the row's ``doc_number`` (a swapped or altered data page). Parsed
    once per distinct MRZ, spread back by position."""
    given = s.mask(s.eq(""))
    codes, uniques = pd.factorize(given)
    compact = pd.Series(np.asarray(uniques, dtype=object), dtype=object).map(lambda t: "".join(t.upper().split()))
    res = _mrz_uniques(compact)
    at = np.where(codes < 0, len(res), codes)

    def back(name: str) -> np.ndarray:
        return np.append(res[name].to_numpy(dtype=object), np.array([None], dtype=object))[at]

    finding, number = back("finding"), back("number")
    if "doc_number" in done:
        printed = done["doc_number"].to_numpy(dtype=object)
        some = np.flatnonzero(pd.notna(number) & (number != "") & pd.notna(printed))
        some = some[number[some] != printed[some]]
        for i in some.tolist():
            text = f"mrz-doc-number: the MRZ says {number[i]}, doc_number is {printed[i]}"
            finding[i] = f"{finding[i]}; mrz {text}" if isinstance(finding[i], str) else text
    ok = pd.Series(back("ok"), index=s.index, dtype=object)
    return ({f.name: given, "mrz_format": as_text(pd.Series(back("format"), index=s.index, dtype=object)),
             "mrz_checks_ok": ok.astype("boolean")}, None, pd.Series(finding, index=s.index, dtype=object))


FIELDS: tuple[Field, ...] = (
    Field("crossing_id", "text", required=True),
    Field("crossing_time", "time", required=True),
    Field("port", "code", required=True),
    Field("direction", "enum", required=True, values=DIRECTIONS),
    Field("mode", "enum", required=True, values=MODES),
    Field("conveyance", "code"),
    Field("surname", "name", required=True),
    Field("given_names", "name"),
    Field("native_name", "native", optional_column=True),
    Field("sex", "enum", values=SEXES),
    Field("birth_date", "birth_date"),
    Field("nationality", "country"),
    Field("doc_type", "doc_type"),
    Field("doc_number", "doc_number", required=True),
    Field("doc_issuer", "country", required=True),
    Field("doc_expiry", "expiry"),
    Field("mrz", _mrz, optional_column=True),
    Field("outcome", "enum", required=True, values=OUTCOMES),
    Field("outcome_reason", "code", optional_column=True),
    Field("source", "code", optional_column=True),
)
assert {f.name for f in PERSON_REF_FIELDS} <= {f.name for f in FIELDS}


def read_crossings(path: str | Path, *, encoding: str = "utf-8") -> ReadResult:
    """Read, validate and normalise a crossings file; bad rows quarantined, the rest loaded.

    ``records`` columns: provenance ``file, line, content_hash``; the DESIGN columns normalised
    (``crossing_time`` as written plus ``crossing_time_utc``; ``surname_norm``/``given_names_norm`` in ICAO
    Latin beside the names as written; ``native_name_latin``; dates ``YYYY-MM-DD`` with ``00`` for unknown
    parts; countries alpha-3; document number in MRZ form; ``mrz_format``, ``mrz_checks_ok``), then
    ``person_ref``, ``doc_key`` and ``findings``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "crossings.csv")
    >>> head = "crossing_id,crossing_time,port,direction,mode,conveyance,surname,given_names,sex,birth_date,"
    >>> head += "nationality,doc_type,doc_number,doc_issuer,doc_expiry,outcome"
    >>> good = "X1,2023-03-02T07:36:58+08:00,HKG,IN,AIR,CX1,Liu,Fang,M,1975-09-00,CN,P,e123,CHN,2030-01-01,CLEARED"
    >>> bad = "X2,2023-03-02T07:36:58,HKG,IN,AIR,CX1,Liu,Fang,M,1975-09-08,CHN,P,E1,CHN,,CLEARED"
    >>> _ = open(p, "w").write("\\n".join([head, good, bad, good]) + "\\n")
    >>> r = read_crossings(p)
    >>> r.records[["line", "person_ref", "birth_date", "nationality"]].values.tolist()
    [[2, 'DOC:CHN:E123', '1975-09-00', 'CHN']]
    >>> [(q.line, q.field, q.rule) for q in r.quarantined], r.counts.to_dict()
    ([(3, 'crossing_time', 'time-offset')], {'read': 3, 'loaded': 1, 'quarantined': 1, 'duplicates': 1})
    """
    return validate(read_table(path, encoding=encoding), FIELDS, kind="crossings", person=True)
