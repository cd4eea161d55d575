"""Texts of the supervision area (error codes and labels), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Plan versions (guotu.services.plan_versions)
    "plan_version.status_invalid": (
        "计划状态无效：{status}（可选：{allowed}）",
        "Invalid plan status: {status} (allowed: {allowed})",
    ),
    "plan_version.jurisdiction_missing": (
        "计划未注明行政区，无法保存",
        "The plan names no jurisdiction; it cannot be stored",
    ),
    "plan_version.year_missing": ("计划未注明年度，无法保存", "The plan names no year; it cannot be stored"),
    "plan_version.year_mismatch": (
        "生效日期 {date} 不在计划年度 {year} 内",
        "The effective date {date} is outside the plan year {year}",
    ),
    "plan_version.already_approved": (
        "{jurisdiction} {year} 年度计划已有批准版本（第 {version} 版）；修改已批准的计划须按计划调整办理",
        "{jurisdiction} already has an approved {year} plan (version {version}); change it by an adjustment",
    ),
    "plan_version.approval_required": ("计划调整须注明批准文件", "A plan adjustment needs its approving document"),
    "plan_version.none_approved": (
        "{jurisdiction} {year} 年度没有已批准的供应计划，无法调整",
        "{jurisdiction} has no approved {year} supply plan to adjust",
    ),
    "plan_version.effective_before": (
        "调整生效日期 {date} 早于第 {version} 版的生效日期 {current}",
        "The adjustment's effective date {date} is before that of version {version} ({current})",
    ),
    "plan_version.not_found": (
        "未找到 {jurisdiction} {year} 年度计划第 {version} 版",
        "Version {version} of the {year} plan of {jurisdiction} not found",
    ),
    # Supply records (guotu.services.supply)
    "supply.profile_name_invalid": ("导入配置名称无效：{name}", "Invalid import profile name: {name}"),
    "supply.profile_not_found": ("未找到导入配置：{name}", "Import profile not found: {name}"),
    "supply.encoding_unknown": ("无法识别文件编码：{path}", "Unknown text encoding: {path}"),
    "supply.table_empty": ("表格为空：{path}", "The table is empty: {path}"),
    "supply.too_many_rows": ("表格行数超过上限 {limit}：{path}", "The table has more than {limit} rows: {path}"),
    "supply.header_not_found": (
        "未找到表头（宗地编号、面积、土地用途、供地方式、签订日期等）：{path}",
        "No header row found (宗地编号, 面积, 土地用途, 供地方式, 签订日期 ...): {path}",
    ),
    "supply.table_unreadable": ("无法读取表格 {path}（{reason}）", "Cannot read the table {path} ({reason})"),
    "supply.sheet_not_found": (
        "工作表 {sheet} 不存在：{path}（现有：{sheets}）",
        "Sheet {sheet} not found in {path} (sheets: {sheets})",
    ),
    "supply.format_unsupported": (
        "不支持的文件格式 {suffix}：{path}（支持 .xlsx、.csv、GeoPackage、shapefile）",
        "Unsupported file format {suffix}: {path} (use .xlsx, .csv, GeoPackage or shapefile)",
    ),
    "supply.columns_missing": (
        "{path} 缺少必需的列：{missing}（表头：{headers}）",
        "{path} lacks required columns: {missing} (headers: {headers})",
    ),
    "supply.import_rejected": (
        "{path} 有 {errors} 处错误，未导入任何记录",
        "{path} has {errors} errors; nothing was imported",
    ),
    # Readiness (净地 / 前期审核)
    "readiness.item_unknown": (
        "未知的检查项：{item}（可选：{allowed}）",
        "Unknown checklist item: {item} (allowed: {allowed})",
    ),
    "readiness.evidence_required": (
        "检查项 {item} 标记为已完成时须提供证明材料",
        "Item {item} needs evidence to be marked done",
    ),
    "readiness.items_open": (
        "宗地 {parcel} 尚有未完成的检查项，不能标记为可供应：{items}",
        "Parcel {parcel} cannot be marked ready for listing while items are open: {items}",
    ),
    # Indicators (guotu.domain.indicators, guotu.services.indicators)
    "indicator.not_found": ("指标目录中没有指标：{code}", "No indicator {code} in the catalogue"),
    "indicator.target_invalid": ("指标 {code} 的目标值无效：{value}", "Invalid target for indicator {code}: {value}"),
    "indicator.thresholds_invalid": (
        "指标 {code}（方向 {direction}）的预警值 {yellow} 与红线值 {red} 次序不对",
        "Indicator {code} (direction {direction}): warning level {yellow} and red level {red} are out of order",
    ),
    "indicator.formula_unknown": (
        "指标 {code} 的计算公式未知：{formula}",
        "Unknown formula {formula} of indicator {code}",
    ),
    # UI labels (guotu.cli.supply, .indicators, .plan_store)
    "ui.supply.findings": ("发现的问题", "Findings"),
    "ui.supply.col.severity": ("级别", "Severity"),
    "ui.supply.col.rule": ("规则", "Rule"),
    "ui.supply.col.message": ("说明", "Message"),
    "ui.supply.imported": (
        "已导入 {count} 条供地记录（共 {rows} 行）",
        "Imported {count} supply records ({rows} rows)",
    ),
    "ui.supply.rejected": (
        "有 {errors} 处错误，未导入任何记录（共 {rows} 行）",
        "{errors} errors: nothing imported ({rows} rows)",
    ),
    "ui.supply.records": ("供地记录（{count} 条）", "Supply records ({count})"),
    "ui.supply.col.parcel": ("宗地编号", "Parcel"),
    "ui.supply.col.date": ("日期", "Date"),
    "ui.supply.col.district": ("行政区", "District"),
    "ui.supply.col.use": ("用途代码", "Use"),
    "ui.supply.col.category": ("计划类别", "Plan category"),
    "ui.supply.col.area": ("面积（公顷）", "Area (ha)"),
    "ui.supply.col.mode": ("供地方式", "Mode"),
    "ui.supply.col.planned": ("计划（公顷）", "Planned (ha)"),
    "ui.supply.col.supplied": ("已供应（公顷）", "Supplied (ha)"),
    "ui.supply.col.rate": ("完成率", "Completion"),
    "ui.supply.col.q1": ("一季度", "Q1"),
    "ui.supply.col.q2": ("二季度", "Q2"),
    "ui.supply.col.q3": ("三季度", "Q3"),
    "ui.supply.col.q4": ("四季度", "Q4"),
    "ui.supply.col.item": ("检查项", "Item"),
    "ui.supply.col.done": ("完成", "Done"),
    "ui.supply.col.evidence": ("证明材料", "Evidence"),
    "ui.supply.off_plan": ("计划外", "off-plan"),
    "ui.supply.guiding": ("指导性", "guiding"),
    "ui.supply.progress": (
        "{jurisdiction} {year} 年度供应计划执行情况（计划第 {version} 版）",
        "Execution of the {year} supply plan of {jurisdiction} (plan version {version})",
    ),
    "ui.supply.readiness": ("宗地 {parcel} 净地检查：{state}", "Readiness of parcel {parcel}: {state}"),
    "ui.supply.ready.True": ("可供应", "ready for listing"),
    "ui.supply.ready.False": ("未就绪", "not ready"),
    "ui.supply.report_written": ("已生成报告：{path}", "Report written: {path}"),
    "ui.indicators.catalogue": ("指标目录", "Indicator catalogue"),
    "ui.indicators.col.code": ("代码", "Code"),
    "ui.indicators.col.name": ("名称", "Name"),
    "ui.indicators.col.kind": ("属性", "Kind"),
    "ui.indicators.col.unit": ("单位", "Unit"),
    "ui.indicators.col.direction": ("方向", "Direction"),
    "ui.indicators.col.formula": ("计算方法", "Formula"),
    "ui.indicators.col.value": ("数值", "Value"),
    "ui.indicators.col.target": ("目标", "Target"),
    "ui.indicators.col.level": ("预警", "Level"),
    "ui.indicators.col.note": ("备注", "Note"),
    "ui.indicators.col.evaluated": ("评估时间", "Evaluated"),
    "ui.indicators.col.on": ("数据日期", "Data date"),
    "ui.indicators.kind.binding": ("约束性", "binding"),
    "ui.indicators.kind.expected": ("预期性", "expected"),
    "ui.indicators.direction.min": ("不低于", "floor"),
    "ui.indicators.direction.max": ("不超过", "ceiling"),
    "ui.indicators.level.green": ("正常", "green"),
    "ui.indicators.level.yellow": ("预警", "yellow"),
    "ui.indicators.level.red": ("超限", "red"),
    "ui.indicators.level.n/a": ("无法评估", "n/a"),
    "ui.indicators.target_set": (
        "已设定 {code} {year} 年目标值 {target}",
        "Target of {code} for {year} set to {target}",
    ),
    "ui.indicators.input_set": ("已录入 {code} 的 {name} = {value}", "Recorded {name} = {value} for {code}"),
    "ui.indicators.evaluation": (
        "{jurisdiction} 指标监测（数据日期 {on}）",
        "Indicators of {jurisdiction} (data of {on})",
    ),
    "ui.indicators.history": ("指标监测历史（{count} 条）", "Indicator history ({count})"),
    "ui.plans.saved": (
        "已保存 {jurisdiction} {year} 年度供应计划第 {version} 版",
        "Stored version {version} of the {year} plan of {jurisdiction}",
    ),
    "ui.plans.versions": ("供应计划版本（{count} 个）", "Plan versions ({count})"),
    "ui.plans.col.jurisdiction": ("行政区", "Jurisdiction"),
    "ui.plans.col.year": ("年度", "Year"),
    "ui.plans.col.version": ("版本", "Version"),
    "ui.plans.col.status": ("状态", "Status"),
    "ui.plans.col.effective": ("生效日期", "Effective"),
    "ui.plans.col.approval": ("批准文件", "Approval"),
    "ui.plans.col.adjusts": ("调整自", "Adjusts"),
    # Supervision reports (guotu.reports.supervision)
    "supervision_report.kind_invalid": (
        "报告类型无效：{kind}（可选：{allowed}）",
        "Invalid report kind: {kind} (allowed: {allowed})",
    ),
    "supervision_report.no_plan": (
        "{jurisdiction} {year} 年度没有生效的供应计划",
        "{jurisdiction} has no supply plan in force for {year}",
    ),
    "supervision_report.format_unsupported": (
        "不支持的报告格式：{path}（可选：{allowed}）",
        "Unsupported report format: {path} (use {allowed})",
    ),
    "ui.indicators.reason.no_layer_in_force": ("无现行图层", "no layer in force"),
    "ui.indicators.reason.base_missing": (
        "未录入基数（现状城镇建设用地规模）",
        "base (current urban construction land) not recorded",
    ),
    "ui.indicators.reason.input_missing": ("未录入数值", "no value recorded"),
    "ui.indicators.reason.no_plan_in_force": ("无生效的供应计划", "no supply plan in force"),
    "ui.indicators.reason.no_housing_supplied": ("未供应住房用地", "no housing land supplied"),
    "ui.indicators.reason.housing_type_missing": ("供地记录未注明住房类型", "records carry no housing type"),
    "ui.supply.mode": ("供应方式", "Mode"),
}
