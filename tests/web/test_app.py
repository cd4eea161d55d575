"""The app skeleton: pages, languages, errors, vendored assets without CDN, the audit of every change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import PASSWORD, Web

import guotu.web
from guotu.errors import ConflictError, NotFoundError, StorageError

WEB = Path(guotu.web.__file__).parent
SEEDS = Path(__file__).resolve().parents[1] / "data"
PAGES = ["/", "/login", "/map", "/plans", "/review", "/maintenance", "/monitoring", "/projects", "/public",
         "/public/map", "/moderation", "/audit", "/users", "/ogc", "/ogc/collections", "/api/docs"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_for_the_admin(web: Web, lang: str) -> None:
    client = web.login("admin")
    for page in PAGES:
        r = client.get(page, params={"lang": lang}, headers={"Accept": "text/html"})
        assert r.status_code == 200, (page, r.status_code, r.text[:300])
        assert "Traceback" not in r.text
        if page != "/api/docs":
            assert r.headers["content-language"] == ("en" if lang == "en" else "zh-CN")
    home = client.get("/?lang=en").text
    assert "One map" in home and "Sign out" in home


def test_language_cookie_and_accept_language(web1: Web) -> None:
    client = web1.client()
    assert "一张图" in client.get("/").text
    client.get("/?lang=en")
    assert "Public" in client.get("/").text  # the cookie keeps English
    other = web1.client()
    assert other.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).headers["content-language"] == "en"
    assert other.get("/?lang=zh", headers={"Accept-Language": "en-US"}).headers["content-language"] == "zh-CN"


def test_templates_and_scripts_use_no_cdn() -> None:
    pattern = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", re.I)
    fetch = re.compile(r"""(import|fetch|url\()\s*\(?\s*["'`](https?:)?//""", re.I)
    files = list((WEB / "templates").glob("*.html")) + list((WEB / "static" / "js").glob("*.js"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), path
        assert not fetch.search(text), path


def test_served_html_has_no_remote_sources(web1: Web) -> None:
    client = web1.login("admin")
    for page in ("/", "/map", "/api/docs", "/public"):
        html = client.get(page).text
        assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html), page


def test_vendored_assets_with_licences_and_versions(web1: Web) -> None:
    vendor = WEB / "static" / "vendor"
    for name in ("maplibre-gl/maplibre-gl.mjs", "maplibre-gl/maplibre-gl-worker.mjs", "maplibre-gl/maplibre-gl.css",
                 "maplibre-gl/LICENSE.txt", "swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css",
                 "swagger-ui/LICENSE", "VERSIONS.txt"):  # fmt: skip
        assert (vendor / name).is_file(), name
    versions = (vendor / "VERSIONS.txt").read_text(encoding="utf-8")
    assert "maplibre-gl 6." in versions and "swagger-ui-dist 5." in versions
    r = web1.client().get("/static/vendor/maplibre-gl/maplibre-gl.mjs")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]


def test_security_headers(web1: Web) -> None:
    r = web1.client().get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("error", "status"),
    [(NotFoundError("user.not_found", name="x"), 404), (ConflictError("user.exists", name="x"), 409),
     (StorageError("storage.failed"), 503)],
)  # fmt: skip
def test_errors_map_to_statuses_with_both_languages(web1: Web, error: Exception, status: int) -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/api/boom", name="api_me")  # reuses a public permission entry
    def boom() -> None:
        raise error

    web1.app.include_router(router)
    r = web1.client().get("/api/boom")
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"code", "message_zh", "message_en"} and body["code"] == error.code  # type: ignore[attr-defined]


def test_internal_errors_never_show_a_traceback(web1: Web) -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/api/crash", name="api_me")
    def crash() -> None:
        raise ZeroDivisionError("secret detail")

    @router.get("/crash-page", name="page_home")
    def crash_page() -> None:
        raise ZeroDivisionError("secret detail")

    web1.app.include_router(router)
    client = web1.client()
    r = client.get("/api/crash")
    assert r.status_code == 500 and r.json()["code"] == "web.internal" and "secret" not in r.text
    page = client.get("/crash-page")
    assert page.status_code == 500 and "Traceback" not in page.text and "secret" not in page.text
    assert "text/html" in page.headers["content-type"]


def test_bad_request_is_400_json_and_audited(web1: Web) -> None:
    client = web1.login("admin")
    r = client.post("/api/users", json={"name": 5}, headers={"X-CSRF-Token": web1.token(client)})
    assert r.status_code == 400 and r.json()["code"] == "web.invalid_request"
    last = web1.store.list_audit()[-1]
    assert last.action == "web.api_user_create" and last.outcome == "failed"


# ---------------------------------------------------------------- pages with data; one audit event per change


def _events(web: Web) -> int:
    return len(web.store.list_audit())


