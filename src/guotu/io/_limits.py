"""Caps on what reading one upload may consume (RELIABILITY.md R-36 (5), §5.1, §5.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guotu.errors import InvalidInputError

__all__ = ["VectorLimits", "check_counts", "limit_error"]


@dataclass(frozen=True)
class VectorLimits:
    """Caps on what one read may consume (RELIABILITY.md R-36 (5), §5.1, §5.4).

    Attributes
    ----------
    max_bytes
        Size of the input (a file, a folder, or a zip as uploaded).
    max_features
        Features in the layer.
    max_vertices_per_feature, max_vertices
        Vertices of one feature, and of the whole layer.
    max_archive_entries, max_archive_bytes
        Entries of a zip and their declared uncompressed size in total.
    max_compression_ratio, ratio_floor_bytes
        Largest inflation ratio of a zip entry bigger than ``ratio_floor_bytes``.
    """

    max_bytes: int = 1 << 30
    max_features: int = 2_000_000
    max_vertices_per_feature: int = 1_000_000
    max_vertices: int = 20_000_000
    max_archive_entries: int = 1000
    max_archive_bytes: int = 2 << 30
    max_compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 << 20


def limit_error(what: str, value: int | float, limit: int | float) -> InvalidInputError:
    """Return the ``vector.limit`` error for ``what``."""
    return InvalidInputError("vector.limit", what=what, value=value, limit=limit)


def check_counts(n_features: int, vertices: npt.NDArray[np.int64], limits: VectorLimits) -> None:
    """Refuse too many features, or too many vertices in one feature or in all.

    Raises
    ------
    InvalidInputError
        ``vector.limit``.
    """
    if n_features > limits.max_features:
        raise limit_error("features", n_features, limits.max_features)
    if len(vertices) and int(vertices.max()) > limits.max_vertices_per_feature:
        raise limit_error("vertices per feature", int(vertices.max()), limits.max_vertices_per_feature)
    total = int(vertices.sum())
    if total > limits.max_vertices:
        raise limit_error("vertices", total, limits.max_vertices)
