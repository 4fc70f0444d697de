"""Reading the tabular sources into text: CSV or Parquet in, every column as Arrow text, one row per record
with its line number, raw text and content hash (a :class:`RawTable`). The column checks that follow reading live
in ``ingest.readers.tabular``.

Two CSV paths. The fast one parses with pyarrow (multi-threaded) and takes line numbers and raw text from
the newline offsets of the buffer; it applies when every physical non-empty line is one record. A file with
quoted newlines, rows of the wrong width or bytes that do not decode takes the careful path (Python's
``csv`` module, line by line), which quarantines the broken lines and keeps the rest.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graph.errors import InvalidInputError
from ingest.errors import Deviation, Quarantined

_BOM = b"\xef\xbb\xbf"

@dataclass(slots=True)
class RawTable:
    """A file as text: ``table`` (an Arrow table, every column ``large_string`` without nulls, names stripped
    and lower-cased: the checks find distinct values in Arrow, without a Python object a cell), the 1-based ``lines``
    of its rows, their ``hashes`` (16 hex digits of SHA-256 over the raw UTF-8 text), the rows that could
    not be parsed at all (``quarantined``) and ``raw(i)``, the raw text of row ``i``."""

    file: str
    table: pa.Table
    lines: np.ndarray
    hashes: pd.Series
    raw: Callable[[int], str]
    digests: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    quarantined: list[Quarantined] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Records seen: parsed rows plus rows that could not be parsed."""
        return self.table.num_rows + len(self.quarantined)


def row_hash(raw: bytes | memoryview) -> str:
    """The content hash of a raw row (its UTF-8 bytes, no line end): 16 hex digits of SHA-256.

    >>> row_hash(b"X1,2023-03-02T07:36:58+08:00")
    '4892da68af5448be'
    """
    return hashlib.sha256(raw).hexdigest()[:16]


def read_table(path: str | Path, *, encoding: str = "utf-8") -> RawTable:
    """Read a CSV (in ``encoding``) or Parquet file into a :class:`RawTable` of text columns.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(p, "w").write('a,b\\n1,"x, y"\\n\\n2,z\\n')
    >>> t = read_table(p); t.table["b"].to_pylist(), t.lines.tolist(), t.raw(0)
    (['x, y', 'z'], [2, 4], '1,"x, y"')
    """
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(path)
    try:
        enc = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInputError("unknown text encoding", file=str(path), value=encoding) from None
    data = path.read_bytes()
    if enc == "utf-8":
        buf = data[len(_BOM):] if data.startswith(_BOM) else data
    else:
        try:
            buf = data.decode(enc).encode("utf-8")
        except UnicodeDecodeError:
            return _read_csv_careful(path, data, enc)
    return _read_csv_fast(path, buf) or _read_csv_careful(path, data, enc)


def _clean_names(names: list[str]) -> list[str]:
    return [n.replace("\ufeff", "").strip().lower() for n in names]


