"""Parcel compliance review (合规性审查) against the store: the one map in force, the plan, the rules.

:func:`review_parcel` reviews one parcel on a date against every layer version in
force then (``store.get_version(layer, as_of=date)``), the year's supply plan
(quota left = planned − supplied − already approved reviews) and the policy rules,
and stores the review (record kind ``review``) with its inputs — the parcel's WKB,
its attributes, the parameters — the data versions (layer, version, content hash)
and rule versions it used, its findings and conclusion, in one audited transaction.
:func:`rerun_review` computes a stored review again from exactly those inputs and
versions and says whether the result is the same. :func:`review_layer` checks a
whole submitted plan layer (一张图核对) feature by feature, with a summary of the
conflicts by type and area.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import shapely

from guotu.domain.findings import Finding, Severity
from guotu.domain.jurisdiction_data import find_jurisdiction
from guotu.domain.jurisdictions import Level
from guotu.domain.layers import Control, LayerVersionInfo, layer_kind
from guotu.domain.review import (
    Conclusion,
    LayerResult,
    ParcelAttributes,
    PlanCheck,
    Relation,
    Review,
    ReviewParams,
    evaluate,
    official,
)
from guotu.errors import ConflictError, GuotuError, InvalidInputError, NotFoundError
from guotu.geo.crs import resolve_crs
from guotu.geo.review import (
    LayerData,
    VersionIndex,
    check_parcel,
    overlap_layer,
    parcel_summary,
    to_crs,
    version_index,
)
from guotu.io.parcels import ParcelInput, parcels_from_vector, read_parcels
from guotu.services.audit import audited
from guotu.store.base import LayerInfo, Record, Store

__all__ = [
    "APPROVED",
    "KIND",
    "SUBMITTED",
    "LayerReview",
    "MapLayerData",
    "ReviewParams",
    "approve_review",
    "get_review",
    "list_reviews",
    "locate_district",
    "map_data",
    "rerun_review",
    "resolve_crs",
    "review_layer",
    "review_parcel",
]

logger = logging.getLogger(__name__)

#: Record kind of a stored review.
KIND: Final = "review"
#: Statuses of a stored review.
SUBMITTED: Final = "已提交"
APPROVED: Final = "已通过"
RETURNED: Final = "已退回"

ParcelLike = str | os.PathLike[str] | ParcelInput | Any


# --------------------------------------------------------------------------- inputs


def _parcel_input(parcel: ParcelLike, crs: int | None, parcel_id: str | None) -> ParcelInput:
    if isinstance(parcel, ParcelInput):
        return parcel
    if isinstance(parcel, str | os.PathLike):
        found = read_parcels(Path(parcel), crs=crs)
        if parcel_id is not None:
            chosen = [p for p in found if parcel_id in (p.id, p.name)]
            if not chosen:
                raise InvalidInputError("review.parcel_not_found", path=str(parcel), parcel=parcel_id)
            return chosen[0]
        if len(found) > 1:
            raise InvalidInputError("review.several_parcels", path=str(parcel), count=len(found))
        return found[0]
    if isinstance(parcel, bytes):
        parcel = shapely.from_wkb(parcel)
    if crs is None:
        raise InvalidInputError("review.crs_missing")
    return ParcelInput(geometry=parcel, crs=crs, id=parcel_id)


def _attributes(attrs: ParcelAttributes | Mapping[str, Any] | None, parcel: ParcelInput) -> ParcelAttributes:
    if isinstance(attrs, ParcelAttributes):
        return attrs
    given = dict(attrs or {})
    given.setdefault("use", parcel.use)
    if given.get("declared_area_ha") is None and parcel.declared_area_ha is not None:
        given["declared_area_ha"] = parcel.declared_area_ha
    if not given.get("parcel_id") and parcel.id:
        given["parcel_id"] = parcel.id
    if not given.get("name") and parcel.name:
        given["name"] = parcel.name
    return ParcelAttributes.build(**given)


# --------------------------------------------------------------------------- layers in force


def _ancestors(store: Store, code: str) -> list[str]:
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        try:
            current = store.get_jurisdiction(current).parent
        except NotFoundError:
            try:
                current = find_jurisdiction(str(current)).parent
            except NotFoundError:
                break
    return chain


def _applies(store: Store, info: LayerInfo, district: str | None, chain: list[str]) -> bool:
    """Tell whether a layer covers the parcel's district: no jurisdiction, the district, an ancestor or a descendant."""
    if district is None or info.jurisdiction is None or info.jurisdiction in chain:
        return True
    return district in _ancestors(store, info.jurisdiction)


