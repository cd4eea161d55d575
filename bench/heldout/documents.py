"""Held-out supply-plan documents with ground truth (a second, independent batch).

Twelve invented plan documents (place names, figures, document numbers and dates are
fictitious) in layouts and phrasings that the tuning corpus (``tests/corpus``) does not
use: a 区 plan laid out by 街道, a "（1）…（2）…" list, a district × category table with
districts as rows, supply modes stated per category in prose, a quarterly schedule, a
three-year rolling plan, 平方公里 totals with 公顷 parts, a separate 亩 column, an
old-style 117号 plan (2013) with 廉租房/经济适用房/公共租赁房/限价商品房 rows, a 宗地表
of parcels in 平方米, and two documents with errors. They are held out: the extractor
must never be tuned on them; ``bench/bench_extract_accuracy.py`` measures it on them.

The ground truth is written from the documents' meaning only (DOMAIN.md §2, §3.5, §6.1,
§6.4, §7) with the data model and conventions of the tuning corpus
(``tests/corpus/model.py`` and the module docstring of ``tests/corpus/documents.py``):

* figures in document order; a figure printed twice is listed twice; table cells row by
  row; every number carrying an area unit or % is listed;
* ``category_codes`` are 用地用海 (2023) level-1 codes; 公共管理与公共服务用地 is ("08",)
  when 公用设施用地/绿地 are listed separately in the same plan, else ("08", "13", "14");
  水域及水利设施用地 is ("1311",); 工矿仓储用地 ("10", "11"), 工业用地 ("10",), 仓储用地 ("11",);
* ``context`` marks figures that are not this plan's planned supply (history,
  comparisons, other years, territory); ``measure="other"`` for thresholds, territory
  areas and differences;
* ``status`` as in the tuning corpus: "published" when the document announces the plan to
  the public (公告/公布/予以公布), "approved" when it records approval or official issue
  (…同意, 常务会议审议通过, …印发) without a public announcement, "draft" for 草案 /
  征求意见稿, None when it says neither.

Judgement calls specific to this batch:

* **Quarters** (柘川市): quarterly figures are planned supply (``measure="supply_area"``).
  ``ExpectedFigure`` has no field for the period, so the quarter is not recorded; the
  figures carry no district (a quarter is not a place) and, in the quarterly table, the
  category of their column. Quarter shares are ``share`` figures without category.
* **Rolling plan** (槐溪市): the plan year is 2026; the 2027 and 2028 figures and the
  three-year totals are ``context`` (planned supply, but not of this plan's year).
* **Mode in prose**: "住宅用地45.00公顷，全部以出让方式供应" gives the 45.00 the mode 出让
  (the whole amount is supplied that way); with "其中出让…、租赁…" only the parts carry a
  mode. 协议出让 and 招拍挂出让 are both mode 出让.
* **Parcels** in a 宗地表 are planned supply in 平方米 with the category of their 用途
  and the mode of their 供应方式; 位置 is an address, not a district, so district is None.
* **Old-style ratio row** "保障性安居工程和中小套型商品房用地占比(%)": a ``share`` in %
  (the row label overrides the 公顷 column header), category 07, ``housing=True``.
* **平方公里** is normalised to the unit 平方千米; a total in 平方千米 is supply_area.
* Share percentages are checked against the stated total ("占供应总量的…"), not against
  the sum of the parts.

Every sum, share and conversion is written in a ``calc:`` comment and checked with
``decimal.Decimal`` by ``bench/heldout/verify.py`` ("=" exact, "≈" equal after rounding
half up to the decimals printed on the right).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.corpus.model import (  # noqa: E402
    CorpusDoc,
    ExpectedFigure,
    ExpectedFinding,
    Heading,
    Para,
    Table,
)

# --- category codes (用地用海 2023 level 1) ----------------------------------------------
RES = ("07",)  # 住宅/居住/住房用地 and housing sub-items
PUB = ("08",)  # 公共管理与公共服务用地, 公用设施/绿地 listed separately
PUB3 = ("08", "13", "14")  # GB/T 21010 公共管理与公共服务用地
COM = ("09",)  # 商服用地 / 商业服务业用地
IND = ("10", "11")  # 工矿仓储用地
MIN = ("10",)  # 工矿用地 / 工业用地
STO = ("11",)  # 仓储用地
TRA = ("12",)  # 交通运输用地
UTI = ("13",)  # 公用设施用地
GRN = ("14",)  # 绿地与开敞空间用地
SPE = ("15",)  # 特殊用地
WAT = ("1311",)  # 水域及水利设施用地

UB = "upper_bound"
LB = "lower_bound"
APX = "approximate"

BLANK_CELLS = ("", "—", "-", "/", "－")


def P(text: str) -> Para:
    """A paragraph from a multi-line literal (lines stripped and joined without spaces)."""
    return Para("".join(line.strip() for line in text.strip().splitlines()))


def H(text: str, level: int = 1) -> Heading:
    return Heading(text, level)


def fig(value: str, unit: str, cats: tuple[str, ...] = (), measure: str = "supply_area", **kw: Any) -> ExpectedFigure:
    return ExpectedFigure(value, unit, measure, cats, **kw)


def ha(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    return fig(value, "公顷", cats, **kw)


def mu(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    return fig(value, "亩", cats, **kw)


def km2(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    return fig(value, "平方千米", cats, **kw)


def sqm(value: str, cats: tuple[str, ...] = (), **kw: Any) -> ExpectedFigure:
    return fig(value, "平方米", cats, **kw)


def pct(value: str, cats: tuple[str, ...] = (), measure: str = "share", **kw: Any) -> ExpectedFigure:
    return fig(value, "%", cats, measure, **kw)


def grid(
    header: list[str],
    rows: Sequence[tuple[str, dict[str, Any], list[str]]],
    cols: Sequence[dict[str, Any]],
    unit: str,
) -> tuple[Table, list[ExpectedFigure]]:
    """Build a table and the expected figures of its numeric cells, row by row.

    ``rows`` are ``(label, attributes, cells)``, ``cols`` the attributes of each value
    column. Row and column attributes are merged (``cats`` from whichever gives them);
    a ``unit``/``measure`` given by the row (e.g. a "…占比(%)" row) overrides the
    column's. ``text=True`` marks a column of words; blank cells (—) are not figures.
    """
    table_rows = [header]
    figures: list[ExpectedFigure] = []
    for label, row_kw, cells in rows:
        assert len(cells) == len(cols), label
        table_rows.append([label, *cells])
        for cell, col_kw in zip(cells, cols, strict=True):
            if cell in BLANK_CELLS or col_kw.get("text"):
                continue
            kw = {**col_kw, **row_kw}
            if "cats" in col_kw and "cats" not in row_kw:
                kw["cats"] = col_kw["cats"]
            if "unit" not in row_kw:
                kw["unit"] = col_kw.get("unit", unit)
            if "measure" not in row_kw and "measure" in col_kw:
                kw["measure"] = col_kw["measure"]
            cell_unit = kw.pop("unit")
            measure = kw.pop("measure", "supply_area")
            cats = kw.pop("cats", ())
            figures.append(fig(cell.replace(",", ""), cell_unit, cats, measure, **kw))
    return Table(table_rows), figures


# =========================================================================================
# H1. 区 plan laid out by 街道 (urban district, mostly 存量), 用地用海 names
# =========================================================================================
TINGLAN = CorpusDoc(
    name="tinglan_district_jiedao",
    covers=(
        "区 plan published by a 分局; 存量 share %; 用地用海 names incl. 仓储/公用设施/绿地; "
        "four 街道 paragraphs '某某街道：计划供应…，其中…'; 保障性租赁住房 sub-item; "
        "2025 context; 20 公顷 parcel cap; clean"
    ),
    jurisdiction="汀澜区",
    year=2026,
    status="published",
    blocks=[
        H("汀澜区2026年度国有建设用地供应计划"),
        P("发布机构：潮平市自然资源和规划局汀澜分局    发布日期：2026年3月18日"),
        P(
            """
            根据《国有建设用地供应计划编制规范（试行）》（国土资发〔2010〕117号），结合全区
            城市更新和重点项目用地需求，区自然资源和规划分局编制了2026年度国有建设用地供应
            计划，经区人民政府批准，现予以公布。
            """
        ),
        H("一、上年度供应情况", 2),
        P("2025年全区实际供应国有建设用地58.93公顷，以存量用地为主。"),
        H("二、供应总量", 2),
        P(
            """
            2026年全区计划供应国有建设用地64.28公顷，其中新增建设用地20.46公顷，存量建设
            用地43.82公顷，存量用地占供应总量的68.17%。
            """
        ),
        H("三、供应结构", 2),
        P(
            """
            居住用地18.64公顷，商业服务业用地9.27公顷，公共管理与公共服务用地7.85公顷，
            交通运输用地16.52公顷，公用设施用地3.46公顷，绿地与开敞空间用地5.20公顷，
            仓储用地3.34公顷。居住用地中安排保障性租赁住房用地3.20公顷。
            """
        ),
        H("四、街道布局", 2),
        P("滨江街道：计划供应21.36公顷，其中居住用地10.20公顷、商业服务业用地4.85公顷、交通运输用地6.31公顷。"),
        P(
            """
            望湖街道：计划供应14.72公顷，其中居住用地6.04公顷、公共管理与公共服务用地
            4.12公顷、绿地与开敞空间用地4.56公顷。
            """
        ),
        P(
            """
            凤鸣街道：计划供应15.47公顷，其中商业服务业用地4.42公顷、公共管理与公共服务
            用地3.73公顷、交通运输用地4.86公顷、公用设施用地2.46公顷。
            """
        ),
        P(
            """
            东港街道：计划供应12.73公顷，其中居住用地2.40公顷、仓储用地3.34公顷、交通运输
            用地5.35公顷、公用设施用地1.00公顷、绿地与开敞空间用地0.64公顷。
            """
        ),
        H("五、供应要求", 2),
        P(
            """
            单宗住宅用地供应面积不超过20公顷，住宅用地容积率不得低于1.0；城市更新项目
            原则上以“净地”方式组织供应。
            """
        ),
        P("潮平市自然资源和规划局汀澜分局"),
        P("2026年3月18日"),
    ],
    figures=[
        ha("58.93", context=True),
        ha("64.28"),
        ha("20.46", source="新增"),
        ha("43.82", source="存量"),
        pct("68.17", source="存量"),
        ha("18.64", RES),
        ha("9.27", COM),
        ha("7.85", PUB),
        ha("16.52", TRA),
        ha("3.46", UTI),
        ha("5.20", GRN),
        ha("3.34", STO),
        ha("3.20", RES, housing=True),
        # 滨江街道
        ha("21.36", district="滨江街道"),
        ha("10.20", RES, district="滨江街道"),
        ha("4.85", COM, district="滨江街道"),
        ha("6.31", TRA, district="滨江街道"),
        # 望湖街道
        ha("14.72", district="望湖街道"),
        ha("6.04", RES, district="望湖街道"),
        ha("4.12", PUB, district="望湖街道"),
        ha("4.56", GRN, district="望湖街道"),
        # 凤鸣街道
        ha("15.47", district="凤鸣街道"),
        ha("4.42", COM, district="凤鸣街道"),
        ha("3.73", PUB, district="凤鸣街道"),
        ha("4.86", TRA, district="凤鸣街道"),
        ha("2.46", UTI, district="凤鸣街道"),
        # 东港街道
        ha("12.73", district="东港街道"),
        ha("2.40", RES, district="东港街道"),
        ha("3.34", STO, district="东港街道"),
        ha("5.35", TRA, district="东港街道"),
        ha("1.00", UTI, district="东港街道"),
        ha("0.64", GRN, district="东港街道"),
        ha("20", RES, measure="parcel_area_cap", qualifier=UB),
    ],
    findings=[
        # clean, no finding expected:
        # calc: 20.46 + 43.82 = 64.28
        # calc: 43.82 / 64.28 × 100 ≈ 68.17
        # calc: 18.64 + 9.27 + 7.85 + 16.52 + 3.46 + 5.20 + 3.34 = 64.28
        # calc: 21.36 + 14.72 + 15.47 + 12.73 = 64.28
        # calc: 10.20 + 4.85 + 6.31 = 21.36
        # calc: 6.04 + 4.12 + 4.56 = 14.72
        # calc: 4.42 + 3.73 + 4.86 + 2.46 = 15.47
        # calc: 2.40 + 3.34 + 5.35 + 1.00 + 0.64 = 12.73
        # per category over the 街道: 居住 calc: 10.20 + 6.04 + 2.40 = 18.64
        # 商业服务业 calc: 4.85 + 4.42 = 9.27 ; 公服 calc: 4.12 + 3.73 = 7.85
        # 交通 calc: 6.31 + 4.86 + 5.35 = 16.52 ; 公用设施 calc: 2.46 + 1.00 = 3.46
        # 绿地 calc: 4.56 + 0.64 = 5.20 ; 仓储 3.34 (东港街道 only)
        # 3.20 保障性租赁住房 ≤ 18.64 居住用地; H3 not applicable (no 中小套型)
    ],
)

# =========================================================================================
# H2. County plan written as "（1）…（2）…" lists, every figure 约
# =========================================================================================
FENGZHU = CorpusDoc(
    name="fengzhu_numbered_items",
    covers=(
        "county plan approved by 常务会议; every section a '（1）…（2）…' list; 约 on every "
        "figure; nested 工业用地 inside 工矿仓储; 招拍挂/协议出让/划拨; 水域及水利设施; "
        "7 公顷 cap and 7 % threshold; clean"
    ),
    jurisdiction="枫渚县",
    year=2026,
    status="approved",
    blocks=[
        H("枫渚县2026年度国有建设用地供应计划"),
        P("（2026年2月9日县人民政府第42次常务会议研究同意）"),
        P(
            """
            为合理安排国有建设用地供应的总量、结构、布局、时序和方式，依据《国有建设用地
            供应计划编制规范（试行）》和县国土空间总体规划，制定本计划。
            """
        ),
        H("一、计划供应总量", 2),
        P(
            """
            全县2026年度计划供应国有建设用地约137.5公顷。按土地来源分：（1）新增建设用地
            约96.3公顷；（2）存量建设用地约41.2公顷。
            """
        ),
        H("二、分用途供应计划", 2),
        P(
            """
            （1）住宅用地：约26.8公顷，主要用于县城东区安置房和普通商品住房建设；（2）商服
            用地：约11.4公顷；（3）工矿仓储用地：约63.9公顷，其中工业用地约58.2公顷；（4）公共
            管理与公共服务用地：约14.6公顷；（5）交通运输用地：约18.7公顷；（6）水域及水利
            设施用地：约2.1公顷。
            """
        ),
        H("三、供应方式", 2),
        P(
            """
            （1）以招标、拍卖、挂牌方式出让约84.6公顷；（2）以协议方式出让约3.5公顷；
            （3）以划拨方式供应约49.4公顷。
            """
        ),
        H("四、供地政策", 2),
        P(
            """
            （1）单宗商品住宅用地面积原则上不超过7公顷；（2）工业项目所需行政办公及生活服务
            设施用地面积不得超过工业项目总用地面积的7%；（3）严禁向别墅类房地产开发项目供地。
            """
        ),
        P("本计划由县自然资源局负责组织实施。"),
    ],
    figures=[
        ha("137.5", qualifier=APX),
        ha("96.3", source="新增", qualifier=APX),
        ha("41.2", source="存量", qualifier=APX),
        ha("26.8", RES, qualifier=APX),
        ha("11.4", COM, qualifier=APX),
        ha("63.9", IND, qualifier=APX),
        ha("58.2", MIN, qualifier=APX),
        ha("14.6", PUB3, qualifier=APX),
        ha("18.7", TRA, qualifier=APX),
        ha("2.1", WAT, qualifier=APX),
        ha("84.6", mode="出让", qualifier=APX),
        ha("3.5", mode="出让", qualifier=APX),
        ha("49.4", mode="划拨", qualifier=APX),
        ha("7", RES, measure="parcel_area_cap", qualifier=UB),
        pct("7", measure="other", qualifier=UB),
    ],
    findings=[
        # clean, no finding expected:
        # calc: 96.3 + 41.2 = 137.5
        # calc: 26.8 + 11.4 + 63.9 + 14.6 + 18.7 + 2.1 = 137.5  (58.2 工业用地 is inside 63.9)
        # calc: 84.6 + 3.5 + 49.4 = 137.5
    ],
)

# =========================================================================================
# H3. City plan issued by 印发 notice; district × category table with districts as ROWS
# =========================================================================================
_CP_CATS = [
    ("居住用地", RES),
    ("商服用地", COM),
    ("工矿仓储用地", IND),
    ("公共管理与公共服务用地", PUB3),
    ("交通运输用地", TRA),
]
_CP_TABLE, _CP_TABLE_FIGS = grid(
    ["区域", *(name for name, _ in _CP_CATS), "合计"],
    [
        ("南浦区", {"district": "南浦区"}, ["24.60", "8.30", "—", "6.20", "9.40", "48.50"]),
        ("北岸区", {"district": "北岸区"}, ["18.75", "6.45", "12.30", "4.80", "7.20", "49.50"]),
        ("澄西新区", {"district": "澄西新区"}, ["31.20", "10.15", "46.80", "9.35", "22.60", "120.10"]),
        ("临空经济区", {"district": "临空经济区"}, ["—", "3.60", "52.40", "2.10", "22.20", "80.30"]),
        ("合计", {}, ["74.55", "28.50", "111.50", "22.45", "61.40", "298.40"]),
    ],
    [*({"cats": cats} for _, cats in _CP_CATS), {}],
    "公顷",
)
CHENGPU = CorpusDoc(
    name="chengpu_transposed_district_table",
    covers=(
        "印发 notice of the 市政府办公室 + plan; 分区分类指标分解表 with districts as rows and "
        "categories as columns, 合计 row and column; share of 工矿仓储; clean"
    ),
    jurisdiction="澄浦市",
    year=2026,
    status="approved",
    blocks=[
        H("澄浦市人民政府办公室关于印发澄浦市2026年度国有建设用地供应计划的通知"),
        P("澄政办发〔2026〕9号"),
        P("各区人民政府，澄西新区、临空经济区管委会，市政府各部门、各直属机构："),
        P("《澄浦市2026年度国有建设用地供应计划》已经市人民政府同意，现印发给你们，请结合实际认真组织实施。"),
        P("澄浦市人民政府办公室"),
        P("2026年3月4日"),
        H("澄浦市2026年度国有建设用地供应计划"),
        P(
            """
            全市2026年度计划供应国有建设用地298.40公顷。分用途：居住用地74.55公顷，商服用地
            28.50公顷，工矿仓储用地111.50公顷，占全市供应总量的37.37%，公共管理与公共服务
            用地22.45公顷，交通运输用地61.40公顷。
            """
        ),
        P(
            """
            各区（新区）计划指标按下表分解，由各区人民政府、管委会组织落实。临空经济区重点
            保障航空物流和临空制造项目，原则上不安排居住用地。
            """
        ),
        P("2026年度国有建设用地供应计划分区分类指标分解表（单位：公顷）"),
        _CP_TABLE,
        P("本计划由市自然资源局负责解释。"),
    ],
    figures=[
        ha("298.40"),
        ha("74.55", RES),
        ha("28.50", COM),
        ha("111.50", IND),
        pct("37.37", IND),
        ha("22.45", PUB3),
        ha("61.40", TRA),
        *_CP_TABLE_FIGS,
    ],
    findings=[
        # clean, no finding expected:
        # calc: 74.55 + 28.50 + 111.50 + 22.45 + 61.40 = 298.40
        # calc: 111.50 / 298.40 × 100 ≈ 37.37
        # rows: calc: 24.60 + 8.30 + 6.20 + 9.40 = 48.50
        # calc: 18.75 + 6.45 + 12.30 + 4.80 + 7.20 = 49.50
        # calc: 31.20 + 10.15 + 46.80 + 9.35 + 22.60 = 120.10
        # calc: 3.60 + 52.40 + 2.10 + 22.20 = 80.30
        # calc: 48.50 + 49.50 + 120.10 + 80.30 = 298.40
        # columns: calc: 24.60 + 18.75 + 31.20 = 74.55
        # calc: 8.30 + 6.45 + 10.15 + 3.60 = 28.50
        # calc: 12.30 + 46.80 + 52.40 = 111.50
        # calc: 6.20 + 4.80 + 9.35 + 2.10 = 22.45
        # calc: 9.40 + 7.20 + 22.60 + 22.20 = 61.40
    ],
)

# =========================================================================================
# H4. Draft: 出让/划拨/租赁 stated per category in prose, mode totals with shares
# =========================================================================================
YANMING = CorpusDoc(
    name="yanming_mode_per_category",
    covers=(
        "草案; per-category supply mode in prose ('全部以出让方式供应', '其中出让…、租赁…', "
        "'全部以划拨方式供应'); mode totals with shares summing to 99.99 %; 拟供应; clean"
    ),
    jurisdiction="雁鸣县",
    year=2026,
    status="draft",
    blocks=[
        H("雁鸣县2026年度国有建设用地供应计划（草案）"),
        P(
            """
            县自然资源局会同县发展和改革局、县住房和城乡建设局、县财政局，在调查分析全县
            国有建设用地供应能力和需求的基础上，编制了本计划草案，提请县人民政府审议。
            """
        ),
        H("一、供应总量", 2),
        P("2026年全县拟供应国有建设用地182.60公顷。"),
        H("二、分用途供应规模及供应方式", 2),
        P(
            """
            住宅用地45.00公顷，全部以出让方式供应；商服用地20.00公顷，其中出让18.00公顷、
            租赁2.00公顷；工矿仓储用地78.40公顷，其中出让70.90公顷，以租赁方式供应7.50公顷；
            公共管理与公共服务用地16.80公顷，全部以划拨方式供应；交通运输用地19.60公顷，
            其中划拨17.20公顷、出让2.40公顷；特殊用地2.80公顷，以划拨方式供应。
            """
        ),
        H("三、按供应方式汇总", 2),
        P("全年出让136.30公顷，占74.64%；划拨36.80公顷，占20.15%；租赁9.50公顷，占5.20%。"),
        H("四、有关说明", 2),
        P(
            """
            工业用地租赁期满经评估达到约定条件的，可依法转为出让。本草案经县人民政府审定后
            向社会公布。
            """
        ),
    ],
    figures=[
        ha("182.60"),
        ha("45.00", RES, mode="出让"),
        ha("20.00", COM),
        ha("18.00", COM, mode="出让"),
        ha("2.00", COM, mode="租赁"),
        ha("78.40", IND),
        ha("70.90", IND, mode="出让"),
        ha("7.50", IND, mode="租赁"),
        ha("16.80", PUB3, mode="划拨"),
        ha("19.60", TRA),
        ha("17.20", TRA, mode="划拨"),
        ha("2.40", TRA, mode="出让"),
        ha("2.80", SPE, mode="划拨"),
        ha("136.30", mode="出让"),
        pct("74.64", mode="出让"),
        ha("36.80", mode="划拨"),
        pct("20.15", mode="划拨"),
        ha("9.50", mode="租赁"),
        pct("5.20", mode="租赁"),
    ],
    findings=[
        # clean, no finding expected:
        # calc: 45.00 + 20.00 + 78.40 + 16.80 + 19.60 + 2.80 = 182.60
        # calc: 18.00 + 2.00 = 20.00 ; calc: 70.90 + 7.50 = 78.40 ; calc: 17.20 + 2.40 = 19.60
        # 出让 calc: 45.00 + 18.00 + 70.90 + 2.40 = 136.30
        # 划拨 calc: 16.80 + 17.20 + 2.80 = 36.80
        # 租赁 calc: 2.00 + 7.50 = 9.50
        # calc: 136.30 + 36.80 + 9.50 = 182.60
        # calc: 136.30 / 182.60 × 100 ≈ 74.64
        # calc: 36.80 / 182.60 × 100 ≈ 20.15
        # calc: 9.50 / 182.60 × 100 ≈ 5.20
        # shares sum to 99.99 % (individual rounding, acceptable)
    ],
)

# =========================================================================================
# H5. Quarterly schedule (时序) in prose with shares and as a quarter × category table
# =========================================================================================
_ZC_CATS = [
    ("住宅用地", RES),
    ("商服用地", COM),
    ("工矿仓储用地", IND),
    ("公共管理与公共服务用地", PUB3),
    ("交通运输用地", TRA),
]
# quarters are NOT districts and the model has no period field: the cells carry only the
# category of their column (see the module docstring)
_ZC_TABLE, _ZC_TABLE_FIGS = grid(
    ["季度", *(name for name, _ in _ZC_CATS), "小计"],
    [
        ("第一季度", {}, ["8.00", "4.50", "16.00", "4.00", "6.00", "38.50"]),
        ("第二季度", {}, ["14.00", "6.20", "25.00", "7.00", "9.00", "61.20"]),
        ("第三季度", {}, ["16.00", "7.80", "26.00", "6.00", "9.00", "64.80"]),
        ("第四季度", {}, ["14.00", "5.50", "21.00", "5.00", "6.00", "51.50"]),
        ("合计", {}, ["52.00", "24.00", "88.00", "22.00", "30.00", "216.00"]),
    ],
    [*({"cats": cats} for _, cats in _ZC_CATS), {}],
    "公顷",
)
ZHECHUAN = CorpusDoc(
    name="zhechuan_quarterly",
    covers=(
        "published plan with a 时序 section: 第一季度…第四季度 figures with shares of the year, "
        "and a quarter × category table (rows = quarters, 小计 column, 合计 row); clean"
    ),
    jurisdiction="柘川市",
    year=2026,
    status="published",
    blocks=[
        H("柘川市2026年度国有建设用地供应计划"),
        P(
            """
            经市人民政府批准，现将柘川市2026年度国有建设用地供应计划向社会公布，供各类
            用地单位和个人合理安排投资及用地计划。
            """
        ),
        H("一、供应总量和结构", 2),
        P(
            """
            2026年全市计划供应国有建设用地216.00公顷，其中住宅用地52.00公顷，商服用地
            24.00公顷，工矿仓储用地88.00公顷，公共管理与公共服务用地22.00公顷，交通运输用地
            30.00公顷。
            """
        ),
        H("二、供应时序", 2),
        P(
            """
            按季度均衡安排供地：第一季度计划供应38.50公顷，占全年的17.82%；第二季度计划供应
            61.20公顷，占28.33%；第三季度计划供应64.80公顷，占30.00%；第四季度计划供应
            51.50公顷，占23.84%。
            """
        ),
        P("分季度分用途供应安排见下表（单位：公顷）。"),
        _ZC_TABLE,
        H("三、实施要求", 2),
        P(
            """
            各季度未完成的供应指标可结转下一季度，但不得跨年度结转。计划执行情况按季度
            向社会公开。
            """
        ),
        P("柘川市自然资源和规划局"),
        P("2026年1月30日"),
    ],
    figures=[
        ha("216.00"),
        ha("52.00", RES),
        ha("24.00", COM),
        ha("88.00", IND),
        ha("22.00", PUB3),
        ha("30.00", TRA),
        ha("38.50"),
        pct("17.82"),
        ha("61.20"),
        pct("28.33"),
        ha("64.80"),
        pct("30.00"),
        ha("51.50"),
        pct("23.84"),
        *_ZC_TABLE_FIGS,
    ],
    findings=[
        # clean, no finding expected:
        # calc: 52.00 + 24.00 + 88.00 + 22.00 + 30.00 = 216.00
        # calc: 38.50 + 61.20 + 64.80 + 51.50 = 216.00
        # calc: 38.50 / 216.00 × 100 ≈ 17.82 ; calc: 61.20 / 216.00 × 100 ≈ 28.33
        # calc: 64.80 / 216.00 × 100 ≈ 30.00 ; calc: 51.50 / 216.00 × 100 ≈ 23.84
        # quarter rows: calc: 8.00 + 4.50 + 16.00 + 4.00 + 6.00 = 38.50
        # calc: 14.00 + 6.20 + 25.00 + 7.00 + 9.00 = 61.20
        # calc: 16.00 + 7.80 + 26.00 + 6.00 + 9.00 = 64.80
        # calc: 14.00 + 5.50 + 21.00 + 5.00 + 6.00 = 51.50
        # columns: calc: 8.00 + 14.00 + 16.00 + 14.00 = 52.00
        # calc: 4.50 + 6.20 + 7.80 + 5.50 = 24.00 ; calc: 16.00 + 25.00 + 26.00 + 21.00 = 88.00
        # calc: 4.00 + 7.00 + 6.00 + 5.00 = 22.00 ; calc: 6.00 + 9.00 + 9.00 + 6.00 = 30.00
    ],
)

# =========================================================================================
# H6. Three-year rolling plan 2026–2028: 2027/2028 and three-year totals are context
# =========================================================================================
_HX_TABLE, _HX_TABLE_FIGS = grid(
    ["用地类型", "2026年", "2027年", "2028年", "三年合计"],
    [
        ("住宅用地", {"cats": RES}, ["68.30", "64.00", "60.00", "192.30"]),
        ("商服用地", {"cats": COM}, ["29.60", "27.00", "25.00", "81.60"]),
        ("工矿仓储用地", {"cats": IND}, ["142.50", "136.00", "130.00", "408.50"]),
        ("公共管理与公共服务用地", {"cats": PUB3}, ["33.10", "32.00", "30.00", "95.10"]),
        ("交通运输用地", {"cats": TRA}, ["49.80", "48.00", "47.00", "144.80"]),
        ("特殊用地", {"cats": SPE}, ["3.40", "3.00", "3.00", "9.40"]),
        ("合计", {}, ["326.70", "310.00", "295.00", "931.70"]),
    ],
    [{}, {"context": True}, {"context": True}, {"context": True}],
    "公顷",
)
HUAIXI = CorpusDoc(
    name="huaixi_rolling_three_year",
    covers=(
        "三年滚动计划 2026—2028 approved by the 市政府; 2026 is the annual plan, 2027/2028 and "
        "三年合计 are context (约 in prose); year × category table; 2025 context; "
        "保障性住房 sub-item; clean"
    ),
    jurisdiction="槐溪市",
    year=2026,
    status="approved",
    blocks=[
        H("槐溪市国有建设用地供应三年滚动计划（2026—2028年）"),
        P("（2026年2月26日经市人民政府第31次常务会议审议通过）"),
        P(
            """
            为增强土地供应的前瞻性和稳定性，按照“一年一编、三年滚动”的要求，依据《国有建设
            用地供应计划编制规范（试行）》，编制本滚动计划。2026年度指标为年度供应计划，
            2027—2028年指标为预安排指标，在下一年度滚动编制时予以调整。
            """
        ),
        H("一、上年度供应情况", 2),
        P("2025年全市实际供应国有建设用地301.25公顷。"),
        H("二、2026年度供应计划", 2),
        P(
            """
            2026年全市计划供应国有建设用地326.70公顷，其中新增建设用地215.40公顷，存量建设
            用地111.30公顷。住宅用地68.30公顷，商服用地29.60公顷，工矿仓储用地142.50公顷，
            公共管理与公共服务用地33.10公顷，交通运输用地49.80公顷，特殊用地3.40公顷。住宅
            用地中保障性住房用地12.00公顷。
            """
        ),
        H("三、2027—2028年供应安排", 2),
        P(
            """
            2027年预计供应国有建设用地约310.00公顷，2028年预计供应约295.00公顷，三年合计约
            931.70公顷。分年度分用途安排见下表。
            """
        ),
        P("槐溪市国有建设用地供应三年滚动计划表（单位：公顷）"),
        _HX_TABLE,
    ],
    figures=[
        ha("301.25", context=True),
        ha("326.70"),
        ha("215.40", source="新增"),
        ha("111.30", source="存量"),
        ha("68.30", RES),
        ha("29.60", COM),
        ha("142.50", IND),
        ha("33.10", PUB3),
        ha("49.80", TRA),
        ha("3.40", SPE),
        ha("12.00", RES, housing=True),
        ha("310.00", context=True, qualifier=APX),
        ha("295.00", context=True, qualifier=APX),
        ha("931.70", context=True, qualifier=APX),
        *_HX_TABLE_FIGS,
    ],
    findings=[
        # clean, no finding expected:
        # calc: 215.40 + 111.30 = 326.70
        # calc: 68.30 + 29.60 + 142.50 + 33.10 + 49.80 + 3.40 = 326.70
        # calc: 326.70 + 310.00 + 295.00 = 931.70
        # 2027 calc: 64.00 + 27.00 + 136.00 + 32.00 + 48.00 + 3.00 = 310.00
        # 2028 calc: 60.00 + 25.00 + 130.00 + 30.00 + 47.00 + 3.00 = 295.00
        # rows: calc: 68.30 + 64.00 + 60.00 = 192.30 ; calc: 29.60 + 27.00 + 25.00 = 81.60
        # calc: 142.50 + 136.00 + 130.00 = 408.50 ; calc: 33.10 + 32.00 + 30.00 = 95.10
        # calc: 49.80 + 48.00 + 47.00 = 144.80 ; calc: 3.40 + 3.00 + 3.00 = 9.40
        # calc: 192.30 + 81.60 + 408.50 + 95.10 + 144.80 + 9.40 = 931.70
    ],
)

# =========================================================================================
# H7. Totals in 平方公里, parts in 公顷; territory in 平方公里 (other)
# =========================================================================================
WEIZHOU = CorpusDoc(
    name="weizhou_km2_totals",
    covers=(
        "published; total, 新增/存量 and district totals in 平方公里, categories in 公顷 "
        "(C4 km² × 100 = 公顷); territory and 开发边界 areas in 平方公里 (other); share; "
        "20 公顷 cap; clean"
    ),
    jurisdiction="苇州市",
    year=2026,
    status="published",
    blocks=[
        H("苇州市2026年度国有建设用地供应计划公告"),
        P("苇自然资规告〔2026〕3号"),
        P(
            """
            依据《国有建设用地供应计划编制规范（试行）》（国土资发〔2010〕117号），苇州市
            2026年度国有建设用地供应计划已经市人民政府批准，现公告如下：
            """
        ),
        P(
            """
            一、基本情况。苇州市市域总面积2186平方公里，中心城区城镇开发边界面积约186.5
            平方公里。
            """
        ),
        P(
            """
            二、供应总量。2026年全市计划供应国有建设用地12.86平方公里，其中新增建设用地
            8.42平方公里、存量建设用地4.44平方公里。
            """
        ),
        P(
            """
            三、供应结构。住宅用地285.40公顷，商服用地96.30公顷，工矿仓储用地512.80公顷，
            占供应总量的39.88%，公共管理与公共服务用地118.60公顷，交通运输用地243.70公顷，
            水域及水利设施用地29.20公顷。
            """
        ),
        P("四、空间布局。中心城区6.35平方公里，经济技术开发区4.18平方公里，滨湖新区2.33平方公里。"),
        P("五、政策要求。单宗住宅用地出让面积不得超过20公顷，严格执行“净地”出让。"),
        P("苇州市自然资源和规划局"),
        P("2026年2月20日"),
    ],
    figures=[
        km2("2186", measure="other"),
        km2("186.5", measure="other", qualifier=APX),
        km2("12.86"),
        km2("8.42", source="新增"),
        km2("4.44", source="存量"),
        ha("285.40", RES),
        ha("96.30", COM),
        ha("512.80", IND),
        pct("39.88", IND),
        ha("118.60", PUB3),
        ha("243.70", TRA),
        ha("29.20", WAT),
        km2("6.35", district="中心城区"),
        km2("4.18", district="经济技术开发区"),
        km2("2.33", district="滨湖新区"),
        ha("20", RES, measure="parcel_area_cap", qualifier=UB),
    ],
    findings=[
        # clean, no finding expected:
        # calc: 8.42 + 4.44 = 12.86
        # calc: 285.40 + 96.30 + 512.80 + 118.60 + 243.70 + 29.20 = 1286.00
        # calc: 12.86 × 100 = 1286.00   (C4 km² → 公顷)
        # calc: 512.80 / 1286.00 × 100 ≈ 39.88
        # calc: 6.35 + 4.18 + 2.33 = 12.86
    ],
)

# =========================================================================================
# H8. Bare plan text; table with a separate 亩 column and a share column
# =========================================================================================
_HT_TABLE, _HT_TABLE_FIGS = grid(
    ["用地类型", "计划供应面积（公顷）", "折合（亩）", "占比（%）"],
    [
        ("住宅用地", {"cats": RES}, ["16.40", "246.00", "18.22"]),
        ("商服用地", {"cats": COM}, ["7.25", "108.75", "8.06"]),
        ("工矿仓储用地", {"cats": IND}, ["41.60", "624.00", "46.22"]),
        ("公共管理与公共服务用地", {"cats": PUB3}, ["9.85", "147.75", "10.94"]),
        ("交通运输用地", {"cats": TRA}, ["14.30", "214.50", "15.89"]),
        ("特殊用地", {"cats": SPE}, ["0.60", "9.00", "0.67"]),
        ("合计", {}, ["90.00", "1350.00", "100.00"]),
    ],
    [{}, {"unit": "亩"}, {"unit": "%", "measure": "share"}],
    "公顷",
)
HETAN = CorpusDoc(
    name="hetan_mu_column_table",
    covers=(
        "bare plan text (no approval or publication wording); 公顷 with (亩) in prose; "
        "table with 公顷, 折合（亩） and 占比（%） columns; 新增/存量; clean, exact 亩"
    ),
    jurisdiction="鹤滩县",
    year=2026,
    status=None,
    blocks=[
        H("鹤滩县2026年度国有建设用地供应计划"),
        H("一、编制依据", 2),
        P(
            """
            《中华人民共和国土地管理法》《国有建设用地供应计划编制规范（试行）》（国土资发
            〔2010〕117号）、鹤滩县国土空间总体规划及2026年度土地利用计划。
            """
        ),
        H("二、计划指标", 2),
        P(
            """
            2026年全县计划供应国有建设用地90.00公顷（1350.00亩），其中新增建设用地63.50公顷
            （952.50亩），存量建设用地26.50公顷（397.50亩）。各类用地供应指标见下表。
            """
        ),
        P("表1  鹤滩县2026年度国有建设用地供应计划指标表"),
        _HT_TABLE,
        H("三、供应布局", 2),
        P(
            """
            住宅和商服用地主要安排在县城南部新区，工矿仓储用地主要安排在鹤滩循环经济
            产业园，公共管理与公共服务用地主要用于县第二中学迁建和县人民医院扩建项目。
            """
        ),
    ],
    figures=[
        ha("90.00"),
        mu("1350.00"),
        ha("63.50", source="新增"),
        mu("952.50", source="新增"),
        ha("26.50", source="存量"),
        mu("397.50", source="存量"),
        *_HT_TABLE_FIGS,
    ],
    findings=[
        # clean, no finding expected:
        # calc: 63.50 + 26.50 = 90.00 ; calc: 952.50 + 397.50 = 1350.00
        # calc: 15 × 90.00 = 1350.00 ; calc: 15 × 63.50 = 952.50 ; calc: 15 × 26.50 = 397.50
        # calc: 16.40 + 7.25 + 41.60 + 9.85 + 14.30 + 0.60 = 90.00
        # calc: 246.00 + 108.75 + 624.00 + 147.75 + 214.50 + 9.00 = 1350.00
        # calc: 15 × 16.40 = 246.00 ; calc: 15 × 7.25 = 108.75 ; calc: 15 × 41.60 = 624.00
        # calc: 15 × 9.85 = 147.75 ; calc: 15 × 14.30 = 214.50 ; calc: 15 × 0.60 = 9.00
        # calc: 16.40 / 90.00 × 100 ≈ 18.22 ; calc: 7.25 / 90.00 × 100 ≈ 8.06
        # calc: 41.60 / 90.00 × 100 ≈ 46.22 ; calc: 9.85 / 90.00 × 100 ≈ 10.94
        # calc: 14.30 / 90.00 × 100 ≈ 15.89 ; calc: 0.60 / 90.00 × 100 ≈ 0.67
        # calc: 18.22 + 8.06 + 46.22 + 10.94 + 15.89 + 0.67 = 100.00
    ],
)

# =========================================================================================
# H9. Old-style 117号 plan (2013): 合计/新增/存量 table and 住房用地供应计划表 with
#     廉租房/经济适用房/公共租赁房/棚改/限价商品房 rows and the 占比(%) row
# =========================================================================================
_JL_TABLE1, _JL_TABLE1_FIGS = grid(
    ["用地类型", "供应面积", "新增建设用地", "存量建设用地"],
    [
        ("商服用地", {"cats": COM}, ["12.40", "8.60", "3.80"]),
        ("工矿仓储用地", {"cats": IND}, ["68.50", "59.20", "9.30"]),
        ("住宅用地", {"cats": RES}, ["34.20", "21.70", "12.50"]),
        ("公共管理与公共服务用地", {"cats": PUB3}, ["16.80", "12.30", "4.50"]),
        ("交通运输用地", {"cats": TRA}, ["20.60", "14.90", "5.70"]),
        ("水域及水利设施用地", {"cats": WAT}, ["2.90", "1.40", "1.50"]),
        ("特殊用地", {"cats": SPE}, ["0.90", "0.60", "0.30"]),
        ("合计", {}, ["156.30", "118.70", "37.60"]),
    ],
    [{}, {"source": "新增"}, {"source": "存量"}],
    "公顷",
)
_HS = {"cats": RES, "housing": True}
_JL_TABLE2, _JL_TABLE2_FIGS = grid(
    ["项目", "面积（公顷）"],
    [
        ("住房用地供应总量", {"cats": RES}, ["34.20"]),
        ("保障性安居工程用地", _HS, ["11.60"]),
        ("其中：廉租房用地", _HS, ["1.20"]),
        ("经济适用房用地", _HS, ["2.40"]),
        ("公共租赁房用地", _HS, ["3.10"]),
        ("棚户区改造用地", _HS, ["3.50"]),
        ("限价商品房用地", _HS, ["1.40"]),
        ("商品住房用地", _HS, ["22.60"]),
        ("其中：中小套型商品住房用地", _HS, ["15.30"]),
        ("保障性安居工程和中小套型商品房用地占比(%)", {**_HS, "unit": "%", "measure": "share"}, ["78.65"]),
    ],
    [{}],
    "公顷",
)
JIAOLING = CorpusDoc(
    name="jiaoling_2013_old_style",
    covers=(
        "2013 plan in the original 117号 form: 合计/新增/存量 table with the seven GB/T 21010 "
        "categories; 住房用地供应计划表 with nested 保障性安居工程 rows (廉租房, 经济适用房, "
        "公共租赁房, 棚户区改造, 限价商品房), 商品住房 with nested 中小套型 and the "
        "'保障性安居工程和中小套型商品房用地占比(%)' row; 70 % and 7 公顷; clean (H3/H4 pass)"
    ),
    jurisdiction="椒陵县",
    year=2013,
    status="published",
    blocks=[
        H("椒陵县2013年度国有建设用地供应计划"),
        P(
            """
            根据《国土资源部关于印发〈国有建设用地供应计划编制规范（试行）〉的通知》（国土
            资发〔2010〕117号）和《关于加强房地产用地供应和监管有关问题的通知》（国土资发
            〔2010〕34号）要求，经县人民政府批准，现将我县2013年度国有建设用地供应计划公布
            如下：
            """
        ),
        P(
            """
            一、2013年度全县国有建设用地供应计划总量为156.30公顷，其中新增建设用地118.70
            公顷，存量建设用地37.60公顷。各类用地供应计划见表一。
            """
        ),
        P("表一  椒陵县2013年度国有建设用地供应计划表（单位：公顷）"),
        _JL_TABLE1,
        P(
            """
            二、住房用地供应计划。住房用地中，保障性安居工程用地11.60公顷，中小套型商品住房
            用地15.30公顷，二者合计占住房用地供应总量的78.65%，符合不低于70%的要求。
            单宗住宅用地面积不得超过7公顷。住房用地供应计划见表二。
            """
        ),
        P("表二  椒陵县2013年度住房用地供应计划表"),
        _JL_TABLE2,
        P("椒陵县国土资源局"),
        P("2013年3月25日"),
    ],
    figures=[
        ha("156.30"),
        ha("118.70", source="新增"),
        ha("37.60", source="存量"),
        *_JL_TABLE1_FIGS,
        ha("11.60", RES, housing=True),
        ha("15.30", RES, housing=True),
        pct("78.65", RES, housing=True),
        pct("70", measure="other", qualifier=LB),
        ha("7", RES, measure="parcel_area_cap", qualifier=UB),
        *_JL_TABLE2_FIGS,
    ],
    findings=[
        # clean, no finding expected:
        # calc: 118.70 + 37.60 = 156.30
        # calc: 12.40 + 68.50 + 34.20 + 16.80 + 20.60 + 2.90 + 0.90 = 156.30
        # calc: 8.60 + 59.20 + 21.70 + 12.30 + 14.90 + 1.40 + 0.60 = 118.70
        # calc: 3.80 + 9.30 + 12.50 + 4.50 + 5.70 + 1.50 + 0.30 = 37.60
        # rows: calc: 8.60 + 3.80 = 12.40 ; calc: 59.20 + 9.30 = 68.50 ; calc: 21.70 + 12.50 = 34.20
        # calc: 12.30 + 4.50 = 16.80 ; calc: 14.90 + 5.70 = 20.60 ; calc: 1.40 + 1.50 = 2.90
        # calc: 0.60 + 0.30 = 0.90
        # 保障性安居工程 calc: 1.20 + 2.40 + 3.10 + 3.50 + 1.40 = 11.60
        # H4 calc: 11.60 + 22.60 = 34.20   (15.30 中小套型 is inside 商品住房 22.60)
        # H3 calc: (11.60 + 15.30) / 34.20 × 100 ≈ 78.65   (≥ 70 %)
    ],
)

# =========================================================================================
# H10. Draft for comment with errors: categories do not add up (C1), wrong mode share (C5)
# =========================================================================================
DANCHUAN = CorpusDoc(
    name="danchuan_c1_c5_errors",
    covers=(
        "征求意见稿; synonyms 住宅类用地/商服类用地/工业仓储用地/公共管理与公共服务设施用地/"
        "交通用地; 较上年计划 context; C1 error (categories 121.50 ≠ 124.50); "
        "C5 error (划拨 36.69 % should be 33.69 %)"
    ),
    jurisdiction="澹川县",
    year=2026,
    status="draft",
    blocks=[
        H("澹川县2026年度国有建设用地供应计划（征求意见稿）"),
        P(
            """
            为充分听取社会各界意见，现将《澹川县2026年度国有建设用地供应计划（征求意见稿）》
            予以公示，公示期为2026年1月12日至1月21日。
            """
        ),
        H("一、供应规模", 2),
        P(
            """
            2026年全县国有建设用地计划供应规模为124.50公顷，较2025年计划（118.00公顷）增加
            6.50公顷。其中新增建设用地86.30公顷，存量建设用地38.20公顷。
            """
        ),
        H("二、用途结构", 2),
        P(
            """
            住宅类用地30.20公顷，商服类用地10.80公顷，工业仓储用地52.40公顷，公共管理与公共
            服务设施用地13.60公顷，交通用地14.50公顷。
            """
        ),
        H("三、供应方式", 2),
        P("出让78.35公顷，占62.93%；划拨41.95公顷，占36.69%；租赁4.20公顷，占3.37%。"),
        H("四、意见反馈", 2),
        P("公示期间如有意见，请以书面形式反馈至县自然资源局耕保与利用股。"),
    ],
    figures=[
        ha("124.50"),
        ha("118.00", context=True),
        ha("6.50", measure="other", context=True),
        ha("86.30", source="新增"),
        ha("38.20", source="存量"),
        ha("30.20", RES),
        ha("10.80", COM),
        ha("52.40", IND),
        ha("13.60", PUB3),
        ha("14.50", TRA),
        ha("78.35", mode="出让"),
        pct("62.93", mode="出让"),
        ha("41.95", mode="划拨"),
        pct("36.69", mode="划拨"),
        ha("4.20", mode="租赁"),
        pct("3.37", mode="租赁"),
    ],
    findings=[
        # C1: calc: 30.20 + 10.80 + 52.40 + 13.60 + 14.50 = 121.50 vs stated 124.50,
        # Δ = -3.00 公顷 (error; tolerance 5 × 0.01)
        ExpectedFinding("C1", "error", stated="124.50", computed="121.50"),
        # C5: calc: 41.95 / 124.50 × 100 ≈ 33.69 ; stated 36.69, Δ = +3.00 pp (error)
        ExpectedFinding("C5", "error", stated="36.69", computed="33.69"),
        # correct (no finding): calc: 86.30 + 38.20 = 124.50 ; calc: 78.35 + 41.95 + 4.20 = 124.50
        # calc: 78.35 / 124.50 × 100 ≈ 62.93 ; calc: 4.20 / 124.50 × 100 ≈ 3.37
        # calc: 124.50 - 118.00 = 6.50
    ],
)

# =========================================================================================
# H11. Plan with a 宗地表 in 平方米; residential parcels fall short of 住宅用地 (C3)
# =========================================================================================
_HY_PARCELS = [
    ("1", "HY2026-01", "城北新区迎宾路以东", "42000.00", "住宅用地", RES, "挂牌出让", "第一季度"),
    ("2", "HY2026-02", "城南片区纬二路以南", "35500.00", "住宅用地", RES, "挂牌出让", "第二季度"),
    ("3", "HY2026-03", "老城区东门街北侧", "18600.00", "住宅用地", RES, "拍卖出让", "第三季度"),
    ("4", "HY2026-04", "城北新区滨河路西侧", "21900.00", "住宅用地", RES, "挂牌出让", "第四季度"),
    ("5", "HY2026-05", "城南片区站前路东侧", "26000.00", "商服用地", COM, "挂牌出让", "第二季度"),
    ("6", "HY2026-06", "老城区人民路与解放街交叉口", "20000.00", "商服用地", COM, "拍卖出让", "第三季度"),
    ("7", "HY2026-07", "泓源工业园纬五路北侧", "86500.00", "工业用地", MIN, "挂牌出让", "第一季度"),
    ("8", "HY2026-08", "泓源工业园经三路西侧", "74500.00", "工业用地", MIN, "挂牌出让", "第二季度"),
    ("9", "HY2026-09", "泓源工业园物流园区", "52000.00", "仓储用地", STO, "挂牌出让", "第三季度"),
]
_HY_TABLE, _HY_TABLE_FIGS = grid(
    ["序号", "地块编号", "位置", "面积（平方米）", "用途", "供应方式", "计划供应时间"],
    [
        (no, {"cats": cats, "mode": "出让"}, [code, place, area, use, how, when])
        for no, code, place, area, use, cats, how, when in _HY_PARCELS
    ],
    [{"text": True}, {"text": True}, {"unit": "平方米"}, {"text": True}, {"text": True}, {"text": True}],
    "平方米",
)
HONGYUAN = CorpusDoc(
    name="hongyuan_parcel_table_c3",
    covers=(
        "approved county plan; 经营性用地宗地表 with 序号/地块编号/位置/面积（平方米）/用途/"
        "供应方式/计划供应时间; C3 error: residential parcels 118000 m² = 11.80 公顷 ≠ "
        "住宅用地 12.40 公顷; 商服 and 工矿仓储 parcels add up"
    ),
    jurisdiction="泓源县",
    year=2026,
    status="approved",
    blocks=[
        H("泓源县2026年度国有建设用地供应计划"),
        P("本计划已经县人民政府同意，由县自然资源局会同有关部门组织实施。"),
        H("一、供应指标", 2),
        P(
            """
            2026年全县计划供应国有建设用地48.60公顷，其中住宅用地12.40公顷，商服用地4.60
            公顷，工矿仓储用地21.30公顷，公共管理与公共服务用地4.80公顷，交通运输用地5.50
            公顷。
            """
        ),
        P(
            """
            全年计划供应经营性用地（住宅、商服、工矿仓储用地）9宗，全部以招标拍卖挂牌方式
            出让，具体地块详见附表。单宗住宅用地面积不超过7公顷。
            """
        ),
        H("二、实施要求", 2),
        P("列入附表的地块应当在计划供应时间前完成征收补偿、场地平整等前期工作，达到“净地”供应条件。"),
        P("附表  泓源县2026年度经营性用地供应计划宗地表"),
        _HY_TABLE,
    ],
    figures=[
        ha("48.60"),
        ha("12.40", RES),
        ha("4.60", COM),
        ha("21.30", IND),
        ha("4.80", PUB3),
        ha("5.50", TRA),
        ha("7", RES, measure="parcel_area_cap", qualifier=UB),
        *_HY_TABLE_FIGS,
    ],
    findings=[
        # C3: residential parcels calc: 42000.00 + 35500.00 + 18600.00 + 21900.00 = 118000.00 m²
        # = 11.80 公顷 vs 住宅用地 12.40 公顷, Δ = -0.60 公顷 (error)
        ExpectedFinding("C3", "error", stated="12.40", computed="11.80"),
        # correct (no finding): calc: 12.40 + 4.60 + 21.30 + 4.80 + 5.50 = 48.60
        # 商服 calc: 26000.00 + 20000.00 = 46000.00 (= 4.60 公顷)
        # 工矿仓储 calc: 86500.00 + 74500.00 + 52000.00 = 213000.00 (= 21.30 公顷)
        # largest residential parcel 42000 m² = 4.20 公顷 ≤ 7 公顷 cap
    ],
)

# =========================================================================================
# H12. Fully clean city plan: 合…亩, post-2021 housing sub-items, combined share
# =========================================================================================
XIAOLING = CorpusDoc(
    name="xiaoling_clean_city",
    covers=(
        "published city plan, fully clean (no residue anywhere): 公顷 with 合…亩 on total and "
        "新增/存量; 用地用海 eight categories; 保障性租赁住房/市场化租赁住宅/商品住宅 sub-items "
        "summing exactly; shares of 居住 and of 工矿+仓储; 出让/划拨; 2025 context %; 14 公顷 cap"
    ),
    jurisdiction="潇岭市",
    year=2026,
    status="published",
    blocks=[
        H("潇岭市自然资源和规划局关于2026年度国有建设用地供应计划的公告"),
        P(
            """
            潇岭市2026年度国有建设用地供应计划已经市人民政府批准。为稳定市场预期、引导
            用地主体合理安排投资，现将计划主要内容公告如下。
            """
        ),
        P("一、上年度执行情况：2025年全市实际供应国有建设用地247.35公顷，完成年度计划的92.3%。"),
        P(
            """
            二、供应总量：2026年全市计划供应国有建设用地268.80公顷（合4032.00亩），其中新增
            建设用地182.40公顷（合2736.00亩），存量建设用地86.40公顷（合1296.00亩）。
            """
        ),
        P(
            """
            三、供应结构：居住用地58.60公顷，占供应总量的21.80%；商业服务业用地21.40公顷；
            工矿用地96.20公顷；仓储用地18.60公顷，工矿用地和仓储用地合计占42.71%；公共管理
            与公共服务用地20.80公顷；交通运输用地36.40公顷；公用设施用地9.60公顷；绿地与开敞
            空间用地7.20公顷。
            """
        ),
        P(
            """
            四、住宅用地供应：居住用地中，保障性租赁住房用地8.80公顷，市场化租赁住宅用地
            3.40公顷，商品住宅用地46.40公顷。单宗住宅用地出让面积不超过14公顷。
            """
        ),
        P("五、供应方式：出让201.20公顷，划拨67.60公顷。"),
        P("潇岭市自然资源和规划局"),
        P("2026年3月12日"),
    ],
    figures=[
        ha("247.35", context=True),
        pct("92.3", measure="other", context=True),
        ha("268.80"),
        mu("4032.00"),
        ha("182.40", source="新增"),
        mu("2736.00", source="新增"),
        ha("86.40", source="存量"),
        mu("1296.00", source="存量"),
        ha("58.60", RES),
        pct("21.80", RES),
        ha("21.40", COM),
        ha("96.20", MIN),
        ha("18.60", STO),
        pct("42.71", IND),
        ha("20.80", PUB),
        ha("36.40", TRA),
        ha("9.60", UTI),
        ha("7.20", GRN),
        ha("8.80", RES, housing=True),
        ha("3.40", RES, housing=True),
        ha("46.40", RES, housing=True),
        ha("14", RES, measure="parcel_area_cap", qualifier=UB),
        ha("201.20", mode="出让"),
        ha("67.60", mode="划拨"),
    ],
    findings=[
        # clean, no finding expected:
        # calc: 182.40 + 86.40 = 268.80 ; calc: 2736.00 + 1296.00 = 4032.00
        # calc: 15 × 268.80 = 4032.00 ; calc: 15 × 182.40 = 2736.00 ; calc: 15 × 86.40 = 1296.00
        # calc: 58.60 + 21.40 + 96.20 + 18.60 + 20.80 + 36.40 + 9.60 + 7.20 = 268.80
        # calc: 58.60 / 268.80 × 100 ≈ 21.80
        # calc: (96.20 + 18.60) / 268.80 × 100 ≈ 42.71
        # H4 calc: 8.80 + 3.40 + 46.40 = 58.60
        # calc: 201.20 + 67.60 = 268.80
        # H3 not applicable (no 中小套型 reported)
    ],
)

HELDOUT: list[CorpusDoc] = [
    TINGLAN,
    FENGZHU,
    CHENGPU,
    YANMING,
    ZHECHUAN,
    HUAIXI,
    WEIZHOU,
    HETAN,
    JIAOLING,
    DANCHUAN,
    HONGYUAN,
    XIAOLING,
]

BY_NAME: dict[str, CorpusDoc] = {d.name: d for d in HELDOUT}
