"""Supply records (宗地供应) and the execution of a supply plan, as pure functions.

A :class:`SupplyRecord` is one parcel actually supplied: area in 公顷 (Decimal),
its land use (用地用海 2023 code) and the plan category it counts against, the
district (a jurisdiction code), the mode (出让/划拨/租赁) and method (招标/拍卖/挂牌/
协议), the contract or decision number, the date, price, FAR, 新增/存量 and its
link to the plan (category × district × year).

:class:`PlanStructure` is what execution is measured against: the plan's total,
its categories (with their 用地用海 codes, guiding or binding) and the
category × district layout, all in 公顷. :func:`evaluate_execution` walks the
records in date order, each against the plan version in force on its date, and
gives the progress table (完成率) and the findings:

* ``X1`` supplied total over the plan total (总量控制不得突破) — error;
* ``X2`` a category over its planned figure — error when binding, warning when the
  plan declares the category guiding (指导性计划);
* ``X3`` a category in a district over its layout figure — same severity as X2;
* ``X4`` supplied outside the plan (a category the plan does not have) — error;
  a planned category in a district the layout does not list — warning;
* ``S1`` / ``S2`` on each record; ``H3`` on the housing actually supplied.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, Final

from guotu.domain.classification import normalize_use
from guotu.domain.findings import Finding, Severity
from guotu.domain.plan import Figure, SupplyPlan
from guotu.domain.rules import RULES, Rule
from guotu.domain.units import convert, is_area_unit
from guotu.errors import InvalidInputError, NotFoundError

__all__ = [
    "HOUSING_TYPES",
    "METHODS",
    "MODES",
    "OFF_PLAN",
    "READINESS_ITEMS",
    "SOURCES",
    "SUPPLY_RULES",
    "TOTAL",
    "ColumnMapping",
    "Execution",
    "ExecutionParams",
    "ImportParams",
    "PlanCategory",
    "PlanStructure",
    "ProgressRow",
    "Readiness",
    "ReadinessItem",
    "SupplyRecord",
    "assign_category",
    "duplicate_findings",
    "evaluate_execution",
    "guess_mapping",
    "parse_date",
    "parse_decimal",
    "parse_mode",
    "parse_row",
    "plan_structure",
    "quarter_of",
    "rate",
    "record_findings",
    "resolve_district",
    "supplied_totals",
]

#: Supply modes of a record.
MODES: Final = ("出让", "划拨", "租赁")
#: Grant methods of an 出让 record.
METHODS: Final = ("招标", "拍卖", "挂牌", "协议")
#: Sources of the land.
SOURCES: Final = ("新增", "存量")
#: Housing types a residential record may carry; those marked True count towards H3.
HOUSING_TYPES: Final[dict[str, bool]] = {
    "保障性住房": True,
    "保障性租赁住房": True,
    "公共租赁住房": True,
    "廉租住房": True,
    "经济适用住房": True,
    "棚户区改造住房": True,
    "限价商品住房": True,
    "中小套型普通商品住房": True,
    "商品住房": False,
    "其他住房": False,
}
#: Category label of the whole plan in totals (the key ``(TOTAL, None)``).
TOTAL: Final = "合计"
#: Category label of records that match no category of the plan.
OFF_PLAN: Final = "计划外"

_117: Final = "《国有建设用地供应计划编制规范(试行)》（国土资发〔2010〕117号）"
#: Rules of execution tracking (the S1/S2/H3 rules come from :data:`guotu.domain.rules.RULES`).
SUPPLY_RULES: Final[dict[str, Rule]] = {
    r.id: r
    for r in (
        Rule("X1", "供应总量不得突破计划总量", "Supply within the plan total", _117, "knowledge"),
        Rule(
            "X2",
            "分类供应不得超过计划（指导性计划为预警）",
            "Supply of a category within its planned figure (guiding categories: a warning)",
            _117,
            "knowledge",
        ),
        Rule(
            "X3",
            "区县（乡镇）分类供应不超过布局计划",
            "Supply of a category in a district within the layout",
            _117,
            "knowledge",
        ),
        Rule("X4", "计划外不得供地", "No supply outside the plan", _117, "knowledge"),
        Rule("V1", "供地记录数据有效", "Supply records are valid", "数据质量规则", "derived"),
    )
}

_HUNDRED: Final = Decimal(100)
_SPLIT: Final = re.compile(r"[、,，;；]+")
_AND: Final = re.compile(r"[及和与]")


@dataclass(frozen=True)
class ExecutionParams:
    """Configurable parameters of execution tracking (DOMAIN.md §6).

    Parameters
    ----------
    housing_share_floor
        H3 minimum share (0.70).
    commercial_prefixes
        用地用海 code prefixes of 经营性用地 for S1 (商业服务业 09, 工矿 10 and 1001-1003,
        商品住宅: residential 07 records whose housing type is 商品住房).
    allocation_prefixes
        Code prefixes allowed for 划拨 (S2): 公共管理与公共服务 08, 交通运输 12, 公用设施 13,
        绿地与开敞空间 14, 特殊 15; plus 保障性住房 records.
    """

    housing_share_floor: Decimal = Decimal("0.70")
    residential_cap_ha: Decimal | None = None
    far_min: Decimal = Decimal("1.0")
    commercial_prefixes: tuple[str, ...] = ("09", "10")
    allocation_prefixes: tuple[str, ...] = ("08", "12", "13", "14", "15")


@dataclass(frozen=True)
class SupplyRecord:
    """One parcel supplied (宗地供应).

    Parameters
    ----------
    parcel_id
        宗地编号, unique within a jurisdiction and year.
    jurisdiction
        Code of the jurisdiction whose plan the record counts against (``140300``).
    year
        The plan year it counts against (the year of ``supply_date`` by default).
    area_ha
        Area in 公顷, exact.
    use_code
        用地用海 2023 code of the land use (``0701``, ``1001`` ...).
    mode, method
        出让/划拨/租赁 and, for 出让, 招标/拍卖/挂牌/协议.
    supply_date
        Date of the contract (签订日期) or decision.
    district
        Code of the district (or town) the parcel lies in.
    plan_category
        Label of the plan category it counts against (None: not matched yet).
    use_name, location, document_number, price_wan, far, source, housing_type,
    bidders, review_id
        As stated: 土地用途 as written, 位置, 合同/决定书编号, 成交价格 (万元), 容积率,
        新增/存量, housing type (:data:`HOUSING_TYPES`), number of 意向用地者, compliance review.
    """

    parcel_id: str
    jurisdiction: str
    year: int
    area_ha: Decimal
    use_code: str
    mode: str
    supply_date: date
    method: str | None = None
    district: str | None = None
    plan_category: str | None = None
    use_name: str | None = None
    location: str | None = None
    document_number: str | None = None
    price_wan: Decimal | None = None
    far: Decimal | None = None
    source: str | None = None
    housing_type: str | None = None
    bidders: int | None = None
    review_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    geometry: bytes | None = field(default=None, repr=False, compare=False)
    crs: int | None = None

    @property
    def quarter(self) -> int:
        """The quarter of the supply date (1–4)."""
        return quarter_of(self.supply_date)

    @property
    def key(self) -> str:
        """The record key ``{jurisdiction}:{year}:{parcel_id}``."""
        return f"{self.jurisdiction}:{self.year}:{self.parcel_id}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (Decimals as strings)."""
        return {
            "parcel_id": self.parcel_id,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "area_ha": str(self.area_ha),
            "use_code": self.use_code,
            "use_name": self.use_name,
            "mode": self.mode,
            "method": self.method,
            "supply_date": self.supply_date.isoformat(),
            "district": self.district,
            "plan_category": self.plan_category,
            "location": self.location,
            "document_number": self.document_number,
            "price_wan": None if self.price_wan is None else str(self.price_wan),
            "far": None if self.far is None else str(self.far),
            "source": self.source,
            "housing_type": self.housing_type,
            "bidders": self.bidders,
            "review_id": self.review_id,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SupplyRecord:
        """Rebuild from :meth:`to_dict` output."""

        def dec(name: str) -> Decimal | None:
            value = data.get(name)
            return None if value is None else Decimal(str(value))

        area = dec("area_ha")
        bidders = data.get("bidders")
        return cls(
            parcel_id=str(data["parcel_id"]),
            jurisdiction=str(data["jurisdiction"]),
            year=int(data["year"]),
            area_ha=area if area is not None else Decimal(0),
            use_code=str(data["use_code"]),
            use_name=data.get("use_name"),
            mode=str(data["mode"]),
            method=data.get("method"),
            supply_date=date.fromisoformat(str(data["supply_date"])),
            district=data.get("district"),
            plan_category=data.get("plan_category"),
            location=data.get("location"),
            document_number=data.get("document_number"),
            price_wan=dec("price_wan"),
            far=dec("far"),
            source=data.get("source"),
            housing_type=data.get("housing_type"),
            bidders=int(bidders) if bidders is not None else None,
            review_id=data.get("review_id"),
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
        )


def quarter_of(day: date) -> int:
    """Return the quarter (1–4) of ``day``."""
    return (day.month - 1) // 3 + 1


def rate(supplied: Decimal, planned: Decimal | None) -> Decimal | None:
    """完成率 in percent, 2 decimals ROUND_HALF_UP; None when nothing is planned.

    Examples
    --------
    >>> rate(Decimal("1"), Decimal("3"))
    Decimal('33.33')
    """
    if planned is None or planned == 0:
        return None
    return (supplied * _HUNDRED / planned).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------- plan structure


@dataclass(frozen=True)
class PlanCategory:
    """A category of a plan: label, 用地用海 codes, guiding flag, planned areas (公顷)."""

    label: str
    codes: tuple[str, ...]
    guiding: bool
    planned: Decimal | None
    by_district: dict[str, Decimal] = field(default_factory=dict)
    figure: str | None = None

    def covers(self, use_code: str) -> bool:
        """Whether a record of ``use_code`` counts against this category."""
        return any(use_code.startswith(c) for c in self.codes)


@dataclass(frozen=True)
class PlanStructure:
    """What execution is measured against, from one plan version.

    ``version`` and ``effective_date`` identify the plan version; districts are
    codes (names that could not be resolved stay as written).
    """

    jurisdiction: str
    year: int
    version: int
    effective_date: date | None
    total: Decimal | None
    categories: tuple[PlanCategory, ...]
    district_totals: dict[str, Decimal] = field(default_factory=dict)
    parcel_cap_ha: Decimal | None = None
    mode_totals: dict[str, Decimal] = field(default_factory=dict)

    def category_for(self, use_code: str) -> PlanCategory | None:
        """Return the category a land-use code counts against (longest code match), or None."""
        best: PlanCategory | None = None
        best_len = -1
        for category in self.categories:
            for code in category.codes:
                if use_code.startswith(code) and len(code) > best_len:
                    best, best_len = category, len(code)
        return best

    def category(self, label: str) -> PlanCategory | None:
        """Return the category with ``label``, or None."""
        for category in self.categories:
            if category.label == label:
                return category
        return None

    def planned_totals(self) -> dict[tuple[str, str | None], Decimal]:
        """Planned 公顷 by (category label or :data:`TOTAL`, district code or None)."""
        out: dict[tuple[str, str | None], Decimal] = {}
        if self.total is not None:
            out[(TOTAL, None)] = self.total
        for district, value in self.district_totals.items():
            out[(TOTAL, district)] = value
        for category in self.categories:
            if category.planned is not None:
                out[(category.label, None)] = category.planned
            for district, value in category.by_district.items():
                out[(category.label, district)] = value
        return out


def _hectares(fig: Figure) -> Decimal:
    return fig.value if fig.unit == "公顷" else convert(fig.value, fig.unit, "公顷")


def _use_codes(name: str) -> tuple[str, ...]:
    try:
        return normalize_use(name).codes
    except InvalidInputError:
        return ()


def _guiding_codes(plan: SupplyPlan) -> set[str]:
    """用地用海 codes of the categories the plan declares guiding (工矿用地、仓储用地 / 工矿用地和仓储用地)."""
    codes: set[str] = set()
    for text in plan.guiding_categories:
        for part in _SPLIT.split(text):
            part = part.strip()
            whole = _use_codes(part) if part else ()
            if whole:
                codes.update(whole)
                continue
            for name in _AND.split(part):
                codes.update(_use_codes(name.strip()) if name.strip() else ())
    return codes


def plan_structure(
    plan: SupplyPlan,
    *,
    jurisdiction: str,
    year: int,
    version: int = 1,
    effective_date: date | None = None,
    district_code: Callable[[str], str | None] | None = None,
) -> PlanStructure:
    """Read the total, categories and layout (公顷) of a plan's figures.

    Figures used: planned supply areas (not context, not parcel rows, not housing
    sub-items, not restatements in another unit) without a mode, method or
    新增/存量 split. A category's label is the one its category-total figure uses
    (so 商服用地 and 商业服务业用地 rows of code 09 form one category ``商服用地``
    when the total row says so). A category is guiding when all its codes are
    among the codes of the plan's ``guiding_categories``.

    Parameters
    ----------
    district_code
        Maps a district name as written to its code (None: keep the name).
    """

    def district_of(name: str) -> str:
        if district_code is None:
            return name
        return district_code(name) or name

    guiding = _guiding_codes(plan)
    mode_totals: dict[str, Decimal] = {}
    for fig in plan.figures:
        if (
            fig.is_planned_area
            and fig.mode in MODES
            and fig.category is None
            and fig.district is None
            and fig.source is None
            and fig.equivalent_of is None
            and not fig.housing
            and is_area_unit(fig.unit)
        ):
            mode_totals.setdefault(fig.mode, _hectares(fig))
    figures = [
        f
        for f in plan.figures
        if f.is_planned_area
        and f.equivalent_of is None
        and not f.housing
        and f.mode is None
        and f.method is None
        and f.source is None
        and is_area_unit(f.unit)
    ]
    total: Decimal | None = None
    district_totals: dict[str, Decimal] = {}
    labels: dict[tuple[str, ...], str] = {}
    cat_total: dict[tuple[str, ...], tuple[Decimal, str]] = {}
    cat_district: dict[tuple[str, ...], dict[str, Decimal]] = defaultdict(dict)
    order: list[tuple[str, ...]] = []
    for fig in figures:
        if fig.category is None or not fig.category_codes:
            if fig.category is not None:
                continue  # a category the classification does not know: not measurable
            if fig.district is None:
                if total is None:
                    total = _hectares(fig)
            else:
                district_totals.setdefault(district_of(fig.district), _hectares(fig))
            continue
        codes = tuple(fig.category_codes)
        if codes not in order:
            order.append(codes)
            labels[codes] = fig.category
        if fig.district is None:
            if codes not in cat_total:
                cat_total[codes] = (_hectares(fig), fig.id)
                labels[codes] = fig.category
        else:
            cat_district[codes].setdefault(district_of(fig.district), _hectares(fig))
    categories = []
    for codes in order:
        planned, fig_id = cat_total.get(codes, (None, None))
        if planned is None and cat_district.get(codes):
            planned = sum(cat_district[codes].values(), Decimal(0))
        categories.append(
            PlanCategory(
                label=labels[codes],
                codes=codes,
                guiding=bool(guiding) and set(codes) <= guiding,
                planned=planned,
                by_district=dict(cat_district.get(codes, {})),
                figure=fig_id,
            )
        )
    return PlanStructure(
        jurisdiction=jurisdiction,
        year=year,
        version=version,
        effective_date=effective_date,
        total=total,
        categories=tuple(categories),
        district_totals=district_totals,
        mode_totals=mode_totals,
        parcel_cap_ha=next(
            (
                _hectares(f)
                for f in plan.figures
                if f.measure == "parcel_area_cap" and not f.context and is_area_unit(f.unit)
            ),
            None,
        ),
    )


# ----------------------------------------------------------------------------- totals


def supplied_totals(
    records: Iterable[SupplyRecord], *, until: date | None = None
) -> dict[tuple[str, str | None], Decimal]:
    """Supplied 公顷 by (plan category label, district code or None).

    Each record counts in ``(category, district)`` (when it has a district), in
    ``(category, None)`` and in ``(TOTAL, district)`` / ``(TOTAL, None)``. Records
    without a plan category count under :data:`OFF_PLAN`. Records after ``until``
    are left out.
    """
    out: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for record in records:
        if until is not None and record.supply_date > until:
            continue
        label = record.plan_category or OFF_PLAN
        for key in ((label, None), (TOTAL, None)):
            out[key] += record.area_ha
        if record.district is not None:
            out[(label, record.district)] += record.area_ha
            out[(TOTAL, record.district)] += record.area_ha
    return dict(out)


# ----------------------------------------------------------------------------- execution


@dataclass(frozen=True)
class ProgressRow:
    """One row of the progress table: planned vs supplied (公顷) and 完成率 (%).

    ``category`` is a label or :data:`TOTAL` / :data:`OFF_PLAN`; ``district`` None
    means all districts. ``by_quarter`` holds the supplied area per quarter.
    """

    category: str
    district: str | None
    planned: Decimal | None
    supplied: Decimal
    rate: Decimal | None
    guiding: bool
    by_quarter: tuple[Decimal, Decimal, Decimal, Decimal]

    @property
    def remaining(self) -> Decimal | None:
        """Planned minus supplied (negative when over)."""
        return None if self.planned is None else self.planned - self.supplied

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "category": self.category,
            "district": self.district,
            "planned": None if self.planned is None else str(self.planned),
            "supplied": str(self.supplied),
            "remaining": None if self.remaining is None else str(self.remaining),
            "rate": None if self.rate is None else str(self.rate),
            "guiding": self.guiding,
            "by_quarter": [str(q) for q in self.by_quarter],
        }


