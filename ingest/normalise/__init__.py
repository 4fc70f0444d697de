"""Normalisation: raw record values to the canonical forms identity resolution and the store key on.

One module per kind of value: names (any script to ICAO 9303 Latin, blocking keys), dates (partial dates,
``YYMMDD`` centuries), countries (ISO 3166 alpha-3 and ICAO codes), phones (E.164), e-mails, documents
(numbers, issuers, ``doc_key``), and MRZ parsing with check digits. Each has a scalar form that returns
``None`` for a missing value and raises a :class:`NormaliseError` (field, value, rule) for a bad one, and a
vectorised form over a pandas Series or an Arrow array that never raises and reports in an ``error`` column.

>>> normalise_country("D"), normalise_date("740812", kind="birth"), doc_key("D", "c01x0006h")
('DEU', '1974-08-12', 'DEU:C01X0006H')
"""

from ingest.normalise.countries import alpha2, normalise_countries, normalise_country
from ingest.normalise.dates import PartialDate, normalise_date, normalise_dates, parse_date
from ingest.normalise.documents import doc_key, doc_keys, normalise_doc_number, normalise_doc_type
from ingest.normalise.emails import email_key, normalise_email, normalise_emails
from ingest.normalise.errors import (
    InvalidCountryError,
    InvalidDateError,
    InvalidDocumentError,
    InvalidEmailError,
    InvalidMRZError,
    InvalidNameError,
    InvalidPhoneError,
    NormaliseError,
)
from ingest.normalise.mrz import MRZ, check_digit, parse_mrz, parse_mrzs, verify_check_digit
from ingest.normalise.names import (
    NormalName,
    compact_variant_key,
    name_key,
    name_keys,
    name_similarity,
    normalise_name,
    normalise_names,
    skeleton,
    variant_key,
)
from ingest.normalise.phones import normalise_phone, normalise_phones, phone_is_valid

__all__ = [
    "MRZ",
    "InvalidCountryError",
    "InvalidDateError",
    "InvalidDocumentError",
    "InvalidEmailError",
    "InvalidMRZError",
    "InvalidNameError",
    "InvalidPhoneError",
    "NormalName",
    "NormaliseError",
    "PartialDate",
    "alpha2",
    "check_digit",
    "compact_variant_key",
    "doc_key",
    "doc_keys",
    "email_key",
    "name_key",
    "name_keys",
    "name_similarity",
    "normalise_countries",
    "normalise_country",
    "normalise_date",
    "normalise_dates",
    "normalise_doc_number",
    "normalise_doc_type",
    "normalise_email",
    "normalise_emails",
    "normalise_name",
    "normalise_names",
    "normalise_phone",
    "normalise_phones",
    "parse_date",
    "parse_mrz",
    "parse_mrzs",
    "phone_is_valid",
    "skeleton",
    "variant_key",
    "verify_check_digit",
]
