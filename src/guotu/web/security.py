"""Who is calling, may they, and is the request genuine: sessions, the permission guard, CSRF.

One dependency, :func:`guard`, runs before every route:

1. the session cookie is resolved on the server (idle timeout, logout, disabled users);
2. a state-changing request (POST/PUT/PATCH/DELETE) must carry the CSRF token, as a
   form field ``csrf_token`` or an ``X-CSRF-Token`` header: the session's token when
   signed in (synchronizer token), the ``guotu_csrf`` cookie's otherwise
   (double submit);
3. the route's permission (:mod:`guotu.web.permissions`) is checked against the role.

Refused state-changing requests are written to the audit trail (``denied``), so
failed and denied attempts leave a trace as successful ones do.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from guotu.errors import GuotuError, InvalidInputError
from guotu.services.audit import audited, record_denied
from guotu.services.features import Store, TileCache, Viewer
from guotu.services.users import SecurityPolicy, Session, csrf_matches, resolve_session
from guotu.web.config import WebSettings
from guotu.web.errors import AuthRequiredError, CsrfError, ForbiddenError
from guotu.web.permissions import allowed

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "Principal",
    "WebContext",
    "context",
    "guard",
    "principal",
    "record_rejected",
]

logger = logging.getLogger(__name__)

SESSION_COOKIE = "guotu_session"
CSRF_COOKIE = "guotu_csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class WebContext:
    """What every request needs: the store, settings, account policy, caches."""

    store: Store
    settings: WebSettings
    policy: SecurityPolicy
    tiles: TileCache
    upload_dir: Path
    owns_store: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Principal:
    """The caller: a signed-in user or the anonymous public."""

    name: str
    role: str
    districts: tuple[str, ...] = ()
    session: Session | None = None

    @property
    def actor(self) -> str:
        """The audit actor (``web:<user>``, ``web:public``)."""
        return f"web:{self.name}"

    @property
    def viewer(self) -> Viewer:
        """What the data services filter by."""
        return Viewer(self.role, self.districts)

    @property
    def signed_in(self) -> bool:
        """True for staff with a session."""
        return self.session is not None


PUBLIC = Principal(name="public", role="public")


def context(request: Request) -> WebContext:
    """Return the app's :class:`WebContext`."""
    ctx: WebContext = request.app.state.ctx
    return ctx


def principal(request: Request) -> Principal:
    """Return the caller resolved by :func:`guard`."""
    found: Principal = getattr(request.state, "principal", PUBLIC)
    return found


def _route_name(request: Request) -> str | None:
    route = request.scope.get("route")
    return getattr(route, "name", None)


async def record_rejected(request: Request, code: str, *, denied: bool = False) -> None:
    """Write one audit event for a refused state-changing request (nothing for reads)."""
    if request.method not in UNSAFE:
        return
    ctx = context(request)
    who = principal(request)
    action = f"web.{_route_name(request) or 'unknown'}"
    inputs = {"method": request.method, "path": request.url.path[:300], "code": code, "role": who.role}

    def write() -> None:
        if denied:
            record_denied(ctx.store, actor=who.actor, action=action, target=request.url.path[:200], inputs=inputs)
            return
        try:
            with audited(ctx.store, actor=who.actor, action=action, target=request.url.path[:200], inputs=inputs):
                raise InvalidInputError(code)
        except InvalidInputError:
            pass

    try:
        await run_in_threadpool(write)
    except GuotuError:
        logger.warning("could not audit the refused request %s %s", request.method, request.url.path, exc_info=True)


async def _given_csrf(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()
        except Exception:  # a malformed body: no token
            return None
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def guard(request: Request) -> None:
    """Resolve the caller, check CSRF on state-changing requests, then the route's permission."""
    ctx = context(request)
    token = request.cookies.get(SESSION_COOKIE)
    session = await run_in_threadpool(resolve_session, ctx.store, token, policy=ctx.policy) if token else None
    if session is not None:
        user = session.user
        who = Principal(user.name.casefold(), user.role, user.districts, session)
        request.state.csrf = session.csrf
    else:
        who = PUBLIC
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "fresh_csrf", "")
    request.state.principal = who
    if request.method in UNSAFE:
        expected = request.state.csrf
        given = await _given_csrf(request)
        if not expected or not csrf_matches(expected, given):
            await record_rejected(request, "auth.csrf", denied=True)
            raise CsrfError("auth.csrf")
    name = _route_name(request)
    if not allowed(name, who.role):
        await record_rejected(request, "auth.forbidden", denied=True)
        if who.role == "public":
            raise AuthRequiredError("auth.required")
        raise ForbiddenError("auth.forbidden", role=who.role)


def new_csrf() -> str:
    """Return a fresh random anti-forgery token."""
    return secrets.token_urlsafe(32)
