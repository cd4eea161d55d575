"""Data model of the supply-plan test corpus (documents and their ground truth).

The corpus is written independently of the extractor: the ground truth follows the
contract in ``tests/documents/test_corpus.py`` and the domain reference
(``DOMAIN.md`` §2, §3.5, §6, §7), never the extractor's code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: canonical units a figure may carry
UNITS = ("公顷", "亩", "万亩", "平方米", "万平方米", "平方千米", "万公顷", "%")
#: what a figure measures
MEASURES = ("supply_area", "share", "parcel_area_cap", "other")
STATUSES = ("draft", "approved", "published", "adjusted", None)
MODES = ("出让", "划拨", "租赁", None)
SOURCES = ("新增", "存量", None)
QUALIFIERS = ("approximate", "upper_bound", "lower_bound", None)
RULES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "H3", "H4")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Para:
    """A paragraph of running text."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A heading line (level 1 = document title)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A table; the first row is the header, cells are strings exactly as printed."""

    rows: list[list[str]] = field(default_factory=list)


Block = Para | Heading | Table


@dataclass(frozen=True)
class ExpectedFigure:
    """One figure (number + area unit or %) the extractor must find.

    ``value`` is the number as printed after normalisation (full-width digits to
    ASCII, Chinese numerals to Arabic, thousands separators removed).
    """

    value: str
    unit: str
    measure: str
    category_codes: tuple[str, ...] = ()
    housing: bool = False
    district: str | None = None
    mode: str | None = None
    source: str | None = None
    qualifier: str | None = None
    context: bool = False


@dataclass(frozen=True)
class ExpectedFinding:
    """A rule finding a correct checker must report.

    ``stated`` is the printed number involved; ``computed`` the recomputed one
    (sum, 15 × 公顷, share in percent), an exact decimal string given to the
    precision at which the test compares it.
    """

    rule: str
    severity: str
    stated: str | None = None
    computed: str | None = None


@dataclass(frozen=True)
class CorpusDoc:
    """A plan document of the corpus together with its ground truth."""

    name: str
    blocks: list[Block]
    jurisdiction: str
    year: int
    status: str | None
    figures: list[ExpectedFigure]
    findings: list[ExpectedFinding]
    #: free-text notes on what the document covers (for reports and failure messages)
    covers: str = ""
