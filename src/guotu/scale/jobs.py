"""The jobs, engine-neutral: what to compute, the per-partition work, and the exact sum of partial tables.

A job is data (:class:`TabulateJob`, :class:`DiffJob`, :class:`StatsJob`); an engine
(:mod:`guotu.scale.engine`) partitions the inputs and runs the partition functions of
this module on its workers, then adds the partial tables with :func:`combine_areas` /
:func:`combine_diff`. The partition functions call guotu's own overlay engine —
:func:`guotu.geo.overlay.tabulate_intersection`, :func:`guotu.geo.diff.diff_versions`,
:func:`guotu.geo.overlay.intersection_areas`, :func:`guotu.geo.area.ellipsoidal_area` —
so a distributed figure comes from the same code as the single-machine one.

No feature is counted twice or lost: every feature belongs to exactly one partition
(the engine assigns it by the Hilbert key of its bounding-box centre, or by a code
such as the district); zones are broadcast whole to every partition, so a feature is overlaid with
every zone it touches exactly as on one machine. For the diff, a
partition also reads, from its neighbours, the features whose bounding box meets one
of its own (the *halo*): the diff then sees everything that overlaps its own
features, and keeps only the change polygons it owns (调出 by the before feature,
调入 and 属性变更 by the after feature).

Partial tables are added per cell with :func:`math.fsum` (correctly rounded, so the
result does not depend on the order partitions finish); official rounding (公顷,
亩) happens once, on the totals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from guotu.domain.layers import ChangeKind
from guotu.errors import InvalidInputError
from guotu.geo.area import ellipsoidal_area, official_area, planar_area
from guotu.geo.diff import diff_versions
from guotu.geo.overlay import AREA_KINDS, ZoneLayer, cross_zones, intersection_areas, tabulate_intersection
from guotu.geo.vector import VectorData
from guotu.scale.inputs import ZoneSet

__all__ = [
    "AreaRow",
    "AreaTable",
    "DiffJob",
    "DiffRow",
    "DiffTable",
    "StatsJob",
    "TabulateJob",
    "ZoneSpec",
    "combine_areas",
    "combine_diff",
    "crossed_zones",
    "official_figures",
]

GeomArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]

#: Joins district and zone identifiers in a crossed zone layer (a character no code holds).
SEPARATOR: Final = "\x1f"
#: Decimals of the official figures: 公顷 with 4, 亩 with 2 (as ``guotu area``).
_HECTARE_DECIMALS: Final = 4
_MU_DECIMALS: Final = 2
_KIND_ORDER: Final = {ChangeKind.ADDED: 1, ChangeKind.ATTRIBUTE: 2, ChangeKind.REMOVED: 3}


# ---------------------------------------------------------------------------
# jobs


@dataclass(frozen=True)
class ZoneSpec:
    """A zone layer file and its identifier field (XZQDM for districts, GHFQDM for 规划分区 …)."""

    path: Path
    field: str
    layer: str | None = None


def _check_area(area: str) -> None:
    if area not in AREA_KINDS:
        raise InvalidInputError("input.option_invalid", option="area", value=area, choices=", ".join(AREA_KINDS))


@dataclass(frozen=True)
class TabulateJob:
    """Tabulate-intersection of a GeoParquet layer: area by district × zone × class.

    At least one of ``zones`` and ``districts`` is needed; with both, the zones are
    crossed with the districts (:func:`guotu.geo.overlay.cross_zones`).
    """

    layer: Path
    class_field: str | None
    zones: ZoneSpec | None = None
    districts: ZoneSpec | None = None
    area: str = "ellipsoidal"
    area_field: str | None = None
    crs: str | None = None
    validate: str = "overlay"

    def __post_init__(self) -> None:
        _check_area(self.area)
        if self.zones is None and self.districts is None:
            raise InvalidInputError("scale.no_zones")


@dataclass(frozen=True)
class StatsJob:
    """Area statistics of a GeoParquet layer: area and feature count by class (and district)."""

    layer: Path
    class_field: str | None = None
    districts: ZoneSpec | None = None
    area: str = "ellipsoidal"
    area_field: str | None = None
    crs: str | None = None

    def __post_init__(self) -> None:
        _check_area(self.area)


@dataclass(frozen=True)
class DiffJob:
    """Version diff of two GeoParquet layers: 调入 / 调出 / 属性变更 areas by class (and district).

    ``id_field`` (标识码 BSM) matches features across versions; ``compare_fields``
    (default: the class field) decide 属性变更. Areas are ellipsoidal (official), as
    :func:`guotu.geo.diff.diff_versions` computes them.
    """

    before: Path
    after: Path
    id_field: str
    class_field: str | None = None
    districts: ZoneSpec | None = None
    compare_fields: tuple[str, ...] = ()
    crs: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The attributes read and compared (class field first)."""
        names = [self.class_field] if self.class_field else []
        names += [f for f in self.compare_fields if f not in names]
        return tuple(names)


