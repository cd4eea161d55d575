"""The maintenance workflow against both stores: draft → add → check → approve → package, and its failures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from tests.maintenance._data import COUNTY, EPSG, OneMap, load_one_map

from guotu.domain.findings import Severity
from guotu.domain.maintenance import MaintenanceStatus
from guotu.errors import ConflictError, InvalidInputError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.services import maintenance as svc
from guotu.services.layers import import_layer
from guotu.store import Store

ACTOR = "test:maint"
UDB, FARM = "urban_development_boundary", "permanent_basic_farmland"


def _draft(store: Store, one_map: OneMap, tmp_path: Path) -> str:
    names = load_one_map(store, one_map, tmp_path)
    changes = svc.new_maintenance(
        store,
        jurisdiction=COUNTY,
        year=2026,
        layers=[names[UDB], names[FARM]],
        actor=ACTOR,
        title="样例县2026年度动态维护",
    )
    svc.add_changes(store, changes.key, one_map.changes[UDB], layer=names[UDB], actor=ACTOR, districts="xzq",
                    district_field="XZQDM", day=date(2026, 6, 1))  # fmt: skip
    svc.add_changes(store, changes.key, one_map.changes[FARM], layer="永久基本农田", actor=ACTOR, districts="xzq",
                    district_field="XZQDM", day=date(2026, 6, 1))  # fmt: skip
    return changes.key


def test_end_to_end(store: Store, one_map: OneMap, tmp_path: Path) -> None:
    key = _draft(store, one_map, tmp_path)
    assert key == f"{COUNTY}-2026-01"
    changes, _ = svc.get_maintenance(store, key)
    assert [(i.item_id, i.kind.whlx, i.layer) for i in changes.items] == [
        ("I0001", "3", UDB), ("I0002", "1", UDB), ("I0003", "3", FARM), ("I0004", "1", FARM)
    ]  # fmt: skip
    assert changes.items[0].whbh == "202606019901010001" and changes.items[0].whly == "04"
    assert changes.items[3].attributes["ZLDJ"] == 5
    # the items' areas are the ellipsoidal areas of the change polygons
    expected = ellipsoidal_area(np.array(one_map.removed[UDB] + one_map.added[UDB], dtype=object), EPSG)
    assert [float(i.area_m2) for i in changes.items[:2]] == pytest.approx(expected.tolist(), abs=1e-3)

    result = svc.check(store, key, actor=ACTOR)
    assert not result.blocked, [f.message_en for f in result.findings if f.severity is Severity.ERROR]
    assert result.changes.status is MaintenanceStatus.CHECKED
    udb_row = result.statistics.layer(UDB)
    assert udb_row is not None and udb_row.after is not None and udb_row.before is not None
    assert udb_row.after < udb_row.before  # 调入 smaller than 调出: B3 holds
    assert {r.district for r in result.statistics.districts} <= {"990101", "990102", "990103"}

    before_versions = {n: store.get_layer(n).latest_version for n in ("czkfbj", "yjjbnt", "lswhbhx")}
    approved = svc.approve(
        store, key, approval_document="样政函〔2026〕8号", approval_date=date(2026, 7, 1), actor=ACTOR
    )
    assert approved.status is MaintenanceStatus.APPROVED and approved.versions_after == {"czkfbj": 2, "yjjbnt": 2}
    new = store.get_version("czkfbj")
    assert new.version == 2 and new.approval_document == "样政函〔2026〕8号" and new.effective_date == date(2026, 7, 1)
    assert store.get_layer("lswhbhx").latest_version == before_versions["lswhbhx"]  # not maintained
    old = store.read_features("czkfbj", 1)
    assert len(old) == len(one_map.layers[UDB])  # nothing of the previous version is lost
    # statistics after = the new version's area (m², within rounding of 0.01 ha)
    assert Decimal(repr(new.area_m2)) / 10_000 == pytest.approx(udb_row.after, abs=Decimal("0.01"))
    with pytest.raises(ConflictError) as err:
        svc.approve(store, key, approval_document="x", approval_date=date(2026, 7, 2), actor=ACTOR)
    assert err.value.code == "maintenance.already_approved"

    files = svc.package(store, key, tmp_path / "pkg")
    assert [f.name for f in files] == [
        "990101样例县2026年度县级国土空间总体规划动态维护.gdb",
        "990101样例县2026年度县级国土空间总体规划动态维护.gpkg",
    ]
    for path in files:
        names = sorted(str(n) for n in pyogrio.list_layers(path)[:, 0])
        assert names == ["WHCCZKFBJ", "WHCYJJBNT", "WHHCZKFBJ", "WHHYJJBNT", "WHQCZKFBJ", "WHQYJJBNT"]
        whc = pyogrio.read_dataframe(path, layer="WHCCZKFBJ")
        assert list(whc.columns[:-1]) == ["BSM", "YSDM", "XZQDM", "XZQMC", "WHLX", "WHLY", "JDZBLY", "WHBH",
                                          "KZBSHSLX", "BZ", "MJ"]  # fmt: skip
        assert sorted(whc["WHLX"]) == ["1", "3"] and set(whc["XZQDM"]) == {COUNTY}
        assert whc.crs.to_epsg() == 4490
        assert whc["MJ"].tolist() == pytest.approx(expected.round(2).tolist(), abs=0.01)
        whq = pyogrio.read_dataframe(path, layer="WHQCZKFBJ")
        whh = pyogrio.read_dataframe(path, layer="WHHCZKFBJ")
        assert len(whq) == len(old) and whh["MJ"].sum() == pytest.approx(new.area_m2, abs=0.1)
        assert whq["MJ"].sum() - whh["MJ"].sum() == pytest.approx(float(expected[0] - expected[1]), abs=0.1)
        assert all(len(b) == 18 for b in whc["BSM"])
    events = [e.action for e in store.list_audit(target=f"maintenance:{key}")]
    assert events.count("maintenance.add") == 2 and "maintenance.approve" in events


def test_failed_approval_leaves_everything_untouched(store: Store, one_map: OneMap, tmp_path: Path) -> None:
    key = _draft(store, one_map, tmp_path)
    # someone files a new version of the farmland layer after the draft was made
    path = write_vector(one_map.layers[FARM], tmp_path / "farm_again.gpkg")
    import_layer(store, path, name="yjjbnt", kind=FARM)
    _, revision = svc.get_maintenance(store, key)
    with pytest.raises(ConflictError) as err:
        svc.approve(store, key, approval_document="样政函〔2026〕9号", approval_date=date(2026, 7, 1), actor=ACTOR)
    assert err.value.code == "version.stale"
    assert store.get_layer("czkfbj").latest_version == 1  # the first layer's new version was rolled back
    assert store.get_layer("yjjbnt").latest_version == 2
    changes, after_revision = svc.get_maintenance(store, key)
    assert after_revision == revision and changes.status is MaintenanceStatus.DRAFT and not changes.versions_after
    failed = [e for e in store.list_audit(target=f"maintenance:{key}") if e.action == "maintenance.approve"]
    assert [e.outcome for e in failed] == ["failed"] and failed[0].result == {
        "error": "version.stale",
        "params": failed[0].result["params"],
    }
    # a concurrent approval: the record moved on meanwhile
    with pytest.raises(ConflictError) as err:
        svc.approve(store, key, approval_document="x", approval_date=date(2026, 7, 1), actor=ACTOR,
                    expected_revision=revision - 1)  # fmt: skip
    assert err.value.code == "record.stale"


def test_bad_inputs(store: Store, one_map: OneMap, tmp_path: Path) -> None:
    names = load_one_map(store, one_map, tmp_path)
    key = svc.new_maintenance(store, jurisdiction=COUNTY, year=2026, layers=[names[UDB]], actor=ACTOR).key
    layer = one_map.layers[UDB]
    _, y0, x1, _ = one_map.boundary.bounds
    outside = shapely.box(x1 + 100, y0, x1 + 600, y0 + 500)
    polygons = [outside, one_map.added[UDB][0], layer.geometries[1]]
    data = VectorData(
        geometries=np.array(
            [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in polygons], dtype=object
        ),
        attributes=[{"WHLX": "1", "WHLY": "02"}, {"WHLX": "3", "WHLY": "ZZ"}, {"WHLX": "1", "WHLY": "02"}],
        crs=EPSG,
        feature_ids=("a", "b", "c"),
        fields=("WHLX", "WHLY"),
    )
    svc.add_changes(store, key, write_vector(data, tmp_path / "bad.gpkg"), layer=names[UDB], actor=ACTOR)
    result = svc.check(store, key, actor=ACTOR)
    errors = {(f.rule, f.evidence.get("item")) for f in result.findings if f.severity is Severity.ERROR}
    assert {("M4", "I0001"), ("M5", "I0002"), ("M3", "I0002"), ("M6", "I0003")} <= errors
    assert result.changes.status is MaintenanceStatus.DRAFT
    with pytest.raises(ConflictError) as err:
        svc.approve(store, key, approval_document="x", approval_date=date(2026, 7, 1), actor=ACTOR)
    assert err.value.code == "maintenance.blocked"
    assert store.get_layer(names[UDB]).latest_version == 1
    # revise: drop the bad items, the draft checks clean again
    svc.revise(store, key, actor=ACTOR, remove=["I0001", "I0002", "I0003"])
    assert not svc.check(store, key, actor=ACTOR).blocked
    # the boundary's scale: with a base, the multiple after maintenance is computed and checked (B1)
    svc.revise(store, key, actor=ACTOR, boundary={"multiple": "1.25", "base": "2000", "accounting_type": "1"})
    b1 = [f for f in svc.check(store, key, actor=ACTOR).findings if f.rule == "B1"]
    assert {f.severity for f in b1} == {Severity.INFO} and len(b1) == 2
    svc.revise(store, key, actor=ACTOR, boundary={"base": "1000"})
    result = svc.check(store, key, actor=ACTOR)
    assert [f.evidence["multiple"] for f in result.findings if f.rule == "B1" and f.severity is Severity.ERROR]
    svc.revise(store, key, actor=ACTOR, boundary={"base": "2000"})
    with pytest.raises(InvalidInputError) as ierr:
        svc.revise(store, key, actor=ACTOR, boundary={"nonsense": "1"})
    assert ierr.value.code == "maintenance.field_not_revisable"
    # an unknown WHLX code is refused whole: nothing is added
    _, revision = svc.get_maintenance(store, key)
    bad = VectorData(np.array([shapely.MultiPolygon([one_map.added[UDB][0]])], dtype=object), [{"WHLX": "7"}], EPSG,
                     ("x",), ("WHLX",))  # fmt: skip
    with pytest.raises(InvalidInputError) as ierr:
        svc.add_changes(store, key, write_vector(bad, tmp_path / "bad_whlx.gpkg"), layer=names[UDB], actor=ACTOR)
    assert ierr.value.code == "maintenance.whlx_unknown"
    assert svc.get_maintenance(store, key)[1] == revision
    with pytest.raises(InvalidInputError) as ierr:
        svc.revise(store, key, actor=ACTOR, remove=["I0099"])
    assert ierr.value.code == "maintenance.item_not_found"
    with pytest.raises(InvalidInputError) as ierr:
        svc.new_maintenance(store, jurisdiction=COUNTY, year=2026, layers=["xzq"], actor=ACTOR)
    assert ierr.value.code == "maintenance.layer_not_maintained"


def test_diff_and_scheme_records(store: Store, one_map: OneMap, tmp_path: Path) -> None:
    names = load_one_map(store, one_map, tmp_path)
    key = svc.new_maintenance(store, jurisdiction=COUNTY, year=2026, layers=[names[UDB]], actor=ACTOR).key
    layer = store.read_features(names[UDB])
    from guotu.domain.layers import ChangeKind
    from guotu.geo.maintenance import ChangePolygon, apply_changes

    after = apply_changes(
        layer,
        [
            ChangePolygon("N1", ChangeKind.REMOVED, one_map.removed[UDB][0]),
            ChangePolygon("N2", ChangeKind.ADDED, one_map.added[UDB][0], {"GHFQDM": "04"}),
        ],
    )
    path = write_vector(after, tmp_path / "after.gpkg")
    changes = svc.diff_changes(store, key, path, layer=names[UDB], actor=ACTOR, whly="04")
    kinds = sorted(i.kind.whlx for i in changes.items)
    assert kinds == ["1", "3"]
    removed = next(i for i in changes.items if i.kind.whlx == "3")
    expected = float(ellipsoidal_area(np.array(one_map.removed[UDB], dtype=object), EPSG)[0])
    assert float(removed.area_m2) == pytest.approx(expected, rel=1e-6)
    # a scheme entered from its figures
    scheme = svc.record_scheme(store, actor=ACTOR)
    assert scheme.key == "140300-2026-01"
    result = svc.check(store, scheme.key, actor=ACTOR)
    assert sorted(f.rule for f in result.findings if f.severity is Severity.ERROR) == ["G2"]
    assert any(f.rule == "M7" and f.evidence["total"] == "564" for f in result.findings)
    assert [c.key for c in svc.list_maintenances(store)] == ["140300-2026-01", f"{COUNTY}-2026-01"]
