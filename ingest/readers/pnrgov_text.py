"""PNRGOV text repairs: what real PNR pushes break before a message can be read.

The shared EDIFACT layer is strict where the standard is (``ingest.edifact``); these repairs sit in front of
it and behind it, each reported as a ``Deviation`` so nothing is silent:

* a UNA with five service characters (the decimal mark left out) or a UNA terminator the body does not use
  (``’`` declared, ``'`` sent): the advice is rebuilt;
* curly quotes ``’`` at a line end where the terminator ``'`` was meant (copy from a PDF);
* line breaks inside values (segments wrapped at a fixed width): removed;
* a segment glued to the one before for want of a terminator (``+9TIF+`` / ``+HKIFT+``): split.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ingest.edifact.structure import Message, split_messages
from ingest.edifact.tokens import Elements, Segment, Separators, decode, tokenize
from ingest.errors import Deviation, EdifactError

_UNA = re.compile(r"UNA(.*?)(?=UNB|UNH)", re.DOTALL)
_CURLY = re.compile(r"\u2019(?=[ \t]*\r?\n)")
#: Tags that a missing terminator glues onto the end of the previous segment's last value.
GLUED_TAGS = ("TIF", "IFT", "SSR", "TVL", "RPI", "TKT", "FOP", "REF", "FTI")
_GLUED = re.compile(r"([A-Z0-9]{1,2})(" + "|".join(GLUED_TAGS) + ")")


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def repair_una(text: str, *, file: str | None = None) -> tuple[str, list[Deviation]]:
    """Rebuild a service string advice that cannot be right; text without a UNA is returned as is.

    >>> repair_una("UNA:+\\\\*'\\nUNB+IATA:1+1A'")[0]
    "UNA:+.\\\\*'\\nUNB+IATA:1+1A'"
    >>> repair_una("UNA:+.?*\u2019 UNB+IATA:1'UNH+1'")[0]
    "UNA:+.?*' UNB+IATA:1'UNH+1'"
    """
    m = _UNA.search(text[:2000])
    if m is None:
        return text, []
    raw = m.group(1)
    body = text[m.end():]
    try:
        seps: Separators | None = Separators.from_una(raw[:6])
    except EdifactError:
        seps = None
    if seps is not None and (body.count(seps.terminator) >= 2 or "'" not in body):
        return text, []
    chars = raw.strip(" \t\r\n")
    fixed = chars
    if len(chars) == 5 and chars[2] not in ".,":
        fixed = chars[:2] + "." + chars[2:]
    if len(fixed) == 6 and fixed[5] not in body and body.count("'") >= 2:
        fixed = fixed[:5] + "'"
    try:
        Separators.from_una(fixed)
    except EdifactError:
        fixed = Separators().una()[3:]
    dev = Deviation(file, "una-repaired", "service string advice did not fit the body; rebuilt", line=_line(
        text, m.start()), tag="UNA", field="UNA", value=f"{raw.strip()} -> {fixed}")
    tail = "".join(ch for ch in raw if ch == "\n")
    return text[: m.start()] + "UNA" + fixed + (tail or " ") + body, [dev]


def repair_quotes(text: str, seps: Separators, *, file: str | None = None) -> tuple[str, list[Deviation]]:
    """Curly quotes at a line end become the terminator when the terminator is the apostrophe.

    >>> repair_quotes("TIF+PARK\u2019\\nTVL+1'", Separators())[0]
    "TIF+PARK'\\nTVL+1'"
    """
    if seps.terminator != "'":
        return text, []
    devs = [Deviation(file, "curly-terminator", "U+2019 at a line end read as the segment terminator",
                      line=_line(text, m.start()), value=text[max(0, m.start() - 20): m.start() + 1])
            for m in _CURLY.finditer(text)]
    return (_CURLY.sub("'", text), devs) if devs else (text, devs)


def _clean(elements: Elements) -> Elements:
    return tuple(tuple(tuple(c.replace("\r", "").replace("\n", "") for c in comps) for comps in reps)
                 for reps in elements)


def _unglue(seg: Segment) -> list[Segment] | None:
    """Split a segment whose value ends with the tag of a following segment (no terminator between)."""
    for e, reps in enumerate(seg.elements):
        if e == 0 or len(reps) != 1 or len(reps[0]) != 1 or e + 1 >= len(seg.elements):
            continue
        m = _GLUED.fullmatch(reps[0][0])
        if m:
            first = Segment(seg.tag, (*seg.elements[:e], ((m.group(1),),)), seg.index, seg.line, seg.raw)
            second = Segment(m.group(2), seg.elements[e + 1:], seg.index, seg.line, seg.raw)
            return [first, *(_unglue(second) or [second])]
    return None


@lru_cache(maxsize=64)
def _glue_hint(seps: Separators) -> re.Pattern[str]:
    """A value that ``_unglue`` would split, as it stands in raw text with no release character: a whole
    element between two element separators."""
    e = re.escape(seps.element)
    return re.compile(f"{e}[A-Z0-9]{{1,2}}(?:{'|'.join(GLUED_TAGS)}){e}")


def _clean_already(msg: Message) -> bool:
    """True when no segment of ``msg`` has a line break or a glued segment: one scan of the message's raw
    text (a message whose separators are not known, or with a release character, is looked at closely)."""
    seps = msg.separators
    if seps is None:
        return False
    raw = "\x00".join([s.raw for s in msg.segments])
    return ("\n" not in raw and "\r" not in raw and seps.release not in raw
            and _glue_hint(seps).search(raw) is None)


def clean_segments(msg: Message) -> tuple[list[Segment], list[Deviation]]:
    """The message's segments with line breaks taken out of values and glued segments split (reported)."""
    if _clean_already(msg):
        return list(msg.segments), []
    out: list[Segment] = []
    devs: list[Deviation] = []
    for seg in msg.segments:
        if "\n" in seg.raw or "\r" in seg.raw:
            devs.append(Deviation(msg.file, "value-line-break", "line break inside a segment removed", "info",
                                  msg.index, msg.number(seg), seg.line, seg.tag, None, seg.raw[:80]))
            seg = Segment(seg.tag, _clean(seg.elements), seg.index, seg.line, seg.raw)
        split = _unglue(seg) if seg.tag not in ("UNH", "UNT", "LTS") else None
        if split:
            devs.append(Deviation(msg.file, "terminator-missing", f"{split[1].tag} glued to the {seg.tag} before "
                                  "it; split", "warning", msg.index, msg.number(seg), seg.line, seg.tag, None,
                                  seg.raw[:80]))
            out.extend(split)
        else:
            out.append(seg)
    return out, devs


def read_pnr_messages(path: str | Path, *, encoding: str = "utf-8") -> tuple[list[Message], list[Deviation]]:
    """Read one file into messages after the text repairs; every finding on the way is returned."""
    name = str(path)
    text, devs = decode(Path(path).read_bytes(), encoding, file=name)
    text, una_devs = repair_una(text, file=name)
    tokens = tokenize(text, file=name)
    text2, quote_devs = repair_quotes(text, tokens.separators, file=name)
    if quote_devs:
        tokens = tokenize(text2, file=name)
    messages, sdevs = split_messages(tokens.segments, file=name, separators=tokens.separators)
    return messages, devs + una_devs + quote_devs + tokens.deviations + sdevs
