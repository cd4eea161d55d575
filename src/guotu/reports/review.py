"""The review report (合规性审查报告): .docx and PDF with maps, overlap table, findings, versions.

:func:`write_review_report` writes one report for a :class:`guotu.domain.review.Review`:
the parcel's description and an overview map, the conclusion, the overlap table, one
section per review layer with its map (the parcel over that layer, legend, scale bar,
north arrow), the findings with their legal sources, the plan check, every parameter
used, and the data versions (layer, version, content hash) and rule versions. PDF is
the .docx converted by LibreOffice (:func:`guotu.reports.render.docx_to_pdf`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from guotu.domain.layers import layer_kind
from guotu.domain.review import Relation, Review
from guotu.errors import InvalidInputError
from guotu.reports.docx_kit import (
    add_findings,
    add_heading,
    add_key_values,
    add_paragraph,
    add_picture,
    add_table,
    new_document,
    save_docx,
)
from guotu.reports.maps import MapLayer, layer_style, map_layer, render_map
from guotu.reports.render import docx_to_pdf
from guotu.services.review import MapLayerData, map_data

__all__ = ["build_review_document", "write_review_report"]

_NUMERALS = "一二三四五六七八九十"


def _subject(parcel: Any) -> MapLayer:
    style = layer_style("subject")
    style.update(facecolor="none", hatch=None, alpha=1.0, linewidth=2.4, edgecolor="#0033CC")
    return MapLayer([parcel], "审查宗地", zorder=10, **style)


def _pieces(pieces: list[Any]) -> MapLayer:
    style = layer_style("subject")
    return MapLayer(pieces, "占用部分", zorder=9, **style)


def _layer_map(
    parcel: Any, extent: tuple[float, ...], item: MapLayerData, title: str, geographic: bool, epsg: int
) -> bytes:
    layers = [map_layer(item.kind, item.geometries, zorder=2)]
    if item.pieces and layer_kind(item.kind).control.value in ("forbid", "conditional"):
        layers.append(_pieces(item.pieces))
    layers.append(_subject(parcel))
    return render_map(
        layers,
        title=title,
        extent=(extent[0], extent[1], extent[2], extent[3]),
        size_px=(1200, 900),
        geographic=geographic,
        note=f"数据：{item.layer or '—'}；坐标系 EPSG:{epsg}",
    )


def _overview(parcel: Any, extent: tuple[float, ...], items: list[MapLayerData], geographic: bool) -> bytes:
    order = (
        "planning_zones",
        "permanent_basic_farmland",
        "ecological_red_line",
        "historic_protection_line",
        "urban_development_boundary",
    )
    layers = []
    for rank, kind in enumerate(order):
        for item in items:
            if item.kind == kind and item.geometries:
                layers.append(map_layer(kind, item.geometries, zorder=rank + 1))
    layers.append(_subject(parcel))
    return render_map(
        layers,
        title="宗地位置与控制线总览",
        extent=(extent[0], extent[1], extent[2], extent[3]),
        geographic=geographic,
    )


def _percent(share: str) -> str:
    return f"{float(share) * 100:.2f}%"


def build_review_document(store: Any, review: Review, *, lang: str = "zh") -> Any:
    """Build the report as a python-docx Document (maps drawn from the stored layer versions)."""
    data = review.to_dict()
    attrs, parcel_info = data["attributes"], data["parcel"]
    parcel, extent, items = map_data(store, review)
    geographic = review.parcel.crs == 4490
    title = "建设用地宗地合规性审查报告"
    subtitle = f"审查编号：{review.id or '（未保存）'}　审查日期：{data['review_date']}"
    doc = new_document(title=title, subtitle=subtitle, lang=lang)
    sections = iter(_NUMERALS)

    add_heading(doc, f"{next(sections)}、宗地概况", 1)
    mode = attrs["mode"] or "—"
    if attrs["method"]:
        mode += f"（{attrs['method']}）"
    far = attrs["far_min"] or "—"
    if attrs["far_max"] and attrs["far_max"] != attrs["far_min"]:
        far = f"{attrs['far_min'] or '—'}～{attrs['far_max']}"
    add_key_values(
        doc,
        [
            ("宗地编号", attrs["parcel_id"] or "—"),
            ("宗地名称", attrs["name"] or "—"),
            ("拟用途", f"{attrs['use']}　{attrs['use_name']}（用地用海分类：{'、'.join(attrs['use_codes'])}）"),
            ("供应方式", mode),
            ("容积率", far),
            ("所在区县", attrs["district"] or "—"),
            ("计划年度", attrs["year"] or "—"),
            ("城市规模等级", attrs["city_size"] or "未配置"),
            ("申报面积（公顷）", attrs["declared_area_ha"] or "—"),
            (
                "计算面积（椭球面积）",
                f"{parcel_info['area_ha']} 公顷（{parcel_info['area_mu']} 亩，{parcel_info['area_m2']} 平方米）",
            ),
            (
                "图形",
                f"{parcel_info['parts']} 个部分，{parcel_info['holes']} 个内环，{parcel_info['vertices']} 个界址点",
            ),
            ("坐标系", f"EPSG:{parcel_info['crs']}（2000国家大地坐标系）"),
        ],
        caption="表1 宗地基本信息",
    )
    add_picture(doc, _overview(parcel, extent, items, geographic), width_cm=15.0, caption="图1 宗地位置与控制线总览")

    add_heading(doc, f"{next(sections)}、审查结论", 1)
    counts = data["counts"]
    add_paragraph(doc, f"审查结论：{data['conclusion']}", bold=True, indent=False, size_pt=18)
    add_paragraph(
        doc,
        f"共发现问题 {counts['error']} 项（不符合），需论证事项 {counts['warning']} 项，提示 {counts['info']} 项。"
        "结论依据：存在“不符合”问题的为“不符合”；仅有需论证事项的为“需论证”；否则为“符合”。",
    )

    add_heading(doc, f"{next(sections)}、一张图叠加分析", 1)
    rows = []
    for layer in data["layers"]:
        rows.append(
            [
                layer["kind_zh"],
                "—" if layer["layer"] is None else f"{layer['layer']} 第{layer['version']}版",
                layer["control_zh"],
                layer["relation_zh"],
                *(
                    ["—", "—", "—", "—"]
                    if layer["relation"] == "no_data"
                    else [layer["overlap_ha"], layer["overlap_mu"], _percent(layer["share"]), layer["feature_count"]]
                ),
            ]
        )
    add_table(
        doc,
        ["审查图层", "数据版本", "管控规则", "空间关系", "重叠（公顷）", "重叠（亩）", "占宗地", "图斑数"],
        rows,
        numeric_cols=(4, 5, 6, 7),
        widths_cm=(2.5, 2.7, 2.0, 2.0, 1.8, 1.6, 1.6, 1.2),
        caption="表2 叠加分析汇总（椭球面积）",
        font_pt=9,
    )
    figure = 2
    for index, (result, layer, item) in enumerate(zip(review.layers, data["layers"], items, strict=True), start=1):
        add_heading(doc, f"（{index}）{layer['kind_zh']}", 2)
        if result.relation is Relation.NO_DATA:
            add_paragraph(
                doc, f"宗地所在区域无{layer['kind_zh']}数据（{layer['note'] or '无现行版本'}），不能判定是否占用。"
            )
            continue
        add_paragraph(
            doc,
            f"数据：{layer['layer']} 第{layer['version']}版（{layer['legal_status']}，"
            f"{layer['effective_date'] or '—'} 起施行）；管控规则：{layer['control_zh']}"
            f"{'（' + layer['rule'] + '）' if layer['rule'] else ''}；"
            f"微小重叠阈值：面积小于 {layer['min_area_m2']} 平方米或宽度小于 {layer['tolerance_m']} 米视为碎片。",
        )
        add_paragraph(
            doc,
            f"空间关系：{layer['relation_zh']}；重叠面积 {layer['overlap_ha']} 公顷（{layer['overlap_mu']} 亩），"
            f"占宗地 {_percent(layer['share'])}；涉及图斑 {layer['feature_count']} 个"
            + (f"（{'、'.join(layer['feature_ids'][:10])}）" if layer["feature_ids"] else "")
            + (f"；碎片重叠图斑 {'、'.join(layer['sliver_ids'][:10])}" if layer["sliver_ids"] else "")
            + (f"；仅边界相接图斑 {'、'.join(layer['touching_ids'][:10])}" if layer["touching_ids"] else "")
            + "。",
        )
        if layer["values"]:
            field = layer_kind(layer["kind"]).class_field or "属性"
            add_table(
                doc,
                [f"属性值（{field}）", "重叠（平方米）", "重叠（公顷）", "占宗地", "图斑数"],
                [
                    [v["value"], v["area_m2"], v["area_ha"], _percent(v["share"]), v["feature_count"]]
                    for v in layer["values"]
                ],
                numeric_cols=(1, 2, 3, 4),
                font_pt=9,
            )
        if not item.geometries:
            add_paragraph(doc, f"图幅范围内（宗地周边）无{layer['kind_zh']}图斑，不另附图。")
            continue
        png = _layer_map(parcel, extent, item, f"宗地与{layer['kind_zh']}叠加图", geographic, review.parcel.crs)
        add_picture(doc, png, width_cm=14.0, caption=f"图{figure} 宗地与{layer['kind_zh']}叠加图")
        figure += 1

    add_heading(doc, f"{next(sections)}、审查发现及依据", 1)
    add_findings(doc, data["findings"], caption="表3 审查发现（规则、级别、说明、法律依据）")

    add_heading(doc, f"{next(sections)}、年度供应计划核对", 1)
    plan = data["plan_check"]
    if plan is None:
        add_paragraph(doc, "未给出计划年度，未核对年度供应计划。")
    else:
        add_key_values(
            doc,
            [
                ("计划", plan["plan"] or "—"),
                ("用地类别", plan["category"] or "—"),
                ("区县", plan["district"] or "全域"),
                ("计划面积（公顷）", plan["planned_ha"] or "—"),
                ("已供应（公顷）", plan["supplied_ha"]),
                ("已审查通过（公顷）", plan["approved_ha"]),
                ("剩余指标（公顷）", plan["remaining_ha"] or "—"),
                ("本宗地（公顷）", plan["parcel_ha"]),
                ("列入宗地表", {True: "是", False: "否", None: "计划无宗地表"}[plan["in_list"]]),
                ("说明", plan["note"] or "—"),
            ],
            caption="表4 供应计划核对",
        )

    add_heading(doc, f"{next(sections)}、审查参数", 1)
    params = data["params"]
    add_table(
        doc,
        ["图层类型", "管控规则", "规则编号", "最小面积（平方米）", "容差（米）", "必备"],
        [
            [
                layer_kind(r["kind"]).name_zh,
                r["control_zh"],
                r["rule"] or "—",
                r["min_area_m2"],
                r["tolerance_m"],
                "是" if r["required"] else "否",
            ]
            for r in params["layer_rules"]
        ],
        numeric_cols=(3, 4),
        caption="表5 图层管控规则与阈值",
        font_pt=9,
    )
    caps = "；".join(f"{k} {v} 公顷" for k, v in params["city_size_caps_ha"].items())
    add_key_values(
        doc,
        [
            ("H1 住宅宗地面积上限", caps),
            ("H2 住宅容积率下限", f"{params['far_floor']}（含）"),
            ("S1 经营性用途", "、".join(params["operating_uses"])),
            ("S2 划拨目录用途", "、".join(params["allocation_uses"])),
            ("B2 城镇建设用途", "、".join(params["urban_uses"])),
            ("E1 红线内禁止用途", "、".join(params["red_line_banned_uses"])),
            (
                "A1 面积容差",
                f"{float(params['area_tolerance']) * 100:g}%，且不小于 {params['area_tolerance_m2']} 平方米",
            ),
        ],
        caption="表6 政策参数（用地用海分类代码前缀）",
        widths_cm=(4.5, 11.1),
    )
    add_key_values(
        doc,
        [(zone, "、".join(uses) or "—") for zone, uses in params["zone_uses"].items()],
        caption="表6-1 规划分区允许的拟用途（Z1，用地用海分类代码前缀）",
        widths_cm=(4.5, 11.1),
        font_pt=9,
    )

    add_heading(doc, f"{next(sections)}、数据版本与规则版本", 1)
    add_table(
        doc,
        ["图层类型", "图层", "版本", "内容摘要（SHA-256 前16位）"],
        [
            [layer_kind(v["kind"]).name_zh, v["layer"], v["version"], v["content_hash"][:16]]
            for v in data["data_versions"]
        ],
        caption="表7 使用的数据版本",
        font_pt=9,
    )
    rules = data["rule_versions"]
    add_table(
        doc,
        ["规则", "内容", "法律依据", "确认程度"],
        [[rid, r["title_zh"], r["legal_source"], r["confidence"]] for rid, r in rules["rules"].items()],
        widths_cm=(1.2, 5.6, 6.8, 2.0),
        caption=f"表8 使用的规则（引擎 {rules['engine']}，参数摘要 {rules['params_sha256'][:16]}）",
        font_pt=9,
    )
    add_paragraph(
        doc,
        "说明：面积为 2000国家大地坐标系椭球面积（国土调查办发〔2008〕32号），"
        "先按平方米保留两位小数，再换算为公顷（四位）、亩（两位）。"
        "本报告由 guotu 生成，可按审查编号复核（guotu review rerun）。",
        size_pt=10.5,
    )
    return doc


def write_review_report(store: Any, review: Review, path: Path, *, fmt: str = "docx", lang: str = "zh") -> Path:
    """Write the report as .docx or .pdf to ``path`` (atomically); return the path.

    Raises
    ------
    InvalidInputError
        ``input.option_invalid`` for another format.
    DependencyMissingError
        ``report.libreoffice_missing`` for PDF without LibreOffice.
    """
    if fmt not in ("docx", "pdf"):
        raise InvalidInputError("input.option_invalid", option="format", value=fmt, choices="docx, pdf")
    doc = build_review_document(store, review, lang=lang)
    path = Path(path)
    if fmt == "docx":
        return save_docx(doc, path)
    with tempfile.TemporaryDirectory(prefix="guotu-review-") as tmp:
        source = save_docx(doc, Path(tmp) / f"{path.stem}.docx")
        pdf = docx_to_pdf(source, Path(tmp))
        staged = path.with_name(f".{path.name}.part")
        shutil.copyfile(pdf, staged)
        staged.replace(path)
    return path
