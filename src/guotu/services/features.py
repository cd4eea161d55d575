"""Features of the one map for the web: who sees which layer version, paging, bbox, reprojection, tiles.

OGC API Features serves every layer as a collection. The public sees only layers
with a version in force (现行) and always that version; staff see the latest version
(or one by number, or the one in force on a date), limited to their district scope.
Coordinates go out in EPSG:4490 longitude/latitude order (the CRS84 axis order OGC
requires), reprojected from the layer's Gauss-Krüger CRS with pyproj.

Vector tiles (MVT) are cut from the same versions: reprojected to web mercator,
clipped to the tile with a small buffer, simplified to the tile's resolution and
cached per (layer, version content hash, z, x, y), so a new version never serves a
stale tile.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

import numpy as np
import shapely
from pyproj import Transformer

from guotu.domain.layers import LayerVersionInfo, LegalStatus, layer_kind
from guotu.errors import GeometryError, InvalidInputError, NotFoundError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.mvt import encode_polygon_layer
from guotu.store.base import LayerInfo, Store

__all__ = [
    "GEOGRAPHIC",
    "Collection",
    "ItemsPage",
    "Store",
    "TileCache",
    "Viewer",
    "area_statistics",
    "class_colour",
    "class_values",
    "get_collection",
    "get_item",
    "kind_colour",
    "list_collections",
    "list_layer_versions",
    "parse_bbox",
    "query_items",
    "vector_tile",
]

logger = logging.getLogger(__name__)

GEOGRAPHIC: Final = 4490
WEB_MERCATOR: Final = 3857
_MERCATOR_HALF: Final = 20037508.342789244
_TILE_EXTENT: Final = 4096
_TILE_BUFFER: Final = 64
_MAX_ZOOM: Final = 22
_ID_PATTERN: Final = re.compile(r"^[^\x00-\x1f/\\]{1,200}$")
STAFF_ROLES: Final = ("admin", "editor", "reviewer", "viewer")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a staff role (with an optional district scope) or the public."""

    role: str = "public"
    districts: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        """True for anonymous visitors (published data only)."""
        return self.role not in STAFF_ROLES

    def may_see_jurisdiction(self, code: str | None) -> bool:
        """Whether the district scope covers a layer's jurisdiction (no scope: everything)."""
        if not self.districts or code is None:
            return True
        return any(
            code == d or code.startswith(d.rstrip("0") or d) or d.startswith(code.rstrip("0")) for d in self.districts
        )


@dataclass(frozen=True)
class Collection:
    """A layer as an OGC collection, with the version served."""

    id: str
    title: str
    kind: str
    kind_zh: str
    kind_en: str
    jurisdiction: str | None
    version: LayerVersionInfo
    bbox: tuple[float, float, float, float] | None
    fields: tuple[str, ...]
    class_field: str | None

    def version_dict(self) -> dict[str, Any]:
        """Return the served version's metadata as JSON-able data."""
        return version_dict(self.version)


@dataclass(frozen=True)
class ItemsPage:
    """One page of features as GeoJSON dicts."""

    collection: Collection
    features: list[dict[str, Any]]
    number_matched: int
    offset: int
    limit: int

    @property
    def number_returned(self) -> int:
        """How many features this page holds."""
        return len(self.features)


def version_dict(v: LayerVersionInfo) -> dict[str, Any]:
    """Return a version's metadata as JSON-able data."""
    return {
        "layer": v.layer,
        "version": v.version,
        "legal_status": str(v.legal_status),
        "effective_date": v.effective_date.isoformat() if v.effective_date else None,
        "approval_document": v.approval_document,
        "filed": v.filed,
        "feature_count": v.feature_count,
        "area_m2": round(v.area_m2, 2),
        "crs": v.crs,
        "content_hash": v.content_hash,
        "created_at": v.created_at.isoformat(),
        "note": v.note,
    }


def check_id(value: str) -> str:
    """Refuse identifiers with control characters, slashes or absurd lengths (path traversal)."""
    if not _ID_PATTERN.match(value) or ".." in value:
        raise InvalidInputError("features.id_invalid", value=value[:80])
    return value


