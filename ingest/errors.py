"""Errors and findings of ingest.

Two kinds of trouble come out of a reader:

* ``EdifactError`` (a ``graph.errors.InvalidInputError``) when a file cannot be read at all (no EDIFACT in it,
  a service string advice that makes no sense). It names the file, the record and the field.
* ``Deviation``: something that breaks the standard but does not stop reading (a control count that
  disagrees, a truncated tail, an empty value). Deviations are reported, never raised.
* ``Quarantined``: a record (a traveller, a truncated message) set aside with its raw text and the rule it
  broke, so nothing is lost and the good records beside it still load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from graph.errors import InvalidInputError

Severity = Literal["info", "warning", "error"]


class EdifactError(InvalidInputError):
    """An EDIFACT file that cannot be tokenised (no UNA/UNB/UNH, broken service string advice).

    >>> str(EdifactError("no EDIFACT segments", file="a.edi"))
    'no EDIFACT segments [file a.edi]'
    """


@dataclass(frozen=True, slots=True)
class Deviation:
    """One departure from the standard, with its place.

    ``message_index`` is the 0-based index of the message in its file (None for interchange-level
    findings), ``segment_number`` the 1-based position of the segment inside its message (UNH is 1) or,
    outside a message, in the file. ``rule`` is a short stable code tests and reports can group by.

    >>> Deviation(file="a.edi", rule="unt-count", detail="UNT says 20, message has 21 segments").severity
    'warning'
    """

    file: str | None
    rule: str
    detail: str
    severity: Severity = "warning"
    message_index: int | None = None
    segment_number: int | None = None
    line: int | None = None
    tag: str | None = None
    field: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for JSON reports)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record set aside: where it was, which rule it broke, and its raw EDIFACT text.

    >>> q = Quarantined(file="a.edi", rule="surname-missing", detail="no surname", raw="NAD+FL+++:JOHN")
    >>> q.rule
    'surname-missing'
    """

    file: str | None
    rule: str
    detail: str
    raw: str
    message_index: int | None = None
    segment_number: int | None = None
    line: int | None = None
    tag: str | None = None
    field: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for ``quarantine.jsonl``)."""
        return asdict(self)
