"""Write a :class:`~guotu.geo.vector.VectorData` layer as GeoPackage, shapefile, GeoJSON, GeoParquet or FileGDB.

Every format keeps the field names, Chinese text, leading-zero codes and areas of
the layer. Polygon rings are normalised (exterior counter-clockwise; GDAL turns them
clockwise for shapefiles, as that format requires). Output goes to a temporary
name beside the target and is moved into place when complete, so a failed export
leaves no half-written file under the target's name.

Shapefiles (``.shp``, or ``.zip`` for the same files zipped) are written in UTF-8
with a ``.cpg`` saying so, and a ``.prj``: RELIABILITY.md §5.6 promises this, and
GBK cannot encode every character of Chinese place and person names (the rarer
characters of 《通用规范汉字表》 lie outside GBK), so a GBK export would lose data.
``encoding="GBK"`` remains available for old software that ignores ``.cpg``; it
refuses values GBK cannot encode rather than write "?". DBF field names hold 10
bytes: longer names are cut at a character boundary (never mid-character), made
unique, and listed in ``<stem>.aliases.csv`` (UTF-8 with BOM, columns ``short`` and
``original``), which :func:`guotu.io.read_vector` reads back to restore the names.
Text longer than 254 bytes, which a DBF cannot hold, is refused, as is output over
the format's 2 GB limit (no splitting yet).

GeoJSON follows RFC 7946: longitude/latitude in CGCS2000 (EPSG:4490, which WGS 84
matches to centimetres), transformed with pyproj in GIS axis order, with no ``crs``
member, 9 decimals (0.1 mm). GeoParquet stores WKB with GeoParquet 1.1 metadata and
the CRS as PROJJSON.

Attribute types come from ``source["field_types"]`` when the reader recorded them,
else from the values: bool, int (int64), float (float64, Decimal included), ISO
date strings of a ``date`` field as dates, everything else as text. Nulls stay null.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyogrio import raw as ogr_raw
from pyogrio.errors import DataLayerError, DataSourceError, FieldError
from pyogrio.errors import GeometryError as OgrGeometryError
from pyproj import CRS

from guotu.errors import InvalidInputError, StorageError
from guotu.geo.crs import GEOGRAPHIC_EPSG, get_transformer
from guotu.geo.vector import VectorData

__all__ = ["DRIVERS", "write_vector"]

logger = logging.getLogger(__name__)

#: Output drivers and their aliases.
DRIVERS: Final = {
    "gpkg": "GPKG",
    "geopackage": "GPKG",
    "shp": "ESRI Shapefile",
    "shapefile": "ESRI Shapefile",
    "esri shapefile": "ESRI Shapefile",
    "zip": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "json": "GeoJSON",
    "gdb": "OpenFileGDB",
    "filegdb": "OpenFileGDB",
    "openfilegdb": "OpenFileGDB",
    "parquet": "GeoParquet",
    "geoparquet": "GeoParquet",
}
_DBF_NAME_BYTES: Final = 10
_DBF_TEXT_BYTES: Final = 254
_SHAPEFILE_MAX_BYTES: Final = (1 << 31) - 1
_GEOJSON_DECIMALS: Final = 9
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_SHAPEFILE_SUFFIXES: Final = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _driver_for(path: Path, driver: str | None) -> str:
    key = (driver or path.suffix.lstrip(".")).lower()
    if key not in DRIVERS:
        choices = "GPKG, ESRI Shapefile, GeoJSON, OpenFileGDB, GeoParquet"
        raise InvalidInputError("vector.driver_unknown", driver=driver or path.suffix, choices=choices)
    return DRIVERS[key]


# ---------------------------------------------------------------------------
# columns


def _kind(values: list[Any], declared: str | None) -> str:
    present = [v for v in values if v is not None]
    if declared == "date" and all(isinstance(v, str) for v in present):
        try:
            np.array(present, dtype="datetime64[D]")
            return "date"
        except ValueError:
            return "str"
    if not present:
        return declared if declared in ("int", "float", "bool") else "str"
    if all(isinstance(v, bool | np.bool_) for v in present):
        return "bool"
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in present):
        if declared == "float":
            return "float"
        return "int" if all(-(2**63) <= int(v) < 2**63 for v in present) else "str"
    if all(isinstance(v, int | float | Decimal | np.number) and not isinstance(v, bool) for v in present):
        return "float"
    return "str"


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _column(values: list[Any], declared: str | None) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_] | None, str]:
    """Build a numpy column for pyogrio, its null mask (None when it needs none), and its kind."""
    kind = _kind(values, declared)
    nulls = np.array([v is None for v in values], dtype=bool)
    if kind == "bool":
        array: npt.NDArray[Any] = np.array([bool(v) if v is not None else False for v in values], dtype=bool)
    elif kind == "int":
        array = np.array([int(v) if v is not None else 0 for v in values], dtype=np.int64)
    elif kind == "float":
        array = np.array([float(v) if v is not None else np.nan for v in values], dtype=np.float64)
    elif kind == "date":
        array = np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")
    else:
        array = np.array([None if v is None else _text(v) for v in values], dtype=object)
    mask = nulls if nulls.any() and kind in ("bool", "int", "float", "date") else None
    return array, mask, kind


def _columns(data: VectorData) -> tuple[list[npt.NDArray[Any]], list[npt.NDArray[np.bool_] | None], list[str]]:
    types = data.source.get("field_types") or {}
    arrays, masks, kinds = [], [], []
    for name in data.fields:
        declared = (types.get(name) or {}).get("type")
        array, mask, kind = _column([row.get(name) for row in data.attributes], declared)
        arrays.append(array)
        masks.append(mask)
        kinds.append(kind)
    return arrays, masks, kinds


# ---------------------------------------------------------------------------
# geometry


def _oriented(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Exterior rings counter-clockwise, holes clockwise (OGC; RELIABILITY.md §5.1)."""
    result: npt.NDArray[np.object_] = shapely.orient_polygons(geoms, exterior_cw=False)
    return result


