"""Word (.docx) documents with the look of an official document (GB/T 9704, approximately).

A4 paper with the standard type area (top 37 mm, binding side 28 mm, 156 × 225 mm
text block), a 2号 小标宋 title, 黑体/楷体 headings, 3号 仿宋 body text, page
numbers "— 1 —" in the footer, tables with full borders and a repeated header row.
Every run names its East-Asian font (``w:eastAsia``): python-docx's ``font.name``
alone sets only the Latin font and Word would fall back to 宋体 for the Chinese.

Two font schemes:

``official`` (default)
    方正小标宋简体, 黑体, 楷体, 仿宋 — the fonts the bureau's PCs have. LibreOffice on
    Debian substitutes an installed CJK font when it renders a PDF.
``noto``
    Noto Serif/Sans CJK SC — what is installed on the server (the PDF and the .docx
    then look the same everywhere Noto is installed).

Examples
--------
>>> doc = new_document(title="国土空间规划实施监测报告", subtitle="2026年第三季度")
>>> _ = add_heading(doc, "一、总体情况")
>>> _ = add_table(doc, ["地类", "面积（公顷）"], [["耕地", Decimal("12.30")], ["林地", None]])
>>> docx_bytes(doc)[:2]
b'PK'
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from docx import Document as _new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from guotu.catalogue import message
from guotu.errors import InvalidInputError, StorageError

__all__ = [
    "FONT_SCHEMES",
    "FontScheme",
    "add_findings",
    "add_heading",
    "add_key_values",
    "add_page_break",
    "add_paragraph",
    "add_picture",
    "add_table",
    "cell_text",
    "docx_bytes",
    "new_document",
    "save_docx",
]


@dataclasses.dataclass(frozen=True)
class FontScheme:
    """The East-Asian families for each role in a document; Latin text uses ``latin``."""

    title: str
    heading1: str
    heading2: str
    body: str
    table: str
    latin: str = "Times New Roman"


FONT_SCHEMES: Final[dict[str, FontScheme]] = {
    "official": FontScheme(title="方正小标宋简体", heading1="黑体", heading2="楷体", body="仿宋", table="仿宋"),
    "noto": FontScheme(
        title="Noto Serif CJK SC",
        heading1="Noto Sans CJK SC",
        heading2="Noto Serif CJK SC",
        body="Noto Serif CJK SC",
        table="Noto Serif CJK SC",
    ),
}
_SCHEME_KEY: Final = "guotu_font_scheme"
_LANG_KEY: Final = "guotu_lang"
_ALIGN: Final[dict[str, WD_ALIGN_PARAGRAPH]] = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_SEVERITY_COLOURS: Final[dict[str, RGBColor]] = {
    "error": RGBColor(0xC0, 0x00, 0x00),
    "warning": RGBColor(0xB3, 0x6B, 0x00),
    "info": RGBColor(0x40, 0x40, 0x40),
}
EMPTY: Final = "—"


# -- fonts -------------------------------------------------------------------------------------------------


def _set_fonts(element: Any, east_asia: str, latin: str) -> None:
    """Name the Latin and the East-Asian font on a run's or a style's ``w:rPr``."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme_attr), None)


def _scheme(doc: Document) -> FontScheme:
    name = getattr(doc, _SCHEME_KEY, None) or "official"
    return FONT_SCHEMES[name]


def _lang(doc: Document) -> str:
    return str(getattr(doc, _LANG_KEY, None) or "zh")


def _style_run(run: Any, east_asia: str, latin: str, size_pt: float | None = None, *, bold: bool | None = None) -> None:
    _set_fonts(run._element, east_asia, latin)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.bold = bold


# -- document -----------------------------------------------------------------------------------------------


