"""Parcel files: GeoJSON, zipped shapefile (GBK), GeoPackage, DXF, 界址点 TXT, and bad files."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from tests.review.world import EPSG, X0, Y0, box

from guotu.errors import CRSError, GuotuError, InvalidInputError
from guotu.io.parcels import parse_boundary_txt, read_parcels

SQUARE = box(300, 300, 400, 400)


def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ZDDM": ["990101000001", "990101000002"], "DKMC": ["一号地块", "二号地块"], "TDYT": ["0701", "0901"]},
        geometry=[SQUARE, box(500, 300, 600, 450)],
        crs=f"EPSG:{EPSG}",
    )


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "parcels.geojson"
    frame().to_file(path, driver="GeoJSON")
    parcels = read_parcels(path)
    assert [(p.id, p.name, p.use, p.crs) for p in parcels] == [
        ("990101000001", "一号地块", "0701", EPSG),
        ("990101000002", "二号地块", "0901", EPSG),
    ]
    assert shapely.equals(parcels[0].geometry, SQUARE)


def test_zipped_shapefile_with_gbk_dbf(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    frame().to_file(folder / "zd.shp", encoding="GBK")
    (folder / "zd.cpg").unlink(missing_ok=True)
    archive = tmp_path / "zd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    parcels = read_parcels(archive, encoding="GBK")
    assert [p.name for p in parcels] == ["一号地块", "二号地块"]


def test_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "zd.gpkg"
    frame().to_file(path, driver="GPKG", layer="zd")
    parcels = read_parcels(path)
    assert len(parcels) == 2 and parcels[1].use == "0901"


def _lwpolyline(points: list[tuple[float, float]], closed: bool = True) -> list[str]:
    out = ["0", "LWPOLYLINE", "8", "ZD", "100", "AcDbPolyline", "90", str(len(points)), "70", "1" if closed else "0"]
    for x, y in points:
        out += ["10", f"{x:.3f}", "20", f"{y:.3f}"]
    return out


def test_dxf_closed_polylines_become_polygons(tmp_path: Path) -> None:
    square = [(X0 + 300, Y0 + 300), (X0 + 400, Y0 + 300), (X0 + 400, Y0 + 400), (X0 + 300, Y0 + 400)]
    open_line = [(X0 + 500, Y0 + 500), (X0 + 600, Y0 + 500), (X0 + 600, Y0 + 600)]
    body = ["0", "SECTION", "2", "ENTITIES", *_lwpolyline(square), *_lwpolyline(open_line, False)]
    path = tmp_path / "zd.dxf"
    path.write_text("\n".join([*body, "0", "ENDSEC", "0", "EOF"]) + "\n")
    parcels = read_parcels(path, crs=EPSG)
    assert len(parcels) == 1
    assert shapely.equals(parcels[0].geometry, SQUARE)
    with pytest.raises(CRSError):
        read_parcels(path)
    only_lines = tmp_path / "lines.dxf"
    only_lines.write_text(
        "\n".join(["0", "SECTION", "2", "ENTITIES", *_lwpolyline(open_line, False), "0", "ENDSEC", "0", "EOF"])
    )
    with pytest.raises(InvalidInputError) as err:
        read_parcels(only_lines, crs=EPSG)
    assert err.value.code == "review.dxf_no_polygon"


TXT = """[属性描述]
格式版本号=1.01版本
数据产生单位=样例县自然资源局
数据产生日期=2026-03-01
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=39
精度=0.01
转换参数=,,,,,,
[地块坐标]
10,1.7500,D001,示例地块（带孔）,面,J50G001001,0701,,@
J1,1,4320050.000,39500050.000
J2,1,4320050.000,39500250.000
J3,1,4320150.000,39500250.000
J4,1,4320150.000,39500050.000
J1,1,4320050.000,39500050.000
J5,2,4320075.000,39500100.000
J6,2,4320075.000,39500150.000
J7,2,4320125.000,39500150.000
J8,2,4320125.000,39500100.000
J5,2,4320075.000,39500100.000
10,0.0200,D002,两块,面,,0901,,@
J1,1,4320500.000,39500500.000
J2,1,4320500.000,39500510.000
J3,1,4320510.000,39500510.000
J4,1,4320510.000,39500500.000
J1,1,4320500.000,39500500.000
J5,2,4320600.000,39500600.000
J6,2,4320600.000,39500610.000
J7,2,4320610.000,39500610.000
J8,2,4320610.000,39500600.000
J5,2,4320600.000,39500600.000
"""


def test_boundary_point_txt(tmp_path: Path) -> None:
    path = tmp_path / "jzd.txt"
    path.write_bytes(TXT.encode("gbk"))
    first, second = read_parcels(path)
    assert first.crs == EPSG and first.id == "D001" and first.use == "0701"
    assert first.declared_area_ha == Decimal("1.7500")
    assert first.geometry.geom_type == "Polygon" and len(first.geometry.interiors) == 1
    assert first.geometry.area == pytest.approx(200 * 100 - 50 * 50)
    assert first.geometry.bounds == (X0 + 50, Y0 + 50, X0 + 250, Y0 + 150)  # X is northing, Y easting
    assert second.geometry.geom_type == "MultiPolygon" and len(second.geometry.geoms) == 2


def test_boundary_point_txt_without_zone_prefix(tmp_path: Path) -> None:
    text = TXT.replace("39500", "500")
    parcels = parse_boundary_txt(text)
    assert parcels[0].crs == 4548  # CGCS2000 3° CM 117°E, no prefix


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (TXT.replace("J3,1,4320150.000,39500250.000", "J3,1,abc,39500250.000"), "expected"),
        (TXT.replace("10,1.7500", "11,1.7500"), "界址点数"),
        (TXT.replace("坐标系=2000国家大地坐标系", "坐标系=西安80坐标系"), "CGCS2000"),
        (TXT.replace("带号=39", "带号=40"), "eastings"),
        (TXT.replace(",面,J50G", ",线,J50G"), "记录图形属性"),
    ],
)
def test_bad_boundary_point_txt(text: str, reason: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        parse_boundary_txt(text, path="bad.txt")
    assert err.value.code in ("review.txt_invalid", "review.txt_crs")
    assert reason in err.value.params["reason"]


def test_bad_point_line_says_where(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as err:
        parse_boundary_txt(TXT.replace("J3,1,4320150.000,39500250.000", "J3,1,abc,39500250.000"))
    assert err.value.params["line"] == 16


def test_empty_missing_and_unknown_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    with pytest.raises(InvalidInputError) as err:
        read_parcels(empty)
    assert err.value.code == "review.file_empty"
    with pytest.raises(InvalidInputError) as err:
        read_parcels(tmp_path / "nope.geojson")
    assert err.value.code == "review.file_missing"
    other = tmp_path / "parcel.xyz"
    other.write_text("x")
    with pytest.raises(InvalidInputError) as err:
        read_parcels(other)
    assert err.value.code == "review.file_format"
    no_features = tmp_path / "none.geojson"
    no_features.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(GuotuError):
        read_parcels(no_features)


def test_geojson_without_crs_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.geojson"
    feature = {"type": "Feature", "properties": {"ZDDM": "1"}, "geometry": shapely.geometry.mapping(SQUARE)}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    # GeoJSON without "crs" means WGS 84 by the standard: Gauss-Krüger metres do not fit it
    with pytest.raises(CRSError):
        read_parcels(path)
    assert read_parcels(path, crs=EPSG)[0].crs == EPSG
