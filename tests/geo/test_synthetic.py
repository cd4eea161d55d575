"""Tests of the synthetic one map (guotu.geo.synthetic)."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import shapely

from guotu.domain.layers import layer_kind
from guotu.errors import InvalidInputError
from guotu.geo import synthetic
from guotu.geo.area import ellipsoidal_area


def _tiles(geoms, boundary) -> None:
    """No gap, no overlap: the areas add up to the union's, which is the boundary."""
    assert shapely.is_valid(geoms).all()
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-10)
    assert union.area == pytest.approx(boundary.area, rel=1e-10)
    assert shapely.symmetric_difference(union, boundary).area < 1e-6 * boundary.area


@pytest.mark.parametrize("n", [1, 2, 7, 100, 2_345])
def test_survey_tiles_the_square_with_exactly_n_polygons(n: int) -> None:
    layer = synthetic.survey(n, seed=n)
    assert len(layer) == n
    _tiles(layer.geometries, synthetic.default_boundary())


def test_survey_on_an_irregular_boundary() -> None:
    boundary = shapely.Polygon(
        [(39_480_000, 4_300_000), (39_500_000, 4_305_000), (39_510_000, 4_330_000), (39_470_000, 4_320_000)]
    )
    layer = synthetic.survey(3_000, seed=2, boundary=boundary)
    assert 2_500 < len(layer) < 3_500
    _tiles(layer.geometries, boundary)


def test_survey_fields_and_realism() -> None:
    layer = synthetic.survey(20_000, seed=3)
    assert layer.fields == ("DLBM", "DLMC", "TBBH", "ZLDWDM", "TBMJ")
    vertices = shapely.get_num_coordinates(layer.geometries)
    assert np.percentile(vertices, 5) >= 12 and np.percentile(vertices, 95) <= 45
    counts = collections.Counter(a["DLBM"] for a in layer.attributes)
    assert set(counts) <= set(synthetic.SURVEY_CLASSES)
    cultivated = sum(counts[c] for c in ("0101", "0102", "0103")) / len(layer)
    assert 0.4 < cultivated < 0.8  # a farming county
    assert counts["0701"] > 0 and counts["0301"] > 0 and counts["1101"] > 0 and counts["1003"] > 0
    first = layer.attributes[0]
    assert first["DLMC"] == {"0101": "水田", "0102": "水浇地", "0103": "旱地"}.get(first["DLBM"], first["DLMC"])
    assert len(first["ZLDWDM"]) == 19 and first["ZLDWDM"].startswith("990101")
    tbmj = np.array([a["TBMJ"] for a in layer.attributes])
    np.testing.assert_allclose(tbmj, ellipsoidal_area(layer.geometries, 4527), atol=0.005)
    assert all(len(i) == 18 for i in layer.feature_ids[:10])
    by_village = collections.defaultdict(list)
    for a in layer.attributes:
        by_village[a["ZLDWDM"]].append(int(a["TBBH"]))
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in by_village.values())


def test_survey_is_deterministic_and_chunking_changes_nothing() -> None:
    whole = synthetic.survey(3_000, seed=9)
    again = synthetic.survey(3_000, seed=9)
    assert shapely.equals_identical(whole.geometries, again.geometries).all()
    parts = list(synthetic.survey_chunks(3_000, seed=9, rows_per_chunk=7))
    assert len(parts) > 3
    assert shapely.equals_identical(whole.geometries, np.concatenate([p.geometries for p in parts])).all()
    assert whole.attributes == [a for p in parts for a in p.attributes]
    assert whole.feature_ids == tuple(i for p in parts for i in p.feature_ids)
    other = synthetic.survey(3_000, seed=10)
    assert not shapely.equals_identical(whole.geometries, other.geometries).all()


def test_districts_tile_with_codes() -> None:
    for n in (1, 5, 50):
        d = synthetic.districts(n=n, seed=n)
        assert len(d) == n
        _tiles(d.geometries, synthetic.default_boundary())
        assert all(len(a["XZQDM"]) == 6 for a in d.attributes)
    assert shapely.get_num_coordinates(synthetic.districts(n=50, seed=1).geometries).min() > 500


def test_control_lines_are_consistent() -> None:
    layer = synthetic.survey(20_000, seed=4)
    lines = synthetic.control_lines(layer, seed=4)
    for name, data in lines.items():
        layer_kind(name)  # a known kind
        assert len(data) > 0, name
        assert shapely.is_valid(data.geometries).all(), name
    udb = shapely.union_all(lines["urban_development_boundary"].geometries)
    red = shapely.union_all(lines["ecological_red_line"].geometries)
    farm = shapely.union_all(lines["permanent_basic_farmland"].geometries)
    assert shapely.intersection(udb, red).area < 1e-6
    assert shapely.intersection(udb, farm).area < 1e-6
    assert shapely.intersection(red, farm).area < 1e-6
    assert all(a["DLBM"] in ("0101", "0102", "0103") for a in lines["permanent_basic_farmland"].attributes)
    history = lines["historic_protection_line"]
    assert all(1e4 * 0.99 <= a["MJ"] <= 1e5 for a in history.attributes)
    assert shapely.covers(udb.buffer(1e-6), history.geometries).all()


def test_planning_zones_tile_and_follow_the_lines() -> None:
    layer = synthetic.survey(5_000, seed=6)
    lines = synthetic.control_lines(layer, seed=6)
    zones = synthetic.planning_zones(layer, lines, seed=6)
    _tiles(zones.geometries, synthetic.default_boundary())
    codes = {a["GHFQDM"] for a in zones.attributes}
    assert codes <= set(synthetic.GHFQ_CODES) and {"03", "04", "05"} <= codes
    urban = shapely.union_all(zones.geometries[[a["GHFQDM"] == "04" for a in zones.attributes]])
    udb = shapely.union_all(lines["urban_development_boundary"].geometries)
    assert shapely.symmetric_difference(urban, udb).area < 1e-3


def test_parcels() -> None:
    lots = synthetic.parcels(300, seed=2)
    assert len(lots) == 300
    areas = np.array([a["MJ"] for a in lots.attributes])
    assert areas.min() >= 5_000 and areas.max() <= 200_000
    assert shapely.union_all(lots.geometries).area == pytest.approx(shapely.area(lots.geometries).sum(), rel=1e-9)
    assert {a["GYFS"] for a in lots.attributes} <= {"出让", "划拨"}


def test_modify_gives_a_known_change_set() -> None:
    layer = synthetic.survey(1_000, seed=8)
    change = synthetic.modify(layer, fraction=0.2, seed=8)
    assert len(change.before) == 1_000 - len(change.added)
    assert set(change.before.feature_ids) != set(change.after.feature_ids)
    with pytest.raises(InvalidInputError):
        synthetic.modify(layer, fraction=0)


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_bad_counts_are_refused(bad) -> None:
    with pytest.raises(InvalidInputError):
        synthetic.survey(bad)


def test_bad_boundary_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        synthetic.survey(10, boundary=shapely.Point(0, 0))
