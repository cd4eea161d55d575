"""PNG maps: size, legend, scale bar, CRS handling (real matplotlib rendering, real pyproj)."""

from __future__ import annotations

import io
import math
import re

import pytest
from PIL import Image
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, box

from guotu.domain.layers import LAYER_KINDS
from guotu.errors import InvalidInputError
from guotu.reports.maps import (
    LAYER_STYLES,
    MapLayer,
    fit_extent,
    layer_style,
    map_layer,
    metres_per_unit,
    render_map,
    scale_bar,
    scale_bar_length,
)

# A 1 km square in CGCS2000 3-degree Gauss-Krüger zone 38 (EPSG:4526), false easting with the zone prefix.
X0, Y0 = 38_500_000.0, 4_200_000.0
SQUARE = box(X0, Y0, X0 + 1000, Y0 + 1000)


def _svg_texts(svg: bytes) -> str:
    # With svg.fonttype "none" matplotlib keeps text as <text> elements.
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8")))


def _rgb(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def _has_colour(image: Image.Image, hex_colour: str, tolerance: int = 6) -> bool:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    colours = image.getcolors(maxcolors=1 << 22) or []
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))  # type: ignore[arg-type]
        for _, rgb in colours
    )


@pytest.mark.parametrize(
    ("width_m", "length", "label"),
    [
        (999.0, 200.0, "200 m"),
        (1000.0, 250.0, "250 m"),
        (1213.6, 250.0, "250 m"),
        (4000.0, 1000.0, "1 km"),
        (9000.0, 2000.0, "2 km"),
        (11_000.0, 2500.0, "2.5 km"),
        (86_000.0, 20_000.0, "20 km"),
        (450_000.0, 100_000.0, "100 km"),
        (40.0, 10.0, "10 m"),
        (3.0, 0.5, "0.5 m"),
    ],
)
def test_scale_bar_length_is_round_and_at_most_a_quarter(width_m: float, length: float, label: str) -> None:
    assert scale_bar_length(width_m) == (length, label)
    assert length <= width_m / 4 * (1 + 1e-9)
    assert length > width_m / 4 / 2.5  # the next round length down is never more than 2.5x shorter


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_scale_bar_length_refuses_nonsense(bad: float) -> None:
    with pytest.raises(InvalidInputError) as info:
        scale_bar_length(bad)
    assert info.value.code == "report.extent_invalid"


def test_metres_per_unit_projected_and_geographic() -> None:
    assert metres_per_unit((X0, Y0, X0 + 1000, Y0 + 1000), geographic=False) == 1.0
    geod = Geod(ellps="GRS80")
    for lat in (0.0, 23.5, 37.8, 53.0):
        expected = geod.inv(112.0, lat, 113.0, lat)[2]
        assert metres_per_unit((111.5, lat - 0.1, 113.5, lat + 0.1), geographic=True) == pytest.approx(expected)
    # At 60°N a degree of longitude is about half the equator's.
    ratio = metres_per_unit((0, 60, 1, 60), geographic=True) / metres_per_unit((0, 0, 1, 0), geographic=True)
    assert ratio == pytest.approx(0.5, abs=0.003)


def test_geographic_scale_matches_the_projected_scale_of_the_same_place() -> None:
    # The same 1 km square, in EPSG:4526 and in EPSG:4490: the metres per unit agree.
    to_geo = Transformer.from_crs(4526, 4490, always_xy=True)
    lon0, lat0 = to_geo.transform(X0, Y0)
    lon1, lat1 = to_geo.transform(X0 + 1000, Y0 + 1000)
    width_m = (lon1 - lon0) * metres_per_unit((lon0, lat0, lon1, lat1), geographic=True)
    assert width_m == pytest.approx(1000, rel=0.002)  # Gauss-Krüger scale error near the central meridian


def test_scale_bar_in_map_units_for_both_crs_kinds() -> None:
    units, metres, label = scale_bar((X0, Y0, X0 + 1000, Y0 + 1000), geographic=False)
    assert (units, metres, label) == (250.0, 250.0, "250 m")
    # The same ground width in EPSG:4490 at 37°N: the bar is as many metres, in degrees of longitude.
    to_geo = Transformer.from_crs(4526, 4490, always_xy=True)
    lon0, lat0 = to_geo.transform(X0, Y0)
    lon1, lat1 = to_geo.transform(X0 + 1000, Y0 + 1000)
    units, metres, label = scale_bar((lon0, lat0, lon1, lat1), geographic=True)
    assert (metres, label) == (250.0, "250 m")
    east_lon, _, _ = Geod(ellps="GRS80").fwd((lon0 + lon1) / 2, (lat0 + lat1) / 2, 90, 250)
    assert units == pytest.approx(east_lon - (lon0 + lon1) / 2, rel=1e-3)