def _newlines(arr: np.ndarray, chunk: int = 1 << 26) -> np.ndarray:
    """Offsets of every ``\\n`` byte, found in chunks (no whole-file temporary)."""
    parts = [np.flatnonzero(arr[i: i + chunk] == 10) + i for i in range(0, len(arr), chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex16(digests: bytes, n: int) -> pd.Series:
    """8-byte digests (concatenated) as 16 hex digits each, vectorised."""
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(n, 8)
    out = np.empty((n, 16), dtype=np.uint8)
    out[:, 0::2], out[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    fixed = pa.Array.from_buffers(pa.binary(16), n, [None, pa.py_buffer(out.tobytes())])
    return pd.Series(pc.cast(fixed, pa.large_string()).to_pandas(), dtype="str")


def _digests(rows: Iterable[bytes | memoryview]) -> tuple[pd.Series, np.ndarray]:
    """Content hashes of raw rows: the hex column and the same 64 bits as integers (for duplicates)."""
    sha = hashlib.sha256
    digests = b"".join([sha(r).digest()[:8] for r in rows])
    n = len(digests) // 8
    return _hex16(digests, n), np.frombuffer(digests, dtype="<u8")


def _valid_utf8(buf: bytes) -> bool:
    """Whether ``buf`` is valid UTF-8 (checked by Arrow in C++, no decoded copy).

    >>> _valid_utf8("张伟".encode()), _valid_utf8("张伟".encode("gb18030"))
    (True, False)
    """
    offsets = pa.py_buffer(np.array([0, len(buf)], dtype=np.int64).tobytes())
    arr = pa.Array.from_buffers(pa.large_utf8(), 1, [None, offsets, pa.py_buffer(buf)])
    try:
        arr.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _read_csv_fast(path: Path, buf: bytes) -> RawTable | None:
    """pyarrow parse of a UTF-8 buffer; ``None`` when the careful path is needed (bytes that are not UTF-8
    go there before pyarrow sees them: its handler of invalid rows cannot take them)."""
    if not _valid_utf8(buf):
        return None
    arr = np.frombuffer(buf, dtype=np.uint8)
    newlines = _newlines(arr)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(buf)]))
    del newlines
    nonzero = ends > starts
    has_cr = np.zeros(len(ends), dtype=bool)
    has_cr[nonzero] = arr[ends[nonzero] - 1] == 13
    ends -= has_cr
    used = np.flatnonzero(ends > starts)
    if len(used) == 0:
        raise InvalidInputError("empty file: no header line", file=str(path))
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    header = buf[starts[used[0]]: ends[used[0]]]
    try:
        names = next(csv.reader([header.decode("utf-8")]))
        opts = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                    strings_can_be_null=False)
        table = pacsv.read_csv(pa.py_buffer(buf), read_options=pacsv.ReadOptions(block_size=1 << 24),
                               parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
                               convert_options=opts)
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        return None
    rows = used[1:]
    if invalid or table.num_rows != len(rows) or len(set(names)) != len(names):
        return None
    table = table.rename_columns(_clean_names(table.column_names))
    view = memoryview(buf)
    row_starts, row_ends = starts[rows], ends[rows]
    if has_cr.any():
        hashes, digests = _digests(view[a:b] for a, b in zip(row_starts.tolist(), row_ends.tolist(), strict=True))
    else:
        parts = buf.split(b"\n")
        hashes, digests = _digests([parts[i] for i in rows.tolist()])
        del parts

    def raw(i: int) -> str:
        return bytes(view[int(row_starts[i]): int(row_ends[i])]).decode("utf-8", "backslashreplace")

    return RawTable(str(path), table, rows + 1, hashes, raw, digests=digests)


def _consume(lines: list[str | None], taken: list[int]) -> Iterator[str]:
    """Feed decodable lines to ``csv.reader`` and note which physical line each came from."""
    for i, text in enumerate(lines):
        if text is not None:
            taken.append(i)
            yield text + "\n"


def _read_csv_careful(path: Path, data: bytes, enc: str) -> RawTable:
    """Line-tracking parse with the ``csv`` module; undecodable lines and rows of the wrong width are
    quarantined, everything else is kept."""
    file = str(path)
    if enc == "utf-8" and data.startswith(_BOM):
        data = data[len(_BOM):]
    physical = data.split(b"\n")
    if physical and physical[-1] == b"":
        physical.pop()
    quarantine: list[Quarantined] = []
    lines: list[str | None] = []
    for i, b in enumerate(physical):
        b = b.removesuffix(b"\r")
        try:
            lines.append(b.decode(enc))
        except UnicodeDecodeError as err:
            lines.append(None)
            guess = _guess_encoding(b, enc)
            quarantine.append(Quarantined(file, "encoding", f"not valid {enc}: {err.reason}{guess}",
                                          b.decode(enc, "backslashreplace"), line=i + 1,
                                          value=b[max(err.start - 8, 0): err.end + 8].hex()))
    taken: list[int] = []
    limit = csv.field_size_limit(1 << 30)  # as pyarrow: a huge field is read, then judged by the checks
    try:
        table, row_lines, raws, rest = _parse_lines(file, lines, taken)
    finally:
        csv.field_size_limit(limit)
    quarantine.extend(rest)
    hashes, digests = _digests([r.encode("utf-8") for r in raws])
    devs = []
    bad = [q for q in quarantine if q.rule == "encoding"]
    if bad:
        hint = _guess_encoding(b"", enc, physical=[physical[q.line - 1] for q in bad[:50] if q.line])
        devs.append(Deviation(file, "encoding", f"{len(bad)} lines are not valid {enc}{hint}", "error",
                              line=bad[0].line))
    return RawTable(file, table, np.array(row_lines, dtype=np.int64), hashes, raws.__getitem__, digests,
                    quarantine, devs)