@dataclass(frozen=True)
class _Version:
    info: LayerInfo
    version: LayerVersionInfo


def _in_force(
    store: Store, on: date, district: str | None, params: ReviewParams
) -> tuple[dict[str, list[_Version]], dict[str, str]]:
    """Layer versions in force on ``on`` per reviewed kind, and why a kind has none."""
    kinds = [r.kind for r in params.layer_rules]
    chain = _ancestors(store, district) if district else []
    found: dict[str, list[_Version]] = {k: [] for k in kinds}
    why: dict[str, str] = dict.fromkeys(kinds, "库中无该类图层")
    for info in store.list_layers():
        if info.kind not in found or info.latest_version is None:
            continue
        if not _applies(store, info, district, chain):
            why[info.kind] = f"区县 {district} 无该类图层"
            continue
        try:
            version = store.get_version(info.name, as_of=on)
        except NotFoundError:
            why[info.kind] = f"图层 {info.name} 在 {on.isoformat()} 无现行版本"
            continue
        found[info.kind].append(_Version(info, version))
    return found, why


def _class_field(kind: str) -> str | None:
    return layer_kind(kind).class_field


def _layer_data(store: Store, item: _Version, bbox: tuple[float, float, float, float] | None) -> LayerData:
    kind = layer_kind(item.info.kind)
    data = store.read_features(item.info.name, item.version.version, bbox=bbox)
    field_name = kind.class_field
    values = None
    if field_name is not None:
        values = [None if a.get(field_name) in (None, "") else str(a.get(field_name)) for a in data.attributes]
    return LayerData(
        kind=kind.id,
        geometries=data.geometries,
        feature_ids=data.feature_ids,
        values=values,
        crs=data.crs,
        layer=item.info.name,
        version=item.version.version,
        content_hash=item.version.content_hash,
        legal_status=item.version.legal_status.value,
        effective_date=None if item.version.effective_date is None else item.version.effective_date.isoformat(),
        tiles=kind.tiles,
    )


def _bbox_in(geom: Any, epsg: int, target: int) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(to_crs(geom, epsg, target)))
    return (x0, y0, x1, y1)


def _overlaps(
    store: Store,
    parcel: ParcelInput,
    parcel_m2: float,
    versions: dict[str, list[_Version]],
    why: dict[str, str],
    params: ReviewParams,
    *,
    indexes: dict[tuple[str, int], VersionIndex] | None = None,
) -> list[LayerResult]:
    results: list[LayerResult] = []
    for layer_rule in params.layer_rules:
        items = versions.get(layer_rule.kind, [])
        if not items:
            results.append(
                LayerResult(
                    kind=layer_rule.kind, relation=Relation.NO_DATA, parcel_m2=parcel_m2, note=why[layer_rule.kind]
                )
            )
            continue
        for item in items:
            index = None if indexes is None else indexes.get((item.info.name, item.version.version))
            if index is not None:
                data = index.data
            else:
                data = _layer_data(store, item, _bbox_in(parcel.geometry, parcel.crs, item.version.crs))
            results.append(
                overlap_layer(parcel.geometry, parcel.crs, data, layer_rule, parcel_m2=parcel_m2, index=index)
            )
    return results


# --------------------------------------------------------------------------- plan check


