"""Identity resolution on a small synthetic world with every noise kind on (issue 4, acceptance 4 in
small): records read by the project's readers, resolved, scored against the world's truth. The full
measurement (20,000 persons) is ``bench/eval_identity.py``; its table is in docs/evaluation.md."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.eval_identity import FIELDS, load
from cluegraph.world.command import generate
from cluegraph.world.config import WorldConfig
from ingest.resolve import resolve_identities
from ingest.resolve.metrics import pairwise_scores


@pytest.fixture(scope="module")
def world_records(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("resolve_world")
    generate(WorldConfig(persons=2000, days=7, seed=3), out)
    return load(Path(out))


def test_world_identities_resolve_with_f1_at_least_0_99(world_records: pd.DataFrame) -> None:
    res = resolve_identities(world_records[["record_ref", *FIELDS, "seen"]])
    pred = world_records["record_ref"].map(res.assignments.set_index("record_ref")["person_key"])
    scores = pairwise_scores(pred, world_records["person_id"])
    assert scores["f1"] >= 0.99, scores
    base = (world_records["doc_issuer"] + ":" + world_records["doc_number"]).where(
        world_records["doc_number"] != "", world_records["record_ref"]
    )
    assert scores["f1"] > pairwise_scores(base, world_records["person_id"])["f1"]


def test_every_noise_kind_is_present_in_the_scored_records(world_records: pd.DataFrame) -> None:
    kinds = {k for ks in world_records["kinds"] for k in ks}
    assert {"typo", "swap", "translit", "partial_dob", "missing", "doc PREVIOUS", "doc LOCAL"} <= kinds
