"""Read one vector layer from an untrusted upload into :class:`~guotu.geo.vector.VectorData`.

Formats: shapefile (a ``.shp``, a folder or a zip), GeoPackage, GeoJSON, FileGDB (a
``.gdb`` folder or a zipped one) and GeoParquet. Everything that can be checked
before GDAL parses a geometry is checked first (RELIABILITY.md §5):

* sizes: the input's bytes; a zip's central directory (:mod:`guotu.io._zip`);
* the format, by magic bytes and by the driver GDAL then reports, never by the
  extension alone (a ``.geojson`` that is really a GDAL VRT is refused);
* a shapefile's index, header and record counts (:mod:`guotu.io._shp`), its
  table and encoding (:mod:`guotu.io._dbf`: GDAL's recoding is bypassed);
* a GeoPackage's integrity and schema (:mod:`guotu.io._gpkg`);
* feature and vertex caps (:class:`VectorLimits`), from the index, the GeoPackage
  blob sizes or the WKB sizes, before shapely builds a geometry.

Then geometries are built: curves are linearised (0.01 m), Z and M dropped, Polygon
promoted to MultiPolygon; lines, points and collections in an area layer are
refused; NaN, infinite and absurd (> 10¹⁰) ordinates are refused before anything is
indexed. The CRS comes from the file (``.prj``, the GeoPackage, the FileGDB) through
:func:`guotu.geo.crs.resolve_crs` and is checked against the coordinates with
:func:`guotu.geo.crs.check_coordinates`; a missing CRS is never guessed (``crs.missing``
lists candidates), and ``crs=`` confirms or overrides it.

Attributes are Python values: str, int, float, bool, ISO 8601 strings for dates
and times, bytes for binary fields, None for nulls. Numbers with decimals are
floats, in every format: GeoPackage, FileGDB and GeoJSON store binary doubles, and a
DBF's decimal text of up to 15 significant digits comes back exactly with
``Decimal(repr(value))``; the declared width and precision of each DBF field are in
``source["field_types"]``, for the service to quantize official figures.

Everything the reader did that a person should confirm or know (an encoding it
detected, Z values it dropped, curves it linearised, a CRS the caller overrode, an
id field it could not use, unreadable values or geometries) is recorded in
``source["warnings"]``; :func:`guotu.geo.quality.check_layer` reports them as findings.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import shapely

from guotu.errors import CRSError, GeometryError, InvalidInputError, NotFoundError
from guotu.geo.crs import GEOGRAPHIC_EPSG, check_coordinates, resolve_crs, suggest_crs
from guotu.geo.vector import VectorData
from guotu.io import _gpkg, _sources, _zip
from guotu.io._curves import CURVE_TYPES, CurveError, linearize
from guotu.io._formats import Raw, ogr_layers, read_candidate
from guotu.io._limits import VectorLimits, check_counts, limit_error

__all__ = ["VectorLimits", "list_layers", "read_vector"]

logger = logging.getLogger(__name__)

#: Ordinates beyond this are garbage (1e308 and friends): no CGCS2000 coordinate exceeds 5 × 10⁷.
MAX_ORDINATE: Final = 1e10
#: Arcs are stroked so that chords stay this close to them: metres, or degrees for EPSG:4490.
CURVE_TOLERANCE_M: Final = 0.01
_CURVE_TOLERANCE_DEG: Final = CURVE_TOLERANCE_M / 111_000
_POLYGON, _MULTIPOLYGON = 3, 6
_DEFAULT_LIMITS: Final = VectorLimits()
_TYPE_NAMES: Final = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


# ---------------------------------------------------------------------------
# helpers


def _input_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return path.stat().st_size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        if path.is_dir():
            digest.update(item.relative_to(path).as_posix().encode() + b"\x00")
        with item.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _workspace() -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="guotu-vector-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------
# geometry


class _Headers(NamedTuple):
    """What the first five bytes of each WKB say, and each WKB's size."""

    base: npt.NDArray[np.int64]  # base type (1–17), -1 for NULL or unreadable
    width: npt.NDArray[np.int64]  # bytes per point: 16, 24 or 32
    size: npt.NDArray[np.int64]
    n_z: int
    n_m: int


