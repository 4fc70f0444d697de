"""Score graph analytics against a world's ground truth (issue 6, acceptance items 1-3).

The store's people are tied to the world's true people through the documents they hold (``truth/
documents.csv``: issuer and number -> person; a forged document counts for its presenter only when the
victim's own record is not there), by majority over each stored person's documents.

- **risky travellers** (item 1): every upcoming arrival of ``truth/upcoming.csv`` ranked by its best stored
  person's risk; R-precision, precision and recall at 100, ROC-AUC and PR-AUC, next to three baselines
  measured in the same run (``analytics.baselines``): targeting rules alone, degree centrality and plain (not
  personalised) networkx PageRank. Ties count at their expected value: when the cut at k falls inside a group
  of equal scores, the group's places are shared in proportion (a ranker that scores most arrivals 0 gets
  the base rate for them, not the luck of their order);
- **confounders** (item 2): how many of the top 100 are members of a benign confounder (expected value over
  ties again), next to how many a ranker blind to confounders would place there (the top 100's non-risky
  places times the confounders' share of the non-risky arrivals);
- **clusters** (item 3): for every planted ring, facilitator's travellers, overstay network and the people
  sharing a fraudulent document (victim and impostor), the best-matching cluster's Jaccard and rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics import baselines
from analytics.cluster_store import Clusters
from analytics.projection import Projection
from analytics.propagate import Propagation
from graph.errors import ClueGraphError
from graph.store import GraphStore

#: The baselines of item 1, in report order (``evaluate(baselines_run=...)``, ``cluegraph evaluate --baselines``).
BASELINES = ("rules_only", "degree", "networkx_pagerank")

#: The planted groups a cluster should find (issue 6, item 3); of DOC_FRAUD, the people sharing the document.
CLUSTER_SCHEMES = ("RING", "FACILITATOR", "OVERSTAY", "DOC_FRAUD")


def check_baselines(names: Sequence[str]) -> list[str]:
    """``names`` in report order, refusing any that is not a known baseline.

    >>> check_baselines(["degree", "rules_only"])
    ['rules_only', 'degree']
    """
    unknown = sorted(set(names) - set(BASELINES))
    if unknown:
        raise ClueGraphError(f"unknown baseline {', '.join(unknown)}: choose from {', '.join(BASELINES)}")
    return [b for b in BASELINES if b in set(names)]


def truth_of_people(store: GraphStore, proj: Projection, truth_dir: Path) -> pd.Series:
    """Projection index of each stored person -> true person id (by the documents they hold)."""
    docs = pd.concat([b.to_pandas() for b in store.export_nodes("Document")], ignore_index=True)
    from graph.ids import node_ids

    docs["id"] = node_ids("Document", docs["issuer"], docs["number"]).to_pylist()
    truth = pd.read_csv(truth_dir / "documents.csv", dtype=str)
    truth["forged"] = truth["role"] == "FORGED"
    truth = truth.sort_values("forged").drop_duplicates(["doc_issuer", "doc_number"])
    docs = docs.merge(truth, left_on=["issuer", "number"], right_on=["doc_issuer", "doc_number"])
    holds = proj.edges_of("HOLDS")
    held = pd.DataFrame({"index": proj.src[holds], "id": proj.ids(proj.dst[holds])}).merge(docs[["id", "person_id"]])
    votes = held.groupby(["index", "person_id"]).size().rename("n").reset_index()
    best = votes.sort_values(["index", "n", "person_id"], ascending=[True, False, True]).drop_duplicates("index")
    return best.set_index("index")["person_id"]


def expected_hits(labels: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Expected number of ``labels`` among the ``k`` highest ``scores``, ties in random order.

    >>> expected_hits(np.array([1, 0, 1, 0]), np.array([0.9, 0.5, 0.5, 0.1]), 2)
    1.5
    """
    k = min(k, len(scores))
    if k <= 0:
        return 0.0
    cut = np.sort(scores)[::-1][k - 1]
    above, tied = scores > cut, scores == cut
    return float(labels[above].sum() + (k - above.sum()) * labels[tied].mean())


