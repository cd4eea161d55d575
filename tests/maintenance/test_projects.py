"""The key project list: import (.xlsx/.csv), geometry links, counts and the seed's reconciliation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
import shapely
from tests.maintenance._data import EPSG

from guotu.domain.findings import Severity
from guotu.domain.projects import count_projects, parse_project_table, reconcile_counts
from guotu.errors import InvalidInputError
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.services import maintenance as msvc
from guotu.services.projects import import_projects, list_projects, project_stats
from guotu.store import Store

ACTOR = "test:projects"
SEED_COUNTS = {"实施": 118, "延续": 229, "撤销": 22, "更新": 15, "新增": 180}
MODES = ("精准上图", "示意上图", "增补清单")


def _seed_like_rows() -> list[list[object]]:
    """564 projects with the seed's counts by status, modes in rotation."""
    rows: list[list[object]] = []
    n = 0
    for status, count in SEED_COUNTS.items():
        for _ in range(count):
            n += 1
            rows.append([f"XM{n:04d}", f"重点项目{n}", status, MODES[n % 3], "140302", 1.5])
    return rows


HEADER = ["项目编号", "项目名称", "项目状态", "上图方式", "所在区县", "用地面积（公顷）"]


def test_seed_counts_reconcile() -> None:
    assert [f.severity for f in reconcile_counts(stated_total=564, stated_by_status=SEED_COUNTS)] == [Severity.INFO]
    wrong = reconcile_counts(stated_total=565, stated_by_status=SEED_COUNTS)
    assert [f.severity for f in wrong] == [Severity.ERROR] and wrong[0].rule == "M7"
    counts = count_projects(parse_project_table(HEADER, _seed_like_rows()))
    assert counts.total == 564 and counts.by_status == SEED_COUNTS and counts.remaining == 542
    assert sum(counts.by_mode.values()) == 564


def test_import_xlsx_with_geometry(store: Store, tmp_path: Path) -> None:
    msvc.record_scheme(store, actor=ACTOR)  # the seed states 564 = 118 + 229 + 22 + 15 + 180
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["阳泉市重点建设项目清单"])
    sheet.append(HEADER)
    for row in _seed_like_rows():
        sheet.append(row)
    xlsx = tmp_path / "projects.xlsx"
    book.save(xlsx)
    precise = [r for r in _seed_like_rows() if r[3] == "精准上图"]
    geoms = [shapely.MultiPolygon([shapely.box(39_500_000 + i * 300, 4_320_000, 39_500_200 + i * 300, 4_320_200)])
             for i in range(len(precise) - 1)]  # fmt: skip
    shapes = VectorData(
        np.array(geoms, dtype=object),
        [{"XMBH": r[0]} for r in precise[:-1]],
        EPSG,
        tuple(str(r[0]) for r in precise[:-1]),
        ("XMBH",),
    )
    result = import_projects(
        store, xlsx, jurisdiction="140300", year=2026, actor=ACTOR, geometry=write_vector(shapes, tmp_path / "p.gpkg")
    )
    assert result.counts.total == 564 and result.counts.by_status == SEED_COUNTS
    assert len(result.linked) == len(precise) - 1
    # the one 精准上图 project without a polygon is a warning; the counts reconcile with the scheme
    assert [(f.severity, f.evidence.get("code")) for f in result.findings if f.severity is not Severity.INFO] == [
        (Severity.WARNING, str(precise[-1][0]))
    ]
    stored = list_projects(store, jurisdiction="140300", year=2026)
    assert len(stored) == 564 and sum(1 for _, wkb, _ in stored if wkb) == len(precise) - 1
    stats = project_stats(store, jurisdiction="140300", year=2026)
    assert stats.counts.to_dict()["remaining"] == 542 and stats.stated_total == 564
    # a re-import replaces the list
    csv_path = tmp_path / "projects.csv"
    csv_path.write_text(",".join(HEADER) + "\nA1,项目,新增,增补清单,140302,2\n", encoding="utf-8-sig")
    again = import_projects(store, csv_path, jurisdiction="140300", year=2026, actor=ACTOR)
    assert again.counts.total == 1 and any(f.severity is Severity.ERROR for f in again.findings)
    assert len(list_projects(store, jurisdiction="140300", year=2026)) == 1


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("项目编号,项目名称,项目状态\nA1,x,新增\n", "projects.columns_missing"),
        ("项目编号,项目名称,项目状态,上图方式\nA1,x,作废,精准上图\n", "projects.value_unknown"),
        ("项目编号,项目名称,项目状态,上图方式\nA1,x,新增,精准上图\nA1,y,新增,精准上图\n", "projects.code_duplicate"),
        ("项目编号,项目名称,项目状态,上图方式\n,x,新增,精准上图\n", "projects.code_missing"),
        ("名称,状态\nx,新增\n", "projects.columns_missing"),
    ],
)
def test_bad_lists(tmp_path: Path, content: str, code: str) -> None:
    from guotu.store import open_store

    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with open_store(f"sqlite:///{tmp_path / 's.db'}", migrate=True) as store:
        with pytest.raises(InvalidInputError) as err:
            import_projects(store, path, jurisdiction="140300", year=2026, actor=ACTOR)
        assert err.value.code == code
        assert store.count_records("key_project") == 0
