"""Clue clusters: groups of people and identifiers bound by specific shared identifiers and repeated co-travel.

1. **Graph** (``cluster_graph``): people and the identifiers they hold, use or book with (a booking's card,
   contact phone or e-mail, agency counts as the passenger's), each link weighted by the identifier's
   specificity; identifiers below ``min_specificity`` (hotel and agency switchboards, airports) are left
   out. People who shared ``co_travel_min`` or more bookings, or a ``CO_TRAVELLED`` link, are linked directly,
   and so are the subjects of one case (through the case) and identities that may be one (``POSSIBLY_SAME_AS``).
2. **Communities**: igraph's Leiden (``objective_function="CPM"``, fixed seed) on that graph, its vertices in
   node-number order, so the same graph gives the same communities whatever the input order; then the holders
   of each document two people hold who cannot be one person are split off into a community of their own
   (``split_off``), and people not bound to their community are taken out, some put back or moved
   (``analytics.cluster_membership``).
3. **Scores** (``score_clusters``): explained features, each with its words in ``reasons``: identifiers
   shared inside, seeds inside, prior cases, document conflicts, one instrument paying for many, repeated
   co-travel, recency. ``FEATURE_WEIGHTS`` sums them into the score; clusters are ranked by it.
4. **Stable ids**: a cluster takes the id of the previous run's cluster it overlaps most (Jaccard of people
   at least 0.5, one to one), else ``CL-`` and a hash of its sorted people, so a lead keeps its id.

``analytics.cluster_store`` writes ``Cluster`` nodes and ``IN_CLUSTER`` edges (with the run), reads one back
(``cluster_members``) and writes ``clusters.csv``.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from analytics.cluster_cut import cut_weak
from analytics.cluster_links import (
    clique,
    co_travel_pairs,
    co_voyage_pairs,
    identifier_pairs,
    person_identifier,
    same_identity_pairs,
)
from analytics.cluster_membership import ClusterGraph, _prune, _reprune, join_halves, rehome
from analytics.cluster_store import Clusters, match_previous, previous_clusters
from analytics.config import RunConfig
from analytics.projection import Projection, project
from analytics.seeds import find_seeds
from analytics.specificity import specificity
from graph.store import GraphStore

#: Weight of each explained feature in a cluster's score.
FEATURE_WEIGHTS = {
    "shared_identifiers": 1.0,
    "seeds": 3.0,
    "prior_cases": 2.0,
    "document_conflicts": 2.0,
    "one_payer_many": 1.5,
    "lodged_co_workers": 3.0,
    "repeated_co_travel": 1.0,
    "recency": 0.5,
}
OBJECTIVE = "CPM"


def case_groups(seeds: pd.DataFrame | None) -> pd.DataFrame:
    """(person ``p``, case ``g``) of the case subjects among the seeds: co-subjects of a case belong together."""
    if seeds is None or not len(seeds):
        return pd.DataFrame({"p": [], "g": []})
    subjects = seeds[seeds["kind"] == "case_subject"]
    cases = [r.split(" in case ", 1)[1].split(" ", 1)[0] if " in case " in r else "" for r in subjects["reason"]]
    frame = pd.DataFrame({"p": subjects["index"].to_numpy(dtype=np.int64), "g": cases})
    return frame[frame["g"] != ""]


def _risk_people(proj: Projection, seeds: pd.DataFrame | None, idents: pd.DataFrame) -> np.ndarray:
    """People of the seeds, and the people of the seeds' identifiers: where the co-voyage search starts."""
    if seeds is None or not len(seeds):
        return np.zeros(0, dtype=np.int64)
    at = seeds["index"].to_numpy(dtype=np.int64)
    people = at[proj.mask("Person")[at]]
    of_idents = idents.loc[idents["i"].isin(at), "p"].to_numpy(dtype=np.int64)
    return np.unique(np.concatenate([people, of_idents]))


def cluster_graph(
    proj: Projection, spec: np.ndarray, config: RunConfig, seeds: pd.DataFrame | None = None
) -> ClusterGraph:
    """The people-to-people evidence graph (``analytics.cluster_links``), vertices in node-number order."""
    c = config.clusters
    idents = person_identifier(proj, spec, c.min_specificity)
    pairwise = pd.concat(
        [
            co_travel_pairs(proj, config)[["p", "q", "w"]].assign(binds=True),
            co_voyage_pairs(proj, _risk_people(proj, seeds, idents), config)[["p", "q", "w"]].assign(binds=True),
            clique(case_groups(seeds), 1.0).assign(binds=True),
            same_identity_pairs(proj)[["p", "q", "w", "binds"]],
        ],
        ignore_index=True,
    )
    links = pd.concat([identifier_pairs(idents), pairwise[["p", "q", "w"]]], ignore_index=True)
    links = links.groupby(["p", "q"], sort=True)["w"].sum().reset_index()
    vertices = np.unique(np.concatenate([links["p"].to_numpy(), links["q"].to_numpy()])).astype(np.int64)
    src = np.searchsorted(vertices, links["p"].to_numpy())
    dst = np.searchsorted(vertices, links["q"].to_numpy())
    return ClusterGraph(vertices, src, dst, links["w"].to_numpy(dtype=float), idents, pairwise)


