"""Re-checks of all history after new intelligence, against the world's planted NEW_INTEL case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.runs import recheck
from graph.store import open_store


def _true_people(store: Path, world: Path) -> pd.Series:
    """Stored person id -> true person id, by the documents each holds (majority)."""
    from analytics.features_frames import edge_frame, node_frame

    truth = pd.read_csv(world / "truth" / "documents.csv", dtype=str, keep_default_na=False)
    truth = truth[truth["role"] != "FORGED"]
    with open_store(str(store), read_only=True) as st:
        docs = node_frame(st, "Document")[["id", "issuer", "number"]]
        holds = edge_frame(st, "HOLDS", ["src", "dst"])
    held = holds.merge(docs, left_on="dst", right_on="id").merge(
        truth, left_on=["issuer", "number"], right_on=["doc_issuer", "doc_number"])
    return held.groupby("src")["person_id"].agg(lambda s: s.value_counts().index[0])


def test_recheck_finds_every_planted_retro_hit_and_few_false_ones(world_store: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    world, store = world_store
    members = pd.read_csv(world / "truth" / "scheme_members.csv", dtype=str)
    planted = set(members.loc[members["scheme_type"] == "NEW_INTEL", "person_id"])
    with open_store(str(store)) as st:
        result = recheck(st, out_dir=tmp_path)
    who = _true_people(store, world)
    found = set(who.reindex(result.hits["person_id"].unique()).dropna())
    assert planted <= found
    false = result.hits["person_id"].drop_duplicates().map(who).fillna("?")
    assert (~false.isin(planted)).sum() <= 5
    crossings = result.hits[result.hits["record_kind"] == "CROSSING"]
    assert set(who.reindex(crossings["person_id"].unique()).dropna()) == planted  # their past crossings surface
    assert (tmp_path / "retro_hits.csv").exists() and (tmp_path / "recheck.json").exists()


def test_recheck_since_tomorrow_finds_nothing_new(world_store: tuple[Path, Path]) -> None:
    from datetime import date

    with open_store(str(world_store[1])) as st:
        result = recheck(st, since=date(2026, 3, 2))
    assert result.hits.empty
