"""The overlay engine: tabulate-intersection of a layer by class × zone, exactly and fast.

:func:`tabulate_intersection` answers "how much of each class lies in each zone":
the 三调 survey by 规划分区, by district, by 永久基本农田 … Each (feature, zone)
overlap is settled by the cheapest step that can prove it (``_overlay_index``):

1. a **boundary grid** sends every feature whose bounding box is clear of all zone
   boundaries to the one zone around it (most of a survey layer, in microseconds);
2. an **STRtree** bulk query and a **covers** test on the prepared zones settle the
   features near a boundary that still lie wholly inside a zone;
3. only the pairs that **cross** a zone boundary are intersected exactly, on zones
   subdivided into pieces of at most ``max_vertices`` vertices.

A feature inside a zone contributes its whole area, computed once (or taken from
``feature_areas``, e.g. TBMJ from the store); only cut pieces have their area
computed. Where the zones cover a cut feature, its pieces are scaled to add up to
the feature's area exactly (平差; the correction is float noise, ~1e-12, for
computed areas, and the rounding of TBMJ for stored ones), so the table adds up
to the layer. Chunks run across processes (``processes``) and streams larger than
memory go through :func:`tabulate_stream`. Areas are float m²; turn them into
official figures with :func:`guotu.geo.area.official_area`.

Several zone layers at once: :func:`tabulate_layers` gives one table per layer
(class × district, class × 规划分区 …); :func:`cross_zones` intersects zone layers
into one (district × 规划分区) for a class × district × zone table.

Examples
--------
Two zones side by side and three features: inside A, across both, inside B.

>>> zones = [shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100),
...          shapely.box(39_500_100, 4_400_000, 39_500_200, 4_400_100)]
>>> features = [shapely.box(39_500_010, 4_400_010, 39_500_020, 4_400_020),
...             shapely.box(39_500_090, 4_400_010, 39_500_120, 4_400_020),
...             shapely.box(39_500_150, 4_400_010, 39_500_160, 4_400_020)]
>>> table = tabulate_intersection(features, ["0101", "0101", "0301"], zones, ["A", "B"],
...                               epsg=4527, area="planar")
>>> for row in table.rows():
...     print(row.zone, row.class_code, round(row.area_m2, 6), row.feature_count)
A 0101 200.0 2
B 0101 200.0 1
B 0301 100.0 1
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import shapely

from guotu.errors import CRSError, InvalidInputError
from guotu.geo._overlay_engine import (
    AreaKind,
    Chunk,
    EngineOptions,
    Job,
    Method,
    PairAreas,
    Validate,
    compute_areas,
    polygonal_pieces,
    run_chunks,
    run_ranges,
)
from guotu.geo._overlay_index import build_index, check_polygons
from guotu.geo.crs import GEOGRAPHIC_EPSG, check_coordinates, is_supported

__all__ = [
    "AREA_KINDS",
    "IntersectionAreas",
    "TabulateRow",
    "Tabulation",
    "ZoneLayer",
    "cross_zones",
    "intersection_areas",
    "tabulate_intersection",
    "tabulate_layers",
    "tabulate_stream",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
GeomArray = npt.NDArray[np.object_]

#: The area kinds: official ellipsoidal area, or planar area in the Gauss-Krüger plane.
AREA_KINDS: Final = ("ellipsoidal", "planar")
_METHODS: Final = ("grid", "covers", "exact")
_VALIDATE: Final = ("overlay", "all", "none")

#: Default features per chunk: small enough to spread over processes and keep
#: temporaries in memory, large enough that per-chunk costs do not show.
DEFAULT_CHUNK_SIZE: Final = 50_000
#: Default vertex limit of the zone pieces used for exact intersections.
DEFAULT_MAX_VERTICES: Final = 64
#: Boundary-grid cell, as a fraction of the features' median bounding-box size.
_CELL_FACTOR: Final = 0.5
_SAMPLE: Final = 10_000

#: A stream chunk: geometries and classes, optionally their areas.
StreamChunk = tuple[Any, Any] | tuple[Any, Any, Any]


# ---------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class TabulateRow:
    """One cell of a tabulation: the area of a class in a zone.

    Attributes
    ----------
    zone
        Zone identifier.
    class_code
        Class of the features (e.g. a DLBM code), as text.
    area_m2
        Area in m² (ellipsoidal or planar, see :attr:`Tabulation.area_kind`).
    feature_count
        Number of features of the class with a positive area in the zone.
    """

    zone: str
    class_code: str
    area_m2: float
    feature_count: int


@dataclass(frozen=True)
class Tabulation:
    """Area by zone × class, as columns sorted by zone then class.

    Attributes
    ----------
    zones, classes
        Zone and class of each row.
    area_m2
        Area of each row, m².
    feature_count
        Features with a positive area in each row.
    area_kind
        ``ellipsoidal`` (official) or ``planar``.
    epsg
        CRS of the input.
    features
        Number of features read.
    seconds
        Wall time of the computation.
    """

    zones: tuple[str, ...]
    classes: tuple[str, ...]
    area_m2: FloatArray
    feature_count: IntArray
    area_kind: str
    epsg: int
    features: int = 0
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.zones)

    def rows(self) -> list[TabulateRow]:
        """Return the rows as :class:`TabulateRow` objects."""
        return [
            TabulateRow(z, c, float(a), int(n))
            for z, c, a, n in zip(self.zones, self.classes, self.area_m2, self.feature_count, strict=True)
        ]

    def by_zone(self) -> dict[str, float]:
        """Total area per zone (m²), zones sorted."""
        totals: dict[str, float] = {}
        for zone, area in zip(self.zones, self.area_m2.tolist(), strict=True):
            totals[zone] = totals.get(zone, 0.0) + area
        return totals

    def by_class(self) -> dict[str, float]:
        """Total area per class (m²), classes sorted."""
        totals: dict[str, float] = {}
        for code, area in sorted(zip(self.classes, self.area_m2.tolist(), strict=True)):
            totals[code] = totals.get(code, 0.0) + area
        return totals

    def total(self) -> float:
        """Total area of all rows (m²)."""
        return float(self.area_m2.sum())

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape: ``{"area_kind", "epsg", "rows": [{"zone", "class", "area_m2", "feature_count"}]}``."""
        return {
            "area_kind": self.area_kind,
            "epsg": self.epsg,
            "rows": [
                {"zone": r.zone, "class": r.class_code, "area_m2": r.area_m2, "feature_count": r.feature_count}
                for r in self.rows()
            ],
        }


