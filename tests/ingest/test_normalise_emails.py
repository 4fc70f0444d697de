"""E-mail normalisation and mailbox keys."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.normalise.emails import email_key, normalise_email, normalise_emails
from ingest.normalise.errors import InvalidEmailError

CASES = [
    ("J.Doe@Example.COM", "j.doe@example.com", "j.doe@example.com"),
    (" <mailto:a.b+pnr@gmail.com> ", "a.b+pnr@gmail.com", "ab@gmail.com"),
    ("x@bücher.de", "x@xn--bcher-kva.de", "x@xn--bcher-kva.de"),
]


@pytest.mark.parametrize(("value", "email", "key"), CASES)
def test_emails(value: str, email: str, key: str) -> None:
    assert (normalise_email(value), email_key(value)) == (email, key)


@pytest.mark.parametrize("value", ["nope", "a@b", "a..b@c.com", "@c.com", "a b@c.com"])
def test_bad_emails(value: str) -> None:
    with pytest.raises(InvalidEmailError) as info:
        normalise_email(value)
    assert info.value.field == "email" and info.value.value == value and info.value.rule.startswith("email-")


def test_vectorised_agrees() -> None:
    values = [c[0] for c in CASES] + ["nope", None]
    df = normalise_emails(pd.Series(values))
    assert df["email"].tolist() == [c[1] for c in CASES] + [None, None]
    assert df["email_key"].tolist() == [c[2] for c in CASES] + [None, None]
    assert df["error"].notna().tolist() == [False, False, False, True, False]
