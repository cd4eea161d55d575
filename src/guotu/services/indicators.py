"""Indicator evaluation: named formulas over layers and records, targets, warnings, history.

Formulas (the ``formula`` of a catalogue row, with its ``params``):

``layer_area``
    Σ area (ellipsoidal, 公顷) of the versions in force on the date of the layers of
    ``kind`` that cover the jurisdiction: layers of the jurisdiction itself when there
    are any, else those of the units under it (districts), summed.
``layer_class_area``
    The same, only features whose class field (DLBM ...) starts with one of ``prefixes``.
``expansion_multiple``
    Boundary area / the base (现状城镇建设用地规模, 公顷), an input set with
    :func:`set_input` (``name="base"``): DOMAIN.md §8.5 — the base must be stored explicitly.
``supply_completion``
    Supplied / planned total of the supply plan in force (%), :mod:`guotu.services.supply`.
``affordable_housing_share``
    Guaranteed and small-unit housing / residential land supplied (%).
``stated``
    A value entered with :func:`set_input` (statistics such as 城镇化率).

Evaluations are stored as history (records of kind ``indicator_value``), so a cron
job running ``guotu indicators evaluate`` builds the time series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from guotu.domain.findings import Finding
from guotu.domain.indicators import (
    Indicator,
    IndicatorValue,
    Target,
    catalogue,
    classify,
    get_indicator,
    seed_targets,
    warning_finding,
)
from guotu.domain.jurisdiction_data import builtin_jurisdictions
from guotu.domain.layers import LegalStatus, layer_kind
from guotu.errors import InvalidInputError, NotFoundError
from guotu.geo.area import official_area
from guotu.services.audit import audited
from guotu.services.plan_versions import resolve_jurisdiction
from guotu.store.base import LayerInfo, Store

__all__ = [
    "INPUT_KIND",
    "TARGET_KIND",
    "VALUE_KIND",
    "Evaluation",
    "evaluate",
    "get_target",
    "history",
    "list_indicators",
    "set_input",
    "set_target",
]

TARGET_KIND: Final = "indicator_target"
VALUE_KIND: Final = "indicator_value"
INPUT_KIND: Final = "indicator_input"
_FOUR: Final = Decimal("0.0001")
_TWO: Final = Decimal("0.01")


@dataclass(frozen=True)
class Evaluation:
    """The values of one evaluation run and the warnings they raise."""

    jurisdiction: str
    year: int
    on: date
    values: tuple[IndicatorValue, ...]
    findings: tuple[Finding, ...]

    def value(self, code: str) -> IndicatorValue:
        """Return the value of ``code`` (KeyError when not evaluated)."""
        for v in self.values:
            if v.code == code:
                return v
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "on": self.on.isoformat(),
            "values": [v.to_dict() for v in self.values],
            "findings": [f.to_dict() for f in self.findings],
        }


def list_indicators() -> tuple[Indicator, ...]:
    """Return the catalogue."""
    return catalogue()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def set_target(
    store: Store,
    code: str,
    jurisdiction: str,
    year: int,
    target: Decimal,
    *,
    actor: str,
    yellow: Decimal | None = None,
    red: Decimal | None = None,
    source: str = "",
) -> Target:
    """Set the target (and thresholds) of an indicator for a jurisdiction and year.

    Raises
    ------
    NotFoundError
        ``indicator.not_found``, ``jurisdiction.not_found``.
    InvalidInputError
        ``indicator.thresholds_invalid`` when the thresholds are not ordered for the direction.
    """
    indicator = get_indicator(code)
    j = resolve_jurisdiction(store, jurisdiction)
    new = Target(indicator.code, j, year, target, yellow=yellow, red=red, source=source, origin="set")
    new.check(indicator.direction)
    key = f"{indicator.code}:{j}:{year}"
    with audited(
        store, actor=actor, action="indicators.set_target", target=f"{TARGET_KIND}:{key}", inputs=new.to_dict()
    ) as event:
        old = store.find_record(TARGET_KIND, key)
        store.put_record(TARGET_KIND, key, new.to_dict(), jurisdiction=j, year=year)
        event.before = old.data if old is not None else None
        event.after = new.to_dict()
    return new


def get_target(store: Store, code: str, jurisdiction: str, year: int) -> Target | None:
    """Return the target in use: one set for the year, else the seed data's, else None."""
    indicator = get_indicator(code)
    j = resolve_jurisdiction(store, jurisdiction)
    record = store.find_record(TARGET_KIND, f"{indicator.code}:{j}:{year}")
    if record is not None:
        return Target.from_dict(record.data)
    return seed_targets(j, year).get(indicator.code)


