"""The FastAPI application: ``create_app(settings | store URL | store)``; assembly only.

Example
-------
>>> from guotu.web.app import create_app
>>> app = create_app("sqlite:///:memory:")
>>> app.url_path_for("ogc_landing")
'/ogc'
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from guotu import __version__
from guotu.services.features import Store, TileCache
from guotu.services.layers import open_store
from guotu.services.users import SecurityPolicy
from guotu.web import api, ogc, pages, workflows
from guotu.web.config import WebSettings
from guotu.web.errors import install_handlers
from guotu.web.i18n import LANG_COOKIE, request_lang
from guotu.web.security import CSRF_COOKIE, WebContext, guard, new_csrf

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# MapLibre 6 ships ES modules (.mjs); Python 3.11 does not know the type.
mimetypes.add_type("text/javascript", ".mjs")

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "worker-src 'self' blob:; child-src 'self' blob:; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _upload_dir(settings: WebSettings, url: str | None) -> Path:
    if settings.upload_dir:
        return Path(settings.upload_dir)
    if url and url.startswith("sqlite:") and ":memory:" not in url:
        path = url.removeprefix("sqlite:").removeprefix("//")
        path = path.removeprefix("/") if path.startswith("//") else path
        return Path(path).resolve().parent / ".guotu-uploads"
    return Path(tempfile.gettempdir()) / f"guotu-uploads-{os.getuid() if hasattr(os, 'getuid') else 0}"


def create_app(config: WebSettings | str | Store | None = None, *, settings: WebSettings | None = None) -> FastAPI:
    """Build the web app on a store.

    Parameters
    ----------
    config
        Settings, a store URL (``sqlite:///…``, ``postgresql://…``) or an open store
        (which the app then does not close).
    settings
        Settings to use with a URL or a store (default: from the environment).
    """
    owns = True
    url: str | None = None
    if isinstance(config, WebSettings):
        settings = config
        url = settings.database_url
        store = open_store(url)
    elif isinstance(config, Store):
        settings = settings or WebSettings()
        store = config
        owns = False
    else:
        settings = settings or WebSettings()
        url = config or settings.database_url
        store = open_store(url)
    policy = SecurityPolicy(
        min_length=settings.password_min_length,
        max_failures=settings.lockout_failures,
        lockout_minutes=settings.lockout_minutes,
        idle_minutes=settings.session_idle_minutes,
        absolute_hours=settings.session_absolute_hours,
    )
    ctx = WebContext(
        store=store,
        settings=settings,
        policy=policy,
        tiles=TileCache(settings.tile_cache_entries),
        upload_dir=_upload_dir(settings, url),
        owns_store=owns,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if ctx.owns_store:
            ctx.store.close()

    app = FastAPI(
        title="guotu",
        version=__version__,
        description="国土空间规划一张图实施监督信息系统 API (guotu). State-changing calls need the session cookie "
        "and the X-CSRF-Token header (GET /api/me gives the token).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(guard)],
    )
    app.state.ctx = ctx
    app.openapi_url = "/api/openapi.json"  # served by api.api_openapi (behind the guard)
    install_handlers(app)
    app.include_router(pages.router)
    app.include_router(workflows.router)
    app.include_router(api.router)
    app.include_router(workflows.api_router)
    app.include_router(ogc.router)
    app.include_router(ogc.tiles_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def _edge(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        lang = request_lang(request)
        request.state.lang = lang
        fresh_csrf = None
        if not request.cookies.get(CSRF_COOKIE):
            fresh_csrf = new_csrf()
            request.state.csrf = fresh_csrf
            request.state.fresh_csrf = fresh_csrf
        response = await call_next(request)
        response.headers.setdefault("Content-Language", "en" if lang == "en" else "zh-CN")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", _CSP)
        secure = ctx.settings.secure_cookies
        if fresh_csrf is not None:
            response.set_cookie(CSRF_COOKIE, fresh_csrf, httponly=True, samesite="lax", secure=secure, path="/")
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(
                LANG_COOKIE, lang, httponly=True, samesite="lax", secure=secure, path="/", max_age=365 * 86400
            )
        return response

    __import__("guotu.web.overload", fromlist=["install"]).install(app, settings)  # outermost: 503 when overloaded
    return app


def app_from_env() -> FastAPI:
    """Build the app that ``guotu serve`` hands to uvicorn (settings from ``GUOTU_WEB_*``)."""
    return create_app(WebSettings())
