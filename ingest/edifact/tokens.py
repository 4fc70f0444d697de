"""UN/EDIFACT tokenizer: service string advice, release characters, segments, elements, components.

Lenient on purpose, because real senders are: text before the interchange (an IATA Type-B envelope) is
skipped, whitespace and stray CR/LF between segments are ignored, a tail without a terminator is kept out
and reported, a malformed tag is cleaned and reported. What cannot be read at all raises ``EdifactError``.

Splitting is done by compiled regular expressions (one match per segment and per value), so the work is
linear in the input and runs at C speed even on a single 50 MB line.
"""

from __future__ import annotations

import codecs
import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, cast

from ingest.errors import Deviation, EdifactError

#: A segment as data: elements, each a tuple of repetitions, each a tuple of components.
Elements = tuple[tuple[tuple[str, ...], ...], ...]

_TAG = re.compile(r"[A-Z0-9]{3}")
_START = re.compile(r"UN[ABH]")
_WS = " \t\r\n\f\v"


@dataclass(frozen=True, slots=True)
class Separators:
    """The six service characters. ``repetition`` is None when not used (a space in the UNA).

    >>> Separators.from_una(":*.? $")
    Separators(component=':', element='*', decimal='.', release='?', repetition=None, terminator='$')
    >>> Separators().una()
    "UNA:+.? '"
    """

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str | None = None
    terminator: str = "'"

    @classmethod
    def from_una(cls, advice: str, *, file: str | None = None) -> Separators:
        """Separators from the six characters that follow ``UNA``."""
        if len(advice) != 6:
            raise EdifactError("UNA service string advice needs 6 characters", file=file, field="UNA", value=advice)
        comp, elem, dec, rel, rep, term = tuple(advice)  # six one-character strings
        seps = cls(comp, elem, dec, rel, None if rep in (" ", comp, elem, rel, term) else rep, term)
        if len({comp, elem, rel, term}) != 4 or (term in _WS and term != " "):
            raise EdifactError("UNA separators must be four distinct characters", file=file, field="UNA",
                               value=advice)
        return seps

    def una(self) -> str:
        """The UNA segment text that declares these separators."""
        return "UNA" + self.component + self.element + self.decimal + self.release + (
            self.repetition or " ") + self.terminator

    def specials(self) -> str:
        """Every character that must be released inside a value."""
        return self.component + self.element + self.release + self.terminator + (self.repetition or "")


class Segment(NamedTuple):
    """One segment: its tag, its elements (1-based in ``get``, as in ``NAD+FL`` = element 1), its place.

    ``index`` is the 0-based ordinal of the segment in its file, ``line`` the 1-based line where it starts,
    ``raw`` its text as sent (release characters kept, terminator dropped). A named tuple (immutable,
    compared by value): a file holds hundreds of thousands of segments, and a tuple is made at C speed
    where a frozen dataclass sets each field through ``object.__setattr__``.

    >>> seg = tokenize("UNH+1+PAXLST'NAD+FL+++DOE:JOHN:WAYNE'").segments[1]
    >>> seg.tag, seg.get(1), seg.get(4), seg.element(4)
    ('NAD', 'FL', 'DOE', ('DOE', 'JOHN', 'WAYNE'))
    """

    tag: str
    elements: Elements
    index: int = 0  # type: ignore[assignment]  # shadows tuple.index on purpose: the field came first
    line: int = 1
    raw: str = ""

    def repeats(self, e: int) -> tuple[tuple[str, ...], ...]:
        """All repetitions of data element ``e`` (1-based); empty when absent."""
        return self.elements[e - 1] if 0 < e <= len(self.elements) else ()

    def element(self, e: int) -> tuple[str, ...]:
        """The components of the first repetition of element ``e``; empty when absent."""
        els = self.elements
        if 0 < e <= len(els) and els[e - 1]:
            return els[e - 1][0]
        return ()

    def get(self, e: int, c: int = 0, default: str = "") -> str:
        """Component ``c`` (0-based) of element ``e`` (1-based), or ``default`` when absent (inlined: the
        readers call it for nearly every value)."""
        els = self.elements
        if 0 < e <= len(els):
            reps = els[e - 1]
            if reps and c < len(reps[0]):
                return reps[0][c]
        return default


