"""Risk propagation: personalised PageRank from the seeds over the specificity-weighted, decayed graph.

A random walker starts at a seed (chosen by seed weight), follows links in proportion to their weight (edge
type x time decay x the specificity of both ends) and jumps back to a seed with probability ``restart`` at
every step; a node's risk is how often the walker stands on it. Risk so flows from known risk along strong,
specific, recent links, and thins out through hubs (a hotel phone passes little to each of its thousands of
guests). The answer is the fixed point of the power iteration on a ``scipy.sparse`` CSR matrix::

    r <- restart * s + (1 - restart) * (W @ (r / d) + dangling(r) * s)

found to the same L1 tolerance by conjugate gradients on its symmetric form, the products in float32 with
float64 refinement (``analytics.pagerank``): 35 sparse products at 1M nodes instead of 58 float64 ones.

A household member's risk (``analytics.households``: someone the graph shows travelling or living with
kin) is the walk's risk times ``households.discount``: links explained by a family are not leads, and a
family holds on to the little risk that reaches it, which lifted families above lone travellers with the
same outside links; the discount is one of the person's reasons (``household``). Seeds keep their risk.

``run_propagation`` does the whole run (projection, specificity, seeds, household discount, walk) and
writes ``risk_score`` (the person's risk relative to the riskiest person, 0..1), ``risk_reasons`` (JSON: the
seed reasons of the person, the links most of its risk came through, the household discount) and
``risk_run`` on ``Person`` nodes.

>>> import scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> r, _, _ = personalised_pagerank(w, np.array([1.0, 0, 0]), restart=0.5)
>>> bool(r[0] > r[1] > r[2]), round(float(r.sum()), 6)
(True, 1.0)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from analytics.config import RunConfig
from analytics.households import household_scale
from analytics.pagerank import personalised_pagerank
from analytics.projection import Projection, project
from analytics.seeds import find_seeds, seed_vector
from analytics.specificity import specificity
from graph.ids import node_ids
from graph.store import GraphStore


def top_per_row(indptr: np.ndarray, values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ``k`` largest values of each CSR row (ties: the earlier position first) and their
    rows, by row then rank: what a stable ``lexsort((-values, rows))`` gives, in ``k`` passes of
    ``maximum.reduceat`` (measured 10x faster on 3M values).

    >>> pos, rows = top_per_row(np.array([0, 3, 3, 5]), np.array([1.0, 3.0, 3.0, 2.0, 5.0]), 2)
    >>> pos.tolist(), rows.tolist()
    ([1, 2, 4, 3], [0, 0, 2, 2])
    """
    lengths = np.diff(indptr)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    work = np.array(values, dtype=np.float64)
    live = np.flatnonzero(lengths)
    picks, ranks = [], []
    for rank in range(k):
        if not len(live):
            break
        best = np.full(len(lengths), -np.inf)
        best[live] = np.maximum.reduceat(work, indptr[live])
        hit = np.flatnonzero((work == best[rows]) & (work > -np.inf))
        first = hit[np.r_[True, rows[hit][1:] != rows[hit][:-1]]] if len(hit) else hit
        picks.append(first)
        ranks.append(np.full(len(first), rank))
        work[first] = -np.inf
        live = live[lengths[live] > rank + 1]
    pos = np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)
    order = np.lexsort((np.concatenate(ranks) if ranks else pos, rows[pos]))
    return pos[order], rows[pos][order]


