"""Rendering through real LibreOffice and poppler: a Chinese report with a table and a map becomes PDF and PNG."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from shapely.geometry import LineString, box

from guotu.errors import DependencyMissingError, DocumentError, InvalidInputError, NotFoundError
from guotu.reports import docx_kit as kit
from guotu.reports.charts import bar_chart
from guotu.reports.maps import map_layer, render_map
from guotu.reports.render import docx_to_pdf, docx_to_pngs, pdf_to_pngs

X0, Y0 = 38_500_000.0, 4_200_000.0
STRINGS = ("国土空间规划实施监测报告", "一、总体情况", "永久基本农田", "供地完成情况", "占用永久基本农田")


def _report(path: Path, *, font_scheme: str = "official", pages: int = 1) -> Path:
    doc = kit.new_document(title="国土空间规划实施监测报告", subtitle="2026年第三季度", font_scheme=font_scheme)  # type: ignore[arg-type]
    kit.add_heading(doc, "一、总体情况")
    kit.add_paragraph(doc, "本季度全市共供应建设用地 123.45 公顷，规划实施总体平稳。")
    kit.add_heading(doc, "（一）供地完成情况", 2)
    kit.add_table(
        doc,
        ["地类", "计划（公顷）", "完成（公顷）"],
        [["住宅用地", Decimal("100.00"), Decimal("45.60")], ["工业用地", Decimal("80.50"), None]],
        caption="表1 供地完成情况",
    )
    layers = [
        map_layer("permanent_basic_farmland", [box(X0, Y0, X0 + 1000, Y0 + 700)]),
        map_layer("urban_development_boundary", [box(X0 + 600, Y0 + 300, X0 + 1600, Y0 + 1000)]),
        map_layer("blue_line", [LineString([(X0, Y0 + 500), (X0 + 1600, Y0 + 600)])]),
    ]
    png = render_map(layers, title="控制线示意图", size_px=(900, 650), dpi=120, note="EPSG:4526")
    kit.add_picture(doc, png, width_cm=14, caption="图1 控制线示意图")
    kit.add_findings(
        doc,
        [{"rule": "C1", "severity": "error", "message": "占用永久基本农田 0.35 公顷", "legal_source": "土地管理法"}],
    )
    for index in range(pages - 1):
        kit.add_page_break(doc)
        kit.add_heading(doc, f"附件{index + 1}")
    return kit.save_docx(doc, path)


def _size(png: Path) -> tuple[int, int]:
    with Image.open(png) as image:
        return image.size


def _dark_share(png: Path) -> float:
    with Image.open(png) as opened:
        image = opened.convert("L")
    return sum(image.histogram()[:128]) / (image.width * image.height)


def _not_blank(png: Path, share: float = 0.01) -> None:
    assert _dark_share(png) > share, f"{png} looks blank"


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("font_scheme", ["official", "noto"])
def test_chinese_report_renders_to_pdf_with_embedded_cjk_fonts(tmp_path: Path, font_scheme: str) -> None:
    source = _report(tmp_path / "报告.docx", font_scheme=font_scheme)
    pdf = docx_to_pdf(source, tmp_path / "out")
    assert pdf == tmp_path / "out" / "报告.pdf"
    with pdfplumber.open(pdf) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
        fonts = {char["fontname"] for page in document.pages for char in page.chars if ord(char["text"]) > 0x2E80}
    for expected in STRINGS:
        assert expected in text.replace(" ", "").replace("\n", ""), expected
    assert "123.45" in text and "45.60" in text
    # Every Chinese character is drawn with an embedded CJK font (no tofu, no missing glyph box).
    assert fonts and all("CJK" in name for name in fonts), fonts
    # The official fonts are rendered with the serif Noto face (LibreOffice's replacement table), 黑体 with sans.
    assert any("Serif" in name for name in fonts) and any("Sans" in name for name in fonts), fonts
    # No file is left beside the source.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "报告.docx"]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_docx_to_pngs_renders_every_page_non_blank(tmp_path: Path) -> None:
    source = _report(tmp_path / "r.docx", pages=2)
    pngs = docx_to_pngs(source, tmp_path / "png", dpi=60)
    with pdfplumber.open(tmp_path / "png" / "r.pdf") as document:
        count = len(document.pages)
    assert count >= 2
    assert [p.name for p in pngs] == [f"r-{n}.png" for n in range(1, count + 1)]
    _not_blank(pngs[0], 0.01)  # title, text, table, map
    for png in pngs[1:]:
        _not_blank(png, 0.0001)  # a heading and the page number at least
        width, height = _size(png)
        assert width == pytest.approx(210 / 25.4 * 60, abs=2) and height == pytest.approx(297 / 25.4 * 60, abs=2)
    only_last = pdf_to_pngs(tmp_path / "png" / "r.pdf", tmp_path / "last", dpi=30, first=len(pngs))
    assert [p.name for p in only_last] == [f"r-{len(pngs)}.png"]


@pytest.mark.slow
def test_pdf_to_pngs_on_a_generated_pdf(tmp_path: Path) -> None:
    # A PDF written by matplotlib (no LibreOffice needed): a chart with Chinese text.
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    from guotu.reports.fonts import mpl_context

    pdf = tmp_path / "chart.pdf"
    with mpl_context():
        fig = Figure(figsize=(4, 3))
        FigureCanvasPdf(fig)
        fig.add_subplot().bar(["耕地", "林地"], [1, 2])
        fig.savefig(pdf)
    pngs = pdf_to_pngs(pdf, tmp_path / "out", dpi=50)
    assert [p.name for p in pngs] == ["chart-1.png"]
    assert _size(pngs[0]) == (200, 150)
    _not_blank(pngs[0])
    assert bar_chart(["耕地"], {"a": [1]}, title="t", ylabel="y")[:4] == b"\x89PNG"


def test_render_errors_have_clear_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFoundError) as missing:
        pdf_to_pngs(tmp_path / "none.pdf", tmp_path)
    assert missing.value.code == "report.source_missing"
    with pytest.raises(NotFoundError):
        docx_to_pdf(tmp_path / "none.docx", tmp_path)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(InvalidInputError) as info:
        pdf_to_pngs(bad, tmp_path / "out")
    assert info.value.code == "report.render_failed"
    with pytest.raises(InvalidInputError) as info:
        pdf_to_pngs(bad, tmp_path / "out", first=3, last=2)
    assert info.value.code == "report.page_range_invalid"
    assert not any((tmp_path / "out").glob("*.png"))


def test_missing_programs_give_an_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.docx"
    source.write_bytes(kit.docx_bytes(kit.new_document(title="t")))
    monkeypatch.setenv("GUOTU_DOCUMENT_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(DependencyMissingError) as info:
        docx_to_pdf(source, tmp_path / "out")
    assert info.value.code == "report.libreoffice_missing"
    assert "apt-get install" in info.value.message("en")
    monkeypatch.delenv("GUOTU_DOCUMENT_SOFFICE")
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(DependencyMissingError) as info:
        pdf_to_pngs(pdf, tmp_path)
    assert info.value.code == "report.pdftoppm_missing" and "poppler" in info.value.message("en")
    assert os.environ["PATH"] == str(empty_bin)


@pytest.mark.libreoffice
def test_a_conversion_over_its_time_limit_is_killed(tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    source.write_bytes(kit.docx_bytes(kit.new_document(title="超时")))
    with pytest.raises(DocumentError) as info:
        docx_to_pdf(source, tmp_path / "out", timeout_s=0.05)
    assert info.value.code == "document.timeout"
    assert not (tmp_path / "out" / "a.pdf").exists()
