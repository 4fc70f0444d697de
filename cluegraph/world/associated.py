"""Writes ``associated/*.csv``: what other departments know (phones, e-mails, addresses, vehicles,
companies, employment, payment cards, cases, watchlist), each naming a person by document when known,
else by name, birth date and nationality, and each row's truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cluegraph.world import noise
from cluegraph.world.addresses import address_lines
from cluegraph.world.build import World
from cluegraph.world.config import iso_days, rng_for
from cluegraph.world.records import write_csv

REF = ["doc_issuer", "doc_number", "surname", "given_names", "birth_date", "nationality"]


class Referencer:
    """Builds person references with the configured noise and keeps the truth and noise logs."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = rng_for(world.cfg, "associated")
        docs = world.docs
        n = len(world.persons)
        self.cur = np.full(n, -1, dtype=np.int64)
        self.alt = np.full(n, -1, dtype=np.int64)
        for role, target in (("CURRENT", self.cur), ("PREVIOUS", self.alt), ("SECOND", self.alt)):
            d = docs[docs["role"] == role]
            target[d["person"].to_numpy(dtype=np.int64)] = d.index.to_numpy()
        self.truth: list[pd.DataFrame] = []
        self.logs: list[pd.DataFrame] = []

    def refs(self, file: str, person: np.ndarray, *, full: bool = False) -> pd.DataFrame:
        """Reference columns for rows naming ``person`` (row numbers of the population). ``full``: the row
        names the person by document AND by name, birth date and nationality, as a case file does."""
        w, rng, rates = self.world, self.rng, self.world.cfg.noise
        n = len(person)
        p = w.persons
        keys = np.array([f"{i + 1}" for i in range(n)], dtype=object)
        by_doc = rng.random(n) < 0.7
        split = rng.random(n) < rates.split_id
        doc = np.where(split & (self.alt[person] >= 0), self.alt[person], self.cur[person])
        # a split reference names the person by another document, or by name when there is none
        by_doc = np.where(split, self.alt[person] >= 0, by_doc)
        if full:
            by_doc = np.ones(n, dtype=bool)
        sur, giv, kind = noise.name_noise(
            rng,
            rates,
            p["surname"].to_numpy()[person],
            p["given_names"].to_numpy()[person],
            p["surname_variant"].to_numpy()[person],
            p["given_variant"].to_numpy()[person],
        )
        dob_true = iso_days(p["birth_date"].to_numpy()[person])
        dob, partial = noise.partial_dates(rng, rates.partial_dob, dob_true)
        name_ref = ~by_doc | full
        docs = w.docs
        out = pd.DataFrame(
            {
                "doc_issuer": np.where(by_doc, docs["issuer"].to_numpy()[doc], ""),
                "doc_number": np.where(by_doc, docs["number"].to_numpy()[doc], ""),
                "surname": np.where(name_ref, sur, ""),
                "given_names": np.where(name_ref, giv, ""),
                "birth_date": np.where(name_ref, dob, ""),
                "nationality": np.where(name_ref, p["nationality"].to_numpy()[person], ""),
            }
        )
        k_name = np.where(name_ref, kind, "")
        self.logs += [
            noise.log_rows(
                file,
                keys,
                k_name,
                "name",
                p["surname"].to_numpy()[person] + "/" + p["given_names"].to_numpy()[person],
                sur + "/" + giv,
            ),
            noise.log_rows(
                file, keys, np.where(name_ref & partial, "partial_dob", ""), "birth_date", dob_true, dob
            ),
            noise.log_rows(
                file,
                keys,
                np.where(split, "split_id", ""),
                "person_ref",
                docs["number"].to_numpy()[self.cur[person]],
                np.where(by_doc, docs["number"].to_numpy()[doc], "by name"),
            ),
        ]
        self.truth.append(
            pd.DataFrame(
                {"file": file, "row": np.arange(1, n + 1), "person_id": p["person_id"].to_numpy()[person]}
            )
        )
        return out


def _sample(world: World, share: float, seed_part: int) -> np.ndarray:
    rng = np.random.default_rng([world.cfg.seed, 80 + seed_part])
    kind = world.persons["kind"].to_numpy()
    return np.flatnonzero((rng.random(len(kind)) < share) & (kind != "CREW"))


