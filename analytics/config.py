"""The run configuration of graph analytics: seed weights, edge weights, decay, propagation, paths, clusters.

A run configuration is data (YAML), validated at load into a frozen ``RunConfig`` and saved beside every
run's outputs, so a run can be repeated and audited. Unknown keys, wrong types and out-of-range values are
``ConfigError``s naming the file and the dotted field. The default lives in ``data/run.yaml`` and equals
``RunConfig()``.

>>> cfg = config_from_dict({"propagation": {"restart": 0.3}})
>>> cfg.propagation.restart, cfg.edge_weights["USES"]
(0.3, 1.0)
>>> config_from_dict({"propagation": {"restart": 2}})
Traceback (most recent call last):
...
analytics.config.ConfigError: must be between 0.01 and 0.99 [field propagation.restart, value 2]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.errors import InvalidInputError

#: The default run configuration file of the repository.
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "run.yaml"


class ConfigError(InvalidInputError):
    """A run configuration that does not validate: names the file and the dotted field."""


def _roles() -> dict[str, float]:
    return {
        "ORGANISER": 1.0,
        "SUSPECT": 0.8,
        "ACCOMPLICE": 0.7,
        "RECRUITER": 0.7,
        "COURIER": 0.6,
        "WITNESS": 0.0,
        "VICTIM": 0.0,
    }


def _edges() -> dict[str, float]:
    return {
        "HOLDS": 1.0,
        "USES": 1.0,
        "BOOKED": 1.0,
        "CONTACT": 1.0,
        "PAID_BY": 1.0,
        "VIA": 0.3,
        "LIVES_AT": 0.8,
        "WORKS_FOR": 0.4,
        "CO_TRAVELLED": 1.0,
        "POSSIBLY_SAME_AS": 0.8,
        "ANNOUNCED": 0.01,
        "MADE": 0.1,
        "USED": 0.5,
        "ON": 0.01,
        "AT": 0.0,
        "INVOLVED_IN": 0.0,
        "LISTED_AS": 0.0,
    }


@dataclass(frozen=True)
class SeedWeights:
    """How much known risk each kind of seed carries (before role, severity and score)."""

    watchlist: float = 1.0
    watchlist_name_only: float = 0.02
    case_subject: float = 1.0
    flagged_identifier: float = 1.0
    document_conflict: float = 0.6
    document_conflict_one_person: float = 0.0
    mrz_check_failed: float = 1.0
    payer_for_many: float = 0.5
    payer_min_people: int = 3
    payer_min_bookings: int = 3
    payer_min_contact_share: float = 0.75


@dataclass(frozen=True)
class DecayConfig:
    """Older links count less: weight x 0.5 ** (age / half_life). ``as_of`` defaults to the newest link."""

    half_life_days: float = 730.0
    as_of: str | None = None


@dataclass(frozen=True)
class PropagationConfig:
    """Personalised PageRank: restart probability, L1 tolerance, iteration cap, and the result's floor."""

    restart: float = 0.25
    tolerance: float = 1e-10
    max_iterations: int = 200
    write_min_score: float = 1e-4
    write_top: int = 100_000


@dataclass(frozen=True)
class SpecificityConfig:
    """IDF-like weight of identifiers, ``(log(N / n) / log(N / 2)) ** power`` clipped to [floor, 1], where ``n``
    counts a node's links (not of the ``ignore`` types, which are per-event) and ``N`` the people; ``exempt``
    labels weigh 1. ``split_alternatives``: a ``POSSIBLY_SAME_AS`` link weighs its type weight over the
    number of such links of its busier end (``analytics.projection.split_alternatives``)."""

    floor: float = 0.0
    power: float = 2.0
    exempt: tuple[str, ...] = ("Person", "Case", "WatchlistEntry")
    ignore: tuple[str, ...] = ("MADE", "USED")
    split_alternatives: bool = True


@dataclass(frozen=True)
class HouseholdConfig:
    """People travelling with kin (``analytics.households``): the factor ``discount`` on their risk
    (1 turns it off; seeds keep theirs), the largest group read as one household, the age under which a
    person is a minor, how rarely strangers may share a surname for it to count as kinship, and how many
    pairs of voyages two people who travel with nobody else must share to count as a couple; and how many
    people one round trip must carry, at least and at most, to be a tour group (``tour_min`` 0 or 1: none);
    and whether two people on one round trip and one booking, paid by nobody else, count as a couple; and
    whether two people who made ``companion_trips`` pairs of voyages together, no more than one with anybody
    else, paid by nobody else, do (``steady_couples``)."""

    discount: float = 0.003
    max_group: int = 6
    minor_age_years: float = 18.0
    chance: float = 0.01
    companion_trips: int = 2
    tour_min: int = 10
    tour_max: int = 60
    booked_couples: bool = True
    steady_couples: bool = True


@dataclass(frozen=True)
class PathsConfig:
    """Risk paths: how many, how long, and how large the local neighbourhood searched may grow."""

    k: int = 3
    max_hops: int = 4
    neighbourhood_limit: int = 400


@dataclass(frozen=True)
class ClusterConfig:
    """Clue clusters: Leiden on the person-identifier graph, and the thresholds of what a cluster is."""

    resolution: float = 0.02
    seed: int = 42
    iterations: int = 2
    min_size: int = 2
    min_specificity: float = 0.3
    co_travel_min: int = 2
    top: int = 200


