"""Writes ``truth/``: who is really behind every record, the planted schemes and confounders, the risky
upcoming travellers, and every applied noise event. Ingest never reads these files; evaluation does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cluegraph.world.build import World
from cluegraph.world.config import iso_days
from cluegraph.world.records import write_csv


def _pid(world: World, idx: Any) -> np.ndarray:
    idx = np.asarray(idx, dtype=np.int64)
    return np.where(idx >= 0, world.persons["person_id"].to_numpy()[np.maximum(idx, 0)], "")


def write_truth(world: World, out_dir: Path, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Write every truth file; ``tables`` holds the per-record truth collected by the writers."""
    folder = out_dir / "truth"
    p, plan = world.persons, world.plan
    persons = p.drop(columns=["pool", "address_id", "household_rank"]).assign(
        birth_date=iso_days(p["birth_date"].to_numpy())
    )
    write_csv(folder / "persons.csv", persons)
    d = world.docs
    write_csv(
        folder / "documents.csv",
        pd.DataFrame(
            {
                "doc_id": d["doc_id"],
                "person_id": _pid(world, d["person"]),
                "role": d["role"],
                "doc_type": d["doc_type"],
                "doc_issuer": d["issuer"],
                "doc_number": d["number"],
                "issued": iso_days(d["issued"].to_numpy()),
                "expiry": iso_days(d["expiry"].to_numpy()),
                "mrz_valid": d["mrz_valid"],
                "mrz": d["mrz"],
            }
        ),
    )
    for name, frame in tables.items():
        write_csv(folder / f"{name}.csv", frame)
    members = pd.DataFrame(plan.members)
    write_csv(
        folder / "scheme_members.csv",
        members.assign(person_id=_pid(world, members["person"]))[
            ["scheme_id", "scheme_type", "person_id", "role"]
        ],
    )
    (folder / "schemes.json").write_text(
        json.dumps(plan.schemes, indent=1, sort_keys=True, default=int) + "\n"
    )
    conf = pd.DataFrame(plan.confounders)
    write_csv(
        folder / "confounders.csv",
        conf.assign(person_id=_pid(world, conf["person"]))[
            ["confounder_id", "type", "person_id", "identifier"]
        ],
    )
    up = world.upcoming()
    fl = world.sched.flights
    reasons = [" | ".join(plan.risky.get(int(i), [])) for i in up["person"]]
    write_csv(
        folder / "upcoming.csv",
        pd.DataFrame(
            {
                "person_id": _pid(world, up["person"]),
                "arrival_date": iso_days(up["in_day"].to_numpy()),
                "flight": fl["in_no"].to_numpy()[up["flight"].to_numpy()],
                "party": up["party"].to_numpy(),
                "risky": [bool(r) for r in reasons],
                "reasons": reasons,
            }
        ).sort_values(["arrival_date", "flight", "person_id"]),
    )
    inst = world.ent.instruments
    comp = world.ent.companies["company_id"].to_numpy()
    write_csv(
        folder / "instruments.csv",
        pd.DataFrame(
            {
                "instrument": inst["instrument"],
                "pan": inst["pan"],
                "expiry": inst["expiry"],
                "type": inst["type"],
                "kind": inst["kind"],
                "holder_person_id": _pid(world, inst["holder"]),
                "company_id": [comp[c] if c >= 0 else "" for c in inst["company"].to_numpy(dtype=np.int64)],
            }
        ),
    )
    pt = world.parties
    write_csv(
        folder / "parties.csv",
        pt.assign(
            in_date=iso_days(pt["in_day"].to_numpy()), out_date=iso_days(pt["out_day"].to_numpy())
        ).drop(columns=["in_day", "out_day"]),
    )
    m = world.members
    write_csv(
        folder / "party_members.csv",
        pd.DataFrame({"party": m["party"], "person_id": _pid(world, m["person"]), "lead": m["lead"]}),
    )
    return {
        "scheme_members": len(members),
        "confounders": len(conf),
        "upcoming": len(up),
        "upcoming_risky": int(sum(bool(r) for r in reasons)),
    }