class IntersectionAreas(NamedTuple):
    """Area of every (feature, zone) overlap, sorted by feature then zone.

    ``feature`` and ``zone`` are positions in the inputs; pairs without a positive
    overlap are left out.
    """

    feature: IntArray
    zone: IntArray
    area_m2: FloatArray


@dataclass(frozen=True)
class ZoneLayer:
    """A zone layer for :func:`tabulate_layers` and :func:`cross_zones`.

    Attributes
    ----------
    name
        Name of the layer (``district``, ``GHFQ`` …): the key of its table.
    geometries
        Polygons of the zones.
    ids
        Identifier of each zone (a code such as XZQDM or GHFQDM); zones with the
        same identifier are added up.
    """

    name: str
    geometries: Any
    ids: Sequence[Any]


# ---------------------------------------------------------------------------
# input checks


def _geometries(geoms: Any) -> GeomArray:
    array = np.asarray(geoms, dtype=object)
    if array.ndim != 1:
        array = array.reshape(-1)
    return array


def _labels(values: Any, size: int, name: str) -> list[str]:
    labels = ["" if v is None else str(v) for v in values]
    if len(labels) != size:
        raise InvalidInputError("overlay.length_mismatch", name=name, size=len(labels), expected=size)
    return labels


def _class_column(values: Any, size: int) -> Any:
    """Return the classes as given (a numpy array or a list), after checking their number."""
    column = values if isinstance(values, np.ndarray) and values.ndim == 1 else list(values)
    if len(column) != size:
        raise InvalidInputError("overlay.length_mismatch", name="classes", size=len(column), expected=size)
    return column


