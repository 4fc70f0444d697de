"""The true population: who exists, their kind, nationality, names, birth date, household and contacts.

Kinds: RESIDENT (lives in the home country), VISITOR, COMMUTER (crosses the land border on working days),
TRADER (frequent land/sea crossings with a vehicle) and CREW (airline crew, on crew lists only).
Households (families) are a benign confounder: shared address and surname, joint bookings.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import phonenumbers

from cluegraph.world import countries as C
from cluegraph.world.config import WorldConfig, day_number, rng_for
from cluegraph.world.names import draw_names

RESIDENT_MIX = {"HKG": 0.85, "PHL": 0.05, "IDN": 0.02, "IND": 0.02, "GBR": 0.02, "USA": 0.02, "CHN": 0.02}
DUAL_SECOND = np.array(["GBR", "CAN", "AUS", "USA"], dtype=object)
MAIL = {"HAN_CN": "QQ.COM", "KO": "NAVER.COM", "CYR": "MAIL.RU", "JA": "YAHOO.CO.JP"}


@cache
def mobile_prefix(dial: str) -> str:
    """The digits a mobile number of country code ``dial`` has in front of its last eight, from
    libphonenumber's example mobile number, so that every number has a length its country's numbers have: a
    number that cannot exist (``+1`` and eight digits) is refused by a reader, and a facilitator's phone on
    its bookings would be lost.

    >>> mobile_prefix("852"), mobile_prefix("44"), mobile_prefix("1")
    ('', '74', '20')
    """
    region = phonenumbers.region_code_for_country_code(int(dial))
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number) if example is not None else ""
    return national[: max(0, len(national) - 8)]


def _kinds(cfg: WorldConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Kind per person and household id (-1 when alone); households come first."""
    n = cfg.persons
    sizes: list[int] = []
    target = int(0.18 * n)
    while sum(sizes) < target:
        sizes.append(int(rng.choice([2, 3, 4, 5], p=[0.35, 0.3, 0.25, 0.1])))
    sizes_a = np.array(sizes, dtype=np.int64)
    household = np.repeat(np.arange(len(sizes_a)), sizes_a)
    hh_kind = np.where(rng.random(len(sizes_a)) < 0.5, "RESIDENT", "VISITOR").astype(object)
    special = [
        ("COMMUTER", cfg.scale(1500, 4)),
        ("TRADER", cfg.scale(1000, 3)),
        ("CREW", cfg.scale(3000, 12)),
    ]
    n_rest = n - len(household) - sum(k for _, k in special)
    rest = np.where(rng.random(n_rest) < 0.38, "RESIDENT", "VISITOR").astype(object)
    kind = np.concatenate(
        [hh_kind[household], rest] + [np.full(k, name, dtype=object) for name, k in special]
    )
    hh = np.concatenate([household, np.full(n - len(household), -1)])
    return kind, hh


