"""``guotu review``: exit codes 0 符合 / 1 不符合 / 2 bad input, show, rerun, approve, list, layer."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from tests.review.test_parcels import TXT
from tests.review.world import EPSG, box, build_world
from typer.testing import CliRunner

from guotu.cli.main import app
from guotu.store import open_store

ARGS = ["--mode", "出让", "--method", "挂牌", "--far", "2.0", "--city-size", "中等城市", "--on", "2026-06-01"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    with open_store(url, migrate=True) as store:
        build_world(store)
    return url


def parcel_file(tmp_path: Path, geom: object, name: str = "p.geojson", **fields: str) -> Path:
    path = tmp_path / name
    gpd.GeoDataFrame(
        {"ZDDM": ["P1"], **{k: [v] for k, v in fields.items()}}, geometry=[geom], crs=f"EPSG:{EPSG}"
    ).to_file(path, driver="GeoJSON")
    return path


def test_compliant_parcel_exits_0_and_is_stored(tmp_path: Path, db: str) -> None:
    runner = CliRunner()
    path = parcel_file(tmp_path, box(300, 300, 400, 400))
    r = runner.invoke(app, ["review", str(path), "--use", "0701", *ARGS, "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["conclusion"] == "符合" and data["id"]
    shown = runner.invoke(app, ["review", "show", data["id"], "--db", db, "--format", "json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == data["id"]
    rerun = runner.invoke(app, ["review", "rerun", data["id"], "--db", db])
    assert rerun.exit_code == 0, rerun.output
    approved = runner.invoke(app, ["review", "approve", data["id"], "--db", db])
    assert approved.exit_code == 0 and "已通过" in approved.stdout
    listed = json.loads(runner.invoke(app, ["review", "list", "--db", db, "--json"]).stdout)
    assert [(r["id"], r["status"]) for r in listed] == [(data["id"], "已通过")]


def test_blocking_findings_exit_1_and_text_output(tmp_path: Path, db: str) -> None:
    path = parcel_file(tmp_path, box(100, 0, 300, 100), TDYT="0701")
    r = CliRunner().invoke(app, ["review", str(path), *ARGS, "--db", db])
    assert r.exit_code == 1, r.output
    assert "不符合" in r.stdout and "P1" in r.stdout and "永久基本农田" in r.stdout


def test_boundary_point_txt_through_the_cli(tmp_path: Path, db: str) -> None:
    path = tmp_path / "jzd.txt"
    path.write_bytes(TXT.encode("gbk"))
    r = CliRunner().invoke(app, ["review", str(path), "--parcel", "D001", *ARGS, "--db", db, "-f", "json", "--no-save"])
    assert r.exit_code == 1, r.output  # D001 lies on 永久基本农田
    data = json.loads(r.stdout)
    assert data["attributes"]["parcel_id"] == "D001" and data["attributes"]["use"] == "0701"
    assert data["id"] is None


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--use", "9999"], "classification.use_unknown"),
        (["--use", "0701", "--mode", "卖掉"], "review.option_invalid"),
    ],
)
def test_bad_attributes_exit_2(tmp_path: Path, db: str, args: list[str], code: str) -> None:
    path = parcel_file(tmp_path, box(300, 300, 400, 400))
    r = CliRunner().invoke(app, ["review", str(path), *args, "--db", db])
    assert r.exit_code == 2, r.output
    assert f"[{code}]" in r.stderr


def test_bad_files_exit_2(tmp_path: Path, db: str) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    r = runner.invoke(app, ["review", str(empty), "--use", "0701", "--db", db])
    assert r.exit_code == 2 and "[review.file_empty]" in r.stderr
    bow = tmp_path / "bow.txt"
    bow.write_text(
        TXT.split("10,0.0200")[0]
        .replace("10,1.7500", "5,1.7500")
        .replace("J3,1,4320150.000,39500250.000", "J3,1,4320050.000,39500150.000")
        .split("J5,2")[0]
    )
    r = runner.invoke(app, ["review", str(bow), "--use", "0701", "--db", db])
    assert r.exit_code == 2, r.output
    assert "[review.parcel_invalid]" in r.stderr
    missing = runner.invoke(app, ["review", "show", "nope", "--db", db])
    assert missing.exit_code == 2 and "[review.not_found]" in missing.stderr


def test_whole_layer_check(tmp_path: Path, db: str) -> None:
    path = tmp_path / "layout.geojson"
    gpd.GeoDataFrame(
        {"BSM": ["A", "B", "C"], "YDYHFLDM": ["0701", "0901", "1001"]},
        geometry=[box(300, 300, 400, 400), box(100, 0, 300, 100), box(650, 650, 750, 750)],
        crs=f"EPSG:{EPSG}",
    ).to_file(path, driver="GeoJSON")
    r = CliRunner().invoke(
        app, ["review", "layer", str(path), "--use-field", "YDYHFLDM", "--on", "2026-06-01", "--db", db, "-f", "json"]
    )
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["conclusions"] == {"符合": 1, "不符合": 2}
    by_rule = {row["rule"]: row for row in data["summary"]}
    assert by_rule["P1"]["features"] == 1 and by_rule["E1"]["features"] == 1
    assert by_rule["B2"]["features"] == 1
    assert float(by_rule["E1"]["area_ha"]) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.slow
def test_docx_report_through_the_cli(tmp_path: Path, db: str) -> None:
    from docx import Document

    path = parcel_file(tmp_path, box(100, 0, 300, 100))
    out = tmp_path / "report.docx"
    r = CliRunner().invoke(app, ["review", str(path), "--use", "0701", *ARGS, "--db", db, "-f", "docx", "-o", str(out)])
    assert r.exit_code == 1, r.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "审查结论：不符合" in text


def test_parameters_file(tmp_path: Path, db: str) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"layer_rules": {"permanent_basic_farmland": {"control": "allow"}}}), "utf-8")
    path = parcel_file(tmp_path, box(50, 50, 150, 150))  # inside 永久基本农田, outside the boundary
    args = ["review", str(path), "--use", "1202", "--db", db, "--on", "2026-06-01", "-f", "json", "--no-save"]
    strict = CliRunner().invoke(app, args)
    assert strict.exit_code == 1 and "P1" in {f["rule"] for f in json.loads(strict.stdout)["findings"]}
    relaxed = CliRunner().invoke(app, [*args, "--params", str(params)])
    data = json.loads(relaxed.stdout)
    assert "P1" not in {f["rule"] for f in data["findings"]}
    assert data["layers"][0]["control"] == "allow"
    params.write_text("[1, 2]", "utf-8")
    bad = CliRunner().invoke(app, [*args, "--params", str(params)])
    assert bad.exit_code == 2 and "[review.params_invalid]" in bad.stderr


def test_multi_parcel_file_needs_a_choice(tmp_path: Path, db: str) -> None:
    path = tmp_path / "jzd.txt"
    path.write_bytes(TXT.encode("gbk"))
    runner = CliRunner()
    several = runner.invoke(app, ["review", str(path), "--db", db, "--no-save"])
    assert several.exit_code == 2 and "[review.several_parcels]" in several.stderr
    missing = runner.invoke(app, ["review", str(path), "--parcel", "D999", "--db", db, "--no-save"])
    assert missing.exit_code == 2 and "[review.parcel_not_found]" in missing.stderr
    chosen = runner.invoke(app, ["review", str(path), "--parcel", "两块", "--db", db, "--no-save", "-f", "json"])
    assert chosen.exit_code in (0, 1), chosen.output
    assert json.loads(chosen.stdout)["parcel"]["parts"] == 2
