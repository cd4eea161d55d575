"""The review engine on geometries whose overlaps are known by construction."""

from __future__ import annotations

from decimal import Decimal

import pytest
import shapely
from tests.review.world import EPSG, FARMLAND, X0, Y0, box

from guotu.domain.review import Relation, ReviewParams
from guotu.errors import CRSError, GeometryError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.review import LayerData, batch_overlaps, check_parcel, overlap_layer, parcel_summary

RULE = ReviewParams().layer_rule("permanent_basic_farmland")
ZONE_RULE = ReviewParams().layer_rule("planning_zones")


def farmland() -> LayerData:
    return LayerData("permanent_basic_farmland", [FARMLAND], ("F1",), crs=EPSG)


def area(geom: object) -> float:
    return float(ellipsoidal_area(geom, EPSG))


def test_partly_overlapping_parcel_gives_the_exact_ellipsoidal_overlap() -> None:
    parcel = box(100, 0, 300, 100)
    result = overlap_layer(parcel, EPSG, farmland(), RULE)
    assert result.relation is Relation.PARTLY
    assert result.feature_ids == ("F1",)
    assert result.overlap_m2 == pytest.approx(area(box(100, 0, 200, 100)), abs=1e-6)
    assert result.share == pytest.approx(0.5, abs=1e-9)
    # ellipsoidal, not planar: a little less than 10 000 m² here
    assert 9_999.0 < result.overlap_m2 < 10_000.0


def test_parcel_touching_a_line_has_no_area_and_is_reported_as_touching() -> None:
    parcel = box(200, 0, 300, 100)  # shares the edge x = 200 with F1
    result = overlap_layer(parcel, EPSG, farmland(), RULE)
    assert result.relation is Relation.TOUCHING
    assert result.overlap_m2 == 0.0
    assert result.feature_ids == () and result.touching_ids == ("F1",)


def test_parcel_exactly_inside_uses_the_covers_shortcut() -> None:
    result = overlap_layer(FARMLAND, EPSG, farmland(), RULE)
    assert result.relation is Relation.INSIDE
    assert result.overlap_m2 == pytest.approx(area(FARMLAND), rel=1e-12)
    assert result.share == 1.0


def test_far_away_parcel_is_outside() -> None:
    result = overlap_layer(box(500, 500, 600, 600), EPSG, farmland(), RULE)
    assert result.relation is Relation.OUTSIDE and result.overlap_m2 == 0.0


def test_multipart_parcel() -> None:
    parcel = shapely.MultiPolygon([box(0, 0, 50, 50), box(150, 150, 250, 250)])
    result = overlap_layer(parcel, EPSG, farmland(), RULE)
    expected = area(box(0, 0, 50, 50)) + area(box(150, 150, 200, 200))
    assert result.relation is Relation.PARTLY
    assert result.overlap_m2 == pytest.approx(expected, abs=1e-6)
    assert parcel_summary(parcel, EPSG).parts == 2


def test_parcel_with_a_hole() -> None:
    outer = box(50, 50, 350, 150)
    hole = box(100, 75, 150, 125)
    parcel = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    result = overlap_layer(parcel, EPSG, farmland(), RULE)
    expected = area(box(50, 50, 200, 150)) - area(hole)
    assert result.overlap_m2 == pytest.approx(expected, abs=1e-6)
    assert parcel_summary(parcel, EPSG).holes == 1
    assert result.share == pytest.approx(expected / area(parcel), rel=1e-9)


def test_thin_overlap_is_a_sliver_not_an_occupation() -> None:
    parcel = box(199.99, 0, 300, 100)  # 1 m² overlap, 1 cm wide
    result = overlap_layer(parcel, EPSG, farmland(), RULE)
    assert result.relation is Relation.SLIVER
    assert result.sliver_ids == ("F1",) and result.feature_ids == ()
    assert 0.9 < result.overlap_m2 < 1.01


def test_overlapping_features_are_not_counted_twice() -> None:
    data = LayerData("permanent_basic_farmland", [FARMLAND, box(100, 0, 300, 200)], ("F1", "F2"), crs=EPSG)
    result = overlap_layer(box(150, 0, 250, 100), EPSG, data, RULE)
    assert result.overlap_m2 == pytest.approx(area(box(150, 0, 250, 100)), abs=1e-6)
    assert result.relation is Relation.INSIDE
    assert set(result.feature_ids) == {"F1", "F2"}


