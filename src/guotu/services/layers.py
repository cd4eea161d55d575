"""The one map's layers: import with quality checks, versions, statistics, export.

These are the use cases behind ``guotu layer …`` (and, later, the web app). Each
write is one store transaction: an import either creates its version whole, with
its quality findings, or leaves no trace.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import EllipsisType
from typing import Any

from guotu.domain.findings import Severity
from guotu.domain.layers import LayerKind, LayerVersionInfo, LegalStatus, layer_kind
from guotu.errors import GuotuError, InvalidInputError, NotFoundError
from guotu.geo.diff import DiffResult, diff_versions
from guotu.geo.overlay import Tabulation, tabulate_intersection
from guotu.geo.quality import QualityFinding, check_layer
from guotu.geo.vector import VectorData
from guotu.io.vector_read import read_vector
from guotu.io.vector_write import write_vector
from guotu.services.audit import audited, cli_actor, record_failed
from guotu.settings import GeneralSettings
from guotu.store import open_store as _open_store
from guotu.store.base import LayerInfo, Store

__all__ = [
    "ImportResult",
    "check_file",
    "diff_layer",
    "export_layer",
    "finding_dict",
    "import_layer",
    "layer_stats",
    "list_layers",
    "list_versions",
    "open_store",
    "set_legal_status",
    "show_layer",
]

logger = logging.getLogger(__name__)


def open_store(url: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
    """Open the configured store (``GUOTU_DATABASE_URL``, default ``./guotu.db``).

    Parameters
    ----------
    url
        A store URL overriding the settings.
    migrate
        Create or upgrade the schema first (the embedded store works with zero set-up).
    """
    return _open_store(url or GeneralSettings().database_url, migrate=migrate)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the new version (None when blocked) and the quality findings."""

    layer: str
    kind: str
    version: LayerVersionInfo | None
    findings: tuple[QualityFinding, ...]
    feature_count: int
    crs: int
    source: dict[str, Any]
    seconds: float

    @property
    def blocked(self) -> bool:
        """True when an error-severity finding stopped the import (nothing was written)."""
        return any(f.severity is Severity.ERROR for f in self.findings)


def finding_dict(finding: QualityFinding) -> dict[str, Any]:
    """Return a quality finding as plain JSON-able data."""
    return finding.to_dict()


def check_file(
    path: str | os.PathLike[str],
    *,
    kind: str,
    layer: str | None = None,
    encoding: str | None = None,
    crs: int | str | None = None,
    id_field: str | None = None,
) -> tuple[VectorData, list[QualityFinding]]:
    """Read a vector file and run the quality checks of its layer kind, writing nothing."""
    layer_type = layer_kind(kind)
    data = read_vector(Path(path), layer=layer, encoding=encoding, crs=crs, id_field=id_field)
    return data, check_layer(data, layer_type)


