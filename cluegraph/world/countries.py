"""Nationalities of the world: visitor mix, naming tradition, phone code, home airports, document numbers.

Weights are a plausible mix for an East-Asian hub (mainland China dominant, then the region, then long-haul
partners); they are not statistics of any real border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Country:
    """One nationality (ISO 3166 alpha-3, also the ICAO issuing code)."""

    code: str
    weight: float
    pool: str
    dial: str
    airports: tuple[str, ...]
    doc_prefix: str  # letters that start a passport number ("" = digits only)
    city: str


COUNTRIES: tuple[Country, ...] = (
    Country("CHN", 40, "HAN_CN", "86", ("PEK", "PVG", "CAN", "CTU", "XMN", "HGH"), "E", "SHANGHAI"),
    Country("HKG", 0, "HAN_HK", "852", ("HKG",), "K", "HONG KONG"),
    Country("TWN", 5, "HAN_TW", "886", ("TPE", "KHH"), "", "TAIPEI"),
    Country("KOR", 5, "KO", "82", ("ICN", "PUS"), "M", "SEOUL"),
    Country("JPN", 5, "JA", "81", ("NRT", "HND", "KIX"), "TK", "TOKYO"),
    Country("PHL", 5, "PH", "63", ("MNL", "CEB"), "P", "MANILA"),
    Country("IDN", 3, "ID", "62", ("CGK", "DPS"), "B", "JAKARTA"),
    Country("VNM", 3, "VI", "84", ("SGN", "HAN"), "C", "HO CHI MINH CITY"),
    Country("THA", 3, "TH", "66", ("BKK",), "AA", "BANGKOK"),
    Country("MYS", 3, "HAN_HK", "60", ("KUL",), "A", "KUALA LUMPUR"),
    Country("SGP", 3, "HAN_HK", "65", ("SIN",), "K", "SINGAPORE"),
    Country("IND", 4, "IN", "91", ("DEL", "BOM"), "Z", "MUMBAI"),
    Country("USA", 5, "EN", "1", ("SFO", "LAX", "JFK"), "", "SAN FRANCISCO"),
    Country("GBR", 4, "EN", "44", ("LHR",), "", "LONDON"),
    Country("AUS", 3, "EN", "61", ("SYD", "MEL"), "PA", "SYDNEY"),
    Country("CAN", 2, "EN", "1", ("YVR",), "AB", "VANCOUVER"),
    Country("DEU", 2, "DE", "49", ("FRA",), "C", "FRANKFURT"),
    Country("FRA", 2, "FR", "33", ("CDG",), "1", "PARIS"),
    Country("RUS", 2, "CYR", "7", ("SVO", "VVO"), "7", "MOSCOW"),
    Country("UKR", 1, "CYR", "380", ("KBP",), "FA", "KYIV"),
    Country("KAZ", 1, "CYR", "7", ("ALA",), "N", "ALMATY"),
    Country("ARE", 1, "AR", "971", ("DXB",), "", "DUBAI"),
    Country("SAU", 1, "AR", "966", ("RUH",), "", "RIYADH"),
    Country("EGY", 1, "AR", "20", ("CAI",), "A", "CAIRO"),
)

BY_CODE = {c.code: c for c in COUNTRIES}
CODES = np.array([c.code for c in COUNTRIES], dtype=object)


def visitor_weights() -> np.ndarray:
    """Probability of each entry of ``COUNTRIES`` for a visitor (residents are drawn apart)."""
    w = np.array([c.weight for c in COUNTRIES], dtype=float)
    return w / w.sum()


def column(attr: str) -> np.ndarray:
    """One attribute of every country, aligned with ``CODES``."""
    return np.array([getattr(c, attr) for c in COUNTRIES], dtype=object)
