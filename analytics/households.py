"""Households: people whose links to each other are explained by kinship, found in the graph.

A family shares an address, bookings and trips; those links say nothing about risk, but in a random walk a
tight group holds on to whatever risk reaches it (the walker goes round the family before it leaves), so
families drift above lone travellers with the same outside links. An analyst reads such links as explained.
A person is a **household member** when the graph shows them travelling with kin:

- a co-traveller (``CO_TRAVELLED``) or a fellow passenger on a booking of at most ``max_group`` people who
  is a minor on ``as_of`` or who shares their surname (a ``POSSIBLY_SAME_AS`` pair is one person recorded
  twice, not kin);
- on one voyage, a group of 2 to ``max_group`` people of one surname with both a minor and an adult and at
  least two different given names (a parent with a child; no booking needed);
- a **round-trip companion**: someone who made the same voyage out and the same voyage back one after the
  other (read from the crossing history, ``MADE`` and ``ON``: a family's past trips have no booking in the
  store), as at most ``max_group`` people did, who is a minor or shares a surname rare as above (a group
  of WANGs on one round trip is chance);
- a **couple**: two people who made ``companion_trips`` pairs of voyages together (two trips: 3) and no round
  trip with anyone else, whatever their names. Trips together alone are not kinship (a ring's couriers
  travel in twos and threes), but couriers change partners from trip to trip; a couple does not;
- a **couple seen on one round trip and one booking** (``booked_couples``): two people who made a round trip
  together and with nobody else, linked as co-travellers (``CO_TRAVELLED``), whose bookings nobody else paid
  for (``outside_payers``): spouses of two surnames (WANG and LIU, seed 44003) fly on their own money, a
  ring's couriers on the organiser's card;
- a **steady couple** (``steady_couples``): two people who made ``companion_trips`` pairs of voyages together,
  neither of whom made more than one with anybody else (strangers share a round trip by chance), one of whom
  paid a booking of either with their own card, and whose bookings nobody else paid for (a ring pays its
  couriers' tickets; the crossing history alone shows no payment, so it reads nobody so);
- a co-traveller, fellow passenger or round-trip companion who lives at the same address (of at most
  ``max_group`` residents);
- the same person recorded twice (``POSSIBLY_SAME_AS`` whose names resolution found more than weakly alike,
  or two people holding one document, born in one month: a record in pinyin with the birth day left out) as
  a household member (one given name and a birth date in common is two people: ``WEAK_NAMES``); a record
  possibly the same as several people (a name alone, shared by namesakes) passes nothing on: on seed 44002 a
  ring courier named SMITH ANDREW was a household member through a name-only SMITH ANDREW on a family's
  booking.

A shared surname is evidence of kinship only when strangers rarely share it: its share of all people times
the others on the booking or aboard the voyage (1 for a co-traveller) must be below
``chance`` (learned from the graph, like specificity: CHAN or WANG meet by chance on every flight, a rare
surname does not); and two records of one surname must differ in given names and birth day to be two people.
A shared address alone is not used: identity resolution links address records by name, and two strangers
of one surname at one address were seen among the planted facilitator's travellers; with travel together
it is.

A **tour group** is explained the same way: people who made one round trip (the same voyage out, the same
voyage back) as a crowd of ``tour_min`` to ``tour_max`` (a package tour booked by an agency) hold on to
risk as a family does, through the tour's booking, card and agency phone and through each other; before
this they made up most of the confounders among the top 100 arrivals that were not families (seeds 8675309
and 20261127: 5 of 16). The planted schemes travel alone or in twos and threes.

``household_scale`` gives each household and tour-group member the factor ``discount`` (1 for everybody else and every
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
from analytics.features_frames import edge_frame, node_frame
from analytics.household_couples import (
    Payments,
    booked_couples,
    couples,
    edge_ends,
    pair_keys,
    steady_couples,
)
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
    """Per node: surname, given names, minor (bool), birth day number (-1 unknown) and birth month
    (``YYYY-MM``, "" unknown: a record with the day left out still has it)."""
    frame = node_frame(store, "Person", columns=["surname", "given_names", "birth_date"])
    surname = np.full(proj.n_nodes, None, dtype=object)
    given = np.full(proj.n_nodes, None, dtype=object)
    minor = np.zeros(proj.n_nodes, dtype=bool)
    born = np.full(proj.n_nodes, -1, dtype=np.int64)
    month = np.full(proj.n_nodes, "", dtype=object)
    if frame.empty:
        return surname, given, minor, born, month
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
        text = frame["birth_date"].fillna("").astype(str).str.slice(0, 7)
        month[idx] = text.where(text.str.fullmatch(r"\d{4}-\d{2}"), "").to_numpy(dtype=object)
    return surname, given, minor, born, month


def _shared(proj: Projection, edge_type: str, max_group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of people linked by ``edge_type`` to one node that at most ``max_group`` people share, and how
    many others share it with each pair's first person."""
    who, node = edge_ends(proj, edge_type)
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
    crossing, voyage = edge_ends(proj, "ON")
    voyage_of = np.full(proj.n_nodes, -1, dtype=np.int64)
    voyage_of[crossing] = voyage
    person, crossing = edge_ends(proj, "MADE")
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


