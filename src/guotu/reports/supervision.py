"""Supervision reports: quarterly execution report, annual summary, 117号-style plan tables (.docx / .xlsx).

* quarterly (季度执行情况报告): the plan in force, the execution table by category and by
  district up to the end of the quarter, charts (plan vs supplied by category and by
  district; cumulative supply through the year against the plan total), the findings
  and the list of records;
* annual (年度计划实施总结, 开展计划实施后总结): the same for the whole year, plus the
  plan's versions (adjustments);
* tables: the 117号 汇总表 (categories × 合计/新增/存量/districts) and 住房用地表 of the plan.

Every table goes to .xlsx through :mod:`guotu.reports.xlsx` (formula-injection-safe cells)
when ``out`` ends in ``.xlsx``; ``.docx`` gives the document with its charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from guotu.domain.jurisdiction_data import find_jurisdiction
from guotu.domain.plan import SupplyPlan
from guotu.domain.supply import OFF_PLAN, TOTAL, Execution, SupplyRecord
from guotu.errors import InvalidInputError, NotFoundError
from guotu.reports import charts, docx_kit, xlsx
from guotu.services.plan_versions import PlanVersion, list_plans, plan_in_force, resolve_jurisdiction
from guotu.services.supply import list_records, progress

__all__ = ["KINDS", "ReportData", "collect", "plan_tables", "write_docx", "write_report", "write_xlsx"]

#: Report kinds.
KINDS: Final = ("quarterly", "annual", "tables")
_QUARTER_END: Final = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_CN_QUARTER: Final = {1: "一", 2: "二", 3: "三", 4: "四"}


def _name(code: str | None) -> str:
    """Return the name of a jurisdiction code (the code itself when unknown)."""
    if code is None:
        return "全域"
    try:
        return find_jurisdiction(code).name
    except (NotFoundError, InvalidInputError):
        return code


@dataclass(frozen=True)
class ReportData:
    """What a report shows, gathered from the store."""

    jurisdiction: str
    year: int
    kind: str
    quarter: int | None
    on: date
    execution: Execution
    version: PlanVersion | None
    versions: tuple[PlanVersion, ...]
    records: tuple[SupplyRecord, ...]

    @property
    def title(self) -> str:
        """The document title."""
        name = _name(self.jurisdiction)
        if self.kind == "quarterly":
            return f"{name}{self.year}年第{_CN_QUARTER[self.quarter or 4]}季度国有建设用地供应计划执行情况报告"
        if self.kind == "annual":
            return f"{name}{self.year}年度国有建设用地供应计划实施情况总结"
        return f"{name}{self.year}年度国有建设用地供应计划表"


def collect(store: Any, jurisdiction: str, year: int, *, kind: str, quarter: int | None = None) -> ReportData:
    """Gather the execution, plan versions and records a report needs.

    For a quarterly report without ``quarter``, the last quarter that has records
    (the first when there are none).
    """
    if kind not in KINDS:
        raise InvalidInputError("supervision_report.kind_invalid", kind=kind, allowed="、".join(KINDS))
    code = resolve_jurisdiction(store, jurisdiction)
    records = list_records(store, code, year)
    if kind == "quarterly":
        q = quarter or (max(r.quarter for r in records) if records else 1)
        month, day = _QUARTER_END[q]
        on = date(year, month, day)
    else:
        q = None
        on = date(year, 12, 31)
    versions = tuple(list_plans(store, code, year=year))
    return ReportData(
        jurisdiction=code,
        year=year,
        kind=kind,
        quarter=q,
        on=on,
        execution=progress(store, code, year, on),
        version=plan_in_force(store, code, year, on),
        versions=versions,
        records=tuple(r for r in records if r.supply_date <= on),
    )


# ----------------------------------------------------------------------------- tables


def _ha(value: Decimal | None) -> Decimal | None:
    """Return an area with 4 decimals (None stays None)."""
    return None if value is None else value.quantize(Decimal("0.0001"))


def category_rows(data: ReportData) -> list[list[Any]]:
    """Return the execution by category: 类别, 计划性质, 计划, 已供应, 剩余, 完成率 (%), Q1–Q4."""
    rows: list[list[Any]] = []
    for row in data.execution.rows:
        if row.district is not None:
            continue
        nature = "—" if row.category in (TOTAL, OFF_PLAN) else ("指导性" if row.guiding else "约束性")
        rows.append(
            [
                row.category,
                nature,
                _ha(row.planned),
                _ha(row.supplied),
                _ha(row.remaining),
                row.rate,
                *(_ha(q) for q in row.by_quarter),
            ]
        )
    total = [r for r in rows if r[0] == TOTAL]
    return [r for r in rows if r[0] != TOTAL] + total


CATEGORY_HEADER: Final = ["类别", "计划性质", "计划（公顷）", "已供应（公顷）", "剩余（公顷）", "完成率（%）",
                          "一季度", "二季度", "三季度", "四季度"]  # fmt: skip


def district_rows(data: ReportData) -> list[list[Any]]:
    """Return the execution by district (totals): 区县, 计划, 已供应, 完成率 (%)."""
    rows = [
        [_name(row.district), row.planned, row.supplied, row.rate]
        for row in data.execution.rows
        if row.category == TOTAL and row.district is not None
    ]
    return rows


DISTRICT_HEADER: Final = ["区县", "计划（公顷）", "已供应（公顷）", "完成率（%）"]


def matrix_rows(data: ReportData) -> list[list[Any]]:
    """Category × district: 类别, 区县, 计划, 已供应, 完成率."""
    return [
        [row.category, _name(row.district), row.planned, row.supplied, row.rate]
        for row in data.execution.rows
        if row.district is not None and row.category != TOTAL
    ]


MATRIX_HEADER: Final = ["类别", "区县", "计划（公顷）", "已供应（公顷）", "完成率（%）"]


def record_rows(data: ReportData) -> list[list[Any]]:
    """Return the records: 宗地编号, 日期, 区县, 位置, 用途, 计划类别, 面积, 方式, 成交价格, 合同/决定书."""
    return [
        [
            r.parcel_id,
            r.supply_date,
            _name(r.district) if r.district else "",
            r.location or "",
            r.use_name or r.use_code,
            r.plan_category or OFF_PLAN,
            r.area_ha,
            r.mode + (f"（{r.method}）" if r.method else ""),
            r.price_wan,
            r.document_number or "",
        ]
        for r in data.records
    ]


RECORD_HEADER: Final = ["宗地编号", "日期", "区县", "位置", "土地用途", "计划类别", "面积（公顷）", "供地方式",
                        "成交价格（万元）", "合同/决定书编号"]  # fmt: skip


def finding_rows(data: ReportData) -> list[list[Any]]:
    """Return the findings: 规则, 级别, 说明, 依据."""
    return [[f.rule, f.severity.value, f.message_zh, f.legal_source] for f in data.execution.findings]


FINDING_HEADER: Final = ["规则", "级别", "说明", "依据"]


def mode_rows(data: ReportData) -> list[list[Any]]:
    """Return the execution by supply mode: 供应方式, 计划, 已供应, 完成率 (%)."""
    return [[r.category, _ha(r.planned), _ha(r.supplied), r.rate] for r in data.execution.by_mode]


MODE_HEADER: Final = ["供应方式", "计划（公顷）", "已供应（公顷）", "完成率（%）"]


def cumulative_rows(data: ReportData) -> list[list[Any]]:
    """Supply through the year: 季度, 本季度供应, 累计供应, 计划总量."""
    total = data.execution.row(TOTAL)
    planned = total.planned if total is not None else None
    quarters = total.by_quarter if total is not None else (Decimal(0),) * 4
    last = data.quarter or 4
    rows: list[list[Any]] = []
    running = Decimal(0)
    for q in range(1, last + 1):
        running += quarters[q - 1]
        rows.append([f"第{_CN_QUARTER[q]}季度", quarters[q - 1], running, planned])
    return rows


CUMULATIVE_HEADER: Final = ["季度", "本季度供应（公顷）", "累计供应（公顷）", "计划总量（公顷）"]


def plan_tables(plan: SupplyPlan, jurisdiction: str) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """Return the 117号 tables of a plan: 汇总表 (header, rows) and 住房用地表 (header, rows).

    汇总表: one row per category with 合计, 新增, 存量 and each district's figure, plus a
    合计 row; 住房用地表: the housing sub-items (with their supply mode). Cells the plan
    does not state are None (written "—").
    """
    from guotu.domain.supply import plan_structure, resolve_district

    structure = plan_structure(
        plan, jurisdiction=jurisdiction, year=plan.year or 0, district_code=lambda n: resolve_district(n, jurisdiction)
    )
    districts = list(structure.district_totals) or sorted({d for c in structure.categories for d in c.by_district})
    by_source: dict[tuple[tuple[str, ...] | None, str], Decimal] = {}
    for fig in plan.figures:
        if fig.is_planned_area and fig.source and fig.district is None and fig.equivalent_of is None:
            by_source.setdefault((tuple(fig.category_codes) or None, fig.source), fig.value)
    header = ["类别", "合计（公顷）", "新增（公顷）", "存量（公顷）", *(_name(d) for d in districts)]
    rows: list[list[Any]] = []
    for c in structure.categories:
        rows.append(
            [
                c.label + ("（指导性）" if c.guiding else ""),
                c.planned,
                by_source.get((c.codes, "新增")),
                by_source.get((c.codes, "存量")),
                *(c.by_district.get(d) for d in districts),
            ]
        )
    rows.append(
        [
            TOTAL,
            structure.total,
            by_source.get((None, "新增")),
            by_source.get((None, "存量")),
            *(structure.district_totals.get(d) for d in districts),
        ]
    )
    housing_header = ["住房用地子项", "面积", "单位", "供应方式", "区县"]
    housing_rows: list[list[Any]] = [
        [f.category or "", f.value, f.unit, f.mode or "", f.district or ""]
        for f in plan.figures
        if f.housing and f.is_planned_area and f.equivalent_of is None
    ]
    return header, rows, housing_header, housing_rows


# ----------------------------------------------------------------------------- charts


def _category_chart(data: ReportData) -> bytes:
    rows = [r for r in data.execution.rows if r.district is None and r.category not in (TOTAL,)]
    return charts.bar_chart(
        [r.category for r in rows],
        {"计划": [r.planned or 0 for r in rows], "已供应": [r.supplied for r in rows]},
        title="分类别计划与供应",
        ylabel="面积（公顷）",
    )


def _district_chart(data: ReportData) -> bytes | None:
    rows = [r for r in data.execution.rows if r.category == TOTAL and r.district is not None]
    if not rows:
        return None
    return charts.bar_chart(
        [_name(r.district) for r in rows],
        {"计划": [r.planned or 0 for r in rows], "已供应": [r.supplied for r in rows]},
        title="分区县计划与供应",
        ylabel="面积（公顷）",
    )


def _progress_chart(data: ReportData) -> bytes:
    rows = cumulative_rows(data)
    series: dict[str, list[Any]] = {"累计供应": [r[2] for r in rows]}
    if rows and rows[0][3] is not None:
        series["计划总量"] = [r[3] for r in rows]
    return charts.line_chart([r[0] for r in rows], series, title="年度供应进度", ylabel="面积（公顷）")


# ----------------------------------------------------------------------------- writers


def write_docx(data: ReportData, path: Path) -> Path:
    """Write the quarterly or annual report as .docx with its charts."""
    period = f"截至{data.on.year}年{data.on.month}月{data.on.day}日"
    doc = docx_kit.new_document(title=data.title, subtitle=period)
    version = data.version
    docx_kit.add_heading(doc, "一、计划概况", 1)
    if version is None:
        docx_kit.add_paragraph(doc, f"{period}，本行政区{data.year}年度没有生效的国有建设用地供应计划。")
    else:
        total = data.execution.row(TOTAL)
        planned = total.planned if total is not None else None
        docx_kit.add_paragraph(
            doc,
            f"{data.year}年度国有建设用地供应计划（第{version.version}版，"
            f"批准文件{version.approval_document or '未注明'}，"
            f"自{version.effective_date.isoformat()}起执行）"
            f"计划供应总量{planned if planned is not None else '未注明'}公顷。"
            f"{period}，累计供应{total.supplied if total else 0}公顷，"
            f"完成率{total.rate if total and total.rate is not None else '—'}%，共{len(data.records)}宗。",
        )
    if data.kind == "annual" and len(data.versions) > 1:
        docx_kit.add_heading(doc, "二、计划调整情况", 1)
        docx_kit.add_table(
            doc,
            ["版本", "状态", "批准文件", "生效日期", "调整自"],
            [[v.version, v.status, v.approval_document or "", v.effective_date, v.adjusts] for v in data.versions],
            caption="供应计划版本",
        )
    numbers = iter(["二", "三", "四", "五", "六"] if not (data.kind == "annual" and len(data.versions) > 1)
                   else ["三", "四", "五", "六"])  # fmt: skip
    docx_kit.add_heading(doc, f"{next(numbers)}、执行情况", 1)
    rows = category_rows(data)
    docx_kit.add_table(
        doc, CATEGORY_HEADER[:6], [r[:6] for r in rows], numeric_cols=range(2, 6), caption="分类别执行情况",
        widths_cm=(4.2, 1.8, 2.4, 2.4, 2.4, 2.2), float_format=".4f", total_row=True,
    )  # fmt: skip
    shown = data.quarter or 4  # a quarterly report shows the quarters up to its own
    docx_kit.add_table(
        doc, [CATEGORY_HEADER[0], *CATEGORY_HEADER[6 : 6 + shown]], [[r[0], *r[6 : 6 + shown]] for r in rows],
        numeric_cols=range(1, shown + 1), caption="分季度供应（公顷）", widths_cm=(4.2, *([11.2 / shown] * shown)),
        float_format=".4f", total_row=True,
    )  # fmt: skip
    if data.execution.by_mode:
        docx_kit.add_table(
            doc, MODE_HEADER, mode_rows(data), numeric_cols=(1, 2, 3), caption="分供应方式执行情况",
            widths_cm=(4.2, 3.8, 3.8, 3.6), float_format=".4f",
        )  # fmt: skip
    docx_kit.add_picture(doc, _category_chart(data), caption="图1 分类别计划与供应")
    districts = district_rows(data)
    if districts:
        docx_kit.add_table(
            doc, DISTRICT_HEADER, [[d[0], _ha(d[1]), _ha(d[2]), d[3]] for d in districts], numeric_cols=(1, 2, 3),
            caption="分区县执行情况", widths_cm=(5.4, 3.4, 3.4, 3.2), float_format=".4f",
        )  # fmt: skip
        chart = _district_chart(data)
        if chart is not None:
            docx_kit.add_picture(doc, chart, caption="图2 分区县计划与供应")
    docx_kit.add_picture(doc, _progress_chart(data), caption="图3 年度供应进度")
    docx_kit.add_heading(doc, f"{next(numbers)}、发现的问题与预警", 1)
    docx_kit.add_findings(doc, [f.to_dict() for f in data.execution.findings])
    docx_kit.add_heading(doc, f"{next(numbers)}、供地明细", 1)
    if data.records:
        docx_kit.add_table(
            doc, RECORD_HEADER[:8], [r[:8] for r in record_rows(data)], numeric_cols=(6,), float_format=".4f",
            font_pt=9, widths_cm=(2.0, 2.2, 2.4, 1.6, 2.0, 2.2, 1.8, 1.8),
        )  # fmt: skip
    else:
        docx_kit.add_paragraph(doc, "本期无供地记录。")
    return docx_kit.save_docx(doc, path)


def write_xlsx(data: ReportData, path: Path) -> Path:
    """Write every table of the report to .xlsx (formula-injection-safe), with native charts."""
    cum = cumulative_rows(data)
    sheets = [
        xlsx.Sheet("分类别执行", CATEGORY_HEADER, category_rows(data), title=data.title),
        xlsx.Sheet("分区县执行", DISTRICT_HEADER, district_rows(data)),
        xlsx.Sheet("类别×区县", MATRIX_HEADER, matrix_rows(data)),
        xlsx.Sheet("分供应方式", MODE_HEADER, mode_rows(data)),
        xlsx.Sheet("供应进度", CUMULATIVE_HEADER, cum),
        xlsx.Sheet("供地明细", RECORD_HEADER, record_rows(data)),
        xlsx.Sheet("问题与预警", FINDING_HEADER, finding_rows(data)),
    ]
    specs = [xlsx.ChartSpec("分类别执行", "bar", "分类别计划与供应", 0, [2, 3], anchor="L2")]
    if district_rows(data):
        specs.append(xlsx.ChartSpec("分区县执行", "bar", "分区县计划与供应", 0, [1, 2], anchor="F2"))
    if cum:
        specs.append(xlsx.ChartSpec("供应进度", "line", "年度供应进度", 0, [2, 3], anchor="F2"))
    return xlsx.write_workbook(path, sheets, charts=specs)


def write_tables(store: Any, jurisdiction: str, year: int, path: Path) -> Path:
    """Write the 117号 汇总表 and 住房用地表 of the plan in force at the year's end (.xlsx or .docx)."""
    code = resolve_jurisdiction(store, jurisdiction)
    version = plan_in_force(store, code, year, date(year, 12, 31))
    if version is None:
        raise NotFoundError("supervision_report.no_plan", jurisdiction=code, year=year)
    header, rows, housing_header, housing_rows = plan_tables(version.plan, code)
    title = f"{_name(code)}{year}年度国有建设用地供应计划汇总表"
    if path.suffix.lower() == ".xlsx":
        return xlsx.write_workbook(
            path,
            [
                xlsx.Sheet("汇总表", header, rows, title=title),
                xlsx.Sheet(
                    "住房用地表", housing_header, housing_rows, title=f"{_name(code)}{year}年度住房用地供应计划表"
                ),
            ],
        )
    doc = docx_kit.new_document(
        title=f"{_name(code)}{year}年度国有建设用地供应计划表", subtitle=f"第{version.version}版"
    )
    other = (15.6 - 3.6) / (len(header) - 1)
    docx_kit.add_table(
        doc, header, rows, numeric_cols=range(1, len(header)), caption="国有建设用地供应计划汇总表（单位：公顷）",
        float_format=".4f", total_row=True, widths_cm=(3.6, *([other] * (len(header) - 1))), font_pt=9,
    )  # fmt: skip
    if housing_rows:
        docx_kit.add_table(doc, housing_header, housing_rows, numeric_cols=(1,), caption="住房用地供应计划表")
    else:
        docx_kit.add_paragraph(doc, "本计划未列住房用地子项。")
    return docx_kit.save_docx(doc, path)


def write_report(store: Any, jurisdiction: str, year: int, *, kind: str, out: Path, quarter: int | None = None) -> Path:
    """Write a report (``quarterly``, ``annual`` or ``tables``) to ``out`` (.docx or .xlsx).

    Raises
    ------
    InvalidInputError
        ``supervision_report.kind_invalid``, ``supervision_report.format_unsupported``.
    NotFoundError
        ``supervision_report.no_plan`` (tables without a plan).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise InvalidInputError("supervision_report.format_unsupported", path=str(out), allowed=".docx、.xlsx")
    if kind == "tables":
        return write_tables(store, jurisdiction, year, out)
    data = collect(store, jurisdiction, year, kind=kind, quarter=quarter)
    return write_docx(data, out) if suffix == ".docx" else write_xlsx(data, out)