def _factorize(values: Any) -> tuple[IntArray, list[str]]:
    """Integer codes of the classes and their labels (as text, None as "").

    Text and integer arrays go through ``np.unique`` (iterating a numpy string
    array element by element is ten times slower).
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "USiu":
        unique, inverse = np.unique(values, return_inverse=True)
        return inverse.reshape(-1).astype(np.intp), [str(u) for u in unique.tolist()]
    known: dict[str, int] = {}
    labels = ("" if v is None else str(v) for v in values)
    codes = np.fromiter((known.setdefault(label, len(known)) for label in labels), dtype=np.intp, count=len(values))
    return codes, list(known)


def _check_options(epsg: int, area: str, method: str, validate: str, processes: int, chunk_size: int) -> None:
    if not is_supported(epsg):
        raise CRSError("crs.unsupported", crs=f"EPSG:{epsg}")
    if area not in AREA_KINDS:
        raise InvalidInputError("input.option_invalid", option="area", value=area, choices=", ".join(AREA_KINDS))
    if area == "planar" and epsg == GEOGRAPHIC_EPSG:
        raise InvalidInputError("overlay.planar_geographic", epsg=epsg)
    if method not in _METHODS:
        raise InvalidInputError("input.option_invalid", option="method", value=method, choices=", ".join(_METHODS))
    if validate not in _VALIDATE:
        raise InvalidInputError("input.option_invalid", option="validate", value=validate, choices=", ".join(_VALIDATE))
    if not isinstance(processes, int) or processes < 1:
        raise InvalidInputError("input.option_invalid", option="processes", value=processes, choices="≥ 1")
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidInputError("input.option_invalid", option="chunk_size", value=chunk_size, choices="≥ 1")


def _feature_areas(values: Any, size: int) -> FloatArray | None:
    if values is None:
        return None
    areas = np.asarray(values, dtype=np.float64).reshape(-1)
    if areas.size != size:
        raise InvalidInputError("overlay.length_mismatch", name="feature_areas", size=areas.size, expected=size)
    if not np.isfinite(areas).all() or (areas < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(areas) | (areas < 0))[0])
        raise InvalidInputError("area.invalid_value", value=float(areas[bad]))
    return areas


def _grid_cell(sample: GeomArray) -> float | None:
    """Boundary-grid cell size from the features' typical size (None: no features)."""
    sample = sample[:_SAMPLE]
    sample = sample[~shapely.is_missing(sample)]
    if sample.size == 0:
        return None
    bounds = shapely.bounds(sample)
    size = np.nanmedian(np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]))
    return float(size) * _CELL_FACTOR if math.isfinite(size) and size > 0 else None


# ---------------------------------------------------------------------------
# accumulation


#: Largest zone × class key range counted with a dense bincount.
_DENSE_KEYS: Final = 1 << 22


def _reduce_table(
    pairs: PairAreas, start: int, columns: tuple[Any, ...]
) -> tuple[IntArray, list[str], FloatArray, IntArray]:
    """Per chunk (in the worker): area and feature count by (zone, class label), sparse."""
    (classes,) = columns
    codes, labels = _factorize(classes)
    code = codes[pairs.feature - start]
    width = max(len(labels), 1)
    key = pairs.zone * width + code
    zones = int(pairs.zone.max()) + 1 if pairs.zone.size else 0
    if zones * width <= _DENSE_KEYS:
        area = np.asarray(np.bincount(key, weights=pairs.area, minlength=zones * width), dtype=np.float64)
        count = np.bincount(key, minlength=zones * width)
        used = np.flatnonzero(count)
        area, count = area[used], count[used]
    else:
        used, inverse = np.unique(key, return_inverse=True)
        area = np.asarray(np.bincount(inverse, weights=pairs.area, minlength=used.size), dtype=np.float64)
        count = np.bincount(inverse, minlength=used.size)
    zone, local = np.divmod(used, width)
    return zone.astype(np.intp), [labels[i] for i in local.tolist()], area, count.astype(np.intp)


def _reduce_pairs(pairs: PairAreas, start: int, columns: tuple[Any, ...]) -> PairAreas:
    return pairs


