"""What binds a person to a clue cluster: shared instruments, possible same identities, shared documents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.cluster_links import identifier_pairs, possible_identity_weights
from analytics.clusters import ClusterGraph, _bound, split_off


def _graph(label: str, people: list[int]) -> ClusterGraph:
    """People sharing one identifier of ``label`` (specificity 0.93), the evidence graph between them."""
    idents = pd.DataFrame(
        {
            "p": people,
            "i": 100,
            "w": 0.93,
            "document": label == "Document",
            "personal": label in ("Phone", "Email", "PaymentInstrument"),
            "card": label == "PaymentInstrument",
        }
    )
    pairs = identifier_pairs(idents)
    vertices = np.array(sorted(people))
    src, dst = np.searchsorted(vertices, pairs["p"]), np.searchsorted(vertices, pairs["q"])
    empty = pd.DataFrame({"p": [], "q": [], "w": []})
    return ClusterGraph(vertices, src, dst, pairs["w"].to_numpy(), idents, empty)


def test_a_masked_card_three_unrelated_people_share_binds_none_of_them() -> None:
    graph = _graph("PaymentInstrument", [1, 2, 3])
    assert not _bound(graph, np.zeros(3, dtype=np.int64), 1.5).any()


def test_a_phone_three_people_share_binds_all_of_them() -> None:
    graph = _graph("Phone", [1, 2, 3])
    assert _bound(graph, np.zeros(3, dtype=np.int64), 1.5).all()


def test_a_record_of_a_common_name_binds_none_of_its_possible_identities() -> None:
    # a name-only booking record (1) that may be any of three people, and two records that can only be each other
    pairs = possible_identity_weights(np.array([2, 1, 4, 5]), np.array([1, 3, 1, 6]))
    weight = {(p, q): w for p, q, w in pairs.itertuples(index=False)}
    assert weight[(5, 6)] == 1.0
    assert all(abs(weight[(1, q)] - 1 / 3) < 1e-9 for q in (2, 3, 4))


def test_the_holders_of_a_shared_document_become_a_community_of_their_own() -> None:
    graph = ClusterGraph(np.array([10, 11, 12, 13]), np.array([0, 1, 2]), np.array([1, 2, 3]), np.ones(3), None, None)
    family_and_impostor = np.array([0, 0, 1, 1])
    out = split_off(graph, family_and_impostor, pd.DataFrame({"p": [11, 13], "g": [500, 500]}))
    assert out[1] == out[3]
    assert out[1] not in (out[0], out[2])
    assert out[0] == 0 and out[2] == 1
