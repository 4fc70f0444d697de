"""Households: people whose links to each other are explained by kinship, found in the graph.

A family shares an address, bookings and trips; those links say nothing about risk, but in a random walk a
tight group holds on to whatever risk reaches it (the walker goes round the family before it leaves), so
families drift above lone travellers with the same outside links. An analyst reads such links as explained.
A person is a **household member** when the graph shows them travelling with kin:

- a co-traveller (``CO_TRAVELLED``) or a fellow passenger on a booking of at most ``max_group`` people who
  is a minor on ``as_of`` or who shares their surname (a ``POSSIBLY_SAME_AS`` pair is one person recorded
  twice, not kin);
- on one voyage, a group of 2 to ``max_group`` people of one surname with both a minor and an adult and at
  least two different given names (a parent with a child; no booking needed).

A shared surname is evidence of kinship only when strangers rarely share it: its share of all people times
the others on the booking or aboard the voyage (1 for a co-traveller) must be below
``chance`` (learned from the graph, like specificity: CHAN or WANG meet by chance on every flight, a rare
surname does not); and two records of one surname must differ in given names and birth day to be two people.
A shared address alone is not used: identity resolution links address records by name, and two strangers
of one surname at one address were seen among the planted facilitator's travellers.

``household_scale`` gives each household member the factor ``discount`` (1 for everybody else and every
other node); propagation multiplies a person's risk by it (the walk itself is unchanged, so nobody else's
risk moves, and the person's reasons say why: ``household``). A household member with a strong link of
their own to known risk still stands out: the discount moves people whose risk is the faint background
every traveller has, where families otherwise sit above lone travellers.

>>> surname, given = np.array(["LEE", "LEE", "WONG"], dtype=object), np.array(["A", "B", "C"], dtype=object)
>>> kin_pairs(np.array([0, 0, 1]), np.array([1, 2, 0]), surname, given, np.array([False, False, True]),
...           np.array([True, False, False]), np.array([1, 2, 3])).tolist()
[True, True, False]
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from analytics.config import HouseholdConfig
from analytics.features_frames import node_frame
from analytics.projection import Projection
from graph.store import GraphStore


def kin_pairs(a: np.ndarray, b: np.ndarray, surname: np.ndarray, given: np.ndarray, minor: np.ndarray,
              rare: np.ndarray, born: np.ndarray) -> np.ndarray:
    """Whether each pair of fellow travellers (indexes ``a``, ``b``) reads as kin: either is a minor, or two
    people (other given names and other known birth days ``born``, so not one person recorded twice with a
    typo) carry one surname that is ``rare`` (per pair) among the people they could meet by chance."""
    other = (given[a] != given[b]) & (born[a] != born[b]) & (born[a] >= 0) & (born[b] >= 0)
    same = (surname[a] == surname[b]) & rare & other
    return np.asarray(minor[a] | minor[b] | same, dtype=bool)


def surname_share(surname: np.ndarray) -> np.ndarray:
    """Per person, the share of people carrying their surname (0 without one): how likely two strangers meet
    under it by chance.

    >>> surname_share(np.array(["CHAN", "CHAN", "TAN", None], dtype=object)).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.3333333333333333, 0.0]
    """
    known = pd.Series(surname).dropna()
    counts = known.map(known.value_counts()) / max(len(known), 1)
    return pd.Series(0.0, index=range(len(surname))).add(counts, fill_value=0.0).to_numpy()


def _people(store: GraphStore, proj: Projection, as_of: datetime | None, minor_years: float) -> tuple[np.ndarray, ...]:
    """Per node: surname, given names, minor (bool) and birth day number (-1 unknown)."""
    frame = node_frame(store, "Person", columns=["surname", "given_names", "birth_date"])
    surname = np.full(proj.n_nodes, None, dtype=object)
    given = np.full(proj.n_nodes, None, dtype=object)
    minor = np.zeros(proj.n_nodes, dtype=bool)
    born = np.full(proj.n_nodes, -1, dtype=np.int64)
    if frame.empty:
        return surname, given, minor, born
    idx = proj.index(frame["id"].tolist())
    keep = idx >= 0
    idx, frame = idx[keep], frame[keep]
    surname[idx] = frame["surname"].to_numpy(dtype=object) if "surname" in frame else None
    given[idx] = frame["given_names"].to_numpy(dtype=object) if "given_names" in frame else None
    if "birth_date" in frame:
        when = pd.to_datetime(frame["birth_date"], errors="coerce")
        days = (pd.Timestamp(as_of or datetime.now()) - when).dt.days.to_numpy(dtype=float)
        minor[idx] = np.nan_to_num(days / 365.25, nan=99.0) < minor_years
        born[idx] = np.nan_to_num(days, nan=-1.0).astype(np.int64)
    return surname, given, minor, born


def _ends(proj: Projection, edge_type: str) -> tuple[np.ndarray, np.ndarray]:
    if edge_type not in proj.type_names:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e = proj.edges_of(edge_type)
    return proj.src[e], proj.dst[e]


def _shared(proj: Projection, edge_type: str, max_group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of people linked by ``edge_type`` to one node that at most ``max_group`` people share, and how
    many others share it with each pair's first person."""
    who, node = _ends(proj, edge_type)
    links = pd.DataFrame({"p": who, "n": node}).drop_duplicates()
    links["others"] = links.groupby("n")["p"].transform("size") - 1
    links = links[links["others"].between(1, max_group - 1)]
    pairs = links.merge(links[["p", "n"]], on="n")
    pairs = pairs[pairs["p_x"] != pairs["p_y"]]
    return pairs["p_x"].to_numpy(), pairs["p_y"].to_numpy(), pairs["others"].to_numpy()


