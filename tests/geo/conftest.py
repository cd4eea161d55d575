"""Shared helpers for the geo tests: an independent reference area and test shapes.

The reference area is Karney's geodesic area (pyproj ``Geod`` on GRS80, which has
CGCS2000's a and f) of the polygon densified in its own plane and inverse-projected
with pyproj: nothing of ``guotu.geo`` is used, so the two can disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="GRS80")

ReferenceArea = Callable[..., float]


def _ring_areas(ring: BaseGeometry, epsg: int) -> float:
    x, y = np.asarray(ring.coords).T
    if epsg != 4490:
        x, y = Transformer.from_crs(epsg, 4490, always_xy=True).transform(x, y)
    area, _ = GEOD.polygon_area_perimeter(x, y)
    return abs(float(area))


def reference_area(geom: BaseGeometry, epsg: int, *, step: float = 10.0) -> float:
    """Geodesic area of ``geom`` (m²) after densifying by ``step`` in its own units."""
    dense = shapely.segmentize(geom, step)
    total = 0.0
    for part in getattr(dense, "geoms", [dense]):
        total += _ring_areas(part.exterior, epsg)
        total -= sum(_ring_areas(hole, epsg) for hole in part.interiors)
    return total


@pytest.fixture(scope="session")
def geodesic_area() -> ReferenceArea:
    return reference_area


def star(cx: float, cy: float, radius: float, n: int = 20, *, phase: float = 0.3) -> shapely.Polygon:
    """A simple, star-shaped, parcel-like polygon of ``n`` vertices around (cx, cy)."""
    angles = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    radii = radius * (0.75 + 0.25 * np.sin(3 * angles + phase) * np.cos(2 * angles))
    return shapely.Polygon(np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)]))


@pytest.fixture(scope="session")
def make_star() -> Callable[..., shapely.Polygon]:
    return star
