"""Tests for guotu.domain.jurisdiction_data: the built-in jurisdictions and their lookup."""

from __future__ import annotations

import ast
import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

from guotu.catalogue import boundaries as catalogue
from guotu.domain import jurisdiction_data as jd
from guotu.domain.jurisdiction_data import builtin_jurisdictions, find_jurisdiction, is_official_code
from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.errors import InvalidInputError, NotFoundError

SRC = Path(__file__).resolve().parents[2] / "src" / "guotu"

# The seeds' jurisdictions and their parents, as GB/T 2260 publishes them; each code was
# also found in both boundary packages (docs/boundaries.md).
EXPECTED = [
    ("140000", "山西省", Level.PROVINCE, None),
    ("140300", "阳泉市", Level.CITY, "140000"),
    ("140302", "城区", Level.COUNTY, "140300"),
    ("140303", "矿区", Level.COUNTY, "140300"),
    ("140311", "郊区", Level.COUNTY, "140300"),
    ("140321", "平定县", Level.COUNTY, "140300"),
    ("140322", "盂县", Level.COUNTY, "140300"),
    ("650000", "新疆维吾尔自治区", Level.PROVINCE, None),
    ("653100", "喀什地区", Level.CITY, "650000"),
    ("653130", "巴楚县", Level.COUNTY, "653100"),
    ("440000", "广东省", Level.PROVINCE, None),
    ("441800", "清远市", Level.CITY, "440000"),
    ("441882", "连州市", Level.COUNTY, "441800"),
]
LIANZHOU_TOWNS = [
    "连州镇", "九陂镇", "保安镇", "龙坪镇", "大路边镇", "星子镇",
    "西岸镇", "西江镇", "东陂镇", "丰阳镇", "瑶安瑶族乡", "三水瑶族乡",
]  # fmt: skip

# Which level a parent of each level has.
PARENT_LEVELS = {
    Level.PROVINCE: set(),
    Level.CITY: {Level.PROVINCE},
    Level.COUNTY: {Level.CITY},
    Level.TOWNSHIP: {Level.COUNTY},
    Level.ZONE: {Level.CITY, Level.COUNTY},
}


@pytest.fixture(scope="module")
def by_code() -> dict[str, Jurisdiction]:
    return {j.code: j for j in builtin_jurisdictions()}


# --------------------------------------------------------------------- the data


@pytest.mark.parametrize(("code", "name", "level", "parent"), EXPECTED)
def test_seed_jurisdictions_have_their_gbt2260_codes(by_code, code, name, level, parent) -> None:
    j = by_code[code]
    assert (j.name, j.level, j.parent) == (name, level, parent)
    assert j.name_en


def test_codes_are_unique_and_strings() -> None:
    codes = [j.code for j in builtin_jurisdictions()]
    assert len(codes) == len(set(codes))
    assert all(isinstance(c, str) for c in codes)


def test_every_parent_exists_comes_first_and_has_the_right_level() -> None:
    seen: dict[str, Jurisdiction] = {}
    for j in builtin_jurisdictions():
        if j.level is Level.PROVINCE:
            assert j.parent is None, j
        else:
            assert j.parent in seen, f"{j.code}: parent {j.parent} missing or listed after it"
            assert seen[j.parent].level in PARENT_LEVELS[j.level], j
        seen[j.code] = j


def test_official_codes_nest_in_their_parents_codes(by_code) -> None:
    for j in builtin_jurisdictions():
        if not is_official_code(j.code):
            continue
        assert len(j.code) in (6, 9), j
        if j.level is Level.PROVINCE:
            assert j.code.endswith("0000"), j
        elif j.level is Level.CITY:
            assert j.code.endswith("00") and j.code[:2] == j.parent[:2], j
        elif j.level is Level.COUNTY:
            assert not j.code.endswith("00") and j.code[:4] == j.parent[:4], j
        elif j.level is Level.TOWNSHIP:
            assert len(j.code) == 9 and j.code.startswith(j.parent), j


def test_guotu_codes_follow_the_documented_convention() -> None:
    # zones: <parent>-Z<nn>; townships without a shipped 9-digit code: <parent>-T<nn>
    marks = {Level.ZONE: "Z", Level.TOWNSHIP: "T"}
    for j in builtin_jurisdictions():
        if is_official_code(j.code):
            assert j.level is not Level.ZONE, "a development zone has no GB/T 2260 code"
            continue
        match = re.fullmatch(r"(\d{6})-([ZT])(\d{2})", j.code)
        assert match, j
        assert match[1] == j.parent and match[2] == marks[j.level] and match[3] != "00", j


def test_yangquan_high_tech_zone_is_a_unit_under_the_city(by_code) -> None:
    zone = by_code["140300-Z01"]
    assert zone.level is Level.ZONE and zone.parent == "140300"
    assert zone.name == "阳泉高新技术产业开发区"


def test_the_twelve_towns_of_lianzhou(by_code) -> None:
    towns = [j for j in builtin_jurisdictions() if j.parent == "441882"]
    assert [t.name for t in towns] == LIANZHOU_TOWNS
    assert all(t.level is Level.TOWNSHIP for t in towns)
    # no installed package ships township codes: guotu's own, in the order above
    assert [t.code for t in towns] == [f"441882-T{i:02d}" for i in range(1, 13)]


