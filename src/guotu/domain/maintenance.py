"""Dynamic maintenance (动态维护) of the master plan: change sets, statistics, reconciliation, rules.

A maintenance is a change set against the current versions of some one-map layers
(DOMAIN.md §4.2, §8.5): items 调入 (WHLX 1), 属性变更 (WHLX 2) and 调出 (WHLX 3), each
with its 维护理由 (WHLY), 维护编号 (WHBH) and, for the 城镇开发边界, its 机动指标来源
(JDZBLY) and 扩展倍数核算类型 (KZBSHSLX). From the items and the areas of the layers
before, the statistics give, per layer, before − 调出 + 调入 = after in the units the
scheme prints (万亩 for farmland, 公顷, m² for small 紫线 changes), by district too.

A maintenance may also be entered from figures only (:func:`seed_record`), as a
published scheme states them: the Yangquan 2026 scheme's figures
(:data:`YANGQUAN_2026`, or :func:`extract_scheme_figures` over its text) must
reconcile within their printed precision.

The checks (:func:`check_statistics`) return :class:`~guotu.domain.findings.Finding`
objects with the rules of DOMAIN.md §6.3 (P2, B1, B3, B4, E1, G1, G2, G3, C5) and the
maintenance rules of this module (:data:`MAINTENANCE_RULES`: M1 reconciliation, M2
boundary reserve arithmetic, M3 unknown codes, M4–M6 geometry of the change polygons).

Examples
--------
>>> record = seed_record()
>>> green = record.figures_for("green_line")
>>> green.before - green.removed + green.added == green.after
True
>>> sorted({f.rule for f in check_statistics(record.statistics(), params=MaintenanceParams.for_jurisdiction("140300"))
...         if f.severity is Severity.ERROR})
['G2']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from guotu.domain import units
from guotu.domain.findings import Finding, Severity
from guotu.domain.layers import ChangeKind, layer_kind
from guotu.domain.rules import Rule, rule
from guotu.errors import InvalidInputError

__all__ = [
    "JDZBLY_CODES",
    "KZBSHSLX_CODES",
    "MAINTAINED_KINDS",
    "MAINTENANCE_RULES",
    "WHLY_CODES",
    "YANGQUAN_2026",
    "BoundaryFigures",
    "ChangeItem",
    "ChangeSet",
    "LayerFigures",
    "LayerUnit",
    "MaintenanceParams",
    "MaintenanceStatus",
    "Statistics",
    "check_items",
    "check_statistics",
    "extract_scheme_figures",
    "maintenance_rule",
    "make_whbh",
    "seed_record",
    "whlx_kind",
]

# ---------------------------------------------------------------------------
# rules of this module (rules.py is shared: these are maintenance-specific, derived)

_DERIVED: Final = "派生一致性规则（动态维护数据模型，DOMAIN.md §4.2、§8.5）"

MAINTENANCE_RULES: Final[dict[str, Rule]] = {
    r.id: r
    for r in (
        Rule(
            "M1",
            "维护前面积 − 调出面积 + 调入面积 = 维护后面积（在表述精度内）",
            "Before − removed + added = after (within the printed precision)",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M2",
            "维护后扩展规模 + 预留机动规模 = 批准扩展规模",
            "Expansion scale after plus reserve equals the approved expansion scale",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M3",
            "维护类型、维护理由、机动指标来源、扩展倍数核算类型须为代码表中的值",
            "Codes must be known",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M4",
            "维护图斑须位于行政辖区范围内",
            "Change polygons must lie inside the jurisdiction",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M5",
            "调出图斑须与维护前图层重叠",
            "A removal must overlap the layer before maintenance",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M6",
            "调入图斑不得与维护前图层已有要素重叠",
            "An addition must not overlap existing features",
            _DERIVED,
            "derived",
        ),
        Rule(
            "M7",
            "重点建设项目清单各状态项目数之和等于总数",
            "Key project counts by status add up to the total",
            "派生一致性规则（重点建设项目清单分项之和等于总数，DOMAIN.md §8.5）",
            "derived",
        ),
    )
}


def maintenance_rule(rule_id: str) -> Rule:
    """Return a rule of this module or of :data:`guotu.domain.rules.RULES`.

    Examples
    --------
    >>> maintenance_rule("M1").title_en.startswith("Before")
    True
    >>> maintenance_rule("G1").id
    'G1'
    """
    return MAINTENANCE_RULES.get(rule_id) or rule(rule_id)


# ---------------------------------------------------------------------------
# code tables (DOMAIN.md §4.2: the real code lists were not found — configurable)

#: 维护理由 (WHLY, Text 3). Illustrative codes: verify against the province's spec.
WHLY_CODES: Final[dict[str, str]] = {
    "01": "国家和省重大战略实施",
    "02": "重大项目建设",
    "03": "灾害预防及避险搬迁",
    "04": "正向优化（布局优化）",
    "05": "数据精准校正",
    "06": "落实上位规划及专项规划",
    "07": "历史文化资源纳入保护",
    "99": "其他",
}

#: 机动指标来源 (JDZBLY, Text 10). Illustrative codes.
JDZBLY_CODES: Final[dict[str, str]] = {
    "1": "预留机动规模",
    "2": "等量进出（调出腾挪）",
    "3": "新增城镇用地等量增减",
}

#: 扩展倍数核算类型 (KZBSHSLX, Text 3). Illustrative codes (DOMAIN.md §8.5: two readings).
KZBSHSLX_CODES: Final[dict[str, str]] = {
    "1": "城镇开发边界面积 / 现状城镇建设用地规模",
    "2": "(现状城镇建设用地规模 + 扩展规模) / 现状城镇建设用地规模",
}


def whlx_kind(code: str | ChangeKind) -> ChangeKind:
    """Return the change kind of a WHLX code (``1``/``2``/``3``) or name (调入/属性变更/调出).

    Raises
    ------
    InvalidInputError
        ``maintenance.whlx_unknown``.

    Examples
    --------
    >>> whlx_kind("3").value, whlx_kind("调入").whlx
    ('调出', '1')
    """
    if isinstance(code, ChangeKind):
        return code
    text = str(code).strip()
    for kind in ChangeKind:
        if text in (kind.whlx, kind.value, f"0{kind.whlx}", kind.name.lower()):
            return kind
    raise InvalidInputError("maintenance.whlx_unknown", code=code)


def make_whbh(day: date, jurisdiction: str, number: int) -> str:
    """Return a 维护编号 (WHBH, 18 characters, date-prefixed): yyyymmdd + 行政区代码 (6) + 4 digits.

    Examples
    --------
    >>> make_whbh(date(2026, 6, 15), "140300", 7)
    '202606151403000007'
    """
    if not (jurisdiction.isdigit() and len(jurisdiction) == 6) or not 0 < number < 10_000:
        raise InvalidInputError("maintenance.whbh_invalid", value=f"{jurisdiction}/{number}")
    return f"{day:%Y%m%d}{jurisdiction}{number:04d}"


# ---------------------------------------------------------------------------
# layers and their units


@dataclass(frozen=True)
class LayerUnit:
    """How a maintained layer's figures are printed: unit, decimals, and the unit of small changes."""

    kind: str
    unit: str
    decimals: int
    change_unit: str | None = None
    change_decimals: int | None = None
    chapter: str = "三条控制线"


