"""Accounts and security (RELIABILITY.md §7, §8): policy, lockout, idle timeout, CSRF, the permission matrix."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from fastapi.routing import APIRoute
from tests.web.conftest import PASSWORD, Web

from guotu.errors import ConflictError, InvalidInputError
from guotu.services.users import check_password_policy, create_user
from guotu.web.permissions import PERMISSIONS, ROLES_ALL, ROUTES, iter_routes

# ---------------------------------------------------------------- password policy

WEAK = [
    "short1A!", "alllowercaseletters", "ALLUPPERCASE123", "1234567890123", "password123",  # length / classes
    "Admin@123", "P@ssw0rd", "Passw0rd!", "alice-Secret-1", "xAlicex-99!",  # weak list / contains the name
    "abcdefghij", "ABCDEFGHIJ1", "abc123abc123", "!!!!!!!!!!!!", "          a",
]  # fmt: skip
STRONG = [
    "Tr0ub4dor&3x", "correct-Horse-7", "Zhong-Guo-2026", "4Seasons.in.one", "yang_QUAN_140300",
    "S1cher-genug", "MapLibre#6x", "bLue-Line-99", "Green!Line2026", "Purple_Line_7",
]  # fmt: skip


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_password_policy(password, "alice")
    assert caught.value.code.startswith("user.password_")


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(password: str) -> None:
    check_password_policy(password, "alice")


def test_names_are_unique_regardless_of_case(web: Web) -> None:
    create_user(web.store, "Alice", PASSWORD, role="viewer", actor="test")
    with pytest.raises(ConflictError):
        create_user(web.store, "ALICE", PASSWORD, role="viewer", actor="test")


def test_no_default_credentials(web: Web) -> None:
    # a fresh install has no account at all; the usual guesses fail.
    client = web.client()
    token = web.csrf(client)
    for name, password in (("admin", "admin"), ("admin", "123456"), ("admin", ""), ("root", "root")):
        r = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
        assert r.status_code in (401, 400), (name, password, r.status_code)
        assert "guotu_session" not in r.cookies


def test_password_and_hash_never_stored_in_clear(web1: Web, tmp_path: Any) -> None:
    import hashlib

    create_user(web1.store, "carol", "Secret-Plain-42", role="viewer", actor="test")
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("web.db*"))  # the file and its WAL
    for needle in (
        b"Secret-Plain-42",
        hashlib.md5(b"Secret-Plain-42").hexdigest().encode(),
        hashlib.sha1(b"Secret-Plain-42").hexdigest().encode(),
    ):
        assert needle not in raw
    assert b"$argon2id$" in raw


# ---------------------------------------------------------------- lockout and sessions


def _try(web: Web, client: Any, password: str) -> Any:
    token = web.csrf(client)
    return client.post("/login", data={"username": "dave", "password": password, "csrf_token": token})


@pytest.mark.slow
def test_lockout_after_five_failures_for_fifteen_minutes(web: Web) -> None:
    create_user(web.store, "dave", PASSWORD, role="viewer", actor="test")
    client = web.client()
    answers = [_try(web, client, "Wrong-Passw0rd") for _ in range(5)]
    assert all(a.status_code == 401 for a in answers)
    locked = _try(web, client, PASSWORD)
    assert locked.status_code == 401
    # The locked answer looks like a wrong password's.
    wrong = re.sub(r'value="[^"]*"', "", answers[0].text)
    assert re.sub(r'value="[^"]*"', "", locked.text) == wrong
    web.clock.advance(minutes=14)
    assert _try(web, client, PASSWORD).status_code == 401
    web.clock.advance(minutes=2)
    assert _try(web, client, PASSWORD).status_code == 303
    events = [e for e in web.store.list_audit() if e.action in ("auth.login", "auth.lock")]
    assert [e.outcome for e in events if e.action == "auth.lock"] == ["ok"]
    assert sum(e.outcome == "failed" for e in events) == 7 and events[-1].outcome == "ok"


def test_idle_timeout_and_logout(web: Web) -> None:
    client = web.login("viewer")
    assert client.get("/map").status_code == 200
    web.clock.advance(minutes=29)
    assert client.get("/map").status_code == 200  # activity keeps it alive
    web.clock.advance(minutes=31)
    r = client.get("/map")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert any(e.action == "auth.timeout" for e in web.store.list_audit())
    # logout kills the session on the server: replaying the cookie does not work.
    client = web.login("viewer")
    cookie = client.cookies.get("guotu_session")
    assert client.post("/logout", data={"csrf_token": web.token(client)}).status_code == 303
    replay = web.client()
    replay.cookies.set("guotu_session", cookie)
    assert replay.get("/api/me").json()["role"] == "public"


def test_session_cookie_flags_and_rotation(web1: Web) -> None:
    from guotu.web.app import create_app
    from guotu.web.config import WebSettings

    app = create_app(web1.store, settings=WebSettings())  # secure by default
    secure = Web(app, web1.store, web1.clock, base_url="https://testserver")
    create_user(web1.store, "erin", PASSWORD, role="viewer", actor="test")
    client = secure.client()
    token = secure.csrf(client)
    client.cookies.set("guotu_session", "planted-by-attacker")
    r = client.post("/login", data={"username": "erin", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303
    header = r.headers["set-cookie"]
    assert "guotu_session=" in header and "HttpOnly" in header and "SameSite=lax" in header and "Secure" in header
    assert "planted-by-attacker" not in header
    stored = web1.store.list_records("session")
    value = re.search(r"guotu_session=([^;]+)", header)
    assert value and all(value.group(1) not in str(s.data) and s.key != value.group(1) for s in stored)


def test_login_over_plain_http_from_another_host_is_refused(web1: Web) -> None:
    from guotu.web.app import create_app
    from guotu.web.config import WebSettings

    create_user(web1.store, "ivan", PASSWORD, role="viewer", actor="test")
    plain = Web(create_app(web1.store, settings=WebSettings()), web1.store, web1.clock)  # secure, but http
    client = plain.client()
    r = client.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]*)"', r.text)
    assert token
    client.cookies.set("guotu_csrf", token.group(1))
    r = client.post("/login", data={"username": "ivan", "password": PASSWORD, "csrf_token": token.group(1)})
    assert r.status_code == 403 and "HTTPS" in r.text and "guotu_session" not in r.headers.get("set-cookie", "")


# ---------------------------------------------------------------- CSRF


def test_state_changing_requests_need_the_csrf_token(web: Web) -> None:
    client = web.login("admin")
    body = {"name": "frank", "password": PASSWORD, "role": "viewer"}
    assert client.post("/api/users", json=body).status_code == 403
    assert client.post("/api/users", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    r = client.post("/users", data={"username": "frank", "password": PASSWORD, "role": "viewer"})
    assert r.status_code == 403
    assert web.store.find_record("user", "frank") is None
    denied = [e for e in web.store.list_audit() if e.outcome == "denied"]
    assert len(denied) == 3 and all(e.inputs["code"] == "auth.csrf" for e in denied)
    ok = client.post("/api/users", json=body, headers={"X-CSRF-Token": web.token(client)})
    assert ok.status_code == 201


def test_anonymous_forms_use_the_double_submit_cookie(web: Web) -> None:
    client = web.client()
    token = web.csrf(client)
    assert client.post("/public/comments", data={"text": "好", "csrf_token": "x"}).status_code == 403
    assert client.post("/public/comments", data={"text": "好", "csrf_token": token}).status_code == 303
    other = web.client()
    other.cookies.set("guotu_csrf", "attacker-chosen")
    # A cookie set by someone else is only as good as the matching token, and that needs reading the page.
    assert other.post("/public/comments", data={"text": "好", "csrf_token": token}).status_code == 403


# ---------------------------------------------------------------- the permission matrix

_SAMPLE = {
    "key": "140300:2026:001", "name": "viewer1", "layer": "yjjbnt", "collection_id": "yjjbnt",
    "item_id": "x", "z": "0", "x": "0", "y": "0",
}  # fmt: skip


def _routes(app: Any) -> list[tuple[str, str, str]]:
    found = []
    for route in iter_routes(app.routes):
        assert isinstance(route, APIRoute)
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: _SAMPLE.get(m.group(1), "sample"), route.path_format)
        for method in sorted(route.methods):
            found.append((route.name, method, path))
    return found


def test_every_route_has_a_permission(web1: Web) -> None:
    names = {name for name, _m, _p in _routes(web1.app)}
    assert len(names) > 40
    assert names == set(ROUTES), (names - set(ROUTES), set(ROUTES) - names)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES_ALL)
def test_every_route_with_every_role_matches_the_matrix(web: Web, role: str) -> None:
    client = web.login(role)
    token = web.token(client)
    mismatches = []
    for name, method, path in _routes(web.app):
        expected = role in PERMISSIONS[ROUTES[name]]
        if name == "logout":
            continue  # ends the session: checked below
        r = client.request(method, path, headers={"X-CSRF-Token": token, "Accept": "application/json"})
        refused = r.status_code in (401, 403) or (r.status_code == 303 and "/login" in r.headers.get("location", ""))
        if expected == refused:
            mismatches.append((name, method, path, r.status_code, r.text[:120]))
    assert not mismatches, mismatches
    r = client.post("/logout", headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert (r.status_code in (401, 403)) == (role == "public")


def test_denied_state_changes_are_audited(web: Web) -> None:
    client = web.login("viewer")
    before = len(web.store.list_audit())
    r = client.post("/api/users", json={"name": "x", "password": PASSWORD, "role": "admin"},
                    headers={"X-CSRF-Token": web.token(client)})  # fmt: skip
    assert r.status_code == 403 and r.json()["code"] == "auth.forbidden"
    events = web.store.list_audit()[before:]
    assert [(e.outcome, e.action, e.actor) for e in events] == [("denied", "web.api_user_create", "web:viewer1")]


def test_public_is_asked_to_sign_in(web: Web) -> None:
    client = web.client()
    assert client.get("/api/plans").status_code == 401
    page = client.get("/audit")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/audit"


# ---------------------------------------------------------------- traversal, uploads


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/..%2F..%2Fetc%2Fpasswd/0/0/0.pbf",
        "/tiles/%2e%2e/0/0/0.pbf",
        "/ogc/collections/..%2F..%2Fetc%2Fpasswd",
        "/ogc/collections/yjjbnt/items/..%2F..%2Fetc%2Fpasswd",
        "/ogc/collections/%00/items",
        "/static/..%2F..%2Fweb%2Fapp.py",
        "/static/vendor/../../app.py",
    ],
)
def test_path_traversal_is_refused(web1: Web, path: str) -> None:
    r = web1.client().get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "create_app" not in r.text and "root:" not in r.text


def test_tile_coordinates_are_checked(web1: Web) -> None:
    client = web1.client()
    assert client.get("/tiles/yjjbnt/3/8/0.pbf").status_code == 400
    assert client.get("/tiles/yjjbnt/40/0/0.pbf").status_code == 400
    assert client.get("/tiles/yjjbnt/-1/0/0.pbf").status_code in (400, 404)


def test_oversized_upload_is_refused_and_nothing_is_left(web1: Web) -> None:
    client = web1.login("editor")
    big = b"2026" * 60_000  # 240 kB > the 200 kB limit of the test app
    r = client.post("/api/plans/extract", files={"document": ("plan.txt", big, "text/plain")},
                    headers={"X-CSRF-Token": web1.token(client)})  # fmt: skip
    assert r.status_code == 413 and r.json()["code"] == "web.upload_too_large"
    assert not any(web1.app.state.ctx.upload_dir.glob("*"))
    events = [e for e in web1.store.list_audit() if e.action == "plan.extract"]
    assert [e.outcome for e in events] == ["failed"]


def test_upload_content_is_sniffed(web1: Web) -> None:
    client = web1.login("editor")
    r = client.post("/api/plans/extract", files={"document": ("plan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
                    headers={"X-CSRF-Token": web1.token(client)})  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "web.upload_type"
    r = client.post("/api/plans/extract", files={"document": ("plan.exe", b"MZ", "application/octet-stream")},
                    headers={"X-CSRF-Token": web1.token(client)})  # fmt: skip
    assert r.status_code == 400


def test_zip_slip_in_an_uploaded_docx_is_refused(web1: Web, tmp_path: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("../../evil.txt", "pwned")
        z.writestr("word/document.xml", "<w:document/>")
    client = web1.login("editor")
    r = client.post("/api/plans/extract", files={"document": ("plan.docx", buffer.getvalue(), "application/zip")},
                    headers={"X-CSRF-Token": web1.token(client)})  # fmt: skip
    assert r.status_code == 400, r.text
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert not any(web1.app.state.ctx.upload_dir.glob("*"))