def test_users_page_changes_are_audited_once_each(web: Web) -> None:
    client = web.login("admin")
    token = web.token(client)
    n = _events(web)
    ok = client.post("/users", data={"username": "gina", "password": PASSWORD, "role": "viewer", "csrf_token": token})
    assert ok.status_code == 303 and _events(web) == n + 1
    weak = client.post("/users", data={"username": "hank", "password": "weak", "role": "viewer", "csrf_token": token})
    assert weak.status_code == 400 and _events(web) == n + 2
    assert web.store.list_audit()[-1].outcome == "failed"
    r = client.post("/users/gina/role", data={"role": "editor", "districts": "", "csrf_token": token})
    assert r.status_code == 303 and _events(web) == n + 3
    r = client.post("/users/gina/enabled", data={"enabled": "false", "csrf_token": token})
    assert r.status_code == 303 and _events(web) == n + 4
    page = client.get("/users").text
    assert "gina" in page and "权限矩阵" in page and "page_review" in page


def test_comment_and_moderation(web: Web) -> None:
    public = web.client()
    token = web.csrf(public)
    r = public.post(
        "/public/comments", data={"subject": "规划", "text": "<script>alert(1)</script>建议", "csrf_token": token}
    )
    assert r.status_code == 303
    assert "alert(1)" not in public.get("/public").text  # pending: not shown yet
    mod = web.login("reviewer")
    page = mod.get("/moderation").text
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    key = re.search(r'action="/moderation/([^"]+)"', page)
    assert key
    r = mod.post(
        f"/moderation/{key.group(1)}", data={"decision": "approved", "revision": "1", "csrf_token": web.token(mod)}
    )
    assert r.status_code == 303
    shown = web.client().get("/public").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;建议" in shown
    again = mod.post(f"/moderation/{key.group(1)}", data={"decision": "rejected", "revision": "1",
                                                            "csrf_token": web.token(mod)})  # fmt: skip
    assert again.status_code == 409
    actions = [(e.action, e.outcome) for e in web.store.list_audit() if e.action.startswith("comment.")]
    assert actions == [("comment.submit", "ok"), ("comment.moderate", "ok"), ("comment.moderate", "failed")]


def test_plans_pages_and_public_plans(web: Web) -> None:
    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan

    saved = save_plan(web.store, read_plan(SEEDS / "yangquan_2026_supply_plan.txt"), actor="test", status="已公布")
    draft = save_plan(web.store, read_plan(SEEDS / "bachu_2026_supply_plan_draft.txt"), actor="test", status="草案")
    staff = web.login("viewer")
    listing = staff.get("/plans").text
    assert saved.key in listing and draft.key in listing
    detail = staff.get(f"/plans/{saved.key}").text
    assert "居住用地" in detail and "bar-fill" in detail and "高新区" in detail
    public = web.client()
    assert saved.key in public.get("/public").text and draft.key not in public.get("/public").text
    assert public.get(f"/public/plans/{saved.key}").status_code == 200
    assert public.get(f"/public/plans/{draft.key}").status_code == 404
    assert [p["key"] for p in public.get("/api/public/plans").json()["plans"]] == [saved.key]


def test_plan_import_shows_the_extraction(web1: Web) -> None:
    client = web1.login("editor")
    data = (SEEDS / "yangquan_2026_supply_plan.txt").read_bytes()
    r = client.post("/plans/import", files={"document": ("yq.txt", data, "text/plain")},
                    data={"csrf_token": web1.token(client)})  # fmt: skip
    assert r.status_code == 200 and "<mark" in r.text
    api = client.post("/api/plans/extract", files={"document": ("yq.txt", data, "text/plain")},
                      headers={"X-CSRF-Token": web1.token(client)})  # fmt: skip
    assert api.status_code == 200 and api.json()["figures"]
    events = [e for e in web1.store.list_audit() if e.action == "plan.extract"]
    assert [e.outcome for e in events] == ["ok", "ok"] and events[0].inputs["sha256"]


def test_area_statistics_api(web: Web) -> None:
    client = web.login("viewer")
    coll = client.get("/ogc/collections/survey?f=json").json()
    minx, miny, maxx, maxy = coll["extent"]["spatial"]["bbox"][0]
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ring = [[cx, cy], [cx + 0.05, cy], [cx + 0.05, cy + 0.05], [cx, cy + 0.05], [cx, cy]]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    headers = {"X-CSRF-Token": web.token(client)}
    r = client.post("/api/stats/area", json={"geometry": polygon, "layers": ["survey"]}, headers=headers)
    assert r.status_code == 200, r.text
    layer = r.json()["layers"][0]
    # The survey tiles the area without gaps: the classes add up to the drawn polygon.
    assert layer["total_m2"] == pytest.approx(layer["drawn_area_m2"], rel=1e-3)
    assert sum(c["area_m2"] for c in layer["classes"]) == pytest.approx(layer["total_m2"], rel=1e-6)
    point = {"type": "Point", "coordinates": [1, 2]}
    bad = client.post("/api/stats/area", json={"geometry": point, "layers": ["survey"]}, headers=headers)
    assert bad.status_code == 400


def test_audit_page_verifies_the_chain(web1: Web) -> None:
    client = web1.login("admin")
    page = client.get("/audit").text
    assert "auth.login" in page and ("审计链校验通过" in page)
    assert client.get("/api/audit").json()["events"][0]["action"] == "auth.login"


def test_openapi_lists_the_api(web1: Web) -> None:
    spec: dict[str, Any] = web1.client().get("/api/openapi.json").json()
    assert "/api/layers" in spec["paths"] and "/ogc/collections/{collection_id}/items" in spec["paths"]
