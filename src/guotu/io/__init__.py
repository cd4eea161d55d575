"""Vector files in and out: read uploads safely, write exports (RELIABILITY.md §5).

:func:`read_vector` reads one layer of a shapefile (``.shp``, folder or zip),
GeoPackage, GeoJSON, FileGDB or GeoParquet into a :class:`~guotu.geo.vector.VectorData`,
treating the file as hostile; :func:`list_layers` lists an upload's layers so a
person can pick; :func:`write_vector` writes a layer in any of those formats.
:func:`guotu.geo.quality.check_layer` then checks what was read.

Examples
--------
A Chinese field name longer than a DBF allows survives a shapefile round trip
through the alias table:

>>> import shutil, tempfile, pathlib
>>> import numpy as np, shapely
>>> from guotu.geo.vector import VectorData
>>> square = shapely.MultiPolygon([shapely.box(39_500_000, 4_400_000, 39_500_100, 4_400_100)])
>>> layer = VectorData(np.array([square]), [{"地类编码": "0101"}], 4527, ("1",), ("地类编码",))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_vector(layer, folder / "地块.shp").name
'地块.shp'
>>> sorted(p.name for p in folder.iterdir())
['地块.aliases.csv', '地块.cpg', '地块.dbf', '地块.prj', '地块.shp', '地块.shx']
>>> back = read_vector(folder / "地块.shp")
>>> back.crs, back.attributes, back.field_aliases
(4527, [{'地类编码': '0101'}], {'地类编': '地类编码'})
>>> shutil.rmtree(folder)
"""

from guotu.io._limits import VectorLimits
from guotu.io.vector_read import list_layers, read_vector
from guotu.io.vector_write import write_vector

__all__ = ["VectorLimits", "list_layers", "read_vector", "write_vector"]
