"""The rejection every normaliser raises: names the field, the value and the rule.

Ingest catches :class:`NormaliseError` (an :class:`graph.errors.InvalidValueError`) per value, writes the
record to quarantine with ``str(err)`` and keeps its neighbours. The vectorised forms never raise: they
put the same text in an ``error`` column.
"""

from __future__ import annotations

from typing import Any

from graph.errors import InvalidValueError


class NormaliseError(InvalidValueError):
    """A value a normaliser cannot turn into its canonical form.

    >>> err = NormaliseError("month 13 is not 1-12", field="birth_date", value="1990-13-01", rule="calendar")
    >>> str(err)
    "calendar: month 13 is not 1-12 [field birth_date, value '1990-13-01']"
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        field: str | None = None,
        value: Any = None,
        file: str | None = None,
        record: str | int | None = None,
    ) -> None:
        super().__init__(f"{rule}: {message}", file=file, record=record, field=field, value=value)
        self.rule = rule
        self.detail = message


class InvalidNameError(NormaliseError):
    """A name with nothing left after folding, or a script we cannot romanise."""


class InvalidDateError(NormaliseError):
    """A date that does not parse, is not in the calendar, or breaks the rule of its kind."""


class InvalidCountryError(NormaliseError):
    """A country code or name that is not ISO 3166 / ICAO 9303, or is ambiguous."""


class InvalidPhoneError(NormaliseError):
    """A phone number that does not parse or cannot exist."""


class InvalidDocumentError(NormaliseError):
    """A document number or type that is empty, a placeholder, or of the wrong characters."""


class InvalidEmailError(NormaliseError):
    """An e-mail address that is not ``local@domain.tld``."""


class InvalidMRZError(NormaliseError):
    """Text that is not a machine readable zone of a known format (lengths, characters)."""