@dataclass(slots=True)
class Tokens:
    """What ``tokenize`` found: the segments, the separators in force, and the deviations."""

    segments: list[Segment]
    separators: Separators
    deviations: list[Deviation] = field(default_factory=list)


def escape(value: str, seps: Separators) -> str:
    """Put the release character before every service character in ``value``.

    >>> escape("O'LEARY+?", Separators())
    "O?'LEARY?+??"
    """
    specials = seps.specials()
    return "".join(seps.release + ch if ch in specials else ch for ch in value)


def serialize(segments: list[tuple[str, Elements]], seps: Separators) -> str:
    """EDIFACT text (with a UNA) for ``(tag, elements)`` pairs; the inverse of ``tokenize``.

    >>> serialize([("RFF", ((("AVF", "A+B"),),))], Separators())
    "UNA:+.? 'RFF+AVF:A?+B'"
    """
    rep = seps.repetition or ""
    if not rep and any(len(reps) > 1 for _, els in segments for reps in els):
        raise ValueError("repetitions need a repetition separator")
    out = [seps.una()]
    for tag, els in segments:
        parts = [tag] + [rep.join(seps.component.join(escape(c, seps) for c in comps) for comps in reps)
                         for reps in els]
        out.append(seps.element.join(parts) + seps.terminator)
    return "".join(out)


def _find_start(text: str, file: str | None) -> tuple[int, Separators, list[Deviation]]:
    """Where the EDIFACT content starts and which separators apply."""
    m = _START.search(text)
    if m is None:
        raise EdifactError("no EDIFACT content: no UNA, UNB or UNH segment", file=file)
    devs = []
    preamble = text[: m.start()].strip()
    if preamble:
        devs.append(Deviation(file, "preamble-skipped", "text before the first service segment was skipped",
                              line=1, value=preamble[:80]))
    if m.group() == "UNA":
        seps = Separators.from_una(text[m.end(): m.end() + 6], file=file)
        return m.end() + 6, seps, devs
    syntax4 = re.match(r"UNB\+UNO\w:4", text[m.start(): m.start() + 12]) is not None
    return m.start(), Separators(repetition="*" if syntax4 else None), devs


@lru_cache(maxsize=64)
def _patterns(seps: Separators) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    r, t = re.escape(seps.release), re.escape(seps.terminator)
    seps_in_value = re.escape(seps.component + seps.element + (seps.repetition or ""))
    segment = re.compile(f"((?:[^{r}{t}]|{r}.)*){t}", re.DOTALL)
    value = re.compile(f"(?:[^{r}{seps_in_value}]|{r}.?)*", re.DOTALL)
    release = re.compile(f"{r}(.?)", re.DOTALL)
    return segment, value, release


#: Tags and elements of segment texts already split (clean tags only), per separators: a file repeats many
#: segments word for word (``UNG``/``UNE`` envelopes, ``ATT+2++M``, dates, ports), and elements are
#: immutable tuples, so a repeat costs one dict lookup. Cleared when it grows past ``_CACHE_MAX`` entries.
_CACHE: dict[Separators, dict[str, tuple[str, Elements]]] = {}
_CACHE_MAX = 200_000


def _cache_for(seps: Separators) -> dict[str, tuple[str, Elements]]:
    cache = _CACHE.get(seps)
    if cache is None or len(cache) > _CACHE_MAX:
        if len(_CACHE) > 16:
            _CACHE.clear()
        cache = _CACHE[seps] = {}
    return cache


def _split(raw: str, seps: Separators, value_re: re.Pattern[str], release_re: re.Pattern[str]) -> Elements:
    """Elements, repetitions and components of one segment's text (the tag is element 0)."""
    if seps.release not in raw:  # nothing released (most segments): plain splits at C speed, same result
        rep, comp = seps.repetition, seps.component
        if rep is None or rep not in raw:  # no repetitions in the segment (nearly all): one level less
            return tuple([(tuple(e.split(comp)),) for e in raw.split(seps.element)])
        return tuple([tuple([tuple(r.split(comp)) for r in e.split(rep)]) for e in raw.split(seps.element)])
    elements: list[tuple[tuple[str, ...], ...]] = []
    reps: list[tuple[str, ...]] = []
    comps: list[str] = []
    pos, end = 0, len(raw)
    while True:
        m = value_re.match(raw, pos)
        assert m is not None  # the pattern matches the empty string
        text = m.group()
        comps.append(release_re.sub(lambda g: g.group(1), text) if seps.release in text else text)
        pos = m.end()
        if pos >= end:
            break
        sep = raw[pos]
        pos += 1
        if sep == seps.component:
            continue
        reps.append(tuple(comps))
        comps = []
        if sep == seps.element:
            elements.append(tuple(reps))
            reps = []
    reps.append(tuple(comps))
    elements.append(tuple(reps))
    return tuple(elements)


