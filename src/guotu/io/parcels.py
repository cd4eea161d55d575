"""Parcel inputs for review: GeoJSON, zipped shapefile, GeoPackage, DXF and the 界址点 coordinate TXT.

:func:`read_parcels` returns one :class:`ParcelInput` per parcel (宗地) of a file:
its geometry in a CGCS2000 CRS, its id, name, proposed use and declared area when
the file has them. The standard vector formats go through
:func:`guotu.io.vector_read.read_vector` (with its limits and CRS checks). DXF
files are read with GDAL's DXF driver, closed LWPOLYLINE/POLYLINE entities becoming
polygons; a DXF file has no CRS, so one must be given.

The 界址点坐标 TXT is the boundary-point list of land submissions (建设用地报盘)::

    [属性描述]
    坐标系=2000国家大地坐标系
    几度分带=3
    投影类型=高斯克吕格
    计量单位=米
    带号=39
    精度=0.01
    [地块坐标]
    5,1.0000,1,示例地块,面,,0701,,@
    J1,1,4400000.000,39500000.000
    J2,1,4400000.000,39500100.000
    ...

Each parcel starts with a header line ``界址点数,地块面积(公顷),地块编号,地块名称,
记录图形属性,图幅号,地块用途,地类编码,@``, followed by its points ``点号,圈号,X,Y``
with X the northing and Y the easting (with the zone prefix when 8 digits). Rings
are separated by their ring number: the first ring of a parcel is an outer ring,
a later ring inside an earlier outer ring is a hole, and any other ring is a new
part.

Errors are :class:`guotu.errors.InvalidInputError` with ``review.*`` codes (the
line number for TXT files), or the vector reader's own codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely

from guotu.errors import CRSError, GuotuError, InvalidInputError
from guotu.geo.crs import epsg_for, resolve_crs
from guotu.geo.vector import VectorData
from guotu.io.vector_read import read_vector

__all__ = ["ParcelInput", "parcels_from_vector", "parse_boundary_txt", "read_parcels"]

#: Field names read as the parcel's id, name, use and declared area (first found wins).
ID_FIELDS: Final = ("ZDDM", "DKBH", "地块编号", "宗地代码", "BSM", "ID", "id")
NAME_FIELDS: Final = ("DKMC", "ZDMC", "地块名称", "宗地名称", "NAME", "name", "MC")
USE_FIELDS: Final = ("TDYT", "YDYHFLDM", "DKYT", "地块用途", "用途", "USE", "use")
#: Area fields in m² and in 公顷.
AREA_M2_FIELDS: Final = ("MJ", "ZDMJ", "面积", "TBMJ")
AREA_HA_FIELDS: Final = ("DKMJ", "地块面积", "MJ_HA", "area_ha")

_MAX_TXT_BYTES: Final = 50 * 1024 * 1024


@dataclass(frozen=True)
class ParcelInput:
    """One parcel read from a file (or given directly).

    Parameters
    ----------
    geometry
        Polygon or MultiPolygon in ``crs`` (not yet validated: see ``guotu.geo.review.check_parcel``).
    crs
        EPSG code (CGCS2000).
    id, name
        宗地代码 / 地块编号 and name, when known.
    use
        The use as written in the file (地块用途, TDYT …), when any.
    declared_area_ha
        The area declared in the file, 公顷, when any.
    attributes
        All attributes of the feature.
    source
        Where it came from (path, format, line or feature index).
    """

    geometry: Any
    crs: int
    id: str | None = None
    name: str | None = None
    use: str | None = None
    declared_area_ha: Decimal | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)


def _first(attrs: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = attrs.get(name)
        if value not in (None, ""):
            return value
    return None


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _declared(attrs: dict[str, Any]) -> Decimal | None:
    hectares = _number(_first(attrs, AREA_HA_FIELDS))
    if hectares is not None:
        return hectares
    square_metres = _number(_first(attrs, AREA_M2_FIELDS))
    return None if square_metres is None else square_metres / 10_000


def read_parcels(
    path: str | Path,
    *,
    crs: int | str | None = None,
    layer: str | None = None,
    encoding: str | None = None,
) -> list[ParcelInput]:
    """Read the parcels of a file.

    Parameters
    ----------
    path
        ``.geojson``/``.json``, ``.zip`` (shapefile), ``.shp``, ``.gpkg``, ``.dxf`` or ``.txt``.
    crs
        The CRS, when the file has none (DXF; a TXT without 带号) or to override it.
    layer, encoding
        As for :func:`guotu.io.vector_read.read_vector`.

    Raises
    ------
    InvalidInputError
        ``review.file_missing``, ``review.file_empty``, ``review.file_format``,
        ``review.txt_invalid`` (with the line), ``review.txt_crs``,
        ``review.dxf_no_polygon``, and the vector reader's codes.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInputError("review.file_missing", path=str(path))
    if path.is_file() and path.stat().st_size == 0:
        raise InvalidInputError("review.file_empty", path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".txt":
        parcels = parse_boundary_txt(_read_text(path), path=str(path), crs=crs)
    elif suffix == ".dxf":
        parcels = _read_dxf(path, crs)
    elif suffix in (".geojson", ".json", ".zip", ".shp", ".gpkg", ".fgb", ".parquet") or path.is_dir():
        parcels = _read_standard(path, crs, layer, encoding)
    else:
        raise InvalidInputError("review.file_format", path=str(path))
    if not parcels:
        raise InvalidInputError("review.file_empty", path=str(path))
    return parcels


def _read_standard(path: Path, crs: int | str | None, layer: str | None, encoding: str | None) -> list[ParcelInput]:
    return parcels_from_vector(read_vector(path, layer=layer, encoding=encoding, crs=crs), str(path))


def parcels_from_vector(data: VectorData, origin: str) -> list[ParcelInput]:
    """One :class:`ParcelInput` per feature of vector data (a file read, a stored layer version)."""
    out = []
    for i, (geom, attrs, fid) in enumerate(zip(data.geometries, data.attributes, data.feature_ids, strict=True)):
        if geom is None:
            continue
        pid = _first(attrs, ID_FIELDS)
        name = _first(attrs, NAME_FIELDS)
        use = _first(attrs, USE_FIELDS)
        out.append(
            ParcelInput(
                geometry=geom,
                crs=data.crs,
                id=str(pid) if pid is not None else str(fid),
                name=None if name is None else str(name),
                use=None if use is None else str(use),
                declared_area_ha=_declared(attrs),
                attributes=dict(attrs),
                source={"path": origin, "format": data.source.get("format"), "feature": i},
            )
        )
    return out


# --------------------------------------------------------------------------- DXF


def _read_dxf(path: Path, crs: int | str | None) -> list[ParcelInput]:
    import pyogrio

    if crs is None:
        raise CRSError("crs.missing", path=str(path))
    epsg = resolve_crs(crs)
    try:
        _meta, _fids, wkb, fields = pyogrio.raw.read(str(path))
    except Exception as err:  # GDAL raises several error types for broken files
        raise InvalidInputError("review.file_format", path=f"{path} ({err})") from None
    names = list(_meta.get("fields", []))
    geoms = shapely.from_wkb(wkb)
    out = []
    for i, geom in enumerate(geoms.tolist()):
        if geom is None or shapely.is_empty(geom):
            continue
        kind = shapely.get_type_id(geom)
        if kind in (1, 2):  # a closed line that the driver did not turn into a polygon
            if not shapely.is_closed(geom) or shapely.get_num_coordinates(geom) < 4:
                continue
            geom = shapely.Polygon(shapely.get_coordinates(geom))
        elif kind not in (3, 6):
            continue
        geom = shapely.force_2d(geom)
        attrs = {
            n: (col[i].item() if isinstance(col[i], np.generic) else col[i])
            for n, col in zip(names, fields, strict=True)
        }
        handle = attrs.get("EntityHandle")
        out.append(
            ParcelInput(
                geometry=geom,
                crs=epsg,
                id=str(handle) if handle else str(i + 1),
                name=str(attrs.get("Text") or "") or None,
                attributes={k: v for k, v in attrs.items() if isinstance(v, str | int | float)},
                source={"path": str(path), "format": "DXF", "feature": i, "layer": attrs.get("Layer")},
            )
        )
    if not out:
        raise InvalidInputError("review.dxf_no_polygon", path=str(path))
    return out


# --------------------------------------------------------------------------- 界址点 TXT


def _read_text(path: Path) -> str:
    if path.stat().st_size > _MAX_TXT_BYTES:
        raise InvalidInputError("review.txt_invalid", path=str(path), line=0, reason="file too large")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInputError("review.txt_invalid", path=str(path), line=0, reason="not UTF-8 or GBK text")


_POINT_RE: Final = re.compile(r"^[^,]*,\s*\d+\s*,\s*[-+0-9.eE]+\s*,\s*[-+0-9.eE]+\s*$")


def _txt_crs(header: dict[str, str], eastings: list[float], path: str, crs: int | str | None) -> int:
    if crs is not None:
        return resolve_crs(crs)
    system = header.get("坐标系", "")
    if system and not any(s in system for s in ("2000", "CGCS")):
        raise InvalidInputError("review.txt_crs", path=path, reason=f"坐标系={system} (not CGCS2000)")
    unit = header.get("计量单位", "米")
    if unit and unit not in ("米", "m", "M"):
        raise InvalidInputError("review.txt_crs", path=path, reason=f"计量单位={unit}")
    try:
        width = int(header.get("几度分带", "3") or 3)
        zone = int(header["带号"]) if header.get("带号") else None
    except ValueError:
        raise InvalidInputError("review.txt_crs", path=path, reason="几度分带/带号 not a number") from None
    prefixed = bool(eastings) and min(eastings) >= 1_000_000
    if zone is None:
        if not prefixed:
            raise InvalidInputError("review.txt_crs", path=path, reason="no 带号 and no zone prefix")
        zone = int(min(eastings) // 1_000_000)
    if prefixed and int(min(eastings) // 1_000_000) != zone:
        raise InvalidInputError(
            "review.txt_crs", path=path, reason=f"带号={zone} but the eastings carry {int(min(eastings) // 1_000_000)}"
        )
    try:
        meridian = zone * 3 if width == 3 else zone * 6 - 3
        return epsg_for(zone if prefixed else meridian, width=width, prefixed=prefixed)
    except GuotuError as err:
        raise InvalidInputError("review.txt_crs", path=path, reason=err.message("en")) from None


def _assemble(rings: list[list[tuple[float, float]]], path: str, line: int) -> Any:
    """Outer rings and holes: a ring inside an earlier outer ring is its hole, else a new part."""
    parts: list[tuple[Any, list[Any]]] = []
    for coords in rings:
        if len(coords) < 3:
            raise InvalidInputError("review.txt_invalid", path=path, line=line, reason="a ring has fewer than 3 points")
        ring = shapely.Polygon(coords)
        for outer, holes in parts:
            if shapely.contains(outer, shapely.point_on_surface(ring)):
                holes.append(coords)
                break
        else:
            parts.append((ring, []))
    polygons = [shapely.Polygon(shapely.get_exterior_ring(outer).coords, holes) for outer, holes in parts]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def parse_boundary_txt(text: str, *, path: str = "<text>", crs: int | str | None = None) -> list[ParcelInput]:
    """Parse a 界址点坐标 TXT (see the module docstring) into parcels.

    Examples
    --------
    >>> text = '''[属性描述]
    ... 坐标系=2000国家大地坐标系
    ... 几度分带=3
    ... 带号=39
    ... [地块坐标]
    ... 5,1.0000,D1,示例地块,面,,0701,,@
    ... J1,1,4400000.000,39500000.000
    ... J2,1,4400000.000,39500100.000
    ... J3,1,4400100.000,39500100.000
    ... J4,1,4400100.000,39500000.000
    ... J1,1,4400000.000,39500000.000
    ... '''
    >>> [(p.id, p.name, p.use, p.crs, p.geometry.area) for p in parse_boundary_txt(text)]
    [('D1', '示例地块', '0701', 4527, 10000.0)]
    """
    header: dict[str, str] = {}
    section = ""
    blocks: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip().replace("，", ",")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == "属性描述":
            key, sep, value = line.partition("=")
            if sep:
                header[key.strip()] = value.strip()
            continue
        if section != "地块坐标":
            raise InvalidInputError("review.txt_invalid", path=path, line=number, reason="text outside [地块坐标]")
        if line.endswith("@"):
            cells = [c.strip() for c in line[:-1].split(",")]
            if len(cells) < 4:
                raise InvalidInputError("review.txt_invalid", path=path, line=number, reason="short parcel header")
            try:
                count = int(cells[0])
            except ValueError:
                raise InvalidInputError(
                    "review.txt_invalid", path=path, line=number, reason=f"界址点数 '{cells[0]}' is not a number"
                ) from None
            shape = cells[4] if len(cells) > 4 else "面"
            if shape and shape not in ("面", "多边形", "polygon"):
                raise InvalidInputError(
                    "review.txt_invalid", path=path, line=number, reason=f"记录图形属性 '{shape}' is not 面"
                )
            current = {
                "line": number,
                "count": count,
                "area": cells[1],
                "id": cells[2] or None,
                "name": cells[3] or None,
                "use": cells[6] if len(cells) > 6 and cells[6] else None,
                "class": cells[7] if len(cells) > 7 and cells[7] else None,
                "sheet": cells[5] if len(cells) > 5 and cells[5] else None,
                "points": [],
            }
            blocks.append(current)
            continue
        if current is None:
            raise InvalidInputError("review.txt_invalid", path=path, line=number, reason="point before a parcel header")
        if not _POINT_RE.match(line):
            raise InvalidInputError("review.txt_invalid", path=path, line=number, reason="expected 点号,圈号,X,Y")
        _point, ring, x, y = (c.strip() for c in line.split(","))
        north, east = float(x), float(y)
        if not (np.isfinite(north) and np.isfinite(east)):
            raise InvalidInputError("review.txt_invalid", path=path, line=number, reason="non-finite coordinate")
        current["points"].append((int(ring), east, north, number))
    if "地块坐标" not in {section} and not blocks:
        raise InvalidInputError("review.txt_invalid", path=path, line=0, reason="no [地块坐标] section")
    eastings = [p[1] for b in blocks for p in b["points"]]
    epsg = _txt_crs(header, eastings, path, crs)
    parcels = []
    for block in blocks:
        points = block["points"]
        if not points:
            raise InvalidInputError(
                "review.txt_invalid", path=path, line=block["line"], reason="a parcel has no points"
            )
        if block["count"] != len(points):
            raise InvalidInputError(
                "review.txt_invalid",
                path=path,
                line=block["line"],
                reason=f"界址点数 {block['count']} but {len(points)} points follow",
            )
        rings: list[list[tuple[float, float]]] = []
        last_ring = None
        for ring, east, north, _line in points:
            if ring != last_ring:
                rings.append([])
                last_ring = ring
            rings[-1].append((east, north))
        geom = _assemble(rings, path, block["line"])
        declared = _number(block["area"])
        parcels.append(
            ParcelInput(
                geometry=geom,
                crs=epsg,
                id=block["id"],
                name=block["name"],
                use=block["use"],
                declared_area_ha=declared,
                attributes={
                    k: block[k] for k in ("id", "name", "use", "class", "sheet", "area") if block[k] is not None
                },
                source={"path": path, "format": "界址点TXT", "line": block["line"], "header": dict(header)},
            )
        )
    return parcels
