"""Parameters of a synthetic world: size, time frame, noise rates and planted-scheme counts.

Everything that shapes the output is here, so ``world.json`` can record it and the same parameters give the
same bytes. The world's "today" is a fixed date (not the wall clock) for the same reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

HOME = "HKG"
"""The controlling country: an East-Asian hub (airport, land crossings to the mainland, ferry terminals)."""

UTC_OFFSET = "+08:00"


@dataclass(frozen=True)
class NoiseRates:
    """Probability per record of each kind of noise (see docs/world.md for what each kind does)."""

    typo: float = 0.02
    swap: float = 0.01
    translit: float = 0.05
    partial_dob: float = 0.02
    missing: float = 0.02
    split_id: float = 0.05
    duplicate_message: float = 0.03
    late_advance: float = 0.03

    def scaled(self, factor: float) -> NoiseRates:
        """All rates multiplied by ``factor`` (capped at 1).

        >>> NoiseRates().scaled(0).typo
        0.0
        """
        return NoiseRates(**{k: min(1.0, v * factor) for k, v in asdict(self).items()})


@dataclass(frozen=True)
class WorldConfig:
    """All parameters of one world.

    >>> cfg = WorldConfig(persons=2000, days=7, seed=1)
    >>> cfg.history_start < cfg.today
    True
    """

    persons: int = 2000
    days: int = 7
    seed: int = 1
    history_years: int = 3
    today: date = date(2026, 3, 1)
    advance_history_days: int = 45
    noise: NoiseRates = field(default_factory=NoiseRates)

    @property
    def history_start(self) -> date:
        """First day of recorded history."""
        return self.today - timedelta(days=365 * self.history_years)

    @property
    def n_history_days(self) -> int:
        """Days of history before today."""
        return (self.today - self.history_start).days

    def scale(self, per_million: float, minimum: int = 1) -> int:
        """A count that grows with the world size (``per_million`` at 1,000,000 people)."""
        return max(minimum, round(per_million * self.persons / 1_000_000))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values."""
        out = asdict(self)
        out["today"] = self.today.isoformat()
        out["history_start"] = self.history_start.isoformat()
        return out


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the world keeps every date as such an integer)."""
    return int(np.datetime64(d.isoformat(), "D").astype(np.int64))


def iso_days(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``YYYY-MM-DD`` strings (object array).

    >>> iso_days(np.array([0, 20000])).tolist()
    ['1970-01-01', '2024-10-04']
    """
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]")).astype(object)


_STREAMS = {
    "people": 1,
    "names": 2,
    "documents": 3,
    "travel": 4,
    "schemes": 5,
    "noise": 6,
    "advance": 7,
    "associated": 8,
    "confounders": 9,
    "outcomes": 10,
    "crew": 11,
}


def rng_for(cfg: WorldConfig, stream: str) -> np.random.Generator:
    """An independent random generator per part of the world, so parts do not shift each other."""
    return np.random.default_rng([cfg.seed, _STREAMS[stream]])
