"""Profiles: the distinct identity tuples among the records, with the keys blocking and comparison need.

A million crossings of a few hundred thousand people hold far fewer distinct (name, birth date, sex,
nationality, document) tuples than records; resolution works on these *profiles* and maps records back by
their profile code. Profiles are sorted by their values, so everything after is independent of row order.

Keys are computed per distinct token, not per record: ``variant`` (sorted transliteration skeletons of the
name tokens, :func:`ingest.normalise.skeleton`), ``name_key`` (sorted tokens), ``compact`` (skeletons of
surname and given names each as one word), and ``first_token`` skeletons of surname and given names.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.normalise import normalise_names, skeleton
from ingest.normalise._vector import fullmatch
from ingest.normalise.names import PARTICLES
from ingest.resolve.arrays import all_distinct
from ingest.resolve.config import ResolveError

IDENTITY_COLUMNS = ["surname", "given_names", "native_name", "sex", "birth_date", "nationality", "doc_type",
                    "doc_issuer", "doc_number"]  # fmt: skip
REQUIRED = ["record_ref", *IDENTITY_COLUMNS]


#: records handed to resolution: a DataFrame, or an Arrow table (the pipeline's, not converted to Python
#: objects: only ``record_ref`` is, once)
Records: TypeAlias = pd.DataFrame | pa.Table


def columns_of(records: Records) -> list[str]:
    return list(records.column_names if isinstance(records, pa.Table) else records.columns)


def column(records: Records, name: str) -> pd.Series | pa.ChunkedArray | None:
    """One column of the records (None when absent)."""
    if name not in columns_of(records):
        return None
    return records.column(name) if isinstance(records, pa.Table) else records[name]


def references(records: Records) -> np.ndarray:
    """The ``record_ref`` column as an array of Python strings."""
    col = column(records, "record_ref")
    if isinstance(col, pa.ChunkedArray):
        return np.asarray(col.cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    if col is None:
        raise KeyError("record_ref")  # every record frame carries record_ref (pipeline contract)
    return col.astype(str).to_numpy(dtype=object)


def _codes_of(col: pd.Series | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values (strings) of a column, missing values as "" (no copy of the column)."""
    if isinstance(col, pa.ChunkedArray):
        enc = pc.dictionary_encode(col.cast(pa.string())).combine_chunks()
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        uniques = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    else:
        codes, found = pd.factorize(col, use_na_sentinel=True)
        uniques = np.asarray(found, dtype=object)
        if col.dtype != object:
            uniques = uniques.astype(str).astype(object)
    codes = np.asarray(codes, dtype=np.int64)
    if (codes < 0).any():
        empty = np.flatnonzero(uniques == "")
        at = int(empty[0]) if len(empty) else len(uniques)
        if not len(empty):
            uniques = np.append(uniques, "")
        codes = np.where(codes < 0, at, codes)
    return codes, uniques


def check_records(records: Records, refs: np.ndarray, extra: list[str]) -> None:
    """Raise :class:`ResolveError` when a column is missing or a ``record_ref`` repeats."""
    names = set(columns_of(records))
    for name in [*REQUIRED, *extra]:
        if name not in names:
            raise ResolveError("records lack a column identity resolution needs", field=name)
    col = column(records, "record_ref")
    if isinstance(col, pa.ChunkedArray) and all_distinct(col):
        return  # a sort is cheaper than hashing a million references; the pandas path names the repeat
    ref = pd.Series(refs)
    if not ref.is_unique:
        raise ResolveError("record_ref must be unique", field="record_ref", value=str(ref[ref.duplicated()].iloc[0]))


