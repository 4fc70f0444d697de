"""The group cut (``analytics.cluster_cut``): a group hung on a community by weak links only is split off."""

import numpy as np
import pandas as pd

from analytics.cluster_cut import FIRM_SHARE, cut_weak
from analytics.cluster_membership import ClusterGraph

PHONE, HOME, AGENCY = 100, 101, 102
# A ring of five (0-4) sharing one burner phone (0.9 / 4 ** 0.75 = 0.32 a pair: a firm link, light weight).
RING = [(a, b, 0.32) for a in range(5) for b in range(a + 1, 5)]
# A family of three (5, 6, 7) sharing a home.
FAMILY = [(5, 6, 1.0), (5, 7, 1.0), (6, 7, 1.0)]
HOLDS = [(p, PHONE) for p in range(5)] + [(p, HOME) for p in (5, 6, 7)]


def _graph(edges, holds, pairs, n: int) -> ClusterGraph:
    """Links ``edges`` (p, q, total weight), identifiers ``holds`` (p, i), pairwise evidence ``pairs``."""
    e = np.array(edges, dtype=float).reshape(-1, 3)
    idents = pd.DataFrame(holds, columns=["p", "i"]).assign(w=0.9)
    pl = pd.DataFrame(pairs, columns=["p", "q", "w"]).assign(binds=True)
    return ClusterGraph(np.arange(n), e[:, 0].astype(int), e[:, 1].astype(int), e[:, 2], idents, pl)


def test_a_family_on_one_round_trip_with_a_courier_is_split_off():
    trip = [(0, f, 0.5) for f in (5, 6, 7)]
    out = cut_weak(_graph(RING + FAMILY + trip, HOLDS, trip, 8), np.zeros(8, dtype=int))
    assert len(set(out[:5])) == 1 and len(set(out[5:])) == 1
    assert out[0] != out[5]
    assert out[0] == 0  # the larger group keeps the community's number


def test_a_ring_bound_by_a_lightly_weighted_shared_phone_is_not_shattered():
    out = cut_weak(_graph(RING, HOLDS[:5], [], 5), np.zeros(5, dtype=int))
    assert out.tolist() == [0, 0, 0, 0, 0]


def test_a_courier_on_one_round_trip_with_four_members_stays():
    trip = [(m, 5, 0.5) for m in range(4)]
    out = cut_weak(_graph(RING + trip, HOLDS[:5], trip, 6), np.zeros(6, dtype=int))
    assert out.tolist() == [0] * 6


def test_two_trips_together_are_a_firm_link():
    trip = [(0, 5, 1.0)]  # two bookings together
    out = cut_weak(_graph(RING + FAMILY + trip, HOLDS, trip, 8), np.zeros(8, dtype=int))
    assert len(set(out)) == 1


def test_customers_of_one_large_agency_are_cut_from_a_ring_they_share_it_with():
    n = FIRM_SHARE + 1  # the ring and 26 other customers of one agency
    agency = [(p, AGENCY) for p in range(n)]
    edges = RING + [(a, b, 0.02) for a in range(n) for b in range(a + 1, n) if b >= 5]
    out = cut_weak(_graph(edges, HOLDS[:5] + agency, [], n), np.zeros(n, dtype=int))
    assert (out[:5] == 0).all() and not np.isin(out[5:], 0).any()


def test_people_taken_out_and_other_communities_are_left_alone():
    trip = [(0, f, 0.5) for f in (5, 6, 7)]
    membership = np.array([0, 0, 0, 0, 0, 1, 1, -1])
    out = cut_weak(_graph(RING + FAMILY + trip, HOLDS, trip, 8), membership)
    assert out.tolist() == [0, 0, 0, 0, 0, 1, 1, -1]
