"""Id numbers for millions of rows at once, in numpy: the 63-bit number inside a node id, and edge numbers.

The same numbers ``graph.ids`` computes one at a time (and the DuckDB store's SQL computes in bulk), for a
first load that works them out before it writes: a node id ``Label:`` + 16 hex digits gives its number by
decoding the last 16 bytes of the Arrow string buffer; an edge number mixes type, ends and key with
SplitMix64 on ``uint64`` arrays (wrapping arithmetic, as the 64-bit masks of ``graph.ids`` do).

>>> from graph.ids import edge_number, node_id, parse_id
>>> ids = pa.chunked_array([[node_id("Person", "a"), node_id("Person", "b")]])
>>> numbers = id_numbers(ids)
>>> [int(n) for n in numbers] == [parse_id(i)[1] for i in ids.to_pylist()]
True
>>> int(edge_numbers("KNOWS", numbers[:1], numbers[1:])[0]) == edge_number("KNOWS", *[int(n) for n in numbers])
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from graph.ids import GOLDEN, MIX1, MIX2, hash63

_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX[_c] = 10 + _i

Numbers = npt.NDArray[np.int64]


def id_numbers(ids: pa.ChunkedArray | pa.Array) -> Numbers | None:
    """The 63-bit numbers of node ids (their last 16 characters read as hex), or None when any id is null,
    shorter than 16 characters, not hex there, or beyond 63 bits (the careful path names the row)."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks() if ids.num_chunks != 1 else ids.chunk(0)
    if ids.null_count or not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
        return None
    if len(ids) == 0:
        return np.empty(0, dtype=np.int64)
    tail = _last16(ids)
    if tail is None:
        return None
    nibbles = _HEX[tail]
    if (nibbles == 255).any():
        return None
    packed = np.ascontiguousarray((nibbles[:, 0::2] << 4) | nibbles[:, 1::2])
    numbers = packed.view(">u8").ravel().astype(np.uint64)
    if (numbers >> np.uint64(63)).any():
        return None
    return numbers.astype(np.int64)


def _last16(ids: pa.Array) -> npt.NDArray[np.uint8] | None:
    """The last 16 bytes of every string as an ``(n, 16)`` array (a view when all have one length, as ids of
    one label do), or None when a string is shorter or ends in a multi-byte character."""
    wide = pa.types.is_large_string(ids.type)
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int64 if wide else np.int32)[
        ids.offset : ids.offset + len(ids) + 1
    ]
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)
    size = int(offsets[1] - offsets[0])
    if size >= 16 and int(offsets[-1] - offsets[0]) == size * len(ids) and (np.diff(offsets) == size).all():
        return data[offsets[0] : offsets[-1]].reshape(-1, size)[:, size - 16 :]
    if pc.min(pc.utf8_length(ids)).as_py() < 16:
        return None
    tail = pc.utf8_slice_codeunits(ids, -16)
    ends = np.frombuffer(tail.buffers()[1], dtype=np.int64 if wide else np.int32)[
        tail.offset : tail.offset + len(tail) + 1
    ]
    raw = np.frombuffer(tail.buffers()[2], dtype=np.uint8)[ends[0] : ends[-1]]
    if raw.size != 16 * len(tail):
        return None
    return raw.reshape(-1, 16)


def splitmix64(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """One SplitMix64 step of every number (``graph.ids.splitmix64``)."""
    z = z + np.uint64(GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


def edge_numbers(edge_type: str, src: Numbers, dst: Numbers, key: Numbers | None = None) -> Numbers:
    """Edge numbers from the numbers of their ends and of their keys (``graph.ids.edge_number``)."""
    with np.errstate(over="ignore"):
        h = splitmix64(np.uint64(hash63(edge_type)) ^ src.astype(np.uint64))
        h = splitmix64(h ^ dst.astype(np.uint64))
        if key is not None:
            h = h ^ key.astype(np.uint64)
        return (splitmix64(h) >> np.uint64(1)).astype(np.int64)
