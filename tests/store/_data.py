"""Test data for the store, made in code: layers of squares or star-shaped polygons.

Coordinates are CGCS2000 Gauss-Krüger zone 39 with the zone prefix (EPSG:4527), in the
Yangquan area, so the official ellipsoidal area applies.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import shapely

from guotu.geo.vector import VectorData

CRS = 4527
X0, Y0 = 39_520_000.0, 4_190_000.0


def squares(n: int, *, seed: int = 0, prefix: str = "F", spread: float = 20_000.0) -> VectorData:
    """``n`` squares of 5–100 m with Chinese attributes, codes with leading zeros and Decimals."""
    rng = np.random.default_rng(seed)
    x = X0 + rng.uniform(0, spread, n)
    y = Y0 + rng.uniform(0, spread, n)
    size = rng.uniform(5, 100, n)
    geometries = shapely.box(x, y, x + size, y + size)
    attributes = [
        {
            "BSM": f"{i:010d}",
            "DLBM": f"{(i % 12) + 1:02d}{i % 10:02d}",
            "DLMC": ("耕地", "林地", "城镇住宅用地", "公路用地")[i % 4],
            "TBMJ": Decimal(f"{size[i] * size[i]:.2f}"),
            "QSRQ": date(2020, 1 + i % 12, 1),
            "N": i,
            "备注": None if i % 3 else "阳泉市城区",
        }
        for i in range(n)
    ]
    return VectorData(
        geometries=geometries,
        attributes=attributes,
        crs=CRS,
        feature_ids=tuple(f"{prefix}{i}" for i in range(n)),
        fields=("BSM", "DLBM", "DLMC", "TBMJ", "QSRQ", "N", "备注"),
        source={"name": "test", "format": "memory", "features": n},
    )


def star(cx: float, cy: float, radii: list[float], *, jitter: list[float] | None = None, hole: bool = False) -> Any:
    """A star-shaped polygon around (cx, cy): always simple; with a hole inside its kernel."""
    n = len(radii)
    jitter = jitter or [0.0] * n
    angles = [2 * math.pi * k / n + jitter[k] * math.pi / (2 * n) for k in range(n)]
    shell = [(cx + r * math.cos(a), cy + r * math.sin(a)) for r, a in zip(radii, angles, strict=True)]
    holes = []
    if hole:
        h = 0.3 * min(radii)
        holes.append([(cx + h * math.cos(a), cy + h * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 7)[:-1]])
    return shapely.Polygon(shell, holes)


def reverse_rings(geometry: Any) -> Any:
    """The same polygon(s) with every ring reversed and started elsewhere."""
    if geometry.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([reverse_rings(p) for p in reversed(geometry.geoms)])
    shell = list(geometry.exterior.coords)[:-1][::-1]
    shell = shell[1:] + shell[:1]
    holes = [list(h.coords)[::-1] for h in geometry.interiors]
    return shapely.Polygon(shell, holes)


def reset_postgis(url: str) -> None:
    """Drop the PostGIS store's schema, so the next store on ``url`` starts empty."""
    from tests.pg import drop_schemas

    drop_schemas(url, "guotu", "guotu_before_restore")
