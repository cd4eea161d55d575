"""Tests for ``guotu codes`` (search and show), through the root app as a user runs it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from guotu.cli.main import app

# Wide terminal so rich tables do not wrap names; no inherited language.
ENV = {"COLUMNS": "200", "GUOTU_LANG": None, "NO_COLOR": "1"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(app, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "0701"], env=ENV)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("城镇住宅用地", "Urban residential land", "居住用地", "070101", "GBT21010-2017"):
        assert text in out
    assert "代码" in out and "等同" in out  # Chinese headers and relation names by default
    assert "住宅用地" in out  # a plan label that maps to 0701
    assert result.stderr == ""


def test_show_table_in_english(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "codes", "show", "0802"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "Code" in result.stdout and "equal" in result.stdout
    assert "0804" in result.stdout


def test_show_json(runner: CliRunner) -> None:
    data = _json(runner, "codes", "show", "0701", "--format", "json")
    assert data["class"]["code"] == "0701" and data["class"]["scheme"] == "GTKJ2023"
    assert [a["code"] for a in data["ancestors"]] == ["07"]
    assert [k["code"] for k in data["children"]] == ["070101", "070102", "070103"]
    rows = {(r["to_scheme"], r["to_code"], r["relation"]) for r in data["crosswalk"]}
    assert ("GBT21010-2017", "0701", "equal") in rows
    assert ("SURVEY-WORKING", "0701", "equal") in rows
    labels = {label["label"]: label for label in data["plan_labels"]}
    assert labels["住宅用地"]["codes_gbt"] == ["0701", "0703"]
    assert labels["保障性租赁住房用地"]["h3_counts"] is True


def test_show_swapped_codes_json(runner: CliRunner) -> None:
    data = _json(runner, "codes", "show", "0802", "-f", "json")
    (row,) = [r for r in data["crosswalk"] if r["to_scheme"] == "GBT21010-2017"]
    assert (row["to_code"], row["relation"], row["to_name_zh"]) == ("0804", "equal", "科研用地")


def test_show_in_another_scheme(runner: CliRunner) -> None:
    data = _json(runner, "codes", "show", "0508", "--scheme", "SURVEY-WORKING", "-f", "json")
    assert data["class"]["name_zh"] == "物流仓储用地"
    assert [r["to_code"] for r in data["crosswalk"]] == ["1101", "1102"]
    data = _json(runner, "codes", "show", "05", "--scheme", "gbt21010", "-f", "json")
    assert data["class"]["name_zh"] == "商服用地"
    assert "商服用地" in {label["label"] for label in data["plan_labels"]}


def test_show_unknown_code_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "codes", "show", "9999"], env=ENV)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error [classification.code_not_found]:")
    assert "9999" in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_show_unknown_code_in_chinese_by_default(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "0810"], env=ENV)  # GB/T only
    assert result.exit_code == 2
    assert result.stderr.strip() == "错误 [classification.code_not_found]: 找不到分类代码：0810（GTKJ2023）"


def test_unknown_scheme_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "05", "--scheme", "GB50137"], env=ENV)
    assert result.exit_code == 2
    assert "[classification.scheme_unknown]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_json_fields_and_ranking(runner: CliRunner) -> None:
    data = _json(runner, "codes", "search", "商服用地", "--format", "json")
    first_two = [(r["scheme"], r["code"]) for r in data["results"][:2]]
    assert first_two == [("GTKJ2023", "09"), ("GBT21010-2017", "05")]
    assert set(data["results"][0]) == {"scheme", "code", "level", "parent", "name_zh", "name_en"}


def test_search_with_scheme_and_limit(runner: CliRunner) -> None:
    data = _json(runner, "codes", "search", "05", "--scheme", "GBT21010-2017", "-n", "3", "-f", "json")
    assert [r["code"] for r in data["results"]] == ["05", "0501", "0502"]
    assert {r["scheme"] for r in data["results"]} == {"GBT21010-2017"}


def test_search_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "工矿用地和仓储用地"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "工矿仓储用地" in result.stdout and "仓储用地" in result.stdout


def test_search_without_results_exits_0_with_a_note(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "zzzz", "--format", "json"], env=ENV)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"results": []}
    assert "zzzz" in result.stderr
    result = runner.invoke(app, ["--lang", "en", "codes", "search", "zzzz"], env=ENV)
    assert result.exit_code == 0
    assert result.stderr.strip() == "No class matches “zzzz”"


def test_bad_format_is_rejected(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "05", "--format", "xml"], env=ENV)
    assert result.exit_code == 2


@pytest.mark.parametrize("command", ["search", "show"])
def test_options_are_documented(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, ["codes", command, "--help"], env=ENV)
    assert result.exit_code == 0
    for option in ("--scheme", "--format"):
        assert option in result.stdout
    assert "Classification scheme" in result.stdout
