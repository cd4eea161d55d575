"""Accuracy of the plan extractor and checker on the HELD-OUT documents.

The held-out batch (``bench/heldout/documents.py``) was written independently of the
tuning corpus (``tests/corpus``) and must never be used to tune the extractor; this
script measures, it does not test: it exits 0 however low the figures are.

Every held-out document is rendered as txt, docx and pdf (with the tuning corpus's
renderers), read with ``guotu.read_plan(path).to_dict()`` and scored:

* figure recall — an expected figure is matched by an extracted figure with the same
  value (as Decimal) and unit, taking candidates in document order (span) and
  preferring one that agrees on every field; each extracted figure matches once;
* field accuracy among matched figures, per field: measure, category_codes (compared as
  sets of level-1 codes, a finer code such as ``0701`` counts as ``07``; ``1311``
  水工设施 is kept as in the corpus contract), district, mode, source, qualifier,
  context, housing. As in the corpus contract, figures of measure ``other`` are compared
  on measure and qualifier only, parcel caps on every field but housing;
* false positives — extracted figures with measure ``supply_area`` and ``context`` false
  that match no expected figure;
* metadata — jurisdiction, year and status equal to the ground truth;
* findings — recall of the expected findings by rule and severity (one emitted finding
  per expected one); "strict" additionally requires evidence.stated / evidence.computed
  to agree (as in ``tests/documents/test_corpus.py``); unexpected errors = error
  findings that match no expected finding and whose rule is not expected as an error;
* a document that raises counts as all-missed (every figure, metadata field and finding)
  and its error code is printed.

Usage::

    python bench/bench_extract_accuracy.py [--formats txt,docx,pdf] [--docs a,b] [--mismatches 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from heldout.documents import HELDOUT  # noqa: E402
from tests.corpus.match import dec as _dec  # noqa: E402
from tests.corpus.match import finding_matches as finding_strict  # noqa: E402
from tests.corpus.match import level1 as _level1  # noqa: E402
from tests.corpus.model import CorpusDoc, ExpectedFigure, ExpectedFinding  # noqa: E402
from tests.corpus.render import write  # noqa: E402

FORMATS = ("txt", "docx", "pdf")
FIELDS = ("measure", "category_codes", "district", "mode", "source", "qualifier", "context", "housing")
OTHER_FIELDS = ("measure", "qualifier")
META = ("jurisdiction", "year", "status")


# =========================================================================================
# comparison helpers
# =========================================================================================
def _got(actual: dict[str, Any], name: str) -> Any:
    value = actual.get(name)
    if name == "category_codes":
        return frozenset(_level1(c) for c in (value or ()))
    if name in ("housing", "context"):
        return bool(value)
    if isinstance(value, str):
        value = value.strip() or None
    return value


def _want(fig: ExpectedFigure, name: str) -> Any:
    value = getattr(fig, name)
    return frozenset(value) if name == "category_codes" else value


def compared_fields(fig: ExpectedFigure) -> tuple[str, ...]:
    if fig.measure == "other":
        return OTHER_FIELDS
    if fig.measure == "parcel_area_cap":
        return tuple(f for f in FIELDS if f != "housing")
    return FIELDS


def field_diffs(fig: ExpectedFigure, actual: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    diffs = []
    for name in compared_fields(fig):
        want, got = _want(fig, name), _got(actual, name)
        if want != got:
            if name == "category_codes":
                want, got = sorted(want), sorted(got)
            diffs.append((name, want, got))
    return diffs


def _span_start(actual: dict[str, Any]) -> int:
    try:
        return int(actual["span"][0])
    except (KeyError, TypeError, ValueError, IndexError):
        return sys.maxsize


def match_figures(
    expected: list[ExpectedFigure], actual: list[dict[str, Any]]
) -> tuple[list[dict[str, Any] | None], set[int]]:
    """Per expected figure the matched extracted figure (or None); the used indices."""
    order = sorted(range(len(actual)), key=lambda i: (_span_start(actual[i]), i))
    used: set[int] = set()
    matches: list[dict[str, Any] | None] = []
    for fig in expected:
        want = Decimal(fig.value)
        candidates = [
            i
            for i in order
            if i not in used and _dec(actual[i].get("value")) == want and actual[i].get("unit") == fig.unit
        ]
        if not candidates:
            matches.append(None)
            continue
        exact = [i for i in candidates if not field_diffs(fig, actual[i])]
        chosen = exact[0] if exact else candidates[0]
        used.add(chosen)
        matches.append(actual[chosen])
    return matches, used


def _short(value: Any) -> str:
    return "None" if value is None else str(value)


def _describe(fig: ExpectedFigure) -> str:
    attrs = [f"{n}={getattr(fig, n)!r}" for n in FIELDS[1:] if getattr(fig, n)]
    return f"{fig.value} {fig.unit} [{fig.measure}]" + (" " + " ".join(attrs) if attrs else "")


# =========================================================================================
# scoring one document in one format
# =========================================================================================
@dataclass
class Case:
    doc: CorpusDoc
    fmt: str
    error: str | None = None
    n_extracted: int = 0
    n_expected: int = 0
    n_matched: int = 0
    n_exact: int = 0
    field_ok: Counter = field(default_factory=Counter)
    field_n: Counter = field(default_factory=Counter)
    fp: list[dict[str, Any]] = field(default_factory=list)
    meta_ok: dict[str, bool] = field(default_factory=dict)
    meta_got: dict[str, Any] = field(default_factory=dict)
    find_expected: int = 0
    find_found: int = 0
    find_strict: int = 0
    find_missing: list[ExpectedFinding] = field(default_factory=list)
    unexpected_errors: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def score(doc: CorpusDoc, fmt: str, result: dict[str, Any] | None, error: str | None) -> Case:
    case = Case(doc, fmt, error=error, n_expected=len(doc.figures), find_expected=len(doc.findings))
    for name in META:
        want = getattr(doc, name)
        got = None if result is None else result.get(name)
        case.meta_got[name] = got
        case.meta_ok[name] = result is not None and got == want
    if result is None:  # fields are scored among matched figures only: none here
        case.find_missing = list(doc.findings)
        case.mismatches.append(f"ERROR {error}: every figure, metadata field and finding counted as missed")
        return case

    for name in META:
        if not case.meta_ok[name]:
            case.mismatches.append(f"metadata {name}: expected {getattr(doc, name)!r}, got {case.meta_got[name]!r}")

    actual = [a for a in (result.get("figures") or []) if isinstance(a, dict)]
    case.n_extracted = len(actual)
    matches, used = match_figures(doc.figures, actual)
    for n, (fig, got) in enumerate(zip(doc.figures, matches, strict=True), start=1):
        if got is None:
            case.mismatches.append(f"#{n} {_describe(fig)}: MISSING (no extracted figure with this value+unit)")
            continue
        case.n_matched += 1
        diffs = field_diffs(fig, got)
        bad = {d[0] for d in diffs}
        for name in compared_fields(fig):
            case.field_n[name] += 1
            case.field_ok[name] += name not in bad
        if not diffs:
            case.n_exact += 1
        else:
            text = " ".join(str(got.get("text") or "").split())[:40]
            what = "; ".join(f"{k}: want {_short(w)} got {_short(g)}" for k, w, g in diffs)
            case.mismatches.append(f"#{n} {fig.value} {fig.unit}: {what}  «{text}»")
    case.fp = [
        a for i, a in enumerate(actual) if i not in used and a.get("measure") == "supply_area" and not a.get("context")
    ]
    for a in case.fp:
        cats = ",".join(a.get("category_codes") or []) or "-"
        text = " ".join(str(a.get("text") or "").split())[:40]
        case.mismatches.append(
            f"FP {a.get('value')} {a.get('unit')} cats={cats} district={a.get('district')} mode={a.get('mode')}"
            f" source={a.get('source')}  «{text}»"
        )

    findings = [f for f in (result.get("findings") or []) if isinstance(f, dict)]
    used_f: set[int] = set()
    for exp in doc.findings:
        hit = next(
            (i for i, a in enumerate(findings) if i not in used_f and finding_strict(exp, a)),
            None,
        )
        if hit is not None:
            case.find_strict += 1
        else:
            hit = next(
                (
                    i
                    for i, a in enumerate(findings)
                    if i not in used_f and a.get("rule") == exp.rule and a.get("severity") == exp.severity
                ),
                None,
            )
        if hit is None:
            case.find_missing.append(exp)
            same = [f"{a.get('rule')}/{a.get('severity')}" for a in findings if a.get("rule") == exp.rule]
            case.mismatches.append(
                f"finding {exp.rule}/{exp.severity} stated={exp.stated} computed={exp.computed} MISSING"
                f" (same rule emitted: {', '.join(same) or 'none'})"
            )
            continue
        used_f.add(hit)
        case.find_found += 1
        if not finding_strict(exp, findings[hit]):
            ev = findings[hit].get("evidence") or {}
            case.mismatches.append(
                f"finding {exp.rule}/{exp.severity} found but evidence differs: want stated={exp.stated} "
                f"computed={exp.computed}, got stated={ev.get('stated')} computed={ev.get('computed')}"
            )
    expected_error_rules = {f.rule for f in doc.findings if f.severity == "error"}
    case.unexpected_errors = [
        a
        for i, a in enumerate(findings)
        if i not in used_f and a.get("severity") == "error" and a.get("rule") not in expected_error_rules
    ]
    for a in case.unexpected_errors:
        ev = a.get("evidence") or {}
        case.mismatches.append(
            f"unexpected error {a.get('rule')}: stated={ev.get('stated')} computed={ev.get('computed')}"
            f" «{str(a.get('message_zh') or '')[:50]}»"
        )
    return case


def run_case(doc: CorpusDoc, fmt: str, directory: Path) -> Case:
    import guotu

    try:
        path = write(doc, fmt, directory)
        result = guotu.read_plan(path).to_dict()
        if not isinstance(result, dict):
            return score(doc, fmt, None, f"to_dict returned {type(result).__name__}")
    except Exception as err:
        code = getattr(err, "code", None) or type(err).__name__
        detail = str(err).splitlines()[0][:80] if str(err) else ""
        if not getattr(err, "code", None):
            frames = traceback.extract_tb(err.__traceback__)
            if frames:
                detail += f" @ {Path(frames[-1].filename).name}:{frames[-1].lineno}"
        return score(doc, fmt, None, f"{code} ({detail})")
    return score(doc, fmt, result, None)


# =========================================================================================
# report
# =========================================================================================
def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}%" if den else "   n/a"


def _frac(num: int, den: int) -> str:
    return f"{num}/{den}"


def print_table(cases: list[Case]) -> None:
    print("Per document (figs = expected figures matched by value+unit; exact = matched with every field right;")
    print("fields = correct field comparisons among matched figures; FP = unexpected planned-supply figures;")
    print("meta = jurisdiction/year/status right; find = expected findings found by rule+severity [strict];")
    print("uerr = unexpected error findings)")
    header = (
        f"{'document':36} {'fmt':4} {'figs':>8} {'exact':>7} {'fields':>9} {'FP':>3} {'meta':>4} {'find':>8} "
        f"{'uerr':>4}  note"
    )
    print(header)
    print("-" * len(header))
    for c in cases:
        fields_ok = sum(c.field_ok.values())
        fields_n = sum(c.field_n.values())
        meta = sum(c.meta_ok.values())
        find = f"{c.find_found}/{c.find_expected}[{c.find_strict}]"
        note = f"ERROR {c.error}" if c.error else f"{c.n_extracted} extracted"
        print(
            f"{c.doc.name:36} {c.fmt:4} {_frac(c.n_matched, c.n_expected):>8} {_frac(c.n_exact, c.n_expected):>7} "
            f"{_frac(fields_ok, fields_n):>9} {len(c.fp):>3} {meta:>2}/3 {find:>8} "
            f"{len(c.unexpected_errors):>4}  {note}"
        )


def print_totals(cases: list[Case], formats: tuple[str, ...]) -> None:
    print()
    print("Totals per format")
    rows: list[tuple[str, list[str]]] = []
    per = {fmt: [c for c in cases if c.fmt == fmt] for fmt in formats}

    def row(label: str, fn: Any) -> None:
        rows.append((label, [fn(per[fmt]) for fmt in formats]))

    def ratio(num: Any, den: Any) -> Any:
        return lambda cs: f"{_frac(num(cs), den(cs)):>9} {_pct(num(cs), den(cs))}"

    row("documents read without error", ratio(lambda cs: sum(c.error is None for c in cs), len))
    row(
        "figure recall (value+unit)",
        ratio(lambda cs: sum(c.n_matched for c in cs), lambda cs: sum(c.n_expected for c in cs)),
    )
    row("figures fully right", ratio(lambda cs: sum(c.n_exact for c in cs), lambda cs: sum(c.n_expected for c in cs)))
    for name in FIELDS:
        row(
            f"  field {name}",
            ratio(lambda cs, n=name: sum(c.field_ok[n] for c in cs), lambda cs, n=name: sum(c.field_n[n] for c in cs)),
        )
    row("false positives (supply_area)", lambda cs: f"{sum(len(c.fp) for c in cs):>9}")
    row("  documents with ≥1 FP", ratio(lambda cs: sum(bool(c.fp) for c in cs), len))
    for name in META:
        row(f"metadata {name}", ratio(lambda cs, n=name: sum(c.meta_ok[n] for c in cs), len))
    row(
        "finding recall (rule+severity)",
        ratio(lambda cs: sum(c.find_found for c in cs), lambda cs: sum(c.find_expected for c in cs)),
    )
    row(
        "finding recall (strict evidence)",
        ratio(lambda cs: sum(c.find_strict for c in cs), lambda cs: sum(c.find_expected for c in cs)),
    )
    row("unexpected error findings", lambda cs: f"{sum(len(c.unexpected_errors) for c in cs):>9}")
    row("  documents with unexpected errors", ratio(lambda cs: sum(bool(c.unexpected_errors) for c in cs), len))
    width = max(len(label) for label, _ in rows)
    print(f"{'':{width}}  " + "  ".join(f"{fmt:>16}" for fmt in formats))
    for label, values in rows:
        print(f"{label:{width}}  " + "  ".join(f"{v:>16}" for v in values))


def print_mismatches(cases: list[Case], formats: tuple[str, ...], limit: int) -> None:
    print()
    print(f"First mismatches per document (up to {limit}; other formats show only what differs from {formats[0]})")
    for name in dict.fromkeys(c.doc.name for c in cases):
        doc_cases = {c.fmt: c for c in cases if c.doc.name == name}
        doc = doc_cases[formats[0]].doc
        base = doc_cases[formats[0]]
        total = len(base.mismatches)
        print(f"\n[{doc.name}] {doc.covers}")
        print(f"  {formats[0]}: {total} mismatch(es)")
        for line in base.mismatches[:limit]:
            print(f"    - {line}")
        if total > limit:
            print(f"    … {total - limit} more")
        for fmt in formats[1:]:
            other = doc_cases[fmt]
            extra = [m for m in other.mismatches if m not in base.mismatches]
            gone = [m for m in base.mismatches if m not in other.mismatches]
            if not extra and not gone:
                print(f"  {fmt}: same as {formats[0]}")
                continue
            print(f"  {fmt}: {len(other.mismatches)} mismatch(es); {len(extra)} not in {formats[0]}, {len(gone)} fixed")
            for line in extra[: max(3, limit // 2)]:
                print(f"    + {line}")
            if len(extra) > max(3, limit // 2):
                print(f"    … {len(extra) - max(3, limit // 2)} more")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of txt,docx,pdf")
    parser.add_argument("--docs", default="", help="comma-separated document names (default: all)")
    parser.add_argument("--mismatches", type=int, default=8, help="mismatches listed per document")
    args = parser.parse_args()
    formats = tuple(f for f in args.formats.split(",") if f in FORMATS) or FORMATS
    wanted = {n for n in args.docs.split(",") if n}
    docs = [d for d in HELDOUT if not wanted or d.name in wanted]

    try:
        from heldout.verify import verify

        problems = verify()
    except Exception as err:
        problems = [f"self-check failed to run: {err!r}"]
    n_figs = sum(len(d.figures) for d in docs)
    n_find = sum(len(d.findings) for d in docs)
    print(
        f"Held-out benchmark: {len(docs)} documents x {len(formats)} formats, {n_figs} expected figures and "
        f"{n_find} expected findings per format"
    )
    print("Ground-truth self-check: " + ("OK" if not problems else f"{len(problems)} PROBLEM(S)"))
    for p in problems:
        print("  ! " + p)
    print()

    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="guotu-heldout-") as tmp:
        for doc in docs:
            for fmt in formats:
                cases.append(run_case(doc, fmt, Path(tmp)))
    print_table(cases)
    print_totals(cases, formats)
    print_mismatches(cases, formats, args.mismatches)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
    sys.exit(0)
