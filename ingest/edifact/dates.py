"""DTM values: the EDIFACT date/time format codes (2379) used in API and PNR messages, with a century rule.

Two-digit years need a century. ``past`` values (birth dates) are put in the latest century that does not
make them later than the reference year (the interchange date); other values (expiry, flight times) get
20yy unless that lies more than 50 years after the reference year.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Literal

#: Format code -> (strptime pattern, has two-digit year).
FORMATS: dict[str, tuple[str, bool]] = {
    "101": ("%y%m%d", True),
    "102": ("%Y%m%d", False),
    "201": ("%y%m%d%H%M", True),
    "203": ("%Y%m%d%H%M", False),
    "204": ("%Y%m%d%H%M%S", False),
}
_BY_LENGTH = {6: "101", 8: "102", 10: "201", 12: "203", 14: "204"}
_OFFSET = re.compile(r"([MP])(\d{1,2})(\d{2})?")


def parse_dtm(value: str, fmt: str = "", *, ref_year: int, kind: Literal["past", "future"] = "future") -> str:
    """An ISO 8601 date (``YYYY-MM-DD``) or local date-time (``YYYY-MM-DDTHH:MM``) from a DTM value.

    Raises ``ValueError`` when the value does not fit the format or is not a real date.

    >>> parse_dtm("670603", ref_year=2020, kind="past"), parse_dtm("000520", ref_year=2020, kind="past")
    ('1967-06-03', '2000-05-20')
    >>> parse_dtm("1306210900", "201", ref_year=2013)
    '2013-06-21T09:00'
    """
    return _parse_dtm(value, fmt, ref_year, kind)


@lru_cache(maxsize=1 << 16)
def _parse_dtm(value: str, fmt: str, ref_year: int, kind: str) -> str:
    """``parse_dtm``, once per distinct argument (a file of lists repeats its flight dates and birth dates;
    ``strptime`` is the costly part). A value that raises is not cached and raises again."""
    value = value.strip()
    code = fmt.strip() or _BY_LENGTH.get(len(value), "")
    if code not in FORMATS or not value.isdigit():
        raise ValueError(f"not a date in format {code or '?'}: {value!r}")
    pattern, two_digit = FORMATS[code]
    stamp = datetime.strptime(value, pattern)
    if two_digit:
        yy = stamp.year % 100
        year = 2000 + yy
        if (kind == "past" and year > ref_year) or (kind == "future" and year > ref_year + 50):
            year -= 100
        stamp = stamp.replace(year=year)
    return stamp.strftime("%Y-%m-%d") if len(pattern) <= 6 else stamp.strftime("%Y-%m-%dT%H:%M")


def utc_offset(code: str) -> str:
    """An ISO offset from the old US dialect's ``M05``/``P8``/``P0530`` (minus/plus hours[minutes]).

    >>> utc_offset("M05"), utc_offset("P8"), utc_offset("")
    ('-05:00', '+08:00', '')
    """
    m = _OFFSET.fullmatch(code.strip())
    if not m:
        return ""
    sign = "-" if m.group(1) == "M" else "+"
    return f"{sign}{int(m.group(2)):02d}:{m.group(3) or '00'}"


def reference_year(interchange_date: str, default: int) -> int:
    """The year of a UNB date (``YYMMDD`` or ``CCYYMMDD``), or ``default`` when it does not parse.

    >>> reference_year("140202", 2000), reference_year("", 2026)
    (2014, 2026)
    """
    value = interchange_date.strip()
    if len(value) == 6 and value.isdigit():
        return 2000 + int(value[:2])
    if len(value) == 8 and value.isdigit():
        return int(value[:4])
    return default
