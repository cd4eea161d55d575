"""Inputs of the distributed jobs: GeoParquet layers (checked on the client, read on the workers) and zones.

A layer is one GeoParquet file or a folder of them (``part-00000.parquet`` …, as
:func:`guotu.scale.data.spill_geoparquet` or ``dask-geopandas`` write them), on a path
every worker can read (a local disk for a LocalCluster, a shared file system for a
cluster). Only the schema and the ``geo`` metadata are read on the client: the
features never pass through it. The CRS must be CGCS2000 (EPSG:4490 or a
Gauss-Krüger code, :mod:`guotu.geo.crs`); the columns a job needs must exist.

Zone layers (districts, 规划分区 …) are small and read whole on the client with
:func:`guotu.io.read_vector` (any format guotu reads), converted into the layer's CRS
when they differ, and broadcast to the workers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from guotu.errors import CRSError, InvalidInputError
from guotu.geo.crs import GEOGRAPHIC_EPSG, get_transformer, resolve_crs
from guotu.io.vector_read import read_vector

__all__ = ["GeoParquetInput", "ZoneSet", "open_geoparquet", "read_zones"]

logger = logging.getLogger(__name__)

GeomArray = npt.NDArray[np.object_]

#: Segment length before zones change CRS (metres; degrees for EPSG:4490), so edges stay straight.
_DENSIFY_M = 10.0
_DENSIFY_DEG = 1e-4


@dataclass(frozen=True)
class GeoParquetInput:
    """A GeoParquet layer, checked: its files, geometry column, CRS and columns.

    Attributes
    ----------
    path
        The path given (a file or a folder).
    files
        The Parquet files, sorted.
    geometry
        Name of the geometry column (WKB).
    epsg
        The CGCS2000 EPSG code of the geometries.
    columns
        Attribute columns (the geometry left out).
    rows
        Number of features (from the Parquet footers).
    bbox
        Bounding box of all features from the files' ``geo`` metadata (None when a
        file does not declare one).
    """

    path: Path
    files: tuple[Path, ...]
    geometry: str
    epsg: int
    columns: tuple[str, ...]
    rows: int
    bbox: tuple[float, float, float, float] | None = None

    def require(self, fields: Sequence[str | None]) -> None:
        """Raise ``scale.field_missing`` unless every given field is a column."""
        for field in fields:
            if field is not None and field not in self.columns:
                raise InvalidInputError(
                    "scale.field_missing", path=str(self.path), field=field, fields=", ".join(self.columns) or "—"
                )


def _files(path: Path) -> tuple[Path, ...]:
    if not path.exists():
        raise InvalidInputError("scale.input_not_found", path=str(path))
    if path.is_dir():
        files = tuple(sorted(p for p in path.rglob("*.parquet") if p.is_file()))
        if not files:
            raise InvalidInputError("scale.input_empty", path=str(path))
        return files
    return (path,)


def _schema(file: Path) -> tuple[pa.Schema, int]:
    try:
        meta = pq.read_metadata(file)
        return meta.schema.to_arrow_schema(), int(meta.num_rows)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise InvalidInputError("scale.not_geoparquet", path=str(file), reason=str(exc).splitlines()[0][:200]) from None


def _geo_column(file: Path, schema: pa.Schema) -> tuple[str, Any, list[float] | None]:
    """Name of the primary geometry column and its declared CRS (GeoParquet 1.x ``geo`` metadata)."""
    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        if "geometry" in schema.names and pa.types.is_binary(schema.field("geometry").type):
            return "geometry", None, None
        raise InvalidInputError("scale.no_geometry", path=str(file))
    try:
        geo = json.loads(raw)
        name = geo["primary_column"]
        column = geo["columns"][name]
    except (ValueError, KeyError, TypeError):
        raise InvalidInputError("scale.no_geometry", path=str(file)) from None
    if name not in schema.names:
        raise InvalidInputError("scale.no_geometry", path=str(file))
    if str(column.get("encoding", "WKB")).upper() != "WKB":
        raise InvalidInputError("scale.not_geoparquet", path=str(file), reason=f"encoding {column.get('encoding')!r}")
    # GeoParquet: a missing "crs" key means OGC:CRS84 (WGS 84 longitude/latitude); null means unknown.
    bbox = column.get("bbox")
    good = isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)
    return str(name), column.get("crs", "OGC:CRS84"), [float(v) for v in bbox] if good else None


def _epsg(file: Path, declared: Any, crs: str | int | None) -> int:
    if crs is not None:
        return resolve_crs(crs)
    if declared is None:
        raise CRSError("crs.missing")
    text = declared if isinstance(declared, str) else json.dumps(declared)
    return resolve_crs(text)


def open_geoparquet(path: str | Path, *, crs: str | int | None = None) -> GeoParquetInput:
    """Check a GeoParquet layer (one file or a folder of files) without reading its features.

    Parameters
    ----------
    path
        A ``.parquet`` file or a folder holding ``*.parquet`` files of one layer.
    crs
        The CRS as confirmed by a person, for files that declare none.

    Returns
    -------
    GeoParquetInput

    Raises
    ------
    InvalidInputError
        ``scale.input_not_found``, ``scale.input_empty``, ``scale.not_geoparquet``,
        ``scale.no_geometry``, ``scale.schema_mismatch``.
    CRSError
        ``crs.missing``, ``crs.unsupported`` (not CGCS2000) …
    """
    path = Path(path)
    files = _files(path)
    first_schema, rows = _schema(files[0])
    geometry, declared, box = _geo_column(files[0], first_schema)
    epsg = _epsg(files[0], declared, crs)
    boxes = [box]
    for file in files[1:]:
        schema, count = _schema(file)
        other, other_crs, other_box = _geo_column(file, schema)
        if other != geometry or schema.names != first_schema.names or _epsg(file, other_crs, crs) != epsg:
            raise InvalidInputError("scale.schema_mismatch", path=str(file), first=str(files[0]))
        rows += count
        boxes.append(other_box)
    bbox = None
    if rows and all(b is not None for b in boxes):
        known = [b for b in boxes if b is not None]
        bbox = (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))
    columns = tuple(n for n in first_schema.names if n != geometry and not n.startswith("__"))
    logger.info("%s: %d files, %d features, EPSG:%d", path, len(files), rows, epsg)
    return GeoParquetInput(path, files, geometry, epsg, columns, rows, bbox)


@dataclass(frozen=True)
class ZoneSet:
    """Zones broadcast to the workers: polygons (WKB, to pickle cheaply) and their identifiers."""

    name: str
    wkb: tuple[bytes, ...]
    ids: tuple[str, ...]
    epsg: int

    def geometries(self) -> GeomArray:
        """Return the zone polygons as shapely geometries."""
        return np.asarray(shapely.from_wkb(np.asarray(self.wkb, dtype=object)), dtype=object)

    def __len__(self) -> int:
        return len(self.ids)


def _to_crs(geoms: GeomArray, source: int, target: int) -> GeomArray:
    step = _DENSIFY_DEG if source == GEOGRAPHIC_EPSG else _DENSIFY_M
    transformer = get_transformer(source, target)

    def project(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[Any, Any]:
        return transformer.transform(x, y)

    return np.asarray(shapely.transform(shapely.segmentize(geoms, step), project, interleaved=False), dtype=object)


def read_zones(path: str | Path, field: str, *, epsg: int, name: str, layer: str | None = None) -> ZoneSet:
    """Read a zone layer (any format :func:`guotu.io.read_vector` reads) into ``epsg``.

    Raises
    ------
    InvalidInputError
        ``scale.field_missing`` and the reader's ``vector.*`` / ``file.not_found`` errors.
    CRSError
        A zone file without a CGCS2000 CRS.
    """
    data = read_vector(path, layer=layer)
    if field not in data.fields:
        raise InvalidInputError(
            "scale.field_missing", path=str(path), field=field, fields=", ".join(data.fields) or "—"
        )
    geoms = np.asarray(data.geometries, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[keep]
    ids = [
        str(a.get(field)) if a.get(field) is not None else "" for a, k in zip(data.attributes, keep, strict=True) if k
    ]
    if data.crs != epsg:
        logger.info("converting %s from EPSG:%d to EPSG:%d", path, data.crs, epsg)
        geoms = _to_crs(geoms, data.crs, epsg)
    return ZoneSet(name, tuple(shapely.to_wkb(geoms).tolist()), tuple(ids), epsg)