# ---------------------------------------------------------------------------
# results


def official_figures(area_m2: float) -> tuple[Decimal, Decimal]:
    """Return the official 公顷 (4 decimals) and 亩 (2 decimals) of a summed area: the only rounding step."""
    value = max(area_m2, 0.0)
    return (
        official_area(value, "公顷", decimals=_HECTARE_DECIMALS),
        official_area(value, "亩", decimals=_MU_DECIMALS),
    )


def _official(area_m2: float) -> dict[str, str]:
    hectares, mu = official_figures(area_m2)
    return {"公顷": str(hectares), "亩": str(mu)}


@dataclass(frozen=True)
class AreaRow:
    """One cell: the area of a class in a district and zone (None where the job has no such key)."""

    district: str | None
    zone: str | None
    class_code: str | None
    area_m2: float
    feature_count: int

    @property
    def hectares(self) -> Decimal:
        """The official figure in 公顷 (4 decimals), rounded once from the summed m²."""
        return official_figures(self.area_m2)[0]


@dataclass(frozen=True)
class AreaTable:
    """The result of a tabulate or stats job.

    Attributes
    ----------
    job
        ``tabulate`` or ``stats``.
    area_kind
        ``ellipsoidal`` (official) or ``planar``.
    epsg
        CRS of the layer.
    rows
        Rows sorted by district, zone, class.
    features
        Features read.
    partitions
        Partitions computed.
    engine
        The engine that computed it (``dask``, ``local``).
    seconds
        Wall time.
    """

    job: str
    area_kind: str
    epsg: int
    rows: tuple[AreaRow, ...]
    features: int
    partitions: int = 1
    engine: str = "local"
    seconds: float = 0.0

    def total(self) -> float:
        """Sum of all rows, m² (fsum)."""
        return math.fsum(r.area_m2 for r in self.rows)

    def cells(self) -> dict[tuple[str | None, str | None, str | None], tuple[float, int]]:
        """Rows keyed by (district, zone, class)."""
        return {(r.district, r.zone, r.class_code): (r.area_m2, r.feature_count) for r in self.rows}

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: job, area kind, EPSG, rows (with official 公顷 / 亩 figures) and the total."""
        total = self.total()
        return {
            "job": self.job,
            "area_kind": self.area_kind,
            "epsg": self.epsg,
            "features": self.features,
            "partitions": self.partitions,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "rows": [
                {
                    "district": r.district,
                    "zone": r.zone,
                    "class": r.class_code,
                    "area_m2": r.area_m2,
                    "feature_count": r.feature_count,
                    **_official(r.area_m2),
                }
                for r in self.rows
            ],
            "total": {"area_m2": total, **_official(total)},
        }


@dataclass(frozen=True)
class DiffRow:
    """Area of one kind of change for one class transition (and district)."""

    kind: ChangeKind
    class_before: str | None
    class_after: str | None
    district: str | None
    area_m2: float
    count: int


@dataclass(frozen=True)
class DiffTable:
    """The result of a diff job: summaries by class (and district), feature counts, totals.

    ``features`` holds ``added``, ``removed``, ``modified`` and ``unchanged`` feature counts.
    """

    epsg: int
    by_class: tuple[DiffRow, ...]
    by_district: tuple[DiffRow, ...]
    features: dict[str, int] = field(default_factory=dict)
    partitions: int = 1
    engine: str = "local"
    seconds: float = 0.0

    def total(self, kind: ChangeKind | str) -> float:
        """Total area (m²) of one kind of change."""
        wanted = ChangeKind(kind)
        return math.fsum(r.area_m2 for r in self.by_class if r.kind is wanted)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape, as :meth:`guotu.geo.diff.DiffResult.to_dict` plus official figures."""

        def row(r: DiffRow) -> dict[str, Any]:
            return {
                "kind": r.kind.value,
                "whlx": r.kind.whlx,
                "class_before": r.class_before,
                "class_after": r.class_after,
                "district": r.district,
                "area_m2": r.area_m2,
                "count": r.count,
                **_official(r.area_m2),
            }

        return {
            "job": "diff",
            "area_kind": "ellipsoidal",
            "epsg": self.epsg,
            "features": dict(self.features),
            "partitions": self.partitions,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "totals": {kind.value: {"area_m2": self.total(kind), **_official(self.total(kind))} for kind in ChangeKind},
            "by_class": [row(r) for r in self.by_class],
            "by_district": [row(r) for r in self.by_district],
        }