def test_fit_extent_widens_one_direction_only() -> None:
    assert fit_extent((0, 0, 100, 50), 1.0, geographic=False) == (0.0, -25.0, 100.0, 75.0)
    assert fit_extent((0, 0, 100, 50), 4.0, geographic=False) == (-50.0, 0.0, 150.0, 50.0)
    x0, y0, x1, y1 = fit_extent((112.0, 37.0, 112.1, 37.1), 1.0, geographic=True)
    # Ground distances east-west and north-south are equal in a square frame.
    assert (x1 - x0) * math.cos(math.radians(37.05)) == pytest.approx(y1 - y0)


def test_map_png_has_the_requested_size_and_the_layer_colours() -> None:
    layers = [
        map_layer("permanent_basic_farmland", [SQUARE]),
        map_layer("urban_development_boundary", [box(X0 + 500, Y0 + 500, X0 + 1500, Y0 + 1500)]),
    ]
    png = render_map(layers, title="永久基本农田示意图", size_px=(800, 600), dpi=100)
    image = _rgb(png)
    assert image.size == (800, 600)
    farmland = LAYER_STYLES["permanent_basic_farmland"]["facecolor"]
    # The fill is drawn at alpha 0.6 over white.
    blended = "#" + "".join(f"{round(0.6 * int(farmland[i : i + 2], 16) + 0.4 * 255):02x}" for i in (1, 3, 5))
    assert _has_colour(image, blended)
    assert _has_colour(image, LAYER_STYLES["urban_development_boundary"]["edgecolor"])


def test_map_texts_legend_scale_bar_title_note() -> None:
    # 1 km square + 5 % = 1100 m, widened to the frame's proportions (≈ 1214 m):
    # a quarter of that is 303 m, so the bar is 250 m.
    layers = [MapLayer([SQUARE], "拟用地宗地", facecolor="#FF0000"), map_layer("ecological_red_line", [])]
    svg = render_map(layers, title="审查示意图", note="EPSG:4526", fmt="svg")
    texts = _svg_texts(svg)
    for expected in ("审查示意图", "图例", "拟用地宗地", "生态保护红线", "250 m", "EPSG:4526", "N"):
        assert expected in texts, (expected, texts)


def test_map_scale_bar_in_km_for_a_large_extent_and_in_degrees() -> None:
    svg = render_map([MapLayer([box(X0, Y0, X0 + 20_000, Y0 + 20_000)], "区县")], fmt="svg")
    assert "5 km" in _svg_texts(svg)
    # A 0.1° square at 37°N is ≈ 8.9 km × 11.1 km; the frame's width (≈ 11.6 km ground) → 2.5 km bar.
    svg = render_map([MapLayer([box(112.5, 37.0, 112.6, 37.1)], "区县")], geographic=True, fmt="svg")
    texts = _svg_texts(svg)
    assert "2.5 km" in texts, texts


def test_extent_override_and_points_and_lines() -> None:
    layers = [
        MapLayer([Point(X0 + 10, Y0 + 10)], "监测点", facecolor="#FFFF00", edgecolor="#000000"),
        map_layer("blue_line", [LineString([(X0, Y0), (X0 + 100, Y0 + 50)])]),
    ]
    svg = render_map(layers, extent=(X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000), fmt="svg")
    texts = _svg_texts(svg)
    assert "监测点" in texts and "城市蓝线" in texts and "500 m" in texts
    # A single point alone still gets a sensible extent.
    png = render_map([MapLayer([Point(X0, Y0)], "点")], size_px=(400, 300), dpi=100)
    assert _rgb(png).size == (400, 300)


def test_every_layer_kind_has_a_style() -> None:
    for kind in LAYER_KINDS:
        style = layer_style(kind.id)
        assert set(style) >= {"facecolor", "edgecolor", "hatch"}
        assert map_layer(kind.id, [SQUARE]).label == kind.name_zh
        assert map_layer(kind.id, [], lang="en").label == kind.name_en
    assert LAYER_STYLES["urban_development_boundary"]["facecolor"] == "none"
    assert map_layer("subject", []).label == "审查对象"
    assert layer_style("no_such_kind") == LAYER_STYLES["custom"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"layers": []}, "report.map_empty"),
        ({"layers": [MapLayer([Point(0, 0).buffer(0).buffer(-1)], "空")]}, "report.map_empty"),
        ({"layers": [MapLayer([SQUARE], "a")], "extent": (1, 1, 0, 2)}, "report.extent_invalid"),
        ({"layers": [MapLayer([SQUARE], "a")], "extent": (0, 0, math.nan, 1)}, "report.extent_invalid"),
        ({"layers": [MapLayer([SQUARE], "a")], "size_px": (50, 50)}, "report.size_invalid"),
        ({"layers": [MapLayer([SQUARE], "a")], "geographic": True}, "report.extent_invalid"),
    ],
)
def test_bad_map_inputs_have_clear_codes(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        render_map(**kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
