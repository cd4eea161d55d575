"""Vector data in memory: the shape every import produces and every store reads back.

Geometries are a numpy array of shapely 2 objects in one CGCS2000 CRS; attributes
are one dict per feature, with field names as the source file had them (decoded).
Areas, when present, are per-feature square metres (planar in the Gauss-Krüger
plane, and the official ellipsoidal area, DOMAIN.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["VectorData"]


@dataclass(frozen=True)
class VectorData:
    """A layer's features, columnar.

    Parameters
    ----------
    geometries
        Shapely geometries (Polygon/MultiPolygon for area layers), one per feature.
    attributes
        One dict per feature, keyed by field name.
    crs
        EPSG code of the geometries (4490 or a Gauss-Krüger code 4491–4554).
    feature_ids
        A stable identifier per feature (标识码 BSM or a generated key), used to
        match features across versions. Unique within the layer.
    fields
        Field names in their original order.
    field_aliases
        Original (e.g. Chinese) field name for each stored field name, when a
        format forced a rename (shapefile's 10-byte limit).
    source
        Provenance: path, name, format, layer, encoding, sha256, feature count.
    planar_m2, ellipsoidal_m2
        Per-feature areas, when computed.
    """

    geometries: npt.NDArray[np.object_]
    attributes: list[dict[str, Any]]
    crs: int
    feature_ids: tuple[str, ...]
    fields: tuple[str, ...] = ()
    field_aliases: dict[str, str] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    planar_m2: npt.NDArray[np.float64] | None = None
    ellipsoidal_m2: npt.NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        n = len(self.geometries)
        if len(self.attributes) != n or len(self.feature_ids) != n:
            raise ValueError("geometries, attributes and feature_ids must have the same length")
        if len(set(self.feature_ids)) != n:
            raise ValueError("feature_ids must be unique")

    def __len__(self) -> int:
        return len(self.geometries)