# ---------------------------------------------------------------------------
# partial tables and their exact sum

#: A partial area table: key → (area m², count).
Partial = dict[tuple[Any, ...], tuple[float, int]]


def _sum_partials(parts: Iterable[Partial]) -> dict[tuple[Any, ...], tuple[float, int]]:
    areas: dict[tuple[Any, ...], list[float]] = {}
    counts: dict[tuple[Any, ...], int] = {}
    for part in parts:
        for key, (area, count) in part.items():
            areas.setdefault(key, []).append(area)
            counts[key] = counts.get(key, 0) + count
    return {key: (math.fsum(values), counts[key]) for key, values in areas.items()}


def _text_key(value: str | None) -> str:
    return "" if value is None else value


def combine_areas(
    parts: Iterable[tuple[int, Partial]],
    *,
    job: str,
    area_kind: str,
    epsg: int,
    partitions: int,
    engine: str,
    seconds: float = 0.0,
) -> AreaTable:
    """Add partial tables ``(features, {(district, zone, class): (area, count)})`` into one table."""
    items = list(parts)
    cells = _sum_partials(p for _, p in items)
    keys = sorted(cells, key=lambda k: tuple(_text_key(v) for v in k))
    rows = tuple(AreaRow(k[0], k[1], k[2], cells[k][0], cells[k][1]) for k in keys)
    return AreaTable(job, area_kind, epsg, rows, sum(n for n, _ in items), partitions, engine, seconds)


@dataclass(frozen=True)
class DiffPartial:
    """A partition's share of a diff: areas by (kind, before, after) and by (… , district)."""

    by_class: Partial
    by_district: Partial
    changes: int = 0