@dataclass(frozen=True)
class Execution:
    """Progress of a plan: the table against the plan in force on the report date, and the findings."""

    jurisdiction: str
    year: int
    on: date | None
    plan_version: int | None
    rows: tuple[ProgressRow, ...]
    findings: tuple[Finding, ...]
    records: int
    by_mode: tuple[ProgressRow, ...] = ()

    @property
    def has_errors(self) -> bool:
        """True when a finding is an error."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def row(self, category: str, district: str | None = None) -> ProgressRow | None:
        """Return the row of ``category`` × ``district``, or None."""
        for r in self.rows:
            if r.category == category and r.district == district:
                return r
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "on": None if self.on is None else self.on.isoformat(),
            "plan_version": self.plan_version,
            "records": self.records,
            "by_mode": [r.to_dict() for r in self.by_mode],
            "rows": [r.to_dict() for r in self.rows],
            "findings": [f.to_dict() for f in self.findings],
        }


def _finding(
    rule_id: str,
    severity: Severity,
    zh: str,
    en: str,
    evidence: dict[str, Any],
) -> Finding:
    source = (SUPPLY_RULES.get(rule_id) or RULES[rule_id]).legal_source
    return Finding(rule_id, severity, zh, en, evidence=evidence, legal_source=source)


def assign_category(record: SupplyRecord, structure: PlanStructure | None) -> SupplyRecord:
    """Return ``record`` with the plan category its use counts against (None when off-plan)."""
    category = structure.category_for(record.use_code) if structure is not None else None
    return replace(record, plan_category=category.label if category else None)


def record_findings(
    record: SupplyRecord, params: ExecutionParams | None = None, *, parcel_cap_ha: Decimal | None = None
) -> list[Finding]:
    """Return the findings of the rules on one record: S1, S2 (DOMAIN.md §6.2), H1, H2 (§6.1).

    H1 uses ``params.residential_cap_ha`` (the configured city-size cap) or else the
    cap the plan states (``parcel_cap_ha``, e.g. 阳泉's 14 公顷); H2 needs the FAR.
    """
    p = params or ExecutionParams()
    findings: list[Finding] = _housing_parcel_findings(record, p, parcel_cap_ha)
    evidence = {
        "parcel": record.parcel_id,
        "use_code": record.use_code,
        "mode": record.mode,
        "method": record.method,
        "date": record.supply_date.isoformat(),
    }
    commercial = record.use_code.startswith(p.commercial_prefixes) or (
        record.use_code.startswith("07") and record.housing_type == "商品住房"
    )
    negotiated = record.mode == "划拨" or record.method == "协议"
    if commercial and negotiated:
        findings.append(
            _finding(
                "S1",
                Severity.ERROR,
                f"宗地 {record.parcel_id} 为经营性用地（{record.use_code}），"
                f"却以{record.method or record.mode}方式供应，"
                "应以招标、拍卖或挂牌方式出让",
                f"Parcel {record.parcel_id} is commercial land ({record.use_code}) but was supplied by "
                f"{record.method or record.mode}; it must be tendered, auctioned or listed",
                evidence,
            )
        )
    elif record.method == "协议" and record.bidders is not None and record.bidders >= 2:
        findings.append(
            _finding(
                "S1",
                Severity.ERROR,
                f"宗地 {record.parcel_id} 有 {record.bidders} 个意向用地者，却以协议方式出让",
                f"Parcel {record.parcel_id} had {record.bidders} prospective users but was granted by negotiation",
                {**evidence, "bidders": record.bidders},
            )
        )
    if record.mode == "划拨":
        affordable = bool(record.housing_type) and HOUSING_TYPES.get(record.housing_type or "", False)
        allowed = record.use_code.startswith(p.allocation_prefixes) or (
            record.use_code.startswith("07") and affordable and record.housing_type != "中小套型普通商品住房"
        )
        if not allowed:
            findings.append(
                _finding(
                    "S2",
                    Severity.ERROR,
                    f"宗地 {record.parcel_id} 以划拨方式供应，但用途 {record.use_code} 不在《划拨用地目录》范围内",
                    f"Parcel {record.parcel_id} was allocated (划拨) but its use {record.use_code} "
                    "is not in the allocation catalogue",
                    evidence,
                )
            )
    return findings


def _is_housing(use_code: str) -> bool:
    """Residential land (07) other than community service facilities (0702, 0704)."""
    return use_code.startswith("07") and not use_code.startswith(("0702", "0704"))


def _housing_parcel_findings(record: SupplyRecord, p: ExecutionParams, plan_cap: Decimal | None) -> list[Finding]:
    """H1 (parcel size cap) and H2 (FAR floor) on a residential 出让 record."""
    if not _is_housing(record.use_code) or record.mode != "出让":
        return []
    findings: list[Finding] = []
    evidence: dict[str, Any] = {"parcel": record.parcel_id, "area": str(record.area_ha), "unit": "公顷"}
    cap = p.residential_cap_ha if p.residential_cap_ha is not None else plan_cap
    if cap is not None and record.area_ha > cap:
        findings.append(
            _finding(
                "H1",
                Severity.ERROR,
                f"住宅用地宗地 {record.parcel_id} 出让面积 {record.area_ha} 公顷，超过单宗上限 {cap} 公顷",
                f"Residential parcel {record.parcel_id} of {record.area_ha} ha exceeds the cap of {cap} ha",
                {**evidence, "cap": str(cap), "cap_source": "config" if p.residential_cap_ha is not None else "plan"},
            )
        )
    if record.far is not None and record.far < p.far_min:
        findings.append(
            _finding(
                "H2",
                Severity.ERROR,
                f"住宅用地宗地 {record.parcel_id} 容积率 {record.far} 低于 {p.far_min}",
                f"Residential parcel {record.parcel_id} has a plot ratio of {record.far}, below {p.far_min}",
                {**evidence, "far": str(record.far), "far_min": str(p.far_min)},
            )
        )
    return findings


def _housing_finding(records: Sequence[SupplyRecord], params: ExecutionParams) -> Finding | None:
    """H3 on what was supplied, when the residential records carry housing types."""
    residential = [r for r in records if r.use_code.startswith("07") and not r.use_code.startswith("0702")]
    typed = [r for r in residential if r.housing_type]
    if not typed:
        return None
    total = sum((r.area_ha for r in residential), Decimal(0))
    counted = sum((r.area_ha for r in typed if HOUSING_TYPES.get(r.housing_type or "", False)), Decimal(0))
    if total == 0:
        return None
    share = counted / total
    evidence = {
        "counted": str(counted),
        "total": str(total),
        "share": str((share * _HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "floor": str(params.housing_share_floor * _HUNDRED),
        "unit": "公顷",
        "untyped_records": len(residential) - len(typed),
    }
    if share >= params.housing_share_floor:
        return None
    return _finding(
        "H3",
        Severity.ERROR,
        f"已供应的保障性住房、棚户区改造住房和中小套型普通商品住房用地 {counted} 公顷，占住房用地 {total} 公顷的 "
        f"{evidence['share']}%，低于 {evidence['floor']}%",
        f"Guaranteed and small-unit housing supplied is {counted} ha, {evidence['share']} % of the {total} ha "
        f"of housing land, below {evidence['floor']} %",
        evidence,
    )


def evaluate_execution(
    records: Iterable[SupplyRecord],
    plan_on: Callable[[date], PlanStructure | None],
    *,
    jurisdiction: str,
    year: int,
    on: date | None = None,
    params: ExecutionParams | None = None,
) -> Execution:
    """Measure supply records against the plan: progress table and findings.

    Records are taken in date order (then parcel id); each is checked against the
    plan version in force on its own date (``plan_on(record.supply_date)``), with
    the cumulative supply up to and including it: the record that first takes a
    category (or the total, or a district's layout figure) over its planned figure
    gives the finding. The progress table is measured against the plan in force on
    ``on`` (or the last record's date, or the end of the year).

    Parameters
    ----------
    records
        The year's records; those after ``on`` are left out.
    plan_on
        The plan structure in force on a date, or None.
    """
    p = params or ExecutionParams()
    chosen = sorted(
        (r for r in records if on is None or r.supply_date <= on), key=lambda r: (r.supply_date, r.parcel_id)
    )
    findings: list[Finding] = []
    cumulative: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    reported: set[tuple[str, str, str | None]] = set()
    for record in chosen:
        structure = plan_on(record.supply_date)
        category = structure.category_for(record.use_code) if structure is not None else None
        label = category.label if category is not None else OFF_PLAN
        keys: list[tuple[str, str | None]] = [(label, None), (TOTAL, None)]
        if record.district is not None:
            keys += [(label, record.district), (TOTAL, record.district)]
        for key in keys:
            cumulative[key] += record.area_ha
        findings.extend(
            record_findings(record, p, parcel_cap_ha=structure.parcel_cap_ha if structure is not None else None)
        )
        evidence: dict[str, Any] = {
            "parcel": record.parcel_id,
            "date": record.supply_date.isoformat(),
            "unit": "公顷",
            "plan_version": structure.version if structure is not None else None,
        }
        if structure is None or category is None:
            if ("X4", record.parcel_id, None) not in reported:
                reported.add(("X4", record.parcel_id, None))
                why_zh = "无生效的供应计划" if structure is None else f"计划中没有用途 {record.use_code} 对应的类别"
                why_en = (
                    "no plan is in force"
                    if structure is None
                    else f"the plan has no category for use {record.use_code}"
                )
                findings.append(
                    _finding(
                        "X4",
                        Severity.ERROR,
                        f"宗地 {record.parcel_id}（{record.area_ha} 公顷）为计划外供地：{why_zh}",
                        f"Parcel {record.parcel_id} ({record.area_ha} ha) was supplied outside the plan: {why_en}",
                        {**evidence, "use_code": record.use_code, "area": str(record.area_ha)},
                    )
                )
            continue
        severity = Severity.WARNING if category.guiding else Severity.ERROR
        kind_zh = "指导性" if category.guiding else "约束性"
        kind_en = "guiding" if category.guiding else "binding"
        if structure.total is not None and cumulative[(TOTAL, None)] > structure.total:
            if ("X1", "", None) not in reported:
                reported.add(("X1", "", None))
                over = cumulative[(TOTAL, None)] - structure.total
                findings.append(
                    _finding(
                        "X1",
                        Severity.ERROR,
                        f"截至 {record.supply_date}（宗地 {record.parcel_id}），"
                        f"累计供应 {cumulative[(TOTAL, None)]} 公顷，"
                        f"突破计划总量 {structure.total} 公顷 {over} 公顷",
                        f"By {record.supply_date} (parcel {record.parcel_id}) {cumulative[(TOTAL, None)]} ha were "
                        f"supplied, {over} ha over the plan total of {structure.total} ha",
                        {
                            **evidence,
                            "planned": str(structure.total),
                            "supplied": str(cumulative[(TOTAL, None)]),
                            "over": str(over),
                        },
                    )
                )
        if category.planned is not None and cumulative[(label, None)] > category.planned:
            if ("X2", label, None) not in reported:
                reported.add(("X2", label, None))
                over = cumulative[(label, None)] - category.planned
                findings.append(
                    _finding(
                        "X2",
                        severity,
                        f"{label}（{kind_zh}计划）累计供应 {cumulative[(label, None)]} 公顷，"
                        f"超过计划 {category.planned} 公顷 "
                        f"{over} 公顷（宗地 {record.parcel_id}，{record.supply_date}）",
                        f"{label} ({kind_en}): {cumulative[(label, None)]} ha supplied, {over} ha over the planned "
                        f"{category.planned} ha (parcel {record.parcel_id}, {record.supply_date})",
                        {
                            **evidence,
                            "category": label,
                            "guiding": category.guiding,
                            "planned": str(category.planned),
                            "supplied": str(cumulative[(label, None)]),
                            "over": str(over),
                        },
                    )
                )
        if record.district is not None and category.by_district:
            planned_d = category.by_district.get(record.district)
            if planned_d is None:
                if ("X4", label, record.district) not in reported:
                    reported.add(("X4", label, record.district))
                    findings.append(
                        _finding(
                            "X4",
                            Severity.WARNING,
                            f"{label} 在 {district_label(record.district)} 无布局计划，"
                            f"宗地 {record.parcel_id} 供应 {record.area_ha} 公顷",
                            f"{label} has no layout figure in {district_label(record.district)}; "
                            f"parcel {record.parcel_id} "
                            f"supplied {record.area_ha} ha there",
                            {**evidence, "category": label, "district": record.district, "area": str(record.area_ha)},
                        )
                    )
            elif cumulative[(label, record.district)] > planned_d:
                if ("X3", label, record.district) not in reported:
                    reported.add(("X3", label, record.district))
                    supplied_d = cumulative[(label, record.district)]
                    findings.append(
                        _finding(
                            "X3",
                            severity,
                            f"{label} 在 {district_label(record.district)} 累计供应 {supplied_d} 公顷，"
                            f"超过布局计划 {planned_d} 公顷",
                            f"{label} in {district_label(record.district)}: {supplied_d} ha supplied, "
                            "over the layout figure "
                            f"of {planned_d} ha",
                            {
                                **evidence,
                                "category": label,
                                "district": record.district,
                                "guiding": category.guiding,
                                "planned": str(planned_d),
                                "supplied": str(supplied_d),
                            },
                        )
                    )
    housing = _housing_finding(chosen, p)
    if housing is not None:
        findings.append(housing)
    report_day = on or (chosen[-1].supply_date if chosen else date(year, 12, 31))
    structure = plan_on(report_day)
    rows = _progress_rows(chosen, structure, plan_on)
    return Execution(
        jurisdiction=jurisdiction,
        year=year,
        on=on,
        plan_version=structure.version if structure is not None else None,
        rows=tuple(rows),
        findings=tuple(sorted(findings, key=lambda f: f.severity.rank)),
        records=len(chosen),
        by_mode=tuple(_mode_rows(chosen, structure)),
    )


def _mode_rows(records: Sequence[SupplyRecord], structure: PlanStructure | None) -> list[ProgressRow]:
    """Return planned vs supplied by supply mode (出让/划拨/租赁), for the modes planned or supplied."""
    planned = structure.mode_totals if structure is not None else {}
    supplied: dict[str, Decimal] = defaultdict(Decimal)
    quarters: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for record in records:
        supplied[record.mode] += record.area_ha
        quarters[record.mode][record.quarter - 1] += record.area_ha
    rows = []
    for mode in MODES:
        if mode not in planned and mode not in supplied:
            continue
        value = supplied.get(mode, Decimal(0))
        q = quarters.get(mode, [Decimal(0)] * 4)
        rows.append(
            ProgressRow(
                mode, None, planned.get(mode), value, rate(value, planned.get(mode)), False, (q[0], q[1], q[2], q[3])
            )
        )
    return rows


def _progress_rows(
    records: Sequence[SupplyRecord],
    structure: PlanStructure | None,
    plan_on: Callable[[date], PlanStructure | None],
) -> list[ProgressRow]:
    """Return the progress table against ``structure``: total, each category, each category × district, off-plan."""
    supplied: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    quarters: dict[tuple[str, str | None], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for record in records:
        at_date = plan_on(record.supply_date)
        category = at_date.category_for(record.use_code) if at_date is not None else None
        # Report rows use the labels of the plan of the report date when the use is there.
        current = structure.category_for(record.use_code) if structure is not None else None
        label = current.label if current is not None else (category.label if category is not None else OFF_PLAN)
        keys: list[tuple[str, str | None]] = [(label, None), (TOTAL, None)]
        if record.district is not None:
            keys += [(label, record.district), (TOTAL, record.district)]
        for key in keys:
            supplied[key] += record.area_ha
            quarters[key][record.quarter - 1] += record.area_ha
    planned = structure.planned_totals() if structure is not None else {}
    guiding = {c.label: c.guiding for c in structure.categories} if structure is not None else {}
    order: list[tuple[str, str | None]] = [(TOTAL, None)]
    if structure is not None:
        order += [(TOTAL, d) for d in structure.district_totals]
        for category in structure.categories:
            order.append((category.label, None))
            order += [(category.label, d) for d in category.by_district]
    for key in sorted(set(supplied) | set(planned), key=lambda k: (k[0], k[1] or "")):
        if key not in order:
            order.append(key)
    rows = []
    for key in order:
        value = supplied.get(key, Decimal(0))
        plan_value = planned.get(key)
        q = quarters.get(key, [Decimal(0)] * 4)
        rows.append(
            ProgressRow(
                category=key[0],
                district=key[1],
                planned=plan_value,
                supplied=value,
                rate=rate(value, plan_value),
                guiding=guiding.get(key[0], False),
                by_quarter=(q[0], q[1], q[2], q[3]),
            )
        )
    return rows


@cache
def use_code_of(text: str) -> str:
    """Return the one 用地用海 code a land use names (the common prefix of its codes: 住宅用地 → 07).

    Raises
    ------
    InvalidInputError
        ``classification.use_unknown`` when the text names no use, or uses without a common class.
    """
    codes = normalize_use(text).codes
    prefix = codes[0]
    for code in codes[1:]:
        while not code.startswith(prefix):
            prefix = prefix[:-2]
    if len(prefix) < 2:
        raise InvalidInputError("classification.use_unknown", value=text)
    return prefix


def district_label(code: str) -> str:
    """Return ``名称（代码）`` for a jurisdiction code (the code alone when unknown)."""
    from guotu.domain.jurisdiction_data import find_jurisdiction

    try:
        return f"{find_jurisdiction(code).name}（{code}）"
    except (NotFoundError, InvalidInputError):
        return code


@cache
def resolve_district(name: str, parent: str) -> str | None:
    """Code of a district named ``name`` under ``parent`` (None when unknown or ambiguous)."""
    from guotu.domain.jurisdiction_data import find_jurisdiction

    try:
        return find_jurisdiction(name, parent=parent).code
    except (NotFoundError, InvalidInputError):
        return None


# ----------------------------------------------------------------------------- import: columns and rows

#: Record fields and the column headers of land-market tables that name them (normalised: no spaces or brackets).
HEADER_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "parcel_id": ("宗地编号", "地块编号", "宗地号", "宗地代码", "电子监管号", "项目编号", "parcel_id", "parcel"),
    "location": ("位置", "宗地位置", "土地坐落", "坐落", "地块位置", "项目位置", "location"),
    "district": ("行政区", "行政区划", "所在区县", "区县", "县区", "区域", "乡镇", "district"),
    "area": ("面积", "供地面积", "供应面积", "出让面积", "宗地面积", "土地面积", "总面积", "area", "area_ha"),
    "use": ("土地用途", "用途", "用地性质", "规划用途", "用地类型", "use", "use_code"),
    "mode": ("供地方式", "供应方式", "出让方式", "mode"),
    "method": ("出让形式", "交易方式", "method"),
    "price": ("成交价格", "成交价", "出让价款", "成交金额", "出让金", "price", "price_wan"),
    "date": ("签订日期", "合同签订日期", "成交日期", "供地日期", "批准日期", "决定书日期", "date", "supply_date"),
    "far": ("容积率", "far"),
    "source": ("新增存量", "土地来源", "来源", "新增/存量", "source"),
    "document_number": ("合同编号", "合同号", "划拨决定书编号", "决定书编号", "批准文号", "document_number"),
    "housing_type": ("住房类型", "住宅类型", "保障性住房类型", "housing_type"),
    "bidders": ("意向用地者", "意向用地者数", "竞买人数", "bidders"),
    "review_id": ("审查编号", "合规审查编号", "review_id"),
}
#: Units a header may carry, for areas and prices.
_AREA_HEADER_UNITS: Final = (
    ("平方米", "平方米"),
    ("m2", "平方米"),
    ("㎡", "平方米"),
    ("公顷", "公顷"),
    ("ha", "公顷"),
    ("亩", "亩"),
)
_PRICE_HEADER_UNITS: Final = (("万元", "万元"), ("元", "元"))
_BRACKETS: Final = re.compile(r"[\s()（）\[\]【】:：/_\-]+")
_DATE_RE: Final = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:[ T].*)?$")
_NUMBER_RE: Final = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds which record field, and the units read from the headers.

    ``columns`` maps a field (keys of :data:`HEADER_SYNONYMS`) to a column header;
    ``area_unit`` is 公顷, 亩 or 平方米, ``price_unit`` 万元 or 元.
    """

    columns: dict[str, str]
    area_unit: str = "公顷"
    price_unit: str = "万元"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a saved import profile)."""
        return {"columns": dict(self.columns), "area_unit": self.area_unit, "price_unit": self.price_unit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            area_unit=str(data.get("area_unit", "公顷")),
            price_unit=str(data.get("price_unit", "万元")),
        )


def _header_key(header: str) -> str:
    return _BRACKETS.sub("", str(header)).lower()


def _unit_in(header: str, units: Sequence[tuple[str, str]]) -> str | None:
    text = str(header).lower()
    for token, unit in units:
        if token in text:
            return unit
    return None


def guess_mapping(headers: Sequence[str]) -> ColumnMapping:
    """Recognise the columns of a land-market table by their headers (and their units).

    A header matches a field when, without spaces, brackets and its unit, it equals
    a synonym or starts with one (``面积（亩）``, ``成交价格(万元)``, ``签订日期``).

    Examples
    --------
    >>> m = guess_mapping(["宗地编号", "面积（亩）", "土地用途", "供地方式", "签订日期", "成交价格(元)"])
    >>> m.columns["area"], m.area_unit, m.price_unit
    ('面积（亩）', '亩', '元')
    """
    columns: dict[str, str] = {}
    area_unit = "公顷"
    price_unit = "万元"
    for header in headers:
        key = _header_key(header)
        for token, _unit in (*_AREA_HEADER_UNITS, *_PRICE_HEADER_UNITS):
            key = key.removesuffix(token.lower())
        best: str | None = None
        for name, synonyms in HEADER_SYNONYMS.items():
            if name in columns:
                continue
            if any(key == _header_key(s) for s in synonyms):
                best = name
                break
            if best is None and any(key.startswith(_header_key(s)) for s in synonyms if len(s) >= 2):
                best = name
        if best is None:
            continue
        columns[best] = header
        if best == "area":
            area_unit = _unit_in(header, _AREA_HEADER_UNITS) or "公顷"
        if best == "price":
            price_unit = _unit_in(header, _PRICE_HEADER_UNITS) or "万元"
    return ColumnMapping(columns=columns, area_unit=area_unit, price_unit=price_unit)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_decimal(value: Any) -> Decimal | None:
    """Read a number from a cell (int, float, Decimal or text with separators); None when empty.

    Raises
    ------
    ValueError
        When the cell holds something that is not a number.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    return Decimal(unicodedata_nfkc(text))


def unicodedata_nfkc(text: str) -> str:
    """Full-width digits to ASCII."""
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def parse_date(value: Any) -> date | None:
    """Read a date from a cell (date, datetime, ``2026-03-05``, ``2026/3/5``, ``2026年3月5日``).

    Raises
    ------
    ValueError
        When the cell is not a date.
    """
    from datetime import datetime

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_RE.match(unicodedata_nfkc(str(value)))
    if not match:
        raise ValueError(value)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def parse_mode(text: str) -> tuple[str, str | None]:
    """Read 供地方式 as (mode, method): ``挂牌出让`` → (出让, 挂牌), ``划拨`` → (划拨, None).

    Raises
    ------
    ValueError
        When the text names no mode.

    Examples
    --------
    >>> parse_mode("协议出让")
    ('出让', '协议')
    >>> parse_mode("招拍挂")
    ('出让', None)
    """
    text = unicodedata_nfkc(text).strip()
    methods = [m for m in METHODS if m in text]
    if "招拍挂" in text:
        methods = []
    if "划拨" in text:
        return "划拨", None
    if "租赁" in text and "出让" not in text:
        return "租赁", None
    if "出让" in text or methods or "招拍挂" in text:
        return "出让", methods[0] if len(methods) == 1 else None
    raise ValueError(text)


def _v1(
    row: int, field_name: str, code: str, zh: str, en: str, value: Any, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(
        "V1",
        severity,
        f"第 {row} 行：{zh}",
        f"Row {row}: {en}",
        evidence={"row": row, "field": field_name, "check": code, "value": None if value is None else str(value)},
        legal_source=SUPPLY_RULES["V1"].legal_source,
    )


@dataclass(frozen=True)
class ImportParams:
    """Limits of the import checks: areas above ``max_area_ha`` are implausible for one parcel."""

    max_area_ha: Decimal = Decimal(1000)


def parse_row(
    row: Mapping[str, Any],
    mapping: ColumnMapping,
    *,
    row_number: int,
    jurisdiction: str,
    year: int | None,
    district_code: Callable[[str], str | None],
    area_ha_from_geometry: Decimal | None = None,
    params: ImportParams | None = None,
) -> tuple[SupplyRecord | None, list[Finding]]:
    """Read one table row into a record, or findings saying why it cannot be one.

    Checks: parcel id present; area a positive number, at most ``max_area_ha`` (from
    the geometry when there is no area column); use known (用地用海 2023 or any
    name :func:`~guotu.domain.classification.normalize_use` reads); district known
    under the jurisdiction; mode known; date present and in the plan year.
    """
    p = params or ImportParams()
    findings: list[Finding] = []
    cols = mapping.columns

    def cell(name: str) -> Any:
        header = cols.get(name)
        return row.get(header) if header is not None else None

    parcel = _text(cell("parcel_id"))
    if parcel is None:
        findings.append(_v1(row_number, "parcel_id", "missing", "缺少宗地编号", "the parcel id is missing", None))
    # area
    area: Decimal | None = None
    raw_area = cell("area")
    try:
        value = parse_decimal(raw_area)
        if value is not None:
            area = value if mapping.area_unit == "公顷" else convert(value, mapping.area_unit, "公顷")
        elif area_ha_from_geometry is not None:
            area = area_ha_from_geometry
    except (ArithmeticError, ValueError):
        findings.append(
            _v1(
                row_number,
                "area",
                "not_number",
                f"面积不是数字：{raw_area}",
                f"area is not a number: {raw_area}",
                raw_area,
            )
        )
    if area is None and not any(f.evidence.get("field") == "area" for f in findings):
        findings.append(_v1(row_number, "area", "missing", "缺少面积", "the area is missing", None))
    elif area is not None and area <= 0:
        findings.append(
            _v1(
                row_number,
                "area",
                "not_positive",
                f"面积须大于0：{area} 公顷",
                f"area must be positive: {area} ha",
                area,
            )
        )
    elif area is not None and area > p.max_area_ha:
        findings.append(
            _v1(
                row_number,
                "area",
                "implausible",
                f"单宗面积 {area} 公顷超过合理上限 {p.max_area_ha} 公顷（请核对单位）",
                f"parcel area {area} ha exceeds the plausible {p.max_area_ha} ha (check the unit)",
                area,
            )
        )
    # use
    use_code: str | None = None
    use_text = _text(cell("use"))
    if use_text is None:
        findings.append(_v1(row_number, "use", "missing", "缺少土地用途", "the land use is missing", None))
    else:
        try:
            use_code = use_code_of(use_text)
        except InvalidInputError:
            findings.append(
                _v1(
                    row_number,
                    "use",
                    "unknown",
                    f"无法识别的土地用途：{use_text}",
                    f"unknown land use: {use_text}",
                    use_text,
                )
            )
    # district
    district: str | None = None
    district_text = _text(cell("district"))
    if district_text is not None:
        district = district_code(district_text)
        if district is None:
            findings.append(
                _v1(
                    row_number,
                    "district",
                    "unknown",
                    f"无法识别的行政区：{district_text}",
                    f"unknown district: {district_text}",
                    district_text,
                )
            )
    # mode and method
    mode: str | None = None
    method: str | None = None
    mode_text = _text(cell("mode"))
    method_text = _text(cell("method"))
    if mode_text is None and method_text is None:
        findings.append(_v1(row_number, "mode", "missing", "缺少供地方式", "the supply mode is missing", None))
    else:
        try:
            mode, method = parse_mode(" ".join(t for t in (mode_text, method_text) if t))
        except ValueError:
            findings.append(
                _v1(
                    row_number,
                    "mode",
                    "unknown",
                    f"无法识别的供地方式：{mode_text or method_text}",
                    f"unknown supply mode: {mode_text or method_text}",
                    mode_text or method_text,
                )
            )
    # date
    day: date | None = None
    raw_date = cell("date")
    try:
        day = parse_date(raw_date)
    except ValueError:
        findings.append(
            _v1(row_number, "date", "invalid", f"日期无效：{raw_date}", f"invalid date: {raw_date}", raw_date)
        )
    else:
        if day is None:
            findings.append(_v1(row_number, "date", "missing", "缺少签订日期", "the date is missing", None))
        elif year is not None and day.year != year:
            findings.append(
                _v1(
                    row_number,
                    "date",
                    "other_year",
                    f"日期 {day} 不在计划年度 {year}",
                    f"date {day} is outside the plan year {year}",
                    day,
                )
            )
    # optional numbers
    price: Decimal | None = None
    far: Decimal | None = None
    bidders: int | None = None
    try:
        price = parse_decimal(cell("price"))
        if price is not None and mapping.price_unit == "元":
            price = price / Decimal(10000)
    except (ArithmeticError, ValueError):
        findings.append(
            _v1(
                row_number,
                "price",
                "not_number",
                f"成交价格不是数字：{cell('price')}",
                f"price is not a number: {cell('price')}",
                cell("price"),
            )
        )
    far_text = _text(cell("far"))
    if far_text is not None:
        numbers = _NUMBER_RE.findall(unicodedata_nfkc(far_text))
        if numbers:
            far = Decimal(numbers[0])
        else:
            findings.append(
                _v1(
                    row_number,
                    "far",
                    "not_number",
                    f"容积率不是数字：{far_text}",
                    f"FAR is not a number: {far_text}",
                    far_text,
                )
            )
    try:
        raw_bidders = parse_decimal(cell("bidders"))
        bidders = int(raw_bidders) if raw_bidders is not None else None
    except (ArithmeticError, ValueError):
        findings.append(
            _v1(row_number, "bidders", "not_number", "意向用地者数不是数字", "bidders is not a number", cell("bidders"))
        )
    source = _text(cell("source"))
    if source is not None:
        source = "新增" if "新增" in source else "存量" if "存量" in source else source
    housing = _text(cell("housing_type"))
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    assert parcel is not None and area is not None and use_code is not None and mode is not None and day is not None
    extra = {}
    if far_text is not None:
        extra["容积率"] = far_text
    record = SupplyRecord(
        parcel_id=parcel,
        jurisdiction=jurisdiction,
        year=year if year is not None else day.year,
        area_ha=area,
        use_code=use_code,
        use_name=use_text,
        mode=mode,
        method=method if mode == "出让" else None,
        supply_date=day,
        district=district,
        location=_text(cell("location")),
        document_number=_text(cell("document_number")),
        price_wan=price,
        far=far,
        source=source,
        housing_type=housing,
        bidders=bidders,
        review_id=_text(cell("review_id")),
        extra=extra,
    )
    return record, findings


def duplicate_findings(records: Sequence[tuple[int, SupplyRecord]], existing: set[str]) -> list[Finding]:
    """Return findings for parcel ids repeated in the input or already recorded (by record key)."""
    seen: dict[str, int] = {}
    findings: list[Finding] = []
    for row, record in records:
        if record.key in seen:
            findings.append(
                _v1(
                    row,
                    "parcel_id",
                    "duplicate",
                    f"宗地编号 {record.parcel_id} 与第 {seen[record.key]} 行重复",
                    f"parcel id {record.parcel_id} repeats row {seen[record.key]}",
                    record.parcel_id,
                )
            )
        elif record.key in existing:
            findings.append(
                _v1(
                    row,
                    "parcel_id",
                    "exists",
                    f"宗地编号 {record.parcel_id} 已有供地记录",
                    f"parcel id {record.parcel_id} is already recorded",
                    record.parcel_id,
                )
            )
        seen.setdefault(record.key, row)
    return findings


# ----------------------------------------------------------------------------- readiness (净地 / 前期审核)

#: The checklist before a parcel is listed for 出让 (净地出让), in order: id → (zh, en).
READINESS_ITEMS: Final[dict[str, tuple[str, str]]] = {
    "rights_clear": ("土地权属清晰", "Land rights clear"),
    "compensation_settled": ("征收补偿安置落实到位", "Compensation and resettlement settled"),
    "no_disputes": ("无法律经济纠纷", "No legal or economic disputes"),
    "planning_conditions": ("规划条件明确（用途、容积率等）", "Planning conditions set (use, FAR ...)"),
    "site_access": ("具备动工开发所需的道路条件", "Site access for construction"),
    "utilities": ("具备通水、通电等基本条件", "Water and power available"),
}


@dataclass(frozen=True)
class ReadinessItem:
    """One item of the checklist: done or open, with its evidence (document, photo, decision number)."""

    item: str
    done: bool = False
    evidence: str = ""
    by: str = ""
    at: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"item": self.item, "done": self.done, "evidence": self.evidence, "by": self.by, "at": self.at}


@dataclass(frozen=True)
class Readiness:
    """A parcel's readiness checklist (净地 / 前期审核) and whether it is marked ready for listing."""

    jurisdiction: str
    parcel_id: str
    items: tuple[ReadinessItem, ...]
    ready: bool = False
    ready_by: str = ""
    ready_at: str = ""
    revision: int | None = None

    @property
    def key(self) -> str:
        """The record key ``{jurisdiction}:{parcel_id}``."""
        return f"{self.jurisdiction}:{self.parcel_id}"

    @property
    def open_items(self) -> tuple[str, ...]:
        """Ids of the items still open."""
        return tuple(i.item for i in self.items if not i.done)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "jurisdiction": self.jurisdiction,
            "parcel_id": self.parcel_id,
            "items": [i.to_dict() for i in self.items],
            "ready": self.ready,
            "ready_by": self.ready_by,
            "ready_at": self.ready_at,
        }

    @classmethod
    def empty(cls, jurisdiction: str, parcel_id: str) -> Readiness:
        """Return a checklist with every item open."""
        return cls(jurisdiction, parcel_id, tuple(ReadinessItem(i) for i in READINESS_ITEMS))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], revision: int | None = None) -> Readiness:
        """Rebuild from :meth:`to_dict` output (items missing from the data are open)."""
        stored = {str(i["item"]): i for i in data.get("items") or ()}
        items = tuple(
            ReadinessItem(
                item,
                done=bool(stored.get(item, {}).get("done", False)),
                evidence=str(stored.get(item, {}).get("evidence", "")),
                by=str(stored.get(item, {}).get("by", "")),
                at=str(stored.get(item, {}).get("at", "")),
            )
            for item in READINESS_ITEMS
        )
        return cls(
            jurisdiction=str(data["jurisdiction"]),
            parcel_id=str(data["parcel_id"]),
            items=items,
            ready=bool(data.get("ready", False)),
            ready_by=str(data.get("ready_by", "")),
            ready_at=str(data.get("ready_at", "")),
            revision=revision,
        )

    def with_item(self, item: str, *, done: bool, evidence: str, by: str, at: str) -> Readiness:
        """Return the checklist with ``item`` set; reopening an item withdraws the ready mark.

        Raises
        ------
        InvalidInputError
            ``readiness.item_unknown``; ``readiness.evidence_required`` when an item is
            marked done without evidence.
        """
        if item not in READINESS_ITEMS:
            raise InvalidInputError("readiness.item_unknown", item=item, allowed="、".join(READINESS_ITEMS))
        if done and not evidence.strip():
            raise InvalidInputError("readiness.evidence_required", item=item)
        items = tuple(
            ReadinessItem(item, done=done, evidence=evidence.strip(), by=by, at=at) if i.item == item else i
            for i in self.items
        )
        ready = self.ready and done
        return replace(
            self,
            items=items,
            ready=ready,
            ready_by=self.ready_by if ready else "",
            ready_at=self.ready_at if ready else "",
        )

    def marked_ready(self, *, by: str, at: str) -> Readiness:
        """Return the checklist marked ready for listing.

        Raises
        ------
        ConflictError
            ``readiness.items_open`` while any item is open.
        """
        from guotu.errors import ConflictError

        if self.open_items:
            labels = "、".join(READINESS_ITEMS[i][0] for i in self.open_items)
            raise ConflictError("readiness.items_open", parcel=self.parcel_id, items=labels)
        return replace(self, ready=True, ready_by=by, ready_at=at)
