"""A small, hand-made border graph used by the contract tests (all synthetic)."""

from __future__ import annotations

import pandas as pd

from graph.ids import node_id
from graph.store import GraphStore

ANNA = node_id("Person", "P-ANNA")
BORIS = node_id("Person", "P-BORIS")
CHEN = node_id("Person", "P-CHEN")
DANA = node_id("Person", "P-DANA")
PHONE = node_id("Phone", "+441632960001")
CARD = node_id("PaymentInstrument", "tok_4111")
BOOKING = node_id("Booking", "XX", "ABC123", "2024-05-01")
DOC = node_id("Document", "GBR", "123456789")
CASE = node_id("Case", "C-17")

PERSONS = pd.DataFrame(
    {
        "person_key": ["P-ANNA", "P-BORIS", "P-CHEN", "P-DANA"],
        "surname": ["MÜLLER", "IVANOV", "ZHANG", "O'BRIEN"],
        "given_names": ["ANNA", "BORIS", "WEI", "DANA"],
        "native_name": [None, "Борис Иванов", "张伟", None],
        "nationality": ["DEU", "RUS", "CHN", "IRL"],
        "first_seen": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
        "sources": ["crossings.csv:2", "crossings.csv:3", "crossings.csv:4", "crossings.csv:5"],
    }
)


def load_fixture(store: GraphStore) -> None:
    """Write the small graph: four people, a phone, a card, a booking, a document, a case."""
    with store.writer() as w:
        w.upsert_nodes("Person", PERSONS)
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+441632960001"], "sources": ["phones.csv:2"]}))
        w.upsert_nodes("PaymentInstrument", pd.DataFrame({"token": ["tok_4111"], "type": ["CARD"]}))
        w.upsert_nodes("Booking", pd.DataFrame({"carrier": ["XX"], "locator": ["ABC123"], "created": ["2024-05-01"]}))
        w.upsert_nodes("Document", pd.DataFrame({"issuer": ["GBR"], "number": ["123456789"], "doc_type": ["P"]}))
        w.upsert_nodes("Case", pd.DataFrame({"case_id": ["C-17"], "severity": [4]}))
        w.upsert_edges(
            "USES",
            pd.DataFrame(
                {
                    "src": [ANNA, BORIS, CHEN],
                    "dst": [PHONE, PHONE, CARD],
                    "first_seen": ["2024-01-10", "2024-06-10", "2023-01-01"],
                    "last_seen": ["2024-01-20", "2024-06-20", "2023-02-01"],
                    "sources": ["phones.csv:2", "phones.csv:3", "payments.csv:2"],
                }
            ),
        )
        w.upsert_edges(
            "BOOKED",
            pd.DataFrame({"src": [BORIS, DANA], "dst": [BOOKING, BOOKING], "first_seen": ["2024-05-01", "2024-05-01"]}),
        )
        w.upsert_edges("PAID_BY", pd.DataFrame({"src": [BOOKING], "dst": [CARD], "first_seen": ["2024-05-01"]}))
        w.upsert_edges(
            "HOLDS",
            pd.DataFrame({"src": [DANA], "dst": [DOC], "first_seen": ["2020-01-01"], "last_seen": ["2025-01-01"]}),
        )
        w.upsert_edges(
            "INVOLVED_IN",
            pd.DataFrame({"src": [CHEN], "dst": [CASE], "role": ["ORGANISER"], "first_seen": ["2022-07-01"]}),
        )
