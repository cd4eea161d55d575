"""Quality checks of a one-map layer: geometry, topology, attributes and areas, as findings.

:func:`check_layer` runs every check over a :class:`~guotu.geo.vector.VectorData`
and returns :class:`QualityFinding` records: a stable code, a severity (``error``
blocks an import; ``warning`` is stored with the version and the service decides),
a message in Chinese and English from the catalogue, the feature (index and id),
the field when one is concerned, and a location (a point and a bounding box, in the
layer's CRS). A finding is data, never an exception (CONVENTIONS.md, Errors).

===========================  ==============  ===================================================
code                         severity        what
===========================  ==============  ===================================================
qc.empty_geometry            error           NULL or empty geometry
qc.geometry_unreadable       error           WKB the reader could not parse (reader note)
qc.invalid_geometry          error           ``shapely.is_valid_reason``, located where it says
qc.degenerate_part           error           an empty or zero-area part in a MultiPolygon
qc.duplicate_geometry        error / warning identical geometry (after normalisation) as another
qc.overlap                   error / warning interiors overlap by more than ``tolerance_m2``
qc.gap                       error           a hole in the union of a layer that must tile
qc.sliver                    warning         area < ``tolerance_m2`` or mean width < ``sliver_width_m``
qc.required_field_missing    error           a field of ``kind.required`` is absent
qc.required_value_missing    error           a required value is NULL or blank
qc.code_not_text             error           a class code stored as a number (leading zeros lost)
qc.domain_value              error           a class code unknown in its scheme
qc.area_mismatch             warning         MJ/TBMJ differ from the ellipsoidal area by
                                             more than max(0.1 %, 1 m²)
qc.area_not_numeric          warning         MJ/TBMJ holds no number
qc.* reader notes            warning         encoding guessed, Z/M dropped, curves linearised,
                                             CRS overridden, id field unusable … (``source["warnings"]``)
===========================  ==============  ===================================================

"error / warning": an error in layers that must tile (``kind.tiles``), a warning in
others (control lines may overlap each other). Overlays and gaps run on valid
geometries only: overlay on invalid input is never attempted (RELIABILITY.md §5.1).

Areas are ellipsoidal (DOMAIN.md §5, :func:`guotu.geo.area.ellipsoidal_area`); the
mean width of a polygon is 2 × area / perimeter, with the perimeter measured in a
Gauss-Krüger plane. Everything is vectorised. GEOS's coverage validator flags the
polygons with an edge out of place (inside another polygon, or unmatched); only
those and their STRtree neighbours go through exact overlay for overlaps, and gaps
are the holes of a coverage union (exact union for the flagged part).

Examples
--------
>>> import numpy as np, shapely
>>> from guotu.domain.layers import layer_kind
>>> from guotu.geo.vector import VectorData
>>> squares = np.array([shapely.MultiPolygon([shapely.box(39_500_000 + x, 4_400_000, 39_500_100 + x, 4_400_100)])
...                     for x in (0, 50)])
>>> layer = VectorData(squares, [{"BSM": "1"}, {"BSM": "2"}], 4527, ("1", "2"), ("BSM",))
>>> [(f.code, f.severity.value, f.feature_id) for f in check_layer(layer, layer_kind("custom"))]
[('qc.overlap', 'warning', '1')]
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from guotu.catalogue import message
from guotu.domain.classification import GTKJ2023, SURVEY, get_class
from guotu.domain.findings import Severity
from guotu.domain.layers import LayerKind
from guotu.errors import GuotuError, NotFoundError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.crs import GEOGRAPHIC_EPSG, epsg_for, get_transformer, zone_for_longitude
from guotu.geo.vector import VectorData

__all__ = ["AREA_FIELDS", "CLASS_SCHEMES", "QualityFinding", "check_layer"]

#: Area fields checked against the geometry when ``area_field`` is not given, in this order.
AREA_FIELDS: Final = ("TBMJ", "MJ")
#: The classification scheme of each class field (DOMAIN.md §3, §4). 规划分区 codes (GHFQDM)
#: differ between provinces and ship with no scheme: pass ``scheme=`` to check them.
CLASS_SCHEMES: Final = {"YDYHFLDM": GTKJ2023, "DLBM": SURVEY}
#: 三调 marks 可调整地类 with a K after the code (0201K 可调整果园): accepted when the code is.
_SURVEY_ADJUSTABLE: Final = "K"
_RELATIVE_AREA_TOLERANCE: Final = 0.001
_ABSOLUTE_AREA_TOLERANCE_M2: Final = 1.0
_LOCATION: Final = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)")
_POLYGONAL: Final = (3, 6)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclasses.dataclass(frozen=True)
class QualityFinding:
    """One problem found in a layer.

    Parameters
    ----------
    code
        Stable code (``qc.invalid_geometry`` …), the catalogue key of the messages.
    severity
        ``error`` (blocks an import) or ``warning``.
    message_zh, message_en
        The catalogue text, filled in.
    index
        Position of the feature in the layer (None for a finding about the layer).
    feature_id
        The feature's id (``VectorData.feature_ids``).
    field
        The attribute concerned, if any.
    point
        A point of the problem (x, y in the layer's CRS): where GEOS located an
        invalidity, or a point inside an overlap, a gap or the feature.
    bbox
        Bounding box of the problem (xmin, ymin, xmax, ymax).
    params
        The values in the messages (areas, other feature, reason …), as data.
    """

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    index: int | None = None
    feature_id: str | None = None
    field: str | None = None
    point: tuple[float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form (for the rejection report of RELIABILITY.md R-36)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "index": self.index,
            "feature_id": self.feature_id,
            "field": self.field,
            "point": list(self.point) if self.point else None,
            "bbox": list(self.bbox) if self.bbox else None,
            "params": {k: _plain(v) for k, v in self.params.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class _Collector:
    """Builds findings with their messages and locations."""

    def __init__(self, data: VectorData, geoms: npt.NDArray[np.object_]) -> None:
        self.data = data
        self.geoms = geoms
        self.findings: list[QualityFinding] = []

    def add(
        self,
        code: str,
        severity: Severity,
        index: int | None = None,
        *,
        field: str | None = None,
        point: tuple[float, float] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        where: Any = None,
        **params: Any,
    ) -> None:
        feature_id = self.data.feature_ids[index] if index is not None else None
        if where is None and index is not None:
            where = self.geoms[index]
        if where is not None and not shapely.is_empty(where):
            if bbox is None:
                bbox = _bounds(where)
            if point is None:
                point = _point(where)
        text = {"id": feature_id if feature_id is not None else "-", "index": index, "field": field, **params}
        self.findings.append(
            QualityFinding(
                code=code,
                severity=severity,
                message_zh=message(code, "zh", **text),
                message_en=message(code, "en", **text),
                index=index,
                feature_id=feature_id,
                field=field,
                point=point,
                bbox=bbox,
                params=params,
            )
        )


def _bounds(geom: Any) -> tuple[float, float, float, float] | None:
    values = [float(v) for v in shapely.bounds(geom)]
    if not all(math.isfinite(v) for v in values):
        return None
    return values[0], values[1], values[2], values[3]


def _point(geom: Any) -> tuple[float, float] | None:
    try:
        point = shapely.point_on_surface(geom) if shapely.is_valid(geom) else shapely.centroid(geom)
    except shapely.errors.GEOSException:
        return None
    if point is None or shapely.is_empty(point):
        return None
    return float(point.x), float(point.y)


def _m2(value: float) -> str:
    return f"{value:.2f}"


# ---------------------------------------------------------------------------
# geometry


def _reader_notes(out: _Collector) -> set[int]:
    """Turn the reader's notes into findings; return the features whose geometry was unreadable."""
    unreadable: set[int] = set()
    for note in out.data.source.get("warnings", ()):
        params = {k: v for k, v in note.items() if k not in ("code", "index")}
        if isinstance(params.get("samples"), list | tuple):
            params["samples"] = "、".join(str(s) for s in params["samples"])
        index = note.get("index")
        severity = Severity.ERROR if note["code"] == "qc.geometry_unreadable" else Severity.WARNING
        if index is not None and note["code"] == "qc.geometry_unreadable":
            unreadable.add(int(index))
        out.add(note["code"], severity, index, field=params.pop("field", None), **params)
    return unreadable


def _check_validity(out: _Collector, present: IntArray) -> IntArray:
    """Report invalid and non-polygonal geometries; return the valid polygonal ones."""
    geoms = out.geoms[present]
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL)
    for i in present[~polygonal]:
        out.add("qc.invalid_geometry", Severity.ERROR, int(i), reason=f"{out.geoms[i].geom_type} is not a polygon")
    valid = polygonal.copy()
    valid[polygonal] = shapely.is_valid(geoms[polygonal])
    bad = present[polygonal & ~valid]
    if bad.size:
        for i, reason in zip(bad, shapely.is_valid_reason(out.geoms[bad]), strict=True):
            match = _LOCATION.search(str(reason))
            point = (float(match.group(1)), float(match.group(2))) if match else None
            out.add("qc.invalid_geometry", Severity.ERROR, int(i), point=point, reason=str(reason))
    return present[valid]


