"""``guotu maintain`` and ``guotu projects`` through the command line (sqlite store)."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
from tests.maintenance._data import OneMap, load_one_map
from typer.testing import CliRunner

from guotu.cli.main import app
from guotu.store import open_store

SEED = Path(__file__).parent / "data" / "yangquan_2026_masterplan_maintenance.txt"


def test_maintain_commands(tmp_path: Path, one_map: OneMap) -> None:
    db = f"sqlite:///{tmp_path / 'one.db'}"
    with open_store(db, migrate=True) as store:
        load_one_map(store, one_map, tmp_path)
    runner = CliRunner()
    opts = ["--db", db]
    r = runner.invoke(app, ["maintain", "new", "-j", "990101", "-y", "2026", "-l", "czkfbj", "-l", "yjjbnt", *opts])
    assert r.exit_code == 0, r.output
    key = "990101-2026-01"
    for kind, layer in (("urban_development_boundary", "czkfbj"), ("permanent_basic_farmland", "yjjbnt")):
        r = runner.invoke(app, ["maintain", "add", key, str(one_map.changes[kind]), "-l", layer, *opts, "-f", "json"])
        assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["items"] == 4
    r = runner.invoke(app, ["maintain", "check", key, *opts, "-f", "json"])
    assert r.exit_code == 0, r.output
    checked = json.loads(r.stdout)
    assert checked["status"] == "checked" and not checked["blocked"]
    rows = {row["layer"]: row for row in checked["statistics"]["layers"]}
    assert rows["urban_development_boundary"]["unit"] == "公顷" and rows["permanent_basic_farmland"]["unit"] == "万亩"
    bad = runner.invoke(app, ["maintain", "approve", key, "--document", "x", "--date", "2026-13-01", *opts])
    assert bad.exit_code == 2 and "[input.option_invalid]" in bad.stderr
    r = runner.invoke(
        app, ["maintain", "approve", key, "--document", "样政函〔2026〕8号", "--date", "2026-07-01", *opts]
    )
    assert r.exit_code == 0, r.output
    again = runner.invoke(app, ["maintain", "approve", key, "--document", "x", "--date", "2026-07-01", *opts])
    assert again.exit_code == 1 and "[maintenance.already_approved]" in again.stderr
    package_args = [
        "maintain",
        "package",
        key,
        str(tmp_path / "pkg"),
        "--format",
        "gpkg",
        "--ysdm",
        "CZKFBJ=2090020220",
    ]
    r = runner.invoke(app, [*package_args, *opts])
    assert r.exit_code == 0, r.output
    (package,) = (tmp_path / "pkg").glob("*.gpkg")
    assert len(pyogrio.list_layers(package)) == 6
    assert set(pyogrio.read_dataframe(package, layer="WHCCZKFBJ")["YSDM"]) == {"2090020220"}
    r = runner.invoke(app, [*package_args, *opts])
    assert r.exit_code == 2 and "[package.output_exists]" in r.stderr
    listing = json.loads(runner.invoke(app, ["maintain", "list", *opts, "-f", "json"]).stdout)
    assert [m["status"] for m in listing["maintenances"]] == ["approved"]
    missing = runner.invoke(app, ["maintain", "show", "nope", *opts])
    assert missing.exit_code == 2 and "[maintenance.not_found]" in missing.stderr


def test_scheme_and_projects_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'one.db'}"
    runner = CliRunner()
    opts = ["--db", db]
    r = runner.invoke(app, ["maintain", "new", "-j", "140300", "--from-scheme", str(SEED), *opts, "-f", "json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["maintain", "check", "140300-2026-01", *opts, "-f", "json"])
    assert r.exit_code == 1  # G2: the 紫线 调出 has no approval reference
    result = json.loads(r.stdout)
    assert [f["rule"] for f in result["findings"] if f["severity"] == "error"] == ["G2"]
    rows = {row["layer"]: row for row in result["statistics"]["layers"]}
    assert rows["purple_line"]["removed"] == "734.46" and rows["purple_line"]["change_unit"] == "平方米"
    assert result["params"]["expansion_limit"] == "1.28"
    # the key project list: the stated counts alone reconcile
    r = runner.invoke(app, ["projects", "stats", "-j", "140300", "-y", "2026", *opts, "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["stated_total"] == 564
    csv_path = tmp_path / "p.csv"
    csv_path.write_text(
        "项目编号,项目名称,项目状态,上图方式\nA1,x,新增,精准上图\nA2,y,撤销,增补清单\n", encoding="utf-8"
    )
    r = runner.invoke(app, ["projects", "import", str(csv_path), "-j", "990101", "-y", "2026", *opts, "-f", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["counts"]["total"] == 2 and out["counts"]["remaining"] == 1
    r = runner.invoke(app, ["projects", "stats", "-j", "990101", "-y", "2026", "--total", "3", *opts])
    assert r.exit_code == 1
    bad = tmp_path / "p.txt"
    bad.write_text("x", encoding="utf-8")
    r = runner.invoke(app, ["projects", "import", str(bad), "-j", "990101", "-y", "2026", *opts])
    assert r.exit_code == 2 and "[projects.format_unknown]" in r.stderr