class _Table:
    """Dense zone × class accumulators, grown as classes appear (sums in chunk order)."""

    def __init__(self, zones: int) -> None:
        self.area = np.zeros((zones, 0))
        self.count = np.zeros((zones, 0), dtype=np.intp)
        self.classes: dict[str, int] = {}

    def add(self, part: tuple[IntArray, list[str], FloatArray, IntArray]) -> None:
        zone, labels, area, count = part
        code = np.array([self.classes.setdefault(label, len(self.classes)) for label in labels], dtype=np.intp)
        if len(self.classes) > self.area.shape[1]:
            extra = len(self.classes) - self.area.shape[1]
            self.area = np.pad(self.area, ((0, 0), (0, extra)))
            self.count = np.pad(self.count, ((0, 0), (0, extra)))
        np.add.at(self.area, (zone, code), area)
        np.add.at(self.count, (zone, code), count)

    def result(self, zone_ids: Sequence[str], *, options: EngineOptions, features: int, seconds: float) -> Tabulation:
        labels = list(self.classes)
        totals: dict[tuple[str, str], list[float]] = {}
        for z, c in zip(*np.nonzero(self.count), strict=True):
            key = (zone_ids[int(z)], labels[int(c)])
            cell = totals.setdefault(key, [0.0, 0])
            cell[0] += float(self.area[z, c])
            cell[1] += int(self.count[z, c])
        keys = sorted(totals)
        return Tabulation(
            zones=tuple(k[0] for k in keys),
            classes=tuple(k[1] for k in keys),
            area_m2=np.array([totals[k][0] for k in keys], dtype=np.float64),
            feature_count=np.array([totals[k][1] for k in keys], dtype=np.intp),
            area_kind=options.area,
            epsg=options.epsg,
            features=features,
            seconds=seconds,
        )


@dataclass(frozen=True)
class _Setup:
    options: EngineOptions
    zone_geoms: GeomArray
    zone_ids: list[str]
    max_vertices: int | None


def _setup(
    zone_geoms: Any,
    zone_ids: Any,
    *,
    epsg: int,
    area: str,
    method: str,
    validate: str,
    adjust: bool,
    processes: int,
    chunk_size: int,
    max_vertices: int | None,
) -> _Setup:
    _check_options(epsg, area, method, validate, processes, chunk_size)
    if max_vertices is not None and (not isinstance(max_vertices, int) or max_vertices < 8):
        raise InvalidInputError(
            "input.option_invalid", option="max_vertices", value=max_vertices, choices="≥ 8 or None"
        )
    zones = _geometries(zone_geoms)
    ids = _labels(zone_ids, zones.size, "zone_ids")
    options = EngineOptions(epsg=epsg, area=area, method=method, validate=validate, adjust=adjust)  # type: ignore[arg-type]
    return _Setup(options, zones, ids, max_vertices)


def _report(progress: Callable[[int], None] | None, done: int) -> None:
    if progress is not None:
        progress(done)


# ---------------------------------------------------------------------------
# public functions


