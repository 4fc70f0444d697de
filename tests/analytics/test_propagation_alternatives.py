"""A record possibly the same as several people passes each of them only its share of an identity: risk
reaching a name-only record does not cross whole to every namesake."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analytics.config import RunConfig
from analytics.projection import project
from graph.ids import node_id
from graph.store import open_store

NAMESAKES = [f"A{i}" for i in range(5)]


def P(key: str) -> str:
    return node_id("Person", key)


def _store(path: str):
    st = open_store(path)
    keys = ["N", "X", "Y", *NAMESAKES]
    alias = [("N", k) for k in NAMESAKES] + [("X", "Y")]
    with st.writer() as w:
        w.upsert_nodes("Person", pd.DataFrame({"person_key": keys, "surname": "GUPTA", "given_names": "SUNITA"}))
        links = {"src": [P(a) for a, _ in alias], "dst": [P(b) for _, b in alias], "sources": "alias.csv:1"}
        w.upsert_edges("POSSIBLY_SAME_AS", pd.DataFrame(links))
    return st


def _weights(proj) -> dict[tuple[str, str], float]:
    ids = proj.ids(np.arange(proj.n_nodes))
    return {tuple(sorted((ids[s], ids[d]))): float(w) for s, d, w in zip(proj.src, proj.dst, proj.weight, strict=True)}


def test_a_name_matched_to_five_namesakes_gives_each_a_fifth_and_a_lone_pair_keeps_its_weight(tmp_path) -> None:
    with _store(str(tmp_path / "a.duckdb")) as st:
        cfg = RunConfig()
        w = _weights(project(st, cfg))
        full = cfg.edge_weights["POSSIBLY_SAME_AS"]
        for k in NAMESAKES:
            assert np.isclose(w[tuple(sorted((P("N"), P(k))))], full / 5)
        assert np.isclose(w[tuple(sorted((P("X"), P("Y"))))], full)


def test_split_alternatives_off_keeps_every_link_whole(tmp_path) -> None:
    with _store(str(tmp_path / "b.duckdb")) as st:
        cfg = RunConfig()
        cfg = dataclasses.replace(cfg, specificity=dataclasses.replace(cfg.specificity, split_alternatives=False))
        w = _weights(project(st, cfg))
        assert np.allclose(list(w.values()), cfg.edge_weights["POSSIBLY_SAME_AS"])
