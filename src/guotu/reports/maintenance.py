"""The maintenance report (动态维护方案): .docx and HTML, with before/after tables and maps of 调出 and 调入.

The report follows the structure of a published scheme (DOMAIN.md §8.5): 维护概况;
三条控制线; 其他控制线; 规划分区; 中心城区用地布局; 城市控制线; 重点建设项目清单;
then the rule checks (with the parameters used, printed), the statistics by district
and the maps (维护前 标明调出 / 标明调入, 维护后). Both outputs are built from the same
list of blocks, so they say the same thing.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, select_autoescape

from guotu.domain import units
from guotu.domain.findings import Finding, Severity
from guotu.domain.layers import layer_kind
from guotu.domain.maintenance import LayerFigures, Statistics
from guotu.reports import docx_kit
from guotu.reports.maps import map_layer, render_map
from guotu.services import maintenance as svc

__all__ = ["Block", "build_report", "report_blocks"]

logger = logging.getLogger(__name__)

#: The scheme's chapters and the layer kinds each covers.
CHAPTERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("三条控制线维护", ("permanent_basic_farmland", "ecological_red_line", "urban_development_boundary")),
    ("其他重要控制线维护", ("historic_protection_line", "flood_risk_line")),
    ("规划分区维护", ("planning_zones",)),
    ("中心城区用地规划布局维护", ("land_use_layout",)),
    ("城市重要控制线维护", ("green_line", "purple_line", "blue_line", "yellow_line")),
)
_NUMERALS: Final = "一二三四五六七八九十"
_HEADER: Final = ("图层", "维护前", "调出", "调入", "维护后", "单位")
_WIDTHS: Final[dict[tuple[str, ...], tuple[float, ...]]] = {
    _HEADER: (3.4, 2.4, 2.2, 2.2, 2.4, 3.0),
    ("行政区", *_HEADER): (1.8, 3.0, 2.0, 2.0, 2.0, 2.0, 2.8),
    ("指标", "数值", "单位"): (8.0, 3.5, 2.0),
}


@dataclass
class Block:
    """One piece of the report: a heading, a paragraph, a table, a map or the findings."""

    kind: str
    text: str = ""
    level: int = 1
    header: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    png: bytes = b""
    findings: Sequence[Finding] = field(default_factory=list)


def _v(value: Any) -> str:
    return "—" if value is None else str(value)


def _sentence(row: LayerFigures) -> str:
    name = layer_kind(row.layer).name_zh
    cu = row.changes_unit
    parts = [f"维护前{name} {_v(row.before)} {row.unit}"]
    if row.removed is not None:
        parts.append(f"调出 {row.removed} {cu}")
    if row.added is not None:
        parts.append(f"调入 {row.added} {cu}")
    if row.attribute_changed:
        parts.append(f"属性变更 {row.attribute_changed} {cu}")
    parts.append(f"维护后{name} {_v(row.after)} {row.unit}")
    if row.removed is None and row.added is None and row.net() is not None:
        parts.append(f"净变化 {row.net():+} {row.unit}（调出、调入面积未表述）")
    return "，".join(parts) + "。"


def _row(row: LayerFigures) -> list[Any]:
    unit = row.unit + (f"（调出、调入：{row.change_unit}）" if row.change_unit else "")
    return [layer_kind(row.layer).name_zh, row.before, row.removed, row.added, row.after, unit]


def _unchanged(row: LayerFigures) -> bool:
    return not (row.removed or row.added or row.attribute_changed or row.net())


def _boundary_rows(stats: Statistics) -> list[list[Any]]:
    b = stats.boundary
    if b is None:
        return []
    share = b.computed_share_pct()
    return [
        ["扩展倍数（批准）", b.multiple, "倍"],
        ["扩展倍数（维护后）", b.multiple_after, "倍"],
        ["扩展规模（批准）", b.expansion, "公顷"],
        ["扩展规模（维护后）", b.expansion_after, "公顷"],
        ["预留机动规模", b.reserve, "公顷"],
        ["预留机动规模占比（表述）", b.reserve_share_pct, "%"],
        ["预留机动规模占比（核算，占批准扩展规模）", None if share is None else round(share, 4), "%"],
        ["现状城镇建设用地规模（基数）", b.base, "公顷"],
        ["规划城镇建设用地规模", b.planned_construction_land, "公顷"],
    ]


def _map(maps: svc.MaintenanceMaps, kinds: Sequence[str], *, mode: str, title: str) -> bytes | None:
    """维护前 with 调出 (mode removed) or 调入 (added), or 维护后 (after)."""
    layers = []
    if maps.jurisdiction is not None:
        layers.append(map_layer("district", [maps.jurisdiction], label="行政区界", zorder=0))
    drawn = False
    for kind in kinds:
        base = maps.after if mode == "after" else maps.before
        if kind not in base:
            continue
        layers.append(map_layer(kind, base[kind], zorder=1))
        if mode == "removed" and maps.removed.get(kind):
            layers.append(
                map_layer("change_removed", maps.removed[kind], label=f"{layer_kind(kind).name_zh}调出", zorder=3)
            )
            drawn = True
        if mode == "added" and maps.added.get(kind):
            layers.append(
                map_layer("change_added", maps.added[kind], label=f"{layer_kind(kind).name_zh}调入", zorder=3)
            )
            drawn = True
        drawn = drawn or mode == "after"
    if not drawn:
        return None
    return render_map(layers, title=title, note=f"EPSG:{maps.crs}；面积为椭球面积", size_px=(1400, 1100))


_DETAIL_MAPS: Final = 8


def _detail_maps(maps: svc.MaintenanceMaps, changes: Any, kinds: Sequence[str]) -> list[Block]:
    """Draw a close-up of each change polygon (at most :data:`_DETAIL_MAPS` per chapter) over the layer before."""
    import shapely

    out: list[Block] = []
    items = [i for i in changes.items if i.layer in kinds and i.geometry_wkb is not None][:_DETAIL_MAPS]
    for item in items:
        geom = shapely.from_wkb(item.geometry_wkb)
        x0, y0, x1, y1 = geom.bounds
        pad = max(500.0, 1.5 * max(x1 - x0, y1 - y0))
        extent = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        window = shapely.box(*extent)
        base = [g for g in maps.before.get(item.layer, []) if g.intersects(window)]
        role = {"1": "change_added", "2": "change_attribute", "3": "change_removed"}[item.kind.whlx]
        name = layer_kind(item.layer).name_zh
        layers = [map_layer(item.layer, base, zorder=1), map_layer(role, [geom], zorder=3)]
        area = units.quantize(item.area_m2 / 10_000, 2)
        caption = f"维护图斑 {item.item_id}（{name}{item.kind.value}，{area} 公顷）局部图"
        png = render_map(layers, title=caption, extent=extent, size_px=(1000, 760), note=f"EPSG:{maps.crs}")
        out.append(Block("map", caption, png=png, level=2))
    return out


def report_blocks(store: Any, key: str) -> tuple[str, list[Block]]:
    """Build the report's title and blocks from a stored maintenance (its statistics, findings and maps)."""
    result = svc.check(store, key, actor="report", save=False)
    changes, stats = result.changes, result.statistics
    title = changes.title or f"{changes.jurisdiction} 国土空间总体规划{changes.year}年度动态维护方案"
    blocks: list[Block] = []
    has_geometry = any(i.geometry_wkb is not None for i in changes.items)
    maps = svc.maps_data(store, changes) if has_geometry else None

    blocks.append(Block("heading", "一、维护概况"))
    status = {"draft": "草稿", "checked": "已检查", "approved": "已批准"}[changes.status.value]
    blocks.append(
        Block(
            "para",
            f"维护编号 {changes.key}，行政区代码 {changes.jurisdiction}，维护年度 {changes.year}，状态：{status}。",
        )
    )
    if changes.approval_document:
        blocks.append(Block("para", f"批准文件：{changes.approval_document}，批准日期：{changes.approval_date}。"))
    if changes.layers:
        rows = [[layer_kind(k).name_zh, n, v, changes.versions_after.get(n)] for k, (n, v) in changes.layers.items()]
        blocks.append(
            Block("table", "维护图层及版本", header=("图层", "图层名", "维护前版本", "维护后版本"), rows=rows)
        )
    counts = {k.whlx: sum(1 for i in changes.items if i.kind is k) for k in {i.kind for i in changes.items}}
    if changes.items:
        blocks.append(
            Block(
                "para",
                f"维护图斑共 {len(changes.items)} 个，其中调入 {counts.get('1', 0)} 个、"
                f"属性变更 {counts.get('2', 0)} 个、调出 {counts.get('3', 0)} 个。",
            )
        )
    by_kind = {r.layer: r for r in stats.layers}
    for n, (chapter, kinds) in enumerate(CHAPTERS, start=2):
        blocks.append(Block("heading", f"{_NUMERALS[n - 1]}、{chapter}"))
        rows_here = [by_kind[k] for k in kinds if k in by_kind]
        if not rows_here:
            blocks.append(Block("para", f"本次动态维护不涉及{chapter.removesuffix('维护')}调整。"))
            continue
        for i, row in enumerate(rows_here, start=1):
            blocks.append(Block("heading", f"{i}. {layer_kind(row.layer).name_zh}", level=2))
            if _unchanged(row):
                name = layer_kind(row.layer).name_zh
                blocks.append(Block("para", f"现行{name} {_v(row.before)} {row.unit}，本次动态维护不涉及{name}调整。"))
            else:
                blocks.append(Block("para", _sentence(row)))
            if row.layer == "urban_development_boundary" and stats.boundary is not None:
                blocks.append(
                    Block("table", "城镇开发边界规模指标", header=("指标", "数值", "单位"), rows=_boundary_rows(stats))
                )
        blocks.append(Block("table", f"{chapter}前后对照表", header=_HEADER, rows=[_row(r) for r in rows_here]))
        if maps is not None:
            for mode, label in (
                ("removed", "维护前图（标明调出）"),
                ("added", "维护前图（标明调入）"),
                ("after", "维护后图"),
            ):
                png = _map(maps, kinds, mode=mode, title=f"{chapter.removesuffix('维护')}{label}")
                if png is not None:
                    blocks.append(Block("map", f"{chapter.removesuffix('维护')}{label}", png=png))
            blocks.extend(_detail_maps(maps, changes, kinds))
    n = len(CHAPTERS) + 2
    blocks.append(Block("heading", f"{_NUMERALS[n - 1]}、重点建设项目清单维护"))
    blocks.extend(_project_blocks(store, changes))
    n += 1
    blocks.append(Block("heading", f"{_NUMERALS[n - 1]}、规则检查"))
    params = result.params.to_dict()
    blocks.append(
        Block(
            "para",
            "检查参数（未经法规确认的参数按配置取值）：扩展倍数限值 {expansion_limit}，预留机动规模占比限值 "
            "{reserve_share_limit}，等量进出容差 {balance_tolerance_m2} m²，图形容差 {geometry_tolerance_m2} m²，"
            "耕地质量等别字段 {farmland_grade_field}。".format(**params),
        )
    )
    errors = sum(f.severity is Severity.ERROR for f in result.findings)
    warnings = sum(f.severity is Severity.WARNING for f in result.findings)
    blocks.append(Block("para", f"共 {len(result.findings)} 条检查结果，其中错误 {errors} 条、警告 {warnings} 条。"))
    blocks.append(Block("findings", findings=list(result.findings)))
    if stats.districts:
        blocks.append(Block("heading", "附表 分区县统计"))
        rows = [[r.district, *_row(r)] for r in stats.districts]
        blocks.append(Block("table", "维护面积分区县统计", header=("行政区", *_HEADER), rows=rows))
    return title, blocks


