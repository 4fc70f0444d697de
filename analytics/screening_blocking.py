"""Screening input preparation and blocking: which (person, watchlist entry) pairs are worth scoring.

Why blocking: comparing every person with every entry is 1,000,000 x 200 name comparisons; most pairs share
nothing. A pair is scored only when the two records share at least one *blocking key*:

* ``v:`` the order-insensitive transliteration skeleton of the whole name (``variant_key`` of
  :mod:`ingest.normalise.names`: ZHANG WEI / CHANG WEI, IURII / YURIY, MOHAMMED / MUHAMMAD, swapped order);
* ``c:`` the same with the given names written as one word (``compact_variant_key``: MIN JUN / MINJUN);
* the same two keys of the native-script name romanised (张伟 -> ZHANG WEI), so a record known only in
  native script meets its Latin form;
* ``t:`` birth year and the skeleton of any one name token: a typo that changes one token's skeleton still
  leaves the other token and the year to meet on;
* ``d:`` the document number (MRZ form).

Transliteration itself is not re-implemented here: the keys come from ``ingest.normalise``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ingest.normalise import normalise_doc_number, normalise_name, skeleton
from ingest.normalise.names import compact_variant_key, variant_key

#: Text a reader may leave for "no value".
_MISSING = {"", "NONE", "NAN", "NAT", "NULL", "<NA>"}
#: The columns screening reads from each side (missing ones are taken as empty).
COLUMNS = ("id", "surname", "given_names", "native_name", "birth_date", "nationality", "doc_number", "sex")


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """The screening columns as clean text (``None`` for missing), plus ``latin``, ``native_latin``,
    ``year``/``month``/``day`` (0 when unknown), ``docs`` (a list of normalised document numbers) and ``sex``
    (``M``, ``F`` or ``None``).

    >>> c = clean(pd.DataFrame({"id": ["p1"], "surname": ["Zhang"], "given_names": ["Wei"],
    ...                         "native_name": ["张伟"], "birth_date": ["1980-05-00"]}))
    >>> [str(v) for v in c.loc[0, ["latin", "native_latin", "year", "month", "day"]]]
    ['ZHANG WEI', 'ZHANG WEI', '1980', '5', '0']
    """
    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        out[col] = _text(frame[col]) if col in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    out["id"] = frame["id"].astype(str)
    out["latin"] = _map(out["surname"].fillna("") + "|" + out["given_names"].fillna(""), _latin_full)
    out["native_latin"] = _map(out["native_name"], _native_latin)
    codes, dates = pd.factorize(out["birth_date"].fillna(""))  # dates repeat: parse each once
    dob = pd.Series(dates, dtype=object).str.extract(r"^(\d{4})-?(\d{2})?-?(\d{2})?")
    for i, part in enumerate(("year", "month", "day")):
        out[part] = pd.to_numeric(dob[i], errors="coerce").fillna(0).astype(np.int64).to_numpy()[codes]
    out["docs"] = _map(out["doc_number"], _docs).map(lambda d: () if d is None else d)
    sex = out["sex"].fillna("").str.upper().str[:1]
    out["sex"] = sex.where(sex.isin(["M", "F"]), None)
    return out.reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    """Stripped text, ``None`` for missing or a reader's "no value" (vectorised string operations)."""
    text = values.astype("string").str.strip()
    bad = text.isna() | text.str.upper().isin(_MISSING).fillna(True)
    out = text.to_numpy(dtype=object, copy=True)
    out[bad.to_numpy(dtype=bool)] = None  # every missing value is bad: no NA placeholder is left
    return pd.Series(out, index=values.index, dtype=object)


