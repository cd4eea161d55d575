"""Server-rendered pages (Jinja2, Chinese first): home, login, 一张图, 供应计划, 公众, 审计日志, 用户与权限 ..."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from guotu.catalogue import message
from guotu.errors import GuotuError, InvalidInputError
from guotu.services import consultation, users
from guotu.services.audit import audited, list_events, verify
from guotu.services.features import Viewer, list_collections
from guotu.web.errors import ForbiddenError, PayloadTooLargeError
from guotu.web.i18n import Translator
from guotu.web.permissions import PERMISSIONS, ROLES_ALL, ROUTES, allowed
from guotu.web.security import SESSION_COOKIE, Principal, context, principal

__all__ = ["TEMPLATES", "render", "render_error", "router"]

logger = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

#: The navigation: (route name, href, label key).
_NAV = (
    ("page_home", "/", "ui.web.home"),
    ("page_map", "/map", "ui.web.map"),
    ("page_plans", "/plans", "ui.web.plans"),
    ("page_review", "/review", "ui.web.review"),
    ("page_maintenance", "/maintenance", "ui.web.maintenance"),
    ("page_monitoring", "/monitoring", "ui.web.monitoring"),
    ("page_projects", "/projects", "ui.web.projects"),
    ("page_public", "/public", "ui.web.public"),
    ("page_moderation", "/moderation", "ui.web.moderation"),
    ("page_audit", "/audit", "ui.web.audit"),
    ("page_users", "/users", "ui.web.users"),
)

router = APIRouter(include_in_schema=False)

#: Units as the English pages show them.
UNITS_EN: dict[str, str] = {"公顷": "ha", "亩": "mu", "万亩": "10,000 mu", "平方米": "m²", "平方千米": "km²", "倍": "×"}


def _lang(request: Request) -> str:
    lang: str = getattr(request.state, "lang", "zh")
    return lang


def _nav(request: Request, who: Principal, t: Translator) -> list[dict[str, Any]]:
    path = request.url.path
    return [
        {"href": href, "label": t(label), "active": (href == path) or (href != "/" and path.startswith(href))}
        for name, href, label in _NAV
        if allowed(name, who.role)
    ]


def render(request: Request, template: str, status_code: int = 200, **context_vars: Any) -> HTMLResponse:
    """Render a page with the shared context (language, caller, CSRF token, navigation)."""
    lang = _lang(request)
    t = Translator(lang)
    who = principal(request)
    values = {
        "request": request,
        "t": t,
        "lang": lang,
        "who": who,
        "csrf": getattr(request.state, "csrf", ""),
        "nav": _nav(request, who, t),
        "units_en": UNITS_EN,
    }
    values.update(context_vars)
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)


def render_error(request: Request, status: int, code: str, params: dict[str, Any], **extra: Any) -> HTMLResponse:
    """Render the HTML error page (the message in the request's language, never a traceback)."""
    text = message(code, _lang(request), **params)
    return render(request, "error.html", status_code=status, status=status, code=code, text=text)


# ------------------------------------------------------------------ home and login


@router.get("/", name="page_home", response_class=HTMLResponse)
def page_home(request: Request) -> HTMLResponse:
    """Show the home page: what the system offers to the caller."""
    return render(request, "home.html")


@router.get("/login", name="page_login", response_class=HTMLResponse)
def page_login(request: Request, next: str = "/") -> HTMLResponse:
    """Show the sign-in form."""
    return render(request, "login.html", next=_safe_next(next), error=None)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _safe_next(target: str) -> str:
    # Only local paths: no open redirect to another site.
    if not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 300:
        return "/"
    return target


@router.post("/login", name="login", response_class=HTMLResponse)
def login(
    request: Request,
    username: str = Form(max_length=200),
    password: str = Form(max_length=1000),
    next: str = Form("/"),
) -> Response:
    """Check the credentials and open a session (new id at each login).

    With secure cookies on (the default), a login over plain HTTP from another host is
    refused (R-07): credentials never cross the wire in clear.
    """
    ctx = context(request)
    source = request.client.host if request.client else ""
    if ctx.settings.secure_cookies and request.url.scheme != "https" and not _loopback(source):
        raise ForbiddenError("auth.tls_required")
    try:
        _session, token = users.login(ctx.store, username, password, source=source, policy=ctx.policy)
    except InvalidInputError as err:
        if err.code != "auth.failed":
            raise
        text = err.message(_lang(request))
        return render(request, "login.html", status_code=401, next=_safe_next(next), error=text)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/",
        max_age=ctx.policy.absolute_hours * 3600,
    )
    return response


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    """End the session on the server and drop the cookie."""
    ctx = context(request)
    who = principal(request)
    if who.session is not None:
        users.end_session(ctx.store, who.session)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=ctx.settings.secure_cookies)
    return response