# ------------------------------------------------------------------ versions and visibility


def _visible_layer(store: Store, viewer: Viewer, name: str) -> LayerInfo:
    check_id(name)
    try:
        info = store.get_layer(name)
    except NotFoundError:
        raise NotFoundError("features.collection_not_found", collection=name) from None
    if info.latest_version is None or not viewer.may_see_jurisdiction(info.jurisdiction):
        raise NotFoundError("features.collection_not_found", collection=name)
    return info


def choose_version(
    store: Store, viewer: Viewer, name: str, *, version: int | None = None, as_of: date | None = None
) -> LayerVersionInfo:
    """Return the version ``viewer`` gets: public → in force (today or ``as_of``); staff → as asked.

    Raises
    ------
    NotFoundError
        ``features.collection_not_found`` when the layer is not visible to the viewer.
    """
    _visible_layer(store, viewer, name)
    try:
        if viewer.is_public:
            chosen = store.get_version(name, as_of=as_of or date.today())
            if chosen.legal_status not in (LegalStatus.IN_FORCE, LegalStatus.REPEALED):
                raise NotFoundError("features.collection_not_found", collection=name)
            return chosen
        if as_of is not None:
            return store.get_version(name, as_of=as_of)
        return store.get_version(name, version)
    except NotFoundError as err:
        if err.code == "version.not_found":
            raise
        raise NotFoundError("features.collection_not_found", collection=name) from None


_extent_lock = threading.Lock()
_extents: OrderedDict[tuple[str, int, str], tuple[tuple[float, float, float, float] | None, tuple[str, ...]]] = (
    OrderedDict()
)


def _extent(store: Store, v: LayerVersionInfo) -> tuple[tuple[float, float, float, float] | None, tuple[str, ...]]:
    key = (v.layer, v.version, v.content_hash)
    with _extent_lock:
        if key in _extents:
            return _extents[key]
    data = store.read_features(v.layer, v.version)
    fields = tuple(data.fields) or (tuple(data.attributes[0]) if data.attributes else ())
    bbox: tuple[float, float, float, float] | None = None
    if len(data):
        xmin, ymin, xmax, ymax = (float(c) for c in shapely.total_bounds(data.geometries))
        box = shapely.segmentize(shapely.box(xmin, ymin, xmax, ymax), max(xmax - xmin, ymax - ymin) / 20 or 1.0)
        out = shapely.transform(box, _transformer(v.crs, GEOGRAPHIC).transform, interleaved=False)
        bx = shapely.bounds(out)
        bbox = (round(float(bx[0]), 7), round(float(bx[1]), 7), round(float(bx[2]), 7), round(float(bx[3]), 7))
    with _extent_lock:
        _extents[key] = (bbox, fields)
        while len(_extents) > 512:
            _extents.popitem(last=False)
    return bbox, fields


def _collection(store: Store, info: LayerInfo, v: LayerVersionInfo) -> Collection:
    try:
        kind = layer_kind(info.kind)
        kind_zh, kind_en, class_field = kind.name_zh, kind.name_en, kind.class_field
    except InvalidInputError:
        kind_zh = kind_en = info.kind
        class_field = None
    bbox, fields = _extent(store, v)
    return Collection(
        id=info.name,
        title=info.title or kind_zh,
        kind=info.kind,
        kind_zh=kind_zh,
        kind_en=kind_en,
        jurisdiction=info.jurisdiction,
        version=v,
        bbox=bbox,
        fields=fields,
        class_field=class_field if class_field in fields else None,
    )


def list_collections(store: Store, viewer: Viewer, *, as_of: date | None = None) -> list[Collection]:
    """Return the layers ``viewer`` may see, each with the version served."""
    found: list[Collection] = []
    for info in store.list_layers():
        if info.latest_version is None or not viewer.may_see_jurisdiction(info.jurisdiction):
            continue
        try:
            v = choose_version(store, viewer, info.name, as_of=as_of)
        except NotFoundError:
            continue
        found.append(_collection(store, info, v))
    return found


