r"""Extract the body text of a .docx: paragraphs and tables in reading order.

The package is pre-scanned by :mod:`guotu.documents._zipscan`; the main part is then
streamed through expat (no DTD, no entities, no network) and never held as a tree,
so memory stays bounded by the text itself.

Text conventions
----------------
- Each body paragraph is one line. A line break inside a paragraph (``w:br``,
  ``w:cr``) is ``"\n"``, a tab ``"\t"``; page and column breaks add nothing.
- Each table row is one line: one field per grid column, joined by ``"\t"``, so the
  columns of every row line up. A cell's paragraphs are joined by a space, and tabs
  and line breaks inside a cell become spaces. A cell spanning n columns
  (``w:gridSpan``) is its text followed by n - 1 empty fields; columns skipped at a
  row's start or end (``w:gridBefore``, ``w:gridAfter``) are empty fields; the
  continuation of a vertically merged cell (``w:vMerge``) is an empty field, so a
  merged figure is never repeated. Nested tables are flattened into their outer
  cell's text, in order.
- An empty line goes before and after each table.
- Deleted revisions, drawings, text boxes, embedded objects and alternate content
  are skipped; inserted revisions, hyperlinks, fields' results and content
  controls are kept. Headers, footers, footnotes and comments are not read.
"""

from __future__ import annotations

import xml.parsers.expat
import zipfile
from dataclasses import dataclass, field

from guotu.documents._zipscan import iter_entry, make_parser, open_zip, scan_package
from guotu.errors import DocumentError

__all__ = ["DocxText", "extract_docx"]

_W = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Subtrees whose text is not body text, or that are properties (pPr holds tab stops).
# Cell and row properties are read, not skipped: they hold the column spans.
_SKIPPED = frozenset({"del", "moveFrom", "pPr", "rPr", "sectPr", "tblPr", "tblPrEx", "tblGrid"})
_GRAPHICS = frozenset({"drawing", "pict", "object"})
_BREAK_TYPES_WITH_NEWLINE = ("", "textWrapping")
_BREAK_TYPE_ATTRIBUTES = tuple(f"{ns} type" for ns in _W)
_VAL_ATTRIBUTES = tuple(f"{ns} val" for ns in _W)


@dataclass(frozen=True)
class DocxText:
    """The body text and whether the body holds pictures."""

    text: str
    graphics: int


@dataclass
class _BodyWalker:
    """Expat handlers that rebuild the body text from the main part's events."""

    lines: list[str] = field(default_factory=list)
    graphics: int = 0
    _skip_depth: int = 0
    _in_text: bool = False
    _paragraph: list[str] | None = None
    _table_depth: int = 0
    _rows: list[str] = field(default_factory=list)
    _row: list[str] | None = None
    _cell: list[str] | None = None
    _span: int = 1
    _grid_after: int = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self._skip_depth:
            self._skip_depth += 1
            return
        namespace, _, local = name.rpartition(" ")
        if namespace == _MC and local == "AlternateContent":
            self.graphics += 1
            self._skip_depth = 1
        elif namespace in _W:
            self._start_w(local, attrs)

    def _start_w(self, local: str, attrs: dict[str, str]) -> None:
        if local in _GRAPHICS:
            self.graphics += 1
            self._skip_depth = 1
        elif local in _SKIPPED:
            self._skip_depth = 1
        elif local == "p":
            self._paragraph = []
        elif local == "t":
            self._in_text = True
        elif local == "tbl":
            self._table_depth += 1
            if self._table_depth == 1:
                self._rows = []
        elif self._table_depth == 1 and local in (
            "tr",
            "tc",
            "gridBefore",
            "gridAfter",
            "gridSpan",
        ):
            self._start_grid(local, _val(attrs))
        else:
            self._special_character(local, attrs)

    def _start_grid(self, local: str, value: int) -> None:
        if local == "tr":
            self._row, self._grid_after = [], 0
        elif local == "tc":
            self._cell, self._span = [], 1
        elif local == "gridBefore" and self._row is not None:
            self._row.extend([""] * value)
        elif local == "gridAfter":
            self._grid_after = value
        elif local == "gridSpan":
            self._span = max(value, 1)

    def _special_character(self, local: str, attrs: dict[str, str]) -> None:
        if self._paragraph is None:
            return
        if local in ("tab", "ptab"):
            self._paragraph.append("\t")
        elif local == "cr":
            self._paragraph.append("\n")
        elif local == "br":
            kind = next((attrs[a] for a in _BREAK_TYPE_ATTRIBUTES if a in attrs), "")
            if kind in _BREAK_TYPES_WITH_NEWLINE:
                self._paragraph.append("\n")
        elif local == "noBreakHyphen":
            self._paragraph.append("-")

    def end(self, name: str) -> None:
        if self._skip_depth:
            self._skip_depth -= 1
            return
        namespace, _, local = name.rpartition(" ")
        if namespace not in _W:
            return
        if local == "t":
            self._in_text = False
        elif local == "p":
            self._end_paragraph()
        elif local == "tc" and self._table_depth == 1 and self._row is not None:
            self._row.append(_cell_text(self._cell or []))
            self._row.extend([""] * (self._span - 1))
            self._cell = None
        elif local == "tr" and self._table_depth == 1 and self._row is not None:
            self._row.extend([""] * self._grid_after)
            self._rows.append("\t".join(self._row))
            self._row = None
        elif local == "tbl":
            if self._table_depth == 1:
                self.lines.extend(["", *self._rows, ""])
            self._table_depth = max(self._table_depth - 1, 0)

    def _end_paragraph(self) -> None:
        if self._paragraph is None:
            return
        text = "".join(self._paragraph)
        self._paragraph = None
        if self._table_depth == 0:
            self.lines.append(text)
        elif self._cell is not None:
            self._cell.append(text)

    def characters(self, data: str) -> None:
        if self._in_text and not self._skip_depth and self._paragraph is not None:
            self._paragraph.append(data)


def _val(attrs: dict[str, str]) -> int:
    raw = next((attrs[a] for a in _VAL_ATTRIBUTES if a in attrs), "")
    # A hostile span must not build a huge row: a Word table has at most 63 columns.
    return min(int(raw), 64) if raw.isdigit() else 0


def _cell_text(paragraphs: list[str]) -> str:
    flat = (p.replace("\t", " ").replace("\n", " ") for p in paragraphs)
    return " ".join(p for p in flat if p)


def _walk_main_part(archive: zipfile.ZipFile, part: str, *, path: str) -> DocxText:
    walker = _BodyWalker()
    parser = make_parser(path)
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    parser.CharacterDataHandler = walker.characters
    budget = [archive.getinfo(part).file_size]
    try:
        for chunk in iter_entry(archive, archive.getinfo(part), path=path, budget=budget):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise DocumentError("document.corrupt", path=path, reason=f"{part}: {exc}") from None
    return DocxText(text="\n".join(walker.lines), graphics=walker.graphics)


def extract_docx(data: bytes, *, path: str) -> DocxText:
    """Check a .docx package and return its body text.

    Parameters
    ----------
    data
        The whole file.
    path
        The document path, for error messages.

    Returns
    -------
    DocxText
        The body text (see the module docstring for its layout) and the number of
        pictures and other graphics skipped.

    Raises
    ------
    DocumentError
        ``document.corrupt``, ``document.encrypted``, ``document.unsafe`` or
        ``document.archive_limit``.
    """
    with open_zip(data, path=path) as archive:
        package = scan_package(archive, path=path)
        return _walk_main_part(archive, package.main_part, path=path)