def _nationalities(kind: np.ndarray, hh: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(kind)
    vis = C.CODES[rng.choice(len(C.CODES), size=n, p=C.visitor_weights())]
    res_codes = np.array(list(RESIDENT_MIX), dtype=object)
    res = res_codes[rng.choice(len(res_codes), size=n, p=np.array(list(RESIDENT_MIX.values())))]
    local = np.where(rng.random(n) < 0.7, "CHN", "HKG").astype(object)
    crew = np.array(["HKG", "CHN", "KOR", "PHL", "GBR", "AUS"], dtype=object)[rng.integers(0, 6, n)]
    nat = np.select([kind == "RESIDENT", kind == "VISITOR", kind == "CREW"], [res, vis, crew], local)
    # a household shares its head's nationality
    in_hh = hh >= 0
    first = np.r_[True, hh[1:] != hh[:-1]] & in_hh
    head_of = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    nat[in_hh] = nat[head_of[in_hh]]
    return nat


def build_persons(cfg: WorldConfig) -> pd.DataFrame:
    """The population as one DataFrame, row i is person ``P{i:07d}``."""
    rng = rng_for(cfg, "people")
    kind, hh = _kinds(cfg, rng)
    n = len(kind)
    nat = _nationalities(kind, hh, rng)
    in_hh = hh >= 0
    first = np.r_[True, hh[1:] != hh[:-1]] & in_hh
    head_of = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.where(in_hh, np.arange(n) - head_of, -1)  # 0 head, 1 spouse, 2+ children
    sex = rng.integers(0, 2, n)
    sex[rank == 0], sex[rank == 1] = 0, 1
    age_days = (rng.uniform(20, 72, n) * 365.25).astype(np.int64)
    age_days[rank >= 2] = (rng.uniform(0.5, 17.5, int((rank >= 2).sum())) * 365.25).astype(np.int64)
    birth = day_number(cfg.today) - age_days
    pool_of = dict(zip(C.CODES, C.column("pool"), strict=True))
    pools = np.array([pool_of[c] for c in nat], dtype=object)
    names = draw_names(rng_for(cfg, "names"), pools, sex)
    # apostrophes exist in real names (and exercise EDIFACT release characters)
    apos = np.isin(pools, ["EN", "FR"]) & (rng.random(n) < 0.12)
    pick = np.array(["O'BRIEN", "O'NEILL", "D'ARCY", "D'ALMEIDA"], dtype=object)[rng.integers(0, 4, n)]
    names["surname"][apos] = pick[apos]
    names["surname_variant"][apos] = pd.Series(pick[apos]).str.replace("'", "", regex=False).to_numpy()
    # children (and spouses outside Han/Korean/Vietnamese/Cyrillic traditions) take the head's surname
    share = (rank >= 2) | ((rank == 1) & ~np.isin(pools, ["HAN_CN", "HAN_HK", "HAN_TW", "KO", "VI", "CYR"]))
    share &= pools != "CYR"
    for col in ("surname", "surname_variant", "native_surname"):
        names[col][share] = names[col][head_of[share]]
    dual = rng.random(n) < np.where(nat == "HKG", 0.05, 0.015)
    dual &= (kind != "CREW") & (pools != "HAN_CN")
    second = DUAL_SECOND[rng.integers(0, 4, n)]
    second = np.where(second == nat, "CAN", second)
    dial = {c: d + mobile_prefix(d) for c, d in zip(C.CODES, C.column("dial"), strict=True)}
    mob = (np.arange(n, dtype=np.int64) * 7919 + int(rng.integers(0, 10**7))) % 10**8
    phone = pd.Series([dial[c] for c in nat], dtype=object) + pd.Series(mob).map("{:08d}".format)
    domain = pd.Series(pools).map(MAIL).fillna("GMAIL.COM")
    local = (
        pd.Series(names["given_names"]).str.split().str[0]
        + "."
        + pd.Series(names["surname"]).str.replace(r"[^A-Z]", "", regex=True)
        + pd.Series(np.arange(n) * 37 % 9973).astype(str)
    )
    # a mail provider gives an address once: the few namesakes who drew the same number get a suffix
    # (``MARK.SANTOS54_1``); with the number once drawn from 97, a quarter of all people shared their
    # address with a stranger of the same name
    taken = local.groupby([local, domain]).cumcount()
    email = local + np.where(taken > 0, "_" + taken.astype(str), "") + "@" + domain
    addr = np.where(in_hh, head_of, np.arange(n))
    return pd.DataFrame(
        {
            "person_id": pd.Series(np.arange(n)).map("P{:07d}".format),
            "kind": kind,
            "household": hh,
            "household_rank": rank,
            "nationality": nat,
            "second_nationality": np.where(dual, second, ""),
            "pool": pools,
            "sex": np.where(sex == 0, "M", "F"),
            "birth_date": birth,
            "surname": names["surname"],
            "given_names": names["given_names"],
            "native_name": _native(names, pools),
            "surname_variant": names["surname_variant"],
            "given_variant": names["given_variant"],
            "address_id": addr,
            "phone": "+" + phone,
            "email": email.str.lower(),
        }
    )


def _native(names: dict[str, np.ndarray], pools: np.ndarray) -> np.ndarray:
    sur = pd.Series(names["native_surname"])
    giv = pd.Series(names["native_given"])
    sep = np.where(np.isin(pools, ["HAN_CN", "HAN_HK", "HAN_TW", "KO", "JA"]), "", " ")
    arabic = pools == "AR"
    out = np.where(arabic, giv + " " + sur, sur + pd.Series(sep) + giv)
    return np.where(sur == "", "", out)