def _voyage_families(proj: Projection, surname: np.ndarray, given: np.ndarray, minor: np.ndarray,
                     share: np.ndarray, cfg: HouseholdConfig) -> np.ndarray:
    """People in a group of one surname on one voyage with a minor, an adult and two given names or more, where
    so many of one surname would meet on a voyage of that size by chance less than ``cfg.chance``."""
    crossing, voyage = _ends(proj, "ON")
    voyage_of = np.full(proj.n_nodes, -1, dtype=np.int64)
    voyage_of[crossing] = voyage
    person, crossing = _ends(proj, "MADE")
    trips = pd.DataFrame({"p": person, "v": voyage_of[crossing], "s": surname[person]})
    trips = trips[(trips["v"] >= 0) & trips["s"].notna()].drop_duplicates(["p", "v"])
    trips["aboard"] = trips.groupby("v")["p"].transform("size")
    with_minor = trips.loc[minor[trips["p"].to_numpy()], ["v", "s"]].drop_duplicates()
    trips = trips.merge(with_minor, on=["v", "s"])
    people = trips["p"].to_numpy()
    trips["minor"], trips["given"] = minor[people], given[people]
    groups = trips.groupby(["v", "s"])
    size = groups["p"].transform("size")
    by_chance = trips["aboard"].to_numpy() * share[people] < cfg.chance
    ok = (size.between(2, cfg.max_group) & (groups["minor"].transform("sum") < size)
          & (groups["given"].transform("nunique") >= 2) & by_chance)
    return np.unique(trips.loc[ok, "p"].to_numpy())


def household_members(store: GraphStore, proj: Projection, config: HouseholdConfig | None = None) -> np.ndarray:
    """Projection indexes of the household members (see the module doc), sorted."""
    cfg = config or HouseholdConfig()
    surname, given, minor, born = _people(store, proj, proj.as_of, cfg.minor_age_years)
    co_a, co_b = _ends(proj, "CO_TRAVELLED")
    book_a, book_b, book_n = _shared(proj, "BOOKED", cfg.max_group)
    a = np.concatenate([co_a, co_b, book_a]).astype(np.int64)
    b = np.concatenate([co_b, co_a, book_b]).astype(np.int64)
    others = np.concatenate([np.ones(2 * len(co_a)), book_n])
    dup_a, dup_b = _ends(proj, "POSSIBLY_SAME_AS")
    n = np.int64(proj.n_nodes)
    dup = np.isin(a * n + b, np.r_[dup_a * n + dup_b, dup_b * n + dup_a])
    share = surname_share(surname)
    kin = kin_pairs(a, b, surname, given, minor, others * share[a] < cfg.chance, born) & ~dup
    return np.union1d(a[kin], _voyage_families(proj, surname, given, minor, share, cfg))


def household_scale(store: GraphStore, proj: Projection, config: HouseholdConfig | None = None,
                    seeds: pd.DataFrame | None = None) -> np.ndarray:
    """Per node: ``discount`` for household members, 1 for every other node and at the ``seeds`` (a seed's own
    known risk is not explained by its family); see the module doc."""
    cfg = config or HouseholdConfig()
    scale = np.ones(proj.n_nodes)
    if cfg.discount < 1.0:
        scale[household_members(store, proj, cfg)] = cfg.discount
        if seeds is not None and len(seeds):
            scale[seeds["index"].to_numpy(dtype=np.int64)] = 1.0
    return scale
