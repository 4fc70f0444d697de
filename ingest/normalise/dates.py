"""Dates as records carry them: ISO, partial (``YYYY-MM-00``, ``YYYY-00-00``), EDIFACT/MRZ ``YYMMDD``, SSR DOCS
``DDMMMYY``, and garbage.

A :class:`PartialDate` keeps its precision: an unknown day or month is ``None`` and prints as ``00``, as the
crossings format writes it. Two-digit years get their century from the *kind* of date and a reference date
(today unless given): a birth date is never in the future (``YY`` -> the latest century that keeps it on or
before the reference); an expiry or issue date lies within 50 years either side of the reference (a document
expired in 1995 and one valid to 2034 both read right). A date that fails gets :class:`InvalidDateError`
naming the rule: ``date-format``, ``calendar``, ``birth-in-future``, ``year-range``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
import pyarrow as pa

from ingest.normalise._vector import ArrayLike, is_missing, map_unique
from ingest.normalise.errors import InvalidDateError

DateKind = Literal["birth", "expiry", "issue", "other"]
OLDEST_BIRTH_YEAR = 1880
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_UNKNOWN = r"(?:00|<<|XX|--|\?\?)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(\d{{4}})-(\d{{2}}|{_UNKNOWN})-(\d{{2}}|{_UNKNOWN})(?:[T ].*)?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(rf"^(\d{{2}})(\d{{2}}|{_UNKNOWN})(\d{{2}}|{_UNKNOWN})$"), "yymmdd"),
    (re.compile(r"^(\d{1,2})([A-Z]{3})(\d{2}|\d{4})$"), "dmony"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date whose month or day may be unknown (``None``).

    >>> PartialDate(1974, 8, None).iso, PartialDate(1974, 8, None).precision
    ('1974-08-00', 'month')
    """

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """``YYYY-MM-DD`` with ``00`` for the unknown parts."""
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"

    @property
    def precision(self) -> str:
        """``day``, ``month`` or ``year``."""
        return "year" if self.month is None else "month" if self.day is None else "day"

    def to_date(self) -> date | None:
        """A :class:`datetime.date` when the date is complete, else ``None``."""
        return date(self.year, self.month, self.day) if self.month and self.day else None

    def compatible(self, other: PartialDate) -> bool:
        """Whether two dates can be the same day (unknown parts match anything).

        >>> PartialDate(1974, 8, None).compatible(PartialDate(1974, 8, 12))
        True
        """
        return (
            self.year == other.year
            and (self.month is None or other.month is None or self.month == other.month)
            and (self.day is None or other.day is None or self.day == other.day)
        )


def _part(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) != 0 else None


