"""PAXLST writer: one passenger list and one crew list per inbound flight, as an airline's DCS sends them.

Variety a real feed has: UNA present, absent or with other separators; release characters (O?'BRIEN);
progressive flights with a stop (two TDT groups); lists split into parts (UNH ``01:C`` ... ``03:F``, CNT
with the total); retransmitted duplicates; lists sent after the flight landed (late).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from cluegraph.world import edifact
from cluegraph.world.advance import crew_for
from cluegraph.world.build import World
from cluegraph.world.config import day_number, iso_days
from cluegraph.world.documents import yymmdd

EPOCH = datetime(1970, 1, 1)


def stamp(day: int, minute: int) -> str:
    """``YYMMDDHHMM`` of a day number and minute of day."""
    return (EPOCH + timedelta(days=int(day), minutes=int(minute))).strftime("%y%m%d%H%M")


def locator(party: int) -> str:
    """Six-character booking reference of a party (base 36, scrambled)."""
    v = (party * 2654435761 + 12345) % 36**6
    digits = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = ""
    for _ in range(6):
        v, r = divmod(v, 34)
        out += digits[r]
    return out


def _leg_segments(syn: edifact.Syntax, flight: pd.Series, day: int) -> list[str]:
    arr = int(flight["arr_min"])
    dep = arr - 180 - 40 * (int(flight["route"]) % 6)
    no, carrier = flight["in_no"], flight["carrier"]
    if not flight["via"]:
        return [
            syn.segment("TDT", "20", no, "", "", carrier),
            syn.segment("LOC", "125", flight["partner"]),
            syn.segment("DTM", ("189", stamp(day, dep), "201")),
            syn.segment("LOC", "87", "HKG"),
            syn.segment("DTM", ("232", stamp(day, arr), "201")),
        ]
    mid = arr - 170  # departure from the stop; landed there an hour before
    return [
        syn.segment("TDT", "20", no, "", "", carrier),
        syn.segment("LOC", "92", flight["partner"]),
        syn.segment("DTM", ("189", stamp(day, mid - 60 - 330), "201")),
        syn.segment("LOC", "92", flight["via"]),
        syn.segment("DTM", ("232", stamp(day, mid - 60), "201")),
        syn.segment("TDT", "20", no, "", "", carrier),
        syn.segment("LOC", "125", flight["via"]),
        syn.segment("DTM", ("189", stamp(day, mid), "201")),
        syn.segment("LOC", "87", "HKG"),
        syn.segment("DTM", ("232", stamp(day, arr), "201")),
    ]


def _person_segments(syn: edifact.Syntax, r: dict[str, str], crew: bool) -> list[str]:
    given = r["given_names"].split(" ", 1)
    segs = [syn.segment("NAD", "FM" if crew else "FL", "", "", (r["surname"], *given))]
    if r["missing"] != "sex":
        segs.append(syn.segment("ATT", "2", "", r["sex"]))
    if r["missing"] != "birth_date":
        segs.append(syn.segment("DTM", ("329", r["dob"])))
    segs += [syn.segment("LOC", "178", r["embark"]), syn.segment("LOC", "179", "HKG")]
    if r["missing"] != "nationality":
        segs.append(syn.segment("NAT", "2", r["nationality"]))
    if not crew:
        segs += [syn.segment("RFF", ("AVF", r["locator"])), syn.segment("RFF", ("SEA", r["seat"]))]
    segs.append(syn.segment("DOC", (r["doc_type"], "110", "111"), r["doc_number"]))
    if r["missing"] != "doc_expiry":
        segs.append(syn.segment("DTM", ("36", r["expiry"])))
    segs.append(syn.segment("LOC", "91", r["issuer"]))
    return segs


def rows_for(world: World, pax: pd.DataFrame, flights: pd.DataFrame) -> list[dict[str, str]]:
    """Passenger dicts with every value a segment needs (vectorised, then one list)."""
    docs = world.docs
    d = pax["doc"].to_numpy()
    via = flights["via"].to_numpy()[pax["flight"].to_numpy()]
    partner = flights["partner"].to_numpy()[pax["flight"].to_numpy()]
    embark = np.where((via != "") & (pax["party"].to_numpy() % 2 == 1), via, partner)
    seat = pd.Series(pax["person"].to_numpy() % 50 + 1).astype(str) + pd.Series(
        np.array(list("ABCDEFGHJK"))[pax["party"].to_numpy() % 10]
    )
    frame = pd.DataFrame(
        {
            "surname": pax["surname"].to_numpy(),
            "given_names": pax["given_names"].to_numpy(),
            "sex": docs["sex"].to_numpy()[d],
            "dob": yymmdd(docs["birth_date"].to_numpy()[d]),
            "nationality": docs["nationality"].to_numpy()[d],
            "doc_type": docs["doc_type"].to_numpy()[d],
            "doc_number": docs["number"].to_numpy()[d],
            "expiry": yymmdd(docs["expiry"].to_numpy()[d]),
            "issuer": docs["issuer"].to_numpy()[d],
            "embark": embark,
            "missing": pax["missing"].to_numpy(),
            "locator": [locator(int(p)) for p in pax["party"].to_numpy()],
            "seat": seat.to_numpy(),
        }
    )
    # every column holds text; the stubs key records by Hashable and type values as Any
    return cast(list[dict[str, str]], frame.to_dict("records"))


def write_paxlst(
    world: World,
    out_dir: Path,
    pax: pd.DataFrame,
    rng: np.random.Generator,
    on_flight: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write all PAXLST files; returns (truth rows, message-level noise rows)."""
    folder = out_dir / "advance" / "paxlst"
    folder.mkdir(parents=True, exist_ok=True)
    flights = world.sched.flights
    rows = rows_for(world, pax, flights)
    pid = world.persons["person_id"].to_numpy()
    keys = pax["day"].to_numpy() * 1000 + pax["flight"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
    truth: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    today = day_number(world.cfg.today)
    crew_cache = _crew_rows(world)
    crew_pool = np.flatnonzero(world.persons["kind"].to_numpy() == "CREW")
    carriers = sorted(set(flights["carrier"]))
    days, flight_rows, person_of = pax["day"].to_numpy(), pax["flight"].to_numpy(), pax["person"].to_numpy()
    for g in range(len(bounds) - 1):
        lo, hi = bounds[g], bounds[g + 1]
        day, f = int(days[lo]), int(flight_rows[lo])
        flight = flights.iloc[f]
        u = rng.random(6)
        syn = edifact.pick_syntax(float(u[0]))
        arr = int(flight["arr_min"])
        late = day < today and u[1] < world.cfg.noise.late_advance
        sent = arr + 30 + int(u[2] * 2880) if late else arr - 90
        idx = list(range(lo, hi))
        n_parts = 1 if len(idx) < 2 or u[3] > 0.15 else min(len(idx), 2 + int(u[4] * 2))
        parts = [idx[k::n_parts] for k in range(n_parts)]
        crew_people = crew_for(crew_pool, carriers, flight["carrier"], day, 2 + int(u[5] * 3))
        jobs: list[tuple[str, list[dict[str, str]], list[str], bool, int]] = []
        for k, part in enumerate(parts):
            tag = "PAX" if n_parts == 1 else f"PAX_P{k + 1}OF{n_parts}"
            jobs.append((tag, [rows[i] for i in part], [pid[person_of[i]] for i in part], False, k))
        crew_rows = [{**crew_cache[p], "embark": flight["partner"]} for p in crew_people]
        jobs.append(("CREW", crew_rows, [pid[p] for p in crew_people], True, 0))
        for tag, prow, people, crew, k in jobs:
            name = f"PAXLST_{flight['in_no']}_{iso_days(np.array([day]))[0].replace('-', '')}_{tag}.edi"
            unh_part = "" if n_parts == 1 or crew else f"{k + 1:02d}:{'F' if k == n_parts - 1 else 'C'}"
            total = len(crew_rows) if crew else hi - lo
            text = _message(
                syn, flight, day, sent, prow, crew, unh_part, total, ref=f"{day % 100000:05d}{f:03d}{k}"
            )
            (folder / name).write_text(text, encoding="ascii", errors="replace")
            for i, person in enumerate(people):
                truth.append(
                    {
                        "file": name,
                        "message": "1",
                        "passenger_index": i + 1,
                        "person_id": person,
                        "role": "CREW" if crew else "PAX",
                        "duplicate_of": "",
                    }
                )
            if late:
                events.append(
                    {
                        "source": "paxlst",
                        "record": name,
                        "kind": "late_advance",
                        "field": "file",
                        "true_value": stamp(day, arr - 90),
                        "noisy_value": stamp(day, sent),
                    }
                )
            if rng.random() < world.cfg.noise.duplicate_message:
                dup = name.replace(".edi", "_RESEND.edi")
                (folder / dup).write_text(text, encoding="ascii", errors="replace")
                truth += (
                    [{**t, "file": dup, "duplicate_of": name} for t in truth[-len(people) :]]
                    if people
                    else []
                )
                events.append(
                    {
                        "source": "paxlst",
                        "record": dup,
                        "kind": "duplicate_message",
                        "field": "file",
                        "true_value": name,
                        "noisy_value": dup,
                    }
                )
        if on_flight is not None:
            on_flight()
    return pd.DataFrame(truth), pd.DataFrame(events)


def _crew_rows(world: World) -> dict[int, dict[str, str]]:
    docs = world.docs
    crew = np.flatnonzero(world.persons["kind"].to_numpy() == "CREW")
    crew_docs = docs[(docs["role"] == "CURRENT") & docs["person"].isin(crew)]
    out = {}
    for _, d in crew_docs.iterrows():
        out[int(d["person"])] = {
            "surname": d["surname"],
            "given_names": d["given_names"],
            "sex": d["sex"],
            "dob": yymmdd(np.array([d["birth_date"]]))[0],
            "nationality": d["nationality"],
            "doc_type": "P",
            "doc_number": d["number"],
            "expiry": yymmdd(np.array([d["expiry"]]))[0],
            "issuer": d["issuer"],
            "embark": "",
            "missing": "",
            "locator": "",
            "seat": "",
        }
    return out


def _message(
    syn: edifact.Syntax,
    flight: pd.Series,
    day: int,
    sent: int,
    rows: list[dict[str, str]],
    crew: bool,
    part: str,
    total: int,
    ref: str,
) -> str:
    s = stamp(day, sent)
    carrier = flight["carrier"]
    head = [
        syn.segment(
            "UNH",
            "1",
            ("PAXLST", "D", "05B", "UN", "IATA"),
            f"{flight['in_no']}/{s[:6]}/{stamp(day, int(flight['arr_min']))[6:]}",
            tuple(part.split(":")) if part else "",
        ),
        syn.segment("BGM", "250" if crew else "745"),
        syn.segment("NAD", "MS", "", "", f"{carrier} OPERATIONS CONTROL"),
        syn.segment("COM", ("852 2747 0000", "TE")),
    ]
    body = _leg_segments(syn, flight, day)
    for r in rows:
        body += _person_segments(syn, r, crew)
    body.append(syn.segment("CNT", ("41" if crew else "42", str(total))))
    msg = head + body
    msg.append(syn.segment("UNT", str(len(msg) + 1), "1"))
    return edifact.envelope(
        syn,
        sender=carrier,
        recipient="HKGAPI",
        stamp=s,
        ref=f"{ref}{s[-4:]}",
        msg_type="PAXLST",
        version=("D", "05B"),
        messages=[msg],
        newline=syn.una,
    )