def _pieces(text: str, start: int, seps: Separators) -> tuple[list[str], int]:
    """Each segment's text before its terminator (from ``start`` on, in order) and where the rest (the tail,
    with no terminator) starts: one ``str.split`` at C speed. A piece that ends in an odd run of release
    characters had its terminator released: it is joined to the next piece."""
    pieces = text[start:].split(seps.terminator)
    rel = seps.release
    if rel in text[start:]:
        joined: list[str] = []
        carry = ""
        for piece in itertools.islice(pieces, len(pieces) - 1):
            piece = carry + piece
            if piece.endswith(rel) and (len(piece) - len(piece.rstrip(rel))) % 2:
                carry = piece + seps.terminator
                continue
            carry = ""
            joined.append(piece)
        joined.append(carry + pieces[-1])  # the tail, with the pieces whose terminator was released
        pieces = joined
    tail = pieces.pop()
    return pieces, len(text) - len(tail)


def _tail_bodies(text: str, start: int, segment_re: re.Pattern[str]) -> Iterator[tuple[str, int]]:
    """What the segment pattern still finds in a tail that holds a released terminator (it restarts after a
    failed match, so a released terminator there ends an empty or partial segment): the bodies and where
    each segment ends."""
    for m in segment_re.finditer(text, start):
        yield m.group(1), m.end()


def _lines(text: str, start: int, pieces: list[str], stripped: list[str]) -> list[int]:
    """The 1-based line where each segment starts (its piece's leading whitespace skipped)."""
    counts = [p.count("\n") for p in pieces]
    ends = itertools.accumulate(counts, initial=1 + text.count("\n", 0, start))
    next(ends)
    if "\n" in "".join(stripped):  # line breaks inside segments (rare): they belong to the next line count
        return [e - s.count("\n") for e, s in zip(ends, stripped, strict=True)]
    return list(ends)


class _Builder:
    """Segments from segment texts: a known text costs one dict lookup; a new one is split and its tag
    checked (a malformed tag is cleaned and reported, and not cached)."""

    __slots__ = ("cache", "devs", "file", "release_re", "segments", "seps", "value_re")

    def __init__(self, seps: Separators, file: str | None, devs: list[Deviation]) -> None:
        self.seps, self.file, self.devs = seps, file, devs
        self.segments: list[Segment] = []
        self.cache = _cache_for(seps)
        _, self.value_re, self.release_re = _patterns(seps)

    def new(self, stripped: str, line: int) -> tuple[str, Elements]:
        els = _split(stripped, self.seps, self.value_re, self.release_re)
        head = els[0]
        tag_raw = head[0][0] if head and head[0] else ""
        if len(head) == 1 and len(head[0]) == 1 and _TAG.fullmatch(tag_raw):  # a clean tag (nearly all)
            known = self.cache[stripped] = (tag_raw, els[1:])
            return known
        tag = tag_raw.strip(_WS).upper()
        if tag != tag_raw or not _TAG.fullmatch(tag) or len(head) > 1 or len(head[0]) > 1:
            self.devs.append(Deviation(self.file, "malformed-tag", "segment tag is not three letters or digits",
                                       line=line, tag=tag, value=tag_raw))
        return tag, els[1:]

    def learn_plain(self, texts: list[str]) -> None:
        """Split and cache, in one pass, the new texts that hold no release or repetition character and
        start with a clean tag (the same elements ``_split`` makes); the others are left to ``new``."""
        seps = self.seps
        rel, rep, comp, elem = seps.release, seps.repetition or seps.release, seps.component, seps.element
        plain = [t for t in texts if rel not in t and rep not in t]
        split = [tuple([(tuple(e.split(comp)),) for e in t.split(elem)]) for t in plain]
        tag_ok, cache = _TAG.fullmatch, self.cache
        for t, els in zip(plain, split, strict=True):
            head = els[0][0]
            if len(head) == 1 and tag_ok(head[0]):
                cache[t] = (head[0], els[1:])

    def add(self, stripped: list[str], lines: list[int]) -> None:
        """Append the segments of these texts (whitespace-only texts are skipped) starting on these lines."""
        if "" in stripped:
            keep = [i for i, text in enumerate(stripped) if text]
            stripped, lines = [stripped[i] for i in keep], [lines[i] for i in keep]
        get = self.cache.get
        known = list(map(get, stripped))
        miss = [i for i, k in enumerate(known) if k is None]  # texts not seen before (the rest: one lookup)
        if miss:
            self.learn_plain(list(dict.fromkeys([stripped[i] for i in miss])))
            for i in miss:
                known[i] = get(stripped[i]) or self.new(stripped[i], lines[i])
        make, base = tuple.__new__, len(self.segments)
        found = cast("list[tuple[str, Elements]]", known)  # every miss filled above
        self.segments.extend([make(Segment, (k[0], k[1], i, line, text)) for i, k, line, text in zip(
            itertools.count(base), found, lines, stripped)])


