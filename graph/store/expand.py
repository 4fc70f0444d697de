"""The neighbourhood walk every store shares: hop by hop, nearest first, most recently seen first, capped.

A store supplies one hop (the links of a frontier, ordered by ``by_recency``); this module decides which
new nodes are taken, so both stores give the same answer to the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

#: Positions in a hop row: (eid, type, src, dst, src_label, dst_label, props, first_seen, last_seen, sources,
#: confidence, method, nbr), ends and ids as 63-bit numbers.
EID, LAST_SEEN, NBR = 0, 8, 12

Row = tuple[Any, ...]
#: hop(frontier numbers, cap) -> (at most ``cap`` rows ordered by ``by_recency``, whether more existed)
Hop = Callable[[list[int], int], tuple[list[Row], bool]]


def by_recency(rows: list[Row]) -> list[Row]:
    """Rows of a hop in the canonical order: last seen first (unknown last), then neighbour, then edge number.

    >>> [r[EID] for r in by_recency([(2,) + (None,) * 7 + (datetime(2024, 1, 1),) + (None,) * 3 + (5,),
    ...                               (1,) + (None,) * 7 + (datetime(2025, 1, 1),) + (None,) * 3 + (9,)])]
    [1, 2]
    """
    rows = sorted(rows, key=lambda r: (r[NBR], r[EID]))
    return sorted(rows, key=lambda r: r[LAST_SEEN] or datetime.min, reverse=True)


def cap_for(take: int, known: int) -> int:
    """How many links to read for a hop that may take ``take`` new nodes when ``known`` are already found."""
    return 4 * (take + known) + 16


def expand(center: int, *, depth: int, limit: int, hop: Hop) -> tuple[dict[int, int], dict[int, Row], bool]:
    """Walk out from ``center``: the hop count of each node reached, the edge rows that reached them, and
    whether the limit (or a hub's cap) cut the walk short."""
    hops: dict[int, int] = {center: 0}
    edges: dict[int, Row] = {}
    truncated = False
    frontier = [center]
    for step in range(1, depth + 1):
        take = limit - (len(hops) - 1)
        if not frontier or take <= 0:
            truncated = truncated or bool(frontier)
            break
        rows, cut = hop(frontier, cap_for(take, len(hops)))
        truncated = truncated or cut
        frontier = []
        for row in rows:
            nbr = row[NBR]
            if nbr not in hops:
                if len(frontier) == take:
                    truncated = True
                    continue
                hops[nbr] = step
                frontier.append(nbr)
            if hops[nbr] == step:
                edges[row[EID]] = row
    return hops, edges, truncated
