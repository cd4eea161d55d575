"""Tests for guotu.domain.classification: the tables, the crosswalk, plan labels, lookups."""

from __future__ import annotations

import json
import time
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guotu.catalogue import MESSAGES, message
from guotu.domain import classification as c
from guotu.domain.classification import GBT21010, GTKJ2023, SURVEY
from guotu.errors import InvalidInputError, NotFoundError


def _data(name: str) -> dict:
    return json.loads(files("guotu.domain.data").joinpath(name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------- the tables

GTKJ_LEVEL1 = {
    "01": "耕地", "02": "园地", "03": "林地", "04": "草地", "05": "湿地",
    "06": "农业设施建设用地", "07": "居住用地", "08": "公共管理与公共服务用地",
    "09": "商业服务业用地", "10": "工矿用地", "11": "仓储用地", "12": "交通运输用地",
    "13": "公用设施用地", "14": "绿地与开敞空间用地", "15": "特殊用地", "16": "留白用地",
    "17": "陆地水域", "18": "渔业用海", "19": "工矿通信用海", "20": "交通运输用海",
    "21": "游憩用海", "22": "特殊用海", "23": "其他土地", "24": "其他海域",
}  # fmt: skip

GBT_LEVEL2_COUNTS = {
    "01": 3, "02": 4, "03": 7, "04": 4, "05": 7, "06": 4,
    "07": 2, "08": 10, "09": 6, "10": 9, "11": 10, "12": 7,
}  # fmt: skip


@pytest.mark.parametrize("scheme", [GTKJ2023, GBT21010, SURVEY])
def test_every_parent_exists_one_level_up(scheme: str) -> None:
    table = {cls.code: cls for cls in c.classes(scheme)}
    assert len(table) == len(c.classes(scheme)), "duplicate codes"
    for cls in table.values():
        assert cls.scheme == scheme
        assert cls.confidence in c.CONFIDENCE_LEVELS
        if cls.level == 1:
            assert cls.parent is None
        else:
            assert cls.parent in table, cls
            assert table[cls.parent].level == cls.level - 1
            assert cls.code.startswith(cls.parent) or scheme == SURVEY


@pytest.mark.parametrize("scheme", [GTKJ2023, GBT21010, SURVEY])
def test_names_are_unique_and_non_empty(scheme: str) -> None:
    names = [cls.name_zh for cls in c.classes(scheme)]
    assert len(names) == len(set(names))
    assert all(cls.name_zh and cls.name_en for cls in c.classes(scheme))


def test_gtkj2023_level1_is_the_24_classes_of_the_guide() -> None:
    level1 = {cls.code: cls.name_zh for cls in c.classes() if cls.level == 1}
    assert level1 == GTKJ_LEVEL1


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("060203", "水产养殖设施建设用地"),
        ("070302", "二类农村宅基地"),
        ("080405", "其他教育用地"),
        ("090105", "公用设施营业网点用地"),
        ("1102", "储备库用地"),
        ("120803", "社会停车场用地"),
        ("1311", "水工设施用地"),
        ("1403", "广场用地"),
        ("1706", "冰川及常年积雪"),
        ("2302", "后备耕地"),
        ("1804", "农林牧业用岛"),
        ("2005", "其他交通运输用海"),
        ("2203", "海洋保护修复及海岸防护工程用海"),
    ],
)
def test_gtkj2023_spot_checks(code: str, name: str) -> None:
    assert c.get_class(code).name_zh == name


def test_gtkj2023_sea_classes_are_complete() -> None:
    expected = {f"18{i:02d}" for i in range(1, 5)} | {f"19{i:02d}" for i in range(1, 7)}
    expected |= {f"20{i:02d}" for i in range(1, 6)} | {"2101", "2102"}
    expected |= {f"22{i:02d}" for i in range(1, 7)}
    sea = {cls.code for cls in c.classes() if cls.level == 2 and cls.code[:2] in {"18", "19", "20", "21", "22"}}
    assert sea == expected
    assert c.children("16") == () and c.children("24") == ()


