"""Ports of the home country and the flight schedule to its partners.

Air: real IATA airport codes and airline designators; flight numbers are invented. Land and sea: codes in
UN/LOCODE style (country ``HK`` + three letters), only partly real. The schedule is fixed (it does not depend
on the seed): the same flights exist in every world, as in reality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from cluegraph.world import countries as C

HUB = "HKG"
LAND_PORTS = np.array(["HKLWU", "HKLMC", "HKSWB", "HKHZM", "HKHYW"], dtype=object)
LAND_WEIGHTS = np.array([0.35, 0.2, 0.2, 0.15, 0.1])
SEA_PORTS = np.array(["HKHKG", "HKCFT", "HKKTT"], dtype=object)
SEA_WEIGHTS = np.array([0.55, 0.35, 0.1])
VESSELS = np.array(
    [f"SEA DRAGON {i}" for i in range(1, 13)] + ["OCEAN JADE", "PEARL RIVER STAR"], dtype=object
)

# partner airport -> carriers serving it (first: home carriers, then the partner's own)
_SERVED = {
    "PEK": "CX CA",
    "PVG": "CX MU",
    "CAN": "CZ CX",
    "CTU": "CX 3U",
    "XMN": "MF",
    "HGH": "CX",
    "TPE": "CX BR CI",
    "KHH": "CX",
    "ICN": "CX KE OZ",
    "PUS": "UO",
    "NRT": "CX JL",
    "HND": "NH",
    "KIX": "UO CX",
    "MNL": "PR CX 5J",
    "CEB": "5J",
    "CGK": "GA CX",
    "DPS": "CX",
    "SGN": "VN CX",
    "HAN": "VN",
    "BKK": "TG CX",
    "KUL": "MH",
    "SIN": "SQ CX",
    "DEL": "AI CX",
    "BOM": "CX",
    "SFO": "CX UA",
    "LAX": "CX",
    "JFK": "CX",
    "LHR": "CX BA",
    "SYD": "CX QF",
    "MEL": "CX",
    "YVR": "CX AC",
    "FRA": "LH",
    "CDG": "AF",
    "SVO": "SU",
    "VVO": "HX",
    "KBP": "CX",
    "ALA": "KC",
    "DXB": "EK",
    "RUH": "SV",
    "CAI": "MS",
}
# a few inbound flights make a stop on the way (progressive flights): origin -> via
VIA = {"DXB": "BKK", "CAI": "BKK", "ALA": "PVG"}


@dataclass(frozen=True)
class Schedule:
    """One row per scheduled flight pair: inbound (partner -> hub) and outbound (hub -> partner)."""

    flights: pd.DataFrame  # route, partner, via, carrier, in_no, out_no, arr_min, dep_min, country

    def partner_index(self) -> dict[str, np.ndarray]:
        """Flight rows per partner airport."""
        # the group keys are the partner codes (str); the stubs type them as any scalar
        return {cast(str, p): g.index.to_numpy() for p, g in self.flights.groupby("partner", sort=True)}


def _country_of_airport() -> dict[str, str]:
    out = {a: c.code for c in C.COUNTRIES for a in c.airports}
    out.update({"HKG": "HKG"})
    return out


def build_schedule() -> Schedule:
    """The fixed flight schedule (deterministic, no random numbers)."""
    rows = []
    country = _country_of_airport()
    serial: dict[str, int] = {}
    for r, (partner, carriers) in enumerate(_SERVED.items()):
        for k, carrier in enumerate(carriers.split()):
            serial[carrier] = serial.get(carrier, 100 + 40 * (len(serial) % 3)) + 2
            base = serial[carrier] + 100 * k
            arr = (360 + 97 * r + 311 * k) % (17 * 60) + 6 * 60
            rows.append(
                {
                    "route": r,
                    "partner": partner,
                    "via": VIA.get(partner, ""),
                    "carrier": carrier,
                    "in_no": f"{carrier}{base + 1}",
                    "out_no": f"{carrier}{base}",
                    "arr_min": arr,
                    "dep_min": (arr + 90 + 35 * k) % (24 * 60),
                    "country": country[partner],
                }
            )
    return Schedule(pd.DataFrame(rows))


def airport_country(code: str) -> str:
    """Country (alpha-3) of a partner airport or the hub."""
    return _country_of_airport()[code]
