"""Tests of the version diff (guotu.geo.diff)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from guotu.domain.layers import ChangeKind
from guotu.errors import InvalidInputError
from guotu.geo import synthetic
from guotu.geo.area import ellipsoidal_area
from guotu.geo.diff import diff_versions
from guotu.geo.vector import VectorData

EPSG = 4527
X0, Y0 = 39_520_000.0, 4_400_000.0


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def layer(geoms, attrs, ids, **kwargs) -> VectorData:
    array = np.empty(len(geoms), dtype=object)
    array[:] = geoms
    return VectorData(array, [dict(a) for a in attrs], EPSG, tuple(ids), fields=("DLBM", "TBMJ"), **kwargs)


@pytest.fixture(scope="module")
def change():
    base = synthetic.survey(3_000, seed=11)
    return synthetic.modify(base, fraction=0.1, seed=11)


def test_synthetic_change_set_areas_are_recovered(change) -> None:
    result = diff_versions(change.before, change.after, class_field="DLBM")
    expected = {
        ChangeKind.ADDED: change.added,
        ChangeKind.REMOVED: change.removed,
        ChangeKind.ATTRIBUTE: change.attribute,
    }
    for kind, geoms in expected.items():
        count = sum(1 for c in result.changes if c.kind is kind)
        assert count == len(geoms), kind
        # whole features carry their TBMJ (rounded to 0.01 m²), pieces their computed area
        assert result.total(kind) == pytest.approx(float(ellipsoidal_area(geoms, EPSG).sum()), abs=0.005 * count + 1e-6)
    assert result.unchanged == len(change.before) - len(result.removed) - len(result.modified)


def test_change_polygons_are_the_expected_ones(change) -> None:
    result = diff_versions(change.before, change.after, class_field="DLBM")
    for kind, geoms in ((ChangeKind.REMOVED, change.removed), (ChangeKind.ATTRIBUTE, change.attribute)):
        got = shapely.union_all(shapely.from_wkb([c.geometry_wkb for c in result.changes if c.kind is kind]))
        assert shapely.symmetric_difference(got, shapely.union_all(geoms)).area < 1e-3, kind


def test_summaries_add_up(change) -> None:
    districts = synthetic.districts(n=4, seed=1)
    result = diff_versions(
        change.before, change.after, class_field="DLBM", district_zones=districts, district_field="XZQDM"
    )
    for kind in ChangeKind:
        by_class = sum(r.area_m2 for r in result.by_class if r.kind is kind)
        by_district = sum(r.area_m2 for r in result.by_district if r.kind is kind)
        assert by_class == pytest.approx(result.total(kind), rel=1e-12)
        assert by_district == pytest.approx(result.total(kind), rel=1e-9)
    assert {r.district for r in result.by_district} <= {a["XZQDM"] for a in districts.attributes}
    transitions = [r for r in result.by_class if r.kind is ChangeKind.ATTRIBUTE]
    assert all(r.class_before != r.class_after for r in transitions)
    data = result.to_dict()
    assert data["totals"]["调入"] == pytest.approx(result.total("调入"))
    assert data["by_class"][0]["whlx"] in ("1", "2", "3")


def test_hashes_skip_unchanged_features(change) -> None:
    plain = diff_versions(change.before, change.after, class_field="DLBM")
    hashes_before = {fid: f"h{fid}" for fid in change.before.feature_ids}
    hashes_after = dict.fromkeys(change.after.feature_ids, "new")
    unchanged = set(change.before.feature_ids) - set(plain.removed) - set(plain.modified)
    hashes_after.update({fid: f"h{fid}" for fid in unchanged})
    hashed = diff_versions(
        change.before, change.after, class_field="DLBM", before_hashes=hashes_before, after_hashes=hashes_after
    )
    assert [c.area_m2 for c in hashed.changes] == [c.area_m2 for c in plain.changes]
    assert hashed.unchanged == plain.unchanged


def test_identical_versions_have_no_changes(change) -> None:
    result = diff_versions(change.before, change.before, class_field="DLBM")
    assert result.changes == [] and result.unchanged == len(change.before)


def test_hand_made_changes() -> None:
    a, b, c = box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)
    before = layer([a, b, c], [{"DLBM": "0101"}, {"DLBM": "0102"}, {"DLBM": "0103"}], ["a", "b", "c"])
    after = layer(
        [a, box(100, 0, 250, 100), box(300, 0, 320, 100)],
        [{"DLBM": "0101", "TBMJ": 1}, {"DLBM": "0701"}, {"DLBM": "1101"}],
        ["a", "b", "d"],
    )
    result = diff_versions(before, after, class_field="DLBM")
    got = sorted(
        (ch.kind.value, ch.feature_id, round(shapely.from_wkb(ch.geometry_wkb).area, 6)) for ch in result.changes
    )
    assert got == sorted(
        [
            ("属性变更", "b", 10_000.0),  # b: 0102 → 0701 where both lie
            ("属性变更", "b", 5_000.0),  # c's west half is now part of b: 0103 → 0701
            ("调入", "d", 2_000.0),  # d is new
            ("调出", "c", 5_000.0),  # c's east half is gone
        ]
    )
    assert result.added == ("d",) and result.removed == ("c",)
    assert set(result.modified) == {"a", "b"}  # a: only TBMJ changed, no 属性变更
    piece = next(ch for ch in result.changes if ch.kind is ChangeKind.ADDED)
    assert piece.area_m2 == pytest.approx(float(ellipsoidal_area(box(300, 0, 320, 100), EPSG)))
    assert piece.attributes_after == {"DLBM": "1101"} and piece.attributes_before == {}


def test_compare_fields_decide_attribute_changes() -> None:
    a = box(0, 0, 100, 100)
    before = layer([a], [{"DLBM": "0101", "ZLDWDM": "x"}], ["a"])
    after = layer([a], [{"DLBM": "0101", "ZLDWDM": "y"}], ["a"])
    assert diff_versions(before, after, class_field="DLBM").changes == []
    changed = diff_versions(before, after, class_field="DLBM", compare_fields=["ZLDWDM"]).changes
    assert [c.kind for c in changed] == [ChangeKind.ATTRIBUTE]
    everything = diff_versions(before, after, class_field=None).changes
    assert [c.kind for c in everything] == [ChangeKind.ATTRIBUTE]


def test_bad_input() -> None:
    a = layer([box(0, 0, 1, 1)], [{"DLBM": "0101"}], ["a"])
    other = VectorData(a.geometries, a.attributes, 4548, a.feature_ids)
    with pytest.raises(InvalidInputError) as err:
        diff_versions(a, other, class_field="DLBM")
    assert err.value.code == "diff.crs_mismatch"
    with pytest.raises(InvalidInputError) as err:
        diff_versions(a, a, class_field="GHFQDM")
    assert err.value.code == "diff.field_missing"
    with pytest.raises(InvalidInputError):
        diff_versions(a, a, class_field="DLBM", epsg=4490)