def get_collection(
    store: Store, viewer: Viewer, name: str, *, version: int | None = None, as_of: date | None = None
) -> Collection:
    """Return one collection (``features.collection_not_found`` when hidden or absent)."""
    info = _visible_layer(store, viewer, name)
    return _collection(store, info, choose_version(store, viewer, name, version=version, as_of=as_of))


def list_layer_versions(store: Store, viewer: Viewer, name: str) -> list[dict[str, Any]]:
    """Return the versions of a layer the viewer may see (public: in force or repealed only)."""
    _visible_layer(store, viewer, name)
    versions = store.list_versions(name)
    if viewer.is_public:
        versions = [v for v in versions if v.legal_status is not LegalStatus.DRAFTING]
    return [version_dict(v) for v in versions]


# ------------------------------------------------------------------ reprojection


@lru_cache(maxsize=64)
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{source}", f"EPSG:{target}", always_xy=True)


def _reproject(geoms: Any, source: int, target: int) -> Any:
    if source == target:
        return geoms
    return shapely.transform(geoms, _transformer(source, target).transform, interleaved=False)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """Parse an OGC ``bbox`` (lon/lat degrees: minx,miny,maxx,maxy).

    Examples
    --------
    >>> parse_bbox("113.1,37.8,113.8,38.2")
    (113.1, 37.8, 113.8, 38.2)
    """
    if text is None or text == "":
        return None
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InvalidInputError("features.bbox_invalid", bbox=text[:80]) from None
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInputError("features.bbox_invalid", bbox=text[:80])
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy or not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InvalidInputError("features.bbox_invalid", bbox=text[:80])
    return (minx, miny, maxx, maxy)


def _box_in(crs: int, bbox: tuple[float, float, float, float], source: int) -> Any:
    minx, miny, maxx, maxy = bbox
    box = shapely.box(minx, miny, maxx, maxy)
    step = max(maxx - minx, maxy - miny) / 16 or 1e-6
    return _reproject(shapely.segmentize(box, step), source, crs)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, np.generic):
        return _json_value(value.item())
    return str(value)


def _round_coords(obj: Any, digits: int) -> Any:
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, (list, tuple)):
        return [_round_coords(o, digits) for o in obj]
    return obj


def _features_json(
    geoms: Any,
    ids: Sequence[str],
    attributes: Sequence[dict[str, Any]],
    areas: Sequence[float] | None,
    crs: int,
    properties: Sequence[str] | None,
) -> list[dict[str, Any]]:
    out = _reproject(np.asarray(geoms, dtype=object), crs, GEOGRAPHIC) if len(ids) else []
    result = []
    for i, fid in enumerate(ids):
        attrs = attributes[i]
        names = properties if properties is not None else list(attrs)
        props = {k: _json_value(attrs.get(k)) for k in names}
        if areas is not None and properties is None:
            props["_area_m2"] = round(float(areas[i]), 2)
        geometry = json.loads(shapely.to_geojson(out[i]))
        geometry["coordinates"] = _round_coords(geometry.get("coordinates"), 8)
        result.append({"type": "Feature", "id": fid, "geometry": geometry, "properties": props})
    return result


def _check_properties(properties: Sequence[str] | None, fields: Sequence[str]) -> list[str] | None:
    if properties is None:
        return None
    for name in properties:
        if name not in fields:
            raise InvalidInputError("features.property_unknown", name=name[:80])
    return list(properties)


