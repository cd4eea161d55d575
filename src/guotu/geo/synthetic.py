"""A seeded synthetic one map: survey, control lines, planning zones, districts, parcels.

For tests, benchmarks and the demo, without shipping real data. Everything is
deterministic for a seed, and the layers are consistent with each other:

* :func:`survey` builds a 三调-like survey layer (地类图斑, fields DLBM, DLMC, TBBH,
  ZLDWDM, TBMJ) that tiles a boundary with no gap and no overlap. It is a
  jittered grid whose shared edges carry the same wiggled vertices on both sides
  (so the tiling is exact), with runs of neighbouring cells merged to reach
  exactly ``n`` polygons (on a rectangular boundary) and to vary their size; each
  polygon has 12–40 vertices. Land use follows a seeded landscape: towns and
  villages, a hilly forest, a river, roads, ponds and farmland.
* :func:`survey_chunks` yields the same layer in bands of rows, for data larger
  than memory (10⁷ polygons): ``survey(n)`` is their concatenation.
* :func:`control_lines` derives 城镇开发边界 around the built-up clusters,
  永久基本农田 on cultivated land outside it, 生态保护红线 over forest and water
  clusters outside it, and small 历史文化保护线 polygons in the towns.
* :func:`planning_zones` tiles the boundary with the level-1 规划分区 (GHFQDM),
  consistent with the control lines; :func:`districts` tiles it with a few
  districts with wiggly boundaries of about a thousand vertices each;
  :func:`parcels` places 宗地 of 0.5–20 公顷 that do not overlap.
* :func:`modify` derives a next version of a layer with a known change set
  (deleted, added, reclassified, shrunk and split features) for the version diff.

The default boundary is a 50 × 50 km square in EPSG:4527 (CGCS2000 3° zone 39,
central meridian 117°E) around 39°N. The codes used (county ``990101``, GHFQDM
``01``–``07``) are illustrative, not official.

Examples
--------
>>> layer = survey(1_000, seed=1)
>>> len(layer), layer.crs, sorted(layer.attributes[0])
(1000, 4527, ['DLBM', 'DLMC', 'TBBH', 'TBMJ', 'ZLDWDM'])
>>> bool(shapely.is_valid(layer.geometries).all())
True
>>> round(float(shapely.area(layer.geometries).sum()) / 1e6, 6)  # km², gap-free
2500.0
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from guotu.domain.classification import SURVEY, get_class
from guotu.errors import InvalidInputError
from guotu.geo.area import ellipsoidal_area
from guotu.geo.vector import VectorData

__all__ = [
    "DEFAULT_EPSG",
    "GHFQ_CODES",
    "SURVEY_CLASSES",
    "SyntheticChange",
    "control_lines",
    "default_boundary",
    "districts",
    "modify",
    "parcels",
    "planning_zones",
    "survey",
    "survey_chunks",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
GeomArray = npt.NDArray[np.object_]

#: CRS of the default boundary: CGCS2000 3° Gauss-Krüger zone 39 (CM 117°E), prefixed eastings.
DEFAULT_EPSG: Final = 4527

#: The default boundary: a 50 × 50 km square around 117°E, 39°N.
_DEFAULT_BOUNDS: Final = (39_475_000.0, 4_300_000.0, 39_525_000.0, 4_350_000.0)

#: Illustrative county code (not a real one) for ZLDWDM and feature ids.
_COUNTY: Final = "990101"

#: The survey classes generated (三调 working classification codes).
SURVEY_CLASSES: Final = (
    "0101",
    "0102",
    "0103",
    "0201",
    "0301",
    "0307",
    "0401",
    "0404",
    "05H1",
    "0601",
    "0701",
    "0702",
    "1003",
    "1101",
    "1104",
    "1202",
)
_CULTIVATED: Final = frozenset({"0101", "0102", "0103"})
_BUILT: Final = frozenset({"05H1", "0601", "0701"})
_NATURAL: Final = frozenset({"0301", "0307", "0401", "0404", "1101", "1104"})

#: Level-1 planning zones (规划分区) with illustrative GHFQDM codes: provinces number them
#: differently (DOMAIN.md §4.3), so take the real codes from the province's spec.
GHFQ_CODES: Final = {
    "01": "生态保护区",
    "02": "生态控制区",
    "03": "农田保护区",
    "04": "城镇发展区",
    "05": "乡村发展区",
    "07": "矿产能源发展区",
}

# Class mixes: (code, weight) per kind of place.
_FARM_MIX: Final = (("0101", 10), ("0102", 30), ("0103", 42), ("0201", 8), ("1202", 5), ("0404", 3), ("1104", 2))
_FOREST_MIX: Final = (("0301", 58), ("0307", 25), ("0401", 5), ("0404", 12))
_TOWN_MIX: Final = (("0701", 55), ("05H1", 17), ("0601", 22), ("1003", 6))
_VILLAGE_MIX: Final = (("0702", 82), ("1202", 8), ("0404", 10))

_SURVEY_JITTER: Final = 0.2  # node displacement, in cells
_SURVEY_WIGGLE: Final = 0.08  # perpendicular displacement of edge vertices, in edge lengths
_CELLS_PER_POLYGON: Final = 1.25  # grid cells per polygon before merging runs


# ---------------------------------------------------------------------------
# boundary and grid


def default_boundary() -> shapely.Polygon:
    """Return the default boundary: a 50 × 50 km square in EPSG:4527 near 117°E, 39°N.

    Examples
    --------
    >>> default_boundary().bounds
    (39475000.0, 4300000.0, 39525000.0, 4350000.0)
    """
    return shapely.box(*_DEFAULT_BOUNDS)


def _rng(seed: int, *key: int) -> np.random.Generator:
    """Return a generator for one part of the data (a row, a layer), independent of the others."""
    return np.random.default_rng([seed & 0xFFFFFFFF, *key])


def _check_count(name: str, value: int, low: int = 1) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise InvalidInputError("input.option_invalid", option=name, value=value, choices=f"an integer ≥ {low}")


def _check_boundary(boundary: Any) -> shapely.Polygon | shapely.MultiPolygon:
    if boundary is None:
        return default_boundary()
    type_id = shapely.get_type_id(boundary)
    if type_id not in (3, 6) or shapely.is_empty(boundary) or not shapely.is_valid(boundary):
        raise InvalidInputError(
            "input.option_invalid", option="boundary", value=str(boundary)[:60], choices="a valid polygon"
        )
    return boundary


def _is_rectangle(boundary: Any) -> bool:
    return bool(shapely.equals(boundary, shapely.box(*shapely.bounds(boundary))))


@dataclass(frozen=True)
class _Grid:
    """A jittered grid of ``nx × ny`` cells over a rectangle, with wiggled shared edges.

    Rows are generated independently (seeded by row number), so any band of rows
    can be built alone and comes out the same.
    """

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int
    seed: int
    jitter: float
    wiggle: float
    points: tuple[int, int]  # min, max wiggle vertices per edge
    harmonics: int = 0  # > 0: smooth edges (a sum of sines) instead of random zigzags
    salt: int = 0

    def nodes(self, j: int) -> FloatArray:
        """Node row ``j`` (0 … ny): (nx + 1, 2) coordinates."""
        rng = _rng(self.seed, self.salt, 1, j)
        shift = rng.uniform(-self.jitter, self.jitter, (self.nx + 1, 2))
        shift[[0, -1], 0] = 0.0  # the left and right sides stay straight
        if j in (0, self.ny):
            shift[:, 1] = 0.0  # so do the bottom and top
        x = self.x0 + (np.arange(self.nx + 1) + shift[:, 0]) * self.dx
        y = self.y0 + (j + shift[:, 1]) * self.dy
        return np.column_stack([x, y])

    def _wiggles(
        self, start: FloatArray, end: FloatArray, rng: np.random.Generator, straight: npt.NDArray[np.bool_]
    ) -> tuple[FloatArray, IntArray]:
        """Intermediate vertices of edges start → end: flat points and offsets per edge."""
        low, high = self.points
        counts = np.asarray(rng.integers(low, high + 1, size=start.shape[0]), dtype=np.intp)
        k = high
        position = np.arange(k)[None, :]
        t = (position + 0.5 + rng.uniform(-0.3, 0.3, (start.shape[0], k))) / np.maximum(counts, 1)[:, None]
        if self.harmonics:
            amplitude = rng.normal(0.0, self.wiggle, (start.shape[0], self.harmonics)) / np.arange(
                1, self.harmonics + 1
            )
            h = np.arange(1, self.harmonics + 1)
            # the sin(πt) envelope makes the curve leave each corner along the straight
            # edge, so neighbouring edges never cross
            offset = np.sin(math.pi * t) * np.einsum("eh,ekh->ek", amplitude, np.sin(math.pi * t[:, :, None] * h))
        else:
            offset = self.wiggle * np.sin(math.pi * t) * rng.uniform(-1.0, 1.0, t.shape)
        offset[straight] = 0.0
        delta = end - start
        normal = np.column_stack([-delta[:, 1], delta[:, 0]])  # length of the edge: offset is relative
        pts = start[:, None, :] + t[:, :, None] * delta[:, None, :] + offset[:, :, None] * normal[:, None, :]
        keep = position < counts[:, None]
        offsets = np.zeros(start.shape[0] + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        return pts[keep], offsets

    def horizontal(self, j: int, row: FloatArray) -> tuple[FloatArray, IntArray]:
        """Wiggles of the horizontal edges of node row ``j``."""
        rng = _rng(self.seed, self.salt, 2, j)
        straight = np.full(self.nx, j in (0, self.ny))
        return self._wiggles(row[:-1], row[1:], rng, straight)

    def vertical(self, j: int, below: FloatArray, above: FloatArray) -> tuple[FloatArray, IntArray]:
        """Wiggles of the vertical edges between node rows ``j`` and ``j + 1``."""
        rng = _rng(self.seed, self.salt, 3, j)
        straight = np.zeros(self.nx + 1, dtype=bool)
        straight[[0, -1]] = True
        return self._wiggles(below, above, rng, straight)

    def runs(self, j: int, merges: int) -> tuple[IntArray, IntArray]:
        """First cell and length of each polygon of cell row ``j``, after ``merges`` merges."""
        rng = _rng(self.seed, self.salt, 4, j)
        joined = np.zeros(self.nx, dtype=bool)  # joined[i]: cell i continues the run of cell i - 1
        if merges:
            # join only cells 1, 3, 5 … to the cell before: runs of at most two cells keep
            # the vertex count realistic; tiny grids may need any joint
            odd = np.arange(1, self.nx, 2)
            candidates = odd if merges <= odd.size else np.arange(1, self.nx)
            joined[rng.choice(candidates, merges, replace=False)] = True
        starts = np.flatnonzero(~joined)
        lengths = np.diff(np.append(starts, self.nx))
        return starts, lengths


def _grid_for(bounds: tuple[float, float, float, float], cells: int) -> tuple[int, int]:
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    nx = max(2, math.ceil(math.sqrt(cells * width / height)))
    ny = max(1, math.ceil(cells / nx))
    return nx, ny


def _merges_per_row(nx: int, ny: int, polygons: int) -> list[int]:
    merges = nx * ny - polygons
    if merges < 0 or merges > ny * (nx - 1):
        raise InvalidInputError("input.option_invalid", option="n", value=polygons, choices="a feasible count")
    return [merges // ny + (1 if j < merges % ny else 0) for j in range(ny)]


def _ring_indices(
    grid: _Grid, j: int, starts: IntArray, lengths: IntArray, pools: dict[str, Any]
) -> tuple[IntArray, IntArray]:
    """Return indices into the point pool of every ring of a cell row, and the ring offsets.

    A run of cells i0 … i1 is the ring: bottom edges left to right, the right edge
    upwards, top edges right to left, the left edge downwards, then the first
    vertex again. Each edge contributes its first node and its wiggles (reversed
    when walked backwards), so a shared edge has the same vertices on both sides.
    """
    nx = grid.nx
    seg_count = 2 * lengths + 2
    run = np.repeat(np.arange(starts.size), seg_count)
    first = np.concatenate([[0], np.cumsum(seg_count)[:-1]])
    p = np.arange(run.size) - first[run]
    i0, length = starts[run], lengths[run]
    bottom, right, top = p < length, p == length, (p > length) & (p < 2 * length + 1)
    # which edge and which way
    h_row = np.where(bottom, 0, 1)  # 0: row j (bottom), 1: row j + 1 (top)
    h_col = np.where(bottom, i0 + p, i0 + 2 * length - p)
    v_col = np.where(right, i0 + length, i0)
    is_h = bottom | top
    forward = bottom | right
    # node that starts the segment (as walked) and wiggle slice of the edge
    node_row = np.where(is_h, h_row, np.where(right, 0, 1))
    node_col = np.where(bottom, h_col, np.where(top, h_col + 1, v_col))
    node_index = node_row * (nx + 1) + node_col
    h_off, v_off = pools["h_offsets"], pools["v_offsets"]
    w_start = np.where(
        is_h, pools["h_base"][h_row] + h_off[h_row, np.minimum(h_col, nx - 1)], pools["v_base"] + v_off[v_col]
    )
    w_end = np.where(
        is_h, pools["h_base"][h_row] + h_off[h_row, np.minimum(h_col, nx - 1) + 1], pools["v_base"] + v_off[v_col + 1]
    )
    seg_len = 1 + w_end - w_start
    ring_len = np.bincount(run, weights=seg_len, minlength=starts.size).astype(np.intp) + 1
    ring_offsets = np.zeros(starts.size + 1, dtype=np.intp)
    np.cumsum(ring_len, out=ring_offsets[1:])
    before = np.cumsum(seg_len) - seg_len  # vertices of the earlier segments
    seg_first = before + run  # each earlier ring also has its closing vertex
    seg_of = np.repeat(np.arange(run.size), seg_len)
    within = np.arange(seg_of.size) - before[seg_of]
    wiggle = np.where(forward[seg_of], w_start[seg_of] + within - 1, w_end[seg_of] - within)
    index = np.empty(int(ring_offsets[-1]), dtype=np.intp)
    index[seg_first[seg_of] + within] = np.where(within == 0, node_index[seg_of], pools["node_count"] + wiggle)
    index[ring_offsets[1:] - 1] = index[ring_offsets[:-1]]  # close the rings
    return index, ring_offsets


def _cell_row(grid: _Grid, j: int, merges: int) -> tuple[GeomArray, FloatArray]:
    """Polygons of cell row ``j`` and the centre of each (before jitter)."""
    below, above = grid.nodes(j), grid.nodes(j + 1)
    h_below, h_below_off = grid.horizontal(j, below)
    h_above, h_above_off = grid.horizontal(j + 1, above)
    v_pts, v_off = grid.vertical(j, below, above)
    node_count = 2 * (grid.nx + 1)
    pool = np.concatenate([below, above, h_below, h_above, v_pts])
    pools = {
        "node_count": node_count,
        "h_base": np.array([0, h_below.shape[0]]),
        "v_base": h_below.shape[0] + h_above.shape[0],
        "h_offsets": np.stack([h_below_off, h_above_off]),
        "v_offsets": v_off,
    }
    starts, lengths = grid.runs(j, merges)
    index, ring_offsets = _ring_indices(grid, j, starts, lengths, pools)
    geoms = shapely.polygons(
        shapely.linearrings(pool[index], indices=np.repeat(np.arange(starts.size), np.diff(ring_offsets)))
    )
    centres = np.column_stack(
        [grid.x0 + (starts + lengths / 2.0) * grid.dx, np.full(starts.size, grid.y0 + (j + 0.5) * grid.dy)]
    )
    return geoms, centres


# ---------------------------------------------------------------------------
# the landscape: which land use where


@dataclass(frozen=True)
class _Landscape:
    """Seeded places over a bounding box: towns, villages, hills, a river, roads, a mine."""

    bounds: tuple[float, float, float, float]
    towns: FloatArray  # (k, 3): x, y, radius
    villages: FloatArray  # (k, 3)
    hills: FloatArray  # (k, 3)
    river: FloatArray  # (4,): y0 (fraction of height), amplitude, wavelength, phase
    roads_x: FloatArray  # x of north-south roads
    roads_y: FloatArray  # y of east-west roads
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, bounds: tuple[float, float, float, float], seed: int) -> _Landscape:
        rng = _rng(seed, 90)
        x0, y0, x1, y1 = bounds
        width, height = x1 - x0, y1 - y0
        size = math.sqrt(width * height)

        def places(count: int, r_low: float, r_high: float) -> FloatArray:
            return np.column_stack(
                [
                    rng.uniform(x0 + 0.05 * width, x1 - 0.05 * width, count),
                    rng.uniform(y0 + 0.05 * height, y1 - 0.05 * height, count),
                    rng.uniform(r_low, r_high, count) * size,
                ]
            )

        area_km2 = width * height / 1e6
        towns = places(max(1, round(area_km2 / 500)), 0.03, 0.07)
        villages = places(max(2, round(area_km2 / 6)), 0.003, 0.007)
        hills = places(3, 0.08, 0.18)
        hills[:, 0] = x0 + rng.uniform(0.6, 0.95, 3) * width  # a hilly north-east
        hills[:, 1] = y0 + rng.uniform(0.6, 0.95, 3) * height
        river = np.array(
            [rng.uniform(0.25, 0.45), rng.uniform(0.03, 0.08), rng.uniform(0.3, 0.7), rng.uniform(0, 6.28)]
        )
        roads_x = x0 + np.sort(rng.uniform(0.1, 0.9, 3)) * width
        roads_y = y0 + np.sort(rng.uniform(0.1, 0.9, 3)) * height
        return cls(bounds, towns, villages, hills, river, roads_x, roads_y, seed)

    @staticmethod
    def _inside(places: FloatArray, x: FloatArray, y: FloatArray) -> npt.NDArray[np.bool_]:
        disks = shapely.union_all(shapely.buffer(shapely.points(places[:, :2]), places[:, 2], quad_segs=8))
        shapely.prepare(disks)
        inside: npt.NDArray[np.bool_] = shapely.contains_xy(disks, x, y)
        return inside

    def classify(self, x: FloatArray, y: FloatArray, cell: float, u: FloatArray) -> npt.NDArray[np.str_]:
        """Survey class codes of polygons centred at (x, y); ``cell`` is their size.

        ``u`` holds one uniform number per polygon, drawn per grid row, so the
        classes do not depend on how the rows are chunked.
        """
        x0, y0, x1, y1 = self.bounds
        width, height = x1 - x0, y1 - y0
        codes = _pick(_FARM_MIX, u)
        hill = np.zeros(x.size)
        for hx, hy, radius in self.hills:
            hill += np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (radius * radius))
        hill += 0.25 * np.sin(x / (0.05 * width)) * np.cos(y / (0.07 * height))
        forest = hill > 0.55
        codes[forest] = _pick(_FOREST_MIX, u[forest])
        village = self._inside(self.villages, x, y)
        codes[village] = _pick(_VILLAGE_MIX, u[village])
        town = self._inside(self.towns, x, y)
        codes[town] = _pick(_TOWN_MIX, u[town])
        y0_r, amplitude, wavelength, phase = self.river
        river_y = y0 + height * (y0_r + amplitude * np.sin(2 * math.pi * (x - x0) / (wavelength * width) + phase))
        codes[np.abs(y - river_y) < max(1.2 * cell, 60.0)] = "1101"
        near_road = np.zeros(x.size, dtype=bool)
        for road in self.roads_x:
            near_road |= np.abs(x - road) < 0.5 * cell
        for road in self.roads_y:
            near_road |= np.abs(y - road) < 0.5 * cell
        codes[near_road & ~forest] = "1003"
        return codes


def _pick(mix: Sequence[tuple[str, int]], u: FloatArray) -> npt.NDArray[np.str_]:
    """Codes of a mix chosen by uniform numbers ``u`` (inverse of the cumulative weights)."""
    codes = np.array([code for code, _ in mix], dtype="<U4")
    weights = np.cumsum([w for _, w in mix], dtype=float)
    return codes[np.minimum(np.searchsorted(weights / weights[-1], u, side="right"), codes.size - 1)]


def _draw(mix: Sequence[tuple[str, int]], count: int, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    codes = np.array([code for code, _ in mix], dtype="<U4")
    weights = np.array([w for _, w in mix], dtype=float)
    return codes[rng.choice(codes.size, count, p=weights / weights.sum())]


def _class_names() -> dict[str, str]:
    return {code: get_class(code, SURVEY).name_zh for code in SURVEY_CLASSES}


# ---------------------------------------------------------------------------
# the survey layer


@dataclass(frozen=True)
class _SurveyPlan:
    grid: _Grid
    merges: list[int]
    landscape: _Landscape
    boundary: Any
    rectangle: bool
    epsg: int


def _survey_plan(n: int, seed: int, boundary: Any, epsg: int) -> _SurveyPlan:
    _check_count("n", n)
    shape = _check_boundary(boundary)
    bounds = tuple(float(v) for v in shapely.bounds(shape))
    rectangle = _is_rectangle(shape)
    wanted = n if rectangle else math.ceil(n * (bounds[2] - bounds[0]) * (bounds[3] - bounds[1]) / shape.area)
    nx, ny = _grid_for(bounds, math.ceil(wanted * _CELLS_PER_POLYGON))  # type: ignore[arg-type]
    if nx * ny - wanted > ny * (nx - 1):
        ny = math.ceil(wanted / nx)
    grid = _Grid(
        bounds[0],
        bounds[1],
        (bounds[2] - bounds[0]) / nx,
        (bounds[3] - bounds[1]) / ny,
        nx,
        ny,
        seed,
        _SURVEY_JITTER,
        _SURVEY_WIGGLE,
        (2, 7),
    )
    landscape = _Landscape.build(bounds, seed)  # type: ignore[arg-type]
    return _SurveyPlan(grid, _merges_per_row(nx, ny, wanted), landscape, shape, rectangle, epsg)


def _clip(geoms: GeomArray, boundary: Any) -> tuple[GeomArray, IntArray]:
    """Cells clipped to the boundary, and the positions of the cells kept."""
    shapely.prepare(boundary)
    inside = shapely.contains(boundary, geoms)
    cut = np.flatnonzero(~inside & shapely.intersects(boundary, geoms))
    pieces = shapely.intersection(geoms[cut], boundary)
    # a cell that only touches the boundary gives a line or a point: not a piece
    good = np.isin(shapely.get_type_id(pieces), (3, 6)) & (shapely.area(pieces) > 0)
    keep_cut, pieces = cut[good], pieces[good]
    result = geoms.copy()
    result[keep_cut] = pieces
    keep = inside.copy()
    keep[keep_cut] = True
    positions = np.flatnonzero(keep)
    return result[positions], positions


def survey_chunks(
    n: int,
    seed: int = 0,
    *,
    boundary: Any = None,
    epsg: int = DEFAULT_EPSG,
    rows_per_chunk: int | None = None,
    chunk_size: int = 200_000,
) -> Iterator[VectorData]:
    """Yield a synthetic survey layer in bands of rows, for layers larger than memory.

    Parameters
    ----------
    n
        Number of polygons: exact on a rectangular boundary, approximate otherwise
        (cells outside the boundary are dropped, cells across it clipped).
    seed
        The seed: the same seed gives the same layer, whatever the chunking.
    boundary
        A polygon in ``epsg`` (default: :func:`default_boundary`).
    epsg
        EPSG code of ``boundary`` (a Gauss-Krüger code: cells are sized in metres).
    rows_per_chunk, chunk_size
        Grid rows per chunk, or (when None) about ``chunk_size`` polygons per chunk.

    Yields
    ------
    VectorData
        Consecutive pieces of the layer, with feature ids and TBBH numbering
        running on across chunks.

    Examples
    --------
    >>> parts = list(survey_chunks(1_000, seed=1, chunk_size=300))
    >>> [len(p) for p in parts], sum(len(p) for p in parts)
    ([280, 285, 290, 145], 1000)
    """
    plan = _survey_plan(n, seed, boundary, epsg)
    grid = plan.grid
    if rows_per_chunk is None:
        rows_per_chunk = max(1, round(chunk_size / max(1.0, n / grid.ny)))
    names = _class_names()
    counters: dict[str, int] = {}
    running = 0
    for first in range(0, grid.ny, rows_per_chunk):
        rows = range(first, min(grid.ny, first + rows_per_chunk))
        parts = [_cell_row(grid, j, plan.merges[j]) for j in rows]
        geoms = np.concatenate([g for g, _ in parts])
        centres = np.concatenate([c for _, c in parts])
        u = np.concatenate([_rng(seed, 5, j).random(len(g)) for j, (g, _) in zip(rows, parts, strict=True)])
        if not plan.rectangle:
            geoms, keep = _clip(geoms, plan.boundary)
            centres, u = centres[keep], u[keep]
        chunk = _survey_chunk(plan, geoms, centres, u, names, counters, running)
        running += len(chunk)
        yield chunk


def _survey_chunk(
    plan: _SurveyPlan,
    geoms: GeomArray,
    centres: FloatArray,
    u: FloatArray,
    names: dict[str, str],
    counters: dict[str, int],
    running: int,
) -> VectorData:
    grid = plan.grid
    codes = plan.landscape.classify(centres[:, 0], centres[:, 1], grid.dx, u)
    village = _village_codes(centres, plan.landscape.bounds)
    tbbh = _numbering(village, counters)
    tbmj = np.round(ellipsoidal_area(geoms, plan.epsg), 2)
    ids = tuple(f"{_COUNTY}0000{running + i + 1:08d}" for i in range(len(geoms)))
    attributes = [
        {"DLBM": c, "DLMC": names[c], "TBBH": b, "ZLDWDM": v, "TBMJ": a}
        for c, b, v, a in zip(codes.tolist(), tbbh, village.tolist(), tbmj.tolist(), strict=True)
    ]
    return VectorData(
        geometries=geoms,
        attributes=attributes,
        crs=plan.epsg,
        feature_ids=ids,
        fields=("DLBM", "DLMC", "TBBH", "ZLDWDM", "TBMJ"),
        source={"synthetic": "survey", "seed": grid.seed},
        ellipsoidal_m2=tbmj.astype(np.float64),
    )


def _village_codes(centres: FloatArray, bounds: tuple[float, float, float, float]) -> npt.NDArray[np.str_]:
    """ZLDWDM (19 characters): county, township (10 km blocks), village (2 km blocks), zeros."""
    x = centres[:, 0] - bounds[0]
    y = centres[:, 1] - bounds[1]
    township = (np.floor(y / 10_000) * 10 + np.floor(x / 10_000)).astype(int) % 1000 + 1
    village = (np.floor((y % 10_000) / 2_000) * 5 + np.floor((x % 10_000) / 2_000)).astype(int) + 1
    key = township * 1000 + village
    unique, inverse = np.unique(key, return_inverse=True)
    labels = np.array([f"{_COUNTY}{k // 1000:03d}{k % 1000:03d}0000000" for k in unique.tolist()])
    return labels[inverse]


def _numbering(village: npt.NDArray[np.str_], counters: dict[str, int]) -> list[str]:
    """TBBH: 1, 2, 3 … within each village, in feature order, continued across chunks."""
    unique, inverse = np.unique(village, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=unique.size)
    rank = np.empty(village.size, dtype=np.intp)
    rank[order] = np.arange(village.size) - np.repeat(np.cumsum(counts) - counts, counts)
    base = np.array([counters.get(v, 0) for v in unique.tolist()], dtype=np.intp)
    for v, c in zip(unique.tolist(), counts.tolist(), strict=True):
        counters[v] = counters.get(v, 0) + c
    return [str(v) for v in (base[inverse] + rank + 1).tolist()]


def survey(n: int, seed: int = 0, *, boundary: Any = None, epsg: int = DEFAULT_EPSG) -> VectorData:
    """Return a synthetic 三调-like survey layer (地类图斑) of about ``n`` polygons.

    The polygons tile ``boundary`` with no gap and no overlap (shared edges have
    identical vertices), have 12–40 vertices (a few merged runs more), and carry
    DLBM (三调 working classification code), DLMC (its name), TBBH (numbered within
    each village), ZLDWDM (19-character village code) and TBMJ (ellipsoidal area
    in m², 2 decimals, also in ``ellipsoidal_m2``).

    Parameters
    ----------
    n
        Number of polygons (exact on a rectangular boundary).
    seed
        Seed of every random choice.
    boundary, epsg
        The area to tile and its Gauss-Krüger CRS (default: 50 × 50 km in EPSG:4527).

    Returns
    -------
    VectorData
        The layer; feature ids are 18-character BSM codes.

    Raises
    ------
    InvalidInputError
        ``input.option_invalid`` for a bad ``n`` or boundary.

    Examples
    --------
    >>> layer = survey(200, seed=7)
    >>> layer.feature_ids[0], layer.attributes[0]["ZLDWDM"]
    ('990101000000000001', '9901010010020000000')
    >>> set(a["DLBM"] for a in layer.attributes) <= set(SURVEY_CLASSES)
    True
    """
    chunks = list(survey_chunks(n, seed, boundary=boundary, epsg=epsg, rows_per_chunk=1 << 30))
    return chunks[0] if len(chunks) == 1 else _concat(chunks)


def _concat(chunks: Sequence[VectorData]) -> VectorData:
    first = chunks[0]
    areas = [c.ellipsoidal_m2 for c in chunks]
    return VectorData(
        geometries=np.concatenate([c.geometries for c in chunks]),
        attributes=[a for c in chunks for a in c.attributes],
        crs=first.crs,
        feature_ids=tuple(i for c in chunks for i in c.feature_ids),
        fields=first.fields,
        source=dict(first.source),
        ellipsoidal_m2=None if any(a is None for a in areas) else np.concatenate(areas),  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------
# districts


def _tiling(
    boundary: Any, count: int, seed: int, *, salt: int, points_per_km: float = 40.0
) -> tuple[GeomArray, FloatArray]:
    """``count`` polygons with smooth wiggly shared edges tiling ``boundary``."""
    shape = _check_boundary(boundary)
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(shape))
    rectangle = _is_rectangle(shape)
    wanted = count if rectangle else math.ceil(count * (x1 - x0) * (y1 - y0) / shape.area)
    nx, ny = _grid_for((x0, y0, x1, y1), math.ceil(wanted * _CELLS_PER_POLYGON))
    if nx * ny - wanted > ny * (nx - 1):
        ny = math.ceil(wanted / nx)
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
    per_edge = max(2, round(points_per_km * max(dx, dy) / 1000.0))
    grid = _Grid(x0, y0, dx, dy, nx, ny, seed, 0.2, 0.05, (per_edge, per_edge), harmonics=8, salt=salt)
    merges = _merges_per_row(nx, ny, wanted)
    parts = [_cell_row(grid, j, merges[j]) for j in range(ny)]
    geoms = np.concatenate([g for g, _ in parts])
    centres = np.concatenate([c for _, c in parts])
    if not rectangle:
        geoms, keep = _clip(geoms, shape)
        centres = centres[keep]
    return geoms, centres


def districts(
    boundary: Any = None,
    n: int = 5,
    *,
    seed: int = 0,
    epsg: int = DEFAULT_EPSG,
    prefix: str = "9901",
    points_per_km: float = 40.0,
) -> VectorData:
    """Return ``n`` district polygons tiling ``boundary``, with 6-digit codes.

    The districts are cells of a coarse jittered grid (runs merged to reach ``n``)
    whose shared edges are smooth random curves with about ``points_per_km``
    vertices per km, like administrative boundaries.

    Parameters
    ----------
    boundary
        The area to tile (default: :func:`default_boundary`).
    n
        Number of districts (exact on a rectangular boundary), at most 99.
    seed
        Seed of the random shapes.
    epsg
        EPSG code of ``boundary``.
    prefix
        The 4-digit code of the parent; district codes are ``prefix`` + ``01`` … .
    points_per_km
        Vertex density of the boundaries.

    Returns
    -------
    VectorData
        Fields XZQDM (code) and XZQMC (name); feature ids are the codes.

    Examples
    --------
    >>> d = districts(n=4, seed=3)
    >>> [a["XZQDM"] for a in d.attributes], round(float(shapely.area(d.geometries).sum()) / 1e6, 6)
    (['990101', '990102', '990103', '990104'], 2500.0)
    """
    _check_count("n", n)
    if n > 99:
        raise InvalidInputError("input.option_invalid", option="n", value=n, choices="1 … 99")
    geoms, _ = _tiling(boundary, n, seed, salt=20, points_per_km=points_per_km)
    codes = [f"{prefix}{i + 1:02d}" for i in range(len(geoms))]
    return VectorData(
        geometries=geoms,
        attributes=[{"XZQDM": c, "XZQMC": f"样例{i + 1}区"} for i, c in enumerate(codes)],
        crs=epsg,
        feature_ids=tuple(codes),
        fields=("XZQDM", "XZQMC"),
        source={"synthetic": "districts", "seed": seed},
    )


# ---------------------------------------------------------------------------
# a next version with a known change set


@dataclass(frozen=True)
class SyntheticChange:
    """Two versions of a layer and the change set that leads from one to the other.

    Attributes
    ----------
    before, after
        The versions. ``after`` lacks the deleted features, has the added ones,
        the reclassified ones with a new class, the shrunk ones cut in half (the
        same id), and the split ones as two halves with new ids (``…-1``,
        ``…-2``), the second reclassified.
    added, removed, attribute
        The expected change polygons: 调入 (the added features), 调出 (the
        deleted features and the cut-off halves) and 属性变更 (the reclassified
        features and halves).
    """

    before: VectorData
    after: VectorData
    added: GeomArray
    removed: GeomArray
    attribute: GeomArray


def _halves(geoms: GeomArray) -> tuple[GeomArray, GeomArray]:
    """West and east parts of each geometry, cut on the vertical through its centroid."""
    bounds = shapely.bounds(geoms)
    cx = shapely.get_x(shapely.centroid(geoms))
    west = shapely.intersection(geoms, shapely.box(bounds[:, 0] - 1, bounds[:, 1] - 1, cx, bounds[:, 3] + 1))
    east = shapely.intersection(geoms, shapely.box(cx, bounds[:, 1] - 1, bounds[:, 2] + 1, bounds[:, 3] + 1))
    return west, east


def _other_class(code: str, rng: np.random.Generator) -> str:
    choices = [c for c in SURVEY_CLASSES if c != code]
    return choices[int(rng.integers(len(choices)))]


def modify(layer: VectorData, *, fraction: float = 0.06, seed: int = 0, class_field: str = "DLBM") -> SyntheticChange:
    """Derive two versions of a layer and the change set between them.

    A ``fraction`` of the features changes: a quarter deleted, a fifth added (they
    are absent from ``before``), a quarter reclassified, and the rest shrunk or
    split, half each. Areas and TBMJ of new geometries are recomputed.

    Parameters
    ----------
    layer
        A layer with ``class_field`` (e.g. from :func:`survey`).
    fraction
        Share of the features that change (0 < fraction ≤ 1).
    seed
        Seed of the choices.
    class_field
        The attribute reclassified.

    Returns
    -------
    SyntheticChange
        Both versions and the expected change polygons.

    Examples
    --------
    >>> change = modify(survey(2_000, seed=3), fraction=0.1, seed=3)
    >>> len(change.before), len(change.after), len(change.added), len(change.removed) > 0
    (1960, 1980, 40, True)
    """
    if not 0 < fraction <= 1:
        raise InvalidInputError("input.option_invalid", option="fraction", value=fraction, choices="0 < fraction ≤ 1")
    rng = _rng(seed, 70)
    n = len(layer)
    chosen = rng.permutation(n)[: round(n * fraction)]
    k = chosen.size
    cuts = np.cumsum([round(k * 0.25), round(k * 0.2), round(k * 0.25), round(k * 0.15)])
    deleted, added, reclassified, shrunk, split = np.split(chosen, cuts)
    names = _class_names()
    geoms, attrs, ids = layer.geometries, layer.attributes, layer.feature_ids

    keep_before = np.ones(n, dtype=bool)
    keep_before[added] = False
    before = _subset(layer, np.flatnonzero(keep_before))

    west_s, east_s = _halves(geoms[shrunk])
    west_p, east_p = _halves(geoms[split])
    new_geoms = list(geoms)
    new_attrs = list(attrs)
    new_ids = list(ids)
    for i in reclassified.tolist():
        code = _other_class(attrs[i][class_field], rng)
        new_attrs[i] = {**attrs[i], class_field: code, "DLMC": names.get(code, code)}
    for i, part in zip(shrunk.tolist(), west_s, strict=True):
        new_geoms[i] = part
        new_attrs[i] = {**attrs[i], "TBMJ": round(float(ellipsoidal_area(part, layer.crs)), 2)}
    dropped = set(deleted.tolist()) | set(split.tolist())
    order = [i for i in range(n) if i not in dropped]
    extra_geoms: list[Any] = []
    extra_attrs: list[dict[str, Any]] = []
    extra_ids: list[str] = []
    for i, first, second in zip(split.tolist(), west_p, east_p, strict=True):
        code = _other_class(attrs[i][class_field], rng)
        extra_geoms += [first, second]
        extra_attrs += [
            {**attrs[i], "TBMJ": round(float(ellipsoidal_area(first, layer.crs)), 2)},
            {
                **attrs[i],
                class_field: code,
                "DLMC": names.get(code, code),
                "TBMJ": round(float(ellipsoidal_area(second, layer.crs)), 2),
            },
        ]
        extra_ids += [f"{ids[i]}-1", f"{ids[i]}-2"]
    after = VectorData(
        geometries=_objects([new_geoms[i] for i in order] + extra_geoms),
        attributes=[new_attrs[i] for i in order] + extra_attrs,
        crs=layer.crs,
        feature_ids=tuple(new_ids[i] for i in order) + tuple(extra_ids),
        fields=layer.fields,
        source={**layer.source, "modified": seed},
    )
    return SyntheticChange(
        before=before,
        after=after,
        added=geoms[added],
        removed=np.concatenate([geoms[deleted], east_s]),
        attribute=np.concatenate([geoms[reclassified], east_p]),
    )


def _objects(items: Sequence[Any]) -> GeomArray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _subset(layer: VectorData, positions: IntArray) -> VectorData:
    return VectorData(
        geometries=layer.geometries[positions],
        attributes=[layer.attributes[i] for i in positions.tolist()],
        crs=layer.crs,
        feature_ids=tuple(layer.feature_ids[i] for i in positions.tolist()),
        fields=layer.fields,
        field_aliases=dict(layer.field_aliases),
        source=dict(layer.source),
        ellipsoidal_m2=None if layer.ellipsoidal_m2 is None else layer.ellipsoidal_m2[positions],
    )


# ---------------------------------------------------------------------------
# control lines, planning zones, parcels


def _survey_codes(layer: VectorData, class_field: str) -> npt.NDArray[np.str_]:
    return np.array([str(a.get(class_field, "")) for a in layer.attributes])


def _components(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    """4-connected components of a small boolean grid: a label per cell (-1 outside)."""
    label = np.full(mask.shape, -1, dtype=np.intp)
    count = 0
    for start in zip(*np.nonzero(mask), strict=True):
        if label[start] >= 0:
            continue
        stack = [start]
        label[start] = count
        while stack:
            r, c = stack.pop()
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < mask.shape[0] and 0 <= nc < mask.shape[1] and mask[nr, nc] and label[nr, nc] < 0:
                    label[nr, nc] = count
                    stack.append((nr, nc))
        count += 1
    return label


@dataclass(frozen=True)
class _Blocks:
    """Survey polygons binned into square blocks, with class shares per block."""

    index: IntArray  # block of each polygon (row * nx + col)
    nx: int
    ny: int
    share: dict[str, FloatArray]  # name → (ny, nx) area share of a class group

    @classmethod
    def build(cls, geoms: GeomArray, codes: npt.NDArray[np.str_], size: float) -> _Blocks:
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        nx, ny = max(1, math.ceil((x1 - x0) / size)), max(1, math.ceil((y1 - y0) / size))
        points = shapely.get_coordinates(shapely.point_on_surface(geoms))
        col = np.clip(((points[:, 0] - x0) // size).astype(np.intp), 0, nx - 1)
        row = np.clip(((points[:, 1] - y0) // size).astype(np.intp), 0, ny - 1)
        index = row * nx + col
        area = shapely.area(geoms)
        total = np.bincount(index, weights=area, minlength=nx * ny)
        share = {}
        for name, group in (("built", _BUILT), ("natural", _NATURAL), ("cultivated", _CULTIVATED)):
            part = np.bincount(index, weights=area * np.isin(codes, list(group)), minlength=nx * ny)
            share[name] = (part / np.where(total > 0, total, 1.0)).reshape(ny, nx)
        return cls(index, nx, ny, share)


def _clip_to_layer(geom: Any, geoms: GeomArray, tree: Any) -> Any:
    """``geom`` clipped to the survey polygons it meets (so it stays inside the boundary)."""
    near = tree.query(geom, predicate="intersects")
    return shapely.intersection(geom, shapely.coverage_union_all(geoms[near])) if near.size else geom


def _udb(layer: VectorData, codes: npt.NDArray[np.str_], blocks: _Blocks, tree: Any) -> list[Any]:
    labels = _components(blocks.share["built"] >= 0.25)
    built = np.isin(codes, list(_BUILT))
    points = shapely.point_on_surface(layer.geometries)
    shapes = []
    for component in range(int(labels.max()) + 1):
        cells = np.flatnonzero(labels.ravel() == component)
        members = np.flatnonzero(built & np.isin(blocks.index, cells))
        if members.size < 3:
            continue
        hull = shapely.concave_hull(shapely.multipoints(points[members]), ratio=0.4)
        shape = shapely.simplify(shapely.buffer(hull, 150.0, quad_segs=4), 10.0)
        shape = _clip_to_layer(shape, layer.geometries, tree)
        if not shapely.is_empty(shape) and shapely.area(shape) > 0:
            shapes.append(shapely.make_valid(shape))
    return shapes


def _polygonal(geom: Any) -> Any:
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    return shapely.multipolygons(shapely.get_parts(parts[np.isin(shapely.get_type_id(parts), (3, 6))]))


def _layer(
    geoms: Sequence[Any] | GeomArray,
    attributes: list[dict[str, Any]],
    fields: tuple[str, ...],
    epsg: int,
    prefix: str,
    kind: str,
    area_field: str,
) -> VectorData:
    array = _objects(list(geoms))
    areas = np.round(ellipsoidal_area(array, epsg), 2) if array.size else np.zeros(0)
    for attrs, area in zip(attributes, areas.tolist(), strict=True):
        attrs[area_field] = area
    return VectorData(
        geometries=array,
        attributes=attributes,
        crs=epsg,
        feature_ids=tuple(f"{prefix}{i + 1:08d}" for i in range(array.size)),
        fields=fields,
        source={"synthetic": kind},
        ellipsoidal_m2=areas.astype(np.float64),
    )


def control_lines(
    survey: VectorData, seed: int = 0, *, block_m: float = 1_000.0, class_field: str = "DLBM"
) -> dict[str, VectorData]:
    """Derive the control lines of a synthetic one map from its survey layer.

    * ``urban_development_boundary`` (城镇开发边界): a smooth hull around each
      cluster of built-up blocks (≥ 25 % 05H1/0601/0701), 150 m wide of it;
    * ``ecological_red_line`` (生态保护红线): the forest, grass and water polygons
      of the clusters of natural blocks (≥ 60 %), outside the 城镇开发边界;
    * ``permanent_basic_farmland`` (永久基本农田): cultivated polygons (0101–0103)
      outside the 城镇开发边界 in 85 % of the blocks, one 保护图斑 each;
    * ``historic_protection_line`` (历史文化保护线): a few 1–10 ha polygons inside
      the 城镇开发边界.

    The three control lines do not overlap (三线不交叉).

    Parameters
    ----------
    survey
        A survey layer such as :func:`survey` gives (with ``class_field``).
    seed
        Seed of the random choices.
    block_m
        Size of the blocks in which class shares are measured.
    class_field
        The survey's land-use code field.

    Returns
    -------
    dict of str to VectorData
        The four layers, keyed by their layer kind id (``guotu.domain.layers``).

    Examples
    --------
    >>> lines = control_lines(survey(5_000, seed=4), seed=4)
    >>> sorted(lines)
    ['ecological_red_line', 'historic_protection_line', 'permanent_basic_farmland', 'urban_development_boundary']
    >>> udb = shapely.union_all(lines["urban_development_boundary"].geometries)
    >>> bool(shapely.intersection(udb, shapely.union_all(lines["permanent_basic_farmland"].geometries)).area < 1e-6)
    True
    """
    rng = _rng(seed, 80)
    geoms, epsg = survey.geometries, survey.crs
    codes = _survey_codes(survey, class_field)
    blocks = _Blocks.build(geoms, codes, block_m)
    tree = shapely.STRtree(geoms)
    udb_shapes = _udb(survey, codes, blocks, tree)
    udb_union = shapely.union_all(udb_shapes) if udb_shapes else shapely.Polygon()
    shapely.prepare(udb_union)
    red = _red_line(survey, codes, blocks, udb_union)
    farmland = _farmland(survey, codes, blocks, udb_union, rng)
    history = _history(udb_shapes, rng)
    county = _COUNTY
    names = _class_names()
    return {
        "urban_development_boundary": _layer(
            udb_shapes,
            [{"XZQDM": county, "GHFQDM": "04", "GHFQMC": "城镇集中建设区"} for _ in udb_shapes],
            ("XZQDM", "GHFQDM", "GHFQMC", "MJ"),
            epsg,
            f"{county}0001",
            "urban_development_boundary",
            "MJ",
        ),
        "ecological_red_line": _layer(
            red,
            [{"XZQDM": county, "LHLX": "生态保护红线"} for _ in red],
            ("XZQDM", "LHLX", "MJ"),
            epsg,
            f"{county}0002",
            "ecological_red_line",
            "MJ",
        ),
        "permanent_basic_farmland": _layer(
            geoms[farmland],
            [
                {
                    "YJJBNTTBBH": str(i + 1),
                    "DLBM": codes[j],
                    "DLMC": names.get(str(codes[j]), ""),
                    "ZLDWDM": survey.attributes[j].get("ZLDWDM", ""),
                }
                for i, j in enumerate(farmland.tolist())
            ],
            ("YJJBNTTBBH", "DLBM", "DLMC", "ZLDWDM", "YJJBNTMJ"),
            epsg,
            f"{county}0003",
            "permanent_basic_farmland",
            "YJJBNTMJ",
        ),
        "historic_protection_line": _layer(
            history,
            [{"MC": f"样例历史文化街区{i + 1}", "LX": "历史文化街区"} for i in range(len(history))],
            ("MC", "LX", "MJ"),
            epsg,
            f"{county}0004",
            "historic_protection_line",
            "MJ",
        ),
    }


def _red_line(survey: VectorData, codes: npt.NDArray[np.str_], blocks: _Blocks, udb: Any) -> list[Any]:
    labels = _components(blocks.share["natural"] >= 0.6)
    natural = np.isin(codes, list(_NATURAL))
    shapes = []
    for component in range(int(labels.max()) + 1):
        cells = np.flatnonzero(labels.ravel() == component)
        members = np.flatnonzero(natural & np.isin(blocks.index, cells))
        if members.size < 5:
            continue
        shape = _polygonal(shapely.difference(shapely.union_all(survey.geometries[members]), udb))
        if not shapely.is_empty(shape) and shapely.area(shape) > 1e4:
            shapes.append(shape)
    return shapes


def _farmland(
    survey: VectorData, codes: npt.NDArray[np.str_], blocks: _Blocks, udb: Any, rng: np.random.Generator
) -> IntArray:
    chosen_blocks = rng.random(blocks.nx * blocks.ny) < 0.85
    candidates = np.flatnonzero(np.isin(codes, list(_CULTIVATED)) & chosen_blocks[blocks.index])
    if shapely.is_empty(udb):
        return candidates
    outside: IntArray = candidates[~shapely.intersects(udb, survey.geometries[candidates])]
    return outside


def _rectangle(cx: float, cy: float, width: float, height: float, degrees: float) -> shapely.Polygon:
    """Return a ``width × height`` rectangle centred on (cx, cy), turned by ``degrees``."""
    angle = math.radians(degrees)
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [width / 2, height / 2]
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return shapely.Polygon(corners @ rotation.T + [cx, cy])


def _history(udb_shapes: Sequence[Any], rng: np.random.Generator) -> list[Any]:
    shapes: list[Any] = []
    for udb in udb_shapes:
        x0, y0, x1, y1 = shapely.bounds(udb)
        for _ in range(int(rng.integers(1, 4))):
            side = math.sqrt(rng.uniform(1e4, 1e5))  # 1–10 公顷
            for _attempt in range(20):
                cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
                candidate = _rectangle(cx, cy, side, side, float(rng.uniform(-30, 30)))
                if shapely.contains(udb, candidate) and not any(shapely.intersects(candidate, s) for s in shapes):
                    shapes.append(candidate)
                    break
    return shapes


def planning_zones(
    survey: VectorData,
    lines: dict[str, VectorData] | None = None,
    *,
    seed: int = 0,
    block_m: float = 5_000.0,
    class_field: str = "DLBM",
) -> VectorData:
    """Tile the survey's extent with level-1 规划分区, consistent with the control lines.

    城镇发展区 (04) is the 城镇开发边界 and 生态保护区 (01) the 生态保护红线; the rest
    of each survey polygon goes by its land use: cultivated land to 农田保护区
    (03), forest, grass and water to 生态控制区 (02), a disc of a few km² to
    矿产能源发展区 (07), the rest to 乡村发展区 (05); those parts are merged per
    class in blocks of ``block_m``. GHFQDM codes are illustrative (see
    :data:`GHFQ_CODES`).

    Parameters
    ----------
    survey
        The survey layer.
    lines
        Its control lines (default: :func:`control_lines` with ``seed``).
    seed
        Seed of the random choices.
    block_m
        Size of the blocks in which zone parts are merged.
    class_field
        The survey's land-use code field.

    Returns
    -------
    VectorData
        Zones with GHFQDM, GHFQMC and MJ (ellipsoidal m²), tiling the survey.

    Examples
    --------
    >>> layer = survey(5_000, seed=2)
    >>> zones = planning_zones(layer, seed=2)
    >>> sorted({a["GHFQDM"] for a in zones.attributes}) <= sorted(GHFQ_CODES)
    True
    >>> round(float(shapely.area(zones.geometries).sum()) / 1e6, 3)
    2500.0
    """
    lines = lines if lines is not None else control_lines(survey, seed, class_field=class_field)
    rng = _rng(seed, 81)
    geoms = survey.geometries
    codes = _survey_codes(survey, class_field)
    udb = list(lines["urban_development_boundary"].geometries)
    red = list(lines["ecological_red_line"].geometries)
    taken = shapely.union_all(udb + red) if udb or red else shapely.Polygon()
    zone = np.full(geoms.size, "05", dtype="<U2")
    zone[np.isin(codes, list(_CULTIVATED))] = "03"
    zone[np.isin(codes, list(_NATURAL))] = "02"
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    mine = shapely.buffer(
        shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1)), 0.04 * math.sqrt((x1 - x0) * (y1 - y0))
    )
    points = shapely.point_on_surface(geoms)
    zone[shapely.contains(mine, points)] = "07"
    blocks = _Blocks.build(geoms, codes, block_m)
    pieces: list[Any] = []
    attrs: list[dict[str, Any]] = []
    for code, shapes in (("04", udb), ("01", red)):
        for shape in shapes:
            pieces.append(shape)
            attrs.append({"GHFQDM": code, "GHFQMC": GHFQ_CODES[code]})
    key = np.char.add(zone, np.char.zfill(blocks.index.astype(str), 6))
    for group in np.unique(key).tolist():
        members = np.flatnonzero(key == group)
        shape = _polygonal(shapely.difference(shapely.coverage_union_all(geoms[members]), taken))
        if not shapely.is_empty(shape) and shapely.area(shape) > 0:
            pieces.append(shape)
            attrs.append({"GHFQDM": group[:2], "GHFQMC": GHFQ_CODES[group[:2]]})
    return _layer(pieces, attrs, ("GHFQDM", "GHFQMC", "MJ"), survey.crs, f"{_COUNTY}0005", "planning_zones", "MJ")


def _place(area_shape: Any, placed: list[Any], count: int, rng: np.random.Generator) -> list[Any]:
    """Random turned rectangles inside ``area_shape`` that overlap neither each other nor ``placed``."""
    x0, y0, x1, y1 = shapely.bounds(area_shape)
    area = np.exp(rng.uniform(math.log(5_200), math.log(195_000), count))
    width = np.sqrt(area * rng.uniform(1.0, 2.5, count))
    centres = np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])
    angles = rng.uniform(-30, 30, count)
    candidates = _objects(
        [
            _rectangle(cx, cy, w, a / w, t)
            for (cx, cy), w, a, t in zip(centres.tolist(), width.tolist(), area.tolist(), angles.tolist(), strict=True)
        ]
    )
    candidates = candidates[shapely.contains(area_shape, candidates)]
    if placed:
        clash, _ = shapely.STRtree(_objects(placed)).query(candidates, predicate="intersects")
        candidates = np.delete(candidates, np.unique(clash))
    left, right = shapely.STRtree(candidates).query(candidates, predicate="intersects")
    neighbours: dict[int, list[int]] = {}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            neighbours.setdefault(i, []).append(j)
    taken = np.zeros(candidates.size, dtype=bool)
    for i in range(candidates.size):  # greedy, in random order: first come, first placed
        if not any(taken[j] for j in neighbours.get(i, ())):
            taken[i] = True
    return list(candidates[taken])


_PARCEL_USES: Final = (("0701", 45), ("0901", 15), ("1001", 25), ("1101", 5), ("0804", 5), ("1401", 5))


def parcels(
    n: int,
    seed: int = 0,
    *,
    boundary: Any = None,
    epsg: int = DEFAULT_EPSG,
    within: Any = None,
) -> VectorData:
    """Return ``n`` non-overlapping land parcels (宗地) of 0.5–20 公顷.

    Parcels are turned rectangles (aspect 1–2.5, ±30°) with log-uniform areas,
    placed at random inside ``within`` (say, the 城镇开发边界) or the boundary.

    Parameters
    ----------
    n
        Number of parcels (fewer when the area is too full to place them).
    seed
        Seed of the random choices.
    boundary, epsg
        The area and its CRS (default: :func:`default_boundary`, EPSG:4527).
    within
        Where the parcels must lie (default: the boundary).

    Returns
    -------
    VectorData
        Fields ZDDM (宗地代码), TDYT (用途, 用地用海分类 2023), GYFS (供应方式), RJL
        (容积率) and MJ (ellipsoidal m²).

    Examples
    --------
    >>> lots = parcels(50, seed=1)
    >>> areas = [a["MJ"] for a in lots.attributes]
    >>> len(lots), 5_000 <= min(areas), max(areas) <= 200_000
    (50, True, True)
    """
    _check_count("n", n)
    area_shape = within if within is not None else _check_boundary(boundary)
    shapely.prepare(area_shape)
    rng = _rng(seed, 60)
    placed: list[Any] = []
    for _ in range(8):  # batches of candidates until n fit
        if len(placed) >= n:
            break
        placed += _place(area_shape, placed, 4 * (n - len(placed)) + 16, rng)
    placed = placed[:n]
    uses = _draw(_PARCEL_USES, len(placed), rng)
    attrs = [
        {
            "ZDDM": f"{_COUNTY}{i + 1:06d}",
            "TDYT": str(use),
            "GYFS": "划拨" if use in ("0804", "1401") else "出让",
            "RJL": round(float(rng.uniform(0.8, 3.5)), 1) if use != "1401" else 0.0,
        }
        for i, use in enumerate(uses.tolist())
    ]
    return _layer(placed, attrs, ("ZDDM", "TDYT", "GYFS", "RJL", "MJ"), epsg, f"{_COUNTY}0006", "parcels", "MJ")
