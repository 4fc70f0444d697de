"""E-mail addresses: one lower-case form, and a key that folds provider aliases.

``normalise_email`` strips a ``mailto:`` prefix and angle brackets, lower-cases, IDNA-encodes the domain and
checks the shape ``local@domain.tld``. ``email_key`` also drops ``+tags`` everywhere and dots in Gmail local
parts (``j.doe+x@googlemail.com`` = ``jdoe@gmail.com``): those are the same mailbox, a strong link.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pyarrow as pa

from ingest.normalise._vector import ArrayLike, is_missing, map_unique
from ingest.normalise.errors import InvalidEmailError

_SHAPE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$")
_GMAIL = {"gmail.com", "googlemail.com"}


@cache
def _normalise(text: str, field: str) -> tuple[str, str]:
    raw = re.sub(r"^mailto:", "", text.strip().strip("<>").strip(), flags=re.IGNORECASE).lower()
    local, at, domain = raw.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        msg = "domain is not a valid IDNA name"
        raise InvalidEmailError(msg, field=field, value=text, rule="email-domain") from None
    address = f"{local}{at}{domain}"
    if not at or not _SHAPE.match(address) or ".." in local or local.startswith(".") or local.endswith("."):
        raise InvalidEmailError("not of the form local@domain.tld", field=field, value=text, rule="email-shape")
    key_local = local.split("+", 1)[0]
    key_domain = "gmail.com" if domain in _GMAIL else domain
    if key_domain == "gmail.com":
        key_local = key_local.replace(".", "")
    return address, f"{key_local}@{key_domain}"


def normalise_email(value: str | None, *, field: str = "email") -> str | None:
    """One e-mail address, lower-cased; ``None``/blank gives ``None``.

    >>> normalise_email("mailto:J.Doe@Example.COM")
    'j.doe@example.com'
    """
    return None if is_missing(value) else _normalise(str(value), field)[0]


def email_key(value: str | None, *, field: str = "email") -> str | None:
    """The mailbox key: ``+tags`` dropped, Gmail dots dropped and googlemail.com folded.

    >>> email_key("J.Doe+travel@googlemail.com")
    'jdoe@gmail.com'
    """
    return None if is_missing(value) else _normalise(str(value), field)[1]


def normalise_emails(values: ArrayLike, *, field: str = "email") -> pd.DataFrame | pa.Table:
    """Vectorised: columns ``email, email_key, error``.

    >>> normalise_emails(pd.Series(["A@B.CO", "nope"]))["email"].tolist()
    ['a@b.co', None]
    """
    return map_unique(values, lambda v: _normalise(str(v), field), ["email", "email_key"])