def test_gbt21010_levels() -> None:
    level1 = [cls for cls in c.classes(GBT21010) if cls.level == 1]
    assert [cls.code for cls in level1] == [f"{i:02d}" for i in range(1, 13)]
    counts = {cls.code: len(c.children(cls.code, GBT21010)) for cls in level1}
    assert counts == GBT_LEVEL2_COUNTS
    assert c.get_class("05", GBT21010).name_zh == "商服用地"
    assert c.get_class("0810", GBT21010).name_zh == "公园与绿地"
    assert c.get_class("1109", GBT21010).name_zh == "水工建筑用地"


def test_survey_working_classification() -> None:
    wetland = [cls.code for cls in c.children("00", SURVEY)]
    assert wetland == ["0303", "0304", "0306", "0402", "0603", "1105", "1106", "1108"]
    assert [cls.code for cls in c.children("05", SURVEY)] == ["05H1", "0508"]
    assert c.get_class("0508", SURVEY).name_zh == "物流仓储用地"
    assert c.get_class("05h1", SURVEY).name_zh == "商业服务业设施用地"
    assert c.get_class("06", SURVEY).name_zh == "工矿用地"
    assert {cls.code for cls in c.children("08", SURVEY)} == {"08H1", "08H2", "0809", "0810"}
    assert c.children("09", SURVEY) == ()


def test_children_and_ancestors() -> None:
    assert [cls.code for cls in c.children("07")] == ["0701", "0702", "0703", "0704"]
    assert [cls.code for cls in c.ancestors("080403")] == ["0804", "08"]
    assert c.ancestors("08") == ()


# ---------------------------------------------------------------------- schemes


@pytest.mark.parametrize(
    ("alias", "scheme"),
    [
        ("GTKJ2023", GTKJ2023),
        ("用地用海", GTKJ2023),
        ("GBT21010-2017", GBT21010),
        ("GB/T 21010-2017", GBT21010),
        ("gbt21010", GBT21010),
        ("SURVEY-WORKING", SURVEY),
        ("三调", SURVEY),
    ],
)
def test_resolve_scheme(alias: str, scheme: str) -> None:
    assert c.resolve_scheme(alias) == scheme


def test_schemes_have_display_names() -> None:
    assert [s.id for s in c.SCHEMES] == [GTKJ2023, GBT21010, SURVEY]
    assert all(s.name_zh and s.name_en for s in c.SCHEMES)


def test_unknown_scheme_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as info:
        c.get_class("01", "GB50137")
    assert info.value.code == "classification.scheme_unknown"
    assert "GB50137" in info.value.message("en")


def test_unknown_code_is_not_found_with_code_and_scheme() -> None:
    with pytest.raises(NotFoundError) as info:
        c.get_class("0810")  # exists in GB/T 21010, not in 用地用海 2023
    assert info.value.code == "classification.code_not_found"
    assert info.value.params == {"code": "0810", "scheme": GTKJ2023}
    assert info.value.message("zh") == "找不到分类代码：0810（GTKJ2023）"


def test_catalogue_has_both_languages_for_every_classification_key() -> None:
    keys = [k for k in MESSAGES if k.startswith("classification.")]
    assert {"classification.code_not_found", "classification.use_unknown"} <= set(keys)
    for key in keys:
        zh, en = MESSAGES[key]
        assert zh and en
    for relation in c.RELATIONS:
        assert f"classification.relation.{relation}" in MESSAGES
    for level in c.CONFIDENCE_LEVELS:
        assert f"classification.confidence.{level}" in MESSAGES
    for kind in c.LABEL_KINDS:
        assert f"classification.kind.{kind}" in MESSAGES
    assert message("classification.use_unknown", "en", value="x").startswith("Unknown land use: x")


# --------------------------------------------------------------------- crosswalk


def test_every_crosswalk_code_exists_in_its_scheme() -> None:
    rows = _data("crosswalk.json")["rows"]
    seen = set()
    for row in rows:
        assert row["relation"] in c.RELATIONS
        assert row["confidence"] in c.CONFIDENCE_LEVELS
        c.get_class(row["from_code"], row["from_scheme"])
        if row["relation"] == "none":
            assert row["to_code"] is None
        else:
            c.get_class(row["to_code"], row["to_scheme"])
        key = (row["from_scheme"], row["from_code"], row["to_scheme"], row["to_code"])
        assert key not in seen, key
        seen.add(key)


