"""Trips as parties: who travels together, when, by which mode, flight or port.

A party is a group booked together (one person alone, a family, a tour group, a ring's couriers). Each
party has an inbound leg (into the home country; API and PNR exist for it when by air) and an outbound leg.
Visitors come in then go out; residents go out then come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cluegraph.world import ports
from cluegraph.world.config import WorldConfig, day_number, rng_for
from cluegraph.world.timeline import day_range, day_weights

PARTY_COLS = (
    "kind",
    "scheme",
    "mode",
    "in_day",
    "out_day",
    "in_first",
    "flight_in",
    "flight_out",
    "port",
    "conveyance",
    "agency",
    "payer",
    "contact",
    "overstay",
)


@dataclass
class Parties:
    """Parties and their members, built in chunks and concatenated once."""

    chunks: list[tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=list)

    def add(self, party: pd.DataFrame, members: pd.DataFrame) -> None:
        """Add parties (``party`` local ids 0..k-1 in ``members['party']``)."""
        self.chunks.append((party, members))

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """All parties (column ``party`` is the global id) and members (party, person, lead)."""
        ps, ms, offset = [], [], 0
        for p, m in self.chunks:
            p = p.reset_index(drop=True)
            p["party"] = np.arange(offset, offset + len(p))
            m = m.assign(party=m["party"].to_numpy() + offset)
            offset += len(p)
            ps.append(p)
            ms.append(m)
        return pd.concat(ps, ignore_index=True), pd.concat(ms, ignore_index=True)


def sample_days(
    cfg: WorldConfig, rng: np.random.Generator, n: int, *, lo: int | None = None, hi: int | None = None
) -> np.ndarray:
    """``n`` day numbers drawn by daily volume, optionally within [lo, hi)."""
    days = day_range(cfg)
    w = day_weights(cfg, days)
    if lo is not None or hi is not None:
        keep = (days >= (lo if lo is not None else days[0])) & (
            days < (hi if hi is not None else days[-1] + 1)
        )
        days, w = days[keep], w[keep] / w[keep].sum()
    return days[rng.choice(len(days), size=n, p=w)]


def party_frame(n: int, kind: str, **cols: object) -> pd.DataFrame:
    """A frame of ``n`` parties with defaults for every column."""
    base: dict[str, object] = {
        "kind": kind,
        "scheme": -1,
        "mode": "AIR",
        "in_day": 0,
        "out_day": 0,
        "in_first": True,
        "flight_in": -1,
        "flight_out": -1,
        "port": "",
        "conveyance": "",
        "agency": -1,
        "payer": -1,
        "contact": "",
        "overstay": False,
    }
    base.update(cols)
    return pd.DataFrame(
        {
            k: (np.broadcast_to(v, n).copy() if isinstance(v, np.ndarray) else [v] * n)
            for k, v in base.items()
        },
        columns=list(PARTY_COLS),
    )


def route(
    party: pd.DataFrame,
    lead_nat: np.ndarray,
    rng: np.random.Generator,
    sched: ports.Schedule,
    *,
    partner: str | None = None,
) -> pd.DataFrame:
    """Fill flights (AIR) or port and conveyance (LAND/SEA) of parties whose mode is set."""
    n = len(party)
    fl = sched.flights
    by_partner = sched.partner_index()
    from cluegraph.world.countries import BY_CODE

    home = np.array([BY_CODE[c].airports[0] if c in BY_CODE else "" for c in lead_nat], dtype=object)
    home_alt = np.array([BY_CODE[c].airports[-1] if c in BY_CODE else "" for c in lead_nat], dtype=object)
    own = rng.random(n) < 0.75
    pick = np.where(rng.random(n) < 0.6, home, home_alt)
    anyp = fl["partner"].to_numpy()[rng.integers(0, len(fl), n)]
    dest = np.where(own & np.isin(pick, fl["partner"].to_numpy()), pick, anyp)
    if partner is not None:
        dest[:] = partner
    fin = np.empty(n, dtype=np.int64)
    fout = np.empty(n, dtype=np.int64)
    u1, u2 = rng.random(n), rng.random(n)
    for p in np.unique(dest):
        idx = np.flatnonzero(dest == p)
        rows = by_partner[p]
        fin[idx] = rows[(u1[idx] * len(rows)).astype(int)]
        fout[idx] = rows[(u2[idx] * len(rows)).astype(int)]
    air = (party["mode"] == "AIR").to_numpy()
    party["flight_in"] = np.where(air, fin, -1)
    party["flight_out"] = np.where(air, fout, -1)
    land = (party["mode"] == "LAND").to_numpy()
    sea = (party["mode"] == "SEA").to_numpy()
    lport = ports.LAND_PORTS[rng.choice(len(ports.LAND_PORTS), n, p=ports.LAND_WEIGHTS)]
    sport = ports.SEA_PORTS[rng.choice(len(ports.SEA_PORTS), n, p=ports.SEA_WEIGHTS)]
    party["port"] = np.select([land, sea], [lport, sport], "HKG")
    vessel = ports.VESSELS[rng.integers(0, len(ports.VESSELS), n)]
    bus = np.where(rng.random(n) < 0.5, "FOOT", "BUS")
    party["conveyance"] = np.select([land, sea], [bus, vessel], "")
    return party


def choose_mode(lead_nat: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """AIR, LAND or SEA by nationality (mainland and local people often cross by land)."""
    u = rng.random(len(lead_nat))
    local = np.isin(lead_nat, ["CHN", "HKG"])
    land = local & (u < 0.4)
    sea = (local & (u >= 0.4) & (u < 0.5)) | (~local & (u < 0.06))
    return np.select([land, sea], ["LAND", "SEA"], "AIR").astype(object)


def base_parties(cfg: WorldConfig, persons: pd.DataFrame, sched: ports.Schedule, out: Parties) -> None:
    """Ordinary trips: people alone (visitors and residents) and families travelling together."""
    rng = rng_for(cfg, "travel")
    kind = persons["kind"].to_numpy()
    lam = np.select([kind == "VISITOR", kind == "RESIDENT"], [1.15, 2.8], 0.0)
    lam = lam * np.where(persons["household_rank"].to_numpy() >= 1, 0.4, 1.0)
    counts = rng.poisson(lam)
    who = np.repeat(np.arange(len(persons)), counts)
    hh = persons["household"].to_numpy()
    heads = np.flatnonzero(persons["household_rank"].to_numpy() == 0)
    hcount = rng.poisson(0.9, len(heads))
    hheads = np.repeat(heads, hcount)
    n_solo, n_fam = len(who), len(hheads)
    lead = np.concatenate([who, hheads])
    nat = persons["nationality"].to_numpy()[lead]
    visitor = kind[lead] != "RESIDENT"
    n = len(lead)
    party = party_frame(n, "SOLO")
    party.loc[n_solo:, "kind"] = "FAMILY"
    first = sample_days(cfg, rng, n)
    stay = 1 + rng.geometric(np.where(visitor, 0.2, 0.12))
    first = no_overlap(lead, first, stay)
    party["in_first"] = visitor
    party["in_day"] = np.where(visitor, first, first + stay)
    party["out_day"] = np.where(visitor, first + stay, first)
    party["mode"] = choose_mode(nat, rng)
    route(party, nat, rng, sched)
    size = np.bincount(hh[hh >= 0])
    fam_members = (
        np.concatenate([np.arange(h, h + size[hh[h]]) for h in hheads]) if n_fam else np.zeros(0, int)
    )
    fam_party = np.repeat(np.arange(n_solo, n), size[hh[hheads]]) if n_fam else np.zeros(0, int)
    members = pd.DataFrame(
        {
            "party": np.concatenate([np.arange(n_solo), fam_party]),
            "person": np.concatenate([who, fam_members]),
        }
    )
    members["lead"] = members["person"].to_numpy() == lead[members["party"].to_numpy()]
    out.add(party, members)


def no_overlap(who: np.ndarray, first: np.ndarray, stay: np.ndarray) -> np.ndarray:
    """Shift trips of the same person so that each starts after the previous one ended (vectorised over
    people, one pass per trip rank).

    >>> no_overlap(np.array([1, 1, 2]), np.array([10, 12, 10]), np.array([5, 5, 5])).tolist()
    [10, 17, 10]
    """
    n = len(who)
    if n == 0:
        return first
    order = np.lexsort((first, who))
    f, s, w = first[order].copy(), stay[order], who[order]
    new = np.r_[True, w[1:] != w[:-1]]
    rank = np.arange(n) - np.maximum.accumulate(np.where(new, np.arange(n), 0))
    end = f + s
    for k in range(1, int(rank.max()) + 1):
        idx = np.flatnonzero(rank == k)
        f[idx] = np.maximum(f[idx], end[idx - 1] + 2)
        end[idx] = f[idx] + s[idx]
    out = first.copy()
    out[order] = f
    return out


def today_number(cfg: WorldConfig) -> int:
    """Today as a day number (shortcut)."""
    return day_number(cfg.today)
