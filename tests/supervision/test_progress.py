"""Execution against the 阳泉 seed plan: a synthetic year with known answers (both stores)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.supervision._year import CHENGQU, GAOXIN, JIAOQU, YEAR
from tests.supervision.test_plan_versions import ACTOR, adjusted

from guotu.domain.plan import SupplyPlan
from guotu.services.plan_versions import adjust_plan, save_plan
from guotu.services.supply import progress, save_records
from guotu.store import Store


def keyed(findings: tuple, *fields: str) -> set[tuple]:  # type: ignore[type-arg]
    """(rule, severity, evidence fields...) of each finding."""
    return {(f.rule, f.severity.value, *(f.evidence.get(k) for k in fields)) for f in findings}


def test_year_against_the_plan(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    save_records(store, YEAR, actor=ACTOR)
    result = progress(store, "阳泉市", 2026)
    assert result.records == 10 and result.plan_version == 1
    assert keyed(result.findings, "parcel") == {
        ("S1", "error", "R04"),
        ("X3", "error", "R04"),  # 商服 城区 3.0000 > 2.4930, binding
        ("X3", "warning", "R05"),  # 公用设施 城区 5.0000 > 4.7635, guiding
        ("X2", "warning", "R06"),  # 仓储 20.0000 > 18.0534, guiding
        ("X3", "warning", "R06"),
        ("X4", "error", "R07"),  # 特殊用地: not in the plan
        ("X4", "warning", "R08"),  # 居住 in 高新区: no layout figure
        ("X2", "error", "R09"),  # 居住 26.0000 > 23.6554, binding
        ("X3", "error", "R09"),
        ("H1", "error", "R09"),  # 20 ha > the plan's single-parcel cap of 14 ha
        ("X1", "error", "R10"),  # 185.0000 > 179.0760
        ("X2", "warning", "R10"),
        ("X3", "warning", "R10"),
        ("H3", "error", None),  # 5 / 26 = 19.23 % < 70 %
    }
    x1 = next(f for f in result.findings if f.rule == "X1")
    assert (x1.evidence["supplied"], x1.evidence["over"]) == ("185.0000", "5.9240")
    h3 = next(f for f in result.findings if f.rule == "H3")
    assert h3.evidence["share"] == "19.23"
    assert result.has_errors
    total = result.row("合计")
    assert total is not None
    assert (total.planned, total.supplied, total.rate) == (Decimal("179.0760"), Decimal("185.0000"), Decimal("103.31"))
    assert total.by_quarter == (Decimal("25.0000"), Decimal("8.0000"), Decimal("22.0000"), Decimal("130.0000"))
    housing = result.row("居住用地")
    assert housing is not None and housing.rate == Decimal("109.91") and not housing.guiding
    assert housing.by_quarter == (Decimal("5.0000"), Decimal(0), Decimal("1.0000"), Decimal("20.0000"))
    storage = result.row("仓储用地")
    assert storage is not None and storage.guiding and storage.rate == Decimal("110.78")
    assert result.row("居住用地", CHENGQU).rate == Decimal("62.42")  # type: ignore[union-attr]
    assert result.row("居住用地", GAOXIN).planned is None  # type: ignore[union-attr]
    assert result.row("计划外").supplied == Decimal("1.0000")  # type: ignore[union-attr]
    assert result.row("绿地与开敞空间用地").rate == Decimal("0.00")  # type: ignore[union-attr]
    assert result.row("合计", JIAOQU).supplied == Decimal("131.0000")  # type: ignore[union-attr]


def test_half_year(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    save_records(store, YEAR, actor=ACTOR)
    result = progress(store, "140300", 2026, on=date(2026, 6, 30))
    assert result.records == 5
    assert keyed(result.findings, "parcel") == {
        ("S1", "error", "R04"),
        ("X3", "error", "R04"),
        ("X3", "warning", "R05"),
    }
    assert result.row("合计").rate == Decimal("18.43")  # type: ignore[union-attr]  # 33 / 179.0760


def test_adjustment_mid_year(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    v2_plan = adjusted(adjusted(yangquan, "f6", "30.0000"), "f30", "6.0000")  # 居住 30, 公用设施 城区 6
    adjust_plan(
        store,
        "阳泉市",
        2026,
        v2_plan,
        actor=ACTOR,
        approval_document="阳政办函〔2026〕88号",
        effective_date=date(2026, 7, 1),
    )
    save_records(store, YEAR, actor=ACTOR)
    result = progress(store, "140300", 2026)
    found = keyed(result.findings, "parcel", "plan_version")
    assert ("X3", "warning", "R05", 1) in found  # June, measured against version 1 (4.7635)
    assert not any(f[0] == "X2" and f[2] == "R09" for f in found)  # 26 ≤ 30 under version 2
    assert ("X3", "error", "R09", 2) in found  # 郊区 11.4931 unchanged
    assert result.plan_version == 2
    assert result.row("居住用地").planned == Decimal("30.0000")  # type: ignore[union-attr]
    assert result.row("居住用地").rate == Decimal("86.67")  # type: ignore[union-attr]
    before = progress(store, "140300", 2026, on=date(2026, 6, 30))
    assert before.plan_version == 1
    assert before.row("居住用地").planned == Decimal("23.6554")  # type: ignore[union-attr]


def test_guiding_categories_of_the_seed(store: Store, yangquan: SupplyPlan) -> None:
    from guotu.services.supply import structure_in_force

    save_plan(store, yangquan, actor=ACTOR)
    structure = structure_in_force(store, "140300", 2026)
    assert structure is not None
    guiding = {c.label for c in structure.categories if c.guiding}
    assert guiding == {"工矿用地", "仓储用地", "公共管理与公共服务用地", "交通运输用地", "公用设施用地"}
    assert structure.category_for("0701").label == "居住用地"  # type: ignore[union-attr]
    assert structure.category_for("1501") is None


def test_lianzhou_towns(store: Store, lianzhou: SupplyPlan) -> None:
    from guotu.services.supply import planned_totals

    save_plan(store, lianzhou, actor=ACTOR)
    planned = planned_totals(store, "连州市", 2026)
    assert planned[("合计", None)] == Decimal("158.1793169")
    assert planned[("住宅用地", "441882-T01")] == Decimal("27.565821")


def test_parcel_rules_h1_h2(store: Store, yangquan: SupplyPlan) -> None:
    from dataclasses import replace

    from tests.supervision._year import rec

    from guotu.domain.supply import ExecutionParams, evaluate_execution
    from guotu.services.supply import plan_on_function

    save_plan(store, yangquan, actor=ACTOR)
    records = [
        rec("H1", "0701", JIAOQU, "14.5000", date(2026, 3, 1), far=Decimal("2.0")),  # over the plan's 14 ha cap
        rec("H2", "0701", JIAOQU, "1.0000", date(2026, 3, 2), far=Decimal("0.8")),  # FAR below 1.0
        rec("OK", "0701", JIAOQU, "14.0000", date(2026, 3, 3), far=Decimal("1.0")),  # both limits inclusive
        rec("HB", "0701", JIAOQU, "20.0000", date(2026, 3, 4), mode="划拨", housing_type="公共租赁住房"),
    ]
    plan_on = plan_on_function(store, "140300", 2026)
    result = evaluate_execution(records, plan_on, jurisdiction="140300", year=2026)
    rules = {(f.rule, f.evidence.get("parcel")) for f in result.findings if f.rule in ("H1", "H2", "S2")}
    assert rules == {("H1", "H1"), ("H2", "H2")}
    h1 = next(f for f in result.findings if f.rule == "H1")
    assert (h1.evidence["cap"], h1.evidence["cap_source"]) == ("14", "plan")
    small_city = evaluate_execution(
        [replace(records[2])], plan_on, jurisdiction="140300", year=2026,
        params=ExecutionParams(residential_cap_ha=Decimal(7)),
    )  # fmt: skip
    assert [f.evidence["cap"] for f in small_city.findings if f.rule == "H1"] == ["7"]


def test_progress_by_mode_on_bachu(store: Store, bachu: SupplyPlan) -> None:
    from tests.supervision._year import rec

    save_plan(store, bachu, actor=ACTOR)
    records = [
        replace(rec("B1", "1001", None, "100.0000", date(2026, 5, 1)), jurisdiction="653130"),
        replace(rec("B2", "1202", None, "50.0000", date(2026, 8, 1), mode="划拨"), jurisdiction="653130"),
    ]
    save_records(store, records, actor=ACTOR)
    result = progress(store, "巴楚县", 2026)
    modes = {r.category: r for r in result.by_mode}
    assert (modes["出让"].planned, modes["出让"].supplied, modes["出让"].rate) == (
        Decimal("1300.47"), Decimal("100.0000"), Decimal("7.69"),
    )  # fmt: skip
    assert modes["划拨"].planned == Decimal("542.77") and modes["划拨"].by_quarter[2] == Decimal("50.0000")
    assert result.row("合计").planned == Decimal("1843.24")  # type: ignore[union-attr]
