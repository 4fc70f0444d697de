"""A small synthetic border graph with a planted scheme, for the packet tests (all invented).

A ring of three travellers and their organiser share a phone and a payment card, book together, and the
organiser is a case subject with a watchlist hit; an unrelated traveller stands beside them. Scores and
reasons sit on the people as analytics would write them. One organisation's name starts like a
spreadsheet formula, to pin the CSV guard.
"""

from __future__ import annotations

import pandas as pd

from graph.ids import node_id
from graph.store import GraphStore

KEYS = ["P-ORG", "P-M1", "P-M2", "P-M3", "P-OUT"]
ORG, M1, M2, M3, OUT = (node_id("Person", k) for k in KEYS)
RING = [ORG, M1, M2, M3]
PHONE = node_id("Phone", "+442071838750")
CARD = node_id("PaymentInstrument", "tok_9931")
BOOKING = node_id("Booking", "QQ", "ZX9K2L", "2024-03-02")
CASE = node_id("Case", "C-90")
ENTRY = node_id("WatchlistEntry", "INTERPOL-SIM", "W-7")
ADDRESS = node_id("Address", "12 HARBOUR RD|PORTSMOUTH|GBR")
COMPANY = node_id("Organization", "ORG-44")
DOC_NUMBERS = ["K81234567", "K81234568", "K81234569", "K81234570", "M55500011"]
BIRTH_DATES = ["1971-04-09", "1990-11-23", "1988-02-14", "1993-07-30", "1965-12-01"]
DOCS = [node_id("Document", "GBR", n) for n in DOC_NUMBERS]
REASONS = {
    "P-ORG": ["organiser in case C-90 (severity 5)", "watchlist hit on INTERPOL-SIM entry W-7, score 0.97"],
    "P-M1": ["shares phone +442071838750 with the organiser of case C-90", "paid booking ZX9K2L with card tok_9931"],
    "P-M2": ["travelled 3 times with a ring member", "shares phone +442071838750 with the organiser of case C-90"],
    "P-M3": ["shares phone +442071838750 with the organiser of case C-90"],
}
SCORES = {"P-ORG": 0.98, "P-M1": 0.81, "P-M2": 0.74, "P-M3": 0.52, "P-OUT": 0.03}
ALL = [*RING, OUT, PHONE, CARD, BOOKING, CASE, ENTRY, ADDRESS, COMPANY, *DOCS]


def _persons() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_key": KEYS,
            "surname": ["KOVAC", "LINDQVIST", "PETRENKO", "WANG", "SMITH"],
            "given_names": ["MARKO", "ERIK", "OLENA", "FANG", "JOHN"],
            "native_name": [None, None, "Олена Петренко", "王芳", None],
            "birth_date": BIRTH_DATES,
            "nationality": ["HRV", "SWE", "UKR", "CHN", "GBR"],
            "sex": ["M", "M", "F", "F", "M"],
            "risk_score": [SCORES[k] for k in KEYS],
            "risk_reasons": [REASONS.get(k) for k in KEYS],
            "first_seen": ["2023-01-05", "2023-02-11", "2023-02-12", "2023-06-01", "2022-09-09"],
            "last_seen": ["2024-03-02", "2024-03-02", "2024-03-02", "2024-01-15", "2024-02-02"],
            "sources": [[f"crossings.csv:{i + 2}", f"api/QQ101.edi:{i + 1}"] for i in range(5)],
            "confidence": [1.0, 0.97, 0.99, 0.92, 1.0],
            "method": ["document-key", "fellegi-sunter", "fellegi-sunter", "fellegi-sunter", "document-key"],
        }
    )