def century(yy: int, month: int | None, day: int | None, *, kind: DateKind, ref: date) -> int:
    """The four-digit year of a two-digit ``yy`` for a date of ``kind``, seen from ``ref``.

    >>> century(74, 8, 12, kind="birth", ref=date(2026, 1, 1)), century(13, 1, 1, kind="birth", ref=date(2026, 1, 1))
    (1974, 2013)
    >>> century(34, 5, 29, kind="expiry", ref=date(2026, 1, 1)), century(95, 7, 12, kind="expiry", ref=date(2026, 1, 1))
    (2034, 1995)
    """
    year = (ref.year // 100) * 100 + yy
    if kind == "birth":
        if (year, month or 1, day or 1) > (ref.year, ref.month, ref.day):
            year -= 100
        return year
    if year > ref.year + 50:
        year -= 100
    elif year <= ref.year - 50:
        year += 100
    return year


def _match(text: str, *, kind: DateKind, ref: date, field: str, raw: object) -> PartialDate:
    for pattern, form in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        g = m.groups()
        if form == "ymd":
            return PartialDate(int(g[0]), _part(g[1]), _part(g[2]))
        if form == "yymmdd":
            month, day = _part(g[1]), _part(g[2])
            return PartialDate(century(int(g[0]), month, day, kind=kind, ref=ref), month, day)
        if form == "dmony":
            if g[1] not in _MONTHS:
                raise InvalidDateError(
                    f"{g[1]!r} is not a month abbreviation", field=field, value=raw, rule="date-format"
                )
            month, day = _MONTHS[g[1]], int(g[0])
            year = int(g[2]) if len(g[2]) == 4 else century(int(g[2]), month, day, kind=kind, ref=ref)
            return PartialDate(year, month, day)
        if form == "dmy":
            return PartialDate(int(g[2]), int(g[1]), int(g[0]))
        if form == "ym":
            return PartialDate(int(g[0]), _part(g[1]), None)
        return PartialDate(int(g[0]), None, None)
    raise InvalidDateError(
        "not a date in a known form (YYYY-MM-DD with 00 for unknown parts, YYYYMMDD, YYMMDD, DDMMMYY)",
        field=field, value=raw, rule="date-format",
    )  # fmt: skip


def _check(d: PartialDate, *, kind: DateKind, ref: date, field: str, raw: object) -> PartialDate:
    if d.month is None and d.day is not None:
        raise InvalidDateError("a day without a month", field=field, value=raw, rule="calendar")
    if d.month is not None and not 1 <= d.month <= 12:
        raise InvalidDateError(f"month {d.month} is not 1-12", field=field, value=raw, rule="calendar")
    if d.day is not None and d.month is not None and d.day > calendar.monthrange(d.year, d.month)[1]:
        msg = f"{d.year:04d}-{d.month:02d} has no day {d.day}"
        raise InvalidDateError(msg, field=field, value=raw, rule="calendar")
    low = OLDEST_BIRTH_YEAR if kind == "birth" else 1900
    if not low <= d.year <= ref.year + 100:
        msg = f"year {d.year} outside {low}-{ref.year + 100}"
        raise InvalidDateError(msg, field=field, value=raw, rule="year-range")
    if kind == "birth" and (d.year, d.month or 1, d.day or 1) > (ref.year, ref.month, ref.day):
        raise InvalidDateError(f"birth date after {ref.isoformat()}", field=field, value=raw, rule="birth-in-future")
    return d


def parse_date(
    value: object, *, kind: DateKind = "other", ref: date | None = None, field: str = "date"
) -> PartialDate | None:
    """Parse one date; ``None``/blank gives ``None``; garbage raises :class:`InvalidDateError`.

    >>> parse_date("1974-08-00").iso, parse_date("740812", kind="birth", ref=date(2026, 1, 1)).iso
    ('1974-08-00', '1974-08-12')
    >>> parse_date("12AUG74", kind="birth", ref=date(2026, 1, 1)).iso
    '1974-08-12'
    >>> parse_date("1990-02-30")
    Traceback (most recent call last):
    ...
    ingest.normalise.errors.InvalidDateError: calendar: 1990-02 has no day 30 [field date, value '1990-02-30']
    """
    if is_missing(value):
        return None
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    ref = ref or date.today()
    text = str(value).strip().upper()
    return _check(_match(text, kind=kind, ref=ref, field=field, raw=value), kind=kind, ref=ref, field=field, raw=value)


def normalise_date(
    value: object, *, kind: DateKind = "other", ref: date | None = None, field: str = "date"
) -> str | None:
    """The ``YYYY-MM-DD`` form (``00`` for unknown parts) of one date, or ``None``.

    >>> normalise_date("1974-00-00")
    '1974-00-00'
    """
    d = parse_date(value, kind=kind, ref=ref, field=field)
    return d.iso if d else None


def normalise_dates(
    values: ArrayLike, *, kind: DateKind = "other", ref: date | None = None, field: str = "date"
) -> pd.DataFrame | pa.Table:
    """Vectorised :func:`parse_date`: columns ``iso, precision, error``.

    >>> normalise_dates(pd.Series(["740812", "1990-13-01"]), kind="birth", ref=date(2026, 1, 1))["iso"].tolist()
    ['1974-08-12', None]
    """
    ref = ref or date.today()

    def one(v: object) -> tuple[str, str]:
        d = parse_date(v, kind=kind, ref=ref, field=field)
        assert d is not None
        return d.iso, d.precision

    return map_unique(values, one, ["iso", "precision"])
