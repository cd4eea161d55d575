"""The bad-input corpus of RELIABILITY.md §5.1–5.4: one generated file per case, one expected code.

Each case builds its file in a temporary folder and names the error code that
:func:`guotu.io.read_vector` must raise. Every case also checks that the read left
nothing in the temporary folder tempfile uses (extractions included).
"""

from __future__ import annotations

import sqlite3
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from guotu.errors import CRSError, GeometryError, GuotuError, InvalidInputError
from guotu.io import VectorLimits, read_vector

Case = Callable[[Path, Any], tuple[Path, dict[str, Any]]]
CASES: dict[str, tuple[Case, str]] = {}


def case(code: str) -> Callable[[Case], Case]:
    def register(build: Case) -> Case:
        CASES[build.__name__.removeprefix("build_")] = (build, code)
        return build

    return register


def _shapefile(folder: Path, kit: Any, name: str = "地块", **kwargs: Any) -> Path:
    fields = kwargs.pop("fields", {"BSM": ["1", "2", "3"], "名称": ["一号地块", "二号地块", "三号地块"]})
    geoms = kwargs.pop("geoms", kit.squares(3))
    return kit.write_layer(folder / f"{name}.shp", geoms, fields, encoding=kwargs.pop("encoding", "UTF-8"), **kwargs)


def _zip_of(folder: Path, kit: Any, shp: Path, name: str = "upload.zip") -> Path:
    parts = kit.shapefile_parts(shp)
    return kit.zip_entries(folder / name, [(shp.stem + suffix, data) for suffix, data in parts.items()])


# --- shapefile structure --------------------------------------------------------------


@case("vector.shapefile_corrupt")
def build_truncated_shp(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) - 60])
    return shp, {}


