"""``guotu plan extract|check``: output formats, exit codes and errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from guotu.cli.main import app

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "plan.schema.json").read_text(encoding="utf-8"))


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("guotu ")


def test_check_json_matches_the_schema_and_exits_1_on_errors(runner: CliRunner, seed_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["plan", "check", str(seed_dir / "bachu_2026_supply_plan_draft.txt"), "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["status"] == "draft" and any(f["rule"] == "C4" for f in data["findings"])


def test_check_exits_0_without_errors(runner: CliRunner, seed_dir: Path) -> None:
    result = runner.invoke(app, ["plan", "check", str(seed_dir / "yangquan_2026_supply_plan.txt")])
    assert result.exit_code == 0, result.output
    assert "C1" in result.stdout and "错误 0" not in result.stdout


def test_extract_json_has_no_findings(runner: CliRunner, seed_dir: Path) -> None:
    result = runner.invoke(app, ["plan", "extract", str(seed_dir / "lianzhou_2026_supply_plan.txt"), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert "findings" not in data and len(data["figures"]) == 44


def test_extract_table_in_english(runner: CliRunner, seed_dir: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "plan", "extract", str(seed_dir / "lianzhou_2026_supply_plan.txt")])
    assert result.exit_code == 0
    assert "Jurisdiction: 连州市" in result.stdout and "Category" in result.stdout


def test_html_report_written_to_a_file(runner: CliRunner, seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "plan",
            "check",
            str(seed_dir / "lianzhou_2026_supply_plan.txt"),
            "-f",
            "html",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert '<mark id="f1"' in html and 'href="#f1"' in html and "156.397524" in html
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (None, "missing.txt", "file.not_found"),
        (b"", "empty.txt", "document.empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "plan.exe", "document.unsupported_type"),
        ("这是一份会议通知，没有任何面积数字。".encode(), "notice.txt", "plan.no_figures"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_is_one_line_with_a_code_and_exit_2(
    runner: CliRunner, tmp_path: Path, content: bytes | None, name: str, code: str, lang: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["--lang", lang, "plan", "check", str(path)])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert f"[{code}]" in lines[0]
    assert lines[0].startswith("错误" if lang == "zh" else "Error")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_output_into_a_missing_directory_is_an_error(runner: CliRunner, seed_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "plan",
            "check",
            str(seed_dir / "yangquan_2026_supply_plan.txt"),
            "-f",
            "json",
            "-o",
            str(tmp_path / "no" / "x.json"),
        ],
    )
    assert result.exit_code == 2 and "[file.write_failed]" in result.stderr


def test_bad_option_value_is_a_usage_error(runner: CliRunner, seed_dir: Path) -> None:
    result = runner.invoke(app, ["plan", "check", str(seed_dir / "yangquan_2026_supply_plan.txt"), "--format", "xml"])
    assert result.exit_code == 2


def test_verbose_shows_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["-v", "plan", "check", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "[file.not_found]" in result.stderr
