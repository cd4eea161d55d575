"""Comparing extracted plans with the corpus ground truth: shared by the tests and the benchmark."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tests.corpus.model import ExpectedFinding

__all__ = ["dec", "dec_loose", "finding_matches", "level1"]


def dec(value: Any) -> Decimal | None:
    """Parse a figure value (must be a plain decimal string)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


_NUMBER_IN_TEXT = re.compile(r"[-+]?\d+(?:\.\d+)?")


def dec_loose(value: Any) -> Decimal | None:
    """Parse a number in evidence, tolerating a unit or % sign and thousands separators."""
    exact = dec(value)
    if exact is not None or value is None:
        return exact
    m = _NUMBER_IN_TEXT.search(str(value).replace(",", ""))
    return Decimal(m.group()) if m else None


def level1(code: Any) -> str:
    """Reduce a 用地用海 code to level 1 (``1311`` 水工设施 is kept, as in the contract)."""
    code = str(code).strip()
    return code if code == "1311" or len(code) <= 2 else code[:2]


def _computed_matches(rule: str, want: str, got: Any) -> bool:
    expected = Decimal(want)
    value = dec_loose(got)
    if value is None:
        return False
    quantum = Decimal(1).scaleb(expected.as_tuple().exponent)  # type: ignore[arg-type]
    options = [value]
    if rule in ("H3", "C5") and abs(value) <= 1 < abs(expected):
        options.append(value * 100)  # ratio given instead of a percentage
    return any(v.quantize(quantum, rounding=ROUND_HALF_UP) == expected for v in options)


def finding_matches(expected: ExpectedFinding, actual: dict[str, Any]) -> bool:
    """Return whether an emitted finding is the expected one."""
    if actual.get("rule") != expected.rule or actual.get("severity") != expected.severity:
        return False
    evidence = actual.get("evidence") or {}
    if expected.stated is not None and dec_loose(evidence.get("stated")) != Decimal(expected.stated):
        return False
    if expected.computed is None:
        return True
    candidates = [evidence.get("computed")]
    if expected.rule in ("H3", "C5"):
        # the share may be reported next to the sum it is computed from
        candidates += [v for k, v in evidence.items() if re.search("share|ratio|percent", str(k))]
    return any(_computed_matches(expected.rule, expected.computed, c) for c in candidates)
