"""Acceptance 2 of issue 4: the identities GTAS' own entity-resolution test asserts (``TamrIT``) come out
as asserted. Reads the three Tamr PAXLST files and ``gtas_tamr_identity_truth.csv`` where they lie in the
shared corpus (not copied)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest.readers.paxlst import read_paxlst
from ingest.resolve import resolve_identities

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "paxlst"
TRUTH = CORPUS / "gtas_tamr_identity_truth.csv"

pytestmark = pytest.mark.skipif(not TRUTH.exists(), reason="shared corpus not beside the repository")


@pytest.fixture(scope="module")
def resolved() -> pd.DataFrame:
    files = sorted(CORPUS.glob("gtas_tamr_flight*.txt"))
    t = read_paxlst(files).travellers
    records = pd.DataFrame({
        "record_ref": t["file"].map(lambda f: Path(f).name) + "#" + t["segment_number"].astype(str),
        "file": t["file"].map(lambda f: Path(f).name), "surname": t["surname"], "given_names": t["given_names"],
        "native_name": "", "sex": t["sex"], "birth_date": t["birth_date"], "nationality": t["nationality"],
        "doc_type": t["doc_type"], "doc_issuer": t["doc_issuer"], "doc_number": t["doc_number"], "seen": "",
    }).fillna("")  # fmt: skip
    res = resolve_identities(records.drop(columns="file"))
    return records.merge(res.assignments, on="record_ref")


def _truth() -> pd.DataFrame:
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    truth["given_names"] = (truth["given_name"] + " " + truth["middle_name"]).str.strip()
    return truth


def _person(resolved: pd.DataFrame, row: pd.Series) -> str:
    hit = resolved[(resolved["file"] == row["file"]) & (resolved["surname"] == row["surname"])
                   & (resolved["given_names"] == row["given_names"])]  # fmt: skip
    assert len(hit) == 1, f"{row['surname']} {row['given_names']} not read from {row['file']}"
    return str(hit["person_key"].iloc[0])


def test_every_asserted_cluster_is_one_person(resolved: pd.DataFrame) -> None:
    truth = _truth()
    clusters = truth[truth["asserted_cluster"] != ""].groupby("asserted_cluster")
    assert set(clusters.groups) == {"C1", "C2"}
    for name, rows in clusters:
        keys = {_person(resolved, row) for _, row in rows.iterrows()}
        assert len(keys) == 1, f"cluster {name} split into {len(keys)} persons"


def test_asserted_clusters_stay_apart_and_hold_no_one_else(resolved: pd.DataFrame) -> None:
    truth = _truth()
    asserted = truth[truth["asserted_cluster"] != ""]
    for name, rows in asserted.groupby("asserted_cluster"):
        key = _person(resolved, rows.iloc[0])
        assert (resolved["person_key"] == key).sum() == len(rows), f"cluster {name} holds someone else"
    keys = {_person(resolved, rows.iloc[0]) for _, rows in asserted.groupby("asserted_cluster")}
    assert len(keys) == 2


def test_thirty_travellers_and_twenty_seven_persons(resolved: pd.DataFrame) -> None:
    assert len(resolved) == 30
    assert resolved["person_key"].nunique() == 30 - 2 - 1
