"""Render corpus documents as plain text, Word (.docx) and PDF files.

* ``write_txt`` — headings and paragraphs one per line; tables as tab-separated lines
  with a blank line before and after; any encoding (UTF-8 by default, GB18030 for one
  document).
* ``write_docx`` — python-docx with heading styles, real Word tables (header row marked
  as repeating) and an East-Asian font (``w:eastAsia``) on every run.
* ``write_pdf`` — reportlab with the built-in CID font STSong-Light; paragraphs are
  wrapped like a word processor does (anywhere between CJK characters, never inside a
  run of ASCII letters/digits such as ``1,250.50``); tables with GRID lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .documents import BY_NAME, CORPUS, GB18030_DOCS
from .model import CorpusDoc, Heading, Para, Table

#: file formats, as used in test ids; "txt-gb18030" only for the documents in GB18030_DOCS
FORMATS = ("txt", "docx", "pdf", "txt-gb18030")

_SUFFIX = {"txt": ".txt", "docx": ".docx", "pdf": ".pdf", "txt-gb18030": ".gb18030.txt"}

EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
PDF_FONT = "STSong-Light"


# --- plain text ---------------------------------------------------------------------------
def txt_lines(doc: CorpusDoc) -> list[str]:
    """Return the lines of the plain-text rendering."""
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            lines.append("")
            lines.extend("\t".join(row) for row in block.rows)
            lines.append("")
        else:
            lines.append(block.text)
    return lines


def write_txt(doc: CorpusDoc, path: Path | str, encoding: str = "utf-8") -> Path:
    """Write ``doc`` as a text file in ``encoding``."""
    path = Path(path)
    path.write_text("\n".join(txt_lines(doc)) + "\n", encoding=encoding)
    return path


# --- Word ---------------------------------------------------------------------------------
def _set_run_fonts(run: Any, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    # heading styles use theme fonts, which would override the explicit names
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def write_docx(doc: CorpusDoc, path: Path | str) -> Path:
    """Write ``doc`` as a Word document."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    path = Path(path)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    document.core_properties.title = doc.name

    for block in doc.blocks:
        if isinstance(block, Heading):
            paragraph = document.add_heading("", level=min(max(block.level, 1), 9))
            if block.level == 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_fonts(paragraph.add_run(block.text))
        elif isinstance(block, Para):
            paragraph = document.add_paragraph()
            _set_run_fonts(paragraph.add_run(block.text))
        else:
            n_cols = len(block.rows[0])
            table = document.add_table(rows=len(block.rows), cols=n_cols)
            table.style = document.styles["Table Grid"]
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell_paragraph = cell.paragraphs[0]
                    if c > 0:
                        cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _set_run_fonts(cell_paragraph.add_run(text), size_pt=10.5, bold=r == 0)
            # repeat the header row on every page, as published plan tables do
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
    document.save(str(path))
    return path


# --- PDF ----------------------------------------------------------------------------------
def _register_pdf_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _is_word_char(ch: str) -> bool:
    """Characters that must stay together on a line (ASCII words and numbers)."""
    if ch.isascii():
        return ch.isalnum() or ch in ".,%/-+"
    return "０" <= ch <= "９" or ch in "．％"


_NO_LINE_START = set("，。、；：？！）》」』”’〕】%％.,;:)")
_NO_LINE_END = set("（《「『“‘〔【(")


def _tokens(text: str) -> list[str]:
    """Split into unbreakable tokens: ASCII words/numbers, or single other characters."""
    tokens: list[str] = []
    for ch in text:
        if tokens and _is_word_char(ch) and _is_word_char(tokens[-1][-1]):
            tokens[-1] += ch
        elif tokens and (ch in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += ch  # no closing punctuation at a line start, no opening at an end
        else:
            tokens.append(ch)
    return tokens


def wrap_line(text: str, width: float, font_size: float) -> list[str]:
    """Wrap ``text`` to lines no wider than ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        candidate = current + token
        if current and stringWidth(candidate, PDF_FONT, font_size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def write_pdf(doc: CorpusDoc, path: Path | str) -> Path:
    """Write ``doc`` as a PDF (A4, STSong-Light)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_pdf_font()
    path = Path(path)
    margin = 25 * mm
    frame_width = A4[0] - 2 * margin
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=11, leading=17, spaceAfter=5)
    heading_sizes = {1: 15, 2: 13, 3: 12}

    story: list[Any] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            story.append(Spacer(1, 4))
            story.append(_pdf_table(block, frame_width))
            story.append(Spacer(1, 8))
            continue
        if isinstance(block, Heading):
            size = heading_sizes.get(block.level, 11)
            style = ParagraphStyle(
                f"h{block.level}",
                parent=body,
                fontSize=size,
                leading=size * 1.5,
                alignment=1 if block.level == 1 else 0,
                spaceBefore=6,
            )
        else:
            style = body
        # the frame has 6 pt padding on each side
        lines = wrap_line(block.text, frame_width - 14, style.fontSize)
        story.append(Paragraph("<br/>".join(escape(line) for line in lines), style))

    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=doc.name,
        author="guotu test corpus",
    )
    template.build(story)
    return path


def _pdf_table(block: Table, frame_width: float) -> object:
    """Build a reportlab table; the font shrinks until every cell fits on one line."""
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    n_cols = len(block.rows[0])
    size = 10.0
    while True:
        widths = [max(stringWidth(row[c], PDF_FONT, size) for row in block.rows) + 12 for c in range(n_cols)]
        if sum(widths) <= frame_width - 12 or size <= 6:
            break
        size -= 0.5
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * 1.3),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    return PdfTable(block.rows, colWidths=widths, repeatRows=1, style=style)


# --- corpus -------------------------------------------------------------------------------
def write(doc: CorpusDoc, fmt: str, directory: Path | str) -> Path:
    """Write ``doc`` in format ``fmt`` (one of FORMATS) into ``directory``."""
    path = Path(directory) / f"{doc.name}{_SUFFIX[fmt]}"
    if fmt == "txt":
        return write_txt(doc, path)
    if fmt == "txt-gb18030":
        return write_txt(doc, path, encoding="gb18030")
    if fmt == "docx":
        return write_docx(doc, path)
    if fmt == "pdf":
        return write_pdf(doc, path)
    raise ValueError(f"unknown format {fmt!r}")


def formats_of(doc: CorpusDoc) -> tuple[str, ...]:
    """Return the formats ``doc`` is rendered in."""
    if doc.name in GB18030_DOCS:
        return FORMATS
    return tuple(f for f in FORMATS if f != "txt-gb18030")


def corpus_cases() -> list[tuple[CorpusDoc, str]]:
    """Return every (document, format) pair of the corpus."""
    return [(doc, fmt) for doc in CORPUS for fmt in formats_of(doc)]


def corpus_files(tmp_dir: Path | str, docs: Iterable[CorpusDoc] = CORPUS) -> list[tuple[CorpusDoc, str, Path]]:
    """Write every document in every format into ``tmp_dir``; return (doc, format, path)."""
    directory = Path(tmp_dir)
    directory.mkdir(parents=True, exist_ok=True)
    return [(doc, fmt, write(doc, fmt, directory)) for doc in docs for fmt in formats_of(doc)]


def corpus_paths(tmp_dir: Path | str) -> list[Path]:
    """Write every document in every format into ``tmp_dir`` and return the paths."""
    return [path for _, _, path in corpus_files(tmp_dir)]


def doc_for_path(path: Path | str) -> CorpusDoc:
    """Return the corpus document a file written by ``corpus_paths`` belongs to."""
    return BY_NAME[Path(path).name.split(".", 1)[0]]
