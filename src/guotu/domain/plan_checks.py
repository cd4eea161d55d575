"""Consistency checks of a supply plan (rules C1–C8, H3, H4, D1 of DOMAIN.md §6).

Every check compares printed numbers, so tolerances come from the decimals actually
printed: a sum of parts may differ from its total by one unit of the last decimal
per term (rounding: ``info``), never more (``error``). Percentages are recomputed from
the areas, allowing for the rounding of those areas; a percentage that is the
truncation of the true share rather than its rounding is a ``warning``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from guotu.domain import units
from guotu.domain.findings import Finding, Severity
from guotu.domain.plan import Figure, SupplyPlan
from guotu.domain.rules import PlanCheckParams, rule

__all__ = ["check_plan_figures"]

_UNIT_EN: Final = {
    "公顷": "ha",
    "亩": "mu",
    "万亩": "10,000 mu",
    "平方米": "m²",
    "万平方米": "10,000 m²",
    "平方千米": "km²",
    "万公顷": "10,000 ha",
    "%": "%",
}
_H3_WORDS: Final = re.compile(r"保障|廉租|经济适用|经适|公共租赁|公租|棚户区|棚改|限价|中小套型")
_SUBSIDISED_CHILD: Final = re.compile(r"廉租|经济适用|经适|公共租赁|公租|棚户区|棚改|限价")
_SMALL_UNIT_CHILD: Final = re.compile(r"中小套型")
_COMPLETE_HOUSING: Final = re.compile(r"商品|其他|市场化")

Key = tuple[Any, str | None, str | None, str | None]
TOTAL_KEY: Final[Key] = (None, None, None, None)


@dataclass(frozen=True)
class _Group:
    """A named set of parts that must add up to a total."""

    rule: str
    parts: tuple[Figure, ...]
    total: Figure
    what_zh: str
    what_en: str
    layout: bool = False


def _finding(
    rule_id: str,
    severity: Severity,
    message_zh: str,
    message_en: str,
    evidence: dict[str, Any] | None = None,
    figures: tuple[str, ...] = (),
) -> Finding:
    """Build a finding of ``rule_id`` citing the rule's legal source."""
    return Finding(
        rule=rule_id,
        severity=severity,
        message_zh=message_zh,
        message_en=message_en,
        evidence=evidence or {},
        figures=figures,
        legal_source=rule(rule_id).legal_source,
    )


def _category_key(fig: Figure) -> Any:
    if fig.category is None:
        return None
    if fig.housing:
        return ("housing", re.sub(r"用地$", "", fig.category))
    return ("category", tuple(sorted(fig.category_codes)) or fig.category)


def _is_residential(key: Key) -> bool:
    category = key[0]
    return bool(
        category
        and category[0] == "category"
        and isinstance(category[1], tuple)
        and category[1]
        and all(code.startswith("07") for code in category[1])
    )


def _key(fig: Figure) -> Key:
    # 以招拍挂方式出让 and 以协议方式出让 are two quantities: the method joins the mode.
    mode = f"{fig.mode}:{fig.method}" if fig.mode and fig.method else fig.mode
    return (_category_key(fig), fig.district, mode, fig.source)


def _unit_en(unit: str) -> str:
    return _UNIT_EN.get(unit, unit)


def _fmt(value: Decimal) -> str:
    """Plain decimal notation, keeping the printed decimals (10.00 stays 10.00)."""
    return format(value, "f")


class _PlanIndex:
    """The plan's planned supply areas, indexed by meaning and unit."""

    def __init__(self, figures: Sequence[Figure]):
        self.by_id = {f.id: f for f in figures}
        self.areas = [f for f in figures if f.is_planned_area and units.is_area_unit(f.unit)]
        self.parcels = [
            f
            for f in figures
            if f.parcel and f.measure == "supply_area" and not f.context and units.is_area_unit(f.unit)
        ]
        self.table: dict[tuple[Key, str], list[Figure]] = {}
        for fig in self.areas:
            self.table.setdefault((_key(fig), fig.unit), []).append(fig)
        self.typical_decimals = {
            unit: Counter(units.decimals_of(f.value) for f in self.areas if f.unit == unit).most_common(1)[0][0]
            for unit in {f.unit for f in self.areas}
        }

    def get(self, key: Key, unit: str) -> Figure | None:
        found = self.table.get((key, unit))
        return found[0] if found else None

    def units(self) -> list[str]:
        seen: list[str] = []
        for fig in self.areas:
            if fig.unit not in seen:
                seen.append(fig.unit)
        return seen

    def keys(self, unit: str) -> list[Key]:
        return [k for (k, u) in self.table if u == unit]


