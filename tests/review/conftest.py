"""Fixtures of the review tests: both stores, and a small one map whose overlaps are known by construction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.review.world import build_world
from tests.store._data import reset_postgis

from guotu.store import Store, open_store


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store of each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'one.db'}"
    else:
        url = request.getfixturevalue("postgis_url")
        reset_postgis(url)
    with open_store(url, migrate=True) as opened:
        yield opened


@pytest.fixture
def world(store: Store) -> Store:
    """The store with the test one map in force since 2026-01-01."""
    build_world(store)
    return store


@pytest.fixture
def on() -> date:
    return date(2026, 6, 1)
