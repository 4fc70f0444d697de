"""Booking-anchored identity: a name-only passenger record joins the one person of its booking who carries the
same name.

A PNR passenger without ``SSR DOCS`` names its traveller and nothing else; on its own such a record is nobody's
identity (two CHAN WAI MAN are not one person) and resolution keeps it apart, linked to every namesake as a
``POSSIBLY_SAME_AS`` candidate. But the API manifest of the same flight names the same traveller with a
document and a birth date, and carries the booking reference (``RFF+AVF``): within one booking a name is one
traveller. Matching API to PNR by booking and name is how border targeting systems link the two. Left
apart, the two records of one traveller became two people who "travelled together" on one booking
(``CO_TRAVELLED``): on seed 80818283 a quarter of all co-travel links (488 of 1,959) joined a traveller to
their own PNR record, and the name-only record, a candidate of a dozen namesakes, passed their risk on.

A name-only record joins only where its booking holds, with the same name key, records of exactly one other
person: two different people of one name on one booking, or nobody, leave it as it was; and only while it is
a person of its own (one that resolution already attached to somebody stays where it is: joining it would
join two people).

>>> import pandas as pd
>>> p = pd.DataFrame({"name_key": ["HU WEIWEN", "HU WEIWEN", "LIN WEILEI"], "_solo": ["", "r2", ""]})
>>> labels, joined = join_on_bookings(np.array([0, 1, 2]), p, np.array([0, 1, 2]), np.array([7, 7, 7]), "_solo")
>>> bool(labels[0] == labels[1] != labels[2]), joined.tolist()
(True, [False, True, False])
>>> join_on_bookings(np.array([0, 2, 2]), p, np.array([0, 1, 2]), np.array([7, 7, -1]), "_solo")[1].tolist()
[False, False, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.resolve import cluster


def join_on_bookings(labels: np.ndarray, p: pd.DataFrame, codes: np.ndarray, bookings: np.ndarray,
                     solo: str) -> tuple[np.ndarray, np.ndarray]:
    """Labels after joining each name-only profile (``p[solo]`` set) to the one other person of its booking
    with its name key, and per profile whether it was joined so. ``codes`` is each record's profile,
    ``bookings`` each record's booking as an integer code (-1: none)."""
    joined = np.zeros(len(p), dtype=bool)
    has = np.asarray(bookings) >= 0
    if not has.any():
        return labels, joined
    name = pd.factorize(p["name_key"].to_numpy())[0]
    lone = (p[solo] != "").to_numpy()
    rec = pd.DataFrame({"c": codes[has], "b": np.asarray(bookings)[has]})
    rec["n"], rec["lone"], rec["to"] = name[rec["c"]], lone[rec["c"]], labels[rec["c"]]
    named = rec.loc[~rec["lone"], ["b", "n", "to"]].drop_duplicates()
    pairs = rec.loc[rec["lone"], ["c", "b", "n"]].drop_duplicates().merge(named, on=["b", "n"])
    pairs = pairs[pairs.groupby("c")["to"].transform("nunique") == 1].drop_duplicates("c")
    alone = np.bincount(labels, minlength=len(labels))[labels] == 1
    pairs = pairs[alone[pairs["c"].to_numpy()]]
    if pairs.empty:
        return labels, joined
    c = pairs["c"].to_numpy(dtype=np.int64)
    joined[c] = True
    return cluster.join(labels, c, pairs["to"].to_numpy(dtype=np.int64)), joined