def _parse_lines(file: str, lines: list[str | None], taken: list[int]
                 ) -> tuple[pa.Table, list[int], list[str], list[Quarantined]]:
    """Records of decoded lines: the table, each row's first line and raw text, and the rows set aside."""
    quarantine: list[Quarantined] = []
    reader = csv.reader(_consume(lines, taken))
    header: list[str] | None = None
    rows: list[list[str]] = []
    row_lines: list[int] = []
    raws: list[str] = []
    seen = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            first, seen = taken[seen], len(taken)
            text = "\n".join(t for t in lines[first: taken[-1] + 1] if t is not None)
            quarantine.append(Quarantined(file, "csv-syntax", str(err), text, line=first + 1))
            continue
        first, seen = taken[seen], len(taken)
        if not rec or (len(rec) == 1 and not rec[0].strip() and header is not None):
            continue
        if header is None:
            header = _clean_names(rec)
            continue
        text = "\n".join(t for t in lines[first: taken[-1] + 1] if t is not None)
        if len(rec) != len(header):
            quarantine.append(Quarantined(file, "field-count", f"{len(rec)} fields, the header has {len(header)}",
                                          text, line=first + 1, value=str(len(rec))))
            continue
        rows.append(rec)
        row_lines.append(first + 1)
        raws.append(text)
    if header is None:
        raise InvalidInputError("no header line (empty or undecodable file)", file=file)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InvalidInputError("duplicate column in the header", file=file, field=dup)
    table = pa.table([pa.array([r[i] for r in rows], pa.large_string()) for i in range(len(header))], names=header)
    return table, row_lines, raws, quarantine


def _guess_encoding(b: bytes, enc: str, physical: list[bytes] | None = None) -> str:
    """A hint when the undecodable bytes read as GB18030 (the usual cause: an export in the region's code)."""
    if enc == "gb18030":
        return ""
    try:
        for line in physical if physical is not None else [b]:
            line.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return " (it decodes as gb18030: try --encoding gb18030)"


def _read_parquet(path: Path) -> RawTable:
    """Parquet: every column cast to text, null as empty; ``line`` is the 1-based row number, the raw text
    the row as JSON."""
    table = pq.read_table(path)
    cols = [pc.fill_null(pc.cast(c, pa.string()), "") for c in table.columns]
    names = _clean_names(table.column_names)
    if len(set(names)) != len(names):
        dup = next(h for h in names if names.count(h) > 1)
        raise InvalidInputError("duplicate column in the file", file=str(path), field=dup)
    table = pa.table(cols, names=names)
    joined = pc.binary_join_element_wise(*cols, "\x1f") if cols else pa.array([""] * table.num_rows)
    hashes, digests = _digests([v.encode("utf-8") for v in joined.to_pylist()])

    def raw(i: int) -> str:
        return json.dumps(table.slice(i, 1).to_pylist()[0], ensure_ascii=False)

    text = pa.table([c.cast(pa.large_string()) for c in cols], names=names)
    return RawTable(str(path), text, np.arange(1, table.num_rows + 1, dtype=np.int64), hashes, raw,
                    digests=digests)
