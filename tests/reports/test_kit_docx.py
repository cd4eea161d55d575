"""Word documents: the official look, East-Asian fonts, tables, pictures, findings, atomic saving."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from guotu.domain.findings import Finding, Severity
from guotu.errors import InvalidInputError, StorageError
from guotu.reports.charts import bar_chart
from guotu.reports.docx_kit import (
    FONT_SCHEMES,
    add_findings,
    add_heading,
    add_key_values,
    add_page_break,
    add_paragraph,
    add_picture,
    add_table,
    cell_text,
    docx_bytes,
    new_document,
    save_docx,
)


def _reopen(doc: object) -> docx.document.Document:
    return docx.Document(io.BytesIO(docx_bytes(doc)))  # type: ignore[arg-type]


def _east_asia(element: object) -> str | None:
    rfonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")  # type: ignore[attr-defined]
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def test_a4_page_gbt9704_margins_title_and_page_number() -> None:
    doc = _reopen(new_document(title="国土空间规划实施监测报告", subtitle="2026年第三季度"))
    section = doc.sections[0]
    size = [section.page_width, section.page_height, section.top_margin, section.left_margin]
    assert [round(v.mm, 1) for v in size if v is not None] == [210.0, 297.0, 37.0, 28.0]
    # The type area is 156 × 225 mm.
    width = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    height = section.page_height - section.top_margin - section.bottom_margin  # type: ignore[operator]
    assert (round(Length(width).mm, 1), round(Length(height).mm, 1)) == (156.0, 225.0)
    title, subtitle = doc.paragraphs[:2]
    assert title.text == "国土空间规划实施监测报告" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert _east_asia(title.runs[0]._element) == "方正小标宋简体"
    assert subtitle.text == "2026年第三季度"
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml
    assert doc.core_properties.title == "国土空间规划实施监测报告"
    wide = new_document(title="宽表", landscape=True).sections[0]
    assert [round(Length(v).mm) for v in (wide.page_width, wide.page_height) if v is not None] == [297, 210]


def test_every_style_and_run_names_its_east_asian_font() -> None:
    doc = new_document(title="标题")
    add_heading(doc, "一、总体情况", 1)
    add_heading(doc, "（一）供地", 2)
    add_paragraph(doc, "正文内容。", bold=True)
    doc = _reopen(doc)
    assert _east_asia(doc.styles["Normal"].element) == "仿宋"
    assert _east_asia(doc.styles["Heading 1"].element) == "黑体"
    assert _east_asia(doc.styles["Heading 2"].element) == "楷体"
    body = doc.paragraphs[-1]
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters of 3号
    assert body.runs[0].bold is True
    for para in doc.paragraphs:
        for run in para.runs:
            assert _east_asia(run._element), para.text
    style = doc.paragraphs[1].style
    assert style is not None and style.name == "Heading 1"


def test_noto_scheme_and_bad_options() -> None:
    doc = _reopen(new_document(title="标题", font_scheme="noto"))
    assert _east_asia(doc.styles["Normal"].element) == FONT_SCHEMES["noto"].body
    with pytest.raises(InvalidInputError) as info:
        new_document(title="t", font_scheme="comic")  # type: ignore[arg-type]
    assert info.value.code == "input.option_invalid"
    with pytest.raises(InvalidInputError):
        add_paragraph(new_document(title="t"), "x", align="middle")


def test_table_formats_values_and_aligns_numbers() -> None:
    doc = new_document(title="表")
    table = add_table(
        doc,
        ["地类", "面积（公顷）", "占比", "日期"],
        [["耕地", Decimal("12.30"), "45.6%", date(2026, 1, 2)], ["林地", None, 0.5], ["合计", Decimal("12.30")]],
        numeric_cols=(2,),
        caption="表1 地类面积",
        widths_cm=[4, 4, 3, 4.6],
        total_row=True,
    )
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts == [
        ["地类", "面积（公顷）", "占比", "日期"],
        ["耕地", "12.30", "45.6%", "2026-01-02"],
        ["林地", "—", "0.50", ""],
        ["合计", "12.30", "", ""],
    ]
    alignment = [[cell.paragraphs[0].alignment for cell in row.cells] for row in table.rows]
    assert alignment[1][:3] == [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
    assert alignment[2][1] == WD_ALIGN_PARAGRAPH.CENTER  # the dash of a missing value
    assert table.rows[3].cells[0].paragraphs[0].runs[0].bold is True
    xml = table._tbl.xml
    assert "w:tblHeader" in xml and 'w:val="single"' in xml
    assert abs(table.columns[0].width - Mm(40)) < Mm(0.1)
    reopened = _reopen(doc)
    assert reopened.paragraphs[1].text == "表1 地类面积"
    assert reopened.tables[0].rows[1].cells[1].text == "12.30"


def test_a_row_longer_than_the_header_is_refused_before_anything_is_added() -> None:
    doc = new_document(title="表")
    before = len(doc.element.body)
    with pytest.raises(InvalidInputError) as info:
        add_table(doc, ["a", "b"], [["1", "2"], ["1", "2", "3"]], caption="表1")
    assert info.value.code == "report.table_row_invalid"
    assert info.value.params == {"row": 2, "cells": 3, "columns": 2}
    assert len(doc.element.body) == before


def test_cell_text() -> None:
    assert cell_text(None) == "—"
    assert cell_text(Decimal("1E+2")) == "100"
    assert cell_text(Decimal("0.000")) == "0.000"
    assert cell_text(1.005, float_format=".3f") == "1.005"
    assert cell_text(float("nan")) == "—"
    assert cell_text(False) == "否"


def test_picture_and_caption() -> None:
    png = bar_chart(["耕地"], {"面积": [1]}, title="图", ylabel="公顷", size_px=(300, 200), dpi=100)
    doc = new_document(title="图")
    add_picture(doc, png, width_cm=12, caption="图1 面积")
    doc = _reopen(doc)
    shapes = doc.inline_shapes
    assert len(shapes) == 1 and abs(shapes[0].width - Mm(120)) < Mm(0.1)
    assert doc.paragraphs[-1].text == "图1 面积"
    with pytest.raises(InvalidInputError) as info:
        add_picture(doc, b"GIF89a....", caption="x")
    assert info.value.code == "report.image_invalid"


def test_findings_table_orders_errors_first_and_accepts_finding_objects() -> None:
    doc = new_document(title="审查")
    findings = [
        {"rule": "H3", "severity": "warning", "message": "接近上限", "legal_source": "自然资发〔2022〕186号"},
        Finding(
            "C1", Severity.ERROR, "占用永久基本农田 0.35 公顷", "Occupies 0.35 ha", legal_source="土地管理法第三十五条"
        ),
        {"rule": "I1", "severity": "info", "message_zh": "仅供参考", "legal_source": None},
    ]
    table = add_findings(doc, findings)  # type: ignore[arg-type]
    assert table is not None
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts[0] == ["规则", "级别", "问题说明", "依据"]
    assert [row[0] for row in texts[1:]] == ["C1", "H3", "I1"]
    assert texts[1][1:] == ["错误", "占用永久基本农田 0.35 公顷", "土地管理法第三十五条"]
    assert texts[3][2:] == ["仅供参考", ""]
    assert table.rows[1].cells[1].paragraphs[0].runs[0].font.color.rgb is not None
    english = new_document(title="Review", lang="en")
    table = add_findings(english, findings[1:2])  # type: ignore[arg-type]
    assert table is not None and table.rows[1].cells[2].text == "Occupies 0.35 ha"
    empty = new_document(title="审查")
    assert add_findings(empty, []) is None
    assert empty.paragraphs[-1].text == "未发现问题。"


def test_save_is_atomic(tmp_path: Path) -> None:
    doc = new_document(title="保存")
    target = save_docx(doc, tmp_path / "sub" / "报告.docx")
    assert target.read_bytes()[:2] == b"PK"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["报告.docx"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError) as info:
        save_docx(doc, blocker / "a.docx")
    assert info.value.code == "report.write_failed"


def test_key_values_and_page_break() -> None:
    doc = new_document(title="审查报告")
    table = add_key_values(doc, [("项目名称", "某地块"), ("用地面积（公顷）", Decimal("1.2345")), ("批复日期", None)])
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目名称", "某地块"],
        ["用地面积（公顷）", "1.2345"],
        ["批复日期", "—"],
    ]
    add_page_break(doc)
    assert 'w:type="page"' in doc.paragraphs[-1]._p.xml
