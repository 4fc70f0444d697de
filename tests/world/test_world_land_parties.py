"""A party that crosses by land or sea goes through the checkpoint together, as one bus or car load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def test_a_family_crossing_by_land_or_sea_crosses_in_one_minute(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    truth = pd.read_csv(out / "truth" / "crossings.csv", dtype=str, keep_default_na=False)
    seen = pd.read_csv(out / "crossings.csv", dtype=str, keep_default_na=False,
                       usecols=["crossing_id", "crossing_time", "direction", "mode", "port"])
    legs = truth.merge(seen, on="crossing_id")
    legs = legs[(legs["party_kind"] == "FAMILY") & legs["mode"].isin(["LAND", "SEA"])]
    legs = legs.assign(minute=legs["crossing_time"].str.slice(0, 16))
    groups = legs.groupby(["party", "direction"])
    sizes = groups["person_id"].nunique()
    assert (sizes >= 2).sum() >= 5  # the small world has land and sea families to look at
    assert (groups["minute"].nunique()[sizes >= 2] == 1).all()
    assert (groups["port"].nunique()[sizes >= 2] == 1).all()