def _plan_check(
    store: Store, attrs: ParcelAttributes, parcel_m2: float, on: date, jurisdiction: str | None
) -> PlanCheck | None:
    if attrs.year is None:
        return None
    parcel_ha = official(parcel_m2, "公顷", 4)
    try:
        from guotu.services.plan_versions import plan_in_force
        from guotu.services.supply import structure_of, supplied_totals
    except ImportError as err:  # pragma: no cover - the plan modules are part of the package
        return PlanCheck(available=False, year=attrs.year, note=f"供应计划模块缺失：{err}")
    candidates = [jurisdiction] if jurisdiction else (_ancestors(store, attrs.district) if attrs.district else [])
    version = None
    code = None
    for code in candidates:
        try:
            version = plan_in_force(store, code, attrs.year, on)
        except GuotuError:
            version = None
        if version is not None:
            break
    if version is None or code is None:
        return PlanCheck(
            available=False,
            year=attrs.year,
            district=attrs.district,
            parcel_ha=parcel_ha,
            note=f"{'、'.join(candidates) or '—'} 在 {on.isoformat()} 无现行的 {attrs.year} 年度供应计划",
        )
    structure = structure_of(version)
    category = next((c for u in attrs.use_codes if (c := structure.category_for(u)) is not None), None)
    district = attrs.district if attrs.district != version.jurisdiction else None
    plan_name = f"{version.jurisdiction}:{version.year}:v{version.version}"
    figures = version.plan.figures
    listed = {f.parcel for f in figures if f.parcel}
    in_list = None if not listed else bool({attrs.parcel_id, attrs.name} & listed)
    if category is None:
        return PlanCheck(
            available=True,
            year=attrs.year,
            district=district,
            category=None,
            plan=plan_name,
            parcel_ha=parcel_ha,
            in_list=in_list,
            note="计划中无该用途对应的用地类别",
        )
    totals = structure.planned_totals()
    if district is not None and not any(k[0] == category.label and k[1] is not None for k in totals):
        district = None  # the plan has no district layout for this category: the jurisdiction's quota counts
    planned = totals.get((category.label, district))
    supplied = supplied_totals(store, version.jurisdiction, attrs.year, until=on).get((category.label, district))
    approved = _approved_ha(store, version.jurisdiction, attrs.year, category.label, district)
    return PlanCheck(
        available=True,
        year=attrs.year,
        district=district,
        category=category.label,
        plan=plan_name,
        planned_ha=planned,
        supplied_ha=supplied or Decimal(0),
        approved_ha=approved,
        parcel_ha=parcel_ha,
        in_list=in_list,
    )


def _approved_ha(store: Store, jurisdiction: str, year: int, category: str, district: str | None) -> Decimal:
    total = Decimal(0)
    for record in store.list_records(KIND, year=year, status=APPROVED):
        check = record.data.get("review", {}).get("plan_check") or {}
        plan = str(check.get("plan") or "")
        if plan.split(":")[0] != jurisdiction or check.get("category") != category:
            continue
        if district is not None and check.get("district") != district:
            continue
        total += Decimal(str(check.get("parcel_ha") or 0))
    return total


# --------------------------------------------------------------------------- one parcel


def review_parcel(
    store: Store,
    parcel: ParcelLike,
    attrs: ParcelAttributes | Mapping[str, Any] | None = None,
    *,
    on: date | None = None,
    actor: str = "library",
    save: bool = True,
    params: ReviewParams | None = None,
    crs: int | None = None,
    parcel_id: str | None = None,
    jurisdiction: str | None = None,
) -> Review:
    """Review one parcel on ``on`` (default today) and store the review.

    Parameters
    ----------
    store
        The store holding the one map (and the plans, supply records, reviews).
    parcel
        A parcel file (GeoJSON, zipped shapefile, GeoPackage, DXF, 界址点 TXT), a
        :class:`guotu.io.parcels.ParcelInput`, or a shapely geometry / WKB with ``crs``.
    attrs
        :class:`ParcelAttributes`, or a mapping of its ``build`` arguments (values
        missing there are taken from the file: use, declared area, id, name).
    on
        The review date: the layer versions and the plan in force that day.
    actor
        Who asks (``cli:<user>``, ``web:<user>``).
    save
        Store the review (kind ``review``, status 已提交) with its audit event.
    params
        The review parameters (default :class:`ReviewParams`).
    crs, parcel_id
        The geometry's EPSG code; which parcel of a multi-parcel file.
    jurisdiction
        The plan's jurisdiction (default: the district, then its ancestors).

    Raises
    ------
    InvalidInputError, GeometryError, CRSError
        Bad parcel files or geometries (with the location of the problem), bad attributes.
    """
    params = params or ReviewParams()
    on = on or date.today()
    source = _parcel_input(parcel, crs, parcel_id)
    check_parcel(source.geometry, source.crs)
    attributes = _attributes(attrs, source)
    if attributes.district is None:
        located = locate_district(store, source.geometry, source.crs)
        if located is not None:
            attributes = replace(attributes, district=located)
    summary = parcel_summary(source.geometry, source.crs, source.source)
    versions, why = _in_force(store, on, attributes.district, params)
    layers = _overlaps(store, source, summary.area_m2, versions, why, params)
    plan = _plan_check(store, attributes, summary.area_m2, on, jurisdiction)
    findings, conclusion = evaluate(attributes, summary.area_m2, layers, params, plan)
    review = Review(
        review_date=on,
        parcel=summary,
        attributes=attributes,
        layers=tuple(layers),
        findings=tuple(findings),
        conclusion=conclusion,
        params=params,
        plan=plan,
    )
    if not save:
        return review
    return _save(store, review, source, actor)


