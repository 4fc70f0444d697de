"""``cluegraph users add NAME --role ROLE``: the dashboard's users file (argon2 hashes, ``CLUEGRAPH_USERS``,
default ./users.json). The password comes from a prompt (typed twice, hidden) or from stdin."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cluegraph.cli import _fail, app, console

users_app = typer.Typer(
    help="Manage the dashboard's users (argon2 password hashes in a users file).", no_args_is_help=True
)
app.add_typer(users_app, name="users")

UsersFile = Annotated[
    Path | None, typer.Option("--file", help="The users file (default: CLUEGRAPH_USERS or ./users.json).")
]


def _users_path(path: Path | None) -> Path:
    return path or Path(os.environ.get("CLUEGRAPH_USERS", "users.json"))


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user name people sign in with.")],
    role: Annotated[
        str, typer.Option(help="viewer (reads), investigator (also reviews, exports), supervisor (also audit).")
    ] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    file: UsersFile = None,
) -> None:
    """Add a user, or replace their role and password."""
    from dashboard.users import add_user
    from graph.errors import ClueGraphError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    path = _users_path(file)
    try:
        add_user(path, name, password, role)
    except ClueGraphError as err:
        raise _fail(err) from err
    console.print(f"user [bold]{name}[/] ({role}) saved in {path}")


@users_app.command("list")
def list_users(file: UsersFile = None) -> None:
    """List the users and their roles (never their hashes)."""
    from dashboard.users import load_users
    from graph.errors import ClueGraphError

    try:
        users = load_users(_users_path(file))
    except ClueGraphError as err:
        raise _fail(err) from err
    for name, record in sorted(users.items()):
        typer.echo(f"{name}\t{record.get('role')}")
