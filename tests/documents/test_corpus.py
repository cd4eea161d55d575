"""Measure the plan extractor and checker on the independent test corpus.

Every corpus document (``tests/corpus/documents.py``) is written in every format (txt,
docx, pdf; one document also as GB18030 text) and read back with
``guotu.read_plan(path).to_dict()``. The result is compared with the ground truth:

* metadata — ``jurisdiction``, ``year`` and ``status`` equal;
* figures — every expected figure is matched by exactly one extracted figure: value
  (as Decimal) and unit first, in document order (a candidate that agrees on every
  field is preferred), then the other fields are compared (``category_codes`` as a
  set; a finer code such as ``0701`` counts as its level-1 code ``07``). For
  ``measure == "other"`` (thresholds, territory areas, differences) only measure and
  qualifier are compared; for parcel caps ``housing`` is not compared;
* no false positives — no extracted planned-supply figure (measure ``supply_area``,
  ``context`` false) is left unmatched;
* findings — every expected finding appears: same rule and severity, ``evidence.stated``
  equal as Decimal, ``evidence.computed`` equal after rounding (half up) to the
  precision the ground truth gives (for H3/C5 the expected percentage may also be found
  in an evidence entry named share/ratio/percent, and a ratio is accepted for a percent);
  each finding has its messages and legal source;
* no unexpected errors — every error-severity finding is expected. A checker may report
  one inconsistency at several levels (e.g. per district and per category), so an
  extra error is tolerated when the document expects an error of the same rule.

The ``test_corpus_*`` tests check the corpus itself (ground truth complete and
well-formed, renderings faithful) and do not need the extractor.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # make the ``tests`` package importable under any import mode
    sys.path.insert(0, str(_ROOT))

from tests.corpus import model  # noqa: E402
from tests.corpus.documents import BY_NAME, CORPUS, GB18030_DOCS  # noqa: E402
from tests.corpus.match import dec as _dec  # noqa: E402
from tests.corpus.match import finding_matches  # noqa: E402
from tests.corpus.match import level1 as _level1  # noqa: E402
from tests.corpus.model import CorpusDoc, ExpectedFigure, Table  # noqa: E402
from tests.corpus.render import corpus_cases, formats_of, write  # noqa: E402
from tests.corpus.scan import same_figures, scan_doc  # noqa: E402

CASES = corpus_cases()
CASE_IDS = [f"{doc.name}-{fmt}" for doc, fmt in CASES]

FULL_FIELDS = (
    "measure",
    "category_codes",
    "housing",
    "district",
    "mode",
    "source",
    "qualifier",
    "context",
)
OTHER_FIELDS = ("measure", "qualifier")


# =========================================================================================
# helpers
# =========================================================================================
def _expected_value(fig: ExpectedFigure) -> Decimal:
    return Decimal(fig.value)


def _field(actual: dict[str, Any], name: str) -> Any:
    value = actual.get(name)
    if name == "category_codes":
        return frozenset(_level1(c) for c in (value or ()))
    if name in ("housing", "context"):
        return bool(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _expected_field(fig: ExpectedFigure, name: str) -> Any:
    value = getattr(fig, name)
    if name == "category_codes":
        return frozenset(value)
    return value


def _compared_fields(fig: ExpectedFigure) -> tuple[str, ...]:
    if fig.measure == "other":
        return OTHER_FIELDS
    if fig.measure == "parcel_area_cap":
        return tuple(f for f in FULL_FIELDS if f != "housing")
    return FULL_FIELDS


def _field_diffs(fig: ExpectedFigure, actual: dict[str, Any]) -> list[str]:
    diffs = []
    for name in _compared_fields(fig):
        want, got = _expected_field(fig, name), _field(actual, name)
        if want != got:
            if name == "category_codes":
                want, got = sorted(want), sorted(got)
            diffs.append(f"{name}: expected {want!r}, got {got!r}")
    return diffs


def _same_value_unit(fig: ExpectedFigure, actual: dict[str, Any]) -> bool:
    return _dec(actual.get("value")) == _expected_value(fig) and actual.get("unit") == fig.unit


def _span_start(actual: dict[str, Any]) -> int:
    span = actual.get("span")
    try:
        return int(span[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return sys.maxsize


def _describe_expected(index: int, fig: ExpectedFigure) -> str:
    attrs = [f"{n}={getattr(fig, n)!r}" for n in FULL_FIELDS[1:] if getattr(fig, n)]
    return f"#{index} {fig.value} {fig.unit} [{fig.measure}] " + " ".join(attrs)


def _describe_actual(actual: dict[str, Any]) -> str:
    keys = ("value", "unit", *FULL_FIELDS, "span")
    shown = " ".join(f"{k}={actual.get(k)!r}" for k in keys if actual.get(k) not in (None, ""))
    return f"{shown} text={str(actual.get('text', ''))[:80]!r}"


def match_figures(
    expected: list[ExpectedFigure], actual: list[dict[str, Any]]
) -> tuple[list[tuple[int, ExpectedFigure, dict[str, Any] | None, list[str]]], set[int]]:
    """Match expected figures to extracted ones.

    Returns, per expected figure, ``(index, expected, matched actual or None, diffs)`` and
    the set of indices (into ``actual``) that were used.
    """
    order = sorted(range(len(actual)), key=lambda i: (_span_start(actual[i]), i))
    used: set[int] = set()
    results = []
    for n, fig in enumerate(expected, start=1):
        candidates = [i for i in order if i not in used and _same_value_unit(fig, actual[i])]
        if not candidates:
            results.append((n, fig, None, ["no extracted figure with this value and unit"]))
            continue
        exact = [i for i in candidates if not _field_diffs(fig, actual[i])]
        chosen = exact[0] if exact else candidates[0]
        used.add(chosen)
        results.append((n, fig, actual[chosen], _field_diffs(fig, actual[chosen])))
    return results, used


def _describe_finding(f: dict[str, Any]) -> str:
    return (
        f"{f.get('rule')}/{f.get('severity')} evidence={f.get('evidence')!r} "
        f"message_zh={str(f.get('message_zh', ''))[:60]!r}"
    )


# =========================================================================================
# reading the corpus with guotu (cached per document and format)
# =========================================================================================
_RESULTS: dict[tuple[str, str], dict[str, Any]] = {}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


def _read(doc: CorpusDoc, fmt: str, directory: Path) -> dict[str, Any]:
    key = (doc.name, fmt)
    if key not in _RESULTS:
        import guotu

        path = write(doc, fmt, directory)
        plan = guotu.read_plan(path)
        result = plan.to_dict()
        assert isinstance(result, dict), f"[{doc.name} / {fmt}] to_dict() returned {result!r}"
        _RESULTS[key] = result
    return _RESULTS[key]


def _tag(doc: CorpusDoc, fmt: str) -> str:
    return f"[{doc.name} / {fmt}]"


# =========================================================================================
# extractor and checker against the ground truth
# =========================================================================================
@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_metadata(doc: CorpusDoc, fmt: str, corpus_dir: Path) -> None:
    result = _read(doc, fmt, corpus_dir)
    got = (result.get("jurisdiction"), result.get("year"), result.get("status"))
    want = (doc.jurisdiction, doc.year, doc.status)
    assert got == want, f"{_tag(doc, fmt)} metadata (jurisdiction, year, status): expected {want!r}, got {got!r}"


@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_figures(doc: CorpusDoc, fmt: str, corpus_dir: Path) -> None:
    actual = list(_read(doc, fmt, corpus_dir).get("figures") or [])
    results, _ = match_figures(doc.figures, actual)
    bad = [r for r in results if r[3]]
    if bad:
        n, fig, got, diffs = bad[0]
        lines = [
            f"{_tag(doc, fmt)} {len(bad)} of {len(doc.figures)} expected figures not matched "
            f"correctly ({len(actual)} extracted). First mismatch:",
            f"  expected {_describe_expected(n, fig)}",
            f"  got      {_describe_actual(got) if got else '(nothing)'}",
            *(f"  - {d}" for d in diffs),
            "Other mismatches:",
            *(f"  {_describe_expected(m, f)}: {'; '.join(d)}" for m, f, _, d in bad[1:12]),
        ]
        pytest.fail("\n".join(lines), pytrace=False)
    for _, fig, got, _ in results:
        assert got is not None
        span = got.get("span")
        assert (
            isinstance(span, list | tuple)
            and len(span) == 2
            and all(isinstance(x, int) for x in span)
            and span[0] < span[1]
        ), f"{_tag(doc, fmt)} figure {fig.value} {fig.unit}: bad span {span!r}"


@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_no_false_positive_supply_figures(doc: CorpusDoc, fmt: str, corpus_dir: Path) -> None:
    actual = list(_read(doc, fmt, corpus_dir).get("figures") or [])
    _, used = match_figures(doc.figures, actual)
    extra = [
        a for i, a in enumerate(actual) if i not in used and a.get("measure") == "supply_area" and not a.get("context")
    ]
    assert not extra, (
        f"{_tag(doc, fmt)} {len(extra)} extracted planned-supply figure(s) not in the ground "
        "truth, first: " + _describe_actual(extra[0])
    )


@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_expected_findings(doc: CorpusDoc, fmt: str, corpus_dir: Path) -> None:
    actual = list(_read(doc, fmt, corpus_dir).get("findings") or [])
    used: set[int] = set()
    for expected in doc.findings:
        hit = next(
            (i for i, a in enumerate(actual) if i not in used and finding_matches(expected, a)),
            None,
        )
        if hit is None:
            same_rule = [_describe_finding(a) for a in actual if a.get("rule") == expected.rule]
            pytest.fail(
                f"{_tag(doc, fmt)} missing finding {expected.rule}/{expected.severity} "
                f"stated={expected.stated} computed={expected.computed}; findings of that rule: "
                f"{same_rule or 'none'}",
                pytrace=False,
            )
        used.add(hit)
        found = actual[hit]
        for key in ("message_zh", "message_en", "legal_source"):
            assert str(found.get(key) or "").strip(), (
                f"{_tag(doc, fmt)} finding {expected.rule} has no {key}: {found!r}"
            )


@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_no_unexpected_errors(doc: CorpusDoc, fmt: str, corpus_dir: Path) -> None:
    actual = list(_read(doc, fmt, corpus_dir).get("findings") or [])
    expected_error_rules = {f.rule for f in doc.findings if f.severity == "error"}
    unexpected = [
        a
        for a in actual
        if a.get("severity") == "error"
        and a.get("rule") not in expected_error_rules
        and not any(finding_matches(e, a) for e in doc.findings)
    ]
    assert not unexpected, f"{_tag(doc, fmt)} unexpected error finding(s): " + "; ".join(
        _describe_finding(a) for a in unexpected[:5]
    )


# =========================================================================================
# the corpus itself
# =========================================================================================
def test_corpus_size_and_names() -> None:
    names = [d.name for d in CORPUS]
    assert len(names) >= 14
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names), names
    assert set(GB18030_DOCS) <= set(BY_NAME)


@pytest.mark.parametrize("doc", CORPUS, ids=[d.name for d in CORPUS])
def test_corpus_ground_truth_well_formed(doc: CorpusDoc) -> None:
    assert doc.status in model.STATUSES
    assert 2000 < doc.year < 2100
    assert doc.jurisdiction and not doc.jurisdiction.endswith("市本级")
    for fig in doc.figures:
        assert fig.unit in model.UNITS, fig
        assert fig.measure in model.MEASURES, fig
        assert fig.mode in model.MODES and fig.source in model.SOURCES, fig
        assert fig.qualifier in model.QUALIFIERS, fig
        assert re.fullmatch(r"[-+]?\d+(\.\d+)?", fig.value), fig
        assert all(re.fullmatch(r"\d{2}|\d{4}", c) for c in fig.category_codes), fig
        if fig.housing:
            assert fig.category_codes == ("07",), fig
    printed = {Decimal(f.value) for f in doc.figures}
    for finding in doc.findings:
        assert finding.rule in model.RULES and finding.severity in model.SEVERITIES, finding
        if finding.stated is not None:
            assert Decimal(finding.stated) in printed, f"stated value not printed: {finding}"
        if finding.computed is not None:
            Decimal(finding.computed)


@pytest.mark.parametrize("doc", CORPUS, ids=[d.name for d in CORPUS])
def test_corpus_ground_truth_lists_every_printed_figure(doc: CorpusDoc) -> None:
    printed = scan_doc(doc)
    expected = [(f.value, f.unit) for f in doc.figures]
    i = same_figures(printed, expected)
    assert i is None, (
        f"{doc.name}: ground truth differs from the printed figures at #{i + 1}: "
        f"printed {printed[i : i + 3]}, expected {expected[i : i + 3]}"
    )


def test_corpus_coverage() -> None:
    figures = [f for d in CORPUS for f in d.figures]
    assert {f.unit for f in figures} == set(model.UNITS)
    assert {f.measure for f in figures} == set(model.MEASURES)
    assert {f.qualifier for f in figures} == set(model.QUALIFIERS)
    assert {f.mode for f in figures} == set(model.MODES)
    assert {f.source for f in figures} == set(model.SOURCES)
    assert {d.status for d in CORPUS} == set(model.STATUSES)
    codes = {c for f in figures for c in f.category_codes}
    assert {"07", "08", "09", "10", "11", "12", "13", "14", "15", "1311"} <= codes
    findings = {(f.rule, f.severity) for d in CORPUS for f in d.findings}
    for rule in ("C1", "C2", "C3", "C4", "C5", "C6", "H3", "H4"):
        assert (rule, "error") in findings, rule
    assert ("C5", "warning") in findings
    assert any(severity == "info" for _, severity in findings)
    clean = [d for d in CORPUS if not any(f.severity == "error" for f in d.findings)]
    assert len(clean) >= 7


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rendered_text(path: Path, fmt: str) -> str:
    if fmt.startswith("txt"):
        encoding = "gb18030" if fmt == "txt-gb18030" else "utf-8"
        return path.read_text(encoding=encoding)
    if fmt == "docx":
        import docx

        document = docx.Document(str(path))
        parts = []
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                parts.append("".join(t.text or "" for t in element.iter() if t.tag.endswith("}t")))
            elif tag == "tbl":
                table = next(t for t in document.tables if t._tbl is element)
                parts.extend("".join(c.text for c in row.cells) for row in table.rows)
        return "\n".join(parts)
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.parametrize(("doc", "fmt"), CASES, ids=CASE_IDS)
def test_corpus_rendering_round_trip(doc: CorpusDoc, fmt: str, tmp_path: Path) -> None:
    """Every block's text survives writing and reading back, in order."""
    assert fmt in formats_of(doc)
    path = write(doc, fmt, tmp_path)
    text = _normalise(_rendered_text(path, fmt))
    position = 0
    for block in doc.blocks:
        pieces = ["".join(row) for row in block.rows] if isinstance(block, Table) else [block.text]
        for piece in pieces:
            found = text.find(_normalise(piece), position)
            assert found >= 0, (
                f"[{doc.name} / {fmt}] text not found after position {position}: {piece[:60]!r}"
                f"\nnear: {text[position : position + 120]!r}"
            )
            position = found + len(_normalise(piece))
