"""The reading context of one PAXLST message part: where its findings go (deviations, quarantine), where a
segment stands in the message, and how its dates with two-digit years are read."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.edifact.dates import parse_dtm
from ingest.edifact.structure import Message
from ingest.edifact.tokens import Segment
from ingest.errors import Deviation, Quarantined


def content_hash(segments: Sequence[Segment]) -> str:
    """A stable content hash of a traveller's segments (raw text, one per line), 16 hex digits.

    >>> from ingest.edifact.tokens import tokenize
    >>> content_hash(tokenize("UNH+1+PAXLST'NAD+FL+++DOE:JOHN'").segments[1:])
    '4d9b6b256d60ae90'
    """
    return hashlib.sha256("\n".join([s.raw for s in segments]).encode("utf-8")).hexdigest()[:16]


def join_values(parts: Sequence[str]) -> str:
    """Non-empty values, trimmed, joined by spaces.

    >>> join_values([" JOHN", "", "WAYNE "])
    'JOHN WAYNE'
    """
    return " ".join([p.strip() for p in parts if p.strip()])


@dataclass(slots=True)
class Part:
    """One message part being read: its findings go to ``devs`` and ``quarantine``; ``ref_year`` places
    two-digit years. The message's reference, part number and first segment are looked up once."""

    msg: Message
    ref_year: int
    devs: list[Deviation]
    quarantine: list[Quarantined]
    ref: str = field(init=False)
    part: int | None = field(init=False)
    first: int = field(init=False)
    unoa: bool = field(init=False)

    def __post_init__(self) -> None:
        self.ref, self.part = self.msg.ref, self.msg.part
        self.first = self.msg.segments[0].index
        self.unoa = self.msg.charset == "UNOA"

    def number(self, seg: Segment) -> int:
        """1-based position of ``seg`` in the message (UNH is 1)."""
        return seg.index - self.first + 1

    def dev(self, seg: Segment, rule: str, detail: str, *, value: str | None = None, field_: str | None = None,
            severity: str = "warning") -> None:
        """A deviation at ``seg``."""
        self.devs.append(Deviation(self.msg.file, rule, detail, severity, self.msg.index,  # type: ignore[arg-type]
                                   self.number(seg), seg.line, seg.tag, field_, value))

    def reject(self, segs: Sequence[Segment], at: Segment, rule: str, detail: str, *, field_: str,
               value: str) -> None:
        """Quarantine the record made of ``segs`` (its raw text kept), placed at ``at``."""
        raw = "\n".join(s.raw for s in segs)
        self.quarantine.append(Quarantined(self.msg.file, rule, detail, raw, self.msg.index, self.number(at),
                                           at.line, at.tag, field_, value))

    def date(self, seg: Segment, value: str, fmt: str, kind: str) -> str | None:
        """Parse a date, reporting surrounding whitespace; raises ValueError when it does not parse."""
        stripped = value.strip()
        if value != stripped:
            self.dev(seg, "value-whitespace", "date value has surrounding spaces", value=value, severity="info")
        if not stripped:
            self.dev(seg, "empty-value", f"{seg.tag} has an empty date", value=value, severity="info")
            return None
        return parse_dtm(value, fmt, ref_year=self.ref_year, kind=kind)  # type: ignore[arg-type]
