"""Tests of CGCS2000 CRS handling (guotu.geo.crs)."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS

from guotu.catalogue import MESSAGES
from guotu.errors import CRSError, GeometryError, InvalidInputError
from guotu.geo.crs import (
    GaussKrugerZone,
    check_coordinates,
    epsg_for,
    gauss_kruger_zone,
    get_transformer,
    is_supported,
    resolve_crs,
    suggest_crs,
    zone_for_longitude,
)

ALL_GK = range(4491, 4555)

# ---------------------------------------------------------------------------
# the EPSG table, checked against PROJ's database


def _proj_parameters(epsg: int) -> dict[str, float]:
    operation = CRS.from_epsg(epsg).coordinate_operation
    return {p.code: float(p.value) for p in operation.params}


@pytest.mark.parametrize("epsg", ALL_GK)
def test_zone_table_matches_proj(epsg) -> None:
    zone = gauss_kruger_zone(epsg)
    params = _proj_parameters(epsg)
    assert params["8802"] == zone.central_meridian
    assert params["8806"] == zone.false_easting
    assert params["8805"] == 1.0
    crs = CRS.from_epsg(epsg)
    assert "CGCS2000" in crs.name
    assert ("3-degree" in crs.name) == (zone.width == 3)
    assert ("zone" in crs.name) == zone.prefixed
    if zone.prefixed:
        assert crs.name.endswith(f"zone {zone.zone}")
    else:
        assert crs.name.endswith(f"CM {zone.central_meridian}E")


def test_zone_examples() -> None:
    assert gauss_kruger_zone(4527) == GaussKrugerZone(4527, 3, 39, 117, True, 39_500_000)
    assert gauss_kruger_zone(4548) == GaussKrugerZone(4548, 3, 39, 117, False, 500_000)
    assert gauss_kruger_zone(4523) == GaussKrugerZone(4523, 3, 35, 105, True, 35_500_000)
    assert gauss_kruger_zone(4501) == GaussKrugerZone(4501, 6, 23, 135, True, 23_500_000)
    assert gauss_kruger_zone(4502) == GaussKrugerZone(4502, 6, 13, 75, False, 500_000)


@pytest.mark.parametrize("epsg", [4490, 4326, 4554 + 1, 4490 - 1, 0])
def test_other_codes_are_not_gauss_kruger(epsg) -> None:
    with pytest.raises(CRSError, match="not_gauss_kruger"):
        gauss_kruger_zone(epsg)


@pytest.mark.parametrize("epsg", ALL_GK)
def test_epsg_for_round_trips(epsg) -> None:
    zone = gauss_kruger_zone(epsg)
    assert epsg_for(zone.zone, width=zone.width, prefixed=zone.prefixed) == epsg
    assert epsg_for(zone.central_meridian, width=zone.width, prefixed=zone.prefixed) == epsg


def test_epsg_for_refusals() -> None:
    with pytest.raises(CRSError, match="zone_out_of_range"):
        epsg_for(46, prefixed=True)
    with pytest.raises(CRSError, match="zone_out_of_range"):
        epsg_for(118, prefixed=False)  # not a multiple of 3
    with pytest.raises(InvalidInputError, match="option_invalid"):
        epsg_for(39, width=4, prefixed=True)


@pytest.mark.parametrize(
    ("lon", "width", "zone"),
    [
        (116.4, 3, 39),
        (115.5, 3, 39),  # half-up at the boundary
        (118.49, 3, 39),
        (118.5, 3, 40),
        (73.6, 3, 25),
        (135.0, 3, 45),
        (116.4, 6, 20),
        (114.0, 6, 20),
        (119.99, 6, 20),
        (120.0, 6, 21),
        (75.0, 6, 13),
    ],
)
def test_zone_for_longitude(lon, width, zone) -> None:
    assert zone_for_longitude(lon, width) == zone


@pytest.mark.parametrize("lon", [10.0, 137.0, math.nan])
def test_zone_for_longitude_outside_china(lon) -> None:
    with pytest.raises(CRSError, match="zone_out_of_range"):
        zone_for_longitude(lon)


# ---------------------------------------------------------------------------
# resolve_crs

ESRI_ZONE_39 = (
    'PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)

XIAN_1980_ZONE_38 = (
    'PROJCS["Xian_1980_3_Degree_GK_Zone_38",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",'
    'SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",38500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


def test_esri_prj_resolves() -> None:
    assert resolve_crs(ESRI_ZONE_39) == 4527


def test_esri_prj_with_utf8_bom_resolves() -> None:
    assert resolve_crs("\ufeff" + ESRI_ZONE_39) == 4527
    assert resolve_crs(("\ufeff" + ESRI_ZONE_39 + "\r\n").encode("utf-8")) == 4527
    assert resolve_crs(ESRI_ZONE_39.encode("utf-8")) == 4527


@pytest.mark.parametrize(
    ("text", "epsg"),
    [
        (4527, 4527),
        (4490, 4490),
        ("4548", 4548),
        ("EPSG:4527", 4527),
        ("epsg:4527", 4527),
        (" EPSG: 4549 ", 4549),
        ("CGCS2000_3_Degree_GK_Zone_39", 4527),
        ("CGCS2000_3_Degree_GK_Zone_40", 4528),
        ("CGCS2000_3_Degree_GK_CM_117E", 4548),
        ("CGCS2000_3_Degree_GK_CM_120E", 4549),
        ("cgcs2000_3_degree_gk_cm_120e", 4549),
        ("CGCS2000_GK_Zone_20", 4498),
        ("CGCS2000_GK_CM_117E", 4509),
        ("GCS_China_Geodetic_Coordinate_System_2000", 4490),
        ("China Geodetic Coordinate System 2000", 4490),
        ("CGCS2000 / 3-degree Gauss-Kruger zone 39", 4527),
        ("CGCS2000 / 3-degree Gauss-Kruger CM 117E", 4548),
        ("CGCS2000 / Gauss-Kruger zone 13", 4491),
        ("CGCS2000 / Gauss-Kruger CM 75E", 4502),
    ],
)
def test_names_and_codes_resolve(text, epsg) -> None:
    assert resolve_crs(text) == epsg


@pytest.mark.parametrize("epsg", [4490, *ALL_GK])
@pytest.mark.parametrize("flavour", ["WKT1_ESRI", "WKT1_GDAL", "WKT2_2019"])
def test_every_supported_wkt_resolves_to_itself(epsg, flavour) -> None:
    assert resolve_crs(CRS.from_epsg(epsg).to_wkt(flavour)) == epsg


@pytest.mark.parametrize(
    ("value", "epsg"),
    [
        ("EPSG:4490+5737", 4490),
        (CRS("EPSG:4490+5737").to_wkt(), 4490),
        (CRS("EPSG:4527+5737").to_wkt("WKT1_GDAL"), 4527),
    ],
)
def test_compound_crs_keeps_its_horizontal_part(value, epsg) -> None:
    # the 动态维护 tools write CGCS2000 + 1985国家高程基准 (EPSG:4490 + 5737)
    assert resolve_crs(value) == epsg


def _without_authority(wkt: str) -> str:
    return re.sub(r',AUTHORITY\["EPSG","\d+"\]', "", wkt)


def test_renamed_wkt_is_identified_by_its_parameters() -> None:
    wkt = _without_authority(CRS.from_epsg(4527).to_wkt("WKT1_GDAL"))
    renamed = wkt.replace("CGCS2000 / 3-degree Gauss-Kruger zone 39", "本地坐标系")
    assert resolve_crs(renamed) == 4527


def test_renamed_wkt_with_other_parameters_is_unknown() -> None:
    wkt = _without_authority(CRS.from_epsg(4527).to_wkt("WKT1_GDAL"))
    custom = wkt.replace("CGCS2000 / 3-degree Gauss-Kruger zone 39", "custom").replace(
        'central_meridian",117', 'central_meridian",117.5'
    )
    with pytest.raises(CRSError, match=r"crs\.unknown"):
        resolve_crs(custom)


def test_a_name_contradicted_by_its_parameters_is_refused() -> None:
    wrong_meridian = ESRI_ZONE_39.replace('"Central_Meridian",117.0', '"Central_Meridian",120.0')
    with pytest.raises(CRSError) as caught:
        resolve_crs(wrong_meridian)
    assert caught.value.code == "crs.inconsistent"
    assert caught.value.params["epsg"] == 4527
    wgs84 = ESRI_ZONE_39.replace("298.257222101", "298.257223563")
    with pytest.raises(CRSError, match="inconsistent"):
        resolve_crs(wgs84)


@pytest.mark.parametrize(
    "value",
    [
        XIAN_1980_ZONE_38,
        "Xian_1980_3_Degree_GK_Zone_38",
        "Xian 1980 / 3-degree Gauss-Kruger CM 114E",
        "Beijing_1954_3_Degree_GK_CM_117E",
        "GCS_Beijing_1954",
        "GCS_New_Beijing",
        "西安80坐标系",
        "北京54",
        2362,  # Xian 1980 / 3-degree Gauss-Kruger zone 38
        "EPSG:2415",  # Beijing 1954 / 3-degree Gauss-Kruger zone 39
        4610,  # Xian 1980
        4214,  # Beijing 1954
        CRS.from_epsg(2362).to_wkt(),
        CRS.from_epsg(2415).to_wkt("WKT1_GDAL"),
    ],
)
def test_legacy_datums_are_refused(value) -> None:
    with pytest.raises(CRSError) as caught:
        resolve_crs(value)
    assert caught.value.code == "crs.legacy_datum"
    assert "七参数或四参数" in caught.value.message("zh")
    assert "7- or 4-parameter transformation" in caught.value.message("en")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "crs.missing"),
        ("\ufeff  \n", "crs.missing"),
        (b"", "crs.missing"),
        ("not a crs", "crs.unknown"),
        ('PROJCS["broken', "crs.unknown"),
        ("EPSG:999999", "crs.unknown"),
        (4326, "crs.unsupported"),
        ("EPSG:3857", "crs.unsupported"),
        (CRS.from_epsg(32650).to_wkt(), "crs.unsupported"),
        (True, "crs.unknown"),
    ],
)
def test_unknown_and_unsupported(value, code) -> None:
    with pytest.raises(CRSError) as caught:
        resolve_crs(value)
    assert caught.value.code == code


def test_wgs84_transverse_mercator_is_not_taken_for_cgcs2000() -> None:
    wkt = CRS.from_proj4("+proj=tmerc +lon_0=117 +x_0=500000 +ellps=WGS84 +units=m +no_defs").to_wkt()
    with pytest.raises(CRSError):
        resolve_crs(wkt)


# ---------------------------------------------------------------------------
# transformers


def test_transformers_are_cached_and_in_gis_order() -> None:
    assert get_transformer(4527, 4490) is get_transformer(4527, 4490)
    lon, lat = get_transformer(4548, 4490).transform(500_000.0, 4_400_000.0)
    assert lon == pytest.approx(117.0)
    assert 39 < lat < 40
    x, _ = get_transformer(4490, 4527).transform(117.0, 39.734)
    assert x == pytest.approx(39_500_000.0, abs=1e-6)


def test_transformers_refuse_other_datums() -> None:
    with pytest.raises(CRSError, match="unsupported"):
        get_transformer(2362, 4490)
    with pytest.raises(CRSError, match="unsupported"):
        get_transformer(4490, 4326)


def test_is_supported() -> None:
    assert all(is_supported(epsg) for epsg in [4490, *ALL_GK])
    assert not any(is_supported(epsg) for epsg in (4326, 4489, 4555, 2362))


# ---------------------------------------------------------------------------
# check_coordinates: the CRS traps of RELIABILITY.md §5.2

PREFIXED = (39_520_000.0, 4_400_000.0, 39_520_180.0, 4_400_210.0)
PLAIN = (520_000.0, 4_400_000.0, 520_180.0, 4_400_210.0)


def _code(epsg: int, bounds: tuple[float, ...]) -> tuple[str, dict]:
    with pytest.raises(CRSError) as caught:
        check_coordinates(epsg, *bounds)
    error = caught.value
    for lang in ("zh", "en"):
        text = error.message(lang)
        assert "{" not in text, text  # every parameter of the text was given
    return error.code, error.params


def test_consistent_writings_pass() -> None:
    check_coordinates(4527, *PREFIXED)
    check_coordinates(4548, *PLAIN)
    check_coordinates(4490, 117.1, 39.7, 117.2, 39.8)


@pytest.mark.parametrize(
    ("epsg", "bounds", "suggested"),
    [
        (4548, PREFIXED, 4527),  # prefixed coordinates, plain CRS
        (4527, PLAIN, 4548),  # plain coordinates, prefixed CRS
        (4509, (20_380_000.0, 4_400_000.0, 20_381_000.0, 4_401_000.0), 4498),  # 6°
        (4498, (380_000.0, 4_400_000.0, 381_000.0, 4_401_000.0), 4509),
    ],
)
def test_zone_prefix_mismatch_suggests_the_fitting_code(epsg, bounds, suggested) -> None:
    code, params = _code(epsg, bounds)
    assert code == "crs.zone_prefix_mismatch"
    assert params["suggested_epsg"] == suggested


def test_wrong_zone_number() -> None:
    code, params = _code(4527, (40_520_000.0, 4_400_000.0, 40_521_000.0, 4_401_000.0))
    assert code == "crs.zone_mismatch"
    assert params["suggested_epsg"] == 4528
    assert params["zone"] == 40


@pytest.mark.parametrize(
    ("epsg", "bounds"),
    [
        (4527, (4_400_000.0, 39_520_000.0, 4_400_210.0, 39_520_180.0)),  # survey order X, Y
        (4548, (4_400_000.0, 520_000.0, 4_400_210.0, 520_180.0)),
        (4490, (39.7, 117.1, 39.8, 117.2)),  # lat, lon
    ],
)
def test_swapped_axes(epsg, bounds) -> None:
    assert _code(epsg, bounds)[0] == "crs.axis_swapped"


@pytest.mark.parametrize("epsg", [4527, 4548, 4498])
def test_degrees_in_a_projected_crs(epsg) -> None:
    code, params = _code(epsg, (120.1, 30.2, 120.3, 30.4))
    assert code == "crs.degrees_in_projected"
    assert params["suggested_epsg"] == 4490


def test_projected_coordinates_in_the_geographic_crs() -> None:
    code, params = _code(4490, PREFIXED)
    assert code == "crs.projected_in_geographic"
    assert params["suggested_epsg"] == 4527


@pytest.mark.parametrize(
    ("epsg", "bounds", "expected"),
    [
        (4490, (10.0, 50.0, 11.0, 51.0), "crs.outside_china"),  # Europe
        (4490, (117.0, -40.0, 118.0, -39.0), "crs.outside_china"),
        (4527, (39_520_000.0, 7_000_000.0, 39_521_000.0, 7_001_000.0), "crs.outside_china"),
        (4548, (520_000.0, 100_000.0, 521_000.0, 101_000.0), "crs.outside_china"),
        # 400 km east of the CM at 40°N: 4.7°, beyond a 3° zone (±1.5° + 1°)
        (4548, (900_000.0, 4_400_000.0, 901_000.0, 4_401_000.0), "crs.outside_zone"),
        (4527, (39_900_000.0, 4_400_000.0, 39_901_000.0, 4_401_000.0), "crs.outside_zone"),
        (4527, (5_000_000.0, 8_000_000.0, 5_001_000.0, 8_001_000.0), "crs.invalid_easting"),
        (4527, (-520_000.0, 4_400_000.0, -519_000.0, 4_401_000.0), "crs.invalid_easting"),
        (4527, (39_999_000.0, 4_400_000.0, 40_001_000.0, 4_401_000.0), "crs.invalid_easting"),
        (4326, PREFIXED, "crs.unsupported"),
    ],
)
def test_other_traps(epsg, bounds, expected) -> None:
    assert _code(epsg, bounds)[0] == expected


def test_a_6_degree_zone_allows_wider_eastings() -> None:
    # 250 km from the CM at 30°N is 2.6°: inside a 6° zone, outside a 3° zone
    check_coordinates(4509, 750_000.0, 3_300_000.0, 751_000.0, 3_301_000.0)
    assert _code(4548, (750_000.0, 3_300_000.0, 751_000.0, 3_301_000.0))[0] == "crs.outside_zone"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_bounds(bad) -> None:
    with pytest.raises(GeometryError) as caught:
        check_coordinates(4527, bad, 4_400_000.0, 39_520_000.0, 4_401_000.0)
    assert caught.value.code == "geometry.non_finite"


def test_inverted_bounds() -> None:
    with pytest.raises(InvalidInputError):
        check_coordinates(4527, 39_521_000.0, 4_400_000.0, 39_520_000.0, 4_401_000.0)


# ---------------------------------------------------------------------------
# suggest_crs


def test_suggestions() -> None:
    assert suggest_crs(*PREFIXED) == [4527]
    assert suggest_crs(20_380_000.0, 4_400_000.0, 20_381_000.0, 4_401_000.0) == [4498]
    assert suggest_crs(117.1, 39.7, 117.2, 39.8) == [4490]
    plain = suggest_crs(*PLAIN)
    assert plain[:21] == list(range(4534, 4555))  # every 3° CM fits: the user must choose
    assert plain[21:] == list(range(4502, 4513))
    assert suggest_crs(*PLAIN, longitude=117.2) == [4548, 4509]
    assert suggest_crs(*PLAIN, longitude=119.0) == [4549, 4509]
    # 250 km east of the CM: only 6° zones fit
    assert suggest_crs(750_000.0, 3_300_000.0, 751_000.0, 3_301_000.0) == list(range(4502, 4513))


def test_no_suggestion_for_swapped_or_foreign_data() -> None:
    assert suggest_crs(4_400_000.0, 39_520_000.0, 4_400_210.0, 39_520_180.0) == []
    assert suggest_crs(39.7, 117.1, 39.8, 117.2) == []
    assert suggest_crs(10.0, 50.0, 11.0, 51.0) == []
    assert suggest_crs(math.nan, 0.0, 1.0, 1.0) == []


eastings = st.one_of(
    st.floats(min_value=-1e3, max_value=1e6),
    st.floats(min_value=1.2e7, max_value=4.6e7),
    st.floats(min_value=60.0, max_value=140.0),
)
northings = st.one_of(st.floats(min_value=0.0, max_value=7e6), st.floats(min_value=0.0, max_value=60.0))


@settings(max_examples=50, deadline=2000)
@given(x=eastings, y=northings, width=st.floats(min_value=0.0, max_value=5_000.0))
def test_every_suggestion_passes_the_check(x, y, width) -> None:
    if x < 180.0:
        width = width / 100_000  # degrees
    bounds = (x, y, x + width, y + width)
    for epsg in suggest_crs(*bounds):
        check_coordinates(epsg, *bounds)


# ---------------------------------------------------------------------------
# catalogue


def test_every_geo_code_has_both_languages() -> None:
    from guotu.catalogue import geo

    for key, (zh, en) in geo.MESSAGES.items():
        assert key in MESSAGES
        assert zh and en
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_codes_raised_in_the_module_are_in_the_catalogue() -> None:
    import inspect

    from guotu.geo import area, crs

    for module in (crs, area):
        source = inspect.getsource(module)
        for code in re.findall(r'Error\(\s*"([a-z_]+\.[a-z_]+)"', source):
            assert code in MESSAGES, code
