"""Words that give figures their meaning: places, modes, qualifiers, context markers.

Pure pattern data and small lookups used by the extractor. Category names come from
:mod:`guotu.domain.classification` (the plan-label table), not from here.
"""

from __future__ import annotations

import re
from typing import Final

from guotu.domain.numerals import ARABIC_NUMBER, CHINESE_NUMBER

__all__ = [
    "CHANGE_AMOUNT_RE",
    "CONTEXT_RE",
    "FIGURE_RE",
    "OTHER_AREA_RE",
    "PARCEL_CAP_RE",
    "SUPPLY_WORD_RE",
    "TOTAL_WORD_RE",
    "canonical_unit",
    "find_district",
    "find_method",
    "find_mode",
    "find_source",
    "qualifier_after",
    "qualifier_before",
]

_UNITS: Final = {
    "万公顷": "万公顷",
    "万平方米": "万平方米",
    "平方千米": "平方千米",
    "平方公里": "平方千米",
    "平方米": "平方米",
    "万亩": "万亩",
    "公顷": "公顷",
    "hm2": "公顷",
    "hm²": "公顷",
    "km2": "平方千米",
    "km²": "平方千米",
    "m2": "平方米",
    "m²": "平方米",
    "㎡": "平方米",
    "亩": "亩",
    "%": "%",
    "个百分点": "个百分点",
}
_UNIT_ALTERNATION: Final = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

#: A number followed by a unit, a list of numbers sharing one unit
#: (``30、20、50公顷``), or ``百分之七十``.
FIGURE_RE: Final = re.compile(
    rf"百分之(?P<pnum>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    rf"|(?P<list>(?:(?<![\d.])(?:{ARABIC_NUMBER})[、和及与](?:(?:{ARABIC_NUMBER})[、和及与])*))?"
    rf"(?<![\d.])(?P<num>{ARABIC_NUMBER}|{CHINESE_NUMBER})(?P<unit>{_UNIT_ALTERNATION})(?![a-zA-Z])"
)


def canonical_unit(unit_text: str) -> str:
    """Return the canonical form of a unit as written (平方公里 → 平方千米).

    Examples
    --------
    >>> canonical_unit("平方公里"), canonical_unit("%")
    ('平方千米', '%')
    """
    return _UNITS[unit_text]


_BEFORE_QUALIFIERS: Final = (
    (
        re.compile(
            r"(?:控制在|不超过|不高于|不大于|最多|上限为?|限定在|严控在|不得超过|不得大于|不应超过|不宜超过|原则上不超过)(?:约)?$"
        ),
        "upper_bound",
    ),
    (re.compile(r"(?:不低于|不少于|至少|不小于|下限为?)(?:约)?$"), "lower_bound"),
    (re.compile(r"(?:约|大约|大概|近|约为|预计约?|估计|左右为)$"), "approximate"),
)
_AFTER_QUALIFIERS: Final = (
    (re.compile(r"^(?:以内|之内|以下|内)"), "upper_bound"),
    (re.compile(r"^(?:以上|及以上)"), "lower_bound"),
    (re.compile(r"^(?:左右|上下|许)"), "approximate"),
)


def qualifier_before(clause: str) -> str | None:
    """Return the qualifier written just before a number (约, 控制在, 不低于 ...).

    Examples
    --------
    >>> qualifier_before("总量控制在"), qualifier_before("供应居住用地约")
    ('upper_bound', 'approximate')
    """
    tail = clause[-8:]
    for pattern, name in _BEFORE_QUALIFIERS:
        if pattern.search(tail):
            return name
    return None


def qualifier_after(text: str) -> str | None:
    """Return the qualifier written just after a figure (以内, 左右, 以上)."""
    for pattern, name in _AFTER_QUALIFIERS:
        if pattern.match(text):
            return name
    return None


#: Markers of a figure that is not this plan's planned supply.
CONTEXT_RE: Final = re.compile(
    r"近[一二三四五六七八九十两\d]+年|年均|上年|去年|上一年|前一年|往年|历年|以来|已供应|已出让|已完成|"
    r"实际供应|实际完成|累计|完成率|同比|比上年|较上年|比去年|增长|减少|下降|提高|上升|增加|"
    r"全国|全省|全区域|国家下达|省下达|省级下达|上级下达|原计划|原定|调整前(?!后)|调整以前|[二三四五两]年合计|预安排"
)
#: A change amount: the number right after the verb (增加32.75公顷), not the new value (调减为).
CHANGE_AMOUNT_RE: Final = re.compile(r"(?:增加|减少|调增|调减|增长|下降|降低|提高|扩大|缩减|增减)了?(?:约)?$")
#: Words of a supply figure.
SUPPLY_WORD_RE: Final = re.compile(r"供应|供地|出让|划拨|租赁|计划|安排|用地|规模|总量")
#: Words of the plan total (no category).
TOTAL_WORD_RE: Final = re.compile(
    r"总量|总规模|国有建设用地|建设用地(?!使用权)|土地供应量|供应量|供地规模|合计|总计|小计|总面积"
)
#: A per-parcel size cap.
PARCEL_CAP_RE: Final = re.compile(r"单宗|每宗|一宗|单个项目|宗地面积")
#: Areas that are not supply: territory, control lines, farmland.
OTHER_AREA_RE: Final = re.compile(
    r"国土面积|土地总面积|行政区域|辖区面积|总面积|耕地保有量|永久基本农田|生态保护红线|城镇开发边界|"
    r"面积为|覆盖率|绿化率|容积率|建筑密度"
)

