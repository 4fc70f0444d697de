"""Identifier specificity: an IDF-like weight per node, learned from the graph, not from a hand list.

A phone, card, address or agency that links thousands of people (a hotel switchboard, a travel agency, a
corporate account) says little about any one of them; one shared by two or three says a lot. Like inverse
document frequency, the weight falls with the log of how many links a node has::

    spec(n) = clip(log(N / n) / log(N / 2), floor, 1) ** power      (n = the node's links, N = the people)

so a node linking two people weighs 1 and one linking everybody weighs ``floor``. Links of the ``ignore``
types (``MADE``, ``USED``: one per crossing) are not counted, so a commuter's identity card used on three
hundred crossings stays specific to its holder. Labels in ``exempt`` (people, cases, watchlist entries)
weigh 1: they are the risk itself, not a shared identifier.

>>> import numpy as np
>>> np.round(idf(np.array([1, 2, 20, 2000]), people=100_000, power=1.0), 2)
array([1.  , 1.  , 0.79, 0.36])
"""

from __future__ import annotations

import numpy as np

from analytics.config import RunConfig, SpecificityConfig
from analytics.projection import Projection


def idf(links: np.ndarray, *, people: int, power: float = 2.0, floor: float = 0.0) -> np.ndarray:
    """The specificity of nodes with ``links`` links in a graph of ``people`` people (see the module doc)."""
    n_ref = max(float(people), float(links.max(initial=0)), 3.0)
    raw = np.log(n_ref / np.maximum(links, 2)) / np.log(n_ref / 2.0)
    return np.clip(raw, floor, 1.0) ** power


def specificity(proj: Projection, config: RunConfig | SpecificityConfig | None = None) -> np.ndarray:
    """Specificity of every node of the projection (1 for exempt labels), in node index order."""
    cfg = config.specificity if isinstance(config, RunConfig) else (config or SpecificityConfig())
    counted = [t for t in proj.type_names if t not in cfg.ignore]
    links = proj.degree(counted)
    people = int(proj.mask("Person").sum())
    spec = idf(links, people=people, power=cfg.power, floor=cfg.floor)
    exempt = np.isin(proj.labels, [proj.label_code(lab) for lab in cfg.exempt])
    spec[exempt] = 1.0
    return spec
