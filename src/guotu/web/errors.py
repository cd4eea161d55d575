"""The one table from error class to HTTP status, and the handlers (JSON for the API, a page otherwise).

Nothing below ``web/`` knows HTTP: services raise :class:`~guotu.errors.GuotuError`
subclasses with stable codes, and this module maps them. The body is always
``{code, message_zh, message_en}`` (plus ``request_id`` for internal errors); a
traceback never reaches the client.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from guotu.catalogue import message
from guotu.errors import (
    ConfigurationError,
    ConflictError,
    GuotuError,
    InvalidInputError,
    NotFoundError,
    StorageError,
)

__all__ = [
    "AuthRequiredError",
    "CsrfError",
    "ForbiddenError",
    "PayloadTooLargeError",
    "install_handlers",
    "status_of",
    "wants_json",
]

logger = logging.getLogger(__name__)


class AuthRequiredError(GuotuError):
    """The request needs a signed-in user."""

    default_code = "auth.required"


class ForbiddenError(GuotuError):
    """The caller's role may not do this."""

    default_code = "auth.forbidden"


class CsrfError(GuotuError):
    """A state-changing request without its anti-forgery token."""

    default_code = "auth.csrf"


class PayloadTooLargeError(InvalidInputError):
    """An upload beyond the configured size."""

    default_code = "web.upload_too_large"


#: Error class → HTTP status; the first match in this order wins (subclasses first).
_STATUS: tuple[tuple[type[GuotuError], int], ...] = (
    (AuthRequiredError, 401),
    (ForbiddenError, 403),
    (CsrfError, 403),
    (PayloadTooLargeError, 413),
    (InvalidInputError, 400),
    (NotFoundError, 404),
    (ConflictError, 409),
    (StorageError, 503),
    (ConfigurationError, 503),
)


def status_of(err: GuotuError) -> int:
    """Return the HTTP status of an error (400 for anything unlisted)."""
    for cls, status in _STATUS:
        if isinstance(err, cls):
            return status
    return 400


def wants_json(request: Request) -> bool:
    """Whether the caller expects JSON (the API, tiles, ``?f=json``, or an Accept without HTML)."""
    path = request.url.path
    f = request.query_params.get("f")
    if f:
        return f.lower() in ("json", "geojson")
    if path.startswith(("/api/", "/tiles/")) and not path.startswith("/api/docs"):
        return True
    accept = request.headers.get("accept", "")
    if path.startswith("/ogc"):
        return "text/html" not in accept
    return "application/json" in accept and "text/html" not in accept


def error_body(code: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Return the JSON body of an error."""
    body = {"code": code, "message_zh": message(code, "zh", **params), "message_en": message(code, "en", **params)}
    body.update(extra)
    return body


def _page(request: Request, status: int, code: str, params: dict[str, Any], **extra: Any) -> Response:
    from guotu.web.pages import render_error

    return render_error(request, status, code, params, **extra)


def respond(request: Request, err: GuotuError) -> Response:
    """Turn a guotu error into the response the caller expects."""
    status = status_of(err)
    params = dict(err.params)
    if status == 401 and not wants_json(request):
        target = request.url.path
        return RedirectResponse(f"/login?next={target}", status_code=303)
    if wants_json(request):
        headers = {"WWW-Authenticate": 'Cookie realm="guotu"'} if status == 401 else None
        return JSONResponse(error_body(err.code, params), status_code=status, headers=headers)
    return _page(request, status, err.code, params)


def install_handlers(app: FastAPI) -> None:
    """Install the handlers for guotu errors, bad requests, HTTP errors and anything unexpected."""

    @app.exception_handler(GuotuError)
    async def _guotu(request: Request, err: GuotuError) -> Response:
        return respond(request, err)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, err: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'path', 'body'))}: {e.get('msg', '')}"
            for e in err.errors()[:5]
        )[:300]
        from guotu.web.security import record_rejected

        await record_rejected(request, "web.invalid_request")
        return respond(request, InvalidInputError("web.invalid_request", detail=detail))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> Response:
        if err.status_code == 404:
            code, params = "web.not_found", {"path": request.url.path[:200]}
        elif err.status_code == 405:
            code, params = "web.method", {"method": request.method}
        else:
            code, params = "web.invalid_request", {"detail": str(err.detail)[:200]}
        if wants_json(request) or request.method not in ("GET", "HEAD"):
            return JSONResponse(error_body(code, params), status_code=err.status_code)
        return _page(request, err.status_code, code, params)

    @app.exception_handler(Exception)
    async def _internal(request: Request, err: Exception) -> Response:
        request_id = secrets.token_hex(6)
        logger.error("internal error %s on %s %s", request_id, request.method, request.url.path, exc_info=err)
        params = {"request_id": request_id}
        if wants_json(request):
            return JSONResponse(error_body("web.internal", params, request_id=request_id), status_code=500)
        return _page(request, 500, "web.internal", params)
