"""Benchmark: official ellipsoidal area against pyproj's Geod, per polygon.

Run ``python bench/bench_area.py`` (``--help`` for options). It builds synthetic
parcels (star-shaped, ~20 vertices, 20–200 m across) in EPSG:4527 and times

* ``guotu.geo.area.ellipsoidal_area`` on the whole array (default 100 m densification);
* pyproj: one vectorised inverse projection of every vertex, then
  ``Geod.polygon_area_perimeter`` per polygon (pyproj has no batch polygon area);
* ``planar_area`` (shapely), for scale.

and prints microseconds per polygon, the ratio, and the largest difference between
the two areas as a sanity check.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import shapely
from pyproj import Geod, Transformer

from guotu.geo.area import ellipsoidal_area, planar_area

EPSG = 4527


def make_parcels(n: int, vertices: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cx = 39_500_000 + rng.uniform(-120_000, 120_000, n)
    cy = rng.uniform(4_300_000, 4_500_000, n)
    radius = rng.uniform(10.0, 100.0, n)
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    wobble = 0.75 + 0.25 * rng.uniform(-1, 1, (n, vertices))
    r = radius[:, None] * wobble
    ring = np.stack([cx[:, None] + r * np.cos(angles), cy[:, None] + r * np.sin(angles)], axis=-1)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)  # close the rings
    return shapely.polygons(ring)


def best_of(repeat: int, function: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def geod_areas(parcels: np.ndarray) -> np.ndarray:
    geod = Geod(ellps="GRS80")
    coords, owner = shapely.get_coordinates(parcels, return_index=True)
    lon, lat = Transformer.from_crs(EPSG, 4490, always_xy=True).transform(coords[:, 0], coords[:, 1])
    bounds = np.searchsorted(owner, np.arange(parcels.size + 1))
    out = np.empty(parcels.size)
    for i in range(parcels.size):
        a, b = bounds[i], bounds[i + 1]
        out[i] = abs(geod.polygon_area_perimeter(lon[a:b], lat[a:b])[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="number of parcels")
    parser.add_argument("--vertices", type=int, default=20, help="vertices per parcel")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()

    parcels = make_parcels(args.n, args.vertices)
    ellipsoidal_area(parcels[:10], EPSG)  # warm the transformer cache

    t_ours, ours = best_of(args.repeat, lambda: ellipsoidal_area(parcels, EPSG))
    t_raw, _ = best_of(args.repeat, lambda: ellipsoidal_area(parcels, EPSG, max_segment_m=None))
    t_planar, _ = best_of(args.repeat, lambda: planar_area(parcels))
    t_geod, geod = best_of(1, lambda: geod_areas(parcels))

    us = 1e6 / args.n
    diff = np.abs(np.asarray(ours) - np.asarray(geod))
    print(f"{args.n} parcels, {args.vertices} vertices each, EPSG:{EPSG}")
    print(f"ellipsoidal_area (100 m segments): {t_ours * us:8.2f} µs/polygon")
    print(f"ellipsoidal_area (no densifying):  {t_raw * us:8.2f} µs/polygon")
    print(f"pyproj transform + Geod per polygon: {t_geod * us:6.2f} µs/polygon")
    print(f"planar_area (shapely):             {t_planar * us:8.2f} µs/polygon")
    print(f"ratio Geod / ellipsoidal_area:     {t_geod / t_ours:8.1f}×")
    print(f"max |difference| {diff.max():.2e} m², max relative {(diff / np.asarray(geod)).max():.1e}")


if __name__ == "__main__":
    main()
