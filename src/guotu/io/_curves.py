"""Curved geometries (ISO WKB types 8–12) turned into straight segments.

GEOS, and so shapely, has no curves; GDAL hands them over as ISO WKB
(CircularString, CompoundCurve, CurvePolygon, MultiCurve, MultiSurface). This
module parses that WKB and strokes every circular arc so that no chord strays more
than ``tolerance`` (CRS units) from the arc: 0.01 m in a projected CRS, the same
distance in degrees for EPSG:4490 (RELIABILITY.md §5.1). Z and M are dropped.
"""

from __future__ import annotations

import math
import struct
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["CURVE_TYPES", "geometry_type_code", "linearize"]

#: Base ISO WKB type codes of curved geometries.
CURVE_TYPES: Final = frozenset({8, 9, 10, 11, 12})
_MAX_SEGMENTS_PER_ARC: Final = 10_000

FloatArray = npt.NDArray[np.float64]


class CurveError(ValueError):
    """The WKB cannot be parsed."""


def geometry_type_code(wkb: bytes) -> tuple[int, bool, bool]:
    """Return (base type, has Z, has M) from a WKB header (ISO or EWKB flags).

    Examples
    --------
    >>> geometry_type_code(bytes.fromhex("01ba0b0000"))  # 3002: LineString ZM
    (2, True, True)
    """
    if len(wkb) < 5:
        raise CurveError("WKB shorter than its header")
    order = "<" if wkb[0] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", wkb, 1)
    has_z = bool(code & 0x80000000)
    has_m = bool(code & 0x40000000)
    code &= 0x0FFFFFFF
    dims, base = divmod(code, 1000)
    has_z = has_z or dims in (1, 3)
    has_m = has_m or dims in (2, 3)
    return base, has_z, has_m


class _Reader:
    def __init__(self, data: bytes, tolerance: float) -> None:
        self.data = data
        self.pos = 0
        self.tolerance = tolerance

    def _header(self) -> tuple[str, int, int]:
        if self.pos + 5 > len(self.data):
            raise CurveError("truncated WKB")
        order = "<" if self.data[self.pos] == 1 else ">"
        (code,) = struct.unpack_from(order + "I", self.data, self.pos + 1)
        base, has_z, has_m = geometry_type_code(self.data[self.pos : self.pos + 5])
        self.pos += 5
        if code & 0x20000000:
            self.pos += 4  # EWKB SRID
        return order, base, 2 + has_z + has_m

    def _count(self, order: str) -> int:
        if self.pos + 4 > len(self.data):
            raise CurveError("truncated WKB")
        (n,) = struct.unpack_from(order + "I", self.data, self.pos)
        self.pos += 4
        return int(n)

    def _points(self, order: str, dims: int) -> FloatArray:
        n = self._count(order)
        size = 8 * dims * n
        if self.pos + size > len(self.data):
            raise CurveError("truncated WKB")
        values = np.frombuffer(self.data, dtype=order + "f8", count=n * dims, offset=self.pos)
        self.pos += size
        return values.reshape(n, dims)[:, :2].astype(np.float64)

    def curve(self) -> FloatArray:
        """Read a LineString, CircularString or CompoundCurve as an (n, 2) array."""
        return self._curve_body(*self._header())

    def _curve_body(self, order: str, base: int, dims: int) -> FloatArray:
        if base == 2:
            return self._points(order, dims)
        if base == 8:
            return _stroke(self._points(order, dims), self.tolerance)
        if base == 9:
            pieces = [self.curve() for _ in range(self._count(order))]
            pieces = [p for p in pieces if len(p)]
            if not pieces:
                return np.zeros((0, 2))
            joined = [pieces[0]] + [p[1:] for p in pieces[1:]]
            return np.concatenate(joined)
        raise CurveError(f"WKB type {base} where a curve was expected")

    def polygon(self, order: str, dims: int, base: int) -> shapely.Polygon:
        rings = []
        for _ in range(self._count(order)):
            rings.append(self._points(order, dims) if base == 3 else self.curve())
        rings = [r for r in rings if len(r)]
        if any((r[0] != r[-1]).any() for r in rings):
            raise CurveError("a ring is not closed")
        if not rings:
            return shapely.Polygon()
        return shapely.Polygon(rings[0], rings[1:])

    def geometry(self) -> BaseGeometry:
        order, base, dims = self._header()
        if base == 1:
            if self.pos + 8 * dims > len(self.data):
                raise CurveError("truncated WKB")
            coords = np.frombuffer(self.data, dtype=order + "f8", count=dims, offset=self.pos)
            self.pos += 8 * dims
            return shapely.Point(coords[:2])
        if base in (2, 8, 9):
            return shapely.LineString(self._curve_body(order, base, dims))
        if base in (3, 10):
            return self.polygon(order, dims, base)
        if base in (4, 5, 6, 7, 11, 12):
            parts = [self.geometry() for _ in range(self._count(order))]
            if base in (6, 12):
                return shapely.MultiPolygon([p for p in parts if isinstance(p, shapely.Polygon)])
            if base in (5, 11):
                return shapely.MultiLineString([p for p in parts if isinstance(p, shapely.LineString)])
            if base == 4:
                return shapely.MultiPoint([p for p in parts if isinstance(p, shapely.Point)])
            return shapely.GeometryCollection(parts)
        raise CurveError(f"unsupported WKB type {base}")


