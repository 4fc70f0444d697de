"""Organisations and identifiers that are not people: travel agencies, companies, hotels, payment cards."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cluegraph.world.config import WorldConfig, rng_for

_CARD = np.array(["VI", "CA", "AX", "UP", "JC"], dtype=object)  # Visa, Mastercard, Amex, UnionPay, JCB
_BIN = {"VI": "453201", "CA": "542418", "AX": "372395", "UP": "622848", "JC": "353011"}
_WORDS = [
    "PEARL",
    "GOLDEN",
    "HARBOUR",
    "JADE",
    "DRAGON",
    "ORIENT",
    "SUNRISE",
    "VICTORIA",
    "KOWLOON",
    "LOTUS",
    "PACIFIC",
    "SILK",
    "PHOENIX",
    "BAMBOO",
    "EMPIRE",
]


@dataclass
class Entities:
    """Agencies, companies, hotels and payment instruments of one world."""

    companies: pd.DataFrame  # company, company_id, name, country, registration_no, kind, phone, iata
    instruments: pd.DataFrame  # instrument, pan, type, holder (person or -1), company (or -1), kind
    hotels: pd.DataFrame  # hotel, name, phone

    def add_company(self, kind: str, name: str, country: str = "HKG") -> int:
        """Append one company and return its row number."""
        i = len(self.companies)
        row = {
            "company": i,
            "company_id": f"C{i:06d}",
            "name": name,
            "country": country,
            "registration_no": f"{country[:2]}{(i * 7919 + 104729) % 10**8:08d}",
            "kind": kind,
            "phone": f"+8523{(i * 104729) % 10**7:07d}",
            "iata": f"{(i * 7907 + 1301) % 10**8:08d}",
        }
        self.companies = pd.concat([self.companies, pd.DataFrame([row])], ignore_index=True)
        return i

    def add_instruments(
        self, rng: np.random.Generator, kind: str, holder: np.ndarray, company: np.ndarray | None = None
    ) -> np.ndarray:
        """Append cards (one per holder) and return their ids."""
        n = len(holder)
        start = len(self.instruments)
        typ = _CARD[rng.choice(len(_CARD), n, p=[0.4, 0.3, 0.1, 0.15, 0.05])]
        ids = np.arange(start, start + n)
        last4 = (ids * 7919 + 1234) % 10**4
        pan = pd.Series(typ).map(_BIN) + "XXXXXX" + pd.Series(last4).map("{:04d}".format)
        new = pd.DataFrame(
            {
                "instrument": ids,
                "pan": pan.to_numpy(),
                "type": typ,
                "holder": holder,
                "company": company if company is not None else np.full(n, -1),
                "kind": kind,
            }
        )
        self.instruments = pd.concat([self.instruments, new], ignore_index=True)
        return ids


def build_entities(cfg: WorldConfig, persons: pd.DataFrame) -> Entities:
    """Agencies (first rows: tour operators), corporate employers and personal cards for about half the
    population."""
    rng = rng_for(cfg, "confounders")
    ent = Entities(
        companies=pd.DataFrame(
            columns=["company", "company_id", "name", "country", "registration_no", "kind", "phone", "iata"]
        ),
        instruments=pd.DataFrame(columns=["instrument", "pan", "type", "holder", "company", "kind"]),
        hotels=pd.DataFrame(),
    )
    rows = []
    for i in range(cfg.scale(400, 6)):
        w1, w2 = _WORDS[i % len(_WORDS)], _WORDS[(i // len(_WORDS) + 3) % len(_WORDS)]
        kind = "TOUR_AGENCY" if i % 3 == 0 else "AGENCY"
        rows.append(
            {
                "company": i,
                "company_id": f"C{i:06d}",
                "name": f"{w1} {w2} TRAVEL {i}",
                "country": "HKG" if i % 2 else "CHN",
                "registration_no": f"HK{(i * 7919) % 10**8:08d}",
                "kind": kind,
                "phone": f"+8522{(i * 104723 + 17) % 10**7:07d}",
                "iata": f"{(i * 7907 + 1301) % 10**8:08d}",
            }
        )
    ent.companies = pd.DataFrame(rows)
    n_hot = cfg.scale(30, 2)
    ent.hotels = pd.DataFrame(
        {
            "hotel": np.arange(n_hot),
            "name": [f"{_WORDS[i % len(_WORDS)]} HOTEL {i}" for i in range(n_hot)],
            "phone": [f"+8522{(i * 37 + 5) % 100:02d}{(i * 7919) % 10**5:05d}" for i in range(n_hot)],
        }
    )
    has = rng.random(len(persons)) < 0.55
    has &= persons["kind"].to_numpy() != "CREW"
    ent.add_instruments(rng, "PERSONAL", np.flatnonzero(has))
    return ent


def personal_card(ent: Entities, n_persons: int) -> np.ndarray:
    """Instrument id of each person's own card, or -1."""
    out = np.full(n_persons, -1, dtype=np.int64)
    own = ent.instruments[ent.instruments["kind"] == "PERSONAL"]
    out[own["holder"].to_numpy(dtype=np.int64)] = own["instrument"].to_numpy(dtype=np.int64)
    return out
