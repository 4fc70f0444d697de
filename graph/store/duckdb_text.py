"""The DuckDB store's text index: every three-letter piece of every word of a node's search text.

``find(text=...)`` matches a node when every word of the query occurs (as a substring) in its normalised
text. Scanning the text of every node for that costs hundreds of milliseconds on a million nodes, so the
store keeps ``node_grams (gram, code, nid)``: for each word of ``nodes.text`` and each of its letters, the
three letters starting there (the word padded with two ``chr(1)``, so a word's last letters give ``"OV\\x01"``,
``"V\\x01\\x01"``), as one number (``gram_number``: the three code points side by side, 21 bits each), and the
node's label as a small number (``gram_labels``). A query word of three letters or more occurs only in nodes
holding all of its trigrams; a shorter one is the prefix of a trigram at the place it occurs, so a range of
grams finds it. The index only narrows: the store still applies the exact test to the candidates, so results
are those of a scan.

Not every label is in the index (``UNINDEXED``): a ``SourceRecord``'s text is its record reference
(``crossings.csv:123``, ``PAXLST_x.edi#msg3/seg17``), which is looked up whole (``find("SourceRecord",
key=[ref])``), not by its words; its grams were 60% of the index (a 50k-person world: 7.2 M of 12.2 M) and of
the index's build. A ``Crossing``'s text is its crossing id (``X000123456``), one per crossing: its grams
were half of what was left (a 200k-person world: 9.7 M of 19.9 M; the build 5.3 -> 2.7 CPU s). A text
search of such a label scans it; a text search of every label that the index answers leaves them out (one
that scans, as when the index cannot narrow, still finds them), except a word that is a whole crossing id
(the key of a stored ``Crossing``, as given, upper- or lower-cased; one lookup by node number): that search
scans, so the crossing is found as before (``WHOLE_KEY``). A part of a crossing id finds crossings only in a
search of that label.

Why numbers: a first load of a 100k-person world writes 24 M grams; sorting them as (text, label text) rows
was 40% of the whole store write (9.4 CPU s of 24; as numbers 6.4).

The table is written sorted by gram on a first load (DuckDB's min/max per row group then skips all but the
few row groups of a gram, with no ART index to build); later writes append the grams of the nodes they add
or whose text they change, sorted within the batch.

    >>> grams("IVANOV") == [gram_number(g) for g in ("IVA", "VAN", "ANO", "NOV")]
    True
    >>> lo, hi = prefix_range("LI"); hi - lo == 2**21 - 1
    True
"""

from __future__ import annotations

import duckdb
import numpy as np

#: The meta key saying the index covers every node (set by a full build; stores made before it lack it, and
#: stores with an older layout of the index have another value: finds scan until the next write rebuilds it).
META_KEY = "text_index"
#: trigram-4: crossings left out (a store of trigram-3 still holds their grams: rebuilt at its next write).
META_VALUE = "trigram-4"
#: A query whose words narrow to more candidates than this is answered by a scan (cheaper by then).
MAX_CANDIDATES = 50_000
#: Candidates few enough to test them all: no further gram is looked up to narrow them.
FEW = 50
#: A gram this much more common than the candidates so far costs more to read than it saves (reading a
#: posting costs about 0.1 us, testing a candidate about 50 us).
RARER = 500

#: Labels whose text the index leaves out (see the module doc).
UNINDEXED = ("SourceRecord", "Crossing")
#: Left-out labels whose text is their one key: a search word that is a stored node's whole key scans.
WHOLE_KEY = ("Crossing",)
_INDEXED = "label NOT IN (" + ", ".join(f"'{x}'" for x in UNINDEXED) + ")"

_BITS = 21  # a Unicode code point fits in 21 bits
_PAD = "chr(1) || chr(1)"


def gram_number(gram: str) -> int:
    """The number of a trigram: its three code points side by side (what ``node_grams.gram`` holds)."""
    a, b, c = (ord(ch) for ch in gram)
    return (a << 2 * _BITS) | (b << _BITS) | c


