"""The rule catalogue: every rule's ID, title, severity, parameters and legal source.

Rules and their sources follow DOMAIN.md §6. Parameters whose legal value is not
confirmed there are configurable (:class:`PlanCheckParams`) with the stated default,
and reports print the values used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

__all__ = ["RULES", "PlanCheckParams", "Rule", "rule"]


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue.

    Examples
    --------
    >>> rule("C4").title_en
    'Mu equal 15 times hectares'
    """

    id: str
    title_zh: str
    title_en: str
    legal_source: str
    confidence: str


_DERIVED = "派生一致性规则（计划结构依据国土资发〔2010〕117号）"

RULES: Final[dict[str, Rule]] = {
    r.id: r
    for r in (
        Rule("C1", "分类面积之和等于总量", "Categories sum to the total", _DERIVED, "derived"),
        Rule(
            "C2",
            "供应方式（出让、划拨、租赁）及新增、存量之和等于总量",
            "Supply modes, and new plus existing land, add up to the total",
            _DERIVED,
            "derived",
        ),
        Rule(
            "C3",
            "布局（区县、乡镇）面积之和等于总量及分类面积",
            "Layout (districts, towns) sums to the totals",
            _DERIVED,
            "derived",
        ),
        Rule("C4", "亩数等于公顷数乘以15", "Mu equal 15 times hectares", _DERIVED, "derived"),
        Rule(
            "C5",
            "百分比与面积一致",
            "Percentages agree with the areas",
            _DERIVED,
            "derived",
        ),
        Rule(
            "C6",
            "住房子项不超过住宅用地",
            "Housing sub-items within residential land",
            _DERIVED,
            "derived",
        ),
        Rule("C7", "计划年度与数字年度一致", "Plan year matches the figures", _DERIVED, "derived"),
        Rule(
            "C8",
            "约数、上限、下限按限定词记录",
            "Qualified figures kept as bounds",
            _DERIVED,
            "derived",
        ),
        Rule(
            "H3",
            "保障性住房、棚户区改造住房和中小套型普通商品住房用地不低于住房用地供应总量的70%",
            "Guaranteed and small-unit housing at least 70 % of housing land",
            "国土资发〔2010〕34号《关于加强房地产用地供应和监管有关问题的通知》",
            "knowledge",
        ),
        Rule(
            "H4",
            "住房子项之和等于住宅用地",
            "Housing sub-items sum to residential land",
            "派生一致性规则",
            "derived",
        ),
        Rule(
            "D1",
            "同一数字多处表述应一致",
            "A quantity stated twice must agree",
            _DERIVED,
            "derived",
        ),
    )
}


def rule(rule_id: str) -> Rule:
    """Return the rule with ID ``rule_id`` (KeyError if unknown)."""
    return RULES[rule_id]


@dataclass(frozen=True)
class PlanCheckParams:
    """Configurable parameters of the plan checks (defaults from DOMAIN.md §6–§7).

    Parameters
    ----------
    housing_share_floor
        H3: minimum share of guaranteed + small-unit housing in housing land.
    mu_per_hectare
        Legal conversion, 15 亩 per 公顷 (exact).
    """

    housing_share_floor: Decimal = Decimal("0.70")
    mu_per_hectare: Decimal = Decimal(15)
