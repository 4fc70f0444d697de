"""A lenient, standards-grade UN/EDIFACT reader: tokens (``tokens``), interchange structure and multi-part
messages (``structure``), and the date/time formats of DTM (``dates``)."""

from ingest.edifact.structure import LogicalMessage, Message, assemble, read_messages, split_messages
from ingest.edifact.tokens import Segment, Separators, Tokens, decode, escape, serialize, tokenize

__all__ = [
    "LogicalMessage",
    "Message",
    "Segment",
    "Separators",
    "Tokens",
    "assemble",
    "decode",
    "escape",
    "read_messages",
    "serialize",
    "split_messages",
    "tokenize",
]