def new_document(
    *,
    title: str,
    subtitle: str | None = None,
    font_scheme: Literal["official", "noto"] = "official",
    body_pt: float = 16.0,
    lang: str = "zh",
    landscape: bool = False,
) -> Document:
    """Start an A4 document with a centred title (and subtitle) and page numbers.

    Parameters
    ----------
    title
        The document title (2号 小标宋, centred); also the file's core title property.
    subtitle
        Optional line under the title (3号 楷体), e.g. the period or the issuing office.
    font_scheme
        ``official`` (方正小标宋简体/黑体/楷体/仿宋, the default) or ``noto``.
    body_pt
        Body text size; 16 pt is 3号 as in GB/T 9704.
    lang
        ``zh`` or ``en``, for the few labels the kit writes (finding tables).
    landscape
        A4 landscape, for wide tables.
    """
    if font_scheme not in FONT_SCHEMES:
        raise InvalidInputError(
            "input.option_invalid", option="font_scheme", value=font_scheme, choices=", ".join(FONT_SCHEMES)
        )
    doc = _new_docx()
    setattr(doc, _SCHEME_KEY, font_scheme)
    setattr(doc, _LANG_KEY, lang)
    fonts = FONT_SCHEMES[font_scheme]
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    doc.core_properties.author = "guotu"

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        # GB/T 9704-2012 §5.2.1: top 37 mm, binding side 28 mm, text block 156 × 225 mm.
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)

    _setup_styles(doc, fonts, body_pt)
    _add_page_number(doc, fonts)

    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Pt(0)
    para.paragraph_format.space_after = Pt(12 if subtitle else 24)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    run = para.add_run(title)
    _style_run(run, fonts.title, fonts.latin, 22, bold=False)
    if subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.paragraph_format.space_after = Pt(24)
        _style_run(sub.add_run(subtitle), fonts.heading2, fonts.latin, body_pt)
    return doc


