"""Spill a layer that arrives in chunks to a GeoParquet folder (one file per chunk), for the distributed jobs.

Each chunk is written with guotu's own GeoParquet export
(:func:`guotu.io.vector_write.write_vector`: WKB, GeoParquet 1.1 metadata, the CRS as
PROJJSON), so the folder is read by :func:`guotu.scale.inputs.open_geoparquet`, by
``dask-geopandas`` and by any GeoParquet reader. The feature ids go into a column
(``BSM`` by default) so versions can be diffed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from guotu.errors import InvalidInputError
from guotu.geo.vector import VectorData
from guotu.io.vector_write import write_vector

__all__ = ["spill_geoparquet"]


def spill_geoparquet(chunks: Iterable[VectorData], folder: str | Path, *, id_field: str | None = "BSM") -> list[Path]:
    """Write each chunk to ``folder/part-NNNNN.parquet``; return the files written.

    Parameters
    ----------
    chunks
        Pieces of one layer (e.g. :func:`guotu.geo.synthetic.survey_chunks`), held one at a time.
    folder
        A new or empty folder.
    id_field
        Column that receives the feature ids (None: not written).

    Raises
    ------
    InvalidInputError
        ``scale.output_not_empty`` when the folder already holds Parquet files.
    """
    target = Path(folder)
    if target.exists() and any(target.glob("*.parquet")):
        raise InvalidInputError("scale.output_not_empty", path=str(target))
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for number, chunk in enumerate(chunks):
        data = chunk
        if id_field is not None and id_field not in chunk.fields:
            attributes = [{id_field: i, **a} for i, a in zip(chunk.feature_ids, chunk.attributes, strict=True)]
            data = dataclasses.replace(chunk, attributes=attributes, fields=(id_field, *chunk.fields))
        written.append(write_vector(data, target / f"part-{number:05d}.parquet"))
    return written