def _project_blocks(store: Any, changes: Any) -> list[Block]:
    from guotu.services.projects import project_stats

    stats = project_stats(store, jurisdiction=changes.jurisdiction, year=changes.year)
    out: list[Block] = []
    counts = stats.counts
    if counts.total == 0 and stats.stated_total is None:
        return [Block("para", "本次动态维护不涉及重点建设项目清单调整。")]
    if counts.total:
        modes = list(counts.by_mode)
        rows = [[s, *(row[m] for m in modes), counts.by_status[s]] for s, row in counts.by_status_mode.items()]
        rows.append(["合计", *(counts.by_mode[m] for m in modes), counts.total])
        out.append(
            Block(
                "para",
                f"重点建设项目清单共 {counts.total} 项，撤销后保留 {counts.remaining} 项；"
                f"精准上图项目已关联图形 {counts.linked} 项。",
            )
        )
        out.append(Block("table", "重点建设项目分状态、分上图方式统计", header=("状态", *modes, "合计"), rows=rows))
    if stats.stated_by_status:
        terms = "、".join(f"{k} {v} 项" for k, v in stats.stated_by_status.items())
        out.append(Block("para", f"方案表述：重点建设项目共 {stats.stated_total} 项，其中{terms}。"))
    out.append(Block("findings", findings=list(stats.findings)))
    return out


