"""Fixtures of the maintenance tests: both stores, and a synthetic one map with a known change set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.maintenance._data import OneMap, build_one_map
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


@pytest.fixture(scope="session")
def one_map(tmp_path_factory: pytest.TempPathFactory) -> OneMap:
    """The synthetic one map and its change files (built once)."""
    return build_one_map(tmp_path_factory.mktemp("onemap"))
