"""Units and numerals: exact conversions, official rounding, Chinese numerals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guotu.domain import units
from guotu.domain.numerals import parse_chinese_numeral, parse_number

hectares = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(hectares)
def test_hectares_to_mu_and_back_is_exact(value: Decimal) -> None:
    mu = units.convert(value, "公顷", "亩")
    assert mu == value * 15
    assert units.convert(mu, "亩", "公顷") == value


@settings(max_examples=100, deadline=None)
@given(hectares)
def test_every_unit_round_trips_through_square_metres(value: Decimal) -> None:
    for unit in units.AREA_UNITS:
        assert units.from_m2(units.to_m2(value, unit), unit) == value


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [("29.4465", 2, "29.45"), ("0.125", 2, "0.13"), ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("3.0606", 2, "3.06")],
)
def test_quantize_rounds_half_up_not_half_even(value: str, decimals: int, expected: str) -> None:
    assert units.quantize(Decimal(value), decimals) == Decimal(expected)
    assert round(Decimal("2.5")) == 2  # why: Python's round() is banker's rounding


def test_truncate_and_ulp() -> None:
    assert units.truncate(Decimal("0.0977"), 2) == Decimal("0.09")
    assert units.ulp(Decimal("158.1793169")) == Decimal("0.0000001")
    assert units.decimals_of(Decimal("1.8")) == 1


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError):
        units.to_m2(Decimal(1), "acre")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一千八百四十三点二四", "1843.24"),
        ("两万", "20000"),
        ("二〇二六", "2026"),
        ("一万零五百", "10500"),
        ("十二", "12"),
        ("百分之七十"[3:], "70"),
        ("三千五百万", "35000000"),
        ("零点零五", "0.05"),
    ],
)
def test_chinese_numerals(text: str, expected: str) -> None:
    assert parse_chinese_numeral(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "公顷", "万", "百"])
def test_not_a_chinese_numeral(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_numeral(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("1,843.24", "1843.24"), ("１２３.４５", "123.45"), ("0.0950", "0.0950")]
)
def test_arabic_numbers_keep_their_digits(text: str, expected: str) -> None:
    value = parse_number(text)
    assert str(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numeral_of_any_integer(n: int) -> None:
    assert parse_chinese_numeral(_to_chinese(n)) == n


def _to_chinese(n: int) -> str:
    """Write ``n`` the way documents do (independent of the parser under test)."""
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"

    def section(v: int) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = v // size % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + unit
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    text = section(high) + "万" if high else ""
    if low:
        if high and low < 1000:
            text += "零"
        text += section(low)
    return text