def test_values_hit_and_no_data_outside_a_tiling_layer() -> None:
    zones = LayerData(
        "planning_zones", [box(0, 0, 200, 1000), box(200, 0, 400, 1000)], ("A", "B"), ["03", "04"], EPSG, tiles=True
    )
    result = overlap_layer(box(150, 0, 250, 100), EPSG, zones, ZONE_RULE)
    assert [(v.value, v.feature_count) for v in result.values] == [("03", 1), ("04", 1)]
    assert sum(v.area_m2 for v in result.values) == pytest.approx(area(box(150, 0, 250, 100)), abs=1e-6)
    beyond = overlap_layer(box(350, 0, 450, 100), EPSG, zones, ZONE_RULE)
    assert beyond.uncovered_m2 == pytest.approx(area(box(400, 0, 450, 100)), abs=1e-6)
    nowhere = overlap_layer(box(900, 0, 950, 100), EPSG, zones, ZONE_RULE)
    assert nowhere.relation is Relation.NO_DATA


def test_parcel_in_another_crs_is_projected_to_the_layer() -> None:
    from guotu.geo.review import to_crs

    parcel = to_crs(box(100, 0, 300, 100), EPSG, 4490)
    result = overlap_layer(parcel, 4490, farmland(), RULE)
    assert result.overlap_m2 == pytest.approx(area(box(100, 0, 200, 100)), rel=1e-6)


def test_self_intersecting_parcel_is_refused_with_its_location() -> None:
    bow = shapely.Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    with pytest.raises(GeometryError) as err:
        check_parcel(bow, EPSG)
    assert err.value.code == "review.parcel_invalid"
    assert err.value.params["location"] == "39500050 4320050"


def test_wrong_crs_is_refused() -> None:
    # coordinates without the zone prefix declared as a prefixed CRS
    with pytest.raises(CRSError):
        check_parcel(shapely.box(500_000, 4_320_000, 500_100, 4_320_100), EPSG)


def test_empty_and_line_parcels_are_refused() -> None:
    with pytest.raises(GeometryError) as err:
        check_parcel(shapely.Polygon(), EPSG)
    assert err.value.code == "review.parcel_empty"
    with pytest.raises(GeometryError) as err:
        check_parcel(shapely.LineString([(X0, Y0), (X0 + 1, Y0 + 1)]), EPSG)
    assert err.value.code == "review.parcel_not_polygon"


def test_batch_overlaps_agree_with_the_single_parcel_engine() -> None:
    parcels = [box(100, 0, 300, 100), box(200, 0, 300, 100), FARMLAND, box(500, 500, 600, 600)]
    zones = [FARMLAND, box(600, 600, 800, 800)]
    pairs = batch_overlaps(parcels, zones, epsg=EPSG)
    got = {(int(f), int(z)): a for f, z, a in zip(pairs.feature, pairs.zone, pairs.area_m2, strict=True)}
    assert set(got) == {(0, 0), (2, 0)}
    assert got[(0, 0)] == pytest.approx(overlap_layer(parcels[0], EPSG, farmland(), RULE).overlap_m2, rel=1e-9)
    assert got[(2, 0)] == pytest.approx(area(FARMLAND), rel=1e-12)


def test_official_figures_in_hectares_and_mu() -> None:
    result = overlap_layer(FARMLAND, EPSG, farmland(), RULE)
    section = result.to_dict(ReviewParams())
    assert Decimal(section["overlap_ha"]) == (Decimal(section["overlap_m2"]) / 10_000).quantize(Decimal("0.0001"))
    assert section["relation_zh"] == "完全位于" and section["share"] == "1.0000"


def test_batch_in_two_processes_gives_the_same_pairs() -> None:
    parcels = [box(40 * i, 40 * j, 40 * i + 60, 40 * j + 30) for i in range(10) for j in range(10)]
    zones = [FARMLAND, box(150, 150, 420, 330), box(300, 0, 330, 400)]  # overlapping zones
    one = batch_overlaps(parcels, zones, epsg=EPSG, processes=1)
    two = batch_overlaps(parcels, zones, epsg=EPSG, processes=2, chunk_size=17)
    assert one.feature.tolist() == two.feature.tolist() and one.zone.tolist() == two.zone.tolist()
    assert two.area_m2 == pytest.approx(one.area_m2, rel=1e-12)
    # every pair agrees with the single-parcel engine
    for f, z, a in zip(one.feature.tolist(), one.zone.tolist(), one.area_m2.tolist(), strict=True):
        single = overlap_layer(parcels[f], EPSG, LayerData("custom", [zones[z]], ("Z",), crs=EPSG), RULE)
        assert a == pytest.approx(single.overlap_m2, rel=1e-9)
