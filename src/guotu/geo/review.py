"""The review engine: one parcel (or many) against the one map's layers, exactly and fast.

For one parcel and one layer version, :func:`overlap_layer` answers what the review
needs (DOMAIN.md §6.3): the overlap's ellipsoidal area and share of the parcel, the
features hit, the attribute values hit (zone codes, land-use codes) with their
areas, and the relation — inside, partly, outside, only touching, a sliver below the
layer's thresholds, or no data. The steps, from the cheapest:

1. **candidates**: the layer's features whose bounding box meets the parcel's — from
   the store's spatial index (``read_features(bbox=...)``) or from an STRtree over a
   whole version, built once and cached per version (:func:`version_index`);
2. **covers shortcut**: a feature that covers the parcel contributes the parcel's own
   area, with no intersection;
3. **exact pieces**: the other candidates are intersected with the parcel in one
   vectorised shapely call; lines and points where boundaries only touch are dropped,
   and each piece's ellipsoidal area (:func:`guotu.geo.area.ellipsoidal_area`) is
   computed. A layer whose features overlap each other is measured on the union of
   its pieces, so nothing counts twice.

Many parcels against one set of zones (a batch against the control lines) go
through :func:`batch_overlaps`: the overlay engine's techniques (boundary grid,
covers shortcut, zones subdivided into small pieces, forked worker processes) for
zones that need not tile and may overlap.

Examples
--------
>>> import shapely
>>> from guotu.domain.review import ReviewParams
>>> farmland = [shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)]
>>> parcel = shapely.box(39_500_050, 4_400_000, 39_500_150, 4_400_100)
>>> data = LayerData("permanent_basic_farmland", farmland, ("F1",))
>>> result = overlap_layer(parcel, 4527, data, ReviewParams().layer_rule("permanent_basic_farmland"))
>>> result.relation.value, result.feature_ids, round(result.share, 4)
('partly', ('F1',), 0.5)
"""

from __future__ import annotations

import multiprocessing
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from guotu.domain.review import LayerResult, LayerRule, ParcelSummary, Relation, ValueHit
from guotu.errors import GeometryError
from guotu.geo._overlay_engine import START_METHOD, polygonal_pieces
from guotu.geo._overlay_index import BoundaryGrid, build_grid, check_polygons, check_valid, subdivide
from guotu.geo.area import ellipsoidal_area
from guotu.geo.crs import check_coordinates, get_transformer
from guotu.geo.overlay import IntersectionAreas

__all__ = [
    "BatchIndex",
    "LayerData",
    "VersionIndex",
    "batch_index",
    "batch_overlaps",
    "check_parcel",
    "clear_cache",
    "overlap_layer",
    "parcel_area",
    "parcel_summary",
    "to_crs",
    "version_index",
]

GeomArray = npt.NDArray[np.object_]

#: A parcel counts as inside a layer when the part outside is below the layer's
#: minimum area; pieces' union is measured when more than one feature is hit.
_LOCATION_RE: Final = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\]")

#: Version indexes kept in memory (per process).
_CACHE_SIZE: Final = 32


# --------------------------------------------------------------------------- the parcel


def _polygonal(geom: Any) -> bool:
    return bool(shapely.get_type_id(geom) in (3, 6))


def check_parcel(geom: Any, epsg: int, *, what: str = "parcel") -> None:
    """Refuse an empty, non-polygonal or invalid parcel, saying where it is wrong.

    Raises
    ------
    GeometryError
        ``review.parcel_empty``, ``review.parcel_not_polygon``,
        ``review.parcel_invalid`` (with ``reason`` and ``location`` "x y").
    CRSError
        When the coordinates do not fit ``epsg`` (swapped axes, missing zone prefix …).

    Examples
    --------
    >>> bow = shapely.Polygon([(39_500_000, 4_400_000), (39_500_100, 4_400_100),
    ...                        (39_500_100, 4_400_000), (39_500_000, 4_400_100)])
    >>> try:
    ...     check_parcel(bow, 4527)
    ... except GeometryError as err:
    ...     print(err.code, err.params["location"])
    review.parcel_invalid 39500050 4400050
    """
    if geom is None or shapely.is_empty(geom):
        raise GeometryError("review.parcel_empty", what=what)
    if not _polygonal(geom):
        raise GeometryError("review.parcel_not_polygon", what=what, type=shapely.get_type_id(geom))
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise GeometryError("review.parcel_invalid", what=what, reason="non-finite coordinate", location="")
    check_coordinates(epsg, *(float(v) for v in shapely.bounds(geom)))
    if not shapely.is_valid(geom):
        reason = str(shapely.is_valid_reason(geom))
        match = _LOCATION_RE.search(reason)
        location = f"{float(match.group(1)):.3f} {float(match.group(2)):.3f}".replace(".000", "") if match else ""
        raise GeometryError("review.parcel_invalid", what=what, reason=reason, location=location)