# --- sums -------------------------------------------------------------------------------


def _term_ulp(fig: Figure, group_decimals: int, to_unit: str) -> Decimal:
    decimals = max(units.decimals_of(fig.value), group_decimals)
    return units.convert(Decimal(1).scaleb(-decimals), fig.unit, to_unit)


def _sum_finding(group: _Group) -> tuple[Finding | None, str]:
    total = group.total
    unit = total.unit
    part_decimals = max(units.decimals_of(p.value) for p in group.parts)
    computed = sum((units.convert(p.value, p.unit, unit) for p in group.parts), Decimal(0))
    tolerance = sum((_term_ulp(p, part_decimals, unit) for p in group.parts), Decimal(0))
    tolerance += units.ulp(total.value)
    difference = computed - total.value
    if difference == 0:
        return None, "pass"
    ids = (total.id, *(p.id for p in group.parts))
    evidence = {
        "stated": str(total.value),
        "computed": _fmt(computed),
        "difference": _fmt(difference),
        "tolerance": _fmt(tolerance),
        "unit": unit,
        "parts": [p.id for p in group.parts],
    }
    unit_en = _unit_en(unit)
    if abs(difference) <= tolerance:
        severity = Severity.INFO
        zh = (
            f"{group.what_zh}之和为 {_fmt(computed)} {unit}，与所列 {total.value} {unit} 相差 "
            f"{_fmt(difference)} {unit}，在舍入误差范围内（±{_fmt(tolerance)}）。"
        )
        en = (
            f"{group.what_en} add up to {_fmt(computed)} {unit_en}; the stated {total.value} "
            f"{unit_en} differs by {_fmt(difference)}, within rounding (±{_fmt(tolerance)})."
        )
    else:
        coverage = computed / total.value if total.value else Decimal(0)
        severity = Severity.ERROR
        if difference < 0 and coverage < Decimal("0.9") and not group.layout:
            severity = Severity.WARNING
        more_zh, more_en = ("多", "more") if difference > 0 else ("少", "less")
        zh = (
            f"{group.what_zh}之和为 {_fmt(computed)} {unit}，比所列 {total.value} {unit} "
            f"{more_zh} {_fmt(abs(difference))} {unit}。"
        )
        en = (
            f"{group.what_en} add up to {_fmt(computed)} {unit_en}, {_fmt(abs(difference))} "
            f"{unit_en} {more_en} than the stated {total.value} {unit_en}."
        )
        if severity is Severity.WARNING:
            zh += "所列部分不足总量的九成，如为完整分解则存在缺漏。"
            en += " The parts cover less than 90 % of it; if they are meant to be complete, some are missing."
    finding = _finding(
        group.rule,
        severity=severity,
        message_zh=zh,
        message_en=en,
        evidence=evidence,
        figures=ids,
    )
    return finding, "fail" if severity is not Severity.INFO else "pass"


def _nested_in(mine: set[str], other: set[str]) -> bool:
    """Whether the classes ``mine`` lie inside ``other`` (工业用地 1001 inside 工矿仓储用地 10+11)."""
    if not mine or not other or mine == other:
        return False
    if mine < other:
        return True
    # 水工设施 (1311) was never part of the old 公共管理与公共服务用地 (08 + 13 + 14).
    inside = [c for c in mine if any(c.startswith(o) and c != o for o in other)]
    return len(inside) == len(mine) and not ("08" in other and mine == {"1311"})