def import_layer(
    store: Store,
    path: str | os.PathLike[str],
    *,
    name: str,
    kind: str,
    jurisdiction: str | None = None,
    title: str | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    crs: int | str | None = None,
    id_field: str | None = None,
    legal_status: LegalStatus = LegalStatus.DRAFTING,
    effective_date: date | None = None,
    approval_document: str | None = None,
    filed: bool = False,
    note: str = "",
    expected_parent: int | EllipsisType | None = ...,
    actor: str | None = None,
) -> ImportResult:
    """Import a vector file as the next version of a layer, after its quality checks.

    An error-severity quality finding blocks the import (the result carries the
    findings and no version); warnings are stored with the version. The layer is
    created on first import. Everything lands in one transaction.

    Raises
    ------
    guotu.errors.InvalidInputError
        Bad files, CRS problems (see the error's code), or ``layer.kind_mismatch``.
    guotu.errors.ConflictError
        ``version.stale`` when ``expected_parent`` (a version number, or None for
        "no version yet") is no longer the latest version; leave it out for no check.
    """
    started = time.perf_counter()
    who = actor or cli_actor()
    target = f"layer:{name}"
    inputs = {"path": str(path), "kind": kind, "jurisdiction": jurisdiction, "layer": layer, "crs": crs,
              "legal_status": LegalStatus(legal_status).value, "note": note}  # fmt: skip
    try:
        layer_type = layer_kind(kind)
        data, findings = check_file(
            path, kind=layer_type.id, layer=layer, encoding=encoding, crs=crs, id_field=id_field
        )
    except GuotuError as err:
        record_failed(store, actor=who, action="layer.import", error=err, target=target, inputs=inputs)
        raise
    result = ImportResult(
        layer=name,
        kind=layer_type.id,
        version=None,
        findings=tuple(findings),
        feature_count=len(data),
        crs=data.crs,
        source=dict(data.source),
        seconds=0.0,
    )
    if result.blocked:
        logger.info("import of %s into %s blocked by %d findings", path, name, len(findings))
        record_failed(
            store, actor=who, action="layer.import", target=target, inputs=inputs,
            result={"blocked": True, "findings": len(findings)},
        )  # fmt: skip
        return dataclasses.replace(result, seconds=time.perf_counter() - started)
    with audited(store, actor=who, action="layer.import", target=target, inputs=inputs) as event:
        _ensure_layer(store, name, layer_type, jurisdiction=jurisdiction, title=title)
        version = store.add_version(
            name,
            data,
            legal_status=legal_status,
            effective_date=effective_date,
            approval_document=approval_document,
            filed=filed,
            note=note,
            findings=[finding_dict(f) for f in findings],
            expected_parent=expected_parent,
        )
        event.result = {"version": version.version, "features": len(data), "content_hash": version.content_hash}
    seconds = time.perf_counter() - started
    logger.info("imported %s into %s v%d: %d features in %.2f s", path, name, version.version, len(data), seconds)
    return dataclasses.replace(result, version=version, seconds=seconds)


def _ensure_layer(
    store: Store, name: str, kind: LayerKind, *, jurisdiction: str | None, title: str | None
) -> LayerInfo:
    try:
        info = store.get_layer(name)
    except NotFoundError:
        return store.create_layer(name, kind.id, jurisdiction=jurisdiction, title=title or kind.name_zh)
    if info.kind != kind.id:
        raise InvalidInputError("layer.kind_mismatch", layer=name, kind=info.kind, given=kind.id)
    return info


def list_layers(store: Store) -> list[LayerInfo]:
    """Return every layer of the store."""
    return store.list_layers()


def show_layer(store: Store, name: str, version: int | None = None, *, as_of: date | None = None) -> dict[str, Any]:
    """Describe a layer and one of its versions (the latest, a number, or the one in force on a date)."""
    info = store.get_layer(name)
    chosen = store.get_version(name, version, as_of=as_of) if info.latest_version is not None else None
    findings = store.version_findings(name, chosen.version) if chosen else []
    return {"layer": info, "version": chosen, "findings": findings}


def list_versions(store: Store, name: str) -> list[LayerVersionInfo]:
    """Return a layer's versions, oldest first."""
    return store.list_versions(name)