def parcel_area(geom: Any, epsg: int) -> float:
    """Ellipsoidal area of a parcel, m² (float)."""
    return float(ellipsoidal_area(geom, epsg))


def parcel_summary(geom: Any, epsg: int, source: dict[str, Any] | None = None) -> ParcelSummary:
    """Describe a (checked) parcel: area, parts, holes, vertices, bounding box."""
    parts = shapely.get_parts(geom)
    holes = int(sum(shapely.get_num_interior_rings(parts)))
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(geom))
    return ParcelSummary(
        crs=epsg,
        area_m2=parcel_area(geom, epsg),
        parts=int(parts.size),
        holes=holes,
        vertices=int(shapely.get_num_coordinates(geom)),
        bbox=(x0, y0, x1, y1),
        source=dict(source or {}),
        wkb=shapely.to_wkb(geom),
    )


def to_crs(geom: Any, source: int, target: int) -> Any:
    """Return the geometry in another CGCS2000 CRS (same datum: an exact projection change)."""
    if source == target:
        return geom
    transformer = get_transformer(source, target)
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


# --------------------------------------------------------------------------- layer data


@dataclass(frozen=True)
class LayerData:
    """Features of one layer version that may meet the parcel (or the whole version).

    Parameters
    ----------
    kind
        Layer kind id.
    geometries
        Polygons in ``crs``.
    feature_ids
        One id per geometry.
    values
        The class field's value per feature (zone code, land-use code), or None.
    crs
        EPSG code of the geometries (default: the parcel's).
    layer, version, content_hash, legal_status, effective_date
        The version's identity, copied to the result.
    tiles
        The layer covers its territory without gaps: a part of the parcel outside
        every feature has no data.
    """

    kind: str
    geometries: Any
    feature_ids: Sequence[str]
    values: Sequence[str | None] | None = None
    crs: int | None = None
    layer: str | None = None
    version: int | None = None
    content_hash: str | None = None
    legal_status: str | None = None
    effective_date: str | None = None
    tiles: bool = False


@dataclass
class VersionIndex:
    """An STRtree over a whole layer version, for reviews of many parcels."""

    data: LayerData
    geometries: GeomArray
    tree: Any
    extent: Any = field(default=None)

    def candidates(self, geom: Any) -> npt.NDArray[np.intp]:
        """Positions of features whose bounding box meets ``geom``'s."""
        return np.asarray(self.tree.query(geom), dtype=np.intp)


_INDEXES: OrderedDict[tuple[Any, ...], VersionIndex] = OrderedDict()
_LOCK = threading.Lock()


def version_index(key: tuple[Any, ...], load: Callable[[], LayerData]) -> VersionIndex:
    """Return the cached STRtree of a layer version, built by ``load()`` on first use.

    ``key`` must identify the content (layer, version, content hash); the cache keeps
    the most recently used versions.
    """
    with _LOCK:
        found = _INDEXES.get(key)
        if found is not None:
            _INDEXES.move_to_end(key)
            return found
    data = load()
    geoms = np.asarray(data.geometries, dtype=object).reshape(-1)
    index = VersionIndex(data, geoms, shapely.STRtree(geoms))
    with _LOCK:
        _INDEXES[key] = index
        while len(_INDEXES) > _CACHE_SIZE:
            _INDEXES.popitem(last=False)
    return index


