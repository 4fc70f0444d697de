"""Phone numbers as E.164 (``+4915123456789``) with Google's libphonenumber (``phonenumbers``).

A national number needs a region: pass ``region`` (alpha-2 or alpha-3, e.g. the traveller's nationality or
the booking's country), per value or for the whole column. ``00`` in front is read as the international
prefix. Numbers that cannot exist (too short, too long, unknown country code) are rejected with
libphonenumber's reason (a local number without its area code too: it has no E.164 form); numbers that could
exist but are not in an assigned range are kept and flagged ``valid=False`` by :func:`normalise_phones`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from ingest.normalise._vector import ArrayLike, as_series, is_missing
from ingest.normalise.countries import alpha2
from ingest.normalise.errors import InvalidPhoneError

_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country calling code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.INVALID_LENGTH: "a length no number of that region has",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number without its area code",
}


@cache
def _region(region: str | None) -> str | None:
    if not region or (isinstance(region, float)):
        return None
    region = str(region).strip().upper()
    return alpha2(region) if len(region) == 3 else region or None


@cache
def _parse(text: str, region: str | None, field: str) -> tuple[str, bool]:
    raw = re.sub(r"^\s*00", "+", text) if not text.strip().startswith("+") else text
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException as err:
        rule = "phone-needs-region" if err.error_type == NumberParseException.INVALID_COUNTRY_CODE else "phone-parse"
        raise InvalidPhoneError(f"{err} (region {region})", field=field, value=text, rule=rule) from None
    result = phonenumbers.is_possible_number_with_reason(number)
    if result != ValidationResult.IS_POSSIBLE:
        reason = _REASONS.get(result, str(result))
        raise InvalidPhoneError(f"impossible number: {reason}", field=field, value=text, rule="phone-impossible")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), phonenumbers.is_valid_number(number)


def normalise_phone(value: str | None, *, region: str | None = None, field: str = "phone") -> str | None:
    """One phone number to E.164; ``None``/blank gives ``None``.

    >>> normalise_phone("0151 2345 6789", region="DEU"), normalise_phone("0044 20 7946 0018")
    ('+4915123456789', '+442079460018')
    """
    if is_missing(value):
        return None
    return _parse(str(value), _region(region), field)[0]


def phone_is_valid(e164: str) -> bool:
    """Whether an E.164 number is in a range its country has assigned.

    >>> phone_is_valid("+4915123456789")
    True
    """
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(e164, None)))


def _distinct_pairs(values: pd.Series, regions: pd.Series) -> tuple[np.ndarray, list[tuple[Any, Any]]]:
    """Codes and distinct ``(value, region)`` pairs, first seen first (as ``pd.factorize`` of the pairs): the
    values factorized once per region rather than hashing a tuple a row.

    >>> codes, pairs = _distinct_pairs(pd.Series(["1", "2", "1", None]), pd.Series(["DE", "DE", "DE", None]))
    >>> codes.tolist(), pairs[:2]
    ([0, 1, 0, 2], [('1', 'DE'), ('2', 'DE')])
    """
    rcodes, runiques = pd.factorize(regions.astype(object), use_na_sentinel=False)
    vcodes, vuniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    joint = vcodes.astype(np.int64) * (len(runiques) + 1) + rcodes
    codes, _ = pd.factorize(joint)
    first_rows = np.unique(codes, return_index=True)[1]
    return codes, [(vuniques[vcodes[i]], runiques[rcodes[i]]) for i in first_rows.tolist()]


def normalise_phones(
    values: ArrayLike, *, region: str | ArrayLike | None = None, field: str = "phone"
) -> pd.DataFrame | pa.Table:
    """Vectorised :func:`normalise_phone`; ``region`` one for all or a column aligned with ``values``.
    Columns ``e164, valid, error``.

    >>> normalise_phones(pd.Series(["+7 912 345 67 89", "12"]), region="RU")[["e164", "error"]].iloc[0].tolist()
    ['+79123456789', None]
    """
    series, arrow = as_series(values)
    if region is None or isinstance(region, str):
        regions = pd.Series([region] * len(series), index=series.index, dtype=object)
    else:
        regions, _ = as_series(region)
        regions.index = series.index
    codes, uniques = _distinct_pairs(series, regions)
    rows: list[tuple[str | None, bool | None, str | None]] = []
    for value, reg in uniques:
        if is_missing(value):
            rows.append((None, None, None))
            continue
        try:
            e164, valid = _parse(str(value), _region(reg), field)
            rows.append((e164, valid, None))
        except InvalidPhoneError as err:
            rows.append((None, None, str(err)))
    frame = pd.DataFrame(rows, columns=["e164", "valid", "error"], dtype=object).iloc[codes].set_index(series.index)
    return pa.Table.from_pandas(frame, preserve_index=False) if arrow else frame
