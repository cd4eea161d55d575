"""Parcel attributes, parameters, policy rules and the conclusion (no geometry)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guotu.domain.findings import Severity
from guotu.domain.layers import Control
from guotu.domain.review import (
    CitySize,
    Conclusion,
    LayerResult,
    ParcelAttributes,
    PlanCheck,
    Relation,
    ReviewParams,
    SupplyMethod,
    SupplyMode,
    evaluate,
    layer_findings,
    plan_findings,
    policy_findings,
    review_rule,
)
from guotu.errors import InvalidInputError

HA = 10_000.0


def rules(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.rule for f in findings]


def test_attributes_are_normalised() -> None:
    a = ParcelAttributes.build(use="城镇住宅用地", mode="grant", method="listing", far="1.2~2.5", city_size="建制镇")
    assert a.use_codes == ("0701",) and a.use_name == "城镇住宅用地"
    assert a.mode is SupplyMode.GRANT and a.method is SupplyMethod.LISTING
    assert (a.far_min, a.far_max) == (Decimal("1.2"), Decimal("2.5"))
    assert a.city_size is CitySize.SMALL
    assert ParcelAttributes.build(use="070102").uses(("0701",))
    assert ParcelAttributes.build(use="商服用地").use_codes == ("09",)
    # a method implies a grant
    assert ParcelAttributes.build(use="0901", method="拍卖").mode is SupplyMode.GRANT
    assert ParcelAttributes.from_dict(a.to_dict()) == a


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"use": "9999"}, "classification.use_unknown"),
        ({"use": ""}, "review.use_missing"),
        ({"use": "0701", "mode": "卖"}, "review.option_invalid"),
        ({"use": "0701", "far": "abc"}, "review.number_invalid"),
        ({"use": "0701", "far_min": "3", "far_max": "2"}, "review.far_range"),
        ({"use": "0701", "mode": "划拨", "method": "挂牌"}, "review.method_without_grant"),
        ({"use": "0701", "declared_area_ha": "-1"}, "review.number_invalid"),
        ({"use": "0701", "year": "二〇二六"}, "review.number_invalid"),
        ({"use": "0701", "city_size": "巨型"}, "review.option_invalid"),
    ],
)
def test_bad_attributes(kwargs: dict, code: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInputError) as err:
        ParcelAttributes.build(**kwargs)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("size", "area_ha", "flagged"),
    [
        ("小城市", 7.0, False),
        ("小城市", 7.01, True),
        ("中等城市", 14.0, False),
        ("中等城市", 14.5, True),
        ("大城市", 20.0, False),
    ],
)
def test_h1_caps_by_city_size(size: str, area_ha: float, flagged: bool) -> None:
    attrs = ParcelAttributes.build(use="0701", mode="出让", method="挂牌", far="2", city_size=size)
    assert ("H1" in rules(policy_findings(attrs, area_ha * HA, ReviewParams()))) is flagged


def test_h2_floor_is_inclusive_and_configurable() -> None:
    base = {"use": "0701", "mode": "出让", "method": "挂牌", "city_size": "大城市"}
    assert "H2" not in rules(policy_findings(ParcelAttributes.build(**base, far="1.0"), HA, ReviewParams()))
    assert "H2" in rules(policy_findings(ParcelAttributes.build(**base, far="0.99"), HA, ReviewParams()))
    params = ReviewParams(far_floor=Decimal("0.8"))
    assert "H2" not in rules(policy_findings(ParcelAttributes.build(**base, far="0.9"), HA, params))


def test_s1_and_s2() -> None:
    p = ReviewParams()
    assert "S1" in rules(policy_findings(ParcelAttributes.build(use="0901", method="协议"), HA, p))
    assert "S1" not in rules(policy_findings(ParcelAttributes.build(use="0901", method="拍卖"), HA, p))
    allocated = policy_findings(ParcelAttributes.build(use="1001", mode="划拨"), HA, p)
    assert {"S1", "S2"} <= set(rules(allocated))
    assert not policy_findings(ParcelAttributes.build(use="1207", mode="划拨"), HA, p)  # 城镇村道路用地
    warning = policy_findings(ParcelAttributes.build(use="0901", mode="出让"), HA, p)
    assert [(f.rule, f.severity) for f in warning] == [("S1", Severity.WARNING)]


def _result(kind: str, relation: Relation, overlap: float, **kw: object) -> LayerResult:
    return LayerResult(kind=kind, relation=relation, parcel_m2=HA, overlap_m2=overlap, layer="x", version=1, **kw)  # type: ignore[arg-type]


def test_layer_rules() -> None:
    p = ReviewParams()
    home = ParcelAttributes.build(use="0701")
    road = ParcelAttributes.build(use="1202")
    farm = _result("permanent_basic_farmland", Relation.PARTLY, 2_000.0, feature_ids=("F",))
    assert [(f.rule, f.severity) for f in layer_findings(farm, home, p)] == [("P1", Severity.ERROR)]
    approved = ParcelAttributes.build(use="1202", key_project_approval="国函〔2026〕1号")
    assert [f.severity for f in layer_findings(farm, approved, p)] == [Severity.WARNING]
    red = _result("ecological_red_line", Relation.INSIDE, HA)
    assert layer_findings(red, home, p)[0].severity is Severity.ERROR
    assert layer_findings(red, road, p)[0].severity is Severity.WARNING
    touching = _result("permanent_basic_farmland", Relation.TOUCHING, 0.0)
    sliver = _result("permanent_basic_farmland", Relation.SLIVER, 0.5)
    assert not layer_findings(touching, home, p) and not layer_findings(sliver, home, p)
    outside_udb = _result("urban_development_boundary", Relation.OUTSIDE, 0.0)
    assert rules(layer_findings(outside_udb, home, p)) == ["B2"]
    assert not layer_findings(outside_udb, road, p)
    allowed = p.with_layer_rule("permanent_basic_farmland", control=Control.ALLOW)
    assert not layer_findings(farm, home, allowed)
    no_data = _result("green_line", Relation.NO_DATA, 0.0)
    assert [(f.rule, f.severity) for f in layer_findings(no_data, home, p)] == [("N1", Severity.INFO)]
    required = _result("ecological_red_line", Relation.NO_DATA, 0.0)
    assert layer_findings(required, home, p)[0].severity is Severity.WARNING


def test_plan_findings() -> None:
    ok = PlanCheck(
        True, 2026, None, "居住用地", "140300:2026:v1", Decimal("8"), Decimal("2"), Decimal("1"), Decimal("5")
    )
    assert ok.remaining_ha == Decimal("5") and not plan_findings(ok)
    over = PlanCheck(True, 2026, None, "居住用地", "p", Decimal("8"), Decimal("2"), Decimal("1"), Decimal("5.0001"))
    assert rules(plan_findings(over)) == ["Q1"]
    listed = PlanCheck(True, 2026, None, "居住用地", "p", Decimal("8"), parcel_ha=Decimal("1"), in_list=False)
    assert rules(plan_findings(listed)) == ["Q2"]
    assert PlanCheck.from_dict(over.to_dict()) == over


def test_conclusion_and_rule_sources() -> None:
    attrs = ParcelAttributes.build(use="0804", mode="划拨")
    findings, conclusion = evaluate(attrs, HA, [], ReviewParams())
    assert conclusion is Conclusion.COMPLIANT and not findings
    findings, conclusion = evaluate(attrs, HA, [_result("flood_risk_line", Relation.PARTLY, 10.0)], ReviewParams())
    assert conclusion is Conclusion.NEEDS_JUSTIFICATION and rules(findings) == ["F1"]
    assert review_rule("S1").legal_source.startswith("《招标拍卖挂牌出让国有建设用地使用权规定》")


def test_params_round_trip_and_digest() -> None:
    params = ReviewParams().with_layer_rule("green_line", control="conditional", min_area_m2="5")
    again = ReviewParams.from_dict(params.to_dict())
    assert again == params and again.digest() == params.digest() != ReviewParams().digest()
    assert again.layer_rule("green_line").control is Control.CONDITIONAL


def test_params_overrides_from_configuration() -> None:
    params = ReviewParams().with_overrides(
        {
            "layer_rules": {"historic_protection_line": {"control": "forbid", "min_area_m2": "10"}},
            "city_size_caps_ha": {"中等城市": "10"},
            "far_floor": "1.2",
            "operating_uses": ["0701", "09", "1001", "1101"],
        }
    )
    assert params.layer_rule("historic_protection_line").control is Control.FORBID
    assert params.layer_rule("historic_protection_line").min_area_m2 == Decimal("10")
    assert params.cap_ha(CitySize.MEDIUM) == Decimal("10") and params.cap_ha(CitySize.LARGE) == Decimal("20")
    assert params.far_floor == Decimal("1.2") and "1101" in params.operating_uses
    for bad in ({"nonsense": 1}, {"layer_rules": {"green_line": {"colour": "red"}}}, {"far_floor": "x"}):
        with pytest.raises(InvalidInputError) as err:
            ReviewParams().with_overrides(bad)
        assert err.value.code == "review.params_invalid"
    with pytest.raises(InvalidInputError):
        ReviewParams().with_overrides({"layer_rules": {"green_line": {"control": "maybe"}}})
