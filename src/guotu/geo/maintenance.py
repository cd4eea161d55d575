"""Geometry of a maintenance: change polygons against a layer, their areas, the next version's features.

* :func:`change_areas` — ellipsoidal areas of change polygons (DOMAIN.md §5), as Decimal m²;
* :func:`district_areas` — each polygon's area by district, split exactly at district lines;
* :func:`check_change_polygons` — M4 inside the jurisdiction, M5 a 调出 / 属性变更 overlaps the
  layer, M6 a 调入 does not overlap existing features (findings, never exceptions);
* :func:`apply_changes` — the layer's features after the change set: 调出 cut out of the
  features, 属性变更 parts split off with the new attributes, 调入 added as new features.

Examples
--------
>>> import shapely
>>> from guotu.domain.layers import ChangeKind
>>> layer = VectorData(np.array([shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)], dtype=object),
...                    [{"MJ": 10000.0}], 4527, ("F1",), fields=("MJ",))
>>> out = ChangePolygon("I0001", ChangeKind.REMOVED, shapely.box(39_500_000, 4_400_000, 39_500_050, 4_400_100))
>>> add = ChangePolygon("I0002", ChangeKind.ADDED, shapely.box(39_500_200, 4_400_000, 39_500_250, 4_400_100))
>>> after = apply_changes(layer, [out, add])
>>> after.feature_ids, [round(shapely.area(g)) for g in after.geometries]
(('F1', 'I0002'), [5000, 5000])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from guotu.domain.findings import Finding, Severity
from guotu.domain.layers import ChangeKind
from guotu.domain.maintenance import maintenance_rule
from guotu.errors import GeometryError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.diff import AREA_FIELDS
from guotu.geo.overlay import intersection_areas
from guotu.geo.vector import VectorData

__all__ = ["ChangePolygon", "apply_changes", "change_areas", "check_change_polygons", "district_areas"]


@dataclass(frozen=True)
class ChangePolygon:
    """A change polygon: item id, WHLX kind, geometry (layer CRS), attributes after the change."""

    item_id: str
    kind: ChangeKind
    geometry: BaseGeometry
    attributes: Mapping[str, Any] = field(default_factory=dict)
    feature_id: str | None = None


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of a geometry (intersections may leave lines and points)."""
    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _check_polygons(geoms: Sequence[BaseGeometry]) -> None:
    for i, g in enumerate(geoms):
        if g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeometryError("maintenance.geometry_not_polygon", index=i, type=getattr(g, "geom_type", "None"))
        if not g.is_valid:
            raise GeometryError("maintenance.geometry_invalid", index=i, reason=shapely.is_valid_reason(g))


def change_areas(geoms: Sequence[BaseGeometry], epsg: int) -> list[Decimal]:
    """Ellipsoidal area (m²) of each change polygon, as an exact Decimal of the computed value.

    Raises
    ------
    GeometryError
        ``maintenance.geometry_not_polygon``, ``maintenance.geometry_invalid``.
    """
    _check_polygons(geoms)
    if not geoms:
        return []
    areas = ellipsoidal_area(np.array(geoms, dtype=object), epsg)
    return [Decimal(repr(float(a))) for a in areas]


def district_areas(
    geoms: Sequence[BaseGeometry], districts: VectorData, *, field: str | None = None, epsg: int
) -> list[dict[str, Decimal]]:
    """Area (m², ellipsoidal) of each polygon in each district (district code → m²).

    The pieces are cut exactly at the district lines by the overlay engine.
    """
    if not geoms:
        return []
    codes = [str(a.get(field)) for a in districts.attributes] if field is not None else list(districts.feature_ids)
    parts = intersection_areas(np.array(geoms, dtype=object), districts.geometries, epsg=epsg)
    out: list[dict[str, Decimal]] = [{} for _ in geoms]
    for f, z, area in zip(parts.feature.tolist(), parts.zone.tolist(), parts.area_m2.tolist(), strict=True):
        if area <= 0:
            continue
        cell = out[f]
        cell[codes[z]] = cell.get(codes[z], Decimal(0)) + Decimal(repr(float(area)))
    return out


def _finding(rule_id: str, severity: Severity, zh: str, en: str, **evidence: Any) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message_zh=zh,
        message_en=en,
        evidence={k: str(v) for k, v in evidence.items()},
        legal_source=maintenance_rule(rule_id).legal_source,
    )


