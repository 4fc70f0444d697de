"""Crossing events: the legs of every party, commuters' and traders' daily crossings, the document shown
and the inspection outcome. Kept as integer-coded columns until written (see ``records.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cluegraph.world import ports
from cluegraph.world.config import WorldConfig, day_number, rng_for
from cluegraph.world.plan import Plan
from cluegraph.world.timeline import weekday

OUTCOMES = np.array(["CLEARED", "SECONDARY", "REFUSED", "DETAINED"], dtype=object)
REASONS = {
    "SECONDARY": np.array(["RANDOM_CHECK", "CUSTOMS_CHECK", "DOCUMENT_CHECK", "BAGGAGE_XRAY"], dtype=object),
    "REFUSED": np.array(
        ["NO_VISA", "FRAUDULENT_DOCUMENT", "INSUFFICIENT_FUNDS", "PRIOR_OVERSTAY"], dtype=object
    ),
    "DETAINED": np.array(["CONTRABAND", "FRAUDULENT_DOCUMENT", "WANTED"], dtype=object),
}


def party_legs(
    cfg: WorldConfig,
    parties: pd.DataFrame,
    members: pd.DataFrame,
    sched: ports.Schedule,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per member and leg that happened in history."""
    today, start = day_number(cfg.today), day_number(cfg.history_start)
    p = parties.iloc[members["party"].to_numpy()]
    fl = sched.flights
    legs = []
    for direction in ("IN", "OUT"):
        day = p["in_day" if direction == "IN" else "out_day"].to_numpy()
        ok = (day >= start) & (day < today)
        if direction == "OUT":
            ok &= ~p["overstay"].to_numpy(dtype=bool)
        mode = p["mode"].to_numpy()
        flight = p["flight_in" if direction == "IN" else "flight_out"].to_numpy()
        air = mode == "AIR"
        f = np.maximum(flight, 0)
        conv = np.where(air, fl["in_no" if direction == "IN" else "out_no"].to_numpy()[f], p["conveyance"])
        base = np.where(
            direction == "IN",
            fl["arr_min"].to_numpy()[f] + rng.integers(15, 70, len(f)),
            fl["dep_min"].to_numpy()[f] - rng.integers(60, 180, len(f)),
        )
        # a party going by land or sea crosses together (one bus, one car, one ferry): one minute per party
        together = rng.integers(7 * 60, 23 * 60, len(parties))[members["party"].to_numpy()]
        minute = np.where(air, base % 1440, together)
        day = day + np.where(air, base // 1440, 0)  # early departures: checked out the evening before
        ok &= (day >= start) & (day < today)
        legs.append(
            pd.DataFrame(
                {
                    "person": members["person"].to_numpy()[ok],
                    "day": day[ok],
                    "minute": minute[ok],
                    "port": p["port"].to_numpy()[ok],
                    "direction": direction,
                    "mode": mode[ok],
                    "conveyance": conv[ok],
                    "party": members["party"].to_numpy()[ok],
                    "party_kind": p["kind"].to_numpy()[ok],
                }
            )
        )
    return pd.concat(legs, ignore_index=True)


def daily_crossers(cfg: WorldConfig, persons: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Commuters (working days, a window of months) and traders (a vehicle, several days a week)."""
    rng = rng_for(cfg, "travel")
    today, start = day_number(cfg.today), day_number(cfg.history_start)
    kind = persons["kind"].to_numpy()
    out = []
    for who, p_day in (("COMMUTER", 0.9), ("TRADER", 0.35)):
        idx = np.flatnonzero(kind == who)
        if who == "COMMUTER":
            first = today - rng.integers(60, 700, len(idx))
            length = rng.integers(150, 500, len(idx))
        else:
            first = np.full(len(idx), start)
            length = np.full(len(idx), today - start)
        person = np.repeat(idx, length)
        offs = np.arange(len(person)) - np.repeat(np.cumsum(length) - length, length)
        day = np.repeat(first, length) + offs
        keep = (day < today) & (day >= start) & (rng.random(len(day)) < p_day)
        if who == "COMMUTER":
            keep &= weekday(day) < 5
        person, day = person[keep], day[keep]
        fav = ports.LAND_PORTS[rng.choice(5, len(persons), p=ports.LAND_WEIGHTS)]
        plates = _plates(persons, plan, idx, who)
        conv = np.where(who == "TRADER", plates[person], "FOOT")
        mainland = persons["nationality"].to_numpy()[person] == "CHN"
        morning = rng.integers(7 * 60, 9 * 60 + 30, len(person))
        evening = rng.integers(17 * 60 + 30, 21 * 60, len(person))
        for direction, minute in (
            ("IN", np.where(mainland, morning, evening)),
            ("OUT", np.where(mainland, evening, morning)),
        ):
            out.append(
                pd.DataFrame(
                    {
                        "person": person,
                        "day": day,
                        "minute": minute,
                        "port": fav[person],
                        "direction": direction,
                        "mode": "LAND",
                        "conveyance": conv,
                        "party": -1,
                        "party_kind": who,
                    }
                )
            )
        for p in idx:
            plan.confounders.append(
                {
                    "confounder_id": f"{who}-{p}",
                    "type": who,
                    "person": int(p),
                    "identifier": "crosses the land border most days",
                }
            )
    return pd.concat(out, ignore_index=True)


def _plates(persons: pd.DataFrame, plan: Plan, idx: np.ndarray, who: str) -> np.ndarray:
    plates = np.full(len(persons), "", dtype=object)
    if who != "TRADER":
        return plates
    for k, p in enumerate(idx):
        plate = f"{chr(65 + k % 26)}{chr(65 + (k // 26) % 26)}{(int(p) * 7919) % 10000:04d}"
        plates[p] = plate
        plan.vehicles.append({"plate": plate, "plate_country": "HKG", "person": int(p), "role": "OWNER"})
    return plates


def choose_documents(
    x: pd.DataFrame, docs: pd.DataFrame, plan: Plan, n_persons: int, rng: np.random.Generator
) -> np.ndarray:
    """The document row shown at each crossing: the passport valid then, sometimes a dual national's
    second passport, the local card at land and sea ports, a forged one for fraud trips."""

    def slot(role: str) -> np.ndarray:
        out = np.full(n_persons, -1, dtype=np.int64)
        d = docs[docs["role"] == role]
        out[d["person"].to_numpy(dtype=np.int64)] = d.index.to_numpy()
        return out

    cur, prev, sec, loc = slot("CURRENT"), slot("PREVIOUS"), slot("SECOND"), slot("LOCAL")
    issued = docs["issued"].to_numpy()[cur]
    person, day = x["person"].to_numpy(), x["day"].to_numpy()
    doc = cur[person]
    use_prev = (day < issued[person]) & (prev[person] >= 0)
    doc = np.where(use_prev, prev[person], doc)
    doc = np.where((sec[person] >= 0) & (rng.random(len(x)) < 0.3), sec[person], doc)
    doc = np.where((x["mode"].to_numpy() != "AIR") & (loc[person] >= 0), loc[person], doc)
    forced = np.full(n_persons, -1, dtype=np.int64)
    for p, d in plan.forced_doc.items():
        forced[p] = d
    fraud = (x["party_kind"].to_numpy() == "DOC_FRAUD") & (forced[person] >= 0)
    return np.where(fraud, forced[person], doc)


def outcomes(
    x: pd.DataFrame, plan: Plan, docs: pd.DataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Inspection outcome and reason; scheme members and forged documents fare worse."""
    n = len(x)
    boosted = np.isin(x["person"].to_numpy(), np.fromiter(plan.boost, dtype=np.int64, count=len(plan.boost)))
    forged = docs["role"].to_numpy()[x["doc"].to_numpy()] == "FORGED"
    cum = np.cumsum(
        [[0.9825, 0.015, 0.002, 0.0005], [0.80, 0.14, 0.03, 0.03], [0.6, 0.2, 0.15, 0.05]], axis=1
    )
    cls = np.where(forged, 2, np.where(boosted, 1, 0))
    u = rng.random(n)
    k = np.zeros(n, dtype=np.int64)
    for col in range(3):
        k += u > cum[cls, col]
    outcome = OUTCOMES[k]
    reason = np.full(n, "", dtype=object)
    for name, options in REASONS.items():
        idx = np.flatnonzero(outcome == name)
        reason[idx] = options[rng.integers(0, len(options), len(idx))]
    return outcome, reason