# ------------------------------------------------------------------ 一张图


@router.get("/map", name="page_map", response_class=HTMLResponse)
def page_map(request: Request) -> HTMLResponse:
    """一张图: layer tree, versions, as-of, compare/swipe, identify, attributes, area statistics, print."""
    return render(request, "map.html", public=False, tianditu_key=context(request).settings.tianditu_key)


@router.get("/public/map", name="page_public_map", response_class=HTMLResponse)
def page_public_map(request: Request) -> HTMLResponse:
    """Show the public map: published layers only (the services filter them)."""
    return render(request, "map.html", public=True, tianditu_key=context(request).settings.tianditu_key)


# ------------------------------------------------------------------ 供应计划


def _plans(request: Request, *, published_only: bool) -> list[Any]:
    from guotu.services.plan_versions import list_plans

    plans = list_plans(context(request).store)
    if published_only:
        plans = [p for p in plans if p.status == "已公布"]
    return plans


def _plan_rows(plan: Any) -> list[dict[str, Any]]:
    rows = []
    for fig in plan.plan.figures:
        if fig.context or fig.measure not in ("supply_area", "share"):
            continue
        rows.append(
            {
                "id": fig.id,
                "category": fig.category or "",
                "district": fig.district or "",
                "mode": fig.mode or fig.method or "",
                "value": str(fig.value),
                "unit": fig.unit,
                "measure": fig.measure,
                "text": fig.text[:80],
            }
        )
    return rows


def _plan_charts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bars of planned area: by category (all districts) and by district (all categories)."""
    areas = [r for r in rows if r["measure"] == "supply_area" and not r["mode"]]
    groups = [
        ("ui.web.category", [(r["category"], r) for r in areas if r["category"] and not r["district"]]),
        ("ui.web.district", [(r["district"], r) for r in areas if r["district"] and not r["category"]]),
    ]
    charts = []
    for label, items in groups:
        if not items:
            continue
        top = max(float(r["value"]) for _name, r in items) or 1.0
        bars = [
            {"name": name, "value": r["value"], "unit": r["unit"], "width": round(float(r["value"]) / top * 100, 1)}
            for name, r in items
        ]
        charts.append({"label": label, "bars": bars})
    return charts


def _find_plan(request: Request, key: str, *, published_only: bool) -> Any:
    from guotu.errors import NotFoundError

    for plan in _plans(request, published_only=published_only):
        if plan.key == key:
            return plan
    raise NotFoundError("record.not_found", kind="plan_version", key=key[:80])


@router.get("/plans", name="page_plans", response_class=HTMLResponse)
def page_plans(request: Request) -> HTMLResponse:
    """Plan list with a chart of planned area by category, and the import form."""
    plans = _plans(request, published_only=False)
    can_import = allowed("page_plan_import", principal(request).role)
    return render(request, "plans.html", plans=plans, can_import=can_import)


@router.get("/plans/{key}", name="page_plan", response_class=HTMLResponse)
def page_plan(request: Request, key: str) -> HTMLResponse:
    """One plan version: its figures as a table and a chart, its findings."""
    plan = _find_plan(request, key, published_only=False)
    rows = _plan_rows(plan)
    return render(request, "plan.html", plan=plan, rows=rows, charts=_plan_charts(rows), public=False)


async def read_upload(request: Request, upload: UploadFile, *, allowed_suffixes: tuple[str, ...]) -> Path:
    """Save an upload outside the web root (the store's temp dir), checking its size, name and content."""
    ctx = context(request)
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in allowed_suffixes:
        raise InvalidInputError("web.upload_type", name=name[:80], allowed=" ".join(allowed_suffixes))
    limit = ctx.settings.max_upload_bytes
    ctx.upload_dir.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=ctx.upload_dir, suffix=suffix, delete=False)
    size = 0
    try:
        with handle:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLargeError("web.upload_too_large", limit=limit)
                handle.write(chunk)
        if size == 0:
            raise InvalidInputError("web.upload_empty")
        _sniff(Path(handle.name), suffix, name)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


