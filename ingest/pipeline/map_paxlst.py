"""PAXLST travellers -> Voyage, Port, Document nodes; ANNOUNCED (role PASSENGER or CREW, with the document
presented, seat and ports) and HOLDS from the person; one person-bearing record per traveller.

A traveller announced again by a retransmitted list (same segments, same flight and time) is counted as a
duplicate and not loaded twice. A traveller flies every leg of a progressive flight between their own
embarkation and debarkation ports: one ANNOUNCED edge per leg.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.keys import edi_refs, flight_numbers, ids, seen, text, utc
from ingest.pipeline.people import normalise_people

#: Where a problem found while mapping goes: (file name, message index, segment number, field, value, rule,
#: detail).
Problem = Callable[[str, int | None, int | None, str, str, str, str], None]


def report_problems(problems: list[tuple[int, str, str, str]], names: pd.Series, records: pd.DataFrame,
                    problem: Problem) -> None:
    """Each value ``normalise_people`` could not read, as a problem at its file (``names``, by row), message
    and segment (``records``' ``message_index`` and ``segment_number``)."""
    if not problems:
        return
    files, msgs, segs = names.tolist(), records["message_index"].tolist(), records["segment_number"].tolist()
    for pos, fld, value, err in problems:
        problem(files[pos], msgs[pos], segs[pos], fld, value, "normalise-" + fld, err)


_LEG_KEYS = ("carrier", "flight", "dep_port", "dep_time", "arr_port", "arr_time")


def _legs(trav: pd.DataFrame) -> pd.DataFrame:
    """One row per traveller and leg: ``pos`` (the traveller's row), carrier, flight, ports, times."""
    flat = [(pos, leg) for pos, legs in enumerate(trav["legs"].tolist())
            for leg in (legs if isinstance(legs, list) and legs else ({},))]
    legs = pd.DataFrame({"pos": [pos for pos, _ in flat], **{k: [leg.get(k) for _, leg in flat] for k in _LEG_KEYS}},
                        columns=["pos", *_LEG_KEYS])
    flight = flight_numbers(legs["flight"])
    carrier = text(legs["carrier"]).fillna(flight.str[:2])
    when = text(legs["arr_time"]).fillna(text(legs["dep_time"]))
    legs["voyage"] = ids("Voyage", carrier, flight, when.str[:10])
    legs["carrier"], legs["number"], legs["date"] = carrier, flight, when.str[:10]
    for k in ("dep_port", "dep_time", "arr_port", "arr_time"):  # as text once, for every use below
        legs[k] = text(legs[k])
    legs["when"] = when
    return legs


class _Text:
    """The travellers' columns as text (``keys.text``), each made once however often it is used."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.done: dict[str, pd.Series] = {}

    def __getitem__(self, name: str) -> pd.Series:
        got = self.done.get(name)
        if got is None:
            got = self.done[name] = text(self.frame[name])
        return got


def duplicates(trav: pd.DataFrame) -> pd.Series:
    """Travellers already announced earlier in this run (same content, flight and departure)."""
    key = trav[["content_hash", "flight", "dep_time", "list_type"]].astype(str).agg("|".join, axis=1)
    return key.duplicated()


def map_paxlst(trav: pd.DataFrame, names: pd.Series, batch: GraphBatch, problem: Problem) -> None:
    """Add the nodes, edges and person records of PAXLST travellers (``names``: their files as named in
    record references)."""
    if trav.empty:
        return
    trav = trav.reset_index(drop=True)
    names = names.reset_index(drop=True)
    ref = edi_refs(names, trav["message_index"], trav["segment_number"])
    people, problems = normalise_people(trav)
    report_problems(problems, names, trav, problem)
    legs = _legs(trav)
    col = _Text(trav)
    t_leg = utc(legs["when"])
    leg_ref = ref.iloc[legs["pos"]].reset_index(drop=True)
    base_leg = {"t": t_leg, "ref": leg_ref}
    batch.node("Voyage", pd.DataFrame({"carrier": legs["carrier"], "number": legs["number"], "date": legs["date"],
                                       "mode": "AIR", "dep_port": legs["dep_port"], "arr_port": legs["arr_port"],
                                       "dep_time": legs["dep_time"], "arr_time": legs["arr_time"], **base_leg}))
    for end in ("dep_port", "arr_port"):
        batch.node("Port", pd.DataFrame({"code": legs[end].str.upper(), "mode": "AIR", **base_leg}))
    role = col["traveller_type"].str.upper().fillna("PASSENGER")
    t = utc(col["arr_time"].fillna(col["dep_time"]))
    doc = ids("Document", people["doc_issuer"], people["doc_number"])
    pick = legs["pos"].to_numpy()
    batch.person_edge("ANNOUNCED", pd.DataFrame({
        "record_ref": leg_ref, "dst": legs["voyage"], "role": role.iloc[pick].to_numpy(),
        "doc_issuer": people["doc_issuer"].iloc[pick].to_numpy(),
        "doc_number": people["doc_number"].iloc[pick].to_numpy(),
        "seat": col["seat"].iloc[pick].to_numpy(),
        "embark_port": col["embark_port"].iloc[pick].to_numpy(),
        "debark_port": col["debark_port"].iloc[pick].to_numpy(),
        "reservation_ref": col["reservation_ref"].iloc[pick].to_numpy(), **base_leg}))
    base = {"t": t, "ref": ref}
    batch.node("Document", pd.DataFrame({"issuer": people["doc_issuer"], "number": people["doc_number"],
                                         "type": people["doc_type"], "expiry": col["doc_expiry"], **base}))
    batch.person_edge("HOLDS", pd.DataFrame({"record_ref": ref, "dst": doc, **base}))
    first_voyage = legs.drop_duplicates("pos").set_index("pos")["voyage"].reindex(range(len(trav)))
    locator = col["reservation_ref"]
    carrier = col["carrier"]
    batch.record(pd.DataFrame({
        "record_ref": ref, **{c: people[c] for c in ("surname", "given_names", "sex", "birth_date", "nationality",
                                                      "doc_type", "doc_issuer", "doc_number")},
        "native_name": None, "seen": seen(t), "kind": "api",
        "voyage": first_voyage.to_numpy(), "booking": (carrier + ":" + locator).where(locator.notna()),
        "seat": col["seat"].str.upper()}))
