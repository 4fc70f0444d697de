"""Every planted scheme and confounder is present in the output and in truth, in the requested numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cluegraph.world.config import WorldConfig
from cluegraph.world.confounders import confounder_counts
from cluegraph.world.schemes import scheme_counts


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_scheme_counts_and_roles(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    m = _read(out / "truth" / "scheme_members.csv")
    want = scheme_counts(WorldConfig(persons=2000))
    got = m.groupby("scheme_type")["scheme_id"].nunique().to_dict()
    assert got == want
    roles = set(zip(m["scheme_type"], m["role"], strict=True))
    for pair in [
        ("RING", "ORGANISER"),
        ("RING", "RECRUITER"),
        ("RING", "COURIER"),
        ("DOC_FRAUD", "IMPOSTOR"),
        ("DOC_FRAUD", "VICTIM"),
        ("DOC_FRAUD", "FORGED_DOCUMENT"),
        ("FACILITATOR", "FACILITATOR"),
        ("FACILITATOR", "FACILITATED"),
        ("WATCHLISTED", "LISTED_PERSON"),
        ("OVERSTAY", "OVERSTAYER"),
    ]:
        assert pair in roles
    schemes = json.loads((out / "truth" / "schemes.json").read_text())
    assert {s["scheme_id"] for s in schemes} == set(m["scheme_id"])


def test_ring_links_visible_in_bookings(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    ring = next(s for s in json.loads((out / "truth" / "schemes.json").read_text()) if s["scheme_type"] == "RING")
    phones = _read(out / "associated" / "phones.csv")
    assert (phones["phone"] == ring["phone"]).sum() >= 2
    parties = _read(out / "truth" / "parties.csv")
    trips = parties[parties["kind"] == "RING"]
    assert len(trips) >= 5 and (trips["contact"] == ring["phone"]).all()
    cases = _read(out / "associated" / "cases.csv")
    assert ring["prior_case"] in set(cases["case_id"])


def test_document_fraud_in_crossings(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    fraud = next(s for s in json.loads((out / "truth" / "schemes.json").read_text()) if s["scheme_type"] == "DOC_FRAUD")
    docs = _read(out / "truth" / "documents.csv")
    shared = docs[
        (docs["doc_number"] == fraud["shared_doc_number"]) & (docs["doc_issuer"] == fraud["shared_doc_issuer"])
    ]
    assert shared["person_id"].nunique() == 2
    broken = docs[docs["doc_id"] == fraud["broken_doc_id"]].iloc[0]
    assert broken["mrz_valid"] == "False"


def test_facilitator_pays_many(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    fac = next(s for s in json.loads((out / "truth" / "schemes.json").read_text()) if s["scheme_type"] == "FACILITATOR")
    parties = _read(out / "truth" / "parties.csv")
    paid = parties[parties["payer"] == str(fac["payment_instrument"])]
    assert len(paid) >= 20


def test_watchlist_overstay_new_intel(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    truth = _read(out / "truth" / "associated_rows.csv")
    wl = _read(out / "associated" / "watchlist.csv")
    listed = truth[(truth["file"] == "watchlist.csv") & (truth["person_id"] != "")]
    assert len(listed) == scheme_counts(WorldConfig(persons=2000))["WATCHLISTED"]
    persons = _read(out / "truth" / "persons.csv").set_index("person_id")
    for _, row in listed.iterrows():
        entry = wl.iloc[int(row["row"]) - 1]
        p = persons.loc[row["person_id"]]
        differs = (entry["surname"], entry["given_names"], entry["birth_date"]) != (
            p["surname"],
            p["given_names"],
            p["birth_date"],
        )
        assert differs  # listed under a variant, never exactly as the document prints it
    m = _read(out / "truth" / "scheme_members.csv")
    tx = _read(out / "truth" / "crossings.csv").merge(_read(out / "crossings.csv")[["crossing_id", "direction"]])
    over = set(m.loc[m["scheme_type"] == "OVERSTAY", "person_id"])
    ov = tx[tx["person_id"].isin(over) & (tx["party_kind"] == "OVERSTAY")]
    assert len(ov) and (ov["direction"] == "IN").all()
    cases = _read(out / "associated" / "cases.csv")
    intel = cases[cases["opened"] == "2026-02-28"]
    assert len(intel) >= 1 and (intel["status"] == "OPEN").all()
    subjects = set(m.loc[m["scheme_type"] == "NEW_INTEL", "person_id"])
    assert subjects <= set(tx["person_id"])  # they crossed before the case was opened


def test_confounders_present(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    c = _read(out / "truth" / "confounders.csv")
    types = c.groupby("type")["confounder_id"].nunique().to_dict()
    want = confounder_counts(WorldConfig(persons=2000))
    assert types["TOUR_GROUP"] == want["TOUR_GROUP"]
    assert types["CORPORATE_CARD"] == want["CORPORATE"]
    for t in ("FAMILY", "COMMUTER", "TRADER", "HOTEL_PHONE", "AGENCY_PHONE"):
        assert types.get(t, 0) >= 1, t
    tx = _read(out / "truth" / "crossings.csv")
    commuter = c.loc[c["type"] == "COMMUTER", "person_id"].iloc[0]
    assert (tx["person_id"] == commuter).sum() > 100  # crosses most days
    assert len(_read(out / "crossings.csv")) == len(tx)
    phones = _read(out / "associated" / "phones.csv")
    guests = phones[phones["source"] == "HOTEL_GUEST_REGISTER"]["phone"].value_counts()
    assert guests.iloc[0] >= 20  # one hotel phone shared by many unrelated guests


def test_upcoming_risky_travellers(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    up = _read(out / "truth" / "upcoming.csv")
    risky = up[up["risky"] == "True"]
    assert len(risky) >= 3 and (risky["reasons"] != "").all()
    assert (up["arrival_date"] >= "2026-03-01").all() and (up["arrival_date"] < "2026-03-08").all()
    manifest = _read(out / "truth" / "api_manifest.csv")
    assert set(risky["person_id"]) <= set(manifest["person_id"])  # announced by API/PNR in advance


def _booked_on_record(out: Path, party_kind: str) -> pd.DataFrame:
    """The scheme trips (``party_kind``) whose passenger is on a PNR booking of that arrival day: columns
    ``scheme`` (number k of ``<TYPE>-<k+1>``), ``person_id``, ``payer``, ``contact``."""
    parties = _read(out / "truth" / "parties.csv")
    trips = _read(out / "truth" / "party_members.csv").merge(parties[parties["kind"] == party_kind], on="party")
    pnr = _read(out / "truth" / "pnr_passengers.csv")
    on_pnr = set(zip(pnr["person_id"], pnr["file"].str.extract(r"_(\d{8})", expand=False), strict=True))
    dates = trips["in_date"].str.replace("-", "", regex=False)
    seen = [(p, d) in on_pnr for p, d in zip(trips["person_id"], dates, strict=True)]
    return trips[seen].assign(scheme=trips["scheme"].astype(int))


def _members(out: Path, scheme_id: str, roles: tuple[str, ...]) -> set[str]:
    m = _read(out / "truth" / "scheme_members.csv")
    return set(m.loc[(m["scheme_id"] == scheme_id) & m["role"].isin(roles), "person_id"])


def _schemes(out: Path, scheme_type: str) -> list[dict[str, object]]:
    return [s for s in json.loads((out / "truth" / "schemes.json").read_text()) if s["scheme_type"] == scheme_type]


def test_every_facilitated_traveller_is_on_a_booking_paid_by_the_facilitator(small_world: tuple[Path, float]) -> None:
    # the card and phone of a facilitator are on record only on the bookings (PNR FOP and CTCM), which exist
    # for the advance window only: a paid trip outside it would name a member no record links
    out, _ = small_world
    booked = _booked_on_record(out, "FACILITATED")
    for s in _schemes(out, "FACILITATOR"):
        k = int(str(s["scheme_id"]).split("-")[1]) - 1
        mine = booked[(booked["scheme"] == k) & (booked["payer"] == str(s["payment_instrument"]))]
        assert (mine["contact"] == s["phone"]).all()
        assert set(mine["person_id"]) == _members(out, str(s["scheme_id"]), ("FACILITATED",))


def test_every_ring_traveller_is_on_a_ring_booking(small_world: tuple[Path, float]) -> None:
    # both recruiters and every courier travel on at least one booking with the ring's card, burner phone
    # and agency inside the advance window (the second recruiter used to have no record at all)
    out, _ = small_world
    booked = _booked_on_record(out, "RING")
    for s in _schemes(out, "RING"):
        k = int(str(s["scheme_id"]).split("-")[1]) - 1
        mine = booked[(booked["scheme"] == k) & (booked["payer"] == str(s["payment_instrument"]))]
        assert (mine["contact"] == s["phone"]).all()
        assert set(mine["person_id"]) == _members(out, str(s["scheme_id"]), ("RECRUITER", "COURIER"))


def test_victim_and_impostor_both_cross_on_the_shared_passport(small_world: tuple[Path, float]) -> None:
    out, _ = small_world
    docs = _read(out / "truth" / "documents.csv")
    x = _read(out / "truth" / "crossings.csv").merge(docs[["doc_id", "doc_issuer", "doc_number"]], on="doc_id")
    for s in _schemes(out, "DOC_FRAUD"):
        shown = x[(x["doc_issuer"] == s["shared_doc_issuer"]) & (x["doc_number"] == s["shared_doc_number"])]
        assert set(shown["person_id"]) == _members(out, str(s["scheme_id"]), ("VICTIM", "IMPOSTOR"))


def test_every_phone_is_a_number_that_can_exist(small_world: tuple[Path, float]) -> None:
    # a reader refuses a number no country has (``+1`` and eight digits): people's and planted phones would be
    # lost, and a facilitator's phone on its bookings with them
    import phonenumbers

    out, _ = small_world
    phones = set(_read(out / "truth" / "persons.csv")["phone"]) | set(_read(out / "associated" / "phones.csv")["phone"])
    phones |= {str(s["phone"]) for s in json.loads((out / "truth" / "schemes.json").read_text()) if s.get("phone")}
    possible = phonenumbers.ValidationResult.IS_POSSIBLE
    bad = [p for p in phones if phonenumbers.is_possible_number_with_reason(phonenumbers.parse(p, None)) != possible]
    assert not bad, bad[:5]