_MAGIC = {
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".wps": (b"\xd0\xcf\x11\xe0",),
    ".gpkg": (b"SQLite format 3\x00",),
}


def _sniff(path: Path, suffix: str, name: str) -> None:
    head = path.read_bytes()[:16]
    magic = _MAGIC.get(suffix)
    if magic is not None and not head.startswith(magic):
        raise InvalidInputError("web.upload_type", name=name[:80], allowed=suffix)
    if suffix in (".txt", ".json", ".geojson") and b"\x00" in path.read_bytes()[:4096]:
        raise InvalidInputError("web.upload_type", name=name[:80], allowed=suffix)


_PLAN_SUFFIXES = (".txt", ".docx", ".pdf", ".doc", ".wps")


async def extract_upload(request: Request, upload: UploadFile) -> tuple[Any, str, dict[str, Any]]:
    """Read an uploaded plan document (audited as ``plan.extract``); return the plan, its file name and hash."""
    ctx = context(request)
    who = principal(request)
    name = Path(upload.filename or "upload").name[:200]
    inputs: dict[str, Any] = {"file": name}
    path: Path | None = None
    try:
        path = await read_upload(request, upload, allowed_suffixes=_PLAN_SUFFIXES)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        inputs.update(sha256=digest, size=path.stat().st_size)
        from guotu.services.plans import read_plan

        def work() -> Any:
            assert path is not None
            with audited(
                ctx.store, actor=who.actor, action="plan.extract", target=f"upload:{digest[:16]}", inputs=inputs
            ) as event:
                plan = read_plan(path)
                event.result = {"figures": len(plan.figures), "findings": len(plan.findings)}
            return plan

        plan = await run_in_threadpool(work)
    except GuotuError as err:
        if path is None:  # refused before the service ran: one failed event here
            failure = err

            def fail() -> None:
                try:
                    with audited(ctx.store, actor=who.actor, action="plan.extract", target="upload", inputs=inputs):
                        raise failure
                except GuotuError:
                    pass

            await run_in_threadpool(fail)
        raise
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    return plan, name, inputs


@router.post("/plans/import", name="page_plan_import", response_class=HTMLResponse)
async def page_plan_import(request: Request, document: Annotated[UploadFile, File()]) -> Response:
    """Import a plan document and show the extraction with highlighted figures and findings."""
    from guotu.reports.plan_html import render_plan_html

    plan, _name, _inputs = await extract_upload(request, document)
    html = render_plan_html(plan, lang=_lang(request))
    back = f'<p style="margin:1em"><a href="/plans">← {message("ui.web.plans", _lang(request))}</a></p>'
    return HTMLResponse(html.replace("<body>", "<body>" + back, 1) if "<body>" in html else back + html)


# ------------------------------------------------------------------ 公众


@router.get("/public", name="page_public", response_class=HTMLResponse)
def page_public(request: Request) -> HTMLResponse:
    """Show the published plans and maps (read only) and the consultation form; no internal data."""
    ctx = context(request)
    plans = _plans(request, published_only=True)
    layers = list_collections(ctx.store, Viewer())  # always the public view
    comments = consultation.list_comments(ctx.store, status="approved", limit=50)
    thanks = request.query_params.get("thanks") == "1"
    return render(request, "public.html", plans=plans, layers=layers, comments=comments, thanks=thanks)


