"""Benchmark: the distributed tabulate-intersection (guotu.scale on Dask) at 10⁶ and 10⁷ polygons.

Run ``python bench/bench_scale.py`` (10⁶ polygons, 1 and 2 workers, a few minutes) or
``python bench/bench_scale.py --sizes 1000000 10000000`` (10⁷ once, with 2 workers:
about half an hour on 2 CPUs). It

1. generates a synthetic 三调-like survey (``guotu.geo.synthetic.survey_chunks``, in
   chunks of 200 000 polygons, never the whole layer in memory) over a square of
   about 4 000 m² per polygon in EPSG:4527, and spills it to a GeoParquet folder
   (``guotu.scale.spill_geoparquet``; kept in ``--data`` and reused);
2. makes 50 districts with ~40 vertices/km boundaries over the same square;
3. runs ``DaskEngine.tabulate`` (area by district × DLBM, ellipsoidal) on a fresh
   LocalCluster of 1 and of 2 worker processes (one thread each, memory limit
   ``--memory-limit``), partitions as the files come (``input``: the generator
   writes row bands, already spatially compact) and, at 10⁶, also with the Hilbert
   spatial shuffle;
4. records wall time, the peak RSS of each worker (``ru_maxrss``), and the task
   stream: the summed compute time of all tasks divided by the partitions is the
   **per-partition cost**, from which the time of a 10⁸-polygon national layer on
   32 workers is projected;
5. at 10⁶, checks the distributed table against ``tabulate_intersection`` run in
   this process on the same data (1e-9 relative per cell).

Timings on a shared machine move with the load of other processes (``uptime`` is
printed with the figures). Results go to stdout as JSON lines and a summary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely

EPSG = 4527
M2_PER_POLYGON = 4_000.0
DISTRICTS = 50
CENTRE = (39_500_000.0, 4_400_000.0)
NATIONAL = 100_000_000
CLUSTER_WORKERS = 32


def _boundary(n: int) -> Any:
    side = math.sqrt(n * M2_PER_POLYGON)
    x, y = CENTRE
    return shapely.box(x - side / 2, y - side / 2, x + side / 2, y + side / 2)


def _generate(n: int, root: Path) -> tuple[Path, Path]:
    from guotu.geo import synthetic
    from guotu.io.vector_write import write_vector
    from guotu.scale import open_geoparquet, spill_geoparquet

    folder = root / f"survey-{n}"
    districts = root / f"districts-{n}.gpkg"
    if folder.exists() and any(folder.glob("*.parquet")) and open_geoparquet(folder).rows > 0.99 * n:
        return folder, districts
    boundary = _boundary(n)
    started = time.perf_counter()
    spill_geoparquet(synthetic.survey_chunks(n, seed=2026, boundary=boundary, epsg=EPSG, chunk_size=100_000), folder)
    seconds = time.perf_counter() - started
    write_vector(
        synthetic.districts(boundary, n=DISTRICTS, seed=7, epsg=EPSG, prefix="1301"), districts, overwrite=True
    )
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    print(json.dumps({"generated": n, "seconds": round(seconds, 1), "bytes": size}), flush=True)
    return folder, districts


def _task_seconds(stream: list[dict[str, Any]]) -> float:
    total = 0.0
    for task in stream:
        for part in task.get("startstops", ()):
            if part.get("action") == "compute":
                total += float(part["stop"]) - float(part["start"])
    return total


def _run(folder: Path, districts: Path, workers: int, partition_by: str, memory_limit: str) -> dict[str, Any]:
    from distributed import get_task_stream

    from guotu.scale import DaskEngine, TabulateJob, ZoneSpec

    job = TabulateJob(folder, "DLBM", districts=ZoneSpec(districts, "XZQDM"))
    with DaskEngine(local_workers=workers, memory_limit=memory_limit, partition_by=partition_by) as engine:  # type: ignore[arg-type]
        started = time.perf_counter()
        with get_task_stream(engine.client) as stream:
            table = engine.tabulate(job)
        wall = time.perf_counter() - started
        peaks = engine.worker_peak_memory()
    busy = _task_seconds(stream.data)
    return {
        "features": table.features,
        "workers": workers,
        "partition_by": partition_by,
        "partitions": table.partitions,
        "seconds": round(wall, 2),
        "task_seconds": round(busy, 2),
        "per_partition_s": round(busy / table.partitions, 3),
        "peak_worker_gb": round(max(peaks.values()) / 2**30, 2),
        "rows": len(table.rows),
        "load": os.getloadavg()[0],
        "_table": table,
    }


def _check(folder: Path, districts: Path, table: Any) -> dict[str, Any]:
    """The single-machine engine on the same data, in this process."""
    import pyarrow.parquet as pq

    from guotu.geo.overlay import tabulate_intersection
    from guotu.io import read_vector

    started = time.perf_counter()
    geoms, classes = [], []
    for file in sorted(folder.glob("*.parquet")):
        part = pq.read_table(file, columns=["DLBM", "geometry"])
        geoms.append(shapely.from_wkb(part.column("geometry").to_numpy(zero_copy_only=False)))
        classes.append(part.column("DLBM").to_numpy(zero_copy_only=False))
    read = time.perf_counter() - started
    zones = read_vector(districts)
    ids = [a["XZQDM"] for a in zones.attributes]
    started = time.perf_counter()
    local = tabulate_intersection(np.concatenate(geoms), np.concatenate(classes), zones.geometries, ids, epsg=EPSG)
    seconds = time.perf_counter() - started
    cells = table.cells()
    worst = 0.0
    for row in local.rows():
        area, count = cells[(row.zone, None, row.class_code)]
        worst = max(worst, abs(area - row.area_m2) / row.area_m2)
        assert count == row.feature_count, row
    assert len(cells) == len(local)
    return {
        "local_read_s": round(read, 2),
        "local_tabulate_s": round(seconds, 2),
        "local_peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "worst_relative_difference": worst,
    }


def _projection(per_partition_s: float, partition_rows: int, scaling_2: float | None) -> dict[str, Any]:
    partitions = math.ceil(NATIONAL / partition_rows)
    rounds = math.ceil(partitions / CLUSTER_WORKERS)
    ideal = rounds * per_partition_s
    efficiency = scaling_2 / 2 if scaling_2 else 1.0
    return {
        "national_features": NATIONAL,
        "partitions": partitions,
        "workers": CLUSTER_WORKERS,
        "rounds": rounds,
        "ideal_s": round(ideal, 1),
        "efficiency_assumed": round(efficiency, 2),
        "projected_s": round(ideal / efficiency, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/guotu-bench-scale"))
    parser.add_argument("--memory-limit", default="4GiB")
    parser.add_argument("--no-hilbert", action="store_true", help="Skip the Hilbert-shuffle run at 10⁶.")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"# uptime load {os.getloadavg()}, {os.cpu_count()} CPUs", flush=True)
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        folder, districts = _generate(n, args.data)
        big = n >= 5_000_000
        configs = [(2, "input")] if big else [(1, "input"), (2, "input")]
        if not big and not args.no_hilbert:
            configs.append((2, "hilbert"))
        by_workers: dict[int, float] = {}
        for workers, partition_by in configs:
            result = _run(folder, districts, workers, partition_by, args.memory_limit)
            table = result.pop("_table")
            if partition_by == "input":
                by_workers[workers] = result["seconds"]
            if not big and workers == 2 and partition_by == "input":
                result.update(_check(folder, districts, table))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        if 1 in by_workers and 2 in by_workers:
            scaling = by_workers[1] / by_workers[2]
            print(json.dumps({"features": n, "scaling_1_to_2": round(scaling, 2)}), flush=True)
    # projection from the 1-worker per-partition cost (no contention), and the measured 1→2 scaling
    one = [r for r in results if r["workers"] == 1 and r["partition_by"] == "input"]
    two = {r["features"]: r["seconds"] for r in results if r["workers"] == 2 and r["partition_by"] == "input"}
    if one:
        base = one[-1]
        scaling = base["seconds"] / two[base["features"]] if base["features"] in two else None
        rows = math.ceil(base["features"] / base["partitions"])
        print(json.dumps({"projection": _projection(base["per_partition_s"], rows, scaling)}), flush=True)
    print(f"# uptime load {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
