"""The evidence between people that clue clusters are found on: one weighted link per pair of people.

Why people-to-people and not the person-identifier graph: an identifier shared by ``k`` people says less
about each pair of them the larger ``k`` is, and a community method on the bipartite graph lets one
agency or employer of forty people pull them all into one group. Here every kind of evidence becomes a
weight on a pair of people, summed over the evidence:

- **shared identifier** (phone, e-mail, card, address, document, vehicle, organisation; held, used, lived
  at, worked for, or on a booking as its card, contact or agency): ``specificity / (k - 1)`` for each of
  the ``k (k - 1) / 2`` pairs of its people, so each person draws at most the identifier's specificity from
  it whatever its size. Identifiers below ``min_specificity`` or of more than ``max_share`` people are hubs
  and bind nobody;
- **repeated co-travel**: ``min(n / 2, 2)`` for ``n`` shared bookings (or a ``CO_TRAVELLED`` link);
- **repeated co-voyage**: ``min(n / 4, 2)`` for ``n >= co_travel_min`` voyages (flights, crossings) taken
  together (a round trip is two voyages, so ``n`` voyages weigh like ``n / 2`` shared bookings: the same
  out and back flights once, which strangers share by chance, weigh 0.5 and bind nobody alone), looked for
  around known risk only (the people of the seeds, their identifiers' people, and
  whoever repeatedly travels with them, ``voyage_rounds`` times over): all pairs on all voyages would be
  quadratic in the voyages' sizes, and a family's shared trips are already in its bookings;
- **case co-subjects** (1) and **possible same identity** (``POSSIBLY_SAME_AS``): ``1 / d`` where ``d`` is
  the larger number of possible identities either end has, so a name-only record of a common name (JOHN
  ROBERTS, possibly any of 16 people) binds none of them, while two records that can only be each other weigh 1.
  A possible same identity is a likeness of names and birth dates, not a shared thing: it never binds a
  record to a cluster alone (``binds`` is false; see ``analytics.cluster_membership._evidence``), so a lookalike of a
  member (LI WEIWEI beside a member MA WEIWEI, same birth date) needs other evidence to be drawn in.

>>> links = pd.DataFrame({"p": [1, 2, 1], "i": [9, 9, 8], "w": [0.8, 0.8, 1.0]})
>>> identifier_pairs(links).to_dict("records")
[{'p': 1, 'q': 2, 'w': 0.8}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analytics.config import RunConfig
from analytics.projection import Projection

IDENTIFIER_LABELS = ("Phone", "Email", "PaymentInstrument", "Address", "Document", "Vehicle", "Organization")
#: Instruments a person carries: a phone or e-mail shared with another member binds a person to a cluster
#: alone (a card does not: masked card numbers collide by chance).
PERSONAL_LABELS = ("Phone", "Email", "PaymentInstrument")
#: An identifier shared by more people than this binds nobody (a hub), whatever its specificity.
MAX_SHARE = 60
#: A pair of an identifier's ``k`` people weighs ``specificity / (k - 1) ** SHARE_POWER``.
SHARE_POWER = 0.75
#: Voyages with more known travellers than this are not searched for co-voyages (cost, and little evidence).
MAX_VOYAGE = 400
#: Rounds of growing the co-voyage search from known risk.
VOYAGE_ROUNDS = 3
#: Voyages of one trip (out and back): ``n`` voyages together weigh like ``n / 2`` bookings together, so a
#: stranger on the same two flights of one round trip is not bound like a companion of two trips.
VOYAGES_PER_TRIP = 2


def person_identifier(proj: Projection, spec: np.ndarray, min_specificity: float) -> pd.DataFrame:
    """(person ``p``, identifier ``i``, specificity ``w``, whether it is a ``document``, a ``personal``
    instrument (phone, e-mail, card), a ``card``) of every specific identifier a person holds, uses,
    lives at, works for, or books with (a booking's card, contact and agency count as its passengers')."""
    person = proj.mask("Person")
    ident = np.isin(proj.labels, [proj.label_code(lab) for lab in IDENTIFIER_LABELS])
    keep = ident & (spec >= min_specificity)
    direct = np.isin(proj.types, [proj.type_code(t) for t in ("USES", "HOLDS", "LIVES_AT", "WORKS_FOR")])
    pairs = [pd.DataFrame({"p": proj.src[direct], "i": proj.dst[direct]})]
    booked = proj.edges_of("BOOKED")
    by_booking = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]})
    via = np.isin(proj.types, [proj.type_code(t) for t in ("PAID_BY", "CONTACT", "VIA")])
    on_booking = pd.DataFrame({"b": proj.src[via], "i": proj.dst[via]})
    pairs.append(by_booking.merge(on_booking, on="b")[["p", "i"]])
    out = pd.concat(pairs, ignore_index=True)
    out = out[person[out["p"].to_numpy()] & keep[out["i"].to_numpy()]].drop_duplicates()
    out["w"] = spec[out["i"].to_numpy()]
    labels = proj.labels[out["i"].to_numpy()]
    out["document"] = labels == proj.label_code("Document")
    out["personal"] = np.isin(labels, [proj.label_code(lab) for lab in PERSONAL_LABELS])
    out["card"] = labels == proj.label_code("PaymentInstrument")
    out["organisation"] = labels == proj.label_code("Organization")
    return out.reset_index(drop=True)


def identifier_pairs(links: pd.DataFrame, *, max_share: int = MAX_SHARE, power: float = SHARE_POWER) -> pd.DataFrame:
    """Pairs of people (``p < q``) sharing identifiers, ``w`` = sum of ``spec / (k - 1)`` (see the module doc)."""
    k = links.groupby("i")["p"].transform("size")
    shared = links[(k >= 2) & (k <= max_share)].assign(w=lambda f: f["w"] / (k[f.index] - 1) ** power)
    pairs = shared.merge(shared[["i", "p"]], on="i", suffixes=("", "_q"))
    pairs = pairs[pairs["p"] < pairs["p_q"]]
    out = pairs.groupby(["p", "p_q"], sort=False)["w"].sum().reset_index().rename(columns={"p_q": "q"})
    return out[["p", "q", "w"]]


def _person_pairs(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Pairs ``p < q`` of people sharing ``key``, with ``n`` the number of shared keys."""
    pairs = frame.merge(frame, on=key)
    pairs = pairs[pairs["p_x"] < pairs["p_y"]]
    return pairs.groupby(["p_x", "p_y"], sort=False).size().rename("n").reset_index()


