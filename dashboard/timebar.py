"""The time bar: a histogram of when a scene's links were seen, and a range slider over its months.

Slider positions are month indexes into the bins; ``window`` turns them back into ISO bounds for
``elements.visible`` and ``store.neighbours``.

>>> scene = [{"data": {"id": "e1", "source": "a", "target": "b", "first_seen": "2024-01-10T00:00:00"}},
...          {"data": {"id": "e2", "source": "a", "target": "c", "first_seen": "2024-03-02T00:00:00"}}]
>>> months(scene)
['2024-01', '2024-02', '2024-03']
>>> window(months(scene), [1, 2])
('2024-02-01', '2024-03-31T23:59:59')
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go


def _month(text: str | None) -> str | None:
    return text[:7] if text else None


def _span(data: dict[str, Any]) -> list[str]:
    """The months an element was seen in: from its first to its last month."""
    first, last = _month(data.get("first_seen")), _month(data.get("last_seen") or data.get("first_seen"))
    if not first or not last:
        return [m for m in (first, last) if m]
    return _range(first, last)


def _range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def months(scene: Sequence[dict[str, Any]]) -> list[str]:
    """Every month from the earliest to the latest time seen on the scene's links (``YYYY-MM``)."""
    seen = [
        m
        for e in scene
        if "source" in e["data"]
        for m in (_month(e["data"].get("first_seen")), _month(e["data"].get("last_seen")))
        if m
    ]
    return _range(min(seen), max(seen)) if seen else []


def counts(scene: Sequence[dict[str, Any]], bins: Sequence[str]) -> list[int]:
    """How many links were active in each month of ``bins``."""
    tally = Counter(m for e in scene if "source" in e["data"] for m in _span(e["data"]))
    return [tally.get(b, 0) for b in bins]


def window(bins: Sequence[str], value: Sequence[int] | None) -> tuple[str | None, str | None]:
    """ISO bounds of the months the slider selects (None, None when nothing is selected)."""
    if not bins or not value:
        return None, None
    lo, hi = bins[max(0, min(value))], bins[min(len(bins) - 1, max(value))]
    y, m = int(hi[:4]), int(hi[5:7])
    return f"{lo}-01", f"{hi}-{calendar.monthrange(y, m)[1]:02d}T23:59:59"


def figure(bins: Sequence[str], values: Sequence[int]) -> go.Figure:
    """The histogram above the slider."""
    fig = go.Figure(go.Bar(x=list(bins), y=list(values), marker_color="#4e79a7"))
    fig.update_layout(
        height=110,
        margin={"l": 30, "r": 10, "t": 5, "b": 25},
        bargap=0.1,
        xaxis={"type": "category", "tickfont": {"size": 9}},
        yaxis={"tickfont": {"size": 9}},
    )
    return fig


def marks(bins: Sequence[str]) -> dict[int, str]:
    """Slider marks: about eight month labels along the range."""
    step = max(1, len(bins) // 8)
    return {i: b for i, b in enumerate(bins) if i % step == 0 or i == len(bins) - 1}


def remap(old_bins: Sequence[str], new_bins: Sequence[str], value: Sequence[int] | None) -> list[int]:
    """Keep the chosen months when the bins change (a window covering all of the old range covers all of
    the new one).

    >>> remap(["2024-01", "2024-02"], ["2023-12", "2024-01", "2024-02", "2024-03"], [1, 1])
    [2, 2]
    >>> remap(["2024-01", "2024-02"], ["2023-12", "2024-01", "2024-02", "2024-03"], [0, 1])
    [0, 3]
    """
    full = [0, max(0, len(new_bins) - 1)]
    if not value or not old_bins or not new_bins or (min(value) <= 0 and max(value) >= len(old_bins) - 1):
        return full
    lo, hi = old_bins[max(0, min(value))], old_bins[min(len(old_bins) - 1, max(value))]
    idx = {b: i for i, b in enumerate(new_bins)}
    return [idx.get(lo, 0), idx.get(hi, full[1])]