def _metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels, scores = np.asarray(labels).astype(int), np.asarray(scores, dtype=float)
    r = int(labels.sum())
    out = {
        "risky": r,
        "arrivals": len(labels),
        "r_precision": expected_hits(labels, scores, r) / r if r else 0.0,
        "precision_at_100": expected_hits(labels, scores, 100) / min(100, len(labels)) if len(labels) else 0.0,
        "recall_at_100": expected_hits(labels, scores, 100) / r if r else 0.0,
    }
    if 0 < r < len(labels):
        out["roc_auc"] = float(roc_auc_score(labels, scores))
        out["pr_auc"] = float(average_precision_score(labels, scores))
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def _by_truth(scores: np.ndarray, people: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"person_id": people.to_numpy(), "s": scores[people.index.to_numpy()]})
    return frame.groupby("person_id")["s"].max()


@dataclass
class Evaluation:
    """What ``evaluate`` measured."""

    travellers: dict[str, dict[str, float]] = field(default_factory=dict)
    confounders_in_top_100: float = 0.0
    clusters: list[dict[str, Any]] = field(default_factory=list)
    risky_ranks: dict[str, dict[str, Any]] = field(default_factory=dict)
    confounders_listed: dict[str, dict[str, Any]] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    riskiest_people: dict[str, Any] = field(default_factory=dict)
    #: per upcoming traveller: ``risky``, ``group`` and each ranker's score (for the plots; not in the JSON)
    arrivals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def evaluate(
    store: GraphStore,
    truth_dir: Path,
    result: Propagation,
    clusters: Clusters | None = None,
    *,
    rules_path: Path | None = None,
    pagerank: bool = True,
    baselines_run: Sequence[str] = BASELINES,
) -> Evaluation:
    """Measure a propagation run (and a clustering) against the world's truth, next to the baselines named
    in ``baselines_run`` (see the module doc; ``pagerank=False`` or leaving ``networkx_pagerank`` out of
    ``baselines_run`` skips the networkx baseline, which copies the whole graph into networkx: 1.8 GiB for
    1M nodes and 5M links).
    ``ev.run["baselines"]`` records which ran."""
    chosen = check_baselines(baselines_run)
    if not pagerank:
        chosen = [b for b in chosen if b != "networkx_pagerank"]
    proj = result.proj
    people = truth_of_people(store, proj, truth_dir)
    upcoming = pd.read_csv(truth_dir / "upcoming.csv", dtype={"person_id": str})
    risky = upcoming.groupby("person_id")["risky"].max().astype(bool)
    arriving = people[people.isin(set(risky.index))]
    rankers = {"propagation": result.scores}
    if "rules_only" in chosen:
        rankers["rules_only"] = baselines.rules_only(store, proj, proj.ids(arriving.index.to_numpy()), rules_path)
    if "degree" in chosen:
        rankers["degree"] = baselines.degree(proj)
    if "networkx_pagerank" in chosen:
        rankers["networkx_pagerank"] = baselines.plain_pagerank(proj)
    ev = Evaluation(run={"baselines": ",".join(chosen) or "none"})
    conf = pd.read_csv(truth_dir / "confounders.csv", dtype=str)
    kinds = conf.dropna(subset=["person_id"]).drop_duplicates("person_id").set_index("person_id")["type"]
    is_conf = risky.index.isin(kinds.index) & ~risky.to_numpy()
    group = np.where(risky.to_numpy(), "risky", np.where(is_conf, "confounder", "other"))
    ev.arrivals = pd.DataFrame({"risky": risky.to_numpy(), "group": group}, index=risky.index)
    for name, scores in rankers.items():
        s = _by_truth(scores, people).reindex(risky.index).fillna(0.0).to_numpy()
        m = _metrics(risky.to_numpy(), s)
        m.update(_confounders(risky.to_numpy(), is_conf, s))
        ev.travellers[name] = m
        ev.arrivals[name] = s
    ev.confounders_in_top_100 = ev.travellers["propagation"]["confounders_top_100"]
    score = _by_truth(result.scores, people).reindex(risky.index).fillna(0.0)
    top = score.sort_values(ascending=False, kind="stable").index[:100]
    ev.confounders_listed = {p: {"rank": int(i + 1), "type": str(kinds[p])}
                             for i, p in enumerate(top) if p in kinds.index and not risky[p]}
    ev.riskiest_people = _riskiest_people(_by_truth(result.scores, people), kinds, truth_dir)
    if clusters is not None:
        ev.clusters = _cluster_matches(people, clusters, truth_dir, proj, store)
    ranked = score.rank(ascending=False, method="min")
    why = upcoming[upcoming["risky"].astype(bool)].drop_duplicates("person_id").set_index("person_id")["reasons"]
    ev.risky_ranks = {str(p): {"rank": int(ranked[p]), "why": str(why.get(p, ""))} for p in why.index}
    return ev


