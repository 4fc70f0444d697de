"""Watchlist screening: which people match which watchlist entries, how strongly, and why.

Matching survives scripts and transliterations (ICAO 9303 Cyrillic, pinyin, Wade-Giles, Hangul, Arabic),
token order, typos, partial birth dates, nationality and document numbers: candidate pairs come from
blocking keys (:mod:`analytics.screening_blocking`, built on ``ingest.normalise.names``), each pair is scored
with its reasons (:mod:`analytics.screening_score`), and a pair is a hit when its score reaches the
threshold of the entry's list. ``screen_names`` is the pure function (no store); ``screen_store`` reads
people and entries through the store contract and writes hits as ``LISTED_AS`` edges.

>>> people = pd.DataFrame({"id": ["p1", "p2"], "surname": ["CHANG", "CHANG"], "given_names": ["WEI", "WEI"],
...                        "birth_date": ["1980-05-07", "1961-01-01"], "nationality": ["TWN", "TWN"]})
>>> wl = pd.DataFrame({"id": ["w1"], "list": ["NATIONAL"], "surname": [None], "given_names": [None],
...                    "native_name": ["张伟"], "birth_date": ["1980-05-00"], "nationality": ["TWN"]})
>>> screen_names(people, wl, config=ScreeningConfig())[["person_id", "entry_id", "score"]].values.tolist()
[['p1', 'w1', 1.0]]
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analytics.screening_blocking import candidate_pairs, clean
from analytics.screening_score import ScoreWeights, reasons_json, score_pairs
from graph.errors import InvalidInputError

METHOD = "screening-v1"
HIT_COLUMNS = ["person_id", "entry_id", "list", "score", "threshold", "name_kind", "dob", "nationality", "doc",
               "reasons", "evidence_hash", "method"]


class ScreeningConfigError(InvalidInputError):
    """A screening configuration that does not validate (names the file and field)."""


@dataclass(frozen=True)
class ScreeningConfig:
    """Run configuration of screening: a threshold per list (``default_threshold`` for lists not named),
    the evidence weights, and the largest block a single key may make."""

    default_threshold: float = 0.88
    thresholds: dict[str, float] = field(default_factory=dict)
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    max_block: int = 5000
    #: Share a hit among namesakes an entry cannot tell apart (see ``share_namesakes``).
    share_namesakes: bool = True

    def threshold(self, list_name: str | None) -> float:
        """The threshold for one list.

        >>> ScreeningConfig(thresholds={"UN": 0.8}).threshold("UN"), ScreeningConfig().threshold("X")
        (0.8, 0.88)
        """
        return float(self.thresholds.get(str(list_name), self.default_threshold))

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain data (saved beside a run's outputs)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str | None = None) -> ScreeningConfig:
        """Validate plain data (from YAML) into a configuration; unknown keys and bad values are errors."""
        known = {"default_threshold", "thresholds", "weights", "max_block", "share_namesakes"}
        for key in data:
            if key not in known:
                raise ScreeningConfigError("unknown screening setting", file=file, field=key)
        thresholds = {str(k): _unit(v, f"thresholds.{k}", file) for k, v in (data.get("thresholds") or {}).items()}
        try:
            weights = ScoreWeights(**(data.get("weights") or {}))
        except TypeError as err:
            raise ScreeningConfigError(f"bad weights: {err}", file=file, field="weights") from None
        return cls(
            default_threshold=_unit(data.get("default_threshold", cls.default_threshold), "default_threshold", file),
            thresholds=thresholds,
            weights=weights,
            max_block=int(data.get("max_block", cls.max_block)),
            share_namesakes=bool(data.get("share_namesakes", cls.share_namesakes)),
        )

    @classmethod
    def load(cls, path: str | Path) -> ScreeningConfig:
        """Read a YAML file: the ``screening:`` section of a run configuration (defaults when it has none),
        or a file holding the section alone."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ScreeningConfigError("a screening configuration is a mapping", file=str(path))
        if "screening" in data:
            return cls.from_dict(data["screening"] or {}, file=str(path))
        known = {"default_threshold", "thresholds", "weights", "max_block", "share_namesakes"}
        return cls.from_dict(data if set(data) <= known else {}, file=str(path))


