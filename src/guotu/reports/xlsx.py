r"""Excel workbooks (.xlsx) that are safe to open: no formula injection, exact numbers, real dates.

* A text that starts with ``=``, ``+``, ``-``, ``@``, TAB or CR (or the full-width
  ``＝＋－＠``) is written as a string cell with the *quotePrefix* style (what Excel
  stores when you type ``'=...``): openpyxl would otherwise store ``"=..."`` as a
  formula, and Excel would re-evaluate the others when the cell is edited. The text
  itself is kept unchanged. Real negative numbers stay numbers.
* ``Decimal`` is written as a number with a format showing its decimal places
  (``Decimal("12.30")`` → ``0.00``); ``date`` and ``datetime`` as Excel dates
  (time-zone-aware datetimes are converted to naive UTC); None as an empty cell.
* Native openpyxl bar and line charts (:class:`ChartSpec`).
* The file is written atomically (temporary file + ``os.replace``).

Examples
--------
>>> safe_cell('=HYPERLINK("http://x")')
SafeText('=HYPERLINK("http://x")')
>>> safe_cell(-3), safe_cell("耕地")
(-3, '耕地')
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from guotu.errors import InvalidInputError, StorageError

__all__ = [
    "ChartSpec",
    "SafeText",
    "Sheet",
    "csv_cell",
    "is_dangerous",
    "safe_cell",
    "workbook_bytes",
    "write_cell",
    "write_workbook",
]

_DANGEROUS_START: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_BAD_SHEET_CHARS: Final = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_TEXT: Final = 32767
DATE_FORMAT: Final = "yyyy-mm-dd"
DATETIME_FORMAT: Final = "yyyy-mm-dd hh:mm:ss"


class SafeText(str):
    """A text that must be written as a literal string with the quotePrefix style (see :func:`safe_cell`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"SafeText({str.__repr__(self)})"


def is_dangerous(text: str) -> bool:
    """Tell whether a spreadsheet could take ``text`` for a formula (starts with = + - @ TAB CR LF ＝＋－＠)."""
    return text.startswith(_DANGEROUS_START)


def safe_cell(value: Any) -> Any:
    """Return ``value`` ready for a cell: dangerous texts become :class:`SafeText`, others are normalised.

    Numbers (int, float, Decimal; not NaN or infinite), bool, date and datetime are kept
    (aware datetimes become naive UTC, Excel has no time zones); None stays None;
    anything else becomes its ``str``. Control characters that XML cannot hold are
    removed and texts are cut at Excel's 32 767 characters.

    Write the result with :func:`write_cell` (or :func:`write_workbook`): assigning a
    ``SafeText`` to an openpyxl cell directly would still make ``"=..."`` a formula.
    """
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, Decimal):
        return value if value.is_finite() else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, (date, time)):
        return value
    text = _ILLEGAL_XML.sub("", str(value))[:_MAX_TEXT]
    return SafeText(text) if is_dangerous(text) else text


def csv_cell(value: Any) -> str:
    """Return ``value`` as CSV text, a dangerous text prefixed with a single quote (RELIABILITY.md §5.6).

    CSV has no cell types, so the quote is the only protection; numbers (including
    negative ones) are written as they are, None as an empty string.

    Examples
    --------
    >>> [csv_cell(v) for v in ("=1+1", "-2*3", -2, Decimal("1.50"), None, "耕地")]
    ["'=1+1", "'-2*3", '-2', '1.50', '', '耕地']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_dangerous(text) else text


def _decimal_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    places = min(places, 10)
    return "0." + "0" * places if places else "0"


def write_cell(ws: Any, row: int, column: int, value: Any, *, number_format: str | None = None) -> Any:
    """Write one value into ``ws`` at (row, column) (1-based) the safe way; return the cell.

    Dangerous texts are stored as strings with quotePrefix, Decimals as numbers with a
    matching format, dates with a date format. ``number_format`` overrides the format.
    """
    value = safe_cell(value)
    cell = ws.cell(row=row, column=column)
    if isinstance(value, SafeText):
        # Bypass openpyxl's "starts with '=' means formula" rule; quotePrefix makes Excel keep it text on edit.
        cell._value = str(value)
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    elif isinstance(value, Decimal):
        cell.number_format = _decimal_format(value)
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


@dataclass
class Sheet:
    """One worksheet: an optional title row, a bold header row, the rows.

    ``widths`` are column widths in Excel character units (estimated from the
    content when None); ``number_formats`` maps 0-based column indexes to Excel
    number formats (``"0.00"``, ``"#,##0"``, ``"0.0%"``).
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] | None = None
    number_formats: Mapping[int, str] | None = None
    title: str | None = None
    freeze: bool = True
    autofilter: bool = True


@dataclass
class ChartSpec:
    """A native Excel chart of a sheet's columns (0-based indexes into the header).

    ``categories_col`` holds the category labels, ``value_cols`` the series (their
    header cells name them); ``anchor`` is the top-left cell of the chart.
    """

    sheet: str
    kind: Literal["bar", "line"]
    title: str
    categories_col: int
    value_cols: Sequence[int]
    anchor: str = "H2"
    y_title: str | None = None
    x_title: str | None = None
    horizontal: bool = False
    size_cm: tuple[float, float] = field(default=(16.0, 9.0))