#: Most specific first: the district of a parcel is the smallest unit whose boundary holds it.
_LEVEL_RANK: Final = {Level.TOWNSHIP: 0, Level.ZONE: 1, Level.COUNTY: 2, Level.CITY: 3, Level.PROVINCE: 4}


def locate_district(store: Store, geometry: Any, crs: int) -> str | None:
    """Return the most specific jurisdiction whose stored boundary contains the parcel, or None.

    A parcel drawn on the map or read from a file often comes without its district;
    the review then takes it from the boundaries in the store (a point on the
    parcel's surface, in the boundary's CRS), so that the layers' coverage and the
    plan in force are those of the right district.
    """
    point = shapely.point_on_surface(geometry)
    best: tuple[int, str] | None = None
    for unit in store.list_jurisdictions():
        found = store.jurisdiction_boundary(unit.code)
        if found is None:
            continue
        wkb, boundary_crs = found
        try:
            here = to_crs(point, crs, boundary_crs)
        except GuotuError:  # a boundary in a CRS the parcel cannot be compared with
            continue
        if shapely.contains(shapely.from_wkb(wkb), here):
            rank = (_LEVEL_RANK.get(Level(unit.level), 9), unit.code)
            best = rank if best is None or rank < best else best
    return None if best is None else best[1]


def _save(store: Store, review: Review, source: ParcelInput, actor: str) -> Review:
    key = f"{review.review_date:%Y%m%d}-{uuid.uuid4().hex[:10]}"
    stored = replace(review, id=key, status=SUBMITTED, actor=actor, created_at=datetime.now(UTC).isoformat())
    wkb = shapely.to_wkb(source.geometry)
    data = {
        "review": stored.to_dict(),
        "inputs": {"parcel_wkb": wkb.hex(), "crs": source.crs, "source": dict(source.source)},
    }
    attrs = review.attributes
    with audited(
        store,
        actor=actor,
        action="review.create",
        target=f"{KIND}:{key}",
        inputs={
            "attributes": attrs.to_dict(),
            "review_date": review.review_date.isoformat(),
            "source": {k: str(v) for k, v in source.source.items()},
        },
    ) as event:
        store.put_record(
            KIND,
            key,
            data,
            jurisdiction=attrs.district,
            year=attrs.year,
            status=SUBMITTED,
            geometry=wkb,
            crs=source.crs,
            expected_revision=None,
        )
        event.result = {"id": key, "conclusion": review.conclusion.value, "findings": len(review.findings)}
    logger.info("review %s: %s", key, review.conclusion.value)
    return stored


# --------------------------------------------------------------------------- stored reviews


def _record(store: Store, review_id: str) -> Record:
    found = store.find_record(KIND, review_id)
    if found is None:
        raise NotFoundError("review.not_found", id=review_id)
    return found


def _from_record(record: Record) -> Review:
    raw = record.data["review"]
    params = ReviewParams.from_dict(raw["params"])
    attrs = ParcelAttributes.from_dict(raw["attributes"])
    wkb = bytes.fromhex(record.data["inputs"]["parcel_wkb"])
    crs = int(record.data["inputs"]["crs"])
    summary = parcel_summary(shapely.from_wkb(wkb), crs, record.data["inputs"].get("source"))
    layers = tuple(LayerResult.from_dict(r, summary.area_m2) for r in raw["layers"])
    findings = tuple(
        Finding(
            rule=f["rule"],
            severity=Severity(f["severity"]),
            message_zh=f["message_zh"],
            message_en=f["message_en"],
            evidence=dict(f["evidence"]),
            figures=tuple(f.get("figures", ())),
            legal_source=f["legal_source"],
        )
        for f in raw["findings"]
    )
    return Review(
        review_date=date.fromisoformat(raw["review_date"]),
        parcel=summary,
        attributes=attrs,
        layers=layers,
        findings=findings,
        conclusion=Conclusion(raw["conclusion"]),
        params=params,
        plan=None if raw.get("plan_check") is None else PlanCheck.from_dict(raw["plan_check"]),
        id=record.key,
        status=record.status,
        actor=raw.get("actor"),
        created_at=raw.get("created_at"),
    )


