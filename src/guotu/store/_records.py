"""Records and the audit trail, shared by the SQL backends (see :class:`guotu.store.base.Store`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final

import shapely

from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.store.audit import GENESIS, event_body, event_hash
from guotu.store.base import AuditEvent, Record
from guotu.store.content import canonical_json

__all__ = ["RecordsMixin"]

_KIND: Final = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_KEY: Final = 200
_OUTCOMES: Final = frozenset({"ok", "failed", "denied"})
_RECORD_COLUMNS: Final = "kind, key, data, jurisdiction, year, status, geometry, crs, revision, created_at, updated_at"
_AUDIT_COLUMNS: Final = "seq, at, actor, action, target, outcome, body, prev_hash, hash"


def _check_kind_key(kind: str, key: str) -> None:
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise InvalidInputError("record.invalid", kind=str(kind)[:40], key=str(key)[:80], reason="kind")
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY or "\x00" in key:
        raise InvalidInputError("record.invalid", kind=kind, key=str(key)[:80], reason="key")


def _json_object(value: Any) -> dict[str, Any]:
    parsed = json.loads(value) if isinstance(value, str | bytes) else value
    return dict(parsed)


def _timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class RecordsMixin:
    """Implements the record and audit methods of the store on top of the SQL hooks."""

    if TYPE_CHECKING:  # hooks provided by SQLStore and its backends

        def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

        def _write(self) -> AbstractContextManager[None]: ...

        def _db_timestamp(self, value: datetime) -> Any: ...

    #: How a JSON parameter is written in SQL (``?::jsonb`` on PostgreSQL).
    _json_param: str = "?"
    #: The LIMIT value that means "no limit" (SQLite -1, PostgreSQL NULL).
    _no_limit: Any = -1

    def _lock_audit(self) -> None:
        """Serialise appends to the chain (PostgreSQL: an advisory lock; SQLite's write lock suffices)."""

    # ------------------------------------------------------------------ records

    @staticmethod
    def _record(row: Any) -> Record:
        return Record(
            kind=row[0],
            key=row[1],
            data=_json_object(row[2]),
            jurisdiction=row[3],
            year=None if row[4] is None else int(row[4]),
            status=row[5],
            geometry=None if row[6] is None else bytes(row[6]),
            crs=None if row[7] is None else int(row[7]),
            revision=int(row[8]),
            created_at=_timestamp(row[9]),
            updated_at=_timestamp(row[10]),
        )

    def put_record(
        self,
        kind: str,
        key: str,
        data: Mapping[str, Any],
        *,
        jurisdiction: str | None = None,
        year: int | None = None,
        status: str | None = None,
        geometry: bytes | None = None,
        crs: int | None = None,
        expected_revision: int | EllipsisType | None = ...,
    ) -> Record:
        """See :meth:`guotu.store.base.Store.put_record`."""
        _check_kind_key(kind, key)
        if not isinstance(data, Mapping):
            raise InvalidInputError("record.invalid", kind=kind, key=key, reason="data is not a JSON object")
        try:
            text = canonical_json(dict(data))
        except (TypeError, ValueError) as err:
            raise InvalidInputError("record.invalid", kind=kind, key=key, reason=f"data: {err}") from None
        if "\\u0000" in text:
            raise InvalidInputError("record.invalid", kind=kind, key=key, reason="NUL character in data")
        for name, value in (("jurisdiction", jurisdiction), ("status", status)):
            if value is not None and (not isinstance(value, str) or "\x00" in value or len(value) > _MAX_KEY):
                raise InvalidInputError("record.invalid", kind=kind, key=key, reason=name)
        if (geometry is None) != (crs is None):
            raise InvalidInputError("record.invalid", kind=kind, key=key, reason="a geometry needs its CRS")
        if geometry is not None:
            try:
                shape = shapely.from_wkb(bytes(geometry))
            except (shapely.errors.ShapelyError, TypeError, ValueError) as err:
                raise InvalidInputError("record.invalid", kind=kind, key=key, reason=f"geometry: {err}") from None
            if shape is None:
                raise InvalidInputError("record.invalid", kind=kind, key=key, reason="geometry: empty")
            geometry = bytes(geometry)
        now = self._db_timestamp(datetime.now(UTC))
        with self._write():
            row = self._execute(
                "SELECT revision FROM records WHERE kind = ? AND key = ?" + self._for_update, (kind, key)
            ).fetchone()
            current = None if row is None else int(row[0])
            if expected_revision is not ...:
                if expected_revision is None and current is not None:
                    raise ConflictError("record.exists", kind=kind, key=key)
                if expected_revision is not None and current != expected_revision:
                    raise ConflictError(
                        "record.stale", kind=kind, key=key, expected=expected_revision, current=current or 0
                    )
            params = (text, jurisdiction, year, status, geometry, crs)
            if current is None:
                self._execute(
                    "INSERT INTO records (kind, key, data, jurisdiction, year, status, geometry, crs, revision, "
                    f"created_at, updated_at) VALUES (?, ?, {self._json_param}, ?, ?, ?, ?, ?, 1, ?, ?)",
                    (kind, key, *params, now, now),
                )
            else:
                self._execute(
                    f"UPDATE records SET data = {self._json_param}, jurisdiction = ?, year = ?, status = ?, "
                    "geometry = ?, crs = ?, revision = revision + 1, updated_at = ? WHERE kind = ? AND key = ?",
                    (*params, now, kind, key),
                )
            stored = self.find_record(kind, key)
        assert stored is not None
        return stored

    #: Row lock for read-modify-write (PostgreSQL); SQLite holds the database write lock.
    _for_update: str = ""

    def find_record(self, kind: str, key: str) -> Record | None:
        """See :meth:`guotu.store.base.Store.find_record`."""
        row = self._execute(f"SELECT {_RECORD_COLUMNS} FROM records WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return None if row is None else self._record(row)

    @staticmethod
    def _filters(
        kind: str, jurisdiction: str | None, year: int | None, status: str | None, key_prefix: str | None
    ) -> tuple[str, list[Any]]:
        where = ["kind = ?"]
        params: list[Any] = [kind]
        for column, value in (("jurisdiction", jurisdiction), ("year", year), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if key_prefix:
            # Range, not LIKE: no escaping of % and _ needed, and it uses the primary key.
            where.append("key >= ? AND key < ?")
            params += [key_prefix, key_prefix + "\U0010ffff"]
        return " AND ".join(where), params

    def list_records(
        self,
        kind: str,
        *,
        jurisdiction: str | None = None,
        year: int | None = None,
        status: str | None = None,
        key_prefix: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Record]:
        """See :meth:`guotu.store.base.Store.list_records`."""
        where, params = self._filters(kind, jurisdiction, year, status, key_prefix)
        sql = f"SELECT {_RECORD_COLUMNS} FROM records WHERE {where} ORDER BY key"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [self._no_limit if limit is None else max(0, int(limit)), max(0, int(offset))]
        return [self._record(row) for row in self._execute(sql, params).fetchall()]

    def count_records(
        self,
        kind: str,
        *,
        jurisdiction: str | None = None,
        year: int | None = None,
        status: str | None = None,
        key_prefix: str | None = None,
    ) -> int:
        """See :meth:`guotu.store.base.Store.count_records`."""
        where, params = self._filters(kind, jurisdiction, year, status, key_prefix)
        row = self._execute(f"SELECT count(*) FROM records WHERE {where}", params).fetchone()
        return int(row[0])

    def delete_record(self, kind: str, key: str, *, expected_revision: int | EllipsisType = ...) -> None:
        """See :meth:`guotu.store.base.Store.delete_record`."""
        with self._write():
            row = self._execute(
                "SELECT revision FROM records WHERE kind = ? AND key = ?" + self._for_update, (kind, key)
            ).fetchone()
            if row is None:
                raise NotFoundError("record.not_found", kind=kind, key=key)
            if expected_revision is not ... and int(row[0]) != expected_revision:
                raise ConflictError("record.stale", kind=kind, key=key, expected=expected_revision, current=row[0])
            self._execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))

    # -------------------------------------------------------------- audit trail

    @staticmethod
    def _event(row: Any) -> AuditEvent:
        body = json.loads(row[6])
        return AuditEvent(
            seq=int(row[0]),
            at=row[1],
            actor=row[2],
            action=row[3],
            target=row[4],
            outcome=row[5],
            inputs=body.get("inputs") or {},
            result=body.get("result"),
            before=body.get("before"),
            after=body.get("after"),
            prev_hash=row[7],
            hash=row[8],
        )

    def append_audit(
        self,
        *,
        actor: str,
        action: str,
        outcome: str,
        target: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        result: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEvent:
        """See :meth:`guotu.store.base.Store.append_audit`."""
        if outcome not in _OUTCOMES:
            raise InvalidInputError("audit.invalid", reason=f"outcome {outcome!r}")
        if not actor or not action:
            raise InvalidInputError("audit.invalid", reason="actor and action are required")
        try:
            body = event_body(
                dict(inputs or {}),
                None if result is None else dict(result),
                None if before is None else dict(before),
                None if after is None else dict(after),
            )
        except (TypeError, ValueError) as err:
            raise InvalidInputError("audit.invalid", reason=str(err)) from None
        moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        with self._write():
            self._lock_audit()
            row = self._execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (1, GENESIS) if row is None else (int(row[0]) + 1, row[1])
            digest = event_hash(prev, seq, moment, actor, action, target, outcome, body)
            self._execute(
                f"INSERT INTO audit_events ({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, moment, actor, action, target, outcome, body, prev, digest),
            )
        return self._event((seq, moment, actor, action, target, outcome, body, prev, digest))

    def list_audit(
        self,
        *,
        after_seq: int = 0,
        limit: int | None = None,
        actor: str | None = None,
        action_prefix: str | None = None,
        target: str | None = None,
        descending: bool = False,
    ) -> list[AuditEvent]:
        """See :meth:`guotu.store.base.Store.list_audit`."""
        where = ["seq > ?"]
        params: list[Any] = [after_seq]
        if actor is not None:
            where.append("actor = ?")
            params.append(actor)
        if target is not None:
            where.append("target = ?")
            params.append(target)
        if action_prefix:
            where.append("action >= ? AND action < ?")
            params += [action_prefix, action_prefix + "\U0010ffff"]
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit_events WHERE {' AND '.join(where)} ORDER BY seq"
        sql += " DESC" if descending else ""
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [self._event(row) for row in self._execute(sql, params).fetchall()]