def query_items(
    store: Store,
    viewer: Viewer,
    name: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = 10,
    offset: int = 0,
    properties: Sequence[str] | None = None,
    as_of: date | None = None,
    version: int | None = None,
    max_limit: int = 1000,
) -> ItemsPage:
    """Return one page of a collection's features (GeoJSON in EPSG:4490 lon/lat).

    Parameters
    ----------
    bbox
        Keep features intersecting this lon/lat box (EPSG:4490 / CRS84 axis order).
    limit, offset
        The page (``limit`` in 1–``max_limit``).
    properties
        Keep only these attributes (unknown names are a 400, never "all").
    as_of
        The version in force on this date.
    """
    if not 1 <= limit <= max_limit:
        raise InvalidInputError("features.limit_invalid", limit=limit, max=max_limit)
    if offset < 0:
        raise InvalidInputError("features.offset_invalid", offset=offset)
    coll = get_collection(store, viewer, name, version=version, as_of=as_of)
    props = _check_properties(properties, coll.fields)
    v = coll.version
    if bbox is None:
        ids = sorted(store.feature_hashes(v.layer, v.version))
        matched = len(ids)
        page_ids = ids[offset : offset + limit]
        if not page_ids:
            return ItemsPage(coll, [], matched, offset, limit)
        data = store.read_features(v.layer, v.version, feature_ids=page_ids)
        order = sorted(range(len(data)), key=lambda i: data.feature_ids[i])
    else:
        box = _box_in(v.crs, bbox, GEOGRAPHIC)
        bx = shapely.bounds(box)
        data = store.read_features(v.layer, v.version, bbox=(float(bx[0]), float(bx[1]), float(bx[2]), float(bx[3])))
        hits = np.flatnonzero(shapely.intersects(data.geometries, box)) if len(data) else np.array([], dtype=int)
        hits_sorted = sorted(hits.tolist(), key=lambda i: data.feature_ids[i])
        matched = len(hits_sorted)
        order = hits_sorted[offset : offset + limit]
    features = _features_json(
        [data.geometries[i] for i in order],
        [data.feature_ids[i] for i in order],
        [data.attributes[i] for i in order],
        [float(data.ellipsoidal_m2[i]) for i in order] if data.ellipsoidal_m2 is not None else None,
        v.crs,
        props,
    )
    return ItemsPage(coll, features, matched, offset, limit)


def get_item(
    store: Store, viewer: Viewer, name: str, item: str, *, as_of: date | None = None, version: int | None = None
) -> tuple[Collection, dict[str, Any]]:
    """Return one feature (``features.item_not_found``)."""
    check_id(item)
    coll = get_collection(store, viewer, name, version=version, as_of=as_of)
    data = store.read_features(coll.version.layer, coll.version.version, feature_ids=[item])
    if len(data) == 0:
        raise NotFoundError("features.item_not_found", collection=name, item=item[:80])
    areas = [float(data.ellipsoidal_m2[0])] if data.ellipsoidal_m2 is not None else None
    feature = _features_json(data.geometries, data.feature_ids, data.attributes, areas, coll.version.crs, None)[0]
    return coll, feature


# ------------------------------------------------------------------ area statistics


def area_statistics(
    store: Store, viewer: Viewer, geometry: dict[str, Any], layers: Sequence[str], *, as_of: date | None = None
) -> dict[str, Any]:
    """Areas of the given layers inside a drawn polygon (GeoJSON in EPSG:4490), by class.

    Areas are ellipsoidal (DOMAIN.md §5), computed in each layer's own CRS.
    """
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError) as err:
        raise GeometryError("features.geometry_invalid", reason=str(err)[:120]) from None
    if shape is None or shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError("features.geometry_invalid", reason="polygon expected")
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    minx, miny, maxx, maxy = shape.bounds
    parse_bbox(f"{minx},{miny},{maxx},{maxy}")
    out: dict[str, Any] = {"layers": []}
    for name in layers:
        coll = get_collection(store, viewer, name, as_of=as_of)
        v = coll.version
        local = _reproject(shapely.segmentize(shape, 0.001), GEOGRAPHIC, v.crs)
        drawn_m2 = float(ellipsoidal_area(np.array([local], dtype=object), v.crs)[0])
        bx = shapely.bounds(local)
        data = store.read_features(v.layer, v.version, bbox=(float(bx[0]), float(bx[1]), float(bx[2]), float(bx[3])))
        by_class: dict[str, float] = {}
        counts: dict[str, int] = {}
        if len(data):
            parts = shapely.intersection(data.geometries, local)
            keep = ~shapely.is_empty(parts)
            areas = ellipsoidal_area(parts[keep], v.crs) if keep.any() else np.array([])
            idx = np.flatnonzero(keep)
            for j, i in enumerate(idx.tolist()):
                label = str(data.attributes[i].get(coll.class_field, "")) if coll.class_field else coll.kind_zh
                by_class[label] = by_class.get(label, 0.0) + float(areas[j])
                counts[label] = counts.get(label, 0) + 1
        total = sum(by_class.values())
        out["layers"].append(
            {
                "layer": name,
                "version": v.version,
                "class_field": coll.class_field,
                "drawn_area_m2": round(drawn_m2, 2),
                "total_m2": round(total, 2),
                "total_ha": round(total / 10_000, 4),
                "classes": [
                    {"class": k, "area_m2": round(a, 2), "area_ha": round(a / 10_000, 4), "features": counts[k]}
                    for k, a in sorted(by_class.items(), key=lambda kv: -kv[1])
                ],
            }
        )
    return out


