"""The one map's layers: kinds, their required attributes and control rules, versions.

The 国土空间规划"一张图" is a set of layers (DOMAIN.md §4). Each layer has a kind
(永久基本农田, 生态保护红线, 城镇开发边界 …) that fixes its required attributes, its
control semantics for review (禁止占用 / 需论证 / 允许) and whether its features must
tile the territory (规划分区, 现状). A layer changes only by new, immutable versions,
each with a content hash, a legal status and the approval that made it.

Examples
--------
>>> kind = layer_kind("permanent_basic_farmland")
>>> kind.name_zh, kind.abbreviation, kind.control.value
('永久基本农田', 'YJJBNT', 'forbid')
>>> layer_kind("YJJBNT") is kind
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from guotu.errors import InvalidInputError

__all__ = [
    "LAYER_KINDS",
    "ChangeKind",
    "Control",
    "FeatureChange",
    "LayerKind",
    "LayerVersionInfo",
    "LegalStatus",
    "layer_kind",
]


class Control(StrEnum):
    """What a layer means for a project that overlaps it (configurable per layer)."""

    FORBID = "forbid"  # 禁止占用
    CONDITIONAL = "conditional"  # 需论证
    ALLOW = "allow"  # 允许
    INFO = "info"  # 仅供参考 (survey, zones: checked by their attributes)


class LegalStatus(StrEnum):
    """Legal status of a layer version."""

    DRAFTING = "在编"
    IN_FORCE = "现行"
    REPEALED = "已废止"


class ChangeKind(StrEnum):
    """The three kinds of change of the 动态维护 data model (WHLX, DOMAIN.md §4.2)."""

    ADDED = "调入"  # WHLX 1
    ATTRIBUTE = "属性变更"  # WHLX 2
    REMOVED = "调出"  # WHLX 3

    @property
    def whlx(self) -> str:
        """The WHLX code of the national package: 1 调入, 2 属性变更, 3 调出."""
        return {"调入": "1", "属性变更": "2", "调出": "3"}[self.value]


@dataclass(frozen=True)
class LayerKind:
    """A kind of one-map layer.

    Parameters
    ----------
    id
        English identifier (``permanent_basic_farmland``).
    name_zh, name_en
        Display names.
    abbreviation
        The feature-class name used in planning databases (YJJBNT, STBHHX ...).
    ysdm
        要素代码 when known (DOMAIN.md §4.2; verify against the province's spec).
    required
        Attribute names every feature must carry (after field-name mapping).
    control
        Default control semantics for review.
    tiles
        True when the layer's features must cover its extent without gaps or
        overlaps (规划分区, 现状).
    class_field
        The attribute holding a land-use or zone code, if any.
    """

    id: str
    name_zh: str
    name_en: str
    abbreviation: str
    control: Control
    required: tuple[str, ...] = ()
    ysdm: str | None = None
    tiles: bool = False
    class_field: str | None = None
    aliases: tuple[str, ...] = ()


LAYER_KINDS: Final[tuple[LayerKind, ...]] = (
    LayerKind(
        "permanent_basic_farmland",
        "永久基本农田",
        "Permanent basic farmland",
        "YJJBNT",
        Control.FORBID,
        aliases=("YJJBNTTB", "永久基本农田保护图斑"),
    ),
    LayerKind("ecological_red_line", "生态保护红线", "Ecological protection red line", "STBHHX", Control.FORBID),
    LayerKind(
        "urban_development_boundary",
        "城镇开发边界",
        "Urban development boundary",
        "CZKFBJ",
        Control.CONDITIONAL,
        aliases=("CSKFBJ",),
    ),
    LayerKind(
        "historic_protection_line",
        "历史文化保护线",
        "Historic and cultural protection line",
        "LSWHBHX",
        Control.CONDITIONAL,
        ysdm="2090020227",
    ),
    LayerKind(
        "flood_risk_line",
        "洪涝风险控制线",
        "Flood risk control line",
        "HLFXKZX",
        Control.CONDITIONAL,
        ysdm="2090020229",
    ),
    LayerKind("green_line", "城市绿线", "Urban green line", "ZXCQCSLVX", Control.FORBID, ysdm="2090020232"),
    LayerKind("purple_line", "城市紫线", "Urban purple line (heritage)", "ZXCQCSZX", Control.FORBID, ysdm="2090020233"),
    LayerKind("blue_line", "城市蓝线", "Urban blue line (water)", "ZXCQCSLX", Control.CONDITIONAL),
    LayerKind(
        "yellow_line",
        "城市黄线",
        "Urban yellow line (infrastructure)",
        "ZXCQCSHX",
        Control.CONDITIONAL,
        ysdm="2090020234",
    ),
    LayerKind(
        "planning_zones",
        "规划分区",
        "Planning zones",
        "GHFQ",
        Control.INFO,
        required=("GHFQDM",),
        ysdm="2090020610",
        tiles=True,
        class_field="GHFQDM",
        aliases=("YDYHGHFQ", "ZXCQGHFQ"),
    ),
    LayerKind(
        "land_use_layout",
        "用地用海布局",
        "Planned land and sea use",
        "ZXCQGHYDYH",
        Control.INFO,
        required=("YDYHFLDM",),
        ysdm="2090020620",
        class_field="YDYHFLDM",
        aliases=("GHYDYH",),
    ),
    LayerKind(
        "current_land_use",
        "现状",
        "Current land use (survey)",
        "DLTB",
        Control.INFO,
        required=("DLBM",),
        tiles=True,
        class_field="DLBM",
        aliases=("地类图斑", "JQDLTB"),
    ),
    LayerKind("parcels", "宗地", "Land parcels", "ZD", Control.INFO),
    LayerKind("custom", "自定义", "Custom layer", "CUSTOM", Control.INFO),
)

_BY_KEY: Final[dict[str, LayerKind]] = {}
for _kind in LAYER_KINDS:
    for _key in (_kind.id, _kind.name_zh, _kind.abbreviation, *_kind.aliases):
        _BY_KEY[_key.upper() if _key.isascii() else _key] = _kind


def layer_kind(name: str) -> LayerKind:
    """Return the layer kind named by its id, Chinese name or abbreviation.

    Raises
    ------
    guotu.errors.InvalidInputError
        ``layer.kind_unknown`` for any other name.
    """
    key = name.strip()
    found = _BY_KEY.get(key.upper() if key.isascii() else key) or _BY_KEY.get(key)
    if found is None:
        raise InvalidInputError("layer.kind_unknown", kind=name, choices=", ".join(k.id for k in LAYER_KINDS))
    return found


@dataclass(frozen=True)
class LayerVersionInfo:
    """What is known about one immutable version of a layer.

    Parameters
    ----------
    layer
        The layer's name (unique within a store).
    version
        1, 2, 3 … in order of creation.
    content_hash
        SHA-256 over the features' canonical form (geometry WKB and attributes,
        in feature-id order): two versions with the same content have the same hash.
    legal_status
        在编 / 现行 / 已废止.
    filed
        部备案: filed with the ministry.
    effective_date, approval_document
        When and by what act the version took effect.
    crs
        EPSG code of the stored geometries (CGCS2000).
    feature_count, area_m2
        Size of the version; area is the sum of the features' ellipsoidal areas.
    """

    layer: str
    version: int
    content_hash: str
    legal_status: LegalStatus
    crs: int
    feature_count: int
    area_m2: float
    created_at: datetime
    filed: bool = False
    effective_date: date | None = None
    approval_document: str | None = None
    parent: int | None = None
    note: str = ""
    source: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FeatureChange:
    """One polygon of a diff between two versions: 调入, 调出 or 属性变更, with its area."""

    kind: ChangeKind
    feature_id: str | None
    geometry_wkb: bytes
    area_m2: float
    attributes_before: dict[str, Any] = field(default_factory=dict)
    attributes_after: dict[str, Any] = field(default_factory=dict)
