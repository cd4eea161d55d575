"""Version diff: what changed between two versions of a layer, as 调入 / 调出 / 属性变更 polygons.

Versions are immutable and an unchanged feature is identical in both (same id,
same geometry, same attributes), so the diff first **matches** features — by the
stores' feature hashes when given, else by id, exact geometry
(``shapely.equals_identical``) and attributes — and then **overlays only what
changed**:

* a feature whose attributes changed but whose geometry did not gives one
  属性变更 polygon, itself, with no overlay at all;
* for the rest, the before features that were removed or reshaped (B) are
  overlaid with the after features that were added or reshaped (A):

  - 调出 (area in before, not in after): each b minus the a's that overlap it;
  - 调入 (area in after, not in before): each a minus the b's that overlap it;
  - 属性变更 (same place, attributes changed): b ∩ a where their compared
    attributes differ (by default the class field).

Each change polygon carries its official ellipsoidal area; summaries add them up
by kind and class (``class_before → class_after``) and, given district zones, by
district (through the overlay engine, so a change that crosses a district line is
split exactly).

The layer is assumed free of overlaps within a version (import checks ensure
it): the diff compares changed features with changed features only.

Examples
--------
>>> from guotu.geo.vector import VectorData
>>> def layer(geoms, codes, ids):
...     return VectorData(np.array(geoms, dtype=object), [{"DLBM": c} for c in codes], 4527, tuple(ids))
>>> a = shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)
>>> b = shapely.box(39_500_100, 4_400_000, 39_500_200, 4_400_100)
>>> before = layer([a, b], ["0101", "0103"], ["1", "2"])
>>> after = layer([a, shapely.box(39_500_100, 4_400_000, 39_500_150, 4_400_100)], ["0701", "0103"], ["1", "2"])
>>> result = diff_versions(before, after, class_field="DLBM")
>>> [(c.kind.value, c.feature_id, round(c.area_m2)) for c in result.changes]
[('属性变更', '1', 10000), ('调出', '2', 5000)]
>>> [(r.kind.value, r.class_before, r.class_after, round(r.area_m2)) for r in result.by_class]
[('属性变更', '0101', '0701', 10000), ('调出', '0103', None, 5000)]
"""

from __future__ import annotations

import logging
import operator
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import shapely

from guotu.domain.layers import ChangeKind, FeatureChange
from guotu.errors import InvalidInputError
from guotu.geo._overlay_engine import polygonal_pieces
from guotu.geo.area import ellipsoidal_area
from guotu.geo.overlay import intersection_areas
from guotu.geo.vector import VectorData

