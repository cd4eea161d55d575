"""A normalised view of a document's text that keeps every offset.

Extraction works on a *compact* view of the text: full-width digits and punctuation
folded to ASCII, spaces removed (they fall inside words and numbers in converted
documents: ``国有建设 用地``, ``约 23.6554 公顷``), Markdown emphasis dropped, soft
line breaks (a sentence broken across lines or pages) joined, and table rows kept
as rows of tab-separated cells. ``offsets[i]`` is the position in the original
text of the compact character ``i``, so every match maps back to the exact
characters of the document.

Examples
--------
>>> view = TextView.build("总量约 179.0760 公顷。")
>>> view.compact
'总量约179.0760公顷。'
>>> view.original_span(3, 11)
(4, 12)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from guotu.domain.numerals import FULLWIDTH_TABLE

__all__ = ["Line", "TextView"]

#: Characters that end a sentence or clause list: a line ending in one is a hard break.
_TERMINATORS: Final = set("。；;：:！？!?")
#: The start of a numbered item or heading: a new line starting like this is a hard break.
_ITEM_START: Final = re.compile(
    r"^\s*(?:#+|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[、.．](?!\d)|第[一二三四五六七八九十\d]+[章节条部分]|附件|附表|[-*•]\s)"
)
_SENTENCE_PUNCT: Final = re.compile(r"[。，；：,;]")
_NUMERIC_CELL: Final = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_PROSE_AFTER_NUMBER: Final = re.compile(r"^(?:年|月|日|号|时|期|届|个|宗|项|公顷|亩|万|平方|％|%)")
_MARKDOWN_RULE: Final = re.compile(r"^\s*\|?\s*:?-{2,}.*$|^\s*-{3,}\s*$|^\s*\*{3,}\s*$")
_DROPPED: Final = set("*#>`_")


@dataclass(frozen=True)
class Line:
    """A line of the compact view: a paragraph, a heading or a table row.

    ``start``/``end`` index the compact text (``end`` excludes the newline).
    """

    start: int
    end: int
    kind: str  # "text" | "heading" | "table"


def _is_table_row(line: str) -> bool:
    """Tell whether an original line is a row of a table."""
    stripped = line.strip()
    if not stripped:
        return False
    if "\t" in stripped or stripped.count("|") >= 2:
        return True
    if _SENTENCE_PUNCT.search(stripped) or len(stripped) > 120:
        return False
    cells = [c.translate(FULLWIDTH_TABLE) for c in stripped.split()]
    numeric = [i for i, c in enumerate(cells) if _NUMERIC_CELL.match(c)]
    for i in numeric:
        # "2026 年度", "4 月", "14 公顷": a number followed by its word is prose, not a cell.
        if i + 1 < len(cells) and _PROSE_AFTER_NUMBER.match(cells[i + 1]):
            return False
    return len(cells) >= 2 and bool(numeric) and not _NUMERIC_CELL.match(cells[0])


def _looks_like_header(line: str, next_line: str | None) -> bool:
    """Tell whether a label-only line right above a table row is its header."""
    if next_line is None or not _is_table_row(next_line):
        return False
    stripped = line.strip()
    if not stripped or _SENTENCE_PUNCT.search(stripped) or len(stripped) > 120:
        return False
    ncells = len(stripped.split("\t") if "\t" in stripped else stripped.split())
    next_cells = next_line.strip()
    n_next = len(next_cells.split("\t") if "\t" in next_cells else next_cells.split())
    return ncells >= 2 and abs(ncells - n_next) <= 1


def _classify_lines(lines: list[str]) -> list[str]:
    kinds: list[str] = []
    for i, line in enumerate(lines):
        nxt = next((ln for ln in lines[i + 1 :] if ln.strip()), None)
        if (_MARKDOWN_RULE.match(line) and "|" in line) or re.fullmatch(r"\s*[-*]{3,}\s*", line):
            kinds.append("blank")
        elif not line.strip():
            kinds.append("blank")
        elif _is_table_row(line) or _looks_like_header(line, nxt):
            kinds.append("table")
        elif line.lstrip().startswith("#") or (
            # A numbered heading is short and has no clause punctuation; a numbered
            # line that does is a paragraph (often one wrapped by a PDF's width).
            _ITEM_START.match(line)
            and len(line.strip()) <= 40
            and not re.search(r"\d\s*(公顷|亩|%)", line)
            and not re.search(r"[，。；,;]", line.strip()[:-1] if line.strip()[-1:] in "。" else line)
            and line.strip()[-1] not in _TERMINATORS
        ):
            kinds.append("heading")
        else:
            kinds.append("text")
    return kinds


def _hard_break_between(prev: str, prev_kind: str, nxt: str, nxt_kind: str) -> bool:
    if "table" in (prev_kind, nxt_kind) or prev_kind == "heading" or nxt_kind == "heading":
        return True
    tail = prev.rstrip().rstrip("*").rstrip()
    if not tail or tail[-1] in _TERMINATORS:
        return True
    return bool(_ITEM_START.match(nxt))


class TextView:
    """The compact view of a text, with offsets back to the original."""

    def __init__(self, original: str, compact: str, offsets: list[int], lines: list[Line]):
        self.original = original
        self.compact = compact
        self.offsets = offsets
        self.lines = lines

    @classmethod
    def build(cls, original: str) -> TextView:
        """Build the view of ``original`` (see the module docstring)."""
        raw_lines = original.split("\n")
        kinds = _classify_lines(raw_lines)
        out: list[str] = []
        offsets: list[int] = []
        lines: list[Line] = []
        pos = 0
        current_start = 0
        current_kind: str | None = None
        prev_text, prev_kind = "", "blank"
        for raw, kind in zip(raw_lines, kinds, strict=True):
            if kind != "blank":
                if current_kind is not None and _hard_break_between(prev_text, prev_kind, raw, kind):
                    lines.append(Line(current_start, len(out), current_kind))
                    out.append("\n")
                    offsets.append(pos - 1 if pos else 0)
                    current_kind = None
                if current_kind is None:
                    current_start = len(out)
                    current_kind = kind
                cls._append_line(raw, pos, kind, out, offsets)
                prev_text, prev_kind = raw, kind
            pos += len(raw) + 1
        if current_kind is not None:
            lines.append(Line(current_start, len(out), current_kind))
        offsets.append(len(original))
        return cls(original, "".join(out), offsets, lines)

    @staticmethod
    def _append_line(raw: str, pos: int, kind: str, out: list[str], offsets: list[int]) -> None:
        if kind == "table":
            _append_table_row(raw, pos, out, offsets)
            return
        previous = ""
        for i, char in enumerate(raw):
            char = char.translate(FULLWIDTH_TABLE)
            if char in _DROPPED:
                continue
            if char in " \u00a0\r\t":
                # A space between two digits separates two numbers; elsewhere it is noise.
                nxt = raw[i + 1 : i + 2].translate(FULLWIDTH_TABLE)
                if previous.isdigit() and nxt.isdigit():
                    out.append(" ")
                    offsets.append(pos + i)
                    previous = " "
                continue
            out.append(char)
            offsets.append(pos + i)
            previous = char

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a compact span ``[start, end)`` to the original text."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        """Return the original characters behind the compact span ``[start, end)``."""
        a, b = self.original_span(start, end)
        return self.original[a:b]


def _append_table_row(raw: str, pos: int, out: list[str], offsets: list[int]) -> None:
    """Append a table row as cells separated by one tab each.

    Tab- and pipe-separated rows keep empty cells (columns must not shift);
    whitespace-aligned rows (PDF text) split on runs of spaces.
    """
    aligned = "\t" not in raw and raw.count("|") < 2
    text = raw.rstrip()
    begin = len(text) - len(text.lstrip())
    if not aligned and text[begin : begin + 1] == "|":
        begin += 1
    if not aligned and text.endswith("|"):
        text = text[:-1]
    in_separator = False
    for i in range(begin, len(text)):
        char = text[i].translate(FULLWIDTH_TABLE)
        is_sep = char in "\t|" or (aligned and char in " \u00a0")
        if is_sep:
            if aligned and in_separator:
                continue
            out.append("\t")
            offsets.append(pos + i)
            in_separator = True
            continue
        in_separator = False
        if char in _DROPPED or char in " \u00a0\r":
            continue
        out.append(char)
        offsets.append(pos + i)
