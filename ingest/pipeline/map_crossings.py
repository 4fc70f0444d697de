"""Crossings records -> Crossing, Document, Port, Voyage nodes; USED, AT, ON edges; MADE and HOLDS from the
person (after resolution); one person-bearing record per crossing.

All whole-column operations: a national export is millions of rows. A crossing by air or sea is ON the
voyage of its conveyance that day (flight designator or vessel, local date of the crossing); a land
crossing (on foot, by bus or car) has no voyage.

>>> import pandas as pd
>>> rec = pd.DataFrame({"line": [2], "crossing_id": ["X1"], "crossing_time": ["2024-01-02T08:00:00+08:00"],
...     "crossing_time_utc": pd.to_datetime(["2024-01-02T00:00:00Z"]), "port": ["HKG"], "direction": ["IN"],
...     "mode": ["AIR"], "conveyance": ["CX103"], "surname_norm": ["LIU"], "given_names_norm": ["FANG"],
...     "sex": ["M"], "birth_date": ["1975-09-00"], "nationality": ["CHN"], "doc_type": ["P"],
...     "doc_number": ["E1"], "doc_issuer": ["CHN"], "doc_expiry": ["2030-01-01"], "outcome": ["CLEARED"]})
>>> b = GraphBatch(); map_crossings(rec, "crossings.csv", b)
>>> sorted(b.nodes), sorted(b.edges), sorted(b.person_edges), b.records[0]["record_ref"].tolist()
(['Crossing', 'Document', 'Port', 'Voyage'], ['AT', 'ON', 'USED'], ['HOLDS', 'MADE'], ['crossings.csv:2'])
"""

from __future__ import annotations

import pandas as pd

from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.keys import flight_numbers, ids, refs, text, utc

CROSSING_PROPS = ["crossing_time", "port", "direction", "mode", "conveyance", "outcome", "outcome_reason",
                  "source", "findings", "mrz_checks_ok"]


def _col(rec: pd.DataFrame, name: str) -> pd.Series:
    return text(rec[name]) if name in rec else pd.Series(None, index=rec.index, dtype=object)


def voyages(rec: pd.DataFrame) -> pd.DataFrame:
    """Voyage keys of air and sea crossings: ``carrier``, ``number``, ``date`` (missing for land)."""
    mode = _col(rec, "mode")
    number = flight_numbers(_col(rec, "conveyance"))
    air = mode.eq("AIR") & number.str.fullmatch(r"[A-Z0-9]{2}\d{1,4}[A-Z]?").fillna(False).astype(bool)
    sea = mode.eq("SEA") & number.notna()
    carrier = number.str[:2].where(air, number.where(sea))
    date = _col(rec, "crossing_time").str[:10]
    keep = air | sea
    return pd.DataFrame({"carrier": carrier.where(keep), "number": number.where(keep), "date": date.where(keep)})


def map_crossings(rec: pd.DataFrame, name: str, batch: GraphBatch) -> None:
    """Add the nodes, edges and person records of validated crossings (``read_crossings(...).records``)."""
    if rec.empty:
        return
    ref, t = refs(name, rec["line"]), utc(rec["crossing_time_utc"])
    base = {"t": t, "ref": ref}
    crossing = ids("Crossing", rec["crossing_id"])
    doc = ids("Document", rec["doc_issuer"], rec["doc_number"])
    port = ids("Port", rec["port"])
    voy = voyages(rec)
    voyage = ids("Voyage", voy["carrier"], voy["number"], voy["date"])
    props = {c: (rec[c] if c == "mrz_checks_ok" else _col(rec, c)) for c in CROSSING_PROPS if c in rec}
    batch.node("Crossing", pd.DataFrame({"crossing_id": text(rec["crossing_id"]), **props, **base}))
    batch.node("Document", pd.DataFrame({"issuer": text(rec["doc_issuer"]), "number": text(rec["doc_number"]),
                                         "type": _col(rec, "doc_type"), "expiry": _col(rec, "doc_expiry"),
                                         **base}))
    batch.node("Port", pd.DataFrame({"code": text(rec["port"]), "mode": _col(rec, "mode"), **base}))
    batch.node("Voyage", pd.DataFrame({**voy, "mode": _col(rec, "mode"), **base}))
    batch.edge("USED", pd.DataFrame({"src": crossing, "dst": doc, **base}))
    batch.edge("AT", pd.DataFrame({"src": crossing, "dst": port, **base}))
    batch.edge("ON", pd.DataFrame({"src": crossing, "dst": voyage, **base}))
    batch.person_edge("MADE", pd.DataFrame({"record_ref": ref, "dst": crossing, **base}))
    batch.person_edge("HOLDS", pd.DataFrame({"record_ref": ref, "dst": doc, **base}))
    batch.record(pd.DataFrame({
        "record_ref": ref, "surname": _col(rec, "surname_norm"), "given_names": _col(rec, "given_names_norm"),
        "native_name": _col(rec, "native_name"), "sex": _col(rec, "sex"), "birth_date": _col(rec, "birth_date"),
        "nationality": _col(rec, "nationality"), "doc_type": _col(rec, "doc_type"),
        "doc_issuer": _col(rec, "doc_issuer"), "doc_number": _col(rec, "doc_number"),
        "seen": t.dt.strftime("%Y-%m-%dT%H:%M:%S"), "kind": "crossing", "voyage": voyage, "booking": None,
        "seat": None}))
