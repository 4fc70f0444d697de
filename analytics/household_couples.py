"""Couples among round-trip companions, and who paid for whose travel: the household rules that need the
payments (``analytics.households`` applies them; its module doc says why each rule is as it is).

Payments are read once per run (``Payments.of``): who booked a booking paid with a card whom, and which of
those payers is someone else (a ring's organiser pays its couriers' tickets, a couple pays its own).

>>> trip = pd.DataFrame({"a": [0, 1], "b": [1, 0], "trips": [3, 3]})
>>> couples(trip, 2, 2).tolist()
[True, True]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.projection import Projection


def edge_ends(proj: Projection, edge_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Source and target indexes of the projection's edges of one type (empty when it has none)."""
    if edge_type not in proj.type_names:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e = proj.edges_of(edge_type)
    return proj.src[e], proj.dst[e]


def pair_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One integer per ordered pair of node indexes below ``n``."""
    return a.astype(np.int64) * np.int64(n) + b.astype(np.int64)


@dataclass(frozen=True)
class Payments:
    """Who paid for whose travel: ``r`` booked (``BOOKED``) a booking paid (``PAID_BY``) by a card that
    ``payer`` uses (``USES``); ``outside``/``outside_payer``: a person and someone else who paid a booking of
    theirs or of a record possibly the same as them (``POSSIBLY_SAME_AS``)."""

    n: int
    r: np.ndarray
    payer: np.ndarray
    outside: np.ndarray
    outside_payer: np.ndarray

    @classmethod
    def of(cls, proj: Projection) -> Payments:
        """The payments of the projection's bookings."""
        who, booking = edge_ends(proj, "BOOKED")
        paid, card = edge_ends(proj, "PAID_BY")
        user, used = edge_ends(proj, "USES")
        pay = (pd.DataFrame({"r": who, "b": booking}).merge(pd.DataFrame({"b": paid, "c": card}), on="b")
               .merge(pd.DataFrame({"c": used, "payer": user}), on="c"))[["r", "payer"]].drop_duplicates()
        dup_a, dup_b = edge_ends(proj, "POSSIBLY_SAME_AS")
        records = pd.DataFrame({"r": np.r_[dup_b, dup_a], "p": np.r_[dup_a, dup_b]})
        out = pd.concat([pay.assign(p=pay["r"]), pay.merge(records, on="r")])[["p", "payer"]].drop_duplicates()
        out = out[out["p"] != out["payer"]]
        return cls(proj.n_nodes, pay["r"].to_numpy(dtype=np.int64), pay["payer"].to_numpy(dtype=np.int64),
                   out["p"].to_numpy(dtype=np.int64), out["payer"].to_numpy(dtype=np.int64))

    def own_money(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: nobody but the other of the two paid for either one's bookings."""
        n = self.n
        payers = np.bincount(self.outside, minlength=n)
        paid_keys = pair_keys(self.outside, self.outside_payer, n)
        a_own = payers[a] == np.isin(pair_keys(a, b, n), paid_keys)  # a's only outside payer, if any, is b
        b_own = payers[b] == np.isin(pair_keys(b, a, n), paid_keys)
        return np.asarray(a_own & b_own, dtype=bool)

    def paid_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: a booking of one of the two was paid with a card one of the two uses (their own money,
        shown)."""
        n = self.n
        within = pair_keys(self.r, self.payer, n)  # a booking of r paid by payer
        own = np.zeros(n, dtype=bool)
        own[self.r[self.r == self.payer]] = True
        return own[a] | own[b] | np.isin(pair_keys(a, b, n), within) | np.isin(pair_keys(b, a, n), within)


def outside_payers(proj: Projection) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (person, payer) pairs: ``payer`` uses (``USES``) the card that paid (``PAID_BY``) a booking
    of the person, or of a record possibly the same as the person (``POSSIBLY_SAME_AS``), and is someone else:
    another person paid for the person's travel (a ring's organiser pays its couriers' tickets)."""
    pay = Payments.of(proj)
    return pay.outside, pay.outside_payer


def couples(trip: pd.DataFrame, n_nodes: int, companion_trips: int) -> np.ndarray:
    """Per ``round_trips`` pair: both made ``companion_trips`` pairs of voyages together and neither made a round
    trip with anyone else."""
    partners = np.bincount(trip["a"].to_numpy(), minlength=n_nodes)
    a, b = trip["a"].to_numpy(), trip["b"].to_numpy()
    return (trip["trips"].to_numpy() >= companion_trips) & (partners[a] == 1) & (partners[b] == 1)


def booked_couples(trip: pd.DataFrame, proj: Projection, pay: Payments) -> np.ndarray:
    """Per ``round_trips`` pair: a couple seen on one round trip and one booking. Both made a round trip with
    nobody else, the two are linked as co-travellers (``CO_TRAVELLED``: one booking, or seats side by side on
    two voyages), and nobody but the other of the two paid for either one's bookings. A courier pair can
    look the same on its trips (couriers sometimes travel with the same partner twice), but a ring pays its
    couriers' tickets: on development seeds 44003 and 45101 three ring couriers paired this way, all three
    flown on the organiser's card, and a couple of two surnames (WANG and LIU) on its own."""
    n = proj.n_nodes
    a, b = trip["a"].to_numpy(), trip["b"].to_numpy()
    partners = np.bincount(a, minlength=n)
    co_a, co_b = edge_ends(proj, "CO_TRAVELLED")
    linked = np.isin(pair_keys(a, b, n), np.r_[pair_keys(co_a, co_b, n), pair_keys(co_b, co_a, n)])
    return (trip["trips"].to_numpy() >= 1) & (partners[a] == 1) & (partners[b] == 1) & linked & pay.own_money(a, b)


def steady_couples(trip: pd.DataFrame, n_nodes: int, companion_trips: int, pay: Payments) -> np.ndarray:
    """Per ``round_trips`` pair: a **steady couple**. The two made ``companion_trips`` pairs of voyages together,
    neither made more than one with anybody else, and one of the two paid a booking of either with their own
    card, nobody else any.
    ``couples`` asks for no round trip with anyone else at all, but strangers do share a round trip by
    chance: on seed 80818283 the spouses HU and LIN (two round trips together) each had one such stranger and
    were not read as a couple. A ring's courier flies twice with one partner and once with another too: the
    payment tells them apart (a ring pays its couriers' tickets), so without a booking paid by one of the
    two (the crossing history has no bookings) nobody is read so."""
    a, b = trip["a"].to_numpy(), trip["b"].to_numpy()
    repeat = trip["trips"].to_numpy() >= companion_trips
    steady = np.bincount(a[repeat], minlength=n_nodes)
    return repeat & (steady[a] == 1) & (steady[b] == 1) & pay.own_money(a, b) & pay.paid_between(a, b)
