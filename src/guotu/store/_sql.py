"""What the SQL backends share: the queries, the version rules, staging and promotion.

A backend subclass supplies the connection (``_execute``), transactions
(``_write``), the bulk insert of feature rows, the bounding-box query and the
placeholder style; everything else, including the legal-status rules and the
``as_of`` rule of :mod:`guotu.store.base`, lives here once.

SQL here uses ``?`` placeholders; the PostGIS backend rewrites them to ``%s``.
Tables are unqualified: the PostGIS backend sets ``search_path`` to its schema.
"""

from __future__ import annotations

import abc
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import EllipsisType
from typing import Any, Final

import numpy as np
import shapely

from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.domain.layers import LayerVersionInfo, LegalStatus, layer_kind
from guotu.errors import ConflictError, InvalidInputError, NotFoundError, StorageError
from guotu.geo.vector import VectorData
from guotu.store._records import RecordsMixin
from guotu.store._status import plan_status_change
from guotu.store.base import BBox, LayerInfo, Store
from guotu.store.content import PreparedVersion, canonical_json, decode_attributes, prepare_version

__all__ = ["Result", "SQLStore", "staging_owner"]

logger = logging.getLogger(__name__)

#: Features written per transaction while a version is staged (SQLite), so that
#: other writers wait for at most one batch.
BATCH: Final = 10_000

#: A staged version of another host is left alone this long (its process may live).
_FOREIGN_STAGING_TTL: Final = timedelta(days=1)

_MAX_NAME: Final = 200

_VERSION_COLUMNS: Final = (
    "v.id, v.version, v.parent, v.content_hash, v.crs, v.feature_count, v.area_m2, v.created_at, "
    "v.legal_status, v.filed, v.effective_date, v.approval_document, v.note, v.source, v.repealed_on"
)

_FEATURE_COLUMNS: Final = "f.fid, f.wkb, f.attrs, f.planar_m2, f.ellipsoidal_m2"


class Result:
    """The rows of one statement, fetched while the connection was held.

    Stores may be shared by threads; fetching inside the lock keeps one thread's
    rows from mixing with another's statement on the same connection.
    """

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        """Return the first row, or None."""
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        """Return every row."""
        return self.rows


def _process_start(pid: int) -> str:
    """Start time of a process (clock ticks since boot) on Linux, else ''."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return ""
    return fields[19] if len(fields) > 19 and fields[0] != "Z" else "dead"


def staging_owner() -> str:
    """Identify this process for staged rows: ``host:pid:start``."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def _owner_alive(owner: str | None, staged_at: datetime, now: datetime) -> bool:
    host, _, rest = (owner or "").partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return now - staged_at < _FOREIGN_STAGING_TTL
    pid = int(pid_text)
    current = _process_start(pid)
    if current == "dead":
        return False
    if current:  # Linux: same pid and same start time
        return current == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    return date.fromisoformat(str(value))


