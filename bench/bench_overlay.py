"""Benchmark: the overlay engine and the version diff against geopandas (and PostGIS).

Run ``python bench/bench_overlay.py`` (10⁵ polygons, a few minutes) or
``python bench/bench_overlay.py --full`` (10⁵ and 10⁶). It builds a synthetic
三调-like survey in EPSG:4527 (50 × 50 km, ``guotu.geo.synthetic``) and 50
districts with ~1 200-vertex boundaries, then measures:

1. **tabulate-intersection** (area by district × DLBM): guotu planar and
   ellipsoidal (with the stored TBMJ, and computed), 1 and 2 processes, against
   geopandas ``overlay`` + ``groupby`` on the same data in the same run. Each
   configuration runs in a fresh process that loads the data from a file, so
   the peak memory (``ru_maxrss`` of the process and of its workers) is the
   computation's own;
2. **the whole process**: ``guotu overlay tabulate`` on GeoPackage input against
   a geopandas script that reads the same files and overlays them;
3. **version diff** with 6 % of the features changed (``synthetic.modify``):
   ``guotu.geo.diff.diff_versions`` against a geopandas overlay-based diff
   (symmetric difference and intersection of the whole versions);
4. optionally **PostGIS** (``--postgis-url``): the data loaded with COPY and the
   ``ST_Covers`` / ``ST_Intersection`` query.

Targets from the issue are printed beside the figures. Timings on a shared
machine move with the load of other processes: ``--repeat`` keeps the best run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely

EPSG = 4527
ZONES = 50
FRACTION = 0.06

# Targets (issue): seconds, GB, ratios.
TARGETS = {
    "tabulate_planar_1e6": 2.5,
    "tabulate_ellipsoidal_1e6": 3.0,
    "memory_gb": 2.5,
    "speedup_vs_geopandas": 20.0,
    "cli_speedup_1e5": 4.0,
    "cli_speedup_1e6": 8.0,
    "diff_1e5": 1.5,
    "diff_1e6": 8.0,
}


# ---------------------------------------------------------------------------
# data


def _save(path: Path, **arrays: Any) -> None:
    np.savez(path, **arrays)


def _ragged(geoms: np.ndarray, prefix: str) -> dict[str, Any]:
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    out = {f"{prefix}_kind": np.array(int(kind)), f"{prefix}_coords": coords}
    for i, offset in enumerate(offsets):
        out[f"{prefix}_offsets{i}"] = offset
    return out


def _unragged(data: Any, prefix: str) -> np.ndarray:
    offsets = []
    i = 0
    while f"{prefix}_offsets{i}" in data:
        offsets.append(data[f"{prefix}_offsets{i}"])
        i += 1
    kind = shapely.GeometryType(int(data[f"{prefix}_kind"]))
    return shapely.from_ragged_array(kind, data[f"{prefix}_coords"], tuple(offsets))


def make_data(n: int, root: Path) -> dict[str, Any]:
    from guotu.geo import synthetic

    started = time.perf_counter()
    layer = synthetic.survey(n, seed=1)
    zones = synthetic.districts(n=ZONES, seed=1)
    seconds = time.perf_counter() - started
    classes = np.array([a["DLBM"] for a in layer.attributes])
    tbmj = np.array([a["TBMJ"] for a in layer.attributes])
    zone_ids = np.array([a["XZQDM"] for a in zones.attributes])
    path = root / f"data_{n}.npz"
    _save(
        path,
        classes=classes,
        tbmj=tbmj,
        zone_ids=zone_ids,
        **_ragged(layer.geometries, "g"),
        **_ragged(zones.geometries, "z"),
    )
    vertices = int(shapely.get_num_coordinates(zones.geometries).sum())
    return {"path": path, "layer": layer, "zones": zones, "seconds": seconds, "zone_vertices": vertices}


def load(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    data = np.load(path)
    return _unragged(data, "g"), data["classes"], data["tbmj"], _unragged(data, "z"), data["zone_ids"]


# ---------------------------------------------------------------------------
# workers (fresh processes: the peak memory is the computation's own)


def _peak_gb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest worker, GB.

    The process's own peak is read from /proc (VmHWM), because ``ru_maxrss``
    survives ``exec`` and would report the benchmark's parent. A forked worker's
    peak counts the pages it shares with this process too.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024**2
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    return own, children


def worker_guotu(path: Path, area: str, processes: int, stored: bool, subdivide: bool = True) -> dict[str, Any]:
    from guotu.geo.overlay import tabulate_intersection

    geoms, classes, tbmj, zones, zone_ids = load(path)
    loaded = _peak_gb()[0]
    started = time.perf_counter()
    table = tabulate_intersection(
        geoms,
        classes,
        zones,
        zone_ids,
        epsg=EPSG,
        area=area,
        feature_areas=tbmj if stored else None,
        processes=processes,
        max_vertices=64 if subdivide else None,
    )
    seconds = time.perf_counter() - started
    own, children = _peak_gb()
    rows = {f"{z}|{c}": a for z, c, a in zip(table.zones, table.classes, table.area_m2.tolist(), strict=True)}
    return {"seconds": seconds, "peak_gb": own, "children_peak_gb": children, "loaded_gb": loaded, "rows": rows}


def worker_geopandas(path: Path) -> dict[str, Any]:
    import geopandas as gpd

    geoms, classes, _, zones, zone_ids = load(path)
    loaded = _peak_gb()[0]
    started = time.perf_counter()
    layer = gpd.GeoDataFrame({"DLBM": classes}, geometry=geoms, crs=EPSG)
    districts = gpd.GeoDataFrame({"XZQDM": zone_ids}, geometry=zones, crs=EPSG)
    pieces = gpd.overlay(layer, districts, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    table = pieces.groupby(["XZQDM", "DLBM"])["area"].sum()
    seconds = time.perf_counter() - started
    rows = {f"{z}|{c}": float(a) for (z, c), a in table.items()}
    return {"seconds": seconds, "peak_gb": _peak_gb()[0], "children_peak_gb": 0.0, "loaded_gb": loaded, "rows": rows}


def run_worker(args: list[str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.splitlines()[-1])


# ---------------------------------------------------------------------------
# sections


def fmt_ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:6.1f}×" if fast > 0 else "   —"


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def target(label: str, value: float, limit: float, unit: str, *, at_least: bool = False) -> None:
    sign = "≥" if at_least else "≤"
    ok = value >= limit if at_least else value <= limit
    print(f"  target {label} {sign} {limit:g} {unit}: {value:.2f} {unit} {mark(ok)}")


def best(repeat: int, args: list[str]) -> dict[str, Any]:
    runs = [run_worker(args) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def compare_rows(a: dict[str, float], b: dict[str, float]) -> float:
    keys = set(a) | set(b)
    return max((abs(a.get(k, 0.0) - b.get(k, 0.0)) / max(abs(b.get(k, 0.0)), 1.0) for k in keys), default=0.0)


def section_tabulate(n: int, data: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    path = str(data["path"])
    print(f"\n== tabulate-intersection: {n:,} polygons × {ZONES} districts ({data['zone_vertices']:,} zone vertices)")
    configs = [
        ("planar", 1, False),
        ("planar", 2, False),
        ("ellipsoidal", 1, True),
        ("ellipsoidal", 2, True),
        ("ellipsoidal", 1, False),
        ("ellipsoidal", 2, False),
    ]
    results: dict[tuple[str, int, bool], dict[str, Any]] = {}
    for area, processes, stored in configs:
        r = best(args.repeat, ["guotu", path, area, str(processes), str(int(stored)), "1"])
        results[(area, processes, stored)] = r
        label = f"{area}{' (TBMJ stored)' if stored else ' (computed)' if area == 'ellipsoidal' else ''}"
        print(
            f"  guotu {label:<28} {processes} proc: {r['seconds']:7.3f} s   peak {r['peak_gb']:.2f} GB"
            f" (data alone {r['loaded_gb']:.2f} GB, workers {r['children_peak_gb']:.2f} GB)"
        )
    whole = best(args.repeat, ["guotu", path, "planar", "1", "0", "0"])
    with_pieces = results[("planar", 1, False)]["seconds"]
    print(
        f"  guotu planar without zone subdivision      1 proc: {whole['seconds']:7.3f} s"
        f"   (subdivision into ≤ 64-vertex pieces: {fmt_ratio(whole['seconds'], with_pieces).strip()} faster)"
    )
    gp = None
    if args.skip_geopandas:
        print("  geopandas: skipped (--skip-geopandas)")
    else:
        gp = run_worker(["geopandas", path])
        print(f"  geopandas overlay + groupby (planar)          {gp['seconds']:7.3f} s   peak {gp['peak_gb']:.2f} GB")
        for processes in (1, 2):
            r = results[("planar", processes, False)]
            print(f"  ratio geopandas / guotu planar {processes} proc: {fmt_ratio(gp['seconds'], r['seconds'])}")
        difference = compare_rows(results[("planar", 1, False)]["rows"], gp["rows"])
        print(f"  max relative difference of the tables (planar): {difference:.1e}")
    planar = min(results[("planar", p, False)]["seconds"] for p in (1, 2))
    ellipsoidal = min(results[("ellipsoidal", p, True)]["seconds"] for p in (1, 2))
    peak = max(r["peak_gb"] + r["children_peak_gb"] for r in results.values())
    if n >= 1_000_000:
        target("planar", planar, TARGETS["tabulate_planar_1e6"], "s")
        target("ellipsoidal (stored TBMJ)", ellipsoidal, TARGETS["tabulate_ellipsoidal_1e6"], "s")
        target("peak memory (process + largest worker)", peak, TARGETS["memory_gb"], "GB")
    if gp is not None:
        target("speed-up over geopandas", gp["seconds"] / planar, TARGETS["speedup_vs_geopandas"], "×", at_least=True)
    return {"guotu": results, "geopandas": gp}


GUOTU_CLI = textwrap.dedent(
    """
    import sys, typer
    from guotu.cli import app as app_module, main
    if "overlay" in {g.name for g in main.app.registered_groups}:
        cli = main.app
    else:
        from guotu.cli import overlay
        cli = typer.Typer(cls=app_module.GuotuGroup, add_completion=False, pretty_exceptions_enable=False)
        cli.callback()(app_module._root)
        cli.add_typer(overlay.app, name="overlay")
    cli(sys.argv[1:], prog_name="guotu")
    """
)

GEOPANDAS_CLI = textwrap.dedent(
    """
    import sys, geopandas as gpd
    layer = gpd.read_file(sys.argv[1], columns=["DLBM"], engine="pyogrio")
    zones = gpd.read_file(sys.argv[2], columns=["XZQDM"], engine="pyogrio")
    pieces = gpd.overlay(layer, zones, how="intersection", keep_geom_type=True)
    pieces["area_m2"] = pieces.geometry.area
    pieces.groupby(["XZQDM", "DLBM"])["area_m2"].sum().to_csv(sys.argv[3])
    """
)


def _timed(command: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024**2
    return seconds, peak


def write_gpkg(data: dict[str, Any], root: Path, n: int) -> tuple[Path, Path]:
    import pyogrio.raw

    layer, zones = data["layer"], data["zones"]
    layer_path, zones_path = root / f"dltb_{n}.gpkg", root / f"xzq_{n}.gpkg"
    for path, d, fields in ((layer_path, layer, ["DLBM", "TBMJ"]), (zones_path, zones, ["XZQDM"])):
        if path.exists():
            path.unlink()
        columns = [np.array([a[f] for a in d.attributes], dtype=object if f != "TBMJ" else np.float64) for f in fields]
        pyogrio.raw.write(
            str(path),
            shapely.to_wkb(d.geometries),
            columns,
            fields,
            geometry_type="Polygon",
            crs=f"EPSG:{EPSG}",
            driver="GPKG",
        )
    return layer_path, zones_path


def section_cli(n: int, data: dict[str, Any], root: Path, args: argparse.Namespace) -> None:
    print(f"\n== whole process on GeoPackage input: {n:,} polygons × {ZONES} districts")
    started = time.perf_counter()
    layer_path, zones_path = write_gpkg(data, root, n)
    print(
        f"  (writing the GeoPackages: {time.perf_counter() - started:.1f} s, {layer_path.stat().st_size / 1e6:.0f} MB)"
    )
    base = [
        sys.executable,
        "-c",
        GUOTU_CLI,
        "overlay",
        "tabulate",
        str(layer_path),
        str(zones_path),
        "-c",
        "DLBM",
        "-z",
        "XZQDM",
        "-f",
        "csv",
        "-o",
    ]
    runs = {}
    for label, extra in (
        ("guotu planar, 1 proc", ["--area", "planar"]),
        ("guotu planar, 2 proc", ["--area", "planar", "-p", "2"]),
        ("guotu ellipsoidal (TBMJ), 2 proc", ["--area-field", "TBMJ", "-p", "2"]),
        ("guotu ellipsoidal (computed), 2 proc", ["-p", "2"]),
    ):
        seconds = min(_timed([*base, str(root / "out.csv"), *extra])[0] for _ in range(args.repeat))
        runs[label] = seconds
        print(f"  {label:<40} {seconds:7.2f} s")
    if args.skip_geopandas:
        print("  geopandas: skipped (--skip-geopandas)")
        return
    gp, peak = _timed([sys.executable, "-c", GEOPANDAS_CLI, str(layer_path), str(zones_path), str(root / "gp.csv")])
    print(f"  geopandas read_file + overlay + groupby      {gp:7.2f} s (peak {peak:.2f} GB)")
    fastest = min(runs["guotu planar, 1 proc"], runs["guotu planar, 2 proc"])
    wanted = TARGETS["cli_speedup_1e6"] if n >= 1_000_000 else TARGETS["cli_speedup_1e5"]
    for label, seconds in runs.items():
        print(f"  ratio geopandas / {label:<36} {fmt_ratio(gp, seconds)}")
    target("speed-up over geopandas (planar)", gp / fastest, wanted, "×", at_least=True)


def gp_diff(before: Any, after: Any) -> dict[str, float]:
    """An overlay-based diff in geopandas: what a user without feature matching would run."""
    import geopandas as gpd

    b = gpd.GeoDataFrame({"DLBM_B": [a["DLBM"] for a in before.attributes]}, geometry=before.geometries, crs=EPSG)
    a = gpd.GeoDataFrame({"DLBM_A": [x["DLBM"] for x in after.attributes]}, geometry=after.geometries, crs=EPSG)
    both = gpd.overlay(b, a, how="intersection", keep_geom_type=True)
    changed = both[both["DLBM_B"] != both["DLBM_A"]]
    only_b = gpd.overlay(b, a, how="difference", keep_geom_type=True)
    only_a = gpd.overlay(a, b, how="difference", keep_geom_type=True)
    return {"调入": float(only_a.area.sum()), "调出": float(only_b.area.sum()), "属性变更": float(changed.area.sum())}


def section_diff(n: int, data: dict[str, Any], args: argparse.Namespace) -> None:
    from guotu.geo import synthetic
    from guotu.geo.diff import diff_versions

    print(f"\n== version diff: {n:,} polygons, {FRACTION:.0%} changed")
    started = time.perf_counter()
    change = synthetic.modify(data["layer"], fraction=FRACTION, seed=1)
    print(f"  (building the change set: {time.perf_counter() - started:.1f} s)")
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = diff_versions(change.before, change.after, class_field="DLBM")
        times.append(time.perf_counter() - started)
    seconds = min(times)
    print(f"  guotu diff_versions: {seconds:7.3f} s, {len(result.changes):,} change polygons")
    from guotu.geo.area import ellipsoidal_area

    for kind, expected in (("调入", change.added), ("调出", change.removed), ("属性变更", change.attribute)):
        wanted = float(ellipsoidal_area(expected, EPSG).sum())
        print(f"    {kind}: {result.total(kind):,.2f} m² (expected {wanted:,.2f} m²; whole features count their TBMJ)")
    target("diff", seconds, TARGETS["diff_1e6"] if n >= 1_000_000 else TARGETS["diff_1e5"], "s")
    if args.skip_geopandas or n > args.geopandas_diff_max:
        limit = args.geopandas_diff_max
        reason = "--skip-geopandas" if args.skip_geopandas else f"above --geopandas-diff-max {limit:,}"
        print(f"  geopandas diff: skipped ({reason})")
        return
    started = time.perf_counter()
    totals = gp_diff(change.before, change.after)
    gp = time.perf_counter() - started
    areas = ", ".join(f"{k} {v:,.0f}" for k, v in totals.items())
    print(f"  geopandas overlay diff: {gp:7.2f} s (planar: {areas} m²)")
    print(f"  ratio geopandas / guotu: {fmt_ratio(gp, seconds)}")


def section_postgis(n: int, data: dict[str, Any], url: str | None) -> None:
    if not url:
        print("\nPostGIS: skipped (no --postgis-url)")
        return
    import psycopg

    print(f"\n== PostGIS: {n:,} polygons × {ZONES} districts")
    layer, zones = data["layer"], data["zones"]
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("DROP TABLE IF EXISTS bench_dltb, bench_xzq")
        conn.execute(f"CREATE TABLE bench_dltb (dlbm text, geom geometry(Polygon, {EPSG}))")
        conn.execute(f"CREATE TABLE bench_xzq (xzqdm text, geom geometry(Polygon, {EPSG}))")
        for table, d, field in (("bench_dltb", layer, "DLBM"), ("bench_xzq", zones, "XZQDM")):
            ewkb = shapely.to_wkb(shapely.set_srid(d.geometries, EPSG), hex=True, include_srid=True)
            with conn.cursor().copy(f"COPY {table} (geom, {field.lower()}) FROM STDIN") as copy:
                for g, a in zip(ewkb.tolist(), d.attributes, strict=True):
                    copy.write_row((g, a[field]))
        conn.execute("CREATE INDEX ON bench_dltb USING gist (geom)")
        conn.execute("CREATE INDEX ON bench_xzq USING gist (geom)")
        conn.execute("ANALYZE bench_dltb")
        conn.execute("ANALYZE bench_xzq")
        print(f"  load (COPY + GiST): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rows = conn.execute(
            """
            SELECT z.xzqdm, f.dlbm,
                   sum(CASE WHEN ST_Covers(z.geom, f.geom) THEN ST_Area(f.geom)
                            ELSE ST_Area(ST_Intersection(f.geom, z.geom)) END)
            FROM bench_dltb f JOIN bench_xzq z ON ST_Intersects(f.geom, z.geom)
            GROUP BY 1, 2
            """
        ).fetchall()
        print(f"  ST_Covers / ST_Intersection query: {time.perf_counter() - started:.2f} s, {len(rows)} rows (planar)")
        conn.execute("DROP TABLE bench_dltb, bench_xzq")


# ---------------------------------------------------------------------------
# main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also 10⁶ polygons (several minutes more)")
    parser.add_argument(
        "--sizes", type=int, nargs="*", help="polygon counts (default 100000, with --full also 1000000)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration; the best is kept")
    parser.add_argument("--skip-geopandas", action="store_true", help="do not run the geopandas comparisons")
    parser.add_argument("--skip-cli", action="store_true", help="do not run the whole-process comparison")
    parser.add_argument("--skip-diff", action="store_true", help="do not run the version diff")
    parser.add_argument("--geopandas-diff-max", type=int, default=100_000, help="largest size for the geopandas diff")
    parser.add_argument(
        "--postgis-url",
        help="PostgreSQL/PostGIS URL to compare with (a scratch database), or 'auto' to start a throwaway "
        "cluster on loopback as the tests do (Debian's postgresql + postgis; as root it runs as postgres)",
    )
    parser.add_argument("--tmp", type=Path, help="directory for data files (default: a temporary one)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, path, *rest = args.worker
        if kind == "guotu":
            out = worker_guotu(Path(path), rest[0], int(rest[1]), bool(int(rest[2])), bool(int(rest[3])))
        else:
            out = worker_geopandas(Path(path))
        print(json.dumps(out))
        return
    sizes = args.sizes or ([100_000, 1_000_000] if args.full else [100_000])
    server = None
    if args.postgis_url == "auto":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pg import start_server

        server = start_server()
        args.postgis_url = server.url
        print(f"PostGIS: started a throwaway cluster ({server.url.split('@')[-1]})")
    import pyogrio
    import pyproj

    print(
        f"guotu overlay benchmark — shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
        f"pyproj {pyproj.__version__}, pyogrio {pyogrio.__version__} (GDAL {pyogrio.__gdal_version_string__}), "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="guotu-bench-", dir=args.tmp) as tmp:
        root = Path(tmp)
        for n in sizes:
            data = make_data(n, root)
            print(f"\n## {n:,} polygons (synthetic survey + {ZONES} districts built in {data['seconds']:.1f} s)")
            section_tabulate(n, data, args)
            if not args.skip_cli:
                section_cli(n, data, root, args)
            if not args.skip_diff:
                section_diff(n, data, args)
            section_postgis(n, data, args.postgis_url)
            print(f"\n(load average now {os.getloadavg()[0]:.2f})")
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