def _unit(value: Any, name: str, file: str | None) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ScreeningConfigError("not a number", file=file, field=name, value=value) from None
    if not 0.0 < v <= 1.0:
        raise ScreeningConfigError("a threshold lies in (0, 1]", file=file, field=name, value=value)
    return v


def screen_names(candidates_df: pd.DataFrame, watchlist_df: pd.DataFrame, *,
                 config: ScreeningConfig | None = None) -> pd.DataFrame:
    """Match candidates (people) against watchlist entries; one row per hit (see ``HIT_COLUMNS``).

    Both frames have ``id, surname, given_names, native_name, birth_date (YYYY-MM-DD, 00 when unknown),
    nationality, doc_number`` (several numbers ``;``-separated); the watchlist also ``list``. Missing columns
    count as empty. ``reasons`` is JSON text: a list of ``{field, verdict, weight, detail}`` whose weights add
    up to the score (before clipping to [0, 1])."""
    config = config or ScreeningConfig()
    for name, frame in (("candidates", candidates_df), ("watchlist", watchlist_df)):
        if "id" not in frame.columns:
            raise InvalidInputError(f"the {name} table needs an id column", field="id")
    if candidates_df.empty or watchlist_df.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    people, entries = clean(candidates_df), clean(watchlist_df)
    lists = (watchlist_df["list"] if "list" in watchlist_df.columns else pd.Series(None, index=watchlist_df.index))
    entries["list"] = lists.astype(object).where(lists.notna(), None).to_numpy()
    pairs = candidate_pairs(people, entries, max_block=config.max_block)
    limits = np.array([config.threshold(x) for x in entries["list"].to_numpy()], dtype=float)
    scored = score_pairs(people, entries, pairs, config.weights, min_score=float(limits.min()))
    if scored.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    scored["threshold"] = limits[scored["w"].to_numpy()]
    hits = scored[scored["score"] >= scored["threshold"]].reset_index(drop=True)
    if config.share_namesakes:
        hits = share_namesakes(hits, people)
        hits = hits[hits["score"] >= hits["threshold"]].reset_index(drop=True)
    return _hit_frame(hits, people, entries)


#: The verdicts that make two candidates of one entry indistinguishable when all are equal.
_EVIDENCE_COLUMNS = ["w", "name_kind", "name_score", "dob", "nationality", "doc", "sex", "native"]


