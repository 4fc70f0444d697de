"""The vocabulary of the tabular column checks: a :class:`Field` (a column of a kind and its check), what a
check gives back (``Checked``), the context it sees (``Done``), and the small helpers every check uses for
text with missing values. Kept apart so that the checks (``tabular_checks``, ``tabular_times``) and the
validation (``tabular``) share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