def _docx(title: str, blocks: Sequence[Block], path: Path) -> Path:
    doc = docx_kit.new_document(title=title, subtitle="（动态维护方案 · 统计与检查）")
    tables = figures = 0
    for block in blocks:
        if block.kind == "heading":
            docx_kit.add_heading(doc, block.text, level=block.level)
        elif block.kind == "para":
            docx_kit.add_paragraph(doc, block.text)
        elif block.kind == "table":
            tables += 1
            numeric = [
                i
                for i in range(len(block.header))
                if any(isinstance(r[i], int | float | Decimal) for r in block.rows if i < len(r))
            ]
            widths = _WIDTHS.get(tuple(block.header))
            docx_kit.add_table(
                doc,
                block.header,
                block.rows,
                numeric_cols=numeric,
                caption=f"表{tables} {block.text}",
                widths_cm=widths,
            )
        elif block.kind == "map":
            figures += 1
            width = 15.0 if block.level == 1 else 11.0
            docx_kit.add_picture(doc, block.png, width_cm=width, caption=f"图{figures} {block.text}")
        elif block.kind == "findings":
            docx_kit.add_findings(doc, [f.to_dict() for f in block.findings])
    return docx_kit.save_docx(doc, path)


def _html(title: str, blocks: Sequence[Block], path: Path) -> Path:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)  # fmt: skip
    template = env.from_string(
        files("guotu.reports").joinpath("templates/maintenance_report.html.j2").read_text(encoding="utf-8")
    )
    views = []
    for block in blocks:
        view: dict[str, Any] = {"kind": block.kind, "text": block.text, "level": block.level}
        if block.kind == "table":
            view["header"] = list(block.header)
            view["rows"] = [[_v(c) for c in row] for row in block.rows]
        elif block.kind == "map":
            view["src"] = "data:image/png;base64," + base64.b64encode(block.png).decode("ascii")
        elif block.kind == "findings":
            view["findings"] = [f.to_dict() for f in block.findings]
        views.append(view)
    text = template.render(title=title, blocks=views)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def build_report(
    store: Any, key: str, output: str | os.PathLike[str], *, html: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Write the maintenance report as .docx (and HTML); return the paths written."""
    title, blocks = report_blocks(store, key)
    written = [_docx(title, blocks, Path(output))]
    if html is not None:
        written.append(_html(title, blocks, Path(html)))
    logger.info("wrote the report of maintenance %s (%d blocks)", key, len(blocks))
    return written