def _pairs(code: str, source: str, target: str) -> list[tuple[str | None, str]]:
    return [(e.to_code, e.relation) for e in c.crosswalk(code, source, target)]


def test_codes_swapped_between_schemes() -> None:
    assert _pairs("0802", GTKJ2023, GBT21010) == [("0804", "equal")]  # 科研用地
    assert _pairs("0804", GTKJ2023, GBT21010) == [("0803", "equal")]  # 教育用地
    assert _pairs("0804", GBT21010, GTKJ2023) == [("0802", "equal")]
    assert _pairs("0803", GBT21010, GTKJ2023) == [("0804", "equal")]


def test_crosswalk_is_read_in_both_directions() -> None:
    assert _pairs("1101", GTKJ2023, GBT21010) == [("0604", "part_of")]
    assert _pairs("0604", GBT21010, GTKJ2023) == [("1101", "contains"), ("1102", "contains")]
    assert _pairs("1311", GTKJ2023, GBT21010) == [("11", "part_of"), ("1109", "equal")]
    assert _pairs("16", GTKJ2023, GBT21010) == [(None, "none")]


def test_crosswalk_inherits_from_the_nearest_ancestor() -> None:
    (entry,) = c.crosswalk("100102", GTKJ2023, GBT21010)
    assert (entry.to_code, entry.relation, entry.via) == ("0601", "part_of", "1001")
    (entry,) = c.crosswalk("1209", GTKJ2023, GBT21010)
    assert (entry.to_code, entry.relation, entry.via) == ("10", "part_of", "12")


def test_crosswalk_within_one_scheme_is_identity() -> None:
    assert _pairs("0701", GTKJ2023, GTKJ2023) == [("0701", "equal")]


@pytest.mark.parametrize(
    ("survey", "gtkj"),
    [
        ("0508", "1101"),
        ("0603", "1003"),
        ("0809", "13"),
        ("1006", "0601"),
        ("1202", "0602"),
        ("0304", "0501"),
        ("0303", "0507"),
        ("1105", "0505"),
        ("1106", "0506"),
    ],
)
def test_survey_same_name_mappings(survey: str, gtkj: str) -> None:
    targets = [e.to_code for e in c.crosswalk(survey, SURVEY, GTKJ2023)]
    assert gtkj in targets
    assert c.get_class(survey, SURVEY).name_zh == c.get_class(gtkj).name_zh


@pytest.mark.parametrize(
    ("gtkj", "gbt"),
    [
        ("0701", "0701"), ("0703", "0702"), ("0803", "0807"), ("0805", "0808"),
        ("0806", "0805"), ("0807", "0806"), ("0902", "0505"), ("1001", "0601"),
        ("1201", "1001"), ("1202", "1003"), ("1206", "1002"), ("1208", "1005"),
        ("0601", "1006"), ("0602", "1202"), ("1501", "0901"), ("1503", "0904"),
        ("1505", "0903"), ("2301", "1201"),
    ],
)  # fmt: skip
def test_construction_crosswalk_one_to_one(gtkj: str, gbt: str) -> None:
    assert (gbt, "equal") in _pairs(gtkj, GTKJ2023, GBT21010)


# -------------------------------------------------------------------- plan labels