def clear_cache() -> None:
    """Forget every cached version index."""
    with _LOCK:
        _INDEXES.clear()


# --------------------------------------------------------------------------- one parcel, one layer


def _slivers(pieces: GeomArray, areas: npt.NDArray[np.float64], rule: LayerRule) -> npt.NDArray[np.bool_]:
    """Pieces below the minimum area, or thinner than the tolerance (2 × area / perimeter)."""
    planar = np.asarray(shapely.area(pieces), dtype=np.float64)
    perimeter = np.asarray(shapely.length(pieces), dtype=np.float64)
    width = np.where(perimeter > 0, 2.0 * planar / np.where(perimeter > 0, perimeter, 1.0), 0.0)
    return np.asarray((areas < float(rule.min_area_m2)) | (width < float(rule.tolerance_m)), dtype=bool)


def overlap_layer(
    parcel: Any,
    epsg: int,
    data: LayerData,
    rule: LayerRule,
    *,
    parcel_m2: float | None = None,
    index: VersionIndex | None = None,
) -> LayerResult:
    """Measure the overlap of one parcel with one layer version (see the module docstring).

    Parameters
    ----------
    parcel
        A valid (Multi)Polygon in ``epsg`` (see :func:`check_parcel`).
    epsg
        The parcel's CRS.
    data
        The layer's candidate features (or the whole version, with ``index``).
    rule
        The layer kind's thresholds (min area, tolerance).
    parcel_m2
        The parcel's ellipsoidal area in ``data.crs``, when already known.
    index
        A :class:`VersionIndex` of the whole version (candidates found in its tree).
    """
    crs = data.crs or epsg
    geom = to_crs(parcel, epsg, crs)
    whole = parcel_area(geom, crs) if parcel_m2 is None or crs != epsg else parcel_m2
    base: dict[str, Any] = {
        "kind": data.kind,
        "parcel_m2": whole,
        "layer": data.layer,
        "version": data.version,
        "content_hash": data.content_hash,
        "legal_status": data.legal_status,
        "effective_date": data.effective_date,
    }
    if index is not None:
        geoms = index.geometries
        candidates = index.candidates(geom)
    else:
        geoms = np.asarray(data.geometries, dtype=object).reshape(-1)
        if geoms.size:
            box = shapely.bounds(geom)
            bounds = shapely.bounds(geoms)
            near = (
                (bounds[:, 0] <= box[2])
                & (bounds[:, 2] >= box[0])
                & (bounds[:, 1] <= box[3])
                & (bounds[:, 3] >= box[1])
            )
            candidates = np.flatnonzero(near)
        else:
            candidates = np.zeros(0, np.intp)
    if candidates.size:
        shapely.prepare(geom)
        candidates = candidates[shapely.intersects(geom, geoms[candidates])]
    if candidates.size == 0:
        if data.tiles:
            return LayerResult(relation=Relation.NO_DATA, uncovered_m2=whole, note="宗地不在该图层范围内", **base)
        return LayerResult(relation=Relation.OUTSIDE, **base)
    ids = [str(data.feature_ids[i]) for i in candidates.tolist()]
    values = [None if data.values is None else data.values[i] for i in candidates.tolist()]
    cover = np.asarray(shapely.covers(geoms[candidates], geom), dtype=bool)
    areas = np.zeros(candidates.size)
    areas[cover] = whole
    pieces = np.empty(candidates.size, dtype=object)
    pieces[cover] = geom
    cut = np.flatnonzero(~cover)
    if cut.size:
        pieces[cut] = polygonal_pieces(np.asarray(shapely.intersection(geoms[candidates[cut]], geom), dtype=object))
        planar = np.asarray(shapely.area(pieces[cut]), dtype=np.float64)
        real = cut[planar > 0]
        if real.size:
            areas[real] = ellipsoidal_area(pieces[real], crs)
    has_area = areas > 0
    sliver = np.zeros(candidates.size, dtype=bool)
    sliver[has_area] = _slivers(pieces[has_area], areas[has_area], rule) & ~cover[has_area]
    counted = has_area & ~sliver
    if cover.any():
        total = whole
    elif has_area.sum() == 1:
        total = float(areas[has_area].sum())
    elif has_area.any():
        union = shapely.union_all(pieces[has_area])
        total = min(float(ellipsoidal_area(polygonal_pieces(np.array([union], dtype=object))[0], crs)), whole)
    else:
        total = 0.0
    hits: dict[str, list[float]] = {}
    for value, area, keep in zip(values, areas.tolist(), counted.tolist(), strict=True):
        if keep and value is not None:
            entry = hits.setdefault(str(value), [0.0, 0.0])
            entry[0] += area
            entry[1] += 1
    min_area = float(rule.min_area_m2)
    if not has_area.any():
        relation = Relation.TOUCHING
    elif not counted.any():
        relation = Relation.SLIVER
    elif whole - total < min_area:
        relation = Relation.INSIDE
    else:
        relation = Relation.PARTLY
    uncovered = max(whole - total, 0.0) if data.tiles else 0.0
    return LayerResult(
        relation=relation,
        overlap_m2=total,
        feature_ids=tuple(i for i, keep in zip(ids, counted.tolist(), strict=True) if keep),
        sliver_ids=tuple(i for i, s in zip(ids, sliver.tolist(), strict=True) if s),
        touching_ids=tuple(i for i, a in zip(ids, has_area.tolist(), strict=True) if not a),
        values=tuple(
            ValueHit(value, area, int(count))
            for value, (area, count) in sorted(hits.items(), key=lambda item: (-item[1][0], item[0]))
        ),
        uncovered_m2=uncovered if uncovered >= min_area else 0.0,
        **base,
    )