#: The layers a maintenance covers, in the scheme's order (DOMAIN.md §8.5), with their printing units.
MAINTAINED_KINDS: Final[dict[str, LayerUnit]] = {
    u.kind: u
    for u in (
        LayerUnit("permanent_basic_farmland", "万亩", 4, chapter="三条控制线"),
        LayerUnit("ecological_red_line", "平方千米", 2, chapter="三条控制线"),
        LayerUnit("urban_development_boundary", "公顷", 2, chapter="三条控制线"),
        LayerUnit("historic_protection_line", "公顷", 4, chapter="其他控制线"),
        LayerUnit("flood_risk_line", "公顷", 4, chapter="其他控制线"),
        LayerUnit("planning_zones", "公顷", 2, chapter="规划分区"),
        LayerUnit("land_use_layout", "公顷", 2, chapter="中心城区用地布局"),
        LayerUnit("green_line", "公顷", 2, chapter="城市控制线"),
        LayerUnit("purple_line", "公顷", 2, "平方米", 2, chapter="城市控制线"),
        LayerUnit("blue_line", "公顷", 2, chapter="城市控制线"),
        LayerUnit("yellow_line", "公顷", 2, chapter="城市控制线"),
    )
}


def _layer_unit(kind: str) -> LayerUnit:
    key = layer_kind(kind).id
    found = MAINTAINED_KINDS.get(key)
    if found is None:
        raise InvalidInputError("maintenance.layer_not_maintained", layer=kind, choices=", ".join(MAINTAINED_KINDS))
    return found


# ---------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class MaintenanceParams:
    """Configurable parameters of the maintenance checks (defaults from DOMAIN.md §6.3; printed in reports).

    Parameters
    ----------
    expansion_limit
        B1/B3: the approved expansion multiple of the 城镇开发边界 (1.3 by default, 1.28 for 阳泉 140300).
    reserve_share_limit
        B4: the largest share of the 预留机动规模 in the approved 扩展规模 ([unconfirmed]; 0.05 as for 乡镇 plans).
    balance_tolerance_m2
        B3/G1: tolerance of the 等量进出 balance, m².
    geometry_tolerance_m2
        M5/M6: overlaps smaller than this (m²) are slivers along shared edges.
    farmland_grade_field
        P2: the attribute holding the farmland quality grade (耕地质量等别: 1 best … 15 worst).
    whly_codes, jdzbly_codes, kzbshslx_codes
        The code tables (:data:`WHLY_CODES` …).
    """

    expansion_limit: Decimal = Decimal("1.3")
    reserve_share_limit: Decimal = Decimal("0.05")
    balance_tolerance_m2: Decimal = Decimal("1")
    geometry_tolerance_m2: float = 1.0
    farmland_grade_field: str = "ZLDJ"
    whly_codes: Mapping[str, str] = field(default_factory=lambda: dict(WHLY_CODES))
    jdzbly_codes: Mapping[str, str] = field(default_factory=lambda: dict(JDZBLY_CODES))
    kzbshslx_codes: Mapping[str, str] = field(default_factory=lambda: dict(KZBSHSLX_CODES))

    @classmethod
    def for_jurisdiction(cls, code: str | None) -> MaintenanceParams:
        """Return the parameters configured for a jurisdiction (or the defaults).

        Examples
        --------
        >>> MaintenanceParams.for_jurisdiction("140300").expansion_limit
        Decimal('1.28')
        >>> MaintenanceParams.for_jurisdiction("990101").expansion_limit
        Decimal('1.3')
        """
        overrides = _JURISDICTION_PARAMS.get(code or "", {})
        return replace(cls(), **overrides)

    def to_dict(self) -> dict[str, str]:
        """Return the values to print in a report."""
        return {
            "expansion_limit": str(self.expansion_limit),
            "reserve_share_limit": str(self.reserve_share_limit),
            "balance_tolerance_m2": str(self.balance_tolerance_m2),
            "geometry_tolerance_m2": str(self.geometry_tolerance_m2),
            "farmland_grade_field": self.farmland_grade_field,
        }


#: Parameters configured per jurisdiction (the approved expansion multiple of 阳泉: 1.28, §8.5).
_JURISDICTION_PARAMS: Final[dict[str, dict[str, Any]]] = {
    "140300": {"expansion_limit": Decimal("1.28")},
}


# ---------------------------------------------------------------------------
# the change set


class MaintenanceStatus(StrEnum):
    """Where a maintenance stands: 草稿 → 已检查 → 已批准."""

    DRAFT = "draft"
    CHECKED = "checked"
    APPROVED = "approved"