# 租赁 inside 公共租赁住房 / 保障性租赁住房 names housing, not the supply mode.
_MODE_RE: Final = re.compile(r"出让|划拨|(?<!公共)(?<!保障性)(?<!市场化)(?<!公租)租赁(?!住房|住宅|房)")
_SOURCE_RE: Final = re.compile(r"新增|存量")


def find_mode(text: str) -> str | None:
    """Return the supply mode named in ``text`` (the last one), or None.

    Examples
    --------
    >>> find_mode("其中经营性用地出让计划规模"), find_mode("划拨用地计划规模")
    ('出让', '划拨')
    """
    found = _MODE_RE.findall(text)
    return found[-1] if found else None


_METHOD_RE: Final = re.compile(r"招标[、,]?拍卖[、,]?(?:或者|或)?挂牌|招拍挂|协议|招标|拍卖|挂牌")


def find_method(text: str) -> str | None:
    """Return the 出让 method named in ``text``: 招拍挂, 协议, 招标, 拍卖 or 挂牌 (or None).

    Examples
    --------
    >>> find_method("以招标、拍卖、挂牌方式出让约"), find_method("以协议方式出让约")
    ('招拍挂', '协议')
    """
    found = _METHOD_RE.findall(text)
    if not found:
        return None
    last = found[-1]
    return "招拍挂" if len(last) > 2 else last


def find_source(text: str) -> str | None:
    """Return 新增 or 存量 named in ``text``, or None."""
    found = _SOURCE_RE.findall(text)
    return found[-1] if found else None


_PLACE_SUFFIX: Final = (
    "特别行政区|自治州|自治县|自治旗|瑶族乡|民族乡|苏木|街道办事处|街道|经济技术开发区|高新技术产业开发区|"
    "高新区|经开区|开发区|产业园区|工业园区|产业园|工业园|新区|片区|园区|组团|示范区|功能区|区|县|市|镇|乡|旗"
)
_PLACE_RE: Final = re.compile(rf"([\u4e00-\u9fa5]{{1,12}}?(?:{_PLACE_SUFFIX}))")
_LEADING_WORDS: Final = re.compile(
    r"^(?:其中|以及|另外|此外|包括|分布在|位于|主要在|在|对|向|于|为|将|拟|计划|和|及|与|、|今年|去年|明年|"
    r"本年度?|年内|近[一二三四五六七八九十两\d]+年|上年度?|附表\d*|附件\d*|表\d+|据悉|记者从|从|"
    r"[一二三四五六七八九十\d]+[.、)）]|[（(][一二三四五六七八九十\d]+[)）])+"
)
_GENERIC_PLACES: Final = frozenset(
    "全市 全县 全区 全旗 全镇 全乡 本市 本县 本区 我市 我县 我区 该市 该县 城市 市区 辖区 地区 园区 开发区 "
    "社区 小区 景区 片区 新区 保护区 老城区 新城区 主城区 县城 市域 县域 区域 全省 全国 省 市 县 区 "
    "镇 乡 市本级 县本级 区本级 城镇 集镇 乡镇 各区 各县 各镇 各乡 各区县 县区 城乡 农村 园区内 示范区 功能区 "
    "重点区 规划区 建成区 发展区 城区内 组团".split()
)
_GENERIC_SUFFIXES: Final = ("全市", "全县", "全区", "本市", "本县", "本区", "我市", "我县", "我区")
_NOT_PLACE_WORDS: Final = re.compile(r"用地|供应|计划|面积|规模|总量|建设|土地|其中|合计|小计|总计|住房|住宅")


def find_district(text: str) -> str | None:
    """Return the layout unit (district, town, zone) named at the start of a clause.

    ``text`` is the clause before a figure, with category names already removed.

    Examples
    --------
    >>> find_district("其中，城区拟供应")
    '城区'
    >>> find_district("连州镇土地供应量为"), find_district("全县国有建设用地供应总量控制在")
    ('连州镇', None)
    >>> find_district("高新区拟供应商服用地")
    '高新区'
    """
    for part in re.split(r"[，,、:：]", text):
        head = _LEADING_WORDS.sub("", part)
        match = _PLACE_RE.match(head)
        if not match:
            continue
        name = match.group(1)
        if len(name) < 2 or name in _GENERIC_PLACES or _NOT_PLACE_WORDS.search(name):
            continue
        if any(name.endswith(g) for g in _GENERIC_SUFFIXES):
            continue
        if name.endswith("市") and head[len(name) : len(name) + 2] in {"本级"}:
            continue
        return name
    return None
