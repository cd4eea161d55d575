"""Layer quality checks (guotu.geo.quality) on hand-built layers with known problems."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
import shapely

from guotu.domain.findings import Severity
from guotu.domain.layers import layer_kind
from guotu.geo.area import ellipsoidal_area
from guotu.geo.quality import QualityFinding, check_layer
from guotu.geo.vector import VectorData

X0, Y0 = 39_500_000.0, 4_400_000.0  # EPSG:4527, zone 39
CUSTOM = layer_kind("custom")
ZONES = layer_kind("planning_zones")  # tiles, requires GHFQDM (no shipped scheme)
LAYOUT = layer_kind("land_use_layout")  # class field YDYHFLDM, 用地用海 2023
SURVEY = layer_kind("current_land_use")  # tiles, DLBM, 三调


def box(x: float, y: float, w: float = 100.0, h: float = 100.0) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)])


def layer(geoms: list[Any], rows: list[dict[str, Any]] | None = None, *, crs: int = 4527, **source: Any) -> VectorData:
    rows = rows if rows is not None else [{} for _ in geoms]
    fields = tuple(dict.fromkeys(k for row in rows for k in row))
    return VectorData(
        np.array(geoms, dtype=object), rows, crs, tuple(str(i + 1) for i in range(len(geoms))), fields, source=source
    )


def codes(findings: list[QualityFinding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[QualityFinding], code: str) -> list[QualityFinding]:
    return [f for f in findings if f.code == code]


def grid(n: int, size: float = 100.0) -> list[shapely.MultiPolygon]:
    return [box(i * size, j * size, size, size) for j in range(n) for i in range(n)]


def test_clean_layer_has_no_findings() -> None:
    assert check_layer(layer(grid(3)), CUSTOM) == []


def test_bow_tie_is_invalid_and_located() -> None:
    bow_tie = shapely.Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10), (X0, Y0)])
    findings = check_layer(layer([box(100, 0), shapely.MultiPolygon([bow_tie])]), CUSTOM)
    (finding,) = only(findings, "qc.invalid_geometry")
    assert finding.severity is Severity.ERROR and finding.index == 1 and finding.feature_id == "2"
    assert "Self-intersection" in finding.params["reason"]
    assert finding.point == pytest.approx((X0 + 5, Y0 + 5))
    assert "自相交" in finding.message_zh or "Self-intersection" in finding.message_zh
    assert finding.to_dict()["severity"] == "error"


def test_empty_and_missing_geometries() -> None:
    findings = check_layer(layer([box(0, 0), None, shapely.MultiPolygon()]), CUSTOM)
    assert [(f.code, f.index) for f in findings] == [("qc.empty_geometry", 1), ("qc.empty_geometry", 2)]


def test_degenerate_part() -> None:
    with_empty_part = shapely.from_wkt(
        f"MULTIPOLYGON ((({X0} {Y0}, {X0 + 10} {Y0}, {X0 + 10} {Y0 + 10}, {X0} {Y0})), EMPTY)"
    )
    findings = check_layer(layer([with_empty_part]), CUSTOM)
    assert "qc.degenerate_part" in codes(findings)


def test_duplicates_are_errors_in_tiling_layers_and_warnings_elsewhere() -> None:
    reversed_copy = shapely.MultiPolygon(
        [shapely.Polygon(list(shapely.box(X0, Y0, X0 + 100, Y0 + 100).exterior.coords)[::-1])]
    )
    data = layer([box(0, 0), box(100, 0), reversed_copy], [{"GHFQDM": "01"}] * 3)
    (duplicate,) = only(check_layer(data, ZONES), "qc.duplicate_geometry")
    assert duplicate.severity is Severity.ERROR and duplicate.index == 2 and duplicate.params["other_id"] == "1"
    assert not only(check_layer(data, ZONES), "qc.overlap")  # reported once, as a duplicate
    assert only(check_layer(data, CUSTOM), "qc.duplicate_geometry")[0].severity is Severity.WARNING


def test_overlap_above_tolerance_with_its_area_and_place() -> None:
    data = layer([box(0, 0), box(50, 0), box(300, 0), box(399.99995, 0)])
    findings = only(check_layer(data, CUSTOM), "qc.overlap")
    assert len(findings) == 1  # the 0.01 m² sliver of overlap (0.5e-4 m × 100 m) is under the tolerance
    overlap = findings[0]
    assert (overlap.index, overlap.params["other_id"]) == (0, "2")
    assert float(overlap.params["area"]) == pytest.approx(5000.0, rel=1e-3)
    assert overlap.bbox == pytest.approx((X0 + 50, Y0, X0 + 100, Y0 + 100))
    assert overlap.severity is Severity.WARNING
    assert only(check_layer(data, SURVEY), "qc.overlap")[0].severity is Severity.ERROR


def test_a_polygon_inside_another_overlaps_it() -> None:
    findings = only(check_layer(layer([box(0, 0), box(25, 25, 10, 10)]), CUSTOM), "qc.overlap")
    assert len(findings) == 1 and float(findings[0].params["area"]) == pytest.approx(100.0, rel=1e-3)


def test_touching_polygons_with_unmatched_vertices_do_not_overlap() -> None:
    # the right square's left edge has a vertex in the middle of the left square's right edge
    right = shapely.MultiPolygon(
        [
            shapely.Polygon(
                [(X0 + 100, Y0), (X0 + 200, Y0), (X0 + 200, Y0 + 100), (X0 + 100, Y0 + 100), (X0 + 100, Y0 + 50)]
            )
        ]
    )
    data = layer([box(0, 0), right], [{"GHFQDM": "01"}, {"GHFQDM": "02"}])
    assert check_layer(data, ZONES) == []


def test_gap_in_a_tiling_layer() -> None:
    tiles = grid(3)
    del tiles[4]  # the middle one
    data = layer(tiles, [{"GHFQDM": "01"}] * len(tiles))
    (gap,) = only(check_layer(data, ZONES), "qc.gap")
    assert gap.severity is Severity.ERROR and gap.index is None
    assert float(gap.params["area"]) == pytest.approx(10000.0, rel=1e-3)
    assert gap.bbox == pytest.approx((X0 + 100, Y0 + 100, X0 + 200, Y0 + 200))
    assert not only(check_layer(data, CUSTOM), "qc.gap")  # only layers that must tile


def test_gap_found_when_the_layer_also_overlaps() -> None:
    tiles = grid(3)
    del tiles[4]
    tiles.append(box(0, 0, 50, 50))  # overlaps tile 0: the fast coverage union is not usable
    findings = check_layer(layer(tiles, [{"GHFQDM": "01"}] * len(tiles)), ZONES)
    assert len(only(findings, "qc.gap")) == 1 and len(only(findings, "qc.overlap")) == 1


def test_slivers_tiny_or_thin() -> None:
    findings = only(
        check_layer(layer([box(0, 0), box(200, 0, 0.05, 0.05), box(300, 0, 100, 0.02)]), CUSTOM), "qc.sliver"
    )
    assert [f.index for f in findings] == [1, 2]
    assert all(f.severity is Severity.WARNING for f in findings)


def test_required_fields_and_values() -> None:
    findings = check_layer(layer([box(0, 0), box(100, 0)], [{"X": 1}, {"X": 2}]), ZONES)
    assert [(f.code, f.field) for f in only(findings, "qc.required_field_missing")] == [
        ("qc.required_field_missing", "GHFQDM")
    ]
    findings = check_layer(layer([box(0, 0), box(100, 0)], [{"GHFQDM": " "}, {"GHFQDM": None}]), ZONES)
    assert [f.index for f in only(findings, "qc.required_value_missing")] == [0, 1]


def test_class_codes_in_their_scheme() -> None:
    rows = [{"YDYHFLDM": "0701"}, {"YDYHFLDM": "9999"}, {"YDYHFLDM": 701}, {"YDYHFLDM": "1001"}]
    findings = check_layer(layer([box(i * 100, 0) for i in range(4)], rows), LAYOUT)
    assert [(f.code, f.index) for f in findings] == [("qc.domain_value", 1), ("qc.code_not_text", 2)]
    assert findings[0].params["scheme"] == "GTKJ2023"
    assert "前导零" in findings[1].message_zh


def test_survey_codes_accept_the_adjustable_k() -> None:
    rows = [{"DLBM": "0201K"}, {"DLBM": "0101"}, {"DLBM": "0101X"}]
    findings = check_layer(layer([box(i * 100, 0) for i in range(3)], rows), SURVEY)
    assert [(f.code, f.index) for f in findings] == [("qc.domain_value", 2)]


def test_zone_codes_checked_only_with_a_scheme() -> None:
    data = layer([box(0, 0)], [{"GHFQDM": "0701"}])
    assert check_layer(data, ZONES) == []
    assert codes(check_layer(data, ZONES, scheme="GTKJ2023")) == []
    assert codes(check_layer(layer([box(0, 0)], [{"GHFQDM": "XX"}]), ZONES, scheme="GTKJ2023")) == ["qc.domain_value"]


def test_area_field_against_the_ellipsoidal_area() -> None:
    area = float(ellipsoidal_area(box(0, 0), 4527))  # 9999.90 m²
    rows = [{"TBMJ": round(area, 2)}, {"TBMJ": area * 1.01}, {"TBMJ": area + 0.9}, {"TBMJ": "不详"}, {"TBMJ": None}]
    findings = check_layer(layer([box(i * 200, 0) for i in range(5)], rows), CUSTOM)
    assert [(f.code, f.index) for f in findings] == [("qc.area_mismatch", 1), ("qc.area_not_numeric", 3)]
    mismatch = findings[0]
    assert mismatch.severity is Severity.WARNING and mismatch.field == "TBMJ"
    assert float(mismatch.params["computed"]) == pytest.approx(area, abs=0.01)
    assert "椭球面积" in mismatch.message_zh


def test_explicit_area_field_and_small_parcels_use_one_square_metre() -> None:
    small = box(0, 0, 10, 10)  # 100 m²: 0.1 % is 0.1 m², the floor is 1 m²
    area = float(ellipsoidal_area(small, 4527))
    rows = [{"YJJBNTMJ": area + 0.8}, {"YJJBNTMJ": area + 1.5}]
    findings = check_layer(layer([small, box(100, 0, 10, 10)], rows), CUSTOM, area_field="YJJBNTMJ")
    assert [(f.code, f.index) for f in findings] == [("qc.area_mismatch", 1)]


def test_geographic_layer() -> None:
    def lonlat(x: float, y: float, w: float = 0.001) -> shapely.MultiPolygon:
        return shapely.MultiPolygon([shapely.box(117 + x, 39 + y, 117 + x + w, 39 + y + w)])

    tiles = [lonlat(0, 0), lonlat(0.001, 0), lonlat(0.0005, 0.0005), lonlat(0.0051, 0, 1e-7)]
    findings = check_layer(layer(tiles, crs=4490), CUSTOM)
    assert sorted(codes(findings)) == ["qc.overlap", "qc.overlap", "qc.sliver"]
    overlap = only(findings, "qc.overlap")[0]
    assert 2350 < float(overlap.params["area"]) < 2450  # 43 m × 55.5 m at 39°N


def test_reader_notes_become_findings() -> None:
    notes = [
        {"code": "qc.encoding_guessed", "encoding": "gb18030", "samples": ("地块", "道路")},
        {"code": "qc.geometry_unreadable", "index": 1, "reason": "ring not closed"},
        {"code": "qc.z_dropped", "count": 2},
    ]
    findings = check_layer(layer([box(0, 0), None], warnings=notes), CUSTOM)
    assert [(f.code, f.severity.value, f.index) for f in findings] == [
        ("qc.geometry_unreadable", "error", 1),
        ("qc.encoding_guessed", "warning", None),
        ("qc.z_dropped", "warning", None),
    ]
    assert "地块、道路" in findings[1].message_zh


def test_every_finding_has_both_languages() -> None:
    bow_tie = shapely.Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10), (X0, Y0)])
    data = layer([box(0, 0), box(50, 0), shapely.MultiPolygon([bow_tie]), None], [{"GHFQDM": None}] * 4)
    findings = check_layer(data, ZONES)
    assert {"qc.overlap", "qc.invalid_geometry", "qc.empty_geometry", "qc.required_value_missing"} <= set(
        codes(findings)
    )
    for finding in findings:
        assert finding.code not in finding.message_zh and finding.code not in finding.message_en


def test_large_tiling_layer_with_one_overlap_and_one_gap() -> None:
    n = 141  # 2 × 10⁴ features; tests/io/test_scale.py reads and checks 10⁵
    xs, ys = np.meshgrid(np.arange(n) * 50.0, np.arange(n) * 50.0)
    x, y = X0 + xs.ravel(), Y0 + ys.ravel()
    squares = shapely.segmentize(shapely.box(x, y, x + 50, y + 50), 10)  # 21 vertices each
    geoms = shapely.multipolygons(squares, indices=np.arange(len(squares)))
    moved = (n // 2) * n + 7
    geoms[moved] = box(7 * 50 + 10, (n // 2) * 50, 50, 50)  # overlaps its neighbour, leaves a 10 m gap
    area = round(float(ellipsoidal_area(box(0, 0, 50, 50), 4527)), 2)
    rows = [{"DLBM": "0101", "TBMJ": area} for _ in range(len(geoms))]
    rows[0]["TBMJ"] = area + 100
    data = layer(list(geoms), rows)
    started = time.perf_counter()
    findings = check_layer(data, SURVEY)
    elapsed = time.perf_counter() - started
    assert [(f.code, f.index) for f in findings] == [("qc.gap", None), ("qc.overlap", moved), ("qc.area_mismatch", 0)]
    assert elapsed < 5, f"{len(geoms)} features took {elapsed:.1f} s"
