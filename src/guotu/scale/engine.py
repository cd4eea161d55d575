"""Engines that run the jobs of :mod:`guotu.scale.jobs`: the protocol, and Dask.

:class:`Engine` is what the CLI and library users call; :class:`DaskEngine` implements
it on ``dask.distributed`` and ``dask-geopandas`` — a LocalCluster of worker
processes on one machine, or a scheduler and workers on many hosts
(``tcp://host:8786``). An adapter for Apache Sedona on Spark would implement the same
three methods with the same partition functions (Sedona cannot be installed here: its
JARs come only from Maven Central, see ``docs/scale.md``).

The Dask engine never brings features to the client: it reads the GeoParquet files
on the workers, partitions the features (by the Hilbert key of their bounding-box
centre, by a code column such as the district, or as the files come), runs the
partition functions there, and gathers only the partial tables, which it adds with
:func:`guotu.scale.jobs.combine_areas` / :func:`~guotu.scale.jobs.combine_diff`.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal, Protocol

import numpy as np
import shapely

from guotu.errors import ConfigurationError, DependencyMissingError, InvalidInputError
from guotu.scale.inputs import GeoParquetInput, ZoneSet, open_geoparquet, read_zones
from guotu.scale.jobs import (
    AreaTable,
    DiffJob,
    DiffPartial,
    DiffTable,
    DiffTask,
    StatsJob,
    TabulateJob,
    TabulateTask,
    ZoneSpec,
    combine_areas,
    combine_diff,
    crossed_zones,
    diff_partition,
    halo,
    labels,
    stats_partition,
    tabulate_partition,
)

__all__ = ["PARTITION_BY", "DaskEngine", "Engine", "Progress", "run_job"]

logger = logging.getLogger(__name__)

#: Called with (partitions done, partitions in all).
Progress = Callable[[int, int], None]
PartitionBy = Literal["hilbert", "input", "field"]
#: How features are assigned to partitions.
PARTITION_BY: Final = ("hilbert", "input", "field")
#: Features per partition by default: ~100 MB of shapely polygons, a few seconds of work.
DEFAULT_PARTITION_ROWS: Final = 100_000
#: Level of the Hilbert curve (dask-geopandas' default): 2^16 cells a side.
_HILBERT_LEVEL: Final = 16
_HILBERT_MAX: Final = (1 << (2 * _HILBERT_LEVEL)) - 1
#: Dask's shuffle for the spatial partitioning. "tasks" (spilled by the workers' memory
#: manager): the peer-to-peer shuffle of dask 2026.8 sometimes returns partitions with
#: an extra ``__index_level_0__`` column after ``set_index``, which fails the job.
_SHUFFLE: Final = "tasks"


class Engine(Protocol):
    """A distributed engine: the three jobs, and ``close``."""

    name: str

    def tabulate(self, job: TabulateJob, *, progress: Progress | None = None) -> AreaTable:
        """Area by district × zone × class."""
        ...

    def stats(self, job: StatsJob, *, progress: Progress | None = None) -> AreaTable:
        """Area by class (and district)."""
        ...

    def diff(self, job: DiffJob, *, progress: Progress | None = None) -> DiffTable:
        """调入 / 调出 / 属性变更 areas by class (and district)."""
        ...

    def close(self) -> None:
        """Release the cluster or the connection."""
        ...


def run_job(engine: Engine, job: TabulateJob | StatsJob | DiffJob, *, progress: Progress | None = None) -> Any:
    """Run any job on an engine."""
    if isinstance(job, TabulateJob):
        return engine.tabulate(job, progress=progress)
    if isinstance(job, StatsJob):
        return engine.stats(job, progress=progress)
    return engine.diff(job, progress=progress)


# ---------------------------------------------------------------------------
# partition frames (run on the workers)


def _dask(module: str) -> Any:
    """Import a module of the ``scale`` extra (dask, distributed, dask-geopandas), or say what is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DependencyMissingError("scale.dask_missing", package=exc.name or module) from None


