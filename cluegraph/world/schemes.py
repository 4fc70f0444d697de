"""The planted risk schemes, each with its ground truth (members, roles, identifiers, cases).

1. RING: organiser, recruiters, couriers; burner phone, one card, one small agency, co-travel on one route.
2. DOC_FRAUD: one passport number presented by different people; documents with broken check digits.
3. FACILITATOR: one card and phone paying for many otherwise unrelated travellers.
4. WATCHLISTED: people on the watchlist under another spelling, travelling under their document name.
5. OVERSTAY: arrivals who never leave, bound by shared addresses and an employer.
6. NEW_INTEL: a case opened on the last day of history whose subjects crossed before.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from cluegraph.world import ports
from cluegraph.world.config import WorldConfig, day_number, rng_for
from cluegraph.world.documents import td3
from cluegraph.world.entities import Entities
from cluegraph.world.plan import Plan, Pool, add_trips
from cluegraph.world.travel import Parties, sample_days


class Planter:
    """Shared context of the scheme functions."""

    def __init__(
        self,
        cfg: WorldConfig,
        persons: pd.DataFrame,
        docs: pd.DataFrame,
        ent: Entities,
        sched: ports.Schedule,
        out: Parties,
        plan: Plan,
    ) -> None:
        self.cfg, self.persons, self.docs, self.ent = cfg, persons, docs, ent
        self.sched, self.out, self.plan = sched, out, plan
        self.rng = rng_for(cfg, "schemes")
        kind = persons["kind"].to_numpy()
        alone = persons["household"].to_numpy() < 0
        self.visitors = Pool(np.flatnonzero((kind == "VISITOR") & alone), self.rng)
        self.residents = Pool(np.flatnonzero((kind == "RESIDENT") & alone), self.rng)
        self.today = day_number(cfg.today)
        self.start = day_number(cfg.history_start)
        self.nat = persons["nationality"].to_numpy()

    def upcoming(self, n: int) -> np.ndarray:
        """Arrival days inside the upcoming window."""
        return self.today + self.rng.integers(0, self.cfg.days, n)

    def past(self, n: int, *, within: int | None = None, since: int | None = None) -> np.ndarray:
        """Arrival days in history (optionally the last ``within`` days, and not before day ``since``)."""
        lo = self.today - within if within else self.start
        return sample_days(self.cfg, self.rng, n, lo=max(lo, since or lo), hi=self.today - 7)

    def booked(self, n: int) -> np.ndarray:
        """Past arrival days inside the advance window (``advance_history_days``), where API and PNR exist:
        a booking's card, contact and agency are on record only there."""
        return self.past(n, within=self.cfg.advance_history_days)

    def trips(self, groups: list[np.ndarray], days: np.ndarray, kind: str, scheme: int, **cols: Any) -> None:
        """Add AIR trips for groups of people."""
        lead_nat = np.array([self.nat[g[0]] for g in groups], dtype=object)
        add_trips(
            self.out, self.cfg, self.rng, self.sched, groups, days, lead_nat, kind, scheme=scheme, **cols
        )

    def case(
        self, case_type: str, opened: int, status: str, severity: str, subjects: list[tuple[int, str]]
    ) -> str:
        """Record a case and its subjects; returns the case id."""
        cid = f"CASE-{len(self.plan.cases) + 1:05d}"
        self.plan.cases.append(
            {"case_id": cid, "case_type": case_type, "opened": opened, "status": status, "severity": severity}
        )
        for person, role in subjects:
            self.plan.case_subjects.append({"case_id": cid, "person": int(person), "role": role})
        return cid


