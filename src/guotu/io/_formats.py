"""The formats, each read to the same raw shape: FIDs, WKB, fields, values, CRS text.

Each reader checks what it can before GDAL parses a geometry (magic bytes, the
driver GDAL reports, shapefile index and table, GeoPackage schema, feature and
vertex caps) and hands over WKB; :mod:`guotu.io.vector_read` builds the geometries.
Shapefile attributes are read by :mod:`guotu.io._dbf`, never through GDAL's recoding;
everything else comes through pyogrio's Arrow interface.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError
from pyogrio.errors import GeometryError as OgrGeometryError
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from guotu.errors import CRSError, InvalidInputError
from guotu.io import _dbf, _gpkg, _shp, _sources
from guotu.io._limits import VectorLimits, check_counts, limit_error

__all__ = ["Raw", "ogr_layers", "read_candidate"]

logger = logging.getLogger(__name__)

_SIDECAR_MAX: Final = 1 << 16  # .prj, .cpg and alias tables are small


@dataclass
class Raw:
    """A layer as read, before geometries are built."""

    fids: npt.NDArray[np.int64]
    wkb: npt.NDArray[np.object_]
    fields: list[str]
    columns: list[list[Any]]
    field_types: dict[str, dict[str, Any]]
    crs_text: str | bytes | None
    driver: str
    layer: str
    field_aliases: dict[str, str] = field(default_factory=dict)
    encoding: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _unreadable(path: Path, reason: object) -> InvalidInputError:
    return InvalidInputError("vector.unreadable", path=path.name, reason=str(reason)[:300])


def _sidecar(entry: object) -> bytes | None:
    if not isinstance(entry, Path):
        return None
    with entry.open("rb") as fh:
        return fh.read(_SIDECAR_MAX)


def _ogr_read(path: Path, **options: Any) -> tuple[dict[str, Any], pa.Table]:
    """pyogrio.read_arrow with GDAL's warnings logged and its errors typed."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            meta, table = pyogrio.read_arrow(path, return_fids=True, **options)
    except (DataSourceError, DataLayerError, FieldError, OgrGeometryError, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc) from None
    for item in caught:
        logger.warning("GDAL: %s", item.message)
    return meta, table


def _ogr_info(path: Path, layer: str | None = None, **options: Any) -> dict[str, Any]:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            info: dict[str, Any] = pyogrio.read_info(path, layer=layer, **options)
    except (DataSourceError, DataLayerError, FieldError, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc) from None
    for item in caught:
        logger.warning("GDAL: %s", item.message)
    return info


def ogr_layers(path: Path) -> list[str]:
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            layers = pyogrio.list_layers(path)
    except (DataSourceError, DataLayerError, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc) from None
    return [str(row[0]) for row in layers]


def _pick(names: list[str], layer: str | None, path: Path) -> str:
    if not names:
        raise InvalidInputError("vector.no_layer", path=path.name)
    if layer is None:
        if len(names) > 1:
            raise InvalidInputError("vector.multiple_layers", path=path.name, layers=", ".join(names), count=len(names))
        return names[0]
    if layer not in names:
        raise InvalidInputError("vector.layer_not_found", path=path.name, layer=layer, layers=", ".join(names))
    return layer


def _check_driver(driver: str | None, expected: str, path: Path) -> None:
    if driver is not None and driver != expected:
        raise InvalidInputError("vector.format_mismatch", path=path.name, expected=f"{expected} (GDAL: {driver})")


def _geometry_column(table: pa.Table) -> str | None:
    for item in table.schema:
        metadata = item.metadata or {}
        if metadata.get(b"ARROW:extension:name") == b"geoarrow.wkb":
            return str(item.name)
    return None


