"""The supply-plan test corpus: 17 synthetic plan documents with their ground truth.

All documents are invented for testing (place names, figures, document numbers and
dates are fictitious); they imitate the phrasing, layouts, units and numbering schemes
of published 国有建设用地供应计划 without copying the seed plans.

Conventions of the ground truth (see also ``tests/documents/test_corpus.py``):

* figures are listed in document order; a figure printed twice (prose and table) is
  listed twice; table cells are listed row by row;
* ``category_codes`` uses 用地用海 (2023) level-1 codes; GB/T 21010 names are mapped
  as in DOMAIN §3.4/§3.5 (公共管理与公共服务用地 → 08 when 公用设施/绿地 are listed
  separately in the same plan, else 08+13+14);
* ``context`` marks figures that are not this plan's planned supply (history,
  comparisons, superseded figures of an adjusted plan, provincial/national figures);
* ``measure="other"`` covers policy thresholds, territory areas, floor areas and
  differences (增减, 比上年减少…); for these the test compares only measure and
  qualifier, the other fields are informational;
* ``status``: "draft" for 征求意见稿/草案; "adjusted" for a 调整 announcement; "published"
  when the document itself announces the plan to the public (公告/公布/予以公布 — even
  if it also says the plan was approved); "approved" when it only records approval or
  official issue (经…批准/同意, 常务会议审议通过, …印发) without a public announcement;
  None when the text says neither (bare plan text, news report);
* every expected finding carries its arithmetic in a comment (checked with
  ``decimal.Decimal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import CorpusDoc, ExpectedFigure, ExpectedFinding, Heading, Para, Table

# --- category codes (用地用海 2023 level 1) ----------------------------------------------
RES = ("07",)  # 住宅用地 / 居住用地 / 住房用地 and housing sub-items
PUB = ("08",)  # 公共管理与公共服务用地 when 公用设施/绿地 are listed separately
PUB3 = ("08", "13", "14")  # GB/T 21010 公共管理与公共服务用地 (incl. 公用设施, 公园与绿地)
COM = ("09",)  # 商服用地 / 商业服务业用地
IND = ("10", "11")  # 工矿仓储用地
MIN = ("10",)  # 工矿用地 / 工业用地
STO = ("11",)  # 仓储用地
TRA = ("12",)  # 交通运输用地
UTI = ("13",)  # 公用设施用地
GRN = ("14",)  # 绿地与开敞空间用地
SPE = ("15",)  # 特殊用地
WAT = ("1311",)  # 水域及水利设施用地 (in supply plans: 水工设施)

UB = "upper_bound"
LB = "lower_bound"
APX = "approximate"

BLANK_CELLS = ("", "—", "-", "/", "－")


def P(text: str) -> Para:
    """Build a paragraph from a multi-line literal (lines stripped, joined without spaces)."""
    return Para("".join(line.strip() for line in text.strip().splitlines()))


def H(text: str, level: int = 1) -> Heading:
    """Build a heading."""
    return Heading(text, level)


def fig(value: str, unit: str, cats: tuple[str, ...] = (), measure: str = "supply_area", **kw: Any) -> ExpectedFigure:
    """Build an expected figure."""
    return ExpectedFigure(value, unit, measure, cats, **kw)


def ha(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    """Build a figure in 公顷 (supply area unless ``measure`` is given)."""
    return fig(value, "公顷", cats, **kw)


def mu(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    """Build a figure in 亩."""
    return fig(value, "亩", cats, **kw)


def pct(value: str, cats: tuple[str, ...] = (), measure: str = "share", **kw: Any) -> ExpectedFigure:
    """Build a percentage figure (a share unless ``measure`` is given)."""
    return fig(value, "%", cats, measure, **kw)


def grid(
    header: list[str],
    rows: Sequence[tuple[str, dict[str, Any], list[str]]],
    cols: Sequence[dict[str, Any]],
    unit: str,
) -> tuple[Table, list[ExpectedFigure]]:
    """Build a table and the figures of its numeric cells (row by row).

    ``rows`` are ``(label, attributes, cells)``; ``cols`` gives the attributes of each
    value column (``unit``/``measure`` may be overridden per column; ``text=True``
    marks a column of words). Blank cells (—) are not figures.
    """
    table_rows = [header]
    figures: list[ExpectedFigure] = []
    for label, row_kw, cells in rows:
        assert len(cells) == len(cols), label
        table_rows.append([label, *cells])
        for cell, col_kw in zip(cells, cols, strict=True):
            if cell in BLANK_CELLS or col_kw.get("text"):
                continue
            kw = {**row_kw, **col_kw}
            cell_unit = kw.pop("unit", unit)
            measure = kw.pop("measure", "supply_area")
            cats = kw.pop("cats", ())
            figures.append(fig(cell.replace(",", ""), cell_unit, cats, measure, **kw))
    return Table(table_rows), figures


# =========================================================================================
# 1. One-paragraph county notice, 公顷 with (亩), 新增/存量, upper bound, 亩 rounding residues
# =========================================================================================
QINGLAN = CorpusDoc(
    name="qinglan_county_notice",
    covers="one-paragraph county 公告; 公顷 with (亩); 控制在…以内; 新增/存量; C4 residues (info)",
    jurisdiction="青岚县",
    year=2026,
    status="published",
    blocks=[
        H("青岚县自然资源局关于公布2026年度国有建设用地供应计划的公告"),
        P("青自然资告〔2026〕2号"),
        P(
            """
            根据《国有建设用地供应计划编制规范（试行）》（国土资发〔2010〕117号）的规定，
            经县人民政府批准，现将青岚县2026年度国有建设用地供应计划公告如下：2026年全县
            国有建设用地供应总量控制在86.47公顷（1297.05亩）以内，其中新增建设用地52.18公顷
            （782.70亩），存量建设用地34.29公顷（514.35亩）。按土地用途分，商服用地6.35公顷
            （95.25亩），住宅用地18.62公顷（279.34亩），工矿仓储用地40.08公顷（601.16亩），
            公共管理与公共服务用地9.74公顷（146.10亩），交通运输用地11.68公顷（175.20亩）。
            全年计划供应宗地27宗，主要分布在县城规划区和青岚工业集中区，计划于2026年第一至
            第四季度分批次组织供应。
            """
        ),
        P("特此公告。"),
        P("青岚县自然资源局"),
        P("2026年2月28日"),
    ],
    figures=[
        ha("86.47", qualifier=UB),
        mu("1297.05", qualifier=UB),
        ha("52.18", source="新增"),
        mu("782.70", source="新增"),
        ha("34.29", source="存量"),
        mu("514.35", source="存量"),
        ha("6.35", COM),
        mu("95.25", COM),
        ha("18.62", RES),
        mu("279.34", RES),
        ha("40.08", IND),
        mu("601.16", IND),
        ha("9.74", PUB3),
        mu("146.10", PUB3),
        ha("11.68", TRA),
        mu("175.20", TRA),
    ],
    findings=[
        # C4: 15 × 18.62 = 279.30; stated 279.34; |Δ| = 0.04 ≤ 0.08 → rounding residue
        ExpectedFinding("C4", "info", stated="279.34", computed="279.30"),
        # C4: 15 × 40.08 = 601.20; stated 601.16; |Δ| = 0.04 ≤ 0.08 → rounding residue
        ExpectedFinding("C4", "info", stated="601.16", computed="601.20"),
        # exact (no finding): 52.18 + 34.29 = 86.47;
        # 6.35 + 18.62 + 40.08 + 9.74 + 11.68 = 86.47; 15 × 86.47 = 1297.05;
        # 782.70 + 514.35 = 1297.05; 95.25 + 279.34 + 601.16 + 146.10 + 175.20 = 1297.05
    ],
)

# =========================================================================================
# 2. City plan, numbered sections, district × category table with 合计 row and column
# =========================================================================================
_YX_DISTRICTS = ["城东区", "城西区", "高新区", "临港经开区"]
_YX_TABLE, _YX_TABLE_FIGS = grid(
    ["用地类型", *_YX_DISTRICTS, "合计"],
    [
        ("商服用地", {"cats": COM}, ["12.40", "8.15", "3.20", "1.05", "24.80"]),
        ("工矿仓储用地", {"cats": IND}, ["—", "2.30", "96.75", "58.40", "157.45"]),
        ("住宅用地", {"cats": RES}, ["35.60", "28.90", "10.25", "—", "74.75"]),
        ("公共管理与公共服务用地", {"cats": PUB3}, ["9.80", "6.45", "4.10", "2.35", "22.70"]),
        ("交通运输用地", {"cats": TRA}, ["15.20", "7.65", "21.30", "18.85", "63.00"]),
        ("水域及水利设施用地", {"cats": WAT}, ["—", "1.20", "—", "4.60", "5.80"]),
        ("特殊用地", {"cats": SPE}, ["0.85", "—", "—", "—", "0.85"]),
        ("合计", {}, ["73.85", "54.65", "135.60", "85.25", "349.35"]),
    ],
    [*({"district": d} for d in _YX_DISTRICTS), {}],
    "公顷",
)
YUNXI = CorpusDoc(
    name="yunxi_city_district_table",
    covers=(
        "city 印发 notice + plan with numbered sections; GB/T 21010 seven categories; "
        "district × category table with 合计 row and 合计 column; context 2025 figure; "
        "parcel cap; clean, exact sums"
    ),
    jurisdiction="云溪市",
    year=2026,
    status="approved",
    blocks=[
        H("云溪市人民政府关于印发云溪市2026年度国有建设用地供应计划的通知"),
        P("云政发〔2026〕11号"),
        P("各区人民政府，高新区、临港经开区管委会，市政府各部门："),
        P(
            """
            《云溪市2026年度国有建设用地供应计划》已经2026年3月6日市人民政府第23次常务
            会议审议通过，现印发给你们，请认真贯彻执行。
            """
        ),
        P("云溪市人民政府"),
        P("2026年3月10日"),
        H("云溪市2026年度国有建设用地供应计划"),
        H("一、编制依据", 2),
        P(
            """
            依据《中华人民共和国土地管理法》《国有建设用地供应计划编制规范（试行）》
            （国土资发〔2010〕117号）及《云溪市国土空间总体规划（2021—2035年）》，
            结合全市重点项目用地需求和土地储备情况，编制本计划。
            """
        ),
        H("二、计划指标", 2),
        H("（一）供应总量", 3),
        P(
            """
            2026年全市计划供应国有建设用地349.35公顷，比2025年实际供应的318.62公顷
            增加30.73公顷。
            """
        ),
        H("（二）供应结构", 3),
        P(
            """
            按GB/T 21010—2017《土地利用现状分类》一级类统计，商服用地24.80公顷，
            工矿仓储用地157.45公顷，住宅用地74.75公顷，公共管理与公共服务用地22.70公顷，
            交通运输用地63.00公顷，水域及水利设施用地5.80公顷，特殊用地0.85公顷。
            """
        ),
        H("（三）空间布局", 3),
        P(
            """
            城东区73.85公顷，城西区54.65公顷，高新区135.60公顷，临港经开区85.25公顷，
            各区分类型供应指标见附表。全市计划供应地块共86宗。
            """
        ),
        H("三、供应政策", 2),
        P(
            """
            （一）商品住宅用地实行“限房价、竞地价”等方式出让，单宗住宅用地供应面积不得
            超过14公顷。（二）工业用地优先采取长期租赁、先租后让、弹性年期出让等方式供应。
            （三）符合《划拨用地目录》的项目，依法以划拨方式供地。
            """
        ),
        H("四、附则", 2),
        P("本计划由市自然资源和规划局负责解释，自印发之日起施行。"),
        P("附表  云溪市2026年度国有建设用地供应计划分区分类表（单位：公顷）"),
        _YX_TABLE,
    ],
    figures=[
        ha("349.35"),
        ha("318.62", context=True),
        ha("30.73", measure="other", context=True),
        ha("24.80", COM),
        ha("157.45", IND),
        ha("74.75", RES),
        ha("22.70", PUB3),
        ha("63.00", TRA),
        ha("5.80", WAT),
        ha("0.85", SPE),
        ha("73.85", district="城东区"),
        ha("54.65", district="城西区"),
        ha("135.60", district="高新区"),
        ha("85.25", district="临港经开区"),
        ha("14", RES, measure="parcel_area_cap", qualifier=UB),
        *_YX_TABLE_FIGS,
    ],
    findings=[
        # all exact, no finding:
        # C1 24.80 + 157.45 + 74.75 + 22.70 + 63.00 + 5.80 + 0.85 = 349.35
        # C3 73.85 + 54.65 + 135.60 + 85.25 = 349.35; every row and column of the table
        #    adds up exactly (e.g. 城东区 12.40 + 35.60 + 9.80 + 15.20 + 0.85 = 73.85)
    ],
)

# =========================================================================================
# 3. County plan with per-town prose, 用地用海 names, towns do not add up (C3)
# =========================================================================================
TONGCHUAN = CorpusDoc(
    name="tongchuan_town_prose_c3",
    covers=(
        "per-town prose (某某镇计划供应…，其中…); 用地用海 level-1 names; 左右; "
        "C3 error: towns sum 12.00 公顷 short of the total"
    ),
    jurisdiction="桐川县",
    year=2026,
    status=None,
    blocks=[
        H("桐川县2026年度国有建设用地供应计划"),
        P(
            """
            为加强国有建设用地供应的宏观调控，保障全县重点项目和民生项目用地，根据原国土
            资源部《国有建设用地供应计划编制规范（试行）》，结合我县实际，制定本计划。
            计划期为2026年1月1日至2026年12月31日。
            """
        ),
        H("一、供应规模与结构", 2),
        P(
            """
            2026年全县国有建设用地供应总量控制在212.36公顷以内。分用途看：居住用地
            38.52公顷，商业服务业用地14.06公顷，工矿用地96.30公顷，仓储用地22.74公顷，
            公共管理与公共服务用地9.18公顷，交通运输用地18.40公顷，公用设施用地7.96公顷，
            绿地与开敞空间用地5.20公顷。
            """
        ),
        H("二、供应布局", 2),
        P(
            """
            城关镇计划供应61.96公顷，其中居住用地30.12公顷、商业服务业用地10.40公顷、
            仓储用地3.50公顷、公共管理与公共服务用地6.28公顷、交通运输用地3.20公顷、
            公用设施用地4.16公顷、绿地与开敞空间用地4.30公顷。
            """
        ),
        P(
            """
            石门镇拟供应36.90公顷，其中：居住用地5.20公顷，商业服务业用地2.46公顷，
            工矿用地18.60公顷，仓储用地6.04公顷，公共管理与公共服务用地1.50公顷，
            交通运输用地1.80公顷，公用设施用地1.30公顷。
            """
        ),
        P(
            """
            桐川工业园区安排供应92.20公顷，主要用于新材料和食品加工项目，其中工矿用地
            74.20公顷，仓储用地13.20公顷，公用设施用地2.50公顷，绿地与开敞空间用地
            0.90公顷，交通运输用地1.40公顷。
            """
        ),
        P(
            """
            白沙乡计划供应9.30公顷左右，其中居住用地3.20公顷，商业服务业用地1.20公顷，
            工矿用地3.50公顷，公共管理与公共服务用地1.40公顷。
            """
        ),
        H("三、供应时序", 2),
        P("一季度计划供应约40宗、二季度约55宗，三、四季度根据项目前期工作进展滚动安排。"),
        H("四、保障措施", 2),
        P(
            """
            经营性用地一律实行招标拍卖挂牌出让；对闲置土地依法处置，闲置满两年的依法
            无偿收回；加强供后监管，按季度通报计划执行情况。
            """
        ),
    ],
    figures=[
        ha("212.36", qualifier=UB),
        ha("38.52", RES),
        ha("14.06", COM),
        ha("96.30", MIN),
        ha("22.74", STO),
        ha("9.18", PUB),
        ha("18.40", TRA),
        ha("7.96", UTI),
        ha("5.20", GRN),
        # 城关镇
        ha("61.96", district="城关镇"),
        ha("30.12", RES, district="城关镇"),
        ha("10.40", COM, district="城关镇"),
        ha("3.50", STO, district="城关镇"),
        ha("6.28", PUB, district="城关镇"),
        ha("3.20", TRA, district="城关镇"),
        ha("4.16", UTI, district="城关镇"),
        ha("4.30", GRN, district="城关镇"),
        # 石门镇
        ha("36.90", district="石门镇"),
        ha("5.20", RES, district="石门镇"),
        ha("2.46", COM, district="石门镇"),
        ha("18.60", MIN, district="石门镇"),
        ha("6.04", STO, district="石门镇"),
        ha("1.50", PUB, district="石门镇"),
        ha("1.80", TRA, district="石门镇"),
        ha("1.30", UTI, district="石门镇"),
        # 桐川工业园区
        ha("92.20", district="桐川工业园区"),
        ha("74.20", MIN, district="桐川工业园区"),
        ha("13.20", STO, district="桐川工业园区"),
        ha("2.50", UTI, district="桐川工业园区"),
        ha("0.90", GRN, district="桐川工业园区"),
        ha("1.40", TRA, district="桐川工业园区"),
        # 白沙乡
        ha("9.30", district="白沙乡", qualifier=APX),
        ha("3.20", RES, district="白沙乡"),
        ha("1.20", COM, district="白沙乡"),
        ha("3.50", MIN, district="白沙乡"),
        ha("1.40", PUB, district="白沙乡"),
    ],
    findings=[
        # C3: 61.96 + 36.90 + 92.20 + 9.30 = 200.36 vs stated 212.36 → Δ = -12.00 (error).
        # The gap is all in 交通运输用地: 3.20 + 1.80 + 1.40 = 6.40 vs 18.40; a checker may
        # also report it per category (C3 again).
        ExpectedFinding("C3", "error", stated="212.36", computed="200.36"),
        # exact (no finding): C1 38.52 + 14.06 + 96.30 + 22.74 + 9.18 + 18.40 + 7.96 + 5.20
        # = 212.36; each town's parts add up to the town total exactly.
    ],
)

# =========================================================================================
# 4. 亩-only plan (no 公顷), 万亩 provincial figure, 新增 + 存量 ≠ total (C2)
# =========================================================================================
BAIZE = CorpusDoc(
    name="baize_mu_only_c2",
    covers=(
        "亩 only (no 公顷); 万亩 provincial context figure; 上年度/近三年 context; "
        "出让/划拨; 每亩…万元 prices; C2 error: 新增 + 存量 = 3330 ≠ 3260"
    ),
    jurisdiction="白泽县",
    year=2026,
    status=None,
    blocks=[
        H("白泽县2026年度国有建设用地供应计划"),
        P(
            """
            为切实加强土地宏观调控，合理安排国有建设用地供应总量、结构、布局和时序，依据
            国土资发〔2010〕117号文件，结合全县2025年土地供应情况和2026年用地需求，编制
            本计划。
            """
        ),
        H("一、上年度供应情况", 2),
        P(
            """
            2025年全县实际供应国有建设用地2865亩，近三年年均供应2640亩。据省自然资源厅
            公布的数据，全省2026年计划供应国有建设用地45.6万亩。
            """
        ),
        H("二、供应总量", 2),
        P("2026年全县计划供应国有建设用地3260亩。其中：新增建设用地2180亩，存量建设用地1150亩。"),
        H("三、供应结构", 2),
        P(
            """
            工矿仓储用地1580亩，住宅用地620亩，商服用地290亩，公共管理与公共服务用地
            360亩，交通运输用地410亩。
            """
        ),
        H("四、供应方式", 2),
        P(
            """
            以出让方式供应2300亩，以划拨方式供应960亩。工业用地投资强度不低于每亩200万元，
            出让起始价按每亩不低于19.2万元确定。
            """
        ),
        H("五、政策要求", 2),
        P("严格执行单宗商品住宅用地供应面积不超过105亩的规定，住宅用地容积率不得低于1.0。"),
    ],
    figures=[
        mu("2865", context=True),
        mu("2640", context=True),
        fig("45.6", "万亩", context=True),
        mu("3260"),
        mu("2180", source="新增"),
        mu("1150", source="存量"),
        mu("1580", IND),
        mu("620", RES),
        mu("290", COM),
        mu("360", PUB3),
        mu("410", TRA),
        mu("2300", mode="出让"),
        mu("960", mode="划拨"),
        mu("105", RES, measure="parcel_area_cap", qualifier=UB),
    ],
    findings=[
        # C2: 2180 + 1150 = 3330 vs stated 3260 → Δ = +70 亩 (error; tolerance 2 亩)
        ExpectedFinding("C2", "error", stated="3260", computed="3330"),
        # exact (no finding): C1 1580 + 620 + 290 + 360 + 410 = 3260; modes 2300 + 960 = 3260
    ],
)

# =========================================================================================
# 5. Plan with shares (1 and 2 decimals), 出让/划拨/租赁, wrong and truncated shares (C5)
# =========================================================================================
SONGLING = CorpusDoc(
    name="songling_shares_c5",
    covers=(
        "shares with 1 and 2 decimals; 出让/划拨/租赁 with shares; 上年度计划/实际 context; "
        "C5 error (9.79 % should be 8.79 %) and C5 warning (8.27 % is truncated 8.2764)"
    ),
    jurisdiction="松岭市",
    year=2026,
    status="approved",
    blocks=[
        H("松岭市2026年度国有建设用地供应计划"),
        P("（2026年1月23日经市人民政府第5次常务会议审议通过）"),
        H("一、2025年度计划执行情况", 2),
        P("2025年度计划供应国有建设用地452.00公顷，实际供应397.36公顷，计划完成率87.91%。"),
        H("二、2026年度供应计划", 2),
        P("（一）供应总量。2026年全市计划供应国有建设用地468.20公顷。"),
        P(
            """
            （二）供应结构。住宅用地96.40公顷，占20.6%；商服用地38.75公顷，占8.27%；
            工矿仓储用地205.30公顷，占43.85%；公共管理与公共服务用地41.15公顷，占9.79%；
            交通运输用地72.60公顷，占15.5%；特殊用地14.00公顷，占2.99%。
            """
        ),
        P(
            """
            （三）供应方式。出让312.45公顷，占66.73%；划拨148.55公顷，占31.73%；
            租赁7.20公顷，占1.5%。
            """
        ),
        P("（四）时序安排。上半年计划供应不少于供应总量的40%，其余在下半年完成。"),
        H("三、供应政策", 2),
        P(
            """
            住房用地供应中，保障性住房、棚户区改造和中小套型普通商品住房用地不低于住房用地
            供应总量的70%。工业用地出让年限一般不超过20年。
            """
        ),
    ],
    figures=[
        ha("452.00", context=True),
        ha("397.36", context=True),
        pct("87.91", measure="other", context=True),
        ha("468.20"),
        ha("96.40", RES),
        pct("20.6", RES),
        ha("38.75", COM),
        pct("8.27", COM),
        ha("205.30", IND),
        pct("43.85", IND),
        ha("41.15", PUB3),
        pct("9.79", PUB3),
        ha("72.60", TRA),
        pct("15.5", TRA),
        ha("14.00", SPE),
        pct("2.99", SPE),
        ha("312.45", mode="出让"),
        pct("66.73", mode="出让"),
        ha("148.55", mode="划拨"),
        pct("31.73", mode="划拨"),
        ha("7.20", mode="租赁"),
        pct("1.5", mode="租赁"),
        pct("40", qualifier=LB),
        pct("70", measure="other", qualifier=LB),
    ],
    findings=[
        # C5: 41.15 / 468.20 × 100 = 8.788979… → 8.79; stated 9.79, Δ = +1.00 pp → error
        ExpectedFinding("C5", "error", stated="9.79", computed="8.7890"),
        # C5: 38.75 / 468.20 × 100 = 8.276378… → rounds to 8.28, truncates to 8.27;
        # stated 8.27, |Δ| = 0.0064 > 0.005 → truncation → warning
        ExpectedFinding("C5", "warning", stated="8.27", computed="8.2764"),
        # correct shares (no finding): 96.40 → 20.589 (20.6); 205.30 → 43.849 (43.85);
        # 72.60 → 15.506 (15.5); 14.00 → 2.990 (2.99); 312.45 → 66.734 (66.73);
        # 148.55 → 31.728 (31.73); 7.20 → 1.538 (1.5); 397.36 / 452.00 → 87.912 (87.91)
        # exact: C1 96.40 + 38.75 + 205.30 + 41.15 + 72.60 + 14.00 = 468.20;
        # modes 312.45 + 148.55 + 7.20 = 468.20
    ],
)

# =========================================================================================
# 6. Housing sub-plan as prose and as 住房用地供应计划表 (clean)
# =========================================================================================
_LF_TABLE, _LF_TABLE_FIGS = grid(
    ["项目", "面积", "占住房用地比例（%）"],
    [
        ("住房用地合计", {"cats": RES}, ["120.00", "—"]),
        ("保障性住房用地", {"cats": RES, "housing": True}, ["14.30", "11.92"]),
        ("保障性租赁住房用地", {"cats": RES, "housing": True}, ["6.20", "5.17"]),
        ("棚户区改造用地", {"cats": RES, "housing": True}, ["22.40", "18.67"]),
        ("中小套型普通商品住房用地", {"cats": RES, "housing": True}, ["50.60", "42.17"]),
        ("其他商品住房用地", {"cats": RES, "housing": True}, ["26.50", "22.08"]),
    ],
    [{}, {"unit": "%", "measure": "share"}],
    "公顷",
)
LINFENG = CorpusDoc(
    name="linfeng_housing_subplan",
    covers=(
        "housing sub-plan in prose and as 住房用地供应计划表 with shares (保障性住房, 保障性租赁"
        "住房, 棚户区改造, 中小套型, 其他商品住房); sub-items must not be added to the total; "
        "H3 satisfied; clean"
    ),
    jurisdiction="临沣市",
    year=2026,
    status="published",
    blocks=[
        H("临沣市自然资源和规划局关于公布临沣市2026年度国有建设用地供应计划的公告"),
        P(
            """
            根据《国有建设用地供应计划编制规范（试行）》（国土资发〔2010〕117号）和《关于
            加强房地产用地供应和监管有关问题的通知》（国土资发〔2010〕34号）要求，临沣市
            2026年度国有建设用地供应计划已经市人民政府批准，现予以公布。
            """
        ),
        H("一、国有建设用地供应计划", 2),
        P(
            """
            2026年全市计划供应国有建设用地356.80公顷，其中住宅用地120.00公顷，商服用地
            31.20公顷，工矿仓储用地128.40公顷，公共管理与公共服务用地42.60公顷，交通运输
            用地34.60公顷。
            """
        ),
        H("二、住房用地供应计划", 2),
        P(
            """
            2026年计划供应住房用地120.00公顷。其中，保障性住房用地（公共租赁住房和共有产权
            住房）14.30公顷，保障性租赁住房用地6.20公顷，棚户区改造用地22.40公顷，中小套型
            普通商品住房用地50.60公顷，其他商品住房用地26.50公顷。
            """
        ),
        P(
            """
            保障性住房、棚户区改造住房和中小套型普通商品住房用地不低于住房用地供应总量的
            70%，住宅用地单宗供应面积不超过14公顷。
            """
        ),
        P("住房用地供应计划表（单位：公顷）"),
        _LF_TABLE,
        P("预计全年可建设各类住房约8600套。"),
        P("临沣市自然资源和规划局"),
        P("2026年3月20日"),
    ],
    figures=[
        ha("356.80"),
        ha("120.00", RES),
        ha("31.20", COM),
        ha("128.40", IND),
        ha("42.60", PUB3),
        ha("34.60", TRA),
        ha("120.00", RES),
        ha("14.30", RES, housing=True),
        ha("6.20", RES, housing=True),
        ha("22.40", RES, housing=True),
        ha("50.60", RES, housing=True),
        ha("26.50", RES, housing=True),
        pct("70", measure="other", qualifier=LB),
        ha("14", RES, measure="parcel_area_cap", qualifier=UB),
        *_LF_TABLE_FIGS,
    ],
    findings=[
        # all consistent, no finding expected:
        # C1 120.00 + 31.20 + 128.40 + 42.60 + 34.60 = 356.80 (sub-items are not categories)
        # H4 14.30 + 6.20 + 22.40 + 50.60 + 26.50 = 120.00
        # H3 (14.30 + 6.20 + 22.40 + 50.60) / 120.00 = 77.92 % (72.75 % without 保障性租赁
        #    住房) ≥ 70 % either way
        # C5 14.30/120 = 11.9167 (11.92); 6.20 → 5.1667 (5.17); 22.40 → 18.6667 (18.67);
        #    50.60 → 42.1667 (42.17); 26.50 → 22.0833 (22.08)
    ],
)

# =========================================================================================
# 7. Draft plan whose housing table breaks the 70 % rule (H3)
# =========================================================================================
_WH_TABLE, _WH_TABLE_FIGS = grid(
    ["住房类型", "计划供应面积", "供应方式"],
    [
        ("保障性住房用地", {"cats": RES, "housing": True, "mode": "划拨"}, ["8.50", "划拨"]),
        ("棚户区改造用地", {"cats": RES, "housing": True, "mode": "划拨"}, ["12.75", "划拨"]),
        (
            "中小套型普通商品住房用地",
            {"cats": RES, "housing": True, "mode": "出让"},
            ["29.75", "出让"],
        ),
        ("其他商品住房用地", {"cats": RES, "housing": True, "mode": "出让"}, ["34.00", "出让"]),
        ("合计", {"cats": RES}, ["85.00", "—"]),
    ],
    [{}, {"text": True}],
    "公顷",
)
WANGHAI = CorpusDoc(
    name="wanghai_draft_h3",
    covers=(
        "草案; 不超过 on the total; housing table with a 供应方式 column; "
        "H3 error: guaranteed + small-unit housing = 60 % < 70 %"
    ),
    jurisdiction="望海市",
    year=2026,
    status="draft",
    blocks=[
        H("望海市2026年度国有建设用地供应计划（草案）"),
        P(
            """
            根据《国有建设用地供应计划编制规范（试行）》，市自然资源局会同市发展改革委、
            市住房城乡建设局编制了本计划草案，现提请市人民政府审定。
            """
        ),
        H("一、供应总量", 2),
        P("2026年全市国有建设用地供应总量不超过268.40公顷。"),
        H("二、供应结构", 2),
        P(
            """
            住宅用地85.00公顷，商服用地22.60公顷，工矿仓储用地98.30公顷，公共管理与公共
            服务用地28.70公顷，交通运输用地33.80公顷。
            """
        ),
        H("三、住房用地供应计划", 2),
        P(
            """
            住宅用地供应按表1安排。保障性住房、棚户区改造和中小套型普通商品住房用地合计
            占住房用地供应总量的60.0%。
            """
        ),
        P("表1  住房用地供应计划表（单位：公顷）"),
        _WH_TABLE,
    ],
    figures=[
        ha("268.40", qualifier=UB),
        ha("85.00", RES),
        ha("22.60", COM),
        ha("98.30", IND),
        ha("28.70", PUB3),
        ha("33.80", TRA),
        pct("60.0", RES, housing=True),
        *_WH_TABLE_FIGS,
    ],
    findings=[
        # H3: (8.50 + 12.75 + 29.75) / 85.00 = 51.00 / 85.00 = 60.00 % < 70 % → error
        ExpectedFinding("H3", "error", computed="60.00"),
        # exact (no finding): C1 85.00 + 22.60 + 98.30 + 28.70 + 33.80 = 268.40;
        # H4 8.50 + 12.75 + 29.75 + 34.00 = 85.00; C5 60.0 = 51.00 / 85.00 × 100
    ],
)

# =========================================================================================
# 8. Housing sub-items exceeding 住宅用地 (C6 / H4)
# =========================================================================================
JINGYU = CorpusDoc(
    name="jingyu_housing_c6",
    covers=(
        "county plan; housing sub-items 15.60 + 18.40 + 13.80 = 47.80 > 住宅用地 42.30 "
        "(C6 and H4 errors); 绿地率 % threshold; 7 公顷 parcel cap"
    ),
    jurisdiction="荆屿县",
    year=2026,
    status="approved",
    blocks=[
        H("荆屿县2026年国有建设用地供应计划"),
        P("（经县人民政府同意，荆政办发〔2026〕6号印发）"),
        H("一、指标安排", 2),
        P(
            """
            全县全年安排国有建设用地供应158.90公顷，其中住宅用地42.30公顷，商服用地
            12.80公顷，工矿仓储用地71.50公顷，公共管理与公共服务用地14.60公顷，交通运输
            用地17.70公顷。
            """
        ),
        P("住宅用地中，保障性住房用地15.60公顷，棚户区改造用地18.40公顷，商品住房用地13.80公顷。"),
        H("二、有关要求", 2),
        P("商品住房用地单宗供应面积不超过7公顷；住宅用地容积率不低于1.0，绿地率不低于30%。"),
    ],
    figures=[
        ha("158.90"),
        ha("42.30", RES),
        ha("12.80", COM),
        ha("71.50", IND),
        ha("14.60", PUB3),
        ha("17.70", TRA),
        ha("15.60", RES, housing=True),
        ha("18.40", RES, housing=True),
        ha("13.80", RES, housing=True),
        ha("7", RES, measure="parcel_area_cap", qualifier=UB),
        pct("30", measure="other", qualifier=LB),
    ],
    findings=[
        # C6 / H4: 15.60 + 18.40 + 13.80 = 47.80 > 住宅用地 42.30 → Δ = +5.50 (error, both
        # rules are violated: sub-items ≤ parent and sub-items = parent ± rounding)
        ExpectedFinding("C6", "error", stated="42.30", computed="47.80"),
        ExpectedFinding("H4", "error", stated="42.30", computed="47.80"),
        # exact: C1 42.30 + 12.80 + 71.50 + 14.60 + 17.70 = 158.90.
        # H3 is not checkable (no 中小套型 reported); (15.60 + 18.40) / 42.30 = 80.38 % anyway.
    ],
)

# =========================================================================================
# 9. News-style summary: 今年, 比上年减少, provincial/national 万公顷
# =========================================================================================
LUZHOU = CorpusDoc(
    name="luzhou_news_summary",
    covers=(
        "news article (记者从市自然资源局获悉); year from the dateline; 比上年减少 / 下降 %; "
        "上年计划/实际 context; 万公顷 provincial and national context; 不少于; "
        "no 中小套型 so H3 not applicable"
    ),
    jurisdiction="鹭洲市",
    year=2026,
    status=None,
    blocks=[
        H("鹭洲今年计划供地1200公顷"),
        P("2026年03月12日  来源：鹭洲日报"),
        P(
            """
            本报讯（记者 林晓 通讯员 陈宇）记者从鹭洲市自然资源局获悉，今年全市计划供应国有
            建设用地1200公顷，比上年减少80公顷，下降6.25%。去年全市计划供应1280公顷，
            实际供应1106公顷。
            """
        ),
        P(
            """
            从用途结构看，工矿仓储用地540公顷，占45%；住宅用地216公顷，占18%；商服用地
            96公顷；公共管理与公共服务用地168公顷；交通运输用地180公顷。其中，保障性租赁
            住房用地不少于20公顷。
            """
        ),
        P(
            """
            市自然资源局相关负责人介绍，今年将推出经营性地块约60宗，优先保障全市32个重点
            项目用地。据了解，今年全省计划供应国有建设用地约5.2万公顷，全国计划供应约
            68万公顷。
            """
        ),
    ],
    figures=[
        ha("1200"),
        ha("1200"),
        ha("80", measure="other", context=True),
        pct("6.25", measure="other", context=True),
        ha("1280", context=True),
        ha("1106", context=True),
        ha("540", IND),
        pct("45", IND),
        ha("216", RES),
        pct("18", RES),
        ha("96", COM),
        ha("168", PUB3),
        ha("180", TRA),
        ha("20", RES, housing=True, qualifier=LB),
        fig("5.2", "万公顷", context=True, qualifier=APX),
        fig("68", "万公顷", context=True, qualifier=APX),
    ],
    findings=[
        # exact (no finding): C1 540 + 216 + 96 + 168 + 180 = 1200;
        # C5 540/1200 = 45 %, 216/1200 = 18 %; 1280 - 1200 = 80, 80/1280 = 6.25 %.
        # H3 not applicable: only 保障性租赁住房 (≥ 20 of 216) is reported, no 中小套型.
    ],
)

# =========================================================================================
# 10. Draft for comment written in Chinese numerals (also rendered as GB18030 text)
# =========================================================================================
CHISONG = CorpusDoc(
    name="chisong_draft_chinese_numerals",
    covers=(
        "征求意见稿; Chinese numerals (一百五十公顷, 七十二点五公顷, 三百亩, 百分之七十, "
        "一千二百五十亩) and 二〇二六年 year; 合…亩; GB18030 text rendering; clean"
    ),
    jurisdiction="赤松县",
    year=2026,
    status="draft",
    blocks=[
        H("赤松县二〇二六年度国有建设用地供应计划（征求意见稿）"),
        P(
            """
            为规范国有建设用地供应管理，根据《国有建设用地供应计划编制规范（试行）》（国土
            资发〔2010〕117号），县自然资源局编制了本计划征求意见稿，现公开征求社会各界
            意见，征求意见时间为二〇二六年一月二十日至二月三日。
            """
        ),
        P(
            """
            一、供应总量。二〇二六年全县计划供应国有建设用地一百五十公顷（合二千二百五十
            亩），其中新增建设用地一百三十公顷，存量建设用地二十公顷（三百亩）。
            """
        ),
        P(
            """
            二、供应结构。工矿仓储用地七十二点五公顷，住宅用地三十公顷，占供应总量的百分之
            二十，商服用地十二公顷，公共管理与公共服务用地十八公顷，交通运输用地十五公顷，
            特殊用地二点五公顷。
            """
        ),
        P(
            """
            三、供应政策。保障性住房、棚户区改造住房和中小套型普通商品住房用地不低于住房
            用地供应总量的百分之七十。近三年全县年均供应国有建设用地一千二百五十亩，本计划
            较近三年平均水平有所增加。
            """
        ),
        P(
            """
            四、意见反馈。有关意见请于征求意见期限内以书面形式反馈至县自然资源局（地址：
            赤松县府前路18号）。
            """
        ),
    ],
    figures=[
        ha("150"),
        mu("2250"),
        ha("130", source="新增"),
        ha("20", source="存量"),
        mu("300", source="存量"),
        ha("72.5", IND),
        ha("30", RES),
        pct("20", RES),
        ha("12", COM),
        ha("18", PUB3),
        ha("15", TRA),
        ha("2.5", SPE),
        pct("70", measure="other", qualifier=LB),
        mu("1250", context=True),
    ],
    findings=[
        # exact (no finding): C1 72.5 + 30 + 12 + 18 + 15 + 2.5 = 150; C2 130 + 20 = 150;
        # C4 15 × 150 = 2250, 15 × 20 = 300; C5 30 / 150 = 20 %
    ],
)

# =========================================================================================
# 11. Large city: thousands separators, nested 工业用地, modes, district table (C3 residue)
# =========================================================================================
_JL_TABLE, _JL_TABLE_FIGS = grid(
    ["区域", "计划供应面积", "占比（%）"],
    [
        ("江东区", {"district": "江东区"}, ["612.35", "24.99"]),
        ("江西区", {"district": "江西区"}, ["438.90", "17.91"]),
        ("新港区", {"district": "新港区"}, ["1,250.50", "51.03"]),
        ("南山区", {"district": "南山区"}, ["96.42", "3.93"]),
        ("北湖区", {"district": "北湖区"}, ["52.35", "2.14"]),
        ("合计", {}, ["2,450.50", "100.00"]),
    ],
    [{}, {"unit": "%", "measure": "share"}],
    "公顷",
)
JIALAN = CorpusDoc(
    name="jialan_city_thousands",
    covers=(
        "large city; thousands separators (2,450.50; 1,250.50); nested 其中工业用地 inside "
        "工矿仓储用地; 出让/划拨/租赁; district table with shares and 合计; "
        "C3 rounding residue (info); mentions future 调整 but is not an adjusted plan"
    ),
    jurisdiction="嘉澜市",
    year=2026,
    status="published",
    blocks=[
        H("嘉澜市2026年度国有建设用地供应计划"),
        P(
            """
            根据《国有建设用地供应计划编制规范（试行）》（国土资发〔2010〕117号），经市
            人民政府批准，现将嘉澜市2026年度国有建设用地供应计划公布如下。
            """
        ),
        H("一、供应总量", 2),
        P(
            """
            2026年全市计划供应国有建设用地2,450.50公顷。近三年全市年均供应国有建设用地
            2,186.37公顷。
            """
        ),
        H("二、供应结构", 2),
        P(
            """
            住宅用地420.60公顷，商服用地165.30公顷，工矿仓储用地1,024.80公顷（其中工业用地
            902.15公顷），公共管理与公共服务用地286.40公顷，交通运输用地498.70公顷，水域及
            水利设施用地42.10公顷，特殊用地12.60公顷。
            """
        ),
        H("三、供应方式", 2),
        P("按供应方式分，出让1,632.30公顷，划拨798.20公顷，租赁20.00公顷。"),
        H("四、区域分布", 2),
        P("表1  2026年国有建设用地供应计划分区表（单位：公顷）"),
        _JL_TABLE,
        P("全年计划供应地块386宗，其中经营性用地地块142宗。"),
        H("五、其他", 2),
        P(
            """
            本计划执行中确需调整的，由市自然资源和规划局提出调整方案，报市人民政府批准后
            向社会公布。
            """
        ),
    ],
    figures=[
        ha("2450.50"),
        ha("2186.37", context=True),
        ha("420.60", RES),
        ha("165.30", COM),
        ha("1024.80", IND),
        ha("902.15", MIN),
        ha("286.40", PUB3),
        ha("498.70", TRA),
        ha("42.10", WAT),
        ha("12.60", SPE),
        ha("1632.30", mode="出让"),
        ha("798.20", mode="划拨"),
        ha("20.00", mode="租赁"),
        *_JL_TABLE_FIGS,
    ],
    findings=[
        # C3: 612.35 + 438.90 + 1250.50 + 96.42 + 52.35 = 2450.52 vs stated 2450.50,
        # Δ = +0.02 ≤ 5 × 0.01 → rounding residue (info)
        ExpectedFinding("C3", "info", stated="2450.50", computed="2450.52"),
        # exact (no finding): C1 420.60 + 165.30 + 1024.80 + 286.40 + 498.70 + 42.10 + 12.60
        # = 2450.50 (902.15 工业用地 is part of 工矿仓储 and must not be added);
        # modes 1632.30 + 798.20 + 20.00 = 2450.50;
        # C5 612.35/2450.50 = 24.989 (24.99), 438.90 → 17.911 (17.91), 1250.50 → 51.030
        # (51.03), 96.42 → 3.935 (3.93), 52.35 → 2.136 (2.14) — same with 2450.52.
    ],
)

# =========================================================================================
# 12. Full-width digits throughout (converted WPS document)
# =========================================================================================
MEICHUAN = CorpusDoc(
    name="meichuan_fullwidth",
    covers=(
        "full-width digits, full-width decimal point and ％ (１２３.４５公顷, ８６．２５, "
        "２３.１７％); 新增/存量; two areas; % threshold; clean"
    ),
    jurisdiction="梅川县",
    year=2026,
    status="approved",
    blocks=[
        H("梅川县２０２６年度国有建设用地供应计划"),
        P("（梅川县人民政府２０２６年２月１６日批准）"),
        P(
            """
            一、供应总量：２０２６年度全县计划供应国有建设用地１２３.４５公顷，其中新增建设
            用地８６．２５公顷，存量建设用地３７.２０公顷。
            """
        ),
        P(
            """
            二、供应结构：住宅用地２８.６０公顷，占供应总量的２３.１７％；商服用地９.８５公顷；
            工矿仓储用地５６.４０公顷；公共管理与公共服务用地１３.２０公顷；交通运输用地
            １５.４０公顷。
            """
        ),
        P("三、供应布局：县城规划区供应６８.７０公顷，梅川工业园供应５４.７５公顷。"),
        P("四、其他：商品住宅用地单宗供应面积不得超过７公顷；工业项目建筑系数不低于４０％。"),
    ],
    figures=[
        ha("123.45"),
        ha("86.25", source="新增"),
        ha("37.20", source="存量"),
        ha("28.60", RES),
        pct("23.17", RES),
        ha("9.85", COM),
        ha("56.40", IND),
        ha("13.20", PUB3),
        ha("15.40", TRA),
        ha("68.70", district="县城规划区"),
        ha("54.75", district="梅川工业园"),
        ha("7", RES, measure="parcel_area_cap", qualifier=UB),
        pct("40", measure="other", qualifier=LB),
    ],
    findings=[
        # exact (no finding): C1 28.60 + 9.85 + 56.40 + 13.20 + 15.40 = 123.45;
        # C2 86.25 + 37.20 = 123.45; C3 68.70 + 54.75 = 123.45;
        # C5 28.60 / 123.45 = 23.167 % → 23.17
    ],
)

# =========================================================================================
# 13. 4-decimal 国有建设用地供应计划表 with 合计/新增/存量 columns, mixed schemes
# =========================================================================================
_RW_TABLE, _RW_TABLE_FIGS = grid(
    ["用地类型", "合计", "新增建设用地", "存量建设用地"],
    [
        ("居住用地", {"cats": RES}, ["56.5684", "35.1276", "21.4408"]),
        ("商服用地", {"cats": COM}, ["20.3778", "12.0457", "8.3321"]),
        ("工矿仓储用地", {"cats": IND}, ["221.8153", "198.2043", "23.6110"]),
        ("公共管理与公共服务用地", {"cats": PUB}, ["24.8747", "18.7702", "6.1045"]),
        ("交通运输用地", {"cats": TRA}, ["70.5348", "60.9135", "9.6213"]),
        ("公用设施用地", {"cats": UTI}, ["16.6604", "12.4460", "4.2143"]),
        ("合计", {}, ["410.8313", "337.5073", "73.3240"]),
    ],
    [{}, {"source": "新增"}, {"source": "存量"}],
    "公顷",
)
RONGWAN = CorpusDoc(
    name="rongwan_four_decimal_table",
    covers=(
        "4-decimal 供应计划表 with 合计 column first and 新增/存量 columns and a 合计 row; "
        "mixed schemes (居住用地 + 商服用地 + 工矿仓储用地 + 公用设施用地); 亩 to 4 decimals; "
        "C1 and C2 rounding residues of 0.0001 (info)"
    ),
    jurisdiction="榕湾市",
    year=2026,
    status="approved",
    blocks=[
        H("榕湾市2026年度国有建设用地供应计划"),
        P("（榕湾市人民政府2026年3月2日批准）"),
        H("一、供应总量", 2),
        P(
            """
            2026年全市计划供应国有建设用地410.8313公顷（合6162.4695亩），其中新增建设用地
            337.5073公顷，存量建设用地73.3240公顷。
            """
        ),
        H("二、供应结构", 2),
        P(
            """
            各类用地供应指标详见表1。居住用地、商服用地和工矿仓储用地实行指令性计划管理，
            其余用地实行指导性计划管理。
            """
        ),
        P("表1  榕湾市2026年度国有建设用地供应计划表    单位：公顷"),
        _RW_TABLE,
    ],
    figures=[
        ha("410.8313"),
        mu("6162.4695"),
        ha("337.5073", source="新增"),
        ha("73.3240", source="存量"),
        *_RW_TABLE_FIGS,
    ],
    findings=[
        # C1: 56.5684 + 20.3778 + 221.8153 + 24.8747 + 70.5348 + 16.6604 = 410.8314 vs stated
        # 410.8313, Δ = +0.0001 ≤ 6 × 0.0001 → info
        ExpectedFinding("C1", "info", stated="410.8313", computed="410.8314"),
        # C2 (row 公用设施用地): 12.4460 + 4.2143 = 16.6603 vs stated 16.6604, Δ = -0.0001 → info
        ExpectedFinding("C2", "info", stated="16.6604", computed="16.6603"),
        # exact: C2 total 337.5073 + 73.3240 = 410.8313; column sums 新增 = 337.5073,
        # 存量 = 73.3240; every other row exact; C4 15 × 410.8313 = 6162.4695
    ],
)

# =========================================================================================
# 14. Adjusted plan: 调整前 figures are context, 增减 column with signs
# =========================================================================================
_YZ_TABLE, _YZ_TABLE_FIGS = grid(
    ["用地类型", "调整前", "调整后", "增减"],
    [
        ("住宅用地", {"cats": RES}, ["60.20", "48.70", "-11.50"]),
        ("商服用地", {"cats": COM}, ["25.30", "25.30", "0.00"]),
        ("工矿仓储用地", {"cats": IND}, ["120.50", "162.75", "+42.25"]),
        ("公共管理与公共服务用地", {"cats": PUB3}, ["30.60", "32.60", "+2.00"]),
        ("交通运输用地", {"cats": TRA}, ["28.80", "28.80", "0.00"]),
        ("合计", {}, ["265.40", "298.15", "+32.75"]),
    ],
    [{"context": True}, {}, {"measure": "other", "context": True}],
    "公顷",
)
YUANZHOU = CorpusDoc(
    name="yuanzhou_adjusted",
    covers=(
        "adjusted plan (调整公告); 由…调减为…/调增为… prose; 调整前 figures are context; "
        "before/after table with signed 增减 column; clean"
    ),
    jurisdiction="沅州市",
    year=2026,
    status="adjusted",
    blocks=[
        H("沅州市自然资源局关于调整2026年度国有建设用地供应计划的公告"),
        P("沅自然资公告〔2026〕14号"),
        P(
            """
            为保障重大产业项目落地，根据《国有建设用地供应计划编制规范（试行）》第11章关于
            计划调整的规定，经市人民政府批准，对《沅州市2026年度国有建设用地供应计划》进行
            调整，现将调整后的计划公告如下：
            """
        ),
        P("一、供应总量。原计划供应总量为265.40公顷，调整后供应总量为298.15公顷，增加32.75公顷。"),
        P(
            """
            二、供应结构。住宅用地由60.20公顷调减为48.70公顷；工矿仓储用地由120.50公顷调增
            为162.75公顷；公共管理与公共服务用地由30.60公顷调增为32.60公顷；商服用地25.30
            公顷、交通运输用地28.80公顷保持不变。
            """
        ),
        P("附表：调整前后对照表（单位：公顷）"),
        _YZ_TABLE,
        P("特此公告。"),
        P("沅州市自然资源局"),
        P("2026年9月18日"),
    ],
    figures=[
        ha("265.40", context=True),
        ha("298.15"),
        ha("32.75", measure="other", context=True),
        ha("60.20", RES, context=True),
        ha("48.70", RES),
        ha("120.50", IND, context=True),
        ha("162.75", IND),
        ha("30.60", PUB3, context=True),
        ha("32.60", PUB3),
        ha("25.30", COM),
        ha("28.80", TRA),
        *_YZ_TABLE_FIGS,
    ],
    findings=[
        # exact (no finding): after 48.70 + 25.30 + 162.75 + 32.60 + 28.80 = 298.15;
        # before 60.20 + 25.30 + 120.50 + 30.60 + 28.80 = 265.40; 298.15 - 265.40 = 32.75;
        # 增减 -11.50 + 0.00 + 42.25 + 2.00 + 0.00 = 32.75
    ],
)

# =========================================================================================
# 15. District plan in 万平方米, territory in 平方公里/平方千米, prices and counts
# =========================================================================================
YUNTAI = CorpusDoc(
    name="yuntai_district_sqm",
    covers=(
        "district (区) plan in 万平方米; 平方公里 and 平方千米 territory figures; 2025年已供应 "
        "context; 约 total; 不少于 保障性租赁住房; 元/平方米 price, 亿元, 个 (not areas); "
        "35,000平方米 floor area; mixed schemes"
    ),
    jurisdiction="云台区",
    year=2026,
    status="published",
    blocks=[
        H("云台区2026年度国有建设用地供应计划"),
        P("发布时间：2026-03-27    来源：云台区自然资源分局"),
        P("经区人民政府批准，现将云台区2026年度国有建设用地供应计划予以公布。"),
        P(
            """
            一、基本情况。云台区总面积286.5平方公里，其中城镇开发边界内面积约48平方千米。
            2025年全区已供应国有建设用地138.4万平方米。
            """
        ),
        P("二、供应总量。2026年全区计划供应国有建设用地约156.8万平方米。"),
        P(
            """
            三、供应结构。居住用地42.5万平方米（其中保障性租赁住房用地不少于6.5万平方米），
            商业服务业用地18.3万平方米，工矿用地48.6万平方米，仓储用地6.2万平方米，公共管理
            与公共服务用地14.7万平方米，交通运输用地19.4万平方米，公用设施用地3.9万平方米，
            绿地与开敞空间用地3.2万平方米。
            """
        ),
        P(
            """
            四、供应政策。单宗住宅用地供应面积不超过20万平方米；工业用地出让起始价不低于
            每平方米384元；推进城市更新，全年计划改造老旧厂房建筑面积约35,000平方米，
            涉及项目23个，总投资约42.6亿元。
            """
        ),
    ],
    figures=[
        fig("286.5", "平方千米", measure="other"),
        fig("48", "平方千米", measure="other", qualifier=APX),
        fig("138.4", "万平方米", context=True),
        fig("156.8", "万平方米", qualifier=APX),
        fig("42.5", "万平方米", RES),
        fig("6.5", "万平方米", RES, housing=True, qualifier=LB),
        fig("18.3", "万平方米", COM),
        fig("48.6", "万平方米", MIN),
        fig("6.2", "万平方米", STO),
        fig("14.7", "万平方米", PUB),
        fig("19.4", "万平方米", TRA),
        fig("3.9", "万平方米", UTI),
        fig("3.2", "万平方米", GRN),
        fig("20", "万平方米", RES, measure="parcel_area_cap", qualifier=UB),
        fig("35000", "平方米", measure="other", qualifier=APX),
    ],
    findings=[
        # exact (no finding): C1 42.5 + 18.3 + 48.6 + 6.2 + 14.7 + 19.4 + 3.9 + 3.2 = 156.8
        # (6.5 保障性租赁住房 is inside 居住用地). H3 not applicable (no 中小套型).
    ],
)

# =========================================================================================
# 16. Published plan with categories not adding up (C1) and a wrong 亩 figure (C4)
# =========================================================================================
YANXI = CorpusDoc(
    name="yanxi_c1_c4_errors",
    covers=(
        "公顷 with (亩); 2025年已供应 context with (亩) and 完成 %; mixed schemes; "
        "C1 error (categories 165.60 ≠ 175.60) and C4 error (315.00 亩 ≠ 15 × 23.40 = 351.00)"
    ),
    jurisdiction="岩溪县",
    year=2026,
    status="published",
    blocks=[
        H("岩溪县2026年度国有建设用地供应计划"),
        P("经县人民政府批准，现将我县2026年度国有建设用地供应计划公布如下。"),
        P(
            """
            一、上年度供应情况。2025年已供应国有建设用地148.27公顷（2224.05亩），完成年度
            计划的91.6%。
            """
        ),
        P("二、供应总量。2026年计划供应国有建设用地175.60公顷（2634.00亩）。"),
        P(
            """
            三、供应结构。居住用地23.40公顷（315.00亩），商服用地11.25公顷（168.75亩），
            工矿仓储用地88.90公顷（1333.50亩），公用设施用地6.30公顷（94.50亩），公共管理与
            公共服务用地12.75公顷（191.25亩），交通运输用地23.00公顷（345.00亩）。
            """
        ),
        P("四、供应布局。县城片区供应71.35公顷，产业园区供应104.25公顷。"),
        P(
            """
            五、保障措施。严格落实国土资发〔2010〕34号文件要求，优先保障保障性住房用地；
            计划执行情况每季度向县人民政府报告一次。
            """
        ),
    ],
    figures=[
        ha("148.27", context=True),
        mu("2224.05", context=True),
        pct("91.6", measure="other", context=True),
        ha("175.60"),
        mu("2634.00"),
        ha("23.40", RES),
        mu("315.00", RES),
        ha("11.25", COM),
        mu("168.75", COM),
        ha("88.90", IND),
        mu("1333.50", IND),
        ha("6.30", UTI),
        mu("94.50", UTI),
        ha("12.75", PUB),
        mu("191.25", PUB),
        ha("23.00", TRA),
        mu("345.00", TRA),
        ha("71.35", district="县城片区"),
        ha("104.25", district="产业园区"),
    ],
    findings=[
        # C1: 23.40 + 11.25 + 88.90 + 6.30 + 12.75 + 23.00 = 165.60 vs stated 175.60,
        # Δ = -10.00 (error). (In 亩 the parts give 2448.00 vs 2634.00: a checker may report
        # that as a further C1 error.)
        ExpectedFinding("C1", "error", stated="175.60", computed="165.60"),
        # C4: 15 × 23.40 = 351.00 vs stated 315.00, Δ = -36.00 亩 (error; digit swap)
        ExpectedFinding("C4", "error", stated="315.00", computed="351.00"),
        # exact: C3 71.35 + 104.25 = 175.60; C4 15 × 175.60 = 2634.00, 15 × 148.27 = 2224.05,
        # 15 × 11.25 = 168.75, 15 × 88.90 = 1333.50, 15 × 6.30 = 94.50, 15 × 12.75 = 191.25,
        # 15 × 23.00 = 345.00
    ],
)

# =========================================================================================
# 17. Category × mode table and a housing table with a nested 其中 row
# =========================================================================================
_HY_MODES = ["出让", "划拨", "租赁"]
_HY_TABLE1, _HY_TABLE1_FIGS = grid(
    ["用地类型", "合计", *_HY_MODES],
    [
        ("住宅用地", {"cats": RES}, ["36.80", "30.40", "6.40", "—"]),
        ("商服用地", {"cats": COM}, ["10.60", "10.60", "—", "—"]),
        ("工矿仓储用地", {"cats": IND}, ["64.20", "58.70", "—", "5.50"]),
        ("公用设施用地", {"cats": UTI}, ["5.30", "—", "5.30", "—"]),
        ("绿地与开敞空间用地", {"cats": GRN}, ["4.10", "—", "4.10", "—"]),
        ("公共管理与公共服务用地", {"cats": PUB}, ["9.90", "—", "9.90", "—"]),
        ("交通运输用地", {"cats": TRA}, ["12.40", "—", "12.40", "—"]),
        ("合计", {}, ["143.30", "99.70", "38.10", "5.50"]),
    ],
    [{}, *({"mode": m} for m in _HY_MODES)],
    "公顷",
)
_HY_TABLE2, _HY_TABLE2_FIGS = grid(
    ["项目", "面积（公顷）"],
    [
        ("住宅用地", {"cats": RES}, ["36.80"]),
        ("保障性住房用地", {"cats": RES, "housing": True}, ["6.40"]),
        ("棚户区改造用地", {"cats": RES, "housing": True}, ["4.20"]),
        ("商品住房用地", {"cats": RES, "housing": True}, ["26.20"]),
        ("其中：中小套型普通商品住房用地", {"cats": RES, "housing": True}, ["18.60"]),
    ],
    [{}],
    "公顷",
)
HEYANG = CorpusDoc(
    name="heyang_mode_table_nested_housing",
    covers=(
        "category × 供应方式 (出让/划拨/租赁) table with 合计 row and column; mixed schemes; "
        "housing table with nested 其中：中小套型 row under 商品住房 (must not be double "
        "counted: H4/C6 and H3 must pass); stated H3 share"
    ),
    jurisdiction="禾阳县",
    year=2026,
    status="approved",
    blocks=[
        H("禾阳县2026年度国有建设用地供应计划"),
        P("本计划已经县人民政府同意，由县自然资源局组织实施。"),
        H("一、供应规模", 2),
        P(
            """
            2026年全县计划供应国有建设用地143.30公顷。其中出让99.70公顷、划拨38.10公顷、
            租赁5.50公顷。分类型、分方式的供应指标见表1，住宅用地供应计划见表2。
            """
        ),
        P("表1  国有建设用地供应计划表（单位：公顷）"),
        _HY_TABLE1,
        H("二、住宅用地供应计划", 2),
        P("表2  住宅用地供应计划表"),
        _HY_TABLE2,
        P(
            """
            保障性住房、棚户区改造和中小套型普通商品住房用地占住宅用地供应总量的79.35%，
            符合国家有关规定。
            """
        ),
    ],
    figures=[
        ha("143.30"),
        ha("99.70", mode="出让"),
        ha("38.10", mode="划拨"),
        ha("5.50", mode="租赁"),
        *_HY_TABLE1_FIGS,
        *_HY_TABLE2_FIGS,
        pct("79.35", RES, housing=True),
    ],
    findings=[
        # all consistent, no finding expected:
        # C1 36.80 + 10.60 + 64.20 + 5.30 + 4.10 + 9.90 + 12.40 = 143.30
        # modes 99.70 + 38.10 + 5.50 = 143.30; each row 合计 = 出让 + 划拨 + 租赁 exactly
        # H4 6.40 + 4.20 + 26.20 = 36.80 (18.60 中小套型 is inside 商品住房 26.20)
        # H3 (6.40 + 4.20 + 18.60) / 36.80 = 79.3478 % → 79.35 % ≥ 70 %
    ],
)

CORPUS: list[CorpusDoc] = [
    QINGLAN,
    YUNXI,
    TONGCHUAN,
    BAIZE,
    SONGLING,
    LINFENG,
    WANGHAI,
    JINGYU,
    LUZHOU,
    CHISONG,
    JIALAN,
    MEICHUAN,
    RONGWAN,
    YUANZHOU,
    YUNTAI,
    YANXI,
    HEYANG,
]

#: documents additionally rendered as GB18030-encoded text
GB18030_DOCS = ("chisong_draft_chinese_numerals",)

BY_NAME: dict[str, CorpusDoc] = {d.name: d for d in CORPUS}