def _check_parts(out: _Collector, valid: IntArray) -> None:
    parts, owner = shapely.get_parts(out.geoms[valid], return_index=True)
    if not len(parts):
        return
    degenerate = shapely.is_empty(parts) | (shapely.area(parts) <= 0.0)
    if degenerate.any():
        counts = np.bincount(owner[degenerate], minlength=len(valid))
        for k in np.flatnonzero(counts):
            out.add("qc.degenerate_part", Severity.ERROR, int(valid[k]), count=int(counts[k]))


def _metric(geoms: npt.NDArray[np.object_], epsg: int) -> npt.NDArray[np.object_]:
    """Project geographic geometries to a Gauss-Krüger plane (projected ones are returned as they are)."""
    if epsg != GEOGRAPHIC_EPSG or not len(geoms):
        return geoms
    xmin, _, xmax, _ = shapely.total_bounds(geoms)
    zone = epsg_for(zone_for_longitude((xmin + xmax) / 2), prefixed=False)
    transformer = get_transformer(GEOGRAPHIC_EPSG, zone)

    def project(xy: FloatArray) -> FloatArray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    result: npt.NDArray[np.object_] = shapely.transform(geoms, project)
    return result


def _check_slivers(
    out: _Collector, valid: IntArray, areas: FloatArray, tolerance_m2: float, sliver_width_m: float
) -> None:
    perimeters = shapely.length(_metric(out.geoms[valid], out.data.crs))
    widths = np.divide(2 * areas, perimeters, out=np.zeros_like(areas), where=perimeters > 0)
    slivers = (areas < tolerance_m2) | (widths < sliver_width_m)
    for k in np.flatnonzero(slivers):
        out.add("qc.sliver", Severity.WARNING, int(valid[k]), area=_m2(areas[k]), width=f"{widths[k]:.3f}")