def _wkb_headers(wkb: npt.NDArray[np.object_]) -> _Headers:
    """Parse every WKB header at once (byte order, ISO or EWKB type code), without shapely."""
    n = len(wkb)
    size = np.fromiter((0 if w is None else len(w) for w in wkb), dtype=np.int64, count=n)
    filler = b"\x00" * 5
    heads = np.frombuffer(b"".join(filler if w is None or len(w) < 5 else w[:5] for w in wkb), dtype=np.uint8)
    heads = heads.reshape(n, 5)
    little = heads[:, 1:5].copy().view("<u4").ravel().astype(np.int64)
    big = heads[:, 1:5].copy().view(">u4").ravel().astype(np.int64)
    code = np.where(heads[:, 0] == 1, little, big)
    has_z = (code & 0x80000000) != 0
    has_m = (code & 0x40000000) != 0
    code &= 0x0FFFFFFF
    dims, base = np.divmod(code, 1000)
    has_z |= (dims == 1) | (dims == 3)
    has_m |= (dims == 2) | (dims == 3)
    known = (size >= 5) & (base >= 1) & (base <= 17) & (dims <= 3)
    base = np.where(known, base, -1)
    has_z &= known
    has_m &= known
    width = 8 * (2 + has_z.astype(np.int64) + has_m.astype(np.int64))
    return _Headers(base, width, size, int(has_z.sum()), int(has_m.sum()))


def _build(raw: Raw, headers: _Headers, tolerance: float) -> tuple[npt.NDArray[np.object_], list[dict[str, Any]]]:
    """Build shapely geometries from WKB: curves linearised, Z/M dropped, the unreadable None with a note."""
    notes: list[dict[str, Any]] = []
    n_z, n_m = headers.n_z, headers.n_m
    curved = np.flatnonzero(np.isin(headers.base, list(CURVE_TYPES)))
    linear = np.ones(len(raw.wkb), dtype=bool)
    linear[curved] = False
    geoms = np.full(len(raw.wkb), None, dtype=object)
    if linear.any():
        geoms[linear] = shapely.from_wkb(raw.wkb[linear], on_invalid="ignore")
    for i in curved:
        try:
            geoms[i] = linearize(raw.wkb[i], tolerance)
        except CurveError as exc:
            notes.append({"code": "qc.geometry_unreadable", "index": int(i), "reason": str(exc)})
    if curved.size:
        notes.append({"code": "qc.curves_linearised", "count": int(curved.size), "tolerance": tolerance})
    lost = np.flatnonzero(linear & (raw.wkb != None) & (geoms == None))  # noqa: E711 - elementwise
    for i in lost:
        try:
            shapely.from_wkb(raw.wkb[i])
            reason = "unreadable WKB"
        except (shapely.errors.GEOSException, ValueError) as exc:
            reason = str(exc)
        notes.append({"code": "qc.geometry_unreadable", "index": int(i), "reason": reason[:200]})
    if n_z or n_m:
        geoms = shapely.force_2d(geoms)
        if n_z:
            notes.append({"code": "qc.z_dropped", "count": n_z})
        if n_m:
            notes.append({"code": "qc.m_dropped", "count": n_m})
    return geoms, notes


def _promote(geoms: npt.NDArray[np.object_], fids: npt.NDArray[np.int64], name: str) -> npt.NDArray[np.object_]:
    """Polygon → MultiPolygon; anything else but None refused (an area layer)."""
    type_ids = shapely.get_type_id(geoms)
    bad = ~np.isin(type_ids, [-1, _POLYGON, _MULTIPOLYGON])
    if bad.any():
        counts = Counter(_TYPE_NAMES.get(int(t), str(t)) for t in type_ids[bad])
        first = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(
            "vector.geometry_type",
            path=name,
            found=", ".join(f"{k} ×{v}" for k, v in counts.most_common()),
            index=first,
            fid=int(fids[first]),
        )
    result = geoms.copy()
    polygons = np.flatnonzero(type_ids == _POLYGON)
    if polygons.size:
        result[polygons] = shapely.multipolygons(geoms[polygons], indices=np.arange(polygons.size))
    empty = np.flatnonzero(shapely.is_empty(result) & (type_ids >= 0))
    if empty.size:
        result[empty] = shapely.MultiPolygon()
    return result


def _check_finite(geoms: npt.NDArray[np.object_], fids: npt.NDArray[np.int64]) -> None:
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    bad |= (np.abs(np.nan_to_num(coords, nan=0.0)) > MAX_ORDINATE).any(axis=1)
    if bad.any():
        index = int(owner[np.flatnonzero(bad)[0]])
        raise GeometryError("geometry.non_finite", where=f"#{index} (FID {int(fids[index])})", index=index)


