"""Record-level noise: what real sources do to a person's name, birth date and fields.

Name noise is one of ``typo``, ``swap`` (given and surname exchanged) or ``translit`` (the other common
romanisation, e.g. ZHANG/CHANG, IURII/YURIY), drawn exclusively per record; ``translit`` only applies where
the person's name has a distinct variant (the rate is per eligible record). ``partial_dob`` and ``missing``
are drawn independently. Every applied event is returned as a row for ``truth/noise.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cluegraph.world.config import NoiseRates

_NEAR = {c: n for c, n in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "SVXSRDHJUKLKNBPOAETYIBQZTX", strict=True)}
MISSING_FIELDS = ("sex", "birth_date", "nationality", "doc_expiry")


def typo(word: str, u: float, v: float) -> str:
    """One keyboard-style error in ``word`` chosen by two uniforms (deterministic given them); the result
    always differs from the word.

    >>> typo("ZHANG", 0.1, 0.5)
    'ZAHNG'
    """
    out = _typo(word, u, v)
    return out if out != word else word[:-1] + ("X" if word[-1] != "X" else "Q")


def _typo(word: str, u: float, v: float) -> str:
    if len(word) < 3:
        return word + word[-1:]
    i = 1 + int(u * (len(word) - 2))
    op = int(v * 4)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i] + word[i:]
    if op == 2 and word[i] != word[i + 1 if i + 1 < len(word) else i - 1]:
        j = i + 1 if i + 1 < len(word) else i - 1
        a, b = sorted((i, j))
        return word[:a] + word[b] + word[a] + word[b + 1 :]
    return word[:i] + _NEAR.get(word[i], "E") + word[i + 1 :]


def name_noise(
    rng: np.random.Generator,
    rates: NoiseRates,
    surname: np.ndarray,
    given: np.ndarray,
    sur_var: np.ndarray,
    giv_var: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply name noise; returns new surname and given arrays and the kind applied per row ("" = none)."""
    n = len(surname)
    u = rng.random(n)
    uu = rng.random((n, 2)) if n else np.zeros((0, 2))
    kind = np.full(n, "", dtype=object)
    eligible = (sur_var != surname) | (giv_var != given)
    t1, t2 = rates.typo, rates.typo + rates.swap
    kind[u < t1] = "typo"
    kind[(u >= t1) & (u < t2)] = "swap"
    tr = (u >= t2) & (u < t2 + rates.translit) & eligible
    kind[tr] = "translit"
    sur, giv = surname.copy(), given.copy()
    idx = np.flatnonzero(kind == "typo")
    sur[idx] = [
        typo(s, a, b) if s else s for s, a, b in zip(surname[idx], uu[idx, 0], uu[idx, 1], strict=True)
    ]
    idx = np.flatnonzero(kind == "swap")
    sur[idx], giv[idx] = given[idx], surname[idx]
    sur[tr], giv[tr] = sur_var[tr], giv_var[tr]
    return sur, giv, kind


def partial_dates(rng: np.random.Generator, rate: float, iso: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blank the day (or month and day) of some ``YYYY-MM-DD`` dates; returns dates and a mask."""
    n = len(iso)
    hit = rng.random(n) < rate
    month_too = rng.random(n) < 0.3
    out = iso.copy()
    s = pd.Series(iso[hit], dtype=object)
    out[hit] = np.where(month_too[hit], s.str.slice(0, 4) + "-00-00", s.str.slice(0, 7) + "-00")
    return out, hit


def missing_field(rng: np.random.Generator, rate: float, n: int) -> np.ndarray:
    """Which field (of ``MISSING_FIELDS``) each record loses, or "" for none."""
    hit = rng.random(n) < rate
    which = np.array(MISSING_FIELDS, dtype=object)[rng.integers(0, len(MISSING_FIELDS), n)]
    return np.where(hit, which, "").astype(object)


def log_rows(
    source: str,
    keys: np.ndarray,
    kind: np.ndarray,
    field: str | np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
) -> pd.DataFrame:
    """Noise events as truth rows (only where ``kind`` is set)."""
    hit = kind != ""
    fields = field[hit] if isinstance(field, np.ndarray) else field
    return pd.DataFrame(
        {
            "source": source,
            "record": keys[hit],
            "kind": kind[hit],
            "field": fields,
            "true_value": before[hit],
            "noisy_value": after[hit],
        }
    )