REQUIRED_LABELS = [
    "商服用地", "商业服务业用地", "商业用地", "商服类用地", "住宅用地", "住房用地", "居住用地",
    "住宅类用地", "工矿仓储用地", "工矿用地和仓储用地", "工业、仓储用地", "工矿仓库用地",
    "工业仓储用地", "工矿用地", "仓储用地", "工业用地", "公共管理与公共服务用地",
    "公共管理与公共服务设施用地", "公共管理与服务用地", "公服用地", "公用设施用地", "公园与绿地",
    "绿地与开敞空间用地", "交通运输用地", "交通用地", "水域及水利设施用地", "特殊用地", "教育用地",
    "其他用地", "经营性用地", "保障性住房用地", "保障性安居工程用地", "廉租房用地",
    "经济适用房用地", "公共租赁住房用地", "公租房用地", "棚户区改造用地", "棚户区改造住房用地",
    "限价商品房用地", "中小套型商品住房用地", "中小套型普通商品住房用地", "中小套型商品房用地",
    "商品住房用地", "商品住宅用地", "普通商品房用地", "保障性租赁住房用地", "市场化租赁住宅用地",
    "产权住宅用地", "其他住房用地", "其他住宅用地",
]  # fmt: skip

H3_COUNTS = {
    "保障性安居工程用地": True, "保障性住房用地": True, "廉租房用地": True,
    "经济适用房用地": True, "公共租赁住房用地": True, "公租房用地": True,
    "棚户区改造用地": True, "棚户区改造住房用地": True, "限价商品房用地": True,
    "中小套型普通商品住房用地": True, "中小套型商品住房用地": True, "中小套型商品房用地": True,
    "保障性租赁住房用地": True, "商品住房用地": False, "商品住宅用地": False,
    "普通商品房用地": False, "市场化租赁住宅用地": False, "产权住宅用地": False,
    "其他住房用地": False, "其他住宅用地": False,
}  # fmt: skip


def test_required_labels_are_present() -> None:
    missing = [label for label in REQUIRED_LABELS if label not in c.plan_labels()]
    assert missing == []


def test_every_plan_label_code_exists() -> None:
    gtkj = {cls.code for cls in c.classes(GTKJ2023)}
    gbt = {cls.code for cls in c.classes(GBT21010)}
    for label in c.plan_labels().values():
        assert set(label.codes) <= gtkj, label.label
        assert set(label.codes_gbt) <= gtkj, label.label
        assert set(label.gbt21010_codes) <= gbt, label.label
        assert label.kind in c.LABEL_KINDS
        assert label.scheme_hint in {"GTKJ2023", "GBT21010", "both"}
        assert label.confidence in c.CONFIDENCE_LEVELS


def test_housing_labels_are_sub_items_of_residential_land() -> None:
    for label in c.plan_labels().values():
        if label.kind == "housing":
            assert label.parent == "住宅用地"
            assert isinstance(label.h3_counts, bool)
            assert label.parent in c.plan_labels()
        else:
            assert label.h3_counts is None and label.parent is None


@pytest.mark.parametrize(("label", "counts"), sorted(H3_COUNTS.items()))
def test_h3_counts(label: str, counts: bool) -> None:
    assert c.plan_labels()[label].kind == "housing"
    assert c.plan_labels()[label].h3_counts is counts


def test_many_to_one_and_one_to_many_labels() -> None:
    labels = c.plan_labels()
    assert labels["工矿仓储用地"].codes == ("10", "11")
    assert labels["工矿用地和仓储用地"].codes == ("10", "11")
    assert labels["工矿仓储用地"].gbt21010_codes == ("06",)
    assert labels["公共管理与公共服务用地"].codes == ("08",)
    assert labels["公共管理与公共服务用地"].codes_gbt == ("08", "13", "14")
    assert labels["公园与绿地"].codes == ("14",)
    assert labels["水域及水利设施用地"].codes_gbt == ("1311",)
    assert labels["交通运输用地"].codes != labels["交通运输用地"].codes_gbt
    assert labels["住宅用地"].codes != labels["住宅用地"].codes_gbt
    assert labels["工业用地"].codes == ("1001",)
    assert labels["商服用地"].codes == ("09",) and labels["商服用地"].gbt21010_codes == ("05",)
    assert labels["经营性用地"].kind == "aggregate"


# The supply-plan reading of 水域及水利设施用地 deliberately keeps only 水工设施用地.
_SUPPLY_PLAN_READINGS = {"水域及水利设施用地", "水利设施用地"}