def _check_vertices(geoms: npt.NDArray[np.object_], limits: VectorLimits) -> None:
    counts = shapely.get_num_coordinates(geoms).astype(np.int64)
    check_counts(len(geoms), counts, limits)


# ---------------------------------------------------------------------------
# CRS and identifiers


def _resolve(raw: Raw, crs: int | str | None) -> tuple[int | None, str, list[dict[str, Any]]]:
    """Return the layer's EPSG code (None when neither file nor ``crs`` gives one), its source, notes."""
    notes: list[dict[str, Any]] = []
    declared: int | None = None
    problem: CRSError | None = None
    text = raw.crs_text
    if raw.driver in ("GeoJSON", "GeoParquet") and text in ("EPSG:4326", "OGC:CRS84"):
        # RFC 7946 and GeoParquet's default: WGS 84 longitude/latitude, which CGCS2000
        # matches to a few centimetres (both are realisations of the ITRF).
        declared = GEOGRAPHIC_EPSG
        notes.append({"code": "qc.crs_wgs84", "format": raw.driver, "declared": text})
    elif text:
        try:
            declared = resolve_crs(text)
        except CRSError as exc:
            problem = exc
    if crs is not None:
        if problem is not None and problem.code == "crs.legacy_datum":
            raise problem
        epsg = resolve_crs(crs)
        if declared != epsg:
            shown = declared if declared is not None else (problem.params.get("crs") if problem else "-")
            notes.append({"code": "qc.crs_overridden", "declared": shown, "epsg": epsg})
        return epsg, "argument", notes
    if problem is not None:
        raise problem
    return declared, "file", notes


def _missing_crs(bounds: tuple[float, float, float, float] | None) -> CRSError:
    candidates = suggest_crs(*bounds) if bounds is not None else []
    return CRSError(
        "crs.missing",
        candidates=", ".join(f"EPSG:{c}" for c in candidates) or "-",
        candidate_codes=candidates,
    )


def _feature_ids(raw: Raw, id_field: str | None) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    notes: list[dict[str, Any]] = []
    if id_field is not None:
        if id_field not in raw.fields:
            raise InvalidInputError("vector.field_missing", field=id_field, fields=", ".join(raw.fields))
        values = raw.columns[raw.fields.index(id_field)]
        texts = [_id_text(v) for v in values]
        present = [v for v in texts if v is not None]
        missing = len(texts) - len(present)
        duplicates = [k for k, n in Counter(present).items() if n > 1]
        if not missing and not duplicates:
            return tuple(present), notes
        notes.append(
            {
                "code": "qc.id_field_unusable",
                "field": id_field,
                "missing": missing,
                "duplicates": ", ".join(duplicates[:5]),
            }
        )
    ids = [str(int(f)) for f in raw.fids]
    if len(set(ids)) != len(ids):
        ids = [str(i) for i in range(len(ids))]
    return tuple(ids), notes


def _id_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------
# public


