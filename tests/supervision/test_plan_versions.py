"""Plan storage: save, adjust (计划调整), the version in force, round trip of the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from guotu.domain.plan import SupplyPlan
from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.services.audit import list_events
from guotu.services.plan_versions import (
    adjust_plan,
    get_plan_version,
    list_plans,
    plan_in_force,
    save_plan,
)
from guotu.store import Store

ACTOR = "test:supervision"


def adjusted(plan: SupplyPlan, figure_id: str, value: str) -> SupplyPlan:
    """The plan with one figure's value changed (an adjustment)."""
    figures = tuple(replace(f, value=Decimal(value)) if f.id == figure_id else f for f in plan.figures)
    return replace(plan, figures=figures, status="adjusted")


@pytest.mark.parametrize("name", ["yangquan", "lianzhou", "bachu"])
def test_plan_round_trips_through_dict(name: str, request: pytest.FixtureRequest) -> None:
    plan: SupplyPlan = request.getfixturevalue(name)
    again = SupplyPlan.from_dict(plan.to_dict(), text=plan.text)
    assert again == plan
    assert again.to_dict() == plan.to_dict()


def test_save_and_read_back(store: Store, yangquan: SupplyPlan) -> None:
    saved = save_plan(store, yangquan, actor=ACTOR)
    assert (saved.jurisdiction, saved.year, saved.version) == ("140300", 2026, 1)
    assert saved.status == "已批准"
    assert saved.approval_document == "阳政办发〔2026〕15号"
    assert saved.effective_date == date(2026, 1, 1)
    assert saved.plan == yangquan
    again = get_plan_version(store, "阳泉市", 2026, 1)
    assert again.plan == yangquan and again.plan.text == yangquan.text
    assert store.get_record("plan_version", "140300:2026:001").jurisdiction == "140300"
    assert [v.version for v in list_plans(store)] == [1]
    assert plan_in_force(store, "140300", 2026, date(2026, 5, 1)) == again
    assert plan_in_force(store, "140300", 2025) is None
    events = list_events(store, action_prefix="plan.")
    assert [(e.action, e.outcome) for e in events] == [("plan.save", "ok")]


def test_adjustment_is_a_new_version_and_both_stay_readable(store: Store, yangquan: SupplyPlan) -> None:
    save_plan(store, yangquan, actor=ACTOR, effective_date=date(2026, 4, 30))
    v2 = adjust_plan(
        store,
        "阳泉市",
        2026,
        adjusted(yangquan, "f6", "30.0000"),
        actor=ACTOR,
        approval_document="阳政办函〔2026〕88号",
        effective_date=date(2026, 7, 1),
    )
    assert (v2.version, v2.adjusts, v2.approval_document) == (2, 1, "阳政办函〔2026〕88号")
    assert plan_in_force(store, "140300", 2026, date(2026, 4, 29)) is None
    assert plan_in_force(store, "140300", 2026, date(2026, 6, 30)).version == 1  # type: ignore[union-attr]
    assert plan_in_force(store, "140300", 2026, date(2026, 7, 1)).version == 2  # type: ignore[union-attr]
    assert plan_in_force(store, "140300", 2026).version == 2  # type: ignore[union-attr]
    assert get_plan_version(store, "140300", 2026, 1).plan.figure("f6").value == Decimal("23.6554")
    assert get_plan_version(store, "140300", 2026, 2).plan.figure("f6").value == Decimal("30.0000")
    assert [v.version for v in list_plans(store, "阳泉市")] == [1, 2]
    assert [v.version for v in list_plans(store, "阳泉市", year=2026)] == [1, 2]
    assert list_plans(store, "140300", year=2025) == [] and len(list_plans(store, year=2026)) == 2


def test_bad_saves_write_nothing(store: Store, yangquan: SupplyPlan) -> None:
    with pytest.raises(InvalidInputError) as err:
        save_plan(store, yangquan, actor=ACTOR, status="生效")
    assert err.value.code == "plan_version.status_invalid"
    with pytest.raises(InvalidInputError) as err:
        save_plan(store, replace(yangquan, jurisdiction=None), actor=ACTOR)
    assert err.value.code == "plan_version.jurisdiction_missing"
    with pytest.raises(NotFoundError):
        save_plan(store, replace(yangquan, jurisdiction="不存在市"), actor=ACTOR)
    with pytest.raises(NotFoundError) as nf:
        adjust_plan(
            store, "140300", 2026, yangquan, actor=ACTOR, approval_document="x", effective_date=date(2026, 7, 1)
        )
    assert nf.value.code == "plan_version.none_approved"
    assert store.count_records("plan_version") == 0
    save_plan(store, yangquan, actor=ACTOR)
    with pytest.raises(ConflictError) as conflict:
        save_plan(store, yangquan, actor=ACTOR)
    assert conflict.value.code == "plan_version.already_approved"
    with pytest.raises(InvalidInputError) as err:
        adjust_plan(
            store, "140300", 2026, yangquan, actor=ACTOR, approval_document=" ", effective_date=date(2026, 7, 1)
        )
    assert err.value.code == "plan_version.approval_required"
    assert store.count_records("plan_version") == 1
    failed = [e for e in list_events(store, action_prefix="plan.") if e.outcome == "failed"]
    assert failed and failed[0].result is not None


def test_draft_then_approved(store: Store, bachu: SupplyPlan) -> None:
    draft = save_plan(store, bachu, actor=ACTOR, status="草案")
    assert draft.jurisdiction == "653130"
    assert plan_in_force(store, "巴楚县", 2026) is None
    approved = save_plan(store, bachu, actor=ACTOR, approval_document="巴政发〔2026〕1号")
    assert approved.version == 2
    assert plan_in_force(store, "653130", 2026) == approved
