"""Writes ``crossings.csv``: each crossing as the control system recorded it (document data, noise
included), and its truth (the real person and document behind it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cluegraph.world import noise
from cluegraph.world.config import UTC_OFFSET, WorldConfig, iso_days, rng_for

COLUMNS = [
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
CHUNK = 500_000


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """CSV the way every file of the world is written: UTF-8, LF, header, no index, in chunks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if len(frame) == 0:
            frame.to_csv(fh, index=False, lineterminator="\n")
        for i in range(0, len(frame), CHUNK):
            frame.iloc[i : i + CHUNK].to_csv(fh, index=False, header=i == 0, lineterminator="\n")


def clock(day: np.ndarray, minute: np.ndarray, second: np.ndarray) -> np.ndarray:
    """ISO 8601 local times with the home offset."""
    hh = pd.Series(minute // 60).map("{:02d}".format)
    mm = pd.Series(minute % 60).map("{:02d}".format)
    ss = pd.Series(second).map("{:02d}".format)
    return (pd.Series(iso_days(day)) + "T" + hh + ":" + mm + ":" + ss + UTC_OFFSET).to_numpy(dtype=object)


def write_crossings(
    cfg: WorldConfig, x: pd.DataFrame, persons: pd.DataFrame, docs: pd.DataFrame, out_dir: Path
) -> tuple[int, pd.DataFrame]:
    """Write ``crossings.csv`` and ``truth/crossings.csv`` chunk by chunk (bounded memory); returns the
    number of rows and the noise events applied."""
    rng = rng_for(cfg, "noise")
    order = np.lexsort((x["person"].to_numpy(), x["minute"].to_numpy(), x["day"].to_numpy()))
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    logs = []
    with (
        (out_dir / "crossings.csv").open("w", encoding="utf-8", newline="") as fx,
        (out_dir / "truth" / "crossings.csv").open("w", encoding="utf-8", newline="") as ft,
    ):
        for start in range(0, max(len(order), 1), CHUNK):
            part = x.iloc[order[start : start + CHUNK]].reset_index(drop=True)
            out, truth, log = render(cfg, part, persons, docs, rng, first_id=start + 1)
            out.to_csv(fx, index=False, header=start == 0, lineterminator="\n")
            truth.to_csv(ft, index=False, header=start == 0, lineterminator="\n")
            logs.append(log)
    return len(order), pd.concat(logs, ignore_index=True)


def render(
    cfg: WorldConfig,
    x: pd.DataFrame,
    persons: pd.DataFrame,
    docs: pd.DataFrame,
    rng: np.random.Generator,
    *,
    first_id: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Crossings (already in time order) as written, their truth, and the noise events applied."""
    n = len(x)
    cid = pd.Series(np.arange(first_id, first_id + n)).map("X{:09d}".format).to_numpy(dtype=object)
    d = x["doc"].to_numpy()
    person = x["person"].to_numpy()
    col = {
        k: docs[k].to_numpy()[d]
        for k in ("surname", "given_names", "sex", "nationality", "doc_type", "number", "issuer", "mrz")
    }
    sur, giv, kind = noise.name_noise(
        rng,
        cfg.noise,
        col["surname"],
        col["given_names"],
        persons["surname_variant"].to_numpy()[person],
        persons["given_variant"].to_numpy()[person],
    )
    dob_true = iso_days(docs["birth_date"].to_numpy()[d])
    dob, partial = noise.partial_dates(rng, cfg.noise.partial_dob, dob_true)
    expiry = iso_days(docs["expiry"].to_numpy()[d])
    air = x["mode"].to_numpy() == "AIR"
    native = persons["native_name"].to_numpy()[person]
    native = np.where(air & (rng.random(n) < 0.5), "", native)
    mrz = np.where(air & (rng.random(n) < 0.85), col["mrz"], "")
    source = np.where(rng.random(n) < np.where(col["doc_type"] == "P", 0.3, 0.7), "EGATE", "COUNTER")
    out = pd.DataFrame(
        {
            "crossing_id": cid,
            "crossing_time": clock(x["day"].to_numpy(), x["minute"].to_numpy(), rng.integers(0, 60, n)),
            "port": x["port"].to_numpy(),
            "direction": x["direction"].to_numpy(),
            "mode": x["mode"].to_numpy(),
            "conveyance": x["conveyance"].to_numpy(),
            "surname": sur,
            "given_names": giv,
            "native_name": native,
            "sex": col["sex"],
            "birth_date": dob,
            "nationality": col["nationality"],
            "doc_type": col["doc_type"],
            "doc_number": col["number"],
            "doc_issuer": col["issuer"],
            "doc_expiry": expiry,
            "mrz": mrz,
            "outcome": x["outcome"].to_numpy(),
            "outcome_reason": x["reason"].to_numpy(),
            "source": source,
        }
    )
    logs = [
        noise.log_rows(
            "crossings.csv", cid, kind, "name", col["surname"] + "/" + col["given_names"], sur + "/" + giv
        ),
        noise.log_rows(
            "crossings.csv", cid, np.where(partial, "partial_dob", ""), "birth_date", dob_true, dob
        ),
    ]
    miss = noise.missing_field(rng, cfg.noise.missing, n)
    for f in noise.MISSING_FIELDS:
        idx = miss == f
        before = out[f].to_numpy(dtype=object)[idx].copy()
        out.loc[idx, f] = ""
        logs.append(
            pd.DataFrame(
                {
                    "source": "crossings.csv",
                    "record": cid[idx],
                    "kind": "missing",
                    "field": f,
                    "true_value": before,
                    "noisy_value": "",
                }
            )
        )
    truth = pd.DataFrame(
        {
            "crossing_id": cid,
            "person_id": persons["person_id"].to_numpy()[person],
            "doc_id": docs["doc_id"].to_numpy()[d],
            "party": x["party"].to_numpy(),
            "party_kind": x["party_kind"].to_numpy(),
        }
    )
    return out, truth, pd.concat(logs, ignore_index=True)
