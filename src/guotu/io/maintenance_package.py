"""The national exchange package of a maintenance (动态维护汇交成果): WHQ / WHH / WHC layers.

Per maintained layer three feature classes (DOMAIN.md §4.2, after cliii-one/GHBOX):
**WHQ**{layer} (维护前), **WHH**{layer} (维护后) and **WHC**{layer} (维护层, the change
polygons with WHLX 1 调入 / 2 属性变更 / 3 调出). The package is named
行政区代码 + 行政区名称 + 年度 + "年度{县级|市级}国土空间总体规划动态维护" and written as a
FileGDB (``.gdb``, OpenFileGDB driver) and a GeoPackage (``.gpkg``) with the same layers.

* Spatial reference: geographic CGCS2000 (EPSG:4490), as the GHBOX output; coordinates
  are transformed from the Gauss-Krüger CRS of the store.
* Fields: WHQ/WHH carry BSM, YSDM, XZQDM, XZQMC, the layer's own attributes and MJ;
  WHC carries BSM, YSDM, XZQDM, XZQMC, WHLX, WHLY, JDZBLY, WHBH, KZBSHSLX, BZ and MJ
  (MJ: ellipsoidal m², 2 decimals, computed in the source CRS, §5 — an addition to the
  GHBOX field list so that the package states its areas).
* Text widths of the specification (BSM 18, YSDM 10, XZQDM 12, XZQMC 100, WHLX 2, WHLY 3,
  JDZBLY 10, WHBH 18, KZBSHSLX 3, BZ 255 characters) are enforced on the values
  (``package.value_too_long``); the files' field definitions carry GDAL's default widths.

Every file is written beside its target under a temporary name and moved into place
when complete: a failed package leaves nothing under the package's name.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely
from pyogrio import raw as ogr_raw
from pyogrio.errors import DataLayerError, DataSourceError, FieldError
from pyogrio.errors import GeometryError as OgrGeometryError

from guotu.errors import InvalidInputError, StorageError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.crs import GEOGRAPHIC_EPSG, get_transformer
from guotu.geo.diff import AREA_FIELDS
from guotu.geo.vector import VectorData

__all__ = ["FORMATS", "TEXT_WIDTHS", "WHC_FIELDS", "PackageLayer", "package_name", "write_package"]

logger = logging.getLogger(__name__)

#: Text field widths of the 动态维护 data model (DOMAIN.md §4.2).
TEXT_WIDTHS: Final[dict[str, int]] = {
    "BSM": 18,
    "YSDM": 10,
    "XZQDM": 12,
    "XZQMC": 100,
    "WHLX": 2,
    "WHLY": 3,
    "JDZBLY": 10,
    "WHBH": 18,
    "KZBSHSLX": 3,
    "BZ": 255,
}

#: Fields of the 维护层 (WHC), in order (MJ added, see the module docstring).
WHC_FIELDS: Final = ("BSM", "YSDM", "XZQDM", "XZQMC", "WHLX", "WHLY", "JDZBLY", "WHBH", "KZBSHSLX", "BZ", "MJ")
_COMMON: Final = ("BSM", "YSDM", "XZQDM", "XZQMC")

#: Output formats: suffix → OGR driver.
FORMATS: Final[dict[str, str]] = {"gdb": "OpenFileGDB", "gpkg": "GPKG"}


@dataclass(frozen=True)
class PackageLayer:
    """One maintained layer of the package.

    Parameters
    ----------
    abbreviation
        The feature-class name (YJJBNT, CZKFBJ, ZXCQCSLVX ...).
    ysdm
        要素代码 (10 characters; empty when unknown — verify against the province's spec).
    before, after
        The layer before and after maintenance (any CGCS2000 CRS).
    changes
        The change polygons, attributes WHLX, WHLY, JDZBLY, WHBH, KZBSHSLX, BZ.
    """

    abbreviation: str
    ysdm: str
    before: VectorData
    after: VectorData
    changes: VectorData


def package_name(xzqdm: str, xzqmc: str, year: int, *, level: str | None = None) -> str:
    """Return the package's name (without suffix).

    ``level`` is 县级 or 市级; by default 市级 for a code ending in ``00`` (a prefecture),
    else 县级.

    Examples
    --------
    >>> package_name("140300", "阳泉市", 2026)
    '140300阳泉市2026年度市级国土空间总体规划动态维护'
    >>> package_name("140302", "城区", 2026)
    '140302城区2026年度县级国土空间总体规划动态维护'
    """
    if level is None:
        level = "市级" if xzqdm.endswith("00") and not xzqdm.endswith("0000") else "县级"
    return f"{xzqdm}{xzqmc}{year}年度{level}国土空间总体规划动态维护"


def _geographic(geoms: npt.NDArray[np.object_], epsg: int) -> npt.NDArray[np.object_]:
    if epsg == GEOGRAPHIC_EPSG:
        return geoms
    transformer = get_transformer(epsg, GEOGRAPHIC_EPSG)

    def project(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    result: npt.NDArray[np.object_] = shapely.transform(geoms, project)
    return result


def _multi(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    out = np.array(
        [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms.tolist()], dtype=object
    )
    oriented: npt.NDArray[np.object_] = shapely.orient_polygons(out, exterior_cw=False)
    return oriented


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _check_width(layer: str, name: str, values: Sequence[str]) -> None:
    width = TEXT_WIDTHS.get(name)
    if width is None:
        return
    for value in values:
        if len(value) > width:
            raise InvalidInputError("package.value_too_long", layer=layer, field=name, value=value, width=width)


def _areas(data: VectorData) -> list[float]:
    if data.ellipsoidal_m2 is not None:
        return [round(float(a), 2) for a in data.ellipsoidal_m2]
    if len(data) == 0:
        return []
    return [round(float(a), 2) for a in ellipsoidal_area(data.geometries, data.crs)]


def _table(
    name: str, data: VectorData, fields: Sequence[str], fixed: Mapping[str, str], bsm_prefix: str, start: int
) -> tuple[list[npt.NDArray[Any]], list[str]]:
    areas = _areas(data)
    columns: list[npt.NDArray[Any]] = []
    names: list[str] = []
    for field_name in fields:
        if field_name == "BSM":
            values = [f"{bsm_prefix}{start + i:08d}" for i in range(len(data))]
        elif field_name in fixed:
            values = [fixed[field_name]] * len(data)
        elif field_name == "MJ":
            columns.append(np.array(areas, dtype=np.float64))
            names.append("MJ")
            continue
        else:
            raw = [a.get(field_name) for a in data.attributes]
            if raw and all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw if v is not None):
                if any(v is not None for v in raw):
                    columns.append(np.array([np.nan if v is None else float(v) for v in raw], dtype=np.float64))
                    names.append(field_name)
                    continue
            values = [_text(v) for v in raw]
        _check_width(name, field_name, values)
        columns.append(np.array(values, dtype=object))
        names.append(field_name)
    return columns, names


def _own_fields(data: VectorData) -> list[str]:
    fields = list(data.fields) or sorted({k for a in data.attributes for k in a})
    return [f for f in fields if f not in _COMMON and f not in AREA_FIELDS and f != "MJ"]


def _write_layer(path: Path, driver: str, layer: str, data: VectorData, columns: list[Any], names: list[str]) -> None:
    geoms = _multi(_geographic(np.asarray(data.geometries, dtype=object), data.crs))
    wkb = shapely.to_wkb(geoms, flavor="iso") if len(geoms) else np.zeros(0, dtype=object)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ogr_raw.write(
                path,
                wkb,
                columns,
                names,
                driver=driver,
                layer=layer,
                crs=f"EPSG:{GEOGRAPHIC_EPSG}",
                geometry_type="MultiPolygon",
                append=path.exists(),
            )
    except (DataSourceError, DataLayerError, FieldError, OgrGeometryError, ValueError, RuntimeError, OSError) as exc:
        raise StorageError("file.write_failed", path=path.name, reason=str(exc)[:300]) from None
    for item in caught:
        logger.debug("GDAL: %s", item.message)


def write_package(
    layers: Sequence[PackageLayer],
    out_dir: str | os.PathLike[str],
    *,
    xzqdm: str,
    xzqmc: str,
    year: int,
    formats: Sequence[str] = ("gdb", "gpkg"),
    level: str | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the package (one file per format) into ``out_dir``.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Raises
    ------
    InvalidInputError
        ``package.format_unknown``, ``package.empty``, ``package.output_exists``,
        ``package.value_too_long``.
    StorageError
        ``file.write_failed``.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InvalidInputError("package.format_unknown", format=", ".join(unknown), choices=", ".join(FORMATS))
    if not layers:
        raise InvalidInputError("package.empty")
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    stem = package_name(xzqdm, xzqmc, year, level=level)
    targets = [target_dir / f"{stem}.{fmt}" for fmt in formats]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise InvalidInputError("package.output_exists", path=str(existing[0]))
    fixed_base = {"XZQDM": xzqdm, "XZQMC": xzqmc}
    bsm_prefix = xzqdm.ljust(10, "0")[:10]
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".package-") as work:
        staged: list[Path] = []
        for fmt in formats:
            path = Path(work) / f"{stem}.{fmt}"
            counter = 1
            for item in layers:
                fixed = {**fixed_base, "YSDM": item.ysdm}
                for prefix, data in (("WHQ", item.before), ("WHH", item.after)):
                    name = f"{prefix}{item.abbreviation}"
                    columns, names = _table(
                        name, data, [*_COMMON, *_own_fields(data), "MJ"], fixed, bsm_prefix, counter
                    )
                    _write_layer(path, FORMATS[fmt], name, data, columns, names)
                    counter += len(data)
                name = f"WHC{item.abbreviation}"
                columns, names = _table(name, item.changes, WHC_FIELDS, fixed, bsm_prefix, counter)
                _write_layer(path, FORMATS[fmt], name, item.changes, columns, names)
                counter += len(item.changes)
            staged.append(path)
        try:
            for source, target in zip(staged, targets, strict=True):
                if target.exists():
                    shutil.rmtree(target) if target.is_dir() else target.unlink()
                os.replace(source, target)
        except OSError as exc:
            raise StorageError("file.write_failed", path=str(target_dir), reason=str(exc)) from None
    logger.info("wrote maintenance package %s (%s)", stem, ", ".join(formats))
    return targets
