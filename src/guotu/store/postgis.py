"""The server store: PostgreSQL with PostGIS, through psycopg 3.

Everything lives in the schema ``guotu`` (tables, trigger functions, the migration
table); PostGIS and btree_gist are installed in ``public`` (by the first migration,
or beforehand by a DBA when the connecting role may not create extensions).

Features keep the same WKB bytes as the SQLite store (``wkb``) plus a geometry
column derived from them (``geom``, with the version's SRID) under a GiST index on
(version, geometry), so results are byte-identical across backends and bounding-box
queries use the index.

``add_version`` writes one transaction (COPY, then the promoting UPDATE): MVCC keeps
readers and writers of other layers going meanwhile, and a client that dies leaves
nothing, because the server aborts its transaction.

Backups are ``pg_dump --format=custom --schema=guotu`` and restores ``pg_restore
--single-transaction``, run as subprocesses with the password passed in the
environment (never on the command line). They need the PostgreSQL client programs
of the server's major version or newer (Debian: ``postgresql-client-15``); without
them ``backup`` and ``restore`` raise ``dependency.missing``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.pq import TransactionStatus

from guotu.errors import ConflictError, DependencyMissingError, InvalidInputError, StorageError
from guotu.store import _migrations
from guotu.store._files import publish
from guotu.store._sql import Result, SQLStore
from guotu.store.base import BBox
from guotu.store.content import PreparedVersion

__all__ = ["PostgisStore"]

logger = logging.getLogger(__name__)

SCHEMA: Final = "guotu"
_ASIDE: Final = "guotu_before_restore"
_LOCK_KEY: Final = 0x67756F7475  # "guotu": serialises migrations across sessions
_AUDIT_LOCK_KEY: Final = 0x67756F7476  # serialises appends to the audit hash chain
_COPY_TYPES: Final = ["int8", "text", "bytea", "int4", "text", "float8", "float8", "text", "float8", "float8",
                      "float8", "float8"]  # fmt: skip
_TIMEOUT_S: Final = 3600


@lru_cache(maxsize=256)
def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _translate(err: psycopg.Error) -> StorageError:
    state = err.sqlstate or ""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if state == "GU001":
        return StorageError("store.immutable", detail=text.removeprefix("guotu.immutable: "))
    if state in {"42P01", "3F000"}:
        return StorageError("store.schema_missing", current=0, required=_migrations.head("postgis"))
    if state in {"53100", "53200"}:
        return StorageError("store.full", detail=text)
    if state in {"40001", "40P01", "55P03"}:
        return StorageError("store.busy", detail=text)
    return StorageError("storage.failed", detail=text)


def _describe(url: str) -> str:
    """``user@host:port/dbname`` of a URL, never its password."""
    try:
        params = pg_conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://?"
    host = params.get("host") or "localhost"
    return f"{params.get('user') or ''}@{host}:{params.get('port') or 5432}/{params.get('dbname') or ''}"


def _program(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    try:
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        if (Path(bindir) / name).exists():
            return str(Path(bindir) / name)
    except (OSError, subprocess.SubprocessError):
        pass
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise DependencyMissingError(
        "dependency.missing",
        name=name,
        hint="Install the PostgreSQL client programs (Debian: postgresql-client-15) of the server's version.",
    )


class PostgisStore(SQLStore):
    """The store in a PostgreSQL database with PostGIS.

    Parameters
    ----------
    url
        A libpq URL (``postgresql://user:password@host:port/dbname``).

    Raises
    ------
    StorageError
        ``store.connect_failed``, ``store.schema_too_new``.
    """

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self.target = _describe(url)
        self._conn = self._connect()
        try:
            version = self.schema_version()
            if version > _migrations.head("postgis"):
                raise StorageError("store.schema_too_new", current=version, supported=_migrations.head("postgis"))
            if version > 0:
                self.clean_staging()
        except BaseException:
            self._conn.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
            conn.execute(f"SET search_path TO {SCHEMA}, public")
            conn.execute("SET TIME ZONE 'UTC'")
        except psycopg.Error as err:
            raise StorageError("store.connect_failed", target=self.target, reason=str(err).strip()) from None
        return conn

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
                cursor = self._conn.execute(_pg(sql), params or None)
                return Result(cursor.fetchall() if cursor.description is not None else [], cursor.rowcount)
        except psycopg.Error as err:
            raise _translate(err) from err

    def _in_transaction(self) -> bool:
        return self._conn.info.transaction_status != TransactionStatus.IDLE

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._check_open()
        with self._lock:
            try:
                with self._conn.transaction():
                    yield
            except psycopg.Error as err:
                raise _translate(err) from err

    _json_param = "?::jsonb"
    _no_limit = None
    _for_update = " FOR UPDATE"

    def _lock_audit(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(?)", (_AUDIT_LOCK_KEY,))

    def _lock_layer(self, layer_id: int) -> None:
        # NO KEY UPDATE, not UPDATE: the staged version's foreign key already holds KEY SHARE on
        # this row, and UPDATE would deadlock two imports of the same layer.
        self._execute("SELECT id FROM layers WHERE id = ? FOR NO KEY UPDATE", (layer_id,))

    # ---------------------------------------------------------------- migrations

    def schema_version(self) -> int:
        """See :meth:`Store.schema_version`."""
        exists = self._execute("SELECT to_regclass(?)", (f"{SCHEMA}.schema_migrations",)).fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = self._execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """See :meth:`Store.migrate`."""
        applied: list[int] = []
        head = _migrations.head("postgis")
        for migration in _migrations.load("postgis"):
            with self._write():
                self._execute("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))
                self._execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
                self._execute(
                    f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations "
                    "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
                )
                current = self.schema_version()
                if current > head:
                    raise StorageError("store.schema_too_new", current=current, supported=head)
                if current >= migration.number:
                    continue
                try:
                    self._conn.execute(migration.sql.encode("utf-8"))
                except psycopg.Error as err:
                    raise _translate(err) from err
                self._execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, now())",
                    (migration.number, migration.name),
                )
                applied.append(migration.number)
        if applied:
            logger.info("applied migrations %s to %s", applied, self.target)
        return applied

    # -------------------------------------------------------------- bulk and index

    def _insert_features(self, version_id: int, prepared: PreparedVersion, start: int, stop: int) -> None:
        planar = prepared.planar_m2[start:stop].tolist()
        ellipsoidal = prepared.ellipsoidal_m2[start:stop].tolist()
        bounds = prepared.bounds[start:stop].tolist()
        crs = prepared.crs
        try:
            with self._lock, self._conn.cursor() as cursor:
                with cursor.copy(
                    "COPY features (version_id, fid, wkb, srid, attrs, planar_m2, ellipsoidal_m2, hash, "
                    "minx, miny, maxx, maxy) FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(_COPY_TYPES)
                    for k, i in enumerate(range(start, stop)):
                        copy.write_row(
                            (version_id, prepared.feature_ids[i], prepared.wkb[i], crs, prepared.attributes[i],
                             planar[k], ellipsoidal[k], prepared.hashes[i], *bounds[k])
                        )  # fmt: skip
        except psycopg.Error as err:
            raise _translate(err) from err

    def _bbox_rows(self, version_id: int, bbox: BBox) -> list[Any]:
        minx, miny, maxx, maxy = bbox
        return self._execute(
            "SELECT f.fid, f.wkb, f.attrs, f.planar_m2, f.ellipsoidal_m2 FROM features f "
            # the cast lets btree_gist use (version_id, geom) together: psycopg may send an int2
            "WHERE f.version_id = CAST(? AS bigint) "
            "AND f.geom && ST_MakeEnvelope(?, ?, ?, ?) AND f.minx <= ? AND f.maxx >= ? AND f.miny <= ? "
            "AND f.maxy >= ? ORDER BY f.id",
            (version_id, minx, miny, maxx, maxy, maxx, minx, maxy, miny),
        ).fetchall()

    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        return f"{column} = ANY(?)", list(values)

    # ------------------------------------------------------------ backup, restore

    def _client(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        params = pg_conninfo.conninfo_to_dict(self._url)
        password = params.pop("password", None)
        env = dict(os.environ)
        if password:
            env["PGPASSWORD"] = str(password)
        dbname = pg_conninfo.make_conninfo("", **{k: v for k, v in params.items() if v is not None})
        command = [_program(program), *args, f"--dbname={dbname}"]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=_TIMEOUT_S, check=False)

    def backup(self, target: Path) -> None:
        """Dump the schema ``guotu`` with ``pg_dump --format=custom`` into a new file (R-21)."""
        self._check_open()
        target = Path(target)
        if target.exists():
            raise ConflictError("store.backup_exists", path=str(target))
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            done = self._client(
                "pg_dump", "--format=custom", f"--schema={SCHEMA}", "--no-owner", "--no-privileges",
                f"--file={partial}",
            )  # fmt: skip
            if done.returncode != 0:
                raise StorageError("store.backup_failed", path=str(target), reason=_last_line(done.stderr))
            publish(partial, target)
        except OSError as err:
            raise StorageError("store.backup_failed", path=str(target), reason=str(err)) from err
        finally:
            partial.unlink(missing_ok=True)
        logger.info("backed up %s to %s", self.target, target)

    def restore(self, source: Path) -> None:
        """Load a ``pg_dump`` backup into this empty store, then migrate it."""
        source = self._restore_source(source)
        listing = self._client("pg_restore", "--list", str(source))
        if listing.returncode != 0 or not re.search(rf"SCHEMA - {SCHEMA}(\s|$)", listing.stdout, re.MULTILINE):
            reason = _last_line(listing.stderr) or "no guotu schema"
            raise InvalidInputError("store.backup_invalid", path=str(source), reason=reason)
        had_schema = self._set_aside()
        done = self._client(
            "pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", str(source)
        )
        self._reconnect()
        failure: StorageError | None = None
        if done.returncode != 0:
            failure = StorageError("store.restore_failed", path=str(source), reason=_last_line(done.stderr))
        elif self.schema_version() > _migrations.head("postgis"):
            failure = StorageError(
                "store.schema_too_new", current=self.schema_version(), supported=_migrations.head("postgis")
            )
        if failure is not None:
            with self._write():
                self._execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
                if had_schema:
                    self._execute(f"ALTER SCHEMA {_ASIDE} RENAME TO {SCHEMA}")
            raise failure
        with self._write():
            self._execute(f"DROP SCHEMA IF EXISTS {_ASIDE} CASCADE")
        self.migrate()
        self.clean_staging()
        logger.info("restored %s from %s", self.target, source)

    def _set_aside(self) -> bool:
        """Rename the (empty) schema out of the way; return whether there was one."""
        with self._write():
            self._execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
            self._execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
            self._execute(f"DROP SCHEMA IF EXISTS {_ASIDE} CASCADE")
            exists = self._execute("SELECT 1 FROM pg_namespace WHERE nspname = ?", (SCHEMA,)).fetchone()
            if exists:
                self._execute(f"ALTER SCHEMA {SCHEMA} RENAME TO {_ASIDE}")
        return exists is not None

    def _reconnect(self) -> None:
        """Start a new session: cached plans of the old one may point at the schema set aside."""
        with self._lock:
            self._conn.close()
            self._conn = self._connect()


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