def _without_nested(parts: list[Figure]) -> list[Figure]:
    """Drop categories contained in another listed category."""
    code_sets = [set(p.category_codes) for p in parts]
    return [
        part
        for i, part in enumerate(parts)
        if not any(j != i and _nested_in(code_sets[i], other) for j, other in enumerate(code_sets))
    ]


def _what(fig: Figure, lang: str = "zh") -> str:
    """Name the quantity a figure states (城区住宅用地, 供应总量 ...)."""
    parts = [p for p in (fig.district, fig.category) if p]
    if parts:
        return "".join(parts)
    return "供应总量" if lang == "zh" else "the total"


def _groups(index: _PlanIndex, unit: str) -> Iterable[_Group]:
    keys = index.keys(unit)
    total = index.get(TOTAL_KEY, unit)

    def parts_where(pred: Any) -> list[Figure]:
        return [index.table[(k, unit)][0] for k in keys if pred(k)]

    if total is not None:
        categories = _without_nested(
            parts_where(lambda k: k[0] is not None and k[0][0] == "category" and k[1:] == (None, None, None))
        )
        if len(categories) >= 2:
            yield _Group("C1", tuple(categories), total, "各类用地面积", "The land-use categories")
        districts = parts_where(lambda k: k[0] is None and k[1] is not None and k[2:] == (None, None))
        if len(districts) >= 2:
            yield _Group(
                "C3",
                tuple(districts),
                total,
                "各区县（乡镇、片区）供应面积",
                "The districts/towns",
                True,
            )
    # Splits by mode and by source of any quantity.
    for base_key in keys:
        base = index.table[(base_key, unit)][0]
        category, district, mode, source = base_key
        if category is not None and category[0] == "housing":
            continue
        if mode is None:
            modes = parts_where(
                lambda k, c=category, d=district, s=source: k[0] == c and k[1] == d and k[2] is not None and k[3] == s
            )
            plain = {p.mode for p in modes if p.method is None}
            modes = [p for p in modes if p.method is None or p.mode not in plain]
            if len({(p.mode, p.method) for p in modes}) >= 2:
                yield _Group(
                    "C2",
                    tuple(modes),
                    base,
                    f"{_what(base)}按供应方式（出让、划拨、租赁）的面积",
                    f"The supply modes of {_what(base, 'en')}",
                )
        if source is None:
            sources = parts_where(
                lambda k, c=category, d=district, m=mode: k[0] == c and k[1] == d and k[2] == m and k[3] is not None
            )
            if {p.source for p in sources} == {"新增", "存量"}:
                yield _Group(
                    "C2",
                    tuple(sources),
                    base,
                    f"{_what(base)}新增与存量建设用地",
                    f"New and existing land of {_what(base, 'en')}",
                )
    # Layout: district × category.
    district_names = {k[1] for k in keys if k[1] is not None}
    if len(district_names) >= 2:
        for key in keys:
            category, district, mode, source = key
            if district is not None or mode or source or category is None or category[0] != "category":
                continue
            cells = parts_where(lambda k, c=category: k[0] == c and k[1] is not None and k[2:] == (None, None))
            if cells:
                base = index.table[(key, unit)][0]
                name = base.category or ""
                yield _Group(
                    "C3",
                    tuple(cells),
                    base,
                    f"{name}在各区县（乡镇）的面积",
                    f"{name} across the districts",
                    True,
                )
        for name in sorted(district_names):
            district_total = index.get((None, name, None, None), unit)
            if district_total is None:
                continue
            cells = _without_nested(
                parts_where(
                    lambda k, d=name: k[0] is not None and k[0][0] == "category" and k[1] == d and k[2:] == (None, None)
                )
            )
            if cells:
                yield _Group(
                    "C3",
                    tuple(cells),
                    district_total,
                    f"{name}各类用地面积",
                    f"The categories of {name}",
                    True,
                )


