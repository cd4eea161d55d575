"""A hand-built one map in EPSG:4527 where every expected overlap is known by construction.

Two districts side by side (990101 west, 990102 east) of 1 km × 1 km under city 990100:

* 永久基本农田 (layer for district 990101 only): F1 = [0, 200] × [0, 200];
* 生态保护红线 (city-wide): R1 = [600, 800] × [600, 800];
* 城镇开发边界 (city-wide): U1 = [200, 2000] × [0, 1000];
* 规划分区 (city-wide, tiles): 03 on [0, 200] × [0, 1000], 04 on [200, 2000] × [0, 1000];
* 历史文化保护线 (city-wide): H1 = [1100, 1300] × [100, 300].

Coordinates are metres from the origin (39 500 000 E, 4 320 000 N).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import shapely

from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.domain.layers import LegalStatus
from guotu.geo.vector import VectorData
from guotu.store import Store

EPSG = 4527
X0, Y0 = 39_500_000.0, 4_320_000.0
EFFECTIVE = date(2026, 1, 1)


def box(x0: float, y0: float, x1: float, y1: float) -> Any:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def vector(geoms: list[Any], attrs: list[dict[str, Any]], ids: list[str]) -> VectorData:
    return VectorData(
        geometries=np.array(
            [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geoms], dtype=object
        ),
        attributes=attrs,
        crs=EPSG,
        feature_ids=tuple(ids),
        fields=tuple(attrs[0]) if attrs else (),
    )


FARMLAND = box(0, 0, 200, 200)
RED_LINE = box(600, 600, 800, 800)
UDB = box(200, 0, 2000, 1000)
ZONE_03 = box(0, 0, 200, 1000)
ZONE_04 = box(200, 0, 2000, 1000)
HISTORY = box(1100, 100, 1300, 300)


def add_layer(store: Store, name: str, kind: str, data: VectorData, jurisdiction: str | None = None) -> None:
    store.create_layer(name, kind, jurisdiction=jurisdiction)
    store.add_version(name, data, legal_status=LegalStatus.IN_FORCE, effective_date=EFFECTIVE)


def build_world(store: Store) -> None:
    store.upsert_jurisdiction(Jurisdiction("990100", "样例市", Level.CITY, None))
    store.upsert_jurisdiction(Jurisdiction("990101", "样例一区", Level.COUNTY, "990100"))
    store.upsert_jurisdiction(Jurisdiction("990102", "样例二区", Level.COUNTY, "990100"))
    add_layer(
        store,
        "yjjbnt_990101",
        "permanent_basic_farmland",
        vector([FARMLAND], [{"DLBM": "0101"}], ["F1"]),
        "990101",
    )
    add_layer(store, "stbhhx", "ecological_red_line", vector([RED_LINE], [{"LHLX": "生态保护红线"}], ["R1"]))
    add_layer(store, "czkfbj", "urban_development_boundary", vector([UDB], [{"GHFQDM": "04"}], ["U1"]))
    add_layer(
        store,
        "ghfq",
        "planning_zones",
        vector([ZONE_03, ZONE_04], [{"GHFQDM": "03"}, {"GHFQDM": "04"}], ["Z03", "Z04"]),
    )
    add_layer(store, "lswhbhx", "historic_protection_line", vector([HISTORY], [{"MC": "老街"}], ["H1"]))
