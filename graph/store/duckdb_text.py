"""The DuckDB store's text index: every three-letter piece of every word of a node's search text.

``find(text=...)`` matches a node when every word of the query occurs (as a substring) in its normalised
text. Scanning the text of every node for that costs hundreds of milliseconds on a million nodes, so the
store keeps ``node_grams (gram, nid)``: for each word of ``nodes.text`` and each of its letters, the three
letters starting there (the word padded with two ``chr(1)``, so a word's last letters give ``"OV\\x01"``,
``"V\\x01\\x01"``). A query word of three letters or more occurs only in nodes holding all of its trigrams;
a shorter one is the prefix of a trigram at the place it occurs, so a range of grams finds it. The index
only narrows: the store still applies the exact test to the candidates, so results are those of a scan.

The table is written sorted by gram on a first load (DuckDB's min/max per row group then skips all but the
few row groups of a gram, with no ART index to build); later writes append the grams of the nodes they add
or whose text they change, sorted within the batch.

    >>> grams("IVANOV")
    ['IVA', 'VAN', 'ANO', 'NOV']
    >>> prefix_range("LI")
    ('LI', 'LI\\U0010ffff')
"""

from __future__ import annotations

import duckdb
import numpy as np

#: The meta key saying the index covers every node (set by a full build; stores made before it lack it).
META_KEY = "text_index"
META_VALUE = "trigram-1"
#: A query whose words narrow to more candidates than this is answered by a scan (cheaper by then).
MAX_CANDIDATES = 50_000

_PAD = "chr(1) || chr(1)"
_TOP = "\U0010ffff"


def grams_sql(where: str) -> str:
    """SQL for the (gram, nid) rows of the nodes selected by ``where`` (a condition on ``nodes``)."""
    words = f"SELECT nid, unnest(string_split(text, ' ')) AS w FROM nodes WHERE text IS NOT NULL AND ({where})"
    return (
        "SELECT unnest([substr(w || " + _PAD + ", i, 3) FOR i IN range(1, length(w) + 1)]) AS gram, nid "
        f"FROM ({words}) WHERE w <> ''"
    )


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Write the whole index again, sorted by gram, and mark it complete."""
    con.execute("DELETE FROM node_grams")
    con.execute(f"INSERT INTO node_grams SELECT * FROM ({grams_sql('true')}) ORDER BY gram, nid")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, META_VALUE])


def add(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object] | None = None) -> None:
    """Append the grams of the nodes selected by ``where``."""
    con.execute(f"INSERT INTO node_grams SELECT * FROM ({grams_sql(where)}) ORDER BY gram, nid", params)


def drop(con: duckdb.DuckDBPyConnection, nids_sql: str) -> None:
    """Take out the grams of the nodes whose numbers ``nids_sql`` selects."""
    con.execute(f"DELETE FROM node_grams WHERE nid IN ({nids_sql})")


def refresh_changed(con: duckdb.DuckDBPyConnection, old_text: str) -> None:
    """After a batch: index again the nodes whose text differs from ``old_text`` (``nid, text`` before the
    batch; NULL for a node it added), then drop that table."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __retext AS SELECT o.nid, o.text IS NOT NULL AS had "
        f"FROM {old_text} o JOIN nodes n ON n.nid = o.nid WHERE n.text IS DISTINCT FROM o.text"
    )
    if con.execute("SELECT count(*) FROM __retext WHERE had").fetchall()[0][0]:
        drop(con, "SELECT nid FROM __retext WHERE had")
    add(con, "nid IN (SELECT nid FROM __retext)")
    con.execute("DROP TABLE __retext")
    con.execute(f"DROP TABLE {old_text}")


def is_complete(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this store's index covers every node (a store made before the index has none)."""
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchall()
    except duckdb.CatalogException:
        return False
    return bool(rows) and rows[0][0] == META_VALUE


def grams(word: str) -> list[str]:
    """The trigrams a word of three letters or more must have, in order."""
    return [word[i : i + 3] for i in range(len(word) - 2)]


def prefix_range(word: str) -> tuple[str, str]:
    """The bounds of the grams that start with a word of one or two letters."""
    return word, word + _TOP * (3 - len(word))


def candidates(con: duckdb.DuckDBPyConnection, words: list[str]) -> np.ndarray | None:
    """Sorted numbers of the nodes that may hold every normalised word, or None when the index cannot
    narrow them enough (then the caller scans). Words of three letters or more are looked up by their
    trigrams; shorter ones by prefix, and only when no longer word is there to narrow."""
    long = sorted({g for w in words for g in grams(w)})
    found: np.ndarray | None = None
    for gram in long:
        nids = con.execute("SELECT nid FROM node_grams WHERE gram = ?", [gram]).fetchnumpy()["nid"]
        found = _meet(found, np.asarray(nids))
        if not len(found):
            return found
    if long:
        return found if found is not None and len(found) <= MAX_CANDIDATES else None
    for word in sorted(set(words)):
        if len(word) < 2:  # one letter is in too many nodes to be worth a lookup
            return None
        lo, hi = prefix_range(word)
        sql = "SELECT nid FROM node_grams WHERE gram >= ? AND gram <= ? AND starts_with(gram, ?)"
        nids = con.execute(sql, [lo, hi, word]).fetchnumpy()["nid"]
        found = _meet(found, np.asarray(nids))
        if len(found) > MAX_CANDIDATES:
            return None
        if not len(found):
            return found
    return found


def _meet(found: np.ndarray | None, nids: np.ndarray) -> np.ndarray:
    nids = np.unique(nids)
    return nids if found is None else np.intersect1d(found, nids, assume_unique=True)
