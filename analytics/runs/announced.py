"""Who is announced for a travel window: every traveller of an API manifest (``ANNOUNCED``) or a PNR booking
(``BOOKED`` -> Booking -> ``ON``) on a voyage whose date falls in the window, with the identity and document
as the advance record presented them (the ANNOUNCED or BOOKED edge's own properties, else the resolved
person's). One row per person and voyage; API wins over PNR when both announce the same trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import pyarrow as pa

from graph.ids import node_ids
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
    on = _frame(store.export_edges("ON"))
    booked = _frame(store.export_edges("BOOKED"))
    if on.empty or booked.empty:
        return pd.DataFrame(columns=["person_id", "voyage_id", "channel", "record_ref", *IDENTITY])
    on = on[on["src"].str.startswith("Booking:") & on["dst"].isin(voyages["voyage_id"])]
    trips = booked.merge(on[["src", "dst"]].rename(columns={"src": "dst", "dst": "voyage_id"}), on="dst")
    out = pd.DataFrame({"person_id": trips["src"], "voyage_id": trips["voyage_id"], "channel": "PNR",
                        "record_ref": _first_source(trips["sources"])})
    for c in IDENTITY:
        out[c] = _col(trips, c)
    return out


def announced_travellers(store: GraphStore, start: date, end: date) -> pd.DataFrame:
    """Everyone announced on a voyage dated in ``[start, end]`` (see the module doc), sorted by scheduled
    time, voyage and person so that the same store gives the same table."""
    voyages = window_voyages(store, start, end)
    rows = pd.concat([_api(store, voyages), _pnr(store, voyages)], ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = rows.sort_values(["person_id", "voyage_id", "channel", "record_ref"], kind="stable")
    rows = rows.drop_duplicates(["person_id", "voyage_id"], keep="first")  # "API" sorts before "PNR"
    rows = rows.merge(voyages, on="voyage_id", how="left")
    people = {n.id: n.props for n in store.subgraph(sorted(set(rows["person_id"]))).nodes}
    for c in IDENTITY:
        fallback = rows["person_id"].map(lambda p, c=c: people.get(p, {}).get(c))
        rows[c] = rows[c].where(rows[c].notna() & (rows[c] != ""), fallback).fillna("")
    rows = rows.sort_values(["scheduled_time", "voyage", "person_id"], kind="stable").reset_index(drop=True)
    return rows[COLUMNS]