def ring_groups(
    couriers: np.ndarray, recruiters: np.ndarray, n_trips: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """``n_trips`` travelling groups of two couriers: the first ones take every courier once (the first two
    each with a recruiter), the rest are pairs drawn at random. A member the truth names travels at least once.

    >>> gs = ring_groups(np.arange(7), np.array([20, 21]), 8, np.random.default_rng(0))
    >>> len(gs), sorted(set(np.concatenate(gs[:4]).tolist()))
    (8, [0, 1, 2, 3, 4, 5, 6, 20, 21])
    """
    order = rng.permutation(couriers)
    if len(order) % 2:
        order = np.r_[order, rng.choice(order[:-1], 1)]
    groups = [order[i : i + 2] for i in range(0, len(order), 2)]
    groups += [rng.choice(couriers, 2, replace=False) for _ in range(max(0, n_trips - len(groups)))]
    for i, r in enumerate(recruiters[: len(groups)]):
        groups[i] = np.r_[groups[i], r]
    return groups


def ring(pl: Planter, k: int) -> None:
    """Smuggling ring number ``k``."""
    sid, rng = f"RING-{k + 1:03d}", pl.rng
    organiser, recruiters = pl.residents.take(1), pl.visitors.take(2)
    couriers = pl.visitors.take(int(rng.integers(6, 11)))
    if len(couriers) < 2 or not len(organiser):
        return
    for people, role in ((organiser, "ORGANISER"), (recruiters, "RECRUITER"), (couriers, "COURIER")):
        pl.plan.member(sid, "RING", people, role)
        pl.plan.flag(people, f"{sid} {role.lower()}")
    burner = f"+66{90000000 + k * 7919 % 10**7:08d}"
    card = int(pl.ent.add_instruments(rng, "RING", organiser)[0])
    agency = pl.ent.add_company("AGENCY", f"SWIFT WINGS TRAVEL {k + 1}")
    groups = ring_groups(couriers, recruiters, 8, rng)
    n_booked = (len(couriers) + 1) // 2  # the first trips take every courier and both recruiters once
    days = np.r_[pl.booked(n_booked), pl.past(len(groups) - n_booked - 1, within=400), pl.upcoming(1)]
    pl.trips(groups, days, "RING", k, partner="BKK", payer=card, agency=agency, contact=burner, stay=2)
    for p in np.r_[organiser, couriers[:2]]:
        pl.plan.phones.append({"person": int(p), "phone": burner, "source": "TELECOM_SUBSCRIBER"})
    prior = pl.case(
        "SMUGGLING",
        pl.today - 700,
        "CLOSED",
        "HIGH",
        [(couriers[0], "SUSPECT"), (recruiters[0], "ACCOMPLICE")],
    )
    pl.plan.schemes.append(
        {
            "scheme_id": sid,
            "scheme_type": "RING",
            "phone": burner,
            "route": "BKK-HKG",
            "payment_instrument": card,
            "agency_company": agency,
            "prior_case": prior,
        }
    )


def doc_fraud(pl: Planter, k: int) -> None:
    """One stolen passport number reused by an impostor, and one document with a broken check digit."""
    sid, rng = f"DOCFRAUD-{k + 1:03d}", pl.rng
    victim, impostor, forger = pl.visitors.take(3)
    docs = pl.docs
    vdoc = docs[(docs["person"] == victim) & (docs["role"] == "CURRENT")].iloc[0]
    new = []
    for person, broken in ((impostor, False), (forger, True)):
        p = pl.persons.iloc[person]
        src = vdoc if not broken else docs[(docs["person"] == person) & (docs["role"] == "CURRENT")].iloc[0]
        row = {
            **src.to_dict(),
            "person": person,
            "role": "FORGED",
            "surname": p["surname"],
            "given_names": p["given_names"],
            "birth_date": p["birth_date"],
            "sex": p["sex"],
        }
        if broken:
            row["number"] = src["number"][:-3] + f"{(int(src['number'][-3:]) + 37) % 1000:03d}"
        new.append(row)
    frame = pd.DataFrame(new)
    frame["mrz"] = td3(frame).to_numpy()
    mrz = cast(str, frame.at[1, "mrz"])  # td3 gives text; the stubs type a cell as any scalar
    bad = str((int(mrz[53]) + 1 + int(rng.integers(0, 8))) % 10)
    frame.at[1, "mrz"] = mrz[:53] + bad + mrz[54:]  # the document-number check digit of line 2
    frame["mrz_valid"] = [True, False]
    base = len(docs)
    frame["doc_id"] = [f"D{base + i:08d}" for i in range(2)]
    pl.docs = pd.concat([docs, frame], ignore_index=True)
    pl.plan.forced_doc[int(impostor)] = base
    pl.plan.forced_doc[int(forger)] = base + 1
    pl.plan.member(sid, "DOC_FRAUD", [victim], "VICTIM")
    pl.plan.member(sid, "DOC_FRAUD", [impostor], "IMPOSTOR")
    pl.plan.member(sid, "DOC_FRAUD", [forger], "FORGED_DOCUMENT")
    pl.plan.flag([impostor], f"{sid} presents passport {vdoc['issuer']} {vdoc['number']} of another person")
    pl.plan.flag([forger], f"{sid} document with broken MRZ check digit")
    groups = [np.array([impostor]), np.array([impostor]), np.array([forger]), np.array([forger])]
    pl.trips(groups, np.r_[pl.past(3, within=500), pl.upcoming(1)], "DOC_FRAUD", k)
    # the victim crosses once on the genuine passport, so that its number is on record under both names
    pl.plan.forced_doc[int(victim)] = int(vdoc.name)
    pl.trips([np.array([victim])], pl.past(1, within=700, since=int(vdoc["issued"])), "DOC_FRAUD", k)
    pl.plan.schemes.append(
        {
            "scheme_id": sid,
            "scheme_type": "DOC_FRAUD",
            "shared_doc_issuer": vdoc["issuer"],
            "shared_doc_number": vdoc["number"],
            "broken_doc_id": frame.at[1, "doc_id"],
        }
    )


def facilitator(pl: Planter, k: int) -> None:
    """A resident whose card and phone pay for many unrelated travellers."""
    sid, rng = f"FACILITATOR-{k + 1:03d}", pl.rng
    fac = pl.residents.take(1)
    travellers = pl.visitors.take(25)
    if not len(fac):
        return
    card = int(pl.ent.add_instruments(rng, "FACILITATOR", fac)[0])
    phone = pl.persons.at[int(fac[0]), "phone"]
    pl.plan.member(sid, "FACILITATOR", fac, "FACILITATOR")
    pl.plan.member(sid, "FACILITATOR", travellers, "FACILITATED")
    pl.plan.flag(fac, f"{sid} pays for many unrelated travellers")
    pl.plan.flag(travellers, f"{sid} travel paid by facilitator card", boost=False)
    n_up = max(1, len(travellers) // 8)
    # the card and phone are on the bookings only (PNR FOP and CTCM), so every paid trip is in the advance window
    days = np.r_[pl.booked(len(travellers) - n_up), pl.upcoming(n_up)]
    pl.trips([np.array([t]) for t in travellers], days, "FACILITATED", k, payer=card, contact=phone)
    pl.plan.schemes.append(
        {"scheme_id": sid, "scheme_type": "FACILITATOR", "payment_instrument": card, "phone": phone}
    )


def watchlisted(pl: Planter, k: int) -> None:
    """A person listed under a variant spelling or partial birth date, travelling as the document says."""
    sid, rng = f"WATCHLIST-{k + 1:03d}", pl.rng
    (person,) = pl.visitors.take(1)
    p = pl.persons.iloc[person]
    how = ["TRANSLITERATION", "TYPO", "SWAPPED", "PARTIAL_DOB"][k % 4]
    sur, giv, dob = p["surname_variant"], p["given_variant"], str(np.datetime64(int(p["birth_date"]), "D"))
    if how == "TRANSLITERATION" and (sur, giv) == (p["surname"], p["given_names"]):
        how = "TYPO"
    if how != "TRANSLITERATION":
        sur, giv = p["surname"], p["given_names"]
    if how == "TYPO":
        i = int(rng.integers(1, max(2, len(sur))))
        sur = sur[:i] + sur[i - 1] + sur[i:]
    elif how == "SWAPPED":
        sur, giv = giv, sur
    elif how == "PARTIAL_DOB":
        dob = dob[:4] + "-00-00"
    entry = f"WL-{k + 1:05d}"
    pl.plan.watchlist.append(
        {
            "entry_id": entry,
            "list": "NATIONAL",
            "surname": sur,
            "given_names": giv,
            "native_name": p["native_name"],
            "birth_date": dob,
            "nationality": p["nationality"],
            "doc_number": "",
            "reason": "SUSPECTED TRAFFICKING",
            "severity": "HIGH",
            "listed_on": pl.today - int(rng.integers(30, 900)),
            "person": int(person),
        }
    )
    pl.plan.member(sid, "WATCHLISTED", [person], "LISTED_PERSON")
    pl.plan.flag([person], f"{sid} watchlist entry {entry} ({how.lower()} variant)")
    pl.trips([np.array([person])] * 3, np.r_[pl.past(2, within=600), pl.upcoming(1)], "WATCHLISTED", k)
    pl.plan.schemes.append(
        {"scheme_id": sid, "scheme_type": "WATCHLISTED", "entry_id": entry, "variant": how}
    )


def overstay(pl: Planter, k: int) -> None:
    """Arrivals who never leave, living at two shared addresses and working for one employer."""
    sid, rng = f"OVERSTAY-{k + 1:03d}", pl.rng
    people = pl.visitors.take(int(rng.integers(6, 11)))
    employer = pl.ent.add_company("EMPLOYER", f"GOLDEN HARVEST CLEANING {k + 1}")
    homes = people[:2]
    for i, p in enumerate(people):
        pl.plan.addresses.append({"person": int(p), "address_id": int(homes[i % 2])})
        pl.plan.employment.append({"person": int(p), "company": employer, "role": "WORKER"})
    pl.plan.member(sid, "OVERSTAY", people, "OVERSTAYER")
    pl.plan.flag(people, f"{sid} overstayer sharing address and employer", boost=False)
    pl.trips([np.array([p]) for p in people], pl.past(len(people), within=700), "OVERSTAY", k, overstay=True)
    pl.plan.schemes.append(
        {
            "scheme_id": sid,
            "scheme_type": "OVERSTAY",
            "employer_company": employer,
            "shared_address_ids": [int(h) for h in homes],
        }
    )


def new_intel(pl: Planter, k: int) -> None:
    """A case opened on the last day of history; its subjects crossed before it."""
    sid = f"NEWINTEL-{k + 1:03d}"
    people = pl.visitors.take(3)
    pl.trips([np.array([p]) for p in people], pl.past(3, within=300), "NEW_INTEL", k)
    pl.trips([people[:1]], pl.upcoming(1), "NEW_INTEL", k)
    roles = ["ORGANISER", "SUSPECT", "SUSPECT"]
    cid = pl.case("FRAUD", pl.today - 1, "OPEN", "HIGH", list(zip(people.tolist(), roles, strict=True)))
    for p, r in zip(people, roles, strict=True):
        pl.plan.member(sid, "NEW_INTEL", [p], r)
    pl.plan.flag(people, f"{sid} subject of case {cid} opened on the last day", boost=False)
    pl.plan.schemes.append({"scheme_id": sid, "scheme_type": "NEW_INTEL", "case_id": cid})


def scheme_counts(cfg: WorldConfig) -> dict[str, int]:
    """How many of each scheme a world of this size gets."""
    return {
        "RING": cfg.scale(20),
        "DOC_FRAUD": cfg.scale(30),
        "FACILITATOR": cfg.scale(15),
        "WATCHLISTED": cfg.scale(40, 4),
        "OVERSTAY": cfg.scale(20),
        "NEW_INTEL": cfg.scale(10),
    }


def plant_schemes(pl: Planter) -> None:
    """Plant every scheme in the requested numbers."""
    fns = {
        "RING": ring,
        "DOC_FRAUD": doc_fraud,
        "FACILITATOR": facilitator,
        "WATCHLISTED": watchlisted,
        "OVERSTAY": overstay,
        "NEW_INTEL": new_intel,
    }
    for name, count in scheme_counts(pl.cfg).items():
        for k in range(count):
            fns[name](pl, k)
