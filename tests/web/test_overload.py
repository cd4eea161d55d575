"""Clean overload (guotu.web.overload): a bound on in-flight requests, a short queue, then 503 + Retry-After.

The middleware alone is tested on a tiny ASGI app in one event loop (exact, fast); then the real
app on each store behind a real uvicorn server, with slow requests, for the 503s, the recovery,
and no lost or half-done writes (store and audit trail agree with what the clients were told).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn

from guotu.catalogue import message
from guotu.services import audit, consultation
from guotu.store import Store
from guotu.web.app import create_app
from guotu.web.config import WebSettings
from guotu.web.overload import BUSY_CODE, OverloadMiddleware

# ---------------------------------------------------------------- the middleware alone


class SlowApp:
    """An ASGI app whose requests wait for ``gate`` (or raise for path /boom)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.inside = 0
        self.most_inside = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await send({"type": "lifespan.startup.complete"})
            return
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            if scope["path"] == "/boom":
                raise RuntimeError("boom")
            await self.gate.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.inside -= 1


async def call(mw: OverloadMiddleware, path: str = "/", method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send one HTTP request through the middleware; return status, headers, body."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
    await mw(scope, receive, send)
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_beyond_the_limit_and_queue_a_503_with_retry_after_then_recovers() -> None:
    async def scenario() -> None:
        inner = SlowApp()
        mw = OverloadMiddleware(inner, max_concurrency=2, max_queue=1, queue_timeout=10)
        tasks = [asyncio.create_task(call(mw, f"/{i}")) for i in range(6)]
        await asyncio.sleep(0.05)
        assert (mw.stats.active, mw.stats.waiting) == (2, 1)
        inner.gate.set()
        results = await asyncio.gather(*tasks)
        statuses = sorted(r[0] for r in results)
        assert statuses == [200, 200, 200, 503, 503, 503]
        assert inner.most_inside == 2
        _, headers, body = next(r for r in results if r[0] == 503)
        assert headers["retry-after"] == "10"
        assert headers["content-type"].startswith("application/json")
        texts = {"message_zh": message(BUSY_CODE, "zh"), "message_en": message(BUSY_CODE, "en")}
        assert json.loads(body) == {"code": BUSY_CODE, **texts}
        assert (mw.stats.active, mw.stats.waiting, mw.stats.rejected, mw.stats.queued) == (0, 0, 3, 1)
        # load gone: served at once again
        assert (await call(mw))[0] == 200
        assert mw.stats.active == 0

    asyncio.run(scenario())


def test_a_queued_request_gives_up_after_the_timeout() -> None:
    async def scenario() -> None:
        inner = SlowApp()
        mw = OverloadMiddleware(inner, max_concurrency=1, max_queue=5, queue_timeout=0.1, retry_after=3)
        first = asyncio.create_task(call(mw))
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        status, headers, _ = await call(mw, method="HEAD")
        assert status == 503 and headers["retry-after"] == "3"
        assert 0.09 <= time.perf_counter() - started < 2
        assert mw.stats.timed_out == 1 and mw.stats.waiting == 0
        inner.gate.set()
        assert (await first)[0] == 200
        assert mw.stats.active == 0

    asyncio.run(scenario())


def test_no_queue_refuses_at_once_and_errors_and_disconnects_give_the_slot_back() -> None:
    async def scenario() -> None:
        inner = SlowApp()
        mw = OverloadMiddleware(inner, max_concurrency=1, max_queue=0)
        with pytest.raises(RuntimeError):
            await call(mw, "/boom")
        assert mw.stats.active == 0
        first = asyncio.create_task(call(mw))
        await asyncio.sleep(0.01)
        assert (await call(mw))[0] == 503
        first.cancel()  # the client went away while being served
        with pytest.raises(asyncio.CancelledError):
            await first
        assert mw.stats.active == 0

        queued = OverloadMiddleware(inner, max_concurrency=1, max_queue=1, queue_timeout=30)
        inner.gate.clear()
        running = asyncio.create_task(call(queued))
        await asyncio.sleep(0.01)
        waiting = asyncio.create_task(call(queued))
        await asyncio.sleep(0.01)
        assert queued.stats.waiting == 1
        waiting.cancel()  # the waiting client went away
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert queued.stats.waiting == 0
        inner.gate.set()
        assert (await running)[0] == 200
        assert (queued.stats.active, queued.stats.waiting) == (0, 0)
        assert (await call(queued))[0] == 200

    asyncio.run(scenario())


def test_lifespan_passes_through_and_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUOTU_WEB_MAX_CONCURRENCY", "7")
    monkeypatch.setenv("GUOTU_WEB_MAX_QUEUE", "3")
    monkeypatch.setenv("GUOTU_WEB_QUEUE_TIMEOUT", "2.5")
    mw = OverloadMiddleware(SlowApp())
    assert (mw.max_concurrency, mw.max_queue, mw.queue_timeout, mw.retry_after) == (7, 3, 2.5, 3)
    assert WebSettings(secure_cookies=False).max_concurrency == 7
    monkeypatch.setenv("GUOTU_WEB_MAX_QUEUE", "lots")
    assert OverloadMiddleware(SlowApp()).max_queue == 14  # bad value: the default, twice the concurrency

    async def lifespan() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(m: dict[str, Any]) -> None:
            sent.append(m)

        await mw({"type": "lifespan"}, receive, send)
        return sent

    assert asyncio.run(lifespan()) == [{"type": "lifespan.startup.complete"}]


# ---------------------------------------------------------------- the real app behind uvicorn


def find_overload(app: Any) -> OverloadMiddleware:
    """The app's overload middleware (the stack is built on the first request)."""
    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, OverloadMiddleware):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, OverloadMiddleware), "OverloadMiddleware is not registered in create_app"
    return layer


