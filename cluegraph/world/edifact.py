"""Minimal UN/EDIFACT writing: service string advice (UNA), release characters, segments, envelopes.

Real feeds differ: most files carry the default ``UNA:+.? '``, some omit UNA, and some use other
separators (here ``UNA:*.? $``, as in a public GTAS sample). Values are escaped with the release character.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Syntax:
    """Service characters of one interchange."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    terminator: str = "'"
    una: bool = True

    def escape(self, value: str) -> str:
        """Release every service character in a data value.

        >>> Syntax().escape("O'BRIEN")
        "O?'BRIEN"
        """
        out = value
        for ch in (self.release, self.component, self.element, self.terminator):
            out = out.replace(ch, self.release + ch)
        return out

    def segment(self, tag: str, *elements: str | tuple[str, ...]) -> str:
        """One segment; an element is a value or a tuple of components (values are escaped here).

        >>> Syntax().segment("NAD", "FL", "", "", ("O'NEILL", "JOHN"))
        "NAD+FL+++O?'NEILL:JOHN'"
        """
        parts = [tag]
        for el in elements:
            if isinstance(el, tuple):
                parts.append(self.component.join(self.escape(c) for c in el).rstrip(self.component))
            else:
                parts.append(self.escape(el))
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        return self.element.join(parts) + self.terminator

    def header(self) -> str:
        """The UNA segment (or nothing when this feed omits it)."""
        if not self.una:
            return ""
        return f"UNA{self.component}{self.element}{self.decimal}{self.release} {self.terminator}"


DEFAULT = Syntax()
NO_UNA = Syntax(una=False)
ALTERNATE = Syntax(element="*", terminator="$")


def pick_syntax(u: float) -> Syntax:
    """Syntax of a file from one uniform number: 75 % default, 12 % without UNA, 13 % alternate."""
    if u < 0.75:
        return DEFAULT
    return NO_UNA if u < 0.87 else ALTERNATE


def envelope(
    syn: Syntax,
    *,
    sender: str,
    recipient: str,
    stamp: str,
    ref: str,
    msg_type: str,
    version: tuple[str, ...],
    messages: list[list[str]],
    newline: bool,
) -> str:
    """UNA/UNB/UNG ... UNE/UNZ around messages (each a list of segments from UNH to UNT inclusive)."""
    date, time = stamp[:6], stamp[6:10]
    segs = [
        syn.segment(
            "UNB", ("UNOC" if msg_type == "PNRGOV" else "UNOA", "4"), sender, recipient, (date, time), ref
        )
    ]
    segs.append(syn.segment("UNG", msg_type, sender, recipient, (date, time), ref[-6:], "UN", version))
    for m in messages:
        segs.extend(m)
    segs.append(syn.segment("UNE", str(len(messages)), ref[-6:]))
    segs.append(syn.segment("UNZ", "1", ref))
    sep = "\n" if newline else ""
    return syn.header() + sep + sep.join(segs) + "\n"