@dataclass
class Propagation:
    """A propagation run: raw scores per node, the seeds, the weighted matrix and how it converged.

    ``scores`` are the walk's scores times ``discount`` (per node, 1 where none applies: the household
    discount); ``walked()`` gives the walk's own scores (``walk``, kept as the walk gave them: a discount of 0
    could not be divided out again), which the links' shares are fractions of."""

    proj: Projection
    seeds: pd.DataFrame
    spec: np.ndarray
    matrix: sp.csr_matrix
    scores: np.ndarray
    iterations: int
    delta: float
    config: RunConfig
    run_id: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    discount: np.ndarray | None = None
    walk: np.ndarray | None = None

    def walked(self) -> np.ndarray:
        """The walk's scores before the household discount."""
        return self.scores if self.walk is None else self.walk

    def persons(self, *, top: int | None = None, min_score: float = 0.0) -> pd.DataFrame:
        """People by risk, highest first: ``index``, ``id``, ``raw`` and ``risk_score`` (0..1, relative to the
        riskiest person), those at or above ``min_score``, at most ``top``."""
        idx = np.flatnonzero(self.proj.mask("Person"))
        raw = self.scores[idx]
        best = raw.max(initial=0.0)
        rel = raw / best if best > 0 else raw
        keep = rel >= min_score if min_score > 0 else rel > 0
        idx, raw, rel = idx[keep], raw[keep], rel[keep]
        order = np.lexsort((self.proj.nids[idx], -rel))[: top or None]
        idx = idx[order]
        return pd.DataFrame({"index": idx, "id": self.proj.ids(idx), "raw": raw[order], "risk_score": rel[order]})

    def contributions(self, idx: np.ndarray, *, per_node: int = 3) -> pd.DataFrame:
        """For nodes ``idx``: the neighbours most of their walked-in risk came through, with their share."""
        restart = self.config.propagation.restart
        walked = self.walked()
        d = np.asarray(self.matrix.sum(axis=1)).ravel()
        x = np.divide(walked, d, out=np.zeros_like(d), where=d > 0)
        sub = self.matrix[idx]
        contrib = (1.0 - restart) * sub.data * x[sub.indices]
        pos, rows = top_per_row(sub.indptr, contrib, per_node)
        cols, contrib = sub.indices[pos], contrib[pos]
        keep = contrib > 0
        rows, cols, contrib = rows[keep], cols[keep], contrib[keep]
        own = walked[idx][rows]
        return pd.DataFrame(
            {
                "row": rows,
                "via": cols,
                "share": np.divide(contrib, own, out=np.zeros_like(contrib), where=own > 0),
                "specificity": self.spec[cols],
            }
        )


#: The reason a household member's score carries (``analytics.households``), with the weight of its node.
HOUSEHOLD_TEXT = json.dumps("travels or lives with kin, or travelled in a tour group: links explained by the "
                            "household or the tour, risk x{:.3g}")


def reasons_json(result: Propagation, people: pd.DataFrame) -> list[str]:
    """``risk_reasons`` for each row of ``people`` (from ``Propagation.persons``): JSON text with the person's
    score, seed reasons, the links the rest of its risk came through and, for a household member, the
    household discount (``household``; keys sorted, as ``json.dumps``
    with ``sort_keys`` writes them; built as text, a dict and ``json.dumps`` per person cost seconds at
    100,000 people)."""
    idx = people["index"].to_numpy()
    via = result.contributions(idx)
    via_idx = via["via"].to_numpy()
    links = [
        f'{{"label": "{lab}", "share": {share!r}, "specificity": {spec!r}, "via": "{vid}"}}'
        for vid, lab, share, spec in zip(
            result.proj.ids(via_idx),
            result.proj.label_of(via_idx),
            np.round(via["share"].to_numpy(), 4).tolist(),
            np.round(via["specificity"].to_numpy(), 3).tolist(),
            strict=True,
        )
    ]
    bounds = np.searchsorted(via["row"].to_numpy(), np.arange(len(idx) + 1)).tolist()
    seed_reasons = result.seeds.groupby("index")["reason"].apply(list) if len(result.seeds) else pd.Series(dtype=object)
    by_index = zip(seed_reasons.index.tolist(), seed_reasons.tolist(), strict=True)
    seed_text = {int(i): json.dumps(r, ensure_ascii=False) for i, r in by_index}
    run = json.dumps(result.run_id, ensure_ascii=False)
    own = result.discount[idx] if result.discount is not None else np.ones(len(idx))
    household = [f'"household": {HOUSEHOLD_TEXT.format(w)}, ' if w < 1.0 else "" for w in own.tolist()]
    return [
        f'{{{household[row]}"links": [{", ".join(links[bounds[row] : bounds[row + 1]])}], "run": {run}, '
        f'"score": {score!r}, "seed": {seed_text.get(i, "[]")}}}'
        for row, (i, score) in enumerate(
            zip(idx.tolist(), np.round(people["risk_score"].to_numpy(), 6).tolist(), strict=True)
        )
    ]


def propagate(
    proj: Projection,
    seeds: pd.DataFrame,
    config: RunConfig | None = None,
    *,
    spec: np.ndarray | None = None,
    discount: np.ndarray | None = None,
) -> Propagation:
    """Personalised PageRank from ``seeds`` over ``proj`` weighted by specificity, times ``discount`` per node
    when given (``analytics.households.household_scale``: 1 at the seeds; see the module doc)."""
    config = config or RunConfig()
    spec = specificity(proj, config) if spec is None else spec
    matrix = proj.matrix(spec)
    p = config.propagation
    scores, iters, delta = personalised_pagerank(
        matrix, seed_vector(seeds, proj.n_nodes), restart=p.restart, tol=p.tolerance, max_iter=p.max_iterations
    )
    if discount is None:
        return Propagation(proj, seeds, spec, matrix, scores, iters, delta, config)
    return Propagation(proj, seeds, spec, matrix, scores * discount, iters, delta, config, discount=discount,
                       walk=scores)


