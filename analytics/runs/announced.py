"""Who is announced for a travel window: every traveller of an API manifest (``ANNOUNCED``) or a PNR booking
(``BOOKED`` -> Booking -> ``ON``) on a voyage whose date falls in the window, with the identity and document
as the advance record presented them (the ANNOUNCED or BOOKED edge's own properties, else the resolved
person's). One row per person and voyage; API wins over PNR when both announce the same trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.features_frames import node_frame
from graph.ids import format_id, node_ids, parse_id
from graph.store import GraphStore

#: The identity columns of a worklist row, as presented in the advance record.
IDENTITY = ["surname", "given_names", "birth_date", "nationality", "doc_issuer", "doc_number"]
COLUMNS = ["person_id", *IDENTITY, "voyage", "voyage_id", "port", "scheduled_time", "channel", "record_ref"]


def _frame(batches: Iterable[pa.Table]) -> pd.DataFrame:
    tables = [t for t in batches if t.num_rows]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(object).where(frame[name].notna(), None)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def window_voyages(store: GraphStore, start: date, end: date) -> pd.DataFrame:
    """Voyages dated inside ``[start, end]``: ``voyage_id, voyage, port, scheduled_time``."""
    v = _frame(store.export_nodes("Voyage"))
    if v.empty:
        return pd.DataFrame(columns=["voyage_id", "voyage", "port", "scheduled_time"])
    day = pd.to_datetime(v["date"], errors="coerce").dt.date
    v = v[(day >= start) & (day <= end)].copy()
    key = store.schema.node("Voyage").key
    v["id"] = node_ids("Voyage", *[pa.array(v[k].astype(str).tolist()) for k in key]).to_pylist()
    when = _col(v, "arr_time").fillna(_col(v, "dep_time")).fillna(v["date"])
    return pd.DataFrame({"voyage_id": v["id"], "voyage": _col(v, "number").fillna(v.get("carrier")),
                         "port": _col(v, "arr_port").fillna(""), "scheduled_time": when.astype(str)})


def _first_source(sources: pd.Series) -> pd.Series:
    return sources.map(lambda s: sorted(s)[0] if s is not None and len(s) else "")


def _api(store: GraphStore, voyages: pd.DataFrame) -> pd.DataFrame:
    e = _frame(store.export_edges("ANNOUNCED"))
    if e.empty:
        return pd.DataFrame(columns=["person_id", "voyage_id", "channel", "record_ref", *IDENTITY])
    e = e[e["dst"].isin(voyages["voyage_id"])]
    out = pd.DataFrame({"person_id": e["src"], "voyage_id": e["dst"], "channel": "API",
                        "record_ref": _first_source(e["sources"])})
    for c in IDENTITY:
        out[c] = _col(e, c)
    return out


def _pnr(store: GraphStore, voyages: pd.DataFrame) -> pd.DataFrame:
    empty = pd.DataFrame(columns=["person_id", "voyage_id", "channel", "record_ref", *IDENTITY])
    trips = _booked_trips(store, voyages)
    if trips.empty:
        return empty
    booked = _frame(store.export_edges("BOOKED"))
    booked = booked[booked["dst"].isin(set(trips["dst"]))]
    trips = booked.merge(trips, on="dst")
    out = pd.DataFrame({"person_id": trips["src"], "voyage_id": trips["voyage_id"], "channel": "PNR",
                        "record_ref": _first_source(trips["sources"])})
    for c in IDENTITY:
        out[c] = _col(trips, c)
    return out


def _booked_trips(store: GraphStore, voyages: pd.DataFrame) -> pd.DataFrame:
    """``dst`` (a booking id), ``voyage_id``: the bookings on the window's voyages that someone booked, in the
    order of the ON edges' numbers. From the edge list (numbers, no properties): most bookings of a large
    store are on other days, and their properties are read only when some are not."""
    ends = store.edge_list(["ON", "BOOKED"], columns=["src", "dst", "src_label", "type", "eid"]).to_pandas()
    numbers = np.array([parse_id(v)[1] for v in voyages["voyage_id"]], dtype=np.int64)
    on = ends[(ends["type"] == "ON") & (ends["src_label"] == "Booking") & ends["dst"].isin(numbers)]
    on = on[on["src"].isin(ends.loc[ends["type"] == "BOOKED", "dst"])].sort_values("eid", kind="stable")
    by_number = dict(zip(numbers.tolist(), voyages["voyage_id"], strict=True))
    return pd.DataFrame({"dst": [format_id("Booking", n) for n in on["src"].tolist()],
                         "voyage_id": [by_number[n] for n in on["dst"].tolist()]})


def announced_travellers(store: GraphStore, start: date, end: date) -> pd.DataFrame:
    """Everyone announced on a voyage dated in ``[start, end]`` (see the module doc), sorted by scheduled
    time, voyage and person so that the same store gives the same table."""
    return announced_and_people(store, start, end)[0]


def announced_and_people(store: GraphStore, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``announced_travellers`` and the Person frame of those travellers (``id`` and the identity columns,
    as ``node_frame`` reads them), which a batch run reuses for the rule features."""
    voyages = window_voyages(store, start, end)
    rows = pd.concat([_api(store, voyages), _pnr(store, voyages)], ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=["id", *IDENTITY])
    rows = rows.sort_values(["person_id", "voyage_id", "channel", "record_ref"], kind="stable")
    rows = rows.drop_duplicates(["person_id", "voyage_id"], keep="first")  # "API" sorts before "PNR"
    rows = rows.merge(voyages, on="voyage_id", how="left")
    people = node_frame(store, "Person", ids=set(rows["person_id"]), columns=IDENTITY)
    known = people.drop_duplicates("id").set_index("id")
    for c in IDENTITY:
        fallback = known[c].reindex(rows["person_id"]).to_numpy() if c in known.columns else None
        rows[c] = rows[c].where(rows[c].notna() & (rows[c] != ""), fallback).fillna("")
    rows = rows.sort_values(["scheduled_time", "voyage", "person_id"], kind="stable").reset_index(drop=True)
    return rows[COLUMNS], people
