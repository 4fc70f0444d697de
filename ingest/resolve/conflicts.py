"""Cannot-link evidence between would-be persons: two holders of two passports are two people.

A name and birth date match (even a near one) is weak against documents that cannot belong to one person:

* two different documents of the same issuer and type (two PHL passports, two HKG identity cards) that were
  both in use at the same time: each seen after the other's first use, by more than ``tolerance_days``.
  A renewal is not that: the old passport is used until the new one is issued, never after (numbers one
  character apart are left alone: a misread number is not a second document);
* different sexes, each confirmed (seen on at least two records: a value on one record may be a typo);
* documents of one issuer with different numbers and no confirmed full birth date in common: one country's
  documents of one person carry one birth date. Without this, a common name with birth dates one digit
  apart (JONES JAMES 1967-06-29 and 1967-06-24, two Australian passports, two trips each) is one person.

A sex or birth date seen once is no such evidence: GTAS' own test asserts one person behind JOSEPH GAYLA
COOKE F and JOSEPH GAELLA COOK M on two passports, one record each.

Persons are first made as connected components of the match edges (:mod:`.cluster`); only the few components
holding such a conflict are then rebuilt greedily: document groups first, then match edges from the strongest
down, skipping any edge that would put conflicting documents or sexes into one person. Namesakes (same name
and birth date, or a birth date one digit off) with two passports stay two persons; the pair remains a
candidate for a human.

>>> interleaved(("PHL:P", "P1234567", 0, 400), ("PHL:P", "P7654321", 10, 380))
True
>>> interleaved(("PHL:P", "P1234567", 0, 400), ("PHL:P", "P7654321", 401, 800))  # a renewal
False
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import Levenshtein

from ingest.resolve import compare
from ingest.resolve.arrays import sorted_unique

#: seen dates closer than this (days) are not evidence of use at the same time (time zones, booking ahead).
TOLERANCE_DAYS = 7


def seen_days(seen: pd.Series | pa.ChunkedArray | None) -> np.ndarray | None:
    """Days since 1970 of each record's ``seen`` (ISO date or date-time; anything else: NaN); None without
    a ``seen`` column. Parsed by Arrow, whole column at once."""
    if seen is None:
        return None
    if isinstance(seen, pa.ChunkedArray):
        arr = seen.cast(pa.string())
    else:
        arr = pa.array(seen.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    day = pc.strptime(pc.utf8_slice_codeunits(arr, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True)
    secs = pc.cast(day, pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(secs, dtype=float) / 86400.0


def document_spans(p: pd.DataFrame, codes: np.ndarray, days: np.ndarray | None, counts: np.ndarray) -> pd.DataFrame:
    """Per profile: its document class (issuer:type), number, first and last day the document was seen on
    any record (NaN when no record has a readable time), issuer, sex, full birth date ("" if none) and the
    number of records ``n`` of the profile."""
    doc = p["doc_key"].to_numpy()
    dcode, _ = pd.factorize(doc)
    first = last = np.full(len(p), np.nan)
    if days is not None and len(p):
        frame = pd.DataFrame({"d": dcode[codes], "t": days})
        span = frame[frame["t"].notna()].groupby("d")["t"].agg(["min", "max"])
        first = span["min"].reindex(np.arange(dcode.max() + 1)).to_numpy()[dcode]
        last = span["max"].reindex(np.arange(dcode.max() + 1)).to_numpy()[dcode]
    issuer = np.where(doc != "", p["doc_issuer"].to_numpy(), "")
    typed = (issuer != "") & (p["doc_type"].to_numpy() != "")
    return pd.DataFrame(
        {
            "cls": np.where(typed, issuer + ":" + p["doc_type"].to_numpy(), ""),
            "number": p["doc_number"].to_numpy(),
            "first": first,
            "last": last,
            "issuer": issuer,
            "sex": p["sex"].to_numpy(),
            "dob": np.where(p["dob_full"].to_numpy(), p["birth_date"].to_numpy(), ""),
            "n": counts,
        }
    )


def interleaved(a: tuple[str, str, float, float], b: tuple[str, str, float, float], *,
                tolerance_days: float = TOLERANCE_DAYS) -> bool:  # fmt: skip
    """Two documents of one class in use at the same time (``a``, ``b``: ``(cls, number, first, last)``)."""
    if a[0] == "" or a[0] != b[0] or not _distinct(a[1], b[1]):
        return False
    return bool(a[3] > b[2] + tolerance_days and b[3] > a[2] + tolerance_days)


def conflicted(labels: np.ndarray, spans: pd.DataFrame, tolerance_days: float) -> np.ndarray:
    """Component labels that may hold a conflict: both sexes; two full birth dates and two numbers of one
    issuer; two same-class documents in use at the same time (whole arrays: the distinct documents of each
    component and class joined with each other). The exact test is made while rebuilding."""
    cls, num = spans["cls"].to_numpy(), spans["number"].to_numpy()
    ok = np.flatnonzero((cls != "") & spans["first"].notna().to_numpy())
    ncode, numbers = pd.factorize(num[ok])  # integer codes: no string hashing in the group-bys below
    frame = pd.DataFrame({"c": labels[ok], "cls": _code(cls[ok]), "num": ncode,
                          "f": spans["first"].to_numpy()[ok], "l": spans["last"].to_numpy()[ok]})  # fmt: skip
    frame = frame.drop_duplicates(["c", "cls", "num"])  # (class, number) is one document: one first and last
    multi = frame.groupby(["c", "cls"])["num"].transform("size") > 1
    docs = frame[multi]
    pairs = docs.merge(docs, on=["c", "cls"], suffixes=("", "_b"))
    pairs = pairs[pairs["num"] < pairs["num_b"]]
    live = (pairs["l"] > pairs["f_b"] + tolerance_days) & (pairs["l_b"] > pairs["f"] + tolerance_days)
    pairs = pairs[live]
    if len(pairs):
        a = np.asarray(numbers, dtype=object)[pairs["num"].to_numpy()]
        b = np.asarray(numbers, dtype=object)[pairs["num_b"].to_numpy()]
        dist = compare._pairwise(a, b, Levenshtein.distance)
        short = np.minimum(pd.Series(a).str.len().to_numpy(), pd.Series(b).str.len().to_numpy()) < 6
        pairs = pairs[(dist > 1) | short]
    sex, dob, issuer, n = (spans[c].to_numpy() for c in ("sex", "dob", "issuer", "n"))
    ic = _code(issuer)
    key = labels * (int(ic.max(initial=0)) + 1) + ic  # (component, issuer)
    owners = sorted_unique(labels[np.isin(key, _several(key, spans["number"].to_numpy(), issuer != ""))])
    # sexes and birth dates conflict only when two values are each confirmed (on two records or more)
    sexes, dates = _several(labels, sex, weight=n), _several(labels, dob, weight=n)
    bad = [pairs["c"].to_numpy(), sexes, np.intersect1d(owners, dates)]
    return sorted_unique(np.concatenate(bad)).astype(np.int64)


def _code(values: np.ndarray) -> np.ndarray:
    return pd.factorize(values)[0].astype(np.int64)


def _several(keys: np.ndarray, values: np.ndarray, where: np.ndarray | None = None,
             weight: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """The keys holding more than one distinct non-empty value (integer group-bys only); with ``weight``
    (records per row), only values of weight two or more count: a value seen once confirms nothing.

    >>> _several(np.array([0, 0, 1, 1]), np.array(["M", "F", "M", "F"]), weight=np.array([2, 3, 2, 1])).tolist()
    [0]
    """
    keep = values != ""
    if where is not None:
        keep &= where
    k, v = keys[keep].astype(np.int64), _code(values[keep])
    width = int(v.max(initial=0)) + 1
    kv = k * width + v
    if weight is None:
        pairs = sorted_unique(kv) // width
    else:
        order = np.argsort(kv, kind="stable")
        kv = kv[order]
        start = np.flatnonzero(np.r_[True, kv[1:] != kv[:-1]]) if len(kv) else np.zeros(0, dtype=np.int64)
        total = np.add.reduceat(weight[keep][order], start) if len(kv) else np.zeros(0)
        pairs = kv[start][total >= 2] // width
    uniq, n = np.unique(pairs, return_counts=True)
    return uniq[n > 1]


class _Person:
    """A person being built: its sexes, full birth dates, documents ``(cls, number, first, last)`` and
    numbers per issuer."""

    __slots__ = ("dates", "docs", "numbers", "sexes")

    def __init__(self) -> None:
        self.sexes: dict[str, int] = {}
        self.dates: dict[str, int] = {}
        self.docs: list[tuple[str, str, float, float]] = []
        self.numbers: dict[str, set[str]] = {}

    def absorb(self, other: _Person) -> None:
        for mine, theirs in ((self.sexes, other.sexes), (self.dates, other.dates)):
            for value, n in theirs.items():
                mine[value] = mine.get(value, 0) + n
        self.docs += other.docs
        for issuer, nums in other.numbers.items():
            self.numbers.setdefault(issuer, set()).update(nums)


def rebuild(
    nodes: np.ndarray,
    sure: tuple[np.ndarray, np.ndarray],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    cols: dict[str, np.ndarray],
    tolerance_days: float,
) -> dict[int, int]:
    """Greedy constrained clustering of one conflicted component: ``nodes`` (profiles) joined by the
    ``sure`` edges (same document) first; ``edges`` ``(i, j, score)`` then join them from the strongest down
    unless the two persons conflict. ``cols``: the spans columns as arrays. Returns a head profile per node."""
    i, j, score = edges
    head = {int(v): int(v) for v in nodes}

    def find(x: int) -> int:
        while head[x] != x:
            head[x] = head[head[x]]
            x = head[x]
        return x

    for a, b in zip(sure[0].tolist(), sure[1].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            head[rb] = ra
    people: dict[int, _Person] = {}
    for v in nodes.tolist():
        _add(people.setdefault(find(v), _Person()), cols, v)
    for k in np.argsort(-score, kind="stable").tolist():
        a, b = find(int(i[k])), find(int(j[k]))
        if a == b or _conflict(people[a], people[b], tolerance_days):
            continue
        head[b] = a
        people[a].absorb(people.pop(b))
    return {v: find(v) for v in nodes.tolist()}


def _add(person: _Person, cols: dict[str, np.ndarray], v: int) -> None:
    n, sex, dob, issuer = int(cols["n"][v]), str(cols["sex"][v]), str(cols["dob"][v]), str(cols["issuer"][v])
    if sex:
        person.sexes[sex] = person.sexes.get(sex, 0) + n
    if dob:
        person.dates[dob] = person.dates.get(dob, 0) + n
    if issuer:
        person.numbers.setdefault(issuer, set()).add(str(cols["number"][v]))
    first = float(cols["first"][v])
    if cols["cls"][v] != "" and first == first:
        person.docs.append((str(cols["cls"][v]), str(cols["number"][v]), first, float(cols["last"][v])))


def _confirmed(values: dict[str, int]) -> set[str]:
    return {v for v, n in values.items() if n >= 2}


def _apart(a: dict[str, int], b: dict[str, int]) -> bool:
    """Confirmed values on both sides, none in common (and neither side ever saw the other's value)."""
    ca, cb = _confirmed(a), _confirmed(b)
    return bool(ca and cb) and not (ca & set(b)) and not (cb & set(a))


def _conflict(a: _Person, b: _Person, tolerance_days: float) -> bool:
    if _apart(a.sexes, b.sexes):
        return True
    if _apart(a.dates, b.dates):
        for issuer, nums in a.numbers.items():
            other = b.numbers.get(issuer, set())
            if any(_distinct(x, y) for x in nums for y in other):
                return True
    return any(interleaved(x, y, tolerance_days=tolerance_days) for x in a.docs for y in b.docs)


def _distinct(x: str, y: str) -> bool:
    """Two document numbers that are not one misread apart."""
    if x == y:
        return False
    return min(len(x), len(y)) < 6 or Levenshtein.distance(x, y) > 1


def separate(
    labels: np.ndarray,
    sure: tuple[np.ndarray, np.ndarray],
    match: tuple[np.ndarray, np.ndarray, np.ndarray],
    spans: pd.DataFrame,
    tolerance_days: float = TOLERANCE_DAYS,
) -> np.ndarray:
    """Head profile per profile after rebuilding the conflicted components of ``labels``: ``sure`` edges
    (same document) always join, ``match`` edges ``(i, j, score)`` only between persons that do not
    conflict. Profiles of other components keep their label's first profile as head."""
    order = np.argsort(labels, kind="stable")
    uniq, start = np.unique(labels[order], return_index=True)
    heads = order[start][np.searchsorted(uniq, labels)]
    bad = conflicted(labels, spans, tolerance_days)
    if len(bad) == 0:
        return heads
    so = np.argsort(labels[sure[0]], kind="stable")
    si, sj = sure[0][so], sure[1][so]
    mo = np.argsort(labels[match[0]], kind="stable")
    mi, mj, ms = match[0][mo], match[1][mo], match[2][mo]
    s_lab, m_lab, sorted_lab = labels[si], labels[mi], labels[order]
    cols = {c: spans[c].to_numpy() for c in spans.columns}
    lo, hi = np.searchsorted(sorted_lab, bad), np.searchsorted(sorted_lab, bad + 1)
    s0, s1 = np.searchsorted(s_lab, bad), np.searchsorted(s_lab, bad + 1)
    m0, m1 = np.searchsorted(m_lab, bad), np.searchsorted(m_lab, bad + 1)
    for k in range(len(bad)):
        nodes = order[lo[k] : hi[k]]
        sure_k = (si[s0[k] : s1[k]], sj[s0[k] : s1[k]])
        match_k = (mi[m0[k] : m1[k]], mj[m0[k] : m1[k]], ms[m0[k] : m1[k]])
        found = rebuild(nodes, sure_k, match_k, cols, tolerance_days)
        heads[np.fromiter(found.keys(), dtype=np.int64, count=len(found))] = np.fromiter(
            found.values(), dtype=np.int64, count=len(found)
        )
    return heads
