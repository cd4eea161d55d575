"""The overlay engine's inner loop: areas of polygon × zone pairs, chunk by chunk, across processes.

:func:`pair_areas` does one chunk (see ``_overlay_index`` for the three steps);
:func:`run_chunks` runs chunks in this process or in a pool of worker processes.
On platforms with ``fork`` the workers inherit the zone index and the data, so
nothing but chunk numbers and small results crosses a pipe; elsewhere (Windows,
macOS) each worker builds the index once from the zones' WKB and receives its
chunks pickled. Results are combined in chunk order, so the sums do not depend
on the number of processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt
import shapely

from guotu.errors import GuotuError
from guotu.geo._overlay_index import (
    ZoneIndex,
    build_index,
    check_polygons,
    check_valid,
)
from guotu.geo.area import ellipsoidal_area
from guotu.geo.crs import check_coordinates

__all__ = [
    "Chunk",
    "EngineOptions",
    "Job",
    "PairAreas",
    "compute_areas",
    "cpu_count",
    "pair_areas",
    "polygonal_pieces",
    "run_chunks",
    "run_ranges",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
GeomArray = npt.NDArray[np.object_]
T = TypeVar("T")

AreaKind = Literal["ellipsoidal", "planar"]
Method = Literal["grid", "covers", "exact"]
Validate = Literal["overlay", "all", "none"]

#: Relative gap below which a cut polygon counts as fully covered by its zones, so
#: that its pieces are adjusted to add up to its area exactly (float noise of the
#: intersections is ~1e-12; a real gap is far larger).
_CLOSURE_TOLERANCE: Final = 1e-7

#: The start method of worker processes; "fork" shares the data without copying.
START_METHOD: str | None = "fork" if "fork" in multiprocessing.get_all_start_methods() else None


@dataclass(frozen=True)
class EngineOptions:
    """How the engine computes (see ``tabulate_intersection`` for the meaning)."""

    epsg: int
    area: AreaKind = "ellipsoidal"
    method: Method = "grid"
    validate: Validate = "overlay"
    adjust: bool = True
    max_segment_m: float | None = 100.0


class PairAreas(NamedTuple):
    """Area of each (feature, zone) pair with a positive overlap; features by global index."""

    feature: IntArray
    zone: IntArray
    area: FloatArray

    @classmethod
    def empty(cls) -> PairAreas:
        return cls(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))


# ---------------------------------------------------------------------------
# one chunk


def compute_areas(geoms: GeomArray, options: EngineOptions) -> FloatArray:
    if geoms.size == 0:
        return np.zeros(0)
    if options.area == "planar":
        return np.asarray(shapely.area(geoms), dtype=np.float64)
    return ellipsoidal_area(geoms, options.epsg, max_segment_m=options.max_segment_m)


def polygonal_pieces(pieces: GeomArray) -> GeomArray:
    """Drop the lines and points an intersection adds where boundaries touch."""
    result = pieces.copy()
    for i in np.flatnonzero(shapely.get_type_id(pieces) == 7):
        parts = shapely.get_parts(pieces[i])
        polygons = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        result[i] = shapely.multipolygons(shapely.get_parts(polygons)) if polygons.size else shapely.Polygon()
    return result


def _piece_areas(pieces: GeomArray, options: EngineOptions) -> tuple[FloatArray, FloatArray]:
    """Planar and requested areas of intersection pieces (0 for empty pieces)."""
    pieces = polygonal_pieces(pieces)
    planar = np.asarray(shapely.area(pieces), dtype=np.float64)
    if options.area == "planar":
        return planar, planar
    areas = np.zeros(pieces.size)
    real = np.flatnonzero(planar > 0)
    areas[real] = compute_areas(pieces[real], options)
    return planar, areas


class _Cut(NamedTuple):
    feature: IntArray  # chunk-local feature of each crossing pair
    zone: IntArray
    area: FloatArray  # requested area of the feature's piece in the zone
    planar: FloatArray  # planar area of the same piece
    settled: npt.NDArray[np.bool_]  # the feature's pieces add up to its area by construction


def _sums(groups: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Sum of ``weights`` per group (np.bincount returns floats with weights; its stubs say int)."""
    return np.asarray(np.bincount(groups, weights=weights, minlength=size), dtype=np.float64)