# ------------------------------------------------------------------ vector tiles


@dataclass
class TileCache:
    """A small thread-safe LRU of encoded tiles."""

    capacity: int = 4096
    _items: OrderedDict[tuple[Any, ...], bytes] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """Return a cached tile, None on a miss."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple[Any, ...], tile: bytes) -> None:
        """Keep a tile, evicting the least recently used."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._items[key] = tile
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


def _polygonal(geom: Any) -> Any:
    """Return the valid polygonal part of a geometry (None when nothing is left)."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        try:
            geom = shapely.make_valid(geom)
        except shapely.errors.GEOSException:
            # Rounding to tile pixels can leave shapes GEOS cannot repair (a ring folded
            # onto a line: "Overlay input is mixed-dimension"); the zero buffer can.
            try:
                geom = shapely.buffer(geom, 0)
            except shapely.errors.GEOSException:
                return None
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
        if not parts:
            return None
        geom = shapely.union_all(parts)
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.area == 0:
        return None
    return geom


def _encode_tile(name: str, features: list[dict[str, Any]]) -> bytes:
    """Encode the features (tile pixel coordinates, y up) as one MVT layer.

    :mod:`guotu.geo.mvt` builds the geometry commands with array operations; rings
    that collapse on the tile grid are left out of the tile rather than failing it.
    """
    return encode_polygon_layer(
        name,
        [f["geometry"] for f in features],
        [f["properties"] for f in features],
        ids=[f["id"] for f in features],
        extent=_TILE_EXTENT,
    )


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web-mercator bounds of an XYZ tile.

    Examples
    --------
    >>> tile_bounds(0, 0, 0)[0]
    -20037508.342789244
    """
    if not (0 <= z <= _MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidInputError("features.tile_invalid", z=z, x=x, y=y)
    size = 2 * _MERCATOR_HALF / 2**z
    minx = -_MERCATOR_HALF + x * size
    maxy = _MERCATOR_HALF - y * size
    return (minx, maxy - size, minx + size, maxy)


def vector_tile(
    store: Store,
    viewer: Viewer,
    name: str,
    z: int,
    x: int,
    y: int,
    *,
    version: int | None = None,
    as_of: date | None = None,
    cache: TileCache | None = None,
) -> bytes:
    """Return the MVT tile of a layer version (layer name inside the tile: ``name``).

    Empty tiles are valid (zero bytes of layers). Cached per version content.
    """
    bounds = tile_bounds(z, x, y)
    v = choose_version(store, viewer, name, version=version, as_of=as_of)
    key = (name, v.version, v.content_hash, z, x, y)
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            return found
    size = bounds[2] - bounds[0]
    pad = size * _TILE_BUFFER / _TILE_EXTENT
    padded = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    box_local = _box_in(v.crs, padded, WEB_MERCATOR)
    lb = shapely.bounds(box_local)
    data = store.read_features(v.layer, v.version, bbox=(float(lb[0]), float(lb[1]), float(lb[2]), float(lb[3])))
    features: list[dict[str, Any]] = []
    if len(data):
        merc = _reproject(data.geometries, v.crs, WEB_MERCATOR)
        clip = shapely.box(*padded)
        tolerance = size / _TILE_EXTENT
        clipped = shapely.intersection(shapely.simplify(merc, tolerance, preserve_topology=True), clip)
        # Tile pixel coordinates (0…extent, y up); the encoder flips y itself.
        scale = _TILE_EXTENT / size
        origin = np.array([bounds[0], bounds[1]])
        pixels = shapely.transform(clipped, lambda xy: np.round((xy - origin) * scale))
        for i in range(len(data)):
            geom = _polygonal(pixels[i])
            if geom is None:
                continue
            props = {k: _json_value(val) for k, val in data.attributes[i].items()}
            props = {k: val for k, val in props.items() if val is not None and not isinstance(val, (list, dict))}
            props["_fid"] = data.feature_ids[i]
            features.append({"geometry": geom, "properties": props, "id": i + 1})
    tile = _encode_tile(name, features)
    if cache is not None:
        cache.put(key, tile)
    return tile


# ------------------------------------------------------------------ thematic styling

#: Colours by class code. 三调 first-level classes follow the colours of the national
#: land-survey legend (TD/T 1055 style, approximate RGB); GHFQ codes of the synthetic
#: planning zones and the control lines use the usual planning-map colours.
_SURVEY_COLOURS: Final = {
    "01": "#F5E67A",  # 耕地
    "02": "#E6C35C",  # 园地
    "03": "#5CA35C",  # 林地
    "04": "#A8D08D",  # 草地
    "05": "#E07A7A",  # 商业服务业用地
    "06": "#B07AA1",  # 工矿用地
    "07": "#F0A060",  # 住宅用地
    "08": "#E05A5A",  # 公共管理与公共服务用地
    "09": "#C05050",  # 特殊用地
    "10": "#A0A0A0",  # 交通运输用地
    "11": "#6FB3E0",  # 水域及水利设施用地
    "12": "#D8C9A8",  # 其他土地
}
_KIND_COLOURS: Final = {
    "permanent_basic_farmland": "#F2C94C",
    "ecological_red_line": "#27AE60",
    "urban_development_boundary": "#EB5757",
    "historic_protection_line": "#9B51E0",
    "flood_risk_line": "#2D9CDB",
    "green_line": "#6FCF97",
    "purple_line": "#BB6BD9",
    "blue_line": "#56CCF2",
    "yellow_line": "#F2994A",
    "custom": "#828282",
}
_ZONE_COLOURS: Final = {
    "01": "#1E8449", "02": "#82E0AA", "03": "#F7DC6F", "04": "#E74C3C", "05": "#F0B27A", "06": "#85C1E9",
    "07": "#A569BD",
}  # fmt: skip
_FALLBACK: Final = ("#2F5597", "#C55A11", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#A5A5A5", "#843C0C")


def kind_colour(kind: str) -> str:
    """Return the colour of a layer kind (control lines have their usual colours)."""
    return _KIND_COLOURS.get(kind, "#3F6FB5")


def class_colour(kind: str, value: str, position: int) -> str:
    """Return the colour of a class code within a layer kind (official palette where one exists)."""
    if kind == "planning_zones" and value[:2] in _ZONE_COLOURS:
        return _ZONE_COLOURS[value[:2]]
    if value[:2] in _SURVEY_COLOURS and kind in ("current_land_use", "land_use_layout", "parcels"):
        return _SURVEY_COLOURS[value[:2]]
    return _FALLBACK[position % len(_FALLBACK)]


def class_values(store: Store, coll: Collection, *, limit: int = 40) -> list[dict[str, str]]:
    """Return the distinct values of a collection's class field with their colours (for legends and styling)."""
    if coll.class_field is None:
        return []
    key = ("classes", coll.id, coll.version.version, coll.version.content_hash)
    with _extent_lock:
        cached = _class_cache.get(key)
    if cached is not None:
        return cached
    data = store.read_features(coll.version.layer, coll.version.version)
    values = sorted({str(a.get(coll.class_field, "")) for a in data.attributes})[:limit]
    names: dict[str, str] = {}
    for a in data.attributes:
        code = str(a.get(coll.class_field, ""))
        if code not in names:
            label = next((str(a[k]) for k in ("DLMC", "GHFQMC", "YDMC", "MC") if a.get(k)), "")
            names[code] = label
    out = [
        {"value": v, "label": f"{v} {names.get(v, '')}".strip(), "colour": class_colour(coll.kind, v, i)}
        for i, v in enumerate(values)
    ]
    with _extent_lock:
        _class_cache[key] = out
        if len(_class_cache) > 256:
            _class_cache.clear()
    return out


_class_cache: dict[tuple[Any, ...], list[dict[str, str]]] = {}


def review_map(store: Store, review_id: str) -> dict[str, Any]:
    """GeoJSON (EPSG:4326 lon/lat) of a stored review: the parcel, the layers around it and the parts it occupies.

    Each feature has ``role`` (``parcel``, ``layer``, ``overlap``), ``kind`` and ``kind_zh``;
    ``bbox`` is the map extent (lon/lat).
    """
    from guotu.services import review as review_service

    found, _raw = review_service.get_review(store, review_id)
    parcel, extent, items = review_service.map_data(store, found)
    epsg = found.parcel.crs
    features: list[dict[str, Any]] = []

    def add(geoms: Sequence[Any], role: str, kind: str, kind_zh: str) -> None:
        if not len(geoms):
            return
        shapes = _reproject(np.array(list(geoms), dtype=object), epsg, 4326)
        for shape in shapes:
            if shape is None or shapely.is_empty(shape):
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": {"role": role, "kind": kind, "kind_zh": kind_zh},
                    "geometry": _geojson(shape),
                }
            )

    for item in items:
        zh = layer_kind(item.kind).name_zh if _known_kind(item.kind) else item.kind
        add(item.geometries, "layer", item.kind, zh)
    tiling = {"current_land_use", "planning_zones", "land_use_layout"}  # the parcel always lies in them
    for item in items:
        if item.kind in tiling:
            continue
        zh = layer_kind(item.kind).name_zh if _known_kind(item.kind) else item.kind
        add(item.pieces, "overlap", item.kind, zh)
    add([parcel], "parcel", "parcel", "宗地")
    frame = _reproject(shapely.box(*extent), epsg, 4326)
    return {"type": "FeatureCollection", "bbox": [round(v, 7) for v in shapely.bounds(frame)], "features": features}