def co_travel_pairs(proj: Projection, config: RunConfig) -> pd.DataFrame:
    """Pairs with ``co_travel_min`` or more shared bookings of at most 40 people, or a ``CO_TRAVELLED`` link:
    ``p < q``, ``n`` (shared bookings, at least 1), ``w = min(n / 2, 2)``."""
    booked = proj.edges_of("BOOKED")
    trips = pd.DataFrame({"b": proj.dst[booked], "p": proj.src[booked]}).drop_duplicates()
    size = trips.groupby("b")["p"].transform("size")
    counts = _person_pairs(trips[(size >= 2) & (size <= 40)], "b")
    counts = counts[counts["n"] >= config.clusters.co_travel_min]
    co = proj.edges_of("CO_TRAVELLED")
    direct = pd.DataFrame(
        {"p_x": np.minimum(proj.src[co], proj.dst[co]), "p_y": np.maximum(proj.src[co], proj.dst[co]), "n": 1}
    )
    both = pd.concat([counts, direct]).groupby(["p_x", "p_y"])["n"].max().reset_index()
    both = both.rename(columns={"p_x": "p", "p_y": "q"})
    return both.assign(w=np.minimum(both["n"] / 2.0, 2.0))


def person_voyages(proj: Projection) -> pd.DataFrame:
    """Distinct (person ``p``, voyage ``v``): crossings made on it, manifests announcing the person, bookings."""
    on = proj.edges_of("ON")
    event_voyage = pd.DataFrame({"e": proj.src[on], "v": proj.dst[on]})
    parts = []
    for edge_type in ("MADE", "BOOKED"):
        pos = proj.edges_of(edge_type)
        parts.append(pd.DataFrame({"p": proj.src[pos], "e": proj.dst[pos]}).merge(event_voyage, on="e")[["p", "v"]])
    ann = proj.edges_of("ANNOUNCED")
    parts.append(pd.DataFrame({"p": proj.src[ann], "v": proj.dst[ann]}))
    out = pd.concat(parts, ignore_index=True).drop_duplicates()
    return out[proj.mask("Person")[out["p"].to_numpy()]]


