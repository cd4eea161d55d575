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
            "H1",
            "出让住宅用地宗地面积不得超过城市规模对应的上限（小城市和建制镇7公顷、中等城市14公顷、大城市20公顷）",
            "Residential parcel size within the cap of the city size (7 / 14 / 20 ha)",
            "《限制用地项目目录(2006年本增补本)》(2009)；《限制用地项目目录(2012年本)》",
            "confirmed",
        ),
        Rule(
            "H2",
            "出让住宅用地容积率不得低于1.0",
            "Residential plot ratio at least 1.0",
            "《限制用地项目目录(2012年本)》；《禁止用地项目目录(2012年本)》",
            "knowledge",
        ),
        Rule(
            "S1",
            "经营性用地必须以招标、拍卖或挂牌方式出让",
            "Commercial land must be supplied by tender, auction or listing",
            "《招标拍卖挂牌出让国有建设用地使用权规定》（国土资源部令第39号）第四条",
            "confirmed",
        ),
        Rule(
            "S2",
            "划拨供地仅限《划拨用地目录》所列用途",
            "Allocation only for the uses in the allocation catalogue",
            "《中华人民共和国土地管理法》第五十四条；《划拨用地目录》（国土资源部令第9号）",
            "knowledge",
        ),
        Rule(
            "S3",
            "协议出让价格不得低于基准地价的70%，工业用地不得低于最低价标准",
            "Negotiated price at least 70 % of the benchmark; industrial land at least the floor price",
            "国土资源部令第21号；国土资发〔2006〕307号",
            "knowledge",
        ),
        Rule(
            "B1",
            "城镇开发边界规模不得超过批准规模（扩展倍数不超过限值）",
            "Urban development boundary within its approved scale (expansion multiple within the limit)",
            "《“三区三线”划定规则》(2022)",
            "knowledge, unconfirmed",
        ),
        Rule(
            "B2",
            "城镇开发边界外不得进行集中城镇建设",
            "No concentrated urban construction outside the urban development boundary",
            "《城镇开发边界管理办法(试行)》（自然资规〔2026〕1号）；自然资发〔2023〕193号",
            "confirmed in news",
        ),
        Rule(
            "B3",
            "城镇开发边界调整：面积不增加、扩展倍数不超限、调入调出等量",
            "Boundary adjustment: area not increased, multiple within the limit, equal in and out",
            "《城镇开发边界管理办法(试行)》(2026)；自然资发〔2023〕193号",
            "knowledge, unconfirmed",
        ),
        Rule(
            "B4",
            "预留机动指标占比不超过规定比例",
            "Reserved flexible quota within its share",
            "自然资办发〔2019〕35号",
            "knowledge",
        ),
        Rule(
            "P1",
            "不得占用永久基本农田（国务院批准的重点建设项目除外）",
            "No occupation of permanent basic farmland (except State Council approved key projects)",
            "《中华人民共和国土地管理法》第三十五条",
            "confirmed",
        ),
        Rule(
            "P2",
            "永久基本农田数量不减少、质量不降低（补划优进劣出）",
            "Permanent basic farmland not reduced in quantity or quality",
            "优进劣出原则；自然资发〔2019〕194号及后续通知",
            "knowledge",
        ),
        Rule(
            "E1",
            "生态保护红线内原则上禁止开发性、生产性建设活动，调整须按程序报批",
            "No development inside the ecological protection red line; any change needs approval",
            "自然资发〔2022〕142号",
            "knowledge",
        ),
        Rule(
            "G1",
            "城市绿线总量不减少，调出须等量调入",
            "Urban green line not reduced; every removal matched by an addition",
            "《城市绿线管理办法》（建设部令第112号）；地方城市绿化条例",
            "knowledge",
        ),
        Rule(
            "G2",
            "城市紫线调出须有批准文件",
            "Removal from the urban purple line needs an approval reference",
            "《城市紫线管理办法》（建设部令第119号）",
            "confirmed",
        ),
        Rule(
            "G3",
            "城市蓝线、黄线内改变用途须履行法定程序",
            "A change of use inside the blue or yellow line needs the statutory procedure",
            "《城市蓝线管理办法》（建设部令第145号）；《城市黄线管理办法》（建设部令第144号）",
            "knowledge",
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
