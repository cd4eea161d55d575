"""Texts of the maintenance area (error codes and labels), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the maintenance record and its workflow (guotu.domain.maintenance, guotu.services.maintenance)
    "maintenance.not_found": ("未找到动态维护：{key}", "Maintenance not found: {key}"),
    "maintenance.already_approved": (
        "动态维护 {key} 已批准，不能再修改",
        "Maintenance {key} is approved and can no longer be changed",
    ),
    "maintenance.approval_required": ("批准须给出批准文号", "Approval needs the approval document"),
    "maintenance.blocked": (
        "动态维护 {key} 仍有 {errors} 个错误（规则 {rules}），不能批准",
        "Maintenance {key} still has {errors} errors (rules {rules}) and cannot be approved",
    ),
    "maintenance.crs_mismatch": (
        "文件 {path} 的坐标系 EPSG:{crs} 与图层的 EPSG:{layer_crs} 不同",
        "The file {path} is in EPSG:{crs}, the layer in EPSG:{layer_crs}",
    ),
    "maintenance.feature_id_taken": ("要素标识 {id} 已被使用", "Feature id {id} is already used"),
    "maintenance.field_not_revisable": (
        "不能修改的字段：{field}",
        "Field(s) that cannot be revised: {field}",
    ),
    "maintenance.figures_invalid": ("维护数据格式不正确：{reason}", "Malformed maintenance figures: {reason}"),
    "maintenance.geometry_invalid": (
        "第 {index} 个维护图斑几何无效：{reason}",
        "Change polygon {index} is invalid: {reason}",
    ),
    "maintenance.geometry_not_polygon": (
        "第 {index} 个维护图斑不是面（{type}）",
        "Change polygon {index} is not a polygon ({type})",
    ),
    "maintenance.item_not_found": ("动态维护 {key} 中没有维护图斑 {item}", "Maintenance {key} has no item {item}"),
    "maintenance.jurisdiction_required": (
        "从方案文本录入须给出行政区代码",
        "Entering a scheme from its text needs the jurisdiction code",
    ),
    "maintenance.layer_empty": ("图层 {layer} 尚无版本，不能维护", "Layer {layer} has no version to maintain"),
    "maintenance.layer_not_in_set": (
        "图层 {layer} 不在动态维护 {key} 中",
        "Layer {layer} is not part of maintenance {key}",
    ),
    "maintenance.layer_not_maintained": (
        "图层 {layer} 不属于动态维护范围（可维护：{choices}）",
        "Layer {layer} is not a maintained kind (maintained: {choices})",
    ),
    "maintenance.layer_twice": (
        "图层 {layer} 与 {other} 属同一类，一次维护只能各取一个",
        "Layers {layer} and {other} are of the same kind: one per maintenance",
    ),
    "maintenance.no_changes": ("{path} 中没有维护图斑", "No change polygons in {path}"),
    "maintenance.nothing_to_package": (
        "动态维护 {key} 没有维护图斑，无法生成汇交成果",
        "Maintenance {key} has no change polygons to package",
    ),
    "maintenance.scheme_unreadable": (
        "方案文本中未识别出任何维护数据",
        "No maintenance figure could be read from the scheme's text",
    ),
    "maintenance.unit_unknown": ("未知的面积单位：{unit}", "Unknown area unit: {unit}"),
    "maintenance.whbh_invalid": ("维护编号无效：{value}", "Invalid maintenance number: {value}"),
    "maintenance.whlx_missing": (
        "{path} 缺少维护类型：请提供 WHLX 字段或 --whlx 选项",
        "{path} lacks the maintenance type: give a WHLX field or the --whlx option",
    ),
    "maintenance.whlx_unknown": (
        "未知的维护类型：{code}（1 调入、2 属性变更、3 调出）",
        "Unknown maintenance type: {code} (1 added, 2 attribute change, 3 removed)",
    ),
    # the national package (guotu.io.maintenance_package)
    "package.empty": ("汇交成果中没有图层", "The package has no layer"),
    "package.format_unknown": (
        "未知的汇交格式：{format}（可选：{choices}）",
        "Unknown package format: {format} ({choices})",
    ),
    "package.output_exists": ("输出已存在：{path}（可用 --overwrite 覆盖）", "Output exists: {path} (use --overwrite)"),
    "package.value_too_long": (
        "图层 {layer} 字段 {field} 的值「{value}」超过 {width} 个字符",
        "Layer {layer}: value '{value}' of field {field} is longer than {width} characters",
    ),
    # the key project list (guotu.domain.projects, guotu.services.projects)
    "projects.columns_missing": (
        "项目清单缺少列：{missing}（表头：{header}）",
        "The project list lacks the column(s) {missing} (header: {header})",
    ),
    "projects.value_unknown": (
        "第 {line} 行「{column}」的值「{value}」不在 {choices} 中",
        "Line {line}: {column} value '{value}' is not one of {choices}",
    ),
    "projects.code_missing": ("第 {line} 行缺少项目编号", "Line {line} has no project code"),
    "projects.code_duplicate": (
        "项目编号 {code} 重复（第 {first} 行和第 {line} 行）",
        "Project code {code} appears twice (lines {first} and {line})",
    ),
    "projects.area_invalid": ("第 {line} 行用地面积「{value}」不是数字", "Line {line}: area '{value}' is not a number"),
    "projects.format_unknown": (
        "项目清单须为 .xlsx 或 .csv 文件：{path}",
        "The project list must be an .xlsx or .csv file: {path}",
    ),
    "projects.file_unreadable": ("无法读取项目清单 {path}：{reason}", "Cannot read the project list {path}: {reason}"),
    "projects.empty": ("项目清单 {path} 中没有项目", "The project list {path} has no project"),
    "projects.code_field_missing": (
        "项目图形文件缺少项目编号字段 {field}",
        "The project geometry file lacks the project code field {field}",
    ),
    "projects.geometry_unknown_code": (
        "项目图形中的编号不在清单中：{codes}",
        "Project geometries with codes that are not in the list: {codes}",
    ),
    # labels
    "ui.maintain.key": ("维护编号", "Maintenance"),
    "ui.maintain.status": ("状态", "Status"),
    "ui.maintain.layer": ("图层", "Layer"),
    "ui.maintain.before": ("维护前", "Before"),
    "ui.maintain.removed": ("调出", "Removed"),
    "ui.maintain.added": ("调入", "Added"),
    "ui.maintain.after": ("维护后", "After"),
    "ui.maintain.unit": ("单位", "Unit"),
    "ui.maintain.items": ("维护图斑", "Change items"),
    "ui.maintain.findings": ("检查结果", "Findings"),
    "ui.maintain.status.draft": ("草稿", "draft"),
    "ui.maintain.status.checked": ("已检查", "checked"),
    "ui.maintain.status.approved": ("已批准", "approved"),
    "ui.maintain.rule": ("规则", "Rule"),
    "ui.maintain.title": ("名称", "Title"),
    "ui.maintain.severity": ("级别", "Severity"),
    "ui.maintain.message": ("说明", "Message"),
    "ui.maintain.written": ("已写出：{path}", "Written: {path}"),
    "ui.projects.imported": (
        "已导入 {count} 个项目（{linked} 个已关联图形）",
        "Imported {count} projects ({linked} with geometry)",
    ),
}