def crossing_minutes(age_days: np.ndarray, as_of: datetime | None) -> np.ndarray:
    """The minute (since 1970) each crossing was made, from its ``MADE`` link's age in days before ``as_of``
    (-1 when unknown): the crossings of people who went through one land or sea checkpoint together, in
    one bus or car, carry the same minute.

    >>> crossing_minutes(np.array([0.0, 1 / 1440, np.nan]), datetime(1970, 1, 2, 0, 0, 40)).tolist()
    [1440, 1439, -1]
    """
    if as_of is None:
        return np.full(len(age_days), -1, dtype=np.int64)
    now = (as_of.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds() / 60.0
    minute = np.floor(now - np.nan_to_num(age_days, nan=np.inf) * 1440.0)
    return np.where(np.isfinite(minute), minute, -1).astype(np.int64)


def _voyages_in_order(proj: Projection) -> tuple[np.ndarray, np.ndarray]:
    """Every crossing as (person, voyage), each person's oldest first (the ``MADE`` link's time). A crossing
    on no voyage (by land: on foot, by bus or car) stands for the group that crossed in the same minute: its
    voyage number is ``n_nodes`` plus that minute's place (no node has it)."""
    if "MADE" not in proj.type_names:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    made = proj.edges_of("MADE")
    on_crossing, voyage = edge_ends(proj, "ON")
    voyage_of = np.full(proj.n_nodes, -1, dtype=np.int64)
    voyage_of[on_crossing] = voyage
    v = voyage_of[proj.dst[made]]
    minute = crossing_minutes(proj.age_days[made], proj.as_of)
    alone = (v < 0) & (minute >= 0)
    if alone.any():
        v[alone] = proj.n_nodes + minute[alone] - minute[alone].min()
    ok = v >= 0
    p, v, age = proj.src[made][ok].astype(np.int64), v[ok], np.nan_to_num(proj.age_days[made][ok], nan=0.0)
    order = np.lexsort((-age, p))
    return p[order], v[order]


def round_trips(person: np.ndarray, voyage: np.ndarray, max_group: int) -> pd.DataFrame:
    """Pairs of people (``a``, ``b``, both ways) who made the same two voyages one after the other, as at most
    ``max_group`` people did: ``others`` made that pair of voyages with ``a`` (``b`` among them; the most
    of any of the pair's trips), ``trips`` is how many such pairs of voyages the two share (one round trip
    1, two round trips 3: the way back of the first and the way out of the second follow each other too).
    ``person``/``voyage`` list each person's voyages oldest first. Strangers share one flight by chance,
    seldom the next one too; a family's past trips show in its crossings alone, without a booking.

    >>> t = round_trips(np.array([1, 1, 1, 2, 2, 2, 3, 3]), np.array([10, 11, 12, 10, 11, 12, 10, 13]), 6)
    >>> t.values.tolist()
    [[1, 2, 1, 2], [2, 1, 1, 2]]
    """
    key, p, size = _voyage_pairs(person, voyage)
    ok = (size >= 2) & (size <= max_group)
    key, p, size = key[ok], p[ok], size[ok]
    parts = []  # the people of one pair of voyages are next to each other, at most max_group - 1 apart
    for d in range(1, max(max_group, 2)):
        i = np.flatnonzero(key[d:] == key[:-d])
        j = i + d
        parts.append((np.r_[p[i], p[j]], np.r_[p[j], p[i]], np.r_[size[i], size[i]] - 1))
    a, b, others = (np.concatenate(x) if parts else np.zeros(0, np.int64) for x in zip(*parts, strict=True))
    out = pd.DataFrame({"a": a, "b": b, "others": others}).groupby(["a", "b"], sort=True)
    return out["others"].agg(["max", "size"]).set_axis(["others", "trips"], axis=1).reset_index().astype("int64")


def _voyage_pairs(person: np.ndarray, voyage: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's pairs of consecutive distinct voyages (out, then the next one) as one integer key, sorted by
    key, once per person and key: the keys, the people, and how many people made the same pair."""
    nxt = np.r_[person[1:] == person[:-1], False][: len(person)]
    p, v = person[nxt].astype(np.int64), voyage[nxt].astype(np.int64)
    w = np.r_[voyage[1:], -1][nxt].astype(np.int64)
    keep = v != w
    key = v[keep] * np.int64(max(int(voyage.max(initial=0)) + 1, 1)) + w[keep]
    p = p[keep]
    order = np.lexsort((p, key))
    key, p = key[order], p[order]
    fresh = np.r_[True, (key[1:] != key[:-1]) | (p[1:] != p[:-1])][: len(key)]
    key, p = key[fresh], p[fresh]
    group = np.cumsum(np.r_[True, key[1:] != key[:-1]][: len(key)]) - 1
    size = np.bincount(group)[group] if len(group) else group
    return key, p, size


def tour_members(person: np.ndarray, voyage: np.ndarray, tour_min: int, tour_max: int) -> np.ndarray:
    """People who made the same two voyages one after the other (out and back) with ``tour_min - 1`` to
    ``tour_max - 1`` others: a tour group (an agency's package: fifteen to thirty-five visitors out together
    and back together days later). Strangers share one flight by chance, a crowd of them seldom the flight
    back too. ``person``/``voyage`` as for ``round_trips``.

    >>> tour_members(np.repeat(np.arange(4), 2), np.tile([10, 11], 4), 3, 60).tolist()
    [0, 1, 2, 3]
    >>> tour_members(np.repeat(np.arange(4), 2), np.tile([10, 11], 4), 5, 60).tolist()
    []
    """
    _, p, size = _voyage_pairs(person, voyage)
    return np.unique(p[(size >= tour_min) & (size <= tour_max)]).astype(np.int64)


def household_members(store: GraphStore, proj: Projection, config: HouseholdConfig | None = None, *,
                      legs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Projection indexes of the household members (see the module doc), sorted; ``legs`` is
    ``_voyages_in_order(proj)`` when the caller has it already."""
    cfg = config or HouseholdConfig()
    surname, given, minor, born, month = _people(store, proj, proj.as_of, cfg.minor_age_years)
    co_a, co_b = edge_ends(proj, "CO_TRAVELLED")
    book_a, book_b, book_n = _shared(proj, "BOOKED", cfg.max_group)
    trip = round_trips(*(legs or _voyages_in_order(proj)), cfg.max_group)
    a = np.concatenate([co_a, co_b, book_a, trip["a"]]).astype(np.int64)
    b = np.concatenate([co_b, co_a, book_b, trip["b"]]).astype(np.int64)
    others = np.concatenate([np.ones(2 * len(co_a)), book_n, trip["others"]])
    pairs = couples(trip, proj.n_nodes, cfg.companion_trips)
    if cfg.booked_couples or cfg.steady_couples:
        pay = Payments.of(proj)  # read once for both rules
        if cfg.booked_couples:
            pairs |= booked_couples(trip, proj, pay)
        if cfg.steady_couples:
            pairs |= steady_couples(trip, proj.n_nodes, cfg.companion_trips, pay)
    couple = np.r_[np.zeros(len(a) - len(trip), dtype=bool), pairs]
    dup_a, dup_b = edge_ends(proj, "POSSIBLY_SAME_AS")
    n = proj.n_nodes
    dup = np.isin(pair_keys(a, b, n), np.r_[pair_keys(dup_a, dup_b, n), pair_keys(dup_b, dup_a, n)])
    home_a, home_b, _ = _shared(proj, "LIVES_AT", cfg.max_group)
    at_home = np.isin(pair_keys(a, b, n), pair_keys(home_a, home_b, n))
    share = surname_share(surname)
    kin = (kin_pairs(a, b, surname, given, minor, others * share[a] < cfg.chance, born) | at_home | couple) & ~dup
    found = np.union1d(a[kin], _voyage_families(proj, surname, given, minor, share, cfg))
    doc_a, doc_b, _ = _shared(proj, "HOLDS", 2)
    same = (month[doc_a] == month[doc_b]) & (month[doc_a] != "")  # one document, one birth month
    # a record that may be any of several people (a name alone: SMITH ANDREW) is none of them in particular,
    # and two records whose names agree only weakly (one given name) are likely two people
    alike = np.bincount(np.r_[dup_a, dup_b], minlength=n)[np.r_[dup_a, dup_b]] == 1
    alike &= np.tile(_names_agree(store, proj, dup_a, dup_b), 2)
    twin_a = np.r_[np.r_[dup_a, dup_b][alike], doc_a[same]]
    twin_b = np.r_[np.r_[dup_b, dup_a][alike], doc_b[same]]
    return np.union1d(found, twin_b[np.isin(twin_a, found)].astype(np.int64))


#: Name verdicts of identity resolution (``POSSIBLY_SAME_AS`` ``reasons``: ``name=<verdict>``) too weak to read
#: two records as one person: one given name and a birth date shared by two women (GARCIA GRACE and REYES
#: GRACE, born the same day) made a facilitated traveller a household member on development seed 46002.
WEAK_NAMES = ("weak", "different")


def _names_agree(store: GraphStore, proj: Projection, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per ``POSSIBLY_SAME_AS`` pair (projection indexes ``a``, ``b``): whether resolution found their names
    more than weakly alike (no ``name=weak``/``name=different`` in the edge's ``reasons``; True where the edge
    gives none)."""
    if not len(a):
        return np.zeros(0, dtype=bool)
    edges = edge_frame(store, "POSSIBLY_SAME_AS", ["src", "dst", "reasons"])
    verdict = edges["reasons"].astype("string").str.extract(r"name=(\w+)", expand=False)
    weak = edges[verdict.isin(WEAK_NAMES).to_numpy(dtype=bool)]
    if weak.empty:
        return np.ones(len(a), dtype=bool)
    src, dst = proj.index(weak["src"].tolist()), proj.index(weak["dst"].tolist())
    n = proj.n_nodes
    bad = np.r_[pair_keys(src, dst, n), pair_keys(dst, src, n)]
    return ~np.isin(pair_keys(a, b, n), bad)


def household_scale(store: GraphStore, proj: Projection, config: HouseholdConfig | None = None,
                    seeds: pd.DataFrame | None = None) -> np.ndarray:
    """Per node: ``discount`` for household members and tour-group members (``tour_members``, when
    ``tour_min`` > 1), 1 for every other node and at the ``seeds`` (a seed's own known risk is not explained
    by its family or its tour); see the module doc."""
    cfg = config or HouseholdConfig()
    scale = np.ones(proj.n_nodes)
    if cfg.discount < 1.0:
        legs = _voyages_in_order(proj)
        scale[household_members(store, proj, cfg, legs=legs)] = cfg.discount
        if cfg.tour_min > 1:
            scale[tour_members(*legs, cfg.tour_min, cfg.tour_max)] = cfg.discount
        if seeds is not None and len(seeds):
            scale[seeds["index"].to_numpy(dtype=np.int64)] = 1.0
    return scale