def _assemble(
    raw: Raw,
    *,
    source: dict[str, Any],
    crs: int | str | None,
    id_field: str | None,
    polygons: bool,
    limits: VectorLimits,
) -> VectorData:
    n = len(raw.wkb)
    headers = _wkb_headers(raw.wkb)
    check_counts(n, np.maximum(headers.size - 9, 0) // headers.width, limits)
    epsg, crs_source, crs_notes = _resolve(raw, crs)
    # NaN ordinates make numpy warn inside shapely; they are refused just below, by feature.
    with np.errstate(invalid="ignore"):
        geoms, notes = _build(raw, headers, _CURVE_TOLERANCE_DEG if epsg == GEOGRAPHIC_EPSG else CURVE_TOLERANCE_M)
        _check_vertices(geoms, limits)
        if polygons:
            geoms = _promote(geoms, raw.fids, source["name"])
        _check_finite(geoms, raw.fids)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bounds = None
    if present.any():
        xmin, ymin, xmax, ymax = (float(v) for v in shapely.total_bounds(geoms[present]))
        bounds = (xmin, ymin, xmax, ymax)
    if epsg is None:
        raise _missing_crs(bounds)
    if bounds is not None:
        check_coordinates(epsg, *bounds)
    ids, id_notes = _feature_ids(raw, id_field)
    attributes = (
        [dict(zip(raw.fields, row, strict=True)) for row in zip(*raw.columns, strict=True)]
        if raw.fields
        else [{} for _ in range(n)]
    )
    source.update(
        {
            "format": raw.driver,
            "layer": raw.layer,
            "feature_count": n,
            "crs_source": crs_source,
            "crs_declared": _short_crs(raw.crs_text),
            "field_types": raw.field_types,
            "fids": raw.fids.tolist(),  # plain data: the store keeps source as JSON
            "warnings": [*raw.warnings, *notes, *crs_notes, *id_notes],
            **(
                {"encoding": raw.encoding["encoding"], "encoding_source": raw.encoding["source"]}
                if raw.encoding
                else {}
            ),
        }
    )
    return VectorData(
        geometries=geoms,
        attributes=attributes,
        crs=epsg,
        feature_ids=ids,
        fields=tuple(raw.fields),
        field_aliases=raw.field_aliases,
        source=source,
    )


def _short_crs(text: str | bytes | None) -> str | None:
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    crs: int | str | None = None,
    id_field: str | None = None,
    polygons: bool = True,
    limits: VectorLimits = _DEFAULT_LIMITS,
) -> VectorData:
    """Read one layer of an uploaded vector file, checking it as untrusted input.

    Parameters
    ----------
    path
        A ``.shp``, ``.gpkg``, ``.geojson``/``.json``, ``.parquet``, a ``.gdb``
        folder, a folder of shapefiles, or a ``.zip`` of any of these.
    layer
        Which layer, when the input holds several (``vector.multiple_layers`` lists them).
    encoding
        Encoding of a shapefile's text (``GBK``, ``UTF-8`` …); it overrides the
        ``.cpg``, and must decode every value.
    crs
        The layer's CRS as confirmed by a person (EPSG code, ``EPSG:nnnn`` or a
        name): required when the file has none, and overrides the file's
        (recorded as a ``qc.crs_overridden`` warning). Legacy datums stay refused.
    id_field
        Field whose values identify features across versions (标识码 ``BSM``);
        used when every feature has a distinct value, else the source FIDs are used
        and a ``qc.id_field_unusable`` warning says why.
    polygons
        Read an area layer (the default): Polygon is promoted to MultiPolygon and
        other geometry types are refused. ``False`` keeps geometries as they are.
    limits
        Caps on bytes, entries, features and vertices.

    Returns
    -------
    VectorData
        Geometries (None for a NULL geometry; an empty MultiPolygon for an empty
        one), attributes, EPSG code, feature ids, fields and field aliases, and in
        ``source``: ``path``, ``name``, ``format``, ``layer``, ``sha256``,
        ``feature_count``, ``crs_source`` (file, argument), ``crs_declared``,
        ``encoding`` and ``encoding_source`` (shapefiles), ``field_types``,
        ``fids`` (source FIDs) and ``warnings``.

    Raises
    ------
    NotFoundError
        ``file.not_found``.
    InvalidInputError
        ``vector.*`` codes for archives, formats, encodings, layers and limits (see
        :mod:`guotu.catalogue.vector`).
    GeometryError
        ``geometry.non_finite``.
    CRSError
        ``crs.missing`` (with candidates), ``crs.unknown``, ``crs.legacy_datum`` …,
        or a coordinate check such as ``crs.zone_prefix_mismatch`` (with a
        ``suggested_epsg``).

    Examples
    --------
    See :mod:`guotu.io` for a round trip.
    """
    path = Path(path)
    started = time.perf_counter()
    if not path.exists():
        raise NotFoundError("file.not_found", path=str(path))
    size = _input_bytes(path)
    if size > limits.max_bytes:
        raise limit_error("bytes", size, limits.max_bytes)
    source: dict[str, Any] = {"path": str(path), "sha256": _sha256(path), "bytes": size}
    with _opened(path, layer, limits) as (candidate, inner):
        source["name"] = candidate.name if candidate.kind not in _sources.CONTAINERS else (inner or candidate.name)
        raw = read_candidate(candidate, inner, encoding, limits, polygons)
        if candidate.kind in _sources.CONTAINERS:
            source["name"] = raw.layer
        data = _assemble(raw, source=source, crs=crs, id_field=id_field, polygons=polygons, limits=limits)
    logger.info(
        "read %s (%s, layer %r): %d features in %.2f s",
        path.name,
        data.source["format"],
        raw.layer,
        len(data),
        time.perf_counter() - started,
    )
    return data