def co_voyage_pairs(proj: Projection, start: np.ndarray, config: RunConfig) -> pd.DataFrame:
    """Pairs (``p < q``, ``n``, ``w = min(n / 4, 2)``) who took ``co_travel_min`` or more voyages together, one
    of them reached from the people ``start`` (known risk) through such pairs in at most ``VOYAGE_ROUNDS`` rounds.

    One sparse product a round (the frontier's rows of the person-voyage incidence times its transpose)
    counts the voyages each of them shares with everybody."""
    pv = person_voyages(proj)
    size = pv.groupby("v")["p"].transform("size")
    pv = pv[(size >= 2) & (size <= MAX_VOYAGE)]
    voyage = pd.factorize(pv["v"])[0]
    incidence = sp.csr_matrix(
        (np.ones(len(pv), dtype=np.float32), (pv["p"].to_numpy(), voyage)),
        shape=(proj.n_nodes, voyage.max(initial=-1) + 1),
    )
    mates_of = incidence.T.tocsr()
    reached = np.zeros(proj.n_nodes, dtype=bool)
    frontier = np.unique(start)
    found = []
    for _ in range(VOYAGE_ROUNDS):
        frontier = frontier[np.diff(incidence.indptr)[frontier] > 0]
        if not len(frontier):
            break
        reached[frontier] = True
        counts = (incidence[frontier] @ mates_of).tocoo()
        p, q = frontier[counts.row], counts.col
        keep = (counts.data >= config.clusters.co_travel_min) & (p != q)
        found.append(pd.DataFrame({"p": np.minimum(p, q)[keep], "q": np.maximum(p, q)[keep], "n": counts.data[keep]}))
        frontier = np.unique(q[keep])
        frontier = frontier[~reached[frontier]]
    if not found:
        return pd.DataFrame({"p": [], "q": [], "n": [], "w": []})
    out = pd.concat(found, ignore_index=True).groupby(["p", "q"])["n"].max().reset_index()
    return out.assign(w=np.minimum(out["n"] / VOYAGES_PER_TRIP / 2.0, 2.0))


def same_identity_pairs(proj: Projection) -> pd.DataFrame:
    """``POSSIBLY_SAME_AS`` pairs (``p < q``) weighing ``1 / d`` (``possible_identity_weights``); they do not
    bind alone (``binds`` false)."""
    same = proj.edges_of("POSSIBLY_SAME_AS")
    return possible_identity_weights(proj.src[same], proj.dst[same]).assign(binds=False)


def possible_identity_weights(a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """Pairs ``p < q`` of possible same identities weighing ``1 / d``, ``d`` the larger of the two ends'
    numbers of possible identities: a record that may be any of three people binds none of them alone.

    >>> possible_identity_weights(np.array([1, 1, 1, 5]), np.array([2, 3, 4, 6])).round(2).to_dict("list")
    {'p': [1, 1, 1, 5], 'q': [2, 3, 4, 6], 'w': [0.33, 0.33, 0.33, 1.0]}
    """
    pairs = pd.DataFrame({"p": np.minimum(a, b), "q": np.maximum(a, b)}).drop_duplicates()
    degree = pd.concat([pairs["p"], pairs["q"]]).value_counts()
    fan = np.maximum(degree.reindex(pairs["p"]).to_numpy(), degree.reindex(pairs["q"]).to_numpy())
    return pairs.assign(w=1.0 / fan).reset_index(drop=True)


def clique(groups: pd.DataFrame, weight: float) -> pd.DataFrame:
    """All pairs ``p < q`` of people with the same ``g``, weight ``weight``."""
    pairs = groups.merge(groups, on="g")
    pairs = pairs[pairs["p_x"] < pairs["p_y"]].drop_duplicates(["p_x", "p_y"])
    return pd.DataFrame({"p": pairs["p_x"].to_numpy(), "q": pairs["p_y"].to_numpy(), "w": weight})
