"""Login, logout and the guard in front of every route.

The login form is a plain Flask page, not a Dash page: Dash renders its pages through a callback
(``/_dash-update-component``), and the guard refuses every callback to anyone not logged in, so the
one page an anonymous visitor may see must not need one. Every other route (pages, Dash layout and
dependencies, callbacks, component scripts, assets) answers an anonymous request with a redirect to the
login page (a browser asking for a page) or ``401`` (everything else), before any view runs.

The session cookie is signed, ``HttpOnly``, ``SameSite=Strict``, and ``Secure`` whenever the request came
over HTTPS (``CLUEGRAPH_COOKIE_SECURE=1`` makes it always Secure, for a TLS proxy that does not say so);
headless Chromium refuses Secure cookies over plain ``http://127.0.0.1``, so a fixed Secure flag would lock
out the one-machine setup. The login form carries a CSRF token.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from dashboard.users import load_users, role_at_least, verify

OPEN_PATHS = frozenset({"/login"})

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cluegraph · sign in</title>
<style>body{{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;
padding-top:12vh}}form{{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;
width:20rem}}h1{{font-size:1.3rem;margin:0 0 1rem}}label{{display:block;margin:.8rem 0 .2rem;font-size:.9rem}}
input{{width:100%;padding:.45rem;box-sizing:border-box}}button{{margin-top:1.2rem;width:100%;padding:.55rem;
background:#1f4e79;color:#fff;border:0;border-radius:4px;font-size:1rem}}.err{{color:#b00020;font-size:.9rem}}
small{{color:#666}}</style></head><body><form method="post" action="/login">
<h1>cluegraph</h1><small>Synthetic data only. Every search, view, review and export is audited.</small>
{error}<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label for="username">User</label><input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password"
autocomplete="current-password"><button id="login-button" type="submit">Sign in</button></form></body></html>"""


def current_user() -> tuple[str | None, str | None]:
    """``(name, role)`` of the signed-in user of this request, or ``(None, None)``."""
    return session.get("user"), session.get("role")


def has_role(needed: str) -> bool:
    """Whether the signed-in user has at least the rights of ``needed``."""
    return role_at_least(session.get("role"), needed)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a local path only (no open redirect).

    >>> safe_next("/person/Person:00ff"), safe_next("https://evil.example/"), safe_next("//evil")
    ('/person/Person:00ff', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def _config() -> Any:
    return current_app.extensions["cluegraph"].config


def _audit(user: str | None, role: str | None, action: str, params: dict[str, Any]) -> None:
    current_app.extensions["cluegraph"].audit.append(user, role, action, params)


def _session_valid() -> bool:
    """A signed-in session whose user still exists with the same role (removing a user locks them out)."""
    user = session.get("user")
    if not user:
        return False
    record = load_users(_config().users_path).get(user)
    return bool(record and record.get("role") == session.get("role"))


def guard() -> Response | None:
    """``before_request``: let signed-in users and the login page through, refuse everything else."""
    if request.path in OPEN_PATHS or _session_valid():
        return None
    if "user" in session:  # a user removed or changed since signing in: forget the stale sign-in
        session.clear()
    wants_page = request.method == "GET" and not request.path.startswith("/_") and "." not in request.path
    if wants_page:
        return redirect(f"/login?next={request.full_path.rstrip('?')}")  # type: ignore[return-value]
    response = jsonify(error="login required")
    response.status_code = 401
    return response


def login() -> Response | str:
    """``GET /login`` shows the form, ``POST /login`` checks it."""
    error = ""
    if request.method == "POST":
        form = request.form
        name = form.get("username", "")
        if not secrets.compare_digest(form.get("csrf", ""), session.get("csrf", "-")):
            error = "The form expired; please sign in again."
        elif (role := verify(_config().users_path, name, form.get("password", ""))) is not None:
            session.clear()
            session.permanent = True
            session.update(user=name, role=role)
            _audit(name, role, "login", {"remote": request.remote_addr})
            return redirect(safe_next(form.get("next")))  # type: ignore[return-value]
        else:
            _audit(name or None, None, "login-failed", {"remote": request.remote_addr})
            error = "Unknown user or wrong password."
    session["csrf"] = token = secrets.token_urlsafe(24)
    body = _PAGE.format(
        error=f'<p class="err" id="login-error">{escape(error)}</p>' if error else "",
        csrf=token,
        next=escape(safe_next(request.values.get("next"))),
    )
    return body


def logout() -> Response:
    """``GET /logout``: end the session and go back to the login page."""
    user, role = current_user()
    if user:
        _audit(user, role, "logout", {})
    session.clear()
    return redirect("/login")  # type: ignore[return-value]


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path not in ("/login",) and not request.path.startswith("/_dash-component-suites"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class _Sessions(SecureCookieSessionInterface):
    """Signed cookie sessions whose ``Secure`` flag follows the request: always on a request that came
    over HTTPS (behind a TLS proxy too, when it says so), or always/never when the deployment says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        forced = app.config.get("CLUEGRAPH_COOKIE_SECURE")
        return bool(forced) if forced is not None else request.is_secure


def install(server: Flask, *, secret_key: str, cookie_secure: bool | None, session_hours: int) -> None:
    """Put the login, logout, guard and cookie settings on the Flask server of the Dash app
    (``cookie_secure`` None: Secure whenever the request came over HTTPS)."""
    from datetime import timedelta

    server.session_interface = _Sessions()
    server.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_NAME="cluegraph_session",
        SESSION_COOKIE_HTTPONLY=True,
        CLUEGRAPH_COOKIE_SECURE=cookie_secure,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=session_hours),
    )
    server.before_request(guard)
    server.after_request(_headers)
    server.add_url_rule("/login", "cluegraph_login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "cluegraph_logout", logout, methods=["GET"])
