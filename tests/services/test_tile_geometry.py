"""Tile geometry repair: shapes that rounding to tile pixels breaks never fail a tile."""

from __future__ import annotations

import shapely

from guotu.services.features import _polygonal

# Seen in the demo (ghfq_140300 13/6667/3156): a part rounded to one point, beside a good polygon.
# GEOS's make_valid refuses it ("Overlay input is mixed-dimension").
FOLDED = (
    "MULTIPOLYGON (((2079 4160, 2079 4160, 2079 4160, 2079 4160)), ((1993 166, 1610 701, 1567 1352, 1699 1337, "
    "1948 1287, 2110 1165, 2387 1174, 2720 1156, 2859 1194, 3094 1147, 3259 1081, 3338 542, 3655 -64, "
    "2021 -64, 1993 166)))"
)


def test_a_part_collapsed_to_a_point_keeps_the_rest() -> None:
    geom = shapely.from_wkt(FOLDED)
    repaired = _polygonal(geom)
    assert repaired is not None and repaired.is_valid
    good = shapely.get_geometry(geom, 1)
    assert repaired.area == good.area


def test_nothing_polygonal_left_gives_none() -> None:
    assert _polygonal(shapely.from_wkt("POLYGON ((0 0, 0 0, 0 0, 0 0))")) is None
    assert _polygonal(shapely.Polygon()) is None