def _parcel_groups(index: _PlanIndex) -> Iterable[_Group]:
    """Parcel lists (宗地表) against the category totals they detail (C3)."""
    if not index.parcels:
        return
    categories = [
        f
        for f in index.areas
        if f.category and not f.housing and f.district is None and f.mode is None and f.source is None
    ]
    by_category: dict[str, list[Figure]] = {}
    for parcel in index.parcels:
        owner = next(
            (c for c in categories if parcel.category_codes and _covers(c.category_codes, parcel.category_codes)),
            None,
        )
        if owner is not None:
            by_category.setdefault(owner.id, []).append(parcel)
    for owner_id, parcels in by_category.items():
        owner = index.by_id[owner_id]
        yield _Group(
            "C3",
            tuple(parcels),
            owner,
            f"宗地表中{owner.category}各宗地面积",
            f"The parcels of {owner.category} in the parcel list",
            True,
        )


def _covers(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether every class of ``inner`` lies in a class of ``outer`` (1001 in 10)."""
    return all(any(code.startswith(o) for o in outer) for code in inner)


# --- conversions (C4) ---------------------------------------------------------------------


def _conversion_findings(figures: Sequence[Figure], by_id: dict[str, Figure]) -> Iterable[tuple[Finding | None, str]]:
    for fig in figures:
        if fig.equivalent_of is None or not units.is_area_unit(fig.unit):
            continue
        base = by_id.get(fig.equivalent_of)
        if base is None or not units.is_area_unit(base.unit) or base.unit == fig.unit:
            continue
        expected = units.convert(base.value, base.unit, fig.unit)
        if units.decimals_of(expected) <= units.decimals_of(fig.value):
            expected = units.quantize(expected, units.decimals_of(fig.value))
        half = Decimal("0.5")
        tolerance = units.convert(half * units.ulp(base.value), base.unit, fig.unit) + half * units.ulp(fig.value)
        difference = fig.value - expected
        if difference == 0:
            yield None, "pass"
            continue
        evidence = {
            "stated": str(fig.value),
            "computed": _fmt(expected),
            "difference": _fmt(difference),
            "tolerance": _fmt(tolerance),
            "unit": fig.unit,
        }
        within = abs(difference) <= tolerance
        back = units.convert(fig.value, fig.unit, base.unit)
        zh = (
            f"{base.value} {base.unit} 折合 {_fmt(expected)} {fig.unit}，文中写作 {fig.value} {fig.unit}，"
            f"相差 {_fmt(difference)} {fig.unit}"
        )
        en = (
            f"{base.value} {_unit_en(base.unit)} is {_fmt(expected)} {_unit_en(fig.unit)}; the text says "
            f"{fig.value} {_unit_en(fig.unit)}, a difference of {_fmt(difference)}"
        )
        if within:
            zh += f"，在舍入误差范围内（±{_fmt(tolerance)}）。"
            en += f", within rounding (±{_fmt(tolerance)})."
        else:
            zh += f"（文中亩数相当于 {units.quantize(back, 4)} {base.unit}）。"
            en += f" (the stated figure corresponds to {units.quantize(back, 4)} {_unit_en(base.unit)})."
        yield (
            _finding(
                "C4",
                severity=Severity.INFO if within else Severity.ERROR,
                message_zh=zh,
                message_en=en,
                evidence=evidence,
                figures=(base.id, fig.id),
            ),
            "pass" if within else "fail",
        )


# --- percentages (C5) ----------------------------------------------------------------------


def _parent(index: _PlanIndex, fig: Figure) -> Figure | None:
    category, district, mode, source = _key(fig)
    candidates: list[Key] = []
    if fig.housing:
        residential = [k for k in index.keys(fig.unit) if _is_residential(k)]
        candidates += [(k[0], district, mode, source) for k in residential]
        candidates.append((None, district, mode, source))
    elif category is not None:
        candidates += [(None, district, mode, source), TOTAL_KEY]
    elif mode or source:
        candidates += [(None, district, None, None), TOTAL_KEY]
    elif district:
        candidates.append(TOTAL_KEY)
    for key in candidates:
        parent = index.get(key, fig.unit)
        if parent is not None and parent.id != fig.id:
            return parent
    return None


def _share_findings(figures: Sequence[Figure], index: _PlanIndex) -> Iterable[tuple[Finding | None, str]]:
    half = Decimal("0.5")
    for share in figures:
        if share.measure != "share" or share.share_of is None or share.context:
            continue
        part = index.by_id.get(share.share_of)
        if part is None or not units.is_area_unit(part.unit):
            continue
        parent = _parent(index, part)
        if parent is None or parent.value == 0:
            continue
        decimals = units.decimals_of(share.value)
        whole = units.convert(parent.value, parent.unit, part.unit)
        computed = part.value / whole * 100
        expected = units.quantize(computed, decimals)
        evidence = {
            "stated": str(share.value),
            "computed": _fmt(units.quantize(computed, decimals + 4)),
            "expected": str(expected),
            "part": str(part.value),
            "whole": str(parent.value),
            "unit": "%",
        }
        ids = (share.id, part.id, parent.id)
        if expected == share.value:
            yield None, "pass"
            continue
        typical = index.typical_decimals.get(part.unit, 0)
        part_half = half * Decimal(1).scaleb(-max(units.decimals_of(part.value), typical))
        whole_half = half * Decimal(1).scaleb(-max(units.decimals_of(parent.value), typical))
        low = (part.value - part_half) / (whole + whole_half) * 100
        high = (part.value + part_half) / (whole - whole_half) * 100
        lo_q, hi_q = units.quantize(low, decimals), units.quantize(high, decimals)
        name_zh = part.category or part.mode or part.source or part.district or "该项"
        base_zh = (
            f"{share.value}% 对应 {part.value} {part.unit} ÷ {parent.value} {parent.unit} = {evidence['computed']}%"
        )
        base_en = (
            f"{share.value} % stands for {part.value} / {parent.value} {_unit_en(parent.unit)}"
            f" = {evidence['computed']} %"
        )
        if lo_q <= share.value <= hi_q:
            severity, status = Severity.INFO, "pass"
            zh = f"{name_zh}：{base_zh}，按四舍五入应为 {expected}%；考虑面积本身的舍入，仍属一致。"
            en = f"{base_en}, which rounds to {expected} %; consistent given the rounding of the areas."
        elif units.truncate(computed, decimals) == share.value:
            severity, status = Severity.WARNING, "fail"
            zh = f"{name_zh}：{base_zh}，应四舍五入为 {expected}%，文中为截尾值 {share.value}%。"
            en = f"{base_en}, which rounds to {expected} %; the text gives the truncated value {share.value} %."
        else:
            severity, status = Severity.ERROR, "fail"
            zh = f"{name_zh}：{base_zh}，应为 {expected}%，文中为 {share.value}%。"
            en = f"{base_en}, which rounds to {expected} %, not the stated {share.value} %."
        evidence["difference"] = _fmt(share.value - units.quantize(computed, decimals + 4))
        yield (
            _finding(
                "C5",
                severity=severity,
                message_zh=zh,
                message_en=en,
                evidence=evidence,
                figures=ids,
            ),
            status,
        )


# --- housing (C6, H4, H3) -----------------------------------------------------------------


def _top_level(items: list[Figure]) -> list[Figure]:
    names = [i.category or "" for i in items]

    # 保障性安居工程 holds 廉租/经适/公租/棚改/限价; 商品住房 holds 中小套型. Other
    # sub-items (保障性住房, 保障性租赁住房, 其他商品住房 ...) are siblings.
    def parent_value(pattern: str) -> Decimal | None:
        found = [i.value for i, n in zip(items, names, strict=True) if re.match(pattern, n)]
        return found[0] if found else None

    subsidised = parent_value(r"保障性安居")
    commercial = parent_value(r"(?:普通)?商品住(?:房|宅)")
    subsidised_children = sum(
        (i.value for i, n in zip(items, names, strict=True) if _SUBSIDISED_CHILD.search(n) and "保障性租赁" not in n),
        Decimal(0),
    )
    small = sum(
        (i.value for i, n in zip(items, names, strict=True) if _SMALL_UNIT_CHILD.search(n)),
        Decimal(0),
    )
    # A parent holds its children, so it is at least as large as they are together.
    has_subsidised_parent = subsidised is not None and subsidised >= subsidised_children
    has_commercial_parent = commercial is not None and commercial >= small
    kept = []
    for item, name in zip(items, names, strict=True):
        if has_subsidised_parent and _SUBSIDISED_CHILD.search(name) and "保障性租赁" not in name:
            continue
        if has_commercial_parent and _SMALL_UNIT_CHILD.search(name):
            continue
        kept.append(item)
    return kept


def _housing_findings(
    index: _PlanIndex, params: PlanCheckParams, figures: Sequence[Figure]
) -> Iterable[tuple[str, Finding | None, str]]:
    for unit in index.units():
        residential = next(
            (index.table[(k, unit)][0] for k in index.keys(unit) if _is_residential(k) and k[1:] == (None, None, None)),
            None,
        )
        # Housing sub-items of the whole jurisdiction; a mode on the row (保障性住房
        # 划拨) does not make it another item.
        items_by_name: dict[Any, Figure] = {}
        for k in index.keys(unit):
            if k[0] and k[0][0] == "housing" and k[1] is None and k[3] is None:
                items_by_name.setdefault(k[0], index.table[(k, unit)][0])
        items = list(items_by_name.values())
        if not items:
            continue
        if residential is None:
            continue
        for item in items:
            if item.value > residential.value:
                yield (
                    "C6",
                    _finding(
                        "C6",
                        severity=Severity.ERROR,
                        message_zh=f"{item.category} {item.value} {unit} 超过住宅用地 {residential.value} {unit}。",
                        message_en=(
                            f"{item.category} ({item.value} {_unit_en(unit)}) exceeds "
                            f"residential land ({residential.value} {_unit_en(unit)})."
                        ),
                        evidence={
                            "stated": str(residential.value),
                            "computed": str(item.value),
                            "difference": _fmt(item.value - residential.value),
                            "unit": unit,
                        },
                        figures=(item.id, residential.id),
                    ),
                    "fail",
                )
        top = _top_level(items)
        total = sum((i.value for i in top), Decimal(0))
        if len(top) >= 2 and total > residential.value + sum(units.ulp(i.value) for i in top):
            yield (
                "C6",
                _finding(
                    "C6",
                    severity=Severity.ERROR,
                    message_zh=f"住房子项合计 {_fmt(total)} {unit}，超过住宅用地 {residential.value} {unit}。",
                    message_en=(
                        f"The housing sub-items total {_fmt(total)} {_unit_en(unit)}, more "
                        f"than the residential land of {residential.value} {_unit_en(unit)}."
                    ),
                    evidence={
                        "stated": str(residential.value),
                        "computed": _fmt(total),
                        "difference": _fmt(total - residential.value),
                        "unit": unit,
                    },
                    figures=(residential.id, *(i.id for i in top)),
                ),
                "fail",
            )
        decimals = max(units.decimals_of(i.value) for i in top)
        tolerance = sum(
            (Decimal(1).scaleb(-max(units.decimals_of(i.value), decimals)) for i in top), Decimal(0)
        ) + units.ulp(residential.value)
        difference = total - residential.value
        complete = any(_COMPLETE_HOUSING.search(i.category or "") for i in top)
        if difference > tolerance or (complete and difference < -tolerance):
            yield (
                "H4",
                _finding(
                    "H4",
                    severity=Severity.ERROR,
                    message_zh=(
                        f"住房子项之和为 {_fmt(total)} {unit}，与住宅用地 {residential.value} "
                        f"{unit} 相差 {_fmt(difference)} {unit}。"
                    ),
                    message_en=(
                        f"The housing sub-items add up to {_fmt(total)} {_unit_en(unit)}, {_fmt(difference)} "
                        f"off the residential land of {residential.value} {_unit_en(unit)}."
                    ),
                    evidence={
                        "stated": str(residential.value),
                        "computed": _fmt(total),
                        "difference": _fmt(difference),
                        "tolerance": _fmt(tolerance),
                        "unit": unit,
                    },
                    figures=(residential.id, *(i.id for i in top)),
                ),
                "fail",
            )
        else:
            yield "H4", None, "pass"
        counted = _top_level([i for i in items if _H3_WORDS.search(i.category or "")])
        # The share needs the whole breakdown: the rest (商品住房, 其他) listed too,
        # or the sub-items adding up to the residential land.
        commercial_only = any(
            re.search(r"商品住", i.category or "") and not _SMALL_UNIT_CHILD.search(i.category or "") for i in top
        ) and not any(_SMALL_UNIT_CHILD.search(i.category or "") for i in items)
        if (
            not counted
            or not (complete or abs(difference) <= tolerance)
            or any(i.qualifier for i in counted)
            or commercial_only
        ):
            yield "H3", None, "n/a"
            continue
        guaranteed = sum((i.value for i in counted), Decimal(0))
        share = guaranteed / residential.value if residential.value else Decimal(0)
        pct = units.quantize(share * 100, 2)
        floor_pct = units.quantize(params.housing_share_floor * 100, 0)
        ok = share >= params.housing_share_floor
        yield (
            "H3",
            _finding(
                "H3",
                severity=Severity.INFO if ok else Severity.ERROR,
                message_zh=(
                    f"保障性住房、棚户区改造和中小套型普通商品住房用地合计 {_fmt(guaranteed)} {unit}，占住宅用地 "
                    f"{residential.value} {unit} 的 {pct}%，{'不低于' if ok else '低于'} {floor_pct}%。"
                ),
                message_en=(
                    f"Guaranteed, redevelopment and small-unit housing land is {_fmt(guaranteed)} {_unit_en(unit)}, "
                    f"{pct} % of residential land ({residential.value} {_unit_en(unit)}), "
                    f"{'at least' if ok else 'below'} the {floor_pct} % floor."
                ),
                evidence={
                    "stated": str(residential.value),
                    "computed": _fmt(guaranteed),
                    "share": str(pct),
                    "threshold": str(floor_pct),
                    "unit": unit,
                },
                figures=(residential.id, *(i.id for i in counted)),
            ),
            "pass" if ok else "fail",
        )
        return
    if any(
        f.unit == "%" and f.measure == "other" and f.value in (Decimal(70), Decimal("70.0")) and "住" in f.text
        for f in figures
    ):
        yield (
            "H3",
            _finding(
                "H3",
                severity=Severity.INFO,
                message_zh="文中规定了住房用地 70% 比例要求，但未列出住房子项面积，无法核算。",
                message_en=(
                    "The text states the 70 % housing rule but gives no "
                    "housing sub-item areas, so it cannot be checked."
                ),
                evidence={},
            ),
            "n/a",
        )


# --- duplicates (D1), year (C7), qualifiers (C8) -------------------------------------------


def _duplicate_findings(index: _PlanIndex) -> Iterable[Finding]:
    for (_, unit), figs in index.table.items():
        values = {f.value for f in figs}
        if len(values) > 1:
            first, other = figs[0], next(f for f in figs if f.value != figs[0].value)
            what = _what(first)
            yield _finding(
                "D1",
                severity=Severity.WARNING,
                message_zh=f"{what}在文中出现两次，数值不同：{first.value} 与 {other.value} {unit}。",
                message_en=(
                    f"The same quantity ({what}) is stated twice with different "
                    f"values: {first.value} and {other.value} {_unit_en(unit)}."
                ),
                evidence={
                    "stated": str(first.value),
                    "computed": str(other.value),
                    "difference": _fmt(other.value - first.value),
                    "unit": unit,
                },
                figures=(first.id, other.id),
            )


def _year_findings(plan: SupplyPlan) -> Iterable[Finding]:
    if plan.year is None:
        return
    for fig in plan.figures:
        if not fig.is_planned_area:
            continue
        years = {int(y) for y in re.findall(r"((?:19|20)\d{2})年", fig.text)}
        other = sorted(y for y in years if y != plan.year)
        if other and plan.year not in years:
            yield _finding(
                "C7",
                severity=Severity.WARNING,
                message_zh=f"计划年度为 {plan.year} 年，但该数字所在句子写的是 {other[0]} 年。",
                message_en=f"The plan year is {plan.year}, but the sentence of this figure says {other[0]}.",
                evidence={"stated": str(other[0]), "computed": str(plan.year)},
                figures=(fig.id,),
            )
    if plan.date and plan.date[:4].isdigit() and int(plan.date[:4]) == plan.year and int(plan.date[5:7]) > 3:
        yield _finding(
            "C7",
            severity=Severity.INFO,
            message_zh=f"计划于 {plan.date} 印发，晚于第一季度（国土资发〔2010〕117号要求一季度前公布）。",
            message_en=(
                f"The plan was issued on {plan.date}, after the first quarter in which plans are normally published."
            ),
            evidence={"stated": plan.date},
        )


def _qualifier_findings(plan: SupplyPlan) -> Iterable[Finding]:
    counts = Counter(f.qualifier for f in plan.figures if f.qualifier and f.is_planned_area)
    if not counts:
        return
    names = {
        "approximate": ("约数", "approximate"),
        "upper_bound": ("上限", "upper bounds"),
        "lower_bound": ("下限", "lower bounds"),
    }
    zh = "；".join(f"{names[q][0]} {n} 个" for q, n in counts.items())
    en = "; ".join(f"{n} {names[q][1]}" for q, n in counts.items())
    totals = [
        f
        for f in plan.figures
        if f.is_planned_area and f.category is None and f.district is None and f.mode is None and f.qualifier
    ]
    extra_zh = (
        f"；供应总量 {totals[0].value} {totals[0].unit} 为{names[totals[0].qualifier or 'approximate'][0]}"
        if totals
        else ""
    )
    yield _finding(
        "C8",
        severity=Severity.INFO,
        message_zh=f"带限定词的计划数字按限定词记录（{zh}{extra_zh}），不作为确数。",
        message_en=f"Qualified figures are kept as bounds, not exact values ({en}).",
        evidence=dict(counts),
        figures=tuple(f.id for f in plan.figures if f.qualifier and f.is_planned_area),
    )


# --- entry point ---------------------------------------------------------------------------


def check_plan_figures(
    plan: SupplyPlan, params: PlanCheckParams | None = None
) -> tuple[tuple[Finding, ...], tuple[dict[str, Any], ...]]:
    """Run every plan check and return the findings and a summary of the checks run.

    Parameters
    ----------
    plan
        An extracted plan.
    params
        Rule parameters (defaults from DOMAIN.md).

    Returns
    -------
    findings
        Sorted errors first, then warnings, then info.
    checks
        One entry per rule: ``{"rule", "title_zh", "title_en", "status", "count"}`` with
        status ``pass``, ``fail`` or ``n/a`` (nothing in the plan to check).
    """
    params = params or PlanCheckParams()
    index = _PlanIndex(plan.figures)
    findings: list[Finding] = []
    status: dict[str, list[str]] = {r: [] for r in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "H3", "H4", "D1")}
    groups = [group for unit in index.units() for group in _groups(index, unit)]
    for group in (*groups, *_parcel_groups(index)):
        finding, result = _sum_finding(group)
        status[group.rule].append(result)
        if finding:
            findings.append(finding)
    for finding_or_none, result in _conversion_findings(plan.figures, index.by_id):
        status["C4"].append(result)
        if finding_or_none:
            findings.append(finding_or_none)
    for finding_or_none, result in _share_findings(plan.figures, index):
        status["C5"].append(result)
        if finding_or_none:
            findings.append(finding_or_none)
    for rule_id, finding_or_none, result in _housing_findings(index, params, plan.figures):
        status[rule_id].append(result)
        if finding_or_none:
            findings.append(finding_or_none)
    for finding in (*_duplicate_findings(index), *_year_findings(plan), *_qualifier_findings(plan)):
        status[finding.rule].append("fail" if finding.severity is not Severity.INFO else "pass")
        findings.append(finding)
    findings.sort(key=lambda f: (f.severity.rank, f.rule, f.figures[:1]))
    checks = tuple(
        {
            "rule": rule_id,
            "title_zh": rule(rule_id).title_zh,
            "title_en": rule(rule_id).title_en,
            "status": "fail" if "fail" in results else ("pass" if "pass" in results else "n/a"),
            "count": len(results),
        }
        for rule_id, results in status.items()
    )
    return tuple(findings), checks
