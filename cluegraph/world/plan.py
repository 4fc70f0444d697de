"""What the schemes and confounders planted: collected here, written to ``associated/`` and ``truth/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cluegraph.world import ports
from cluegraph.world.config import WorldConfig
from cluegraph.world.travel import Parties, no_overlap, party_frame, route


@dataclass
class Plan:
    """Everything planted, as lists of plain rows (person = row number in the population)."""

    members: list[dict[str, Any]] = field(default_factory=list)  # scheme_id, scheme_type, person, role
    schemes: list[dict[str, Any]] = field(default_factory=list)  # scheme_id, scheme_type, details...
    cases: list[dict[str, Any]] = field(default_factory=list)
    case_subjects: list[dict[str, Any]] = field(default_factory=list)  # case_id, person, role
    watchlist: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)  # person, phone, source
    addresses: list[dict[str, Any]] = field(default_factory=list)  # person, address_id
    employment: list[dict[str, Any]] = field(default_factory=list)  # person, company, role
    vehicles: list[dict[str, Any]] = field(default_factory=list)  # plate, plate_country, person, role
    confounders: list[dict[str, Any]] = field(default_factory=list)  # confounder_id, type, person, ...
    forced_doc: dict[int, int] = field(default_factory=dict)  # person -> document row used when flying
    risky: dict[int, list[str]] = field(default_factory=dict)  # person -> reasons
    boost: set[int] = field(default_factory=set)  # people inspected more often

    def member(self, scheme_id: str, scheme_type: str, people: Any, role: str) -> None:
        """Record scheme members with one role."""
        for p in np.atleast_1d(people):
            self.members.append(
                {"scheme_id": scheme_id, "scheme_type": scheme_type, "person": int(p), "role": role}
            )

    def flag(self, people: Any, reason: str, *, boost: bool = True) -> None:
        """Mark people risky (for the upcoming-traveller truth) and, optionally, inspected more often."""
        for p in np.atleast_1d(people):
            self.risky.setdefault(int(p), [])
            if reason not in self.risky[int(p)]:
                self.risky[int(p)].append(reason)
            if boost:
                self.boost.add(int(p))


class Pool:
    """Disjoint draws of people for schemes and confounders, so roles never collide."""

    def __init__(self, candidates: np.ndarray, rng: np.random.Generator) -> None:
        self.left = list(rng.permutation(candidates)[::-1])

    def take(self, k: int) -> np.ndarray:
        """``k`` people not yet taken (fewer if the pool is exhausted)."""
        k = min(k, len(self.left))
        return np.array([self.left.pop() for _ in range(k)], dtype=np.int64)


def add_trips(
    out: Parties,
    cfg: WorldConfig,
    rng: np.random.Generator,
    sched: ports.Schedule,
    groups: list[np.ndarray],
    in_days: np.ndarray,
    nat: np.ndarray,
    kind: str,
    *,
    scheme: int = -1,
    partner: str | None = None,
    stay: int = 3,
    **cols: Any,
) -> None:
    """Add one AIR party per group (visitor pattern: in, then out after ``stay`` days)."""
    n = len(groups)
    if n == 0:
        return
    party = party_frame(n, kind, scheme=scheme, **cols)
    length = stay + rng.integers(0, 3, n)
    in_days = no_overlap(np.array([g[0] for g in groups]), np.asarray(in_days), length)
    party["in_day"] = in_days
    party["out_day"] = in_days + length
    party["mode"] = "AIR"
    route(party, nat, rng, sched, partner=partner)
    sizes = np.array([len(g) for g in groups])
    members = pd.DataFrame({"party": np.repeat(np.arange(n), sizes), "person": np.concatenate(groups)})
    members["lead"] = np.r_[True, members["party"].to_numpy()[1:] != members["party"].to_numpy()[:-1]]
    out.add(party, members)
