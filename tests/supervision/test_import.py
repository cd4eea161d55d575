"""Import of supply records: land-market headers, units, profiles, vector files, atomic rejection."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import shapely
from tests.supervision.test_plan_versions import ACTOR

from guotu.domain.plan import SupplyPlan
from guotu.domain.supply import ColumnMapping, guess_mapping
from guotu.errors import InvalidInputError, NotFoundError
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.services.audit import list_events
from guotu.services.plan_versions import save_plan
from guotu.services.supply import get_profile, import_records, list_records, supplied_totals
from guotu.store import Store

HEADERS = [
    "宗地编号",
    "位置",
    "行政区",
    "面积（亩）",
    "土地用途",
    "供地方式",
    "成交价格(万元)",
    "签订日期",
    "容积率",
    "新增/存量",
]
ROWS = [
    ["YQ2026-001", "义井街道", "城区", "30", "城镇住宅用地", "挂牌出让", "4500", "2026-03-15", "1.0-2.5", "存量"],
    ["YQ2026-002", "荫营镇", "郊区", "150", "工业用地", "挂牌出让", "1200", "2026/5/8", "≥1.0", "新增"],
    ["YQ2026-003", "高新区A", "高新区", "7.5", "商服用地", "拍卖出让", "2000", "2026年8月1日", "2.0", "新增"],
]


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_headers_and_units_are_recognised() -> None:
    mapping = guess_mapping(HEADERS)
    assert mapping.area_unit == "亩" and mapping.price_unit == "万元"
    assert set(mapping.columns) == {
        "parcel_id", "location", "district", "area", "use", "mode", "price", "date", "far", "source",
    }  # fmt: skip
    assert guess_mapping(["地块编号", "出让面积(平方米)", "用途", "出让方式", "成交日期"]).area_unit == "平方米"


def test_csv_import(store: Store, yangquan: SupplyPlan, tmp_path: Path) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    result = import_records(
        store, write_csv(tmp_path / "sup.csv", ROWS), jurisdiction="阳泉市", year=2026, actor=ACTOR,
        save_profile_as="土地市场网",
    )  # fmt: skip
    assert result.written == 3 and not [f for f in result.findings if f.severity.value == "error"]
    records = list_records(store, "140300", 2026)
    first = records[0]
    assert (first.parcel_id, first.area_ha, first.use_code, first.mode, first.method) == (
        "YQ2026-001", Decimal(2), "0701", "出让", "挂牌",
    )  # fmt: skip
    assert (first.district, first.plan_category, first.far, first.source) == (
        "140302",
        "居住用地",
        Decimal("1.0"),
        "存量",
    )
    assert records[1].supply_date == date(2026, 5, 8) and records[1].plan_category == "工矿用地"
    assert records[2].district == "140300-Z01" and records[2].area_ha == Decimal("0.5")
    assert records[2].plan_category == "商服用地"
    totals = supplied_totals(store, "140300", 2026)
    assert totals[("合计", None)] == Decimal("12.5")
    assert get_profile(store, "土地市场网").area_unit == "亩"
    assert [e.outcome for e in list_events(store, action_prefix="supply.import")] == ["ok"]


def test_xlsx_import_with_title_rows_and_gbk_csv(store: Store, yangquan: SupplyPlan, tmp_path: Path) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["阳泉市2026年国有建设用地供应结果"])
    ws.append([])
    ws.append(["宗地编号", "行政区", "面积（平方米）", "土地用途", "供地方式", "签订日期"])
    ws.append(["X-1", "矿区", 25000, "0901", "协议出让", date(2026, 2, 3)])
    book.save(tmp_path / "sup.xlsx")
    result = import_records(store, tmp_path / "sup.xlsx", jurisdiction="140300", actor=ACTOR)
    assert result.written == 1
    record = list_records(store, "140300", 2026)[0]
    assert (record.area_ha, record.method, record.district) == (Decimal("2.5"), "协议", "140303")
    gbk = write_csv(tmp_path / "gbk.csv", [["G-1", "", "郊区", "15", "交通运输用地", "划拨", "", "2026-04-01", "", ""]],
                    encoding="gb18030")  # fmt: skip
    assert import_records(store, gbk, jurisdiction="140300", actor=ACTOR, year=2026).written == 1
    assert list_records(store, "140300", 2026)[-1].mode == "划拨"


def test_bad_import_writes_nothing(store: Store, yangquan: SupplyPlan, tmp_path: Path) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    bad = [
        ROWS[0],
        ["YQ2026-001", "", "城区", "3", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""],  # duplicate
        ["B-2", "", "城区", "-1", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""],  # negative area
        ["B-3", "", "火星区", "3", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""],  # unknown district
        ["B-4", "", "城区", "3", "月球用地", "挂牌出让", "", "2026-03-15", "", ""],  # unknown use
        ["B-5", "", "城区", "3", "城镇住宅用地", "赠与", "", "2026-03-15", "", ""],  # unknown mode
        ["B-6", "", "城区", "300000", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""],  # implausible
        ["B-7", "", "城区", "3", "城镇住宅用地", "挂牌出让", "", "2025-12-31", "", ""],  # other year
        ["B-8", "", "城区", "abc", "城镇住宅用地", "挂牌出让", "", "2026-03-15", "", ""],  # not a number
    ]
    result = import_records(store, write_csv(tmp_path / "bad.csv", bad), jurisdiction="140300", year=2026, actor=ACTOR)
    assert result.written == 0 and not result.accepted
    checks = {(f.evidence["row"], f.evidence["check"]) for f in result.findings}
    assert checks == {
        (3, "duplicate"), (4, "not_positive"), (5, "unknown"), (6, "unknown"), (7, "unknown"),
        (8, "implausible"), (9, "other_year"), (10, "not_number"),
    }  # fmt: skip
    assert store.count_records("supply_record") == 0
    assert [e.outcome for e in list_events(store, action_prefix="supply.import")] == ["failed"]
    # already recorded parcels are refused on a second import
    assert (
        import_records(store, write_csv(tmp_path / "ok.csv", ROWS[:1]), jurisdiction="140300", actor=ACTOR).written == 1
    )
    again = import_records(store, write_csv(tmp_path / "ok2.csv", ROWS[:2]), jurisdiction="140300", actor=ACTOR)
    assert again.written == 0 and {f.evidence["check"] for f in again.findings} == {"exists"}
    assert store.count_records("supply_record") == 1


def test_bad_files(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        import_records(store, tmp_path / "none.csv", jurisdiction="140300", actor=ACTOR)
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        import_records(store, tmp_path / "x.txt", jurisdiction="140300", actor=ACTOR)
    assert err.value.code == "supply.format_unsupported"
    with pytest.raises(InvalidInputError) as err:
        import_records(
            store, write_csv(tmp_path / "h.csv", [["1", "2"]], ["甲", "乙"]), jurisdiction="140300", actor=ACTOR
        )
    assert err.value.code == "supply.header_not_found"
    with pytest.raises(InvalidInputError) as err:
        import_records(store, write_csv(tmp_path / "m.csv", [["1", "2", "3"]], ["宗地编号", "土地用途", "签订日期"]),
                       jurisdiction="140300", actor=ACTOR)  # fmt: skip
    assert err.value.code == "supply.columns_missing"
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InvalidInputError) as err:
        import_records(store, tmp_path / "broken.xlsx", jurisdiction="140300", actor=ACTOR)
    assert err.value.code == "supply.table_unreadable"
    with pytest.raises(NotFoundError) as nf:
        import_records(store, write_csv(tmp_path / "p.csv", ROWS), jurisdiction="140300", actor=ACTOR, profile="无")
    assert nf.value.code == "supply.profile_not_found"
    assert store.count_records("supply_record") == 0


def test_explicit_mapping(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [["P1", "0701", "出让", "2026-01-02", "1.5"]], ["编", "类", "式", "日", "积"])
    mapping = ColumnMapping({"parcel_id": "编", "use": "类", "mode": "式", "date": "日", "area": "积"})
    result = import_records(store, path, jurisdiction="140300", actor=ACTOR, mapping=mapping)
    assert result.written == 1 and list_records(store, "140300", 2026)[0].plan_category is None  # no plan: off-plan


def test_geopackage_import_keeps_geometry(store: Store, yangquan: SupplyPlan, tmp_path: Path) -> None:
    save_plan(store, yangquan, actor=ACTOR)
    x0, y0 = 38_465_000.0, 4_190_000.0
    squares = [shapely.MultiPolygon([shapely.box(x0 + i * 500, y0, x0 + i * 500 + 200, y0 + 200)]) for i in range(2)]
    data = VectorData(
        geometries=np.array(squares, dtype=object),
        attributes=[
            {
                "宗地编号": "G1",
                "土地用途": "仓储用地",
                "供地方式": "挂牌出让",
                "签订日期": "2026-06-01",
                "行政区": "矿区",
            },
            {
                "宗地编号": "G2",
                "土地用途": "公用设施用地",
                "供地方式": "划拨",
                "签订日期": "2026-06-02",
                "行政区": "城区",
            },
        ],
        crs=4526,
        feature_ids=("1", "2"),
        fields=("宗地编号", "土地用途", "供地方式", "签订日期", "行政区"),
    )
    path = write_vector(data, tmp_path / "parcels.gpkg")
    result = import_records(store, path, jurisdiction="140300", actor=ACTOR)
    assert result.written == 2
    stored = store.get_record("supply_record", "140300:2026:G1")
    assert stored.geometry is not None and stored.crs == 4526
    area = list_records(store, "140300", 2026)[0].area_ha
    assert abs(area - Decimal(4)) < Decimal("0.01")  # 200 m × 200 m, ellipsoidal


def test_shapefile_import_gbk(store: Store, tmp_path: Path) -> None:
    x0, y0 = 38_465_000.0, 4_190_000.0
    data = VectorData(
        geometries=np.array([shapely.MultiPolygon([shapely.box(x0, y0, x0 + 100, y0 + 100)])], dtype=object),
        attributes=[
            {"宗地编号": "S1", "土地用途": "工业用地", "供地方式": "挂牌出让", "签订日期": "2026-02-01", "面积": 1.0}
        ],
        crs=4526,
        feature_ids=("1",),
        fields=("宗地编号", "土地用途", "供地方式", "签订日期", "面积"),
    )
    path = write_vector(data, tmp_path / "parcels.shp", encoding="GBK")
    result = import_records(store, path, jurisdiction="阳泉市", actor=ACTOR)
    assert result.written == 1, result.findings
    record = list_records(store, "140300", 2026)[0]
    assert (record.parcel_id, record.use_code, record.area_ha) == ("S1", "1001", Decimal("1.0"))  # the stated area wins
    assert record.geometry is not None and record.crs == 4526
