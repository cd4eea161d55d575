"""``guotu plans``, ``guotu supply``, ``guotu indicators`` through the command line (SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.supervision.test_import import ROWS, write_csv
from typer.testing import CliRunner, Result

from guotu.cli.main import app


@pytest.mark.slow
def test_supervision_commands(tmp_path: Path, seed_dir: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'one.db'}"

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--db", db])

    saved = run("plans", "save", str(seed_dir / "yangquan_2026_supply_plan.txt"))
    assert saved.exit_code == 0, saved.output
    versions = json.loads(run("plans", "versions", "-f", "json").stdout)
    assert [(v["jurisdiction"], v["version"]) for v in versions] == [("140300", 1)]
    again = run("plans", "save", str(seed_dir / "yangquan_2026_supply_plan.txt"))
    assert again.exit_code == 1 and "[plan_version.already_approved]" in again.stderr

    imported = run("supply", "import", str(write_csv(tmp_path / "s.csv", ROWS)), "-j", "阳泉市", "-f", "json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["written"] == 3
    bad = [["B1", "", "城区", "-3", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""]]
    rejected = run("supply", "import", str(write_csv(tmp_path / "b.csv", bad)), "-j", "140300")
    assert rejected.exit_code == 1 and "V1" in rejected.stdout
    missing = run("supply", "import", str(tmp_path / "none.csv"), "-j", "140300")
    assert missing.exit_code == 2 and "[file.not_found]" in missing.stderr

    listing = json.loads(run("supply", "list", "-j", "140300", "--year", "2026", "-f", "json").stdout)
    assert [r["parcel_id"] for r in listing] == ["YQ2026-001", "YQ2026-002", "YQ2026-003"]
    progress = run("supply", "progress", "-j", "140300", "--year", "2026", "-f", "json")
    body = json.loads(progress.stdout)
    assert body["rows"][0]["supplied"] == "12.5" and body["plan_version"] == 1
    assert progress.exit_code == 1  # 商服 in 高新区 0.5 > 0.2633 (binding): an error
    table = run("--lang", "en", "supply", "progress", "-j", "140300", "--year", "2026", "--districts")
    assert "Completion" in table.stdout
    bad_date = run("supply", "progress", "-j", "140300", "--year", "2026", "--on", "2026-13-01")
    assert bad_date.exit_code == 2

    ready = run("supply", "ready", "P1", "-j", "140300", "--mark")
    assert ready.exit_code == 1 and "[readiness.items_open]" in ready.stderr
    item = run(
        "supply", "ready", "P1", "-j", "140300", "--item", "rights_clear", "--evidence", "不动产权证", "-f", "json"
    )
    assert item.exit_code == 0 and json.loads(item.stdout)["items"][0]["done"]

    listed = json.loads(runner.invoke(app, ["indicators", "list", "-f", "json"]).stdout)
    assert "YJJBNT" in [i["code"] for i in listed]
    assert run("indicators", "set-target", "GDJH_WCL", "25", "-j", "140300", "--year", "2026").exit_code == 0
    evaluated = run("indicators", "evaluate", "-j", "140300", "--year", "2026", "--on", "2026-12-31",
                    "-c", "GDJH_WCL", "-f", "json")  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    value = json.loads(evaluated.stdout)["values"][0]
    assert (value["value"], value["level"]) == ("6.98", "red")  # 12.5 / 179.0760; expected: a warning, exit 0
    hist = json.loads(run("indicators", "history", "-j", "140300", "-f", "json").stdout)
    assert len(hist) == 1
    unknown = run("indicators", "set-target", "NOPE", "1", "-j", "140300", "--year", "2026")
    assert unknown.exit_code == 2 and "[indicator.not_found]" in unknown.stderr
    report = run(
        "supply", "report", "-j", "140300", "--year", "2026", "--kind", "tables", "-o", str(tmp_path / "t.xlsx")
    )
    assert report.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    bad_report = run("supply", "report", "-j", "140300", "--year", "2026", "-o", str(tmp_path / "t.pdf"))
    assert bad_report.exit_code == 2 and "[supervision_report.format_unsupported]" in bad_report.stderr