def _geoframe(frame: Any, geometry: str, epsg: int) -> Any:
    """Turn a pandas partition with a WKB column into a GeoDataFrame of shapely geometries."""
    import geopandas  # type: ignore[import-untyped]

    geoms = geopandas.GeoSeries.from_wkb(frame[geometry].to_numpy(), index=frame.index, crs=f"EPSG:{epsg}")
    return geopandas.GeoDataFrame(frame.drop(columns=[geometry]), geometry=geoms.rename("geometry"))


def _wkb_bounds(frame: Any, geometry: str) -> Any:
    """Bounds of one partition's WKB geometries, as a one-row frame."""
    import pandas as pd  # type: ignore[import-untyped]

    geoms = shapely.from_wkb(frame[geometry].to_numpy())
    box = shapely.total_bounds(geoms) if len(frame) else np.full(4, np.nan)
    return pd.DataFrame([box.tolist()], columns=["xmin", "ymin", "xmax", "ymax"])


def _hilbert_key(frame: Any, geometry: str, bounds: tuple[float, ...]) -> Any:
    """Hilbert distance (level 16) of the centre of each feature's bounding box, as geopandas computes it."""
    import geopandas
    import pandas as pd

    geoms = geopandas.GeoSeries.from_wkb(frame[geometry].to_numpy(), index=frame.index)
    key = geoms.hilbert_distance(total_bounds=bounds, level=_HILBERT_LEVEL)
    return pd.Series(np.asarray(key, dtype=np.int64), index=frame.index, name="_h")


def _bounds(frame: Any) -> tuple[float, float, float, float] | None:
    if len(frame) == 0:
        return None
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    return xmin, ymin, xmax, ymax


def _row_keys(frame: Any, id_field: str, fields: Sequence[str]) -> Any:
    """Per feature: its id and a hash of its geometry (WKB) and compared attributes."""
    import pandas as pd

    parts = {"wkb": pd.Series(frame.geometry.to_wkb().to_numpy(), index=frame.index, dtype=object)}
    for name in fields:
        parts[name] = pd.Series(labels(frame[name].tolist()), index=frame.index, dtype=object)
    hashed = pd.util.hash_pandas_object(pd.DataFrame(parts), index=False)
    return pd.DataFrame({"id": labels(frame[id_field].tolist()), "h": hashed.to_numpy()})


def _count_keys(frame: Any) -> Any:
    import pandas as pd

    both = frame["_merge"] == "both"
    same = both & (frame["h_b"] == frame["h_a"])
    return pd.DataFrame(
        {
            "added": [int((frame["_merge"] == "right_only").sum())],
            "removed": [int((frame["_merge"] == "left_only").sum())],
            "modified": [int((both & ~same).sum())],
            "unchanged": [int(same.sum())],
        }
    )


