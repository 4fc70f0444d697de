"""What binds a person to a clue cluster: shared instruments, possible same identities, shared documents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.cluster_links import identifier_pairs, possible_identity_weights
from analytics.clusters import ClusterGraph, _bound, _prune, split_off


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


def test_a_phone_three_people_share_is_one_piece_of_evidence_and_binds_none_of_them() -> None:
    graph = _graph("Phone", [1, 2, 3])
    assert not _bound(graph, np.zeros(3, dtype=np.int64), 1.5).any()


def test_a_phone_and_a_card_three_people_share_bind_all_of_them() -> None:
    phone, card = _graph("Phone", [1, 2, 3]), _graph("PaymentInstrument", [1, 2, 3])
    idents = pd.concat([phone.identifiers, card.identifiers.assign(i=101)], ignore_index=True)
    both = ClusterGraph(phone.vertices, phone.src, phone.dst, phone.weight + card.weight, idents, phone.pair_links)
    assert _bound(both, np.zeros(3, dtype=np.int64), 1.5).all()


def test_a_document_three_people_hold_binds_all_of_them() -> None:
    graph = _graph("Document", [1, 2, 3])
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


def test_two_strangers_sharing_an_e_mail_do_not_hold_each_other_in_a_network() -> None:
    # 1, 2, 3 share a phone (the network); 4 shares only an address with them and an e-mail with 5
    idents = pd.DataFrame(
        {
            "p": [1, 2, 3, 1, 2, 3, 4, 4, 5],
            "i": [100, 100, 100, 200, 200, 200, 200, 300, 300],
            "w": 0.9,
            "document": False,
            "personal": [True, True, True, False, False, False, False, True, True],
            "card": False,
        }
    )
    pairs = identifier_pairs(idents)
    vertices = np.array([1, 2, 3, 4, 5])
    src, dst = np.searchsorted(vertices, pairs["p"]), np.searchsorted(vertices, pairs["q"])
    empty = pd.DataFrame({"p": [], "q": [], "w": []})
    graph = ClusterGraph(vertices, src, dst, pairs["w"].to_numpy(), idents, empty)
    one = np.zeros(5, dtype=np.int64)
    assert not _bound(graph, one, 1.5)[3]  # an address and an e-mail with someone held only by her
    assert _prune(graph, one).tolist() == [0, 0, 0, -1, -1]