@dataclass(frozen=True)
class RunConfig:
    """One analytics run's configuration (see the module doc)."""

    seeds: SeedWeights = field(default_factory=SeedWeights)
    case_roles: dict[str, float] = field(default_factory=_roles)
    case_severity: dict[str, float] = field(default_factory=lambda: {"HIGH": 1.0, "MEDIUM": 0.6, "LOW": 0.3})
    edge_weights: dict[str, float] = field(default_factory=_edges)
    decay: DecayConfig = field(default_factory=DecayConfig)
    propagation: PropagationConfig = field(default_factory=PropagationConfig)
    specificity: SpecificityConfig = field(default_factory=SpecificityConfig)
    households: HouseholdConfig = field(default_factory=HouseholdConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    clusters: ClusterConfig = field(default_factory=ClusterConfig)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as the YAML file holds it."""
        data = dataclasses.asdict(self)
        data["specificity"]["exempt"] = list(self.specificity.exempt)
        data["specificity"]["ignore"] = list(self.specificity.ignore)
        return data

    def save(self, path: Path) -> Path:
        """Write this configuration as YAML (beside a run's outputs); returns the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path


_RANGES: dict[str, tuple[float, float]] = {
    "seeds.watchlist_name_only": (0.0, 1.0),
    "seeds.document_conflict_one_person": (0.0, 1.0),
    "seeds.payer_min_contact_share": (0.0, 1.0),
    "propagation.restart": (0.01, 0.99),
    "propagation.tolerance": (0.0, 1e-2),
    "propagation.max_iterations": (1, 10_000),
    "propagation.write_min_score": (0.0, 1.0),
    "propagation.write_top": (1, 100_000_000),
    "decay.half_life_days": (1.0, 1e6),
    "specificity.floor": (0.0, 1.0),
    "specificity.power": (0.1, 10.0),
    "households.discount": (0.0, 1.0),
    "households.max_group": (2, 100),
    "households.minor_age_years": (0.0, 30.0),
    "households.chance": (0.0, 1.0),
    "households.tour_min": (0, 10_000),
    "households.tour_max": (2, 100_000),
    "paths.k": (1, 50),
    "paths.max_hops": (1, 8),
    "paths.neighbourhood_limit": (10, 100_000),
    "clusters.resolution": (1e-6, 1e3),
    "clusters.iterations": (-1, 100),
    "clusters.min_size": (2, 10_000),
    "clusters.min_specificity": (0.0, 1.0),
    "clusters.co_travel_min": (1, 1000),
    "clusters.top": (1, 1_000_000),
}


def _number(value: Any, where: str, kind: type, file: str | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        raise ConfigError(f"must be {'an integer' if kind is int else 'a number'}", file=file, field=where, value=value)
    low, high = _RANGES.get(where, (0.0, float("inf")))
    if not low <= value <= high:
        raise ConfigError(f"must be between {low:g} and {high:g}", file=file, field=where, value=value)
    return kind(value)


def _section(cls: type, data: Any, where: str, file: str | None) -> Any:
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping", file=file, field=where, value=data)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise ConfigError(f"unknown setting (known: {', '.join(fields)})", file=file, field=f"{where}.{key}")
        default = getattr(cls(), key)
        dotted = f"{where}.{key}"
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("must be a list of names", file=file, field=dotted, value=value)
            out[key] = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError("must be true or false", file=file, field=dotted, value=value)
            out[key] = value
        elif default is None or isinstance(default, str):
            if value is not None and not isinstance(value, str):
                raise ConfigError("must be text (an ISO date)", file=file, field=dotted, value=value)
            out[key] = None if value is None else str(value)
        else:
            out[key] = _number(value, dotted, type(default), file)
    return cls(**out)


def _weights(data: Any, where: str, file: str | None, known: set[str] | None = None) -> dict[str, float]:
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of names to weights", file=file, field=where, value=data)
    out = {}
    for key, value in data.items():
        if known is not None and key not in known:
            raise ConfigError("not an edge type of the data model", file=file, field=f"{where}.{key}")
        out[str(key)] = _number(value, f"{where}.{key}", float, file)
    return out


def config_from_dict(data: dict[str, Any] | None, *, file: str | None = None) -> RunConfig:
    """Validate plain data (as read from YAML) into a ``RunConfig``; missing settings keep their defaults.

    Weight tables (``case_roles``, ``case_severity``, ``edge_weights``) patch the default table entry by entry.
    """
    from graph.schema import load_schema

    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError("a run configuration must be a mapping", file=file, value=data)
    base = RunConfig()
    sections = {f.name: f for f in dataclasses.fields(RunConfig)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in sections:
            raise ConfigError(f"unknown section (known: {', '.join(sections)})", file=file, field=key)
        default = getattr(base, key)
        if isinstance(default, dict):
            known = set(load_schema().edges) if key == "edge_weights" else None
            kwargs[key] = {**default, **_weights(value, key, file, known)}
        else:
            kwargs[key] = _section(type(default), value, key, file)
    return RunConfig(**kwargs)


def read_config_file(path: str | Path | None = None) -> tuple[Any, str | None]:
    """The plain data of a run configuration file and its name (default: ``data/run.yaml``; ``(None, None)``
    when no file is named and the default is absent), with a clear error for a missing or broken file."""
    target = Path(path) if path is not None else DEFAULT_PATH
    if path is None and not target.exists():
        return None, None
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("run configuration file not found", file=str(target)) from None
    except yaml.YAMLError as err:
        raise ConfigError(f"not valid YAML: {err}", file=str(target)) from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError("a run configuration must be a mapping", file=str(target), value=data)
    return data, str(target)


def load_config(path: str | Path | None = None) -> RunConfig:
    """Load and validate a run configuration file (default: ``data/run.yaml``, or the built-in defaults)."""
    data, file = read_config_file(path)
    return config_from_dict(data, file=file)