_ARROW_TYPES: Final = (
    (pa.types.is_boolean, "bool"),
    (pa.types.is_integer, "int"),
    (pa.types.is_floating, "float"),
    (pa.types.is_decimal, "float"),
    (pa.types.is_date, "date"),
    (pa.types.is_timestamp, "datetime"),
    (pa.types.is_time, "time"),
    (pa.types.is_string, "str"),
    (pa.types.is_large_string, "str"),
    (pa.types.is_binary, "bytes"),
    (pa.types.is_large_binary, "bytes"),
)


def _arrow_type(data_type: pa.DataType) -> str:
    return next((name for test, name in _ARROW_TYPES if test(data_type)), "str")


def _python_values(column: pa.ChunkedArray, kind: str) -> list[Any]:
    values: list[Any] = column.to_pylist()
    if kind in ("date", "datetime", "time"):
        return [None if v is None else v.isoformat() for v in values]
    if kind == "float":
        return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
    if kind == "str":
        return [None if v is None else str(v) for v in values]
    return values


def _from_arrow(
    meta: dict[str, Any], table: pa.Table, *, path: Path, driver: str, layer: str, crs_text: str | None
) -> Raw:
    geometry = _geometry_column(table)
    fid_column = meta.get("fid_column") or "OGC_FID"
    if fid_column not in table.column_names:
        fid_column = table.column_names[0]
    fids = np.asarray(table.column(fid_column).to_numpy(zero_copy_only=False), dtype=np.int64)
    if geometry is None:
        wkb = np.full(table.num_rows, None, dtype=object)
    else:
        wkb = np.asarray(table.column(geometry).to_numpy(zero_copy_only=False), dtype=object)
    fields: list[str] = []
    columns: list[list[Any]] = []
    types: dict[str, dict[str, Any]] = {}
    for item in table.schema:
        if item.name in (geometry, fid_column):
            continue
        kind = _arrow_type(item.type)
        fields.append(str(item.name))
        columns.append(_python_values(table.column(item.name), kind))
        types[str(item.name)] = {"type": kind}
    return Raw(fids, wkb, fields, columns, types, crs_text, driver, layer)


def _field_names(
    raw_names: list[bytes], encoding: str, aliases: dict[str, str]
) -> tuple[list[str], dict[str, str], list[dict[str, Any]]]:
    """Decode DBF field names; restore long names from an alias table; rename the undecodable."""
    names: list[str] = []
    renamed: dict[str, str] = {}
    notes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_names):
        in_file = raw.decode(encoding, errors="replace")
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:  # a multi-byte name cut at 10 bytes
            decoded = raw.decode(encoding, errors="ignore") or f"FIELD_{i + 1}"
            notes.append({"code": "qc.field_renamed", "field": decoded, "raw": raw.hex()})
        name = aliases.get(in_file, decoded)
        base, k = name, 1
        while name in seen:
            k += 1
            name = f"{base}_{k}"
        seen.add(name)
        names.append(name)
        if name != in_file:
            renamed[in_file] = name
    return names, renamed, notes


def _read_aliases(entry: object) -> dict[str, str]:
    """Our export's ``<stem>.aliases.csv`` (short name → original), if present and readable."""
    data = _sidecar(entry)
    if not data:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}
    rows = list(csv.reader(io.StringIO(text)))
    aliases: dict[str, str] = {}
    for row in rows[1:]:
        if len(row) >= 2:
            short, original = (_unescape_cell(cell) for cell in row[:2])
            if short and original:
                aliases[short] = original
    return aliases