def write_associated(world: World, out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write every associated CSV; returns (row truth, noise events)."""
    folder = out_dir / "associated"
    ref = Referencer(world)
    p, plan, today = world.persons, world.plan, iso_days(np.array([0]))[0]
    today = iso_days(np.array([int(np.datetime64(world.cfg.today.isoformat(), "D").astype(np.int64))]))[0]
    first = iso_days(
        np.array([int(np.datetime64(world.cfg.history_start.isoformat(), "D").astype(np.int64))])
    )[0]

    def seen(frame: pd.DataFrame, source: str) -> pd.DataFrame:
        return frame.assign(first_seen=first, last_seen=today, source=source)

    who = _sample(world, 0.4, 1)
    extra = pd.DataFrame(plan.phones, columns=["person", "phone", "source"])
    person = np.r_[who, extra["person"].to_numpy(dtype=np.int64)]
    phones = pd.concat(
        [
            ref.refs("phones.csv", person),
            pd.DataFrame({"phone": np.r_[p["phone"].to_numpy()[who], extra["phone"].to_numpy()]}),
        ],
        axis=1,
    )
    src = np.r_[np.full(len(who), "TELECOM_SUBSCRIBER", dtype=object), extra["source"].to_numpy(dtype=object)]
    write_csv(folder / "phones.csv", seen(phones, "").assign(source=src))
    who = _sample(world, 0.3, 2)
    emails = pd.concat(
        [ref.refs("emails.csv", who), pd.DataFrame({"email": p["email"].to_numpy()[who]})], axis=1
    )
    write_csv(folder / "emails.csv", seen(emails, "AIRLINE_PROFILE"))
    who = _sample(world, 0.3, 3)
    shared = pd.DataFrame(plan.addresses, columns=["person", "address_id"])
    person = np.r_[who, shared["person"].to_numpy(dtype=np.int64)]
    aid = np.r_[p["address_id"].to_numpy()[who], shared["address_id"].to_numpy(dtype=np.int64)]
    country = np.r_[
        np.where(p["kind"].to_numpy()[who] == "RESIDENT", "HKG", p["nationality"].to_numpy()[who]),
        np.full(len(shared), "HKG", dtype=object),
    ]
    addr = pd.concat([ref.refs("addresses.csv", person), address_lines(aid, country)], axis=1)
    write_csv(folder / "addresses.csv", addr.assign(source="LAND_REGISTRY"))
    veh = pd.DataFrame(plan.vehicles, columns=["plate", "plate_country", "person", "role"])
    vref = ref.refs("vehicles.csv", veh["person"].to_numpy(dtype=np.int64))
    write_csv(
        folder / "vehicles.csv", pd.concat([veh[["plate", "plate_country"]], vref, veh[["role"]]], axis=1)
    )
    comp = world.ent.companies.copy()
    comp["registration_no"] = np.where(
        comp["kind"].str.contains("AGENCY"), comp["iata"], comp["registration_no"]
    )
    write_csv(folder / "companies.csv", comp[["company_id", "name", "country", "registration_no"]])
    emp = pd.DataFrame(plan.employment, columns=["person", "company", "role"])
    eref = ref.refs("employment.csv", emp["person"].to_numpy(dtype=np.int64))
    cid = comp["company_id"].to_numpy()[emp["company"].to_numpy(dtype=np.int64)]
    write_csv(
        folder / "employment.csv",
        pd.concat([eref, pd.DataFrame({"company_id": cid, "role": emp["role"]})], axis=1),
    )
    _payments(world, ref, folder)
    _cases(world, ref, folder)
    wl = pd.DataFrame(plan.watchlist)
    wl["listed_on"] = iso_days(wl["listed_on"].to_numpy(dtype=np.int64))
    write_csv(folder / "watchlist.csv", wl.drop(columns=["person"]))
    ref.truth.append(
        pd.DataFrame(
            {
                "file": "watchlist.csv",
                "row": np.arange(1, len(wl) + 1),
                "person_id": [p["person_id"].iat[i] if i >= 0 else "" for i in wl["person"]],
            }
        )
    )
    return pd.concat(ref.truth, ignore_index=True), pd.concat(ref.logs, ignore_index=True)


def _payments(world: World, ref: Referencer, folder: Path) -> None:
    inst = world.ent.instruments
    listed = inst[
        (inst["holder"].to_numpy(dtype=np.int64) >= 0)
        & ((inst["kind"] != "PERSONAL") | (inst["instrument"].to_numpy(dtype=np.int64) % 2 == 0))
    ]
    r = ref.refs("payments.csv", listed["holder"].to_numpy(dtype=np.int64))
    write_csv(
        folder / "payments.csv",
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "instrument": listed["pan"].to_numpy(),
                        "type": listed["type"].to_numpy(),
                        "expiry": listed["expiry"].to_numpy(),
                    }
                ),
                r,
            ],
            axis=1,
        ),
    )


def _cases(world: World, ref: Referencer, folder: Path) -> None:
    cases = pd.DataFrame(world.plan.cases)
    cases["opened"] = iso_days(cases["opened"].to_numpy(dtype=np.int64))
    write_csv(folder / "cases.csv", cases)
    subj = pd.DataFrame(world.plan.case_subjects)
    r = ref.refs("case_subjects.csv", subj["person"].to_numpy(dtype=np.int64), full=True)
    write_csv(folder / "case_subjects.csv", pd.concat([subj[["case_id"]], r, subj[["role"]]], axis=1))