def _check_duplicates(out: _Collector, valid: IntArray, severity: Severity) -> set[tuple[int, int]]:
    keys = shapely.to_wkb(shapely.normalize(out.geoms[valid]))
    first: dict[bytes, int] = {}
    pairs: set[tuple[int, int]] = set()
    for i, key in zip(valid.tolist(), keys, strict=True):
        j = first.setdefault(key, i)
        if j != i:
            pairs.add((j, i))
            out.add("qc.duplicate_geometry", severity, i, other_id=out.data.feature_ids[j], other_index=j)
    return pairs


class _Topology:
    """The valid polygons, their union, and the polygons that may overlap others.

    Fast path: a coverage union (GEOS CoverageUnion, linear in the edges) that is
    valid and whose area equals the sum of the polygons' areas proves that nothing
    overlaps; its holes are the gaps. Otherwise GEOS's CoverageValidator flags the
    polygons with an edge out of place (inside another polygon, or unmatched), and
    only those and their STRtree neighbours go through exact overlay, which is far
    faster than a DE-9IM predicate over every touching pair of a tiling layer.
    """

    def __init__(self, geoms: npt.NDArray[np.object_], crs: int, tolerance_m2: float) -> None:
        self.geoms = geoms
        self.union: Any = None
        self.flagged = np.zeros(0, dtype=np.int64)
        self._pairs: IntArray | None = None
        if not len(geoms):
            return
        try:
            union = shapely.coverage_union_all(geoms)
            excess = float(shapely.area(geoms).sum()) - float(shapely.area(union))
            if shapely.is_valid(union) and excess <= _planar_tolerance(geoms, crs, tolerance_m2):
                self.union = union
                return
        except shapely.errors.GEOSException:
            pass  # incorrectly noded: overlaps or unmatched vertices; see below
        try:
            edges = shapely.coverage_invalid_edges(geoms)
            self.flagged = np.flatnonzero(~shapely.is_empty(edges))
        except shapely.errors.GEOSException:  # pragma: no cover - valid input should not fail
            self.flagged = np.arange(len(geoms))

    def pairs(self) -> IntArray:
        """Pairs (i < j, indices into ``geoms``) of flagged polygons and the polygons they intersect."""
        if self._pairs is not None:
            return self._pairs
        result: IntArray = np.zeros((2, 0), dtype=np.int64)
        if self.flagged.size:
            tree = shapely.STRtree(self.geoms)
            found = tree.query(self.geoms[self.flagged], predicate="intersects")
            pairs = np.sort(np.vstack([self.flagged[found[0]], found[1]]), axis=0)
            pairs = pairs[:, pairs[0] != pairs[1]]
            if pairs.size:
                result = np.unique(pairs, axis=1)
        self._pairs = result
        return result

    def union_all(self) -> Any:
        """Union of the polygons: a coverage union of the clean ones, exact overlay for the rest."""
        if self.union is not None:
            return self.union
        dirty = np.zeros(len(self.geoms), dtype=bool)
        dirty[self.flagged] = True
        dirty[self.pairs().ravel()] = True
        parts = []
        if (~dirty).any():
            parts.append(shapely.coverage_union_all(self.geoms[~dirty]))
        if dirty.any():
            parts.append(shapely.union_all(self.geoms[dirty]))
        self.union = shapely.union_all(np.array(parts, dtype=object)) if len(parts) > 1 else parts[0]
        return self.union


