"""The embedded store: one SQLite file, Python's own ``sqlite3``, no extension.

Geometries are WKB blobs; bounding-box search uses a SQLite R*Tree virtual table
(built into SQLite, unlike SpatiaLite, which this Python cannot load).

Settings (RELIABILITY.md §3, §4): WAL journal, ``synchronous=FULL``, foreign keys on,
``busy_timeout`` 5 s, and ``BEGIN IMMEDIATE`` for every write transaction, retried
while another writer holds the lock so that users never see "database is locked".
A database on a network filesystem (NFS, SMB/CIFS …) is refused, because their
locking is unreliable and corrupts SQLite files; set ``GUOTU_ALLOW_NETWORK_FS=1``
to force it.

A large version is staged in batches of short transactions (other writers wait for
one batch at most, readers never wait) and promoted by one UPDATE; a process killed
in between leaves staged rows that the next open removes.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from guotu.errors import ConfigurationError, ConflictError, InvalidInputError, StorageError
from guotu.store import _migrations
from guotu.store._files import publish
from guotu.store._sql import Result, SQLStore
from guotu.store.base import BBox
from guotu.store.content import PreparedVersion

__all__ = ["NETWORK_FILESYSTEMS", "SQLiteStore"]

logger = logging.getLogger(__name__)

#: Filesystem types (as in /proc/mounts) on which SQLite's locking is unreliable.
NETWORK_FILESYSTEMS: Final = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "davfs", "fuse.davfs2",
        "fuse.sshfs", "sshfs", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "beegfs",
    }
)  # fmt: skip

_PROC_MOUNTS = Path("/proc/mounts")
_BUSY_TIMEOUT_MS: Final = 5000
#: Busy timeout while waiting to begin a write transaction (then retried, see _begin).
_POLL_MS: Final = 2
#: How long a write waits in all for the lock (busy_timeout per attempt, then retries).
_WRITE_WAIT_S: Final = 30.0
_MEMORY: Final = ":memory:"


def filesystem_type(path: Path, mounts: Path | None = None) -> str | None:
    """Return the type of the filesystem holding ``path`` (from /proc/mounts), None if unknown."""
    try:
        table = (mounts or _PROC_MOUNTS).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = path.resolve()
    if not target.is_dir():
        target = target.parent
    best, kind = -1, None
    for line in table.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].encode().decode("unicode_escape") if "\\" in parts[1] else parts[1]
        prefix = mount.rstrip("/") + "/"
        if (str(target) == mount or str(target).startswith(prefix)) and len(mount) > best:
            best, kind = len(mount), parts[2]
    return kind


def _check_filesystem(path: Path) -> None:
    kind = filesystem_type(path)
    if kind is not None and kind.lower() in NETWORK_FILESYSTEMS and os.environ.get("GUOTU_ALLOW_NETWORK_FS") != "1":
        raise ConfigurationError("store.network_fs", path=str(path), fstype=kind)


def _translate(err: sqlite3.Error) -> StorageError:
    text = str(err)
    if "guotu.immutable" in text:
        return StorageError("store.immutable", detail=text.removeprefix("guotu.immutable: "))
    if isinstance(err, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return StorageError("store.busy", detail=text)
        if "no such table" in text:
            return StorageError("store.schema_missing", current=0, required=_migrations.head("sqlite"))
    if getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StorageError("store.full", detail=text)
    return StorageError("storage.failed", detail=text)


class SQLiteStore(SQLStore):
    """The embedded store in one SQLite file (or ``:memory:``).

    Parameters
    ----------
    path
        The database file (created when missing) or ``":memory:"``.

    Raises
    ------
    ConfigurationError
        ``store.network_fs`` for a file on NFS/SMB (unless ``GUOTU_ALLOW_NETWORK_FS=1``).
    StorageError
        ``store.open_failed``, ``store.schema_too_new``.
    """

    _batched_staging = True
    _batch_pause = 0.005

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = str(path)
        self.target = self.path
        self._depth = 0
        if self.path != _MEMORY:
            _check_filesystem(Path(self.path))
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.Error as err:
            raise StorageError("store.open_failed", target=self.path, reason=str(err)) from None
        try:
            self._configure()
            self._after_open()
        except BaseException:
            self._conn.close()
            raise

    def _configure(self) -> None:
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as err:
            raise StorageError("store.open_failed", target=self.path, reason=str(err)) from None
        if mode.lower() not in {"wal", "memory"}:
            raise StorageError("store.open_failed", target=self.path, reason=f"journal mode {mode}, not WAL")

    def _after_open(self) -> None:
        version = self.schema_version()
        if version > _migrations.head("sqlite"):
            raise StorageError("store.schema_too_new", current=version, supported=_migrations.head("sqlite"))
        if version > 0:
            self.clean_staging()

    def pragmas(self) -> dict[str, Any]:
        """Return the connection's safety settings (for tests and ``guotu db`` diagnostics)."""
        names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        return {name: self._conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names}

    # ---------------------------------------------------------------- connection

    def close(self) -> None:
        """See :meth:`Store.close`."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        self._check_open()
        try:
            with self._lock:
                cursor = self._conn.execute(sql, params)
                return Result(cursor.fetchall(), cursor.rowcount)
        except sqlite3.Error as err:
            raise _translate(err) from err

    def _in_transaction(self) -> bool:
        return self._depth > 0

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, polling every few milliseconds while another writer holds the lock.

        SQLite's own busy handler backs off to 100 ms sleeps and misses the short gaps
        between the batches of a large import, so a writer could starve; polling
        catches them (the importer pauses ``_batch_pause`` between batches).
        """
        deadline = time.monotonic() + _WRITE_WAIT_S
        self._conn.execute(f"PRAGMA busy_timeout = {_POLL_MS}")
        try:
            waited = False
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as err:
                    if ("locked" not in str(err) and "busy" not in str(err)) or time.monotonic() > deadline:
                        raise _translate(err) from err
                    if not waited:
                        logger.info("database busy, waiting for the write lock")
                        waited = True
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._check_open()
        with self._lock:
            if self._depth == 0:
                self._begin()
                self._depth = 1
                try:
                    yield
                except BaseException:
                    self._rollback()
                    raise
                finally:
                    self._depth = 0
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error as err:
                    self._rollback()
                    raise _translate(err) from err
            else:
                name = f"guotu_{self._depth}"
                self._execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield
                except BaseException:
                    self._execute(f"ROLLBACK TO {name}")
                    self._execute(f"RELEASE {name}")
                    raise
                finally:
                    self._depth -= 1
                self._execute(f"RELEASE {name}")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:  # the error that got us here matters more
                logger.warning("rollback failed", exc_info=True)

    def _db_date(self, value: date | None) -> Any:
        return None if value is None else value.isoformat()

    def _db_timestamp(self, value: datetime) -> Any:
        return value.isoformat()

    # ---------------------------------------------------------------- migrations

    def schema_version(self) -> int:
        """See :meth:`Store.schema_version`."""
        exists = self._execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if exists is None:
            return 0
        row = self._execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """See :meth:`Store.migrate`."""
        applied: list[int] = []
        head = _migrations.head("sqlite")
        for migration in _migrations.load("sqlite"):
            with self._write():
                self._execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                current = self.schema_version()
                if current > head:
                    raise StorageError("store.schema_too_new", current=current, supported=head)
                if current >= migration.number:
                    continue
                for statement in _migrations.sqlite_statements(migration.sql):
                    self._execute(statement)
                self._execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.number, migration.name, datetime.now().astimezone().isoformat()),
                )
                applied.append(migration.number)
        if applied:
            logger.info("applied migrations %s to %s", applied, self.path)
        return applied

    # -------------------------------------------------------------- bulk and index

    def _insert_features(self, version_id: int, prepared: PreparedVersion, start: int, stop: int) -> None:
        last = self._execute("SELECT coalesce(max(id), 0) FROM features").fetchone()[0]
        planar = prepared.planar_m2[start:stop].tolist()
        ellipsoidal = prepared.ellipsoidal_m2[start:stop].tolist()
        bounds = prepared.bounds[start:stop].tolist()
        rows = (
            (version_id, prepared.feature_ids[i], prepared.wkb[i], prepared.attributes[i], planar[k],
             ellipsoidal[k], prepared.hashes[i], *bounds[k])
            for k, i in enumerate(range(start, stop))
        )  # fmt: skip
        try:
            with self._lock:
                self._conn.executemany(
                    "INSERT INTO features (version_id, fid, wkb, attrs, planar_m2, ellipsoidal_m2, hash, "
                    "minx, miny, maxx, maxy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as err:
            raise _translate(err) from err
        self._execute(
            "INSERT INTO features_rtree (id, minx, maxx, miny, maxy, minv, maxv) "
            "SELECT id, minx, maxx, miny, maxy, version_id, version_id FROM features WHERE id > ?",
            (last,),
        )

    def _bbox_rows(self, version_id: int, bbox: BBox) -> list[Any]:
        minx, miny, maxx, maxy = bbox
        return self._execute(
            "SELECT f.fid, f.wkb, f.attrs, f.planar_m2, f.ellipsoidal_m2 FROM features_rtree r "
            "CROSS JOIN features f ON f.id = r.id WHERE r.minv <= ? AND r.maxv >= ? AND r.minx <= ? AND r.maxx >= ? "
            "AND r.miny <= ? AND r.maxy >= ? AND f.version_id = ? AND f.minx <= ? AND f.maxx >= ? "
            "AND f.miny <= ? AND f.maxy >= ? ORDER BY f.id",
            (version_id, version_id, maxx, minx, maxy, miny, version_id, maxx, minx, maxy, miny),
        ).fetchall()

    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values), ensure_ascii=False)

    # ------------------------------------------------------------ backup, restore

    def backup(self, target: Path) -> None:
        """Copy the database with SQLite's online backup API into a new file (R-21).

        The copy is consistent (one snapshot), checked with ``integrity_check``,
        switched to a rollback journal so that it is one self-contained file,
        synced, then moved into place; an existing ``target`` is refused.
        """
        self._check_open()
        target = Path(target)
        if target.exists():
            raise ConflictError("store.backup_exists", path=str(target))
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            with closing(sqlite3.connect(partial, isolation_level=None)) as copy:
                with self._lock:
                    self._conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                check = copy.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise StorageError("store.backup_failed", path=str(target), reason=check)
            publish(partial, target)
        except sqlite3.Error as err:
            raise StorageError("store.backup_failed", path=str(target), reason=str(err)) from err
        except OSError as err:
            raise StorageError("store.backup_failed", path=str(target), reason=str(err)) from err
        finally:
            partial.unlink(missing_ok=True)
        logger.info("backed up %s to %s", self.path, target)

    def restore(self, source: Path) -> None:
        """Load a backup file into this empty store, then migrate it to the current schema."""
        source = self._restore_source(source)
        try:
            with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup:
                check = backup.execute("PRAGMA quick_check").fetchone()[0]
                has_schema = backup.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                ).fetchone()
                if check != "ok" or has_schema is None:
                    reason = "no guotu schema" if check == "ok" else check
                    raise InvalidInputError("store.backup_invalid", path=str(source), reason=reason)
                version = int(backup.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)
                if version > _migrations.head("sqlite"):
                    raise StorageError("store.schema_too_new", current=version, supported=_migrations.head("sqlite"))
                with self._lock:
                    backup.backup(self._conn)
        except sqlite3.DatabaseError as err:
            raise InvalidInputError("store.backup_invalid", path=str(source), reason=str(err)) from None
        self._configure()
        self.migrate()
        self.clean_staging()
        logger.info("restored %s from %s", self.path, source)
