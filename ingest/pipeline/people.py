"""Person fields of API and PNR travellers in the normalised forms identity resolution takes.

The EDIFACT readers return values as sent (names in any case or script, dates already ISO, countries as
two- or three-letter codes). Here they go through :mod:`ingest.normalise` once per distinct value; a value
that does not normalise is left empty and becomes a finding with its place (the record is kept: one bad
field does not make a traveller disappear).

>>> f = pd.DataFrame({"surname": ["o'brien"], "given_names": ["Anna"], "sex": ["f"], "birth_date": ["1990-13-01"],
...                   "nationality": ["GB"], "doc_type": ["P"], "doc_issuer": ["GBR"], "doc_number": ["12 34"]})
>>> out, bad = normalise_people(f)
>>> row = out.iloc[0][["surname", "sex", "birth_date", "nationality", "doc_number"]]
>>> [v if isinstance(v, str) else None for v in row], bad[0][:2]
(['OBRIEN', 'F', None, 'GBR', '1234'], (0, 'birth_date'))
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

import ingest.normalise as n
from ingest.pipeline.keys import text

#: (column, normaliser over distinct values, result column)
_RULES: list[tuple[str, Callable[[pd.Series], pd.DataFrame], str]] = [
    ("surname", lambda v: pd.DataFrame(n.normalise_names(v, field="surname")), "latin"),
    ("given_names", lambda v: pd.DataFrame(n.normalise_names(v, field="given_names")), "latin"),
    ("birth_date", lambda v: pd.DataFrame(n.normalise_dates(v, kind="birth", field="birth_date")), "iso"),
    ("nationality", lambda v: pd.DataFrame(n.normalise_countries(v, field="nationality")), "code"),
    ("doc_issuer", lambda v: pd.DataFrame(n.normalise_countries(v, field="doc_issuer")), "code"),
]


def _doc_numbers(v: pd.Series) -> pd.DataFrame:
    out: list[str | None] = []
    errs: list[str | None] = []
    for value in v.tolist():
        try:
            out.append(n.normalise_doc_number(value))
            errs.append(None)
        except n.NormaliseError as err:
            out.append(None)
            errs.append(str(err))
    return pd.DataFrame({"number": out, "error": errs})


def _on_distinct(s: pd.Series, fn: Callable[[pd.Series], pd.DataFrame], column: str) -> tuple[pd.Series, pd.Series]:
    codes, uniques = pd.factorize(s)
    if len(uniques) == 0:
        none = pd.Series(None, index=s.index, dtype=object)
        return none, none
    res = fn(pd.Series(list(uniques), dtype=object)).reset_index(drop=True)
    vals = pd.concat([res[column].astype(object), pd.Series([None], dtype=object)], ignore_index=True)
    errs = pd.concat([res["error"].astype(object), pd.Series([None], dtype=object)], ignore_index=True)
    pick = np.where(codes >= 0, codes, len(res))  # a missing value (code -1) takes the None appended above
    return (pd.Series(vals.to_numpy()[pick], index=s.index, dtype=object),
            pd.Series(errs.to_numpy()[pick], index=s.index, dtype=object))


def normalise_people(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str, str, str]]]:
    """Normalised ``surname, given_names, sex, birth_date, nationality, doc_type, doc_issuer, doc_number``
    (missing where absent or unreadable), and the problems as ``(row position, field, value, error)``."""
    out = pd.DataFrame(index=frame.index)
    problems: list[tuple[int, str, str, str]] = []
    rules = [*_RULES, ("doc_number", _doc_numbers, "number")]
    for col, fn, res_col in rules:
        raw = text(frame[col]) if col in frame else pd.Series(None, index=frame.index, dtype=object)
        vals, errs = _on_distinct(raw, fn, res_col)
        out[col] = text(vals)
        for pos in errs.notna().to_numpy().nonzero()[0].tolist():
            problems.append((pos, col, str(raw.iat[pos]), str(errs.iat[pos])))
    sex = text(frame["sex"]).str.upper().str[:1] if "sex" in frame else pd.Series(None, index=frame.index)
    out["sex"] = sex.where(sex.isin(["M", "F", "X"]), None)
    dtype = text(frame["doc_type"]).str.upper() if "doc_type" in frame else None
    out["doc_type"] = dtype if dtype is not None else None
    return out, problems
