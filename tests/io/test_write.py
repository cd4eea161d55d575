"""Writing every format and reading it back: Chinese names and values, leading zeros, areas, CRS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import CRS

from guotu.errors import InvalidInputError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.vector import VectorData
from guotu.io import read_vector, write_vector

FIELDS = ("BSM", "地类编码", "地类名称", "图斑面积平方米", "宗数", "是否有效", "批准日期")


def _layer(kit: Any, epsg: int = 4527) -> VectorData:
    square, l_shape, holed = (
        shapely.box(kit.X0, kit.Y0, kit.X0 + 100, kit.Y0 + 100),
        shapely.Polygon(
            [
                (kit.X0 + 200, kit.Y0),
                (kit.X0 + 300, kit.Y0),
                (kit.X0 + 300, kit.Y0 + 50),
                (kit.X0 + 250, kit.Y0 + 50),
                (kit.X0 + 250, kit.Y0 + 100),
                (kit.X0 + 200, kit.Y0 + 100),
            ]
        ),
        shapely.box(kit.X0 + 400, kit.Y0, kit.X0 + 500, kit.Y0 + 100).difference(
            shapely.box(kit.X0 + 440, kit.Y0 + 40, kit.X0 + 460, kit.Y0 + 60)
        ),
    )
    geoms = np.array([shapely.MultiPolygon([g]) for g in (square, l_shape, holed)], dtype=object)
    areas = ellipsoidal_area(geoms, 4527)
    rows = [
        ("440100000000000001", "0101", "水田", 1, True, "2024-03-01"),
        ("440100000000000002", "0702", "城镇住宅用地（𬌗字地块）", None, False, None),
        ("440100000000000003", "1001", "工业用地", 3, None, "2025-12-31"),
    ]
    attributes = [
        dict(zip(FIELDS, (bsm, code, name, round(float(area), 2), n, ok, day), strict=True))
        for (bsm, code, name, n, ok, day), area in zip(rows, areas, strict=True)
    ]
    types = {"批准日期": {"type": "date"}, "宗数": {"type": "int"}}
    return VectorData(geoms, attributes, 4527, ("1", "2", "3"), FIELDS, source={"name": "地块", "field_types": types})


def _assert_same(back: VectorData, layer: VectorData, *, area_m2: float = 1e-6) -> None:
    assert back.fields == layer.fields
    assert len(back) == len(layer)
    for got, want in zip(back.attributes, layer.attributes, strict=True):
        for name in ("BSM", "地类编码", "地类名称", "图斑面积平方米", "宗数"):
            assert got[name] == want[name], name
        assert got["是否有效"] == want["是否有效"]
        # FileGDB has no date-only type here: dates come back as midnight datetimes.
        assert (got["批准日期"] or "").startswith(want["批准日期"] or "")
    before = ellipsoidal_area(layer.geometries, layer.crs)
    after = ellipsoidal_area(back.geometries, back.crs)
    np.testing.assert_allclose(after, before, rtol=0, atol=area_m2)
    np.testing.assert_allclose([row["图斑面积平方米"] for row in back.attributes], np.round(before, 2))


@pytest.mark.parametrize("suffix", [".gpkg", ".gdb", ".parquet"])
def test_round_trip(tmp_path: Path, kit: Any, suffix: str) -> None:
    layer = _layer(kit)
    path = write_vector(layer, tmp_path / f"成果{suffix}")
    back = read_vector(path, id_field="BSM")
    assert back.crs == 4527 and back.source["name"] == "地块" if suffix != ".parquet" else back.crs == 4527
    _assert_same(back, layer)
    assert back.feature_ids == tuple(row["BSM"] for row in layer.attributes)


def test_shapefile_round_trip_utf8_cpg_prj_and_aliases(tmp_path: Path, kit: Any) -> None:
    layer = _layer(kit)
    path = write_vector(layer, tmp_path / "地块.shp")
    assert (tmp_path / "地块.cpg").read_text() == "UTF-8"
    assert "CGCS2000_3_Degree_GK_Zone_39" in (tmp_path / "地块.prj").read_text()
    aliases = (tmp_path / "地块.aliases.csv").read_text(encoding="utf-8-sig").splitlines()
    assert aliases[0] == "short,original" and "地类编,地类编码" in aliases
    back = read_vector(path)
    assert back.source["encoding_source"] == "cpg"
    _assert_same(back, layer)
    assert "地类编" in back.field_aliases and back.field_aliases["地类编"] == "地类编码"


def test_zipped_shapefile_round_trip(tmp_path: Path, kit: Any, scratch: Path) -> None:
    layer = _layer(kit)
    path = write_vector(layer, tmp_path / "地块.zip")
    back = read_vector(path)
    assert back.source["name"] == "地块"
    _assert_same(back, layer)


def test_gbk_shapefile_for_old_software(tmp_path: Path, kit: Any) -> None:
    layer = _layer(kit)
    with pytest.raises(InvalidInputError) as caught:
        write_vector(layer, tmp_path / "gbk.shp", encoding="GBK")
    assert caught.value.code == "vector.unencodable" and "𬌗" in caught.value.params["value"]
    assert list(tmp_path.iterdir()) == []  # nothing half-written, no staging left
    plain = VectorData(
        layer.geometries,
        [{**row, "地类名称": "住宅"} for row in layer.attributes],
        4527,
        layer.feature_ids,
        layer.fields,
        source=layer.source,
    )
    path = write_vector(plain, tmp_path / "gbk.shp", encoding="GBK")
    back = read_vector(path)
    assert back.attributes[1]["地类名称"] == "住宅" and back.fields == layer.fields
    assert back.source["encoding"] == "gb18030"


def test_geojson_is_rfc7946_lon_lat(tmp_path: Path, kit: Any) -> None:
    layer = _layer(kit)
    path = write_vector(layer, tmp_path / "地块.geojson")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in document
    lon, lat = document["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 116.9 < lon < 117.3 and 39.5 < lat < 40.0
    ring = shapely.LinearRing(document["features"][0]["geometry"]["coordinates"][0][0])
    assert ring.is_ccw  # RFC 7946: exterior rings counter-clockwise
    back = read_vector(path)
    assert back.crs == 4490
    # 9 decimals of a degree are 0.1 mm; an edge straight in the Gauss-Krüger plane is not quite
    # straight in longitude/latitude: the official area moves by less than 0.01 m² per hectare.
    _assert_same(back, layer, area_m2=0.01)


def test_geoparquet_metadata(tmp_path: Path, kit: Any) -> None:
    path = write_vector(_layer(kit), tmp_path / "a.parquet")
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    column = geo["columns"][geo["primary_column"]]
    assert geo["version"] == "1.1.0" and column["encoding"] == "WKB"
    assert column["geometry_types"] == ["MultiPolygon"]
    assert CRS.from_json_dict(column["crs"]).to_epsg() == 4527
    assert len(column["bbox"]) == 4


def test_rings_are_oriented_on_write(tmp_path: Path, kit: Any) -> None:
    clockwise = shapely.Polygon(list(shapely.box(kit.X0, kit.Y0, kit.X0 + 10, kit.Y0 + 10).exterior.coords)[::-1])
    layer = VectorData(np.array([shapely.MultiPolygon([clockwise])]), [{}], 4527, ("1",))
    back = read_vector(write_vector(layer, tmp_path / "o.gpkg"))
    assert back.geometries[0].geoms[0].exterior.is_ccw
    assert back.geometries[0].area == pytest.approx(100.0)


def test_existing_output_is_kept_unless_overwrite(tmp_path: Path, kit: Any) -> None:
    layer = _layer(kit)
    path = write_vector(layer, tmp_path / "a.gpkg")
    with pytest.raises(InvalidInputError) as caught:
        write_vector(layer, path)
    assert caught.value.code == "vector.output_exists"
    write_vector(layer, path, overwrite=True)
    assert len(read_vector(path)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg"]  # no staging left


def test_unknown_driver(tmp_path: Path, kit: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        write_vector(_layer(kit), tmp_path / "a.kml")
    assert caught.value.code == "vector.driver_unknown"


def test_text_too_long_for_a_dbf(tmp_path: Path, kit: Any) -> None:
    layer = _layer(kit)
    long = VectorData(
        layer.geometries,
        [{**row, "地类名称": "长" * 100} for row in layer.attributes],
        4527,
        layer.feature_ids,
        layer.fields,
    )
    with pytest.raises(InvalidInputError) as caught:
        write_vector(long, tmp_path / "a.shp")
    assert caught.value.code == "vector.value_too_long"
    assert list(tmp_path.iterdir()) == []


def test_short_names_are_unique_and_whole_characters() -> None:
    from guotu.io.vector_write import short_names

    names = short_names(("规划用途代码", "规划用途名称", "bsm", "BSM", "a" * 12), "utf-8")
    assert names == ["规划用", "规划_2", "bsm", "BSM_2", "aaaaaaaaaa"]
    assert all(len(n.encode()) <= 10 for n in names)
