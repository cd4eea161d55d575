"""The national exchange package: names, layers, fields and areas read back; a failed write leaves nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from guotu.errors import InvalidInputError
from guotu.geo.vector import VectorData
from guotu.io.maintenance_package import WHC_FIELDS, PackageLayer, package_name, write_package

EPSG = 4527
SQUARE = shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)


def _layer(geoms: list[shapely.Polygon], attrs: list[dict[str, object]], fields: tuple[str, ...]) -> VectorData:
    return VectorData(np.array(geoms, dtype=object), attrs, EPSG, tuple(f"F{i}" for i in range(len(geoms))), fields)


def _item(note: str = "") -> PackageLayer:
    before = _layer([SQUARE], [{"MC": "样例街区"}], ("MC",))
    after = _layer([SQUARE, shapely.box(39_500_200, 4_400_000, 39_500_300, 4_400_100)],
                   [{"MC": "样例街区"}, {"MC": "新增文保单位"}], ("MC",))  # fmt: skip
    whc = {"WHLX": "1", "WHLY": "07", "JDZBLY": "", "WHBH": "202606011403000001", "KZBSHSLX": "", "BZ": note}
    changes = _layer([shapely.box(39_500_200, 4_400_000, 39_500_300, 4_400_100)], [whc], tuple(whc))
    return PackageLayer("LSWHBHX", "2090020227", before, after, changes)


def test_package_round_trip(tmp_path: Path) -> None:
    paths = write_package([_item("纳入省级文物保护单位")], tmp_path, xzqdm="140300", xzqmc="阳泉市", year=2026)
    stem = package_name("140300", "阳泉市", 2026)
    assert [p.name for p in paths] == [f"{stem}.gdb", f"{stem}.gpkg"]
    for path in paths:
        assert sorted(str(n) for n in pyogrio.list_layers(path)[:, 0]) == ["WHCLSWHBHX", "WHHLSWHBHX", "WHQLSWHBHX"]
        whc = pyogrio.read_dataframe(path, layer="WHCLSWHBHX")
        assert tuple(whc.columns[:-1]) == WHC_FIELDS
        row = whc.iloc[0]
        assert (row.YSDM, row.XZQDM, row.XZQMC, row.WHLX, row.WHLY, row.BZ) == (
            "2090020227", "140300", "阳泉市", "1", "07", "纳入省级文物保护单位"
        )  # fmt: skip
        assert row.MJ == pytest.approx(10_000, rel=2e-3)  # ellipsoidal m², computed in the source CRS
        whh = pyogrio.read_dataframe(path, layer="WHHLSWHBHX")
        assert list(whh["MC"]) == ["样例街区", "新增文保单位"] and whh.crs.to_epsg() == 4490
        lon, lat = whh.geometry.iloc[0].centroid.coords[0]
        assert 116 < lon < 118 and 39 < lat < 40.5  # geographic CGCS2000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".package-")]


def test_failed_package_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as err:
        write_package([_item("长" * 300)], tmp_path, xzqdm="140300", xzqmc="阳泉市", year=2026)
    assert err.value.code == "package.value_too_long" and err.value.params["field"] == "BZ"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InvalidInputError) as err:
        write_package([_item()], tmp_path, xzqdm="140300", xzqmc="阳泉市", year=2026, formats=("shp",))
    assert err.value.code == "package.format_unknown"