def tokenize(text: str, *, file: str | None = None) -> Tokens:
    """Split EDIFACT ``text`` into segments, honouring the UNA (or the defaults when there is none).

    >>> toks = tokenize("UNA:+.? 'UNH+1+PAXLST'NAD+FL+++O?'LEARY:KRIS'\\r\\n  UNT+3+1'garbage")
    >>> [s.tag for s in toks.segments], toks.segments[1].get(4)
    (['UNH', 'NAD', 'UNT'], "O'LEARY")
    >>> [d.rule for d in toks.deviations]
    ['unterminated-tail']
    """
    start, seps, devs = _find_start(text, file)
    pieces, tail_start = _pieces(text, start, seps)
    stripped = [p.lstrip(_WS) for p in pieces]
    build = _Builder(seps, file, devs)
    build.add(stripped, _lines(text, start, pieces, stripped))
    last = tail_start
    if seps.terminator in text[tail_start:]:  # a released terminator in the tail
        for body, end in _tail_bodies(text, tail_start, _patterns(seps)[0]):
            last = end
            body = body.lstrip(_WS)
            build.add([body], [1 + text.count("\n", 0, end - len(seps.terminator) - len(body))])
    tail = text[last:].strip(_WS)
    if tail:
        devs.append(Deviation(file, "unterminated-tail", "text after the last segment terminator was ignored",
                              line=1 + text.count("\n", 0, last), value=tail[:80]))
    return Tokens(build.segments, seps, devs)


def _record_error(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    _decode_state.errors.append((err.start, err.end))
    return "\ufffd", err.end


_decode_state = threading.local()
codecs.register_error("cluegraph-edifact-record", _record_error)

#: At most this many undecodable bytes are reported one by one; the rest are summed up in one deviation.
MAX_BYTE_DEVIATIONS = 100


def decode(data: bytes, encoding: str = "utf-8", *, file: str | None = None) -> tuple[str, list[Deviation]]:
    """Decode ``data``; bytes the encoding cannot read become U+FFFD and are reported, one deviation each.

    >>> decode(b"NOV\\x87K", "utf-8")[0], decode(b"NOV\\x87K", "utf-8")[1][0].value
    ('NOV\\ufffdK', '0x87')
    """
    _decode_state.errors = []
    try:
        text = data.decode(encoding, "cluegraph-edifact-record")
        bad: list[tuple[int, int]] = _decode_state.errors
    finally:
        _decode_state.errors = []
    devs: list[Deviation] = []
    line, counted = 1, 0
    for start, end in bad[:MAX_BYTE_DEVIATIONS]:
        line += data.count(b"\n", counted, start)
        counted = start
        devs.append(Deviation(file, "undecodable-byte", f"bytes not valid in {encoding}, replaced by U+FFFD",
                              line=line, value=" ".join(f"0x{b:02x}" for b in data[start:end])))
    if len(bad) > MAX_BYTE_DEVIATIONS:
        devs.append(Deviation(file, "undecodable-byte", f"{len(bad) - MAX_BYTE_DEVIATIONS} more undecodable byte "
                              f"sequences not listed one by one", severity="error", value=str(len(bad))))
    return text, devs
