"""The built-in jurisdictions: the seeds' jurisdictions, their parents, zones and townships.

Package data (``guotu/domain/data/jurisdictions.json``): 山西省 › 阳泉市 › 城区, 矿区, 郊区,
平定县, 盂县 and the 阳泉高新技术产业开发区; 新疆维吾尔自治区 › 喀什地区 › 巴楚县;
广东省 › 清远市 › 连州市 and the twelve towns and townships of 连州市.

Codes follow three conventions (the file's ``code_conventions``):

* a province, city or county has its 6-digit GB/T 2260 code, checked against the codes
  that the boundary packages ship (see ``docs/boundaries.md``);
* a development zone has ``<parent code>-Z<nn>`` (``140300-Z01``): zones have no
  GB/T 2260 code;
* a township whose 9-digit code no package ships has ``<parent code>-T<nn>``
  (``441882-T01``); :func:`is_official_code` tells the two kinds apart.

Examples
--------
>>> find_jurisdiction("阳泉市").code
'140300'
>>> find_jurisdiction("140302").name
'城区'
>>> find_jurisdiction("高新区").code, find_jurisdiction("高新区").level
('140300-Z01', <Level.ZONE: 'zone'>)
>>> find_jurisdiction("连州市连州镇").parent
'441882'
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any, Final

from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.errors import InvalidInputError, NotFoundError

__all__ = ["builtin_jurisdictions", "find_jurisdiction", "is_official_code"]

_DATA_PACKAGE: Final = "guotu.domain.data"
_DATA_FILE: Final = "jurisdictions.json"

#: GB/T 2260 (6 digits), township (9) and 统计用区划代码 (12) codes.
_OFFICIAL_CODE: Final = re.compile(r"\d{6}|\d{9}|\d{12}")
_SPACE: Final = re.compile(r"\s+")


def is_official_code(code: str) -> bool:
    """Tell whether ``code`` is an official code (6, 9 or 12 digits), not one of guotu's own.

    Examples
    --------
    >>> is_official_code("140300"), is_official_code("140300-Z01"), is_official_code("441882-T01")
    (True, False, False)
    """
    return _OFFICIAL_CODE.fullmatch(code) is not None


@cache
def _load() -> tuple[tuple[Jurisdiction, ...], dict[str, tuple[str, ...]]]:
    """Read the package data once: the jurisdictions, and the aliases of each code."""
    raw: dict[str, Any] = json.loads(files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8"))
    jurisdictions: list[Jurisdiction] = []
    aliases: dict[str, tuple[str, ...]] = {}
    for row in raw["jurisdictions"]:
        jurisdictions.append(
            Jurisdiction(
                code=row["code"],
                name=row["name"],
                level=Level(row["level"]),
                parent=row["parent"],
                name_en=row["name_en"],
            )
        )
        aliases[row["code"]] = tuple(row["aliases"])
    return tuple(jurisdictions), aliases


def builtin_jurisdictions() -> tuple[Jurisdiction, ...]:
    """Return the built-in jurisdictions, parents before their children.

    Returns
    -------
    tuple of Jurisdiction
        Provinces, cities, counties, development zones and townships, in the order
        of the package data.

    Examples
    --------
    >>> [j.name for j in builtin_jurisdictions() if j.parent == "140300"]
    ['城区', '矿区', '郊区', '平定县', '盂县', '阳泉高新技术产业开发区']
    """
    return _load()[0]


def _normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), without any white space."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _by_code() -> dict[str, Jurisdiction]:
    return {j.code: j for j in builtin_jurisdictions()}


def _is_within(jurisdiction: Jurisdiction, ancestor: str | None) -> bool:
    """Whether ``jurisdiction`` is ``ancestor`` or lies under it (any depth)."""
    if ancestor is None:
        return True
    by_code = _by_code()
    current: Jurisdiction | None = jurisdiction
    while current is not None:
        if current.code == ancestor:
            return True
        current = by_code.get(current.parent) if current.parent else None
    return False


def _names(jurisdiction: Jurisdiction) -> Iterator[str]:
    yield jurisdiction.name
    yield from _load()[1].get(jurisdiction.code, ())


def _matches(query: str, within: str | None) -> list[Jurisdiction]:
    """Jurisdictions that ``query`` names under ``within``.

    Tried in order: code, official name, alias; then a qualified name such as
    ``连州市连州镇``, read as a jurisdiction's name followed by a name under it.
    """
    candidates = [j for j in builtin_jurisdictions() if _is_within(j, within)]
    aliases = _load()[1]
    for exact in (
        [j for j in candidates if j.code == query],
        [j for j in candidates if j.name == query],
        [j for j in candidates if query in aliases.get(j.code, ())],
    ):
        if exact:
            return exact
    found: list[Jurisdiction] = []
    for jurisdiction in candidates:
        for name in _names(jurisdiction):
            if len(name) < len(query) and query.startswith(name):
                for match in _matches(query[len(name) :], jurisdiction.code):
                    if match != jurisdiction and match not in found:
                        found.append(match)
    return found


def find_jurisdiction(name_or_code: str, *, parent: str | None = None) -> Jurisdiction:
    """Find a built-in jurisdiction by code, name, alias or qualified name.

    Parameters
    ----------
    name_or_code
        A code (``140302``, ``140300-Z01``), an official name (``城区``), an alias
        (``高新区``, ``阳泉``) or a name qualified by its parents (``阳泉市城区``,
        ``清远市连州市连州镇``). White space and full-width digits are ignored.
    parent
        A code or name of an ancestor that the result must lie under, to tell
        apart names that several jurisdictions share.

    Returns
    -------
    Jurisdiction
        The one jurisdiction that matches.

    Raises
    ------
    NotFoundError
        ``jurisdiction.not_found`` when nothing matches (or not under ``parent``).
    InvalidInputError
        ``jurisdiction.ambiguous`` when several jurisdictions match; the error lists them.

    Examples
    --------
    >>> find_jurisdiction("阳泉市 城区").code
    '140302'
    >>> find_jurisdiction("盂县", parent="山西省").parent
    '140300'
    >>> find_jurisdiction("巴楚县", parent="广东省")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    guotu.errors.NotFoundError: [jurisdiction.not_found_under] ...
    """
    query = _normalise(name_or_code)
    within = find_jurisdiction(parent).code if parent is not None else None
    matches = _matches(query, within) if query else []
    if not matches:
        if parent is None:
            raise NotFoundError("jurisdiction.not_found", query=name_or_code)
        raise NotFoundError("jurisdiction.not_found_under", query=name_or_code, parent=parent)
    if len(matches) > 1:
        listed = "、".join(f"{j.name}（{j.code}）" for j in matches)
        raise InvalidInputError("jurisdiction.ambiguous", query=name_or_code, matches=listed)
    return matches[0]