@router.get("/public/plans/{key}", name="page_public_plan", response_class=HTMLResponse)
def page_public_plan(request: Request, key: str) -> HTMLResponse:
    """Show a published plan, read only."""
    plan = _find_plan(request, key, published_only=True)
    rows = _plan_rows(plan)
    return render(request, "plan.html", plan=plan, rows=rows, charts=_plan_charts(rows), public=True)


@router.post("/public/comments", name="public_comment")
def public_comment(
    request: Request, subject: str = Form("", max_length=500), text: str = Form(max_length=5000)
) -> Response:
    """Submit a comment (pending until moderated)."""
    consultation.submit_comment(context(request).store, subject, text, actor=principal(request).actor)
    return RedirectResponse("/public?thanks=1", status_code=303)


@router.get("/moderation", name="page_moderation", response_class=HTMLResponse)
def page_moderation(request: Request) -> HTMLResponse:
    """Pending comments with approve / reject buttons."""
    store = context(request).store
    return render(
        request,
        "moderation.html",
        pending=consultation.list_comments(store, status="pending"),
        done=consultation.list_comments(store, status="approved", limit=20)
        + consultation.list_comments(store, status="rejected", limit=20),
    )


@router.post("/moderation/{key}", name="moderate_comment")
def moderate_comment(
    request: Request, key: str, decision: str = Form(max_length=20), revision: int = Form()
) -> Response:
    """Approve or reject one comment."""
    consultation.moderate_comment(
        context(request).store, key, decision, actor=principal(request).actor, expected_revision=revision
    )
    return RedirectResponse("/moderation", status_code=303)


# ------------------------------------------------------------------ 审计日志, 用户与权限


@router.get("/audit", name="page_audit", response_class=HTMLResponse)
def page_audit(request: Request, actor: str | None = None, action: str | None = None, limit: int = 100) -> HTMLResponse:
    """Show the audit log (newest first) and the chain check."""
    store = context(request).store
    events = list_events(store, limit=max(1, min(limit, 1000)), actor=actor or None, action_prefix=action or None)
    check = verify(store)
    return render(request, "audit.html", events=events, check=check, actor=actor or "", action=action or "")


@router.get("/users", name="page_users", response_class=HTMLResponse)
def page_users(request: Request) -> HTMLResponse:
    """Accounts, their roles and scope, and the permission matrix."""
    store = context(request).store
    matrix = [
        {"route": name, "permission": perm, "roles": [r in PERMISSIONS[perm] for r in ROLES_ALL]}
        for name, perm in sorted(ROUTES.items())
    ]
    return render(
        request,
        "users.html",
        users=users.list_users(store),
        roles=users.ROLES,
        roles_all=ROLES_ALL,
        matrix=matrix,
        error=request.query_params.get("error"),
    )


def _districts(text: str) -> tuple[str, ...]:
    return tuple(d.strip() for d in text.replace("，", ",").split(",") if d.strip())


@router.post("/users", name="user_add")
def user_add(
    request: Request,
    username: str = Form(max_length=200),
    password: str = Form(max_length=1000),
    role: str = Form(max_length=40),
    districts: str = Form("", max_length=500),
) -> Response:
    """Create an account (password policy applies)."""
    ctx = context(request)
    users.create_user(
        ctx.store,
        username,
        password,
        role=role,
        actor=principal(request).actor,
        districts=_districts(districts),
        policy=ctx.policy,
    )
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/role", name="user_role")
def user_role(
    request: Request, name: str, role: str = Form(max_length=40), districts: str = Form("", max_length=500)
) -> Response:
    """Change an account's role and scope."""
    users.set_role(context(request).store, name, role, actor=principal(request).actor, districts=_districts(districts))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/enabled", name="user_enabled")
def user_enabled(request: Request, name: str, enabled: bool = Form()) -> Response:
    """Disable or re-enable an account (disabling ends its sessions)."""
    users.set_user_enabled(context(request).store, name, enabled, actor=principal(request).actor)
    return RedirectResponse("/users", status_code=303)


def today() -> date:
    """Today's date (for templates)."""
    return date.today()


@router.get("/favicon.ico", name="favicon")
def favicon() -> Response:
    """No icon (pages declare an empty one); answer browsers that ask anyway without a 404."""
    return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})
