"""Indicators on synthetic layers with known areas, targets and thresholds, warnings, history (both stores)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
import shapely
from tests.supervision._year import YEAR
from tests.supervision.test_plan_versions import ACTOR

from guotu.domain.indicators import Level, catalogue, get_indicator, seed_targets
from guotu.domain.layers import LegalStatus
from guotu.domain.plan import SupplyPlan
from guotu.errors import InvalidInputError, NotFoundError
from guotu.geo.area import ellipsoidal_area, official_area
from guotu.geo.vector import VectorData
from guotu.services.indicators import evaluate, get_target, history, set_input, set_target
from guotu.services.jurisdictions import load_jurisdictions
from guotu.services.plan_versions import save_plan
from guotu.services.supply import save_records
from guotu.store import Store

EPSG = 4526  # CGCS2000 3° zone 38 (central meridian 114°E): 阳泉
X0, Y0 = 38_465_000.0, 4_190_000.0


def rects(*sizes: tuple[float, float]) -> list[shapely.MultiPolygon]:
    """Rectangles w × h (m) side by side, 1 km apart."""
    out, x = [], X0
    for w, h in sizes:
        out.append(shapely.MultiPolygon([shapely.box(x, Y0, x + w, Y0 + h)]))
        x += w + 1000
    return out


def add_layer(
    store: Store, name: str, kind: str, jurisdiction: str, geoms: list[shapely.MultiPolygon], *,
    effective: date, attrs: list[dict[str, object]] | None = None,
) -> None:  # fmt: skip
    if name not in {layer.name for layer in store.list_layers()}:
        store.create_layer(name, kind, jurisdiction=jurisdiction)
    data = VectorData(
        geometries=np.array(geoms, dtype=object),
        attributes=attrs or [{} for _ in geoms],
        crs=EPSG,
        feature_ids=tuple(f"{name}-{i}" for i in range(len(geoms))),
        fields=tuple(attrs[0]) if attrs else (),
    )
    store.add_version(name, data, legal_status=LegalStatus.IN_FORCE, effective_date=effective)


def hectares(geoms: list[shapely.MultiPolygon]) -> Decimal:
    """The official area (公顷, 4 decimals) of the geometries, as the formulas must find it."""
    return official_area(float(ellipsoidal_area(np.array(geoms, dtype=object), EPSG).sum()), "公顷", decimals=4)


def test_catalogue_and_seed_targets() -> None:
    codes = [i.code for i in catalogue()]
    assert {"GDBYL", "YJJBNT", "STBHHX", "CZKFBJ_KZBS", "CZHL", "GDJH_WCL", "BZXZF_ZB"} <= set(codes)
    assert get_indicator("永久基本农田保护面积").binding and get_indicator("CZHL").kind == "expected"
    targets = seed_targets("140300", 2026)
    assert targets["YJJBNT"].target == Decimal("5506.2")  # 8.2593 万亩 × 10000 / 15
    assert targets["STBHHX"].target == Decimal(1000)  # 10 km²
    assert targets["CZKFBJ_KZBS"].target == Decimal("1.28")
    assert targets["CZHL"].target == Decimal(83)
    assert "GDBYL" not in targets  # the brochure states no figure
    assert seed_targets("140300", 2040) == {"BZXZF_ZB": seed_targets("140300", 2040)["BZXZF_ZB"]}


def test_evaluation_on_synthetic_layers(store: Store, yangquan: SupplyPlan) -> None:
    load_jurisdictions(store, boundaries=False)
    farmland = {"140302": rects((2000, 2000)), "140303": rects((1000, 3000), (500, 500))}
    for code, geoms in farmland.items():  # district layers: summed for the city
        add_layer(store, f"yjjbnt_{code}", "permanent_basic_farmland", code, geoms, effective=date(2025, 1, 1))
    red_line_old, red_line_new = rects((10_000, 1_100)), rects((9_000, 1_000))
    add_layer(store, "stbhhx", "ecological_red_line", "140300", red_line_old, effective=date(2025, 1, 1))
    add_layer(store, "stbhhx", "ecological_red_line", "140300", red_line_new, effective=date(2026, 7, 1))
    boundary = rects((9_000, 1_000))
    add_layer(store, "czkfbj", "urban_development_boundary", "140300", boundary, effective=date(2025, 1, 1))
    survey = rects((1_000, 1_000), (2_000, 500), (700, 700))
    add_layer(store, "dltb", "current_land_use", "140300", survey, effective=date(2025, 1, 1),
              attrs=[{"DLBM": "0101"}, {"DLBM": "0103"}, {"DLBM": "0301"}])  # fmt: skip
    set_input(store, "CZKFBJ_KZBS", "140300", 2026, Decimal("710"), name="base", actor=ACTOR)
    set_input(store, "CZHL", "阳泉市", 2026, Decimal("83.05"), actor=ACTOR, source="统计公报")
    save_plan(store, yangquan, actor=ACTOR)
    save_records(store, YEAR, actor=ACTOR)

    early = evaluate(store, "阳泉市", 2026, on=date(2026, 6, 30), actor=ACTOR)
    farm = early.value("YJJBNT")
    assert farm.value == hectares(farmland["140302"] + farmland["140303"])
    assert abs(farm.value - Decimal(725)) < Decimal("0.1")  # 400 + 300 + 25 ha planar
    assert farm.level is Level.RED and len(farm.inputs["layers"]) == 2
    assert early.value("STBHHX").value == hectares(red_line_old) and early.value("STBHHX").level is Level.GREEN
    assert early.value("GDBYL").value == hectares(survey[:2])  # 0101 + 0103, not 0301
    assert early.value("GDBYL").level is Level.NONE  # no target stated
    area = hectares(boundary)
    multiple = early.value("CZKFBJ_KZBS")
    assert multiple.value == (area / Decimal(710)).quantize(Decimal("0.0001"))
    assert multiple.level is Level.YELLOW  # 1.2676 > 1.25, ≤ 1.28
    assert early.value("CZHL").level is Level.GREEN
    assert early.value("GDJH_WCL").value == Decimal("18.43")  # 33 / 179.0760
    by_indicator = {f.evidence["indicator"]: f for f in early.findings}
    assert by_indicator["YJJBNT"].severity.value == "error"
    assert by_indicator["YJJBNT"].evidence["threshold"] == "5506.2"
    assert by_indicator["CZKFBJ_KZBS"].severity.value == "warning"
    assert early.value("BZXZF_ZB").value == Decimal("100.00")  # by June 30 only R01 (保障性租赁住房)
    assert set(by_indicator) == {"YJJBNT", "CZKFBJ_KZBS"}

    late = evaluate(store, "140300", 2026, on=date(2026, 12, 31), actor=ACTOR)
    assert late.value("STBHHX").value == hectares(red_line_new)
    assert late.value("STBHHX").level is Level.RED  # 900 ha < 1000 ha
    assert late.value("GDJH_WCL").value == Decimal("103.31")
    assert late.value("BZXZF_ZB").value == Decimal("19.23")  # 5 / 26 ha
    late_findings = {f.evidence["indicator"]: f.severity.value for f in late.findings}
    assert late_findings == {"YJJBNT": "error", "STBHHX": "error", "CZKFBJ_KZBS": "warning", "BZXZF_ZB": "warning"}

    stored = history(store, "阳泉市", code="STBHHX")
    assert [v.level for v in stored] == [Level.GREEN, Level.RED]
    assert len(history(store, "140300", year=2026)) == 2 * len(catalogue())


def test_targets(store: Store) -> None:
    assert get_target(store, "YJJBNT", "140300", 2026).origin == "seed"  # type: ignore[union-attr]
    set_target(store, "YJJBNT", "阳泉市", 2026, Decimal("5600"), yellow=Decimal("5700"), actor=ACTOR)
    target = get_target(store, "YJJBNT", "140300", 2026)
    assert target is not None and (target.target, target.yellow, target.origin) == (Decimal(5600), Decimal(5700), "set")
    with pytest.raises(InvalidInputError) as err:
        set_target(store, "YJJBNT", "140300", 2026, Decimal("5600"), yellow=Decimal("5000"), actor=ACTOR)
    assert err.value.code == "indicator.thresholds_invalid"
    with pytest.raises(NotFoundError) as nf:
        set_target(store, "NOPE", "140300", 2026, Decimal(1), actor=ACTOR)
    assert nf.value.code == "indicator.not_found"
    assert get_target(store, "YJJBNT", "140300", 2026).target == Decimal(5600)  # type: ignore[union-attr]
    empty = evaluate(store, "140300", 2026, on=date(2026, 3, 1), actor=ACTOR, codes=["YJJBNT"], save=False)
    assert empty.value("YJJBNT").reason == "no_layer_in_force" and not empty.findings
    assert store.count_records("indicator_value") == 0