# --------------------------------------------------------------------------- many parcels


@dataclass(frozen=True)
class BatchIndex:
    """The zones of a batch: prepared, in an STRtree, subdivided, and a boundary grid."""

    zones: GeomArray
    tree: Any
    pieces: GeomArray
    piece_zone: npt.NDArray[np.intp]
    piece_tree: Any
    grid: BoundaryGrid | None


def batch_index(zones: Any, *, cell: float | None, max_vertices: int = 128) -> BatchIndex:
    """Prepare ``zones`` for :func:`batch_overlaps` (zones may overlap each other)."""
    geoms = np.asarray(zones, dtype=object).reshape(-1).copy()
    check_polygons(geoms, "zone")
    check_valid(geoms, "zone")
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    pieces, piece_zone = subdivide(geoms, max_vertices)
    shapely.prepare(pieces)
    grid = build_grid(geoms, tree, cell) if cell is not None and geoms.size else None
    return BatchIndex(geoms, tree, pieces, np.asarray(piece_zone, np.intp), shapely.STRtree(pieces), grid)


def _batch_chunk(index: BatchIndex, geoms: GeomArray, epsg: int, validate: bool) -> tuple[Any, Any, Any]:
    """(parcel, zone, ellipsoidal m²) of the overlaps of one chunk, parcels numbered locally.

    Parcels clear of every zone boundary are settled by the grid (inside one zone,
    or in none); the others by ``covers`` on the prepared zone, and the rest by
    exact intersections with the zone's pieces.
    """
    bounds = shapely.bounds(geoms)
    near = np.arange(geoms.size)
    whole_p = np.zeros(0, np.intp)
    whole_z = np.zeros(0, np.intp)
    if index.grid is not None:
        clear, label = index.grid.classify(bounds)
        inside = clear & (label >= 0)
        whole_p, whole_z = np.flatnonzero(inside), label[inside].astype(np.intp)
        near = np.flatnonzero(~clear)
    local, zone = index.tree.query(geoms[near])
    pair_p = near[local]
    covered = shapely.covers(index.zones[zone], geoms[pair_p])
    whole_p = np.concatenate([whole_p, pair_p[covered]])
    whole_z = np.concatenate([whole_z, zone[covered]])
    cut_p, cut_z = pair_p[~covered], zone[~covered]
    # pieces of the pair's zone that meet the parcel
    pair, piece = index.piece_tree.query(geoms[cut_p])
    same = index.piece_zone[piece] == cut_z[pair]
    pair, piece = pair[same], piece[same]
    meets = shapely.intersects(index.pieces[piece], geoms[cut_p[pair]])  # prepared pieces
    pair, piece = pair[meets], piece[meets]
    if validate and pair.size:
        check_valid(geoms[np.unique(cut_p[pair])], "parcel")
    pieces = polygonal_pieces(np.asarray(shapely.intersection(geoms[cut_p[pair]], index.pieces[piece]), object))
    planar = np.asarray(shapely.area(pieces), dtype=np.float64)
    real = planar > 0
    piece_area = np.zeros(pair.size)
    if real.any():
        piece_area[real] = ellipsoidal_area(pieces[real], epsg)
    cut_area = np.bincount(pair, weights=piece_area, minlength=cut_p.size)
    unique_whole, inverse = np.unique(whole_p, return_inverse=True)
    whole_area = ellipsoidal_area(geoms[unique_whole], epsg)[inverse] if unique_whole.size else np.zeros(0)
    keep = cut_area > 0
    return (
        np.concatenate([whole_p, cut_p[keep]]),
        np.concatenate([whole_z, cut_z[keep]]),
        np.concatenate([whole_area, cut_area[keep]]),
    )


