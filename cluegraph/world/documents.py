"""Travel documents: passports with renewals, second passports of dual nationals, local ID cards and
permits, and their ICAO 9303 machine readable zone (TD3) with valid check digits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cluegraph.world import countries as C
from cluegraph.world.config import WorldConfig, day_number, iso_days, rng_for

_WEIGHTS = np.array([7, 3, 1])
_VALUE = np.zeros(256, dtype=np.int64)
_VALUE[ord("0") : ord("9") + 1] = np.arange(10)
_VALUE[ord("A") : ord("Z") + 1] = np.arange(10, 36)


def check_digit(text: str) -> int:
    """ICAO 9303 check digit of one field.

    >>> check_digit("L898902C3"), check_digit("740812"), check_digit("120415")
    (6, 2, 9)
    """
    return int(check_digits(np.array([text], dtype=object))[0])


def check_digits(texts: np.ndarray) -> np.ndarray:
    """Check digits of many fields of equal length at once (vectorised)."""
    if len(texts) == 0:
        return np.zeros(0, dtype=np.int64)
    width = len(texts[0])
    raw = np.frombuffer("".join(texts.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, width)
    w = np.resize(_WEIGHTS, width)
    return (_VALUE[raw] * w).sum(axis=1) % 10


def mrz_name(surname: pd.Series, given: pd.Series, width: int = 39) -> pd.Series:
    """The name field of an MRZ: SURNAME<<GIVEN<NAMES, non-letters dropped or filled, padded, cut."""
    s = surname.str.replace("'", "", regex=False).str.replace(r"[^A-Z]", "<", regex=True)
    g = given.str.replace("'", "", regex=False).str.replace(r"[^A-Z]", "<", regex=True)
    return (s + "<<" + g).str.slice(0, width).str.pad(width, side="right", fillchar="<")


def yymmdd(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``YYMMDD`` (the MRZ and EDIFACT date form)."""
    iso = pd.Series(iso_days(days))
    return (iso.str.slice(2, 4) + iso.str.slice(5, 7) + iso.str.slice(8, 10)).to_numpy(dtype=object)


def td3(doc: pd.DataFrame) -> pd.Series:
    """Two-line TD3 MRZ (88 characters, lines concatenated) for rows with issuer, number, nationality,
    birth_date, sex, expiry, surname, given_names."""
    line1 = "P<" + doc["issuer"] + mrz_name(doc["surname"], doc["given_names"])
    num = doc["number"].str.pad(9, side="right", fillchar="<")
    dob = pd.Series(yymmdd(doc["birth_date"].to_numpy()), index=doc.index)
    exp = pd.Series(yymmdd(doc["expiry"].to_numpy()), index=doc.index)
    personal = "<" * 14
    cd = {
        k: pd.Series(check_digits(v.to_numpy(dtype=object)), index=doc.index).astype(str)
        for k, v in (("num", num), ("dob", dob), ("exp", exp))
    }
    pcd = str(check_digit(personal)).replace("0", "<")
    comp_src = num + cd["num"] + dob + cd["dob"] + exp + cd["exp"] + personal + pcd
    comp = pd.Series(check_digits(comp_src.to_numpy(dtype=object)), index=doc.index).astype(str)
    line2 = (
        num
        + cd["num"]
        + doc["nationality"]
        + dob
        + cd["dob"]
        + doc["sex"]
        + exp
        + cd["exp"]
        + personal
        + pcd
        + comp
    )
    return line1 + line2


def _numbers(issuer: np.ndarray, doc_type: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique document numbers per issuer and type: a prefix and a permuted serial, 9 characters."""
    prefix_of = dict(zip(C.CODES, C.column("doc_prefix"), strict=True))
    out = np.empty(len(issuer), dtype=object)
    keys = pd.Series(issuer).astype(str) + ":" + pd.Series(doc_type).astype(str)
    for key in sorted(set(keys)):
        idx = np.flatnonzero((keys == key).to_numpy())
        iss, typ = key.split(":")
        prefix = {"P": prefix_of[iss], "I": "Z", "C": "C"}[typ]
        digits = 9 - len(prefix)
        mod = 10**digits
        a = int(rng.integers(1, mod // 7)) * 10 + 3  # odd, not a multiple of 5: a bijection mod 10**k
        serial = (np.arange(len(idx), dtype=np.int64) * a + int(rng.integers(0, mod))) % mod
        out[idx] = prefix + pd.Series(serial).map(("{:0" + str(digits) + "d}").format).to_numpy()
    return out


def build_documents(cfg: WorldConfig, persons: pd.DataFrame) -> pd.DataFrame:
    """Every document the population holds (``role``: CURRENT, PREVIOUS, SECOND or LOCAL)."""
    rng = rng_for(cfg, "documents")
    n = len(persons)
    today = day_number(cfg.today)
    start = day_number(cfg.history_start)
    pidx = np.arange(n)
    issued = today - rng.integers(60, int(9.5 * 365), n)
    parts = [
        pd.DataFrame(
            {
                "person": pidx,
                "role": "CURRENT",
                "doc_type": "P",
                "issuer": persons["nationality"].to_numpy(),
                "issued": issued,
            }
        )
    ]
    prev = issued > start  # travelled before the renewal: the previous passport
    parts.append(
        pd.DataFrame(
            {
                "person": pidx[prev],
                "role": "PREVIOUS",
                "doc_type": "P",
                "issuer": persons["nationality"].to_numpy()[prev],
                "issued": np.maximum(
                    issued[prev] - 3650 + rng.integers(30, 300, int(prev.sum())),
                    persons["birth_date"].to_numpy()[prev] + 30,
                ),
            }
        )
    )
    sec = persons["second_nationality"].to_numpy() != ""
    parts.append(
        pd.DataFrame(
            {
                "person": pidx[sec],
                "role": "SECOND",
                "doc_type": "P",
                "issuer": persons["second_nationality"].to_numpy()[sec],
                "issued": today - rng.integers(60, 3000, int(sec.sum())),
            }
        )
    )
    nat = persons["nationality"].to_numpy()
    loc = np.isin(nat, ["HKG", "CHN"]) & (persons["kind"].to_numpy() != "CREW")
    parts.append(
        pd.DataFrame(
            {
                "person": pidx[loc],
                "role": "LOCAL",
                "doc_type": np.where(nat[loc] == "HKG", "I", "C"),
                "issuer": nat[loc],
                "issued": today - rng.integers(60, 3000, int(loc.sum())),
            }
        )
    )
    doc = pd.concat(parts, ignore_index=True)
    child = (today - persons["birth_date"].to_numpy()[doc["person"]]) < 16 * 365
    doc["expiry"] = doc["issued"] + np.where(child, 5 * 365 + 1, 10 * 365 + 2)
    doc["number"] = _numbers(doc["issuer"].to_numpy(), doc["doc_type"].to_numpy(), rng)
    for col in ("surname", "given_names", "birth_date", "sex", "nationality"):
        doc[col] = persons[col].to_numpy()[doc["person"]]
    doc["nationality"] = np.where(doc["role"] == "SECOND", doc["issuer"], doc["nationality"])
    doc["mrz"] = ""
    is_p = (doc["doc_type"] == "P").to_numpy()
    doc.loc[is_p, "mrz"] = td3(doc.loc[is_p])
    doc["mrz_valid"] = True
    doc["doc_id"] = pd.Series(np.arange(len(doc))).map("D{:08d}".format)
    return doc