@case("vector.shapefile_corrupt")
def build_truncated_shp_in_zip(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    shp.write_bytes(shp.read_bytes()[:150])
    return _zip_of(folder, kit, shp), {}


@case("vector.shapefile_corrupt")
def build_record_counts_differ(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[4:8] = struct.pack("<I", 2)  # the table now claims 2 records for 3 shapes
    dbf.write_bytes(bytes(data))
    return shp, {}


@case("vector.shapefile_incomplete")
def build_missing_shx(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    parts = kit.shapefile_parts(shp)
    del parts[".shx"]
    return kit.zip_entries(folder / "u.zip", [("地块" + s, d) for s, d in parts.items()]), {}


@case("vector.shapefile_incomplete")
def build_missing_dbf(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    shp.with_suffix(".dbf").unlink()
    return shp, {}


@case("vector.dbf_invalid")
def build_broken_dbf_header(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[10:12] = struct.pack("<H", 5)  # record length shorter than the fields
    dbf.write_bytes(bytes(data))
    return shp, {}


@case("vector.dbf_invalid")
def build_truncated_dbf(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:-40])
    return shp, {}


# --- encodings ------------------------------------------------------------------------


@case("vector.encoding_mismatch")
def build_gbk_with_utf8_cpg(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit, encoding="GBK")
    shp.with_suffix(".cpg").write_text("UTF-8")
    return shp, {}


@case("vector.encoding_unknown")
def build_undecodable_dbf(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit, fields={"名称": ["AAAA", "BBBB", "CCCC"]})
    shp.with_suffix(".cpg").unlink()
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes().replace(b"AAAA", b"\xff\xfe\xff\xfe")  # neither UTF-8 nor GB18030
    dbf.write_bytes(data)
    return shp, {}


# --- archives -------------------------------------------------------------------------


@case("vector.unsafe_archive")
def build_zip_slip_dotdot(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "slip.zip", [("../../evil.shp", b"x"), ("ok.txt", b"y")]), {}


@case("vector.unsafe_archive")
def build_zip_slip_absolute(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "abs.zip", [("/tmp/evil.shp", b"x")]), {}


@case("vector.unsafe_archive")
def build_zip_slip_backslash(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "bs.zip", [("..\\..\\evil.shp", b"x")]), {}


@case("vector.unsafe_archive")
def build_zip_nul_name(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "nul.zip", [(b"evil.shp\x00.txt", b"x")]), {}


@case("vector.unsafe_archive")
def build_zip_symlink(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "link.zip", [("地块.shp", b"/etc/passwd")], symlink=True), {}


@case("vector.archive_limit")
def build_zip_bomb(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    parts = kit.shapefile_parts(shp)
    parts[".dbf"] = parts[".dbf"] + b"\x00" * (2 << 20)  # 2 MiB of zeros deflate ~1000:1
    return kit.zip_entries(folder / "bomb.zip", [("地块" + s, d) for s, d in parts.items()]), {}


@case("vector.archive_limit")
def build_zip_too_many_entries(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "many.zip", [(f"f{i}.txt", b"") for i in range(1001)]), {}


@case("vector.archive_limit")
def build_zip_nested(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    inner = kit.zip_entries(folder / "inner.zip", [("a.txt", b"a")])
    return kit.zip_entries(folder / "outer.zip", [("inner.zip", inner.read_bytes())]), {}


@case("vector.archive_limit")
def build_zip_declared_total_over_cap(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    return _zip_of(folder, kit, shp), {"limits": VectorLimits(max_archive_bytes=1000)}


@case("vector.archive_corrupt")
def build_zip_lying_header(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    """The headers say 5 bytes; the data inflate to far more (the sizes are patched)."""
    shp = _shapefile(folder, kit)
    path = _zip_of(folder, kit, shp)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        directory = archive.start_dir
    target = next(i for i in infos if i.filename.endswith(".dbf"))
    data[target.header_offset + 22 : target.header_offset + 26] = struct.pack("<I", 5)
    at = directory
    while True:  # walk the central directory to the .dbf entry
        name_length, extra_length, comment_length = struct.unpack("<3H", data[at + 28 : at + 34])
        if data[at + 46 : at + 46 + name_length].endswith(b".dbf"):
            data[at + 24 : at + 28] = struct.pack("<I", 5)
            break
        at += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(data))
    return path, {}


@case("vector.archive_corrupt")
def build_not_really_a_zip(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = folder / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    return path, {}


@case("vector.multiple_layers")
def build_several_layers_in_zip(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    a = _shapefile(folder, kit, "地块")
    b = _shapefile(folder, kit, "道路")
    entries = [(p.stem + s, d) for p in (a, b) for s, d in kit.shapefile_parts(p).items()]
    return kit.zip_entries(folder / "two.zip", entries), {}


@case("vector.no_layer")
def build_zip_without_layers(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return kit.zip_entries(folder / "docs.zip", [("说明.txt", "无".encode())]), {}


@case("vector.layer_not_found")
def build_unknown_layer(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return _zip_of(folder, kit, _shapefile(folder, kit)), {"layer": "道路"}


# --- geometry -------------------------------------------------------------------------


@case("geometry.non_finite")
def build_nan_coordinates(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    marker = kit.X0 + 777.0  # a vertex to overwrite with NaN: GDAL refuses to write NaN itself
    odd = shapely.Polygon([(kit.X0, kit.Y0), (kit.X0 + 10, kit.Y0), (marker, kit.Y0 + 10), (kit.X0, kit.Y0)])
    shp = _shapefile(folder, kit, geoms=[*kit.squares(2), odd])
    shp.write_bytes(shp.read_bytes().replace(struct.pack("<d", marker), struct.pack("<d", float("nan"))))
    return shp, {}


@case("geometry.non_finite")
def build_huge_ordinate_gpkg(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    ring = [(kit.X0, kit.Y0), (1e308, kit.Y0), (kit.X0, kit.Y0 + 10), (kit.X0, kit.Y0)]
    huge = struct.pack("<BIII", 1, 3, 1, 4) + struct.pack("<8d", *(v for xy in ring for v in xy))
    wkb = [shapely.to_wkb(kit.squares(1)[0]), huge]
    path = kit.write_layer(folder / "huge.gpkg", [None, None], driver="GPKG", wkb=wkb)
    return path, {}


@case("vector.geometry_type")
def build_mixed_geojson(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = folder / "mixed.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", '
        '"coordinates": [[[117, 39], [117.01, 39], [117.01, 39.01], [117, 39]]]}},'
        '{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", '
        '"coordinates": [[117, 39], [117.01, 39]]}}]}',
        encoding="utf-8",
    )
    return path, {}


@case("vector.geometry_type")
def build_line_shapefile(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    lines = [shapely.LineString([(kit.X0, kit.Y0), (kit.X0 + 10, kit.Y0 + 10)])] * 3
    return _shapefile(folder, kit, geoms=lines, geometry_type="LineString"), {}


@case("vector.limit")
def build_too_many_features(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return _shapefile(folder, kit), {"limits": VectorLimits(max_features=2)}


@case("vector.limit")
def build_spiral_over_vertex_cap(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    angle = np.linspace(0, 40 * np.pi, 4000)
    inner = np.column_stack([kit.X0 + angle * np.cos(angle), kit.Y0 + angle * np.sin(angle)])
    outer = np.column_stack([kit.X0 + (angle + 2) * np.cos(angle), kit.Y0 + (angle + 2) * np.sin(angle)])
    spiral = shapely.Polygon(np.concatenate([inner, outer[::-1]]))  # a spiral band of 8000 vertices
    path = kit.write_layer(folder / "spiral.gpkg", [spiral], driver="GPKG", geometry_type="Polygon")
    return path, {"limits": VectorLimits(max_vertices_per_feature=1000)}


@case("vector.limit")
def build_too_many_bytes(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return _shapefile(folder, kit), {"limits": VectorLimits(max_bytes=100)}


# --- formats --------------------------------------------------------------------------


@case("vector.format_mismatch")
def build_vrt_posing_as_geojson(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = folder / "evil.geojson"
    path.write_text(
        '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    )
    return path, {}


@case("vector.format_mismatch")
def build_text_posing_as_gpkg(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = folder / "x.gpkg"
    path.write_text("not a database")
    return path, {}


@case("vector.format_unknown")
def build_unknown_extension(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = folder / "x.exe"
    path.write_bytes(b"MZ\x90\x00")
    return path, {}


def _gpkg(folder: Path, kit: Any, name: str) -> Path:
    return kit.write_layer(folder / name, kit.squares(3), {"名称": ["a", "b", "c"]}, driver="GPKG", layer="dk")


@case("vector.gpkg_unsafe")
def build_gpkg_malicious_trigger(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = _gpkg(folder, kit, "trigger.gpkg")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER evil AFTER INSERT ON dk BEGIN SELECT load_extension('/tmp/evil.so'); END")
    db.close()
    return path, {}


@case("vector.gpkg_unsafe")
def build_gpkg_malicious_view(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = _gpkg(folder, kit, "view.gpkg")
    with sqlite3.connect(path) as db:
        db.execute('CREATE VIEW "v" AS SELECT "zeroblob"(2000000000) AS blob, * FROM dk')
    db.close()
    return path, {}


@case("vector.gpkg_unsafe")
def build_gpkg_generated_column(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = _gpkg(folder, kit, "generated.gpkg")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a INTEGER, b TEXT GENERATED ALWAYS AS (printf('%.*c', a, 'x')) VIRTUAL)")
    db.close()
    return path, {}


@case("vector.gpkg_corrupt")
def build_gpkg_flipped_btree_byte(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    path = _gpkg(folder, kit, "flipped.gpkg")
    with sqlite3.connect(path) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dk'").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size] ^= 0x02  # the b-tree page type: 0x0D/0x05 become invalid
    path.write_bytes(bytes(data))
    return path, {}


# --- CRS ------------------------------------------------------------------------------


@case("crs.missing")
def build_missing_prj(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    shp.with_suffix(".prj").unlink()
    return shp, {}


@case("crs.zone_prefix_mismatch")
def build_prefixed_coordinates_plain_prj(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    return _shapefile(folder, kit, crs="EPSG:4548"), {}  # CM 117°E without prefix; data carry zone 39


@case("crs.legacy_datum")
def build_xian80_prj(folder: Path, kit: Any) -> tuple[Path, dict[str, Any]]:
    shp = _shapefile(folder, kit)
    shp.with_suffix(".prj").write_text('PROJCS["Xian_1980_3_Degree_GK_Zone_39",GEOGCS["GCS_Xian_1980"]]')
    return shp, {"crs": 4527}  # a legacy datum is not overridden by a confirmation


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case_is_refused_with_its_code(name: str, tmp_path: Path, kit: Any, scratch: Path) -> None:
    build, code = CASES[name]
    path, kwargs = build(tmp_path, kit)
    with pytest.raises(GuotuError) as caught:
        read_vector(path, **kwargs)
    assert caught.value.code == code, caught.value
    assert isinstance(caught.value, InvalidInputError)
    text_zh, text_en = caught.value.message("zh"), caught.value.message("en")
    assert code not in text_zh and code not in text_en, "the catalogue has no text for this code"


def test_zip_slip_writes_nothing_outside(tmp_path: Path, kit: Any, scratch: Path) -> None:
    path = kit.zip_entries(tmp_path / "slip.zip", [("../../escaped.shp", b"x"), ("a/../../escaped2.dbf", b"y")])
    with pytest.raises(InvalidInputError):
        read_vector(path)
    assert not list(tmp_path.parent.glob("escaped*")) and not list(tmp_path.rglob("escaped*"))


def test_missing_prj_offers_candidates_then_accepts_the_confirmation(tmp_path: Path, kit: Any) -> None:
    shp = _shapefile(tmp_path, kit)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CRSError) as caught:
        read_vector(shp)
    assert caught.value.params["candidate_codes"] == [4527]
    assert "EPSG:4527" in caught.value.params["candidates"]
    data = read_vector(shp, crs=4527)
    assert data.crs == 4527 and data.source["crs_source"] == "argument"
    assert any(w["code"] == "qc.crs_overridden" for w in data.source["warnings"])


def test_zone_prefix_mismatch_suggests_the_right_crs(tmp_path: Path, kit: Any) -> None:
    shp = _shapefile(tmp_path, kit, crs="EPSG:4548")
    with pytest.raises(CRSError) as caught:
        read_vector(shp)
    assert caught.value.params["suggested_epsg"] == 4527
    assert read_vector(shp, crs=caught.value.params["suggested_epsg"]).crs == 4527


def test_gbk_with_wrong_utf8_cpg_is_refused_then_read_when_confirmed(tmp_path: Path, kit: Any) -> None:
    shp = _shapefile(tmp_path, kit, encoding="GBK")
    shp.with_suffix(".cpg").write_text("UTF-8")
    with pytest.raises(InvalidInputError) as caught:
        read_vector(shp)
    assert caught.value.params["suggested"] == "gb18030"
    assert "一号地块" in caught.value.params["samples"]
    data = read_vector(shp, encoding="GBK")
    assert [row["名称"] for row in data.attributes] == ["一号地块", "二号地块", "三号地块"]
    assert data.source["encoding_source"] == "argument"


def test_nan_is_reported_with_the_feature(tmp_path: Path, kit: Any) -> None:
    path, _ = build_nan_coordinates(tmp_path, kit)
    with pytest.raises(GeometryError) as caught:
        read_vector(path)
    assert caught.value.params["index"] == 2


def test_corrupt_deflate_stream_is_refused(tmp_path: Path, kit: Any, scratch: Path) -> None:
    shp = _shapefile(tmp_path, kit)
    path = _zip_of(tmp_path, kit, shp)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(".shp"))
    start = info.header_offset + 30 + len(info.filename.encode()) + 4
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError) as caught:
        read_vector(path)
    assert caught.value.code in ("vector.archive_corrupt", "vector.shapefile_corrupt")
    assert zlib  # the zlib error is what the reader maps
