"""Advance passenger data common to API and PNR: which inbound flights get messages, who is on them,
which document they gave and how their name reached the airline (with noise)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cluegraph.world import noise
from cluegraph.world.build import World
from cluegraph.world.config import day_number
from cluegraph.world.crossings import choose_documents


def manifest(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Passengers of inbound flights inside the advance window, one row each, sorted by flight and day.

    The window is the last ``advance_history_days`` of history plus the upcoming days: huge worlds keep
    crossings for all years but advance files for recent weeks only (see docs/world.md).
    """
    cfg, p, m = world.cfg, world.parties, world.members
    today = day_number(cfg.today)
    lo = today - cfg.advance_history_days
    sel = (p["mode"] == "AIR") & (p["in_day"] >= lo) & (p["in_day"] < today + cfg.days)
    mm = m[m["party"].isin(p.loc[sel, "party"])].copy()
    pp = p.iloc[mm["party"].to_numpy()]
    mm["day"] = pp["in_day"].to_numpy()
    mm["flight"] = pp["flight_in"].to_numpy()
    mm["mode"] = "AIR"
    mm["party_kind"] = pp["kind"].to_numpy()
    mm["doc"] = choose_documents(mm, world.docs, world.plan, len(world.persons), rng)
    mm = mm.sort_values(["day", "flight", "party", "person"], kind="stable").reset_index(drop=True)
    person = mm["person"].to_numpy()
    d = mm["doc"].to_numpy()
    docs = world.docs
    sur, giv, kind = noise.name_noise(
        rng,
        cfg.noise,
        docs["surname"].to_numpy()[d],
        docs["given_names"].to_numpy()[d],
        world.persons["surname_variant"].to_numpy()[person],
        world.persons["given_variant"].to_numpy()[person],
    )
    mm["surname"], mm["given_names"], mm["name_noise"] = sur, giv, kind
    mm["missing"] = noise.missing_field(rng, cfg.noise.missing, len(mm))
    return mm


def crew_for(crew: np.ndarray, carriers: list[str], carrier: str, day: int, k: int) -> np.ndarray:
    """``k`` crew members (rows of the population in ``crew``) of a carrier for one flight day: crew rotate
    through a small pool."""
    c = carriers.index(carrier)
    base = (c * 7 + day * 3) % len(crew)
    return crew[(base + np.arange(k) * 5) % len(crew)]
