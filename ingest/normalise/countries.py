"""Countries as ISO 3166-1 alpha-3, plus the ICAO 9303 codes that are not ISO.

Accepted: alpha-3 (``DEU``), alpha-2 (``DE``), numeric (``276``), MRZ forms (``D``, ``D<<``), the ICAO
codes of Doc 9303 Part 3 (``GBD``... ``XXX``, kept as they are: they are nationalities, not states), and
English names, official names and common aliases when they name exactly one country (diacritics and case
folded). Output is always three letters. ``UTO`` (Utopia, the ICAO specimen state) is accepted only with
``allow_specimen=True``.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pyarrow as pa
import pycountry

from ingest.normalise._vector import ArrayLike, is_missing, map_unique
from ingest.normalise.errors import InvalidCountryError
from ingest.normalise.scripts import latin_icao

#: ICAO 9303 Part 3 codes that are not ISO 3166 alpha-3, with their meaning.
ICAO_CODES: dict[str, str] = {
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "specialized agency of the United Nations or one of its officials",
    "UNK": "resident of Kosovo to whom a travel document has been issued by UNMIK",
    "EUE": "European Union",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community or one of its emissaries",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    "XES": "Organisation of Eastern Caribbean States",
    "XXA": "stateless person (1954 Convention)",
    "XXB": "refugee (1951 Convention)",
    "XXC": "refugee (other than 1951 Convention)",
    "XXX": "person of unspecified nationality",
    "RKS": "Kosovo",
    "XKX": "Kosovo (user-assigned code)",
}
#: MRZ and legacy codes that stand for an ISO code.
ALIASES: dict[str, str] = {"D": "DEU", "UK": "GBR", "EL": "GRC"}
SPECIMEN = {"UTO": "Utopia (ICAO specimen state)"}
_NAME_ALIASES = {
    "USA": "USA", "UNITED STATES": "USA", "AMERICA": "USA", "UK": "GBR", "GREAT BRITAIN": "GBR", "BRITAIN": "GBR",
    "ENGLAND": "GBR", "RUSSIA": "RUS", "SOUTH KOREA": "KOR", "KOREA": "KOR", "REPUBLIC OF KOREA": "KOR",
    "NORTH KOREA": "PRK", "IRAN": "IRN", "SYRIA": "SYR", "VIETNAM": "VNM", "LAOS": "LAO", "BOLIVIA": "BOL",
    "VENEZUELA": "VEN", "TANZANIA": "TZA", "MOLDOVA": "MDA", "TAIWAN": "TWN", "CZECH REPUBLIC": "CZE",
    "IVORY COAST": "CIV", "CAPE VERDE": "CPV", "BURMA": "MMR", "TURKEY": "TUR", "HOLLAND": "NLD",
    "MACAU": "MAC", "HONG KONG": "HKG", "PALESTINE": "PSE", "KOSOVO": "RKS", "VATICAN": "VAT", "BRUNEI": "BRN",
    "MACEDONIA": "MKD", "SWAZILAND": "SWZ", "EAST TIMOR": "TLS", "CONGO DR": "COD", "DR CONGO": "COD",
    "DEMOCRATIC REPUBLIC OF CONGO": "COD", "STATELESS": "XXA", "REFUGEE": "XXB",
}  # fmt: skip


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", latin_icao(text).replace("'", "")).split())


@cache
def _name_index() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                seen.setdefault(_fold(name), set()).add(c.alpha_3)
    index = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    index.update({_fold(k): v for k, v in _NAME_ALIASES.items()})
    return index


@cache
def _normalise(text: str, allow_specimen: bool, field: str) -> str:
    code = text.strip().upper().rstrip("<").strip()
    if code in ALIASES:
        return ALIASES[code]
    if code in ICAO_CODES or (allow_specimen and code in SPECIMEN):
        return code
    if len(code) == 3 and code.isalpha() and pycountry.countries.get(alpha_3=code):
        return code
    if len(code) == 2 and code.isalpha() and (c := pycountry.countries.get(alpha_2=code)):
        return str(c.alpha_3)
    if code.isdigit() and (c := pycountry.countries.get(numeric=code.zfill(3))):
        return str(c.alpha_3)
    if code in SPECIMEN:
        raise InvalidCountryError(f"{SPECIMEN[code]} is not a real state", field=field, value=text, rule="specimen")
    found = _name_index().get(_fold(text))
    if found:
        return found
    if len(code) <= 3:
        raise InvalidCountryError(
            "not an ISO 3166 alpha-2/alpha-3/numeric or ICAO 9303 code", field=field, value=text, rule="country-code"
        )
    raise InvalidCountryError("not a country name that names exactly one country", field=field, value=text,
                              rule="country-name")  # fmt: skip


def normalise_country(value: str | None, *, allow_specimen: bool = False, field: str = "country") -> str | None:
    """One country code or name to its three-letter code; ``None``/blank gives ``None``.

    >>> [normalise_country(v) for v in ("de", "D<<", "Germany", "276", "GBN", "Côte d'Ivoire")]
    ['DEU', 'DEU', 'DEU', 'DEU', 'GBN', 'CIV']
    """
    if is_missing(value):
        return None
    return _normalise(str(value), allow_specimen, field)


def normalise_countries(
    values: ArrayLike, *, allow_specimen: bool = False, field: str = "country"
) -> pd.DataFrame | pa.Table:
    """Vectorised :func:`normalise_country`: columns ``code, error``.

    >>> normalise_countries(pd.Series(["FR", "Atlantis"]))["code"].tolist()
    ['FRA', None]
    """
    return map_unique(values, lambda v: _normalise(str(v), allow_specimen, field), ["code"])


def alpha2(code: str | None) -> str | None:
    """The ISO alpha-2 of a code this module returns (GBD/GBN/... -> GB), for phone regions; else ``None``.

    >>> alpha2("DEU"), alpha2("GBD"), alpha2("XXA")
    ('DE', 'GB', None)
    """
    if not code:
        return None
    code = "GBR" if code.startswith("GB") else ALIASES.get(code, code)
    c = pycountry.countries.get(alpha_3=code)
    return str(c.alpha_2) if c else None
