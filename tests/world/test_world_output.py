"""Determinism, speed, layout and EDIFACT validity of generated worlds."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from pydifact.segmentcollection import Interchange

from cluegraph.world.command import generate
from cluegraph.world.config import WorldConfig
from cluegraph.world.documents import check_digit

ASSOCIATED = [
    "phones",
    "emails",
    "addresses",
    "vehicles",
    "companies",
    "employment",
    "payments",
    "cases",
    "case_subjects",
    "watchlist",
]
REF = ["doc_issuer", "doc_number", "surname", "given_names", "birth_date", "nationality"]


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_different_seed_different_world(small_world: tuple[Path, float], tmp_path: Path) -> None:
    first, _ = small_world
    again, other = tmp_path / "again", tmp_path / "other"
    generate(WorldConfig(persons=2000, days=7, seed=1), again)
    generate(WorldConfig(persons=2000, days=7, seed=2), other)
    assert digest(first) == digest(again)
    assert (first / "crossings.csv").read_bytes() != (other / "crossings.csv").read_bytes()


def test_two_thousand_people_under_ten_seconds(small_world: tuple[Path, float]) -> None:
    _, seconds = small_world
    assert seconds < 10


def test_layout_and_columns(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    x = pd.read_csv(out / "crossings.csv", dtype=str, keep_default_na=False)
    assert list(x.columns) == [
        "crossing_id",
        "crossing_time",
        "port",
        "direction",
        "mode",
        "conveyance",
        "surname",
        "given_names",
        "native_name",
        "sex",
        "birth_date",
        "nationality",
        "doc_type",
        "doc_number",
        "doc_issuer",
        "doc_expiry",
        "mrz",
        "outcome",
        "outcome_reason",
        "source",
    ]
    assert set(x["outcome"]) == {"CLEARED", "SECONDARY", "REFUSED", "DETAINED"}
    assert set(x["mode"]) == {"AIR", "LAND", "SEA"}
    assert x["crossing_time"].str.endswith("+08:00").all()
    for name in ASSOCIATED:
        cols = list(pd.read_csv(out / "associated" / f"{name}.csv", nrows=0).columns)
        if name not in ("companies", "cases", "watchlist"):
            assert set(REF) <= set(cols), name
    wl = pd.read_csv(out / "associated" / "watchlist.csv", nrows=0).columns
    assert list(wl) == [
        "entry_id",
        "list",
        "surname",
        "given_names",
        "native_name",
        "birth_date",
        "nationality",
        "doc_number",
        "reason",
        "severity",
        "listed_on",
    ]
    meta = json.loads((out / "world.json").read_text())
    assert meta["seed"] == 1 and meta["counts"]["crossings"] == len(x)


def test_mrz_check_digits_valid_except_planted(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    docs = pd.read_csv(out / "truth" / "documents.csv", dtype=str, keep_default_na=False)
    docs = docs[docs["mrz"] != ""]
    ok = docs["mrz"].map(lambda m: check_digit(m[44:53]) == int(m[53]))
    assert (ok == (docs["mrz_valid"] == "True")).all()
    assert (~ok).sum() >= 1


def _edifact_files(out: Path) -> list[Path]:
    return sorted((out / "advance").rglob("*.edi"))


def test_every_edifact_file_tokenises_with_pydifact(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    files = _edifact_files(out)
    assert any("paxlst" in str(f) for f in files) and any("pnrgov" in str(f) for f in files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            segments = list(Interchange.from_str(f.read_text(encoding="utf-8")).segments)
            assert any(s.tag == "UNH" for s in segments), f.name


def test_edifact_variety(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    texts = {f.name: f.read_text(encoding="utf-8") for f in _edifact_files(out)}
    joined = "\n".join(texts.values())
    assert any(t.startswith("UNA:*.? $") for t in texts.values())  # other separators
    assert any(t.startswith("UNB") for t in texts.values())  # no UNA at all
    assert "?'" in joined  # released apostrophe in a name
    assert "LOC+92" in joined or "LOC*92" in joined  # progressive flight with a stop
    assert "BGM+250" in joined or "BGM*250" in joined  # crew lists
    for tag in ("TIF", "SSR+DOCS", "FOP", "ADD", "EBD", "TRI", "SSR+SEAT", "IFT", "TKT", "RCI"):
        assert tag in joined or tag.replace("+", "*") in joined, tag


def test_multi_part_lists(tmp_path: Path) -> None:
    # a list of two or more passengers is split into parts with probability 0.15; a 2,000-person world has
    # only about nine such flights, so whether one seed has any is luck: seed 2 has six split lists
    generate(WorldConfig(persons=2000, days=7, seed=2), tmp_path)
    texts = {f.name: f.read_text(encoding="utf-8") for f in _edifact_files(tmp_path)}
    joined = "\n".join(texts.values())
    assert any("_P1OF" in n for n in texts) and ":F'" in joined.replace("$", "'")


def test_truth_covers_every_record(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    t = out / "truth"
    x = pd.read_csv(out / "crossings.csv", usecols=["crossing_id"])
    tx = pd.read_csv(t / "crossings.csv")
    assert list(tx["crossing_id"]) == list(x["crossing_id"]) and tx["person_id"].notna().all()
    api = pd.read_csv(t / "api_entries.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in _edifact_files(out):
            if "paxlst" not in str(f):
                continue
            segs = list(Interchange.from_str(f.read_text(encoding="utf-8")).segments)
            nads = sum(1 for s in segs if s.tag == "NAD" and s.elements[0] in ("FL", "FM"))
            assert nads == (api["file"] == f.name).sum(), f.name
    assoc = pd.read_csv(t / "associated_rows.csv", keep_default_na=False)
    for name in ("phones", "emails", "addresses", "payments", "case_subjects", "employment", "vehicles"):
        rows = len(pd.read_csv(out / "associated" / f"{name}.csv"))
        assert (assoc["file"] == f"{name}.csv").sum() == rows, name


@pytest.mark.slow
def test_bench_world_runs(tmp_path: Path) -> None:
    """A 100,000-person week generates within 60 CPU seconds (this process, all its threads, and any child
    it waits for): the generator's own work, which other jobs on the shared 2-core machine stretch far less
    than wall time (a 120 s wall bound failed at 153 s under load with the generator unchanged; measured
    with this bound: 19.9 CPU s, 135.2 s wall at load 8.2). Wall seconds and the load average are in the
    message and printed (pytest -rP)."""
    t0, c0 = time.perf_counter(), _cpu_seconds()
    generate(WorldConfig(persons=100_000, days=7, seed=3), tmp_path)
    took, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    figures = f"{cpu:.1f} CPU s ({took:.1f} s wall, load {os.getloadavg()[0]:.1f})"
    print(f"100,000-person world generated in {figures}")
    assert cpu < 60, figures


def _cpu_seconds() -> float:
    """CPU seconds of this process (all its threads) and of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