def tabulate_intersection(
    geoms: Any,
    classes: Any,
    zone_geoms: Any,
    zone_ids: Any,
    *,
    epsg: int,
    area: AreaKind = "ellipsoidal",
    feature_areas: Any = None,
    processes: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    method: Method = "grid",
    max_vertices: int | None = DEFAULT_MAX_VERTICES,
    validate: Validate = "overlay",
    adjust: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Tabulation:
    """Return the area of a polygon layer by zone × class.

    Parameters
    ----------
    geoms
        Polygons or multipolygons (an array-like of shapely geometries), valid.
    classes
        The class of each feature (DLBM …); compared as text, None as "".
    zone_geoms
        Zone polygons (districts, 规划分区, control lines …), valid; they may
        overlap or leave gaps (then the pieces of a feature need not add up).
    zone_ids
        The identifier of each zone; zones sharing an identifier add up.
    epsg
        CRS of both layers (a supported CGCS2000 code, see :mod:`guotu.geo.crs`).
    area
        ``ellipsoidal`` (official, DOMAIN.md §5) or ``planar`` (Gauss-Krüger plane).
    feature_areas
        Area of each feature in the requested kind (TBMJ from the store), m²;
        computed when None. Features inside one zone contribute this area.
    processes
        Worker processes (1: this process).
    chunk_size
        Features per chunk.
    method
        ``grid`` (boundary grid, then covers, then exact cuts), ``covers`` (no
        grid) or ``exact`` (intersect every intersecting pair): the same result,
        ever slower; the last two exist to check the first.
    max_vertices
        Subdivide zones into pieces of at most this many vertices for the exact
        cuts; None intersects with whole zones.
    validate
        ``overlay``: refuse invalid zones and invalid features that must be cut
        (never overlay invalid input); ``all``: check every feature; ``none``.
    adjust
        Scale the pieces of a cut feature that the zones cover to add up to its
        area exactly (平差).
    progress
        Called with the number of features done after each chunk.

    Returns
    -------
    Tabulation
        Rows sorted by zone, then class.

    Raises
    ------
    InvalidInputError
        ``overlay.length_mismatch``, ``overlay.planar_geographic``,
        ``input.option_invalid``, ``area.invalid_value``.
    GeometryError
        ``overlay.empty_geometry``, ``overlay.not_polygon``,
        ``overlay.invalid_geometry`` (with the feature's index).
    CRSError
        When ``epsg`` is unsupported or the coordinates do not fit it.

    Examples
    --------
    A 100 × 100 m parcel 20 km east of the central meridian, across two zones
    (the official area of the whole parcel is 9 999.9011 m², DOMAIN.md §5.5):

    >>> parcel = shapely.box(39_520_000, 4_400_000, 39_520_100, 4_400_100)
    >>> zones = [shapely.box(39_519_950, 4_400_000, 39_520_050, 4_400_100),
    ...          shapely.box(39_520_050, 4_400_000, 39_520_150, 4_400_100)]
    >>> table = tabulate_intersection([parcel], ["0701"], zones, ["东区", "西区"], epsg=4527)
    >>> [(r.zone, round(r.area_m2, 4)) for r in table.rows()], round(table.total(), 4)
    ([('东区', 4999.9507), ('西区', 4999.9504)], 9999.9011)
    """
    started = time.perf_counter()
    setup = _setup(
        zone_geoms,
        zone_ids,
        epsg=epsg,
        area=area,
        method=method,
        validate=validate,
        adjust=adjust,
        processes=processes,
        chunk_size=chunk_size,
        max_vertices=max_vertices,
    )
    features = _geometries(geoms)
    column = _class_column(classes, features.size)
    areas = _feature_areas(feature_areas, features.size)
    _check_zones(setup.zone_geoms, epsg)
    table = _Table(setup.zone_geoms.size)
    if features.size and setup.zone_geoms.size:
        index, job = _prepare(setup, features, _reduce_table)
        done = 0
        for part in run_ranges(index, features, areas, (column,), job, chunk_size=chunk_size, processes=processes):
            table.add(part)
            done = min(features.size, done + chunk_size)
            _report(progress, done)
    seconds = time.perf_counter() - started
    logger.info("tabulated %d features × %d zones in %.2f s", features.size, setup.zone_geoms.size, seconds)
    return table.result(setup.zone_ids, options=setup.options, features=features.size, seconds=seconds)


def _prepare(setup: _Setup, sample: GeomArray, reduce: Callable[..., Any]) -> tuple[Any, Job]:
    cell = _grid_cell(sample) if setup.options.method == "grid" else None
    index = build_index(setup.zone_geoms, cell=cell, max_vertices=setup.max_vertices)
    return index, Job(setup.options, reduce, cell, setup.max_vertices)


def _check_zones(zones: GeomArray, epsg: int) -> None:
    """Check the zones' coordinates against the CRS (zone prefix, swapped axes …).

    The features are checked chunk by chunk by the engine.
    """
    if zones.size:
        check_polygons(zones, "zone")
        check_coordinates(epsg, *(float(v) for v in shapely.total_bounds(zones)))


def intersection_areas(
    geoms: Any,
    zone_geoms: Any,
    *,
    epsg: int,
    area: AreaKind = "ellipsoidal",
    feature_areas: Any = None,
    processes: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    method: Method = "grid",
    max_vertices: int | None = DEFAULT_MAX_VERTICES,
    validate: Validate = "overlay",
    adjust: bool = True,
) -> IntersectionAreas:
    """Return the area of every (feature, zone) overlap: the engine's pairs before tabulation.

    Parameters are those of :func:`tabulate_intersection`. Useful for parcel
    review (the overlap of each parcel with each control line) and to check the
    engine: the pieces of each feature add up to its area where the zones tile.

    Returns
    -------
    IntersectionAreas
        ``feature``, ``zone`` (positions) and ``area_m2``, sorted by feature then zone.

    Examples
    --------
    >>> zones = [shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100),
    ...          shapely.box(39_500_100, 4_400_000, 39_500_200, 4_400_100)]
    >>> parts = intersection_areas([shapely.box(39_500_080, 4_400_000, 39_500_100, 4_400_010)],
    ...                            zones, epsg=4527, area="planar")
    >>> parts.feature.tolist(), parts.zone.tolist(), parts.area_m2.round(6).tolist()
    ([0], [0], [200.0])
    """
    setup = _setup(
        zone_geoms,
        range(np.asarray(zone_geoms, dtype=object).reshape(-1).size),
        epsg=epsg,
        area=area,
        method=method,
        validate=validate,
        adjust=adjust,
        processes=processes,
        chunk_size=chunk_size,
        max_vertices=max_vertices,
    )
    features = _geometries(geoms)
    areas = _feature_areas(feature_areas, features.size)
    _check_zones(setup.zone_geoms, epsg)
    if features.size == 0 or setup.zone_geoms.size == 0:
        return IntersectionAreas(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    index, job = _prepare(setup, features, _reduce_pairs)
    parts = list(run_ranges(index, features, areas, (), job, chunk_size=chunk_size, processes=processes))
    feature = np.concatenate([p.feature for p in parts])
    zone = np.concatenate([p.zone for p in parts])
    areas_m2 = np.concatenate([p.area for p in parts])
    order = np.lexsort((zone, feature))
    return IntersectionAreas(feature[order], zone[order], areas_m2[order])


def _stream_chunks(chunks: Iterable[StreamChunk], sizes: deque[int]) -> Iterator[Chunk]:
    """Check and wrap the chunks of a stream; ``sizes`` receives each chunk's size as it is read."""
    for item in chunks:
        if len(item) not in (2, 3):
            raise InvalidInputError("overlay.stream_chunk", size=len(item))
        geoms = _geometries(item[0])
        column = _class_column(item[1], geoms.size)
        areas = _feature_areas(item[2], geoms.size) if len(item) == 3 else None
        sizes.append(geoms.size)
        yield Chunk(geoms, areas, (column,))


def tabulate_stream(
    chunks: Iterable[StreamChunk],
    zone_geoms: Any,
    zone_ids: Any,
    *,
    epsg: int,
    area: AreaKind = "ellipsoidal",
    processes: int = 1,
    method: Method = "grid",
    max_vertices: int | None = DEFAULT_MAX_VERTICES,
    validate: Validate = "overlay",
    adjust: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Tabulation:
    """Tabulate a layer that arrives in chunks (larger than memory), accumulating as it goes.

    Parameters
    ----------
    chunks
        An iterable of ``(geoms, classes)`` or ``(geoms, classes, feature_areas)``;
        chunks are consumed one by one (with ``processes > 1``, at most two per
        worker are held at a time).
    zone_geoms, zone_ids, epsg, area, processes, method, max_vertices, validate, adjust, progress
        As for :func:`tabulate_intersection`; the boundary grid is sized on the
        first chunk.

    Returns
    -------
    Tabulation
        The same table as :func:`tabulate_intersection` on the concatenated
        chunks, to float rounding.

    Examples
    --------
    >>> zones = [shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)]
    >>> stream = ((shapely.box(39_500_000 + i, 4_400_000, 39_500_001 + i, 4_400_001), ["0101"]) for i in range(3))
    >>> tabulate_stream(stream, zones, ["A"], epsg=4527, area="planar").rows()
    [TabulateRow(zone='A', class_code='0101', area_m2=3.0, feature_count=3)]
    """
    started = time.perf_counter()
    setup = _setup(
        zone_geoms,
        zone_ids,
        epsg=epsg,
        area=area,
        method=method,
        validate=validate,
        adjust=adjust,
        processes=processes,
        chunk_size=1,
        max_vertices=max_vertices,
    )
    sizes: deque[int] = deque()
    done = 0
    _check_zones(setup.zone_geoms, epsg)
    stream = _stream_chunks(chunks, sizes)
    table = _Table(setup.zone_geoms.size)
    first = next(stream, None)
    if first is not None and setup.zone_geoms.size:
        index, job = _prepare(setup, first.geoms, _reduce_table)
        for part in run_chunks(index, itertools.chain([first], stream), job, processes=processes):
            table.add(part)
            done += sizes.popleft()  # results come in chunk order
            _report(progress, done)
    else:
        for _ in stream:  # still read and check the input
            pass
    seconds = time.perf_counter() - started
    return table.result(setup.zone_ids, options=setup.options, features=done + sum(sizes), seconds=seconds)


def tabulate_layers(
    geoms: Any,
    classes: Any,
    zones: Sequence[ZoneLayer],
    *,
    epsg: int,
    area: AreaKind = "ellipsoidal",
    feature_areas: Any = None,
    **options: Any,
) -> dict[str, Tabulation]:
    """Tabulate one layer against several zone layers: one table per zone layer.

    The features' areas are computed once and shared by every table.

    Parameters
    ----------
    geoms, classes, epsg, area, feature_areas
        As for :func:`tabulate_intersection`.
    zones
        The zone layers; their names must be unique.
    **options
        Further keyword arguments of :func:`tabulate_intersection`.

    Returns
    -------
    dict of str to Tabulation
        One table per zone layer name, in the order given.

    Examples
    --------
    >>> cells = [shapely.box(39_500_000 + 10 * i, 4_400_000, 39_500_010 + 10 * i, 4_400_010) for i in range(4)]
    >>> west_east = ZoneLayer("district", [shapely.box(39_500_000, 4_400_000, 39_500_020, 4_400_010),
    ...                                    shapely.box(39_500_020, 4_400_000, 39_500_040, 4_400_010)], ["W", "E"])
    >>> one = ZoneLayer("county", [shapely.box(39_500_000, 4_400_000, 39_500_040, 4_400_010)], ["C"])
    >>> tables = tabulate_layers(cells, ["a", "b", "a", "b"], [west_east, one], epsg=4527, area="planar")
    >>> for name, table in tables.items():
    ...     print(name, [(r.zone, r.class_code, r.area_m2) for r in table.rows()])
    district [('E', 'a', 100.0), ('E', 'b', 100.0), ('W', 'a', 100.0), ('W', 'b', 100.0)]
    county [('C', 'a', 200.0), ('C', 'b', 200.0)]
    """
    names = [layer.name for layer in zones]
    if len(set(names)) != len(names):
        raise InvalidInputError("overlay.duplicate_layer", names=", ".join(names))
    features = _geometries(geoms)
    areas = _feature_areas(feature_areas, features.size)
    if areas is None and features.size:
        _check_options(epsg, area, "grid", "overlay", 1, 1)
        check_polygons(features, "feature")
        areas = compute_areas(features, EngineOptions(epsg=epsg, area=area))
    return {
        layer.name: tabulate_intersection(
            features, classes, layer.geometries, layer.ids, epsg=epsg, area=area, feature_areas=areas, **options
        )
        for layer in zones
    }


def cross_zones(layers: Sequence[ZoneLayer], *, separator: str = "|", name: str | None = None) -> ZoneLayer:
    """Intersect zone layers into one: each zone is a piece of one zone of every layer.

    Parameters
    ----------
    layers
        Two or more zone layers (one is returned as it is), in the same CRS.
    separator
        Joins the identifiers of the pieces' zones: ``"130102|03"``.
    name
        Name of the result (default: the layers' names joined by ``×``).

    Returns
    -------
    ZoneLayer
        Pieces with a positive area; tabulate against it for class × district × zone.

    Examples
    --------
    >>> a = ZoneLayer("district", [shapely.box(0, 0, 2, 2), shapely.box(2, 0, 4, 2)], ["W", "E"])
    >>> b = ZoneLayer("GHFQ", [shapely.box(0, 0, 4, 1), shapely.box(0, 1, 4, 2)], ["03", "04"])
    >>> crossed = cross_zones([a, b])
    >>> crossed.name, sorted(crossed.ids)
    ('district×GHFQ', ['E|03', 'E|04', 'W|03', 'W|04'])
    """
    if not layers:
        raise InvalidInputError("input.option_invalid", option="layers", value="[]", choices="one or more zone layers")
    geoms = _geometries(layers[0].geometries)
    ids = _labels(layers[0].ids, geoms.size, "ids")
    for layer in layers[1:]:
        other = _geometries(layer.geometries)
        other_ids = _labels(layer.ids, other.size, "ids")
        check_polygons(other, "zone")
        tree = shapely.STRtree(other)
        left, right = tree.query(geoms, predicate="intersects")
        pieces = polygonal_pieces(shapely.intersection(geoms[left], other[right]))
        keep = shapely.area(pieces) > 0
        geoms = pieces[keep]
        ids = [
            f"{ids[i]}{separator}{other_ids[j]}" for i, j in zip(left[keep].tolist(), right[keep].tolist(), strict=True)
        ]
    return ZoneLayer(name or "×".join(layer.name for layer in layers), geoms, ids)