def _last_of_groups(owner: IntArray) -> npt.NDArray[np.bool_]:
    last = np.ones(owner.size, dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    return last


def _cut(
    index: ZoneIndex,
    geoms: GeomArray,
    feature: IntArray,
    zone: IntArray,
    feature_area: FloatArray,
    options: EngineOptions,
) -> _Cut:
    """Exact intersection areas of crossing pairs (grouped by feature), on the zones' pieces.

    When the zones do not overlap and their union covers a feature, its last
    piece is not intersected: its area is the feature's area minus the others
    (one intersection fewer per cut feature, and the pieces add up exactly).
    """
    pair, piece = index.piece_tree.query(geoms[feature])
    keep = index.piece_zone[piece] == zone[pair]
    pair, piece = pair[keep], piece[keep]
    touching = shapely.intersects(index.pieces[piece], geoms[feature[pair]])
    pair, piece = pair[touching], piece[touching]
    order = np.argsort(feature[pair], kind="stable")  # group the pieces by feature
    pair, piece = pair[order], piece[order]
    owner = feature[pair]
    settled_features = np.zeros(geoms.size, dtype=bool)
    if options.method != "exact" and index.union is not None and owner.size:
        candidates = np.unique(owner)
        settled_features[candidates[shapely.covers(index.union, geoms[candidates])]] = True
    remainder = _last_of_groups(owner) & settled_features[owner]
    compute = np.flatnonzero(~remainder)
    planar = np.zeros(pair.size)
    areas = np.zeros(pair.size)
    pieces = shapely.intersection(geoms[owner[compute]], index.pieces[piece[compute]])
    planar[compute], areas[compute] = _piece_areas(pieces, options)
    if remainder.any():
        others = np.bincount(owner, weights=areas, minlength=geoms.size)
        rest = np.flatnonzero(remainder)
        areas[rest] = np.maximum(feature_area[owner[rest]] - others[owner[rest]], 0.0)
    return _Cut(
        feature,
        zone,
        _sums(pair, areas, feature.size),
        _sums(pair, planar, feature.size),
        settled_features[feature],
    )


def _adjust(cut: _Cut, geoms: GeomArray, feature_area: FloatArray, own_area: FloatArray) -> FloatArray:
    """平差: scale the pieces of each fully covered cut feature to add up to its area.

    Pieces settled by the remainder rule add up to the area computed here; they
    are scaled to the given area (TBMJ) when one was given. The others are scaled
    when their planar areas show that the zones cover the feature.
    """
    adjusted = cut.area.copy()
    settled = np.flatnonzero(cut.settled)
    if settled.size and own_area is not feature_area:
        owner = cut.feature[settled]
        own = own_area[owner]
        adjusted[settled] *= np.where(own > 0, feature_area[owner] / np.where(own > 0, own, 1.0), 1.0)
    open_pairs = np.flatnonzero(~cut.settled)
    if open_pairs.size == 0:
        return adjusted
    features, inverse = np.unique(cut.feature[open_pairs], return_inverse=True)
    planar_sum = np.bincount(inverse, weights=cut.planar[open_pairs], minlength=features.size)
    area_sum = np.bincount(inverse, weights=cut.area[open_pairs], minlength=features.size)
    whole = np.asarray(shapely.area(geoms[features]), dtype=np.float64)
    complete = (np.abs(planar_sum - whole) <= _CLOSURE_TOLERANCE * whole) & (area_sum > 0)
    factor = np.where(complete, feature_area[features] / np.where(area_sum > 0, area_sum, 1.0), 1.0)
    adjusted[open_pairs] = cut.area[open_pairs] * factor[inverse]
    return adjusted


def _candidates(
    index: ZoneIndex, geoms: GeomArray, bounds: FloatArray, options: EngineOptions
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Pairs decided whole (feature inside zone) and pairs still to test, chunk-local."""
    whole_f = np.zeros(0, np.intp)
    whole_z = np.zeros(0, np.intp)
    near = np.arange(geoms.size)
    if options.method == "grid" and index.grid is not None:
        clear, label = index.grid.classify(bounds)
        inside = clear & (label >= 0)
        whole_f, whole_z = np.flatnonzero(inside), label[inside].astype(np.intp)
        near = np.flatnonzero(~clear)
    local, zone = index.tree.query(geoms[near])
    return whole_f, whole_z, near[local], zone


def _check_chunk(geoms: GeomArray, bounds: FloatArray, options: EngineOptions, offset: int) -> None:
    """Refuse bad geometries and coordinates that do not fit the CRS (per chunk, so streams too)."""
    check_polygons(geoms, "feature", offset)
    if geoms.size:
        check_coordinates(
            options.epsg,
            float(bounds[:, 0].min()),
            float(bounds[:, 1].min()),
            float(bounds[:, 2].max()),
            float(bounds[:, 3].max()),
        )
    if options.validate == "all":
        check_valid(geoms, "feature", np.arange(geoms.size) + offset)


def pair_areas(
    index: ZoneIndex,
    geoms: GeomArray,
    feature_areas: FloatArray | None,
    options: EngineOptions,
    offset: int = 0,
) -> PairAreas:
    """Areas of the (feature, zone) overlaps of one chunk; features numbered from ``offset``."""
    bounds = shapely.bounds(geoms)
    _check_chunk(geoms, bounds, options, offset)
    whole_f, whole_z, feature, zone = _candidates(index, geoms, bounds, options)
    if options.method != "exact":
        covered = shapely.covers(index.zones[zone], geoms[feature])
        whole_f = np.concatenate([whole_f, feature[covered]])
        whole_z = np.concatenate([whole_z, zone[covered]])
        feature, zone = feature[~covered], zone[~covered]
    if index.union is not None and whole_f.size:
        # zones that do not overlap: a feature inside one only touches the others
        alone = ~np.isin(feature, whole_f)
        feature, zone = feature[alone], zone[alone]
    crossing = shapely.intersects(index.zones[zone], geoms[feature])
    feature, zone = feature[crossing], zone[crossing]
    if options.validate == "overlay" and feature.size:
        cut_features = np.unique(feature)
        check_valid(geoms[cut_features], "feature", positions=cut_features + offset)
    needed = np.unique(np.concatenate([whole_f, feature]))
    feature_area = np.zeros(geoms.size)
    cut_features = np.unique(feature)
    own_area = np.zeros(geoms.size)  # the cut features' areas as computed here
    if feature_areas is not None:
        feature_area[needed] = feature_areas[needed]
        own_area[cut_features] = compute_areas(geoms[cut_features], options)
    else:
        feature_area[needed] = compute_areas(geoms[needed], options)
        own_area = feature_area
    cut = _cut(index, geoms, feature, zone, own_area, options)
    cut_area = _adjust(cut, geoms, feature_area, own_area) if options.adjust else cut.area
    positive = cut_area > 0
    return PairAreas(
        np.concatenate([whole_f, cut.feature[positive]]) + offset,
        np.concatenate([whole_z, cut.zone[positive]]),
        np.concatenate([feature_area[whole_f], cut_area[positive]]),
    )


# ---------------------------------------------------------------------------
# chunks and processes

#: A reducer turns the pairs of one chunk into a small result: (pairs with global
#: feature numbers, the chunk's first feature number, the chunk's extra columns).
#: It must be picklable (a module-level function or a partial of one).
Reducer = Callable[[PairAreas, int, tuple[Any, ...]], Any]


@dataclass(frozen=True)
class Job:
    """The work of one run: what every worker needs besides its chunk."""

    options: EngineOptions
    reduce: Reducer
    cell: float | None
    max_vertices: int | None


class Chunk(NamedTuple):
    """A batch of features: geometries, their areas when known, per-feature columns for the reducer."""

    geoms: GeomArray
    areas: FloatArray | None
    columns: tuple[Any, ...] = ()


_STATE: dict[str, Any] = {}


def _spawn_init(zones_wkb: npt.NDArray[np.object_], job: Job) -> None:
    """In a spawned worker: build the index once."""
    _STATE["index"] = build_index(shapely.from_wkb(zones_wkb), cell=job.cell, max_vertices=job.max_vertices)
    _STATE["job"] = job


class _Failure(NamedTuple):
    """A GuotuError raised in a worker, carried back by value (its pickling loses the code)."""

    kind: type[GuotuError]
    code: str
    params: dict[str, Any]


def _run(chunk: Chunk, start: int) -> Any:
    job: Job = _STATE["job"]
    try:
        pairs = pair_areas(_STATE["index"], chunk.geoms, chunk.areas, job.options, start)
    except GuotuError as err:
        return _Failure(type(err), err.code, err.params)
    return job.reduce(pairs, start, chunk.columns)


def _raised(result: Any) -> Any:
    if isinstance(result, _Failure):
        raise result.kind(result.code, **result.params)
    return result


def _run_range(start: int, stop: int) -> Any:
    """In a forked worker: the data is inherited, only the range comes through the pipe."""
    areas = _STATE["areas"]
    columns = tuple(column[start:stop] for column in _STATE["columns"])
    return _run(Chunk(_STATE["geoms"][start:stop], None if areas is None else areas[start:stop], columns), start)


def _in_process(index: ZoneIndex, chunks: Iterable[Chunk], job: Job) -> Iterator[Any]:
    _STATE.update(index=index, job=job)
    start = 0
    try:
        for chunk in chunks:
            yield _raised(_run(chunk, start))
            start += chunk.geoms.size
    finally:
        _STATE.clear()


def run_chunks(index: ZoneIndex, chunks: Iterable[Chunk], job: Job, *, processes: int) -> Iterator[Any]:
    """Yield ``job.reduce`` of every chunk, in order, here or in spawned worker processes.

    Each worker builds the index once from the zones' WKB; at most two chunks per
    worker are in flight, so a stream larger than memory stays bounded.
    """
    if processes <= 1:
        yield from _in_process(index, chunks, job)
        return
    context = multiprocessing.get_context("spawn")
    zones_wkb = shapely.to_wkb(index.zones)
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_spawn_init, initargs=(zones_wkb, job)) as pool:
        pending: list[Future[Any]] = []
        start = 0
        for chunk in chunks:
            pending.append(pool.submit(_run, chunk, start))
            start += chunk.geoms.size
            while len(pending) > 2 * processes:
                yield _raised(pending.pop(0).result())
        for future in pending:
            yield _raised(future.result())


def run_ranges(
    index: ZoneIndex,
    geoms: GeomArray,
    areas: FloatArray | None,
    columns: tuple[Any, ...],
    job: Job,
    *,
    chunk_size: int,
    processes: int,
) -> Iterator[Any]:
    """Yield ``job.reduce`` of consecutive ranges of in-memory data, in order.

    With ``fork`` the workers inherit the index and the data, and only ranges and
    small results cross the pipes; otherwise the ranges are sent as chunks.
    """
    ranges = [(s, min(s + chunk_size, geoms.size)) for s in range(0, geoms.size, chunk_size)]
    if processes > 1 and len(ranges) > 1 and START_METHOD == "fork":
        _STATE.update(index=index, job=job, geoms=geoms, areas=areas, columns=columns)
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(processes, len(ranges)), mp_context=context) as pool:
                starts, stops = zip(*ranges, strict=True)
                for result in pool.map(_run_range, starts, stops):
                    yield _raised(result)
        finally:
            _STATE.clear()
        return
    chunks = (
        Chunk(geoms[s:e], None if areas is None else areas[s:e], tuple(c[s:e] for c in columns)) for s, e in ranges
    )
    yield from run_chunks(index, chunks, job, processes=processes if len(ranges) > 1 else 1)


def cpu_count() -> int:
    """Processors this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1
