"""Vector tiles of the demo one map: guotu's vectorised MVT encoder against mapbox-vector-tile.

    python bench/bench_tiles.py [--store sqlite:///out/demo/guotu-demo.db]

Builds the demo store in a temporary folder unless ``--store`` is given, renders the
3 × 3 tiles around 阳泉 at zooms 8–12 for the survey and the farmland layers with
each encoder (the same reading, reprojection, simplification and clipping), and
prints the median and maximum per tile and the ratio of the totals.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from typing import Any

import mapbox_vector_tile

from guotu.services import features as F
from guotu.services.demo import build_demo
from guotu.store import open_store


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _reference(name: str, feats: list[dict[str, Any]]) -> bytes:
    layer = [{"geometry": f["geometry"].wkb, "properties": f["properties"], "id": f["id"]} for f in feats]
    options = {"extents": 4096, "y_coord_down": False}
    return bytes(mapbox_vector_tile.encode([{"name": name, "features": layer}], default_options=options))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="A demo store URL (default: build one in a temporary folder).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or build_demo(tmp).store_url
        store = open_store(url)
        viewer = F.Viewer(role="admin")
        tiles = [
            (z, _tile_xy(113.58, 37.86, z)[0] + dx, _tile_xy(113.58, 37.86, z)[1] + dy)
            for z in (8, 9, 10, 11, 12)
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        ]
        layers = [n for n in ("xz_sandiao_140300", "yjjbnt_140300") if n in {i.name for i in store.list_layers()}]
        F.vector_tile(store, viewer, layers[0], *tiles[0])  # warm up imports and transformers
        ours_encoder = F._encode_tile
        for layer in layers:
            timings: dict[str, list[float]] = {"guotu": [], "mapbox-vector-tile": []}
            for label, encoder in (("guotu", ours_encoder), ("mapbox-vector-tile", _reference)):
                F._encode_tile = encoder  # type: ignore[assignment]
                for t in tiles:
                    started = time.perf_counter()
                    F.vector_tile(store, viewer, layer, *t)
                    timings[label].append(time.perf_counter() - started)
            F._encode_tile = ours_encoder
            g, m = timings["guotu"], timings["mapbox-vector-tile"]
            print(
                f"{layer}: {len(tiles)} tiles z8–12 | guotu median {statistics.median(g) * 1e3:.1f} ms, "
                f"max {max(g) * 1e3:.1f} ms | mapbox-vector-tile median {statistics.median(m) * 1e3:.1f} ms, "
                f"max {max(m) * 1e3:.1f} ms | total ratio {sum(m) / sum(g):.1f}×"
            )
        store.close()


if __name__ == "__main__":
    main()
