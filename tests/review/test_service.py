"""review_parcel against both stores, on the hand-built one map of ``world.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import shapely
from tests.review.world import EPSG, FARMLAND, HISTORY, RED_LINE, box

from guotu.domain.review import Conclusion, Relation, ReviewParams
from guotu.errors import ConflictError, GeometryError, InvalidInputError, NotFoundError
from guotu.geo.area import ellipsoidal_area
from guotu.services.review import approve_review, get_review, list_reviews, rerun_review, review_parcel
from guotu.store import Store

RESIDENTIAL: dict[str, Any] = {
    "use": "0701",
    "mode": "出让",
    "method": "挂牌",
    "far": "2.0",
    "district": "990101",
    "city_size": "中等城市",
}


def layer(review: Any, kind: str) -> Any:
    return next(r for r in review.layers if r.kind == kind)


def rules(review: Any) -> set[str]:
    return {f.rule for f in review.findings if f.severity.value != "info"}


def test_clean_parcel_inside_the_boundary_is_compliant(world: Store, on: date) -> None:
    review = review_parcel(world, box(300, 300, 400, 400), RESIDENTIAL, on=on, crs=EPSG, actor="test")
    assert review.conclusion is Conclusion.COMPLIANT, [f.message_zh for f in review.findings]
    assert layer(review, "permanent_basic_farmland").relation is Relation.OUTSIDE
    assert layer(review, "urban_development_boundary").relation is Relation.INSIDE
    assert [v.value for v in layer(review, "planning_zones").values] == ["04"]
    # layers absent from the store say 无数据, never 未占用
    green = layer(review, "green_line")
    assert green.relation is Relation.NO_DATA and green.layer is None
    assert review.id is not None and review.status == "已提交"


def test_parcel_on_farmland_outside_the_boundary_is_not_compliant(world: Store, on: date) -> None:
    review = review_parcel(world, box(100, 0, 300, 100), RESIDENTIAL, on=on, crs=EPSG, actor="test")
    assert review.conclusion is Conclusion.NON_COMPLIANT
    assert {"P1", "B2", "Z1"} <= rules(review)
    farm = layer(review, "permanent_basic_farmland")
    expected = float(ellipsoidal_area(box(100, 0, 200, 100), EPSG))
    assert farm.overlap_m2 == pytest.approx(expected, abs=1e-6)
    assert farm.relation is Relation.PARTLY and farm.feature_ids == ("F1",)
    p1 = next(f for f in review.findings if f.rule == "P1")
    assert p1.legal_source == "《中华人民共和国土地管理法》第三十五条"
    assert p1.evidence["share"] == "0.5000"


def test_touching_farmland_is_not_an_occupation(world: Store, on: date) -> None:
    review = review_parcel(world, box(200, 0, 300, 100), RESIDENTIAL, on=on, crs=EPSG, save=False)
    farm = layer(review, "permanent_basic_farmland")
    assert farm.relation is Relation.TOUCHING and farm.overlap_m2 == 0.0
    assert "P1" not in rules(review)
    assert review.conclusion is Conclusion.COMPLIANT


def test_exactly_inside_the_red_line(world: Store, on: date) -> None:
    review = review_parcel(world, RED_LINE, {**RESIDENTIAL, "use": "0901"}, on=on, crs=EPSG, save=False)
    red = layer(review, "ecological_red_line")
    assert red.relation is Relation.INSIDE and red.share == 1.0
    assert "E1" in rules(review)


def test_multipart_parcel_with_a_hole(world: Store, on: date) -> None:
    outer = box(50, 50, 350, 150)
    hole = box(100, 75, 150, 125)
    parcel = shapely.MultiPolygon(
        [shapely.Polygon(outer.exterior.coords, [hole.exterior.coords]), box(1150, 150, 1250, 250)]
    )
    review = review_parcel(world, parcel, RESIDENTIAL, on=on, crs=EPSG, save=False)
    farm = layer(review, "permanent_basic_farmland")
    expected = float(ellipsoidal_area(box(50, 50, 200, 150), EPSG) - ellipsoidal_area(hole, EPSG))
    assert farm.overlap_m2 == pytest.approx(expected, abs=1e-6)
    history = layer(review, "historic_protection_line")
    assert history.relation is Relation.PARTLY
    assert history.overlap_m2 == pytest.approx(float(ellipsoidal_area(box(1150, 150, 1250, 250), EPSG)), abs=1e-6)
    assert review.parcel.parts == 2 and review.parcel.holes == 1


def test_layer_missing_for_the_district_says_no_data(world: Store, on: date) -> None:
    attrs = {**RESIDENTIAL, "district": "990102"}
    review = review_parcel(world, box(1500, 500, 1600, 600), attrs, on=on, crs=EPSG, save=False)
    farm = layer(review, "permanent_basic_farmland")
    assert farm.relation is Relation.NO_DATA
    assert "990102" in farm.note
    n1 = [f for f in review.findings if f.rule == "N1" and f.severity.value == "warning"]
    assert n1 and "无数据" in n1[0].message_zh
    assert review.conclusion is Conclusion.NEEDS_JUSTIFICATION


def test_versions_in_force_on_the_review_date(world: Store) -> None:
    review = review_parcel(world, FARMLAND, RESIDENTIAL, on=date(2025, 6, 1), crs=EPSG, save=False)
    assert all(r.relation is Relation.NO_DATA for r in review.layers)
    assert review.conclusion is Conclusion.NEEDS_JUSTIFICATION


def test_policy_rules(world: Store, on: date) -> None:
    big = box(300, 100, 700, 500)  # 16 ha > 14 ha (中等城市)
    review = review_parcel(world, big, {**RESIDENTIAL, "far": "0.8"}, on=on, crs=EPSG, save=False)
    assert {"H1", "H2"} <= rules(review)
    review = review_parcel(world, big, {**RESIDENTIAL, "method": "协议"}, on=on, crs=EPSG, save=False)
    assert "S1" in rules(review)
    review = review_parcel(world, box(300, 300, 400, 400), {"use": "1001", "mode": "划拨"}, on=on, crs=EPSG, save=False)
    assert {"S1", "S2"} <= rules(review)
    review = review_parcel(world, box(300, 300, 400, 400), {"use": "0804", "mode": "划拨"}, on=on, crs=EPSG, save=False)
    assert not {"S1", "S2"} & rules(review)


def test_declared_area_checked_against_the_computed_one(world: Store, on: date) -> None:
    attrs = {**RESIDENTIAL, "declared_area_ha": "1.2"}
    review = review_parcel(world, box(300, 300, 400, 400), attrs, on=on, crs=EPSG, save=False)
    assert "A1" in rules(review)
    attrs = {**RESIDENTIAL, "declared_area_ha": "1.0000"}
    review = review_parcel(world, box(300, 300, 400, 400), attrs, on=on, crs=EPSG, save=False)
    assert "A1" not in rules(review)


def test_layer_rule_is_configurable(world: Store, on: date) -> None:
    params = ReviewParams().with_layer_rule("historic_protection_line", control="forbid")
    review = review_parcel(
        world, HISTORY, {**RESIDENTIAL, "district": None}, on=on, crs=EPSG, save=False, params=params
    )
    g2 = next(f for f in review.findings if f.rule == "G2")
    assert g2.severity.value == "error"


def test_stored_review_reruns_identically_and_is_audited(world: Store, on: date) -> None:
    review = review_parcel(world, box(100, 0, 300, 100), RESIDENTIAL, on=on, crs=EPSG, actor="test")
    again, identical = rerun_review(world, review.id, actor="test")
    assert identical
    assert again.conclusion is review.conclusion
    stored, raw = get_review(world, review.id)
    assert raw["data_versions"] and all(v["content_hash"] for v in raw["data_versions"])
    assert stored.conclusion is review.conclusion
    events = world.list_audit(action_prefix="review.")
    assert [(e.action, e.outcome, e.target) for e in events] == [
        ("review.create", "ok", f"review:{review.id}"),
        ("review.rerun", "ok", f"review:{review.id}"),
    ]
    from guotu.services.audit import verify

    assert verify(world).broken_at is None
    assert [r["id"] for r in list_reviews(world)] == [review.id]


def test_approval(world: Store, on: date) -> None:
    bad = review_parcel(world, box(100, 0, 300, 100), RESIDENTIAL, on=on, crs=EPSG, actor="test")
    with pytest.raises(ConflictError) as err:
        approve_review(world, bad.id, actor="test")
    assert err.value.code == "review.not_approvable"
    good = review_parcel(world, box(300, 300, 400, 400), RESIDENTIAL, on=on, crs=EPSG, actor="test")
    assert approve_review(world, good.id, actor="test")["status"] == "已通过"
    with pytest.raises(ConflictError):
        approve_review(world, good.id, actor="test")
    with pytest.raises(NotFoundError):
        approve_review(world, "nope", actor="test")
    outcomes = [(e.action, e.outcome) for e in world.list_audit(action_prefix="review.approve")]
    assert outcomes == [("review.approve", o) for o in ("failed", "ok", "failed", "failed")]


def test_bad_inputs_write_nothing(world: Store, on: date) -> None:
    from tests.review.world import X0, Y0

    bow = shapely.Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    with pytest.raises(GeometryError) as err:
        review_parcel(world, bow, RESIDENTIAL, on=on, crs=EPSG, actor="test")
    assert err.value.code == "review.parcel_invalid" and err.value.params["location"]
    with pytest.raises(InvalidInputError) as err:
        review_parcel(world, box(300, 300, 400, 400), {**RESIDENTIAL, "use": "9999"}, on=on, crs=EPSG)
    assert err.value.code == "classification.use_unknown"
    assert list_reviews(world) == []


# --------------------------------------------------------------------------- the plan


def test_plan_quota_counts_supplied_land_and_approved_reviews(world: Store, on: date, seed_dir: Any) -> None:
    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan

    save_plan(world, read_plan(seed_dir / "yangquan_2026_supply_plan.txt"), actor="test")
    attrs = {**RESIDENTIAL, "district": "140302", "year": 2026}  # 城区: 居住用地 8.0107 公顷 planned
    small = review_parcel(world, box(300, 300, 550, 500), attrs, on=on, crs=EPSG, actor="test")  # 5 公顷
    assert small.plan is not None and small.plan.available
    assert small.plan.category == "居住用地" and small.plan.planned_ha == Decimal("8.0107")
    assert small.plan.remaining_ha == Decimal("8.0107")
    assert "Q1" not in rules(small)
    assert small.conclusion is not Conclusion.NON_COMPLIANT
    approve_review(world, small.id, actor="test")
    again = review_parcel(world, box(1300, 500, 1550, 700), attrs, on=on, crs=EPSG, actor="test")
    assert again.plan is not None and again.plan.approved_ha == small.plan.parcel_ha
    q1 = next(f for f in again.findings if f.rule == "Q1")
    assert q1.severity.value == "error" and q1.evidence["approved_ha"] == str(small.plan.parcel_ha)
    none = review_parcel(world, box(300, 300, 400, 400), {**attrs, "year": 2027}, on=on, crs=EPSG, save=False)
    assert none.plan is not None and not none.plan.available and "Q1" in rules(none)


# --------------------------------------------------------------------------- the JSON contract


def test_json_contract(world: Store, on: date) -> None:
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "review.schema.json").read_text("utf-8"))
    stored = review_parcel(world, box(100, 0, 300, 100), {**RESIDENTIAL, "year": 2026}, on=on, crs=EPSG, actor="t")
    unsaved = review_parcel(world, box(1500, 500, 1600, 600), {"use": "商服用地"}, on=on, crs=EPSG, save=False)
    for review in (stored, unsaved):
        data = json.loads(json.dumps(review.to_dict(), ensure_ascii=False))
        jsonschema.validate(data, schema)
    _, raw = get_review(world, stored.id)
    jsonschema.validate(raw, schema)
    data = stored.to_dict()
    assert data["conclusion"] == "不符合" and data["counts"]["error"] >= 2
    assert {v["layer"] for v in data["data_versions"]} == {"yjjbnt_990101", "stbhhx", "czkfbj", "ghfq", "lswhbhx"}
    assert data["rule_versions"]["rules"]["P1"]["legal_source"] == "《中华人民共和国土地管理法》第三十五条"
    assert data["params"]["city_size_caps_ha"] == {
        "小城市": "7",
        "中等城市": "14",
        "大城市": "20",
        "特大城市": "20",
        "超大城市": "20",
    }


# --------------------------------------------------------------------------- a whole layer


def test_review_a_stored_plan_layer(world: Store, on: date) -> None:
    from tests.review.world import add_layer, vector

    from guotu.services.review import review_layer

    layout = vector(
        [box(300, 300, 400, 400), box(100, 0, 300, 100), RED_LINE, box(900, 900, 950, 950)],
        [{"YDYHFLDM": "0701"}, {"YDYHFLDM": "0901"}, {"YDYHFLDM": "1001"}, {"YDYHFLDM": "9999"}],
        ["A", "B", "C", "D"],
    )
    add_layer(world, "xxgh", "land_use_layout", layout)
    result = review_layer(world, "xxgh", on=on, actor="test")
    by_id = {f["id"]: f for f in result.features}
    assert by_id["A"]["conclusion"] == "符合"
    assert by_id["B"]["conclusion"] == "不符合" and by_id["C"]["conclusion"] == "不符合"
    assert by_id["D"]["conclusion"] == "错误" and by_id["D"]["error"] == "classification.use_unknown"
    summary = {(row["rule"], row["severity"]): row for row in result.summary}
    farm = summary[("P1", "error")]
    assert farm["features"] == 1
    assert Decimal(farm["area_ha"]) == Decimal("1.0000")
    assert Decimal(summary[("E1", "error")]["area_ha"]) == Decimal("4.0000")
    assert result.conclusions == {"符合": 1, "不符合": 2, "错误": 1}
    assert {v["layer"] for v in result.data_versions} == {"yjjbnt_990101", "stbhhx", "czkfbj", "ghfq", "lswhbhx"}
    assert [e.action for e in world.list_audit(action_prefix="review.layer")] == ["review.layer"]
