"""Figures from tables: header cells give columns a meaning, first cells give rows one.

A table is a run of rows (tab-separated cells in the compact view). Leading rows
without numbers are the header. Each column's header may name a unit (面积（公顷）,
亩, 占比（%）), a district, a category, a supply mode or source, or a total (合计);
each row's label cells do the same. A numeric cell becomes a figure with the union
of its row's and its column's meaning; a 亩 cell next to a 公顷 cell of the same
meaning is its equivalent, a percentage cell is the share of the area cell beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Protocol

from guotu.documents._lexicon import (
    CONTEXT_RE,
    canonical_unit,
    find_district,
    find_mode,
    find_source,
)
from guotu.documents.text import Line, TextView
from guotu.domain.classification import PlanLabel, find_plan_labels
from guotu.domain.numerals import parse_chinese_numeral, parse_number

if TYPE_CHECKING:
    from guotu.documents.extract import RawFigure

__all__ = ["read_table"]

_UNIT_IN_TEXT: Final = re.compile(r"(万公顷|万平方米|平方千米|平方公里|平方米|万亩|公顷|hm2|hm²|亩|%|占比|比例|比重)")
_NUMBER_CELL: Final = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_TOTAL_CELL: Final = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|总量|共计|全[市县区]合计|全[市县区]|计划总量)$")
_SKIP_COLUMN: Final = re.compile(r"序号|编号|备注|说明|宗地|位置|四至|时间|季度|容积率")
_UNIT_CAPTION: Final = re.compile(r"单位[:：]\s*(万公顷|万平方米|平方千米|平方公里|平方米|万亩|公顷|亩)")


class _HeadingLike(Protocol):
    label: PlanLabel | None
    district: str | None
    mode: str | None
    source: str | None
    context: bool


@dataclass
class _Meaning:
    unit: str | None = None
    share: bool = False
    label: PlanLabel | None = None
    district: str | None = None
    mode: str | None = None
    source: str | None = None
    total: bool = False
    context: bool = False
    skip: bool = False
    label_from_caption: bool = False
    change: bool = False


def _meaning(
    text: str, district_in: Callable[[str], str | None] = find_district, plan_year: int | None = None
) -> _Meaning:
    meaning = _Meaning()
    clean = re.sub(r"\s+", "", text)
    if not clean:
        return meaning
    if _SKIP_COLUMN.search(clean):
        meaning.skip = True
        return meaning
    unit = _UNIT_IN_TEXT.findall(clean)
    for found in unit:
        if found in ("%", "占比", "比例", "比重"):
            meaning.share = True
        elif meaning.unit is None:
            meaning.unit = canonical_unit(found) if found not in ("hm2", "hm²") else "公顷"
    labels = [m for m in find_plan_labels(clean) if m[2].kind != "total"]
    if labels:
        meaning.label = labels[-1][2]
    masked = clean
    for start, end, _ in labels:
        masked = masked[:start] + "，" * (end - start) + masked[end:]
    meaning.district = district_in(masked)
    meaning.mode = find_mode(clean)
    meaning.source = find_source(clean)
    meaning.total = bool(_TOTAL_CELL.match(re.sub(r"[(（].*?[)）]", "", clean))) or clean in {
        "合计",
        "总计",
    }
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", clean)]
    meaning.context = bool(CONTEXT_RE.search(clean)) or bool(plan_year and years and years[-1] != plan_year)
    meaning.change = bool(re.search(r"增减|变化|增加|减少|调增|调减|差额", clean))
    return meaning


def _cells(view: TextView, line: Line) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = line.start
    for pos in range(line.start, line.end + 1):
        if pos == line.end or view.compact[pos] == "\t":
            spans.append((start, pos))
            start = pos + 1
    return spans


def _is_number(text: str) -> bool:
    return bool(_NUMBER_CELL.match(text))


def _value(text: str) -> Decimal | None:
    text = text.rstrip("%")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    try:
        value = parse_number(text)
        return -value if sign == "-" else value
    except ValueError:
        try:
            return parse_chinese_numeral(text)
        except ValueError:
            return None


def _header_rows(view: TextView, rows: list[list[tuple[int, int]]]) -> int:
    count = 0
    for cells in rows:
        if any(_is_number(view.compact[a:b]) for a, b in cells[1:]):
            break
        count += 1
    return count


_PARCEL_ID: Final = re.compile(r"地块编号|宗地编号|地块名称|宗地号|地块号|项目编号")


def _header_texts(view: TextView, rows: list[list[tuple[int, int]]], n_header: int) -> list[str]:
    if not n_header:
        return []
    return [view.compact[a:b] for a, b in rows[n_header - 1]]


def _column_meanings(
    view: TextView,
    rows: list[list[tuple[int, int]]],
    n_header: int,
    district_in: Callable[[str], str | None],
    plan_year: int | None = None,
) -> list[_Meaning]:
    width = max(len(r) for r in rows)
    texts = [""] * width
    for cells in rows[:n_header]:
        carried = ""
        for j in range(width):
            cell = view.compact[cells[j][0] : cells[j][1]] if j < len(cells) else ""
            carried = cell or carried if n_header > 1 and cells is rows[0] else cell
            texts[j] += carried
    return [_meaning(t, district_in, plan_year) for t in texts]


def _merge(row: _Meaning, col: _Meaning, heading: _Meaning) -> _Meaning:
    out = _Meaning()
    out.unit = col.unit or row.unit or heading.unit
    out.share = col.share or row.share
    # The row names the item; a share column's label is only its denominator.
    column_label = None if col.share else col.label
    out.label = row.label or column_label
    if out.label is None and not col.total:
        # A table under "住宅用地供应计划" has 住宅用地 as its subject: its 合计 row is
        # the residential total; other tables' 合计 rows are the plan total.
        out.label = heading.label if (not row.total or heading.label_from_caption) else None
    out.district = col.district or row.district or heading.district
    out.mode = col.mode or row.mode or heading.mode
    out.source = col.source or row.source or heading.source
    out.context = col.context or row.context or heading.context
    out.change = col.change or row.change
    out.context = out.context or out.change
    return out


def _heading_meaning(view: TextView, caption: list[Line], headings: Sequence[_HeadingLike]) -> _Meaning:
    meaning = _Meaning()
    for heading in headings:
        meaning.label = heading.label or meaning.label
        meaning.district = heading.district or meaning.district
        meaning.mode = heading.mode or meaning.mode
        meaning.source = heading.source or meaning.source
        meaning.context = meaning.context or heading.context
    for line in caption:
        text = view.compact[line.start : line.end]
        is_title = "表" in text and len(text) <= 50 and "。" not in text
        caption_labels = [m for m in find_plan_labels(text) if m[2].kind != "total"] if is_title else []
        if caption_labels:
            meaning.label = caption_labels[-1][2]
            meaning.label_from_caption = True
        unit = _UNIT_CAPTION.search(text)
        if unit:
            meaning.unit = canonical_unit(unit.group(1))
        elif meaning.unit is None:
            found = re.search(r"[(（](万公顷|平方千米|平方米|万亩|公顷|亩)[)）]", text)
            if found:
                meaning.unit = canonical_unit(found.group(1))
    return meaning


def read_table(
    view: TextView,
    lines: list[Line],
    caption: list[Line],
    headings: Sequence[_HeadingLike],
    offset: int,
    district_in: Callable[[str], str | None] = find_district,
    plan_year: int | None = None,
) -> list[RawFigure]:
    """Read the figures of one table.

    Parameters
    ----------
    view
        The document's compact view.
    lines
        The table's rows.
    caption
        The lines just above the table (its title, ``单位：公顷``).
    headings
        The headings the table sits under.
    offset
        Index the first figure of this table will have in the document's list
        (for ``equivalent_of`` / ``share_of`` links).
    district_in
        Finds the layout unit in a cell (never the plan's own jurisdiction).
    plan_year
        The plan's year: a column headed with another year is context.
    """
    from guotu.documents.extract import RawFigure

    rows = [_cells(view, line) for line in lines]
    n_header = _header_rows(view, rows)
    columns = _column_meanings(view, rows, n_header, district_in, plan_year) if n_header else []
    parcel_column = next((j for j, c in enumerate(_header_texts(view, rows, n_header)) if _PARCEL_ID.search(c)), None)
    context_meaning = _heading_meaning(view, caption, headings)
    figures: list[RawFigure] = []
    for line, cells in zip(lines[n_header:], rows[n_header:], strict=True):
        first_numeric = next((j for j, (a, b) in enumerate(cells) if _is_number(view.compact[a:b])), None)
        if first_numeric is None:
            continue
        # The row's meaning comes from its text cells, except in columns that hold
        # numbers, addresses or remarks (序号, 位置, 备注 ...).
        label_text = "".join(
            view.compact[a:b]
            for j, (a, b) in enumerate(cells)
            if not _is_number(view.compact[a:b]) and not (j < len(columns) and columns[j].skip)
        )
        row = _meaning(label_text, district_in, plan_year)
        parcel = None
        if parcel_column is not None and parcel_column < len(cells):
            a, b = cells[parcel_column]
            parcel = view.compact[a:b] or None
        if row.skip and not row.label:
            row.skip = False
        row_figures: list[tuple[int, RawFigure, _Meaning]] = []
        for j in range(first_numeric, len(cells)):
            a, b = cells[j]
            cell = view.compact[a:b]
            value = _value(cell) if _is_number(cell) else None
            col = columns[j] if j < len(columns) else _Meaning()
            if value is None or col.skip:
                continue
            meaning = _merge(row, col, context_meaning)
            unit = "%" if (meaning.share or cell.endswith("%")) else meaning.unit
            if unit is None:
                continue
            number_end = b - 1 if cell.endswith("%") else b
            fig = RawFigure(
                start=a,
                end=number_end,
                value=value,
                value_text=view.original_text(a, number_end),
                unit=unit,
                sentence=(line.start, line.end),
                measure="share" if unit == "%" else ("other" if meaning.change else "supply_area"),
                label=meaning.label,
                category_set=True,
                district=meaning.district,
                mode=meaning.mode,
                source=meaning.source,
                context=meaning.context,
                in_table=True,
                parcel=parcel,
                text_span=(a, b),
            )
            row_figures.append((j, fig, col))
        _link_row(row_figures, offset + len(figures))
        figures.extend(f for _, f, _ in row_figures)
    return figures


def _link_row(row: list[tuple[int, RawFigure, _Meaning]], offset: int) -> None:
    """Link 亩 cells to their 公顷 cell and % cells to the area cell they describe."""
    areas: list[tuple[int, int, RawFigure, _Meaning]] = []
    for index, (col, fig, meaning) in enumerate(row):
        if fig.unit == "%":
            base = next((i for i, c, f, m in reversed(areas) if c < col and f.equivalent_of is None), None)
            if base is not None:
                fig.share_of = offset + base
            else:
                fig.measure, fig.context = "other", True
            continue
        twin = next(
            (
                i
                for i, c, f, m in reversed(areas)
                if f.unit != fig.unit
                and f.equivalent_of is None
                and (m.label, m.district, m.mode, m.source)
                == (meaning.label, meaning.district, meaning.mode, meaning.source)
            ),
            None,
        )
        if twin is not None:
            fig.equivalent_of = offset + twin
        areas.append((index, col, fig, meaning))
