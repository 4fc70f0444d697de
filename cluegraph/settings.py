"""Deployment settings, read once from ``CLUEGRAPH_*`` environment variables.

Run configuration (rules, weights, thresholds) is kept apart, as YAML files loaded by the analytics; this
module only knows where things are and how to reach them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_STORE = "./cluegraph.duckdb"
DEFAULT_RUNS = "./runs"


@dataclass(frozen=True)
class Settings:
    """Where the graph store is (``CLUEGRAPH_STORE``), where batch runs go (``CLUEGRAPH_RUNS``)."""

    store: str = DEFAULT_STORE
    runs: str = DEFAULT_RUNS


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The deployment settings of this process (read once).

    >>> isinstance(settings().store, str)
    True
    """
    return Settings(store=os.environ.get("CLUEGRAPH_STORE", DEFAULT_STORE),
                    runs=os.environ.get("CLUEGRAPH_RUNS", DEFAULT_RUNS))
