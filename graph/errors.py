"""The error family of cluegraph.

One base, ``ClueGraphError``, so callers can catch everything of ours at the edge (CLI exit code, UI
message); named subclasses say what went wrong, and carry where: the file, the record (row, line or
message/segment) and the field, with the offending value.
"""

from __future__ import annotations

from typing import Any


class ClueGraphError(Exception):
    """Base of every error cluegraph raises on purpose.

    >>> err = ClueGraphError("bad value", file="x.csv", record="row 3", field="sex", value="Q")
    >>> str(err)
    "bad value [file x.csv, record row 3, field sex, value 'Q']"
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        self.value = value

    def where(self) -> str:
        """The location part of the message: file, record, field and value, those that are known."""
        parts = []
        if self.file is not None:
            parts.append(f"file {self.file}")
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{self.message} [{where}]" if where else self.message


class SchemaError(ClueGraphError):
    """The data model (graph/schema/*.yaml) is broken: names the file and the key."""

    exit_code = 3


class StoreError(ClueGraphError):
    """The graph store cannot be opened or used."""

    exit_code = 4


class StoreUnavailableError(StoreError):
    """The store URI names a backend that is missing or cannot be reached."""


class NotFoundError(StoreError):
    """An id that names nothing in the store."""


class InvalidInputError(ClueGraphError):
    """Input rejected at a boundary: names the record and the field."""

    exit_code = 2


class UnknownLabelError(InvalidInputError):
    """A node label or edge type the data model does not declare."""


class MissingKeyError(InvalidInputError):
    """A row lacks a key property its label requires."""


class EndpointError(InvalidInputError):
    """An edge whose source or target is of a label its type does not allow, or does not exist."""


class InvalidValueError(InvalidInputError):
    """A value of the wrong form (an id that does not parse, a time that is not a time...)."""


class InvalidIdError(InvalidValueError):
    """A string that is not a cluegraph id (``Label:16 hex digits``)."""
