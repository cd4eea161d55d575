"""Reading what is right, or nearly right: encodings, names, layers, CRSs, geometry kinds."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from guotu.errors import InvalidInputError
from guotu.geo.area import ellipsoidal_area
from guotu.io import list_layers, read_vector

NAMES = ["一号地块", "二号地块", "三号地块"]


def _layer(folder: Path, kit: Any, name: str = "地块", encoding: str = "UTF-8", **kwargs: Any) -> Path:
    fields = kwargs.pop("fields", {"BSM": ["001", "002", "003"], "名称": NAMES, "MJ": [10000.0, 10000.0, 10000.0]})
    return kit.write_layer(folder / f"{name}.shp", kit.squares(3), fields, encoding=encoding, **kwargs)


def _codes(data: Any) -> list[str]:
    return [w["code"] for w in data.source["warnings"]]


# --- encodings ------------------------------------------------------------------------


def test_gbk_without_cpg_is_detected_and_shown_for_confirmation(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    data = read_vector(shp)
    assert [row["名称"] for row in data.attributes] == NAMES
    assert data.fields == ("BSM", "名称", "MJ")
    assert data.source["encoding"] == "gb18030" and data.source["encoding_source"] == "detected"
    note = next(w for w in data.source["warnings"] if w["code"] == "qc.encoding_guessed")
    assert "一号地块" in note["samples"]


def test_utf8_with_cpg_is_declared_not_guessed(tmp_path: Path, kit: Any) -> None:
    data = read_vector(_layer(tmp_path, kit))
    assert [row["名称"] for row in data.attributes] == NAMES
    assert data.source["encoding_source"] == "cpg"
    assert "qc.encoding_guessed" not in _codes(data)


def test_utf8_without_cpg_is_detected(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit)
    shp.with_suffix(".cpg").unlink()
    data = read_vector(shp)
    assert data.source["encoding"] == "utf-8" and "qc.encoding_guessed" in _codes(data)


def test_gbk_language_driver_byte_is_honoured(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0x4D  # LDID 77: code page 936
    dbf.write_bytes(bytes(data))
    read = read_vector(shp)
    assert read.source["encoding_source"] == "ldid" and read.attributes[0]["名称"] == "一号地块"


def test_utf8_field_name_cut_mid_character_gets_a_readable_name(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit, fields={"ABCDEFGHIJ": ["a", "b", "c"]})
    dbf = shp.with_suffix(".dbf")
    cut = "地类编码".encode()[:10]  # what a 10-byte DBF name keeps of a UTF-8 name: 3 characters and a byte
    dbf.write_bytes(dbf.read_bytes().replace(b"ABCDEFGHIJ", cut))
    data = read_vector(shp)
    assert data.fields == ("地类编",)
    assert data.attributes[0] == {"地类编": "a"}
    assert "qc.field_renamed" in _codes(data)


def test_leading_zero_codes_and_types_survive(tmp_path: Path, kit: Any) -> None:
    fields = {"DLBM": ["0101", "0102", "1001"], "N": [1, 2, 3], "X": [1.25, None, 3.5]}
    data = read_vector(_layer(tmp_path, kit, fields=fields))
    assert [row["DLBM"] for row in data.attributes] == ["0101", "0102", "1001"]
    assert [row["N"] for row in data.attributes] == [1, 2, 3]
    assert [row["X"] for row in data.attributes] == [1.25, None, 3.5]
    assert data.source["field_types"]["X"]["type"] == "float"


def test_deleted_dbf_record_is_skipped(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    header_length, record_length = struct.unpack("<HH", data[8:12])
    data[header_length + record_length] = ord("*")  # delete the second record
    dbf.write_bytes(bytes(data))
    read = read_vector(shp)
    assert [row["名称"] for row in read.attributes] == [NAMES[0], NAMES[2]]
    assert read.feature_ids == ("0", "2")


# --- archives and layers --------------------------------------------------------------


def test_gbk_names_in_a_zip_without_the_utf8_flag(tmp_path: Path, kit: Any, scratch: Path) -> None:
    shp = _layer(tmp_path, kit)
    entries = [("地块".encode("gbk") + s.encode(), d) for s, d in kit.shapefile_parts(shp).items()]
    path = kit.zip_entries(tmp_path / "upload.zip", entries)
    data = read_vector(path)
    assert data.source["name"] == "地块" and len(data) == 3
    assert [layer["name"] for layer in list_layers(path)] == ["地块"]


def test_zip_with_folders_upper_case_suffixes_and_macos_junk(tmp_path: Path, kit: Any, scratch: Path) -> None:
    shp = _layer(tmp_path, kit)
    entries: list[tuple[str | bytes, bytes]] = [(f"成果/DK{s.upper()}", d) for s, d in kit.shapefile_parts(shp).items()]
    entries += [("__MACOSX/成果/._DK.SHP", b"junk"), ("成果/.DS_Store", b"junk")]
    data = read_vector(kit.zip_entries(tmp_path / "upload.zip", entries))
    assert data.source["name"] == "DK" and data.attributes[0]["名称"] == NAMES[0]


def test_several_layers_are_listed_and_one_is_picked(tmp_path: Path, kit: Any, scratch: Path) -> None:
    a, b = _layer(tmp_path, kit, "地块"), _layer(tmp_path, kit, "道路")
    entries = [(p.stem + s, d) for p in (a, b) for s, d in kit.shapefile_parts(p).items() if s != ".shx" or p == a]
    path = kit.zip_entries(tmp_path / "two.zip", entries)
    with pytest.raises(InvalidInputError) as caught:
        read_vector(path)
    assert caught.value.code == "vector.multiple_layers"
    assert "地块" in caught.value.params["layers"] and "道路 (−.shx)" in caught.value.params["layers"]
    assert [(x["name"], x["missing"]) for x in list_layers(path)] == [("地块", []), ("道路", [".shx"])]
    assert read_vector(path, layer="地块").source["name"] == "地块"
    with pytest.raises(InvalidInputError) as incomplete:
        read_vector(path, layer="道路")
    assert incomplete.value.code == "vector.shapefile_incomplete" and incomplete.value.params["missing"] == ".shx"


def test_folder_of_shapefiles(tmp_path: Path, kit: Any) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    _layer(folder, kit, "地块")
    assert len(read_vector(folder)) == 3


def test_geopackage_layers(tmp_path: Path, kit: Any) -> None:
    path = tmp_path / "两层.gpkg"
    kit.write_layer(path, kit.squares(2), {"名称": ["甲", "乙"]}, driver="GPKG", layer="地块")
    kit.write_layer(path, kit.squares(1), {"名称": ["丙"]}, driver="GPKG", layer="道路")
    with pytest.raises(InvalidInputError, match="multiple_layers"):
        read_vector(path)
    assert [x["name"] for x in list_layers(path)] == ["地块", "道路"]
    data = read_vector(path, layer="道路")
    assert data.attributes == [{"名称": "丙"}] and data.crs == 4527


def test_zipped_filegdb(tmp_path: Path, kit: Any, scratch: Path) -> None:
    gdb = tmp_path / "成果.gdb"
    kit.write_layer(gdb, kit.squares(2), {"DLBM": ["0101", "0201K"]}, driver="OpenFileGDB", layer="DLTB")
    entries: list[tuple[str | bytes, bytes]] = [(f"包/成果.gdb/{p.name}", p.read_bytes()) for p in gdb.iterdir()]
    data = read_vector(kit.zip_entries(tmp_path / "gdb.zip", entries))
    assert data.source["format"] == "OpenFileGDB" and data.source["name"] == "DLTB"
    assert [row["DLBM"] for row in data.attributes] == ["0101", "0201K"]
    assert read_vector(gdb, layer="DLTB").crs == 4527


def test_hostile_names_are_data_and_the_file_is_untouched(tmp_path: Path, kit: Any) -> None:
    """RELIABILITY.md §5.3: an injection payload as a table name, odd column names, a WAL-mode file."""
    path = tmp_path / "inj.gpkg"
    fields = {'a"b': ["x"], "select": ["y"], "名称": ["z"]}
    kit.write_layer(path, kit.squares(1), fields, driver="GPKG", layer='dk"; DROP TABLE audit; --')
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE audit (x)")
    db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    data = read_vector(path)
    assert data.fields == ('a"b', "select", "名称") and data.attributes == [{'a"b': "x", "select": "y", "名称": "z"}]
    assert data.source["layer"] == 'dk"; DROP TABLE audit; --'
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inj.gpkg"]  # no -wal, -shm or journal written


# --- CRS ------------------------------------------------------------------------------


def test_prj_with_utf8_bom(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit)
    prj = shp.with_suffix(".prj")
    prj.write_bytes(b"\xef\xbb\xbf" + prj.read_bytes())
    assert read_vector(shp).crs == 4527


def test_geojson_is_rfc7946_lon_lat_read_as_cgcs2000(tmp_path: Path) -> None:
    path = tmp_path / "a.geojson"
    ring = [[117.0, 39.0], [117.001, 39.0], [117.001, 39.001], [117.0, 39.001], [117.0, 39.0]]
    feature = {
        "type": "Feature",
        "properties": {"DLBM": "0101"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    data = read_vector(path)
    assert data.crs == 4490 and data.geometries[0].geom_type == "MultiPolygon"
    assert "qc.crs_wgs84" in _codes(data)


def test_geoparquet_without_crs_is_crs84_read_as_cgcs2000(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    square = shapely.MultiPolygon([shapely.box(117.0, 39.0, 117.001, 39.001)])
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
    table = pa.table({"DLBM": ["0101"], "geometry": [shapely.to_wkb(square)]})
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), tmp_path / "a.parquet")
    data = read_vector(tmp_path / "a.parquet")
    assert data.crs == 4490 and data.attributes == [{"DLBM": "0101"}]
    assert "qc.crs_wgs84" in _codes(data)


def test_crs_argument_overrides_and_is_recorded(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit, crs="EPSG:4548")
    data = read_vector(shp, crs="EPSG:4527")
    note = next(w for w in data.source["warnings"] if w["code"] == "qc.crs_overridden")
    assert note["declared"] == 4548 and note["epsg"] == 4527


# --- geometry -------------------------------------------------------------------------


def test_z_values_are_dropped_with_a_note(tmp_path: Path, kit: Any) -> None:
    z = shapely.force_3d(kit.squares(2)[0], 12.5)
    path = kit.write_layer(tmp_path / "z.gpkg", [z], driver="GPKG", geometry_type="MultiPolygon Z")
    data = read_vector(path)
    assert not shapely.has_z(data.geometries[0])
    assert "qc.z_dropped" in _codes(data)


def test_m_values_are_dropped_with_a_note(tmp_path: Path, kit: Any) -> None:
    x, y = kit.X0, kit.Y0
    ring = [(x, y, 1.0), (x + 10, y, 2.0), (x + 10, y + 10, 3.0), (x, y, 1.0)]
    polygon_m = struct.pack("<BIII", 1, 2003, 1, 4) + struct.pack("<12d", *(v for p in ring for v in p))
    path = kit.write_layer(tmp_path / "m.gpkg", [None], driver="GPKG", geometry_type="Unknown", wkb=[polygon_m])
    data = read_vector(path)
    assert data.geometries[0].area == pytest.approx(50.0) and not shapely.has_m(data.geometries[0])
    assert "qc.m_dropped" in _codes(data)


def test_curves_are_linearised_within_a_centimetre(tmp_path: Path, kit: Any) -> None:
    x, y, r = kit.X0, kit.Y0, 50.0
    arc = struct.pack("<BII", 1, 8, 3) + struct.pack("<6d", x - r, y, x + r, y, x - r, y)  # a full circle
    curve_polygon = struct.pack("<BII", 1, 10, 1) + arc
    path = kit.write_layer(tmp_path / "c.gpkg", [None], driver="GPKG", geometry_type="Unknown", wkb=[curve_polygon])
    data = read_vector(path)
    geom = data.geometries[0]
    assert geom.geom_type == "MultiPolygon" and geom.is_valid
    assert abs(geom.area - np.pi * r * r) < 2 * np.pi * r * 0.01  # chords within 1 cm of the arc
    assert "qc.curves_linearised" in _codes(data)


def test_null_and_empty_geometries_are_kept_for_the_checks(tmp_path: Path, kit: Any) -> None:
    geoms = [kit.squares(1)[0], None, shapely.MultiPolygon()]
    path = kit.write_layer(tmp_path / "e.gpkg", geoms, {"n": [1, 2, 3]}, driver="GPKG")
    data = read_vector(path)
    assert data.geometries[1] is None or shapely.is_empty(data.geometries[1])
    assert shapely.is_empty(data.geometries[2])


def test_polygons_become_multipolygons_and_area_is_kept(tmp_path: Path, kit: Any) -> None:
    path = kit.write_layer(
        tmp_path / "p.gpkg",
        [shapely.box(kit.X0, kit.Y0, kit.X0 + 100, kit.Y0 + 100)],
        driver="GPKG",
        geometry_type="Polygon",
    )
    data = read_vector(path)
    assert data.geometries[0].geom_type == "MultiPolygon"
    assert float(ellipsoidal_area(data.geometries[0], data.crs)) == pytest.approx(9999.9, abs=0.1)


def test_unclosed_ring_is_reported_not_fatal(tmp_path: Path, kit: Any) -> None:
    x, y = kit.X0, kit.Y0
    open_ring = struct.pack("<BIII", 1, 3, 1, 4) + struct.pack("<8d", x, y, x + 10, y, x + 10, y + 10, x, y + 10)
    wkb = [shapely.to_wkb(kit.squares(1)[0]), open_ring]
    path = kit.write_layer(tmp_path / "u.gpkg", [None, None], driver="GPKG", geometry_type="Unknown", wkb=wkb)
    data = read_vector(path)
    assert len(data) == 2 and data.geometries[1] is None
    note = next(w for w in data.source["warnings"] if w["code"] == "qc.geometry_unreadable")
    assert note["index"] == 1 and "closed" in note["reason"]


# --- identifiers ----------------------------------------------------------------------


def test_id_field_when_unique(tmp_path: Path, kit: Any) -> None:
    data = read_vector(_layer(tmp_path, kit), id_field="BSM")
    assert data.feature_ids == ("001", "002", "003")
    assert list(data.source["fids"]) == [0, 1, 2]


def test_id_field_with_duplicates_falls_back_to_fids(tmp_path: Path, kit: Any) -> None:
    fields = {"BSM": ["1", "1", None], "名称": NAMES}
    data = read_vector(_layer(tmp_path, kit, fields=fields), id_field="BSM")
    assert data.feature_ids == ("0", "1", "2")
    note = next(w for w in data.source["warnings"] if w["code"] == "qc.id_field_unusable")
    assert note["missing"] == 1 and note["duplicates"] == "1"


def test_unknown_id_field_is_an_error(tmp_path: Path, kit: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_vector(_layer(tmp_path, kit), id_field="XXX")
    assert caught.value.code == "vector.field_missing"


def test_source_records_provenance(tmp_path: Path, kit: Any) -> None:
    shp = _layer(tmp_path, kit)
    source = read_vector(shp).source
    assert len(source["sha256"]) == 64 and source["format"] == "ESRI Shapefile"
    assert source["feature_count"] == 3 and source["crs_source"] == "file"
