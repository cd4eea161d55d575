"""Parcel compliance review (合规性审查): parcel attributes, parameters, policy checks, conclusion.

A review puts one parcel (宗地) against the one map's layers in force on the review
date, the year's supply plan and the land-supply rules (DOMAIN.md §6), and ends in a
conclusion: 符合, 需论证 or 不符合. This module holds everything that is not geometry:

* :class:`ParcelAttributes`: proposed use (normalised by :mod:`guotu.domain.classification`),
  declared area, FAR range, supply mode and method, district, year, city-size class;
* :class:`ReviewParams`: every parameter of the checks — the rule of each layer kind
  (禁止占用 / 需论证 / 允许), its sliver thresholds, the city-size caps of H1, the FAR
  floor of H2, the 经营性 use list of S1, the 划拨目录 list of S2 … — printed in reports;
* :class:`LayerResult`: what the geometry engine (``guotu.geo.review``) found for one layer;
* :func:`evaluate`: the findings (P1, E1, B2, G1–G3, H1, H2, S1, S2 and the review's own
  Z1, Z2, Q1, Q2, A1, F1, N1) and the conclusion;
* :class:`Review`: the whole result and its JSON contract (``docs/review.schema.json``).

Findings are data (:class:`guotu.domain.findings.Finding`); a failed rule is never an
exception. Areas are official figures (``Decimal``) computed from the engine's float m².

Examples
--------
>>> attrs = ParcelAttributes.build(use="0701", mode="出让", method="挂牌", far_min="0.8", city_size="中等城市")
>>> attrs.use_codes, attrs.mode.value
(('0701',), '出让')
>>> [f.rule for f in policy_findings(attrs, 150_000.0, ReviewParams())]
['H1', 'H2']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from guotu.domain.classification import get_class, normalize_use
from guotu.domain.findings import Finding, Severity
from guotu.domain.layers import Control, layer_kind
from guotu.domain.rules import RULES, Rule
from guotu.domain.units import from_m2, quantize
from guotu.errors import InvalidInputError

__all__ = [
    "REVIEW_RULES",
    "SCHEMA_ID",
    "CitySize",
    "Conclusion",
    "LayerResult",
    "LayerRule",
    "ParcelAttributes",
    "ParcelSummary",
    "PlanCheck",
    "Relation",
    "Review",
    "ReviewParams",
    "SupplyMethod",
    "SupplyMode",
    "ValueHit",
    "conclusion_of",
    "evaluate",
    "layer_findings",
    "official",
    "plan_findings",
    "policy_findings",
    "review_rule",
]

#: Identifier of the JSON contract (bump on incompatible changes).
SCHEMA_ID: Final = "guotu.review/1"


# --------------------------------------------------------------------------- enums


class Conclusion(StrEnum):
    """The conclusion of a review."""

    COMPLIANT = "符合"
    NEEDS_JUSTIFICATION = "需论证"
    NON_COMPLIANT = "不符合"

    @property
    def en(self) -> str:
        """English label."""
        return {"符合": "compliant", "需论证": "needs justification", "不符合": "non-compliant"}[self.value]


class SupplyMode(StrEnum):
    """Supply mode of state-owned construction land (DOMAIN.md §2.4)."""

    GRANT = "出让"
    ALLOCATION = "划拨"
    LEASE = "租赁"


class SupplyMethod(StrEnum):
    """How a grant (出让) is made: 招标, 拍卖, 挂牌 (招拍挂) or 协议."""

    TENDER = "招标"
    AUCTION = "拍卖"
    LISTING = "挂牌"
    NEGOTIATION = "协议"


class CitySize(StrEnum):
    """City-size class of the jurisdiction (国发〔2014〕51号), set by configuration."""

    SMALL = "小城市"
    MEDIUM = "中等城市"
    LARGE = "大城市"
    VERY_LARGE = "特大城市"
    MEGA = "超大城市"


class Relation(StrEnum):
    """Where the parcel lies with respect to one layer."""

    INSIDE = "inside"  # 完全位于
    PARTLY = "partly"  # 部分占用
    OUTSIDE = "outside"  # 未占用
    TOUCHING = "touching"  # 仅边界相接 (no area)
    SLIVER = "sliver"  # 微小重叠, below the layer's thresholds
    NO_DATA = "no_data"  # 无数据

    @property
    def zh(self) -> str:
        """Chinese label."""
        return _RELATION_ZH[self.value]


_RELATION_ZH: Final = {
    "inside": "完全位于",
    "partly": "部分占用",
    "outside": "未占用",
    "touching": "仅边界相接",
    "sliver": "微小重叠（碎片）",
    "no_data": "无数据",
}

_CONTROL_ZH: Final = {"forbid": "禁止占用", "conditional": "需论证", "allow": "允许", "info": "仅供参考"}

_ALIASES: Final[dict[str, dict[str, str]]] = {
    "mode": {"grant": "出让", "allocation": "划拨", "allocate": "划拨", "lease": "租赁"},
    "method": {"tender": "招标", "auction": "拍卖", "listing": "挂牌", "negotiation": "协议", "agreement": "协议"},
    "city_size": {
        "建制镇": "小城市",
        "小城市和建制镇": "小城市",
        "small": "小城市",
        "medium": "中等城市",
        "large": "大城市",
        "very_large": "特大城市",
        "mega": "超大城市",
        "I型大城市": "大城市",
        "II型大城市": "大城市",
        "Ⅰ型大城市": "大城市",
        "Ⅱ型大城市": "大城市",
        "I型小城市": "小城市",
        "II型小城市": "小城市",
    },
}


def _enum(kind: str, cls: type[StrEnum], value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, cls):
        return value
    text = str(value).strip()
    text = _ALIASES.get(kind, {}).get(text.lower(), _ALIASES.get(kind, {}).get(text, text))
    try:
        return cls(text)
    except ValueError:
        raise InvalidInputError(
            "review.option_invalid", option=kind, value=value, choices=", ".join(m.value for m in cls)
        ) from None


def _decimal(name: str, value: Any, *, positive: bool = False) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInputError("review.number_invalid", field=name, value=value) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise InvalidInputError("review.number_invalid", field=name, value=value)
    return number


def official(value_m2: float, unit: str, decimals: int) -> Decimal:
    """Return an official figure from a computed area: m² rounded to 2 decimals, converted, rounded.

    The same rounding as :func:`guotu.geo.area.official_area` (DOMAIN.md §5.2 point 5).

    Examples
    --------
    >>> official(15_000.004, "公顷", 4), official(15_000.004, "亩", 2)
    (Decimal('1.5000'), Decimal('22.50'))
    """
    square_metres = quantize(Decimal(repr(max(float(value_m2), 0.0))), 2)
    return quantize(from_m2(square_metres, unit), decimals)


# --------------------------------------------------------------------------- rules


#: The review's own rules (the catalogue :data:`guotu.domain.rules.RULES` holds the legal ones).
REVIEW_RULES: Final[dict[str, Rule]] = {
    r.id: r
    for r in (
        Rule(
            "Z1",
            "拟用途应与国土空间规划分区相符",
            "The proposed use fits the planning zone",
            "《中华人民共和国土地管理法》第四条、第二十一条；《市级国土空间总体规划编制指南(试行)》(2020)",
            "knowledge",
        ),
        Rule(
            "Z2",
            "拟用途应与规划用地用海（详细规划）用途相符",
            "The proposed use fits the planned land use (detailed plan)",
            "《中华人民共和国城乡规划法》第三十八条（出让前依据控制性详细规划提出规划条件）",
            "knowledge",
        ),
        Rule(
            "Q1",
            "年度国有建设用地供应计划应有该类用地、该区县的剩余指标",
            "The year's supply plan has quota left for this category and district",
            "《国有建设用地供应计划编制规范(试行)》（国土资发〔2010〕117号）",
            "knowledge",
        ),
        Rule(
            "Q2",
            "计划有宗地表时，宗地应列入供应计划宗地表",
            "When the plan lists its parcels, the parcel is in the list",
            "《国有建设用地供应计划编制规范(试行)》（国土资发〔2010〕117号）",
            "knowledge",
        ),
        Rule(
            "A1",
            "申报面积与图形计算椭球面积应一致（容差内）",
            "Declared area agrees with the computed ellipsoidal area (within tolerance)",
            "国土调查办发〔2008〕32号（椭球面积计算）；项目容差约定",
            "derived",
        ),
        Rule(
            "F1",
            "洪涝风险控制线内的建设应进行洪涝风险评估",
            "Building inside the flood risk control line needs a flood risk assessment",
            "《市级国土空间总体规划编制指南(试行)》(2020)；《中华人民共和国防洪法》第三十三条",
            "knowledge",
        ),
        Rule(
            "N1",
            "审查图层在宗地所在区县无数据，不能判定",
            "A review layer has no data for the parcel's district: cannot be decided",
            "审查数据完整性要求（派生）",
            "derived",
        ),
    )
}


def review_rule(rule_id: str) -> Rule:
    """Return a rule of the catalogue or of the review's own rules (KeyError if unknown).

    Examples
    --------
    >>> review_rule("P1").legal_source, review_rule("Z1").id
    ('《中华人民共和国土地管理法》第三十五条', 'Z1')
    """
    return RULES[rule_id] if rule_id in RULES else REVIEW_RULES[rule_id]


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class LayerRule:
    """How one layer kind is reviewed.

    Parameters
    ----------
    kind
        Layer kind id (:mod:`guotu.domain.layers`).
    control
        禁止占用 (forbid), 需论证 (conditional), 允许 (allow) or 仅供参考 (info).
    rule
        The rule ID its findings cite (P1, E1, B2, G1 …), None for none.
    min_area_m2
        Overlaps smaller than this are slivers (reported as such, no violation).
    tolerance_m
        Overlaps thinner than this (2 × area / perimeter) are slivers too.
    required
        A missing layer is a warning (N1) rather than a note.
    """

    kind: str
    control: Control
    rule: str | None
    min_area_m2: Decimal = Decimal("1.0")
    tolerance_m: Decimal = Decimal("0.05")
    required: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "control", Control(self.control))
        object.__setattr__(self, "min_area_m2", Decimal(str(self.min_area_m2)))
        object.__setattr__(self, "tolerance_m", Decimal(str(self.tolerance_m)))

    @property
    def control_zh(self) -> str:
        """Chinese label of the control."""
        return _CONTROL_ZH[self.control.value]


_CONSTRUCTION: Final = ("06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16")

_DEFAULT_LAYER_RULES: Final = (
    LayerRule("permanent_basic_farmland", Control.FORBID, "P1", required=True),
    LayerRule("ecological_red_line", Control.FORBID, "E1", required=True),
    LayerRule("urban_development_boundary", Control.CONDITIONAL, "B2", required=True),
    LayerRule("historic_protection_line", Control.CONDITIONAL, "G2"),
    LayerRule("purple_line", Control.FORBID, "G2"),
    LayerRule("green_line", Control.FORBID, "G1"),
    LayerRule("blue_line", Control.CONDITIONAL, "G3"),
    LayerRule("yellow_line", Control.CONDITIONAL, "G3"),
    LayerRule("flood_risk_line", Control.CONDITIONAL, "F1"),
    LayerRule("planning_zones", Control.INFO, "Z1", Decimal("10.0"), required=True),
    LayerRule("land_use_layout", Control.INFO, "Z2", Decimal("10.0")),
    LayerRule("current_land_use", Control.INFO, None, Decimal("10.0")),
)

#: Allowed proposed uses (用地用海 2023 code prefixes) per planning zone (GHFQDM code or name).
#: The GHFQDM values are the illustrative ones of ``guotu.geo.synthetic`` (provinces differ,
#: DOMAIN.md §4.3): configure the province's codes.
_DEFAULT_ZONE_USES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("01", ("12", "13")),  # 生态保护区: only linear infrastructure, as needed
    ("02", ("12", "13", "1401", "1402")),  # 生态控制区
    ("03", ("12", "13", "0602")),  # 农田保护区
    ("04", _CONSTRUCTION),  # 城镇发展区
    ("05", ("0601", "0602", "0703", "0704", "12", "13", "1401", "1402", "15")),  # 乡村发展区
    ("07", ("1002", "1003", "12", "13")),  # 矿产能源发展区
    ("生态保护区", ("12", "13")),
    ("生态控制区", ("12", "13", "1401", "1402")),
    ("农田保护区", ("12", "13", "0602")),
    ("城镇发展区", _CONSTRUCTION),
    ("城镇集中建设区", _CONSTRUCTION),
    ("城镇弹性发展区", _CONSTRUCTION),
    ("特别用途区", ("12", "13", "14")),
    ("乡村发展区", ("0601", "0602", "0703", "0704", "12", "13", "1401", "1402", "15")),
    ("村庄建设区", ("0601", "0602", "0703", "0704", "08", "12", "13", "14", "15")),
    ("矿产能源发展区", ("1002", "1003", "12", "13")),
)


@dataclass(frozen=True)
class ReviewParams:
    """Every parameter of the review, with its default (DOMAIN.md §6; printed in reports).

    Parameters
    ----------
    layer_rules
        The rule of each layer kind (see :class:`LayerRule`).
    area_tolerance
        A1: relative difference between declared and computed area allowed.
    area_tolerance_m2
        A1: absolute difference always allowed.
    city_size_caps_ha
        H1: the residential parcel size cap of each city-size class, 公顷.
    far_floor
        H2: the residential plot-ratio floor (inclusive).
    residential_uses
        H1/H2: use code prefixes that are residential (城镇住宅).
    operating_uses
        S1: 经营性 uses (商品住宅, 商业服务业 incl. 旅游 and 娱乐, 工业).
    allocation_uses
        S2: uses of the 《划拨用地目录》 (机关团体、公共服务、交通、公用设施、绿地、军事 …).
    urban_uses
        B2: uses that are concentrated urban construction.
    red_line_banned_uses
        E1: uses banned inside the ecological red line (others there are warnings).
    zone_uses
        Z1: allowed use prefixes per planning zone code or name.
    """

    layer_rules: tuple[LayerRule, ...] = _DEFAULT_LAYER_RULES
    area_tolerance: Decimal = Decimal("0.01")
    area_tolerance_m2: Decimal = Decimal("1.0")
    city_size_caps_ha: tuple[tuple[CitySize, Decimal], ...] = (
        (CitySize.SMALL, Decimal(7)),
        (CitySize.MEDIUM, Decimal(14)),
        (CitySize.LARGE, Decimal(20)),
        (CitySize.VERY_LARGE, Decimal(20)),
        (CitySize.MEGA, Decimal(20)),
    )
    far_floor: Decimal = Decimal("1.0")
    residential_uses: tuple[str, ...] = ("0701",)
    operating_uses: tuple[str, ...] = ("0701", "09", "1001")
    allocation_uses: tuple[str, ...] = ("08", "12", "13", "14", "1501", "1502", "1505", "1506")
    urban_uses: tuple[str, ...] = ("0701", "09", "1001")
    red_line_banned_uses: tuple[str, ...] = ("07", "09", "10", "11")
    zone_uses: tuple[tuple[str, tuple[str, ...]], ...] = _DEFAULT_ZONE_USES

    def layer_rule(self, kind: str) -> LayerRule:
        """Return the rule of a layer kind (kinds without one are for information only)."""
        for item in self.layer_rules:
            if item.kind == kind:
                return item
        return LayerRule(kind, Control.INFO, None)

    def cap_ha(self, size: CitySize) -> Decimal:
        """H1 cap of a city-size class."""
        return dict(self.city_size_caps_ha)[size]

    def with_layer_rule(self, kind: str, **changes: Any) -> ReviewParams:
        """Return a copy with one layer kind's rule changed (e.g. ``control=Control.CONDITIONAL``)."""
        rules = tuple(replace(r, **changes) if r.kind == kind else r for r in self.layer_rules)
        if all(r.kind != kind for r in rules):
            rules = (*rules, replace(LayerRule(kind, Control.INFO, None), **changes))
        return replace(self, layer_rules=rules)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (Decimals as strings)."""
        raw = asdict(self)
        raw["layer_rules"] = [
            {**asdict(r), "control": r.control.value, "control_zh": r.control_zh} for r in self.layer_rules
        ]
        raw["city_size_caps_ha"] = {s.value: str(v) for s, v in self.city_size_caps_ha}
        raw["zone_uses"] = {k: list(v) for k, v in self.zone_uses}
        return json.loads(json.dumps(raw, default=str, ensure_ascii=False))  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ReviewParams:
        """Inverse of :meth:`to_dict` (for re-running a stored review)."""
        rules = tuple(
            LayerRule(
                r["kind"],
                Control(r["control"]),
                r.get("rule"),
                Decimal(str(r["min_area_m2"])),
                Decimal(str(r["tolerance_m"])),
                bool(r.get("required", False)),
            )
            for r in raw["layer_rules"]
        )
        return cls(
            layer_rules=rules,
            area_tolerance=Decimal(raw["area_tolerance"]),
            area_tolerance_m2=Decimal(raw["area_tolerance_m2"]),
            city_size_caps_ha=tuple((CitySize(k), Decimal(v)) for k, v in raw["city_size_caps_ha"].items()),
            far_floor=Decimal(raw["far_floor"]),
            residential_uses=tuple(raw["residential_uses"]),
            operating_uses=tuple(raw["operating_uses"]),
            allocation_uses=tuple(raw["allocation_uses"]),
            urban_uses=tuple(raw["urban_uses"]),
            red_line_banned_uses=tuple(raw["red_line_banned_uses"]),
            zone_uses=tuple((k, tuple(v)) for k, v in raw["zone_uses"].items()),
        )

    def with_overrides(self, raw: Mapping[str, Any]) -> ReviewParams:
        """Return a copy with the values of ``raw`` (a configuration file's JSON) changed.

        ``layer_rules`` maps a layer kind to the fields of its rule that change
        (``{"green_line": {"control": "conditional", "min_area_m2": "5"}}``); lists and
        numbers replace the defaults; ``city_size_caps_ha`` and ``zone_uses`` are merged.

        Raises
        ------
        guotu.errors.InvalidInputError
            ``review.params_invalid`` for an unknown key or value.
        """
        params = self
        try:
            for key, value in raw.items():
                if key == "layer_rules":
                    for kind, changes in value.items():
                        layer_kind(kind)
                        unknown = set(changes) - {"control", "rule", "min_area_m2", "tolerance_m", "required"}
                        if unknown:
                            raise KeyError(", ".join(sorted(unknown)))
                        params = params.with_layer_rule(kind, **changes)
                elif key == "city_size_caps_ha":
                    caps = dict(params.city_size_caps_ha)
                    caps.update({_enum("city_size", CitySize, k): Decimal(str(v)) for k, v in value.items()})
                    params = replace(params, city_size_caps_ha=tuple(caps.items()))
                elif key == "zone_uses":
                    zones = dict(params.zone_uses)
                    zones.update({str(k): tuple(v) for k, v in value.items()})
                    params = replace(params, zone_uses=tuple(zones.items()))
                elif key in ("area_tolerance", "area_tolerance_m2", "far_floor"):
                    numbers: dict[str, Any] = {key: Decimal(str(value))}
                    params = replace(params, **numbers)
                elif key in (
                    "residential_uses",
                    "operating_uses",
                    "allocation_uses",
                    "urban_uses",
                    "red_line_banned_uses",
                ):
                    uses: dict[str, Any] = {key: tuple(str(v) for v in value)}
                    params = replace(params, **uses)
                else:
                    raise KeyError(key)
        except (KeyError, ValueError, TypeError, ArithmeticError, AttributeError) as err:
            raise InvalidInputError("review.params_invalid", reason=str(err)) from None
        return params

    def digest(self) -> str:
        """SHA-256 of the parameters (a rule version)."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _matches(codes: Iterable[str], prefixes: Iterable[str]) -> bool:
    wanted = tuple(prefixes)
    return any(code.startswith(p) for code in codes for p in wanted)


# --------------------------------------------------------------------------- parcel attributes


@dataclass(frozen=True)
class ParcelAttributes:
    """What the applicant declares about a parcel.

    Build it with :meth:`build`, which checks and normalises the values.

    Parameters
    ----------
    use
        The proposed use as given (a class code of any scheme, or a plan name).
    use_codes
        Its 用地用海 2023 codes.
    use_name
        Name of the class (or plan label).
    declared_area_ha
        Area as declared, 公顷.
    far_min, far_max
        Plot ratio (容积率) range.
    mode, method
        Supply mode and, for 出让, the method.
    district
        Code of the district (区县) the parcel lies in.
    year
        Supply-plan year.
    city_size
        City-size class of the jurisdiction (H1).
    parcel_id, name
        The parcel's code (宗地代码) and name.
    key_project_approval
        Approval reference of a State Council approved key project (P1 exception).
    """

    use: str
    use_codes: tuple[str, ...]
    use_name: str = ""
    declared_area_ha: Decimal | None = None
    far_min: Decimal | None = None
    far_max: Decimal | None = None
    mode: SupplyMode | None = None
    method: SupplyMethod | None = None
    district: str | None = None
    year: int | None = None
    city_size: CitySize | None = None
    parcel_id: str | None = None
    name: str | None = None
    key_project_approval: str | None = None

    @classmethod
    def build(
        cls,
        *,
        use: str,
        declared_area_ha: Any = None,
        far_min: Any = None,
        far_max: Any = None,
        far: Any = None,
        mode: Any = None,
        method: Any = None,
        district: str | None = None,
        year: Any = None,
        city_size: Any = None,
        parcel_id: str | None = None,
        name: str | None = None,
        key_project_approval: str | None = None,
    ) -> ParcelAttributes:
        """Check and normalise the attributes.

        ``far`` is a single value or a range ``"1.0-2.5"`` (sets both ends).

        Raises
        ------
        guotu.errors.InvalidInputError
            ``classification.use_unknown`` (unknown use), ``review.option_invalid``,
            ``review.number_invalid``, ``review.far_range``, ``review.method_without_grant``.
        """
        if not str(use or "").strip():
            raise InvalidInputError("review.use_missing")
        normal = normalize_use(str(use))
        if not normal.codes:
            raise InvalidInputError("review.use_unspecific", value=use)
        if far is not None and str(far).strip():
            text = str(far).replace("～", "-").replace("~", "-").replace("—", "-").strip()
            low, _, high = text.partition("-") if "-" in text[1:] else (text, "", text)
            far_min = far_min if far_min is not None else low
            far_max = far_max if far_max is not None else (high or low)
        low_far = _decimal("far_min", far_min)
        high_far = _decimal("far_max", far_max)
        if low_far is not None and high_far is not None and low_far > high_far:
            raise InvalidInputError("review.far_range", far_min=low_far, far_max=high_far)
        supply_mode = _enum("mode", SupplyMode, mode)
        supply_method = _enum("method", SupplyMethod, method)
        if supply_method is not None and supply_mode not in (None, SupplyMode.GRANT):
            raise InvalidInputError("review.method_without_grant", method=supply_method.value, mode=supply_mode.value)
        if supply_method is not None and supply_mode is None:
            supply_mode = SupplyMode.GRANT
        plan_year: int | None = None
        if year is not None and str(year).strip():
            try:
                plan_year = int(str(year).strip())
            except ValueError:
                raise InvalidInputError("review.number_invalid", field="year", value=year) from None
            if not 1949 <= plan_year <= 2200:
                raise InvalidInputError("review.number_invalid", field="year", value=year)
        use_name = ""
        if normal.land_class is not None:
            use_name = normal.land_class.name_zh
        elif normal.label is not None:
            use_name = normal.label.label
        elif len(normal.codes) == 1:
            use_name = get_class(normal.codes[0]).name_zh
        return cls(
            use=str(use).strip(),
            use_codes=tuple(normal.codes),
            use_name=use_name,
            declared_area_ha=_decimal("declared_area_ha", declared_area_ha, positive=True),
            far_min=low_far,
            far_max=high_far,
            mode=supply_mode,
            method=supply_method,
            district=(district or "").strip() or None,
            year=plan_year,
            city_size=_enum("city_size", CitySize, city_size),
            parcel_id=(parcel_id or "").strip() or None,
            name=(name or "").strip() or None,
            key_project_approval=(key_project_approval or "").strip() or None,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""

        def text(value: Any) -> Any:
            return None if value is None else str(value)

        return {
            "use": self.use,
            "use_codes": list(self.use_codes),
            "use_name": self.use_name,
            "declared_area_ha": text(self.declared_area_ha),
            "far_min": text(self.far_min),
            "far_max": text(self.far_max),
            "mode": text(self.mode),
            "method": text(self.method),
            "district": self.district,
            "year": self.year,
            "city_size": text(self.city_size),
            "parcel_id": self.parcel_id,
            "name": self.name,
            "key_project_approval": self.key_project_approval,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ParcelAttributes:
        """Inverse of :meth:`to_dict`."""
        return cls.build(
            use=raw["use"],
            declared_area_ha=raw.get("declared_area_ha"),
            far_min=raw.get("far_min"),
            far_max=raw.get("far_max"),
            mode=raw.get("mode"),
            method=raw.get("method"),
            district=raw.get("district"),
            year=raw.get("year"),
            city_size=raw.get("city_size"),
            parcel_id=raw.get("parcel_id"),
            name=raw.get("name"),
            key_project_approval=raw.get("key_project_approval"),
        )

    def uses(self, prefixes: Iterable[str]) -> bool:
        """Tell whether the proposed use falls under one of ``prefixes``."""
        return _matches(self.use_codes, prefixes)


# --------------------------------------------------------------------------- engine results


@dataclass(frozen=True)
class ValueHit:
    """An attribute value hit by the parcel (a zone code, a land-use code) and its overlap."""

    value: str
    area_m2: float
    feature_count: int


@dataclass(frozen=True)
class LayerResult:
    """What the geometry engine found for one review layer.

    Parameters
    ----------
    kind
        Layer kind id.
    layer, version, content_hash, legal_status, effective_date
        The layer version in force (None when there is no data).
    relation
        :class:`Relation`.
    overlap_m2
        Ellipsoidal area of parcel ∩ layer (all features), m².
    parcel_m2
        Ellipsoidal area of the parcel, m².
    feature_ids
        Features with an overlap above the thresholds (slivers not included).
    sliver_ids
        Features touched only by slivers.
    touching_ids
        Features that share only boundary with the parcel.
    values
        Attribute values hit (the kind's class field), by area.
    uncovered_m2
        For layers that tile the territory: the part of the parcel outside every
        feature (无数据 there); 0 otherwise.
    note
        Why there is no data, for example.
    """

    kind: str
    relation: Relation
    parcel_m2: float
    overlap_m2: float = 0.0
    layer: str | None = None
    version: int | None = None
    content_hash: str | None = None
    legal_status: str | None = None
    effective_date: str | None = None
    feature_ids: tuple[str, ...] = ()
    sliver_ids: tuple[str, ...] = ()
    touching_ids: tuple[str, ...] = ()
    values: tuple[ValueHit, ...] = ()
    uncovered_m2: float = 0.0
    note: str = ""

    @property
    def share(self) -> float:
        """Overlap as a share of the parcel (0–1)."""
        return min(self.overlap_m2 / self.parcel_m2, 1.0) if self.parcel_m2 > 0 else 0.0

    @property
    def occupied(self) -> bool:
        """True when the overlap counts (not a sliver, not just touching)."""
        return self.relation in (Relation.INSIDE, Relation.PARTLY)

    def to_dict(self, params: ReviewParams) -> dict[str, Any]:
        """JSON form of the layer section."""
        rule = params.layer_rule(self.kind)
        kind = layer_kind(self.kind)
        return {
            "kind": self.kind,
            "kind_zh": kind.name_zh,
            "layer": self.layer,
            "version": self.version,
            "content_hash": self.content_hash,
            "legal_status": self.legal_status,
            "effective_date": self.effective_date,
            "control": rule.control.value,
            "control_zh": rule.control_zh,
            "rule": rule.rule,
            "min_area_m2": str(rule.min_area_m2),
            "tolerance_m": str(rule.tolerance_m),
            "relation": self.relation.value,
            "relation_zh": self.relation.zh,
            "overlap_m2": str(official(self.overlap_m2, "平方米", 2)),
            "overlap_ha": str(official(self.overlap_m2, "公顷", 4)),
            "overlap_mu": str(official(self.overlap_m2, "亩", 2)),
            "share": str(quantize(Decimal(repr(self.share)), 4)),
            "feature_count": len(self.feature_ids),
            "feature_ids": list(self.feature_ids),
            "sliver_ids": list(self.sliver_ids),
            "touching_ids": list(self.touching_ids),
            "values": [
                {
                    "value": v.value,
                    "area_m2": str(official(v.area_m2, "平方米", 2)),
                    "area_ha": str(official(v.area_m2, "公顷", 4)),
                    "share": str(quantize(Decimal(repr(min(v.area_m2 / self.parcel_m2, 1.0))), 4))
                    if self.parcel_m2 > 0
                    else "0.0000",
                    "feature_count": v.feature_count,
                }
                for v in self.values
            ],
            "uncovered_m2": str(official(self.uncovered_m2, "平方米", 2)),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], parcel_m2: float) -> LayerResult:
        """Read the JSON form back (areas from their 2-decimal m² figures)."""
        return cls(
            kind=raw["kind"],
            relation=Relation(raw["relation"]),
            parcel_m2=parcel_m2,
            overlap_m2=float(raw["overlap_m2"]),
            layer=raw.get("layer"),
            version=raw.get("version"),
            content_hash=raw.get("content_hash"),
            legal_status=raw.get("legal_status"),
            effective_date=raw.get("effective_date"),
            feature_ids=tuple(raw.get("feature_ids", ())),
            sliver_ids=tuple(raw.get("sliver_ids", ())),
            touching_ids=tuple(raw.get("touching_ids", ())),
            values=tuple(ValueHit(v["value"], float(v["area_m2"]), int(v["feature_count"])) for v in raw["values"]),
            uncovered_m2=float(raw.get("uncovered_m2", 0)),
            note=raw.get("note", ""),
        )


# --------------------------------------------------------------------------- findings


def _finding(rule_id: str, severity: Severity, zh: str, en: str, **evidence: Any) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message_zh=zh,
        message_en=en,
        evidence={k: (v if isinstance(v, list | dict) else str(v)) for k, v in evidence.items() if v is not None},
        legal_source=review_rule(rule_id).legal_source,
    )


def _area_evidence(result: LayerResult) -> dict[str, Any]:
    return {
        "layer": result.layer,
        "version": result.version,
        "overlap_m2": official(result.overlap_m2, "平方米", 2),
        "overlap_ha": official(result.overlap_m2, "公顷", 4),
        "overlap_mu": official(result.overlap_m2, "亩", 2),
        "share": quantize(Decimal(repr(result.share)), 4),
        "features": list(result.feature_ids[:50]),
    }


def _zone_allowed(params: ReviewParams, zone: str, attrs: ParcelAttributes) -> bool | None:
    table = dict(params.zone_uses)
    allowed = table.get(zone)
    if allowed is None:
        return None
    return attrs.uses(allowed)


def _compatible_use(planned: str, attrs: ParcelAttributes) -> bool:
    """Tell whether a planned land-use code fits the proposed use when one is the other's class or sub-class."""
    code = planned.strip().upper()
    if not code:
        return False
    try:
        planned_codes = normalize_use(code).codes
    except InvalidInputError:
        planned_codes = (code,)
    return any(p.startswith(u) or u.startswith(p) for p in planned_codes for u in attrs.use_codes)


def layer_findings(result: LayerResult, attrs: ParcelAttributes, params: ReviewParams) -> list[Finding]:
    """Return the findings of one layer: occupation of control lines, zones and planned uses, 无数据."""
    rule = params.layer_rule(result.kind)
    name = layer_kind(result.kind).name_zh
    name_en = layer_kind(result.kind).name_en
    if result.relation is Relation.NO_DATA:
        severity = Severity.WARNING if rule.required else Severity.INFO
        return [
            _finding(
                "N1",
                severity,
                f"{name}：宗地所在区域无数据，不能判定是否占用",
                f"{name_en}: no data where the parcel lies; occupation cannot be decided",
                kind=result.kind,
                district=attrs.district,
                note=result.note,
            )
        ]
    findings: list[Finding] = []
    if result.uncovered_m2 > float(rule.min_area_m2) and rule.required:
        findings.append(
            _finding(
                "N1",
                Severity.WARNING,
                f"{name}：宗地有 {official(result.uncovered_m2, '平方米', 2)} 平方米不在图层范围内（无数据）",
                f"{name_en}: {official(result.uncovered_m2, '平方米', 2)} m² of the parcel lie outside the layer",
                kind=result.kind,
                uncovered_m2=official(result.uncovered_m2, "平方米", 2),
            )
        )
    if result.kind == "urban_development_boundary":
        return findings + _boundary_findings(result, attrs, params)
    if result.kind == "planning_zones":
        return findings + _zone_findings(result, attrs, params, rule)
    if result.kind == "land_use_layout":
        return findings + _layout_findings(result, attrs, params, rule)
    if not result.occupied or rule.rule is None or rule.control in (Control.ALLOW, Control.INFO):
        return findings
    severity = Severity.ERROR if rule.control is Control.FORBID else Severity.WARNING
    how = "完全位于" if result.relation is Relation.INSIDE else "部分占用"
    how_en = "lies inside" if result.relation is Relation.INSIDE else "partly occupies"
    extra_zh = extra_en = ""
    if result.kind == "permanent_basic_farmland" and attrs.key_project_approval:
        severity = Severity.WARNING
        extra_zh = f"（国务院批准的重点建设项目：{attrs.key_project_approval}，须核实批准文件）"
        extra_en = f" (State Council approved key project {attrs.key_project_approval}: verify the approval)"
    if result.kind == "ecological_red_line" and not attrs.uses(params.red_line_banned_uses):
        severity = Severity.WARNING
        extra_zh = "（非经营性、非工业、非住宅用途：须论证属有限人为活动或无法避让的线性基础设施）"
        extra_en = " (not a commercial, industrial or residential use: justify it as an allowed activity)"
    area = official(result.overlap_m2, "公顷", 4)
    findings.append(
        _finding(
            rule.rule,
            severity,
            f"宗地{how}{name} {area} 公顷（占宗地 {quantize(Decimal(repr(result.share * 100)), 2)}%），"
            f"{rule.control_zh}{extra_zh}",
            f"The parcel {how_en} the {name_en}: {area} ha ({result.share:.2%} of the parcel){extra_en}",
            **_area_evidence(result),
        )
    )
    return findings


def _boundary_findings(result: LayerResult, attrs: ParcelAttributes, params: ReviewParams) -> list[Finding]:
    if not attrs.uses(params.urban_uses):
        return []
    outside_m2 = max(result.parcel_m2 - result.overlap_m2, 0.0)
    rule = params.layer_rule(result.kind)
    if result.relation is Relation.INSIDE or outside_m2 < float(rule.min_area_m2):
        return []
    outside = official(outside_m2, "公顷", 4)
    whole = result.relation in (Relation.OUTSIDE, Relation.TOUCHING, Relation.SLIVER)
    return [
        _finding(
            "B2",
            Severity.ERROR,
            f"城镇建设用途（{attrs.use_name or attrs.use}）宗地{'位于' if whole else '部分位于'}城镇开发边界外 "
            f"{outside} 公顷，城镇开发边界外不得进行集中城镇建设",
            f"Urban use ({attrs.use}) {'outside' if whole else 'partly outside'} the urban development boundary: "
            f"{outside} ha outside",
            outside_ha=outside,
            outside_mu=official(outside_m2, "亩", 2),
            **_area_evidence(result),
        )
    ]


def _zone_findings(
    result: LayerResult, attrs: ParcelAttributes, params: ReviewParams, rule: LayerRule
) -> list[Finding]:
    findings: list[Finding] = []
    for hit in result.values:
        if hit.area_m2 < float(rule.min_area_m2):
            continue
        allowed = _zone_allowed(params, hit.value, attrs)
        area = official(hit.area_m2, "公顷", 4)
        if allowed is None:
            findings.append(
                _finding(
                    "Z1",
                    Severity.WARNING,
                    f"规划分区代码 {hit.value} 未配置允许用途，宗地在该分区内 {area} 公顷，须人工核对",
                    f"Planning zone {hit.value} has no configured uses ({area} ha of the parcel): check by hand",
                    zone=hit.value,
                    area_ha=area,
                )
            )
        elif not allowed:
            findings.append(
                _finding(
                    "Z1",
                    Severity.ERROR,
                    f"拟用途 {attrs.use}（{attrs.use_name}）与规划分区 {hit.value} 不符，涉及 {area} 公顷",
                    f"Proposed use {attrs.use} does not fit planning zone {hit.value} ({area} ha)",
                    zone=hit.value,
                    area_ha=area,
                    use=attrs.use,
                )
            )
    return findings


def _layout_findings(
    result: LayerResult, attrs: ParcelAttributes, params: ReviewParams, rule: LayerRule
) -> list[Finding]:
    findings: list[Finding] = []
    for hit in result.values:
        if hit.area_m2 < float(rule.min_area_m2) or _compatible_use(hit.value, attrs):
            continue
        area = official(hit.area_m2, "公顷", 4)
        findings.append(
            _finding(
                "Z2",
                Severity.ERROR,
                f"拟用途 {attrs.use}（{attrs.use_name}）与规划用地用海 {hit.value} 不符，涉及 {area} 公顷",
                f"Proposed use {attrs.use} differs from the planned use {hit.value} ({area} ha)",
                planned=hit.value,
                area_ha=area,
                use=attrs.use,
            )
        )
    return findings


def policy_findings(attrs: ParcelAttributes, parcel_m2: float, params: ReviewParams) -> list[Finding]:
    """H1, H2, S1, S2 and A1 (declared area) for a parcel of ``parcel_m2`` (ellipsoidal)."""
    findings: list[Finding] = []
    area_ha = official(parcel_m2, "公顷", 4)
    residential = attrs.uses(params.residential_uses)
    grant = attrs.mode is SupplyMode.GRANT
    if residential and grant:
        if attrs.city_size is None:
            findings.append(
                _finding(
                    "H1",
                    Severity.WARNING,
                    "未配置城市规模等级，无法核对住宅用地宗地面积上限",
                    "The city-size class is not configured: the residential parcel cap cannot be checked",
                    area_ha=area_ha,
                )
            )
        else:
            cap = params.cap_ha(attrs.city_size)
            if area_ha > cap:
                findings.append(
                    _finding(
                        "H1",
                        Severity.ERROR,
                        f"出让住宅用地宗地面积 {area_ha} 公顷，超过{attrs.city_size.value}上限 {cap} 公顷",
                        f"Residential parcel of {area_ha} ha exceeds the cap of {cap} ha ({attrs.city_size.value})",
                        area_ha=area_ha,
                        cap_ha=cap,
                        city_size=attrs.city_size.value,
                    )
                )
        if attrs.far_min is None:
            findings.append(
                _finding(
                    "H2",
                    Severity.WARNING,
                    "未申报容积率，无法核对住宅用地容积率下限",
                    "No plot ratio declared: the residential floor cannot be checked",
                    far_floor=params.far_floor,
                )
            )
        elif attrs.far_min < params.far_floor:
            findings.append(
                _finding(
                    "H2",
                    Severity.ERROR,
                    f"出让住宅用地容积率下限 {attrs.far_min} 低于 {params.far_floor}",
                    f"Residential plot ratio {attrs.far_min} below {params.far_floor}",
                    far_min=attrs.far_min,
                    far_floor=params.far_floor,
                )
            )
    if attrs.uses(params.operating_uses):
        if attrs.mode is SupplyMode.ALLOCATION or attrs.method is SupplyMethod.NEGOTIATION:
            how = "划拨" if attrs.mode is SupplyMode.ALLOCATION else "协议出让"
            findings.append(
                _finding(
                    "S1",
                    Severity.ERROR,
                    f"经营性用地（{attrs.use_name or attrs.use}）拟以{how}方式供应，须以招标、拍卖或挂牌方式出让",
                    f"Commercial use {attrs.use} supplied by {how}: tender, auction or listing is mandatory",
                    use=attrs.use,
                    mode=attrs.mode,
                    method=attrs.method,
                )
            )
        elif grant and attrs.method is None:
            findings.append(
                _finding(
                    "S1",
                    Severity.WARNING,
                    "经营性用地出让未申报出让方式（招标、拍卖、挂牌）",
                    "Commercial land granted without a stated method (tender, auction, listing)",
                    use=attrs.use,
                )
            )
    if attrs.mode is SupplyMode.ALLOCATION and not attrs.uses(params.allocation_uses):
        findings.append(
            _finding(
                "S2",
                Severity.ERROR,
                f"用途 {attrs.use}（{attrs.use_name}）不在《划拨用地目录》范围内，不得划拨供地",
                f"Use {attrs.use} is not in the allocation catalogue: it may not be allocated",
                use=attrs.use,
                allowed=list(params.allocation_uses),
            )
        )
    if attrs.declared_area_ha is not None:
        declared_m2 = attrs.declared_area_ha * 10_000
        computed_m2 = official(parcel_m2, "平方米", 2)
        difference = abs(declared_m2 - computed_m2)
        limit = max(params.area_tolerance * computed_m2, params.area_tolerance_m2)
        if difference > limit:
            findings.append(
                _finding(
                    "A1",
                    Severity.WARNING,
                    f"申报面积 {attrs.declared_area_ha} 公顷与计算椭球面积 {area_ha} 公顷不一致"
                    f"（相差 {quantize(difference, 2)} 平方米，容差 {quantize(limit, 2)} 平方米）",
                    f"Declared area {attrs.declared_area_ha} ha differs from the computed {area_ha} ha "
                    f"by {quantize(difference, 2)} m² (tolerance {quantize(limit, 2)} m²)",
                    stated=attrs.declared_area_ha,
                    computed=area_ha,
                    difference_m2=quantize(difference, 2),
                    tolerance_m2=quantize(limit, 2),
                    unit="公顷",
                )
            )
    return findings


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlanCheck:
    """The plan check's inputs and result (stored with the review so that it re-runs the same).

    Parameters
    ----------
    available
        False when no plan is in force (or the plan modules are absent); ``note`` says why.
    category
        The plan category the proposed use falls under.
    planned_ha, supplied_ha, approved_ha
        Planned quota, already supplied, already approved by other reviews (公顷).
    parcel_ha
        This parcel's area (公顷).
    in_list
        True/False when the plan lists parcels, None when it does not.
    """

    available: bool
    year: int | None = None
    district: str | None = None
    category: str | None = None
    plan: str | None = None
    planned_ha: Decimal | None = None
    supplied_ha: Decimal = Decimal(0)
    approved_ha: Decimal = Decimal(0)
    parcel_ha: Decimal = Decimal(0)
    in_list: bool | None = None
    note: str = ""

    @property
    def remaining_ha(self) -> Decimal | None:
        """Quota left before this parcel."""
        if self.planned_ha is None:
            return None
        return self.planned_ha - self.supplied_ha - self.approved_ha

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "available": self.available,
            "year": self.year,
            "district": self.district,
            "category": self.category,
            "plan": self.plan,
            "planned_ha": text(self.planned_ha),
            "supplied_ha": str(self.supplied_ha),
            "approved_ha": str(self.approved_ha),
            "remaining_ha": text(self.remaining_ha),
            "parcel_ha": str(self.parcel_ha),
            "in_list": self.in_list,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PlanCheck:
        """Inverse of :meth:`to_dict`."""

        def number(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return cls(
            available=bool(raw["available"]),
            year=raw.get("year"),
            district=raw.get("district"),
            category=raw.get("category"),
            plan=raw.get("plan"),
            planned_ha=number(raw.get("planned_ha")),
            supplied_ha=number(raw.get("supplied_ha")) or Decimal(0),
            approved_ha=number(raw.get("approved_ha")) or Decimal(0),
            parcel_ha=number(raw.get("parcel_ha")) or Decimal(0),
            in_list=raw.get("in_list"),
            note=raw.get("note", ""),
        )


def plan_findings(check: PlanCheck | None) -> list[Finding]:
    """Q1 (quota left) and Q2 (in the parcel list)."""
    if check is None:
        return []
    if not check.available:
        return [
            _finding(
                "Q1",
                Severity.WARNING,
                f"未能核对年度供应计划：{check.note or '无现行计划'}",
                f"The supply plan could not be checked: {check.note or 'no plan in force'}",
                year=check.year,
                district=check.district,
            )
        ]
    findings: list[Finding] = []
    remaining = check.remaining_ha
    if remaining is None:
        findings.append(
            _finding(
                "Q1",
                Severity.WARNING,
                f"供应计划 {check.plan or ''} 未列出 {check.category} 在 {check.district or '全域'} 的计划面积",
                f"The plan lists no quota for {check.category} in {check.district or 'the jurisdiction'}",
                category=check.category,
                district=check.district,
            )
        )
    elif check.parcel_ha > remaining:
        findings.append(
            _finding(
                "Q1",
                Severity.ERROR,
                f"{check.category}剩余供应计划指标 {remaining} 公顷（计划 {check.planned_ha}，已供应 "
                f"{check.supplied_ha}，已审查通过 {check.approved_ha}），不足宗地面积 {check.parcel_ha} 公顷",
                f"Quota left for {check.category}: {remaining} ha (planned {check.planned_ha}, supplied "
                f"{check.supplied_ha}, approved {check.approved_ha}), less than the parcel's {check.parcel_ha} ha",
                category=check.category,
                planned_ha=check.planned_ha,
                supplied_ha=check.supplied_ha,
                approved_ha=check.approved_ha,
                remaining_ha=remaining,
                parcel_ha=check.parcel_ha,
            )
        )
    if check.in_list is False:
        findings.append(
            _finding(
                "Q2",
                Severity.WARNING,
                "宗地未列入供应计划宗地表",
                "The parcel is not in the plan's parcel list",
                plan=check.plan,
            )
        )
    return findings


# --------------------------------------------------------------------------- the review


def conclusion_of(findings: Sequence[Finding]) -> Conclusion:
    """不符合 when any finding is an error, 需论证 when any is a warning, else 符合."""
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return Conclusion.NON_COMPLIANT
    if Severity.WARNING in severities:
        return Conclusion.NEEDS_JUSTIFICATION
    return Conclusion.COMPLIANT


def evaluate(
    attrs: ParcelAttributes,
    parcel_m2: float,
    layers: Sequence[LayerResult],
    params: ReviewParams,
    plan: PlanCheck | None = None,
    extra: Sequence[Finding] = (),
) -> tuple[list[Finding], Conclusion]:
    """All findings of a review, errors first, and its conclusion."""
    findings = list(extra)
    for result in layers:
        findings += layer_findings(result, attrs, params)
    findings += policy_findings(attrs, parcel_m2, params)
    findings += plan_findings(plan)
    findings.sort(key=lambda f: f.severity.rank)
    return findings, conclusion_of(findings)


@dataclass(frozen=True)
class ParcelSummary:
    """The parcel's geometry, described for the record (the WKB itself is kept by the service)."""

    crs: int
    area_m2: float
    parts: int
    holes: int
    vertices: int
    bbox: tuple[float, float, float, float]
    source: dict[str, Any] = field(default_factory=dict)
    wkb: bytes | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "crs": self.crs,
            "area_m2": str(official(self.area_m2, "平方米", 2)),
            "area_ha": str(official(self.area_m2, "公顷", 4)),
            "area_mu": str(official(self.area_m2, "亩", 2)),
            "parts": self.parts,
            "holes": self.holes,
            "vertices": self.vertices,
            "bbox": [round(v, 3) for v in self.bbox],
            "source": dict(self.source),
        }


@dataclass(frozen=True)
class Review:
    """A complete review: inputs, per-layer results, findings, conclusion, versions.

    ``to_dict`` is the JSON contract, documented in ``docs/review.schema.json``.
    """

    review_date: date
    parcel: ParcelSummary
    attributes: ParcelAttributes
    layers: tuple[LayerResult, ...]
    findings: tuple[Finding, ...]
    conclusion: Conclusion
    params: ReviewParams
    plan: PlanCheck | None = None
    id: str | None = None
    status: str | None = None
    actor: str | None = None
    created_at: str | None = None

    @property
    def blocking(self) -> bool:
        """True when a finding blocks (an error)."""
        return self.conclusion is Conclusion.NON_COMPLIANT

    def data_versions(self) -> list[dict[str, Any]]:
        """Return the layer versions used: name, version, content hash."""
        return [
            {"kind": r.kind, "layer": r.layer, "version": r.version, "content_hash": r.content_hash}
            for r in self.layers
            if r.layer is not None
        ]

    def rule_versions(self) -> dict[str, Any]:
        """Return the rules used (ID, title, legal source, confidence) and the parameters' digest."""
        ids = sorted({f.rule for f in self.findings} | {r.rule for r in self.params.layer_rules if r.rule})
        ids = sorted(set(ids) | {"H1", "H2", "S1", "S2", "A1", "Q1", "Q2", "N1"})
        return {
            "engine": SCHEMA_ID,
            "params_sha256": self.params.digest(),
            "rules": {
                i: {
                    "title_zh": review_rule(i).title_zh,
                    "title_en": review_rule(i).title_en,
                    "legal_source": review_rule(i).legal_source,
                    "confidence": review_rule(i).confidence,
                }
                for i in ids
            },
        }

    def outcome(self) -> dict[str, Any]:
        """Return the part of the result that a re-run must reproduce exactly."""
        return {
            "parcel_area_m2": str(official(self.parcel.area_m2, "平方米", 2)),
            "layers": [r.to_dict(self.params) for r in self.layers],
            "findings": [f.to_dict() for f in self.findings],
            "conclusion": self.conclusion.value,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract (``docs/review.schema.json``)."""
        counts = {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}
        return {
            "schema": SCHEMA_ID,
            "id": self.id,
            "status": self.status,
            "actor": self.actor,
            "created_at": self.created_at,
            "review_date": self.review_date.isoformat(),
            "conclusion": self.conclusion.value,
            "conclusion_en": self.conclusion.en,
            "counts": counts,
            "parcel": self.parcel.to_dict(),
            "attributes": self.attributes.to_dict(),
            "layers": [r.to_dict(self.params) for r in self.layers],
            "findings": [f.to_dict() for f in self.findings],
            "plan_check": None if self.plan is None else self.plan.to_dict(),
            "params": self.params.to_dict(),
            "data_versions": self.data_versions(),
            "rule_versions": self.rule_versions(),
        }
