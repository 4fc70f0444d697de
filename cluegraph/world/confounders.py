"""Benign patterns that look like links but are not risk: families, tour groups, corporate travel on one
card, hotel and agency phones shared by thousands, commuters and traders crossing daily."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from cluegraph.world.config import WorldConfig
from cluegraph.world.entities import Entities, personal_card
from cluegraph.world.plan import Plan
from cluegraph.world.schemes import Planter


def confounder_counts(cfg: WorldConfig) -> dict[str, int]:
    """How many tour groups, corporate employers, hotels and decoy watchlist entries a world gets."""
    return {
        "TOUR_GROUP": cfg.scale(600, 2),
        "CORPORATE": cfg.scale(200, 2),
        "DECOY_WATCHLIST": cfg.scale(200, 5),
        "HOTEL": cfg.scale(30, 2),
    }


def tours(pl: Planter, n: int) -> None:
    """Tour groups: 15-35 visitors of one nationality, one booking, one tour agency, paid by the agency."""
    rng, ent = pl.rng, pl.ent
    agencies = ent.companies.index[ent.companies["kind"] == "TOUR_AGENCY"].to_numpy()
    for k in range(n):
        people = pl.visitors.take(int(rng.integers(15, 36)))
        if len(people) < 2:
            return
        agency = int(agencies[k % len(agencies)])
        card = int(ent.add_instruments(rng, "AGENCY", np.array([-1]), np.array([agency]))[0])
        phone = ent.companies.at[agency, "phone"]
        company_id = cast(str, ent.companies.at[agency, "company_id"])  # text; the stubs say any scalar
        pl.trips([people], pl.past(1), "TOUR_GROUP", -1, agency=agency, payer=card, contact=phone, stay=4)
        for p in people:
            pl.plan.confounders.append(
                {
                    "confounder_id": f"TOUR-{k + 1:04d}",
                    "type": "TOUR_GROUP",
                    "person": int(p),
                    "identifier": f"agency {company_id}",
                }
            )


def corporate(pl: Planter, n: int) -> None:
    """Employees of one company travelling often, all on the company card."""
    rng, ent = pl.rng, pl.ent
    for k in range(n):
        people = np.r_[
            pl.residents.take(int(rng.integers(5, 16))), pl.visitors.take(int(rng.integers(3, 10)))
        ]
        company = ent.add_company("CORPORATE", f"ORIENT PACIFIC TRADING {k + 1}")
        card = int(ent.add_instruments(rng, "CORPORATE", people[:1], np.array([company]))[0])
        groups = [np.array([p]) for p in people for _ in range(int(rng.integers(2, 6)))]
        pl.trips(groups, pl.past(len(groups)), "CORPORATE", -1, payer=card, stay=3)
        for p in people:
            pl.plan.employment.append({"person": int(p), "company": company, "role": "EMPLOYEE"})
            pl.plan.confounders.append(
                {
                    "confounder_id": f"CORP-{k + 1:04d}",
                    "type": "CORPORATE_CARD",
                    "person": int(p),
                    "identifier": f"card {card}",
                }
            )


def decoys(pl: Planter, n: int) -> None:
    """Watchlist entries for people who are not in the world (screening must not invent hits), and old
    closed cases with innocent witnesses and victims."""
    rng = pl.rng
    for k in range(n):
        pl.plan.watchlist.append(
            {
                "entry_id": f"WL-D{k + 1:05d}",
                "list": "INTERPOL-DIFFUSION",
                "surname": f"NOBODY{chr(65 + k % 26)}{k}",
                "given_names": "ALEX",
                "native_name": "",
                "birth_date": f"{1950 + k % 50}-01-01",
                "nationality": "GBR",
                "doc_number": "",
                "reason": "NOT IN WORLD",
                "severity": "LOW",
                "listed_on": pl.today - 100 - k,
                "person": -1,
            }
        )
    for k in range(max(1, n // 5)):
        people = pl.residents.take(2)
        pl.case(
            "THEFT",
            pl.today - int(rng.integers(200, 900)),
            "CLOSED",
            "LOW",
            [(people[0], "VICTIM"), (people[-1], "WITNESS")],
        )
        for p in people:
            pl.plan.confounders.append(
                {
                    "confounder_id": f"CASE-INNOCENT-{k + 1:04d}",
                    "type": "CASE_WITNESS",
                    "person": int(p),
                    "identifier": "victim or witness of an old case",
                }
            )


def booking_contacts(
    cfg: WorldConfig,
    parties: pd.DataFrame,
    members: pd.DataFrame,
    ent: Entities,
    persons: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Fill payer, agency and contact of ordinary parties: own card or cash, a quarter via agencies (their
    phone as contact), some visitors giving their hotel's phone."""
    lead = members[members["lead"]].set_index("party")["person"].reindex(parties["party"]).to_numpy()
    free = (parties["kind"].isin(["SOLO", "FAMILY"])).to_numpy()
    n = len(parties)
    card = personal_card(ent, len(persons))[lead]
    parties["payer"] = np.where(free, card, parties["payer"])
    agencies = ent.companies.index[ent.companies["kind"] == "AGENCY"].to_numpy()
    via = free & (rng.random(n) < 0.25)
    parties["agency"] = np.where(via, agencies[rng.integers(0, len(agencies), n)], parties["agency"])
    agency_phone = ent.companies["phone"].to_numpy()[
        np.maximum(parties["agency"].to_numpy(dtype=np.int64), 0)
    ]
    contact = np.where(via & (rng.random(n) < 0.7), agency_phone, parties["contact"].to_numpy())
    hotel = free & (persons["kind"].to_numpy()[lead] == "VISITOR") & (rng.random(n) < 0.08)
    hphone = ent.hotels["phone"].to_numpy()[rng.integers(0, len(ent.hotels), n)]
    parties["contact"] = np.where(hotel, hphone, contact)
    return parties


def shared_phone_truth(parties: pd.DataFrame, members: pd.DataFrame, ent: Entities, plan: Plan) -> None:
    """Record hotel and agency phones used by many bookings as benign shared identifiers; hotel guests
    also appear with the hotel's phone in the phone records (a guest register), thousands per hotel in
    large worlds."""
    hotel = parties["contact"].isin(set(ent.hotels["phone"])).to_numpy()
    lead = members[members["lead"].to_numpy() & hotel[members["party"].to_numpy()]]
    guests = pd.DataFrame(
        {
            "person": lead["person"].to_numpy(),
            "phone": parties["contact"].to_numpy()[lead["party"].to_numpy()],
        }
    ).drop_duplicates()
    # records keyed by the (str) column names; the stubs key them by Hashable
    plan.phones += cast(list[dict[str, Any]], guests.assign(source="HOTEL_GUEST_REGISTER").to_dict("records"))
    counts = parties.loc[parties["mode"] == "AIR", "contact"].value_counts()
    for phone, kind in [(p, "HOTEL_PHONE") for p in ent.hotels["phone"]] + [
        (p, "AGENCY_PHONE") for p in ent.companies.loc[ent.companies["kind"] != "EMPLOYER", "phone"]
    ]:
        if counts.get(phone, 0) >= 2:
            plan.confounders.append(
                {
                    "confounder_id": f"PHONE-{phone}",
                    "type": kind,
                    "person": -1,
                    "identifier": f"phone {phone} on {int(counts[phone])} bookings",
                }
            )