def share_namesakes(hits: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """When ``k`` different people match one entry with exactly the same evidence (same verdict and weight
    on every field: WANG WEILEI, CHN, born 1962, against an entry that knows no more than that), the entry
    cannot tell them apart: each is the listed person with probability about ``1/k``, so each one's score
    becomes ``score / k`` (a ``namesakes`` reason says so). Records with the same full birth date count as
    one person (two document records of one traveller), and so do records whose partial date fits a full one.

    >>> people = pd.DataFrame({"year": [1962] * 3, "month": [1, 5, 1], "day": [2, 6, 2]})
    >>> hits = pd.DataFrame({"p": [0, 1, 2], "w": [0, 0, 0], "name_kind": ["exact"] * 3, "name_score": [1.0] * 3,
    ...                      "dob": ["year-only"] * 3, "nationality": ["same"] * 3, "doc": ["missing"] * 3,
    ...                      "sex": ["missing"] * 3, "native": ["missing"] * 3, "score": [1.0] * 3,
    ...                      "reasons": [[], [], []]})
    >>> share_namesakes(hits, people)["score"].tolist()
    [0.5, 0.5, 0.5]
    """
    if hits.empty:
        return hits
    p = hits["p"].to_numpy()
    dates = people[["year", "month", "day"]].to_numpy()[p]
    key = hits[_EVIDENCE_COLUMNS].astype(str).agg("|".join, axis=1).to_numpy()
    k = np.ones(len(hits), dtype=np.int64)
    for rows in pd.Series(np.arange(len(hits))).groupby(key).indices.values():
        if len(rows) > 1:
            k[rows] = _people_among(dates[rows])
    out = hits.copy()
    shared = np.flatnonzero(k > 1)
    old = out["score"].to_numpy(dtype=float)
    new = old.copy()
    reasons = out["reasons"].to_numpy(dtype=object).copy()
    for i in shared:
        new[i] = round(new[i] / k[i], 4)
        reasons[i] = [*reasons[i], {"field": "namesakes", "verdict": f"{k[i]} people",
                                    "weight": round(float(new[i] - old[i]), 4),
                                    "detail": f"{k[i]} people match every field this entry knows equally well"}]
    out["score"], out["reasons"] = new, reasons
    return out


def _hit_frame(hits: pd.DataFrame, people: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    p, w = hits["p"].to_numpy(), hits["w"].to_numpy()
    out = pd.DataFrame({
        "person_id": people["id"].to_numpy()[p],
        "entry_id": entries["id"].to_numpy()[w],
        "list": entries["list"].to_numpy()[w],
        "score": hits["score"].to_numpy(),
        "threshold": hits["threshold"].to_numpy(),
    })
    for col in ("name_kind", "dob", "nationality", "doc"):
        out[col] = hits[col].to_numpy()
    out["reasons"] = [reasons_json(r) for r in hits["reasons"]]
    out["evidence_hash"] = evidence_hashes(people.iloc[p], entries.iloc[w])
    out["method"] = METHOD
    return out.sort_values(["score", "person_id", "entry_id"], ascending=[False, True, True], ignore_index=True)


_EVIDENCE = ("latin", "native_name", "birth_date", "nationality", "docs")


def _people_among(dates: np.ndarray) -> int:
    """How many different people some records are at least, judged by birth date (year, month, day; 0 when
    unknown): each distinct full date is one, and a record with a partial or no date is one more only when
    no full date fits it (CHEN WEI 1962-05-00 may be CHEN WEI 1962-05-17).

    >>> _people_among(np.array([[1962, 5, 17], [1962, 5, 0], [1962, 5, 17], [1962, 8, 1], [1963, 0, 0]]))
    3
    """
    full = dates[(dates[:, 1] > 0) & (dates[:, 2] > 0)]
    people = len({tuple(d) for d in full})
    for d in dates[(dates[:, 1] == 0) | (dates[:, 2] == 0)]:
        fits = (full[:, 0] == d[0]) & ((d[1] == 0) | (full[:, 1] == d[1])) if len(full) else np.array([False])
        if d[0] == 0 or not fits.any():
            people += 1
    return max(people, 1)


def evidence_hashes(people: pd.DataFrame, entries: pd.DataFrame) -> list[str]:
    """Per pair, a SHA-256 (16 hex digits) of the fields the match was judged on, both sides: a reviewer's
    dismissal holds while this stays the same.

    >>> a = pd.DataFrame({"latin": ["A B"], "native_name": [None], "birth_date": ["1990-01-01"],
    ...                   "nationality": ["GBR"], "docs": [()]})
    >>> evidence_hashes(a, a) == evidence_hashes(a, a.assign(birth_date=["1990-00-00"]))
    False
    """
    out = []
    for (_, p), (_, w) in zip(people.iterrows(), entries.iterrows(), strict=True):
        data = [[_plain(p[c]) for c in _EVIDENCE], [_plain(w[c]) for c in _EVIDENCE]]
        if p.get("sex") or w.get("sex"):  # only when known, so hashes without it stay as they were
            data.append([_plain(p.get("sex")), _plain(w.get("sex"))])
        out.append(hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16])
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, tuple | list | np.ndarray):
        return sorted(str(x) for x in v)
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
