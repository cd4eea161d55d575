"""Data of the maintenance tests: a synthetic one map with a known change set, loaded into a store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.geo.synthetic import control_lines, default_boundary, districts, survey
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.services.layers import import_layer
from guotu.store import Store

COUNTY = "990101"
EPSG = 4527


@dataclass(frozen=True)
class OneMap:
    """A synthetic one map: its layers (kind → VectorData), districts, and files of change polygons."""

    layers: dict[str, VectorData]
    districts: VectorData
    boundary: shapely.Polygon
    changes: dict[str, Path]
    removed: dict[str, list[shapely.Polygon]]
    added: dict[str, list[shapely.Polygon]]


def _free_box(
    taken: shapely.Geometry, boundary: shapely.Polygon, size: float, start: tuple[float, float]
) -> shapely.Polygon:
    """A square of ``size`` inside ``boundary`` that does not touch ``taken``, searched on a grid from ``start``."""
    x0, y0 = start
    for dy in np.arange(0, 40_000, 700):
        for dx in np.arange(0, 40_000, 700):
            candidate = shapely.box(x0 + dx, y0 + dy, x0 + dx + size, y0 + dy + size)
            if boundary.contains(candidate) and not candidate.intersects(taken):
                return candidate
    raise AssertionError("no free spot")


def _change_file(path: Path, removed: list[shapely.Polygon], added: list[shapely.Polygon], **extra: object) -> Path:
    geoms = [*removed, *added]
    attrs = [{"WHLX": "3", "WHLY": "04", **extra} for _ in removed] + [
        {"WHLX": "1", "WHLY": "02", **extra} for _ in added
    ]
    data = VectorData(
        geometries=np.array(
            [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geoms], dtype=object
        ),
        attributes=attrs,
        crs=EPSG,
        feature_ids=tuple(f"C{i}" for i in range(len(geoms))),
        fields=tuple(attrs[0]),
    )
    return write_vector(data, path)


def build_one_map(tmp_path: Path) -> OneMap:
    """Survey → control lines (城镇开发边界, 永久基本农田, 历史文化保护线) and change files for two of them."""
    sv = survey(1500, seed=3)
    lines = control_lines(sv, seed=3)
    boundary = default_boundary()
    udb = lines["urban_development_boundary"]
    farm = lines["permanent_basic_farmland"]
    taken_all = shapely.union_all([*udb.geometries, *farm.geometries, *lines["ecological_red_line"].geometries])
    # 城镇开发边界: 调出 the west half of its first polygon, 调入 a free 400 m square (smaller: area not increased)
    first = udb.geometries[0]
    minx, miny, maxx, maxy = first.bounds
    udb_out = shapely.intersection(first, shapely.box(minx, miny, (minx + maxx) / 2, maxy))
    udb_out = max(shapely.get_parts(udb_out), key=lambda g: g.area)
    udb_in = _free_box(taken_all, boundary, 400.0, (minx, miny))
    # 永久基本农田: 调出 a 300 m square out of one 图斑, 调入 a free 400 m square (grade 5): quantity not reduced
    farm_feature = farm.geometries[5]
    fx, fy = shapely.point_on_surface(farm_feature).coords[0]
    farm_out = shapely.intersection(farm_feature, shapely.box(fx - 150, fy - 150, fx + 150, fy + 150))
    farm_out = max(shapely.get_parts(farm_out), key=lambda g: g.area)
    farm_in = _free_box(shapely.union_all([taken_all, udb_in]), boundary, 400.0, (39_476_000.0, 4_301_000.0))
    files = {
        "urban_development_boundary": _change_file(tmp_path / "udb_changes.gpkg", [udb_out], [udb_in]),
        "permanent_basic_farmland": _change_file(tmp_path / "farm_changes.gpkg", [farm_out], [farm_in], ZLDJ=5),
    }
    return OneMap(
        layers=lines,
        districts=districts(n=3, seed=3),
        boundary=boundary,
        changes=files,
        removed={"urban_development_boundary": [udb_out], "permanent_basic_farmland": [farm_out]},
        added={"urban_development_boundary": [udb_in], "permanent_basic_farmland": [farm_in]},
    )


LAYER_NAMES = {
    "urban_development_boundary": "czkfbj",
    "permanent_basic_farmland": "yjjbnt",
    "historic_protection_line": "lswhbhx",
}


def load_one_map(store: Store, one_map: OneMap, tmp_path: Path) -> dict[str, str]:
    """Import the layers, districts and the jurisdiction into ``store``; return kind → layer name."""
    store.upsert_jurisdiction(
        Jurisdiction(COUNTY, "样例县", Level.COUNTY, None), boundary_wkb=shapely.to_wkb(one_map.boundary), crs=EPSG
    )
    for kind, name in LAYER_NAMES.items():
        path = write_vector(one_map.layers[kind], tmp_path / f"{name}.gpkg", overwrite=True)
        result = import_layer(store, path, name=name, kind=kind, jurisdiction=COUNTY)
        assert result.version is not None, result.findings
    path = write_vector(one_map.districts, tmp_path / "xzq.gpkg", overwrite=True)
    assert import_layer(store, path, name="xzq", kind="custom").version is not None
    return dict(LAYER_NAMES)
