"""Texts of the reports area (error codes and labels), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Rendering with LibreOffice and poppler (guotu.reports.render, guotu.services.office)
    "report.libreoffice_missing": (
        "未找到 LibreOffice（soffice），无法转换 {path}。请安装（Debian：apt-get install libreoffice-writer-nogui "
        "libreoffice-calc-nogui；Windows：从 libreoffice.org 安装），或设置 GUOTU_DOCUMENT_SOFFICE",
        "LibreOffice (soffice) was not found, so {path} cannot be converted. Install it (Debian: apt-get install "
        "libreoffice-writer-nogui libreoffice-calc-nogui; Windows: from libreoffice.org) or set "
        "GUOTU_DOCUMENT_SOFFICE",
    ),
    "report.pdftoppm_missing": (
        "未找到 pdftoppm，无法将 {path} 转为图片。请安装 poppler（Debian：apt-get install poppler-utils）",
        "pdftoppm was not found, so {path} cannot be rendered to images. Install poppler "
        "(Debian: apt-get install poppler-utils)",
    ),
    "report.conversion_failed": ("转换失败：{path}（{reason}）", "Conversion failed: {path} ({reason})"),
    "report.render_failed": ("无法将 {path} 转为图片：{reason}", "Cannot render {path} to images: {reason}"),
    "report.source_missing": ("文件不存在：{path}", "The file does not exist: {path}"),
    "report.page_range_invalid": (
        "页码范围无效：第 {first} 页至第 {last} 页",
        "Invalid page range: pages {first} to {last}",
    ),
    # Documents, maps, charts, workbooks
    "report.table_row_invalid": (
        "表格第 {row} 行有 {cells} 个单元格，表头只有 {columns} 列",
        "Table row {row} has {cells} cells but the header has {columns} columns",
    ),
    "report.image_invalid": ("图片不是有效的 PNG/JPEG：{reason}", "The picture is not a valid PNG/JPEG: {reason}"),
    "report.map_empty": (
        "地图没有可绘制的图形，且未给出范围",
        "The map has nothing to draw and no extent was given",
    ),
    "report.extent_invalid": ("地图范围无效：{extent}", "Invalid map extent: {extent}"),
    "report.size_invalid": ("图片尺寸无效：{size}", "Invalid picture size: {size}"),
    "report.chart_series_invalid": (
        "图表系列“{series}”有 {values} 个值，类别有 {categories} 个",
        "Chart series '{series}' has {values} values for {categories} categories",
    ),
    "report.sheet_name_invalid": (
        "工作表名称无效：“{name}”（1–31 个字符，不含 []:*?/\\，且不能重复）",
        "Invalid sheet name: '{name}' (1–31 characters, none of []:*?/\\, no duplicates)",
    ),
    "report.sheet_row_invalid": (
        "工作表“{sheet}”第 {row} 行有 {cells} 个单元格，表头只有 {columns} 列",
        "Sheet '{sheet}' row {row} has {cells} cells but the header has {columns} columns",
    ),
    "report.chart_sheet_missing": (
        "图表引用的工作表不存在：“{sheet}”",
        "The chart refers to a sheet that does not exist: '{sheet}'",
    ),
    "report.chart_column_invalid": (
        "工作表“{sheet}”没有第 {column} 列（图表引用）",
        "Sheet '{sheet}' has no column {column} (referred to by a chart)",
    ),
    "report.write_failed": ("无法写入 {path}：{reason}", "Cannot write {path}: {reason}"),
    # Labels used inside reports
    "ui.report.legend": ("图例", "Legend"),
    "ui.report.north": ("北", "N"),
    "ui.report.scale": ("比例尺", "Scale"),
    "ui.report.findings_rule": ("规则", "Rule"),
    "ui.report.findings_severity": ("级别", "Severity"),
    "ui.report.findings_message": ("问题说明", "Finding"),
    "ui.report.findings_source": ("依据", "Legal source"),
    "ui.report.findings_none": ("未发现问题。", "No findings."),
    "ui.report.severity_error": ("错误", "Error"),
    "ui.report.severity_warning": ("警告", "Warning"),
    "ui.report.severity_info": ("提示", "Info"),
    "ui.report.role_subject": ("审查对象", "Subject"),
    "ui.report.role_district": ("行政区界", "District boundary"),
    "ui.report.role_change_added": ("调入", "Added"),
    "ui.report.role_change_removed": ("调出", "Removed"),
    "ui.report.role_change_attribute": ("属性变更", "Attribute change"),
    "ui.report.table": ("表", "Table"),
    "ui.report.figure": ("图", "Figure"),
}
