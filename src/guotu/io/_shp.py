"""The .shp and .shx files of a shapefile, checked before GDAL reads a geometry.

The index (.shx) gives every record's offset and length. From it this module
checks that the .shp is as long as its records need (a truncated upload), that every
record holds the points it claims, and counts the vertices of every record, so that
the vertex caps hold before a single geometry is built (RELIABILITY.md §5.1).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from guotu.errors import InvalidInputError

__all__ = ["AREA_TYPES", "SHAPE_TYPE_NAMES", "ShapeIndex", "read_index"]

_FILE_CODE: Final = 9994
_VERSION: Final = 1000
_HEADER_SIZE: Final = 100
_RECORD_HEADER: Final = 8

#: Shape types of the ESRI specification.
SHAPE_TYPE_NAMES: Final = {
    0: "Null",
    1: "Point",
    3: "PolyLine",
    5: "Polygon",
    8: "MultiPoint",
    11: "PointZ",
    13: "PolyLineZ",
    15: "PolygonZ",
    18: "MultiPointZ",
    21: "PointM",
    23: "PolyLineM",
    25: "PolygonM",
    28: "MultiPointM",
    31: "MultiPatch",
}
#: Shape types an area layer accepts (Null: a layer of empty shapes, reported by the checks).
AREA_TYPES: Final = frozenset({0, 5, 15, 25})
_PARTS_TYPES: Final = frozenset({3, 5, 13, 15, 23, 25, 31})
_MULTIPOINT_TYPES: Final = frozenset({8, 18, 28})
_POINT_TYPES: Final = frozenset({1, 11, 21})


@dataclass(frozen=True)
class ShapeIndex:
    """What the index says: the layer's shape type and each record's vertex count."""

    shape_type: int
    vertices: npt.NDArray[np.int64]

    @property
    def n_records(self) -> int:
        """Number of records in the index."""
        return len(self.vertices)


def _corrupt(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.shapefile_corrupt", path=path.name, reason=reason)


def _header(path: Path) -> tuple[int, int, int]:
    """Return (declared length in bytes, actual size, shape type) of a .shp or .shx."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEADER_SIZE)
    if len(head) < _HEADER_SIZE:
        raise _corrupt(path, "the file is shorter than its 100-byte header")
    code, length_words = struct.unpack(">i20xi", head[:28])
    version, shape_type = struct.unpack("<ii", head[28:36])
    if code != _FILE_CODE or version != _VERSION:
        raise _corrupt(path, "not a shapefile (bad file code or version)")
    if shape_type not in SHAPE_TYPE_NAMES:
        raise _corrupt(path, f"unknown shape type {shape_type}")
    return 2 * length_words, size, shape_type


def read_index(shp: Path, shx: Path) -> ShapeIndex:
    """Check a .shp against its .shx and count each record's vertices.

    Raises
    ------
    InvalidInputError
        ``vector.shapefile_corrupt`` for a bad header, a truncated .shp or .shx, a
        record beyond the end of the .shp, or a record shorter than its point count.
    """
    declared, size, shape_type = _header(shp)
    if size < declared:
        raise _corrupt(shp, f"truncated: {size} bytes of the {declared} its header declares")
    _, shx_size, shx_type = _header(shx)
    if shx_type != shape_type:
        raise _corrupt(shx, f"shape type {shx_type} in the .shx, {shape_type} in the .shp")
    if (shx_size - _HEADER_SIZE) % 8:
        raise _corrupt(shx, "the index is not a whole number of 8-byte records")
    index = np.fromfile(shx, dtype=">i4", offset=_HEADER_SIZE).astype(np.int64).reshape(-1, 2)
    offsets = 2 * index[:, 0]
    lengths = 2 * index[:, 1]
    n = len(index)
    if n == 0:
        return ShapeIndex(shape_type, np.zeros(0, dtype=np.int64))
    if (offsets < _HEADER_SIZE).any() or (lengths < 4).any():
        bad = int(np.flatnonzero((offsets < _HEADER_SIZE) | (lengths < 4))[0])
        raise _corrupt(shx, f"record {bad} has an impossible offset or length")
    ends = offsets + _RECORD_HEADER + lengths
    if ends.max() > size:
        bad = int(np.flatnonzero(ends > size)[0])
        raise _corrupt(shp, f"truncated: record {bad} ends beyond the end of the file")
    data: npt.NDArray[np.uint8] = np.memmap(shp, dtype=np.uint8, mode="r")
    content = offsets + _RECORD_HEADER
    types = _read_ints(data, content)
    vertices = np.zeros(n, dtype=np.int64)
    parts_rows = np.isin(types, list(_PARTS_TYPES))
    multi_rows = np.isin(types, list(_MULTIPOINT_TYPES))
    point_rows = np.isin(types, list(_POINT_TYPES))
    if parts_rows.any():
        short = parts_rows & (lengths < 44)
        if short.any():
            raise _corrupt(shp, f"record {int(np.flatnonzero(short)[0])} is truncated")
        n_parts = _read_ints(data, content[parts_rows] + 36)
        n_points = _read_ints(data, content[parts_rows] + 40)
        needed = 44 + 4 * n_parts + 16 * n_points
        bad_rows = (n_parts < 0) | (n_points < 0) | (needed > lengths[parts_rows])
        if bad_rows.any():
            record = int(np.flatnonzero(parts_rows)[np.flatnonzero(bad_rows)[0]])
            raise _corrupt(shp, f"record {record} holds fewer points than it declares")
        vertices[parts_rows] = n_points
    if multi_rows.any():
        n_points = _read_ints(data, content[multi_rows] + 36)
        if ((n_points < 0) | (40 + 16 * n_points > lengths[multi_rows])).any():
            raise _corrupt(shp, "a multipoint record holds fewer points than it declares")
        vertices[multi_rows] = n_points
    vertices[point_rows] = 1
    del data  # release the mapping now, not at garbage collection
    return ShapeIndex(shape_type, vertices)


def _read_ints(data: npt.NDArray[np.uint8], at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Little-endian int32 at each byte position of ``at``."""
    if (at + 4 > len(data)).any():
        raise InvalidInputError("vector.shapefile_corrupt", path="", reason="a record lies beyond the end of the file")
    window = data[at[:, None] + np.arange(4)]
    values: npt.NDArray[np.int64] = window.copy().view("<i4").ravel().astype(np.int64)
    return values
