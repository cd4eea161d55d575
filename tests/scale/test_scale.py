"""The distributed jobs on a LocalCluster of 2 worker processes give the single-machine results.

The layers are synthetic 三调-like surveys spilled to GeoParquet folders; the
partitions are forced small (6–8 of them) so that the districts, zones and changed
features cross partition boundaries. The references are the single-machine
functions (``tabulate_intersection``, ``cross_zones``, ``diff_versions``,
``ellipsoidal_area``) on the whole layer in memory, read back from the same files.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from guotu.errors import ConfigurationError, CRSError, InvalidInputError
from guotu.geo import synthetic
from guotu.geo.area import ellipsoidal_area, planar_area
from guotu.geo.diff import diff_versions
from guotu.geo.overlay import ZoneLayer, cross_zones, tabulate_intersection
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector
from guotu.scale import DaskEngine, DiffJob, StatsJob, TabulateJob, ZoneSpec, open_geoparquet, spill_geoparquet

pytestmark = pytest.mark.slow  # a LocalCluster of worker processes: ~10 s for the module

EPSG = 4527
RTOL = 1e-9


# ---------------------------------------------------------------------------
# data and cluster


def _pieces(layer: VectorData, count: int) -> Iterator[VectorData]:
    step = math.ceil(len(layer) / count)
    for start in range(0, len(layer), step):
        stop = start + step
        yield VectorData(
            layer.geometries[start:stop],
            layer.attributes[start:stop],
            layer.crs,
            layer.feature_ids[start:stop],
            fields=layer.fields,
        )


def _read_back(folder: Path, fields: tuple[str, ...]) -> VectorData:
    """The layer as the workers see it (the writer normalises ring orientation)."""
    tables = [pq.read_table(f) for f in sorted(folder.glob("*.parquet"))]
    table = pa.concat_tables(tables)
    geoms = np.asarray(shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False)), dtype=object)
    columns = {name: table.column(name).to_pylist() for name in fields}
    attributes = [dict(zip(fields, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    ids = tuple(str(v) for v in table.column("BSM").to_pylist())
    return VectorData(geoms, attributes, EPSG, ids, fields=fields)


@dataclasses.dataclass(frozen=True)
class Data:
    layer: Path
    before: Path
    after: Path
    districts: Path
    zones: Path
    survey: VectorData
    versions: tuple[VectorData, VectorData]
    district_layer: VectorData
    zone_layer: VectorData


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    root = tmp_path_factory.mktemp("scale")
    survey = synthetic.survey(6_000, seed=11)
    spill_geoparquet(_pieces(survey, 3), root / "layer")
    change = synthetic.modify(synthetic.survey(3_000, seed=12), fraction=0.12, seed=3)
    spill_geoparquet(_pieces(change.before, 2), root / "before")
    spill_geoparquet(_pieces(change.after, 3), root / "after")
    districts = synthetic.districts(n=7, seed=4)
    zones = dataclasses.replace(
        synthetic.districts(n=5, seed=9, prefix="0000"),
        attributes=[{"GHFQDM": f"0{i % 9 + 1}", "XZQMC": "-"} for i in range(5)],
        fields=("GHFQDM", "XZQMC"),
    )
    write_vector(districts, root / "districts.gpkg")
    write_vector(zones, root / "zones.gpkg")
    return Data(
        root / "layer",
        root / "before",
        root / "after",
        root / "districts.gpkg",
        root / "zones.gpkg",
        _read_back(root / "layer", ("DLBM", "TBMJ")),
        (_read_back(root / "before", ("DLBM",)), _read_back(root / "after", ("DLBM",))),
        districts,
        zones,
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def engine(cluster: Any) -> Iterator[DaskEngine]:
    with DaskEngine(scheduler=cluster.scheduler_address, partitions=7) as dask_engine:
        yield dask_engine


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-6)


def _ids(layer: VectorData, field: str) -> list[str]:
    return [str(a[field]) for a in layer.attributes]


# ---------------------------------------------------------------------------
# tabulate


@pytest.mark.parametrize("area", ["ellipsoidal", "planar"])
def test_tabulate_by_district_equals_the_local_engine(engine: DaskEngine, data: Data, area: str) -> None:
    assert engine.workers == 2
    job = TabulateJob(data.layer, "DLBM", districts=ZoneSpec(data.districts, "XZQDM"), area=area)
    table = engine.tabulate(job)
    survey = data.survey
    local = tabulate_intersection(
        survey.geometries,
        [a["DLBM"] for a in survey.attributes],
        data.district_layer.geometries,
        _ids(data.district_layer, "XZQDM"),
        epsg=EPSG,
        area=area,  # type: ignore[arg-type]
    )
    cells = table.cells()
    assert len(cells) == len(local) > 50
    assert table.partitions == 7 and table.features == len(survey)
    for row in local.rows():
        distributed, count = cells[(row.zone, None, row.class_code)]
        assert _close(distributed, row.area_m2), (row, distributed)
        assert count == row.feature_count
    assert _close(table.total(), local.total())


def test_tabulate_district_by_zone_by_class_with_stored_areas(engine: DaskEngine, data: Data) -> None:
    job = TabulateJob(
        data.layer,
        "DLBM",
        zones=ZoneSpec(data.zones, "GHFQDM"),
        districts=ZoneSpec(data.districts, "XZQDM"),
        area_field="TBMJ",
    )
    table = engine.tabulate(job)
    crossed = cross_zones(
        [
            ZoneLayer("d", data.district_layer.geometries, _ids(data.district_layer, "XZQDM")),
            ZoneLayer("z", data.zone_layer.geometries, _ids(data.zone_layer, "GHFQDM")),
        ]
    )
    survey = data.survey
    local = tabulate_intersection(
        survey.geometries,
        [a["DLBM"] for a in survey.attributes],
        crossed.geometries,
        crossed.ids,
        epsg=EPSG,
        feature_areas=[a["TBMJ"] for a in survey.attributes],
    )
    cells = table.cells()
    assert len(cells) == len(local)
    for row in local.rows():
        district, zone = row.zone.split("|")
        distributed, count = cells[(district, zone, row.class_code)]
        assert _close(distributed, row.area_m2)
        assert count == row.feature_count
    # the stored TBMJ add up: every feature is counted once, whole
    assert _close(table.total(), math.fsum(a["TBMJ"] for a in survey.attributes))


@pytest.mark.parametrize("partition_by", ["input", "field"])
def test_other_partitionings_give_the_same_table(cluster: Any, data: Data, partition_by: str) -> None:
    job = TabulateJob(data.layer, "DLBM", districts=ZoneSpec(data.districts, "XZQDM"), area="planar")
    with DaskEngine(scheduler=cluster.scheduler_address, partitions=5) as hilbert:
        reference = hilbert.tabulate(job).cells()
    with DaskEngine(
        scheduler=cluster.scheduler_address,
        partitions=5,
        partition_by=partition_by,  # type: ignore[arg-type]
        partition_field="DLBM" if partition_by == "field" else None,
    ) as other:
        cells = other.tabulate(job).cells()
    assert cells.keys() == reference.keys()
    for key, (area, count) in reference.items():
        assert _close(cells[key][0], area) and cells[key][1] == count


# ---------------------------------------------------------------------------
# stats


@pytest.mark.parametrize("area", ["ellipsoidal", "planar"])
def test_stats_by_class_equal_the_per_feature_areas(engine: DaskEngine, data: Data, area: str) -> None:
    table = engine.stats(StatsJob(data.layer, "DLBM", area=area))
    survey = data.survey
    areas = ellipsoidal_area(survey.geometries, EPSG) if area == "ellipsoidal" else planar_area(survey.geometries)
    expected: dict[str, list[float]] = {}
    for attributes, value in zip(survey.attributes, areas.tolist(), strict=True):
        expected.setdefault(attributes["DLBM"], []).append(value)
    cells = table.cells()
    assert {k[2] for k in cells} == set(expected)
    for code, values in expected.items():
        distributed, count = cells[(None, None, code)]
        assert _close(distributed, math.fsum(values)) and count == len(values)
    result = table.to_dict()
    assert result["total"]["公顷"] == str(round_half_up(table.total() / 10_000, 4))


def round_half_up(value: float, decimals: int) -> Any:
    from decimal import ROUND_HALF_UP, Decimal

    square = Decimal(str(value * 10_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) / 10_000
    return square.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def test_stats_by_district_is_the_tabulation(engine: DaskEngine, data: Data) -> None:
    stats = engine.stats(StatsJob(data.layer, "DLBM", districts=ZoneSpec(data.districts, "XZQDM")))
    tabulated = engine.tabulate(TabulateJob(data.layer, "DLBM", districts=ZoneSpec(data.districts, "XZQDM")))
    assert stats.job == "stats" and stats.cells().keys() == tabulated.cells().keys()


# ---------------------------------------------------------------------------
# diff


def test_diff_equals_the_local_diff(engine: DaskEngine, data: Data) -> None:
    job = DiffJob(data.before, data.after, "BSM", "DLBM", districts=ZoneSpec(data.districts, "XZQDM"))
    table = engine.diff(job)
    before, after = data.versions
    local = diff_versions(before, after, class_field="DLBM", district_zones=data.district_layer, district_field="XZQDM")
    assert table.features == {
        "added": len(local.added),
        "removed": len(local.removed),
        "modified": len(local.modified),
        "unchanged": local.unchanged,
    }
    assert table.partitions >= 6
    for mine, theirs in ((table.by_class, local.by_class), (table.by_district, local.by_district)):
        assert len(mine) == len(theirs) > 10
        expected = {(r.kind, r.class_before, r.class_after, r.district): (r.area_m2, r.count) for r in theirs}
        for row in mine:
            area, count = expected[(row.kind, row.class_before, row.class_after, row.district)]
            assert _close(row.area_m2, area), (row, area)
            assert row.count == count
    for kind in ("调入", "调出", "属性变更"):
        assert _close(table.total(kind), local.total(kind))
    json.dumps(table.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------
# bad inputs


def test_missing_input_and_empty_folder(engine: DaskEngine, tmp_path: Path, data: Data) -> None:
    with pytest.raises(InvalidInputError) as missing:
        engine.stats(StatsJob(tmp_path / "nothing.parquet", "DLBM"))
    assert missing.value.code == "scale.input_not_found"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInputError) as empty:
        engine.stats(StatsJob(tmp_path / "empty", "DLBM"))
    assert empty.value.code == "scale.input_empty"


def test_no_geometry_column(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"DLBM": ["0101"], "shape": [b"\x00"]}), path)
    with pytest.raises(InvalidInputError) as err:
        open_geoparquet(path)
    assert err.value.code == "scale.no_geometry"
    text = tmp_path / "text.parquet"
    text.write_text("not parquet", encoding="utf-8")
    with pytest.raises(InvalidInputError) as bad:
        open_geoparquet(text)
    assert bad.value.code == "scale.not_geoparquet"


def test_crs_outside_cgcs2000_is_refused(tmp_path: Path, data: Data) -> None:
    source = next(data.layer.glob("*.parquet"))
    table = pq.read_table(source)
    geo = json.loads(table.schema.metadata[b"geo"])
    geo["columns"]["geometry"]["crs"] = "EPSG:3857"
    path = tmp_path / "mercator.parquet"
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), path)
    with pytest.raises(CRSError) as err:
        open_geoparquet(path)
    assert err.value.code == "crs.unsupported"
    del geo["columns"]["geometry"]["crs"]  # GeoParquet's default: OGC:CRS84 (WGS 84)
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), path)
    with pytest.raises(CRSError):
        open_geoparquet(path)


def test_missing_field_and_no_zones(engine: DaskEngine, data: Data) -> None:
    with pytest.raises(InvalidInputError) as err:
        engine.tabulate(TabulateJob(data.layer, "NOPE", districts=ZoneSpec(data.districts, "XZQDM")))
    assert err.value.code == "scale.field_missing"
    with pytest.raises(InvalidInputError) as zone_err:
        engine.tabulate(TabulateJob(data.layer, "DLBM", districts=ZoneSpec(data.districts, "NOPE")))
    assert zone_err.value.code == "scale.field_missing"
    with pytest.raises(InvalidInputError) as none:
        TabulateJob(data.layer, "DLBM")
    assert none.value.code == "scale.no_zones"


def test_unreachable_scheduler() -> None:
    with pytest.raises(ConfigurationError) as err:
        DaskEngine(scheduler="tcp://127.0.0.1:9", timeout=1.0)
    assert err.value.code == "scale.scheduler_unreachable"
    assert err.value.exit_code == 3


# ---------------------------------------------------------------------------
# command line


def test_cli_tabulate_and_diff(cluster: Any, data: Data, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guotu.cli.main import app

    runner = CliRunner()
    address = cluster.scheduler_address
    common = ["--scheduler", address, "--partitions", "4"]
    result = runner.invoke(
        app,
        ["scale", "tabulate", str(data.layer), "-c", "DLBM", "--districts", str(data.districts), *common, "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert {r["district"] for r in rows} == set(_ids(data.district_layer, "XZQDM"))
    out = tmp_path / "diff.xlsx"
    result = runner.invoke(
        app, ["scale", "diff", str(data.before), str(data.after), "-c", "DLBM", *common, "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row > 10
    result = runner.invoke(app, ["scale", "stats", str(tmp_path / "missing"), "--scheduler", address])
    assert result.exit_code == 2
    result = runner.invoke(app, ["scale", "stats", str(data.layer), "--scheduler", address, "--local", "2"])
    assert result.exit_code == 2