_BATCH: dict[str, Any] = {}


def _batch_range(start: int, stop: int) -> tuple[Any, Any, Any]:
    p, z, a = _batch_chunk(_BATCH["index"], _BATCH["geoms"][start:stop], _BATCH["epsg"], _BATCH["validate"])
    return p + start, z, a


def batch_overlaps(
    parcels: Any,
    zones: Any,
    *,
    epsg: int,
    processes: int = 1,
    chunk_size: int = 25_000,
    validate: bool = True,
    index: BatchIndex | None = None,
) -> IntersectionAreas:
    """Overlap area (ellipsoidal m²) of every (parcel, zone) pair with a positive overlap.

    The zones (control lines: they need not tile, and may overlap) are indexed once
    (:func:`batch_index`); each chunk of parcels is settled by the boundary grid,
    then ``covers``, then exact intersections with the zones' pieces of at most 128
    vertices (as the overlay engine does). With ``processes`` > 1 the chunks run in
    forked workers that inherit the index and the parcels. Each figure is the exact
    ellipsoidal area of its piece (no 平差: the zones do not tile).

    Returns
    -------
    IntersectionAreas
        ``feature`` (parcel position), ``zone`` (position) and ``area_m2``, sorted.
    """
    geoms = np.asarray(parcels, dtype=object).reshape(-1)
    check_polygons(geoms, "parcel")
    if geoms.size == 0:
        return IntersectionAreas(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    check_coordinates(epsg, *(float(v) for v in shapely.total_bounds(geoms)))
    if index is None:
        sample = shapely.bounds(geoms[:10_000])
        size = float(np.nanmedian(np.maximum(sample[:, 2] - sample[:, 0], sample[:, 3] - sample[:, 1])))
        index = batch_index(zones, cell=size if size > 0 else None)
    if index.zones.size == 0:
        return IntersectionAreas(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    check_coordinates(epsg, *(float(v) for v in shapely.total_bounds(index.zones)))
    chunk = max(1, min(chunk_size, -(-geoms.size // max(processes, 1))))
    ranges = [(s, min(s + chunk, geoms.size)) for s in range(0, geoms.size, chunk)]
    _BATCH.update(index=index, geoms=geoms, epsg=epsg, validate=validate)
    try:
        if processes > 1 and len(ranges) > 1 and START_METHOD == "fork":
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(processes, len(ranges)), mp_context=context) as pool:
                parts = list(pool.map(_batch_range, *zip(*ranges, strict=True)))
        else:
            parts = [_batch_range(s, e) for s, e in ranges]
    finally:
        _BATCH.clear()
    feature = np.concatenate([p[0] for p in parts])
    zone = np.concatenate([p[1] for p in parts])
    area = np.concatenate([p[2] for p in parts])
    order = np.lexsort((zone, feature))
    return IntersectionAreas(feature[order], zone[order], area[order])