def _entries_of(path: Path) -> list[tuple[str, _sources.Entry]]:
    if path.is_dir():
        return _sources.folder_entries(path)
    return [(path.name, path)]


@contextmanager
def _opened(path: Path, layer: str | None, limits: VectorLimits) -> Iterator[tuple[_sources.Candidate, str | None]]:
    """Find the chosen candidate and make it available on disk for the duration of the block."""
    if path.is_file() and _zip.is_zip(path):
        declared = _zip.declared_entries(path)
        if declared is not None and declared > limits.max_archive_entries:
            raise InvalidInputError(
                "vector.archive_limit",
                path=path.name,
                reason=f"{declared} entries (limit {limits.max_archive_entries})",
            )
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
            raise InvalidInputError("vector.archive_corrupt", path=path.name, reason=str(exc)) from None
        with archive:
            members = _zip.scan_zip(
                archive,
                path,
                max_entries=limits.max_archive_entries,
                max_bytes=limits.max_archive_bytes,
                max_ratio=limits.max_compression_ratio,
                ratio_floor=limits.ratio_floor_bytes,
            )
            candidates = _sources.discover([(m.name, m) for m in members])
            chosen, inner = _sources.select(candidates, layer, path)
            with _workspace() as work:
                ready = _sources.materialise(chosen, archive, work, path, max_bytes=limits.max_archive_bytes)
                yield ready, inner
        return
    if path.is_file() and path.suffix.lower() in (".shx", ".dbf", ".prj", ".cpg"):
        path = path.with_suffix(".shp") if path.with_suffix(".shp").exists() else path
    if path.is_file() and path.suffix.lower() == ".shp":
        siblings: list[tuple[str, _sources.Entry]] = [
            (p.name, p)
            for p in path.parent.iterdir()
            if p.is_file() and p.name.lower().startswith(path.stem.lower() + ".")
        ]
        candidates = [c for c in _sources.discover(siblings) if c.name.casefold() == path.stem.casefold()]
        chosen, inner = _sources.select(candidates, None, path)
        yield chosen, inner
        return
    if path.is_file() and path.suffix.lower() not in (".gpkg", ".geojson", ".json", ".parquet", ".geoparquet"):
        raise InvalidInputError("vector.format_unknown", path=path.name)
    candidates = _sources.discover(_entries_of(path))
    chosen, inner = _sources.select(candidates, layer, path)
    yield chosen, inner


def list_layers(path: str | Path, *, limits: VectorLimits = _DEFAULT_LIMITS) -> list[dict[str, Any]]:
    """List the layers of an upload without reading their features, so a person can pick.

    Returns
    -------
    list of dict
        One per layer: ``name``, ``kind`` (shapefile, gpkg, geojson, parquet, gdb),
        ``location`` inside the upload, and ``missing`` (the parts an incomplete
        shapefile lacks). Layers inside a GeoPackage or FileGDB given directly are
        listed by table; inside a zip, the container is listed once.

    Raises
    ------
    InvalidInputError
        For unsafe or oversized archives, as :func:`read_vector`.
    """
    path = Path(path)
    if not path.exists():
        raise NotFoundError("file.not_found", path=str(path))
    if path.is_file() and _zip.is_zip(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
            raise InvalidInputError("vector.archive_corrupt", path=path.name, reason=str(exc)) from None
        with archive:
            members = _zip.scan_zip(
                archive,
                path,
                max_entries=limits.max_archive_entries,
                max_bytes=limits.max_archive_bytes,
                max_ratio=limits.max_compression_ratio,
                ratio_floor=limits.ratio_floor_bytes,
            )
        candidates = _sources.discover([(m.name, m) for m in members])
    else:
        candidates = _sources.discover(_entries_of(path))
    result: list[dict[str, Any]] = []
    for candidate in candidates:
        target = candidate.parts.get("")
        if candidate.kind == "gpkg" and isinstance(target, Path):
            names = [item.name for item in _gpkg.inspect_geopackage(target)]
        elif candidate.kind == "gdb" and path.is_dir():
            names = ogr_layers(path if path.name.lower().endswith(".gdb") else path / candidate.location)
        else:
            names = [candidate.name]
        for name in names:
            result.append(
                {
                    "name": name,
                    "kind": candidate.kind,
                    "location": candidate.location,
                    "missing": list(candidate.missing),
                }
            )
    return result
