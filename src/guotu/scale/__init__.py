"""Province- and nation-wide statistics on a distributed engine (Dask), computed by guotu's own overlay engine.

Jobs (:mod:`guotu.scale.jobs`) are engine-neutral: tabulate-intersection (area by
district × zone × class), version diff (调入 / 调出 / 属性变更 by class and district)
and area statistics, on GeoParquet layers. :class:`~guotu.scale.engine.DaskEngine`
runs them on a LocalCluster or a cluster; see ``docs/scale.md``.

Examples
--------
>>> from guotu.scale import DaskEngine, TabulateJob, ZoneSpec  # doctest: +SKIP
>>> with DaskEngine(local_workers=2) as engine:  # doctest: +SKIP
...     table = engine.tabulate(TabulateJob(Path("dltb/"), "DLBM", districts=ZoneSpec(Path("xzq.gpkg"), "XZQDM")))
"""

from __future__ import annotations

from guotu.scale.data import spill_geoparquet
from guotu.scale.engine import PARTITION_BY, DaskEngine, Engine, run_job
from guotu.scale.inputs import GeoParquetInput, ZoneSet, open_geoparquet, read_zones
from guotu.scale.jobs import (
    AreaRow,
    AreaTable,
    DiffJob,
    DiffRow,
    DiffTable,
    StatsJob,
    TabulateJob,
    ZoneSpec,
)

__all__ = [
    "PARTITION_BY",
    "AreaRow",
    "AreaTable",
    "DaskEngine",
    "DiffJob",
    "DiffRow",
    "DiffTable",
    "Engine",
    "GeoParquetInput",
    "StatsJob",
    "TabulateJob",
    "ZoneSet",
    "ZoneSpec",
    "open_geoparquet",
    "read_zones",
    "run_job",
    "spill_geoparquet",
]
