"""A deliberately simple reference scanner used to check the corpus ground truth.

It finds every number that carries an area unit or % in a corpus document (prose:
number directly followed by the unit; tables: numeric cells, unit from the column
header or the ``单位：`` caption before the table) and returns ``(value, unit)`` pairs in
document order. The integrity test compares this with the expected figures, so that
no printed figure is missing from the ground truth and none is listed that is not
printed. It knows only the conventions of this corpus and is not an extractor.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .model import CorpusDoc, Para, Table

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

_UNITS = {
    "万公顷": "万公顷",
    "公顷": "公顷",
    "万亩": "万亩",
    "亩": "亩",
    "万平方米": "万平方米",
    "平方米": "平方米",
    "平方千米": "平方千米",
    "平方公里": "平方千米",
    "%": "%",
}
_UNIT_RE = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ARABIC_RE = re.compile(rf"(?<![\d.,])({_NUMBER})\s*({_UNIT_RE})")
_CN_CHARS = "〇零一二两三四五六七八九十百千点"
_CN_RE = re.compile(rf"([{_CN_CHARS}]+)({_UNIT_RE})")
_CN_PERCENT_RE = re.compile(rf"百分之([{_CN_CHARS}]+)")
_CELL_RE = re.compile(rf"[-+]?(?:{_NUMBER})")
_CAPTION_UNIT_RE = re.compile(rf"单位[：:]\s*({_UNIT_RE})")
_HEADER_UNIT_RE = re.compile(rf"[（(]({_UNIT_RE})[）)]")

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> str:
    """Convert a Chinese numeral such as 一千二百五十 or 七十二点五 to an Arabic string.

    >>> chinese_number("一千二百五十"), chinese_number("七十二点五"), chinese_number("十二")
    ('1250', '72.5', '12')
    """
    integer, _, fraction = text.partition("点")
    total = current = 0
    for ch in integer:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_MULTIPLIERS[ch]
            current = 0
    result = str(total + current)
    if fraction:
        result += "." + "".join(str(_CN_DIGITS[ch]) for ch in fraction)
    return result


def scan_text(text: str) -> list[tuple[int, str, str]]:
    """Return ``(position, value, unit)`` of every figure in a run of text."""
    text = text.translate(_FULL_WIDTH)
    found = [(m.start(), m.group(1).replace(",", ""), _UNITS[m.group(2)]) for m in _ARABIC_RE.finditer(text)]
    found += [(m.start(), chinese_number(m.group(1)), _UNITS[m.group(2)]) for m in _CN_RE.finditer(text)]
    found += [(m.start(), chinese_number(m.group(1)), "%") for m in _CN_PERCENT_RE.finditer(text)]
    return sorted(found)


def scan_doc(doc: CorpusDoc) -> list[tuple[str, str]]:
    """Return ``(value, unit)`` of every figure printed in ``doc``, in document order."""
    figures: list[tuple[str, str]] = []
    caption_unit: str | None = None
    for block in doc.blocks:
        if not isinstance(block, Table):
            figures += [(value, unit) for _, value, unit in scan_text(block.text)]
            m = _CAPTION_UNIT_RE.search(block.text) if isinstance(block, Para) else None
            caption_unit = _UNITS[m.group(1)] if m else None
            continue
        header = block.rows[0]
        column_units: list[str | None] = []
        for cell in header:
            m = _HEADER_UNIT_RE.search(cell.translate(_FULL_WIDTH))
            column_units.append(_UNITS[m.group(1)] if m else caption_unit)
        for row in block.rows[1:]:
            for cell, unit in zip(row[1:], column_units[1:], strict=True):
                cell = cell.strip().translate(_FULL_WIDTH)
                if _CELL_RE.fullmatch(cell):
                    assert unit is not None, f"{doc.name}: no unit for table cell {cell}"
                    figures.append((cell.replace(",", ""), unit))
                else:
                    figures += [(value, unit) for _, value, unit in scan_text(cell)]
        caption_unit = None
    return figures


def same_figures(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> int | None:
    """Return the index of the first difference of two figure lists, or None."""
    for i, ((va, ua), (vb, ub)) in enumerate(zip(a, b, strict=False)):
        if Decimal(va) != Decimal(vb) or ua != ub:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))