def set_input(
    store: Store,
    code: str,
    jurisdiction: str,
    year: int,
    value: Decimal,
    *,
    actor: str,
    name: str = "value",
    source: str = "",
) -> None:
    """Record an input of a formula: the value of a ``stated`` indicator, or ``base`` of an expansion multiple."""
    indicator = get_indicator(code)
    j = resolve_jurisdiction(store, jurisdiction)
    key = f"{indicator.code}:{j}:{year}"
    with audited(
        store,
        actor=actor,
        action="indicators.set_input",
        target=f"{INPUT_KIND}:{key}",
        inputs={"name": name, "value": str(value), "source": source},
    ):
        old = store.find_record(INPUT_KIND, key)
        data = dict(old.data) if old is not None else {"values": {}}
        data["values"] = {**data.get("values", {}), name: {"value": str(value), "source": source}}
        store.put_record(INPUT_KIND, key, data, jurisdiction=j, year=year)


def _input(store: Store, code: str, jurisdiction: str, year: int, name: str) -> Decimal | None:
    record = store.find_record(INPUT_KIND, f"{code}:{jurisdiction}:{year}")
    if record is None:
        return None
    entry = record.data.get("values", {}).get(name)
    return Decimal(str(entry["value"])) if entry else None


# ----------------------------------------------------------------------------- formulas