def grams_sql(where: str) -> str:
    """SQL for the (gram, label, nid) rows of the nodes selected by ``where`` (a condition on ``nodes``)."""
    words = (
        "SELECT label, nid, unnest(string_split(text, ' ')) AS w FROM nodes "
        f"WHERE text IS NOT NULL AND {_INDEXED} AND ({where})"
    )
    points = (
        f"SELECT label, nid, list_transform(string_split(w || {_PAD}, ''), lambda x: unicode(x)::BIGINT) AS cp "
        f"FROM ({words}) WHERE w <> ''"
    )
    return (
        f"SELECT unnest([(cp[i] << {2 * _BITS}) | (cp[i + 1] << {_BITS}) | cp[i + 2] FOR i IN range(1, len(cp) - 1)])"
        f" AS gram, label, nid FROM ({points})"
    )


def _coded(where: str) -> str:
    """The grams of ``grams_sql`` with the label as its number in ``gram_labels``."""
    return f"SELECT g.gram, l.code, g.nid FROM ({grams_sql(where)}) g JOIN gram_labels l ON l.label = g.label"


def _add_labels(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object] | None = None) -> None:
    """Give a number to every label of the selected nodes that has none yet."""
    con.execute(
        "INSERT INTO gram_labels SELECT (SELECT coalesce(max(code), 0) FROM gram_labels) + row_number() OVER "
        "(ORDER BY label), label FROM (SELECT DISTINCT label FROM nodes "
        f"WHERE text IS NOT NULL AND {_INDEXED} AND ({where})) "
        "WHERE label NOT IN (SELECT label FROM gram_labels)",
        params,
    )


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Write the whole index again, sorted by gram only (a lookup puts its rows in label and number order
    itself), with the number of rows of each gram (``gram_counts``: which grams are rare; later writes leave
    it as it is, since it only decides the order of lookups), and mark it complete."""
    con.execute("CREATE OR REPLACE TABLE gram_labels (code USMALLINT NOT NULL, label VARCHAR NOT NULL)")
    _add_labels(con, "true")
    con.execute(f"CREATE OR REPLACE TABLE node_grams AS SELECT * FROM ({_coded('true')}) ORDER BY gram")
    con.execute("CREATE OR REPLACE TABLE gram_counts AS SELECT gram, count(*) AS n FROM node_grams GROUP BY gram")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, META_VALUE])


def extend(con: duckdb.DuckDBPyConnection, after_rowid: int) -> None:
    """Complete an index that :func:`rebuild` wrote earlier in the same transaction: append the grams of the
    nodes appended since (``rowid`` above ``after_rowid``; DuckDB numbers a transaction's rows in the order it
    appends them), sorted among themselves, and count the grams again. A lookup then reads two sorted runs
    of a gram instead of one. Why: a first load that has to wait for its last nodes (an ingest waiting for
    identity resolution) builds most of the index while it waits, not after."""
    add(con, f"rowid > {int(after_rowid)}")
    con.execute("CREATE OR REPLACE TABLE gram_counts AS SELECT gram, count(*) AS n FROM node_grams GROUP BY gram")


def add(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object] | None = None) -> None:
    """Append the grams of the nodes selected by ``where``."""
    _add_labels(con, where, params)
    con.execute(f"INSERT INTO node_grams SELECT * FROM ({_coded(where)}) ORDER BY gram", params)


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


def grams(word: str) -> list[int]:
    """The numbers of the trigrams a word of three letters or more must have, in order."""
    return [gram_number(word[i : i + 3]) for i in range(len(word) - 2)]


def prefix_range(word: str) -> tuple[int, int]:
    """The bounds of the numbers of the grams that start with a word of two letters."""
    low = gram_number(word + "\x00")
    return low, low | ((1 << _BITS) - 1)


def candidates(con: duckdb.DuckDBPyConnection, words: list[str], label: str | None) -> np.ndarray | None:
    """Numbers of the nodes (of ``label``) that may hold every normalised word, in label then number order,
    or None when the index cannot narrow them enough (then the caller scans).

    Words of three letters or more are looked up by their trigrams: the rarest of each word first (by
    ``gram_counts``), then the others from the rarest, until the candidates are few or the next gram is far
    more common than they are. A word of two letters is looked up by prefix; one of a single letter is left
    to the exact test. A label the index leaves out (``UNINDEXED``) gives None (it is scanned)."""
    if label in UNINDEXED or (label is None and _whole_key(con, words)):
        return None
    lookups: list[list[tuple[str, list[int]]]] = []
    for w in sorted(set(words)):
        if len(w) >= 3:
            lookups.append([("gram = ?", [g]) for g in grams(w)])
        elif len(w) == 2:
            lookups.append([("gram BETWEEN ? AND ?", list(prefix_range(w)))])
    if not lookups:  # one letter is in too many nodes to be worth a lookup
        return None
    counted = []
    for rank, word_lookups in enumerate(lookups):
        for cond, params in word_lookups:
            n = con.execute(f"SELECT coalesce(sum(n), 0) FROM gram_counts WHERE {cond}", params).fetchall()[0][0]
            counted.append((int(n), rank, cond, params))
    counted.sort(key=lambda c: c[0])
    firsts: dict[int, tuple[int, int, str, list[int]]] = {}
    for c in counted:  # the rarest lookup of each word, then the rest, rarest first
        firsts.setdefault(c[1], c)
    order = list(firsts.values()) + [c for c in counted if c not in firsts.values()]
    found = _ordered(con, order[0][2], order[0][3], label)
    for n, _, cond, params in order[1:]:
        if len(found) <= FEW or n > RARER * len(found):
            break
        nids = con.execute(f"SELECT nid FROM node_grams WHERE {cond}", params).fetchnumpy()["nid"]
        found = found[np.isin(found, np.asarray(nids))]
    return found if len(found) <= MAX_CANDIDATES else None


def _whole_key(con: duckdb.DuckDBPyConnection, words: list[str]) -> bool:
    """Whether a word (as given, upper- or lower-cased) is the whole key of a stored node of a ``WHOLE_KEY``
    label: one lookup by node number (the id of ``graph.ids.node_id``), no scan."""
    from graph.ids import hash63

    spelt = {w for word in words for w in (word, word.upper(), word.lower())}
    nids = ", ".join(str(hash63(f"{lab}\x1f{w}")) for lab in WHOLE_KEY for w in sorted(spelt))
    if not nids:
        return False
    labels = ", ".join(f"'{lab}'" for lab in WHOLE_KEY)
    rows = con.execute(f"SELECT count(*) FROM nodes WHERE nid IN ({nids}) AND label IN ({labels})").fetchall()
    return bool(rows[0][0])


def _ordered(con: duckdb.DuckDBPyConnection, cond: str, params: list[int], label: str | None) -> np.ndarray:
    """The numbers of the nodes (of ``label``) one lookup finds, each once, in label then number order."""
    names = dict(con.execute("SELECT code, label FROM gram_labels").fetchall())
    got = con.execute(f"SELECT code, nid FROM node_grams WHERE {cond}", params).fetchnumpy()
    codes, nids = np.asarray(got["code"], dtype=np.int64), np.asarray(got["nid"], dtype=np.int64)
    if label is not None:
        keep = codes == next((c for c, n in names.items() if n == label), -1)
        codes, nids = codes[keep], nids[keep]
    if not len(nids):
        return nids
    rank = np.zeros(max(names, default=0) + 1, dtype=np.int64)  # code -> place of its label in label order
    for i, code in enumerate(sorted(names, key=names.__getitem__)):
        rank[code] = i
    nids = nids[np.lexsort((nids, rank[codes]))]
    return nids[np.r_[True, nids[1:] != nids[:-1]]]