def _arc(p0: FloatArray, p1: FloatArray, p2: FloatArray, tolerance: float) -> FloatArray:
    """Points along the circular arc p0 → p1 → p2, p0 included, p2 excluded."""
    (x0, y0), (x1, y1), (x2, y2) = p0, p1, p2
    full = x0 == x2 and y0 == y2
    if full:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ccw = True
    else:
        d = 2 * (x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1))
        scale = max(abs(x0 - x1), abs(y0 - y1), abs(x2 - x1), abs(y2 - y1), 1e-300)
        if abs(d) <= 1e-12 * scale * scale:  # collinear: a straight line
            return np.array([p0, p1])
        s0, s1, s2 = x0 * x0 + y0 * y0, x1 * x1 + y1 * y1, x2 * x2 + y2 * y2
        cx = (s0 * (y1 - y2) + s1 * (y2 - y0) + s2 * (y0 - y1)) / d
        cy = (s0 * (x2 - x1) + s1 * (x0 - x2) + s2 * (x1 - x0)) / d
        ccw = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) > 0
    radius = math.hypot(x0 - cx, y0 - cy)
    a0 = math.atan2(y0 - cy, x0 - cx)
    if full:
        sweep = 2 * math.pi
    else:
        a2 = math.atan2(y2 - cy, x2 - cx)
        sweep = (a2 - a0) % (2 * math.pi) if ccw else -((a0 - a2) % (2 * math.pi))
    step = 2 * math.acos(max(1 - tolerance / radius, -1.0)) if radius > 0 else math.pi
    n = min(max(math.ceil(abs(sweep) / max(step, 1e-9)), 2), _MAX_SEGMENTS_PER_ARC)
    angles = a0 + sweep * np.arange(n) / n
    points = np.column_stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)])
    points[0] = p0
    return points


def _stroke(points: FloatArray, tolerance: float) -> FloatArray:
    """Turn a CircularString's control points (p0, p1, p2, p3, p4 …) into a polyline."""
    if len(points) < 3:
        return points
    pieces = [_arc(points[i], points[i + 1], points[i + 2], tolerance) for i in range(0, len(points) - 2, 2)]
    return np.concatenate([*pieces, points[-1:]])


def linearize(wkb: bytes, tolerance: float) -> BaseGeometry:
    """Parse WKB that may hold curves into a linear 2D shapely geometry.

    Parameters
    ----------
    wkb
        ISO or extended WKB of any type 1–12.
    tolerance
        Largest distance between an arc and its chords, in CRS units.

    Raises
    ------
    CurveError
        When the WKB is truncated or of an unsupported type.

    Examples
    --------
    >>> import struct
    >>> ring = struct.pack("<BII", 1, 8, 3) + struct.pack("<6d", 0, 0, 10, 0, 0, 0)
    >>> circle = linearize(struct.pack("<BII", 1, 10, 1) + ring, 0.01)
    >>> circle.geom_type, round(circle.area, 1)  # radius 5: 78.54, less the chords' 0.01 m sagitta
    ('Polygon', 78.3)
    """
    return _Reader(wkb, tolerance).geometry()