@dataclass(frozen=True)
class ChangeItem:
    """One maintenance polygon (WHC feature) or one stated change.

    Parameters
    ----------
    item_id
        Unique within the change set (``I0001`` …).
    layer
        Layer kind id (``green_line`` …).
    kind
        调入 / 属性变更 / 调出 (WHLX 1 / 2 / 3).
    area_m2
        Ellipsoidal area (m², DOMAIN.md §5), exact Decimal of the computed value.
    whly
        维护理由 code (:data:`WHLY_CODES`).
    whbh
        维护编号.
    jdzbly, kzbshslx
        机动指标来源 and 扩展倍数核算类型 (城镇开发边界 only).
    note
        备注 (BZ): the reason in words.
    approval_ref
        The approval document that allows the change (G2 needs one for a 紫线 调出).
    district_m2
        Area by district code (XZQDM → m²), when districts are known.
    attributes
        Attributes of the feature after the change (调入, 属性变更).
    feature_id
        The feature of the layer before (调出, 属性变更) when it is one whole feature.
    geometry_wkb
        The polygon (None for a change entered from figures).
    """

    item_id: str
    layer: str
    kind: ChangeKind
    area_m2: Decimal
    whly: str = "99"
    whbh: str = ""
    jdzbly: str | None = None
    kzbshslx: str | None = None
    note: str = ""
    approval_ref: str | None = None
    district_m2: Mapping[str, Decimal] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    feature_id: str | None = None
    geometry_wkb: bytes | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (Decimals as strings, geometry as hex WKB)."""
        return {
            "item_id": self.item_id,
            "layer": self.layer,
            "whlx": self.kind.whlx,
            "area_m2": str(self.area_m2),
            "whly": self.whly,
            "whbh": self.whbh,
            "jdzbly": self.jdzbly,
            "kzbshslx": self.kzbshslx,
            "note": self.note,
            "approval_ref": self.approval_ref,
            "district_m2": {k: str(v) for k, v in self.district_m2.items()},
            "attributes": dict(self.attributes),
            "feature_id": self.feature_id,
            "geometry_wkb": self.geometry_wkb.hex() if self.geometry_wkb is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChangeItem:
        """Inverse of :meth:`to_dict`."""
        wkb = data.get("geometry_wkb")
        return cls(
            item_id=str(data["item_id"]),
            layer=str(data["layer"]),
            kind=whlx_kind(str(data["whlx"])),
            area_m2=Decimal(str(data["area_m2"])),
            whly=str(data.get("whly") or "99"),
            whbh=str(data.get("whbh") or ""),
            jdzbly=data.get("jdzbly"),
            kzbshslx=data.get("kzbshslx"),
            note=str(data.get("note") or ""),
            approval_ref=data.get("approval_ref"),
            district_m2={str(k): Decimal(str(v)) for k, v in (data.get("district_m2") or {}).items()},
            attributes=dict(data.get("attributes") or {}),
            feature_id=data.get("feature_id"),
            geometry_wkb=bytes.fromhex(wkb) if wkb else None,
        )


@dataclass(frozen=True)
class LayerFigures:
    """The four figures of one layer (or one district of it): before, 调出, 调入, after.

    Values are in ``unit`` (changes in ``change_unit`` when the scheme prints them in
    another unit, e.g. m² for small 紫线 changes); None when not stated. Stated
    figures keep the decimals they were printed with; computed ones are rounded
    half-up to the layer's decimals.
    """

    layer: str
    unit: str
    before: Decimal | None
    removed: Decimal | None
    added: Decimal | None
    after: Decimal | None
    change_unit: str | None = None
    district: str | None = None
    attribute_changed: Decimal | None = None
    source: str = "stated"

    @property
    def changes_unit(self) -> str:
        """Unit of ``removed``/``added``."""
        return self.change_unit or self.unit

    def m2(self, name: str) -> Decimal | None:
        """One figure in m² (exact)."""
        value: Decimal | None = getattr(self, name)
        if value is None:
            return None
        unit = self.changes_unit if name in ("removed", "added", "attribute_changed") else self.unit
        return units.to_m2(value, unit)

    def net_m2(self) -> Decimal | None:
        """Return after − before in m² (None when either is not stated)."""
        before, after = self.m2("before"), self.m2("after")
        return None if before is None or after is None else after - before

    def net(self) -> Decimal | None:
        """Return after − before in ``unit`` (exact: both are printed in it)."""
        return None if self.before is None or self.after is None else self.after - self.before

    def in_unit(self, name: str) -> Decimal | None:
        """``removed``/``added`` converted to ``unit`` (exact when the units are metric)."""
        value: Decimal | None = getattr(self, name)
        if value is None or self.changes_unit == self.unit:
            return value
        return units.convert(value, self.changes_unit, self.unit)

    def computed_after(self) -> Decimal | None:
        """Return before − 调出 + 调入 in ``unit``, unrounded (None when a term is missing)."""
        removed, added = self.in_unit("removed"), self.in_unit("added")
        if self.before is None or removed is None or added is None:
            return None
        return self.before - removed + added

    def tolerance_m2(self) -> Decimal:
        """Half a unit of the last printed decimal of each term, in m² (the printed precision)."""
        total = Decimal(0)
        for name in ("before", "removed", "added", "after"):
            value: Decimal | None = getattr(self, name)
            if value is not None:
                unit = self.changes_unit if name in ("removed", "added") else self.unit
                total += units.to_m2(units.ulp(value), unit) / 2
        return total

    def to_dict(self) -> dict[str, Any]:
        """JSON form (Decimals as strings)."""
        return {
            "layer": self.layer,
            "unit": self.unit,
            "change_unit": self.change_unit,
            "district": self.district,
            "source": self.source,
            **{
                k: (None if getattr(self, k) is None else str(getattr(self, k)))
                for k in ("before", "removed", "added", "after", "attribute_changed")
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LayerFigures:
        """Inverse of :meth:`to_dict`."""

        def dec(key: str) -> Decimal | None:
            value = data.get(key)
            return None if value is None or value == "" else Decimal(str(value))

        unit = str(data.get("unit") or _layer_unit(str(data["layer"])).unit)
        if not units.is_area_unit(unit):
            raise InvalidInputError("maintenance.unit_unknown", unit=unit)
        change_unit = data.get("change_unit")
        if change_unit is not None and not units.is_area_unit(str(change_unit)):
            raise InvalidInputError("maintenance.unit_unknown", unit=change_unit)
        return cls(
            layer=layer_kind(str(data["layer"])).id,
            unit=unit,
            before=dec("before"),
            removed=dec("removed"),
            added=dec("added"),
            after=dec("after"),
            change_unit=str(change_unit) if change_unit else None,
            district=data.get("district"),
            attribute_changed=dec("attribute_changed"),
            source=str(data.get("source") or "stated"),
        )


@dataclass(frozen=True)
class BoundaryFigures:
    """The 城镇开发边界's scale figures (公顷), as approved and after maintenance (DOMAIN.md §6.3 B1/B3/B4).

    Parameters
    ----------
    multiple, multiple_after
        扩展倍数 approved and after (after often not stated: "不突破").
    expansion, expansion_after
        扩展规模 approved and after maintenance.
    reserve, reserve_share_pct
        预留机动规模 and its stated share (%, of ``share_denominator``).
    share_denominator
        What the share is taken of: ``approved_expansion`` (the seed's reading) or ``expansion_after``.
    base, accounting_type
        现状城镇建设用地规模 and the 扩展倍数核算类型 (KZBSHSLX) when known.
    planned_construction_land
        规划城镇建设用地规模.
    existing_added_m2, existing_removed_m2
        B3 等量进出 of 现状建设用地 (m²), when the items say which land they are.
    """

    multiple: Decimal | None = None
    multiple_after: Decimal | None = None
    expansion: Decimal | None = None
    expansion_after: Decimal | None = None
    reserve: Decimal | None = None
    reserve_share_pct: Decimal | None = None
    share_denominator: str = "approved_expansion"
    base: Decimal | None = None
    accounting_type: str | None = None
    planned_construction_land: Decimal | None = None
    existing_added_m2: Decimal | None = None
    existing_removed_m2: Decimal | None = None

    def computed_share_pct(self) -> Decimal | None:
        """Return reserve / denominator × 100, unrounded."""
        denominator = self.expansion if self.share_denominator == "approved_expansion" else self.expansion_after
        if self.reserve is None or not denominator:
            return None
        return self.reserve / denominator * 100

    def multiple_for(self, boundary_area_ha: Decimal | None) -> Decimal | None:
        """Return the expansion multiple of an area, by the accounting type (None when the base is unknown)."""
        if self.base is None or not self.base or boundary_area_ha is None:
            return None
        if self.accounting_type == "2" and self.expansion_after is not None:
            return (self.base + self.expansion_after) / self.base
        return boundary_area_ha / self.base

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = str(value) if isinstance(value, Decimal) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BoundaryFigures:
        """Inverse of :meth:`to_dict`."""
        kwargs: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name not in data or data[name] is None:
                continue
            kwargs[name] = data[name] if name in ("share_denominator", "accounting_type") else Decimal(str(data[name]))
        return cls(**kwargs)


@dataclass(frozen=True)
class Statistics:
    """The statistics of a maintenance: one row per layer, rows per district, the boundary's scale."""

    layers: tuple[LayerFigures, ...]
    districts: tuple[LayerFigures, ...] = ()
    boundary: BoundaryFigures | None = None
    jurisdiction: str | None = None
    items: tuple[ChangeItem, ...] = ()

    def layer(self, kind: str) -> LayerFigures | None:
        """Return the row of a layer kind, if any."""
        key = layer_kind(kind).id
        return next((f for f in self.layers if f.layer == key), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "jurisdiction": self.jurisdiction,
            "layers": [f.to_dict() for f in self.layers],
            "districts": [f.to_dict() for f in self.districts],
            "boundary": self.boundary.to_dict() if self.boundary else None,
        }


@dataclass(frozen=True)
class ChangeSet:
    """A maintenance: its change items against given layer versions, or the figures it states.

    Parameters
    ----------
    key
        ``<行政区代码>-<年度>-<nn>`` (the store record key).
    jurisdiction, year, title
        Whose plan, which 年度, the scheme's title.
    layers
        Layer kind id → (store layer name, base version) maintained.
    items
        The change items.
    stated
        Figures entered from a scheme (a seed record), by layer kind.
    boundary
        The 城镇开发边界 scale figures.
    status
        draft / checked / approved.
    approval_document, approval_date
        The act approving it (set on approval).
    versions_after
        Layer name → version created by the approval.
    """

    key: str
    jurisdiction: str
    year: int
    title: str = ""
    layers: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    items: tuple[ChangeItem, ...] = ()
    stated: Mapping[str, LayerFigures] = field(default_factory=dict)
    boundary: BoundaryFigures | None = None
    status: MaintenanceStatus = MaintenanceStatus.DRAFT
    approval_document: str | None = None
    approval_date: date | None = None
    versions_after: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[dict[str, Any], ...] = ()
    projects: Mapping[str, Any] = field(default_factory=dict)

    def figures_for(self, kind: str) -> LayerFigures:
        """Return the stated figures of a layer kind (``maintenance.layer_not_in_set`` if none)."""
        key = layer_kind(kind).id
        if key not in self.stated:
            raise InvalidInputError("maintenance.layer_not_in_set", layer=kind, key=self.key)
        return self.stated[key]

    def next_item_id(self) -> str:
        """Return the next free item id (``I0001`` …)."""
        numbers = [int(i.item_id[1:]) for i in self.items if re.fullmatch(r"I\d+", i.item_id)]
        return f"I{max(numbers, default=0) + 1:04d}"

    def statistics(self, before_m2: Mapping[str, Decimal] | None = None) -> Statistics:
        """Return the statistics: from the stated figures and, for layers with items, from the items.

        Parameters
        ----------
        before_m2
            Area (m²) of each maintained layer kind before maintenance (from the base versions).
        """
        return compute_statistics(self, before_m2 or {})

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the store record's data)."""
        return {
            "key": self.key,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "title": self.title,
            "layers": {k: [name, version] for k, (name, version) in self.layers.items()},
            "items": [i.to_dict() for i in self.items],
            "stated": {k: f.to_dict() for k, f in self.stated.items()},
            "boundary": self.boundary.to_dict() if self.boundary else None,
            "status": self.status.value,
            "approval_document": self.approval_document,
            "approval_date": self.approval_date.isoformat() if self.approval_date else None,
            "versions_after": dict(self.versions_after),
            "findings": list(self.findings),
            "projects": dict(self.projects),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChangeSet:
        """Inverse of :meth:`to_dict`."""
        approval_date = data.get("approval_date")
        return cls(
            key=str(data["key"]),
            jurisdiction=str(data["jurisdiction"]),
            year=int(data["year"]),
            title=str(data.get("title") or ""),
            layers={str(k): (str(v[0]), int(v[1])) for k, v in (data.get("layers") or {}).items()},
            items=tuple(ChangeItem.from_dict(i) for i in data.get("items") or ()),
            stated={str(k): LayerFigures.from_dict(v) for k, v in (data.get("stated") or {}).items()},
            boundary=BoundaryFigures.from_dict(data["boundary"]) if data.get("boundary") else None,
            status=MaintenanceStatus(str(data.get("status") or "draft")),
            approval_document=data.get("approval_document"),
            approval_date=date.fromisoformat(approval_date) if approval_date else None,
            versions_after={str(k): int(v) for k, v in (data.get("versions_after") or {}).items()},
            findings=tuple(data.get("findings") or ()),
            projects=dict(data.get("projects") or {}),
        )


# ---------------------------------------------------------------------------
# statistics


def _official(value_m2: Decimal, unit: str, decimals: int) -> Decimal:
    """As :func:`guotu.geo.area.official_area`: m² rounded to 2 decimals, converted, rounded half-up."""
    return units.quantize(units.from_m2(units.quantize(value_m2, 2), unit), decimals)


def _computed_row(
    kind: str, before_m2: Decimal | None, items: Sequence[ChangeItem], district: str | None = None
) -> LayerFigures:
    spec = _layer_unit(kind)

    def area(item: ChangeItem) -> Decimal:
        return item.area_m2 if district is None else item.district_m2.get(district, Decimal(0))

    removed = sum((area(i) for i in items if i.kind is ChangeKind.REMOVED), Decimal(0))
    added = sum((area(i) for i in items if i.kind is ChangeKind.ADDED), Decimal(0))
    changed = sum((area(i) for i in items if i.kind is ChangeKind.ATTRIBUTE), Decimal(0))
    change_unit = spec.change_unit
    cu, cd = (change_unit, spec.change_decimals or 2) if change_unit else (spec.unit, spec.decimals)
    after_m2 = None if before_m2 is None else before_m2 - removed + added
    return LayerFigures(
        layer=spec.kind,
        unit=spec.unit,
        before=None if before_m2 is None else _official(before_m2, spec.unit, spec.decimals),
        removed=_official(removed, cu, cd),
        added=_official(added, cu, cd),
        after=None if after_m2 is None else _official(after_m2, spec.unit, spec.decimals),
        change_unit=change_unit,
        district=district,
        attribute_changed=_official(changed, cu, cd),
        source="computed",
    )


def compute_statistics(changes: ChangeSet, before_m2: Mapping[str, Decimal]) -> Statistics:
    """Statistics of a change set: stated rows as given, computed rows for the layers with items.

    The computed rows take 调出/调入 as the sums of the items' ellipsoidal areas and
    after = before − 调出 + 调入, rounded once at the end (official rounding).
    """
    by_layer: dict[str, list[ChangeItem]] = {}
    for item in changes.items:
        by_layer.setdefault(item.layer, []).append(item)
    rows: list[LayerFigures] = []
    district_rows: list[LayerFigures] = []
    order = list(MAINTAINED_KINDS)
    kinds = sorted(set(changes.stated) | set(by_layer) | set(changes.layers), key=order.index)
    for kind in kinds:
        if kind in by_layer or (kind in changes.layers and kind not in changes.stated):
            items = by_layer.get(kind, [])
            rows.append(_computed_row(kind, before_m2.get(kind), items))
            codes = sorted({d for i in items for d in i.district_m2})
            district_rows.extend(_computed_row(kind, None, items, d) for d in codes)
        else:
            rows.append(changes.stated[kind])
    return Statistics(
        layers=tuple(rows),
        districts=tuple(district_rows),
        boundary=changes.boundary,
        jurisdiction=changes.jurisdiction,
        items=changes.items,
    )


# ---------------------------------------------------------------------------
# checks


def _finding(rule_id: str, severity: Severity, zh: str, en: str, **evidence: Any) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message_zh=zh,
        message_en=en,
        evidence={k: str(v) for k, v in evidence.items() if v is not None},
        legal_source=maintenance_rule(rule_id).legal_source,
    )


def _name(kind: str) -> str:
    return layer_kind(kind).name_zh


def _name_en(kind: str) -> str:
    return layer_kind(kind).name_en


def _reconcile(row: LayerFigures) -> list[Finding]:
    where = f"{_name(row.layer)}{'（' + row.district + '）' if row.district else ''}"
    where_en = f"{_name_en(row.layer)}{' (' + row.district + ')' if row.district else ''}"
    computed = row.computed_after()
    if computed is None or row.after is None:
        net = row.net()
        if net is None:
            return []
        return [
            _finding(
                "M1",
                Severity.INFO,
                f"{where}：调出、调入面积未表述，仅核对净变化 {net:+} {row.unit}",
                f"{where_en}: removals and additions not stated; net change {net:+} {row.unit}",
                before=row.before,
                after=row.after,
                net=net,
                unit=row.unit,
            )
        ]
    difference_m2 = units.to_m2(computed, row.unit) - units.to_m2(row.after, row.unit)
    tolerance = row.tolerance_m2()
    ok = abs(difference_m2) <= tolerance
    evidence = {
        "before": row.before,
        "removed": row.removed,
        "added": row.added,
        "change_unit": row.changes_unit,
        "stated_after": row.after,
        "computed_after": computed,
        "difference": computed - row.after,
        "tolerance": units.from_m2(tolerance, row.unit),
        "unit": row.unit,
    }
    if ok:
        return [
            _finding(
                "M1",
                Severity.INFO,
                f"{where}：{row.before} {row.unit} − {row.removed} {row.changes_unit} + {row.added} "
                f"{row.changes_unit} = {computed} {row.unit}，与维护后 {row.after} {row.unit} 在表述精度内一致",
                f"{where_en}: {row.before} {row.unit} − {row.removed} {row.changes_unit} + {row.added} "
                f"{row.changes_unit} = {computed} {row.unit}, agrees with {row.after} {row.unit} within the printed "
                "precision",
                **evidence,
            )
        ]
    return [
        _finding(
            "M1",
            Severity.ERROR,
            f"{where}：维护前 − 调出 + 调入 = {computed} {row.unit}，与维护后 {row.after} {row.unit} 不符",
            f"{where_en}: before − removed + added = {computed} {row.unit}, but after is {row.after} {row.unit}",
            **evidence,
        )
    ]


def _not_reduced(row: LayerFigures, rule_id: str) -> list[Finding]:
    out: list[Finding] = []
    net = row.net_m2()
    if net is not None and net < 0:
        out.append(
            _finding(
                rule_id,
                Severity.ERROR,
                f"{_name(row.layer)}维护后 {row.after} {row.unit} 少于维护前 {row.before} {row.unit}",
                f"{_name_en(row.layer)} after ({row.after} {row.unit}) is less than before ({row.before} {row.unit})",
                before=row.before,
                after=row.after,
                unit=row.unit,
            )
        )
    removed, added = row.m2("removed"), row.m2("added")
    if removed is not None and added is not None and added < removed:
        out.append(
            _finding(
                rule_id,
                Severity.ERROR,
                f"{_name(row.layer)}调入 {row.added} 少于调出 {row.removed} {row.changes_unit}",
                f"{_name_en(row.layer)}: added {row.added} less than removed {row.removed} {row.changes_unit}",
                removed=row.removed,
                added=row.added,
                unit=row.changes_unit,
            )
        )
    if not out and (net is not None or removed is not None):
        out.append(
            _finding(
                rule_id,
                Severity.INFO,
                f"{_name(row.layer)}数量不减少：维护前 {row.before}，维护后 {row.after} {row.unit}",
                f"{_name_en(row.layer)} not reduced: {row.before} → {row.after} {row.unit}",
                before=row.before,
                after=row.after,
                unit=row.unit,
            )
        )
    return out


def _grade(items: Iterable[ChangeItem], kind: ChangeKind, grade_field: str) -> tuple[Decimal, Decimal] | None:
    """Area-weighted mean grade of the items of a kind, and the area graded (None if none is graded)."""
    total = weighted = Decimal(0)
    for item in items:
        if item.kind is not kind:
            continue
        value = item.attributes.get(grade_field)
        if value is None or str(value).strip() == "":
            continue
        try:
            grade = Decimal(str(value))
        except ArithmeticError:
            continue
        total += item.area_m2
        weighted += item.area_m2 * grade
    return None if not total else (weighted / total, total)


def _farmland(row: LayerFigures, items: Sequence[ChangeItem], params: MaintenanceParams) -> list[Finding]:
    out = _not_reduced(row, "P2")
    farm = [i for i in items if i.layer == row.layer]
    grade_in = _grade(farm, ChangeKind.ADDED, params.farmland_grade_field)
    grade_out = _grade(farm, ChangeKind.REMOVED, params.farmland_grade_field)
    if grade_in is not None and grade_out is not None:
        mean_in, mean_out = grade_in[0].quantize(Decimal("0.01")), grade_out[0].quantize(Decimal("0.01"))
        # 等别: 1 is the best grade, so a larger mean is a lower quality.
        if mean_in > mean_out:
            out.append(
                _finding(
                    "P2",
                    Severity.ERROR,
                    f"调入永久基本农田平均质量等别 {mean_in} 低于调出 {mean_out}（质量降低）",
                    f"Farmland added has a lower mean quality grade ({mean_in}) than removed ({mean_out})",
                    grade_added=mean_in,
                    grade_removed=mean_out,
                )
            )
    elif any(i.kind is ChangeKind.REMOVED for i in farm):
        out.append(
            _finding(
                "P2",
                Severity.WARNING,
                "调出、调入永久基本农田未给出质量等别，无法核对质量不降低",
                "Quality grades of removed/added farmland not given: quality cannot be checked",
                field=params.farmland_grade_field,
            )
        )
    return out


def _boundary(row: LayerFigures | None, b: BoundaryFigures | None, params: MaintenanceParams) -> list[Finding]:
    out: list[Finding] = []
    limit = params.expansion_limit
    if row is not None:
        net = row.net_m2()
        if net is not None:
            increased = net > 0
            out.append(
                _finding(
                    "B3",
                    Severity.ERROR if increased else Severity.INFO,
                    f"城镇开发边界面积{'增加' if increased else '未增加'}：{row.before} → {row.after} {row.unit}",
                    f"Urban development boundary {'increased' if increased else 'not increased'}: "
                    f"{row.before} → {row.after} {row.unit}",
                    before=row.before,
                    after=row.after,
                    difference=units.from_m2(net, row.unit),
                    unit=row.unit,
                )
            )
    if b is None:
        return out
    multiple_after = b.multiple_after
    if multiple_after is None and row is not None and row.after is not None:
        computed = b.multiple_for(units.convert(row.after, row.unit, "公顷"))
        multiple_after = None if computed is None else units.quantize(computed, 2)
    for label, value in (("批准", b.multiple), ("维护后", multiple_after)):
        if value is None:
            continue
        over = value > limit
        out.append(
            _finding(
                "B1",
                Severity.ERROR if over else Severity.INFO,
                f"{label}扩展倍数 {value} {'超过' if over else '未超过'}限值 {limit}",
                f"{'Approved' if label == '批准' else 'After'} expansion multiple {value} "
                f"{'exceeds' if over else 'within'} the limit {limit}",
                multiple=value,
                limit=limit,
                accounting_type=b.accounting_type,
            )
        )
    if b.multiple is not None and multiple_after is None:
        out.append(
            _finding(
                "B1",
                Severity.WARNING,
                "维护后扩展倍数未表述，且缺少现状城镇建设用地规模（基数），无法核算",
                "Expansion multiple after maintenance not stated and the base is unknown: cannot be recomputed",
            )
        )
    if b.expansion is not None and b.expansion_after is not None and b.reserve is not None:
        total = b.expansion_after + b.reserve
        tol = (units.ulp(b.expansion_after) + units.ulp(b.reserve) + units.ulp(b.expansion)) / 2
        ok = abs(total - b.expansion) <= tol
        out.append(
            _finding(
                "M2",
                Severity.INFO if ok else Severity.ERROR,
                f"维护后扩展规模 {b.expansion_after} + 预留机动规模 {b.reserve} = {total} 公顷"
                f"{'，等于' if ok else '，不等于'}批准扩展规模 {b.expansion} 公顷",
                f"Expansion after {b.expansion_after} + reserve {b.reserve} = {total} ha "
                f"{'equals' if ok else 'differs from'} the approved {b.expansion} ha",
                expansion_after=b.expansion_after,
                reserve=b.reserve,
                total=total,
                approved=b.expansion,
            )
        )
    if b.expansion is not None and b.expansion_after is not None and b.expansion_after > b.expansion:
        out.append(
            _finding(
                "B1",
                Severity.ERROR,
                f"维护后扩展规模 {b.expansion_after} 超过批准扩展规模 {b.expansion} 公顷",
                f"Expansion after {b.expansion_after} ha exceeds the approved {b.expansion} ha",
            )
        )
    share = b.computed_share_pct()
    if share is not None:
        if b.reserve_share_pct is not None:
            decimals = units.decimals_of(b.reserve_share_pct)
            tolerance = units.ulp(b.reserve_share_pct) / 2
            ok = abs(share - b.reserve_share_pct) <= tolerance
            out.append(
                _finding(
                    "C5",
                    Severity.INFO if ok else Severity.ERROR,
                    f"预留机动规模占比：{b.reserve} / {b.expansion} = {units.quantize(share, decimals + 2)}%，"
                    f"表述 {b.reserve_share_pct}%{'一致' if ok else '不一致'}",
                    f"Reserve share {b.reserve} / {b.expansion} = {units.quantize(share, decimals + 2)} %, "
                    f"stated {b.reserve_share_pct} % {'agrees' if ok else 'differs'}",
                    computed=units.quantize(share, decimals + 2),
                    stated=b.reserve_share_pct,
                    denominator=b.share_denominator,
                )
            )
        limit_pct = params.reserve_share_limit * 100
        over = share > limit_pct
        out.append(
            _finding(
                "B4",
                Severity.ERROR if over else Severity.INFO,
                f"预留机动规模占比 {units.quantize(share, 2)}% {'超过' if over else '未超过'}参数 {limit_pct}%"
                "（参数未经法规确认）",
                f"Reserve share {units.quantize(share, 2)} % {'exceeds' if over else 'within'} the parameter "
                f"{limit_pct} % (not a confirmed legal value)",
                share=units.quantize(share, 4),
                limit=limit_pct,
            )
        )
    if b.existing_added_m2 is not None and b.existing_removed_m2 is not None:
        difference = b.existing_added_m2 - b.existing_removed_m2
        ok = abs(difference) <= params.balance_tolerance_m2
        out.append(
            _finding(
                "B3",
                Severity.INFO if ok else Severity.WARNING,
                f"调入现状建设用地 {b.existing_added_m2} m² 与调出 {b.existing_removed_m2} m² "
                f"{'等量进出' if ok else '不等量'}",
                f"Existing construction land added {b.existing_added_m2} m² vs removed {b.existing_removed_m2} m²: "
                f"{'balanced' if ok else 'not balanced'}",
                difference_m2=difference,
                tolerance_m2=params.balance_tolerance_m2,
            )
        )
    return out


def _boundary_items(items: Sequence[ChangeItem], b: BoundaryFigures | None, params: MaintenanceParams) -> list[Finding]:
    """B3/B4 on the 城镇开发边界 items by their 机动指标来源 (JDZBLY).

    调入 balanced by 调出 (等量进出, JDZBLY 2) must not exceed the 调出; 调入 drawing on the
    reserve (预留机动规模, JDZBLY 1) must not exceed the reserve; a 调入 without a source
    is a warning.
    """
    udb = [i for i in items if i.layer == "urban_development_boundary"]
    if not udb:
        return []
    out: list[Finding] = []
    removed = sum((i.area_m2 for i in udb if i.kind is ChangeKind.REMOVED), Decimal(0))
    balanced = sum((i.area_m2 for i in udb if i.kind is ChangeKind.ADDED and i.jdzbly == "2"), Decimal(0))
    reserve_used = sum((i.area_m2 for i in udb if i.kind is ChangeKind.ADDED and i.jdzbly == "1"), Decimal(0))
    unsourced = [i.item_id for i in udb if i.kind is ChangeKind.ADDED and not i.jdzbly]
    tol = params.balance_tolerance_m2
    if balanced:
        over = balanced > removed + tol
        out.append(
            _finding(
                "B3",
                Severity.ERROR if over else Severity.INFO,
                f"等量进出调入 {units.quantize(balanced, 2)} m² {'超过' if over else '未超过'}调出 "
                f"{units.quantize(removed, 2)} m²",
                f"Balanced additions {units.quantize(balanced, 2)} m² {'exceed' if over else 'within'} the removals "
                f"{units.quantize(removed, 2)} m²",
                added_m2=units.quantize(balanced, 2),
                removed_m2=units.quantize(removed, 2),
            )
        )
    if reserve_used and b is not None and b.reserve is not None:
        reserve_m2 = units.to_m2(b.reserve, "公顷")
        over = reserve_used > reserve_m2 + tol
        out.append(
            _finding(
                "B4",
                Severity.ERROR if over else Severity.INFO,
                f"使用预留机动规模调入 {units.quantize(reserve_used / 10_000, 4)} 公顷"
                f"{'超过' if over else '未超过'}预留机动规模 {b.reserve} 公顷",
                f"Additions drawing on the reserve ({units.quantize(reserve_used / 10_000, 4)} ha) "
                f"{'exceed' if over else 'within'} the reserve {b.reserve} ha",
                used_m2=units.quantize(reserve_used, 2),
                reserve=b.reserve,
            )
        )
    if unsourced:
        out.append(
            _finding(
                "B3",
                Severity.WARNING,
                f"城镇开发边界调入图斑 {'、'.join(unsourced)} 未注明机动指标来源（JDZBLY）",
                f"Urban development boundary additions {', '.join(unsourced)} lack their quota source (JDZBLY)",
                items=",".join(unsourced),
            )
        )
    return out


def _any_change(row: LayerFigures) -> bool:
    removed, added, changed = row.m2("removed"), row.m2("added"), row.m2("attribute_changed")
    net = row.net_m2()
    return bool(removed) or bool(added) or bool(changed) or bool(net)


def _purple(row: LayerFigures, items: Sequence[ChangeItem], approval_ref: str | None) -> list[Finding]:
    removed = row.m2("removed")
    if not removed:
        return []
    refs = {i.approval_ref for i in items if i.layer == row.layer and i.kind is ChangeKind.REMOVED and i.approval_ref}
    if approval_ref:
        refs.add(approval_ref)
    removals = [i for i in items if i.layer == row.layer and i.kind is ChangeKind.REMOVED]
    missing = [i.item_id for i in removals if not i.approval_ref] if removals else []
    if (removals and not missing) or (not removals and refs):
        return [
            _finding(
                "G2",
                Severity.INFO,
                f"城市紫线调出 {row.removed} {row.changes_unit} 已附批准文件：{'；'.join(sorted(refs))}",
                f"Purple line removal {row.removed} {row.changes_unit} has its approval: {'; '.join(sorted(refs))}",
                approval=";".join(sorted(refs)),
            )
        ]
    return [
        _finding(
            "G2",
            Severity.ERROR,
            f"城市紫线调出 {row.removed} {row.changes_unit}，未附批准文件",
            f"Purple line removal of {row.removed} {row.changes_unit} without an approval reference",
            removed=row.removed,
            unit=row.changes_unit,
            items=",".join(missing) or None,
        )
    ]


def check_statistics(
    stats: Statistics,
    *,
    params: MaintenanceParams | None = None,
    approval_refs: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Check the statistics of a maintenance against the rules (DOMAIN.md §6.3) and reconcile its figures.

    Parameters
    ----------
    stats
        From :meth:`ChangeSet.statistics`.
    params
        The configured parameters (default: those of the statistics' jurisdiction).
    approval_refs
        Layer kind → approval reference given for the whole layer (e.g. the 紫线 approval).

    Returns
    -------
    list of Finding
        Errors first, then warnings, then info (for the record: what was checked).
    """
    params = params or MaintenanceParams.for_jurisdiction(stats.jurisdiction)
    refs = approval_refs or {}
    findings: list[Finding] = []
    for row in (*stats.layers, *stats.districts):
        findings.extend(_reconcile(row))
    for row in stats.layers:
        if row.layer == "permanent_basic_farmland":
            findings.extend(_farmland(row, stats.items, params))
        elif row.layer == "green_line":
            findings.extend(_not_reduced(row, "G1"))
        elif row.layer == "purple_line":
            findings.extend(_purple(row, stats.items, refs.get(row.layer)))
        elif row.layer == "ecological_red_line" and _any_change(row):
            findings.append(
                _finding(
                    "E1",
                    Severity.WARNING,
                    "生态保护红线有调整，须按程序报批",
                    "The ecological protection red line changes: this needs approval by the statutory procedure",
                    before=row.before,
                    after=row.after,
                    unit=row.unit,
                )
            )
        elif row.layer in ("blue_line", "yellow_line") and _any_change(row):
            findings.append(
                _finding(
                    "G3",
                    Severity.WARNING,
                    f"{_name(row.layer)}有调整，须履行法定程序",
                    f"The {_name_en(row.layer)} changes: the statutory procedure applies",
                )
            )
    boundary_row = stats.layer("urban_development_boundary")
    if boundary_row is not None or stats.boundary is not None:
        findings.extend(_boundary(boundary_row, stats.boundary, params))
    findings.extend(_boundary_items(stats.items, stats.boundary, params))
    findings.extend(check_items(stats.items, params=params))
    return sorted(findings, key=lambda f: f.severity.rank)


def check_items(items: Sequence[ChangeItem], *, params: MaintenanceParams | None = None) -> list[Finding]:
    """M3: every item's codes (WHLY, JDZBLY, KZBSHSLX, WHBH) must be known and well formed."""
    params = params or MaintenanceParams()
    out: list[Finding] = []
    for item in items:
        problems: list[tuple[str, str]] = []
        if item.whly not in params.whly_codes:
            problems.append(("WHLY", item.whly))
        if item.jdzbly is not None and item.jdzbly not in params.jdzbly_codes:
            problems.append(("JDZBLY", item.jdzbly))
        if item.kzbshslx is not None and item.kzbshslx not in params.kzbshslx_codes:
            problems.append(("KZBSHSLX", item.kzbshslx))
        if item.whbh and not re.fullmatch(r"\d{8}[0-9A-Za-z]{1,10}", item.whbh):
            problems.append(("WHBH", item.whbh))
        if (item.jdzbly or item.kzbshslx) and item.layer != "urban_development_boundary":
            problems.append(("JDZBLY/KZBSHSLX", item.layer))
        for name, value in problems:
            out.append(
                _finding(
                    "M3",
                    Severity.ERROR,
                    f"维护图斑 {item.item_id}：{name} 值「{value}」不在代码表中或格式不符",
                    f"Change {item.item_id}: {name} value {value!r} is not a known code or is malformed",
                    item=item.item_id,
                    field=name,
                    value=value,
                )
            )
    return out


# ---------------------------------------------------------------------------
# the seed: a maintenance entered from figures


#: The figures of 《阳泉市国土空间总体规划2026年度动态维护方案》 (DOMAIN.md §8.5), as printed.
YANGQUAN_2026: Final[dict[str, Any]] = {
    "key": "140300-2026-01",
    "jurisdiction": "140300",
    "year": 2026,
    "title": "阳泉市国土空间总体规划2026年度动态维护方案",
    "stated": {
        "permanent_basic_farmland": {"unit": "万亩", "before": "8.2593", "after": "8.2831"},
        "ecological_red_line": {"unit": "平方千米", "before": "10", "removed": "0", "added": "0", "after": "10"},
        "urban_development_boundary": {"unit": "公顷", "before": "9390.31", "after": "9387.50"},
        "historic_protection_line": {"unit": "公顷", "before": "568.4626", "after": "710.6312"},
        "flood_risk_line": {
            "unit": "公顷",
            "before": "4279.0808",
            "removed": "0",
            "added": "0",
            "after": "4279.0808",
        },
        "green_line": {"unit": "公顷", "before": "300.76", "removed": "6.07", "added": "6.42", "after": "301.11"},
        "purple_line": {
            "unit": "公顷",
            "change_unit": "平方米",
            "before": "8.07",
            "removed": "734.46",
            "added": "982.80",
            "after": "8.09",
        },
    },
    "boundary": {
        "multiple": "1.28",
        "expansion": "973.98",
        "expansion_after": "944.17",
        "reserve": "29.81",
        "reserve_share_pct": "3.06",
        "share_denominator": "approved_expansion",
    },
    "projects": {
        "total": 564,
        "by_status": {"实施": 118, "延续": 229, "撤销": 22, "更新": 15, "新增": 180},
        "modes": ["精准上图", "示意上图", "增补清单"],
    },
}


def seed_record(figures: Mapping[str, Any] | None = None) -> ChangeSet:
    """Build a maintenance record from stated figures (no geometry), by default the Yangquan 2026 scheme.

    Parameters
    ----------
    figures
        A mapping shaped like :data:`YANGQUAN_2026` (or :func:`extract_scheme_figures`'s result).

    Raises
    ------
    InvalidInputError
        ``maintenance.figures_invalid`` for a malformed mapping, ``layer.kind_unknown``.
    """
    data = dict(figures if figures is not None else YANGQUAN_2026)
    try:
        stated = {
            layer_kind(kind).id: LayerFigures.from_dict({"layer": kind, **values})
            for kind, values in dict(data.get("stated") or {}).items()
        }
        return ChangeSet(
            key=str(data["key"]),
            jurisdiction=str(data["jurisdiction"]),
            year=int(data["year"]),
            title=str(data.get("title") or ""),
            stated=stated,
            boundary=BoundaryFigures.from_dict(data["boundary"]) if data.get("boundary") else None,
            projects=dict(data.get("projects") or {}),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidInputError("maintenance.figures_invalid", reason=str(exc)) from None


_NUM = r"(\d+(?:\.\d+)?)"
_SCHEME_PATTERNS: Final[tuple[tuple[str, str, dict[str, int], dict[str, str]], ...]] = (
    (
        "permanent_basic_farmland",
        rf"永久基本农田保护红线\s*{_NUM}\s*万亩[，,]\s*维护后永久基本农田\s*{_NUM}\s*万亩",
        {"before": 1, "after": 2},
        {"unit": "万亩"},
    ),
    (
        "ecological_red_line",
        rf"生态保护红线\s*{_NUM}\s*平方千米[，,]\s*本次动态维护不涉及生态保护红线调整",
        {"before": 1, "after": 1},
        {"unit": "平方千米", "removed": "0", "added": "0"},
    ),
    (
        "urban_development_boundary",
        rf"城镇开发边界\s*{_NUM}\s*公顷.*?维护后城镇开发边界总面积\s*{_NUM}\s*公顷",
        {"before": 1, "after": 2},
        {"unit": "公顷"},
    ),
    (
        "historic_protection_line",
        rf"历史文化保护线\s*{_NUM}\s*公顷.*?维护后历史文化保护线\s*{_NUM}\s*公顷",
        {"before": 1, "after": 2},
        {"unit": "公顷"},
    ),
    (
        "flood_risk_line",
        rf"洪涝风险控制线\s*{_NUM}\s*公顷[，,]\s*本次动态维护不涉及",
        {"before": 1, "after": 1},
        {"unit": "公顷", "removed": "0", "added": "0"},
    ),
    (
        "green_line",
        rf"城市绿线\s*{_NUM}\s*公顷。\s*本次调出城市绿线\s*{_NUM}\s*公顷[，,]\s*调入城市绿线\s*{_NUM}\s*公顷"
        rf".*?维护后城市绿线\s*{_NUM}\s*公顷",
        {"before": 1, "removed": 2, "added": 3, "after": 4},
        {"unit": "公顷"},
    ),
    (
        "purple_line",
        rf"城市紫线\s*{_NUM}\s*公顷。\s*本次调出面积\s*{_NUM}\s*平方米[，,]\s*调入面积\s*{_NUM}\s*平方米"
        rf".*?维护后城市紫线\s*{_NUM}\s*公顷",
        {"before": 1, "removed": 2, "added": 3, "after": 4},
        {"unit": "公顷", "change_unit": "平方米"},
    ),
)
_BOUNDARY_PATTERN: Final = re.compile(
    rf"扩展倍数\s*{_NUM}\s*倍[，,、]\s*扩展规\s*模\s*{_NUM}\s*公顷.*?扩展规模\s*{_NUM}\s*公顷[，,、]\s*"
    rf"预留机动规模\s*{_NUM}\s*公顷[（(]占比\s*{_NUM}\s*%",
    re.S,
)
_PROJECTS_PATTERN: Final = re.compile(
    r"重点建设项目共\s*(\d+)\s*项[，,]\s*其中[，,]\s*实施\s*(\d+)\s*项、\s*延续\s*(\d+)\s*项、\s*撤销\s*(\d+)\s*项、"
    r"\s*更新\s*(\d+)\s*项、\s*新增\s*(\d+)\s*项"
)
_TITLE_PATTERN: Final = re.compile(r"(\S+?市)国土空间总体规划\s*(\d{4})\s*年度动态维护方案")


def extract_scheme_figures(text: str, *, jurisdiction: str, key: str | None = None) -> dict[str, Any]:
    """Read the figures of a maintenance scheme's text (a small regex pass over its wording).

    Built on the Yangquan 2026 scheme's wording; a figure whose sentence is
    worded differently is simply not extracted (the record then lacks it).

    Returns
    -------
    dict
        Shaped like :data:`YANGQUAN_2026`, for :func:`seed_record`.

    Raises
    ------
    InvalidInputError
        ``maintenance.scheme_unreadable`` when no figure at all is found.
    """
    flat = re.sub(r"[ \t\u3000]+", " ", text)
    flat_joined = re.sub(r"\s*\n\s*", "", flat)
    stated: dict[str, dict[str, str]] = {}
    for kind, pattern, groups, fixed in _SCHEME_PATTERNS:
        match = re.search(pattern, flat_joined, re.S)
        if match:
            stated[kind] = {**fixed, **{name: match.group(i) for name, i in groups.items()}}
    boundary: dict[str, str] | None = None
    match = _BOUNDARY_PATTERN.search(flat_joined)
    if match:
        boundary = {
            "multiple": match.group(1),
            "expansion": match.group(2),
            "expansion_after": match.group(3),
            "reserve": match.group(4),
            "reserve_share_pct": match.group(5),
            "share_denominator": "approved_expansion",
        }
    projects: dict[str, Any] = {}
    match = _PROJECTS_PATTERN.search(flat_joined)
    if match:
        projects = {
            "total": int(match.group(1)),
            "by_status": dict(
                zip(("实施", "延续", "撤销", "更新", "新增"), (int(match.group(i)) for i in range(2, 7)), strict=True)
            ),
            "modes": [m for m in ("精准上图", "示意上图", "增补清单") if m in flat_joined],
        }
    if not stated and boundary is None and not projects:
        raise InvalidInputError("maintenance.scheme_unreadable")
    title = _TITLE_PATTERN.search(flat_joined)
    year = int(title.group(2)) if title else date.today().year
    return {
        "key": key or f"{jurisdiction}-{year}-01",
        "jurisdiction": jurisdiction,
        "year": year,
        "title": f"{title.group(1)}国土空间总体规划{year}年度动态维护方案" if title else "",
        "stated": stated,
        "boundary": boundary,
        "projects": projects,
    }
