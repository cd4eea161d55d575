"""File-to-file overlays, without a store: the logic behind ``guotu overlay`` and ``guotu area``.

Reads vector files with pyogrio (Arrow, no geopandas), checks that both are in a
CGCS2000 CRS (converting the zones into the layer's CRS when they differ), and runs
the overlay engine (:mod:`guotu.geo.overlay`) or the official area.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyogrio
import pyogrio.raw
import shapely

from guotu.errors import CRSError, InvalidInputError
from guotu.geo.area import ellipsoidal_area, official_area, planar_area
from guotu.geo.crs import GEOGRAPHIC_EPSG, get_transformer, resolve_crs
from guotu.geo.overlay import Tabulation, tabulate_intersection

__all__ = ["Tabulation", "VectorFile", "area_of_file", "read_vector_file", "tabulate_files"]

logger = logging.getLogger(__name__)

#: Segment length (metres, or degrees for EPSG:4490) before zones change CRS, so that
#: straight edges stay straight enough in the target plane.
_DENSIFY_M = 10.0
_DENSIFY_DEG = 1e-4
#: Decimals of the official totals.
_HECTARE_DECIMALS = 4
_MU_DECIMALS = 2


@dataclass(frozen=True)
class VectorFile:
    """Geometries and some columns of one layer of a vector file."""

    path: Path
    layer: str | None
    geometries: npt.NDArray[np.object_]
    columns: dict[str, Any]
    epsg: int


def _layer_info(path: Path, layer: str | None, encoding: str | None) -> dict[str, Any]:
    if not path.exists():
        raise InvalidInputError("file.not_found", path=str(path))
    try:
        info: dict[str, Any] = pyogrio.read_info(str(path), layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise InvalidInputError("overlay.file_unreadable", path=str(path), reason=str(err).splitlines()[0]) from err
    return info


def _resolve(path: Path, declared: Any, crs: str | None) -> int:
    if crs is not None:
        return resolve_crs(crs)
    if not declared:
        raise CRSError("crs.missing")
    try:
        return resolve_crs(declared)
    except CRSError:
        logger.debug("CRS of %s not resolved: %r", path, declared)
        raise


def read_vector_file(
    path: Path, fields: list[str], *, layer: str | None = None, encoding: str | None = None, crs: str | None = None
) -> VectorFile:
    """Read the geometries and ``fields`` of one layer with pyogrio (Arrow, no geopandas).

    Raises
    ------
    InvalidInputError
        ``file.not_found``, ``overlay.file_unreadable``, ``overlay.field_missing``.
    CRSError
        ``crs.missing`` (no CRS and no ``crs`` given), ``crs.unknown``, ``crs.unsupported`` …
    """
    info = _layer_info(path, layer, encoding)
    available = [str(f) for f in info.get("fields", [])]
    for field in fields:
        if field not in available:
            raise InvalidInputError(
                "overlay.field_missing", path=str(path), field=field, fields=", ".join(available) or "—"
            )
    epsg = _resolve(path, info.get("crs"), crs)
    try:
        meta, table = pyogrio.raw.read_arrow(str(path), layer=layer, encoding=encoding, columns=fields)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as err:
        raise InvalidInputError("overlay.file_unreadable", path=str(path), reason=str(err).splitlines()[0]) from err
    geometry_name = meta.get("geometry_name") or "wkb_geometry"
    wkb = table.column(geometry_name).to_numpy(zero_copy_only=False) if geometry_name in table.column_names else []
    geometries = shapely.from_wkb(np.asarray(wkb, dtype=object))
    columns = {field: table.column(field).to_numpy(zero_copy_only=False) for field in fields}
    return VectorFile(path, layer, np.asarray(geometries, dtype=object), columns, epsg)


def _to_crs(geoms: npt.NDArray[np.object_], source: int, target: int) -> npt.NDArray[np.object_]:
    """Project polygons between CGCS2000 CRSs, densifying first so their edges stay straight."""
    step = _DENSIFY_DEG if source == GEOGRAPHIC_EPSG else _DENSIFY_M
    transformer = get_transformer(source, target)

    def project(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[Any, Any]:
        return transformer.transform(x, y)

    return np.asarray(shapely.transform(shapely.segmentize(geoms, step), project, interleaved=False), dtype=object)


def tabulate_files(
    layer_path: Path,
    zones_path: Path,
    *,
    class_field: str,
    zone_field: str,
    area: str = "ellipsoidal",
    area_field: str | None = None,
    processes: int = 1,
    layer: str | None = None,
    zones_layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    transform: bool = True,
    validate: str = "overlay",
    progress: Callable[[int], None] | None = None,
    on_count: Callable[[int], None] | None = None,
) -> Tabulation:
    """Tabulate the area of a layer file by zone × class against a zone file.

    Raises
    ------
    guotu.errors.InvalidInputError
        Unreadable files, missing fields, ``overlay.crs_mismatch`` without ``transform``.
    guotu.errors.CRSError
        A file without a CRS (unless ``crs`` confirms one) or outside CGCS2000.
    """
    fields = [class_field] + ([area_field] if area_field else [])
    features = read_vector_file(layer_path, fields, layer=layer, encoding=encoding, crs=crs)
    zones = read_vector_file(zones_path, [zone_field], layer=zones_layer, encoding=encoding, crs=crs)
    zone_geoms = zones.geometries
    if zones.epsg != features.epsg:
        if not transform:
            raise InvalidInputError(
                "overlay.crs_mismatch",
                layer=layer_path.name,
                layer_epsg=features.epsg,
                zones=zones_path.name,
                zones_epsg=zones.epsg,
            )
        logger.info("converting %s from EPSG:%d to EPSG:%d", zones_path, zones.epsg, features.epsg)
        zone_geoms = _to_crs(zone_geoms, zones.epsg, features.epsg)
    feature_areas = np.asarray(features.columns[area_field], dtype=np.float64) if area_field else None
    if on_count is not None:
        on_count(len(features.geometries))
    return tabulate_intersection(
        features.geometries,
        features.columns[class_field],
        zone_geoms,
        zones.columns[zone_field],
        epsg=features.epsg,
        area=area,  # type: ignore[arg-type]
        feature_areas=feature_areas,
        processes=processes,
        validate=validate,  # type: ignore[arg-type]
        progress=progress,
    )


def area_of_file(path: Path, *, layer: str | None = None, crs: str | None = None) -> tuple[int, dict[str, Any]]:
    """Return the EPSG code and the per-feature planar and official ellipsoidal areas of a file."""
    data = read_vector_file(path, [], layer=layer, crs=crs)
    ellipsoidal = ellipsoidal_area(data.geometries, data.epsg)
    # planar area in degrees means nothing: none for EPSG:4490
    planar: list[float | None] = (
        [None] * len(data.geometries) if data.epsg == GEOGRAPHIC_EPSG else planar_area(data.geometries).tolist()
    )
    total_ellipsoidal = float(np.sum(ellipsoidal))
    report = {
        "features": [
            {"index": i, "planar_m2": p, "ellipsoidal_m2": e}
            for i, (p, e) in enumerate(zip(planar, ellipsoidal.tolist(), strict=True))
        ],
        "total": {
            "planar_m2": None if any(p is None for p in planar) else float(sum(p for p in planar if p is not None)),
            "ellipsoidal_m2": total_ellipsoidal,
            "公顷": str(official_area(total_ellipsoidal, "公顷", decimals=_HECTARE_DECIMALS)),
            "亩": str(official_area(total_ellipsoidal, "亩", decimals=_MU_DECIMALS)),
        },
    }
    return data.epsg, report
