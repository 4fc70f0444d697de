"""What binds a person to a clue cluster: shared instruments, possible same identities, shared documents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.cluster_links import identifier_pairs, possible_identity_weights
from analytics.cluster_membership import ClusterGraph, _bound, _prune, rehome
from analytics.clusters import split_off


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


def _shared(rows: list[tuple[int, int, str]]) -> ClusterGraph:
    """The evidence graph of people sharing identifiers: rows of (person, identifier, label)."""
    idents = pd.DataFrame(
        {
            "p": [p for p, _, _ in rows],
            "i": [i for _, i, _ in rows],
            "w": 0.9,
            "document": [lab == "Document" for _, _, lab in rows],
            "personal": [lab in ("Phone", "Email", "PaymentInstrument") for _, _, lab in rows],
            "card": [lab == "PaymentInstrument" for _, _, lab in rows],
        }
    )
    pairs = identifier_pairs(idents)
    vertices = np.array(sorted(set(idents["p"])))
    src, dst = np.searchsorted(vertices, pairs["p"]), np.searchsorted(vertices, pairs["q"])
    empty = pd.DataFrame({"p": [], "q": [], "w": []})
    return ClusterGraph(vertices, src, dst, pairs["w"].to_numpy(), idents, empty)


def test_a_namesake_sharing_one_members_e_mail_is_not_in_the_group() -> None:
    # 1, 2, 3 share a phone and a card (a facilitator's travellers); 4 shares only 1's e-mail address
    rows = [(p, 100, "Phone") for p in (1, 2, 3)] + [(p, 200, "PaymentInstrument") for p in (1, 2, 3)]
    graph = _shared([*rows, (1, 300, "Email"), (4, 300, "Email")])
    assert _prune(graph, np.zeros(4, dtype=np.int64)).tolist() == [0, 0, 0, -1]


def test_a_member_who_gave_only_the_groups_phone_is_brought_back() -> None:
    # 1, 2, 3 share a phone and a card; 4 only the phone (a ring member who gave only the burner)
    rows = [(p, 100, "Phone") for p in (1, 2, 3, 4)] + [(p, 200, "PaymentInstrument") for p in (1, 2, 3)]
    assert _prune(_shared(rows), np.zeros(4, dtype=np.int64)).tolist() == [0, 0, 0, 0]


def test_a_traveller_leiden_left_with_her_neighbours_moves_to_the_group_of_her_phone() -> None:
    # 1-5 and 6 share the facilitator's phone and card; 6 also shares an address with 7 and 8, and Leiden
    # put her with them; they are pruned (one address), she moves to the group her phone is mostly in
    rows = [(p, 100, "Phone") for p in range(1, 7)] + [(p, 200, "PaymentInstrument") for p in range(1, 7)]
    graph = _shared([*rows, *[(p, 300, "Address") for p in (6, 7, 8)]])
    leiden = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    pruned = _prune(graph, leiden)
    assert pruned[5] == -1
    assert rehome(graph, pruned, 0.02).tolist()[:6] == [0, 0, 0, 0, 0, 0]