def _unescape_cell(cell: str) -> str:
    """Undo the formula-injection quote of RELIABILITY.md §5.6 (see vector_write)."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


@contextmanager
def _geometry_only(shp: Path, shx: Path) -> Iterator[Path]:
    """Show GDAL the .shp and .shx alone (linked into a private folder).

    GDAL then neither recodes the table (read by :mod:`guotu.io._dbf`) nor parses
    the .prj (resolved by :func:`guotu.geo.crs.resolve_crs`, which knows the ESRI
    names and refuses what it cannot map, where GDAL would fail or guess).
    """
    folder = Path(tempfile.mkdtemp(prefix="guotu-shp-"))
    try:
        for source, name in ((shp, "layer.shp"), (shx, "layer.shx")):
            try:
                (folder / name).symlink_to(source.resolve())
            except OSError:  # no symbolic links on this file system
                shutil.copyfile(source, folder / name)
        yield folder / "layer.shp"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_shapefile(candidate: _sources.Candidate, encoding: str | None, limits: VectorLimits, polygons: bool) -> Raw:
    shp, shx, dbf = (candidate.parts[p] for p in _sources.REQUIRED_PARTS)
    assert isinstance(shp, Path) and isinstance(shx, Path) and isinstance(dbf, Path)
    index = _shp.read_index(shp, shx)
    if polygons and index.shape_type not in _shp.AREA_TYPES:
        raise InvalidInputError(
            "vector.geometry_type", path=candidate.name, found=_shp.SHAPE_TYPE_NAMES[index.shape_type], index=0
        )
    table = _dbf.read_header(dbf)
    if table.n_records != index.n_records:
        raise InvalidInputError(
            "vector.shapefile_corrupt",
            path=candidate.name,
            reason=f"{index.n_records} shapes in the .shx, {table.n_records} records in the .dbf",
        )
    check_counts(index.n_records, index.vertices, limits)
    cpg = _sidecar(candidate.parts.get(".cpg"))
    choice = _dbf.choose_encoding(
        table, argument=encoding, cpg=None if cpg is None else cpg.decode("ascii", errors="replace")
    )
    with _geometry_only(shp, shx) as staged:
        meta, arrow = _ogr_read(staged)
    raw = _from_arrow(meta, arrow, path=shp, driver="ESRI Shapefile", layer=candidate.name, crs_text=None)
    live = ~_dbf.deleted(table)[raw.fids]  # GDAL skips deleted records; so do we
    raw.fids, raw.wkb = raw.fids[live], raw.wkb[live]
    raw_names, columns, types, notes = _dbf.read_values(table, choice.encoding, raw.fids)
    aliases = _read_aliases(candidate.parts.get(_sources.ALIASES_SUFFIX))
    names, renamed, name_notes = _field_names(raw_names, choice.encoding, aliases)
    raw.fields, raw.columns, raw.field_aliases = names, columns, renamed
    raw.field_types = dict(zip(names, types, strict=True))
    raw.crs_text = _sidecar(candidate.parts.get(".prj"))
    raw.encoding = {"encoding": choice.encoding, "source": choice.source, "declared": choice.declared}
    raw.warnings += [*choice.warnings, *notes, *name_notes]
    if choice.guessed:
        raw.warnings.append({"code": "qc.encoding_guessed", "encoding": choice.encoding, "samples": choice.samples})
    return raw


def _read_geopackage(path: Path, layer: str | None, limits: VectorLimits) -> Raw:
    layers = _gpkg.inspect_geopackage(path)
    name = _pick([item.name for item in layers], layer, path)
    chosen = next(item for item in layers if item.name == name)
    count, largest, total = _gpkg.layer_stats(path, chosen)
    # A GeoPackage blob is an 8-byte header, an envelope of up to 64 bytes, then WKB: 16 bytes a 2D point.
    check_counts(count, np.array([largest // 16, 0], dtype=np.int64), limits)
    if total // 16 > limits.max_vertices:
        raise limit_error("vertices (estimated from the geometry bytes)", total // 16, limits.max_vertices)
    info = _ogr_info(path, layer=name, IMMUTABLE="YES")
    _check_driver(info.get("driver"), "GPKG", path)
    meta, table = _ogr_read(path, layer=name, IMMUTABLE="YES")
    return _from_arrow(meta, table, path=path, driver="GPKG", layer=name, crs_text=info.get("crs"))


def _read_geojson(path: Path, limits: VectorLimits) -> Raw:
    with path.open("rb") as fh:
        head = fh.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        raise InvalidInputError("vector.format_mismatch", path=path.name, expected="GeoJSON")
    info = _ogr_info(path)
    _check_driver(info.get("driver"), "GeoJSON", path)
    if int(info.get("features") or 0) > limits.max_features:
        raise limit_error("features", int(info["features"]), limits.max_features)
    meta, table = _ogr_read(path)
    return _from_arrow(
        meta, table, path=path, driver="GeoJSON", layer=str(info.get("layer_name")), crs_text=info.get("crs")
    )


def _read_filegdb(path: Path, layer: str | None, limits: VectorLimits) -> Raw:
    if not any((path / name).is_file() for name in ("gdb", "a00000001.gdbtable")):
        raise InvalidInputError("vector.format_mismatch", path=path.name, expected="FileGDB (.gdb)")
    name = _pick(ogr_layers(path), layer, path)
    info = _ogr_info(path, layer=name)
    _check_driver(info.get("driver"), "OpenFileGDB", path)
    if int(info.get("features") or 0) > limits.max_features:
        raise limit_error("features", int(info["features"]), limits.max_features)
    meta, table = _ogr_read(path, layer=name)
    return _from_arrow(meta, table, path=path, driver="OpenFileGDB", layer=name, crs_text=info.get("crs"))


def _read_geoparquet(path: Path, limits: VectorLimits) -> Raw:
    with path.open("rb") as fh:
        if fh.read(4) != b"PAR1":
            raise InvalidInputError("vector.format_mismatch", path=path.name, expected="GeoParquet")
    try:
        parquet = pq.ParquetFile(path)
        if parquet.metadata.num_rows > limits.max_features:
            raise limit_error("features", parquet.metadata.num_rows, limits.max_features)
        geo = json.loads((parquet.schema_arrow.metadata or {}).get(b"geo", b"{}"))
        table = parquet.read()
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from None
    column_name = geo.get("primary_column")
    column_meta = geo.get("columns", {}).get(column_name)
    if not isinstance(column_name, str) or not isinstance(column_meta, dict) or column_name not in table.column_names:
        raise InvalidInputError("vector.format_mismatch", path=path.name, expected="GeoParquet (no 'geo' metadata)")
    if column_meta.get("encoding", "WKB").upper() != "WKB":
        raise _unreadable(path, f"geometry encoding {column_meta.get('encoding')!r} (only WKB is read)")
    crs = column_meta.get("crs", "OGC:CRS84")
    crs_text = None if crs is None else (crs if isinstance(crs, str) else json.dumps(crs))
    if crs_text is not None and crs_text != "OGC:CRS84":
        try:
            crs_text = CRS.from_user_input(json.loads(crs_text) if crs_text.startswith("{") else crs_text).to_wkt()
        except (ProjCRSError, ValueError, TypeError) as exc:
            raise CRSError("crs.unknown", crs=str(exc)[:80]) from None
    wkb = np.asarray(table.column(column_name).to_numpy(zero_copy_only=False), dtype=object)
    fields, columns, types = [], [], {}
    for item in table.schema:
        if item.name == column_name:
            continue
        kind = _arrow_type(item.type)
        fields.append(str(item.name))
        columns.append(_python_values(table.column(item.name), kind))
        types[str(item.name)] = {"type": kind}
    fids = np.arange(table.num_rows, dtype=np.int64)
    return Raw(fids, wkb, fields, columns, types, crs_text, "GeoParquet", path.stem)


def read_candidate(
    candidate: _sources.Candidate, inner: str | None, encoding: str | None, limits: VectorLimits, polygons: bool
) -> Raw:
    if candidate.kind == "shapefile":
        return _read_shapefile(candidate, encoding, limits, polygons)
    target = candidate.parts.get("")
    assert isinstance(target, Path)
    if candidate.kind == "gpkg":
        return _read_geopackage(target, inner, limits)
    if candidate.kind == "gdb":
        return _read_filegdb(target, inner, limits)
    if candidate.kind == "geojson":
        return _read_geojson(target, limits)
    return _read_geoparquet(target, limits)
