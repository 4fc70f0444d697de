"""Checks on a batch before it is written: which columns it must have, and the SQL rules every row must
keep, each naming the field it concerns and the error it raises (see ``DuckDBWriter``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from graph.errors import EndpointError, InvalidIdError, InvalidInputError, InvalidValueError, MissingKeyError
from graph.schema import EdgeType
from graph.store.base import Rows

PROVENANCE = ("first_seen", "last_seen", "sources", "confidence", "method")
_PROP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEY_TYPES = (pa.types.is_null, pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_date32)


@dataclass(frozen=True)
class Rule:
    """One validation rule: SQL true for a bad row, the field it concerns, what it says, the error raised."""

    bad: str
    field: str
    says: str
    error: type[InvalidInputError]
    #: A first load may skip this rule before inserting: a row that breaks it fails the checks after.
    checked_after: bool = False


def as_arrow(rows: Rows) -> pa.Table:
    """The rows as an Arrow table (a DataFrame's index is dropped)."""
    if isinstance(rows, pa.Table):
        return rows
    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows, preserve_index=False)
    raise InvalidInputError("rows must be a pandas DataFrame or a pyarrow Table", value=type(rows).__name__)


def q(name: str) -> str:
    return f'"{name}"'


def is_text(table: pa.Table, column: str) -> bool:
    typ = table.schema.field(column).type
    return bool(pa.types.is_string(typ) or pa.types.is_large_string(typ))


def time_sql(table: pa.Table, column: str) -> str | None:
    """SQL reading a provenance time column as a UTC TIMESTAMP: text is parsed (ISO 8601, offsets kept),
    Arrow dates and times are cast (naive ones are taken as UTC)."""
    if column not in table.column_names:
        return None
    if is_text(table, column):
        return f"TRY_CAST({q(column)} AS TIMESTAMPTZ)::TIMESTAMP"
    return f"{q(column)}::TIMESTAMP"


def label_of(column: str, labels: Sequence[str]) -> str:
    """SQL for the label part of an id column, among the allowed ``labels`` (no string is cut or copied)."""
    if len(labels) == 1:
        return f"'{labels[0]}'"
    cases = " ".join(f"WHEN starts_with({column}, '{lab}:') THEN '{lab}'" for lab in labels)
    return f"CASE {cases} END"


def empty(column: str) -> str:
    return f"{q(column)} IS NULL OR trim(CAST({q(column)} AS VARCHAR)) = ''"


def need_column(table: pa.Table, column: str, what: str, says: str) -> None:
    if column not in table.column_names:
        raise MissingKeyError(f"{what}: {says}", field=column)


def prop_columns(table: pa.Table, what: str, *, reserved: tuple[str, ...]) -> list[str]:
    cols = [c for c in table.column_names if c not in PROVENANCE]
    for c in cols:
        if not _PROP.match(c):
            raise InvalidValueError(f"{what}: a property name must be a plain identifier", field=c)
        if c in reserved or c.startswith("__"):
            raise InvalidValueError(f"{what}: reserved column name", field=c)
    return cols


def check_key_type(table: pa.Table, column: str, what: str) -> None:
    typ = table.schema.field(column).type
    if not any(test(typ) for test in _KEY_TYPES):
        raise InvalidValueError(f"{what}: a key column must hold text, integers or dates, not {typ}", field=column)


def edge_rules(etype: EdgeType) -> list[Rule]:
    rules: list[Rule] = []
    for end, labels in (("src", etype.sources), ("dst", etype.targets)):
        col = q(end)
        rules += [
            Rule(f"{col} IS NULL", end, "endpoint id is empty", MissingKeyError),
            Rule(
                f"length({col}) <> strpos({col}, ':') + 16",
                end,
                "not a node id (Label:16 hex digits)",
                InvalidIdError,
            ),
            Rule(
                f"TRY_CAST('0x' || right({col}, 16) AS BIGINT) IS NULL",
                end,
                "not a node id (Label:16 hex digits)",
                InvalidIdError,
                checked_after=True,
            ),
            Rule(
                f"NOT ({' OR '.join(f'starts_with({col}, {chr(39)}{lab}:{chr(39)})' for lab in labels)})",
                end,
                f"endpoint label not allowed for {etype.name} (allowed: {', '.join(labels)})",
                EndpointError,
            ),
        ]
    if etype.key:
        rules.append(Rule(empty(etype.key), etype.key, "key value is empty", MissingKeyError))
    return rules


def provenance_rules(table: pa.Table) -> list[Rule]:
    cols, rules = table.column_names, []
    for t in ("first_seen", "last_seen"):
        if t in cols and is_text(table, t):
            rules.append(
                Rule(
                    f"{q(t)} IS NOT NULL AND TRY_CAST({q(t)} AS TIMESTAMPTZ) IS NULL",
                    t,
                    "not a date or time",
                    InvalidValueError,
                )
            )
    if "first_seen" in cols and "last_seen" in cols:
        first, last = time_sql(table, "first_seen"), time_sql(table, "last_seen")
        rules.append(Rule(f"{first} > {last}", "last_seen", "last_seen is before first_seen", InvalidValueError))
    if "confidence" in cols:
        rules.append(
            Rule(
                "confidence IS NOT NULL AND coalesce(TRY_CAST(confidence AS DOUBLE) NOT BETWEEN 0 AND 1, true)",
                "confidence",
                "confidence must be between 0 and 1",
                InvalidValueError,
            )
        )
    return rules
