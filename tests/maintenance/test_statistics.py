"""Statistics of a synthetic change set, the seed's figures, and the rule checks (domain + geometry)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from tests.maintenance._data import EPSG, OneMap

from guotu.domain import units
from guotu.domain.findings import Severity
from guotu.domain.layers import ChangeKind
from guotu.domain.maintenance import (
    YANGQUAN_2026,
    BoundaryFigures,
    ChangeItem,
    ChangeSet,
    LayerFigures,
    MaintenanceParams,
    check_items,
    check_statistics,
    extract_scheme_figures,
    seed_record,
    whlx_kind,
)
from guotu.errors import InvalidInputError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.maintenance import ChangePolygon, apply_changes, change_areas, check_change_polygons, district_areas

SEED = Path(__file__).parent / "data" / "yangquan_2026_masterplan_maintenance.txt"


def _rules(findings: list, severity: Severity) -> list[str]:
    return sorted(f.rule for f in findings if f.severity is severity)


# --------------------------------------------------------------------------- the seed


def test_seed_figures_reconcile() -> None:
    record = seed_record()
    farm = record.figures_for("permanent_basic_farmland")
    assert (farm.before, farm.after, farm.unit) == (Decimal("8.2593"), Decimal("8.2831"), "万亩")
    assert farm.net() == Decimal("0.0238") and units.convert(farm.net(), "万亩", "亩") == Decimal("238")
    udb = record.figures_for("urban_development_boundary")
    assert udb.net() == Decimal("-2.81")
    assert record.figures_for("historic_protection_line").net() == Decimal("142.1686")
    green = record.figures_for("green_line")
    assert green.computed_after() == Decimal("301.11") == green.after
    purple = record.figures_for("purple_line")
    assert purple.computed_after() == Decimal("8.094834")
    assert units.quantize(purple.computed_after(), 2) == purple.after
    b = record.boundary
    assert b is not None and b.expansion_after + b.reserve == b.expansion == Decimal("973.98")
    share = b.computed_share_pct()
    assert share is not None and units.quantize(share, 2) == Decimal("3.06")


def test_seed_findings() -> None:
    record = seed_record()
    findings = check_statistics(record.statistics(), params=MaintenanceParams.for_jurisdiction("140300"))
    # the only error: a 紫线 调出 without an approval reference (G2); B1 notes the multiple after is unknown
    assert _rules(findings, Severity.ERROR) == ["G2"]
    assert _rules(findings, Severity.WARNING) == ["B1"]
    info = _rules(findings, Severity.INFO)
    assert {"M1", "M2", "C5", "B1", "B3", "B4", "G1", "P2"} <= set(info)
    g2 = next(f for f in findings if f.rule == "G2")
    assert "119" in g2.legal_source and g2.evidence["removed"] == "734.46"
    # with the approval reference attached, G2 is satisfied
    ok = check_statistics(record.statistics(), approval_refs={"purple_line": "阳政函〔2026〕1号"})
    assert "G2" not in _rules(ok, Severity.ERROR)


def test_seed_extracted_from_the_text_equals_the_constant() -> None:
    figures = extract_scheme_figures(SEED.read_text(encoding="utf-8"), jurisdiction="140300")
    assert figures == YANGQUAN_2026
    assert figures["projects"]["total"] == sum(figures["projects"]["by_status"].values()) == 564


def test_unreadable_scheme_and_bad_figures() -> None:
    with pytest.raises(InvalidInputError) as err:
        extract_scheme_figures("没有数字的文本", jurisdiction="140300")
    assert err.value.code == "maintenance.scheme_unreadable"
    with pytest.raises(InvalidInputError) as err:
        seed_record({"key": "x", "jurisdiction": "1", "year": 2026, "stated": {"green_line": {"unit": "英亩"}}})
    assert err.value.code == "maintenance.unit_unknown"
    with pytest.raises(InvalidInputError) as err:
        seed_record({"key": "x", "jurisdiction": "1", "year": 2026, "stated": {"nonsense": {}}})
    assert err.value.code == "layer.kind_unknown"


def test_reconciliation_catches_a_wrong_after_figure() -> None:
    row = LayerFigures("green_line", "公顷", Decimal("300.76"), Decimal("6.07"), Decimal("6.42"), Decimal("301.21"))
    findings = check_statistics(_stats(row))
    assert "M1" in _rules(findings, Severity.ERROR)


def _stats(*rows: LayerFigures, boundary: BoundaryFigures | None = None):  # type: ignore[no-untyped-def]
    changes = ChangeSet("k", "990101", 2026, stated={r.layer: r for r in rows}, boundary=boundary)
    return changes.statistics()


def test_rules_fire_on_bad_figures() -> None:
    farm = LayerFigures("permanent_basic_farmland", "万亩", Decimal("8.2593"), None, None, Decimal("8.2000"))
    green = LayerFigures("green_line", "公顷", Decimal("300"), Decimal("7"), Decimal("6"), Decimal("299"))
    udb = LayerFigures("urban_development_boundary", "公顷", Decimal("100"), None, None, Decimal("101"))
    red = LayerFigures("ecological_red_line", "平方千米", Decimal("10"), Decimal("0.1"), Decimal("0"), Decimal("9.9"))
    boundary = BoundaryFigures(multiple=Decimal("1.35"), expansion=Decimal("100"), expansion_after=Decimal("90"),
                               reserve=Decimal("10"), reserve_share_pct=Decimal("10.00"))  # fmt: skip
    findings = check_statistics(_stats(farm, green, udb, red, boundary=boundary))
    errors = _rules(findings, Severity.ERROR)
    assert {"P2", "G1", "B3", "B1", "B4"} <= set(errors)
    assert "E1" in _rules(findings, Severity.WARNING)
    # 1.28 limit configured for 阳泉
    assert MaintenanceParams.for_jurisdiction("140300").expansion_limit == Decimal("1.28")


def test_unknown_codes() -> None:
    item = ChangeItem("I0001", "green_line", ChangeKind.ADDED, Decimal(1), whly="XX", jdzbly="1", whbh="bad")
    fields = sorted(f.evidence["field"] for f in check_items([item]))
    assert fields == ["JDZBLY/KZBSHSLX", "WHBH", "WHLY"]
    with pytest.raises(InvalidInputError) as err:
        whlx_kind("7")
    assert err.value.code == "maintenance.whlx_unknown"


# --------------------------------------------------------------------------- synthetic geometry


def test_statistics_equal_the_areas_of_the_change_polygons(one_map: OneMap) -> None:
    kind = "urban_development_boundary"
    layer = one_map.layers[kind]
    removed, added = one_map.removed[kind], one_map.added[kind]
    polygons = [ChangePolygon(f"I{i:04d}", ChangeKind.REMOVED, g) for i, g in enumerate(removed, 1)]
    polygons += [ChangePolygon(f"I{i:04d}", ChangeKind.ADDED, g) for i, g in enumerate(added, len(removed) + 1)]
    areas = change_areas([p.geometry for p in polygons], EPSG)
    parts = district_areas([p.geometry for p in polygons], one_map.districts, field="XZQDM", epsg=EPSG)
    for area, split in zip(areas, parts, strict=True):
        assert abs(sum(split.values()) - area) < Decimal("0.01")  # split at district lines, nothing lost
    items = tuple(
        ChangeItem(p.item_id, kind, p.kind, a, district_m2=d) for p, a, d in zip(polygons, areas, parts, strict=True)
    )
    before_m2 = Decimal(repr(float(ellipsoidal_area(layer.geometries, EPSG).sum())))
    changes = ChangeSet("k", "990101", 2026, layers={kind: ("czkfbj", 1)}, items=items)
    stats = changes.statistics({kind: before_m2})
    row = stats.layer(kind)
    assert row is not None and row.source == "computed"
    expected_removed = float(ellipsoidal_area(np.array(removed, dtype=object), EPSG).sum())
    expected_added = float(ellipsoidal_area(np.array(added, dtype=object), EPSG).sum())
    assert row.removed == units.quantize(Decimal(repr(expected_removed)) / 10_000, 2)
    assert row.added == units.quantize(Decimal(repr(expected_added)) / 10_000, 2)
    # after = before − 调出 + 调入 equals the area of the layer with the changes applied
    after = apply_changes(layer, polygons)
    after_m2 = float(ellipsoidal_area(after.geometries, EPSG).sum())
    assert abs(after_m2 - (float(before_m2) - expected_removed + expected_added)) < 0.01
    assert row.after == units.quantize(Decimal(repr(after_m2)) / 10_000, 2)
    # by district: the district rows add up to the layer's changes
    assert sum(r.removed for r in stats.districts) == pytest.approx(row.removed, abs=Decimal("0.02"))
    assert not _rules(check_statistics(stats), Severity.ERROR)


def test_bad_change_polygons(one_map: OneMap) -> None:
    kind = "urban_development_boundary"
    layer = one_map.layers[kind]
    inside = layer.geometries[0]
    _, y0, x1, _ = one_map.boundary.bounds
    outside = shapely.box(x1 + 100, y0, x1 + 600, y0 + 500)  # beyond the jurisdiction
    free = one_map.added[kind][0]  # not on the layer
    findings = check_change_polygons(
        [
            ChangePolygon("I0001", ChangeKind.ADDED, outside),
            ChangePolygon("I0002", ChangeKind.REMOVED, free),
            ChangePolygon("I0003", ChangeKind.ADDED, inside),
        ],
        layer,
        jurisdiction=one_map.boundary,
        layer_name="czkfbj",
    )
    by_item = {(f.rule, f.evidence["item"]) for f in findings if f.severity is Severity.ERROR}
    assert by_item == {("M4", "I0001"), ("M5", "I0002"), ("M6", "I0003")}
    from guotu.errors import GeometryError

    with pytest.raises(GeometryError) as err:
        change_areas([shapely.LineString([(0, 0), (1, 1)])], EPSG)
    assert err.value.code == "maintenance.geometry_not_polygon"


def test_attribute_change_splits_a_feature() -> None:
    square = shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)
    from guotu.geo.vector import VectorData

    layer = VectorData(np.array([square], dtype=object), [{"GHFQDM": "03", "MJ": 1.0}], EPSG, ("F1",), ("GHFQDM", "MJ"))
    half = shapely.box(39_500_000, 4_400_000, 39_500_050, 4_400_100)
    after = apply_changes(layer, [ChangePolygon("I0001", ChangeKind.ATTRIBUTE, half, {"GHFQDM": "04"})])
    assert after.feature_ids == ("F1", "F1-I0001")
    assert [a["GHFQDM"] for a in after.attributes] == ["03", "04"]
    assert all(abs(a["MJ"] - 5000) < 5 for a in after.attributes)  # area fields recomputed (ellipsoidal)


_HA = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)


@given(before=_HA, removed=_HA, added=_HA)
def test_printed_figures_always_reconcile(before: Decimal, removed: Decimal, added: Decimal) -> None:
    """Figures rounded from exact values reconcile within their printed precision; one unit off does not."""
    if removed > before:
        removed = before
    after = units.quantize(before - removed + added, 2)
    row = LayerFigures("green_line", "公顷", before, removed, added, after)
    assert all(f.severity is not Severity.ERROR for f in check_statistics(_stats(row)) if f.rule == "M1")
    wrong = LayerFigures("green_line", "公顷", before, removed, added, after + Decimal("0.03"))
    assert any(f.rule == "M1" and f.severity is Severity.ERROR for f in check_statistics(_stats(wrong)))


def test_boundary_items_by_quota_source() -> None:
    udb = "urban_development_boundary"
    items = (
        ChangeItem("I0001", udb, ChangeKind.REMOVED, Decimal(10_000)),
        ChangeItem("I0002", udb, ChangeKind.ADDED, Decimal(12_000), jdzbly="2"),
        ChangeItem("I0003", udb, ChangeKind.ADDED, Decimal(400_000), jdzbly="1"),
        ChangeItem("I0004", udb, ChangeKind.ADDED, Decimal(1)),
    )
    boundary = BoundaryFigures(reserve=Decimal("29.81"))
    changes = ChangeSet("k", "140300", 2026, layers={udb: ("czkfbj", 1)}, items=items, boundary=boundary)
    findings = check_statistics(changes.statistics({udb: Decimal(93_903_100)}))
    errors = {(f.rule, f.message_en.split()[0]) for f in findings if f.severity is Severity.ERROR}
    assert ("B3", "Balanced") in errors and ("B4", "Additions") in errors  # 1.2 ha > 1 ha; 40 ha > 29.81 ha
    assert any(f.rule == "B3" and f.evidence.get("items") == "I0004" for f in findings)
