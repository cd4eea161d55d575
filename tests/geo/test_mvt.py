"""The vectorised MVT encoder against the reference decoder (mapbox-vector-tile)."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from guotu.geo.mvt import encode_polygon_layer


def _decode(tile: bytes) -> list[dict]:
    decoded = mapbox_vector_tile.decode(tile, default_options={"y_coord_down": False})
    return decoded["parcels"]["features"] if decoded else []


def _shape(feature: dict) -> shapely.Geometry:
    return shapely.geometry.shape(feature["geometry"])


def test_polygons_with_holes_and_multiparts_round_trip() -> None:
    donut = shapely.box(100, 100, 1000, 1000).difference(shapely.box(300, 300, 600, 600))
    multi = shapely.MultiPolygon([shapely.box(2000, 2000, 2100, 2100), shapely.box(2200, 2000, 2300, 2150)])
    # Given clockwise (shapely orientation is free): the encoder must fix the winding.
    clockwise = shapely.Polygon([(3000, 3000), (3000, 3500), (3500, 3500), (3500, 3000)])
    props = [{"DLBM": "0101", "MJ": 12.5}, {"DLBM": "0102", "n": 3, "ok": True}, {"DLBM": "0101", "none": None}]
    features = _decode(encode_polygon_layer("parcels", [donut, multi, clockwise], props, ids=[7, 8, 9]))
    assert [f["id"] for f in features] == [7, 8, 9]
    assert [f["properties"] for f in features] == [
        {"DLBM": "0101", "MJ": 12.5}, {"DLBM": "0102", "n": 3, "ok": True}, {"DLBM": "0101"},
    ]  # fmt: skip
    for feature, source in zip(features, [donut, multi, clockwise], strict=True):
        shape = _shape(feature)
        assert shape.is_valid
        assert shape.area == pytest.approx(source.area)
        assert shape.symmetric_difference(source).area == pytest.approx(0, abs=1e-6)


def test_exterior_rings_are_clockwise_in_the_tile_grid() -> None:
    tile = encode_polygon_layer("parcels", [shapely.box(0, 0, 10, 10)], [{}])
    raw = mapbox_vector_tile.decode(tile, default_options={"y_coord_down": True})["parcels"]["features"][0]
    ring = np.array(raw["geometry"]["coordinates"][0], dtype=float)
    x, y = ring[:, 0], ring[:, 1]
    # Surveyor's formula in y-down tile coordinates: positive for an exterior ring (MVT 2.1, 4.3.4.4).
    assert np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) > 0


def test_collapsed_and_non_polygon_geometries_are_left_out() -> None:
    sliver = shapely.Polygon([(0, 0), (10, 0.2), (20, 0), (10, 0.1)])  # rounds to a line
    line = shapely.LineString([(0, 0), (10, 10)])
    square = shapely.box(100, 100, 200, 200)
    features = _decode(encode_polygon_layer("parcels", [sliver, line, square, shapely.Polygon()], [{}] * 4))
    assert [f["id"] for f in features] == [3]


def test_empty_layer_is_a_valid_tile() -> None:
    assert _decode(encode_polygon_layer("parcels", [], [])) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-200, 4200),
            st.integers(-200, 4200),
            st.integers(3, 900),
            st.integers(3, 900),
            st.floats(0, 6.28),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_same_shapes_as_the_reference_encoder(boxes: list[tuple[int, int, int, int, float]]) -> None:
    from shapely import affinity

    geoms = [affinity.rotate(shapely.box(x, y, x + w, y + h), a, use_radians=True) for x, y, w, h, a in boxes]
    props = [{"i": i} for i in range(len(geoms))]
    ours = {f["properties"]["i"]: _shape(f) for f in _decode(encode_polygon_layer("parcels", geoms, props))}
    layer = [{"geometry": g.wkb, "properties": p} for g, p in zip(geoms, props, strict=True)]
    reference = mapbox_vector_tile.encode(
        [{"name": "parcels", "features": layer}], default_options={"y_coord_down": False}
    )
    theirs = {f["properties"]["i"]: _shape(f) for f in _decode(reference)}
    assert ours.keys() == theirs.keys()
    for i, shape in ours.items():
        assert shape.area == pytest.approx(theirs[i].area, rel=1e-9, abs=1e-9)