def _descendants(code: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for j in builtin_jurisdictions():
        if j.parent:
            children.setdefault(j.parent, []).append(j.code)
    out: set[str] = set()
    stack = [code]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def _layers(store: Store, kind: str, jurisdiction: str) -> list[LayerInfo]:
    layers = [info for info in store.list_layers() if info.kind == kind]
    own = [info for info in layers if info.jurisdiction == jurisdiction]
    if own:
        return own
    below = _descendants(jurisdiction)
    return [info for info in layers if info.jurisdiction in below]


def _in_force(store: Store, layer: str, on: date) -> Any:
    try:
        version = store.get_version(layer, as_of=on)
    except NotFoundError:
        return None
    if version.legal_status not in (LegalStatus.IN_FORCE, LegalStatus.REPEALED):
        return None
    return version


def _layer_area(
    store: Store, kind: str, jurisdiction: str, on: date, prefixes: Sequence[str] = ()
) -> tuple[Decimal | None, dict[str, Any], str]:
    total_m2 = 0.0
    used: list[dict[str, Any]] = []
    class_field = layer_kind(kind).class_field
    for info in _layers(store, kind, jurisdiction):
        version = _in_force(store, info.name, on)
        if version is None:
            continue
        if prefixes:
            data = store.read_features(info.name, version.version)
            areas = data.ellipsoidal_m2 if data.ellipsoidal_m2 is not None else [0.0] * len(data)
            field_name = class_field or "DLBM"
            total_m2 += sum(
                float(a)
                for attrs, a in zip(data.attributes, areas, strict=True)
                if str(attrs.get(field_name) or "").startswith(tuple(prefixes))
            )
        else:
            total_m2 += version.area_m2
        used.append({"layer": info.name, "version": version.version, "content_hash": version.content_hash})
    if not used:
        return None, {}, "no_layer_in_force"
    return official_area(total_m2, "公顷", decimals=4), {"layers": used}, ""


def _compute(
    store: Store, indicator: Indicator, jurisdiction: str, year: int, on: date
) -> tuple[Decimal | None, dict[str, Any], str]:
    """Run the indicator's formula: (value, inputs used, reason when not computable)."""
    formula = indicator.formula
    params = indicator.params
    if formula == "layer_area":
        return _layer_area(store, params["kind"], jurisdiction, on)
    if formula == "layer_class_area":
        return _layer_area(store, params["kind"], jurisdiction, on, params.get("prefixes", ()))
    if formula == "expansion_multiple":
        area, inputs, reason = _layer_area(store, params["kind"], jurisdiction, on)
        base = _input(store, indicator.code, jurisdiction, year, "base")
        if area is None:
            return None, inputs, reason
        if base is None or base <= 0:
            return None, inputs, "base_missing"
        multiple = (area / base).quantize(_FOUR, rounding=ROUND_HALF_UP)
        return multiple, {**inputs, "area_ha": str(area), "base_ha": str(base)}, ""
    if formula == "stated":
        value = _input(store, indicator.code, jurisdiction, year, "value")
        return value, {"stated": True} if value is not None else {}, "" if value is not None else "input_missing"
    if formula in ("supply_completion", "affordable_housing_share"):
        from guotu.services.supply import list_records, structure_in_force, supplied_totals

        if formula == "supply_completion":
            structure = structure_in_force(store, jurisdiction, year, on)
            if structure is None or not structure.total:
                return None, {}, "no_plan_in_force"
            supplied = supplied_totals(store, jurisdiction, year, until=on).get(("合计", None), Decimal(0))
            rate = (supplied * 100 / structure.total).quantize(_TWO, rounding=ROUND_HALF_UP)
            return (
                rate,
                {"plan_version": structure.version, "supplied": str(supplied), "planned": str(structure.total)},
                "",
            )
        from guotu.domain.supply import HOUSING_TYPES

        records = [r for r in list_records(store, jurisdiction, year, until=on) if r.use_code.startswith("07")]
        residential = [r for r in records if not r.use_code.startswith("0702")]
        total = sum((r.area_ha for r in residential), Decimal(0))
        if total == 0:
            return None, {}, "no_housing_supplied"
        if not any(r.housing_type for r in residential):
            return None, {"total": str(total), "records": len(residential)}, "housing_type_missing"
        counted = sum((r.area_ha for r in residential if HOUSING_TYPES.get(r.housing_type or "", False)), Decimal(0))
        share = (counted * 100 / total).quantize(_TWO, rounding=ROUND_HALF_UP)
        return share, {"counted": str(counted), "total": str(total), "records": len(residential)}, ""
    raise InvalidInputError("indicator.formula_unknown", code=indicator.code, formula=formula)


def evaluate(
    store: Store,
    jurisdiction: str,
    year: int,
    *,
    actor: str,
    on: date | None = None,
    codes: Sequence[str] | None = None,
    save: bool = True,
) -> Evaluation:
    """Evaluate indicators for a jurisdiction and year on a date, against their targets.

    Parameters
    ----------
    on
        The date whose layer versions and records count (default: today, or the
        last day of ``year`` when that is earlier).
    codes
        Indicators to evaluate (default: the whole catalogue).
    save
        Store the values as history (kind ``indicator_value``).
    """
    j = resolve_jurisdiction(store, jurisdiction)
    day = on or min(date.today(), date(year, 12, 31))
    indicators = [get_indicator(c) for c in codes] if codes else list(catalogue())
    stamp = _now()
    values: list[IndicatorValue] = []
    findings: list[Finding] = []
    for indicator in indicators:
        value, inputs, reason = _compute(store, indicator, j, year, day)
        target = get_target(store, indicator.code, j, year)
        result = IndicatorValue(
            code=indicator.code,
            jurisdiction=j,
            year=year,
            on=day.isoformat(),
            value=value,
            unit=indicator.unit,
            level=classify(value, target, indicator.direction),
            target=target,
            inputs=inputs,
            reason=reason,
            evaluated_at=stamp,
        )
        values.append(result)
        warning = warning_finding(indicator, result)
        if warning is not None:
            findings.append(warning)
    evaluation = Evaluation(j, year, day, tuple(values), tuple(findings))
    if save:
        with audited(
            store,
            actor=actor,
            action="indicators.evaluate",
            target=f"{VALUE_KIND}:{j}:{year}",
            inputs={"on": day.isoformat(), "codes": [i.code for i in indicators]},
        ) as event:
            for result in values:
                prefix = f"{result.code}:{j}:{year}:"
                n = store.count_records(VALUE_KIND, key_prefix=prefix) + 1
                store.put_record(
                    VALUE_KIND,
                    f"{prefix}{n:06d}",
                    result.to_dict(),
                    jurisdiction=j,
                    year=year,
                    status=result.level.value,
                    expected_revision=None,
                )
            event.result = {"values": len(values), "warnings": len(findings)}
    return evaluation


def history(
    store: Store, jurisdiction: str, *, code: str | None = None, year: int | None = None
) -> list[IndicatorValue]:
    """Return stored evaluations, oldest first (of one indicator and year when given)."""
    j = resolve_jurisdiction(store, jurisdiction)
    prefix = f"{get_indicator(code).code}:{j}:" if code else None
    records = store.list_records(VALUE_KIND, jurisdiction=j, year=year, key_prefix=prefix)
    values = [IndicatorValue.from_dict(r.data) for r in records]
    return sorted(values, key=lambda v: (v.evaluated_at, v.code))