def _map(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``fn`` once per distinct value (names repeat a lot), ``None`` for missing."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:] = [fn(v) for v in uniques] + [None]
    return pd.Series(mapped[np.where(codes < 0, len(uniques), codes)], index=values.index, dtype=object)


def _latin_full(pair: str) -> str | None:
    sur, _, giv = pair.partition("|")
    parts = [normalise_name(p) for p in (sur, giv) if p.strip()]
    text = " ".join(p.latin for p in parts if p is not None)
    return text or None


def _native_latin(native: str | None) -> str | None:
    if native is None:
        return None
    try:
        n = normalise_name(native, surname_first=True)
    except ValueError:
        return None
    return n.latin if n is not None and n.native is not None else None


def _docs(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    found = []
    for part in str(text).replace(",", ";").split(";"):
        try:
            num = normalise_doc_number(part)
        except ValueError:
            continue
        if num:
            found.append(num)
    return tuple(found)


def _name_keys(latin: str | None, surname: str | None, given: str | None) -> list[str]:
    if not latin:
        return []
    keys = [f"v:{variant_key(latin)}"]
    if surname or given:
        keys.append(f"c:{compact_variant_key(surname or '', given or '')}")
    else:
        first, _, rest = latin.partition(" ")
        keys.append(f"c:{compact_variant_key(first, rest)}")
    return keys


def _per_unique(values: pd.Series, fn: Callable[[Any], list[str]]) -> pd.DataFrame:
    """``fn`` (a value -> list of strings) once per distinct value, exploded to (``pos``, ``item``) rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lists = [fn(u) for u in uniques]
    lens = np.array([len(x) for x in lists] + [0], dtype=np.int64)
    flat = np.array([k for ks in lists for k in ks], dtype=object)
    starts = np.r_[0, np.cumsum(lens)[:-1]]
    take = np.where(codes < 0, len(lists), codes)
    rec_lens = lens[take]
    pos = np.repeat(np.arange(len(codes)), rec_lens)
    offsets = np.arange(rec_lens.sum()) - np.repeat(np.cumsum(rec_lens) - rec_lens, rec_lens)
    items = flat[np.repeat(starts[take], rec_lens) + offsets] if len(flat) else np.array([], dtype=object)
    return pd.DataFrame({"pos": pos, "item": items})


def _latin_keys(shape: str) -> list[str]:
    latin, surname, given = shape.split("|")
    return _name_keys(latin or None, surname or None, given or None)


def _token_skeletons(name: str) -> list[str]:
    return [skeleton(tok) for tok in name.split() if len(tok) > 1]


def blocking_keys(clean_frame: pd.DataFrame, only: set[str] | None = None) -> pd.DataFrame:
    """One row per (record position ``pos``, blocking ``key``). Each key family is computed once per
    distinct name (names repeat; birth years and document numbers are joined on afterwards, vectorised).
    With ``only``, keys outside that set are dropped as early as possible (at the distinct-name level), so
    a million people make rows only for the keys some watchlist entry has.

    >>> c = clean(pd.DataFrame({"id": ["a"], "surname": ["CHANG"], "given_names": ["WEI"],
    ...                         "birth_date": ["1980-01-02"]}))
    >>> sorted(blocking_keys(c)["key"])
    ['c:JNK P', 't:1980:JNK', 't:1980:P', 'v:JNK P']
    >>> sorted(blocking_keys(c, only={"t:1980:P", "v:X"})["key"])
    ['t:1980:P']
    """
    f = clean_frame

    def keep(fn: Callable[[Any], list[str]], allowed: set[str] | None) -> Callable[[Any], list[str]]:
        return fn if allowed is None else (lambda v: [k for k in fn(v) if k in allowed])

    shape = f["latin"].fillna("") + "|" + f["surname"].fillna("") + "|" + f["given_names"].fillna("")
    parts = [_per_unique(shape.where(f["latin"].notna()), keep(_latin_keys, only)),
             _per_unique(f["native_latin"], keep(lambda n: _name_keys(n, None, None), only))]
    years = f["year"].to_numpy()
    tokens = None if only is None else {k.split(":", 2)[2] for k in only if k.startswith("t:")}
    for col in ("latin", "native_latin"):
        tok = _per_unique(f[col].where(years[:] > 0), keep(_token_skeletons, tokens))
        tok["item"] = "t:" + pd.Series(years[tok["pos"].to_numpy()]).astype(str).to_numpy() + ":" + tok["item"]
        parts.append(tok if only is None else tok[tok["item"].isin(only)])
    numbers = f["docs"].explode().dropna()
    docs = pd.DataFrame({"pos": numbers.index.to_numpy(), "item": "d:" + numbers.astype(str).to_numpy()})
    parts.append(docs if only is None else docs[docs["item"].isin(only)])
    out = pd.concat(parts, ignore_index=True).rename(columns={"item": "key"})
    return out.astype({"pos": np.int64}).drop_duplicates(ignore_index=True)


def candidate_pairs(people: pd.DataFrame, entries: pd.DataFrame, *, max_block: int = 5000) -> pd.DataFrame:
    """Pairs (``p``, ``w``: positions in the two clean frames) sharing a blocking key, with how many keys
    they share (``keys``). A key shared by more than ``max_block`` people (a hub of homonyms) is not used on
    its own; the other keys of the same pair still are. People's keys are made only where an entry has one.

    >>> a = clean(pd.DataFrame({"id": ["p1", "p2"], "surname": ["ZHANG", "SMITH"], "given_names": ["WEI", "JO"]}))
    >>> b = clean(pd.DataFrame({"id": ["w1"], "surname": ["CHANG"], "given_names": ["WEI"]}))
    >>> candidate_pairs(a, b).values.tolist()
    [[0, 0, 2]]
    """
    wk = blocking_keys(entries)
    pk = blocking_keys(people, only=set(wk["key"]))
    sizes = pk.groupby("key")["pos"].transform("size")
    pk = pk[sizes <= max_block]
    pairs = pk.merge(wk, on="key", suffixes=("_p", "_w"))
    if pairs.empty:
        return pd.DataFrame({"p": pd.Series(dtype=np.int64), "w": pd.Series(dtype=np.int64),
                             "keys": pd.Series(dtype=np.int64)})
    out = pairs.groupby(["pos_p", "pos_w"], sort=True).size().reset_index(name="keys")
    return out.rename(columns={"pos_p": "p", "pos_w": "w"}).astype({"keys": np.int64})
