"""Jurisdictions: administrative units (6-digit codes) and development zones under them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Jurisdiction", "Level"]


class Level(StrEnum):
    """Administrative level of a jurisdiction."""

    PROVINCE = "province"  # 省级
    CITY = "city"  # 地级
    COUNTY = "county"  # 县级 (县, 县级市, 市辖区)
    TOWNSHIP = "township"  # 乡级 (乡, 镇, 街道)
    ZONE = "zone"  # 开发区 (高新区, 经开区): not administrative, a unit of its own under a parent


@dataclass(frozen=True)
class Jurisdiction:
    """A jurisdiction.

    Parameters
    ----------
    code
        6-digit administrative code (GB/T 2260), or for a development zone a code
        of its own under its parent (e.g. the parent's code + a suffix ``-Z01``).
    name
        The official name (阳泉市, 城区, 高新区).
    level
        :class:`Level`.
    parent
        The parent's code, or None for a province.
    """

    code: str
    name: str
    level: Level
    parent: str | None = None
    name_en: str | None = None
