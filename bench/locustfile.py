"""Users of the guotu web app for locust (driven by ``bench/bench_load.py``; loopback only).

The targets (collections and their extents, bounding boxes, tiles, plan keys, staff
accounts) come from the JSON file named by ``GUOTU_BENCH_CONFIG``, which
``bench_load.py`` writes after it has built the store. Classes:

``StaffUser`` (weight 1)
    signs in (login page, form POST, ``/api/me`` for the CSRF token), then views the
    internal pages, the one map (page + 6 vector tiles), OGC API Features items with a
    bbox, the layer list, and measures areas in a drawn box (``POST /api/stats/area``);
    think time 2–8 s.
``PublicUser`` (weight 4; 50 staff : 200 public at the nominal load)
    views the public pages, the public map (page + 6 tiles), OGC items with a bbox, a
    published plan, and now and then submits a comment (意见征询, a write); think time
    4–12 s.
``OgcUser``
    only OGC API Features requests (items with a bbox, one item), the same against guotu
    (``/ogc``) and pygeoapi (prefix from the config); think time 0–0.2 s, for the
    throughput comparison.

Every answer is classified: 503 with ``server.busy`` and ``Retry-After`` is the clean
overload answer (failure "503 busy"); anything else ≥ 400, a 503 without the
project's body, or a broken connection is a real error.

Run by hand (a server on 127.0.0.1:8000 and a config file)::

    GUOTU_BENCH_CONFIG=cfg.json locust -f bench/locustfile.py --headless -u 250 -r 50 -t 60s \
        --host http://127.0.0.1:8000 StaffUser PublicUser
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any

from locust import FastHttpUser, between, task

_CONFIG: dict[str, Any] | None = None
_ACCOUNT = itertools.count()
_CSRF_META = re.compile(r'name="csrf-token" content="([^"]*)"')


def config() -> dict[str, Any]:
    """The targets written by bench_load.py (read once per process)."""
    global _CONFIG
    if _CONFIG is None:
        with open(os.environ["GUOTU_BENCH_CONFIG"], encoding="utf-8") as f:
            _CONFIG = json.load(f)
    return _CONFIG


def log_write(text: str, status: int) -> None:
    """Note what the client was told about a write (``GUOTU_BENCH_WRITES``), for the lost-write check."""
    path = os.environ.get("GUOTU_BENCH_WRITES")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"text": text, "status": status}, ensure_ascii=False) + "\n")


class _Guotu(FastHttpUser):
    abstract = True
    # connection per user, like a browser; a stuck server must show as a timeout, not a hang
    connection_timeout = 10.0
    network_timeout = 30.0
    # A GET on a keep-alive connection the server closed meanwhile is sent again (a POST is not: the
    # write tasks below load their page first, as a browser does, so their connection is fresh).
    max_retries = 1

    def fetch(self, path: str, name: str, *, method: str = "GET", expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        """One request; 503 server.busy is counted as '503 busy', anything unexpected as an error."""
        with self.client.request(method, path, name=name, catch_response=True, **kw) as resp:
            status = resp.status_code
            if status in expect:
                resp.success()
            elif status == 503 and b"server.busy" in (resp.content or b"") and resp.headers.get("Retry-After"):
                resp.failure("503 busy")
            elif status == 0:
                resp.failure(f"connection error: {type(resp.error).__name__}")
            else:
                resp.failure(f"HTTP {status}")
            return resp

    def tiles(self, count: int = 6) -> None:
        """What a map view loads: the opening view's tiles (60 %) or a 3×2 block elsewhere, zoomed in."""
        cfg = config()
        if random.random() < 0.6:
            chosen = random.sample(cfg["home_tiles"], min(count, len(cfg["home_tiles"])))
        else:
            layer, z, x, y = random.choice(cfg["tiles"])
            chosen = [[layer, z, x + i % 3, y + i // 3] for i in range(count)]
        for layer, z, x, y in chosen:
            self.fetch(f"/tiles/{layer}/{z}/{x}/{y}.pbf", "tile", expect=(200, 204, 304))

    def ogc_items(self) -> None:
        """One page of OGC API Features items in a bounding box."""
        cfg = config()
        coll = random.choice(cfg["ogc_collections"])
        box = random.choice(cfg["boxes"])
        self.fetch(f"/ogc/collections/{coll}/items?f=json&limit=100&bbox={box}", "ogc items bbox")


class StaffUser(_Guotu):
    """A member of staff: signs in, then works with the map, the pages and the data."""

    weight = 1
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.csrf = ""
        self.signed_in = False
        self.sign_in()

    def sign_in(self) -> None:
        cfg = config()
        if not hasattr(self, "account"):
            accounts = cfg["staff_accounts"]
            self.account = accounts[next(_ACCOUNT) % len(accounts)]  # one account per user, as in an office
        name, password = self.account
        page = self.fetch("/login", "page /login")
        found = _CSRF_META.search(page.text or "") if page.status_code == 200 else None
        if not found:
            return
        form = {"username": name, "password": password, "csrf_token": found.group(1), "next": "/"}
        r = self.fetch("/login", "login POST", method="POST", data=form, expect=(303,), allow_redirects=False)
        if r.status_code != 303:
            return
        me = self.fetch("/api/me", "api me")
        if me.status_code == 200:
            body = me.json()
            self.csrf = str(body.get("csrf_token", ""))
            self.signed_in = bool(body.get("signed_in"))

    def _ready(self) -> bool:
        if not self.signed_in:
            self.sign_in()  # the login itself may have met a 503: try again
        return self.signed_in

    @task(3)
    def map_view(self) -> None:
        if self._ready():
            self.fetch("/map", "page /map")
            self.tiles()

    @task(3)
    def features(self) -> None:
        if self._ready():
            self.ogc_items()

    @task(2)
    def pages(self) -> None:
        if self._ready():
            cfg = config()
            path = random.choice(["/", "/plans", "/review", "/maintenance", "/monitoring", "/projects", "plan"])
            if path == "plan":
                path = f"/plans/{random.choice(cfg['plans'])}"
            self.fetch(path, "page (staff)")

    @task(1)
    def layers(self) -> None:
        if self._ready():
            self.fetch("/api/layers", "api layers")

    @task(1)
    def area_statistics(self) -> None:
        if self._ready():
            cfg = config()
            w, s, e, n = (float(v) for v in random.choice(cfg["boxes"]).split(","))
            ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
            body = {"geometry": {"type": "Polygon", "coordinates": [ring]}, "layers": [cfg["survey"]]}
            self.fetch("/map", "page /map")  # the map where the box is drawn
            self.fetch(
                "/api/stats/area", "api area stats", method="POST", json=body, headers={"X-CSRF-Token": self.csrf}
            )


class PublicUser(_Guotu):
    """A member of the public: published plans and maps, now and then a comment."""

    weight = 4
    wait_time = between(4, 12)

    def on_start(self) -> None:
        me = self.fetch("/api/me", "api me")
        self.csrf = str(me.json().get("csrf_token", "")) if me.status_code == 200 else ""

    @task(4)
    def home(self) -> None:
        self.fetch("/public", "page /public")

    @task(6)
    def map_view(self) -> None:
        self.fetch("/public/map", "page /public/map")
        self.tiles()

    @task(4)
    def features(self) -> None:
        self.ogc_items()

    @task(2)
    def plan(self) -> None:
        keys = config()["public_plans"]
        if keys:
            self.fetch(f"/public/plans/{random.choice(keys)}", "page /public/plans/{key}")

    @task(1)
    def comment(self) -> None:
        if not self.csrf:
            self.on_start()
            if not self.csrf:
                return
        self.fetch("/public", "page /public")  # the page with the form
        body = {"subject": "负载测试", "text": f"意见 {random.randrange(10**12)}"}
        r = self.fetch(
            "/api/comments", "comment POST", method="POST", json=body, headers={"X-CSRF-Token": self.csrf},
            expect=(201,),
        )  # fmt: skip
        log_write(body["text"], r.status_code)


class OgcUser(_Guotu):
    """OGC API Features only (same requests against guotu and pygeoapi)."""

    wait_time = between(0, 0.2)

    @task(4)
    def items_bbox(self) -> None:
        cfg = config()
        box = random.choice(cfg["boxes"])
        self.fetch(f"{cfg['ogc_prefix']}/collections/{cfg['ogc_collection']}/items?f=json&limit=100&bbox={box}",
                   "ogc items bbox")  # fmt: skip

    @task(1)
    def item(self) -> None:
        cfg = config()
        fid = random.choice(cfg["item_ids"])
        self.fetch(f"{cfg['ogc_prefix']}/collections/{cfg['ogc_collection']}/items/{fid}?f=json", "ogc item")