def check_change_polygons(
    changes: Sequence[ChangePolygon],
    layer: VectorData,
    *,
    jurisdiction: BaseGeometry | None = None,
    layer_name: str = "",
    tolerance_m2: float = 1.0,
) -> list[Finding]:
    """Check change polygons against the layer before maintenance and the jurisdiction.

    * M4: a polygon's part outside the jurisdiction larger than ``tolerance_m2`` is an error;
    * M5: a 调出 or 属性变更 that does not overlap the layer is an error, one that only
      partly overlaps it a warning (the part outside changes nothing);
    * M6: a 调入 overlapping existing features by more than ``tolerance_m2`` is an error.

    Areas compared here are planar (Gauss-Krüger plane), which is enough for these tests.
    """
    _check_polygons([c.geometry for c in changes])
    findings: list[Finding] = []
    geoms = layer.geometries
    tree = shapely.STRtree(geoms) if len(geoms) else None
    region = None
    if jurisdiction is not None:
        region = jurisdiction
        shapely.prepare(region)
    for change in changes:
        g = change.geometry
        area = float(g.area)
        if region is not None and not region.contains(g):
            outside = float(shapely.difference(g, region).area)
            if outside > tolerance_m2:
                findings.append(
                    _finding(
                        "M4",
                        Severity.ERROR,
                        f"维护图斑 {change.item_id} 有 {outside:.2f} m² 位于行政辖区之外",
                        f"Change {change.item_id}: {outside:.2f} m² lie outside the jurisdiction",
                        item=change.item_id,
                        outside_m2=f"{outside:.2f}",
                    )
                )
        hits = tree.query(g, predicate="intersects") if tree is not None else np.zeros(0, dtype=np.intp)
        overlap = 0.0
        if hits.size:
            overlap = float(sum(shapely.area(shapely.intersection(geoms[hits], g))))
        if change.kind in (ChangeKind.REMOVED, ChangeKind.ATTRIBUTE):
            if overlap <= tolerance_m2:
                findings.append(
                    _finding(
                        "M5",
                        Severity.ERROR,
                        f"{change.kind.value}图斑 {change.item_id} 与图层 {layer_name} 不重叠",
                        f"{change.kind.value} polygon {change.item_id} does not overlap layer {layer_name}",
                        item=change.item_id,
                        overlap_m2=f"{overlap:.2f}",
                    )
                )
            elif area - overlap > tolerance_m2:
                findings.append(
                    _finding(
                        "M5",
                        Severity.WARNING,
                        f"{change.kind.value}图斑 {change.item_id} 有 {area - overlap:.2f} m² 不在图层 {layer_name} 内",
                        f"{change.kind.value} polygon {change.item_id}: {area - overlap:.2f} m² outside layer "
                        f"{layer_name}",
                        item=change.item_id,
                        outside_m2=f"{area - overlap:.2f}",
                    )
                )
        elif change.kind is ChangeKind.ADDED and overlap > tolerance_m2:
            findings.append(
                _finding(
                    "M6",
                    Severity.ERROR,
                    f"调入图斑 {change.item_id} 与图层 {layer_name} 已有要素重叠 {overlap:.2f} m²",
                    f"Addition {change.item_id} overlaps existing features of {layer_name} by {overlap:.2f} m²",
                    item=change.item_id,
                    overlap_m2=f"{overlap:.2f}",
                )
            )
    return findings


def apply_changes(layer: VectorData, changes: Sequence[ChangePolygon], *, sliver_m2: float = 1e-6) -> VectorData:
    """Return the layer's features after the change set (调出, then 属性变更, then 调入).

    Features cut by a 调出 keep their id and attributes; a feature of which only a
    part changes attributes keeps the rest, and the part becomes ``<id>-<item>``;
    a 调入 becomes a new feature with the item's id. Area fields (MJ …) of changed
    and new features are recomputed (ellipsoidal m², 2 decimals).

    Raises
    ------
    GeometryError
        ``maintenance.geometry_not_polygon``, ``maintenance.geometry_invalid``,
        ``maintenance.feature_id_taken`` when a new id is already used.
    """
    _check_polygons([c.geometry for c in changes])
    geoms: list[BaseGeometry | None] = list(layer.geometries)
    attrs: list[dict[str, Any]] = [dict(a) for a in layer.attributes]
    ids: list[str] = list(layer.feature_ids)
    changed: set[int] = set()
    order = {ChangeKind.REMOVED: 0, ChangeKind.ATTRIBUTE: 1, ChangeKind.ADDED: 2}
    for change in sorted(changes, key=lambda c: order[c.kind]):
        g = change.geometry
        if change.kind is ChangeKind.ADDED:
            if change.item_id in ids:
                raise GeometryError("maintenance.feature_id_taken", id=change.item_id)
            geoms.append(g)
            attrs.append(dict(change.attributes))
            ids.append(change.item_id)
            changed.add(len(geoms) - 1)
            continue
        present = np.array([c if c is not None else shapely.Polygon() for c in geoms], dtype=object)
        candidates = np.flatnonzero(shapely.intersects(present, g) & ~shapely.touches(present, g))
        for i in candidates.tolist():
            current = geoms[i]
            assert current is not None
            inside = _polygonal(current.intersection(g))
            if inside.is_empty or inside.area <= sliver_m2:
                continue
            outside = _polygonal(current.difference(g))
            if change.kind is ChangeKind.REMOVED:
                geoms[i] = outside if outside.area > sliver_m2 else None
                changed.add(i)
            elif outside.is_empty or outside.area <= sliver_m2:
                attrs[i] = {**attrs[i], **change.attributes}
                changed.add(i)
            else:
                new_id = f"{ids[i]}-{change.item_id}"
                if new_id in ids:
                    raise GeometryError("maintenance.feature_id_taken", id=new_id)
                geoms[i] = outside
                geoms.append(inside)
                attrs.append({**attrs[i], **change.attributes})
                ids.append(new_id)
                changed.update({i, len(geoms) - 1})
    keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    fields = list(layer.fields)
    for a in attrs:
        fields.extend(k for k in a if k not in fields)
    area_fields = [f for f in fields if f in AREA_FIELDS]
    recompute = [i for i in keep if i in changed]
    if area_fields and recompute:
        areas = ellipsoidal_area(np.array([geoms[i] for i in recompute], dtype=object), layer.crs)
        for i, a in zip(recompute, areas.tolist(), strict=True):
            for name in area_fields:
                attrs[i][name] = round(float(a), 2)
    source = {k: v for k, v in layer.source.items() if k not in ("sha256", "path")}
    return VectorData(
        geometries=np.array([geoms[i] for i in keep], dtype=object),
        attributes=[attrs[i] for i in keep],
        crs=layer.crs,
        feature_ids=tuple(ids[i] for i in keep),
        fields=tuple(fields),
        field_aliases=dict(layer.field_aliases),
        source={**source, "maintenance": True},
    )
