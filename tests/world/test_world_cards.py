"""Payment cards: a masked PAN spread over many issuers (BINs), an expiry fixed per card and written wherever
the card appears (PNR FOP, payments.csv, truth), so masked-PAN collisions between strangers are rare and the
expiry tells most of them apart, as in real issuing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

_FOP = re.compile(r"FOP.CC.{2,3}[\d.]+.(?:VI|CA|AX|UP|JC).(\d{6}X{5,6}\d{4}).(\d{4})")


def _cards(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "truth" / "instruments.csv", dtype=str, keep_default_na=False)


def test_every_card_has_a_valid_expiry(small_world: tuple[Path, float]) -> None:
    cards = _cards(small_world[0])
    assert cards["expiry"].str.fullmatch(r"(0[1-9]|1[0-2])(2[7-9]|3[01])").all()


def test_cards_come_from_many_issuers_and_rarely_share_a_masked_pan(small_world: tuple[Path, float]) -> None:
    cards = _cards(small_world[0])
    assert cards["pan"].str[:6].nunique() > len(cards) / 10
    shared = cards["pan"].duplicated(keep=False).mean()
    assert shared < 0.01, shared
    assert not (cards["pan"] + cards["expiry"]).duplicated().any()


def test_pnr_fop_carries_the_cards_own_expiry(small_world: tuple[Path, float]) -> None:
    out = small_world[0]
    cards = _cards(out)
    exp_of = cards.groupby("pan")["expiry"].agg(set)
    seen = [m.groups() for f in (out / "advance" / "pnrgov").glob("*.edi") for m in _FOP.finditer(f.read_text())]
    assert len(seen) > 50
    assert all(exp in exp_of[pan] for pan, exp in seen)


def test_payments_file_carries_the_cards_expiry(small_world: tuple[Path, float]) -> None:
    out = small_world[0]
    pay = pd.read_csv(out / "associated" / "payments.csv", dtype=str, keep_default_na=False)
    both = pay.merge(_cards(out), left_on="instrument", right_on="pan", suffixes=("", "_card"))
    assert len(both) >= len(pay) and (both["expiry"] == both["expiry_card"]).groupby(both["instrument"]).any().all()
