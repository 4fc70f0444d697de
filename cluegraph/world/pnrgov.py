"""PNRGOV writer: one push per inbound flight with every booking on it (PNRGOV 11.1 style).

Per booking: SRC, RCI (locator, creation), DAT, ORG (agency IATA number when booked through one), ADD
(address), EBD (bags); per passenger: TIF, FTI (frequent flyer), IFT contacts (CTCM own mobile, CTCT agency,
CTCH hotel, CTCE e-mail), SSR DOCS, TKT, MON, FOP (card type and masked PAN, or cash); itinerary: TVL, RPI,
APD, SSR SEAT, and TRI/TIF/SSD seat details. Names are typed by agents: their own noise draw.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from cluegraph.world import edifact, noise
from cluegraph.world.addresses import address_lines
from cluegraph.world.build import World
from cluegraph.world.config import iso_days
from cluegraph.world.paxlst import locator, stamp

_MON = np.array(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], dtype=object
)


def ddmmmyy(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``12MAR85`` (SSR DOCS dates)."""
    iso = pd.Series(iso_days(days))
    mon = _MON[iso.str.slice(5, 7).astype(int).to_numpy() - 1]
    return (iso.str.slice(8, 10) + pd.Series(mon) + iso.str.slice(2, 4)).to_numpy(dtype=object)


def _ddmmyy_hhmm(day: int, minute: int) -> tuple[str, str]:
    s = stamp(day, minute)
    return s[4:6] + s[2:4] + s[0:2], s[6:10]


