"""Supervision reports: quarterly/annual .docx and .xlsx with charts, the 117号 tables, safe cells."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from tests.supervision._year import YEAR
from tests.supervision.test_plan_versions import ACTOR, adjusted

from guotu.domain.plan import SupplyPlan
from guotu.errors import InvalidInputError, NotFoundError
from guotu.reports.render import docx_to_pdf
from guotu.reports.supervision import collect, plan_tables, write_report
from guotu.services.plan_versions import adjust_plan, save_plan
from guotu.services.supply import save_records
from guotu.store import Store, open_store

INJECTION = '=HYPERLINK("http://evil.example","点我")'


def _year_with_injection() -> list:  # type: ignore[type-arg]
    return [replace(YEAR[0], location=INJECTION, document_number="+cmd|' /C calc'!A0"), *YEAR[1:]]


def fill(store: Store, yangquan: SupplyPlan) -> Store:
    """The 阳泉 plan, an adjustment on 1 July and the synthetic year (with hostile cells)."""
    save_plan(store, yangquan, actor=ACTOR)
    adjust_plan(store, "140300", 2026, adjusted(yangquan, "f6", "30.0000"), actor=ACTOR,
                approval_document="阳政办函〔2026〕88号", effective_date=date(2026, 7, 1))  # fmt: skip
    save_records(store, _year_with_injection(), actor=ACTOR)
    return store


@pytest.fixture
def filled(store: Store, yangquan: SupplyPlan) -> Store:
    """A store of each backend, filled."""
    return fill(store, yangquan)


def test_collect_quarter(filled: Store) -> None:
    q2 = collect(filled, "阳泉市", 2026, kind="quarterly", quarter=2)
    assert q2.on == date(2026, 6, 30) and len(q2.records) == 5 and q2.version.version == 1  # type: ignore[union-attr]
    assert q2.title == "阳泉市2026年第二季度国有建设用地供应计划执行情况报告"
    last = collect(filled, "140300", 2026, kind="quarterly")
    assert last.quarter == 4 and last.version.version == 2  # type: ignore[union-attr]


def test_annual_xlsx_is_safe_and_has_charts(filled: Store, tmp_path: Path) -> None:
    path = write_report(filled, "140300", 2026, kind="annual", out=tmp_path / "annual.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "分类别执行",
        "分区县执行",
        "类别×区县",
        "分供应方式",
        "供应进度",
        "供地明细",
        "问题与预警",
    ]
    assert len(book["分类别执行"]._charts) == 1 and len(book["供应进度"]._charts) == 1
    cells = [c for row in book["供地明细"].iter_rows() for c in row if c.value == INJECTION]
    assert cells and cells[0].data_type == "s" and cells[0].quotePrefix
    texts = [
        c
        for row in book["供地明细"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("+cmd")
    ]
    assert texts and texts[0].data_type == "s" and texts[0].quotePrefix
    values = {row[0].value: row for row in book["分类别执行"].iter_rows(values_only=False) if row[0].value}
    assert values["合计"][3].value == 185 and values["居住用地"][2].value == 30


@pytest.mark.slow
def test_docx_reports(filled: Store, tmp_path: Path) -> None:
    path = write_report(filled, "阳泉市", 2026, kind="quarterly", quarter=3, out=tmp_path / "q3.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "阳泉市2026年第三季度国有建设用地供应计划执行情况报告" in text and "截至2026年9月30日" in text
    assert "累计供应55.0000公顷" in text and "完成率30.71%" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"居住用地", "179.0760", "55.0000", "30.71"} <= cells
    assert len(document.inline_shapes) == 3  # three charts
    tables = write_report(filled, "140300", 2026, kind="tables", out=tmp_path / "tables.xlsx")
    sheet = openpyxl.load_workbook(tables)["汇总表"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows["居住用地"][1] == 30 and rows["合计"][1] == pytest.approx(179.076)


def test_bad_report_requests(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as err:
        write_report(store, "140300", 2026, kind="annual", out=tmp_path / "x.pdf")
    assert err.value.code == "supervision_report.format_unsupported"
    with pytest.raises(InvalidInputError) as err:
        write_report(store, "140300", 2026, kind="monthly", out=tmp_path / "x.docx")
    assert err.value.code == "supervision_report.kind_invalid"
    with pytest.raises(NotFoundError) as nf:
        write_report(store, "140300", 2026, kind="tables", out=tmp_path / "x.docx")
    assert nf.value.code == "supervision_report.no_plan"
    assert not list(tmp_path.glob("x.*"))


def test_plan_tables_of_the_seeds(yangquan: SupplyPlan, bachu: SupplyPlan) -> None:
    header, rows, _hh, housing = plan_tables(yangquan, "140300")
    assert header[-1] == "阳泉高新技术产业开发区"
    assert rows[-1][:2] == ["合计", Decimal("179.0760")] and len(rows) == 9
    assert rows[0][0] == "居住用地" and rows[3][0] == "工矿用地（指导性）"
    assert housing == []
    header, rows, _hh, _housing = plan_tables(bachu, "653130")
    assert rows[-1][1] == Decimal("1843.24")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_docx_renders_with_chinese_text(yangquan: SupplyPlan, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'r.db'}", migrate=True) as store:
        path = write_report(fill(store, yangquan), "140300", 2026, kind="annual", out=tmp_path / "annual.docx")
    pdf = docx_to_pdf(path, tmp_path)
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
    assert "国有建设用地供应计划实施情况总结" in text.replace(" ", "").replace("\n", "")
    assert "计划调整情况" in text and "阳政办函" in text
