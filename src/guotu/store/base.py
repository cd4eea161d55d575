"""The store contract: what every backend (SQLite, PostGIS) must do, and nothing more.

A store keeps jurisdictions, the one map's layers and their immutable versions. A
version's content (its features: id, normalised WKB, attributes, areas) never
changes once it is visible; its legal metadata (在编 / 现行 / 已废止, effective date,
approval document, 部备案) may move forward along 在编 → 现行 → 已废止.

Both backends pass the same test suite (``tests/store/test_contract.py``) and store
byte-identical content for the same input, so a version's ``content_hash`` does
not depend on the backend.

Rules shared by every backend
-----------------------------
Content hashing
    See :mod:`guotu.store.content`: geometries are normalised (``shapely.normalize``)
    before their WKB is taken, so ring orientation, start vertex and part order do
    not change the hash.
Atomicity (R-40)
    ``add_version`` writes the version under a staging flag and promotes it in one
    statement; readers never see staged rows, and opening a store removes staging
    left by a process that died.
In force on a date (``as_of``)
    A version is in force from its ``effective_date`` until the effective date of
    the next version that became 现行 (or, for a version repealed without a
    successor, the date of its repeal). ``get_version(as_of=d)`` returns the
    version with status 现行 or 已废止 whose period contains ``d``; if periods
    overlap (back-dated data), the latest effective date wins, then the higher
    version number.
Optimistic concurrency (R-38)
    ``add_version(expected_parent=n)`` is refused with ``version.stale`` when the
    layer's latest version is no longer ``n`` at the moment of promotion.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import EllipsisType, TracebackType
from typing import Any, Self

from guotu.domain.jurisdictions import Jurisdiction
from guotu.domain.layers import LayerVersionInfo, LegalStatus
from guotu.errors import NotFoundError
from guotu.geo.vector import VectorData

__all__ = ["AuditEvent", "BBox", "LayerInfo", "Record", "Store"]

#: A bounding box (minx, miny, maxx, maxy) in the layer's own CRS.
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Record:
    """A typed record of a service (a plan version, a review, a supply record, a user ...).

    Parameters
    ----------
    kind
        What the record is (``review``, ``supply_record``); services own their kinds.
    key
        Unique within ``kind``.
    data
        The record's content, a JSON object.
    jurisdiction, year, status
        Indexed scope, for listing.
    geometry, crs
        Optional WKB and its EPSG code.
    revision
        1 when created, incremented by each write (optimistic concurrency).
    created_at, updated_at
        UTC.
    """

    kind: str
    key: str
    data: dict[str, Any]
    jurisdiction: str | None
    year: int | None
    status: str | None
    geometry: bytes | None
    crs: int | None
    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AuditEvent:
    """One event of the audit trail (全过程留痕), as stored.

    ``hash`` is the SHA-256 of ``prev_hash`` and the event's canonical form
    (:func:`guotu.store.audit.event_hash`), so the events form a chain.
    """

    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    outcome: str
    inputs: dict[str, Any]
    result: dict[str, Any] | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class LayerInfo:
    """A layer of the one map, without its versions.

    Parameters
    ----------
    name
        Unique name within the store (``yjjbnt_140302``).
    kind
        The :class:`~guotu.domain.layers.LayerKind` id (``permanent_basic_farmland``).
    jurisdiction
        Code of the jurisdiction the layer covers, if any.
    title
        Display title.
    created_at
        When the layer was created (UTC).
    latest_version
        Number of the newest version, None when the layer has none yet.
    """

    name: str
    kind: str
    jurisdiction: str | None
    title: str | None
    created_at: datetime
    latest_version: int | None


class Store(abc.ABC):
    """Persistence of jurisdictions, layers and immutable layer versions.

    Every method may raise :class:`~guotu.errors.StorageError` when the backend
    fails (``store.busy``, ``store.full``, ``store.immutable``, ``storage.failed``).
    Stores are context managers: leaving the ``with`` block closes them.
    """

    # ------------------------------------------------------------------ lifecycle

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection; further calls raise ``store.closed``."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @abc.abstractmethod
    def schema_version(self) -> int:
        """Return the number of the newest applied migration (0 for an empty database)."""

    @abc.abstractmethod
    def migrate(self) -> list[int]:
        """Apply the pending migrations, each in its own transaction.

        Returns
        -------
        list of int
            Numbers of the migrations applied now (empty when up to date).

        Raises
        ------
        StorageError
            ``store.schema_too_new`` when the database is newer than this code.
        """

    @abc.abstractmethod
    def backup(self, target: Path) -> None:
        """Write a consistent copy of the whole store to ``target`` (a new file).

        Raises
        ------
        ConflictError
            ``store.backup_exists`` when ``target`` exists.
        """

    @abc.abstractmethod
    def restore(self, source: Path) -> None:
        """Load a backup made by :meth:`backup` of the same backend into this empty store.

        Raises
        ------
        ConflictError
            ``store.not_empty`` when the store holds any jurisdiction or layer.
        InvalidInputError
            ``store.backup_invalid`` when ``source`` is not such a backup.
        """

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: everything inside lands whole or not at all.

        Nested blocks are savepoints: a failing inner block rolls back only itself
        (and re-raises). ``add_version`` inside a transaction writes all its rows
        in that transaction.
        """

    # -------------------------------------------------------------- jurisdictions

    @abc.abstractmethod
    def upsert_jurisdiction(self, j: Jurisdiction, boundary_wkb: bytes | None = None, crs: int | None = None) -> None:
        """Create or replace a jurisdiction.

        Parameters
        ----------
        j
            The jurisdiction; its parent need not exist yet.
        boundary_wkb, crs
            The boundary (WKB) and its EPSG code, both or neither. None keeps the
            boundary already stored.
        """

    @abc.abstractmethod
    def get_jurisdiction(self, code: str) -> Jurisdiction:
        """Return a jurisdiction (``jurisdiction.not_found`` if absent)."""

    @abc.abstractmethod
    def list_jurisdictions(self, parent: str | None = None) -> list[Jurisdiction]:
        """Return all jurisdictions, or the children of ``parent``, ordered by code."""

    @abc.abstractmethod
    def jurisdiction_boundary(self, code: str) -> tuple[bytes, int] | None:
        """Return the boundary as (WKB, EPSG), None when none is stored.

        Raises
        ------
        NotFoundError
            ``jurisdiction.not_found``.
        """

    # ---------------------------------------------------------------------- layers

    @abc.abstractmethod
    def create_layer(
        self, name: str, kind: str, *, jurisdiction: str | None = None, title: str | None = None
    ) -> LayerInfo:
        """Create an empty layer.

        Parameters
        ----------
        name
            Unique name: 1–200 characters, no control characters.
        kind
            A layer kind id, Chinese name or abbreviation (stored as the id).
        jurisdiction
            Code of an existing jurisdiction.
        title
            Display title.

        Raises
        ------
        ConflictError
            ``layer.exists``.
        InvalidInputError
            ``layer.name_invalid``, ``layer.kind_unknown``.
        NotFoundError
            ``jurisdiction.not_found``.
        """

    @abc.abstractmethod
    def get_layer(self, name: str) -> LayerInfo:
        """Return a layer (``layer.not_found`` if absent)."""

    @abc.abstractmethod
    def list_layers(self) -> list[LayerInfo]:
        """Return every layer, ordered by name."""

    # -------------------------------------------------------------------- versions

    @abc.abstractmethod
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
        """Store ``data`` as the layer's next version, atomically.

        Parameters
        ----------
        layer
            The layer's name.
        data
            The features. Geometries are normalised; areas are computed unless
            ``data.planar_m2`` / ``data.ellipsoidal_m2`` are given.
        legal_status, effective_date, approval_document, filed
            Initial legal metadata. 现行 needs an effective date and repeals the
            version in force, as :meth:`set_legal_status` does.
        note
            Why this version exists (the change's reason).
        findings
            Quality findings of the import, kept with the version (JSON-able dicts).
        expected_parent
            The version the caller started from (None: the layer had none);
            omitted: no check.

        Returns
        -------
        LayerVersionInfo
            The new version.

        Raises
        ------
        ConflictError
            ``version.stale`` (with ``expected`` and ``actual``).
        NotFoundError
            ``layer.not_found``.
        InvalidInputError
            ``geometry.empty``, ``geometry.non_finite``, ``version.feature_id_invalid``,
            ``version.attribute_invalid``, ``version.effective_date_required``.
        """

    @abc.abstractmethod
    def get_version(self, layer: str, version: int | None = None, *, as_of: date | None = None) -> LayerVersionInfo:
        """Return the latest version, version ``version``, or the one in force on ``as_of``.

        Raises
        ------
        NotFoundError
            ``layer.not_found``, ``version.not_found``, ``version.none_in_force``.
        InvalidInputError
            ``input.invalid`` when both ``version`` and ``as_of`` are given.
        """

    @abc.abstractmethod
    def list_versions(self, layer: str) -> list[LayerVersionInfo]:
        """Return every visible version of ``layer``, oldest first."""

    @abc.abstractmethod
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
        """Change a version's legal metadata (never its content).

        Allowed: 在编 → 现行 → 已废止, and keeping the status while updating the
        approval document or ``filed``. Making a version 现行 needs an effective
        date (given or stored) and repeals the version in force (its repeal date is
        the new version's effective date) in the same transaction. For 已废止,
        ``effective_date`` is the date of repeal (default: today).

        Parameters
        ----------
        expected_status
            Compare-and-set (R-42): refuse with ``version.transition`` when the
            version's status is no longer this one.

        Raises
        ------
        ConflictError
            ``version.transition``, ``version.effective_date_order``.
        InvalidInputError
            ``version.effective_date_required``.
        """

    # -------------------------------------------------------------------- features

    @abc.abstractmethod
    def read_features(
        self,
        layer: str,
        version: int | None = None,
        *,
        bbox: BBox | None = None,
        feature_ids: Sequence[str] | None = None,
    ) -> VectorData:
        """Read a version's features (latest when ``version`` is None), in stored order.

        Parameters
        ----------
        bbox
            Keep features whose bounding box intersects this one (edges included),
            found through the spatial index.
        feature_ids
            Keep only these features (unknown ids are ignored).

        Returns
        -------
        VectorData
            With ``planar_m2`` and ``ellipsoidal_m2`` and ``source = {"layer", "version"}``.
        """

    @abc.abstractmethod
    def feature_hashes(self, layer: str, version: int) -> dict[str, str]:
        """Return feature id → feature hash (hex SHA-256) of a version."""

    @abc.abstractmethod
    def version_findings(self, layer: str, version: int) -> list[dict[str, Any]]:
        """Return the findings stored with a version."""

    # --------------------------------------------------------------------- records

    @abc.abstractmethod
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
        """Create or replace a record; return it as stored.

        Parameters
        ----------
        expected_revision
            Omitted: no check. None: the record must not exist yet. An int: the
            stored revision must be this one (compare-and-set).

        Raises
        ------
        ConflictError
            ``record.exists``, ``record.stale``.
        InvalidInputError
            ``record.invalid`` for a bad kind/key, data that is not a JSON object,
            or a geometry without its CRS.
        """

    @abc.abstractmethod
    def find_record(self, kind: str, key: str) -> Record | None:
        """Return the record, or None."""

    def get_record(self, kind: str, key: str) -> Record:
        """Return the record.

        Raises
        ------
        NotFoundError
            ``record.not_found``.
        """
        found = self.find_record(kind, key)
        if found is None:
            raise NotFoundError("record.not_found", kind=kind, key=key)
        return found

    @abc.abstractmethod
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
        """Return the records of ``kind`` matching the filters, ordered by key."""

    @abc.abstractmethod
    def count_records(
        self,
        kind: str,
        *,
        jurisdiction: str | None = None,
        year: int | None = None,
        status: str | None = None,
        key_prefix: str | None = None,
    ) -> int:
        """Return how many records of ``kind`` match the filters."""

    @abc.abstractmethod
    def delete_record(self, kind: str, key: str, *, expected_revision: int | EllipsisType = ...) -> None:
        """Delete a record (sessions, drafts); missing records raise ``record.not_found``."""

    # ----------------------------------------------------------------- audit trail

    @abc.abstractmethod
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
        """Append one event to the hash chain (inside the current transaction, if any).

        Events are never changed or deleted: the database refuses it (``store.immutable``).
        """

    @abc.abstractmethod
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
        """Return audit events with ``seq > after_seq`` matching the filters, by ``seq``."""
