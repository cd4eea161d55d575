"""The store: jurisdictions, layers and immutable layer versions (DESIGN.md, layer 4).

:func:`open_store` picks the backend from the URL, as ``GUOTU_DATABASE_URL`` gives it:

* ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, a bare path, or
  ``sqlite:///:memory:`` → :class:`~guotu.store.sqlite.SQLiteStore` (the embedded
  default, Python's own sqlite3);
* ``postgresql://user:password@host:port/dbname`` (or ``postgres://``) →
  :class:`~guotu.store.postgis.PostgisStore` (needs ``pip install 'guotu[postgis]'``).

Examples
--------
>>> with open_store("sqlite:///:memory:", migrate=True) as store:
...     store.schema_version() > 0
True
"""

from __future__ import annotations

import os
from typing import Final

from guotu.errors import DependencyMissingError, InvalidInputError
from guotu.store.base import BBox, LayerInfo, Store
from guotu.store.content import canonical_json, content_hash, feature_hash

__all__ = [
    "BBox",
    "LayerInfo",
    "Store",
    "canonical_json",
    "content_hash",
    "feature_hash",
    "open_store",
    "sqlite_path",
]

_POSTGRES_SCHEMES: Final = ("postgresql://", "postgres://", "postgresql+psycopg://")


def sqlite_path(url: str | os.PathLike[str]) -> str | None:
    """Return the SQLite file a URL names (``:memory:`` included), None for another scheme.

    Examples
    --------
    >>> sqlite_path("sqlite:///data/guotu.db"), sqlite_path("sqlite:////srv/guotu.db")
    ('data/guotu.db', '/srv/guotu.db')
    >>> sqlite_path("guotu.db"), sqlite_path("sqlite://"), sqlite_path("postgresql://h/db")
    ('guotu.db', ':memory:', None)
    """
    text = os.fspath(url)
    if text.startswith("sqlite:"):
        rest = text.removeprefix("sqlite:").removeprefix("//")
        rest = rest.removeprefix("/") if rest.startswith("/") else rest
        return rest or ":memory:"
    if "://" in text:
        return None
    return text


def open_store(url: str | os.PathLike[str], *, migrate: bool = False) -> Store:
    """Open the store a URL names.

    Parameters
    ----------
    url
        ``sqlite:///path``, a bare path, or ``postgresql://…``.
    migrate
        Apply pending migrations first (creating the schema of a new database).

    Raises
    ------
    InvalidInputError
        ``store.url_invalid`` for another scheme.
    DependencyMissingError
        For a PostgreSQL URL when psycopg is not installed.
    StorageError, ConfigurationError
        When the database cannot be opened (see the backends).
    """
    text = os.fspath(url)
    store: Store
    if text.startswith(_POSTGRES_SCHEMES):
        try:
            from guotu.store.postgis import PostgisStore
        except ImportError:
            raise DependencyMissingError(
                "dependency.missing", name="psycopg", hint="pip install 'guotu[postgis]'"
            ) from None
        store = PostgisStore(text.replace("postgresql+psycopg://", "postgresql://", 1))
    else:
        path = sqlite_path(text)
        if path is None or not text.strip():
            raise InvalidInputError("store.url_invalid", scheme=text.partition("://")[0][:20])
        from guotu.store.sqlite import SQLiteStore

        store = SQLiteStore(path)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