def get_review(store: Store, review_id: str) -> tuple[Review, dict[str, Any]]:
    """Return a stored review, and its stored JSON (the contract) with the record's current status."""
    record = _record(store, review_id)
    raw = dict(record.data["review"])
    raw["status"] = record.status
    return _from_record(record), raw


def list_reviews(
    store: Store, *, district: str | None = None, year: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Short descriptions of the stored reviews (id, date, conclusion, status, parcel)."""
    out = []
    for record in store.list_records(KIND, jurisdiction=district, year=year, status=status):
        raw = record.data["review"]
        out.append(
            {
                "id": record.key,
                "review_date": raw["review_date"],
                "conclusion": raw["conclusion"],
                "status": record.status,
                "use": raw["attributes"]["use"],
                "parcel_id": raw["attributes"].get("parcel_id"),
                "area_ha": raw["parcel"]["area_ha"],
            }
        )
    return out


def rerun_review(store: Store, review_id: str, *, actor: str = "library") -> tuple[Review, bool]:
    """Compute a stored review again from its stored inputs and data versions.

    The layer versions are the stored ones (each checked against its content hash),
    the plan figures those recorded, the parameters those used.

    Returns
    -------
    (Review, bool)
        The new result and whether it is identical to the stored one (layers,
        findings, conclusion).

    Raises
    ------
    NotFoundError
        ``review.not_found``.
    ConflictError
        ``review.version_changed`` when a layer version's content changed.
    """
    record = _record(store, review_id)
    stored = _from_record(record)
    raw = record.data["review"]
    wkb = bytes.fromhex(record.data["inputs"]["parcel_wkb"])
    source = ParcelInput(
        geometry=shapely.from_wkb(wkb), crs=int(record.data["inputs"]["crs"]), source=record.data["inputs"]["source"]
    )
    params = stored.params
    versions: dict[str, list[_Version]] = {r.kind: [] for r in params.layer_rules}
    why: dict[str, str] = {}
    for layer in raw["layers"]:
        if layer["layer"] is None:
            why[layer["kind"]] = layer.get("note", "")
            continue
        info = store.get_layer(layer["layer"])
        version = store.get_version(layer["layer"], int(layer["version"]))
        if version.content_hash != layer["content_hash"]:
            raise ConflictError(
                "review.version_changed",
                layer=layer["layer"],
                version=layer["version"],
                expected=layer["content_hash"][:12],
                actual=version.content_hash[:12],
            )
        versions.setdefault(layer["kind"], []).append(_Version(info, version))
    for kind, items in versions.items():
        if not items:
            why.setdefault(kind, "")
    layers = _overlaps(store, source, stored.parcel.area_m2, versions, why, params)
    findings, conclusion = evaluate(stored.attributes, stored.parcel.area_m2, layers, params, stored.plan)
    again = replace(stored, layers=tuple(layers), findings=tuple(findings), conclusion=conclusion)
    identical = again.outcome() == _stored_outcome(raw)
    with audited(store, actor=actor, action="review.rerun", target=f"{KIND}:{review_id}", inputs={}) as event:
        event.result = {"identical": identical, "conclusion": conclusion.value}
    return again, identical


def _stored_outcome(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "parcel_area_m2": raw["parcel"]["area_m2"],
        "layers": raw["layers"],
        "findings": raw["findings"],
        "conclusion": raw["conclusion"],
    }


def approve_review(store: Store, review_id: str, *, actor: str, approve: bool = True, note: str = "") -> dict[str, Any]:
    """Approve (已通过) or return (已退回) a submitted review; an approved one counts against the plan quota.

    Raises
    ------
    ConflictError
        ``review.not_approvable`` for a 不符合 review, ``review.status_invalid``
        when it is not 已提交, ``record.stale`` on a concurrent change.
    """
    target = APPROVED if approve else RETURNED
    with audited(
        store,
        actor=actor,
        action="review.approve" if approve else "review.return",
        target=f"{KIND}:{review_id}",
        inputs={"note": note},
    ) as event:
        record = _record(store, review_id)
        if record.status != SUBMITTED:
            raise ConflictError("review.status_invalid", id=review_id, status=record.status, target=target)
        conclusion = record.data["review"]["conclusion"]
        if approve and conclusion == Conclusion.NON_COMPLIANT.value:
            raise ConflictError("review.not_approvable", conclusion=conclusion)
        data = dict(record.data)
        data["decision"] = {"status": target, "actor": actor, "note": note, "at": datetime.now(UTC).isoformat()}
        store.put_record(
            KIND,
            review_id,
            data,
            jurisdiction=record.jurisdiction,
            year=record.year,
            status=target,
            geometry=record.geometry,
            crs=record.crs,
            expected_revision=record.revision,
        )
        event.before = {"status": record.status}
        event.after = {"status": target}
    return {"id": review_id, "status": target}


# --------------------------------------------------------------------------- a whole layer (一张图核对)


@dataclass(frozen=True)
class LayerReview:
    """The review of every feature of a submitted layer.

    Attributes
    ----------
    features
        Per feature: id, use, area, conclusion, findings (as dicts).
    summary
        Per conflict type (rule, severity): feature count and area (公顷).
    """

    source: dict[str, Any]
    review_date: date
    features: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    conclusions: dict[str, int]
    data_versions: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "schema": "guotu.review_layer/1",
            "source": {k: str(v) for k, v in self.source.items()},
            "review_date": self.review_date.isoformat(),
            "conclusions": dict(self.conclusions),
            "summary": list(self.summary),
            "features": list(self.features),
            "data_versions": list(self.data_versions),
            "seconds": round(self.seconds, 3),
        }


def review_layer(
    store: Store,
    source: str | os.PathLike[str] | Sequence[ParcelInput],
    *,
    use_field: str | None = None,
    defaults: Mapping[str, Any] | None = None,
    on: date | None = None,
    params: ReviewParams | None = None,
    crs: int | None = None,
    actor: str = "library",
    kinds: Iterable[str] | None = None,
) -> LayerReview:
    """Review every feature of a submitted layer (a 详细规划 layout, a 专项规划 or 村庄规划 layer).

    ``source`` is a file, the name of a layer of the store (its latest version), or
    parcels. Each feature is reviewed like a parcel, with its use read from ``use_field``
    (default: YDYHFLDM, then the file's use field), against the layers in force on
    ``on``; the review is not stored per feature, but the run is audited.
    Features without a readable use are reported with their error.

    Parameters
    ----------
    kinds
        The reference layer kinds (default: every kind of the parameters except
        ``land_use_layout``, which is what is being checked).
    """
    import time

    started = time.perf_counter()
    params = params or ReviewParams()
    wanted = set(kinds) if kinds is not None else {r.kind for r in params.layer_rules} - {"land_use_layout"}
    params = replace(params, layer_rules=tuple(r for r in params.layer_rules if r.kind in wanted))
    on = on or date.today()
    if not isinstance(source, str | os.PathLike):
        parcels = list(source)
        origin: dict[str, Any] = {"features": len(parcels)}
    elif isinstance(source, str) and not Path(source).exists() and _is_layer(store, source):
        stored = store.read_features(source)
        parcels = parcels_from_vector(stored, f"layer:{source}")
        origin = {"layer": source, "version": stored.source.get("version")}
    else:
        parcels = read_parcels(Path(source), crs=crs)
        origin = {"path": str(source)}
    base = dict(defaults or {})
    versions, why = _in_force(store, on, base.get("district"), params)
    indexes: dict[tuple[str, int], VersionIndex] = {}
    for items in versions.values():
        for item in items:
            key = (item.info.name, item.version.version)
            indexes[key] = version_index(
                (item.info.name, item.version.version, item.version.content_hash),
                lambda item=item: _layer_data(store, item, None),  # type: ignore[misc]
            )
    features: list[dict[str, Any]] = []
    totals: dict[tuple[str, str], list[Any]] = {}
    conclusions: dict[str, int] = {}
    for parcel in parcels:
        row: dict[str, Any] = {"id": parcel.id, "name": parcel.name}
        try:
            check_parcel(parcel.geometry, parcel.crs, what=str(parcel.id))
            given = dict(base)
            use = parcel.attributes.get(use_field) if use_field else None
            given["use"] = str(use) if use not in (None, "") else (parcel.use or given.get("use"))
            attrs = _attributes(given, parcel)
            summary = parcel_summary(parcel.geometry, parcel.crs)
            layers = _overlaps(store, parcel, summary.area_m2, versions, why, params, indexes=indexes)
            findings, conclusion = evaluate(attrs, summary.area_m2, layers, params, None)
        except GuotuError as err:
            row.update(conclusion="错误", error=err.code, message=err.message("zh"))
            conclusions["错误"] = conclusions.get("错误", 0) + 1
            features.append(row)
            continue
        row.update(
            use=attrs.use,
            area_ha=str(official(summary.area_m2, "公顷", 4)),
            conclusion=conclusion.value,
            findings=[f.to_dict() for f in findings],
        )
        conclusions[conclusion.value] = conclusions.get(conclusion.value, 0) + 1
        features.append(row)
        for finding in findings:
            if finding.severity is Severity.INFO:
                continue
            entry = totals.setdefault((finding.rule, finding.severity.value), [0, Decimal(0), set()])
            entry[0] += 1
            area = finding.evidence.get("overlap_ha") or finding.evidence.get("area_ha") or "0"
            if finding.rule == "B2":
                area = finding.evidence.get("outside_ha", area)
            try:
                entry[1] += Decimal(str(area))
            except ArithmeticError:
                pass
            entry[2].add(parcel.id)
    summary_rows = [
        {
            "rule": rule_id,
            "severity": severity,
            "findings": count,
            "features": len(ids),
            "area_ha": str(area),
            "area_mu": str(official(float(area) * 10_000, "亩", 2)),
        }
        for (rule_id, severity), (count, area, ids) in sorted(totals.items())
    ]
    data_versions = [
        {"kind": kind, "layer": i.info.name, "version": i.version.version, "content_hash": i.version.content_hash}
        for kind, items in versions.items()
        for i in items
    ]
    result = LayerReview(
        source=origin,
        review_date=on,
        features=features,
        summary=summary_rows,
        conclusions=conclusions,
        data_versions=data_versions,
        seconds=time.perf_counter() - started,
    )
    with audited(store, actor=actor, action="review.layer", target=str(origin), inputs={"on": on.isoformat()}) as ev:
        ev.result = {"features": len(features), "conclusions": conclusions}
    return result


@dataclass(frozen=True)
class MapLayerData:
    """Features of one review layer around the parcel, for report maps (in the parcel's CRS)."""

    kind: str
    layer: str | None
    geometries: list[Any]
    pieces: list[Any]


def map_data(
    store: Store, review: Review, *, margin: float = 0.75
) -> tuple[Any, tuple[float, ...], list[MapLayerData]]:
    """Return the parcel, the map extent and each layer's features around it (stored versions), for reports.

    ``margin`` widens the parcel's bounding box by that share of its larger side on
    every side. Layers without data come back with no geometries.
    """
    if review.parcel.wkb is None:
        raise InvalidInputError("review.crs_missing")
    parcel = shapely.from_wkb(review.parcel.wkb)
    epsg = review.parcel.crs
    x0, y0, x1, y1 = review.parcel.bbox
    pad = max(x1 - x0, y1 - y0, 1e-9) * margin
    extent = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    frame = shapely.box(*extent)
    out: list[MapLayerData] = []
    for result in review.layers:
        if result.layer is None or result.version is None:
            out.append(MapLayerData(result.kind, None, [], []))
            continue
        layer_crs = store.get_version(result.layer, result.version).crs
        bbox = _bbox_in(frame, epsg, layer_crs)
        data = store.read_features(result.layer, result.version, bbox=bbox)
        geoms = [to_crs(g, layer_crs, epsg) for g in data.geometries if g is not None]
        clipped = [g for g in (shapely.clip_by_rect(g, *extent) for g in geoms) if not shapely.is_empty(g)]
        pieces = [p for p in (shapely.intersection(g, parcel) for g in geoms) if shapely.area(p) > 0]
        out.append(MapLayerData(result.kind, result.layer, clipped, pieces))
    return parcel, extent, out


def _is_layer(store: Store, name: str) -> bool:
    try:
        store.get_layer(name)
    except NotFoundError:
        return False
    return True


def control_of(params: ReviewParams, kind: str) -> Control:
    """Return the control of a layer kind under ``params`` (for reports)."""
    return params.layer_rule(kind).control
