"""The three real seed plans: the figures and findings DOMAIN.md §8 works out by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from guotu import read_plan
from guotu.domain.plan import Figure, SupplyPlan


@pytest.fixture(scope="module")
def bachu(seed_dir: Path) -> SupplyPlan:
    return read_plan(seed_dir / "bachu_2026_supply_plan_draft.txt")


@pytest.fixture(scope="module")
def lianzhou(seed_dir: Path) -> SupplyPlan:
    return read_plan(seed_dir / "lianzhou_2026_supply_plan.txt")


@pytest.fixture(scope="module")
def yangquan(seed_dir: Path) -> SupplyPlan:
    return read_plan(seed_dir / "yangquan_2026_supply_plan.txt")


def _one(plan: SupplyPlan, value: str, unit: str = "公顷") -> Figure:
    found = [f for f in plan.figures if f.value == Decimal(value) and f.unit == unit]
    assert len(found) == 1, (value, unit, found)
    return found[0]


def _findings(plan: SupplyPlan, rule: str, severity: str | None = None) -> list:
    return [f for f in plan.findings if f.rule == rule and (severity is None or f.severity.value == severity)]


def test_bachu_metadata(bachu: SupplyPlan) -> None:
    assert (bachu.jurisdiction, bachu.year, bachu.status) == ("巴楚县", 2026, "draft")
    assert [a.title for a in bachu.attachments] == [
        "巴楚县2026年度国有建设用地供应计划汇总表",
        "巴楚县2026年度住房用地供应计划汇总表",
    ]
    assert not any(a.present for a in bachu.attachments)


def test_bachu_figures(bachu: SupplyPlan) -> None:
    total = _one(bachu, "1843.24")
    assert total.qualifier == "upper_bound" and total.category is None and total.is_planned_area
    mu = _one(bachu, "27647.42", "亩")
    assert mu.equivalent_of == total.id and mu.qualifier == "upper_bound"
    assert _one(bachu, "1300.47").mode == "出让" and _one(bachu, "1300.47").category is None
    assert _one(bachu, "542.77").mode == "划拨"
    assert _one(bachu, "434.61").context and _one(bachu, "6519.15", "亩").context
    industrial = _one(bachu, "1175.42")
    assert set(industrial.category_codes) == {"10", "11"}
    share = _one(bachu, "63.77", "%")
    assert share.measure == "share" and share.share_of == industrial.id
    # Bachu lists 公用设施用地 separately, so 公共管理与公共服务用地 is 用地用海 08 alone.
    assert _one(bachu, "1.8").category_codes == ("08",)
    assert text_of(bachu, mu) == "27647.42亩"


def text_of(plan: SupplyPlan, fig: Figure) -> str:
    return plan.text[fig.span[0] : fig.span[1]]


def test_bachu_findings(bachu: SupplyPlan) -> None:
    c4 = {f.evidence["stated"]: f for f in _findings(bachu, "C4", "error")}
    assert set(c4) == {"27647.42", "19505.83", "8151.59"}
    assert c4["8151.59"].evidence["computed"] == "8141.55"
    assert c4["27647.42"].evidence["difference"] == "-1.18"
    mu_sum = [f for f in _findings(bachu, "C2", "error") if f.evidence["unit"] == "亩"]
    assert len(mu_sum) == 1 and mu_sum[0].evidence["computed"] == "27657.42"
    truncated = {f.evidence["stated"] for f in _findings(bachu, "C5", "warning")}
    assert truncated == {"29.44", "0.09"}
    assert not _findings(bachu, "C1", "error")
    assert all(f.legal_source for f in bachu.findings)
    assert bachu.has_errors


def test_lianzhou_layout_shortfall(lianzhou: SupplyPlan) -> None:
    assert (lianzhou.jurisdiction, lianzhou.year) == ("连州市", 2026)
    towns = {f.district for f in lianzhou.figures if f.district}
    assert len(towns) == 11 and "瑶安瑶族乡" in towns
    c3 = _findings(lianzhou, "C3", "error")
    by_total = {f.evidence["stated"]: f for f in c3}
    assert by_total["158.1793169"].evidence["computed"] == "156.397524"
    assert Decimal(by_total["158.1793169"].evidence["difference"]) == Decimal("-1.7817929")
    assert by_total["7.840843"].evidence["difference"] == "-1.292520"  # 公用设施用地
    assert by_total["29.327316"].evidence["difference"] == "-0.105859"  # 住宅用地
    assert by_total["7.451779"].evidence["difference"] == "-0.383414"  # 交通运输用地
    assert len(c3) == 4
    c1 = _findings(lianzhou, "C1")
    assert [f.severity.value for f in c1] == ["info"]


def test_yangquan_agrees_within_rounding(yangquan: SupplyPlan) -> None:
    assert (yangquan.jurisdiction, yangquan.scope, yangquan.year) == ("阳泉市", "市本级", 2026)
    assert yangquan.document_number == "阳政办发〔2026〕15号" and yangquan.date == "2026-04-30"
    assert not yangquan.has_errors
    assert not [f for f in yangquan.findings if f.severity.value == "warning"]
    assert {f.rule for f in yangquan.findings if f.severity.value == "info"} >= {"C1", "C3"}
    districts = {f.district for f in yangquan.figures if f.district}
    assert districts == {"城区", "矿区", "郊区", "高新区"}
    # The sentence split by a page break is read as one: 郊区 … 交通运输用地 41.8684
    fig = _one(yangquan, "41.8684")
    assert (fig.district, fig.category_codes) == ("郊区", ("12",))
    assert all(f.qualifier == "approximate" for f in yangquan.figures if f.is_planned_area)
    cap = _one(yangquan, "14")
    assert cap.measure == "parcel_area_cap" and cap.qualifier == "upper_bound"
    assert "仓储用地" in "".join(yangquan.guiding_categories)


@pytest.mark.parametrize(
    "name",
    ["bachu_2026_supply_plan_draft", "lianzhou_2026_supply_plan", "yangquan_2026_supply_plan"],
)
def test_every_span_points_at_its_number(seed_dir: Path, name: str) -> None:
    plan = read_plan(seed_dir / f"{name}.txt")
    for fig in plan.figures:
        written = plan.text[fig.span[0] : fig.span[1]]
        assert written.startswith(fig.value_text), (fig.id, written)
        assert (fig.text and written.replace(" ", "")[:3] in fig.text.replace(" ", "")) or fig.in_table
