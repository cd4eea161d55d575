"""Clean overload: a bound on the requests a worker process serves at once, a short queue, then 503.

:class:`OverloadMiddleware` is a pure ASGI middleware (no ``BaseHTTPMiddleware``, so
nothing is buffered and a rejection costs a few microseconds). Per worker process:

* at most ``max_concurrency`` HTTP requests are inside the app at once
  (``GUOTU_WEB_MAX_CONCURRENCY``, :class:`~guotu.web.config.WebSettings`, default 64);
* up to ``max_queue`` more wait, first come first served, for at most
  ``queue_timeout`` seconds (``GUOTU_WEB_MAX_QUEUE``, default twice the concurrency;
  ``GUOTU_WEB_QUEUE_TIMEOUT``, default 5 s);
* anything beyond gets ``503 Service Unavailable`` with ``Retry-After`` and the
  project's JSON error body ``{code: "server.busy", message_zh, message_en}``.

A request is refused only *before* it reaches the app, never while it runs, so a
write either happened completely (and wrote its audit event) or was never
attempted: overload cannot lose or half-write anything. A slot is always given
back, whatever the request does (returns, raises, or the client goes away), so
the server recovers as soon as the load drops.

Example
-------
>>> from starlette.applications import Starlette
>>> app = Starlette()
>>> app.add_middleware(OverloadMiddleware, max_concurrency=8, max_queue=0)
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send

from guotu.catalogue import message

__all__ = ["BUSY_CODE", "OverloadMiddleware", "OverloadStats", "install"]

logger = logging.getLogger(__name__)

BUSY_CODE: Final = "server.busy"
DEFAULT_CONCURRENCY: Final = 64
DEFAULT_QUEUE_TIMEOUT: Final = 5.0
_LOG_EVERY: Final = 10.0  # seconds between two "shedding load" warnings


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        logger.warning("ignoring %s=%r (not an integer)", name, text)
        return default


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        logger.warning("ignoring %s=%r (not a number)", name, text)
        return default
    return value if math.isfinite(value) else default


@dataclass
class OverloadStats:
    """Counters of one middleware (one worker process), for tests and diagnostics."""

    active: int = 0
    waiting: int = 0
    served: int = 0
    queued: int = 0
    rejected: int = 0
    timed_out: int = 0
    peak_active: int = 0
    peak_waiting: int = 0


class OverloadMiddleware:
    """Bound the in-flight HTTP requests of a worker; queue a few; answer 503 beyond.

    Parameters
    ----------
    app
        The ASGI app to protect.
    max_concurrency
        Requests inside ``app`` at once (default ``GUOTU_WEB_MAX_CONCURRENCY`` or 64).
    max_queue
        Requests that may wait for a slot (default ``GUOTU_WEB_MAX_QUEUE`` or
        ``2 * max_concurrency``; 0: refuse at once when full).
    queue_timeout
        Seconds a request waits for a slot before it is refused
        (default ``GUOTU_WEB_QUEUE_TIMEOUT`` or 5).
    retry_after
        Seconds in the ``Retry-After`` header (default: the queue timeout, rounded up, at least 1).

    Notes
    -----
    Lifespan and websocket scopes pass through untouched. The counters are guarded by a
    lock and waiters are woken on their own event loop, so the middleware also works
    when requests come from several loops (e.g. Starlette's ``TestClient``).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_concurrency: int | None = None,
        max_queue: int | None = None,
        queue_timeout: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.app = app
        limit = (
            max_concurrency
            if max_concurrency is not None
            else _env_int("GUOTU_WEB_MAX_CONCURRENCY", DEFAULT_CONCURRENCY)
        )
        self.max_concurrency = max(1, limit)
        queue = max_queue if max_queue is not None else _env_int("GUOTU_WEB_MAX_QUEUE", 2 * self.max_concurrency)
        self.max_queue = max(0, queue)
        timeout = (
            queue_timeout if queue_timeout is not None else _env_float("GUOTU_WEB_QUEUE_TIMEOUT", DEFAULT_QUEUE_TIMEOUT)
        )
        self.queue_timeout = max(0.0, timeout)
        self.retry_after = max(1, retry_after if retry_after is not None else math.ceil(self.queue_timeout))
        self.stats = OverloadStats()
        self._lock = threading.Lock()
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._last_warning = 0.0
        body = {"code": BUSY_CODE, "message_zh": message(BUSY_CODE, "zh"), "message_en": message(BUSY_CODE, "en")}
        self._body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(self._body)).encode("ascii")),
            (b"retry-after", str(self.retry_after).encode("ascii")),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request when a slot is free (now or after a short wait), else answer 503."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not await self._acquire():
            await self._drain(receive)
            await self._reject(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    # ---------------------------------------------------------------- slots

    async def _acquire(self) -> bool:
        with self._lock:
            stats = self.stats
            if stats.active < self.max_concurrency and not self._waiters:
                stats.active += 1
                stats.served += 1
                stats.peak_active = max(stats.peak_active, stats.active)
                return True
            if len(self._waiters) >= self.max_queue or self.queue_timeout <= 0:
                return False
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            stats.waiting = len(self._waiters)
            stats.queued += 1
            stats.peak_waiting = max(stats.peak_waiting, stats.waiting)
        try:
            async with asyncio.timeout(self.queue_timeout):
                await asyncio.shield(waiter)
        except TimeoutError:
            if self._give_up(waiter):
                with self._lock:
                    self.stats.timed_out += 1
                return False
            return True  # the slot was handed over just as the wait ran out: use it
        except BaseException:  # the client went away or the server is stopping
            if not self._give_up(waiter):
                self._release()
            raise
        return True

    def _give_up(self, waiter: asyncio.Future[None]) -> bool:
        """Leave the queue; False when a slot was handed to ``waiter`` meanwhile (it then owns it)."""
        with self._lock:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                return False  # already popped by _release: the slot is ours
            self.stats.waiting = len(self._waiters)
            return True

    def _release(self) -> None:
        """Give the slot to the oldest waiter, or free it."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                self.stats.waiting = len(self._waiters)
                loop = waiter.get_loop()
                if not loop.is_closed():  # (a waiter whose loop is gone will never use a slot: skip it)
                    self.stats.served += 1
                    loop.call_soon_threadsafe(_wake, waiter)
                    return
            self.stats.active -= 1

    # ---------------------------------------------------------------- refusal

    @staticmethod
    async def _drain(receive: Receive) -> None:
        """Read (and drop) a small request body before refusing.

        Closing a connection whose request body is still unread makes the kernel
        answer with a TCP reset, and the client may then see "connection reset"
        instead of the 503. Bodies beyond ``_DRAIN_LIMIT`` bytes or slower than
        ``_DRAIN_TIMEOUT`` seconds are not waited for (the connection closes anyway).
        """
        received = 0
        try:
            async with asyncio.timeout(_DRAIN_TIMEOUT):
                while received <= _DRAIN_LIMIT:
                    event = await receive()
                    if event["type"] != "http.request":
                        return
                    received += len(event.get("body", b""))
                    if not event.get("more_body", False):
                        return
        except TimeoutError:
            return

    async def _reject(self, scope: Scope, send: Send) -> None:
        with self._lock:
            self.stats.rejected += 1
            now = time.monotonic()
            warn = now - self._last_warning >= _LOG_EVERY
            if warn:
                self._last_warning = now
            snapshot = (self.stats.active, self.stats.waiting, self.stats.rejected)
        if warn:
            logger.warning(
                "overload: refusing requests with 503 (active %d, waiting %d, refused so far %d; limit %d + queue %d)",
                *snapshot, self.max_concurrency, self.max_queue,
            )  # fmt: skip
        await send({"type": "http.response.start", "status": 503, "headers": self._headers})
        body = b"" if scope.get("method") == "HEAD" else self._body
        await send({"type": "http.response.body", "body": body, "more_body": False})


#: How much of a refused request's body is read before the 503, and for how long.
_DRAIN_LIMIT: Final = 1 << 20
_DRAIN_TIMEOUT: Final = 2.0


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def install(app: Any, settings: Any = None) -> None:
    """Add :class:`OverloadMiddleware` to a Starlette/FastAPI app as its outermost middleware.

    Parameters
    ----------
    app
        The app (before it starts).
    settings
        :class:`~guotu.web.config.WebSettings` or None; its ``max_concurrency`` is used when it has one,
        otherwise the environment.
    """
    limit = getattr(settings, "max_concurrency", None)
    app.add_middleware(OverloadMiddleware, max_concurrency=limit if isinstance(limit, int) else None)