def test_codes_gbt_cover_the_crosswalk_of_gbt21010_codes() -> None:
    for label in c.plan_labels().values():
        if label.scheme_hint == "GTKJ2023" or label.label in _SUPPLY_PLAN_READINGS:
            continue
        allowed = set(label.codes_gbt)
        for gbt in label.gbt21010_codes:
            for code in c.normalize_use(f"{GBT21010}:{gbt}").codes:
                lineage = {code} | {a.code for a in c.ancestors(code)}
                assert lineage & allowed, (label.label, gbt, code)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("商服用地", "商服用地"),
        (" 商服 用地\n", "商服用地"),
        ("工业,仓储用地", "工业、仓储用地"),
        ("工业，仓储用地", "工业、仓储用地"),
        ("公租房用地", "公租房用地"),
    ],
)
def test_match_plan_label(text: str, label: str) -> None:
    found = c.match_plan_label(text)
    assert found is not None and found.label == label


def test_match_plan_label_needs_the_whole_text() -> None:
    assert c.match_plan_label("供应商业用地") is None
    assert c.match_plan_label("") is None


def _found(text: str) -> list[tuple[int, int, str]]:
    return [(start, end, label.label) for start, end, label in c.find_plan_labels(text)]


def test_find_plan_labels_in_seed_lines() -> None:
    assert _found("2.供应商业用地52.89公顷") == [(4, 8, "商业用地")]
    assert _found("3.供应工矿用地和仓储用地1175.42公顷") == [(4, 13, "工矿用地和仓储用地")]


def test_find_plan_labels_prefers_the_longest_label() -> None:
    assert _found("商业服务业用地") == [(0, 7, "商业服务业用地")]
    assert _found("其他住宅用地") == [(0, 6, "其他住宅用地")]
    assert _found("中小套型普通商品住房用地") == [(0, 12, "中小套型普通商品住房用地")]
    assert _found("工业、仓储用地和工业用地") == [(0, 7, "工业、仓储用地"), (8, 12, "工业用地")]
    assert _found("工业,仓储用地") == [(0, 7, "工业、仓储用地")]


def test_find_plan_labels_in_a_sentence() -> None:
    text = "其中居住用地23.6554公顷，商服用地3.6813公顷，公共管理与服务用地5.3916公顷。"
    found = c.find_plan_labels(text)
    assert [label.label for _, _, label in found] == ["居住用地", "商服用地", "公共管理与服务用地"]
    assert all(text[start:end] == label.label for start, end, label in found)
    assert c.find_plan_labels("没有任何用地类别的句子") == []


def test_find_plan_labels_is_fast_on_a_whole_document() -> None:
    sentence = (
        "计划供应国有建设用地1843.24公顷，其中居住用地77.33公顷，商业用地52.89公顷，"
        "工矿用地和仓储用地1175.42公顷；严格落实单宗房地产用地面积不超过14公顷的规定，"
        "生态保护红线内不得安排建设项目，保障性租赁住房用地优先供应。"
    )
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    c.find_plan_labels(text)  # compile the pattern outside the timing
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        found = c.find_plan_labels(text)
        best = min(best, time.perf_counter() - start)
    assert len(found) > 1000
    assert best < 0.010, f"{best * 1000:.1f} ms for 100 kB"


_LABELS = sorted(c.plan_labels())
_FILLER = st.text(alphabet="的在了，。0123456789公顷亩供应计划", max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_FILLER, st.sampled_from(_LABELS)), max_size=6))
def test_find_plan_labels_matches_are_labels_in_order_without_overlap(
    parts: list[tuple[str, str]],
) -> None:
    text = "".join(filler + label for filler, label in parts)
    found = c.find_plan_labels(text)
    end = 0
    for start, stop, label in found:
        assert start >= end
        assert c.match_plan_label(text[start:stop]) == label
        end = stop
    assert len(found) >= 1 if parts else found == []


# ------------------------------------------------------------------------- search


def test_search_plan_label_finds_both_schemes() -> None:
    found = [(cls.scheme, cls.code) for cls in c.search("商服用地")]
    assert found[:2] == [(GTKJ2023, "09"), (GBT21010, "05")]


