"""Derived ``CO_TRAVELLED`` edges: two people in one booking, or side by side (same row, adjacent seats) on
one voyage (seat letters counted without ``I``, which cabins skip), counted over every trip in the store's history.

Computed from all person-bearing records each run (those stored before and this run's), so the count,
``first`` and ``last`` are of the whole history: ingesting the same files again changes nothing, a new
day's bookings add to the counts. A trip is counted once per pair however many records show it (the API
list and the PNR of one flight are one trip). Bookings with more than ``MAX_GROUP`` travellers (charters,
tour groups booked as one) are left out: everyone in them would link to everyone. Two people who share no
booking and sat side by side on fewer than ``SEAT_MIN_TRIPS`` voyages are not linked: check-in seats strangers
next to each other on every flight, so one shared armrest says nothing (a traveller seated once beside a
watchlisted stranger drew that stranger's risk); the same neighbour on two trips does.

>>> recs = pd.DataFrame({"record_ref": ["a", "b", "c", "d", "e", "f"],
...     "booking": ["CX:K1", "CX:K1", "", "", "", ""],
...     "voyage": ["V1", "V1", "V1", "V2", "V3", "V3"], "seat": ["19K", "19J", "19H", "1A", "4B", "4C"],
...     "seen": ["2026-01-01T00:00:00"] * 6})
>>> asg = pd.DataFrame({"record_ref": ["a", "b", "c", "d", "e", "f"],
...     "person_key": ["p1", "p2", "p3", "p1", "p4", "p3"]})
>>> out = co_travelled(recs, asg)
>>> sorted(zip(out["count"], out["reasons"]))  # p2-p3 and p4-p3 side by side once: no link
[(1, 'booking,seat')]
>>> recs.loc[4, "record_ref"], asg.loc[4, "person_key"] = "e", "p2"  # p2 beside p3 again, on V3
>>> sorted(zip(co_travelled(recs, asg)["count"], co_travelled(recs, asg)["reasons"]))
[(1, 'booking,seat'), (2, 'seat')]
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from ingest.pipeline.keys import ids

MAX_GROUP = 30
#: Voyages side by side that link two people who share no booking.
SEAT_MIN_TRIPS = 2
#: Seat letters in cabin order (no ``I``).
LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


def co_travelled(records: pd.DataFrame | pa.Table, assignments: pd.DataFrame) -> pd.DataFrame:
    """``src``, ``dst`` (Person ids, in order), ``count``, ``first``, ``last``, ``reasons``, ``first_seen``,
    ``last_seen``, ``sources`` (a few record references) per pair of people who travelled together."""
    con = duckdb.connect()
    try:
        cols = ["record_ref", "booking", "voyage", "seat", "seen"]
        con.register("r", records.select(cols) if isinstance(records, pa.Table) else records[cols])
        con.register("a", assignments[["record_ref", "person_key"]])
        pairs = con.sql(f"""
            WITH x AS (SELECT a.person_key AS p, nullif(r.booking, '') AS booking, nullif(r.voyage, '') AS voyage,
                              TRY_CAST(regexp_extract(r.seat, '^0*(\\d+)([A-Z])$', 1) AS INTEGER) AS seat_row,
                              regexp_extract(r.seat, '^0*\\d+([A-Z])$', 1) AS seat_col,
                              TRY_CAST(nullif(r.seen, '') AS TIMESTAMP) AS t, r.record_ref AS ref
                       FROM r JOIN a USING (record_ref)),
            big AS (SELECT booking FROM x WHERE booking IS NOT NULL GROUP BY booking
                    HAVING count(DISTINCT p) > {MAX_GROUP}),
            by_booking AS (
                SELECT least(x.p, y.p) AS p1, greatest(x.p, y.p) AS p2, coalesce(x.voyage, y.voyage, x.booking) AS trip,
                       'booking' AS reason, least(x.t, y.t) AS t1, greatest(x.t, y.t) AS t2, x.ref AS ref
                FROM x JOIN x y ON x.booking = y.booking AND x.p < y.p
                WHERE x.booking NOT IN (SELECT booking FROM big)),
            by_seat AS (
                SELECT least(x.p, y.p), greatest(x.p, y.p), x.voyage, 'seat', least(x.t, y.t), greatest(x.t, y.t), x.ref
                FROM x JOIN x y ON x.voyage = y.voyage AND x.seat_row = y.seat_row AND x.p <> y.p
                WHERE abs(instr('{LETTERS}', x.seat_col) - instr('{LETTERS}', y.seat_col)) = 1
                  AND x.seat_col <> '' AND y.seat_col <> ''),
            allp AS (SELECT * FROM by_booking UNION ALL SELECT * FROM by_seat)
            SELECT p1, p2, count(DISTINCT trip) AS count, min(t1) AS first, max(t2) AS last,
                   array_to_string(list_sort(list_distinct(list(reason))), ',') AS reasons,
                   list_slice(list_sort(list_distinct(list(ref))), 1, 20) AS sources
            FROM allp GROUP BY p1, p2
            HAVING list_contains(list(reason), 'booking') OR count(DISTINCT trip) >= {SEAT_MIN_TRIPS}
            ORDER BY p1, p2""").df()
    finally:
        con.close()
    if pairs.empty:
        return pairs
    src, dst = ids("Person", pairs["p1"]), ids("Person", pairs["p2"])
    lo = src.where(src < dst, dst)
    hi = dst.where(src < dst, src)
    return pd.DataFrame({"src": lo, "dst": hi, "count": pairs["count"].astype("int64"),
                         "first": pairs["first"].astype(str), "last": pairs["last"].astype(str),
                         "reasons": pairs["reasons"], "first_seen": pairs["first"], "last_seen": pairs["last"],
                         "sources": pairs["sources"]})
