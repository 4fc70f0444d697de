"""Noise rates measured on the written files match the configured rates."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from pydifact.segmentcollection import Interchange

from cluegraph.world.command import generate
from cluegraph.world.config import NoiseRates, WorldConfig
from cluegraph.world.noise import typo

NOISY = NoiseRates(
    typo=0.08,
    swap=0.04,
    translit=0.15,
    partial_dob=0.1,
    missing=0.1,
    split_id=0.2,
    duplicate_message=0.15,
    late_advance=0.2,
)


@pytest.fixture(scope="module")
def noisy_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A world with high noise rates, so measured rates have small sampling error."""
    out = tmp_path_factory.mktemp("noisy")
    generate(WorldConfig(persons=3000, days=7, seed=5, advance_history_days=120, noise=NOISY), out)
    return out


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def close(measured: int, n: int, rate: float) -> bool:
    """Within four binomial standard deviations (plus one event)."""
    return abs(measured - n * rate) <= 4 * math.sqrt(n * rate * (1 - rate)) + 1


def test_typo_always_changes_the_word() -> None:
    for word in ("ZHANG", "LI", "AA", "O'BRIEN", "IURII"):
        for u in (0.0, 0.3, 0.99):
            for v in (0.0, 0.3, 0.6, 0.99):
                assert typo(word, u, v) != word


def test_name_and_field_noise_in_crossings(noisy_world: Path) -> None:
    x = _read(noisy_world / "crossings.csv")
    t = _read(noisy_world / "truth" / "crossings.csv")
    docs = _read(noisy_world / "truth" / "documents.csv").set_index("doc_id")
    persons = _read(noisy_world / "truth" / "persons.csv").set_index("person_id")
    sur = persons.loc[t["person_id"], "surname"].to_numpy()
    giv = persons.loc[t["person_id"], "given_names"].to_numpy()
    forged = docs.loc[t["doc_id"], "role"].to_numpy() == "FORGED"
    changed = ((x["surname"].to_numpy() != sur) | (x["given_names"].to_numpy() != giv)) & ~forged
    n = len(x)
    eligible = (persons["surname_variant"] != persons["surname"]) | (persons["given_variant"] != persons["given_names"])
    share = eligible.loc[t["person_id"]].to_numpy().mean()
    expected = NOISY.typo + NOISY.swap + NOISY.translit * share
    assert close(int(changed.sum()), n, expected), (changed.mean(), expected)
    log = _read(noisy_world / "truth" / "noise.csv")
    names = log[(log["source"] == "crossings.csv") & (log["field"] == "name")]
    assert abs(len(names) - int(changed.sum())) <= 2  # every change is logged
    partial = x["birth_date"].str.endswith("-00")
    assert close(int(partial.sum()), n, NOISY.partial_dob * (1 - NOISY.missing / 4))
    empty = sum(int((x[f] == "").sum()) for f in ("sex", "birth_date", "nationality", "doc_expiry"))
    assert close(empty, n, NOISY.missing)


def test_duplicates_and_late_advance(noisy_world: Path) -> None:
    files = sorted((noisy_world / "advance").rglob("*.edi"))
    originals = [f for f in files if "_RESEND" not in f.name]
    resent = [f for f in files if "_RESEND" in f.name]
    assert close(len(resent), len(originals), NOISY.duplicate_message)
    late: dict[str, bool] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in originals:
            m = re.match(r"PAXLST_(\w+?)_(\d{8})_", f.name)
            if m is None or m.group(2) >= "20260301":  # upcoming flights have not landed yet
                continue
            inter = Interchange.from_str(f.read_text(encoding="utf-8"))
            sent = "".join(inter.get_header_segment().elements[3])
            arrival = [s.elements[0][1] for s in inter.segments if s.tag == "DTM" and s.elements[0][0] == "232"][-1]
            late[m.group(0)] = late.get(m.group(0), False) or sent > arrival  # one draw per flight
    assert len(late) > 50
    assert close(sum(late.values()), len(late), NOISY.late_advance)


def test_split_ids_in_associated(noisy_world: Path) -> None:
    log = _read(noisy_world / "truth" / "noise.csv")
    rows = _read(noisy_world / "truth" / "associated_rows.csv")
    n = int((rows["file"] != "watchlist.csv").sum())
    split = log[log["kind"] == "split_id"]
    assert close(len(split), n, NOISY.split_id)
    phones = _read(noisy_world / "associated" / "phones.csv")
    docs = _read(noisy_world / "truth" / "documents.csv")
    current = docs[docs["role"] == "CURRENT"].set_index("person_id")["doc_number"]
    truth = rows[rows["file"] == "phones.csv"].reset_index(drop=True)
    ours = split[split["source"] == "phones.csv"]["record"].astype(int) - 1
    for i in ours.head(50):
        got = phones.at[i, "doc_number"]
        assert got != current[truth.at[i, "person_id"]]  # another document, or named without one