def _node_tables() -> dict[str, pd.DataFrame]:
    return {
        "Person": _persons(),
        "Document": pd.DataFrame(
            {
                "issuer": ["GBR"] * 5,
                "number": DOC_NUMBERS,
                "doc_type": ["P"] * 5,
                "sources": [f"crossings.csv:{i + 2}" for i in range(5)],
            }
        ),
        "Phone": pd.DataFrame({"number": ["+442071838750"], "sources": ["phones.csv:7"]}),
        "PaymentInstrument": pd.DataFrame({"token": ["tok_9931"], "type": ["CARD"], "sources": ["payments.csv:3"]}),
        "Booking": pd.DataFrame(
            {"carrier": ["QQ"], "locator": ["ZX9K2L"], "created": ["2024-03-02"], "sources": ["pnr/QQ101.edi:1"]}
        ),
        "Case": pd.DataFrame(
            {
                "case_id": ["C-90"],
                "case_type": ["SMUGGLING"],
                "severity": [5],
                "status": ["OPEN"],
                "sources": ["cases.csv:2"],
            }
        ),
        "WatchlistEntry": pd.DataFrame(
            {
                "list": ["INTERPOL-SIM"],
                "entry_id": ["W-7"],
                "surname": ["KOVAC"],
                "given_names": ["MARKO"],
                "reason": ["people smuggling"],
                "listed_on": ["2021-05-05"],
                "sources": ["watchlist.csv:8"],
            }
        ),
        "Address": pd.DataFrame(
            {
                "address_key": ["12 HARBOUR RD|PORTSMOUTH|GBR"],
                "lines": ["12 Harbour Rd"],
                "city": ["Portsmouth"],
                "country": ["GBR"],
                "sources": ["addresses.csv:4"],
            }
        ),
        "Organization": pd.DataFrame(
            {
                "org_key": ["ORG-44"],
                "name": ["=cmd|' /C calc'!A0 Logistics"],
                "country": ["GBR"],
                "registration_no": ["09912345"],
                "sources": ["companies.csv:2"],
            }
        ),
    }


def _edge_tables() -> dict[str, pd.DataFrame]:
    return {
        "HOLDS": pd.DataFrame({"src": [*RING, OUT], "dst": DOCS, "first_seen": ["2019-01-01"] * 5}),
        "USES": pd.DataFrame(
            {
                "src": [*RING, M1],
                "dst": [PHONE] * 4 + [CARD],
                "first_seen": ["2023-01-10", "2023-02-11", "2023-02-12", "2023-06-01", "2024-03-02"],
                "sources": ["phones.csv:7", "phones.csv:8", "phones.csv:9", "phones.csv:10", "payments.csv:3"],
            }
        ),
        "BOOKED": pd.DataFrame(
            {
                "src": [M1, M2],
                "dst": [BOOKING] * 2,
                "first_seen": ["2024-03-02"] * 2,
                "sources": ["pnr/QQ101.edi:1"] * 2,
            }
        ),
        "PAID_BY": pd.DataFrame({"src": [BOOKING], "dst": [CARD], "sources": ["pnr/QQ101.edi:1"]}),
        "INVOLVED_IN": pd.DataFrame(
            {
                "src": [ORG],
                "dst": [CASE],
                "role": ["ORGANISER"],
                "first_seen": ["2022-11-01"],
                "sources": ["case_subjects.csv:3"],
            }
        ),
        "LISTED_AS": pd.DataFrame(
            {
                "src": [ORG],
                "dst": [ENTRY],
                "score": [0.97],
                "reasons": [["surname exact", "given names exact", "birth year match"]],
                "confidence": [0.97],
                "method": ["screening"],
            }
        ),
        "LIVES_AT": pd.DataFrame({"src": [ORG, M3], "dst": [ADDRESS] * 2, "sources": ["addresses.csv:4"] * 2}),
        "WORKS_FOR": pd.DataFrame({"src": [M2], "dst": [COMPANY], "role": ["DRIVER"], "sources": ["employment.csv:5"]}),
        "CO_TRAVELLED": pd.DataFrame(
            {
                "src": [M1],
                "dst": [M2],
                "count": [3],
                "first_seen": ["2023-02-11"],
                "last_seen": ["2024-03-02"],
                "method": ["derived"],
            }
        ),
    }


def load_scheme(store: GraphStore) -> None:
    """Write the scheme graph into ``store``."""
    with store.writer() as w:
        for label, table in _node_tables().items():
            w.upsert_nodes(label, table)
        for etype, table in _edge_tables().items():
            w.upsert_edges(etype, table)