def _peak_rss_bytes() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def _intersects(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> bool:
    if a is None or b is None:
        return False
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _union(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> tuple[float, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


# ---------------------------------------------------------------------------
# the engine


class DaskEngine:
    """Run the jobs on Dask: a scheduler at ``scheduler``, or a LocalCluster of ``local_workers`` processes.

    Parameters
    ----------
    scheduler
        Address of a running scheduler (``tcp://host:8786``).
    local_workers
        Start a LocalCluster of this many worker processes (one thread each) instead.
    memory_limit
        Memory limit per local worker (``"4GiB"``, ``"auto"``): beyond it Dask spills to disk.
    partition_by
        ``hilbert`` (spatial shuffle by the Hilbert key of each feature's bounding-box
        centre; the default), ``field`` (by the code in ``partition_field``, e.g. a
        district code: one district never spans two partitions) or ``input`` (the
        files' own partitions, for data already spatially sorted).
    partition_field
        The column for ``partition_by="field"``.
    partitions
        Number of partitions (default: one per ``partition_rows`` features, at least
        one per worker).
    partition_rows
        Features per partition when ``partitions`` is not given.
    client
        An existing ``distributed.Client`` to use (not closed by :meth:`close`).
    timeout
        Seconds to wait for the scheduler.

    Raises
    ------
    ConfigurationError
        ``scale.scheduler_unreachable`` when the scheduler does not answer.
    InvalidInputError
        ``input.option_invalid`` for bad options.
    """

    name = "dask"

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        local_workers: int | None = None,
        memory_limit: str | None = "auto",
        partition_by: PartitionBy = "hilbert",
        partition_field: str | None = None,
        partitions: int | None = None,
        partition_rows: int = DEFAULT_PARTITION_ROWS,
        client: Any = None,
        timeout: float = 10.0,
    ) -> None:
        if partition_by not in PARTITION_BY:
            raise InvalidInputError(
                "input.option_invalid", option="partition_by", value=partition_by, choices=", ".join(PARTITION_BY)
            )
        if partition_by == "field" and not partition_field:
            raise InvalidInputError("input.option_invalid", option="partition_field", value="", choices="a column")
        if local_workers is not None and local_workers < 1:
            raise InvalidInputError("input.option_invalid", option="local", value=local_workers, choices="≥ 1")
        if partitions is not None and partitions < 1:
            raise InvalidInputError("input.option_invalid", option="partitions", value=partitions, choices="≥ 1")
        self.partition_by: PartitionBy = partition_by
        self.partition_field = partition_field
        self.partitions = partitions
        self.partition_rows = max(1, partition_rows)
        self._own_client = client is None
        self._cluster: Any = None
        self.client: Any = (
            client if client is not None else self._connect(scheduler, local_workers, memory_limit, timeout)
        )

    # -- cluster ------------------------------------------------------------

    @staticmethod
    def _local(workers: int, memory_limit: str | None) -> Any:
        distributed = _dask("distributed")
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=memory_limit or "auto",
        )

    def _connect(
        self, scheduler: str | None, local_workers: int | None, memory_limit: str | None, timeout: float
    ) -> Any:
        distributed = _dask("distributed")
        if scheduler:
            try:
                return distributed.Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                raise ConfigurationError("scale.scheduler_unreachable", address=scheduler, reason=reason) from None
        self._cluster = self._local(local_workers or 1, memory_limit)
        return distributed.Client(self._cluster)

    @property
    def workers(self) -> int:
        """Number of workers connected."""
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def worker_peak_memory(self) -> dict[str, int]:
        """Peak resident memory of each worker process so far, bytes (``ru_maxrss``)."""
        peaks: dict[str, int] = self.client.run(_peak_rss_bytes)
        return peaks

    def close(self) -> None:
        """Close the client and the LocalCluster this engine started."""
        if self._own_client:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------

    def _read(self, source: GeoParquetInput, columns: Sequence[str]) -> Any:
        """Return the layer as a Dask DataFrame with the geometry still WKB, read on the workers."""
        dd = _dask("dask.dataframe")
        wanted = [*dict.fromkeys(c for c in columns if c), source.geometry]
        # one partition per row group (a spilled file holds one): never several files glued into one
        return dd.read_parquet([str(f) for f in source.files], columns=wanted, split_row_groups=True, blocksize=None)

    @staticmethod
    def _geo(raw: Any, source: GeoParquetInput) -> Any:
        """Turn a WKB Dask DataFrame into a dask-geopandas GeoDataFrame (decoded on the workers)."""
        _dask("dask_geopandas")  # registers the GeoDataFrame collection
        meta = _geoframe(raw._meta, source.geometry, source.epsg)
        return raw.map_partitions(_geoframe, source.geometry, source.epsg, meta=meta)

    def _bounds_of(self, raws: Sequence[tuple[Any, GeoParquetInput]]) -> tuple[float, ...] | None:
        """Bounds of the layers: from the GeoParquet metadata, else one pass over the geometries."""
        total: tuple[float, ...] | None = None
        for raw, source in raws:
            box: tuple[float, ...] | None = source.bbox
            if box is None:
                parts = raw.map_partitions(
                    _wkb_bounds, source.geometry, meta=dict.fromkeys(("xmin", "ymin", "xmax", "ymax"), np.float64)
                ).compute()
                if len(parts) and np.isfinite(parts.to_numpy()).any():
                    box = (
                        float(parts["xmin"].min()),
                        float(parts["ymin"].min()),
                        float(parts["xmax"].max()),
                        float(parts["ymax"].max()),
                    )
            total = _union(total, box)
        return total

    @staticmethod
    def _with_key(raw: Any, source: GeoParquetInput, bounds: tuple[float, ...]) -> Any:
        key = raw.map_partitions(_hilbert_key, source.geometry, bounds, meta=("_h", np.int64))
        return raw.assign(_h=key)

    def _partition_count(self, rows: int) -> int:
        if self.partitions is not None:
            return self.partitions
        return max(math.ceil(rows / self.partition_rows), self.workers or 1)

    def _partitioned(self, raw: Any, source: GeoParquetInput) -> Any:
        """Partition a WKB frame (the shuffle moves bytes, not shapely objects), then decode it."""
        count = self._partition_count(source.rows)
        if self.partition_by == "hilbert":
            bounds = self._bounds_of([(raw, source)])
            if bounds is not None:
                keyed = self._with_key(raw, source, bounds)
                raw = keyed.set_index("_h", npartitions=count, shuffle_method=_SHUFFLE)
        elif self.partition_by == "field":
            raw = raw.shuffle(on=self.partition_field, npartitions=count, shuffle_method=_SHUFFLE)
        return self._geo(raw, source)

    def _run(self, tasks: list[Any], progress: Progress | None) -> list[Any]:
        as_completed = _dask("distributed").as_completed
        futures = self.client.compute(tasks)
        total = len(futures)
        if progress is not None:
            progress(0, total)
            for done, _ in enumerate(as_completed(futures), 1):
                progress(done, total)
        results: list[Any] = self.client.gather(futures)
        return results

    def _zones(self, spec: ZoneSpec | None, epsg: int, name: str) -> ZoneSet | None:
        return None if spec is None else read_zones(spec.path, spec.field, epsg=epsg, name=name, layer=spec.layer)

    # -- jobs ---------------------------------------------------------------

    def tabulate(self, job: TabulateJob, *, progress: Progress | None = None) -> AreaTable:
        """Area by district × zone × class of a GeoParquet layer (see :class:`~guotu.scale.jobs.TabulateJob`)."""
        dask = _dask("dask")

        started = time.perf_counter()
        source = open_geoparquet(job.layer, crs=job.crs)
        source.require(
            [job.class_field, job.area_field, self.partition_field if self.partition_by == "field" else None]
        )
        zones = crossed_zones(
            self._zones(job.zones, source.epsg, "zone"), self._zones(job.districts, source.epsg, "district")
        )
        task = TabulateTask(source.epsg, job.class_field, job.area, job.area_field, job.validate)
        extra = [self.partition_field] if self.partition_by == "field" and self.partition_field else []
        frame = self._partitioned(self._read(source, [job.class_field or "", job.area_field or "", *extra]), source)
        shared = self.client.scatter(zones, broadcast=True)
        parts = frame.to_delayed()
        results = self._run([dask.delayed(tabulate_partition)(p, shared, task) for p in parts], progress)
        return combine_areas(
            results,
            job="tabulate",
            area_kind=job.area,
            epsg=source.epsg,
            partitions=len(parts),
            engine=self.name,
            seconds=time.perf_counter() - started,
        )

    def stats(self, job: StatsJob, *, progress: Progress | None = None) -> AreaTable:
        """Area by class (and district) of a GeoParquet layer (see :class:`~guotu.scale.jobs.StatsJob`)."""
        dask = _dask("dask")

        if job.districts is not None:
            sub = TabulateJob(
                job.layer,
                job.class_field,
                districts=job.districts,
                area=job.area,
                area_field=job.area_field,
                crs=job.crs,
            )
            return dataclasses.replace(self.tabulate(sub, progress=progress), job="stats")
        started = time.perf_counter()
        source = open_geoparquet(job.layer, crs=job.crs)
        source.require([job.class_field, job.area_field])
        task = TabulateTask(source.epsg, job.class_field, job.area, job.area_field)
        frame = self._geo(self._read(source, [job.class_field or "", job.area_field or ""]), source)
        parts = frame.to_delayed()  # no shuffle: every feature is in one partition, no overlay
        results = self._run([dask.delayed(stats_partition)(p, task) for p in parts], progress)
        return combine_areas(
            results,
            job="stats",
            area_kind=job.area,
            epsg=source.epsg,
            partitions=len(parts),
            engine=self.name,
            seconds=time.perf_counter() - started,
        )

    def diff(self, job: DiffJob, *, progress: Progress | None = None) -> DiffTable:
        """调入 / 调出 / 属性变更 areas of two versions (see :class:`~guotu.scale.jobs.DiffJob`)."""
        dask = _dask("dask")
        dd = _dask("dask.dataframe")

        started = time.perf_counter()
        before = open_geoparquet(job.before, crs=job.crs)
        after = open_geoparquet(job.after, crs=job.crs)
        if before.epsg != after.epsg:
            raise InvalidInputError("diff.crs_mismatch", before=before.epsg, after=after.epsg)
        for source in (before, after):
            source.require([job.id_field, *job.fields])
        districts = self._zones(job.districts, before.epsg, "district")
        columns = [job.id_field, *job.fields]
        b = self._read(before, columns)
        a = self._read(after, columns)
        b, a, count = self._common_hilbert(b, a, (before, after))
        b, a = self.client.persist([b, a])
        task = DiffTask(before.epsg, job.id_field, job.fields, job.class_field)
        bparts, aparts = b.to_delayed(), a.to_delayed()
        bounds = dask.compute(*[dask.delayed(_bounds)(p) for p in [*bparts, *aparts]])
        own = [_union(bounds[i], bounds[count + i]) for i in range(count)]
        shared = self.client.scatter(districts, broadcast=True) if districts is not None else None
        tasks = []
        for p in range(count):
            mine = [bparts[p], aparts[p]]
            near = [q for q in range(count) if q != p and _intersects(own[p], own[q])]
            halo_b = [dask.delayed(halo)(bparts[q], mine) for q in near if bounds[q] is not None]
            halo_a = [dask.delayed(halo)(aparts[q], mine) for q in near if bounds[count + q] is not None]
            tasks.append(dask.delayed(diff_partition)(bparts[p], aparts[p], halo_b, halo_a, task, shared))
        partials: list[DiffPartial] = self._run(tasks, progress)
        keys_b = b.map_partitions(_row_keys, job.id_field, job.fields, meta={"id": object, "h": np.uint64})
        keys_a = a.map_partitions(_row_keys, job.id_field, job.fields, meta={"id": object, "h": np.uint64})
        merged = dd.merge(
            keys_b, keys_a, on="id", how="outer", suffixes=("_b", "_a"), indicator=True, shuffle_method=_SHUFFLE
        )
        counts = merged.map_partitions(
            _count_keys, meta={"added": np.int64, "removed": np.int64, "modified": np.int64, "unchanged": np.int64}
        ).sum()
        features = {k: int(v) for k, v in counts.compute().items()}
        self.client.cancel([b, a])
        return combine_diff(
            partials,
            epsg=before.epsg,
            features=features,
            partitions=count,
            engine=self.name,
            seconds=time.perf_counter() - started,
        )

    def _common_hilbert(self, b: Any, a: Any, sources: tuple[GeoParquetInput, GeoParquetInput]) -> tuple[Any, Any, int]:
        """Both versions (WKB frames) on the same Hilbert partitions (same bounds, same divisions)."""
        before, after = sources
        total = self._bounds_of([(b, before), (a, after)])
        if total is None:
            return self._geo(b.repartition(npartitions=1), before), self._geo(a.repartition(npartitions=1), after), 1
        count = self._partition_count(before.rows)
        hb = self._with_key(b, before, total)
        ha = self._with_key(a, after, total)
        quantiles = hb["_h"].quantile(np.linspace(0.0, 1.0, count + 1)).compute()
        cuts = sorted({int(v) for v in np.asarray(quantiles, dtype=np.float64) if np.isfinite(v)})
        inner = [c for c in cuts if 0 < c < _HILBERT_MAX]
        divisions = [0, *inner, _HILBERT_MAX]
        return (
            self._geo(hb.set_index("_h", divisions=divisions, shuffle_method=_SHUFFLE), before),
            self._geo(ha.set_index("_h", divisions=divisions, shuffle_method=_SHUFFLE), after),
            len(divisions) - 1,
        )
