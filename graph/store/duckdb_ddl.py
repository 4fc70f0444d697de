"""The DuckDB store's tables and indexes, and the SQL expressions its reads and writes share."""

from __future__ import annotations

from graph.ids import GOLDEN, M64, MIX1, MIX2, SEP

FORMAT_VERSION = "1"

# Edge columns written as they are. Edge numbers and ends are random 63-bit numbers and times spread over
# years: compressing them saved little space, and choosing and applying a compression for each cost about
# a tenth of the CPU of a first load of 5M edges (the inserts: 7.5 -> 6.1 CPU s together with ``json_array``
# in ``duckdb_writer``, load average 8-10). Reads got no slower: ``neighbours`` on 100k nodes / 500k edges,
# CPU p95 1 hop 7.0 ms against 8.2, 2 hops 19.8 against 26.6-33.6 (load 10-15).
_RAW = "USING COMPRESSION uncompressed"

TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS nodes (
        nid BIGINT NOT NULL, label VARCHAR NOT NULL, props JSON NOT NULL USING COMPRESSION uncompressed,
        text VARCHAR, first_seen TIMESTAMP, last_seen TIMESTAMP,
        sources JSON NOT NULL USING COMPRESSION uncompressed,
        confidence DOUBLE, method VARCHAR)""",
    f"""CREATE TABLE IF NOT EXISTS edges (
        eid BIGINT NOT NULL {_RAW}, type VARCHAR NOT NULL, src BIGINT NOT NULL {_RAW}, dst BIGINT NOT NULL {_RAW},
        src_label VARCHAR NOT NULL, dst_label VARCHAR NOT NULL, key VARCHAR,
        props JSON {_RAW}, first_seen TIMESTAMP {_RAW}, last_seen TIMESTAMP {_RAW},
        sources JSON NOT NULL {_RAW},
        confidence DOUBLE, method VARCHAR)""",
    # the text index (see ``duckdb_text``): trigrams of the words of ``nodes.text`` as numbers, sorted by gram,
    # with the node's label as a number (``gram_labels``). An index, not data: a store whose index has an
    # older layout says so in ``meta`` (``duckdb_text.is_complete`` is false) and its next write rebuilds it.
    "CREATE TABLE IF NOT EXISTS node_grams (gram BIGINT NOT NULL, code USMALLINT NOT NULL, nid BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS gram_counts (gram BIGINT, n BIGINT)",
    "CREATE TABLE IF NOT EXISTS gram_labels (code USMALLINT NOT NULL, label VARCHAR NOT NULL)",
)

# ``sources`` is a JSON array of text, not a LIST: a LIST column is several times dearer to fetch by row id,
# and every neighbourhood read fetches rows by id. For the same reason the JSON columns are stored
# uncompressed: fetching one row from a compressed string segment decodes far more than that row
# (measured: node fetches p50 1.5 -> 1.0 ms on 1M nodes), and the disk is cheaper than the wait.

#: Indexes by table, kept by every write. Bulk loads into a small table drop and rebuild them (much faster
#: than maintaining).
INDEXES = {
    "nodes": ("CREATE UNIQUE INDEX IF NOT EXISTS nodes_nid ON nodes (nid)",),
    "edges": ("CREATE INDEX IF NOT EXISTS edges_src ON edges (src)",),
}
#: The index on edges' ``dst``, built only when a read needs it: just the SQL walk of ``neighbours``
#: (``adjacency=False``) looks edges up by their far end; the adjacency index, ``subgraph`` and the scans
#: do not. Kept out of first loads, it saves about a fifth of their CPU (1.7-2.4 of 10.7 CPU s at 5M edges,
#: measured); a bulk block drops it like the others and the next SQL walk builds it again.
DST_INDEX = "CREATE INDEX IF NOT EXISTS edges_dst ON edges (dst)"
INDEX_NAMES = {"nodes": ("nodes_nid",), "edges": ("edges_src", "edges_dst")}

SEP_SQL = f"chr({ord(SEP)})"


def norm_text(expr: str) -> str:
    """SQL that normalises text for search: accents off, upper case, runs of space folded."""
    return f"nullif(trim(regexp_replace(upper(strip_accents({expr})), '\\s+', ' ', 'g')), '')"


def hash63(expr: str) -> str:
    """SQL for the 63-bit id number of a canonical key string (same as ``graph.ids.hash63``)."""
    return f"(md5_number_upper({expr}) >> 1)::BIGINT"


def id_number(expr: str) -> str:
    """SQL that reads the 63-bit number out of an id string ``Label:hex16``."""
    return f"('0x' || right({expr}, 16))::BIGINT"


def id_string(label: str, number: str) -> str:
    """SQL that spells an id from a label and a 63-bit number."""
    return f"({label} || ':' || lpad(printf('%x', {number}), 16, '0'))"


def splitmix64(column: str) -> str:
    """SQL for one SplitMix64 step of a UHUGEINT column holding a 64-bit number (``graph.ids.splitmix64``).

    Meant for a projection over a subquery whose column is ``column``: DuckDB shares the repeated parts.
    """
    z1 = f"(({column} + {GOLDEN}) & {M64})"
    z2 = f"((xor({z1}, {z1} >> 30) * {MIX1}) & {M64})"
    z3 = f"((xor({z2}, {z2} >> 27) * {MIX2}) & {M64})"
    return f"xor({z3}, {z3} >> 31)"
