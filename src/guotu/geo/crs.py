"""CGCS2000 coordinate reference systems: EPSG codes, Gauss-Krüger zones and checks.

Official data of the 一张图 are in CGCS2000, either geographic (EPSG:4490) or
Gauss-Krüger projected in 3° or 6° zones, with or without the zone number
prefixed to the easting (DOMAIN.md §5.4):

==========  =====  =========================================  ==========================
EPSG        width  zones                                      false easting
==========  =====  =========================================  ==========================
4490        --     geographic (lon, lat in degrees)            --
4491–4501   6°     13–23 (CM 75°E–135°E)                      zone × 10⁶ + 500 000
4502–4512   6°     CM 75°E–135°E                              500 000
4513–4533   3°     25–45 (CM 75°E–135°E)                      zone × 10⁶ + 500 000
4534–4554   3°     CM 75°E–135°E                              500 000
==========  =====  =========================================  ==========================

This module maps what files and users say (``.prj`` WKT, ESRI names, ``EPSG:4527``)
to one of these codes, and refuses what it cannot map: an unknown CRS is never
guessed, and a Xian 1980 or Beijing 1954 CRS is refused until a 7- or 4-parameter
transformation is supplied (RELIABILITY.md §5.2), because PROJ's own transformation
of those datums silently misses the datum shift. :func:`check_coordinates` catches
the traps that a CRS label cannot show (zone prefix, swapped axes, degrees under a
projected label) and names the fix in the error's code and parameters.

Coordinates are always in GIS order (x = easting or longitude, y = northing or
latitude); transformers are built with ``always_xy=True``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from guotu.errors import CRSError, GeometryError, InvalidInputError

__all__ = [
    "CHINA_LATITUDES",
    "CHINA_LONGITUDES",
    "GEOGRAPHIC_EPSG",
    "GaussKrugerZone",
    "check_coordinates",
    "epsg_for",
    "gauss_kruger_zone",
    "get_transformer",
    "is_supported",
    "resolve_crs",
    "suggest_crs",
    "zone_for_longitude",
]

logger = logging.getLogger(__name__)

#: EPSG code of CGCS2000 geographic coordinates (longitude, latitude in degrees).
GEOGRAPHIC_EPSG: Final = 4490

#: Longitudes (degrees east) and latitudes (degrees north) that enclose China,
#: with a small margin (73.5°E–135.1°E, 3.8°N–53.6°N).
CHINA_LONGITUDES: Final = (73.0, 136.0)
CHINA_LATITUDES: Final = (3.0, 54.0)

#: Northings of China's latitude range on CGCS2000 (about 3°N to 54°N).
_CHINA_NORTHINGS: Final = (3.0e5, 6.1e6)

#: How far (degrees) beyond the nominal zone edge data may lie: a county that
#: straddles a zone boundary is usually projected into one zone.
_ZONE_MARGIN_DEG: Final = 1.0

#: pyproj identification confidence accepted before our own parameter check:
#: 70 is what pyproj gives to a WKT that matches an EPSG CRS in every parameter
#: but not in its names; 25 means the parameters differ.
_MIN_CONFIDENCE: Final = 70

_CGCS2000_SEMI_MAJOR: Final = 6378137.0
_CGCS2000_INVERSE_FLATTENING: Final = 298.257222101


@dataclass(frozen=True)
class GaussKrugerZone:
    """A CGCS2000 Gauss-Krüger zone and its EPSG code.

    Attributes
    ----------
    epsg
        EPSG code (4491–4554).
    width
        Zone width in degrees, 3 or 6.
    zone
        Zone number: 25–45 for 3° zones (CM = 3 × zone), 13–23 for 6° zones
        (CM = 6 × zone − 3). Set for unprefixed codes too.
    central_meridian
        Central meridian in degrees east.
    prefixed
        Whether the easting carries the zone number (``39 500 000`` instead of ``500 000``).
    false_easting
        Metres added to the easting: ``zone × 10⁶ + 500 000`` when prefixed, else ``500 000``.

    Examples
    --------
    >>> zone = gauss_kruger_zone(4527)
    >>> zone.width, zone.zone, zone.central_meridian, zone.prefixed, zone.false_easting
    (3, 39, 117, True, 39500000)
    """

    epsg: int
    width: int
    zone: int
    central_meridian: int
    prefixed: bool
    false_easting: int


def _build_zones() -> dict[int, GaussKrugerZone]:
    # (first EPSG code, width, prefixed, first zone number, number of zones)
    families = (
        (4491, 6, True, 13, 11),
        (4502, 6, False, 13, 11),
        (4513, 3, True, 25, 21),
        (4534, 3, False, 25, 21),
    )
    zones: dict[int, GaussKrugerZone] = {}
    for first, width, prefixed, first_zone, count in families:
        for i in range(count):
            number = first_zone + i
            cm = 3 * number if width == 3 else 6 * number - 3
            false_easting = number * 1_000_000 + 500_000 if prefixed else 500_000
            zones[first + i] = GaussKrugerZone(first + i, width, number, cm, prefixed, false_easting)
    return zones


_ZONES: Final = _build_zones()


def is_supported(epsg: int) -> bool:
    """Tell whether ``epsg`` is CGCS2000 geographic or one of its Gauss-Krüger zones.

    Examples
    --------
    >>> is_supported(4490), is_supported(4548), is_supported(4326)
    (True, True, False)
    """
    return epsg == GEOGRAPHIC_EPSG or epsg in _ZONES


def gauss_kruger_zone(epsg: int) -> GaussKrugerZone:
    """Return the Gauss-Krüger zone of a CGCS2000 projected EPSG code.

    Parameters
    ----------
    epsg
        An EPSG code in 4491–4554.

    Returns
    -------
    GaussKrugerZone
        Width, zone number, central meridian, prefix and false easting.

    Raises
    ------
    CRSError
        ``crs.not_gauss_kruger`` for any other code (EPSG:4490 included).

    Examples
    --------
    >>> gauss_kruger_zone(4548).central_meridian
    117
    >>> gauss_kruger_zone(4491).zone, gauss_kruger_zone(4491).width
    (13, 6)
    """
    try:
        return _ZONES[epsg]
    except (KeyError, TypeError):
        raise CRSError("crs.not_gauss_kruger", epsg=epsg) from None


def _check_width(width: int) -> None:
    if width not in (3, 6):
        raise InvalidInputError("input.option_invalid", option="width", value=width, choices="3, 6")


def epsg_for(zone_or_meridian: int, *, width: int = 3, prefixed: bool) -> int:
    """Return the EPSG code of a Gauss-Krüger zone given its number or central meridian.

    Zone numbers (25–45 for 3°, 13–23 for 6°) and central meridians (75–135)
    do not overlap, so one argument serves for both.

    Parameters
    ----------
    zone_or_meridian
        Zone number, or central meridian in whole degrees east.
    width
        Zone width, 3 or 6 degrees.
    prefixed
        Whether the eastings carry the zone number.

    Returns
    -------
    int
        The EPSG code.

    Raises
    ------
    CRSError
        ``crs.zone_out_of_range`` when no CGCS2000 zone has that number or meridian.
    InvalidInputError
        When ``width`` is neither 3 nor 6.

    Examples
    --------
    >>> epsg_for(39, prefixed=True), epsg_for(117, prefixed=False)
    (4527, 4548)
    >>> epsg_for(20, width=6, prefixed=True), epsg_for(117, width=6, prefixed=False)
    (4498, 4509)
    """
    _check_width(width)
    for zone in _ZONES.values():
        if zone.width != width or zone.prefixed != prefixed:
            continue
        if zone_or_meridian in (zone.zone, zone.central_meridian):
            return zone.epsg
    raise CRSError("crs.zone_out_of_range", value=zone_or_meridian, width=width)


def zone_for_longitude(lon: float, width: int = 3) -> int:
    """Return the number of the zone that contains a longitude.

    3° zone n = round(L / 3) (half up), 6° zone n = floor(L / 6) + 1 (DOMAIN.md §5.4).

    Parameters
    ----------
    lon
        Longitude in degrees east.
    width
        Zone width, 3 or 6 degrees.

    Returns
    -------
    int
        The zone number (25–45 for 3°, 13–23 for 6°).

    Raises
    ------
    CRSError
        ``crs.zone_out_of_range`` when the longitude is outside the CGCS2000 zones
        (about 73.5°E–136.5°E for 3°, 72°E–138°E for 6°).

    Examples
    --------
    >>> zone_for_longitude(116.4), zone_for_longitude(118.6), zone_for_longitude(116.4, 6)
    (39, 40, 20)
    """
    _check_width(width)
    if not math.isfinite(lon):
        raise CRSError("crs.zone_out_of_range", value=lon, width=width)
    number = math.floor(lon / 3 + 0.5) if width == 3 else math.floor(lon / 6) + 1
    first, last = (25, 45) if width == 3 else (13, 23)
    if not first <= number <= last:
        raise CRSError("crs.zone_out_of_range", value=lon, width=width)
    return number


# ---------------------------------------------------------------------------
# resolve_crs


def _normalise_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _zone_names(zone: GaussKrugerZone) -> Iterator[str]:
    """ESRI and EPSG names of a zone, as pyproj 3.7 / PROJ 9.5 spell them."""
    degree = "3_Degree_" if zone.width == 3 else ""
    epsg_degree = "3-degree " if zone.width == 3 else ""
    if zone.prefixed:
        yield f"CGCS2000_{degree}GK_Zone_{zone.zone}"
        yield f"CGCS2000 / {epsg_degree}Gauss-Kruger zone {zone.zone}"
    else:
        yield f"CGCS2000_{degree}GK_CM_{zone.central_meridian}E"
        yield f"CGCS2000 / {epsg_degree}Gauss-Kruger CM {zone.central_meridian}E"


def _build_name_table() -> dict[str, int]:
    table = {
        _normalise_name(name): GEOGRAPHIC_EPSG
        for name in (
            "GCS_China_Geodetic_Coordinate_System_2000",
            "China Geodetic Coordinate System 2000",
            "CGCS2000",
        )
    }
    for zone in _ZONES.values():
        table.update((_normalise_name(name), zone.epsg) for name in _zone_names(zone))
    return table


#: Normalised ESRI and EPSG names → EPSG code; the first thing resolve_crs consults.
_NAME_TABLE: Final = _build_name_table()

#: Names of the legacy datums (and their ellipsoids) that need a configured
#: 7- or 4-parameter transformation to CGCS2000.
_LEGACY_PATTERN: Final = re.compile(r"xi_?an_?(19)?80|beijing_?(19)?54|new_beijing|krass|krasov|iag_?1975")
_LEGACY_CHINESE: Final = re.compile(r"西安\s*(19)?80|北京\s*(19)?54")

_EPSG_PATTERN: Final = re.compile(r"(?:epsg\s*:\s*)?(\d{4,6})", re.IGNORECASE)
_WKT_NAME_PATTERN: Final = re.compile(
    r"^\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS|GEODETICCRS|PROJECTEDCRS)\s*[\[(]\s*\"([^\"]*)\"",
    re.IGNORECASE,
)


def _legacy_datum(text: str) -> str | None:
    """Return the legacy datum named in ``text``, if any."""
    if _LEGACY_CHINESE.search(text):
        return "西安80/北京54"
    match = _LEGACY_PATTERN.search(_normalise_name(text))
    if match is None:
        return None
    return "Beijing 1954" if ("beijing" in match.group(0) or "kras" in match.group(0)) else "Xian 1980"


def _refuse_legacy(text: str, source: str) -> None:
    datum = _legacy_datum(text)
    if datum is not None:
        raise CRSError("crs.legacy_datum", datum=datum, crs=_short(source))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _param(crs: CRS, code: str) -> float | None:
    operation = crs.coordinate_operation
    if operation is None:
        return None
    for param in operation.params:
        if param.code == code:
            return float(param.value)
    return None


def _same(value: float | None, expected: float, tolerance: float = 1e-9) -> bool:
    return value is not None and abs(value - expected) <= tolerance * max(1.0, abs(expected))


def _matches(crs: CRS, epsg: int) -> bool:
    """Check a parsed CRS against the parameters ``epsg`` stands for."""
    ellipsoid = crs.ellipsoid
    if ellipsoid is None or not _same(ellipsoid.semi_major_metre, _CGCS2000_SEMI_MAJOR):
        return False
    if not _same(ellipsoid.inverse_flattening, _CGCS2000_INVERSE_FLATTENING, 1e-12):
        return False  # WGS 84 differs from CGCS2000/GRS80 here (298.257223563)
    if epsg == GEOGRAPHIC_EPSG:
        return bool(crs.is_geographic) and not crs.is_projected
    zone = _ZONES[epsg]
    operation = crs.coordinate_operation
    if not crs.is_projected or operation is None or operation.method_code != "9807":
        return False
    if any(axis.unit_conversion_factor != 1.0 for axis in crs.axis_info):
        return False
    expected = {
        "8801": 0.0,  # latitude of natural origin
        "8802": float(zone.central_meridian),
        "8805": 1.0,  # scale factor
        "8806": float(zone.false_easting),
        "8807": 0.0,  # false northing
    }
    return all(_same(_param(crs, code), value) for code, value in expected.items())


def _resolve_epsg(epsg: int, source: str) -> int:
    if is_supported(epsg):
        return epsg
    try:
        crs = CRS.from_epsg(epsg)
    except ProjCRSError:
        raise CRSError("crs.unknown", crs=_short(source)) from None
    datum = crs.datum.name if crs.datum is not None else ""
    ellipsoid = crs.ellipsoid.name if crs.ellipsoid is not None else ""
    _refuse_legacy(f"{crs.name} {datum} {ellipsoid}", source)
    raise CRSError("crs.unsupported", crs=f"EPSG:{epsg} {crs.name}")


def _decode(value: str | bytes) -> str:
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = value.decode("gb18030", errors="replace")
    else:
        text = value
    return text.lstrip("\ufeff").strip()


def _parse(text: str) -> CRS | None:
    """Parse with pyproj; of a compound CRS (e.g. EPSG:4490 + 5737 heights) keep the horizontal part."""
    try:
        crs = CRS.from_user_input(text)
    except ProjCRSError:
        return None
    if crs.is_compound and crs.sub_crs_list:
        return crs.sub_crs_list[0]
    return crs


def _identify(crs: CRS, text: str) -> int:
    datum = crs.datum.name if crs.datum is not None else ""
    ellipsoid = crs.ellipsoid.name if crs.ellipsoid is not None else ""
    _refuse_legacy(f"{crs.name} {datum} {ellipsoid}", text)
    found = crs.to_epsg(min_confidence=_MIN_CONFIDENCE)
    if found is None:
        raise CRSError("crs.unknown", crs=_short(text))
    if not is_supported(found):
        raise CRSError("crs.unsupported", crs=f"EPSG:{found} {crs.name}")
    if not _matches(crs, found):
        raise CRSError("crs.inconsistent", crs=_short(text), epsg=found)
    return found


def resolve_crs(value: str | int | bytes) -> int:
    """Map a CRS description to a supported CGCS2000 EPSG code, or refuse it.

    The lookup is explicit: an EPSG code (``4527``, ``"EPSG:4527"``), then the
    table of ESRI and EPSG names (``CGCS2000_3_Degree_GK_Zone_39``,
    ``CGCS2000_3_Degree_GK_CM_117E``, ``GCS_China_Geodetic_Coordinate_System_2000``,
    also as the name of a ``.prj`` WKT), then pyproj's identification of a WKT with
    confidence ≥ 70. A WKT's parameters (ellipsoid, central meridian, false
    easting, scale) are always checked against the code found. Nothing is guessed.

    Parameters
    ----------
    value
        An EPSG code, an ``EPSG:nnnn`` string, an ESRI or EPSG CRS name, or the
        text of a ``.prj`` / WKT (a UTF-8 BOM is ignored; bytes are decoded as
        UTF-8, else GB18030).

    Returns
    -------
    int
        EPSG:4490 or a Gauss-Krüger code in 4491–4554.

    Raises
    ------
    CRSError
        ``crs.missing`` (empty), ``crs.legacy_datum`` (Xian 1980, Beijing 1954:
        a 7- or 4-parameter transformation must be supplied), ``crs.unsupported``
        (a known CRS that is not CGCS2000), ``crs.inconsistent`` (a WKT whose name
        and parameters disagree) or ``crs.unknown``.

    Examples
    --------
    >>> resolve_crs("CGCS2000_3_Degree_GK_Zone_39"), resolve_crs("EPSG:4548"), resolve_crs(4490)
    (4527, 4548, 4490)
    >>> resolve_crs("Xian_1980_3_Degree_GK_Zone_38")
    Traceback (most recent call last):
    ...
    guotu.errors.CRSError: [crs.legacy_datum] ...
    """
    if isinstance(value, bool):
        raise CRSError("crs.unknown", crs=str(value))
    if isinstance(value, int):
        return _resolve_epsg(value, f"EPSG:{value}")
    text = _decode(value)
    if not text:
        raise CRSError("crs.missing")
    match = _EPSG_PATTERN.fullmatch(text)
    if match:
        return _resolve_epsg(int(match.group(1)), text)
    _refuse_legacy(text, text)
    name_match = _WKT_NAME_PATTERN.match(text)
    name = name_match.group(1) if name_match else text
    epsg = _NAME_TABLE.get(_normalise_name(name))
    crs = _parse(text) if (name_match or epsg is None) else None
    if epsg is None and crs is not None:  # e.g. the horizontal part of a compound CRS
        epsg = _NAME_TABLE.get(_normalise_name(crs.name))
    if epsg is not None:
        if crs is not None and not _matches(crs, epsg):
            raise CRSError("crs.inconsistent", crs=_short(text), epsg=epsg)
        logger.debug("CRS %r resolved to EPSG:%d by name", _short(name), epsg)
        return epsg
    if crs is None:
        raise CRSError("crs.unknown", crs=_short(text))
    epsg = _identify(crs, text)
    logger.debug("CRS %r identified as EPSG:%d by pyproj", _short(text), epsg)
    return epsg


# ---------------------------------------------------------------------------
# transformers


@lru_cache(maxsize=128)
def get_transformer(source: int, target: int) -> Transformer:
    """Return a cached transformer between two supported CGCS2000 EPSG codes.

    Transformers work in GIS order (``always_xy=True``: longitude or easting
    first). Only CGCS2000 codes are accepted, so every transformation is an
    exact projection change with no datum shift.

    Parameters
    ----------
    source, target
        Supported EPSG codes (see :func:`is_supported`).

    Returns
    -------
    pyproj.Transformer
        The transformer, shared by every caller (pyproj transformers are thread-safe).

    Raises
    ------
    CRSError
        ``crs.unsupported`` for any other code.

    Examples
    --------
    >>> lon, lat = get_transformer(4527, 4490).transform(39_500_000.0, 4_400_000.0)
    >>> round(lon, 6), round(lat, 4)
    (117.0, 39.734)
    """
    for epsg in (source, target):
        if not is_supported(epsg):
            raise CRSError("crs.unsupported", crs=f"EPSG:{epsg}")
    return Transformer.from_crs(CRS.from_epsg(source), CRS.from_epsg(target), always_xy=True)


# ---------------------------------------------------------------------------
# coordinate checks


def _within(low: float, high: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= low and high <= bounds[1]


def _prefix_zone(low: float, high: float) -> int | None:
    """Zone number carried by prefixed eastings, if both ends carry the same one."""
    if low < 1.0e7:
        return None
    number = math.floor(low / 1.0e6)
    if number != math.floor(high / 1.0e6) or not (13 <= number <= 23 or 25 <= number <= 45):
        return None
    return number


def _easting_kind(low: float, high: float) -> str | None:
    """``"plain"``, ``"prefixed"`` or None when the values are no Gauss-Krüger easting."""
    if 0.0 < low and high < 1.0e6:
        return "plain"
    if _prefix_zone(low, high) is not None:
        return "prefixed"
    return None


def _width_of_zone(number: int) -> int:
    return 6 if number <= 23 else 3


def _is_degrees(xmin: float, ymin: float, xmax: float, ymax: float) -> bool:
    return -180.0 <= xmin and xmax <= 180.0 and -90.0 <= ymin and ymax <= 90.0


def _bbox(xmin: float, ymin: float, xmax: float, ymax: float) -> str:
    return f"({xmin:.6g}, {ymin:.6g}) – ({xmax:.6g}, {ymax:.6g})"


def _check_geographic(xmin: float, ymin: float, xmax: float, ymax: float) -> None:
    bbox = _bbox(xmin, ymin, xmax, ymax)
    if _within(xmin, xmax, CHINA_LATITUDES) and _within(ymin, ymax, CHINA_LONGITUDES):
        raise CRSError("crs.axis_swapped", epsg=GEOGRAPHIC_EPSG, bbox=bbox)
    if not _is_degrees(xmin, ymin, xmax, ymax):
        candidates = suggest_crs(xmin, ymin, xmax, ymax)
        raise CRSError(
            "crs.projected_in_geographic",
            epsg=GEOGRAPHIC_EPSG,
            bbox=bbox,
            suggested_epsg=candidates[0] if candidates else None,
            candidates=candidates,
        )
    if not (_within(xmin, xmax, CHINA_LONGITUDES) and _within(ymin, ymax, CHINA_LATITUDES)):
        raise CRSError("crs.outside_china", epsg=GEOGRAPHIC_EPSG, bbox=bbox)


def _check_prefix(zone: GaussKrugerZone, xmin: float, xmax: float, bbox: str) -> None:
    kind = _easting_kind(xmin, xmax)
    if kind == "plain" and zone.prefixed:
        suggested = epsg_for(zone.central_meridian, width=zone.width, prefixed=False)
        raise CRSError("crs.zone_prefix_mismatch", epsg=zone.epsg, bbox=bbox, suggested_epsg=suggested)
    number = _prefix_zone(xmin, xmax)
    if number is None:
        return
    suggested = epsg_for(number, width=_width_of_zone(number), prefixed=True)
    if not zone.prefixed:
        raise CRSError("crs.zone_prefix_mismatch", epsg=zone.epsg, bbox=bbox, suggested_epsg=suggested)
    if suggested != zone.epsg:
        raise CRSError("crs.zone_mismatch", epsg=zone.epsg, zone=number, bbox=bbox, suggested_epsg=suggested)


def _check_longitudes(zone: GaussKrugerZone, xmin: float, ymin: float, xmax: float, ymax: float) -> None:
    xs = (xmin, xmax, xmin, xmax)
    ys = (ymin, ymin, ymax, ymax)
    lons, _ = get_transformer(zone.epsg, GEOGRAPHIC_EPSG).transform(xs, ys)
    limit = zone.width / 2 + _ZONE_MARGIN_DEG
    offsets = [abs(lon - zone.central_meridian) for lon in lons]
    if not all(math.isfinite(offset) and offset <= limit for offset in offsets):
        worst = max((o for o in offsets if math.isfinite(o)), default=math.inf)
        raise CRSError(
            "crs.outside_zone",
            epsg=zone.epsg,
            bbox=_bbox(xmin, ymin, xmax, ymax),
            offset=f"{worst:.2f}",
            limit=f"{limit:g}",
        )


def _check_projected(zone: GaussKrugerZone, xmin: float, ymin: float, xmax: float, ymax: float) -> None:
    bbox = _bbox(xmin, ymin, xmax, ymax)
    if _is_degrees(xmin, ymin, xmax, ymax):
        raise CRSError("crs.degrees_in_projected", epsg=zone.epsg, bbox=bbox, suggested_epsg=GEOGRAPHIC_EPSG)
    x_kind = _easting_kind(xmin, xmax)
    if x_kind is None and _within(xmin, xmax, _CHINA_NORTHINGS) and _easting_kind(ymin, ymax) is not None:
        raise CRSError("crs.axis_swapped", epsg=zone.epsg, bbox=bbox)
    if x_kind is None:
        raise CRSError("crs.invalid_easting", epsg=zone.epsg, bbox=bbox)
    _check_prefix(zone, xmin, xmax, bbox)
    if not _within(ymin, ymax, _CHINA_NORTHINGS):
        raise CRSError("crs.outside_china", epsg=zone.epsg, bbox=bbox)
    _check_longitudes(zone, xmin, ymin, xmax, ymax)


def check_coordinates(epsg: int, xmin: float, ymin: float, xmax: float, ymax: float) -> None:
    """Check that a bounding box is plausible in a CGCS2000 CRS, or say what to fix.

    The four bounds are one argument spelt out (GIS order: x = easting or
    longitude). Checks, in order: finite values; for EPSG:4490 degrees inside
    China, not swapped; for a Gauss-Krüger code no degrees, no swapped X/Y (the
    survey X is the northing, 2–6 × 10⁶ m), a zone prefix exactly when the code
    has one and for the same zone, northings inside China, and longitudes at most
    ``width / 2 + 1`` degrees from the central meridian.

    Parameters
    ----------
    epsg
        A supported EPSG code (see :func:`is_supported`).
    xmin, ymin, xmax, ymax
        The bounding box of the data, in that CRS's units, GIS order.

    Raises
    ------
    GeometryError
        ``geometry.non_finite`` when a bound is NaN or infinite.
    CRSError
        With a code that names the fix; ``suggested_epsg`` in its parameters
        when one code fits: ``crs.zone_prefix_mismatch``, ``crs.zone_mismatch``,
        ``crs.axis_swapped``, ``crs.degrees_in_projected``,
        ``crs.projected_in_geographic``, ``crs.outside_china``,
        ``crs.outside_zone``, ``crs.invalid_easting``, ``crs.unsupported``.

    Examples
    --------
    >>> check_coordinates(4527, 39_520_000, 4_400_000, 39_521_000, 4_401_000)
    >>> check_coordinates(4548, 39_520_000, 4_400_000, 39_521_000, 4_401_000)
    Traceback (most recent call last):
    ...
    guotu.errors.CRSError: [crs.zone_prefix_mismatch] ...
    """
    bounds = (xmin, ymin, xmax, ymax)
    if not all(math.isfinite(v) for v in bounds):
        raise GeometryError("geometry.non_finite", where=_bbox(*bounds))
    if xmin > xmax or ymin > ymax:
        raise InvalidInputError("input.invalid", detail=f"empty bounding box {_bbox(*bounds)}")
    if epsg == GEOGRAPHIC_EPSG:
        _check_geographic(*bounds)
    elif epsg in _ZONES:
        _check_projected(_ZONES[epsg], *bounds)
    else:
        raise CRSError("crs.unsupported", crs=f"EPSG:{epsg}")


def _candidate_codes(xmin: float, ymin: float, xmax: float, ymax: float, longitude: float | None) -> list[int]:
    if _is_degrees(xmin, ymin, xmax, ymax):
        return [GEOGRAPHIC_EPSG]
    number = _prefix_zone(xmin, xmax)
    if number is not None:
        return [epsg_for(number, width=_width_of_zone(number), prefixed=True)]
    if _easting_kind(xmin, xmax) != "plain":
        return []
    plain = sorted((z for z in _ZONES.values() if not z.prefixed), key=lambda z: (z.width, z.epsg))
    if longitude is not None:
        plain = [z for z in plain if abs(longitude - z.central_meridian) <= z.width / 2]
    return [z.epsg for z in plain]


def suggest_crs(xmin: float, ymin: float, xmax: float, ymax: float, *, longitude: float | None = None) -> list[int]:
    """List the CGCS2000 EPSG codes under which a bounding box is plausible.

    Every code returned passes :func:`check_coordinates`; the list is empty when
    none does (swapped axes, for instance). Prefixed eastings name their zone;
    plain eastings fit every central meridian, so pass the data's approximate
    ``longitude`` (the county's, say) to keep only the zones that contain it.
    A user must confirm the choice: this is a list of candidates, not a guess.

    Parameters
    ----------
    xmin, ymin, xmax, ymax
        The bounding box of the data, GIS order.
    longitude
        Approximate longitude of the data, degrees east, to narrow plain eastings.

    Returns
    -------
    list of int
        Candidate EPSG codes, 3° zones before 6° zones.

    Examples
    --------
    >>> suggest_crs(39_520_000, 4_400_000, 39_521_000, 4_401_000)
    [4527]
    >>> suggest_crs(520_000, 4_400_000, 521_000, 4_401_000, longitude=117.2)
    [4548, 4509]
    >>> suggest_crs(116.1, 39.6, 116.2, 39.7)
    [4490]
    """
    candidates: list[int] = []
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        return candidates
    for epsg in _candidate_codes(xmin, ymin, xmax, ymax, longitude):
        try:
            check_coordinates(epsg, xmin, ymin, xmax, ymax)
        except InvalidInputError:  # CRSError and GeometryError included
            continue
        candidates.append(epsg)
    return candidates
