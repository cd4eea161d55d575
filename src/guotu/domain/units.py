"""Area units and official rounding. The only place conversions live.

1 公顷 = 10 000 m² = 15 亩 exactly (DOMAIN.md §7). Values are ``Decimal``; rounding
is explicit and half-up, as official tables are (Python's ``round`` is half-even).
Conversions involving 亩 are exact rational numbers, so they are carried out with
enough precision (``_CONTEXT``) that 公顷 → 亩 → 公顷 round-trips exactly.

Examples
--------
>>> to_m2(Decimal("1843.24"), "公顷")
Decimal('18432400')
>>> convert(Decimal("434.61"), "公顷", "亩")
Decimal('6519.15')
>>> quantize(Decimal("3.0606"), 2)
Decimal('3.06')
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from typing import Final

__all__ = [
    "AREA_UNITS",
    "PERCENT",
    "convert",
    "decimals_of",
    "from_m2",
    "is_area_unit",
    "quantize",
    "to_m2",
    "truncate",
    "ulp",
]

_CONTEXT: Final = Context(prec=50)

#: Square metres per unit, exactly (亩 = 2000/3 m² is kept as a ratio).
_M2_PER_UNIT: Final[dict[str, tuple[int, int]]] = {
    "平方米": (1, 1),
    "万平方米": (10_000, 1),
    "公顷": (10_000, 1),
    "万公顷": (100_000_000, 1),
    "平方千米": (1_000_000, 1),
    "亩": (2_000, 3),
    "万亩": (20_000_000, 3),
}

#: Canonical names of the area units, in the form plans print them.
AREA_UNITS: Final = tuple(_M2_PER_UNIT)

#: The percent sign used as the unit of shares.
PERCENT: Final = "%"


def is_area_unit(unit: str) -> bool:
    """Tell whether ``unit`` is one of the canonical area units.

    Examples
    --------
    >>> is_area_unit("亩"), is_area_unit("%")
    (True, False)
    """
    return unit in _M2_PER_UNIT


def _ratio(unit: str) -> tuple[int, int]:
    try:
        return _M2_PER_UNIT[unit]
    except KeyError:
        raise ValueError(f"not an area unit: {unit!r}") from None


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    value = value.normalize(_CONTEXT)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return value.quantize(Decimal(1), context=_CONTEXT)
    return value


def to_m2(value: Decimal, unit: str) -> Decimal:
    """Convert ``value`` in ``unit`` to square metres (exact up to 50 digits)."""
    num, den = _ratio(unit)
    return _plain(_CONTEXT.divide(_CONTEXT.multiply(value, Decimal(num)), Decimal(den)))


def from_m2(value_m2: Decimal, unit: str) -> Decimal:
    """Convert square metres to ``unit`` (exact up to 50 digits)."""
    num, den = _ratio(unit)
    return _plain(_CONTEXT.divide(_CONTEXT.multiply(value_m2, Decimal(den)), Decimal(num)))


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert an area between two units, without rounding.

    Examples
    --------
    >>> convert(Decimal("8.2593"), "万亩", "亩")
    Decimal('82593')
    >>> convert(Decimal("1"), "平方千米", "公顷")
    Decimal('100')
    """
    if from_unit == to_unit:
        return value
    return from_m2(to_m2(value, from_unit), to_unit)


def decimals_of(value: Decimal) -> int:
    """Return the number of decimals a value was written with (``Decimal('1.80')`` → 2).

    Examples
    --------
    >>> decimals_of(Decimal("179.0760")), decimals_of(Decimal("14"))
    (4, 0)
    """
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def ulp(value: Decimal) -> Decimal:
    """One unit of the last printed decimal of ``value``.

    Examples
    --------
    >>> ulp(Decimal("1843.24"))
    Decimal('0.01')
    """
    return Decimal(1).scaleb(-decimals_of(value))


def quantize(value: Decimal, decimals: int) -> Decimal:
    """Round half-up (away from zero on .5) to ``decimals`` places, as official tables do.

    Examples
    --------
    >>> quantize(Decimal("29.4465"), 2), quantize(Decimal("0.125"), 2)
    (Decimal('29.45'), Decimal('0.13'))
    """
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_CONTEXT)


def truncate(value: Decimal, decimals: int) -> Decimal:
    """Cut ``value`` to ``decimals`` places without rounding (what some tables do by mistake).

    Examples
    --------
    >>> truncate(Decimal("29.4465"), 2)
    Decimal('29.44')
    """
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN, context=_CONTEXT)