def test_search_ranks_exact_code_before_prefix() -> None:
    found = [(cls.scheme, cls.code) for cls in c.search("0701")]
    assert found[:3] == [(GTKJ2023, "0701"), (GBT21010, "0701"), (SURVEY, "0701")]
    assert (GTKJ2023, "070101") in found
    assert [cls.code for cls in c.search("07", scheme=GTKJ2023)][:2] == ["07", "0701"]


def test_search_ranks_exact_name_before_substring() -> None:
    found = [cls.code for cls in c.search("工业用地", scheme=GTKJ2023)]
    assert found[0] == "1001"
    assert set(found) >= {"100101", "100102", "100103"}


def test_search_by_english_name_and_scheme_prefix() -> None:
    assert c.search("urban residential LAND")[0].code == "0701"
    found = c.search("GBT21010-2017:08")
    assert found[0].scheme == GBT21010 and found[0].code == "08"
    assert {cls.scheme for cls in found} == {GBT21010}


def test_search_limit_and_empty_query() -> None:
    assert len(c.search("用地", limit=5)) == 5
    assert c.search("  ") == []
    assert c.search("zzzz") == []


# ---------------------------------------------------------------------- normalise


def test_normalize_use_level3_code() -> None:
    result = c.normalize_use("070101")
    assert result.codes == ("070101",)
    assert result.scheme == GTKJ2023 and result.matched_by == "code"
    assert result.land_class is not None and result.land_class.name_zh == "一类城镇住宅用地"
    assert not result.ambiguous


def test_normalize_use_plan_label() -> None:
    result = c.normalize_use("商服用地")
    assert result.codes == ("09",)
    assert result.matched_by == "plan_label"
    assert result.label is not None and result.label.label == "商服用地"
    assert result.scheme == GBT21010


def test_normalize_use_nonsense_raises() -> None:
    with pytest.raises(InvalidInputError) as info:
        c.normalize_use("nonsense")
    assert info.value.code == "classification.use_unknown"
    assert info.value.params == {"value": "nonsense"}
    with pytest.raises(InvalidInputError):
        c.normalize_use("   ")


def test_normalize_use_ambiguous_bare_code_defaults_to_gtkj2023() -> None:
    result = c.normalize_use("05")
    assert result.codes == ("05",) and result.scheme == GTKJ2023
    assert result.ambiguous and result.alternatives == (GBT21010, SURVEY)
    assert not c.normalize_use("0701").ambiguous  # the same land in every scheme


@pytest.mark.parametrize(
    ("value", "codes", "scheme"),
    [
        ("GBT21010-2017:05", ("09",), GBT21010),
        ("gbt21010:06", ("10", "11"), GBT21010),
        ("GBT21010-2017:07", ("0701", "0703"), GBT21010),
        ("GBT21010-2017:0804", ("0802",), GBT21010),
        ("0810", ("14",), GBT21010),
        ("SURVEY-WORKING:05", ("09", "11"), SURVEY),
        ("三调：0508", ("11",), SURVEY),
        ("05H1", ("09",), SURVEY),
        ("城镇住宅用地", ("0701",), GTKJ2023),
        ("Urban residential land", ("0701",), GTKJ2023),
        ("水工建筑用地", ("1311",), GBT21010),
        ("工矿仓储用地", ("10", "11"), GBT21010),
        ("公园与绿地", ("14",), GBT21010),
        ("保障性租赁住房用地", ("0701",), GTKJ2023),
    ],
)
def test_normalize_use_readings(value: str, codes: tuple[str, ...], scheme: str) -> None:
    result = c.normalize_use(value)
    assert (result.codes, result.scheme) == (codes, scheme)


def test_normalize_use_name_in_several_schemes_says_so() -> None:
    result = c.normalize_use("公共管理与公共服务用地")
    assert result.codes == ("08",) and result.scheme == GTKJ2023
    assert GBT21010 in result.alternatives
    residential = c.normalize_use("住宅用地")
    assert residential.codes == ("0701", "0703")
    assert residential.alternatives == (GTKJ2023,)