def _planar_tolerance(geoms: npt.NDArray[np.object_], crs: int, tolerance_m2: float) -> float:
    """``tolerance_m2`` in the CRS's square units (degrees² for EPSG:4490, near the layer's latitude)."""
    if crs != GEOGRAPHIC_EPSG:
        return tolerance_m2
    _, ymin, _, ymax = shapely.total_bounds(geoms)
    metres_per_degree = 111_320.0
    return tolerance_m2 / (metres_per_degree**2 * max(math.cos(math.radians((ymin + ymax) / 2)), 0.1))


def _intersections(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    try:
        result: npt.NDArray[np.object_] = shapely.intersection(a, b)
        return result
    except shapely.errors.GEOSException:  # robustness failure somewhere: go pair by pair
        pieces = np.empty(len(a), dtype=object)
        for k, (left, right) in enumerate(zip(a, b, strict=True)):
            try:
                pieces[k] = shapely.intersection(left, right)
            except shapely.errors.GEOSException:
                pieces[k] = shapely.MultiPolygon()
        return pieces


def _check_overlaps(
    out: _Collector,
    valid: IntArray,
    topology: _Topology,
    duplicates: set[tuple[int, int]],
    tolerance_m2: float,
    severity: Severity,
) -> None:
    """Report overlaps above the tolerance (duplicates are reported as such, not again here)."""
    pairs = topology.pairs()
    if not pairs.size:
        return
    a, b = valid[pairs[0]], valid[pairs[1]]
    keep = np.array([(int(i), int(j)) not in duplicates for i, j in zip(a, b, strict=True)], dtype=bool)
    a, b = a[keep], b[keep]
    if not a.size:
        return
    polygons = _polygonal(_intersections(out.geoms[a], out.geoms[b]))
    areas = np.zeros(len(a))
    has_area = ~shapely.is_empty(polygons)
    if has_area.any():
        areas[has_area] = ellipsoidal_area(polygons[has_area], out.data.crs, max_segment_m=None)
    for k in np.flatnonzero(areas > tolerance_m2):
        out.add(
            "qc.overlap",
            severity,
            int(a[k]),
            where=polygons[k],
            other_id=out.data.feature_ids[int(b[k])],
            other_index=int(b[k]),
            area=_m2(areas[k]),
        )


def _polygonal(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Keep the polygonal parts of each geometry, as a MultiPolygon (empty when none)."""
    result = np.empty(len(geoms), dtype=object)
    for k, geom in enumerate(geoms):
        if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
            result[k] = geom
            continue
        polygons = [
            polygon
            for part in shapely.get_parts(geom)
            for polygon in shapely.get_parts(part)
            if isinstance(polygon, shapely.Polygon) and not polygon.is_empty
        ]
        result[k] = shapely.MultiPolygon(polygons)
    return result


def _check_gaps(out: _Collector, topology: _Topology, tolerance_m2: float) -> None:
    if not len(topology.geoms):
        return
    union = topology.union_all()
    holes = [
        shapely.Polygon(ring)
        for polygon in shapely.get_parts(union)
        if isinstance(polygon, shapely.Polygon)
        for ring in polygon.interiors
    ]
    if not holes:
        return
    gaps = np.array(holes, dtype=object)
    areas = ellipsoidal_area(gaps, out.data.crs, max_segment_m=None)
    for k in np.flatnonzero(areas > tolerance_m2):
        out.add("qc.gap", Severity.ERROR, None, where=gaps[k], area=_m2(areas[k]))


# ---------------------------------------------------------------------------
# attributes


def _find_field(fields: Iterable[str], name: str) -> str | None:
    fields = list(fields)
    if name in fields:
        return name
    folded = name.casefold()
    return next((f for f in fields if f.casefold() == folded), None)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_required(out: _Collector, kind: LayerKind) -> None:
    for name in kind.required:
        found = _find_field(out.data.fields, name)
        if found is None:
            out.add("qc.required_field_missing", Severity.ERROR, None, field=name)
            continue
        for i, row in enumerate(out.data.attributes):
            if _blank(row.get(found)):
                out.add("qc.required_value_missing", Severity.ERROR, i, field=found)


def _valid_code(code: str, scheme: str, cache: dict[str, bool]) -> bool:
    if code not in cache:
        candidates = [code]
        if scheme == SURVEY and code.upper().endswith(_SURVEY_ADJUSTABLE) and len(code) > 1:
            candidates.append(code[:-1])
        ok = False
        for candidate in candidates:
            try:
                get_class(candidate, scheme)
                ok = True
                break
            except NotFoundError:
                continue
        cache[code] = ok
    return cache[code]


def _check_domain(out: _Collector, kind: LayerKind, scheme: str | None) -> None:
    if kind.class_field is None:
        return
    name = _find_field(out.data.fields, kind.class_field)
    scheme = scheme or CLASS_SCHEMES.get(kind.class_field.upper())
    if name is None or scheme is None:
        return
    cache: dict[str, bool] = {}
    for i, row in enumerate(out.data.attributes):
        value = row.get(name)
        if _blank(value):
            continue  # the required check reports it
        if not isinstance(value, str):
            out.add("qc.code_not_text", Severity.ERROR, i, field=name, value=value)
        elif not _valid_code(value.strip(), scheme, cache):
            out.add("qc.domain_value", Severity.ERROR, i, field=name, value=value, scheme=scheme)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(Decimal(value.strip()))
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _check_area_field(out: _Collector, valid: IntArray, areas: FloatArray, area_field: str | None) -> None:
    name = None
    if area_field is not None:
        name = _find_field(out.data.fields, area_field)
    else:
        name = next((f for f in (_find_field(out.data.fields, c) for c in AREA_FIELDS) if f is not None), None)
    if name is None:
        return
    for k, i in enumerate(valid.tolist()):
        value = out.data.attributes[i].get(name)
        if value is None:
            continue
        stated = _number(value)
        if stated is None:
            out.add("qc.area_not_numeric", Severity.WARNING, i, field=name, value=value)
            continue
        computed = float(areas[k])
        difference = abs(stated - computed)
        if difference > max(_RELATIVE_AREA_TOLERANCE * computed, _ABSOLUTE_AREA_TOLERANCE_M2):
            out.add(
                "qc.area_mismatch",
                Severity.WARNING,
                i,
                field=name,
                stated=_m2(stated),
                computed=_m2(computed),
                difference=_m2(difference),
            )


# ---------------------------------------------------------------------------
# public


def check_layer(
    data: VectorData,
    kind: LayerKind,
    *,
    tolerance_m2: float = 0.01,
    area_field: str | None = None,
    scheme: str | None = None,
    sliver_width_m: float = 0.1,
) -> list[QualityFinding]:
    """Check a layer's geometry, topology, attributes and areas.

    Parameters
    ----------
    data
        The layer, as :func:`guotu.io.read_vector` returns it (its
        ``source["warnings"]`` become findings too).
    kind
        The layer's kind: required attributes, class field, whether it must tile.
    tolerance_m2
        Overlaps and gaps up to this area (m², ellipsoidal) are ignored; features
        smaller than this are slivers.
    area_field
        The field holding the stated area in m² (default: TBMJ, then MJ, if present).
    scheme
        Classification scheme of the class field, when :data:`CLASS_SCHEMES` has none
        (规划分区 codes, for instance).
    sliver_width_m
        Features whose mean width (2 × area / perimeter) is below this are slivers.

    Returns
    -------
    list of QualityFinding
        Sorted errors first, then by feature index.
    """
    geoms = np.asarray(data.geometries, dtype=object)
    out = _Collector(data, geoms)
    unreadable = _reader_notes(out)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        if int(i) not in unreadable:
            out.add("qc.empty_geometry", Severity.ERROR, int(i))
    present = np.flatnonzero(~missing).astype(np.int64)
    valid = _check_validity(out, present)
    _check_parts(out, valid)
    try:
        areas = ellipsoidal_area(geoms[valid], data.crs) if valid.size else np.zeros(0)
    except GuotuError:  # coordinates outside the CRS: the reader refuses those; be safe here
        areas = np.full(valid.size, np.nan)
    severity = Severity.ERROR if kind.tiles else Severity.WARNING
    _check_slivers(out, valid, areas, tolerance_m2, sliver_width_m)
    duplicates = _check_duplicates(out, valid, severity)
    topology = _Topology(geoms[valid], data.crs, tolerance_m2)
    _check_overlaps(out, valid, topology, duplicates, tolerance_m2, severity)
    if kind.tiles:
        _check_gaps(out, topology, tolerance_m2)
    _check_required(out, kind)
    _check_domain(out, kind, scheme)
    _check_area_field(out, valid, areas, area_field)
    return sorted(
        out.findings,
        key=lambda f: (f.severity.rank, f.index if f.index is not None else -1, f.code),
    )