def _timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a layer or a jurisdiction, or None."""
    if not isinstance(name, str) or not name.strip():
        return "empty"
    if len(name) > _MAX_NAME:
        return f"longer than {_MAX_NAME} characters"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "control characters"
    return None


def _no_nul(value: str | None, field: str) -> str | None:
    if value is not None and "\x00" in value:
        raise InvalidInputError("input.invalid", detail=f"{field} contains a NUL character")
    return value


class SQLStore(RecordsMixin, Store):
    """A store on a SQL database; subclasses implement the dialect's hooks."""

    #: Whether ``add_version`` outside a transaction stages in batches of short
    #: transactions (SQLite: one writer at a time) or writes in one (PostgreSQL).
    _batched_staging: bool = False
    #: Seconds to pause between staging batches, so that waiting writers get the lock.
    _batch_pause: float = 0.0
    #: Where the store lives, for messages (a path, or a URL without its password).
    target: str = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._closed = False

    # ------------------------------------------------------------------ hooks

    @abc.abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement (``?`` placeholders) and return its rows."""

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[None]:
        """Open a write transaction (a savepoint when one is open), holding ``self._lock``."""

    @abc.abstractmethod
    def _in_transaction(self) -> bool:
        """Whether a transaction is open on this store's connection."""

    @abc.abstractmethod
    def _insert_features(self, version_id: int, prepared: PreparedVersion, start: int, stop: int) -> None:
        """Insert rows ``start:stop`` of ``prepared`` (and index them) under a staged version."""

    @abc.abstractmethod
    def _bbox_rows(self, version_id: int, bbox: BBox) -> list[Any]:
        """Feature rows (``_FEATURE_COLUMNS``) of a version that intersect ``bbox``, by id."""

    @abc.abstractmethod
    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        """Return a condition ``column IN values`` with its one parameter."""

    def _lock_layer(self, layer_id: int) -> None:
        """Serialise version numbering and status changes of one layer (PostgreSQL)."""

    def _db_date(self, value: date | None) -> Any:
        return value

    def _db_timestamp(self, value: datetime) -> Any:
        return value

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("store.closed")

    # -------------------------------------------------------------- jurisdictions

    def upsert_jurisdiction(self, j: Jurisdiction, boundary_wkb: bytes | None = None, crs: int | None = None) -> None:
        """See :meth:`Store.upsert_jurisdiction`."""
        for field, value in (("code", j.code), ("name", j.name)):
            problem = _name_problem(value)
            if problem is not None:
                raise InvalidInputError(
                    "jurisdiction.invalid", field=field, value=str(value)[:_MAX_NAME], reason=problem
                )
        _no_nul(j.parent, "parent")
        _no_nul(j.name_en, "name_en")
        level = Level(j.level)
        if (boundary_wkb is None) != (crs is None):
            raise InvalidInputError("input.invalid", detail="a boundary needs its CRS (both or neither)")
        if boundary_wkb is not None:
            try:
                geometry = shapely.from_wkb(bytes(boundary_wkb))
            except (shapely.errors.ShapelyError, TypeError, ValueError) as err:
                raise InvalidInputError("jurisdiction.boundary_invalid", code=j.code, reason=str(err)) from None
            if geometry is None or geometry.is_empty:
                raise InvalidInputError("jurisdiction.boundary_invalid", code=j.code, reason="empty")
            boundary_wkb = bytes(boundary_wkb)
        with self._write():
            self._execute(
                "INSERT INTO jurisdictions (code, name, level, parent, name_en, boundary, boundary_crs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
                "level = excluded.level, parent = excluded.parent, name_en = excluded.name_en, "
                "boundary = COALESCE(excluded.boundary, jurisdictions.boundary), "
                "boundary_crs = COALESCE(excluded.boundary_crs, jurisdictions.boundary_crs)",
                (j.code, j.name, level.value, j.parent, j.name_en, boundary_wkb, crs),
            )

    @staticmethod
    def _jurisdiction(row: Any) -> Jurisdiction:
        return Jurisdiction(code=row[0], name=row[1], level=Level(row[2]), parent=row[3], name_en=row[4])

    def get_jurisdiction(self, code: str) -> Jurisdiction:
        """See :meth:`Store.get_jurisdiction`."""
        row = self._execute(
            "SELECT code, name, level, parent, name_en FROM jurisdictions WHERE code = ?", (code,)
        ).fetchone()
        if row is None:
            raise NotFoundError("jurisdiction.not_found", query=code)
        return self._jurisdiction(row)

    def list_jurisdictions(self, parent: str | None = None) -> list[Jurisdiction]:
        """See :meth:`Store.list_jurisdictions`."""
        sql = "SELECT code, name, level, parent, name_en FROM jurisdictions"
        params: tuple[Any, ...] = ()
        if parent is not None:
            sql += " WHERE parent = ?"
            params = (parent,)
        return [self._jurisdiction(row) for row in self._execute(sql + " ORDER BY code", params).fetchall()]

    def jurisdiction_boundary(self, code: str) -> tuple[bytes, int] | None:
        """See :meth:`Store.jurisdiction_boundary`."""
        row = self._execute("SELECT boundary, boundary_crs FROM jurisdictions WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFoundError("jurisdiction.not_found", query=code)
        return None if row[0] is None else (bytes(row[0]), int(row[1]))

    # ---------------------------------------------------------------------- layers

    _LAYER_SQL: Final = (
        "SELECT l.id, l.name, l.kind, l.jurisdiction, l.title, l.created_at, "
        "(SELECT max(v.version) FROM layer_versions v WHERE v.layer_id = l.id AND NOT v.staging) FROM layers l"
    )

    @staticmethod
    def _layer_info(row: Any) -> LayerInfo:
        return LayerInfo(
            name=row[1],
            kind=row[2],
            jurisdiction=row[3],
            title=row[4],
            created_at=_timestamp(row[5]),
            latest_version=None if row[6] is None else int(row[6]),
        )

    def _layer_row(self, name: str) -> Any:
        row = self._execute(self._LAYER_SQL + " WHERE l.name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError("layer.not_found", name=name)
        return row

    def create_layer(
        self, name: str, kind: str, *, jurisdiction: str | None = None, title: str | None = None
    ) -> LayerInfo:
        """See :meth:`Store.create_layer`."""
        problem = _name_problem(name)
        if problem is not None:
            raise InvalidInputError("layer.name_invalid", name=str(name)[:_MAX_NAME], reason=problem)
        kind_id = layer_kind(kind).id
        _no_nul(title, "title")
        with self._write():
            if self._execute("SELECT 1 FROM layers WHERE name = ?", (name,)).fetchone():
                raise ConflictError("layer.exists", name=name)
            if (
                jurisdiction is not None
                and not self._execute("SELECT 1 FROM jurisdictions WHERE code = ?", (jurisdiction,)).fetchone()
            ):
                raise NotFoundError("jurisdiction.not_found", query=jurisdiction)
            self._execute(
                "INSERT INTO layers (name, kind, jurisdiction, title, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, kind_id, jurisdiction, title, self._db_timestamp(datetime.now(UTC))),
            )
            return self._layer_info(self._layer_row(name))

    def get_layer(self, name: str) -> LayerInfo:
        """See :meth:`Store.get_layer`."""
        return self._layer_info(self._layer_row(name))

    def list_layers(self) -> list[LayerInfo]:
        """See :meth:`Store.list_layers`."""
        return [self._layer_info(row) for row in self._execute(self._LAYER_SQL + " ORDER BY l.name").fetchall()]

    # -------------------------------------------------------------------- versions

    @staticmethod
    def _version_info(layer: str, row: Any) -> LayerVersionInfo:
        return LayerVersionInfo(
            layer=layer,
            version=int(row[1]),
            parent=None if row[2] is None else int(row[2]),
            content_hash=row[3],
            crs=int(row[4]),
            feature_count=int(row[5]),
            area_m2=float(row[6]),
            created_at=_timestamp(row[7]),
            legal_status=LegalStatus(row[8]),
            filed=bool(row[9]),
            effective_date=_date(row[10]),
            approval_document=row[11],
            note=row[12],
            source=json.loads(row[13]),
        )

    def _version_row(self, layer: str, version: int | None) -> tuple[Any, Any]:
        """(layer row, version row) of a visible version, the latest when ``version`` is None."""
        layer_row = self._layer_row(layer)
        number = layer_row[6] if version is None else version
        if number is None:
            raise NotFoundError("version.not_found", layer=layer, version="latest")
        row = self._execute(
            f"SELECT {_VERSION_COLUMNS} FROM layer_versions v WHERE v.layer_id = ? AND v.version = ? AND NOT v.staging",
            (layer_row[0], int(number)),
        ).fetchone()
        if row is None:
            raise NotFoundError("version.not_found", layer=layer, version=number)
        return layer_row, row

    def _latest(self, layer_id: int) -> int | None:
        row = self._execute(
            "SELECT max(version) FROM layer_versions WHERE layer_id = ? AND NOT staging", (layer_id,)
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def add_version(
        self,
        layer: str,
        data: VectorData,
        *,
        legal_status: LegalStatus = LegalStatus.DRAFTING,
        effective_date: date | None = None,
        approval_document: str | None = None,
        filed: bool = False,
        note: str = "",
        findings: Sequence[dict[str, Any]] = (),
        expected_parent: int | EllipsisType | None = ...,
    ) -> LayerVersionInfo:
        """See :meth:`Store.add_version`."""
        self._check_open()
        status = LegalStatus(legal_status)
        if status is LegalStatus.IN_FORCE and effective_date is None:
            raise InvalidInputError("version.effective_date_required", layer=layer, version="new")
        _no_nul(approval_document, "approval_document")
        _no_nul(note, "note")
        try:
            findings_json = canonical_json([dict(f) for f in findings])
            source_json = canonical_json(dict(data.source))
            aliases_json = canonical_json(dict(data.field_aliases))
        except (TypeError, ValueError) as err:
            raise InvalidInputError("input.invalid", detail=f"findings or source: {err}") from None
        prepared = prepare_version(data)  # outside any transaction: writes stay short
        meta = {
            "status": status,
            "effective_date": effective_date,
            "approval_document": approval_document,
            "filed": bool(filed),
            "note": note,
            "findings": findings_json,
            "source": source_json,
            "fields": canonical_json(list(prepared.fields)),
            "aliases": aliases_json,
        }
        layer_id = int(self._layer_row(layer)[0])
        if expected_parent is not ...:
            self._check_parent(layer, layer_id, expected_parent)
        logger.info("adding a version of %s: %d features", layer, len(prepared))
        if not self._batched_staging or self._in_transaction():
            with self._write():
                version_id = self._stage(layer_id, prepared, meta)
                self._insert_features(version_id, prepared, 0, len(prepared))
                return self._promote(layer, layer_id, version_id, meta, expected_parent)
        with self._write():
            version_id = self._stage(layer_id, prepared, meta)
        try:
            for start in range(0, len(prepared), BATCH):
                if start and self._batch_pause:
                    time.sleep(self._batch_pause)
                with self._write():
                    self._insert_features(version_id, prepared, start, min(start + BATCH, len(prepared)))
            with self._write():
                return self._promote(layer, layer_id, version_id, meta, expected_parent)
        except BaseException:
            self._discard_staged(version_id)
            raise

    def _check_parent(self, layer: str, layer_id: int, expected: int | None) -> None:
        actual = self._latest(layer_id)
        if actual != expected:
            raise ConflictError(
                "version.stale",
                layer=layer,
                expected="-" if expected is None else expected,
                actual="-" if actual is None else actual,
            )

    def _stage(self, layer_id: int, prepared: PreparedVersion, meta: dict[str, Any]) -> int:
        now = self._db_timestamp(datetime.now(UTC))
        row = self._execute(
            "INSERT INTO layer_versions (layer_id, staging, staged_by, content_hash, crs, feature_count, area_m2, "
            "fields, field_aliases, source, findings, note, created_at, legal_status, effective_date, "
            "approval_document, filed) VALUES (?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                layer_id,
                staging_owner(),
                prepared.content_hash,
                prepared.crs,
                len(prepared),
                prepared.area_m2,
                meta["fields"],
                meta["aliases"],
                meta["source"],
                meta["findings"],
                meta["note"],
                now,
                LegalStatus.DRAFTING.value,
                self._db_date(meta["effective_date"]),
                meta["approval_document"],
                meta["filed"],
            ),
        ).fetchone()
        return int(row[0])

    def _promote(
        self,
        layer: str,
        layer_id: int,
        version_id: int,
        meta: dict[str, Any],
        expected_parent: int | EllipsisType | None,
    ) -> LayerVersionInfo:
        """Make a staged version visible: one UPDATE, after the checks that need the lock."""
        self._lock_layer(layer_id)
        latest = self._latest(layer_id)
        if expected_parent is not ...:
            self._check_parent(layer, layer_id, expected_parent)
        number = (latest or 0) + 1
        status: LegalStatus = meta["status"]
        if status is LegalStatus.IN_FORCE:
            self._repeal_in_force(layer, layer_id, meta["effective_date"], exclude=version_id)
        done = self._execute(
            "UPDATE layer_versions SET version = ?, parent = ?, staging = FALSE, legal_status = ?, created_at = ? "
            "WHERE id = ? AND staging",
            (number, latest, status.value, self._db_timestamp(datetime.now(UTC)), version_id),
        )
        if done.rowcount != 1:
            raise StorageError("store.staging_lost", layer=layer)
        return self._version_info(layer, self._version_row(layer, number)[1])

    def _discard_staged(self, version_id: int) -> None:
        try:
            with self._write():
                self._delete_staged(version_id)
        except Exception:  # the next open cleans up; the original error matters more
            logger.warning("could not discard staged version %d", version_id, exc_info=True)

    def _delete_staged(self, version_id: int) -> None:
        self._execute("DELETE FROM features WHERE version_id = ?", (version_id,))
        self._execute("DELETE FROM layer_versions WHERE id = ? AND staging", (version_id,))

    def clean_staging(self) -> int:
        """Remove versions left staged by processes that died (R-40); return how many.

        Staging of a live process (on this host: same pid and start time; on another
        host: younger than a day) is left alone.
        """
        now = datetime.now(UTC)
        rows = self._execute("SELECT id, staged_by, created_at FROM layer_versions WHERE staging").fetchall()
        dead = [int(r[0]) for r in rows if not _owner_alive(r[1], _timestamp(r[2]), now)]
        for version_id in dead:
            with self._write():
                self._delete_staged(version_id)
        if dead:
            logger.warning("removed %d version(s) left staged by a process that died", len(dead))
        return len(dead)

    def _repeal_in_force(self, layer: str, layer_id: int, effective: date, *, exclude: int) -> None:
        """Set the version in force (if any) to 已废止 as of ``effective``."""
        rows = self._execute(
            "SELECT id, version, effective_date FROM layer_versions WHERE layer_id = ? AND legal_status = ? "
            "AND NOT staging AND id <> ?",
            (layer_id, LegalStatus.IN_FORCE.value, exclude),
        ).fetchall()
        for row in rows:
            previous = _date(row[2])
            if previous is not None and previous > effective:
                raise ConflictError(
                    "version.effective_date_order",
                    layer=layer,
                    date=effective.isoformat(),
                    previous=row[1],
                    previous_date=previous.isoformat(),
                )
            self._execute(
                "UPDATE layer_versions SET legal_status = ?, repealed_on = ? WHERE id = ?",
                (LegalStatus.REPEALED.value, self._db_date(effective), row[0]),
            )

    def get_version(self, layer: str, version: int | None = None, *, as_of: date | None = None) -> LayerVersionInfo:
        """See :meth:`Store.get_version`."""
        if as_of is None:
            return self._version_info(layer, self._version_row(layer, version)[1])
        if version is not None:
            raise InvalidInputError("input.invalid", detail="give a version or a date (as_of), not both")
        layer_id = self._layer_row(layer)[0]
        day = self._db_date(as_of)
        row = self._execute(
            f"SELECT {_VERSION_COLUMNS} FROM layer_versions v WHERE v.layer_id = ? AND NOT v.staging "
            "AND v.legal_status IN (?, ?) AND v.effective_date IS NOT NULL AND v.effective_date <= ? "
            "AND (v.repealed_on IS NULL OR v.repealed_on > ?) ORDER BY v.effective_date DESC, v.version DESC",
            (layer_id, LegalStatus.IN_FORCE.value, LegalStatus.REPEALED.value, day, day),
        ).fetchone()
        if row is None:
            raise NotFoundError("version.none_in_force", layer=layer, date=as_of.isoformat())
        return self._version_info(layer, row)

    def list_versions(self, layer: str) -> list[LayerVersionInfo]:
        """See :meth:`Store.list_versions`."""
        layer_id = self._layer_row(layer)[0]
        rows = self._execute(
            f"SELECT {_VERSION_COLUMNS} FROM layer_versions v WHERE v.layer_id = ? AND NOT v.staging "
            "ORDER BY v.version",
            (layer_id,),
        ).fetchall()
        return [self._version_info(layer, row) for row in rows]

    def set_legal_status(
        self,
        layer: str,
        version: int,
        status: LegalStatus,
        *,
        effective_date: date | None = None,
        approval_document: str | None = None,
        filed: bool | None = None,
        expected_status: LegalStatus | None = None,
    ) -> LayerVersionInfo:
        """See :meth:`Store.set_legal_status`."""
        target = LegalStatus(status)
        _no_nul(approval_document, "approval_document")
        with self._write():
            layer_row = self._layer_row(layer)
            self._lock_layer(int(layer_row[0]))
            _, row = self._version_row(layer, version)
            change = plan_status_change(
                layer,
                version,
                LegalStatus(row[8]),
                target,
                stored_effective=_date(row[10]),
                stored_repeal=_date(row[14]),
                effective_date=effective_date,
                expected_status=expected_status,
            )
            if change.repeal_previous and change.effective_date is not None:
                self._repeal_in_force(layer, int(layer_row[0]), change.effective_date, exclude=int(row[0]))
            self._execute(
                "UPDATE layer_versions SET legal_status = ?, effective_date = ?, repealed_on = ?, "
                "approval_document = COALESCE(?, approval_document), filed = COALESCE(?, filed) WHERE id = ?",
                (
                    target.value,
                    self._db_date(change.effective_date),
                    self._db_date(change.repealed_on),
                    approval_document,
                    filed,
                    row[0],
                ),
            )
            return self._version_info(layer, self._version_row(layer, version)[1])

    # -------------------------------------------------------------------- features

    def read_features(
        self,
        layer: str,
        version: int | None = None,
        *,
        bbox: BBox | None = None,
        feature_ids: Sequence[str] | None = None,
    ) -> VectorData:
        """See :meth:`Store.read_features`."""
        self._check_open()
        _, row = self._version_row(layer, version)
        version_id = int(row[0])
        meta = self._execute("SELECT fields, field_aliases FROM layer_versions WHERE id = ?", (version_id,)).fetchone()
        if bbox is not None:
            box = _check_bbox(bbox)
            rows = self._bbox_rows(version_id, box)
            if feature_ids is not None:
                wanted = set(feature_ids)
                rows = [r for r in rows if r[0] in wanted]
        elif feature_ids is not None:
            condition, param = self._in_list("f.fid", list(feature_ids))
            rows = self._execute(
                f"SELECT {_FEATURE_COLUMNS} FROM features f WHERE f.version_id = ? AND {condition} ORDER BY f.id",
                (version_id, param),
            ).fetchall()
        else:
            rows = self._execute(
                f"SELECT {_FEATURE_COLUMNS} FROM features f WHERE f.version_id = ? ORDER BY f.id", (version_id,)
            ).fetchall()
        return _vector_data(layer, int(row[1]), int(row[4]), meta, rows)

    def feature_hashes(self, layer: str, version: int) -> dict[str, str]:
        """See :meth:`Store.feature_hashes`."""
        _, row = self._version_row(layer, version)
        rows = self._execute("SELECT fid, hash FROM features WHERE version_id = ? ORDER BY id", (row[0],))
        return {r[0]: r[1] for r in rows.fetchall()}

    def version_findings(self, layer: str, version: int) -> list[dict[str, Any]]:
        """See :meth:`Store.version_findings`."""
        _, row = self._version_row(layer, version)
        text = self._execute("SELECT findings FROM layer_versions WHERE id = ?", (row[0],)).fetchone()[0]
        findings: list[dict[str, Any]] = json.loads(text)
        return findings

    # ------------------------------------------------------------------ helpers

    def _is_empty(self) -> bool:
        for table in ("jurisdictions", "layers", "layer_versions"):
            if self._execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
                return False
        return True

    def _restore_source(self, source: Path) -> Path:
        """Check what every restore needs: an open, empty store and a backup file."""
        self._check_open()
        source = Path(source)
        if not source.is_file():
            raise InvalidInputError("store.backup_invalid", path=str(source), reason="not a file")
        if self.schema_version() > 0 and not self._is_empty():
            raise ConflictError("store.not_empty", target=self.target)
        return source

    def transaction(self) -> AbstractContextManager[None]:
        """See :meth:`Store.transaction`."""
        self._check_open()
        return self._write()


def _check_bbox(bbox: BBox) -> BBox:
    try:
        values = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InvalidInputError("store.bbox_invalid", bbox=repr(bbox)) from None
    if len(values) != 4 or not all(np.isfinite(values)) or values[0] > values[2] or values[1] > values[3]:
        raise InvalidInputError("store.bbox_invalid", bbox=repr(bbox))
    return values[0], values[1], values[2], values[3]


def _vector_data(layer: str, version: int, crs: int, meta: Any, rows: list[Any]) -> VectorData:
    fields = tuple(json.loads(meta[0]))
    wkb = np.empty(len(rows), dtype=object)
    wkb[:] = [bytes(r[1]) for r in rows]
    return VectorData(
        geometries=shapely.from_wkb(wkb) if len(rows) else np.empty(0, dtype=object),
        attributes=decode_attributes((r[2] for r in rows), fields),
        crs=crs,
        feature_ids=tuple(r[0] for r in rows),
        fields=fields,
        field_aliases=json.loads(meta[1]),
        source={"layer": layer, "version": version},
        planar_m2=np.array([r[3] for r in rows], dtype=np.float64),
        ellipsoidal_m2=np.array([r[4] for r in rows], dtype=np.float64),
    )