def _text_width(value: Any) -> float:
    text = str(value) if value is not None else ""
    longest = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in text.split("\n")), default=0)
    return float(longest)


def _check_sheets(sheets: Sequence[Sheet]) -> None:
    seen: set[str] = set()
    for sheet in sheets:
        name = sheet.name
        if not name or len(name) > 31 or _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.lower() in seen:
            raise InvalidInputError("report.sheet_name_invalid", name=name)
        seen.add(name.lower())
        columns = len(sheet.header)
        for index, row in enumerate(sheet.rows, start=1):
            if len(row) > columns:
                raise InvalidInputError(
                    "report.sheet_row_invalid", sheet=name, row=index, cells=len(row), columns=columns
                )


def _fill_sheet(ws: Any, sheet: Sheet) -> int:
    """Write the sheet; return the row number of the header."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    columns = len(sheet.header)
    header_row = 1
    if sheet.title:
        cell = write_cell(ws, 1, 1, sheet.title)
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if columns > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        ws.row_dimensions[1].height = 24
        header_row = 2
    for col, title in enumerate(sheet.header, start=1):
        cell = write_cell(ws, header_row, col, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    formats = dict(sheet.number_formats or {})
    for r, values in enumerate(sheet.rows, start=header_row + 1):
        for c in range(columns):
            value = values[c] if c < len(values) else None
            cell = write_cell(ws, r, c + 1, value, number_format=formats.get(c))
            cell.border = border
    if sheet.freeze:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if sheet.autofilter and sheet.rows and columns:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{header_row + len(sheet.rows)}"
    for c in range(columns):
        if sheet.widths is not None and c < len(sheet.widths):
            width = float(sheet.widths[c])
        else:
            sample = [sheet.header[c], *(row[c] for row in sheet.rows[:500] if c < len(row))]
            width = min(max(8.0, max(_text_width(v) for v in sample) + 2), 60.0)
        ws.column_dimensions[get_column_letter(c + 1)].width = width
    ws.sheet_view.zoomScale = 100
    return header_row


def _add_chart(wb: Any, spec: ChartSpec, header_rows: Mapping[str, int], sizes: Mapping[str, tuple[int, int]]) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference  # type: ignore[import-untyped]
    from openpyxl.chart.data_source import AxDataSource, StrRef  # type: ignore[import-untyped]

    if spec.sheet not in header_rows:
        raise InvalidInputError("report.chart_sheet_missing", sheet=spec.sheet)
    ws = wb[spec.sheet]
    header_row = header_rows[spec.sheet]
    n_rows, n_cols = sizes[spec.sheet]
    for col in (spec.categories_col, *spec.value_cols):
        if not 0 <= col < n_cols:
            raise InvalidInputError("report.chart_column_invalid", sheet=spec.sheet, column=col)
    chart: Any = BarChart() if spec.kind == "bar" else LineChart()
    if spec.kind == "bar":
        chart.type = "bar" if spec.horizontal else "col"
        chart.grouping = "clustered"
    chart.title = spec.title
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if spec.x_title:
        chart.x_axis.title = spec.x_title
    last = header_row + max(n_rows, 1)
    for col in spec.value_cols:
        data = Reference(ws, min_col=col + 1, min_row=header_row, max_row=last)
        chart.add_data(data, titles_from_data=True)
    categories = Reference(ws, min_col=spec.categories_col + 1, min_row=header_row + 1, max_row=last)
    for series in chart.series:
        # Category labels are text (区县, 地类): a string reference, which Excel and LibreOffice both label.
        series.cat = AxDataSource(strRef=StrRef(f=str(categories)))
    chart.width, chart.height = spec.size_cm
    # openpyxl ≥ 3.1 hides axes unless told otherwise (delete=True by default in some viewers).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, spec.anchor)


def _build(sheets: Sequence[Sheet], charts: Sequence[ChartSpec]) -> Any:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    _check_sheets(sheets)
    wb = Workbook()
    default = wb.active
    header_rows: dict[str, int] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.name)
        header_rows[sheet.name] = _fill_sheet(ws, sheet)
        sizes[sheet.name] = (len(sheet.rows), len(sheet.header))
    if sheets and default is not None:
        wb.remove(default)
    for spec in charts:
        _add_chart(wb, spec, header_rows, sizes)
    return wb


def workbook_bytes(sheets: Sequence[Sheet], *, charts: Sequence[ChartSpec] = ()) -> bytes:
    """Return the workbook as .xlsx bytes (for a web download)."""
    buffer = io.BytesIO()
    _build(sheets, charts).save(buffer)
    return buffer.getvalue()


def write_workbook(path: Path, sheets: Sequence[Sheet], *, charts: Sequence[ChartSpec] = ()) -> Path:
    """Write the sheets (and native charts) to ``path`` atomically; return ``path``.

    Raises
    ------
    InvalidInputError
        ``report.sheet_name_invalid``, ``report.sheet_row_invalid``, ``report.chart_sheet_missing``,
        ``report.chart_column_invalid`` — checked before anything is written.
    StorageError
        ``report.write_failed``.
    """
    path = Path(path)
    data = workbook_bytes(sheets, charts=charts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError("report.write_failed", path=str(path), reason=exc.strerror or str(exc)) from None
    return path