def test_every_town_named_in_the_lianzhou_plan_is_built_in(seed_dir: Path) -> None:
    text = (seed_dir / "lianzhou_2026_supply_plan.txt").read_text(encoding="utf-8")
    named = set(re.findall(r"([\u4e00-\u9fff]{2,5}?[镇乡])土地供应量", text))
    assert len(named) == 11  # 丰阳镇 supplies no land in 2026
    for name in named:
        assert find_jurisdiction(name, parent="连州市").level is Level.TOWNSHIP


def test_every_district_of_the_yangquan_plan_is_found_under_the_city(seed_dir: Path) -> None:
    text = (seed_dir / "yangquan_2026_supply_plan.txt").read_text(encoding="utf-8")
    named = re.findall(r"(?<=[，。])([\u4e00-\u9fff]+?)国有建设用地供应总量约", text)
    assert named == ["城区", "矿区", "郊区", "高新区"]
    assert [find_jurisdiction(n, parent="阳泉市").code for n in named] == ["140302", "140303", "140311", "140300-Z01"]


def test_the_data_file_has_one_jurisdiction_per_line() -> None:
    text = files("guotu.domain.data").joinpath("jurisdictions.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    rows = [line.strip().rstrip(",") for line in text.splitlines() if line.strip().startswith('{"code"')]
    assert [json.loads(r) for r in rows] == raw["jurisdictions"]
    for row in raw["jurisdictions"]:
        assert row["confidence"] in raw["confidence"]
        assert row["level"] in raw["levels"]


def test_builtin_jurisdictions_are_frozen_and_loaded_once() -> None:
    assert builtin_jurisdictions() is builtin_jurisdictions()
    with pytest.raises(AttributeError):
        builtin_jurisdictions()[0].name = "x"  # type: ignore[misc]


# --------------------------------------------------------------------- lookups


@pytest.mark.parametrize(("code", "name", "level", "parent"), EXPECTED)
def test_find_by_code_and_by_name(code, name, level, parent) -> None:
    assert find_jurisdiction(code).name == name
    assert find_jurisdiction(name).code == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("阳泉", "140300"),
        ("高新区", "140300-Z01"),
        ("阳泉高新区", "140300-Z01"),
        ("阳泉高新技术产业开发区", "140300-Z01"),
        ("阳泉市城区", "140302"),
        ("山西省阳泉市矿区", "140303"),
        ("阳泉市 郊区", "140311"),
        ("清远市连州市连州镇", "441882-T01"),
        ("连州 三水瑶族乡", "441882-T12"),
        ("441882-T03", "441882-T03"),
        ("１４０３２２", "140322"),  # full-width digits
        (" 巴楚县\n", "653130"),
    ],
)
def test_find_by_alias_qualified_name_and_loose_spelling(query: str, code: str) -> None:
    assert find_jurisdiction(query).code == code


def test_find_under_a_parent() -> None:
    assert find_jurisdiction("城区", parent="140300").code == "140302"
    assert find_jurisdiction("盂县", parent="山西省").code == "140322"  # any depth
    with pytest.raises(NotFoundError) as info:
        find_jurisdiction("巴楚县", parent="广东省")
    assert info.value.code == "jurisdiction.not_found_under"
    assert info.value.params == {"query": "巴楚县", "parent": "广东省"}


@pytest.mark.parametrize("query", ["", "  ", "太原市", "140100", "阳泉市太原市", "Z01"])
def test_unknown_names_and_codes_are_not_found(query: str) -> None:
    with pytest.raises(NotFoundError) as info:
        find_jurisdiction(query)
    assert info.value.code == "jurisdiction.not_found"


def test_a_name_shared_by_two_jurisdictions_is_ambiguous(monkeypatch: pytest.MonkeyPatch) -> None:
    jurisdictions, aliases = jd._load()
    jincheng = (
        Jurisdiction("140500", "晋城市", Level.CITY, "140000"),
        Jurisdiction("140502", "城区", Level.COUNTY, "140500"),
    )
    monkeypatch.setattr(jd, "_load", lambda: ((*jurisdictions, *jincheng), aliases))
    with pytest.raises(InvalidInputError) as info:
        find_jurisdiction("城区")
    assert info.value.code == "jurisdiction.ambiguous"
    assert "140302" in info.value.params["matches"] and "140502" in info.value.params["matches"]
    assert find_jurisdiction("晋城市城区").code == "140502"
    assert find_jurisdiction("城区", parent="阳泉市").code == "140302"


def test_is_official_code() -> None:
    assert is_official_code("140300") and is_official_code("441882100") and is_official_code("441882100000")
    assert not any(is_official_code(c) for c in ("140300-Z01", "441882-T01", "14030", "1403000", "abcdef"))


# --------------------------------------------------------------------- messages


def _codes_raised(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.endswith("Error")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


@pytest.mark.parametrize("module", ["domain/jurisdiction_data.py", "geo/boundaries.py"])
def test_every_code_raised_has_zh_and_en_texts(module: str) -> None:
    codes = _codes_raised(SRC / module)
    assert codes
    for code in codes:
        zh, en = catalogue.MESSAGES[code]
        assert re.search(r"[\u4e00-\u9fff]", zh) and en
