"""Dynamic maintenance (动态维护) as a workflow: draft → add changes → check → revise → approve → package.

A maintenance is stored as a record of kind ``maintenance`` (key
``<行政区代码>-<年度>-<nn>``) holding its :class:`~guotu.domain.maintenance.ChangeSet`:
the layers it maintains with their base versions, the change items (polygons
with WHLX, WHLY, WHBH, JDZBLY, KZBSHSLX) and, for a scheme entered from its text,
the stated figures. Every change is audited (:func:`guotu.services.audit.audited`).

Approval creates the next version of every maintained layer in **one**
transaction, each with the approval document and date (legal status 现行 from the
approval date); ``expected_parent`` refuses it when a layer moved on since the
draft was made (``version.stale``), and the record's revision refuses a
concurrent approval (``record.stale``): then nothing changes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely

from guotu.domain.findings import Finding, Severity
from guotu.domain.layers import ChangeKind, LegalStatus, layer_kind
from guotu.domain.maintenance import (
    MAINTAINED_KINDS,
    BoundaryFigures,
    ChangeItem,
    ChangeSet,
    MaintenanceParams,
    MaintenanceStatus,
    Statistics,
    check_statistics,
    extract_scheme_figures,
    make_whbh,
    seed_record,
    whlx_kind,
)
from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.geo.crs import get_transformer
from guotu.geo.diff import AREA_FIELDS, diff_versions
from guotu.geo.maintenance import (
    ChangePolygon,
    apply_changes,
    change_areas,
    check_change_polygons,
    district_areas,
)
from guotu.geo.vector import VectorData
from guotu.io.maintenance_package import PackageLayer, write_package
from guotu.io.vector_read import read_vector
from guotu.services.audit import audited
from guotu.store.base import Record, Store

__all__ = [
    "RECORD_KIND",
    "CheckResult",
    "MaintenanceMaps",
    "add_changes",
    "approve",
    "check",
    "diff_changes",
    "get_maintenance",
    "list_maintenances",
    "maps_data",
    "new_maintenance",
    "package",
    "record_scheme",
    "revise",
]

logger = logging.getLogger(__name__)

RECORD_KIND: Final = "maintenance"

#: Fields of a change file that are maintenance codes, not attributes of the feature after.
_CODE_FIELDS: Final = ("WHLX", "WHLY", "WHBH", "JDZBLY", "KZBSHSLX", "BZ", "PZWH")


def _target(key: str) -> str:
    return f"maintenance:{key}"


def _save(
    store: Store, changes: ChangeSet, *, expected_revision: int | None, status: MaintenanceStatus | None = None
) -> Record:
    if status is not None:
        changes = replace(changes, status=status)
    return store.put_record(
        RECORD_KIND,
        changes.key,
        changes.to_dict(),
        jurisdiction=changes.jurisdiction,
        year=changes.year,
        status=changes.status.value,
        expected_revision=expected_revision,
    )


def get_maintenance(store: Store, key: str) -> tuple[ChangeSet, int]:
    """Return a maintenance and its record revision.

    Raises
    ------
    NotFoundError
        ``maintenance.not_found``.
    """
    record = store.find_record(RECORD_KIND, key)
    if record is None:
        raise NotFoundError("maintenance.not_found", key=key)
    return ChangeSet.from_dict(record.data), record.revision


def list_maintenances(store: Store, *, jurisdiction: str | None = None, year: int | None = None) -> list[ChangeSet]:
    """Return the maintenances, ordered by key."""
    return [ChangeSet.from_dict(r.data) for r in store.list_records(RECORD_KIND, jurisdiction=jurisdiction, year=year)]


def _next_key(store: Store, jurisdiction: str, year: int) -> str:
    prefix = f"{jurisdiction}-{year}-"
    taken = {r.key for r in store.list_records(RECORD_KIND, key_prefix=prefix)}
    n = 1
    while f"{prefix}{n:02d}" in taken:
        n += 1
    return f"{prefix}{n:02d}"


def new_maintenance(
    store: Store,
    *,
    jurisdiction: str,
    year: int,
    layers: Sequence[str],
    actor: str,
    title: str = "",
    key: str | None = None,
) -> ChangeSet:
    """Draft a maintenance of the given store layers, against their latest versions.

    Raises
    ------
    NotFoundError
        ``layer.not_found``.
    InvalidInputError
        ``maintenance.layer_not_maintained`` (a kind that is not maintained),
        ``maintenance.layer_empty`` (no version yet), ``maintenance.layer_twice``.
    ConflictError
        ``record.exists`` for a key already used.
    """
    chosen: dict[str, tuple[str, int]] = {}
    for name in layers:
        info = store.get_layer(name)
        kind = layer_kind(info.kind).id
        if kind not in MAINTAINED_KINDS:
            raise InvalidInputError("maintenance.layer_not_maintained", layer=name, choices=", ".join(MAINTAINED_KINDS))
        if info.latest_version is None:
            raise InvalidInputError("maintenance.layer_empty", layer=name)
        if kind in chosen:
            raise InvalidInputError("maintenance.layer_twice", layer=name, other=chosen[kind][0])
        chosen[kind] = (name, info.latest_version)
    with audited(
        store,
        actor=actor,
        action="maintenance.new",
        target=_target(key or f"{jurisdiction}-{year}"),
        inputs={"jurisdiction": jurisdiction, "year": year, "layers": list(layers), "key": key},
    ) as event:
        record_key = key or _next_key(store, jurisdiction, year)
        changes = ChangeSet(key=record_key, jurisdiction=jurisdiction, year=year, title=title, layers=chosen)
        record = _save(store, changes, expected_revision=None)
        event.result = {"key": record_key, "revision": record.revision}
    logger.info("drafted maintenance %s of %s", record_key, ", ".join(layers))
    return changes


def record_scheme(
    store: Store,
    *,
    actor: str,
    figures: Mapping[str, Any] | None = None,
    text: str | None = None,
    jurisdiction: str | None = None,
    key: str | None = None,
) -> ChangeSet:
    """Store a maintenance entered from a scheme's figures (no geometry).

    Parameters
    ----------
    figures
        A mapping shaped like :data:`guotu.domain.maintenance.YANGQUAN_2026` (default: that one).
    text
        Or the scheme's text, whose figures are extracted (needs ``jurisdiction``).
    """
    if text is not None:
        if not jurisdiction:
            raise InvalidInputError("maintenance.jurisdiction_required")
        figures = extract_scheme_figures(text, jurisdiction=jurisdiction, key=key)
    changes = seed_record(figures)
    if key:
        changes = replace(changes, key=key)
    with audited(
        store, actor=actor, action="maintenance.record_scheme", target=_target(changes.key), inputs={"key": changes.key}
    ) as event:
        record = _save(store, changes, expected_revision=None)
        event.result = {"key": changes.key, "revision": record.revision, "layers": sorted(changes.stated)}
    return changes


def _layer_name(changes: ChangeSet, layer: str) -> tuple[str, str, int]:
    """(kind, store layer name, base version) of a layer given by store name or kind."""
    for kind, (name, version) in changes.layers.items():
        if layer in (name, kind):
            return kind, name, version
    try:
        kind = layer_kind(layer).id
    except InvalidInputError:
        kind = layer
    if kind in changes.layers:
        name, version = changes.layers[kind]
        return kind, name, version
    raise InvalidInputError("maintenance.layer_not_in_set", layer=layer, key=changes.key)


def _editable(changes: ChangeSet) -> None:
    if changes.status is MaintenanceStatus.APPROVED:
        raise ConflictError("maintenance.already_approved", key=changes.key)


def _district_layer(store: Store, districts: str | None, layer: str, crs: int) -> VectorData | None:
    if districts is None:
        return None
    data = store.read_features(districts)
    if data.crs != crs:
        raise InvalidInputError("layer.crs_differs", layer=districts, other=layer, crs=data.crs, other_crs=crs)
    return data


def _items(
    changes: ChangeSet,
    kind: str,
    polygons: Sequence[tuple[ChangeKind, Any, dict[str, Any], str | None]],
    *,
    crs: int,
    districts: VectorData | None,
    district_field: str | None,
    defaults: Mapping[str, Any],
) -> list[ChangeItem]:
    geoms = [p[1] for p in polygons]
    areas = change_areas(geoms, crs)
    by_district = (
        district_areas(geoms, districts, field=district_field, epsg=crs) if districts is not None else [{}] * len(geoms)
    )
    items: list[ChangeItem] = []
    first = int(changes.next_item_id()[1:])
    whbh_day = defaults.get("date") or date.today()
    for i, ((whlx, geom, attrs, feature_id), area, parts) in enumerate(zip(polygons, areas, by_district, strict=True)):
        number = first + i
        codes = {k: attrs.pop(k) for k in list(attrs) if k in _CODE_FIELDS}
        whbh = _text(codes.get("WHBH")) or _text(defaults.get("whbh"))
        if not whbh and changes.jurisdiction.isdigit() and len(changes.jurisdiction) == 6 and number < 10_000:
            whbh = make_whbh(whbh_day, changes.jurisdiction, number)
        for name in AREA_FIELDS:
            attrs.pop(name, None)
        items.append(
            ChangeItem(
                item_id=f"I{number:04d}",
                layer=kind,
                kind=whlx,
                area_m2=area,
                whly=_text(codes.get("WHLY")) or _text(defaults.get("whly")) or "99",
                whbh=whbh,
                jdzbly=_text(codes.get("JDZBLY")) or _text(defaults.get("jdzbly")) or None,
                kzbshslx=_text(codes.get("KZBSHSLX")) or _text(defaults.get("kzbshslx")) or None,
                note=_text(codes.get("BZ")) or _text(defaults.get("note")),
                approval_ref=_text(codes.get("PZWH")) or _text(defaults.get("approval_ref")) or None,
                district_m2=parts,
                attributes={k: _plain(v) for k, v in attrs.items()},
                feature_id=feature_id,
                geometry_wkb=shapely.to_wkb(geom),
            )
        )
    return items


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _store_items(
    store: Store,
    changes: ChangeSet,
    revision: int,
    new_items: Sequence[ChangeItem],
    *,
    actor: str,
    action: str,
    inputs: Mapping[str, Any],
) -> ChangeSet:
    updated = replace(changes, items=(*changes.items, *new_items), status=MaintenanceStatus.DRAFT, findings=())
    with audited(store, actor=actor, action=action, target=_target(changes.key), inputs=dict(inputs)) as event:
        record = _save(store, updated, expected_revision=revision)
        event.result = {"items": [i.item_id for i in new_items], "revision": record.revision}
        event.before = {"items": len(changes.items)}
        event.after = {"items": len(updated.items)}
    return updated


def add_changes(
    store: Store,
    key: str,
    path: str | os.PathLike[str],
    *,
    layer: str,
    actor: str,
    whlx: str | None = None,
    whly: str | None = None,
    note: str = "",
    jdzbly: str | None = None,
    kzbshslx: str | None = None,
    approval_ref: str | None = None,
    districts: str | None = None,
    district_field: str | None = None,
    file_layer: str | None = None,
    crs: int | str | None = None,
    day: date | None = None,
) -> ChangeSet:
    """Add the polygons of a file as change items of one layer.

    The WHLX of each polygon comes from its ``WHLX`` field, else from ``whlx``;
    fields WHLY, WHBH, JDZBLY, KZBSHSLX, BZ and PZWH (批准文号) override the
    options; the other fields are the attributes of the feature after the change.

    Raises
    ------
    InvalidInputError
        ``maintenance.whlx_unknown``, ``maintenance.whlx_missing``, ``maintenance.crs_mismatch``,
        ``maintenance.no_changes``, and the file's read errors.
    ConflictError
        ``maintenance.already_approved``, ``record.stale``.
    """
    changes, revision = get_maintenance(store, key)
    _editable(changes)
    kind, name, version = _layer_name(changes, layer)
    data = read_vector(Path(path), layer=file_layer, crs=crs)
    base = store.get_version(name, version)
    if data.crs != base.crs:
        raise InvalidInputError("maintenance.crs_mismatch", path=str(path), crs=data.crs, layer_crs=base.crs)
    if len(data) == 0:
        raise InvalidInputError("maintenance.no_changes", path=str(path))
    polygons: list[tuple[ChangeKind, Any, dict[str, Any], str | None]] = []
    for geom, attrs in zip(data.geometries, data.attributes, strict=True):
        code = attrs.get("WHLX") if attrs.get("WHLX") not in (None, "") else whlx
        if code is None:
            raise InvalidInputError("maintenance.whlx_missing", path=str(path))
        polygons.append((whlx_kind(str(code)), geom, dict(attrs), None))
    defaults = {
        "whly": whly,
        "note": note,
        "jdzbly": jdzbly,
        "kzbshslx": kzbshslx,
        "approval_ref": approval_ref,
        "date": day,
    }
    items = _items(
        changes,
        kind,
        polygons,
        crs=base.crs,
        districts=_district_layer(store, districts, name, base.crs),
        district_field=district_field,
        defaults=defaults,
    )
    return _store_items(
        store,
        changes,
        revision,
        items,
        actor=actor,
        action="maintenance.add",
        inputs={"key": key, "layer": name, "path": str(path), "count": len(items)},
    )


def diff_changes(
    store: Store,
    key: str,
    path: str | os.PathLike[str],
    *,
    layer: str,
    actor: str,
    whly: str | None = None,
    note: str = "",
    approval_ref: str | None = None,
    id_field: str | None = None,
    districts: str | None = None,
    district_field: str | None = None,
    file_layer: str | None = None,
    crs: int | str | None = None,
    day: date | None = None,
) -> ChangeSet:
    """Add the change items computed from a maintained ("after") file against the layer's base version.

    The diff (:func:`guotu.geo.diff.diff_versions`) classifies the changes into
    调入, 调出 and 属性变更 polygons; each becomes an item.
    """
    changes, revision = get_maintenance(store, key)
    _editable(changes)
    kind, name, version = _layer_name(changes, layer)
    after = read_vector(Path(path), layer=file_layer, crs=crs, id_field=id_field)
    before = store.read_features(name, version)
    if after.crs != before.crs:
        raise InvalidInputError("maintenance.crs_mismatch", path=str(path), crs=after.crs, layer_crs=before.crs)
    result = diff_versions(before, after, class_field=layer_kind(kind).class_field, epsg=before.crs)
    if not result.changes:
        raise InvalidInputError("maintenance.no_changes", path=str(path))
    polygons = [
        (
            c.kind,
            shapely.from_wkb(c.geometry_wkb),
            dict(c.attributes_after if c.kind is not ChangeKind.REMOVED else c.attributes_before),
            c.feature_id if c.kind is not ChangeKind.ADDED else None,
        )
        for c in result.changes
    ]
    items = _items(
        changes,
        kind,
        polygons,
        crs=before.crs,
        districts=_district_layer(store, districts, name, before.crs),
        district_field=district_field,
        defaults={"whly": whly, "note": note, "approval_ref": approval_ref, "date": day},
    )
    return _store_items(
        store,
        changes,
        revision,
        items,
        actor=actor,
        action="maintenance.diff",
        inputs={"key": key, "layer": name, "path": str(path), "count": len(items)},
    )


def revise(
    store: Store,
    key: str,
    *,
    actor: str,
    remove: Sequence[str] = (),
    update: Mapping[str, Mapping[str, Any]] | None = None,
    boundary: Mapping[str, Any] | None = None,
) -> ChangeSet:
    """Revise a draft: remove items, change an item's codes (whly, whbh, jdzbly, kzbshslx, note, approval_ref).

    Raises
    ------
    InvalidInputError
        ``maintenance.item_not_found``, ``maintenance.field_not_revisable``.
    """
    changes, revision = get_maintenance(store, key)
    _editable(changes)
    known = {i.item_id for i in changes.items}
    for item_id in [*remove, *(update or {})]:
        if item_id not in known:
            raise InvalidInputError("maintenance.item_not_found", item=item_id, key=key)
    allowed = {"whly", "whbh", "jdzbly", "kzbshslx", "note", "approval_ref"}
    items: list[ChangeItem] = []
    for item in changes.items:
        if item.item_id in remove:
            continue
        fields = dict((update or {}).get(item.item_id, {}))
        bad = sorted(set(fields) - allowed)
        if bad:
            raise InvalidInputError("maintenance.field_not_revisable", field=", ".join(bad))
        items.append(replace(item, **fields) if fields else item)
    updated = replace(changes, items=tuple(items), status=MaintenanceStatus.DRAFT, findings=())
    if boundary is not None:
        unknown = sorted(set(boundary) - set(BoundaryFigures.__dataclass_fields__))
        if unknown:
            raise InvalidInputError("maintenance.field_not_revisable", field=", ".join(unknown))
        merged = {**(changes.boundary.to_dict() if changes.boundary else {}), **boundary}
        try:
            updated = replace(updated, boundary=BoundaryFigures.from_dict(merged))
        except ArithmeticError:
            raise InvalidInputError("maintenance.figures_invalid", reason=str(boundary)) from None
    with audited(
        store,
        actor=actor,
        action="maintenance.revise",
        target=_target(key),
        inputs={
            "remove": list(remove),
            "update": {k: dict(v) for k, v in (update or {}).items()},
            "boundary": dict(boundary or {}),
        },
    ) as event:
        record = _save(store, updated, expected_revision=revision)
        event.result = {"revision": record.revision}
        event.before = {"items": len(changes.items)}
        event.after = {"items": len(items)}
    return updated


@dataclass(frozen=True)
class CheckResult:
    """The findings of a check, and the statistics they were computed from."""

    changes: ChangeSet
    statistics: Statistics
    findings: tuple[Finding, ...]
    params: MaintenanceParams

    @property
    def blocked(self) -> bool:
        """True when an error finding blocks approval."""
        return any(f.severity is Severity.ERROR for f in self.findings)


def _polygons(changes: ChangeSet, kind: str) -> list[ChangePolygon]:
    return [
        ChangePolygon(i.item_id, i.kind, shapely.from_wkb(i.geometry_wkb), dict(i.attributes), i.feature_id)
        for i in changes.items
        if i.layer == kind and i.geometry_wkb is not None
    ]


def _jurisdiction_shape(store: Store, code: str, crs: int) -> Any:
    try:
        found = store.jurisdiction_boundary(code)
    except NotFoundError:
        return None
    if found is None:
        return None
    wkb, epsg = found
    shape = shapely.from_wkb(wkb)
    if epsg != crs:
        transformer = get_transformer(epsg, crs)

        def project(xy: Any) -> Any:
            x, y = transformer.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        shape = shapely.transform(shape, project)
    return shape


def _evaluate(store: Store, changes: ChangeSet, params: MaintenanceParams) -> CheckResult:
    before_m2: dict[str, Decimal] = {}
    findings: list[Finding] = []
    for kind, (name, version) in changes.layers.items():
        info = store.get_version(name, version)
        before_m2[kind] = Decimal(repr(float(info.area_m2)))
        polygons = _polygons(changes, kind)
        if not polygons:
            continue
        layer = store.read_features(name, version)
        findings.extend(
            check_change_polygons(
                polygons,
                layer,
                jurisdiction=_jurisdiction_shape(store, changes.jurisdiction, layer.crs),
                layer_name=name,
                tolerance_m2=params.geometry_tolerance_m2,
            )
        )
    stats = changes.statistics(before_m2)
    refs = {i.layer: i.approval_ref for i in changes.items if i.approval_ref}
    findings.extend(check_statistics(stats, params=params, approval_refs=refs or None))
    if changes.projects:
        from guotu.domain.projects import reconcile_counts

        findings.extend(
            reconcile_counts(
                stated_total=changes.projects.get("total"), stated_by_status=changes.projects.get("by_status")
            )
        )
    findings.sort(key=lambda f: f.severity.rank)
    return CheckResult(changes, stats, tuple(findings), params)


def check(
    store: Store, key: str, *, actor: str, params: MaintenanceParams | None = None, save: bool = True
) -> CheckResult:
    """Check a maintenance: change polygons against the layers, statistics against the rules.

    With ``save``, the findings are kept with the record and a draft without
    error findings becomes ``checked``.
    """
    changes, revision = get_maintenance(store, key)
    params = params or MaintenanceParams.for_jurisdiction(changes.jurisdiction)
    result = _evaluate(store, changes, params)
    if not save or changes.status is MaintenanceStatus.APPROVED:
        return result
    status = MaintenanceStatus.DRAFT if result.blocked else MaintenanceStatus.CHECKED
    updated = replace(changes, findings=tuple(f.to_dict() for f in result.findings), status=status)
    with audited(store, actor=actor, action="maintenance.check", target=_target(key), inputs={"key": key}) as event:
        record = _save(store, updated, expected_revision=revision)
        event.result = {
            "status": status.value,
            "errors": sum(f.severity is Severity.ERROR for f in result.findings),
            "revision": record.revision,
        }
    return replace(result, changes=updated)


def approve(
    store: Store,
    key: str,
    *,
    approval_document: str,
    approval_date: date,
    actor: str,
    params: MaintenanceParams | None = None,
    expected_revision: int | None = None,
) -> ChangeSet:
    """Approve a maintenance: the next version of each maintained layer, in one transaction.

    Each new version holds the base version's features with the change set
    applied, legal status 现行 from ``approval_date``, and ``approval_document``.

    Raises
    ------
    ConflictError
        ``maintenance.already_approved``; ``maintenance.blocked`` when error findings
        remain; ``version.stale`` when a layer has a newer version than the draft's
        base; ``record.stale`` when the record changed meanwhile (a concurrent approval).
    """
    changes, revision = get_maintenance(store, key)
    _editable(changes)
    if expected_revision is not None and expected_revision != revision:
        raise ConflictError("record.stale", kind=RECORD_KIND, key=key, expected=expected_revision, actual=revision)
    if not approval_document.strip():
        raise InvalidInputError("maintenance.approval_required")
    result = _evaluate(store, changes, params or MaintenanceParams.for_jurisdiction(changes.jurisdiction))
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if errors:
        raise ConflictError("maintenance.blocked", key=key, errors=len(errors), rules=",".join(f.rule for f in errors))
    with audited(
        store,
        actor=actor,
        action="maintenance.approve",
        target=_target(key),
        inputs={"key": key, "approval_document": approval_document, "approval_date": approval_date.isoformat()},
    ) as event:
        versions: dict[str, int] = {}
        for kind, (name, version) in changes.layers.items():
            polygons = _polygons(changes, kind)
            if not polygons:
                continue
            after = apply_changes(store.read_features(name, version), polygons)
            created = store.add_version(
                name,
                after,
                legal_status=LegalStatus.IN_FORCE,
                effective_date=approval_date,
                approval_document=approval_document,
                note=f"动态维护 {key}",
                findings=[f.to_dict() for f in result.findings if f.severity is not Severity.INFO],
                expected_parent=version,
            )
            versions[name] = created.version
        approved = replace(
            changes,
            status=MaintenanceStatus.APPROVED,
            approval_document=approval_document,
            approval_date=approval_date,
            versions_after=versions,
            findings=tuple(f.to_dict() for f in result.findings),
        )
        record = _save(store, approved, expected_revision=revision)
        event.before = {"versions": dict(changes.layers.values())}
        event.after = {"versions": versions}
        event.result = {"revision": record.revision}
    logger.info("approved maintenance %s: %s", key, versions)
    return approved


def _change_data(changes: ChangeSet, kind: str, crs: int) -> VectorData:
    items = [i for i in changes.items if i.layer == kind and i.geometry_wkb is not None]
    geoms = np.array([shapely.from_wkb(i.geometry_wkb) for i in items], dtype=object)
    attrs = [
        {
            "WHLX": i.kind.whlx,
            "WHLY": i.whly,
            "JDZBLY": i.jdzbly or "",
            "WHBH": i.whbh,
            "KZBSHSLX": i.kzbshslx or "",
            "BZ": i.note,
        }
        for i in items
    ]
    return VectorData(
        geometries=geoms,
        attributes=attrs,
        crs=crs,
        feature_ids=tuple(i.item_id for i in items),
        fields=("WHLX", "WHLY", "JDZBLY", "WHBH", "KZBSHSLX", "BZ"),
        ellipsoidal_m2=np.array([float(i.area_m2) for i in items], dtype=np.float64),
    )


def _before_after(store: Store, changes: ChangeSet, kind: str) -> tuple[VectorData, VectorData]:
    name, version = changes.layers[kind]
    before = store.read_features(name, version)
    if name in changes.versions_after:
        return before, store.read_features(name, changes.versions_after[name])
    return before, apply_changes(before, _polygons(changes, kind))


def package(
    store: Store,
    key: str,
    out_dir: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("gdb", "gpkg"),
    ysdm: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the national exchange package (WHQ/WHH/WHC per maintained layer) as FileGDB and GeoPackage.

    Raises
    ------
    InvalidInputError
        ``maintenance.nothing_to_package`` for a maintenance without change polygons.
    """
    changes, _ = get_maintenance(store, key)
    layers: list[PackageLayer] = []
    for kind in changes.layers:
        if not any(i.layer == kind and i.geometry_wkb is not None for i in changes.items):
            continue
        before, after = _before_after(store, changes, kind)
        lk = layer_kind(kind)
        layers.append(
            PackageLayer(
                abbreviation=lk.abbreviation,
                ysdm=(ysdm or {}).get(kind) or lk.ysdm or "",
                before=before,
                after=after,
                changes=_change_data(changes, kind, before.crs),
            )
        )
    if not layers:
        raise InvalidInputError("maintenance.nothing_to_package", key=key)
    try:
        name = store.get_jurisdiction(changes.jurisdiction).name
    except NotFoundError:
        name = ""
    return write_package(
        layers, out_dir, xzqdm=changes.jurisdiction, xzqmc=name, year=changes.year, formats=formats, overwrite=overwrite
    )


