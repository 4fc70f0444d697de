"""Interchange structure: UNB/UNZ, optional UNG/UNE groups, UNH/UNT messages, and multi-part messages.

Control counts and references that disagree with the content are reported as deviations, never fatal. A
message without its UNT (a truncated file, or a new UNH before the UNT) is kept with ``complete=False``
so a reader can quarantine it; the messages before it are whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.edifact.tokens import Segment, Separators, decode, tokenize
from ingest.errors import Deviation, Severity


@dataclass(frozen=True, slots=True)
class Message:
    """One UNH..UNT message and its envelope.

    ``index`` is the 0-based position of the message in its file; ``part``/``part_flag`` come from UNH
    element 4 (``01:C`` ... ``03:F``); ``access_ref`` (UNH element 3) ties the parts of one list together.
    """

    file: str | None
    index: int
    segments: tuple[Segment, ...]
    complete: bool = True
    interchange_date: str = ""
    sender: str = ""
    charset: str = ""
    #: The separators of the file the message came from (None when not known), for readers that look at
    #: the raw text of its segments.
    separators: Separators | None = field(default=None, repr=False, compare=False)

    @property
    def unh(self) -> Segment:
        """The UNH segment."""
        return self.segments[0]

    @property
    def ref(self) -> str:
        """Message reference number (UNH element 1)."""
        return self.unh.get(1).strip()

    @property
    def type(self) -> str:
        """Message type, e.g. ``PAXLST``."""
        return self.unh.get(2, 0).strip()

    @property
    def version(self) -> str:
        """Version and release, e.g. ``D:02B`` (or ``001:000`` in the old US dialect)."""
        return f"{self.unh.get(2, 1)}:{self.unh.get(2, 2)}"

    @property
    def access_ref(self) -> str:
        """Common access reference (UNH element 3)."""
        return self.unh.get(3).strip()

    @property
    def part(self) -> int | None:
        """Sequence number of this part (UNH element 4, component 1), or None."""
        raw = self.unh.get(4, 0).strip()
        return int(raw) if raw.isdigit() else None

    @property
    def part_flag(self) -> str:
        """``C`` (more parts follow), ``F`` (final part) or empty."""
        return self.unh.get(4, 1).strip().upper()

    def number(self, seg: Segment) -> int:
        """1-based position of ``seg`` in this message (UNH is 1)."""
        return seg.index - self.segments[0].index + 1

    def body(self) -> tuple[Segment, ...]:
        """The segments between UNH and UNT."""
        return self.segments[1:-1] if self.complete else self.segments[1:]


@dataclass(frozen=True, slots=True)
class LogicalMessage:
    """One logical message: its parts in order (one part for an ordinary message)."""

    parts: tuple[Message, ...]
    missing_parts: tuple[int, ...] = ()


#: The service segments that open or close an interchange, a group or a message.
SERVICE = frozenset(("UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"))


@dataclass(slots=True)
class _Envelope:
    tag: str
    seg: Segment
    count: int = 0
    groups: int = 0


@dataclass(slots=True)
class _Splitter:
    file: str | None
    separators: Separators | None = None
    messages: list[Message] = field(default_factory=list)
    devs: list[Deviation] = field(default_factory=list)
    interchange: _Envelope | None = None
    group: _Envelope | None = None
    current: list[Segment] | None = None

    def dev(self, seg: Segment, rule: str, detail: str, *, severity: str = "warning", value: str | None = None,
            field_: str | None = None, in_message: bool = False) -> None:
        msg_index = len(self.messages) if in_message else None
        number = seg.index - self.current[0].index + 1 if in_message and self.current else seg.index + 1
        self.devs.append(Deviation(self.file, rule, detail, severity, msg_index, number, seg.line, seg.tag,  # type: ignore[arg-type]
                                   field_, value))

    def close(self, complete: bool) -> None:
        assert self.current is not None
        unb = self.interchange.seg if self.interchange else None
        msg = Message(self.file, len(self.messages), tuple(self.current), complete,
                      unb.get(4, 0) if unb else "", unb.get(2, 0) if unb else "",
                      unb.get(1, 0).strip() if unb else "", self.separators)
        if not complete:
            self.dev(self.current[-1], "message-truncated", f"message {msg.ref!r} has no UNT; it is incomplete",
                     severity="error", in_message=True)
        self.messages.append(msg)
        for env in (self.group, self.interchange):
            if env is not None:
                env.count += 1
        self.current = None

    def count_check(self, seg: Segment, declared: str, actual: int, rule: str, what: str, in_message: bool) -> None:
        if not declared.strip().isdigit():
            self.dev(seg, rule, f"{seg.tag} count is not a number", value=declared, field_="count",
                     in_message=in_message)
        elif int(declared) != actual:
            self.dev(seg, rule, f"{seg.tag} says {int(declared)}, {what} {actual}", value=declared, field_="count",
                     in_message=in_message)

    def ref_check(self, seg: Segment, opened: Segment | None, e_open: int, e_close: int, rule: str,
                  in_message: bool) -> None:
        if opened is not None and seg.get(e_close).strip() != opened.get(e_open).strip():
            self.dev(seg, rule, f"{seg.tag} reference differs from {opened.tag} reference {opened.get(e_open)!r}",
                     value=seg.get(e_close), field_="reference", in_message=in_message)

    def feed(self, seg: Segment) -> None:
        tag = seg.tag
        if tag in ("UNB", "UNG", "UNH", "UNE", "UNZ") and self.current is not None:
            self.close(complete=False)
        if tag == "UNB":
            if self.interchange is not None:
                self.dev(seg, "unz-missing", "new UNB before the UNZ of the previous interchange")
            self.interchange, self.group = _Envelope("UNB", seg), None
        elif tag == "UNG":
            if self.group is not None:
                self.dev(seg, "une-missing", "new UNG before the UNE of the previous group")
            self.group = _Envelope("UNG", seg)
            if self.interchange is not None:
                self.interchange.groups += 1
        elif tag == "UNH":
            self.current = [seg]
        elif tag == "UNT":
            if self.current is None:
                self.dev(seg, "stray-segment", "UNT without UNH")
                return
            self.current.append(seg)
            self.count_check(seg, seg.get(1), len(self.current), "unt-count", "message has segments", True)
            self.ref_check(seg, self.current[0], 1, 2, "unt-reference", True)
            self.close(complete=True)
        elif tag == "UNE":
            if self.group is None:
                self.dev(seg, "stray-une", "UNE without UNG")
                return
            self.count_check(seg, seg.get(1), self.group.count, "une-count", "group has messages", False)
            self.ref_check(seg, self.group.seg, 5, 2, "une-reference", False)
            self.group = None
        elif tag == "UNZ":
            if self.interchange is None:
                self.dev(seg, "stray-unz", "UNZ without UNB")
                return
            env = self.interchange
            if env.groups:
                self.count_check(seg, seg.get(1), env.groups, "unz-count", "interchange has groups", False)
            else:
                self.count_check(seg, seg.get(1), env.count, "unz-count", "interchange has messages", False)
            self.ref_check(seg, env.seg, 5, 2, "unz-reference", False)
            self.interchange = self.group = None
        else:
            self.run([seg])

    def run(self, segs: list[Segment]) -> None:
        """Segments other than the service segments of ``SERVICE``: into the open message, or reported."""
        if self.current is not None:
            self.current.extend(segs)
            return
        for seg in segs:
            self.dev(seg, "stray-segment", f"{seg.tag} segment outside any message was ignored", value=seg.raw[:80])

    def finish(self) -> None:
        if self.current is not None:
            self.close(complete=False)
        if self.group is not None:
            self.dev(self.group.seg, "une-missing", "group has no UNE")
        if self.interchange is not None:
            self.dev(self.interchange.seg, "unz-missing", "interchange has no UNZ")


def split_messages(segments: Iterable[Segment], *, file: str | None = None, separators: Separators | None = None,
                   ) -> tuple[list[Message], list[Deviation]]:
    """Group segments into messages inside their interchange and group, checking counts and references.

    >>> from ingest.edifact.tokens import tokenize
    >>> msgs, devs = split_messages(tokenize("UNH+1+PAXLST:D:02B:UN'BGM+745'UNT+2+1'").segments)
    >>> [m.ref for m in msgs], [d.rule for d in devs]
    (['1'], ['unt-count'])
    """
    splitter = _Splitter(file, separators)
    segs = segments if isinstance(segments, list) else list(segments)
    prev = 0
    for i in [i for i, seg in enumerate(segs) if seg[0] in SERVICE]:  # the rest goes in runs, at C speed
        if i > prev:
            splitter.run(segs[prev:i])
        splitter.feed(segs[i])
        prev = i + 1
    if prev < len(segs):
        splitter.run(segs[prev:])
    splitter.finish()
    return splitter.messages, splitter.devs


def read_messages(path: str | Path, *, encoding: str = "utf-8") -> tuple[list[Message], list[Deviation]]:
    """Read one EDIFACT file into messages, with every deviation found on the way (bytes, tokens, structure)."""
    name = str(path)
    text, devs = decode(Path(path).read_bytes(), encoding, file=name)
    tokens = tokenize(text, file=name)
    messages, sdevs = split_messages(tokens.segments, file=name, separators=tokens.separators)
    return messages, devs + tokens.deviations + sdevs


Reader = Callable[..., tuple[list[Message], list[Deviation]]]


def read_files(
    path: str | Path | Iterable[str | Path], read: Reader = read_messages, *, encoding: str = "utf-8"
) -> tuple[list[Message], list[Deviation]]:
    """The messages and deviations of one file or many, each file read by ``read`` (default ``read_messages``;
    a reader that repairs a dialect first, such as ``read_pnr_messages``, fits too)."""
    paths = [path] if isinstance(path, str | Path) else list(path)
    messages: list[Message] = []
    devs: list[Deviation] = []
    for p in paths:
        found, found_devs = read(p, encoding=encoding)
        messages.extend(found)
        devs.extend(found_devs)
    return messages, devs


def _part_key(msg: Message) -> tuple[str, str, str] | None:
    if msg.part is None or not msg.access_ref:
        return None
    return msg.type, msg.access_ref, msg.sender


def assemble(messages: Sequence[Message]) -> tuple[list[LogicalMessage], list[Deviation]]:
    """Join the parts of multi-part messages (same type, access reference and sender), in part order.

    A missing part, a missing final part (``F``) or a repeated part number is a deviation; the parts that
    are there still make a logical message. Order of the result follows the first part's arrival.

    >>> from ingest.edifact.tokens import tokenize
    >>> text = "UNH+1+PAXLST:D:02B:UN+REF+02'UNT+2+1'UNH+1+PAXLST:D:02B:UN+REF+01:C'UNT+2+1'"
    >>> msgs, _ = split_messages(tokenize(text).segments)
    >>> logical, devs = assemble(msgs)
    >>> [m.part for m in logical[0].parts], [d.rule for d in devs]
    ([1, 2], ['part-final-missing'])
    """
    groups: dict[tuple[str, str, str], list[Message]] = defaultdict(list)
    order: list[tuple[str, str, str] | Message] = []
    for msg in messages:
        key = _part_key(msg)
        if key is None:
            order.append(msg)
            continue
        if key not in groups:
            order.append(key)
        groups[key].append(msg)
    logical: list[LogicalMessage] = []
    devs: list[Deviation] = []
    for item in order:
        if isinstance(item, Message):
            logical.append(LogicalMessage((item,)))
            continue
        parts, missing, pdevs = _order_parts(groups[item])
        logical.append(LogicalMessage(parts, missing))
        devs.extend(pdevs)
    return logical, devs


def _order_parts(found: list[Message]) -> tuple[tuple[Message, ...], tuple[int, ...], list[Deviation]]:
    parts: dict[int, Message] = {}
    devs: list[Deviation] = []
    for msg in found:
        assert msg.part is not None
        if msg.part in parts:
            devs.append(_part_deviation(msg, "part-duplicate", f"part {msg.part} of {msg.access_ref!r} seen twice; "
                                        "the later one is ignored"))
            continue
        parts[msg.part] = msg
    ordered = tuple(parts[n] for n in sorted(parts))
    finals = [n for n in sorted(parts) if parts[n].part_flag == "F"]
    last = ordered[-1]
    single = len(ordered) == 1 and last.part == 1 and last.part_flag != "C"
    top = finals[0] if finals else max(parts)
    missing = tuple(n for n in range(1, top + 1) if n not in parts)
    if missing:
        devs.append(_part_deviation(last, "part-missing", f"parts {list(missing)} of {last.access_ref!r} are missing",
                                    severity="error"))
    if not finals and not single:
        devs.append(_part_deviation(last, "part-final-missing", f"no final part (F) of {last.access_ref!r}",
                                    severity="error"))
    return ordered, missing, devs


def _part_deviation(msg: Message, rule: str, detail: str, *, severity: Severity = "warning") -> Deviation:
    """A deviation about a multi-part message, placed at its UNH (element 4 holds the part number)."""
    return Deviation(msg.file, rule, detail, severity=severity, message_index=msg.index, segment_number=1,
                     line=msg.unh.line, tag="UNH", field="UNH 4", value=msg.unh.get(4))