def _riskiest_people(score: pd.Series, kinds: pd.Series, truth_dir: Path, k: int = 100) -> dict[str, Any]:
    """The other reading of item 2: among the ``k`` riskiest people of the whole graph (not only the
    arrivals), how many are planted scheme members and how many confounders (members of no scheme), next
    to the confounders chance would put in the non-scheme places."""
    members = set(pd.read_csv(truth_dir / "scheme_members.csv", dtype=str)["person_id"])
    population = len(pd.read_csv(truth_dir / "persons.csv", usecols=["person_id"]))
    top = score.sort_values(ascending=False, kind="stable").index[:k]
    n_scheme = sum(p in members for p in top)
    found = [p for p in top if p in kinds.index and p not in members]
    benign = kinds.index.difference(list(members))
    share = len(benign) / max(1, population - len(members))
    return {"top": len(top), "scheme_members": n_scheme, "confounders": len(found),
            "confounders_by_chance": round((len(top) - n_scheme) * share, 2),
            "listed": {p: str(kinds[p]) for p in found}}


def _confounders(risky: np.ndarray, is_conf: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """Confounders among the top 100 (expected over ties), and as many as chance would put there."""
    k = min(100, len(scores))
    found = expected_hits(is_conf.astype(int), scores, k)
    non_risky_top = k - expected_hits(risky.astype(int), scores, k)
    share = float(is_conf.sum()) / max(1, int((~risky).sum()))
    return {"confounders_top_100": round(found, 2), "confounders_by_chance": round(non_risky_top * share, 2)}


def _by_crossings(people: pd.Series, truth_dir: Path, proj: Projection) -> pd.Series:
    """``people`` with each stored person who made crossings mapped to the true person behind most of them
    (``truth/crossings.csv``): an impostor whose only document is the victim's passport is the impostor, not
    the victim (the document votes of ``truth_of_people`` give it to the victim)."""
    from graph.ids import node_ids

    made = proj.edges_of("MADE")
    if not len(made):
        return people
    truth = pd.read_csv(truth_dir / "crossings.csv", dtype=str, usecols=["crossing_id", "person_id"])
    truth["id"] = node_ids("Crossing", truth["crossing_id"]).to_pylist()
    made_by = pd.DataFrame({"index": proj.src[made], "id": proj.ids(proj.dst[made])}).merge(truth[["id", "person_id"]])
    votes = made_by.groupby(["index", "person_id"]).size().rename("n").reset_index()
    best = votes.sort_values(["index", "n", "person_id"], ascending=[True, False, True]).drop_duplicates("index")
    return best.set_index("index")["person_id"].combine_first(people)


#: Person links read from associated rows (a person referred to by name only gets a person of its own).
RECORD_LINKS = ("USES", "HOLDS", "LIVES_AT", "WORKS_FOR")


def _by_records(people: pd.Series, store: GraphStore, proj: Projection, truth_dir: Path) -> pd.Series:
    """``people`` with each stored person still unmapped (no document or crossing of the truth: a record
    naming someone by name only, ``split_id`` noise) mapped to the true person behind most of the associated
    rows its links come from (``truth/associated_rows.csv``; a source ``associated/FILE:LINE`` is data row
    ``LINE - 1``). Without it, a ring organiser whose card and phone rows name them by name only counted as
    missing from the cluster that holds those rows' person."""
    path = truth_dir / "associated_rows.csv"
    if not path.exists():
        return people
    persons = np.flatnonzero(proj.mask("Person"))
    unmapped = set(proj.ids(persons[~np.isin(persons, people.index.to_numpy())]))
    rows = []
    for edge_type in RECORD_LINKS:
        if edge_type not in store.schema.edges:
            continue
        for batch in store.export_edges(edge_type):
            frame = batch.select(["src", "sources"]).to_pandas()
            frame = frame[frame["src"].isin(unmapped)].explode("sources").dropna()
            rows.append(frame[frame["sources"].str.startswith("associated/")])
    if not rows or not sum(len(r) for r in rows):
        return people
    found = pd.concat(rows, ignore_index=True)
    where = found["sources"].str[len("associated/"):].str.rsplit(":", n=1, expand=True)
    found = found.assign(file=where[0], row=where[1].astype(int) - 1)
    truth = pd.read_csv(path, dtype={"file": str, "row": int, "person_id": str})
    votes = found.merge(truth, on=["file", "row"]).groupby(["src", "person_id"]).size().rename("n").reset_index()
    best = votes.sort_values(["src", "n", "person_id"], ascending=[True, False, True]).drop_duplicates("src")
    extra = pd.Series(best["person_id"].to_numpy(), index=proj.index(list(best["src"])))
    return people.combine_first(extra)


def _by_bookings(people: pd.Series, store: GraphStore, proj: Projection, truth_dir: Path) -> pd.Series:
    """``people`` with each stored person still unmapped mapped to the passenger behind its PNR bookings
    (``truth/pnr_passengers.csv``: file, booking locator, passenger number). A PNR names a passenger by name
    only when SSR DOCS is missing (15 % of passengers): such a booking person cannot be resolved into the
    traveller, and without this a facilitator's cluster holding the booking counted the traveller as missing."""
    path = truth_dir / "pnr_passengers.csv"
    if not path.exists() or "BOOKED" not in store.schema.edges:
        return people
    from graph.ids import node_ids

    persons = np.flatnonzero(proj.mask("Person"))
    unmapped = set(proj.ids(persons[~np.isin(persons, people.index.to_numpy())]))
    booked = pd.concat([b.select(["src", "dst", "traveller_ref", "sources"]).to_pandas()
                        for b in store.export_edges("BOOKED")], ignore_index=True)
    booked = booked[booked["src"].isin(unmapped)]
    if booked.empty:
        return people
    bookings = pd.concat([b.select(["carrier", "locator", "created"]).to_pandas()
                          for b in store.export_nodes("Booking")], ignore_index=True)
    created = bookings["created"].astype(str).str[:10].where(bookings["created"].notna(), "0000-00-00")
    bookings["dst"] = node_ids("Booking", bookings["carrier"].str.upper(), bookings["locator"].str.upper(),
                               created).to_pylist()
    booked = booked.merge(bookings[["dst", "locator"]], on="dst").explode("sources").dropna(subset=["sources"])
    booked["file"] = booked["sources"].str.extract(r"([^/#]+\.edi)", expand=False)
    booked["passenger_index"] = pd.to_numeric(booked["traveller_ref"], errors="coerce")
    truth = pd.read_csv(path, dtype={"file": str, "locator": str, "passenger_index": int, "person_id": str})
    votes = booked.merge(truth, on=["file", "locator", "passenger_index"])
    votes = votes.groupby(["src", "person_id"]).size().rename("n").reset_index()
    best = votes.sort_values(["src", "n", "person_id"], ascending=[True, False, True]).drop_duplicates("src")
    extra = pd.Series(best["person_id"].to_numpy(), index=proj.index(list(best["src"])))
    return people.combine_first(extra)


def _cluster_matches(
    people: pd.Series, clusters: Clusters, truth_dir: Path, proj: Projection, store: GraphStore | None = None
) -> list[dict[str, Any]]:
    truth_ids = _by_crossings(people, truth_dir, proj)
    if store is not None:
        truth_ids = _by_bookings(_by_records(truth_ids, store, proj, truth_dir), store, proj, truth_dir)
    truth_ids.index = proj.ids(truth_ids.index.to_numpy())
    found = [
        (cid, int(rank), {truth_ids.get(p) for p in people} - {None})
        for cid, rank, people in zip(
            clusters.table["cluster_id"].tolist(), clusters.table["rank"].tolist(),
            clusters.table["person_ids"].tolist(), strict=True,
        )
    ]
    members = pd.read_csv(truth_dir / "scheme_members.csv", dtype=str)
    members = members[members["scheme_type"].isin(CLUSTER_SCHEMES) & (members["role"] != "FORGED_DOCUMENT")]
    out = []
    for (sid, stype), group in members.groupby(["scheme_id", "scheme_type"]):
        planted = set(group["person_id"])
        best = max(
            ((len(planted & c) / len(planted | c), cid, rank) for cid, rank, c in found if c),
            default=(0.0, "", 0),
        )
        out.append(
            {
                "scheme": sid,
                "type": stype,
                "size": len(planted),
                "jaccard": round(best[0], 3),
                "cluster": best[1],
                "rank": best[2],
            }
        )
    return out


def write_report(ev: Evaluation, out: Path) -> Path:
    """Write ``evaluation_graph.json``, ``evaluation_graph.md``, every arrival's scores
    (``evaluation_arrivals.csv``) and the plots (``evaluation_pr.png``, ``evaluation_scores.png``) into
    ``out``; returns the Markdown path."""
    import json
    from dataclasses import fields

    out.mkdir(parents=True, exist_ok=True)
    data = {f.name: getattr(ev, f.name) for f in fields(ev) if f.name != "arrivals"}
    (out / "evaluation_graph.json").write_text(json.dumps(data, indent=2, default=float))
    plots = []
    if len(ev.arrivals):
        from analytics.evaluate_plots import write_plots

        plots = write_plots(ev.arrivals, out)
        ev.arrivals.rename_axis("person_id").to_csv(out / "evaluation_arrivals.csv")
    lines = ["# Graph analytics against the world's truth", ""]
    if ev.run:
        lines += [", ".join(f"{k} {v}" for k, v in ev.run.items()), ""]
    lines += ["## Risky upcoming travellers", ""]
    lines += [f"![{p.stem}]({p.name})" for p in plots] + ([""] if plots else [])
    keys = ["risky", "arrivals", "r_precision", "precision_at_100", "recall_at_100", "roc_auc", "pr_auc",
            "confounders_top_100", "confounders_by_chance"]
    lines += ["| ranker | " + " | ".join(keys) + " |", "|" + " --- |" * (len(keys) + 1)]
    for name, m in ev.travellers.items():
        lines.append(f"| {name} | " + " | ".join(str(m.get(k, "")) for k in keys) + " |")
    skipped = [b for b in BASELINES if b not in ev.travellers] if "baselines" in ev.run else []
    if skipped:
        lines += ["", f"Baselines not run (left out with --baselines): {', '.join(skipped)}"]
    lines += ["", f"Confounders among the top 100 (propagation): {ev.confounders_in_top_100}", ""]
    lines += ["| rank | confounder | type |", "| --- | --- | --- |"]
    lines += [f"| {c['rank']} | {p} | {c['type']} |" for p, c in ev.confounders_listed.items()]
    if ev.riskiest_people:
        r = ev.riskiest_people
        lines += ["", f"Among the {r['top']} riskiest people of the whole graph: {r['scheme_members']} planted scheme "
                  f"members, {r['confounders']} confounders (by chance {r['confounders_by_chance']}): "
                  + (", ".join(f"{p} {t}" for p, t in r["listed"].items()) or "none")]
    lines += ["", "## Risky travellers by rank (propagation)", ""]
    lines += ["| rank | person | why risky |", "| --- | --- | --- |"]
    for p, r in sorted(ev.risky_ranks.items(), key=lambda item: (item[1]["rank"], item[0])):
        lines.append(f"| {r['rank']} | {p} | {r['why']} |")
    lines += ["", "## Planted schemes", ""]
    lines += ["| scheme | type | size | best Jaccard | cluster | rank |", "| --- | --- | --- | --- | --- | --- |"]
    for c in ev.clusters:
        lines.append(f"| {c['scheme']} | {c['type']} | {c['size']} | {c['jaccard']} | {c['cluster']} | {c['rank']} |")
    path = out / "evaluation_graph.md"
    path.write_text("\n".join(lines) + "\n")
    return path
