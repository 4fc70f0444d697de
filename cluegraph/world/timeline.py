"""Calendar of the world: the days, and how busy each is (season, holidays, weekday, slow growth)."""

from __future__ import annotations

import numpy as np

from cluegraph.world.config import WorldConfig, day_number

_WEEKDAY = np.array([0.95, 0.85, 0.85, 0.95, 1.15, 1.1, 1.15])  # Monday first


def day_range(cfg: WorldConfig, *, before: int = 30) -> np.ndarray:
    """Day numbers from ``before`` days ahead of history to the end of the upcoming window."""
    return np.arange(day_number(cfg.history_start) - before, day_number(cfg.today) + cfg.days)


def weekday(days: np.ndarray) -> np.ndarray:
    """Weekday of day numbers, Monday = 0 (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7


def day_weights(cfg: WorldConfig, days: np.ndarray) -> np.ndarray:
    """Relative travel volume of each day, normalised to sum to one."""
    doy = (days.astype("datetime64[D]") - days.astype("datetime64[D]").astype("datetime64[Y]")).astype(int)
    season = 1 + 0.12 * np.cos(2 * np.pi * (doy - 205) / 365)  # summer peak
    holidays = 1 + 0.35 * ((doy >= 22) & (doy < 45)) + 0.3 * ((doy >= 273) & (doy < 281))  # New Year, Oct
    holidays += 0.2 * (doy >= 355)
    growth = 1 + 0.05 * (days - days[0]) / 365
    w = season * holidays * growth * _WEEKDAY[weekday(days)]
    return w / w.sum()