def _known_kind(kind: str) -> bool:
    try:
        layer_kind(kind)
    except (KeyError, InvalidInputError, NotFoundError):
        return False
    return True


def maintenance_map(store: Store, key: str) -> dict[str, Any]:
    """GeoJSON (EPSG:4326 lon/lat) of a maintenance: each layer before, the 调出 and 调入 polygons.

    Each feature has ``role`` (``before``, ``removed``, ``added``) and ``kind``; ``bbox`` frames the changes
    (the whole layer when there are none).
    """
    from guotu.services import maintenance as service

    changes, _revision = service.get_maintenance(store, key)
    maps = service.maps_data(store, changes)
    features: list[dict[str, Any]] = []
    if maps.crs is None:
        return {"type": "FeatureCollection", "bbox": None, "features": []}
    frame: list[Any] = []
    for role, groups in (("before", maps.before), ("removed", maps.removed), ("added", maps.added)):
        for kind, geoms in groups.items():
            shapes = [g for g in geoms if g is not None and not shapely.is_empty(g)]
            if not shapes:
                continue
            projected = _reproject(np.array(shapes, dtype=object), maps.crs, 4326)
            if role != "before":
                frame.extend(projected)
            for shape in projected:
                features.append(
                    {"type": "Feature", "properties": {"role": role, "kind": kind},
                     "geometry": _geojson(shapely.simplify(shape, 1e-6))}
                )  # fmt: skip
    if not frame:
        frame = [shapely.from_geojson(json.dumps(x["geometry"])) for x in features]
    bbox = [round(v, 7) for v in shapely.total_bounds(np.array(frame, dtype=object))] if frame else None
    return {"type": "FeatureCollection", "bbox": bbox, "features": features}


def _geojson(shape: Any) -> dict[str, Any]:
    geometry: dict[str, Any] = json.loads(shapely.to_geojson(shape))
    if "coordinates" in geometry:
        geometry["coordinates"] = _round_coords(geometry["coordinates"], 7)
    return geometry
