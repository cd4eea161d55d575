"""Self-check of the held-out ground truth (needs no extractor).

* well-formed: units, measures, modes, sources, qualifiers, codes as in the model;
* complete: every number printed with an area unit or % (prose, and table cells with the
  unit of their column header, of a "…(%)" row label, or of a ``单位：`` caption) is in
  the ground truth, in document order, and nothing else is;
* arithmetic: every ``calc:`` comment in ``documents.py`` holds with ``decimal.Decimal``
  ("=" exact; "≈" equal after rounding half up to the decimals printed on the right);
* every expected finding's ``stated`` value is printed in the document;
* names and jurisdictions differ from the tuning corpus.

Usage: ``python bench/heldout/verify.py`` (exit 1 on a problem).
"""

from __future__ import annotations

import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
for _p in (_ROOT, _ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from tests.corpus import model  # noqa: E402
from tests.corpus.model import CorpusDoc, Para, Table  # noqa: E402
from tests.corpus.scan import _FULL_WIDTH, _UNIT_RE, _UNITS, same_figures, scan_text  # noqa: E402

from heldout.documents import HELDOUT  # noqa: E402

_CELL_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_CAPTION_UNIT_RE = re.compile(rf"单位[：:]\s*({_UNIT_RE})")
_PAREN_UNIT_RE = re.compile(rf"[（(]({_UNIT_RE})[）)]")


def scan_doc(doc: CorpusDoc) -> list[tuple[str, str]]:
    """``(value, unit)`` of every figure printed in ``doc`` (row label "(%)" overrides)."""
    figures: list[tuple[str, str]] = []
    caption_unit: str | None = None
    for block in doc.blocks:
        if not isinstance(block, Table):
            figures += [(v, u) for _, v, u in scan_text(block.text)]
            m = _CAPTION_UNIT_RE.search(block.text) if isinstance(block, Para) else None
            caption_unit = _UNITS[m.group(1)] if m else None
            continue
        units: list[str | None] = []
        for cell in block.rows[0]:
            m = _PAREN_UNIT_RE.search(cell.translate(_FULL_WIDTH))
            units.append(_UNITS[m.group(1)] if m else caption_unit)
        for row in block.rows[1:]:
            m = _PAREN_UNIT_RE.search(row[0].translate(_FULL_WIDTH))
            row_unit = _UNITS[m.group(1)] if m else None
            for cell, unit in zip(row[1:], units[1:], strict=True):
                cell = cell.strip().translate(_FULL_WIDTH)
                if _CELL_RE.fullmatch(cell):
                    unit = row_unit or unit
                    assert unit is not None, f"{doc.name}: no unit for cell {cell}"
                    figures.append((cell.replace(",", ""), unit))
                else:
                    figures += [(v, u) for _, v, u in scan_text(cell)]
        caption_unit = None
    return figures


_CALC_RE = re.compile(r"calc:\s*([-+()\d.\s×*/]+?)\s*(=|≈)\s*(-?\d+(?:\.\d+)?)")


def check_calcs(source: str) -> tuple[int, list[str]]:
    """Evaluate every ``calc:`` in ``source``; return (count, problems)."""
    problems: list[str] = []
    count = 0
    for m in _CALC_RE.finditer(source):
        expr, op, right = m.group(1), m.group(2), m.group(3)
        py = re.sub(r"\d+(?:\.\d+)?", lambda n: f"D('{n.group()}')", expr.replace("×", "*"))
        value = eval(py, {"D": Decimal})
        want = Decimal(right)
        if op == "≈":
            value = value.quantize(Decimal(1).scaleb(want.as_tuple().exponent), rounding=ROUND_HALF_UP)
        count += 1
        if value != want:
            problems.append(f"calc {expr.strip()} {op} {right}: got {value}")
    return count, problems


def problems_of(doc: CorpusDoc) -> list[str]:
    out: list[str] = []
    if doc.status not in model.STATUSES or not 2000 < doc.year < 2100 or not doc.jurisdiction:
        out.append("bad metadata")
    for f in doc.figures:
        ok = (
            f.unit in model.UNITS
            and f.measure in model.MEASURES
            and f.mode in model.MODES
            and f.source in model.SOURCES
            and f.qualifier in model.QUALIFIERS
            and re.fullmatch(r"[-+]?\d+(\.\d+)?", f.value)
            and all(re.fullmatch(r"\d{2}|\d{4}", c) for c in f.category_codes)
            and (not f.housing or f.category_codes == ("07",))
        )
        if not ok:
            out.append(f"malformed figure {f}")
    printed = scan_doc(doc)
    expected = [(f.value, f.unit) for f in doc.figures]
    i = same_figures(printed, expected)
    if i is not None:
        out.append(f"figure #{i + 1}: printed {printed[i : i + 3]}, truth {expected[i : i + 3]}")
    values = {Decimal(v) for v, _ in printed}
    for finding in doc.findings:
        if finding.rule not in model.RULES or finding.severity not in model.SEVERITIES:
            out.append(f"bad finding {finding}")
        if finding.stated is not None and Decimal(finding.stated) not in values:
            out.append(f"stated value not printed: {finding}")
    return out


def verify() -> list[str]:
    """Return every problem of the held-out ground truth (empty when all is well)."""
    problems: list[str] = []
    names = [d.name for d in HELDOUT]
    if len(set(names)) != len(names) or len(names) < 10:
        problems.append("names not unique or fewer than 10 documents")
    try:
        from tests.corpus.documents import CORPUS

        tuned_names = {d.name for d in CORPUS}
        tuned_places = {d.jurisdiction for d in CORPUS}
        for d in HELDOUT:
            if d.name in tuned_names or d.jurisdiction in tuned_places:
                problems.append(f"{d.name}: name or jurisdiction used in the tuning corpus")
    except ImportError:
        pass
    for doc in HELDOUT:
        problems += [f"{doc.name}: {p}" for p in problems_of(doc)]
    count, calc_problems = check_calcs((Path(__file__).parent / "documents.py").read_text(encoding="utf-8"))
    problems += calc_problems
    if count == 0:
        problems.append("no calc: lines found")
    return problems


def main() -> int:
    problems = verify()
    count, _ = check_calcs((Path(__file__).parent / "documents.py").read_text(encoding="utf-8"))
    n_figs = sum(len(d.figures) for d in HELDOUT)
    print(f"{len(HELDOUT)} documents, {n_figs} expected figures, {count} calc lines checked")
    for p in problems:
        print("PROBLEM:", p)
    print("ground truth OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