@dataclass(frozen=True)
class MaintenanceMaps:
    """Geometries for the report's maps, per layer kind: the layer before, after, 调出 and 调入 polygons."""

    crs: int | None
    before: dict[str, list[Any]]
    after: dict[str, list[Any]]
    removed: dict[str, list[Any]]
    added: dict[str, list[Any]]
    jurisdiction: Any


def maps_data(store: Store, changes: ChangeSet) -> MaintenanceMaps:
    """Collect the shapely geometries the maintenance report draws."""
    before: dict[str, list[Any]] = {}
    after: dict[str, list[Any]] = {}
    removed: dict[str, list[Any]] = {}
    added: dict[str, list[Any]] = {}
    crs: int | None = None
    for kind in changes.layers:
        b, a = _before_after(store, changes, kind)
        crs = b.crs
        before[kind] = list(b.geometries)
        after[kind] = list(a.geometries)
        items = [i for i in changes.items if i.layer == kind and i.geometry_wkb is not None]
        removed[kind] = [shapely.from_wkb(i.geometry_wkb) for i in items if i.kind is ChangeKind.REMOVED]
        added[kind] = [shapely.from_wkb(i.geometry_wkb) for i in items if i.kind is ChangeKind.ADDED]
    shape = _jurisdiction_shape(store, changes.jurisdiction, crs) if crs is not None else None
    return MaintenanceMaps(crs, before, after, removed, added, shape)
