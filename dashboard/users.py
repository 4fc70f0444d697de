"""The users file: names, roles and argon2 password hashes (never a password itself).

A JSON object ``{"users": {NAME: {"role": ..., "hash": ..., "created": ...}}}``, written atomically and
readable by its owner only. Roles grow: a viewer reads, an investigator also reviews and exports, a
supervisor also reads the audit trail.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "users.json"
>>> add_user(p, "ana", "s3cret-pass", "investigator")
>>> verify(p, "ana", "s3cret-pass"), verify(p, "ana", "wrong")
('investigator', None)
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph.errors import ClueGraphError

ROLES = ("viewer", "investigator", "supervisor")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()
#: A hash checked when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("no such user")


class UserError(ClueGraphError):
    """A users-file problem: a bad name, role or password, or an unreadable file."""

    exit_code = 2


def role_at_least(role: str | None, needed: str) -> bool:
    """Whether ``role`` has the rights of ``needed``.

    >>> role_at_least("supervisor", "investigator"), role_at_least("viewer", "investigator")
    (True, False)
    """
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def load_users(path: Path) -> dict[str, dict[str, Any]]:
    """The users of ``path`` (none when the file does not exist)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        users = data["users"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UserError(f"unreadable users file: {err}", file=str(path)) from err
    if not isinstance(users, dict):
        raise UserError("users must be an object", file=str(path), field="users")
    return users


def add_user(path: Path, name: str, password: str, role: str) -> None:
    """Add or replace ``name`` with ``role`` and a hash of ``password``."""
    if not _NAME.match(name):
        raise UserError("a user name is 1-64 letters, digits or _ . @ -", field="name", value=name)
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}", field="role", value=role)
    if len(password) < 8:
        raise UserError("a password needs at least 8 characters", field="password")
    users = load_users(path)
    users[name] = {"role": role, "hash": _HASHER.hash(password), "created": datetime.now(UTC).isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"users": users}, fh, indent=2, sort_keys=True)
    os.replace(tmp, path)


def verify(path: Path, name: str, password: str) -> str | None:
    """The role of ``name`` if ``password`` is right, else None (same cost for unknown names)."""
    user = load_users(path).get(name)
    try:
        _HASHER.verify(user["hash"] if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return str(user["role"]) if user else None
