"""Fixtures of the web tests: a small one map in each store, the app, signed-in clients."""

from __future__ import annotations

import dataclasses
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.store._data import reset_postgis

from guotu.domain.layers import LegalStatus
from guotu.geo import synthetic
from guotu.services.users import create_user
from guotu.store import Store, open_store
from guotu.web.app import create_app
from guotu.web.config import WebSettings

with warnings.catch_warnings():
    # Starlette asks for httpx2, which is not installed; the TestClient still works with httpx.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "Sicher-Passw0rt"
STAFF = ("admin", "editor", "reviewer", "viewer")


@pytest.fixture(scope="session")
def one_map() -> dict[str, Any]:
    """A small synthetic one map (computed once)."""
    survey = synthetic.survey(120, seed=3)
    lines = synthetic.control_lines(survey, seed=3)
    change = synthetic.modify(survey, fraction=0.1, seed=1)
    return {"survey": survey, "lines": lines, "after": change.after}


def fill_store(store: Store, one_map: dict[str, Any]) -> None:
    """Layers: a published farmland layer, a survey with a published v1 and a draft v2, a draft-only layer."""
    store.create_layer("yjjbnt", "permanent_basic_farmland", title="永久基本农田")
    store.add_version(
        "yjjbnt", one_map["lines"]["permanent_basic_farmland"], legal_status=LegalStatus.IN_FORCE,
        effective_date=date(2024, 1, 1), approval_document="示例〔2024〕1号",
    )  # fmt: skip
    store.create_layer("survey", "current_land_use", title="现状")
    store.add_version("survey", one_map["survey"], legal_status=LegalStatus.IN_FORCE, effective_date=date(2024, 1, 1))
    store.add_version("survey", one_map["after"])
    store.create_layer("draft_only", "urban_development_boundary", title="城镇开发边界（在编）")
    store.add_version("draft_only", one_map["lines"]["urban_development_boundary"])


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request: pytest.FixtureRequest, tmp_path: Path, one_map: dict[str, Any]) -> Iterator[Store]:
    """A migrated store of each backend with the small one map."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'web.db'}"
    else:
        url = request.getfixturevalue("postgis_url")
        reset_postgis(url)
    with open_store(url, migrate=True) as s:
        fill_store(s, one_map)
        yield s


@pytest.fixture
def sqlite_store(tmp_path: Path, one_map: dict[str, Any]) -> Iterator[Store]:
    """The SQLite store only (for tests that do not depend on the backend)."""
    with open_store(f"sqlite:///{tmp_path / 'web.db'}", migrate=True) as s:
        fill_store(s, one_map)
        yield s


@dataclass
class Clock:
    """A clock the tests move."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Web:
    """The app on a store, with helpers to sign in as each role."""

    app: Any
    store: Store
    clock: Clock

    base_url: str = "http://testserver"

    def client(self) -> TestClient:
        return TestClient(self.app, base_url=self.base_url, follow_redirects=False, raise_server_exceptions=False)

    def csrf(self, client: TestClient) -> str:
        page = client.get("/login")
        found = re.search(r'name="csrf-token" content="([^"]*)"', page.text)
        assert found, page.text[:500]
        return found.group(1)

    def login(self, role: str, client: TestClient | None = None) -> TestClient:
        client = client or self.client()
        if role == "public":
            self.csrf(client)
            return client
        name = f"{role}1"
        if self.store.find_record("user", name) is None:
            create_user(self.store, name, PASSWORD, role=role, actor="test:setup")
        token = self.csrf(client)
        r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"})
        assert r.status_code == 303, r.text[:300]
        return client

    def token(self, client: TestClient) -> str:
        return str(client.get("/api/me").json()["csrf_token"])


def make_web(store: Store) -> Web:
    clock = Clock()
    settings = WebSettings(
        secure_cookies=False, max_upload_bytes=200_000, upload_dir=tempfile.mkdtemp(prefix="guotu-web-")
    )
    app = create_app(store, settings=settings)
    app.state.ctx.policy = dataclasses.replace(app.state.ctx.policy, clock=clock)
    return Web(app, store, clock)


@pytest.fixture
def web(store: Store) -> Web:
    """The app on each backend."""
    return make_web(store)


@pytest.fixture
def web1(sqlite_store: Store) -> Web:
    """The app on SQLite only."""
    return make_web(sqlite_store)


@pytest.fixture
def signed_in(web: Web) -> Callable[[str], TestClient]:
    return web.login