def set_legal_status(
    store: Store,
    name: str,
    version: int,
    status: LegalStatus,
    *,
    effective_date: date | None = None,
    approval_document: str | None = None,
    filed: bool | None = None,
    actor: str | None = None,
) -> LayerVersionInfo:
    """Move a version along 在编 → 现行 → 已废止 (its content never changes)."""
    inputs = {"version": version, "status": LegalStatus(status).value, "effective_date": _iso(effective_date),
              "approval_document": approval_document, "filed": filed}  # fmt: skip
    with audited(
        store, actor=actor or cli_actor(), action="layer.set_status", target=f"layer:{name}", inputs=inputs
    ) as event:
        before = store.get_version(name, version)
        event.before = {"status": before.legal_status.value, "effective_date": _iso(before.effective_date)}
        info = store.set_legal_status(
            name, version, status, effective_date=effective_date, approval_document=approval_document, filed=filed
        )
        event.after = {"status": info.legal_status.value, "effective_date": _iso(info.effective_date)}
    return info


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def layer_stats(
    store: Store,
    name: str,
    version: int | None = None,
    *,
    class_field: str | None = None,
    zones: str | None = None,
    zone_field: str | None = None,
    zones_version: int | None = None,
    area: str = "ellipsoidal",
    processes: int = 1,
) -> Tabulation:
    """Area of a layer version by class, optionally × the zones of another layer.

    Parameters
    ----------
    class_field
        Attribute holding the class (default: the layer kind's class field, or one class).
    zones, zone_field
        A second layer (e.g. districts or planning zones) and its zone attribute.
    """
    info = store.get_layer(name)
    kind = layer_kind(info.kind)
    data = store.read_features(name, version)
    field = class_field or kind.class_field
    if field is not None and data.attributes and field not in data.attributes[0]:
        raise InvalidInputError("layer.field_missing", layer=name, field=field)
    classes = [str(a.get(field, "")) if field else kind.name_zh for a in data.attributes]
    if zones is None:
        zone_geoms: Sequence[Any] = [_extent(data)]
        zone_ids: Sequence[str] = ["*"]
    else:
        zone_data = store.read_features(zones, zones_version)
        if zone_data.crs != data.crs:
            raise InvalidInputError("layer.crs_differs", layer=name, other=zones, crs=data.crs, other_crs=zone_data.crs)
        if zone_field and zone_data.attributes and zone_field not in zone_data.attributes[0]:
            raise InvalidInputError("layer.field_missing", layer=zones, field=zone_field)
        zone_geoms = list(zone_data.geometries)
        zone_ids = [
            str(a.get(zone_field, fid)) if zone_field else fid
            for a, fid in zip(zone_data.attributes, zone_data.feature_ids, strict=True)
        ]
    areas = data.ellipsoidal_m2 if area == "ellipsoidal" else data.planar_m2
    return tabulate_intersection(
        data.geometries,
        classes,
        zone_geoms,
        zone_ids,
        epsg=data.crs,
        area=area,  # type: ignore[arg-type]
        feature_areas=areas,
        processes=processes,
    )


def diff_layer(
    store: Store,
    name: str,
    before: int,
    after: int,
    *,
    class_field: str | None = None,
    districts: str | None = None,
    district_field: str | None = None,
) -> DiffResult:
    """Compare two versions of a layer: 调入 / 调出 / 属性变更 polygons and areas by class and district.

    Unchanged features are recognised by their stored hashes, so only what changed
    is overlaid.
    """
    info = store.get_layer(name)
    kind = layer_kind(info.kind)
    old = store.read_features(name, before)
    new = store.read_features(name, after)
    zones = store.read_features(districts) if districts else None
    return diff_versions(
        old,
        new,
        class_field=class_field or kind.class_field,
        district_zones=zones,
        district_field=district_field,
        epsg=new.crs,
        before_hashes=store.feature_hashes(name, before),
        after_hashes=store.feature_hashes(name, after),
    )


def _extent(data: VectorData) -> Any:
    import shapely

    if len(data) == 0:
        return shapely.box(0, 0, 1, 1)
    xmin, ymin, xmax, ymax = shapely.total_bounds(data.geometries)
    return shapely.box(xmin - 1, ymin - 1, xmax + 1, ymax + 1)


def export_layer(
    store: Store,
    name: str,
    path: str | os.PathLike[str],
    *,
    version: int | None = None,
    driver: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a layer version to a file (GeoPackage, shapefile, GeoJSON, GeoParquet, FileGDB)."""
    data = store.read_features(name, version)
    return write_vector(data, Path(path), driver=driver, layer=name, overwrite=overwrite)