def combine_diff(
    parts: Iterable[DiffPartial],
    *,
    epsg: int,
    features: Mapping[str, int],
    partitions: int,
    engine: str,
    seconds: float = 0.0,
) -> DiffTable:
    """Add the partitions' diff summaries (the order of :func:`guotu.geo.diff.diff_versions`)."""
    items = list(parts)

    def rows(cells: dict[tuple[Any, ...], tuple[float, int]]) -> tuple[DiffRow, ...]:
        def order(key: tuple[Any, ...]) -> tuple[Any, ...]:
            return (_KIND_ORDER[ChangeKind(key[0])], key[3] or "", key[1] or "", key[2] or "")

        return tuple(
            DiffRow(ChangeKind(k[0]), k[1], k[2], k[3], cells[k][0], cells[k][1]) for k in sorted(cells, key=order)
        )

    return DiffTable(
        epsg=epsg,
        by_class=rows(_sum_partials(p.by_class for p in items)),
        by_district=rows(_sum_partials(p.by_district for p in items)),
        features=dict(features),
        partitions=partitions,
        engine=engine,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------
# zones


def crossed_zones(zones: ZoneSet | None, districts: ZoneSet | None) -> ZoneSet:
    """One zone set whose ids are ``district␟zone`` (either part empty when absent)."""
    if zones is not None and districts is not None:
        crossed = cross_zones(
            [
                ZoneLayer("district", districts.geometries(), districts.ids),
                ZoneLayer("zone", zones.geometries(), zones.ids),
            ],
            separator=SEPARATOR,
        )
        geoms = np.asarray(crossed.geometries, dtype=object)
        return ZoneSet("district×zone", tuple(shapely.to_wkb(geoms).tolist()), tuple(crossed.ids), zones.epsg)
    if districts is not None:
        return ZoneSet(districts.name, districts.wkb, tuple(f"{i}{SEPARATOR}" for i in districts.ids), districts.epsg)
    if zones is not None:
        return ZoneSet(zones.name, zones.wkb, tuple(f"{SEPARATOR}{i}" for i in zones.ids), zones.epsg)
    raise InvalidInputError("scale.no_zones")


def _split(zone_id: str) -> tuple[str | None, str | None]:
    district, _, zone = zone_id.partition(SEPARATOR)
    return district or None, zone or None


# ---------------------------------------------------------------------------
# partition functions (run on the workers; the frames are geopandas GeoDataFrames)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType"


def labels(values: Iterable[Any]) -> npt.NDArray[np.object_]:
    """Attribute values as text (None for nulls): how every engine compares classes and codes."""
    return np.array([None if _missing(v) else str(v) for v in values], dtype=object)


def frame_geometries(frame: Any) -> GeomArray:
    """Return the shapely geometries of a GeoDataFrame partition."""
    return np.asarray(frame.geometry.values, dtype=object)


def _areas_column(frame: Any, field: str | None) -> FloatArray | None:
    if field is None:
        return None
    return np.asarray(frame[field].to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _zones_for(zones: ZoneSet, geoms: GeomArray) -> tuple[GeomArray, list[str]]:
    """All the zones, or none when no zone's bounding box meets the partition's.

    The zones are passed whole, never filtered to the partition: the engine settles a
    cut feature's last piece by the union of the zones, so a subset of zones could
    split the same feature (to ~1e-6 of its area) differently from the single-machine run.
    """
    zone_geoms = zones.geometries()
    xmin, ymin, xmax, ymax = (float(v) for v in shapely.total_bounds(geoms))
    if not shapely.STRtree(zone_geoms).query(shapely.box(xmin, ymin, xmax, ymax)).size:
        return zone_geoms[:0], []
    return zone_geoms, list(zones.ids)


@dataclass(frozen=True)
class TabulateTask:
    """What a tabulate partition needs besides its features and zones."""

    epsg: int
    class_field: str | None
    area: str = "ellipsoidal"
    area_field: str | None = None
    validate: str = "overlay"


def tabulate_partition(frame: Any, zones: ZoneSet, task: TabulateTask) -> tuple[int, Partial]:
    """Tabulate one partition against the zones (bbox-filtered): ``(features, {(district, zone, class): …})``."""
    geoms = frame_geometries(frame)
    if geoms.size == 0:
        return 0, {}
    classes = labels(frame[task.class_field].tolist()) if task.class_field else np.full(geoms.size, None)
    zone_geoms, zone_ids = _zones_for(zones, geoms)
    if not zone_ids:
        return int(geoms.size), {}
    table = tabulate_intersection(
        geoms,
        classes,
        zone_geoms,
        zone_ids,
        epsg=task.epsg,
        area=task.area,  # type: ignore[arg-type]
        feature_areas=_areas_column(frame, task.area_field),
        validate=task.validate,  # type: ignore[arg-type]
    )
    part: Partial = {}
    for row in table.rows():
        district, zone = _split(row.zone)
        key = (district, zone, row.class_code or None)
        area, count = part.get(key, (0.0, 0))
        part[key] = (area + row.area_m2, count + row.feature_count)
    return int(geoms.size), part


def feature_areas(geoms: GeomArray, epsg: int, area: str) -> FloatArray:
    """Per-feature area: official ellipsoidal (:func:`guotu.geo.area.ellipsoidal_area`) or planar."""
    if area == "planar":
        return planar_area(geoms)
    return ellipsoidal_area(geoms, epsg)


def stats_partition(frame: Any, task: TabulateTask) -> tuple[int, Partial]:
    """Area and count by class of one partition's features (no zones): ``(features, {(None, None, class): …})``."""
    geoms = frame_geometries(frame)
    if geoms.size == 0:
        return 0, {}
    given = _areas_column(frame, task.area_field)
    areas = given if given is not None else feature_areas(geoms, task.epsg, task.area)
    classes = labels(frame[task.class_field].tolist()) if task.class_field else np.full(geoms.size, None)
    part: Partial = {}
    for code, value in zip(classes.tolist(), areas.tolist(), strict=True):
        key = (None, None, code)
        area, count = part.get(key, (0.0, 0))
        part[key] = (area + value, count + 1)
    return int(geoms.size), part


@dataclass(frozen=True)
class DiffTask:
    """What a diff partition needs besides its features."""

    epsg: int
    id_field: str
    fields: tuple[str, ...]
    class_field: str | None


def frame_layer(frames: Sequence[Any], task: DiffTask) -> VectorData:
    """Build a :class:`VectorData` of one version from partition frames (own first, then halo)."""
    geoms = [frame_geometries(f) for f in frames]
    ids: list[str] = []
    columns: dict[str, list[Any]] = {name: [] for name in task.fields}
    for f in frames:
        raw_ids = labels(f[task.id_field].tolist())
        if any(i is None for i in raw_ids.tolist()):
            raise InvalidInputError("scale.id_missing", field=task.id_field)
        ids.extend(raw_ids.tolist())
        for name in task.fields:
            columns[name].extend(labels(f[name].tolist()).tolist())
    attributes = [dict(zip(task.fields, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    if not task.fields:
        attributes = [{} for _ in ids]
    return VectorData(
        geometries=np.concatenate(geoms) if geoms else np.zeros(0, dtype=object),
        attributes=attributes,
        crs=task.epsg,
        feature_ids=tuple(ids),
        fields=task.fields,
    )


def halo(frame: Any, own: Sequence[Any]) -> Any:
    """Return the rows of a neighbour partition whose bounding box meets that of an own feature."""
    if len(frame) == 0:
        return frame
    own_geoms = np.concatenate([frame_geometries(f) for f in own]) if own else np.zeros(0, dtype=object)
    if own_geoms.size == 0:
        return frame.iloc[0:0]
    boxes = shapely.box(*shapely.bounds(own_geoms).T)
    candidates = shapely.box(*shapely.bounds(frame_geometries(frame)).T)
    hits, _ = shapely.STRtree(boxes).query(candidates, predicate="intersects")
    return frame.iloc[np.unique(hits)]


def diff_partition(
    own_before: Any,
    own_after: Any,
    halo_before: Sequence[Any],
    halo_after: Sequence[Any],
    task: DiffTask,
    districts: ZoneSet | None,
) -> DiffPartial:
    """Diff one partition (own features plus halo) and keep the change polygons it owns."""
    before = frame_layer([own_before, *halo_before], task)
    after = frame_layer([own_after, *halo_after], task)
    if len(before) == 0 and len(after) == 0:
        return DiffPartial({}, {})
    own_b = set(before.feature_ids[: len(own_before)])
    own_a = set(after.feature_ids[: len(own_after)])
    result = diff_versions(before, after, class_field=task.class_field, compare_fields=task.fields or None)
    owned = [
        c for c in result.changes if (c.feature_id in own_b if c.kind is ChangeKind.REMOVED else c.feature_id in own_a)
    ]
    keys = [
        (
            c.kind.value,
            c.attributes_before.get(task.class_field) if task.class_field and c.attributes_before else None,
            c.attributes_after.get(task.class_field) if task.class_field and c.attributes_after else None,
        )
        for c in owned
    ]
    by_class: Partial = {}
    for key, change in zip(keys, owned, strict=True):
        area, count = by_class.get((*key, None), (0.0, 0))
        by_class[(*key, None)] = (area + change.area_m2, count + 1)
    by_district: Partial = {}
    if districts is not None and owned:
        pieces = np.asarray(shapely.from_wkb(np.array([c.geometry_wkb for c in owned], dtype=object)), dtype=object)
        zone_geoms, zone_ids = _zones_for(districts, pieces)
        if zone_ids:
            parts = intersection_areas(
                pieces, zone_geoms, epsg=task.epsg, feature_areas=np.array([c.area_m2 for c in owned])
            )
            for f, z, value in zip(parts.feature.tolist(), parts.zone.tolist(), parts.area_m2.tolist(), strict=True):
                cell = (*keys[f], zone_ids[z])
                area, count = by_district.get(cell, (0.0, 0))
                by_district[cell] = (area + value, count + 1)
    return DiffPartial(by_class, by_district, len(owned))