__all__ = ["AREA_FIELDS", "DiffResult", "DiffSummaryRow", "diff_versions"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
GeomArray = npt.NDArray[np.object_]

#: Fields that follow from the geometry (areas, lengths): never compared for 属性变更.
AREA_FIELDS: Final = frozenset(
    {
        "MJ",
        "TBMJ",
        "TBDLMJ",
        "YJJBNTMJ",
        "YJJBNTTBMJ",
        "QYMJ",
        "KCMJ",
        "SHAPE_AREA",
        "SHAPE_LENG",
        "SHAPE_LENGTH",
        "SHAPE_Area",
        "SHAPE_Length",
        "Shape_Area",
        "Shape_Length",
    }
)

#: Pieces smaller than this (m², planar) are float noise along shared edges, not changes.
DEFAULT_SLIVER_M2: Final = 1e-6

#: Changes are listed in the order of their WHLX codes: 1 调入, 2 属性变更, 3 调出.
_ORDER: Final = {kind: int(kind.whlx) for kind in ChangeKind}


@dataclass(frozen=True)
class DiffSummaryRow:
    """Total area of one kind of change for one class transition (and district).

    Attributes
    ----------
    kind
        调入, 调出 or 属性变更.
    class_before, class_after
        The class before (调出, 属性变更) and after (调入, 属性变更); None where it
        does not apply or without a class field.
    district
        District identifier in :attr:`DiffResult.by_district`, else None.
    area_m2
        Ellipsoidal area, m².
    count
        Number of change polygons (pieces, for districts).
    """

    kind: ChangeKind
    class_before: str | None
    class_after: str | None
    district: str | None
    area_m2: float
    count: int


@dataclass(frozen=True)
class DiffResult:
    """The changes between two versions and their summaries.

    Attributes
    ----------
    changes
        The change polygons in WHLX order (调入, 属性变更, 调出), each with its
        feature id, WKB, ellipsoidal area and attributes.
    added, removed, modified
        Feature ids only in after, only in before, and in both but different.
    unchanged
        Number of features identical in both versions.
    by_class
        Area by kind and class transition.
    by_district
        Area by kind, class transition and district (empty without district zones).
    epsg
        CRS of the versions.
    seconds
        Wall time.
    """

    changes: list[FeatureChange]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    modified: tuple[str, ...]
    unchanged: int
    by_class: list[DiffSummaryRow]
    by_district: list[DiffSummaryRow] = field(default_factory=list)
    epsg: int = 0
    seconds: float = 0.0

    def total(self, kind: ChangeKind | str) -> float:
        """Total area (m²) of one kind of change."""
        wanted = ChangeKind(kind)
        return float(sum(c.area_m2 for c in self.changes if c.kind is wanted))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON shape: counts, totals per kind, and the summaries."""

        def row(r: DiffSummaryRow) -> dict[str, Any]:
            return {
                "kind": r.kind.value,
                "whlx": r.kind.whlx,
                "class_before": r.class_before,
                "class_after": r.class_after,
                "district": r.district,
                "area_m2": r.area_m2,
                "count": r.count,
            }

        return {
            "epsg": self.epsg,
            "features": {
                "added": len(self.added),
                "removed": len(self.removed),
                "modified": len(self.modified),
                "unchanged": self.unchanged,
            },
            "totals": {kind.value: self.total(kind) for kind in ChangeKind},
            "by_class": [row(r) for r in self.by_class],
            "by_district": [row(r) for r in self.by_district],
        }


# ---------------------------------------------------------------------------
# matching


class _Match(NamedTuple):
    removed: IntArray  # positions in before
    added: IntArray  # positions in after
    same_place_before: IntArray  # modified, geometry identical (attributes differ)
    same_place_after: IntArray
    moved_before: IntArray  # modified, geometry changed
    moved_after: IntArray
    unchanged: int


def _match(
    before: VectorData,
    after: VectorData,
    before_hashes: Mapping[str, str] | None,
    after_hashes: Mapping[str, str] | None,
) -> _Match:
    """Match features by id, then compare geometry and attributes (C-level loops only)."""
    where_after = dict(zip(after.feature_ids, range(len(after)), strict=True))
    in_after = np.fromiter(map(where_after.get, before.feature_ids, repeat(-1)), dtype=np.intp, count=len(before))
    ib = np.flatnonzero(in_after >= 0)
    ia = in_after[ib]
    removed = np.flatnonzero(in_after < 0)
    matched = np.zeros(len(after), dtype=bool)
    matched[ia] = True
    added = np.flatnonzero(~matched)
    same_geometry = np.asarray(shapely.equals_identical(before.geometries[ib], after.geometries[ia]), dtype=bool)
    if before_hashes is not None and after_hashes is not None:
        ids = _pick(before.feature_ids, ib)
        hashes_b = list(map(before_hashes.get, ids))
        hashes_a = list(map(after_hashes.get, ids))
        same = np.fromiter(map(operator.eq, hashes_b, hashes_a), dtype=bool, count=ib.size)
        same &= np.fromiter((h is not None for h in hashes_b), dtype=bool, count=ib.size)
        unchanged = same & same_geometry  # a hash is no licence to skip a geometry that differs here
    else:
        attrs_b = _pick(before.attributes, ib)
        attrs_a = _pick(after.attributes, ia)
        unchanged = same_geometry & np.fromiter(map(operator.eq, attrs_b, attrs_a), dtype=bool, count=ib.size)
    place = same_geometry & ~unchanged
    moved = ~same_geometry
    return _Match(removed, added, ib[place], ia[place], ib[moved], ia[moved], int(unchanged.sum()))


def _pick(items: Sequence[Any], positions: IntArray) -> tuple[Any, ...]:
    """``items`` at ``positions``, gathered in C (operator.itemgetter)."""
    if positions.size == 0:
        return ()
    if positions.size == 1:
        return (items[int(positions[0])],)
    picked: tuple[Any, ...] = operator.itemgetter(*positions.tolist())(items)
    return picked


# ---------------------------------------------------------------------------
# overlay of what moved


def _interior_pairs(b_geoms: GeomArray, a_geoms: GeomArray) -> tuple[IntArray, IntArray]:
    """Pairs (b, a) whose interiors meet (touching neighbours left out)."""
    if b_geoms.size == 0 or a_geoms.size == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    tree = shapely.STRtree(a_geoms)
    ib, ia = tree.query(b_geoms, predicate="intersects")
    inner = ~shapely.touches(b_geoms[ib], a_geoms[ia])
    return ib[inner], ia[inner]


def _minus_overlapping(geoms: GeomArray, owner: IntArray, others: GeomArray, other: IntArray) -> GeomArray:
    """Each geometry minus the union of the others that overlap it (pairs owner → other)."""
    result = geoms.copy()
    if owner.size == 0:
        return result
    order = np.argsort(owner, kind="stable")
    owner, other = owner[order], other[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    counts = np.diff(np.r_[starts, owner.size])
    single = starts[counts == 1]
    result[owner[single]] = shapely.difference(geoms[owner[single]], others[other[single]])
    multi = [
        (int(owner[i]), others[other[i : i + c]])
        for i, c in zip(starts[counts > 1].tolist(), counts[counts > 1].tolist(), strict=True)
    ]
    if multi:
        positions = np.array([i for i, _ in multi], dtype=np.intp)
        unions = np.empty(len(multi), dtype=object)
        unions[:] = [shapely.union_all(group) for _, group in multi]
        result[positions] = shapely.difference(geoms[positions], unions)
    return result


class _Pieces(NamedTuple):
    kind: list[ChangeKind]
    geoms: GeomArray
    before: IntArray  # position in before, or -1
    after: IntArray  # position in after, or -1
    area: FloatArray  # ellipsoidal m², NaN when still to compute


def _known_areas(data: VectorData, positions: IntArray) -> FloatArray:
    if data.ellipsoidal_m2 is None:
        return np.full(positions.size, np.nan)
    return np.asarray(data.ellipsoidal_m2, dtype=np.float64)[positions]


def _outside(
    data: VectorData,
    moved: IntArray,
    owner: IntArray,
    others: GeomArray,
    other: IntArray,
    shared: FloatArray,
    sliver: float,
) -> tuple[GeomArray, FloatArray, npt.NDArray[np.bool_]]:
    """Cut each moved feature down to its part outside the other version's moved features.

    A feature with no overlap is whole (its stored area is used); one whose
    overlaps add up to its area (``shared``, planar) has no part outside; only
    the others need a difference.
    """
    geoms = data.geometries[moved]
    residual = shapely.area(geoms) - np.bincount(owner, weights=shared, minlength=moved.size)
    overlapped = np.bincount(owner, minlength=moved.size) > 0
    area = np.where(overlapped, np.nan, _known_areas(data, moved))
    cut = overlapped & (residual > sliver)
    keep = ~overlapped | cut
    in_cut = cut[owner]
    result = geoms.copy()
    if cut.any():
        result = _minus_overlapping(geoms, owner[in_cut], others, other[in_cut])
    return result, area, keep


def _overlay(
    before: VectorData,
    after: VectorData,
    moved_b: IntArray,
    moved_a: IntArray,
    compared: Sequence[str] | None,
    sliver: float,
) -> _Pieces:
    b_geoms, a_geoms = before.geometries[moved_b], after.geometries[moved_a]
    ib, ia = _interior_pairs(b_geoms, a_geoms)
    common = polygonal_pieces(shapely.intersection(b_geoms[ib], a_geoms[ia]))
    shared = np.asarray(shapely.area(common), dtype=np.float64)
    removed_part, removed_area, removed_keep = _outside(before, moved_b, ib, a_geoms, ia, shared, sliver)
    added_part, added_area, added_keep = _outside(after, moved_a, ia, b_geoms, ib, shared, sliver)
    differs = np.fromiter(
        (
            _differ(before.attributes[i], after.attributes[j], compared)
            for i, j in zip(moved_b[ib].tolist(), moved_a[ia].tolist(), strict=True)
        ),
        dtype=bool,
        count=ib.size,
    ) & (shared > sliver)
    none_b, none_a = np.full(moved_a.size, -1, np.intp), np.full(moved_b.size, -1, np.intp)
    parts = [
        _Pieces([ChangeKind.REMOVED] * moved_b.size, removed_part, moved_b, none_a, removed_area),
        _Pieces([ChangeKind.ADDED] * moved_a.size, added_part, none_b, moved_a, added_area),
        _Pieces(
            [ChangeKind.ATTRIBUTE] * int(differs.sum()),
            common[differs],
            moved_b[ib[differs]],
            moved_a[ia[differs]],
            np.full(int(differs.sum()), np.nan),
        ),
    ]
    keep = np.concatenate([removed_keep, added_keep, np.ones(int(differs.sum()), dtype=bool)])
    pieces = _concat(parts)
    geoms = polygonal_pieces(pieces.geoms)
    keep &= ~shapely.is_empty(geoms) & (shapely.area(geoms) > sliver)
    return _Pieces(
        [k for k, kept in zip(pieces.kind, keep.tolist(), strict=True) if kept],
        geoms[keep],
        pieces.before[keep],
        pieces.after[keep],
        pieces.area[keep],
    )


def _differ(a: dict[str, Any], b: dict[str, Any], compared: Sequence[str] | None) -> bool:
    if compared is None:
        keys = (set(a) | set(b)) - AREA_FIELDS
        return any(a.get(k) != b.get(k) for k in keys)
    return any(a.get(k) != b.get(k) for k in compared)


def _attribute_only(
    before: VectorData, after: VectorData, ib: IntArray, ia: IntArray, compared: Sequence[str] | None
) -> _Pieces:
    """Features with the same geometry and other attributes: the whole feature, if compared fields differ."""
    differs = np.fromiter(
        (
            _differ(before.attributes[i], after.attributes[j], compared)
            for i, j in zip(ib.tolist(), ia.tolist(), strict=True)
        ),
        dtype=bool,
        count=ib.size,
    )
    ib, ia = ib[differs], ia[differs]
    return _Pieces([ChangeKind.ATTRIBUTE] * ib.size, before.geometries[ib], ib, ia, _known_areas(before, ib))


def _concat(parts: Sequence[_Pieces]) -> _Pieces:
    return _Pieces(
        [k for p in parts for k in p.kind],
        np.concatenate([p.geoms for p in parts]) if parts else np.zeros(0, dtype=object),
        np.concatenate([p.before for p in parts]),
        np.concatenate([p.after for p in parts]),
        np.concatenate([p.area for p in parts]),
    )


# ---------------------------------------------------------------------------
# summaries


def _class_of(data: VectorData, position: int, class_field: str | None) -> str | None:
    if class_field is None or position < 0:
        return None
    value = data.attributes[position].get(class_field)
    return None if value is None else str(value)


def _summaries(
    rows: Mapping[tuple[ChangeKind, str | None, str | None, str | None], list[float]],
) -> list[DiffSummaryRow]:
    def order(key: tuple[ChangeKind, str | None, str | None, str | None]) -> tuple[Any, ...]:
        kind, before, after, district = key
        return (_ORDER[kind], district or "", before or "", after or "")

    return [
        DiffSummaryRow(k[0], k[1], k[2], k[3], v[0], int(v[1]))
        for k, v in sorted(rows.items(), key=lambda kv: order(kv[0]))
    ]


def _by_district(
    pieces: _Pieces,
    classes: list[tuple[ChangeKind, str | None, str | None]],
    district_zones: VectorData,
    district_field: str | None,
    epsg: int,
) -> list[DiffSummaryRow]:
    if district_field is None:
        ids = list(district_zones.feature_ids)
    else:
        ids = [str(a.get(district_field)) for a in district_zones.attributes]
    parts = intersection_areas(pieces.geoms, district_zones.geometries, epsg=epsg, feature_areas=pieces.area)
    rows: dict[tuple[ChangeKind, str | None, str | None, str | None], list[float]] = {}
    for f, z, area in zip(parts.feature.tolist(), parts.zone.tolist(), parts.area_m2.tolist(), strict=True):
        kind, before, after = classes[f]
        cell = rows.setdefault((kind, before, after, ids[z]), [0.0, 0])
        cell[0] += area
        cell[1] += 1
    return _summaries(rows)


# ---------------------------------------------------------------------------
# the diff


def _check(before: VectorData, after: VectorData, epsg: int | None, class_field: str | None) -> int:
    if before.crs != after.crs:
        raise InvalidInputError("diff.crs_mismatch", before=before.crs, after=after.crs)
    if epsg is not None and epsg != before.crs:
        raise InvalidInputError("diff.crs_mismatch", before=epsg, after=before.crs)
    if class_field is not None:
        fields = set(before.fields) | set(after.fields)
        if not fields:
            fields = {k for a in (*before.attributes[:1], *after.attributes[:1]) for k in a}
        if fields and class_field not in fields:
            raise InvalidInputError("diff.field_missing", field=class_field)
    return before.crs


_Key = tuple[ChangeKind, str | None, str | None]


def _changes(
    pieces: _Pieces, order: list[int], before: VectorData, after: VectorData, class_field: str | None
) -> tuple[list[FeatureChange], list[_Key], dict[tuple[ChangeKind, str | None, str | None, str | None], list[float]]]:
    """Build the change records in ``order``, their class transitions and the summary by class."""
    wkb = shapely.to_wkb(pieces.geoms)
    changes: list[FeatureChange] = []
    classes: list[_Key] = []
    summary: dict[tuple[ChangeKind, str | None, str | None, str | None], list[float]] = {}
    for i in order:
        kind, b, a = pieces.kind[i], int(pieces.before[i]), int(pieces.after[i])
        changes.append(
            FeatureChange(
                kind=kind,
                feature_id=after.feature_ids[a] if a >= 0 else before.feature_ids[b],
                geometry_wkb=wkb[i],
                area_m2=float(pieces.area[i]),
                attributes_before=dict(before.attributes[b]) if b >= 0 else {},
                attributes_after=dict(after.attributes[a]) if a >= 0 else {},
            )
        )
        key = (kind, _class_of(before, b, class_field), _class_of(after, a, class_field))
        classes.append(key)
        cell = summary.setdefault((*key, None), [0.0, 0])
        cell[0] += float(pieces.area[i])
        cell[1] += 1
    return changes, classes, summary


def diff_versions(
    before: VectorData,
    after: VectorData,
    *,
    class_field: str | None,
    district_zones: VectorData | None = None,
    district_field: str | None = None,
    epsg: int | None = None,
    compare_fields: Sequence[str] | None = None,
    before_hashes: Mapping[str, str] | None = None,
    after_hashes: Mapping[str, str] | None = None,
    sliver_m2: float = DEFAULT_SLIVER_M2,
) -> DiffResult:
    """Compare two versions of a layer: 调入, 调出 and 属性变更 polygons with their areas.

    Parameters
    ----------
    before, after
        The two versions (the same CRS); feature ids match features across them.
        With hashes, they may hold only the changed features.
    class_field
        The class attribute (DLBM, GHFQDM …) for summaries, or None.
    district_zones
        Districts to summarise by (any zone layer in the same CRS), or None.
    district_field
        The districts' identifier attribute (default: their feature ids).
    epsg
        The expected CRS (default: the versions').
    compare_fields
        Attributes whose difference makes 属性变更 (default: ``class_field``, or
        every attribute but areas and lengths when there is none).
    before_hashes, after_hashes
        Feature id → feature hash of each version (``Store.feature_hashes``):
        features with equal hashes are unchanged.
    sliver_m2
        Pieces of at most this planar area are float noise, not changes.

    Returns
    -------
    DiffResult
        Change polygons (ellipsoidal areas), feature-level matches and summaries.

    Raises
    ------
    InvalidInputError
        ``diff.crs_mismatch``, ``diff.field_missing``.
    GeometryError, CRSError
        From the area and overlay computations.
    """
    started = time.perf_counter()
    crs = _check(before, after, epsg, class_field)
    compared = compare_fields if compare_fields is not None else ([class_field] if class_field else None)
    match = _match(before, after, before_hashes, after_hashes)
    moved_b = np.concatenate([match.removed, match.moved_before])
    moved_a = np.concatenate([match.added, match.moved_after])
    pieces = _concat(
        [
            _overlay(before, after, moved_b, moved_a, compared, sliver_m2),
            _attribute_only(before, after, match.same_place_before, match.same_place_after, compared),
        ]
    )
    missing = np.flatnonzero(np.isnan(pieces.area))
    if missing.size:
        pieces.area[missing] = ellipsoidal_area(pieces.geoms[missing], crs)
    order = sorted(
        range(len(pieces.kind)),
        key=lambda i: (_ORDER[pieces.kind[i]], int(pieces.after[i]), int(pieces.before[i])),
    )
    changes, classes, summary = _changes(pieces, order, before, after, class_field)
    by_district: list[DiffSummaryRow] = []
    if district_zones is not None and order:
        ordered = _Pieces(
            [pieces.kind[i] for i in order],
            pieces.geoms[order],
            pieces.before[order],
            pieces.after[order],
            pieces.area[order],
        )
        by_district = _by_district(ordered, classes, district_zones, district_field, crs)
    seconds = time.perf_counter() - started
    logger.info(
        "diff: %d unchanged, %d added, %d removed, %d modified, %d change polygons in %.2f s",
        match.unchanged,
        match.added.size,
        match.removed.size,
        match.same_place_before.size + match.moved_before.size,
        len(changes),
        seconds,
    )
    return DiffResult(
        changes=changes,
        added=tuple(after.feature_ids[i] for i in match.added.tolist()),
        removed=tuple(before.feature_ids[i] for i in match.removed.tolist()),
        modified=tuple(
            before.feature_ids[i] for i in np.concatenate([match.same_place_before, match.moved_before]).tolist()
        ),
        unchanged=match.unchanged,
        by_class=_summaries(summary),
        by_district=by_district,
        epsg=crs,
        seconds=seconds,
    )