def _passenger_table(
    world: World, pax: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    docs, persons = world.docs, world.persons
    d, person = pax["doc"].to_numpy(), pax["person"].to_numpy()
    sur, giv, kind = noise.name_noise(
        rng,
        world.cfg.noise,
        docs["surname"].to_numpy()[d],
        docs["given_names"].to_numpy()[d],
        persons["surname_variant"].to_numpy()[person],
        persons["given_variant"].to_numpy()[person],
    )
    docs_missing = rng.random(len(pax)) < 0.15
    t = pd.DataFrame(
        {
            "surname": sur,
            "given": giv,
            "phone": persons["phone"].to_numpy()[person],
            "email": persons["email"].str.upper().str.replace("@", "//", regex=False).to_numpy()[person],
            "docs": np.where(
                docs_missing,
                "",
                "/"
                + docs["doc_type"].to_numpy()[d]
                + "/"
                + docs["issuer"].to_numpy()[d]
                + "/"
                + docs["number"].to_numpy()[d]
                + "/"
                + docs["nationality"].to_numpy()[d]
                + "/"
                + ddmmmyy(docs["birth_date"].to_numpy()[d])
                + "/"
                + docs["sex"].to_numpy()[d]
                + "/"
                + ddmmmyy(docs["expiry"].to_numpy()[d])
                + "/"
                + docs["surname"].to_numpy()[d]
                + "/"
                + docs["given_names"].to_numpy()[d],
            ),
            "ffn": np.where(person % 3 == 0, pd.Series(person * 7 + 1000000).map("{:09d}".format), ""),
        }
    )
    addr = address_lines(persons["address_id"].to_numpy()[person], persons["nationality"].to_numpy()[person])
    t = pd.concat([t, addr.reset_index(drop=True)], axis=1)
    keys = (
        pax["day"].astype(str)
        + "/"
        + pax["flight"].astype(str)
        + "/"
        + pax["party"].astype(str)
        + "/"
        + pax["person"].astype(str)
    ).to_numpy(dtype=object)
    log = noise.log_rows(
        "pnrgov",
        keys,
        kind,
        "name",
        docs["surname"].to_numpy()[d] + "/" + docs["given_names"].to_numpy()[d],
        sur + "/" + giv,
    )
    return t, log


def write_pnrgov(
    world: World,
    out_dir: Path,
    pax: pd.DataFrame,
    rng: np.random.Generator,
    on_flight: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write one PNRGOV file per inbound flight day; returns (truth rows, noise rows)."""
    folder = out_dir / "advance" / "pnrgov"
    folder.mkdir(parents=True, exist_ok=True)
    table, log = _passenger_table(world, pax, rng)
    # every column holds text; the stubs key records by Hashable and type values as Any
    rows = cast(list[dict[str, str]], table.to_dict("records"))
    flights, parties, ent = world.sched.flights, world.parties, world.ent
    hotels = set(ent.hotels["phone"])
    inst = ent.instruments
    pid = world.persons["person_id"].to_numpy()
    keys = pax["day"].to_numpy() * 1000 + pax["flight"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
    truth: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    days, flight_rows, person_of = pax["day"].to_numpy(), pax["flight"].to_numpy(), pax["person"].to_numpy()
    party_of = pax["party"].to_numpy()
    for g in range(len(bounds) - 1):
        lo, hi = bounds[g], bounds[g + 1]
        day, f = int(days[lo]), int(flight_rows[lo])
        fl = flights.iloc[f]
        syn = edifact.pick_syntax(float(rng.random()))
        sent = int(fl["arr_min"]) - 24 * 60
        name = f"PNRGOV_{fl['in_no']}_{iso_days(np.array([day]))[0].replace('-', '')}.edi"
        segs = [
            syn.segment("UNH", "1", ("PNRGOV", "11", "1", "IA"), f"{fl['in_no']}{day}"),
            syn.segment("MSG", ("", "22")),
            syn.segment("ORG", (fl["carrier"], "HKG")),
        ]
        d1, t1 = _ddmmyy_hhmm(day, int(fl["arr_min"]) - 200)
        d2, t2 = _ddmmyy_hhmm(day, int(fl["arr_min"]))
        segs += [
            syn.segment("TVL", (d1, t1, d2, t2), fl["partner"], "HKG", fl["carrier"], fl["in_no"][2:]),
            syn.segment("EQN", str(len(set(pax["party"].to_numpy()[lo:hi])))),
        ]
        first = len(truth)
        pbounds = (
            np.flatnonzero(
                np.r_[
                    True, pax["party"].to_numpy()[lo + 1 : hi] != pax["party"].to_numpy()[lo : hi - 1], True
                ]
            )
            + lo
        )
        for b in range(len(pbounds) - 1):
            members = list(range(pbounds[b], pbounds[b + 1]))
            party = parties.iloc[int(party_of[members[0]])]
            segs += _booking(syn, world, fl, day, party, [rows[i] for i in members], hotels, inst)
            for k, i in enumerate(members):
                truth.append(
                    {
                        "file": name,
                        "locator": locator(int(party["party"])),
                        "passenger_index": k + 1,
                        "person_id": pid[person_of[i]],
                    }
                )
        segs.append(syn.segment("UNT", str(len(segs) + 1), "1"))
        ref = f"{day % 100000:05d}{f:03d}9{g % 10}"
        text = edifact.envelope(
            syn,
            sender=fl["carrier"],
            recipient="HKGPIU",
            stamp=stamp(day, sent),
            ref=ref,
            msg_type="PNRGOV",
            version=("11", "1"),
            messages=[segs],
            newline=syn.una,
        )
        (folder / name).write_text(text, encoding="utf-8")
        if rng.random() < world.cfg.noise.duplicate_message:
            dup = name.replace(".edi", "_RESEND.edi")
            (folder / dup).write_text(text, encoding="utf-8")
            truth += [{**t, "file": dup} for t in truth[first:]]
            events.append(
                {
                    "source": "pnrgov",
                    "record": dup,
                    "kind": "duplicate_message",
                    "field": "file",
                    "true_value": name,
                    "noisy_value": dup,
                }
            )
        if on_flight is not None:
            on_flight()
    return pd.DataFrame(truth), pd.concat([log, pd.DataFrame(events)], ignore_index=True)


def _booking(
    syn: edifact.Syntax,
    world: World,
    fl: pd.Series,
    day: int,
    party: pd.Series,
    people: list[dict[str, str]],
    hotels: set[str],
    inst: pd.DataFrame,
) -> list[str]:
    carrier, pno = fl["carrier"], int(party["party"])
    cd, ct = _ddmmyy_hhmm(day - 1 - pno % 60, (pno * 37) % 1440)
    segs = [
        syn.segment("SRC"),
        syn.segment("RCI", (carrier, locator(pno), cd, ct)),
        syn.segment("DAT", ("700", cd, ct)),
    ]
    agency = int(party["agency"])
    if agency >= 0:
        segs.append(
            syn.segment(
                "ORG",
                (carrier, "HKG"),
                (cast(str, world.ent.companies.at[agency, "iata"]), "HKG"),  # text; the stubs: any scalar
                "",
                "",
                "T",
                ("HK", "HKD"),
            )
        )
    lead = people[0]
    # the street component carries the flat too: without it every household of a block gave one address
    street = f"{lead['address_line1']} {lead['address_line2']}"
    segs.append(syn.segment("ADD", "", ("702", street, lead["city"], "", "", lead["country"])))
    segs.append(syn.segment("EBD", ("HKD", "0.00"), (str(len(people) + pno % 2), "", "N")))
    payer = int(party["payer"])
    contact = str(party["contact"])
    fare = f"{1500 + (pno * 131) % 6000}.00"
    for k, r in enumerate(people):
        segs.append(syn.segment("TIF", r["surname"], (r["given"], "A", str(k + 1))))
        if r["ffn"]:
            segs.append(syn.segment("FTI", (carrier, r["ffn"])))
        if k == 0:
            kind = "CTCH" if contact in hotels else ("CTCT" if agency >= 0 and contact else "CTCM")
            segs.append(
                syn.segment("IFT", ("4", "28", "", carrier), f"{kind} {(contact or r['phone']).lstrip('+')}")
            )
            segs.append(syn.segment("IFT", ("4", "28", "", carrier), f"CTCE {r['email']}"))
        if r["docs"]:
            segs.append(syn.segment("SSR", ("DOCS", "HK", "", carrier, "", "", "", "", r["docs"])))
        segs.append(syn.segment("TKT", (f"160{(pno * 1009 + k) % 10**10:010d}", "T", "1")))
        segs.append(syn.segment("MON", ("T", fare, "HKD")))
        if payer >= 0:
            card = inst.iloc[payer]
            segs.append(
                syn.segment(
                    "FOP", ("CC", "", fare, card["type"], card["pan"], card["expiry"])
                )
            )
        else:
            segs.append(syn.segment("FOP", ("CA", "", fare)))
    d1, t1 = _ddmmyy_hhmm(day, int(fl["arr_min"]) - 200)
    d2, t2 = _ddmmyy_hhmm(day, int(fl["arr_min"]))
    segs += [
        syn.segment("TVL", (d1, t1, d2, t2), fl["partner"], "HKG", carrier, (fl["in_no"][2:], "Y")),
        syn.segment("RPI", str(len(people)), "HK"),
        syn.segment("APD", "359"),
    ]
    seats = [f"{10 + (pno + k) % 40}{'ABCDEFGHJK'[(pno + k) % 10]}" for k in range(len(people))]
    segs.append(
        syn.segment(
            "SSR",
            ("SEAT", "HK", str(len(people)), carrier, "", "", fl["partner"], "HKG"),
            *[(s, "", str(k + 1)) for k, s in enumerate(seats)],
        )
    )
    for k, s in enumerate(seats):
        segs += [
            syn.segment("TRI", "", (str(k + 1), "", "", str(k + 1))),
            syn.segment("TIF", people[k]["surname"], (people[k]["given"], "A", str(k + 1))),
            syn.segment("SSD", s, "", "", "", "Y"),
        ]
    return segs
