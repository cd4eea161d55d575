"""Fixtures of the store tests: one ``store`` fixture parametrised over every backend.

The PostGIS server fixtures come from ``tests/pg.py`` (re-exported here; see its
docstring to expose them to every test package).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # make the ``tests`` package importable under any import mode
    sys.path.insert(0, str(_ROOT))

from tests.store._data import reset_postgis  # noqa: E402

from guotu.store import Store, open_store  # noqa: E402

# The PostGIS server (session-scoped); see tests/pg.py to share it with every test package.

BACKENDS = ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'guotu.db'}"


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    with open_store(sqlite_url, migrate=True) as store:
        yield store


@pytest.fixture
def empty_postgis_url(postgis_url: str) -> str:
    reset_postgis(postgis_url)
    return postgis_url


@pytest.fixture
def postgis_store(empty_postgis_url: str) -> Iterator[Store]:
    with open_store(empty_postgis_url, migrate=True) as store:
        yield store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Store:
    """A migrated, empty store of each backend."""
    return request.getfixturevalue(f"{backend}_store")  # type: ignore[no-any-return]


@pytest.fixture
def store_url(backend: str, request: pytest.FixtureRequest) -> str:
    """The URL of an empty (not migrated) database of each backend."""
    return str(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "empty_postgis_url"))
