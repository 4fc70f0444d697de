"""Acceptance 1: every file of the real PAXLST and PNRGOV corpus is found by its content, read and loaded
(passengers, crew, legs, bookings in the store), and every deviation is reported with its place.

Reader-level expectations (names with release characters, counts, multi-part reassembly) are pinned in
``test_paxlst.py`` and ``test_pnrgov.py``; here the same files go through the whole pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.store import open_store
from ingest.pipeline.run import run_ingest
from ingest.readers.pnrgov import read_pnrgov
from tests.ingest.pipeline_helpers import counts

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "paxlst").is_dir(), reason="the shared corpus is not here")
NOT_MESSAGES = {"SOURCES.md", "gtas_tamr_identity_truth.csv", "smooks_d03b_ace_emanifest_release_chars.expected.xml"}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    store = tmp_path_factory.mktemp("corpus") / "g.duckdb"
    return store, run_ingest(CORPUS, str(store))


def _messages(family: str) -> list[str]:
    return sorted(p.name for p in (CORPUS / family).iterdir() if p.name not in NOT_MESSAGES)


@needs_corpus
@pytest.mark.parametrize("family", ["paxlst", "pnrgov"])
def test_every_corpus_file_is_found_by_content_and_read(family: str, ingested: tuple[Path, object]) -> None:
    _, rep = ingested
    found = {f.file.split("/")[-1]: f for f in rep.files if f.family == family}
    assert sorted(found) == _messages(family)
    for name, f in found.items():
        assert f.error is None, name
        assert f.reconciles, name
        assert f.read > 0, name
    if family == "paxlst":
        # the Type B fragment is cut off: its one traveller is quarantined, not dropped
        assert found["typeb_wrapped_irlapis_fragment_truncated.txt"].quarantined == 1
        # a bare message that reuses the reference of the multi-part list: read in its own round, its
        # travellers are the ones the list already announced (same segments): duplicates, not lost
        assert found["astra_czapis_single_unh_to_une.txt"].duplicates == 3


@needs_corpus
def test_passengers_crew_legs_and_bookings_are_in_the_store(ingested: tuple[Path, object]) -> None:
    store, rep = ingested
    with open_store(store, read_only=True) as st:
        announced = [r for t in st.export_edges("ANNOUNCED") for r in t.to_pylist()]
        bookings = [r for t in st.export_nodes("Booking") for r in t.to_pylist()]
        voyages = [r for t in st.export_nodes("Voyage") for r in t.to_pylist()]
    roles = {r["role"] for r in announced}
    assert {"PASSENGER", "CREW"} <= roles
    pax = {f.file: f for f in rep.files if f.family == "paxlst"}
    assert len({s for r in announced for s in r["sources"]}) >= sum(f.loaded for f in pax.values()) - 5
    # the progressive flight MIA-IAD-JFK-CDG is three legs, each a Voyage
    legs = {(v["number"], v["dep_port"], v["arr_port"]) for v in voyages if v.get("dep_port")}
    assert {("IAD", "JFK"), ("JFK", "CDG")} <= {(d, a) for _, d, a in legs}
    # the 127-booking message: every booking is in the store (a few are also in other GTAS files: those are
    # counted as duplicates of the earlier copy, and the stored booking names that file)
    sent = read_pnrgov(CORPUS / "pnrgov" / "gtas_parsers_pnrWithBags.txt").bookings
    stored = {(b["carrier"], b["locator"], b["created"]) for b in bookings}
    assert len(sent) == 127
    keys = sent[["carrier", "locator", "created"]].values
    assert {(c, loc, (cr or "0000-00-00")[:10]) for c, loc, cr in keys} <= stored
    assert counts(store)["BOOKED"] > 0 and counts(store)["Person"] > 0


@needs_corpus
def test_every_deviation_has_its_place(ingested: tuple[Path, object], tmp_path: Path) -> None:
    _, rep = ingested
    devs = [d for f in rep.files for d in f.deviations]
    assert devs, "the corpus breaks the standard in many places"
    for d in devs:
        assert d["file"] and d["rule"], d
        assert any(d.get(k) is not None for k in ("line", "segment", "message")), d
    rules = {d["rule"] for d in devs}
    assert {"unt-count", "cnt-count"} <= rules
    out = tmp_path / "report.json"
    rep.write(out)  # type: ignore[attr-defined]
    data = json.loads(out.read_text())
    assert data["reconciles"] and data["totals"]["read"] == sum(f["read"] for f in data["files"])