def profile_codes(records: Records, refs: np.ndarray, columns: list[str], solo: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct value tuples of ``columns`` (sorted by value) and, per record, the position of its tuple.

    Each column is factorised (hashing, no sort) and the codes are combined column by column (re-factorised
    only when the combination could overflow); only the distinct tuples are then sorted, by the rank of
    each value. The last column ``solo`` is the record's own reference where it has neither birth date nor
    document number (two CHAN WAI MAN with nothing else are not one person: each is its own profile), else "".
    """
    n = len(records)
    combined, bound = np.zeros(n, dtype=np.int64), 1
    ranks, values = [], {}
    for c in columns:
        codes, uniques = _codes_of(column(records, c))
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[np.argsort(uniques.astype(str), kind="stable")] = np.arange(len(uniques))
        ranks.append(rank[codes])
        values[c] = (codes, uniques)
        if bound * (len(uniques) + 1) >= 2**62:
            combined, bound = _refactorise(combined)
        combined, bound = combined * len(uniques) + codes, bound * max(len(uniques), 1)
    bare = _bare(values, n)
    solo_rank = np.zeros(n, dtype=np.int64)
    bare_refs = refs[bare].astype(str)
    solo_rank[bare] = 1 + np.argsort(np.argsort(bare_refs, kind="stable"), kind="stable")
    combined, bound = _refactorise(combined)
    combined = np.where(bare, bound + np.arange(n), combined)
    ranks.append(solo_rank)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    order = np.lexsort([r[first] for r in reversed(ranks)])
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    rows = first[order]
    frame = {c: u[k[rows]] for c, (k, u) in values.items()}
    own = np.full(len(rows), "", dtype=object)  # not refs.astype(str): a fixed-width copy of every reference
    own[bare[rows]] = [str(r) for r in refs[rows[bare[rows]]]]
    frame[solo] = own
    return pd.DataFrame(frame), position[inverse.ravel()]


def _refactorise(combined: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(combined)
    return codes.astype(np.int64), max(len(uniques), 1)


def _bare(values: dict[str, tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """Records with neither a birth date nor a document number."""
    out = np.ones(n, dtype=bool)
    for c in ("birth_date", "doc_number"):
        codes, uniques = values[c]
        out &= (uniques == "")[codes]
    return out


def _latin(values: pd.Series) -> pd.Series:
    """Upper-case ASCII names; values that are not already so go through the normaliser (once each)."""
    plain = fullmatch(values, r"[A-Z ]*")
    if plain.all():
        return values
    out = values.copy()
    todo = values[~plain]
    latin = normalise_names(todo)["latin"]
    out[~plain] = pd.Series(latin.to_numpy(), index=todo.index).fillna("")
    return out


def _token_keys(full: pd.Series) -> pd.DataFrame:
    """Sorted tokens and sorted skeletons of each full name, computed once per distinct name and token."""
    names, codes = np.unique(full.to_numpy().astype(str), return_inverse=True)
    toks = pd.Series(names).str.split().explode()
    toks = toks[toks.notna() & (toks != "")]
    particle = toks.isin(PARTICLES).to_numpy()
    others = np.bincount(toks.index.to_numpy(), weights=~particle, minlength=len(names))
    toks = toks[~particle | (others[toks.index.to_numpy()] == 0)]
    uniq, tcode = np.unique(toks.to_numpy().astype(str), return_inverse=True)
    skel = np.array([skeleton(t) for t in uniq], dtype=object)
    rows = toks.index.to_numpy()
    name_key = _joined(rows, uniq.astype(object)[tcode], len(names))
    variant = _joined(rows, skel[tcode], len(names))
    return pd.DataFrame({"name_key": name_key[codes], "variant": variant[codes]}, index=full.index)


def _joined(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per row, its values sorted and joined by spaces (rows hold a handful of tokens: one pass per rank)."""
    order = np.lexsort((values.astype(str), rows))
    rows, values = rows[order], values[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
    out = np.full(n, "", dtype=object)
    for k in range(int(rank.max()) + 1 if len(rank) else 0):
        at = rank == k
        sep = "" if k == 0 else " "
        out[rows[at]] = out[rows[at]] + sep + values[at]
    return out


def _compact(part: pd.Series) -> pd.Series:
    squeezed = part.str.replace(" ", "", regex=False)
    uniq = pd.unique(squeezed.to_numpy())
    return squeezed.map(dict(zip(uniq, (skeleton(u) if u else "" for u in uniq), strict=True)))


def _name_keys(surname: pd.Series, given: pd.Series) -> dict[str, np.ndarray]:
    """Latin forms, full name, token keys and compact skeletons of each profile's name, computed once per
    distinct surname, given names and (surname, given names) pair: profiles repeat names."""
    sc, su = pd.factorize(surname)
    gc, gu = pd.factorize(given)
    sl = _latin(pd.Series(np.asarray(su, dtype=object))).to_numpy(dtype=object)
    gl = _latin(pd.Series(np.asarray(gu, dtype=object))).to_numpy(dtype=object)
    width = max(len(gu), 1)
    pair, pu = pd.factorize(sc.astype(np.int64) * width + gc)
    ps, pg = np.asarray(pu) // width, np.asarray(pu) % width
    full = (pd.Series(sl[ps]) + " " + pd.Series(gl[pg])).str.strip()
    tokens = _token_keys(full)
    cs_u, cg_u = _compact(pd.Series(sl)).to_numpy(dtype=object), _compact(pd.Series(gl)).to_numpy(dtype=object)
    cs, cg = cs_u[ps], cg_u[pg]
    compact = np.where(cs < cg, cs + " " + cg, cg + " " + cs)
    return {"surname_l": sl[sc], "given_l": gl[gc], "full": full.to_numpy(dtype=object)[pair],
            "name_key": tokens["name_key"].to_numpy()[pair], "variant": tokens["variant"].to_numpy()[pair],
            "compact": compact[pair], "surname_sk": cs_u[sc], "given_sk": cg_u[gc]}  # fmt: skip


def add_keys(p: pd.DataFrame) -> pd.DataFrame:
    """Add name, date and document keys to the profiles frame (in place) and return it."""
    for column, values in _name_keys(p["surname"], p["given_names"]).items():
        p[column] = values
    dcode, dates = pd.factorize(p["birth_date"])
    parts = pd.Series(dates).str.extract(r"^(\d{4})-(\d{2})-(\d{2})$").fillna("0").astype(int).to_numpy()
    parts = np.vstack([parts, np.zeros((1, 3), dtype=parts.dtype)])  # code -1 (none) -> 0
    p["dob_y"], p["dob_m"], p["dob_d"] = parts[dcode, 0], parts[dcode, 1], parts[dcode, 2]
    p["dob_full"] = (p["dob_y"] > 0) & (p["dob_m"] > 0) & (p["dob_d"] > 0)
    years = pd.Series(dates).str.slice(0, 4).to_numpy().astype(object)
    months = pd.Series(dates).str.slice(0, 7).to_numpy().astype(object)
    p["year"] = np.where(p["dob_y"] > 0, np.append(years, "")[dcode], "")
    p["year_month"] = np.where((p["dob_y"] > 0) & (p["dob_m"] > 0), np.append(months, "")[dcode], "")
    p["doc_key"] = np.where(p["doc_number"] != "", p["doc_issuer"] + ":" + p["doc_number"], "")
    p["bare"] = (p["full"] == "") & (p["birth_date"] == "")  # names nobody: a document alone, at most
    return p
