"""The review report: .docx and PDF with maps; CJK text survives; pages render."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from tests.review.world import EPSG, box, build_world

from guotu.reports.review import write_review_report
from guotu.services.review import get_review, review_parcel
from guotu.store import open_store

ATTRS = {"use": "0701", "mode": "出让", "method": "挂牌", "far": "2.0", "district": "990101", "city_size": "中等城市"}


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    with open_store(url, migrate=True) as store:
        build_world(store)
        review = review_parcel(store, box(100, 0, 300, 100), ATTRS, on=date(2026, 6, 1), crs=EPSG, actor="test")
    assert review.id is not None
    return url, review.id


@pytest.mark.slow
def test_docx_report(reviewed: tuple[str, str], tmp_path: Path) -> None:
    url, review_id = reviewed
    with open_store(url) as store:
        review, _ = get_review(store, review_id)
        path = write_review_report(store, review, tmp_path / "r.docx")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "建设用地宗地合规性审查报告" in [p.text for p in doc.paragraphs][:3] or "审查结论：不符合" in text
    assert "审查结论：不符合" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "《中华人民共和国土地管理法》第三十五条" in cells
    assert "永久基本农田" in cells and "部分占用" in cells
    # the overview, and a map for each layer with features around the parcel (农田, 开发边界, 规划分区)
    assert len(doc.inline_shapes) == 4
    assert "图幅范围内（宗地周边）无生态保护红线图斑，不另附图。" in text


@pytest.mark.libreoffice
@pytest.mark.slow
def test_pdf_report_renders_cjk(reviewed: tuple[str, str], tmp_path: Path) -> None:
    from guotu.reports.render import pdf_to_pngs

    url, review_id = reviewed
    with open_store(url) as store:
        review, _ = get_review(store, review_id)
        path = write_review_report(store, review, tmp_path / "r.pdf", fmt="pdf")
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        pages = len(pdf.pages)
    assert "合规性审查报告" in text and "永久基本农田" in text and "不符合" in text
    pngs = pdf_to_pngs(path, tmp_path / "png", dpi=40)
    assert len(pngs) == pages and all(p.stat().st_size > 1000 for p in pngs)
