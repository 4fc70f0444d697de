"""Associated records reader: one CSV (or Parquet) per kind (DESIGN.md section 4), described by a table.

Why a table: the ten kinds differ only in their columns and checks; reading, quarantine, duplicates,
provenance and the ``person_ref`` key are shared (:mod:`ingest.readers.tabular`). Every kind that names a
person carries the six reference columns ``doc_issuer, doc_number, surname, given_names, birth_date,
nationality`` (the document when known, else name, birth date and nationality); the watchlist names its
subject by name, birth date, nationality and a bare document number.

Contact values are evidence: a phone that does not parse or lies outside the assigned ranges, or a
malformed e-mail, is kept and flagged (``phone_valid`` False, ``findings``), never dropped.
"""

from __future__ import annotations

from pathlib import Path

from ingest.readers.tabular import PERSON_REF_FIELDS, Field, ReadResult, read_table, validate

#: Roles of a case subject (DESIGN.md section 4).
CASE_ROLES = ("ORGANISER", "SUSPECT", "ACCOMPLICE", "WITNESS", "VICTIM")

_REF = PERSON_REF_FIELDS
_SEEN = (Field("first_seen", "date"), Field("last_seen", "date"), Field("source", "code", optional_column=True))

#: Kind -> (columns with their checks, whether rows name a person through the reference columns).
KINDS: dict[str, tuple[tuple[Field, ...], bool]] = {
    "phones": ((*_REF, Field("phone", "phone", required=True), *_SEEN), True),
    "emails": ((*_REF, Field("email", "email", required=True), *_SEEN), True),
    "addresses": ((*_REF, Field("address_line1", "text", required=True), Field("address_line2", "text"),
                   Field("city", "text"), Field("country", "country"),
                   Field("source", "code", optional_column=True)), True),
    "vehicles": ((Field("plate", "code", required=True), Field("plate_country", "country"), *_REF,
                  Field("role", "code")), True),
    "companies": ((Field("company_id", "text", required=True), Field("name", "text", required=True),
                   Field("country", "country"), Field("registration_no", "text")), False),
    "employment": ((*_REF, Field("company_id", "text", required=True), Field("role", "code")), True),
    "payments": ((Field("instrument", "code", required=True), Field("type", "code"), *_REF,
                  Field("expiry", "text", optional_column=True)), True),
    "cases": ((Field("case_id", "text", required=True), Field("case_type", "code"), Field("opened", "date"),
               Field("status", "code"), Field("severity", "code")), False),
    "case_subjects": ((Field("case_id", "text", required=True), *_REF,
                       Field("role", "enum", required=True, values=CASE_ROLES)), True),
    "watchlist": ((Field("entry_id", "text", required=True), Field("list", "code"),
                   Field("surname", "name", required=True), Field("given_names", "name"),
                   Field("native_name", "native", optional_column=True), Field("birth_date", "birth_date"),
                   Field("nationality", "country"), Field("doc_number", "doc_number"), Field("reason", "text"),
                   Field("severity", "code"), Field("listed_on", "date")), True),
}


def kind_of(path: str | Path) -> str:
    """The associated kind a file name says (``phones.csv``, ``2026-03-01_phones.parquet`` -> ``phones``).

    >>> kind_of("data/associated/case_subjects.csv"), kind_of("x/2026-03_watchlist.parquet")
    ('case_subjects', 'watchlist')
    """
    stem = Path(path).name.split(".", 1)[0].lower()
    for kind in sorted(KINDS, key=len, reverse=True):
        if stem == kind or stem.endswith(("_" + kind, "-" + kind)):
            return kind
    raise ValueError(f"{Path(path).name}: not an associated file kind ({', '.join(KINDS)})")


def read_associated(path: str | Path, kind: str | None = None, *, encoding: str = "utf-8") -> ReadResult:
    """Read, validate and normalise one associated file of ``kind`` (from the file name when not given).

    ``records`` columns: provenance ``file, line, content_hash``; the kind's columns normalised (names also
    as ``*_norm`` in ICAO Latin, dates ``YYYY-MM-DD`` with ``00`` for unknown parts, countries alpha-3,
    document numbers in MRZ form; phones with ``phone_e164`` and ``phone_valid``; e-mails with
    ``email_norm`` and ``email_key``); for kinds naming a person ``person_ref`` and ``doc_key``; ``findings``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "phones.csv")
    >>> head = "doc_issuer,doc_number,surname,given_names,birth_date,nationality,phone,first_seen,last_seen,source"
    >>> rows = [head, "HKG,K123,,,,,+852 9123 4567,2023-03-02,2026-03-01,TELECOM",
    ...         ",,Liu,Weilan,1982-07-00,CHN,12,2023-03-02,2026-03-01,TELECOM", ",,,,,,+85291234567,,,X"]
    >>> _ = open(p, "w").write("\\n".join(rows) + "\\n")
    >>> r = read_associated(p)
    >>> r.records[["person_ref", "phone_e164", "phone_valid"]].values.tolist()
    [['DOC:HKG:K123', '+85291234567', True], ['NAME:LIU|WEILAN|1982-07-00|CHN', None, False]]
    >>> [(q.line, q.rule) for q in r.quarantined], r.counts.reconciles
    ([(4, 'person-ref')], True)
    """
    kind = kind or kind_of(path)
    if kind not in KINDS:
        raise ValueError(f"unknown associated kind {kind!r} (one of {', '.join(KINDS)})")
    fields, person = KINDS[kind]
    return validate(read_table(path, encoding=encoding), fields, kind=kind, person=person)
