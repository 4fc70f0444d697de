"""Every route and every callback refuses an anonymous request; sign-in, roles, cookie and logout."""

from __future__ import annotations

import json
import re
from typing import Any

from dash_helpers import PASSWORD, login, render

from dashboard.auth import OPEN_PATHS


def _sample_path(rule: str) -> str:
    """A concrete URL for a Flask rule (``<path:path>`` -> ``x``)."""
    return re.sub(r"<[^>]+>", "x", rule)


def _callback_body(app: Any, output: str) -> dict[str, Any]:
    spec = next(c for c in app._callback_list if c["output"] == output)
    return {
        "output": output,
        "outputs": [],
        "inputs": [{"id": i["id"], "property": i["property"], "value": None} for i in spec["inputs"]],
        "changedPropIds": [],
    }


def test_every_route_refuses_an_anonymous_request(dash_env: dict[str, Any], anon: Any) -> None:
    app = dash_env["app"]
    anon.get("/login")  # the first request sets the app up (routes and callbacks)
    rules = [r for r in app.server.url_map.iter_rules() if r.rule not in OPEN_PATHS]
    assert len(rules) >= 10
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = anon.open(_sample_path(rule.rule), method=method)
            assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), rule.rule
            assert b"IVANOV" not in response.data


def test_every_page_path_refuses_an_anonymous_request(dash_env: dict[str, Any], anon: Any) -> None:
    import dash

    paths = [p.get("path") or p["path_template"].replace("<", "").replace(">", "") for p in dash.page_registry.values()]
    assert {"/worklist", "/search", "/review", "/audit", "/clusters"} <= set(paths)
    for path in [*paths, "/", "/person/Person:7911ccb233fa3177", "/explore/Person:7911ccb233fa3177"]:
        response = anon.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


def test_every_callback_refuses_an_anonymous_request(dash_env: dict[str, Any], anon: Any) -> None:
    app = dash_env["app"]
    anon.get("/login")
    outputs = [c["output"] for c in app._callback_list]
    assert set(app.callback_map) <= set(outputs) and len(outputs) >= 8
    for output in outputs:
        response = anon.post("/_dash-update-component", json=_callback_body(app, output))
        assert response.status_code == 401, output
        assert response.get_json() == {"error": "login required"}


def test_a_signed_in_user_reaches_pages_and_callbacks(dash_env: dict[str, Any], client: Any) -> None:
    assert client.get("/_dash-layout").status_code == 200
    body = {
        "output": "search-results.children",
        "outputs": {"id": "search-results", "property": "children"},
        "inputs": [
            {"id": "search-button", "property": "n_clicks", "value": 1},
            {"id": "search-input", "property": "n_submit", "value": None},
        ],
        "state": [{"id": "search-input", "property": "value", "value": "Юрий Иванов"}],
        "changedPropIds": ["search-button.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert "IVANOV" in json.dumps(response.get_json(), ensure_ascii=False)


def test_wrong_password_and_unknown_user_are_refused(anon: Any) -> None:
    assert login(anon, "ana", "not the password").status_code == 200
    assert login(anon, "nobody", PASSWORD).status_code == 200
    assert anon.get("/worklist").status_code == 302


def test_login_needs_the_form_token(anon: Any) -> None:
    anon.get("/login")
    response = anon.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 200 and b"expired" in response.data
    assert anon.get("/worklist").status_code == 302


def test_session_cookie_is_secure_httponly_strict(anon: Any) -> None:
    cookie = anon.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie


def test_login_goes_only_to_local_paths(anon: Any) -> None:
    page = anon.get("/login?next=https://evil.example/").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    response = anon.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf": token, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(client: Any) -> None:
    assert client.get("/worklist").status_code == 200
    assert client.get("/logout").headers["Location"] == "/login"
    assert client.get("/worklist").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_audit_page_is_for_supervisors_only(dash_env: dict[str, Any]) -> None:
    for name, allowed in (("vic", False), ("ana", False), ("sue", True)):
        c = dash_env["app"].server.test_client()
        login(c, name)
        shown = render(c, "/audit")
        assert ("Not allowed" in shown) is not allowed, name
        assert ("audit-grid" in shown) is allowed, name


def test_review_page_is_for_investigators_and_up(dash_env: dict[str, Any]) -> None:
    for name, allowed in (("vic", False), ("ana", True), ("sue", True)):
        c = dash_env["app"].server.test_client()
        login(c, name)
        assert ("review-grid" in render(c, "/review")) is allowed, name


def test_a_removed_user_is_locked_out(dash_env: dict[str, Any]) -> None:
    from dashboard.users import add_user, load_users

    users = dash_env["config"].users_path
    c = dash_env["app"].server.test_client()
    add_user(users, "temp", PASSWORD, "viewer")
    login(c, "temp")
    assert c.get("/worklist").status_code == 200
    data = {"users": {k: v for k, v in load_users(users).items() if k != "temp"}}
    users.write_text(json.dumps(data))
    assert c.get("/worklist").status_code == 302
