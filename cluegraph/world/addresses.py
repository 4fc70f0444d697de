"""Postal addresses, generated from an address number (households share one; overstayers share two)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cluegraph.world.countries import BY_CODE

_STREETS = np.array(
    [
        "NATHAN ROAD",
        "QUEENS ROAD CENTRAL",
        "HENNESSY ROAD",
        "KINGS ROAD",
        "CASTLE PEAK ROAD",
        "TAI PO ROAD",
        "CANTON ROAD",
        "DES VOEUX ROAD",
        "SHAN TUNG STREET",
        "ARGYLE STREET",
        "LOCKHART ROAD",
        "PRINCE EDWARD ROAD",
    ],
    dtype=object,
)
_FOREIGN = np.array(
    [
        "MAIN STREET",
        "STATION ROAD",
        "PARK AVENUE",
        "RIVER ROAD",
        "MARKET STREET",
        "CENTRAL AVENUE",
        "GARDEN ROAD",
        "HARBOUR STREET",
    ],
    dtype=object,
)


def address_lines(address_id: np.ndarray, country: np.ndarray) -> pd.DataFrame:
    """Columns ``address_line1, address_line2, city, country`` for each address number.

    Different numbers give different addresses (below 240 x 400 x 8 = 768,000 numbers, more than any world
    here holds): households that do not share an address number must not share an address, or strangers
    would meet at it. (Until 2026-11-27 flat, house number and street each cycled on their own and only 1,200
    addresses existed per city: in a 100,000-person world about ten unrelated households lived at each.)

    >>> address_lines(np.array([7]), np.array(["HKG"], dtype=object)).iloc[0].tolist()
    ['FLAT 8A', '8 NATHAN ROAD', 'HONG KONG', 'HKG']
    >>> len(set(map(tuple, address_lines(np.arange(200_000), np.array(["CHN"] * 200_000, dtype=object)).values)))
    200000
    """
    a = np.asarray(address_id, dtype=np.int64)
    home = country == "HKG"
    block, rest = a // 240, a % 240  # a flat (30 floors x 8 letters) in a block
    flat = pd.Series(rest % 30 + 1).astype(str) + pd.Series(np.array(list("ABCDEFGH"))[rest // 30])
    number = pd.Series((block * 31 + 7) % 400 + 1).astype(str)  # 31 is prime to 400: 400 blocks per street
    # 401 * (block // 400) + block % 400, taken modulo the street count, differs for blocks of one number
    lane = block // 400 * 401 + block % 400
    street = np.where(home, _STREETS[lane % len(_STREETS)], _FOREIGN[lane % len(_FOREIGN)])
    city = np.array([BY_CODE[c].city if c in BY_CODE else "" for c in country], dtype=object)
    return pd.DataFrame(
        {
            "address_line1": ("FLAT " + flat).to_numpy(dtype=object),
            "address_line2": (number + " " + pd.Series(street, dtype=object)).to_numpy(dtype=object),
            "city": city,
            "country": country,
        }
    )
