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

    >>> address_lines(np.array([7]), np.array(["HKG"], dtype=object)).iloc[0].tolist()
    ['FLAT 8H', '225 HENNESSY ROAD', 'HONG KONG', 'HKG']
    """
    a = np.asarray(address_id, dtype=np.int64)
    home = country == "HKG"
    flat = pd.Series(a % 30 + 1).astype(str) + pd.Series(np.array(list("ABCDEFGH"))[a % 8])
    number = pd.Series((a * 31 + 7) % 400 + 1).astype(str)
    street = np.where(home, _STREETS[(a // 3) % len(_STREETS)], _FOREIGN[(a // 3) % len(_FOREIGN)])
    city = np.array([BY_CODE[c].city if c in BY_CODE else "" for c in country], dtype=object)
    return pd.DataFrame(
        {
            "address_line1": ("FLAT " + flat).to_numpy(dtype=object),
            "address_line2": (number + " " + pd.Series(street, dtype=object)).to_numpy(dtype=object),
            "city": city,
            "country": country,
        }
    )
