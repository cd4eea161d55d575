"""Numbers as printed in Chinese documents: Arabic and Chinese numerals, exactly.

Everything returns ``Decimal`` built from the digits as written, so nothing is lost
to floating point (cn2an, by contrast, returns floats).

Examples
--------
>>> parse_number("1,843.24")
Decimal('1843.24')
>>> parse_chinese_numeral("一千八百四十三点二四")
Decimal('1843.24')
>>> parse_chinese_numeral("三万五千零二十")
Decimal('35020')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

__all__ = [
    "ARABIC_NUMBER",
    "CHINESE_NUMBER",
    "FULLWIDTH_TABLE",
    "parse_chinese_numeral",
    "parse_number",
]

#: Full-width ASCII forms (U+FF01–U+FF5E) to ASCII, one character for one, so that
#: offsets are unchanged. The full-width comma stays: it separates clauses in
#: Chinese text and must not read as a thousands separator.
FULLWIDTH_TABLE: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF0C} | {0x3000: 0x20}

#: An Arabic number: optional thousands separators, optional decimals.
ARABIC_NUMBER: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DIGITS: Final = "零〇一二两三四五六七八九"
#: A Chinese numeral with at least one digit character (十 alone counts: 十二).
CHINESE_NUMBER: Final = rf"(?:[{_DIGITS}十百千万亿]*[{_DIGITS}十][{_DIGITS}十百千万亿]*)(?:点[{_DIGITS}]+)?"

_DIGIT_VALUE: Final = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_SMALL_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS: Final = {"万": 10**4, "亿": 10**8}
_ARABIC_RE: Final = re.compile(rf"^{ARABIC_NUMBER}$")


def parse_number(text: str) -> Decimal:
    """Parse an Arabic number (thousands separators allowed) to an exact Decimal.

    Raises
    ------
    ValueError
        When ``text`` is not a number.

    Examples
    --------
    >>> parse_number("0.0950")
    Decimal('0.0950')
    """
    text = text.strip().translate(FULLWIDTH_TABLE)
    if not _ARABIC_RE.match(text):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the regex already guards
        raise ValueError(f"not a number: {text!r}") from err


def _parse_integer_part(text: str) -> int:
    if text and all(c in _DIGIT_VALUE for c in text) and len(text) > 1:
        # Written digit by digit: 二〇二六
        return int("".join(str(_DIGIT_VALUE[c]) for c in text))
    total = 0
    section = 0
    digit = 0
    for char in text:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
        elif char in _BIG_UNITS:
            section += digit
            total = (total + section) * _BIG_UNITS[char] if char == "亿" else total + section * _BIG_UNITS[char]
            section = 0
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + digit


def parse_chinese_numeral(text: str) -> Decimal:
    """Parse a Chinese numeral (一千八百四十三点二四, 两万, 二〇二六) exactly.

    Raises
    ------
    ValueError
        When ``text`` is not a Chinese numeral.

    Examples
    --------
    >>> parse_chinese_numeral("十二"), parse_chinese_numeral("零点五")
    (Decimal('12'), Decimal('0.5'))
    >>> parse_chinese_numeral("一亿二千万")
    Decimal('120000000')
    """
    if not text or not re.fullmatch(CHINESE_NUMBER, text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    integer_text, _, decimal_text = text.partition("点")
    integer = _parse_integer_part(integer_text) if integer_text else 0
    if decimal_text:
        decimals = "".join(str(_DIGIT_VALUE[c]) for c in decimal_text)
        return Decimal(f"{integer}.{decimals}")
    return Decimal(integer)
