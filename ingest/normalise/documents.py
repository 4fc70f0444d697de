"""Travel documents: the number as a key, the issuer as a code, the ICAO 9303 document type.

Numbers are compared as the MRZ prints them: upper case, no spaces, fillers (``<``), hyphens, slashes or dots
(full-width forms folded first). ``doc_key`` is ``ISSUER:NUMBER`` with the issuer through
:func:`ingest.normalise.countries.normalise_country` (``D`` -> ``DEU``), the deterministic identity key.
Placeholders (``UNKNOWN``, ``NONE``, all zeros...) are rejected: they would join strangers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd
import pyarrow as pa

from ingest.normalise._vector import ArrayLike, as_series, is_missing
from ingest.normalise.countries import normalise_country
from ingest.normalise.errors import InvalidDocumentError, NormaliseError

MAX_LENGTH = 20
PLACEHOLDERS = frozenset({"UNKNOWN", "UNK", "NONE", "NA", "NIL", "NULL", "XXX", "TBA", "TBD", "NOTAVAILABLE"})
#: ICAO 9303 first letters of the document code, and the words sources write instead.
DOC_TYPES = {"P": "passport", "I": "identity card", "A": "official travel document", "C": "crew or other card",
             "V": "visa"}  # fmt: skip
_TYPE_WORDS = {
    "PASSPORT": "P", "PASS": "P", "PSPT": "P", "IDCARD": "I", "IDENTITYCARD": "I", "NATIONALID": "I", "ID": "ID",
    "VISA": "V", "CREWMEMBERCERTIFICATE": "AC", "CREWCERTIFICATE": "AC", "CMC": "AC",
}  # fmt: skip
_STRIP = re.compile(r"[\s<\-/.]+")


@cache
def _number(text: str, field: str) -> str:
    number = _STRIP.sub("", unicodedata.normalize("NFKC", text).upper())
    if not number:
        raise InvalidDocumentError("nothing left after removing fillers", field=field, value=text, rule="doc-empty")
    if number in PLACEHOLDERS or set(number) <= {"0"}:
        raise InvalidDocumentError("a placeholder, not a number", field=field, value=text, rule="doc-placeholder")
    if not number.isascii() or not number.isalnum():
        raise InvalidDocumentError("characters other than A-Z and 0-9", field=field, value=text, rule="doc-charset")
    if len(number) > MAX_LENGTH:
        msg = f"longer than {MAX_LENGTH} characters"
        raise InvalidDocumentError(msg, field=field, value=text, rule="doc-length")
    return number


def normalise_doc_number(value: str | None, *, field: str = "doc_number") -> str | None:
    """One document number as the MRZ prints it; ``None``/blank gives ``None``.

    >>> normalise_doc_number(" c01x-0006h "), normalise_doc_number("D23145890<123")
    ('C01X0006H', 'D23145890123')
    """
    if is_missing(value):
        return None
    return _number(str(value), field)


def normalise_doc_type(value: str | None, *, field: str = "doc_type") -> str | None:
    """An ICAO 9303 document code (``P``, ``PT``, ``I``, ``ID``, ``AC``, ``V``...) from a code or a word.

    >>> normalise_doc_type("P<"), normalise_doc_type("Passport"), normalise_doc_type("id card")
    ('P', 'P', 'I')
    """
    if is_missing(value):
        return None
    code = re.sub(r"[^A-Z<]", "", str(value).upper())
    if code in _TYPE_WORDS:
        return _TYPE_WORDS[code]
    code = code.rstrip("<")
    if 1 <= len(code) <= 2 and code[0] in DOC_TYPES:
        return code
    raise InvalidDocumentError("not an ICAO 9303 document code (P, I, A, C, V + one letter)",
                               field=field, value=value, rule="doc-type")  # fmt: skip


def doc_key(issuer: str | None, number: str | None, *, field: str = "doc_number") -> str | None:
    """``ISSUER:NUMBER``, the deterministic document key; ``None`` when either part is missing.

    >>> doc_key("D", "c01x0006h")
    'DEU:C01X0006H'
    """
    code = normalise_country(issuer, field="doc_issuer")
    num = normalise_doc_number(number, field=field)
    return f"{code}:{num}" if code and num else None


def doc_keys(issuers: ArrayLike, numbers: ArrayLike) -> pd.DataFrame | pa.Table:
    """Vectorised: columns ``doc_issuer, doc_number, doc_key, error`` for two aligned columns.

    >>> doc_keys(pd.Series(["DE"]), pd.Series(["c01 x0006h"]))["doc_key"].tolist()
    ['DEU:C01X0006H']
    """
    iss, arrow = as_series(issuers)
    num, _ = as_series(numbers)
    pairs = pd.Series(list(zip(iss.tolist(), num.tolist(), strict=True)), index=iss.index, dtype=object)
    codes, uniques = pd.factorize(pairs)
    rows: list[tuple[str | None, ...]] = []
    for i, n in uniques:
        try:
            code = normalise_country(i, field="doc_issuer")
            number = normalise_doc_number(n)
            rows.append((code, number, f"{code}:{number}" if code and number else None, None))
        except NormaliseError as err:
            rows.append((None, None, None, str(err)))
    cols = ["doc_issuer", "doc_number", "doc_key", "error"]
    frame = pd.DataFrame(rows, columns=cols, dtype=object).iloc[codes].set_index(iss.index)
    return pa.Table.from_pandas(frame, preserve_index=False) if arrow else frame