def _to_geographic(geoms: npt.NDArray[np.object_], epsg: int) -> npt.NDArray[np.object_]:
    if epsg == GEOGRAPHIC_EPSG:
        return geoms
    transformer = get_transformer(epsg, GEOGRAPHIC_EPSG)

    def project(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    result: npt.NDArray[np.object_] = shapely.transform(geoms, project)
    return result


def _geometry_type(geoms: npt.NDArray[np.object_]) -> str:
    names = {str(t) for t in shapely.get_type_id(geoms) if t >= 0}
    if names <= {"6"}:
        return "MultiPolygon"
    if names <= {"3"}:
        return "Polygon"
    return "Unknown"


def _wkb(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    result: npt.NDArray[np.object_] = shapely.to_wkb(geoms, flavor="iso")
    return result


# ---------------------------------------------------------------------------
# shapefile names


def _cut(name: str, encoding: str, limit: int) -> str:
    """Return the longest prefix of ``name`` whose encoding fits in ``limit`` bytes."""
    out = ""
    for char in name:
        if len((out + char).encode(encoding)) > limit:
            break
        out += char
    return out


def short_names(fields: tuple[str, ...], encoding: str) -> list[str]:
    """DBF-safe names: at most 10 bytes in ``encoding``, cut at character boundaries, unique without case.

    Examples
    --------
    >>> short_names(("BSM", "地类编码名称", "地类编码名称二", "MJ"), "utf-8")
    ['BSM', '地类编', '地类_2', 'MJ']
    """
    result: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(fields):
        try:
            short = _cut(name, encoding, _DBF_NAME_BYTES) or f"F{i + 1}"
        except UnicodeEncodeError:
            short = f"F{i + 1}"
        k = 1
        base = short
        while short.casefold() in seen:
            k += 1
            suffix = f"_{k}"
            short = _cut(base, encoding, _DBF_NAME_BYTES - len(suffix)) + suffix
        seen.add(short.casefold())
        result.append(short)
    return result


def _escape_cell(text: str) -> str:
    """Quote a cell that a spreadsheet would run as a formula (RELIABILITY.md §5.6)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _alias_table(shorts: list[str], originals: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["short", "original"])
    for short, original in zip(shorts, originals, strict=True):
        writer.writerow([_escape_cell(short), _escape_cell(original)])
    return buffer.getvalue()


def _check_shapefile(data: VectorData, arrays: list[npt.NDArray[Any]], kinds: list[str], encoding: str) -> None:
    codec = "gbk" if encoding.lower() in ("gbk", "cp936", "gb2312") else encoding
    text_bytes = 0
    for name, array, kind in zip(data.fields, arrays, kinds, strict=True):
        if kind != "str":
            text_bytes += 24
            continue
        widest = 1
        for value in array:
            if value is None:
                continue
            try:
                size = len(value.encode(codec))
            except UnicodeEncodeError:
                raise InvalidInputError("vector.unencodable", field=name, encoding=encoding, value=value[:40]) from None
            if size > _DBF_TEXT_BYTES:
                raise InvalidInputError("vector.value_too_long", field=name, size=size, limit=_DBF_TEXT_BYTES)
            widest = max(widest, size)
        text_bytes += widest
    dbf_size = len(data) * (text_bytes + 1)
    geoms = np.asarray(data.geometries, dtype=object)
    shp_size = int(shapely.get_num_coordinates(geoms).sum()) * 16 + 56 * len(data)
    for part, size in ((".dbf", dbf_size), (".shp", shp_size)):
        if size > _SHAPEFILE_MAX_BYTES:
            raise InvalidInputError("vector.too_large_for_shapefile", part=part, size=size)


# ---------------------------------------------------------------------------
# writers


def _ogr_write(path: Path, data: VectorData, geoms: npt.NDArray[np.object_], names: list[str], **options: Any) -> None:
    arrays, masks, _ = _columns(data)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ogr_raw.write(
                path,
                _wkb(geoms),
                arrays,
                names,
                field_mask=masks if any(m is not None for m in masks) else None,
                geometry_type=_geometry_type(geoms),
                **options,
            )
    except (DataSourceError, DataLayerError, FieldError, OgrGeometryError, ValueError, RuntimeError, OSError) as exc:
        raise StorageError("file.write_failed", path=path.name, reason=str(exc)[:300]) from None
    for item in caught:
        logger.warning("GDAL: %s", item.message)


def _write_shapefile(data: VectorData, target: Path, work: Path, encoding: str) -> list[Path]:
    arrays, _, kinds = _columns(data)
    _check_shapefile(data, arrays, kinds, encoding)
    shorts = short_names(data.fields, "gbk" if encoding.lower() in ("gbk", "cp936") else encoding)
    stem = target.stem
    shp = work / f"{stem}.shp"
    _ogr_write(
        shp,
        data,
        _oriented(np.asarray(data.geometries, dtype=object)),
        shorts,
        driver="ESRI Shapefile",
        crs=f"EPSG:{data.crs}",
        encoding=encoding,
        layer=stem,
    )
    written = [work / f"{stem}{suffix}" for suffix in _SHAPEFILE_SUFFIXES if (work / f"{stem}{suffix}").exists()]
    if list(data.fields) != shorts:
        aliases = work / f"{stem}.aliases.csv"
        aliases.write_text(_alias_table(shorts, data.fields), encoding="utf-8-sig")
        written.append(aliases)
    return written


def _write_geoparquet(data: VectorData, target: Path) -> None:
    geoms = _oriented(np.asarray(data.geometries, dtype=object))
    arrays, _, kinds = _columns(data)
    columns: dict[str, pa.Array] = {}
    types = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "str": pa.string()}
    for name, array, kind in zip(data.fields, arrays, kinds, strict=True):
        values = [row.get(name) for row in data.attributes]
        if kind == "date":
            columns[name] = pa.array(array, type=pa.date32(), mask=np.isnat(array))
        elif kind == "str":
            columns[name] = pa.array([None if v is None else _text(v) for v in values], type=pa.string())
        else:
            columns[name] = pa.array([None if v is None else v for v in values], type=types[kind])
    columns["geometry"] = pa.array(list(_wkb(geoms)), type=pa.binary())
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bbox = [float(v) for v in shapely.total_bounds(geoms[present])] if present.any() else []
    geometry_types = sorted({g.geom_type for g in geoms[present]})
    geo = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": geometry_types,
                "crs": CRS.from_epsg(data.crs).to_json_dict(),
                "bbox": bbox,
                "orientation": "counterclockwise",
            }
        },
    }
    table = pa.table(columns)
    table = table.replace_schema_metadata({b"geo": json.dumps(geo, ensure_ascii=False).encode("utf-8")})
    try:
        pq.write_table(table, target, compression="zstd")
    except (OSError, pa.ArrowException) as exc:
        raise StorageError("file.write_failed", path=target.name, reason=str(exc)[:300]) from None


def _layer_name(data: VectorData, target: Path, layer: str | None) -> str:
    name = layer or str(data.source.get("name") or target.stem)
    return name.replace("\x00", "")[:63] or "layer"


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".guotu-write-", dir=parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _existing(target: Path, driver: str) -> list[Path]:
    if driver == "ESRI Shapefile" and target.suffix.lower() == ".shp":
        candidates = [target.with_suffix(s) for s in _SHAPEFILE_SUFFIXES]
        candidates.append(target.with_name(target.stem + ".aliases.csv"))
        return [p for p in candidates if p.exists()]
    return [target] if target.exists() else []


def _remove(paths: list[Path]) -> None:
    for item in paths:
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()


def _zip_files(files: list[Path], target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.write(item, item.name)  # names are UTF-8 with the flag set by zipfile


def write_vector(
    data: VectorData,
    path: str | Path,
    *,
    driver: str | None = None,
    layer: str | None = None,
    encoding: str = "UTF-8",
    overwrite: bool = False,
) -> Path:
    """Write a layer to a file.

    Parameters
    ----------
    data
        The layer.
    path
        Output path; its suffix picks the format unless ``driver`` is given:
        ``.gpkg``, ``.shp``, ``.zip`` (a zipped shapefile), ``.geojson``/``.json``,
        ``.gdb`` (a FileGDB folder), ``.parquet``.
    driver
        ``GPKG``, ``ESRI Shapefile``, ``GeoJSON``, ``OpenFileGDB``, ``GeoParquet``
        (or a short alias: gpkg, shp, geojson, gdb, parquet).
    layer
        Layer name inside GeoPackage and FileGDB outputs (default: the source's name).
    encoding
        Shapefile text encoding: UTF-8 (default, written in the .cpg) or GBK.
    overwrite
        Replace an existing output (for a shapefile: its sibling files too).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InvalidInputError
        ``vector.driver_unknown``, ``vector.output_exists``, and for shapefiles
        ``vector.unencodable``, ``vector.value_too_long``,
        ``vector.too_large_for_shapefile``.
    StorageError
        ``file.write_failed`` when GDAL or the file system fails.

    Examples
    --------
    See :mod:`guotu.io` for a round trip.
    """
    target = Path(path)
    kind = _driver_for(target, driver)
    existing = _existing(target, kind)
    if existing and not overwrite:
        raise InvalidInputError("vector.output_exists", path=str(target))
    name = _layer_name(data, target, layer)
    geoms = _oriented(np.asarray(data.geometries, dtype=object))
    with _staging(target) as work:
        staged = work / target.name
        produced: list[Path] = [staged]
        if kind == "ESRI Shapefile":
            files = _write_shapefile(data, target.with_suffix(".shp"), work, encoding)
            if target.suffix.lower() == ".zip":
                _zip_files(files, staged)
            else:
                produced = files
        elif kind == "GeoJSON":
            _ogr_write(
                staged,
                data,
                _to_geographic(geoms, data.crs),
                list(data.fields),
                driver="GeoJSON",
                crs=f"EPSG:{GEOGRAPHIC_EPSG}",
                layer=name,
                layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(_GEOJSON_DECIMALS)},
            )
        elif kind == "GeoParquet":
            _write_geoparquet(data, staged)
        else:
            _ogr_write(staged, data, geoms, list(data.fields), driver=kind, crs=f"EPSG:{data.crs}", layer=name)
        try:
            _remove(existing)
            for item in produced:
                os.replace(item, target.parent / item.name)
        except OSError as exc:
            raise StorageError("file.write_failed", path=str(target), reason=str(exc)) from None
    logger.info("wrote %d features to %s (%s)", len(data), target, kind)
    return target
