"""The maintenance report: .docx and HTML, rendered through LibreOffice to PDF and PNG and read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from tests.maintenance._data import COUNTY, OneMap, load_one_map

from guotu.reports.maintenance import CHAPTERS, build_report
from guotu.reports.render import docx_to_pdf, pdf_to_pngs
from guotu.services import maintenance as svc
from guotu.store import open_store

ACTOR = "test:report"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_report_renders_with_chinese_text_and_maps(tmp_path: Path, one_map: OneMap) -> None:
    with open_store(f"sqlite:///{tmp_path / 'one.db'}", migrate=True) as store:
        load_one_map(store, one_map, tmp_path)
        key = svc.new_maintenance(
            store,
            jurisdiction=COUNTY,
            year=2026,
            layers=["czkfbj", "yjjbnt"],
            actor=ACTOR,
            title="样例县2026年度动态维护方案",
        ).key
        for kind, layer in (("urban_development_boundary", "czkfbj"), ("permanent_basic_farmland", "yjjbnt")):
            svc.add_changes(store, key, one_map.changes[kind], layer=layer, actor=ACTOR, districts="xzq",
                            district_field="XZQDM")  # fmt: skip
        svc.approve(store, key, approval_document="样政函〔2026〕8号", approval_date=date(2026, 7, 1), actor=ACTOR)
        svc.record_scheme(store, actor=ACTOR)
        docx, html = build_report(store, key, tmp_path / "r.docx", html=tmp_path / "r.html")
        seed_docx, _ = build_report(store, "140300-2026-01", tmp_path / "yq.docx", html=tmp_path / "yq.html")
    page = html.read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') >= 3 and "三条控制线维护前后对照表" in page
    pdf = docx_to_pdf(docx, tmp_path)
    with pdfplumber.open(pdf) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for chapter, _ in CHAPTERS:
        assert chapter in compact, chapter
    for words in ("重点建设项目清单", "标明调出", "标明调入", "维护后图", "样政函〔2026〕8号", "永久基本农田", "万亩"):
        assert words in compact, words
    pngs = pdf_to_pngs(pdf, tmp_path / "png", dpi=40, last=2)
    image = Image.open(pngs[0]).convert("L")
    assert image.getextrema()[0] < 100  # ink on the page, not a blank render
    seed_pdf = docx_to_pdf(seed_docx, tmp_path)
    with pdfplumber.open(seed_pdf) as doc:
        seed_text = "".join(p.extract_text() or "" for p in doc.pages).replace(" ", "").replace("\n", "")
    for figure in ("8.2593", "9387.50", "944.17", "29.81", "710.6312", "301.11", "734.46", "982.80", "564"):
        assert figure in seed_text, figure
    assert "城市紫线调出734.46平方米，未附批准文件" in seed_text
