"""Keys of payment instruments: which card sightings are one card.

A PNR's FOP and ``payments.csv`` name a card by its masked PAN (first six digits, the issuer's BIN, and the
last four; ``453201XXXXXX5708``), often with its expiry (``MMYY``). A masked PAN alone does not name one
card: ten thousand last-four values under one BIN, and a big issuer's BIN covers millions of cards, so
strangers share masked PANs by chance (about one card in two hundred in a world of 100,000 people). The
expiry tells most of those apart, so the key is the masked PAN with its expiry, ``453201XXXXXX5708/0929``.

A masked PAN seen without an expiry keeps the masked PAN alone as its key: it meets the other sightings
without an expiry, never the expiry-bearing ones. Guessing which dated card it is would join strangers on a
coin toss; a separate node keeps what the source said, and the specificity weight (one over the holders)
already discounts a masked PAN that many people share. The network (``VI``, ``CA``) is not part of the key:
the BIN already fixes it, and sources spell it differently (``VI``, ``VISA``).

A value with no masking (a payment token, a full account reference) names one instrument by itself and is
keyed as it is, with or without an expiry.

>>> instrument_tokens(pd.Series(["453201xxxxxx5708", "4532 01XX XXXX 5708", "453201XXXXXX5708", "TOK9"]),
...                   pd.Series(["0929", "09/29", None, "0929"])).tolist()
['453201XXXXXX5708/0929', '453201XXXXXX5708/0929', '453201XXXXXX5708', 'TOK9']
"""

from __future__ import annotations

import re

import pandas as pd

from ingest.pipeline.keys import text

__all__ = ["card_expiry", "instrument_tokens", "masked_pan"]

_SEPARATORS = re.compile(r"[\s\-.]")
_MASK = re.compile(r"[X*#]")


def masked_pan(card: pd.Series) -> pd.Series:
    """Card values upper-cased, spaces, dashes and dots removed, ``*`` and ``#`` masks written ``X``.

    >>> masked_pan(pd.Series(["4532-01** ****-5708", None])).tolist()
    ['453201XXXXXX5708', None]
    """
    out = text(card).str.upper().str.replace(_SEPARATORS, "", regex=True).str.replace(_MASK, "X", regex=True)
    return text(out)


def card_expiry(values: pd.Series) -> pd.Series:
    """Expiries as ``MMYY`` from ``MMYY``, ``MM/YY``, ``MMYYYY``, ``MM/YYYY`` or ``YYYY-MM``; None where a
    value is missing or not a month (a wrong expiry must not key a card).

    >>> card_expiry(pd.Series(["0929", "9/29", "09/2029", "2029-09", "1329", "", None])).tolist()
    ['0929', '0929', '0929', '0929', None, None, None]
    """
    raw = text(values)
    uniq = raw.dropna().unique()
    done = {v: _expiry(v) for v in uniq}
    return text(raw.map(done))


def _expiry(value: str) -> str | None:
    parts = [p for p in re.split(r"\D+", value) if p]
    if len(parts) == 2:
        a, b = parts
        month, year = (b, a) if len(a) == 4 else (a, b)
    elif len(parts) == 1 and len(parts[0]) in (4, 6):
        d = parts[0]
        month, year = (d[4:], d[:4]) if len(d) == 6 and d[:2] in ("19", "20") and d[4:] <= "12" else (d[:2], d[2:])
    else:
        return None
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and len(year) in (2, 4)):
        return None
    return f"{int(month):02d}{year[-2:]}"


def instrument_tokens(card: pd.Series, expiry: pd.Series) -> pd.Series:
    """``PaymentInstrument`` keys: a masked PAN with its expiry (``PAN/MMYY``), a masked PAN alone where no
    valid expiry is given, an unmasked value as it is (see the module text for why)."""
    pan = masked_pan(card)
    exp = card_expiry(expiry.set_axis(card.index))
    masked = pan.fillna("").astype(str).str.contains("X", regex=False)
    with_expiry = masked & exp.notna()
    out = pan.copy()
    out[with_expiry] = pan[with_expiry] + "/" + exp[with_expiry]
    return text(out)
