"""Monitoring indicators (指标模型 + 监测预警): the catalogue as data, targets, thresholds and warnings.

The catalogue (``data/indicators_catalogue.json``) names each indicator with its
code, zh/en names, kind (约束性 binding / 预期性 expected), unit, direction and the
named formula that computes it (evaluated by :mod:`guotu.services.indicators`).
Targets per jurisdiction come from ``data/indicators_<code>.json`` (what the seeds
state) and from targets set by a person (stored records).

Thresholds are direction-aware. For a floor (``min``: 永久基本农田 must not fall):
red when the value is below ``red`` (default: the target), yellow when below
``yellow`` (an early-warning level above the target), else green. For a ceiling
(``max``: 扩展倍数 must not exceed): red above ``red``, yellow above ``yellow``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, Final

from guotu.domain.findings import Finding, Severity
from guotu.errors import InvalidInputError, NotFoundError

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "Indicator",
    "IndicatorValue",
    "Level",
    "Target",
    "catalogue",
    "classify",
    "get_indicator",
    "seed_targets",
    "warning_finding",
]

#: 约束性 / 预期性.
KINDS: Final = {"binding": ("约束性", "binding"), "expected": ("预期性", "expected")}
#: ``min``: a floor (higher is better); ``max``: a ceiling (lower is better).
DIRECTIONS: Final = ("min", "max")
_LEGAL: Final = "GB/T 39972-2021《国土空间规划“一张图”实施监督信息系统技术规范》（监测评估预警）"


class Level(StrEnum):
    """Warning level of a value against its target."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "n/a"


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    direction: str
    formula: str
    params: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    confidence: str = ""

    @property
    def binding(self) -> bool:
        """True for a 约束性 indicator."""
        return self.kind == "binding"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "kind_zh": KINDS[self.kind][0],
            "unit": self.unit,
            "direction": self.direction,
            "formula": self.formula,
            "params": dict(self.params),
            "source": self.source,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Target:
    """A target of an indicator for a jurisdiction and year, with its warning thresholds.

    ``red`` defaults to the target; ``yellow`` (optional) is the early-warning level.
    """

    code: str
    jurisdiction: str
    year: int | None
    target: Decimal
    yellow: Decimal | None = None
    red: Decimal | None = None
    stated: str = ""
    scope: str = ""
    source: str = ""
    origin: str = "seed"

    @property
    def red_level(self) -> Decimal:
        """The red threshold (the target unless set)."""
        return self.red if self.red is not None else self.target

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (Decimals as strings)."""
        return {
            "code": self.code,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "target": str(self.target),
            "yellow": None if self.yellow is None else str(self.yellow),
            "red": None if self.red is None else str(self.red),
            "stated": self.stated,
            "scope": self.scope,
            "source": self.source,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        """Rebuild from :meth:`to_dict` output."""

        def dec(name: str) -> Decimal | None:
            value = data.get(name)
            return None if value is None else Decimal(str(value))

        target = dec("target")
        if target is None:
            raise InvalidInputError("indicator.target_invalid", code=data.get("code"), value=None)
        year = data.get("year")
        return cls(
            code=str(data["code"]),
            jurisdiction=str(data["jurisdiction"]),
            year=int(year) if year is not None else None,
            target=target,
            yellow=dec("yellow"),
            red=dec("red"),
            stated=str(data.get("stated", "")),
            scope=str(data.get("scope", "")),
            source=str(data.get("source", "")),
            origin=str(data.get("origin", "seed")),
        )

    def check(self, direction: str) -> None:
        """Check that the thresholds are ordered for ``direction``.

        Raises
        ------
        InvalidInputError
            ``indicator.thresholds_invalid``: for a floor, yellow ≥ red; for a ceiling, yellow ≤ red.
        """
        if self.yellow is None:
            return
        ok = self.yellow >= self.red_level if direction == "min" else self.yellow <= self.red_level
        if not ok:
            raise InvalidInputError(
                "indicator.thresholds_invalid",
                code=self.code,
                direction=direction,
                yellow=str(self.yellow),
                red=str(self.red_level),
            )


@dataclass(frozen=True)
class IndicatorValue:
    """An evaluated value with its level against the target (None when not computable)."""

    code: str
    jurisdiction: str
    year: int
    on: str
    value: Decimal | None
    unit: str
    level: Level
    target: Target | None
    inputs: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    evaluated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "code": self.code,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "on": self.on,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "level": self.level.value,
            "target": None if self.target is None else self.target.to_dict(),
            "inputs": dict(self.inputs),
            "reason": self.reason,
            "evaluated_at": self.evaluated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorValue:
        """Rebuild from :meth:`to_dict` output."""
        value = data.get("value")
        target = data.get("target")
        return cls(
            code=str(data["code"]),
            jurisdiction=str(data["jurisdiction"]),
            year=int(data["year"]),
            on=str(data.get("on", "")),
            value=None if value is None else Decimal(str(value)),
            unit=str(data.get("unit", "")),
            level=Level(data.get("level", "n/a")),
            target=Target.from_dict(target) if target else None,
            inputs=dict(data.get("inputs") or {}),
            reason=str(data.get("reason", "")),
            evaluated_at=str(data.get("evaluated_at", "")),
        )


def _read(name: str) -> Any:
    return json.loads(files("guotu.domain.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def catalogue() -> tuple[Indicator, ...]:
    """Return the indicator catalogue, in its order."""
    out = []
    for row in _read("indicators_catalogue.json")["indicators"]:
        indicator = Indicator(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            kind=row["kind"],
            unit=row["unit"],
            direction=row["direction"],
            formula=row["formula"],
            params=dict(row.get("params") or {}),
            source=row.get("source", ""),
            confidence=row.get("confidence", ""),
        )
        if indicator.kind not in KINDS or indicator.direction not in DIRECTIONS:
            raise ValueError(f"bad catalogue row {row['code']}")
        out.append(indicator)
    return tuple(out)


def get_indicator(code: str) -> Indicator:
    """Return an indicator of the catalogue by code or Chinese name.

    Raises
    ------
    NotFoundError
        ``indicator.not_found``.
    """
    for indicator in catalogue():
        if code in (indicator.code, indicator.name_zh):
            return indicator
    raise NotFoundError("indicator.not_found", code=code)


@cache
def _seed_rows(jurisdiction: str) -> tuple[dict[str, Any], ...]:
    name = f"indicators_{jurisdiction}.json"
    if not files("guotu.domain.data").joinpath(name).is_file():
        return ()
    return tuple(_read(name)["targets"])


def seed_targets(jurisdiction: str, year: int) -> dict[str, Target]:
    """Return the targets the seed data state for a jurisdiction, valid in ``year``, by indicator code."""
    out: dict[str, Target] = {}
    for row in _seed_rows(jurisdiction):
        if int(row["from_year"]) <= year <= int(row["to_year"]):
            out[row["code"]] = Target(
                code=row["code"],
                jurisdiction=jurisdiction,
                year=None,
                target=Decimal(row["target"]),
                yellow=Decimal(row["yellow"]) if row.get("yellow") else None,
                red=Decimal(row["red"]) if row.get("red") else None,
                stated=row.get("stated", ""),
                scope=row.get("scope", ""),
                source=row.get("source", ""),
                origin="seed",
            )
    return out


def classify(value: Decimal | None, target: Target | None, direction: str) -> Level:
    """Return the level of ``value`` against ``target``, direction-aware.

    Examples
    --------
    >>> t = Target("X", "140300", 2026, Decimal("100"), yellow=Decimal("105"))
    >>> [classify(Decimal(v), t, "min").value for v in ("110", "103", "99")]
    ['green', 'yellow', 'red']
    >>> t = Target("Y", "140300", 2026, Decimal("1.28"), yellow=Decimal("1.25"))
    >>> [classify(Decimal(v), t, "max").value for v in ("1.2", "1.27", "1.29")]
    ['green', 'yellow', 'red']
    """
    if value is None or target is None:
        return Level.NONE
    red = target.red_level
    if direction == "min":
        if value < red:
            return Level.RED
        if target.yellow is not None and value < target.yellow:
            return Level.YELLOW
        return Level.GREEN
    if value > red:
        return Level.RED
    if target.yellow is not None and value > target.yellow:
        return Level.YELLOW
    return Level.GREEN


def warning_finding(indicator: Indicator, result: IndicatorValue) -> Finding | None:
    """Return the warning of a yellow or red value (None when green or not computable).

    Red on a binding indicator is an error; red on an expected one and yellow are warnings.
    """
    if result.level not in (Level.YELLOW, Level.RED) or result.target is None or result.value is None:
        return None
    red = result.level is Level.RED
    severity = Severity.ERROR if red and indicator.binding else Severity.WARNING
    threshold = result.target.red_level if red else result.target.yellow
    verb_zh = ("低于" if indicator.direction == "min" else "超过") + ("目标" if red else "预警值")
    verb_en = ("below" if indicator.direction == "min" else "above") + (" the target" if red else " the warning level")
    return Finding(
        "I1",
        severity,
        f"{indicator.name_zh}（{KINDS[indicator.kind][0]}）{result.value} {indicator.unit}，"
        f"{verb_zh} {threshold} {indicator.unit}（目标 {result.target.target}）",
        f"{indicator.name_en} ({indicator.kind}) is {result.value} {indicator.unit}, {verb_en} "
        f"{threshold} {indicator.unit} (target {result.target.target})",
        evidence={
            "indicator": indicator.code,
            "value": str(result.value),
            "unit": indicator.unit,
            "target": str(result.target.target),
            "threshold": str(threshold),
            "level": result.level.value,
            "direction": indicator.direction,
            "jurisdiction": result.jurisdiction,
            "year": result.year,
        },
        legal_source=indicator.source or _LEGAL,
    )
