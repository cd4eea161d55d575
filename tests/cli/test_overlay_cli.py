"""Tests of ``guotu overlay tabulate`` and ``guotu area`` on files written in tmp_path."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
import typer
from typer.testing import CliRunner

from guotu.cli import app as app_module
from guotu.cli import overlay
from guotu.cli.area import area_command
from guotu.geo import synthetic
from guotu.geo.area import ellipsoidal_area
from guotu.geo.crs import get_transformer
from guotu.geo.overlay import tabulate_intersection

ENV = {"COLUMNS": "200", "GUOTU_LANG": None, "NO_COLOR": "1"}
BOUNDARY = shapely.box(39_500_000, 4_400_000, 39_504_000, 4_404_000)


def _cli() -> typer.Typer:
    """The root app with ``overlay`` and ``area``, as ``guotu.cli.main`` mounts them."""
    from guotu.cli import main

    groups = {g.name for g in main.app.registered_groups}
    commands = {c.name for c in main.app.registered_commands}
    if "overlay" in groups and "area" in commands:
        return main.app
    cli = typer.Typer(
        cls=app_module.GuotuGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
    )
    cli.callback()(app_module._root)
    cli.add_typer(overlay.app, name="overlay")
    cli.command("area")(area_command)
    return cli


CLI = _cli()


def _write(path: Path, geoms, columns: dict, *, crs: str | None, driver: str, encoding: str | None = None) -> Path:
    fields = list(columns)
    data = [np.asarray(v, dtype=object if isinstance(v[0], str) else np.float64) for v in columns.values()]
    kwargs = {"encoding": encoding} if encoding else {}
    pyogrio.raw.write(
        str(path),
        shapely.to_wkb(geoms),
        data,
        fields,
        geometry_type="MultiPolygon",
        promote_to_multi=True,
        crs=crs,
        driver=driver,
        **kwargs,
    )
    return path


@pytest.fixture(scope="module")
def data():
    layer = synthetic.survey(1_500, seed=21, boundary=BOUNDARY)
    zones = synthetic.districts(BOUNDARY, 4, seed=21)
    return layer, zones


@pytest.fixture(scope="module")
def files(data, tmp_path_factory):
    layer, zones = data
    root = tmp_path_factory.mktemp("overlay")
    columns = {
        "DLBM": [a["DLBM"] for a in layer.attributes],
        "DLMC": [a["DLMC"] for a in layer.attributes],
        "TBMJ": [a["TBMJ"] for a in layer.attributes],
    }
    zone_columns = {"XZQDM": [a["XZQDM"] for a in zones.attributes], "XZQMC": [a["XZQMC"] for a in zones.attributes]}
    lon_lat = shapely.transform(
        shapely.segmentize(zones.geometries, 10.0),
        lambda x, y: get_transformer(4527, 4490).transform(x, y),
        interleaved=False,
    )
    return {
        "gpkg": _write(root / "dltb.gpkg", layer.geometries, columns, crs="EPSG:4527", driver="GPKG"),
        "shp": _write(
            root / "dltb.shp", layer.geometries, columns, crs="EPSG:4527", driver="ESRI Shapefile", encoding="GBK"
        ),
        "zones": _write(root / "xzq.gpkg", zones.geometries, zone_columns, crs="EPSG:4527", driver="GPKG"),
        "zones_4490": _write(root / "xzq.geojson", lon_lat, zone_columns, crs="EPSG:4490", driver="GeoJSON"),
        "no_crs": _without_prj(
            _write(root / "noprj.shp", zones.geometries, zone_columns, crs="EPSG:4527", driver="ESRI Shapefile")
        ),
        "root": root,
    }


def _without_prj(path: Path) -> Path:
    path.with_suffix(".prj").unlink()  # a shapefile that lost its .prj, as they do
    return path


def _run(*args: str, code: int = 0):
    result = CliRunner().invoke(CLI, [str(a) for a in args], env=ENV)
    assert result.exit_code == code, result.output
    return result


def _expected(data, field: str = "XZQMC", **kwargs):
    layer, zones = data
    return tabulate_intersection(
        layer.geometries,
        [a["DLBM"] for a in layer.attributes],
        zones.geometries,
        [a[field] for a in zones.attributes],
        epsg=4527,
        **kwargs,
    )


@pytest.mark.parametrize("kind", ["gpkg", "shp"])
def test_tabulate_json_equals_the_library(files, data, kind) -> None:
    result = _run("overlay", "tabulate", files[kind], files["zones"], "-c", "DLBM", "-z", "XZQMC", "--format", "json")
    rows = json.loads(result.stdout)["rows"]
    expected = _expected(data)
    assert [(r["zone"], r["class"]) for r in rows] == list(zip(expected.zones, expected.classes, strict=True))
    assert {r["zone"] for r in rows} == {
        f"样例{i}区" for i in range(1, 5)
    }  # Chinese values survive GPKG and GBK shapefiles
    np.testing.assert_allclose([r["area_m2"] for r in rows], expected.area_m2, rtol=1e-12)
    assert "tabulate" in result.stderr  # the progress line, on stderr


def test_tabulate_csv_to_a_file_with_stored_areas_and_two_processes(files, data, tmp_path) -> None:
    out = tmp_path / "table.csv"
    result = _run(
        "overlay",
        "tabulate",
        files["gpkg"],
        files["zones"],
        "-c",
        "DLBM",
        "-z",
        "XZQDM",
        "--area-field",
        "TBMJ",
        "--format",
        "csv",
        "-p",
        "2",
        "-o",
        out,
    )
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["zone", "class", "area_m2", "feature_count"]
    layer, _ = data
    assert sum(float(r["area_m2"]) for r in rows) == pytest.approx(sum(a["TBMJ"] for a in layer.attributes), rel=1e-12)


def test_tabulate_planar_table(files, data) -> None:
    result = _run("overlay", "tabulate", files["gpkg"], files["zones"], "-c", "DLBM", "-z", "XZQDM", "--area", "planar")
    assert "990101" in result.stdout and "planar" in result.stdout


def test_zones_in_another_crs_are_converted(files, data) -> None:
    result = _run("overlay", "tabulate", files["gpkg"], files["zones_4490"], "-c", "DLBM", "-z", "XZQDM", "-f", "json")
    rows = json.loads(result.stdout)["rows"]
    layer, _ = data
    total = float(ellipsoidal_area(layer.geometries, 4527).sum())
    assert sum(r["area_m2"] for r in rows) == pytest.approx(total, rel=1e-12)
    expected = _expected(data, "XZQDM")
    got = {(r["zone"], r["class"]): r["area_m2"] for r in rows}
    for row in expected.rows():  # the converted boundaries move by millimetres at most
        assert got[(row.zone, row.class_code)] == pytest.approx(row.area_m2, rel=1e-5, abs=1.0)


def test_mixed_crs_is_refused_without_transform(files) -> None:
    result = _run(
        "overlay", "tabulate", files["gpkg"], files["zones_4490"], "-c", "DLBM", "-z", "XZQDM", "--no-transform", code=2
    )
    assert "overlay.crs_mismatch" in result.stderr


def test_a_file_without_crs_needs_one(files) -> None:
    result = _run("overlay", "tabulate", files["gpkg"], files["no_crs"], "-c", "DLBM", "-z", "XZQDM", code=2)
    assert "crs.missing" in result.stderr
    _run("overlay", "tabulate", files["gpkg"], files["no_crs"], "-c", "DLBM", "-z", "XZQDM", "--crs", "EPSG:4527")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["missing.gpkg", "ZONES", "-c", "DLBM", "-z", "XZQDM"], "file.not_found"),
        (["LAYER", "ZONES", "-c", "NOPE", "-z", "XZQDM"], "overlay.field_missing"),
        (["LAYER", "ZONES", "-c", "DLBM", "-z", "NOPE"], "overlay.field_missing"),
        (["LAYER", "BROKEN", "-c", "DLBM", "-z", "XZQDM"], "overlay.file_unreadable"),
        (["LAYER", "ZONES", "-c", "DLBM", "-z", "XZQDM", "--crs", "EPSG:4326"], "crs.unsupported"),
    ],
)
def test_bad_input_is_one_line_with_a_code(files, args, code) -> None:
    broken = files["root"] / "broken.gpkg"
    broken.write_bytes(b"not a geopackage")
    names = {"LAYER": files["gpkg"], "ZONES": files["zones"], "BROKEN": broken}
    result = _run("overlay", "tabulate", *[names.get(a, a) for a in args], code=2)
    assert f"[{code}]" in result.stderr
    assert "Traceback" not in result.stderr


def test_english_errors(files) -> None:
    result = CliRunner().invoke(
        CLI,
        ["--lang", "en", "overlay", "tabulate", str(files["gpkg"]), str(files["zones"]), "-c", "X", "-z", "XZQDM"],
        env=ENV,
    )
    assert result.exit_code == 2
    assert "has no field X" in result.stderr


def test_area_json(files, data) -> None:
    result = _run("area", files["zones"], "--format", "json")
    report = json.loads(result.stdout)
    _, zones = data
    ell = ellipsoidal_area(zones.geometries, 4527)
    assert [f["index"] for f in report["features"]] == [0, 1, 2, 3]
    np.testing.assert_allclose([f["ellipsoidal_m2"] for f in report["features"]], ell, rtol=1e-12)
    np.testing.assert_allclose([f["planar_m2"] for f in report["features"]], shapely.area(zones.geometries), rtol=1e-12)
    total = report["total"]
    assert total["planar_m2"] == pytest.approx(16e6)
    hectares = Decimal(total["公顷"])
    assert hectares == (Decimal(str(round(float(ell.sum()), 2))) / 10_000).quantize(Decimal("0.0001"))
    assert Decimal(total["亩"]) == (hectares * 15).quantize(Decimal("0.01"))


def test_area_table_and_geographic(files) -> None:
    result = _run("area", files["zones_4490"])
    assert "公顷" in result.stdout and "亩" in result.stdout and "—" in result.stdout  # no planar area in degrees
    report = json.loads(_run("area", files["zones_4490"], "-f", "json").stdout)
    assert report["epsg"] == 4490 and report["total"]["planar_m2"] is None


def test_planar_on_geographic_data_is_refused(files) -> None:
    result = _run(
        "overlay",
        "tabulate",
        files["zones_4490"],
        files["zones_4490"],
        "-c",
        "XZQDM",
        "-z",
        "XZQDM",
        "--area",
        "planar",
        code=2,
    )
    assert "overlay.planar_geographic" in result.stderr
