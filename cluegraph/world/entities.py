"""Organisations and identifiers that are not people: travel agencies, companies, hotels, payment cards."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from cluegraph.world.config import WorldConfig, rng_for

_CARD = np.array(["VI", "CA", "AX", "UP", "JC"], dtype=object)  # Visa, Mastercard, Amex, UnionPay, JCB
#: Per network: the leading digits of its issuer numbers (BINs) and how many issuers this world's cards come
#: from. Real issuing spreads cards over thousands of BINs, so two cards sharing first six and last four
#: digits happens but is rare, and their expiry dates tell most such pairs apart.
_ISSUERS = {"VI": (("4",), 900), "CA": (("51", "52", "53", "54", "55"), 700), "AX": (("34", "37"), 60),
            "UP": (("62",), 500), "JC": (("35",), 80)}
#: Issuers are not equally big: issuer ``r`` (0-based) issues in proportion to ``1 / (r + 1) ** _SKEW``.
_SKEW = 0.5
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
    instruments: pd.DataFrame  # instrument, pan, expiry (MMYY), type, holder (person or -1), company (or -1), kind
    hotels: pd.DataFrame  # hotel, name, phone
    seed: int = 1  # the world's seed: card numbers come from their own generator, so they shift nothing else

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
        """Append cards (one per holder) and return their ids. Each card gets a masked PAN (its issuer's
        BIN, ``XXXXXX``, four random digits) and an expiry ``MMYY`` one to five years after today, fixed
        for the card wherever it is used."""
        n = len(holder)
        start = len(self.instruments)
        typ = _CARD[rng.choice(len(_CARD), n, p=[0.4, 0.3, 0.1, 0.15, 0.05])]
        ids = np.arange(start, start + n)
        pan, expiry = card_numbers(np.random.default_rng([self.seed, start, 9303]), typ)
        new = pd.DataFrame(
            {
                "instrument": ids,
                "pan": pan,
                "expiry": expiry,
                "type": typ,
                "holder": holder,
                "company": company if company is not None else np.full(n, -1),
                "kind": kind,
            }
        )
        self.instruments = pd.concat([self.instruments, new], ignore_index=True)
        return ids


@cache
def issuer_bins(network: str) -> np.ndarray:
    """The BINs (six digits) of one network's issuers, biggest first; the same in every world.

    >>> b = issuer_bins("VI"); len(b), len(set(b)), all(x.startswith("4") and len(x) == 6 for x in b)
    (900, 900, True)
    """
    prefixes, count = _ISSUERS[network]
    rng = np.random.default_rng(sum(map(ord, network)))
    out: list[str] = []
    while len(out) < count:
        head = prefixes[int(rng.integers(len(prefixes)))]
        cand = head + f"{int(rng.integers(10 ** (6 - len(head)))):0{6 - len(head)}d}"
        if cand not in out:
            out.append(cand)
    return np.array(out, dtype=object)


def card_numbers(rng: np.random.Generator, networks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masked PANs (BIN, ``X`` for the hidden middle, last four; 15 digits for Amex, else 16) and expiries
    (``MMYY``, 2027-2031) for cards of the given networks.

    >>> pan, exp = card_numbers(np.random.default_rng(1), np.array(["VI", "AX"], dtype=object))
    >>> [(p[0], p[6:11], len(p)) for p in pan], [len(e) for e in exp]
    ([('4', 'XXXXX', 16), ('3', 'XXXXX', 15)], [4, 4])
    """
    n = len(networks)
    pan = np.empty(n, dtype=object)
    for net in pd.unique(networks):
        rows = np.flatnonzero(networks == net)
        bins = issuer_bins(str(net))
        weight = 1.0 / np.arange(1, len(bins) + 1) ** _SKEW
        pan[rows] = bins[rng.choice(len(bins), len(rows), p=weight / weight.sum())]
    pan = pan + np.where(networks == "AX", "XXXXX", "XXXXXX").astype(object)
    last4 = pd.Series(rng.integers(0, 10**4, n)).map("{:04d}".format).to_numpy(dtype=object)
    month = pd.Series(rng.integers(1, 13, n)).map("{:02d}".format).to_numpy(dtype=object)
    year = pd.Series(rng.integers(27, 32, n)).astype(str).to_numpy(dtype=object)
    return pan + last4, month + year


def build_entities(cfg: WorldConfig, persons: pd.DataFrame) -> Entities:
    """Agencies (first rows: tour operators), corporate employers and personal cards for about half the
    population."""
    rng = rng_for(cfg, "confounders")
    ent = Entities(
        companies=pd.DataFrame(
            columns=["company", "company_id", "name", "country", "registration_no", "kind", "phone", "iata"]
        ),
        instruments=pd.DataFrame(columns=["instrument", "pan", "expiry", "type", "holder", "company", "kind"]),
        hotels=pd.DataFrame(),
        seed=cfg.seed,
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
