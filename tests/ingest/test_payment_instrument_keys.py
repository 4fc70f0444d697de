"""Payment instruments are keyed by masked PAN and expiry: strangers whose cards share first six and last four
digits stay apart, one card seen in a PNR and in payments.csv is one node, a file without expiries still
reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.ids import node_id
from ingest.pipeline.batch import GraphBatch
from ingest.pipeline.instrument_keys import instrument_tokens
from ingest.pipeline.map_associated import map_associated
from ingest.pipeline.map_pnrgov import map_bookings
from ingest.readers.associated import read_associated

_HEAD = "instrument,type,expiry,doc_issuer,doc_number,surname,given_names,birth_date,nationality"


def _tokens(batch: GraphBatch) -> list[str]:
    return sorted(t for tab in batch.nodes["PaymentInstrument"] for t in tab.column("token").to_pylist())


def _map(tmp_path: Path, lines: list[str]) -> GraphBatch:
    path = tmp_path / "payments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = GraphBatch()
    map_associated(read_associated(path).records, "payments", "payments.csv", batch, {})
    return batch


def test_same_masked_pan_with_other_expiry_is_another_card() -> None:
    got = instrument_tokens(pd.Series(["453201XXXXXX5708", "453201XXXXXX5708"]), pd.Series(["0929", "1130"]))
    assert got.iloc[0] != got.iloc[1]


def test_one_card_in_two_spellings_is_one_key() -> None:
    got = instrument_tokens(pd.Series(["453201XXXXXX5708", "4532 01** **** 5708", "453201xxxxxx5708"]),
                            pd.Series(["0929", "09/29", "09/2029"]))
    assert got.nunique() == 1 and got.iloc[0] == "453201XXXXXX5708/0929"


def test_masked_pan_without_expiry_keeps_its_own_key() -> None:
    got = instrument_tokens(pd.Series(["453201XXXXXX5708", "453201XXXXXX5708", "453201XXXXXX5708"]),
                            pd.Series([None, "", "1329"]))  # missing, blank, not a month
    assert got.tolist() == ["453201XXXXXX5708"] * 3


def test_unmasked_token_is_keyed_as_it_is() -> None:
    got = instrument_tokens(pd.Series(["TKN4F9A20", "TKN4F9A20"]), pd.Series(["0929", None]))
    assert got.tolist() == ["TKN4F9A20", "TKN4F9A20"]


def test_payments_file_keys_cards_by_pan_and_expiry(tmp_path: Path) -> None:
    batch = _map(tmp_path, [_HEAD, "453201XXXXXX5708,VI,0929,HKG,K1234567,,,,",
                            "453201XXXXXX5708,VI,1130,HKG,K7654321,,,,", "453201XXXXXX5708,VI,,HKG,K1111111,,,,"])
    assert _tokens(batch) == ["453201XXXXXX5708", "453201XXXXXX5708/0929", "453201XXXXXX5708/1130"]
    dst = {d for tab in batch.person_edges["USES"] for d in tab.column("dst").to_pylist()}
    assert node_id("PaymentInstrument", "453201XXXXXX5708/0929") in dst and len(dst) == 3


def test_payments_file_without_expiry_column_still_reads(tmp_path: Path) -> None:
    head = _HEAD.replace("expiry,", "")
    batch = _map(tmp_path, [head, "453201XXXXXX5708,VI,HKG,K1234567,,,,", "542418XXXXXX0001,CA,HKG,K7654321,,,,"])
    assert _tokens(batch) == ["453201XXXXXX5708", "542418XXXXXX0001"]
    assert len(batch.records) == 1 and batch.records[0].num_rows == 2


def test_pnr_fop_and_payments_file_meet_on_one_card(tmp_path: Path) -> None:
    fop = [{"type": "CC", "vendor": "VI", "card": "453201XXXXXX5708", "expiry": "0929"}]
    other = [{"type": "CC", "vendor": "VI", "card": "453201XXXXXX5708", "expiry": "1130"}]
    book = pd.DataFrame({
        "file": ["f", "f"], "message_index": [0, 1], "segment_number": [3, 3], "carrier": ["CX", "CX"],
        "locator": ["ABC123", "XYZ789"], "created": ["2026-01-02", "2026-01-03"], "push_date": [None, None],
        "passenger_count": [1, 1], "segment_count": [1, 1], "sender": [None, None], "agency_country": [None, None],
        "phones": [[], []], "emails": [[], []], "addresses": [[], []], "payments": [fop, other],
        "agency_iata": [None, None], "agency_office": [None, None]})
    batch = GraphBatch()
    map_bookings(book, pd.DataFrame(), {"f": "PNRGOV_1.edi"}, batch)
    paid = [d for tab in batch.edges["PAID_BY"] for d in tab.column("dst").to_pylist()]
    listed = _map(tmp_path, [_HEAD, "453201XXXXXX5708,VI,0929,HKG,K1234567,,,,"])
    uses = [d for tab in listed.person_edges["USES"] for d in tab.column("dst").to_pylist()]
    assert len(set(paid)) == 2 and uses[0] == paid[0]  # the stranger's card (expiry 1130) stays apart