def new_run_id(now: datetime | None = None) -> str:
    """A run id from the time: ``run-20261127T020000Z``."""
    return (now or datetime.now(UTC)).strftime("run-%Y%m%dT%H%M%SZ")


def run_propagation(
    store: GraphStore, config: RunConfig | None = None, *, run_id: str | None = None, write: bool = True
) -> Propagation:
    """Project, find seeds, propagate and (``write``) store each person's score and reasons.

    ``timings`` holds each step's wall seconds (``projection_s``, ``seeds_s``, ``propagation_s``,
    ``write_s``) and this process's CPU seconds (``..._cpu_s``: a busy machine stretches the wall time).
    """
    import time

    config = config or RunConfig()
    marks = [(time.perf_counter(), time.process_time())]
    proj = project(store, config)
    marks.append((time.perf_counter(), time.process_time()))
    spec = specificity(proj, config)
    seeds = find_seeds(store, proj, config, spec=spec)
    discount = household_scale(store, proj, config.households, seeds)
    marks.append((time.perf_counter(), time.process_time()))
    result = propagate(proj, seeds, config, spec=spec, discount=discount)
    result.run_id = run_id or new_run_id()
    marks.append((time.perf_counter(), time.process_time()))
    steps = ["projection", "seeds", "propagation"]
    if write:
        result.timings["written"] = float(write_scores(store, result))
        marks.append((time.perf_counter(), time.process_time()))
        steps.append("write")
    for step, (w0, c0), (w1, c1) in zip(steps, marks, marks[1:], strict=False):
        result.timings[f"{step}_s"] = w1 - w0
        result.timings[f"{step}_cpu_s"] = c1 - c0
    return result


def write_scores(store: GraphStore, result: Propagation) -> int:
    """Write ``risk_score``, ``risk_reasons`` and ``risk_run`` on the riskiest people (at least
    ``write_min_score``, at most ``write_top``) through the store's bulk writer; returns how many."""
    p = result.config.propagation
    people = result.persons(top=p.write_top, min_score=p.write_min_score)
    if people.empty:
        return 0
    keys = person_keys(store, result.proj.nids[people["index"].to_numpy()])
    found = keys.pop("__found").to_numpy()
    rows = pd.DataFrame(
        {
            **{k: v[found] for k, v in keys.items()},
            "risk_score": people["risk_score"].to_numpy()[found],
            "risk_reasons": np.asarray(reasons_json(result, people), dtype=object)[found],
            "risk_run": result.run_id,
        }
    )
    with store.writer() as w:
        w.upsert_nodes("Person", rows)
    return len(rows)


_HEX = np.zeros(256, dtype=np.int64)
_HEX[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16)


def id_numbers(ids: pa.Array, label: str) -> np.ndarray:
    """The 63-bit numbers of node ids of one label (``Label:`` and 16 hex digits), vectorised.

    >>> from graph.ids import node_id, parse_id
    >>> i = node_id("Person", "P1")
    >>> int(id_numbers(pa.array([i]), "Person")[0]) == parse_id(i)[1]
    True
    """
    digits = pc.utf8_slice_codeunits(ids, len(label) + 1).to_numpy(zero_copy_only=False).astype("S16")
    nibbles = _HEX[np.frombuffer(digits.tobytes(), dtype=np.uint8).reshape(-1, 16)]
    return (nibbles << np.arange(60, -4, -4, dtype=np.int64)).sum(axis=1)


def person_keys(store: GraphStore, numbers: np.ndarray) -> dict[str, pd.Series]:
    """The key columns of the people with these node numbers, in their order (the writer upserts by key),
    read in one pass over the store's Person export; ``__found`` marks the people the export held."""
    key_cols = list(store.schema.node("Person").key)
    want = pd.Index(numbers)
    out = {k: pd.Series([None] * len(numbers), dtype=object) for k in key_cols}
    found = np.zeros(len(numbers), dtype=bool)
    for batch in store.export_nodes("Person"):
        nums = id_numbers(node_ids("Person", *[batch.column(k) for k in key_cols]), "Person")
        pos = want.get_indexer(nums)
        hit = pos >= 0
        for k in key_cols:
            out[k].iloc[pos[hit]] = batch.column(k).to_numpy(zero_copy_only=False)[hit]
        found[pos[hit]] = True
    return {**out, "__found": pd.Series(found)}