def _setup_styles(doc: Document, fonts: FontScheme, body_pt: float) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(body_pt)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(normal.element, fonts.body, fonts.latin)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(round(body_pt * 1.75))
    for level, (family, size, bold) in {
        1: (fonts.heading1, body_pt, False),
        2: (fonts.heading2, body_pt, False),
        3: (fonts.body, body_pt, True),
        4: (fonts.body, body_pt, False),
    }.items():
        style = styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element, family, fonts.latin)
        hpf = style.paragraph_format
        hpf.space_before, hpf.space_after = Pt(6), Pt(6)
        hpf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hpf.line_spacing = Pt(round(body_pt * 1.75))
        hpf.keep_with_next = True
        hpf.first_line_indent = Pt(body_pt * 2) if level > 1 else None
    caption = styles["Caption"]
    caption.font.size = Pt(12)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(caption.element, fonts.heading1, fonts.latin)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    caption.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _field_run(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    def run_with(child: Any) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    text = OxmlElement("w:t")
    text.text = placeholder
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _add_page_number(doc: Document, fonts: FontScheme) -> None:
    footer = doc.sections[0].footer
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    para.paragraph_format.first_line_indent = None
    # 4号 (14 pt) Arabic numerals between em dashes (GB/T 9704 §7.5).
    footer_style = doc.styles["Footer"]
    footer_style.font.size = Pt(14)
    _set_fonts(footer_style.element, "宋体" if fonts is FONT_SCHEMES["official"] else fonts.body, fonts.latin)
    para.add_run("— ")
    _field_run(para, "PAGE", "1")
    para.add_run(" —")


# -- content ------------------------------------------------------------------------------------------------


def add_heading(doc: Document, text: str, level: int = 1) -> Paragraph:
    """Add a heading: level 1 黑体, 2 楷体, 3 仿宋 bold, 4 仿宋 (all body size, black)."""
    level = min(max(int(level), 1), 4)
    fonts = _scheme(doc)
    para = doc.add_paragraph(style=f"Heading {level}")
    family = {1: fonts.heading1, 2: fonts.heading2}.get(level, fonts.body)
    run = para.add_run(text)
    _set_fonts(run._element, family, fonts.latin)
    return para


def add_paragraph(
    doc: Document,
    text: str,
    *,
    bold: bool = False,
    align: str | None = None,
    indent: bool = True,
    size_pt: float | None = None,
) -> Paragraph:
    """Add a body paragraph (仿宋, first line indented by two characters unless ``indent=False``).

    ``align`` is ``left``, ``center``, ``right``, ``justify`` or None (justified).
    """
    fonts = _scheme(doc)
    para = doc.add_paragraph()
    if align is not None and align not in _ALIGN:
        raise InvalidInputError("input.option_invalid", option="align", value=align, choices=", ".join(_ALIGN))
    para.alignment = _ALIGN[align or "justify"]
    body = doc.styles["Normal"].font.size
    if indent and align in (None, "justify", "left"):
        para.paragraph_format.first_line_indent = Pt(2 * (size_pt or (body.pt if body else 16)))
    run = para.add_run(text)
    _style_run(run, fonts.body, fonts.latin, size_pt, bold=bold or None)
    return para


def cell_text(value: Any, *, float_format: str = ".2f") -> str:
    """Format a table value: None → "—", Decimal as written, floats with ``float_format``.

    Examples
    --------
    >>> [cell_text(v) for v in (None, Decimal("1.50"), 2.0, 3, True, date(2026, 1, 2), "耕地")]
    ['—', '1.50', '2.00', '3', '是', '2026-01-02', '耕地']
    """
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return EMPTY if value.is_nan() else format(value, "f")
    if isinstance(value, float):
        return EMPTY if value != value else format(value, float_format)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _set_cell_borders_table(table: Table) -> None:
    # A full grid, whatever the template's "Table Grid" looks like.
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8" if edge in ("insideH", "insideV") else "12")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(borders)


def _mark_header_row(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _write_cell(
    cell: Any,
    text: str,
    fonts: FontScheme,
    size: float,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    colour: RGBColor | None = None,
) -> None:
    para = cell.paragraphs[0]
    para.alignment = align
    pf = para.paragraph_format
    pf.first_line_indent = None
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = pf.space_after = Pt(1)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = para.add_run(line)
        _style_run(run, fonts.heading1 if bold else fonts.table, fonts.latin, size, bold=bold or None)
        if colour is not None:
            run.font.color.rgb = colour
        if index < len(lines) - 1:
            run.add_break()


def add_table(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths_cm: Sequence[float] | None = None,
    numeric_cols: Sequence[int] = (),
    caption: str | None = None,
    font_pt: float = 10.5,
    float_format: str = ".2f",
    total_row: bool = False,
) -> Table:
    """Add a bordered table with a bold, shaded header row that repeats on every page.

    Parameters
    ----------
    header
        Column titles.
    rows
        Cell values; a row may be shorter than the header (the rest is blank), never longer.
        Numbers (int, float, Decimal) are right-aligned; None is written "—".
    widths_cm
        Column widths; by default the 15.6 cm text width is shared out.
    numeric_cols
        Columns (0-based) to right-align whatever their values' types (numbers held as text).
    caption
        A caption above the table (tables are captioned above, figures below).
    font_pt
        Cell text size (10.5 pt is 5号).
    total_row
        Set the last row in bold (a 合计 row).
    """
    fonts = _scheme(doc)
    columns = len(header)
    for index, row in enumerate(rows, start=1):
        if len(row) > columns:
            raise InvalidInputError("report.table_row_invalid", row=index, cells=len(row), columns=columns)
    if caption:
        cap = doc.add_paragraph(caption, style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.keep_with_next = True
        _set_fonts(cap.runs[0]._element, fonts.heading1, fonts.latin)
    table: Table = doc.add_table(rows=1 + len(rows), cols=columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_borders_table(table)
    numeric = set(numeric_cols)
    head = table.rows[0]
    _mark_header_row(head)
    for col, title in enumerate(header):
        cell = head.cells[col]
        _write_cell(cell, str(title), fonts, font_pt, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "E7E6E6")
    for r, values in enumerate(rows, start=1):
        cells = table.rows[r].cells
        bold = total_row and r == len(rows)
        for col in range(columns):
            value = values[col] if col < len(values) else ""
            right = col in numeric or _is_number(value)
            align = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
            if value is None:
                align = WD_ALIGN_PARAGRAPH.CENTER
            _write_cell(cells[col], cell_text(value, float_format=float_format), fonts, font_pt, bold=bold, align=align)
    section = doc.sections[-1]
    usable = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
    widths = [Cm(w) for w in widths_cm] if widths_cm else [int(usable / max(columns, 1))] * columns
    table.autofit = widths_cm is None
    for col, width in enumerate(widths[:columns]):
        table.columns[col].width = width  # w:gridCol, which LibreOffice follows
        for row in table.rows:
            row.cells[col].width = width  # w:tcW, which Word follows
    # An empty paragraph after the table keeps the next table or caption apart from it.
    spacer = doc.add_paragraph()
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    spacer.paragraph_format.space_after = Pt(4)
    return table


def add_key_values(
    doc: Document,
    items: Sequence[tuple[str, Any]],
    *,
    caption: str | None = None,
    widths_cm: tuple[float, float] = (4.0, 11.6),
    font_pt: float = 10.5,
) -> Table:
    """Add a two-column table of labels and values (项目名称、用地面积 ...), labels bold and shaded.

    Values are formatted like :func:`add_table` cells (None → "—").
    """
    fonts = _scheme(doc)
    if caption:
        cap = doc.add_paragraph(caption, style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.keep_with_next = True
        _set_fonts(cap.runs[0]._element, fonts.heading1, fonts.latin)
    table: Table = doc.add_table(rows=len(items), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_borders_table(table)
    for row, (label, value) in zip(table.rows, items, strict=True):
        _write_cell(row.cells[0], str(label), fonts, font_pt, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(row.cells[0], "F2F2F2")
        _write_cell(row.cells[1], cell_text(value), fonts, font_pt)
    for col, width in enumerate(widths_cm):
        table.columns[col].width = Cm(width)
        for row in table.rows:
            row.cells[col].width = Cm(width)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    spacer.paragraph_format.space_after = Pt(4)
    return table


def add_page_break(doc: Document) -> None:
    """Start a new page."""
    para = doc.add_paragraph()
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    para.add_run().add_break(WD_BREAK.PAGE)


def _image_size(png: bytes) -> None:
    if png[:8] == b"\x89PNG\r\n\x1a\n" or png[:3] == b"\xff\xd8\xff":
        return
    raise InvalidInputError("report.image_invalid", reason="not a PNG or JPEG signature")


def add_picture(doc: Document, png: bytes, *, width_cm: float = 15.0, caption: str | None = None) -> Paragraph:
    """Add a centred picture (PNG or JPEG bytes) ``width_cm`` wide, with an optional caption below."""
    _image_size(png)
    fonts = _scheme(doc)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = None
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    para.paragraph_format.keep_with_next = bool(caption)
    try:
        para.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    except Exception as exc:  # python-docx raises its own or PIL-less parser errors
        raise InvalidInputError("report.image_invalid", reason=str(exc)[:200]) from None
    if caption:
        cap = doc.add_paragraph(caption, style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_fonts(cap.runs[0]._element, fonts.heading1, fonts.latin)
    return para


def _finding_value(finding: Any, *names: str) -> Any:
    for name in names:
        if isinstance(finding, Mapping):
            if finding.get(name) not in (None, ""):
                return finding[name]
        elif getattr(finding, name, None) not in (None, ""):
            return getattr(finding, name)
    return None


def add_findings(doc: Document, findings: Sequence[Mapping[str, Any]], *, caption: str | None = None) -> Table | None:
    """Add the findings as a table: rule, severity (coloured), message, legal source.

    Each finding is a mapping with ``rule``, ``severity`` (error/warning/info),
    ``message`` (or ``message_zh``/``message_en``) and ``legal_source``;
    :class:`guotu.domain.findings.Finding` objects are accepted too. Errors come first.
    With no findings a sentence says so and None is returned.
    """
    lang = _lang(doc)
    if not findings:
        add_paragraph(doc, message("ui.report.findings_none", lang))
        return None

    def rank(f: Any) -> int:
        sev = str(_finding_value(f, "severity") or "info")
        return {"error": 0, "warning": 1}.get(sev, 2)

    ordered = sorted(findings, key=rank)
    header = [
        message("ui.report.findings_rule", lang),
        message("ui.report.findings_severity", lang),
        message("ui.report.findings_message", lang),
        message("ui.report.findings_source", lang),
    ]
    rows: list[list[Any]] = []
    severities: list[str] = []
    for f in ordered:
        sev = str(_finding_value(f, "severity") or "info")
        severities.append(sev)
        msg_names = ("message_en", "message", "message_zh") if lang == "en" else ("message", "message_zh", "message_en")
        rows.append(
            [
                _finding_value(f, "rule") or "",
                message(f"ui.report.severity_{sev}", lang) if sev in _SEVERITY_COLOURS else sev,
                _finding_value(f, *msg_names) or "",
                _finding_value(f, "legal_source") or "",
            ]
        )
    table = add_table(doc, header, rows, widths_cm=[1.8, 1.6, 7.8, 4.4], caption=caption, font_pt=10.5)
    for index, sev in enumerate(severities, start=1):
        colour = _SEVERITY_COLOURS.get(sev)
        if colour is None:
            continue
        for run in table.rows[index].cells[1].paragraphs[0].runs:
            run.font.color.rgb = colour
            run.bold = sev == "error"
    return table


# -- output -------------------------------------------------------------------------------------------------


def docx_bytes(doc: Document) -> bytes:
    """Return the document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def save_docx(doc: Document, path: Path) -> Path:
    """Write the document to ``path`` atomically (a temporary file in the same directory, then ``os.replace``)."""
    path = Path(path)
    data = docx_bytes(doc)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError("report.write_failed", path=str(path), reason=exc.strerror or str(exc)) from None
    return path
