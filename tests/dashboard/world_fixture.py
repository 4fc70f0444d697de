"""A small synthetic border graph for the dashboard tests, written through the store writer, with a
planted person (IVANOV IURII, native Юрий Иванов) who has a screening hit, an identity candidate, crossings
over three years, a shared booking phone with a case organiser, and 40 co-travellers; and a batch run folder
with a worklist. All names, numbers and documents are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from graph.ids import node_id
from graph.store import GraphStore

IVANOV = node_id("Person", "P-IVANOV")
IVANOFF = node_id("Person", "P-IVANOFF")
ZHANG = node_id("Person", "P-ZHANG")
KIM = node_id("Person", "P-KIM")
PHONE = node_id("Phone", "+441632960001")
BOOKING = node_id("Booking", "XX", "ABC123", "2025-05-01")
ENTRY = node_id("WatchlistEntry", "SYN-LIST", "W-1")
CASE = node_id("Case", "C-17")
DOC = node_id("Document", "RUS", "751234567")
CLUSTER = node_id("Cluster", "CL-1")
CO_TRAVELLERS = 40
PORTS = ["LHR", "FRA", "IST", "DXB", "PEK", "LHR"]
TIMES = ["2023-02-03", "2023-09-14", "2024-03-02", "2024-08-20", "2025-02-11", "2025-06-30"]


def _persons() -> pd.DataFrame:
    base = [
        (
            "P-IVANOV",
            "IVANOV",
            "IURII",
            "Юрий Иванов",
            "1979-11-30",
            "RUS",
            0.82,
            ["shares booking phone +441632960001 with the organiser of case C-17", "screening hit SYN-LIST W-1 (0.91)"],
        ),
        ("P-IVANOFF", "IVANOFF", "IOURI", None, "1979-11-30", "RUS", 0.3, ["possibly the same person as IVANOV IURII"]),
        ("P-ZHANG", "ZHANG", "WEI", "张伟", "1984-03-12", "CHN", 0.65, ["organiser of case C-17"]),
        ("P-KIM", "KIM", "MINJI", "김민지", "1991-07-08", "KOR", 0.1, ["same booking as IVANOV IURII"]),
    ]
    rows = [
        dict(
            zip(
                [
                    "person_key",
                    "surname",
                    "given_names",
                    "native_name",
                    "birth_date",
                    "nationality",
                    "risk_score",
                    "risk_reasons",
                ],
                b,
                strict=True,
            )
        )
        for b in base
    ]
    rows += [
        {
            "person_key": f"P-CO-{i:03d}",
            "surname": f"TRAVELLER{i:03d}",
            "given_names": "SAM",
            "nationality": "GBR",
            "risk_score": 0.0,
        }
        for i in range(CO_TRAVELLERS)
    ]
    frame = pd.DataFrame(rows)
    frame["first_seen"], frame["last_seen"], frame["sources"] = "2023-01-01", "2025-07-01", "crossings.csv:1"
    return frame


def _edges(
    src: list[str], dst: list[str], first: list[str], last: list[str] | None = None, **props: list
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "src": src,
            "dst": dst,
            "first_seen": first,
            "last_seen": last or first,
            **props,
            "sources": ["fixture"] * len(src),
        }
    )


def load_world(store: GraphStore) -> None:
    """Write the graph into ``store``."""
    co = [node_id("Person", f"P-CO-{i:03d}") for i in range(CO_TRAVELLERS)]
    crossings = [node_id("Crossing", f"X-{i}") for i in range(len(TIMES))]
    with store.writer() as w:
        w.upsert_nodes("Person", _persons())
        w.upsert_nodes("Phone", pd.DataFrame({"number": ["+441632960001"]}))
        w.upsert_nodes("Booking", pd.DataFrame({"carrier": ["XX"], "locator": ["ABC123"], "created": ["2025-05-01"]}))
        w.upsert_nodes("Document", pd.DataFrame({"issuer": ["RUS"], "number": ["751234567"], "doc_type": ["P"]}))
        w.upsert_nodes("Case", pd.DataFrame({"case_id": ["C-17"], "case_type": ["SMUGGLING"], "severity": [4]}))
        w.upsert_nodes(
            "WatchlistEntry",
            pd.DataFrame(
                {
                    "list": ["SYN-LIST"],
                    "entry_id": ["W-1"],
                    "surname": ["IVANOV"],
                    "given_names": ["YURI"],
                    "reason": ["synthetic test entry"],
                }
            ),
        )
        w.upsert_nodes(
            "Crossing",
            pd.DataFrame(
                {
                    "crossing_id": [f"X-{i}" for i in range(len(TIMES))],
                    "crossing_time": [f"{t}T08:00:00" for t in TIMES],
                    "port": PORTS,
                    "direction": ["IN", "OUT"] * 3,
                    "conveyance": ["XX100"] * 6,
                    "outcome": ["CLEARED", "CLEARED", "SECONDARY", "CLEARED", "REFUSED", "CLEARED"],
                    "first_seen": TIMES,
                }
            ),
        )
        w.upsert_edges("MADE", _edges([IVANOV] * len(TIMES), crossings, TIMES))
        w.upsert_edges("HOLDS", _edges([IVANOV], [DOC], ["2023-01-01"], ["2025-07-01"]))
        w.upsert_edges(
            "USES", _edges([IVANOV, ZHANG], [PHONE, PHONE], ["2025-04-01", "2024-01-01"], ["2025-06-01", "2025-06-01"])
        )
        w.upsert_edges("BOOKED", _edges([IVANOV, KIM], [BOOKING, BOOKING], ["2025-05-01", "2025-05-01"]))
        w.upsert_edges("CONTACT", _edges([BOOKING], [PHONE], ["2025-05-01"]))
        w.upsert_edges("INVOLVED_IN", _edges([ZHANG], [CASE], ["2022-07-01"], role=["ORGANISER"]))
        w.upsert_edges(
            "LISTED_AS",
            _edges(
                [IVANOV], [ENTRY], ["2025-07-01"], score=[0.91], reasons=[["name variant IURII/YURI", "surname equal"]]
            ),
        )
        w.upsert_edges(
            "POSSIBLY_SAME_AS",
            _edges([IVANOV], [IVANOFF], ["2025-07-01"], score=[0.78], reasons=[["same birth date", "name variant"]]),
        )
        w.upsert_nodes(
            "Cluster",
            pd.DataFrame(
                {
                    "cluster_id": ["CL-1"],
                    "rank": [1],
                    "score": [0.88],
                    "size": [3],
                    "run": ["r1"],
                    "reasons": [["IVANOV IURII and ZHANG WEI share phone +441632960001"]],
                }
            ),
        )
        w.upsert_edges("IN_CLUSTER", _edges([IVANOV, ZHANG, PHONE], [CLUSTER] * 3, ["2025-07-01"] * 3, run=["r1"] * 3))
        years = [f"{2023 + i % 3}-0{1 + i % 9}-15" for i in range(CO_TRAVELLERS)]
        w.upsert_edges("CO_TRAVELLED", _edges([IVANOV] * CO_TRAVELLERS, co, years, count=[2] * CO_TRAVELLERS))


def write_run(runs_dir: Path) -> Path:
    """A batch run folder with a manifest and a three-row worklist."""
    folder = runs_dir / "2026-11-27T010000Z"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"run_id": folder.name, "finished": "2026-11-27T01:00:00Z"}))
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "person_id": [IVANOV, ZHANG, KIM],
            "surname": ["IVANOV", "ZHANG", "KIM"],
            "given_names": ["IURII", "WEI", "MINJI"],
            "birth_date": ["1979-11-30", "1984-03-12", "1991-07-08"],
            "nationality": ["RUS", "CHN", "KOR"],
            "doc_issuer": ["RUS", "CHN", "KOR"],
            "doc_number": ["751234567", "E12345678", "M1234567"],
            "voyage": ["XX100"] * 3,
            "port": ["LHR"] * 3,
            "scheduled_time": ["2026-11-28T08:00:00Z"] * 3,
            "score": [0.82, 0.65, 0.1],
            "reasons": [
                ["booking phone shared with a case organiser", "screening hit"],
                ["case organiser"],
                ["same booking"],
            ],
        }
    )
    frame.to_parquet(folder / "worklist.parquet")
    return folder
