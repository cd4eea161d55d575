"""Database administration: create, migrate, back up and restore the store.

These are the use cases behind ``guotu db``; the web app and library users may call
them too. Each opens the store the URL names (``sqlite:///…`` or ``postgresql://…``,
see :func:`guotu.store.open_store`) and closes it before returning.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from guotu.errors import StorageError
from guotu.log import mask_url
from guotu.store import open_store

__all__ = ["backup_database", "init_database", "migrate_database", "restore_database"]

logger = logging.getLogger(__name__)


def init_database(url: str) -> int:
    """Create the store's schema (or bring it up to date); return its schema version.

    Parameters
    ----------
    url
        The store's URL.
    """
    with open_store(url, migrate=True) as store:
        version = store.schema_version()
    logger.info("database %s ready at schema version %d", mask_url(url), version)
    return version


def migrate_database(url: str) -> tuple[list[int], int]:
    """Apply pending migrations to an initialised store.

    Returns
    -------
    tuple
        The numbers of the migrations applied now, and the schema version after them.

    Raises
    ------
    StorageError
        ``store.schema_missing`` when the database was never initialised
        (``guotu db init`` creates it).
    """
    with open_store(url) as store:
        current = store.schema_version()
        if current == 0:
            raise StorageError("store.schema_missing", current=0, required="≥ 1")
        applied = store.migrate()
        return applied, store.schema_version()


def backup_database(url: str, target: str | os.PathLike[str]) -> Path:
    """Write a consistent backup of the store to a new file ``target`` and return its path."""
    path = Path(target)
    with open_store(url) as store:
        store.backup(path)
    return path


def restore_database(url: str, source: str | os.PathLike[str]) -> int:
    """Restore a backup into the empty store at ``url``; return the schema version after it.

    Raises
    ------
    ConflictError
        ``store.not_empty`` when the target holds data.
    """
    with open_store(url) as store:
        store.restore(Path(source))
        return store.schema_version()
