"""Read and check a 10⁵-feature GeoPackage (a tiling 三调 layer) within seconds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from guotu.domain.layers import layer_kind
from guotu.geo.quality import check_layer
from guotu.io import read_vector


@pytest.mark.slow
def test_read_and_check_a_hundred_thousand_features(tmp_path: Path, kit: Any) -> None:
    n = 316
    xs, ys = np.meshgrid(np.arange(n) * 50.0, np.arange(n) * 50.0)
    x, y = kit.X0 + xs.ravel(), kit.Y0 + ys.ravel()
    squares = shapely.segmentize(shapely.box(x, y, x + 50, y + 50), 10)  # 21 vertices each
    geoms = list(shapely.multipolygons(squares, indices=np.arange(len(squares))))
    fields = {
        "BSM": [f"{i:018d}" for i in range(len(geoms))],
        "DLBM": ["0101", "0201K", "1001", "0702"] * (len(geoms) // 4),
        "TBMJ": [2499.99] * len(geoms),
    }
    path = kit.write_layer(tmp_path / "dltb.gpkg", geoms, fields, driver="GPKG", layer="DLTB")
    started = time.perf_counter()
    data = read_vector(path, id_field="BSM")
    read_s = time.perf_counter() - started
    findings = check_layer(data, layer_kind("current_land_use"))
    total_s = time.perf_counter() - started
    print(f"\n{len(data)} features: read {read_s:.1f} s, read + checks {total_s:.1f} s")
    assert len(data) == n * n and findings == []
    assert total_s < 20
