"""Identity resolution scored on a synthetic world's truth: pairwise precision, recall, F1, and errors by
noise kind.

    python bench/eval_identity.py [--world DIR] [--persons 20000] [--seed 7] [--write-doc]

Builds the world (all noise kinds on) unless ``--world`` names one, reads its crossings, API (PAXLST) and
PNR (PNRGOV) records with the project's readers (``ingest/readers``), runs ``resolve_identities`` on them
(not the pipeline; each record's booking as the pipeline keys it, ``CARRIER:LOCATOR``), and compares with
``truth/`` (crossings.csv, api_entries.csv, pnr_passengers.csv).
The baseline in the same run is the deterministic rule alone (same document issuer + number). ``--write-doc``
puts the table into ``docs/evaluation.md`` under "Identity resolution". JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import peak_rss_mib, report
from ingest.pipeline.identities import booking_codes
from ingest.pipeline.keys import booking_key
from ingest.readers.crossings import read_crossings
from ingest.readers.paxlst import read_paxlst
from ingest.readers.pnrgov import read_pnrgov
from ingest.resolve import resolve_identities
from ingest.resolve.metrics import pairwise_scores, record_errors

FIELDS = ["surname", "given_names", "native_name", "sex", "birth_date", "nationality", "doc_type", "doc_issuer",
          "doc_number"]  # fmt: skip
DOC = Path(__file__).resolve().parent.parent / "docs" / "evaluation.md"
_FILE = re.compile(r"^(?:PAXLST|PNRGOV)_([A-Z0-9]+)_(\d{8})")


def _records(frame: pd.DataFrame, ref: pd.Series, seen: pd.Series, source: str) -> pd.DataFrame:
    out = pd.DataFrame({"record_ref": ref.to_numpy(), "source": source, "seen": seen.astype(str).to_numpy()})
    for f in FIELDS:
        out[f] = frame[f].fillna("").astype(str).to_numpy() if f in frame else ""
    return out


def crossings(world: Path, truth: Path) -> pd.DataFrame:
    """Crossing records (normalised names) with their true person and the kinds of noise on them."""
    r = read_crossings(world / "crossings.csv").records
    r = r.assign(surname=r["surname_norm"], given_names=r["given_names_norm"])
    rec = _records(r, r["crossing_id"], r["crossing_time"], "crossings")
    t = pd.read_csv(truth / "crossings.csv", dtype=str)
    docs = pd.read_csv(truth / "documents.csv", dtype=str, usecols=["doc_id", "role"])
    t = t.merge(docs, on="doc_id", how="left")
    rec = rec.merge(t[["crossing_id", "person_id", "role"]], left_on="record_ref", right_on="crossing_id", how="left")
    noise = pd.read_csv(truth / "noise.csv", dtype=str)
    kinds = noise[noise["source"] == "crossings.csv"].groupby("record")["kind"].agg(lambda k: sorted(set(k)))
    rec["kinds"] = [
        (*(kinds.get(c, [])), *([f"doc {r}"] if r not in ("CURRENT", None) and r == r else []))
        for c, r in zip(rec["record_ref"], rec["role"], strict=True)
    ]
    return rec.drop(columns=["crossing_id", "role"])


def _advance_noise(truth: Path, source: str) -> tuple[pd.Series, pd.Series]:
    noise = pd.read_csv(truth / "noise.csv", dtype=str)
    noise = noise[noise["source"] == source]
    by_file = noise[~noise["record"].str.contains("/")].groupby("record")["kind"].agg(set)
    man = pd.read_csv(truth / "api_manifest.csv", dtype=str)
    keyed = noise[noise["record"].str.contains("/")].merge(man, left_on="record", right_on="key")
    keyed = keyed.assign(
        k=keyed["person_id"] + "|" + keyed["flight"] + "|" + keyed["arrival_date"].str.replace("-", "")
    )
    return by_file, keyed.groupby("k")["kind"].agg(set)


def _kinds(files: pd.Series, persons: pd.Series, truth: Path, source: str) -> list[tuple[str, ...]]:
    by_file, by_key = _advance_noise(truth, source)
    parts = files.str.extract(_FILE)
    keys = persons.fillna("") + "|" + parts[0] + "|" + parts[1]
    return [tuple(sorted(by_file.get(f, set()) | by_key.get(k, set()))) for f, k in zip(files, keys, strict=True)]


def api(world: Path, truth: Path) -> pd.DataFrame:
    """PAXLST travellers (passengers and crew) with their true person."""
    r = read_paxlst(sorted((world / "advance" / "paxlst").glob("*.edi"))).travellers
    r = r.assign(fname=r["file"].map(lambda f: Path(f).name)).sort_values(["fname", "message_index", "segment_number"])
    r["idx"] = r.groupby(["fname", "message_index"]).cumcount() + 1
    rec = _records(r, "api:" + r["fname"] + "#" + r["idx"].astype(str), r["arr_time"], "api")
    rec["booking"] = booking_key(r["carrier"], r["reservation_ref"]).fillna("").to_numpy(dtype=object)
    t = pd.read_csv(truth / "api_entries.csv", dtype=str)
    t["ref"] = "api:" + t["file"] + "#" + t["passenger_index"]
    rec = rec.merge(t[["ref", "person_id"]], left_on="record_ref", right_on="ref", how="left").drop(columns="ref")
    rec["kinds"] = _kinds(r["fname"].reset_index(drop=True), rec["person_id"], truth, "paxlst")
    return rec


def pnr(world: Path, truth: Path) -> pd.DataFrame:
    """PNRGOV passengers with their true person."""
    r = read_pnrgov(sorted((world / "advance" / "pnrgov").glob("*.edi"))).passengers
    r = r.assign(fname=r["file"].map(lambda f: Path(f).name)).reset_index(drop=True)
    ref = "pnr:" + r["fname"] + "#" + r["locator"].astype(str) + "#" + r["traveller_ref"].astype(str)
    day = r["fname"].str.extract(_FILE)[1].fillna("")  # the push date in the file name, as the pipeline has it
    seen = day.str.slice(0, 4) + "-" + day.str.slice(4, 6) + "-" + day.str.slice(6, 8)
    rec = _records(r, ref, r.get("push_date", seen), "pnr")
    rec["booking"] = booking_key(r["booking_carrier"], r["locator"]).fillna("").to_numpy(dtype=object)
    t = pd.read_csv(truth / "pnr_passengers.csv", dtype=str)
    t["ref"] = "pnr:" + t["file"] + "#" + t["locator"] + "#" + t["passenger_index"]
    rec = rec.merge(t[["ref", "person_id"]], left_on="record_ref", right_on="ref", how="left").drop(columns="ref")
    rec["kinds"] = _kinds(r["fname"], rec["person_id"], truth, "pnrgov")
    return rec


def by_kind(rec: pd.DataFrame, errors: pd.DataFrame) -> pd.DataFrame:
    """Records, records with an error, false-split and false-merge pair ends, per noise kind."""
    frame = pd.concat([rec[["kinds", "source"]].reset_index(drop=True), errors.reset_index(drop=True)], axis=1)
    frame["kinds"] = [k if len(k) else ("clean",) for k in frame["kinds"]]
    ex = frame.explode("kinds")
    ex["bad"] = (ex["missed"] > 0) | (ex["wrong"] > 0)
    table = ex.groupby("kinds").agg(
        records=("bad", "size"),
        with_error=("bad", "sum"),
        split_records=("missed", lambda s: int((s > 0).sum())),
        merged_records=("wrong", lambda s: int((s > 0).sum())),
    )
    table["error_rate"] = table["with_error"] / table["records"]
    return table.sort_values("records", ascending=False)


def load(world: Path) -> pd.DataFrame:
    """All person-bearing records of the world with ``person_id`` (truth) and ``kinds`` (noise)."""
    truth = world / "truth"
    rec = pd.concat([crossings(world, truth), api(world, truth), pnr(world, truth)], ignore_index=True)
    missing = rec["person_id"].isna().sum()
    if missing:
        raise SystemExit(f"{missing} records without a true person: the truth join is broken")
    return rec


def evaluate(rec: pd.DataFrame) -> dict[str, Any]:
    """Resolve, score against the truth, and score the document-only baseline."""
    t0 = time.perf_counter()
    bookings = rec["booking"].fillna("") if "booking" in rec else pd.Series("", index=rec.index)
    res = resolve_identities(rec[["record_ref", *FIELDS, "seen"]],
                             bookings=booking_codes(pa.chunked_array([pa.array(bookings.astype(str), pa.string())])))
    seconds = time.perf_counter() - t0
    pred = rec["record_ref"].map(res.assignments.set_index("record_ref")["person_key"])
    base = (rec["doc_issuer"] + ":" + rec["doc_number"]).where(rec["doc_number"] != "", rec["record_ref"])
    scores = pairwise_scores(pred, rec["person_id"])
    per_source = {s: pairwise_scores(pred[rec["source"] == s], rec["person_id"][rec["source"] == s])
                  for s in ("crossings", "api", "pnr")}  # fmt: skip
    errors = record_errors(pred, rec["person_id"])
    table = by_kind(rec, errors)
    bare = ((rec["birth_date"] == "") & (rec["doc_number"] == "")).to_numpy()
    with_bare = rec["person_id"].isin(set(rec["person_id"][bare])).to_numpy()
    split = errors["missed"].to_numpy() > 0
    return {"records": len(rec), "true_persons": int(rec["person_id"].nunique()),
            "resolved_persons": int(pred.nunique()), "seconds": seconds, "records_per_s": len(rec) / seconds,
            "resolver": scores, "baseline_document_only": pairwise_scores(base, rec["person_id"]),
            "per_source": per_source, "candidates": len(res.candidates),
            "findings": res.findings["kind"].value_counts().to_dict(), "by_kind": table,
            "name_only_records": int(bare.sum()), "split_records": int(split.sum()),
            "split_records_of_persons_with_a_name_only_record": int((split & with_bare).sum())}  # fmt: skip


def markdown(result: dict[str, Any], label: str) -> str:
    """The "Identity resolution" section of docs/evaluation.md."""
    r, b = result["resolver"], result["baseline_document_only"]
    lines = [
        "## Identity resolution", "",
        f"Produced by `python bench/eval_identity.py --write-doc` on {label}: crossings, API and PNR records read",
        "with `ingest/readers`, resolved by `ingest.resolve.resolve_identities` (built-in model, no training),",
        "scored pairwise against `truth/` (every pair of records placed together is a predicted match).", "",
        f"{result['records']:,} records of {result['true_persons']:,} persons -> {result['resolved_persons']:,}"
        f" resolved persons in {result['seconds']:.2f} s ({result['records_per_s']:,.0f} records/s);"
        f" {result['candidates']:,} candidate pairs for review; findings: {result['findings']}.", "",
        "| method | precision | recall | F1 |", "| --- | --- | --- | --- |",
        f"| resolve_identities | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} |",
        f"| baseline: same document only | {b['precision']:.4f} | {b['recall']:.4f} | {b['f1']:.4f} |", "",
        "| source | precision | recall | F1 |", "| --- | --- | --- | --- |",
    ]  # fmt: skip
    for s, v in result["per_source"].items():
        lines.append(f"| {s} (within) | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} |")
    lines += ["", "Errors by noise kind (a record counts under every kind applied to it; `doc ROLE`: the record",
              "carries a renewed (PREVIOUS), second-nationality (SECOND), local (LOCAL) or forged (FORGED) document;",
              "split = some records of its person resolved elsewhere, merged = records of another person",
              "with it)."]  # fmt: skip
    lines += [
        "",
        f"{result['split_records']:,} records are split from some of their person's records;"
        f" {result['split_records_of_persons_with_a_name_only_record']:,} of them belong to a person with a"
        f" record that carries a name only (no birth date, no document: {result['name_only_records']:,}"
        " records, PNR passengers without SSR DOCS), which resolution keeps apart on purpose (two CHAN WAI"
        " MAN with nothing else are not one person) and offers as candidates, unless the API record of"
        " its booking names the same traveller (`ingest/resolve/bookings.py`). The rest are mostly common"
        " names on a second document of another nationality (the name-frequency adjustment outweighs the"
        " agreeing birth date).",
    ]
    lines += [
        "",
        "| kind | records | with an error | split | merged | error rate |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, row in result["by_kind"].iterrows():
        lines.append(
            f"| {kind} | {int(row['records']):,} | {int(row['with_error']):,} | {int(row['split_records']):,} |"
            f" {int(row['merged_records']):,} | {row['error_rate']:.4f} |"
        )
    return "\n".join(lines) + "\n"


def write_doc(section: str) -> None:
    """Replace (or add) the "Identity resolution" section of docs/evaluation.md, leaving other sections."""
    text = DOC.read_text() if DOC.exists() else "# Evaluation\n\nMeasured results, each section produced by a script.\n"
    start = text.find("## Identity resolution")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end < 0 else text[end:])
    DOC.write_text(text)


def main() -> int:
    """Build or open the world, evaluate, print, report; exit 1 below the F1 target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", type=Path)
    ap.add_argument("--persons", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--write-doc", action="store_true")
    args = ap.parse_args()
    world = args.world
    if world is None:
        world = Path(tempfile.mkdtemp(prefix="eval_identity_")) / "world"
        subprocess.run([sys.executable, "-m", "cluegraph.cli", "world", str(world), "--persons", str(args.persons),
                        "--seed", str(args.seed)], check=True)  # fmt: skip
    rec = load(world)
    result = evaluate(rec)
    label = f"`cluegraph world DIR --persons {args.persons} --seed {args.seed}` (all noise kinds at default rates)"
    section = markdown(result, label)
    print(section)
    if args.write_doc:
        write_doc(section)
    out = {k: v for k, v in result.items() if k != "by_kind"}
    out["by_kind"] = result["by_kind"].reset_index().to_dict(orient="records")
    out["peak_rss_mib"] = peak_rss_mib()
    report("identity_world", out)
    return 0 if result["resolver"]["f1"] >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
