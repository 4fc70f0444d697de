"""Assembles the world model in memory: people, documents, entities, parties, schemes, crossings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cluegraph.world import confounders as cf
from cluegraph.world import crossings as xs
from cluegraph.world.config import WorldConfig, day_number, rng_for
from cluegraph.world.documents import build_documents
from cluegraph.world.entities import Entities, build_entities
from cluegraph.world.people import build_persons
from cluegraph.world.plan import Plan
from cluegraph.world.ports import Schedule, build_schedule
from cluegraph.world.schemes import Planter, plant_schemes
from cluegraph.world.travel import Parties, base_parties


@dataclass
class World:
    """The true world before it is written out."""

    cfg: WorldConfig
    persons: pd.DataFrame
    docs: pd.DataFrame
    ent: Entities
    sched: Schedule
    parties: pd.DataFrame
    members: pd.DataFrame
    crossings: pd.DataFrame  # integer-coded, with doc row, outcome and reason
    plan: Plan

    def upcoming(self) -> pd.DataFrame:
        """Members of parties arriving by air in the upcoming window (party, person, lead, in_day, flight)."""
        today = day_number(self.cfg.today)
        p = self.parties
        up = p[(p["mode"] == "AIR") & (p["in_day"] >= today) & (p["in_day"] < today + self.cfg.days)]
        m = self.members[self.members["party"].isin(up["party"])]
        return m.assign(
            in_day=p["in_day"].to_numpy()[m["party"]], flight=p["flight_in"].to_numpy()[m["party"]]
        )


def build_world(cfg: WorldConfig) -> World:
    """Generate the whole world for ``cfg`` (deterministic)."""
    persons = build_persons(cfg)
    docs = build_documents(cfg, persons)
    ent = build_entities(cfg, persons)
    sched = build_schedule()
    out = Parties()
    base_parties(cfg, persons, sched, out)
    plan = Plan()
    planter = Planter(cfg, persons, docs, ent, sched, out, plan)
    plant_schemes(planter)
    counts = cf.confounder_counts(cfg)
    cf.tours(planter, counts["TOUR_GROUP"])
    cf.corporate(planter, counts["CORPORATE"])
    cf.decoys(planter, counts["DECOY_WATCHLIST"])
    docs = planter.docs
    parties, members = out.frames()
    parties = cf.booking_contacts(cfg, parties, members, ent, persons, rng_for(cfg, "confounders"))
    cf.shared_phone_truth(parties, members, ent, plan)
    rng = rng_for(cfg, "outcomes")
    x = pd.concat(
        [xs.party_legs(cfg, parties, members, sched, rng), xs.daily_crossers(cfg, persons, plan)],
        ignore_index=True,
    )
    x["doc"] = xs.choose_documents(x, docs, plan, len(persons), rng)
    x["outcome"], x["reason"] = xs.outcomes(x, plan, docs, rng)
    _family_truth(persons, parties, members, plan)
    return World(cfg, persons, docs, ent, sched, parties, members, x, plan)


def _family_truth(persons: pd.DataFrame, parties: pd.DataFrame, members: pd.DataFrame, plan: Plan) -> None:
    fam = parties.loc[parties["kind"] == "FAMILY", "party"]
    people = np.unique(members.loc[members["party"].isin(fam), "person"].to_numpy())
    hh = persons["household"].to_numpy()
    for p in people:
        plan.confounders.append(
            {
                "confounder_id": f"FAMILY-{hh[p]:06d}",
                "type": "FAMILY",
                "person": int(p),
                "identifier": "household: shared surname, address and bookings",
            }
        )