@pytest.fixture
def served(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """The app on ``store`` with 2 slots and a queue of 1, on a real uvicorn server on loopback."""
    monkeypatch.setenv("GUOTU_WEB_MAX_QUEUE", "1")
    monkeypatch.setenv("GUOTU_WEB_QUEUE_TIMEOUT", "30")
    app = create_app(store, settings=WebSettings(secure_cookies=False, max_concurrency=2))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.mark.slow
def test_overloaded_app_answers_503_loses_no_write_and_recovers(
    served: tuple[str, Any], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, app = served
    original = consultation.submit_comment

    def slow_submit(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(consultation, "submit_comment", slow_submit)

    n = 8
    clients = [httpx.Client(base_url=base, timeout=60) for _ in range(n)]
    tokens = [c.get("/api/me").json()["csrf_token"] for c in clients]  # one at a time: no overload yet

    def post(i: int) -> httpx.Response:
        body = {"subject": f"s{i}", "text": f"comment {i}"}
        return clients[i].post("/api/comments", json=body, headers={"X-CSRF-Token": tokens[i]})

    try:
        with ThreadPoolExecutor(n) as pool:
            replies = list(pool.map(post, range(n)))
    finally:
        for c in clients:
            c.close()
    statuses = [r.status_code for r in replies]
    assert set(statuses) <= {201, 503}, statuses
    ok = [r for r in replies if r.status_code == 201]
    busy = [r for r in replies if r.status_code == 503]
    assert len(busy) >= 1 and len(ok) >= 2, statuses
    for r in busy:
        assert r.headers["retry-after"] == "30"
        assert r.json()["code"] == BUSY_CODE and r.json()["message_en"] and r.json()["message_zh"]
    mw = find_overload(app)
    assert mw.stats.peak_active <= 2 and mw.stats.rejected >= len(busy)

    # no lost and no phantom write: the store and the audit trail agree with what the clients were told
    keys = {r.json()["key"] for r in ok}
    stored = {c.key for c in consultation.list_comments(store)}
    assert stored == keys
    events = audit.list_events(store, limit=1000, action_prefix="comment.submit")
    assert sorted(e.target for e in events) == sorted(f"comment:{k}" for k in keys)
    assert all(e.outcome == "ok" for e in events)
    assert audit.verify(store).ok

    # the load is gone: normal service, nothing left in flight
    monkeypatch.setattr(consultation, "submit_comment", original)
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/ogc/collections?f=json").status_code == 200
        token = client.get("/api/me").json()["csrf_token"]
        again = client.post("/api/comments", json={"text": "after"}, headers={"X-CSRF-Token": token})
        assert again.status_code == 201
    assert (mw.stats.active, mw.stats.waiting) == (0, 0)
