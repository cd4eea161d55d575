"""supplied_totals / planned_totals against the plan version in force (both stores)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.supervision._year import CHENGQU, GAOXIN, JIAOQU, KUANGQU, YEAR
from tests.supervision.test_plan_versions import ACTOR, adjusted

from guotu.domain.plan import SupplyPlan
from guotu.services.plan_versions import adjust_plan, save_plan
from guotu.services.supply import list_records, planned_totals, save_records, supplied_totals
from guotu.store import Store


def test_planned_totals_of_the_seed(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    planned = planned_totals(store, "阳泉市", 2026)
    assert planned[("合计", None)] == Decimal("179.0760")
    assert planned[("合计", GAOXIN)] == Decimal("61.2762")
    assert planned[("居住用地", CHENGQU)] == Decimal("8.0107")
    assert planned[("商服用地", None)] == Decimal("3.6813")
    assert planned[("商服用地", GAOXIN)] == Decimal("0.2633")
    assert planned[("商服用地", KUANGQU)] == Decimal("0.2874")  # written 商业服务业用地 in the layout
    assert planned[("工矿用地", None)] == Decimal("63.1729")
    assert len([k for k in planned if k[1] is None]) == 9  # total + 8 categories


def test_supplied_totals(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    stored = save_records(store, YEAR, actor=ACTOR)
    assert [r.plan_category for r in stored][:3] == ["居住用地", "工矿用地", "商服用地"]
    assert stored[6].plan_category is None  # 特殊用地: off-plan
    totals = supplied_totals(store, "140300", 2026)
    assert totals[("合计", None)] == Decimal("185.0000")
    assert totals[("居住用地", None)] == Decimal("26.0000")
    assert totals[("居住用地", CHENGQU)] == Decimal("5.0000")
    assert totals[("居住用地", GAOXIN)] == Decimal("1.0000")
    assert totals[("商服用地", CHENGQU)] == Decimal("3.0000")
    assert totals[("计划外", None)] == Decimal("1.0000")
    assert totals[("合计", JIAOQU)] == Decimal("131.0000")
    half = supplied_totals(store, "阳泉市", 2026, until=date(2026, 6, 30))
    assert half[("合计", None)] == Decimal("33.0000")
    assert ("仓储用地", None) not in half
    assert supplied_totals(store, "140300", 2025) == {}
    assert len(list_records(store, "140300", 2026, until=date(2026, 3, 31))) == 2


def test_supplied_totals_follow_the_labels_of_the_adjusted_plan(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    relabelled = replace(
        adjusted(yangquan, "f6", "30.0000"),
        figures=tuple(
            replace(f, category="住宅用地") if f.category == "居住用地" else f
            for f in adjusted(yangquan, "f6", "30.0000").figures
        ),
    )
    adjust_plan(
        store, "140300", 2026, relabelled, actor=ACTOR, approval_document="调整", effective_date=date(2026, 7, 1)
    )
    save_records(store, YEAR, actor=ACTOR)
    assert supplied_totals(store, "140300", 2026)[("住宅用地", None)] == Decimal("26.0000")
    assert supplied_totals(store, "140300", 2026, until=date(2026, 6, 30))[("居住用地", None)] == Decimal("5.0000")
    assert planned_totals(store, "140300", 2026, date(2026, 7, 1))[("住宅用地", None)] == Decimal("30.0000")