def conflict_holders(proj: Projection, seeds: pd.DataFrame | None, config: RunConfig) -> pd.DataFrame:
    """(person ``p``, document ``g``) of the holders of every document two or more people hold who cannot be
    one person (a document conflict seed at full weight: their birth dates or sexes disagree)."""
    if seeds is None or not len(seeds) or config.seeds.document_conflict <= 0:
        return pd.DataFrame({"p": np.zeros(0, dtype=np.int64), "g": np.zeros(0, dtype=np.int64)})
    full = seeds[(seeds["kind"] == "document_conflict") & (seeds["weight"] >= config.seeds.document_conflict)]
    holds = proj.edges_of("HOLDS")
    held = pd.DataFrame({"p": proj.src[holds], "g": proj.dst[holds]})
    return held[held["g"].isin(full["index"].astype(np.int64))].drop_duplicates().reset_index(drop=True)


def split_off(graph: ClusterGraph, membership: np.ndarray, groups: pd.DataFrame) -> np.ndarray:
    """``membership`` with each group of ``groups`` (person ``p``, group ``g``) made a community of its own:
    the people one document is shared by, when they cannot be one person, are a lead by themselves (the
    victim's family is not the impostor's, nor the impostor's fellow passengers). A person in several groups
    stays in the first (by group).

    >>> g = ClusterGraph(np.array([3, 5, 7]), np.array([0, 1]), np.array([1, 2]), np.ones(2), None, None)
    >>> split_off(g, np.array([0, 0, 0]), pd.DataFrame({"p": [3, 5], "g": [9, 9]})).tolist()
    [1, 1, 0]
    """
    membership = membership.copy()
    groups = groups[np.isin(groups["p"].to_numpy(), graph.vertices)].sort_values(["g", "p"])
    groups = groups.drop_duplicates("p")
    if groups.empty:
        return membership
    number = pd.factorize(groups["g"])[0] + membership.max(initial=-1) + 1
    membership[np.searchsorted(graph.vertices, groups["p"].to_numpy())] = number
    return membership


def leiden(graph: ClusterGraph, config: RunConfig) -> np.ndarray:
    """Community of each vertex: Leiden with the constant Potts model (``resolution`` is the least link
    weight per pair of people a community must hold on average), fixed seed."""
    g = ig.Graph(n=len(graph.vertices), directed=False)
    g.add_edges(np.column_stack([graph.src, graph.dst]))  # measured faster than a list of tuples
    g.es["weight"] = graph.weight.tolist()
    c = config.clusters
    ig.set_random_number_generator(random.Random(c.seed))
    try:
        parts = g.community_leiden(
            objective_function=OBJECTIVE, weights="weight", resolution=c.resolution, n_iterations=c.iterations
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(parts.membership, dtype=np.int64)


def _communities(
    graph: ClusterGraph,
    membership: np.ndarray,
    min_size: int,
    resolution: float = 0.0,
    fixed: np.ndarray | None = None,
) -> pd.DataFrame:
    """Members of the communities of at least ``min_size`` people: the people bound to their community (see
    ``_bound``) once those drawn to another by a phone, e-mail or document have moved (``rehome``), then every
    identifier two or more of them share (in the community most of its people are in)."""
    pruned = _prune(graph, membership)
    kept = join_halves(graph, _reprune(graph, pruned, rehome(graph, pruned, resolution, fixed)))
    kept = cut_weak(graph, kept)
    people = pd.DataFrame({"index": graph.vertices, "community": kept, "person": True})
    people = people[kept >= 0]
    people = people[people.groupby("community")["index"].transform("size") >= min_size]
    links = graph.identifiers.merge(people[["index", "community"]], left_on="p", right_on="index")
    per = links.groupby(["i", "community"]).size().rename("n").reset_index()
    per = per[per["n"] >= 2].sort_values(["i", "n", "community"], ascending=[True, False, True])
    idents = per.drop_duplicates("i").rename(columns={"i": "index"})[["index", "community"]].assign(person=False)
    return pd.concat([people, idents], ignore_index=True)


class _Clock:
    """Wall and CPU seconds of named steps, into ``timings`` (``NAME_s``, ``NAME_cpu_s``)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings if timings is not None else {}

    def __call__(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        self.timings[f"{name}_s"] = round(time.perf_counter() - wall, 3)
        self.timings[f"{name}_cpu_s"] = round(time.process_time() - cpu, 3)
        return out


def find_clusters(
    store: GraphStore,
    proj: Projection | None = None,
    config: RunConfig | None = None,
    *,
    run_id: str = "",
    timings: dict[str, float] | None = None,
) -> Clusters:
    """Cluster, score and rank (see the module doc); ids matched against the clusters stored before.
    ``timings``, when given, receives the wall and CPU seconds of each step."""
    from analytics.cluster_score import score_clusters

    config, step = config or RunConfig(), _Clock(timings)
    proj = proj or step("projection", project, store, config)
    spec = step("specificity", specificity, proj, config)
    seeds = step("seeds", find_seeds, store, proj, config, spec=spec)
    graph = step("graph", cluster_graph, proj, spec, config, seeds)
    membership = step("leiden", leiden, graph, config)
    holders = conflict_holders(proj, seeds, config)
    membership = split_off(graph, membership, holders)
    fixed = np.isin(graph.vertices, holders["p"].to_numpy())
    c = config.clusters
    members = step("prune", _communities, graph, membership, c.min_size, c.resolution, fixed)
    members["id"] = proj.ids(members["index"].to_numpy())
    table = step("score", score_clusters, proj, spec, seeds, members, config)
    groups = members[members["person"]].groupby("community")["id"].apply(lambda s: sorted(s))
    table["person_ids"] = [groups.get(c, []) for c in table["community"]]
    previous = step("previous", previous_clusters, store)
    table["cluster_id"] = match_previous(list(table["person_ids"]), previous)
    members = members.merge(table[["community", "cluster_id"]], on="community")
    return Clusters(table, members, run_id or datetime.now(UTC).strftime("clusters-%Y%m%dT%H%M%SZ"), config)
