"""The canonical form of a layer version's content, and its hashes.

Every backend stores exactly these bytes, so hashes and read-back WKB are the same
whichever store holds the data.

* **Geometry**: ``shapely.normalize`` (rings oriented and started at a fixed vertex,
  parts and holes sorted), then little-endian WKB (Z kept when present, no SRID).
  Reversing a ring therefore does not change the stored bytes or the hash.
* **Attributes**: JSON with sorted keys, no spaces, UTF-8 (``ensure_ascii=False``).
  ``Decimal`` is written as its string (``"12.50"``: the digits as given), dates,
  datetimes and times as ISO 8601 strings; they read back as strings. NaN and ±Inf
  floats are kept (as ``NaN``/``Infinity``), numpy scalars become Python numbers.
* **Feature hash**: SHA-256 over three length-prefixed parts (8-byte big-endian
  length, then the bytes): the feature id (UTF-8), the WKB, the attribute JSON.
* **Content hash**: SHA-256 over the feature hashes (hex) sorted and concatenated:
  it depends on the set of features, not on their order.

Examples
--------
>>> canonical_json({"名称": "城区", "DM": "0701", "MJ": Decimal("12.50")})
'{"DM":"0701","MJ":"12.50","名称":"城区"}'
>>> a = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 0)])
>>> normalized_wkb([a]) == normalized_wkb([a.reverse()])
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from guotu.errors import GeometryError, InvalidInputError
from guotu.geo.area import ellipsoidal_area, planar_area
from guotu.geo.vector import VectorData

__all__ = [
    "PreparedVersion",
    "canonical_json",
    "content_hash",
    "decode_attributes",
    "feature_hash",
    "normalized_wkb",
    "prepare_version",
]

FloatArray = npt.NDArray[np.float64]

_POLYGONAL: Final = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_MAX_ID_LENGTH: Final = 1000


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a storable attribute value")


_ENCODER: Final = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def canonical_json(value: Any) -> str:
    """Return the canonical JSON text of ``value`` (sorted keys, no spaces, UTF-8 text).

    Raises
    ------
    TypeError, ValueError
        For values that have no JSON form (bytes, sets, objects, non-str keys).
    """
    return _ENCODER.encode(value)


def feature_hash(feature_id: str, wkb: bytes, attributes_json: str) -> str:
    """Return the hex SHA-256 of one feature's canonical form.

    Examples
    --------
    >>> len(feature_hash("1", bytes([1]), "{}"))
    64
    """
    fid = feature_id.encode("utf-8")
    attributes = attributes_json.encode("utf-8")
    return hashlib.sha256(b"".join((_length(fid), fid, _length(wkb), wkb, _length(attributes), attributes))).hexdigest()


def _length(part: bytes) -> bytes:
    return len(part).to_bytes(8, "big")


def content_hash(feature_hashes: Iterable[str]) -> str:
    """Return the hex SHA-256 over the sorted feature hashes (a version's content hash).

    Examples
    --------
    >>> content_hash(["b" * 64, "a" * 64]) == content_hash(["a" * 64, "b" * 64])
    True
    """
    return hashlib.sha256("".join(sorted(feature_hashes)).encode("ascii")).hexdigest()


def normalized_wkb(geometries: Any) -> list[bytes]:
    """Return the canonical WKB of each geometry (normalised, little-endian, no SRID)."""
    normal = shapely.normalize(np.asarray(geometries, dtype=object))
    return list(shapely.to_wkb(normal, byte_order=1, include_srid=False))


@dataclass(frozen=True)
class PreparedVersion:
    """A version's rows, computed before any write (so the write transaction stays short)."""

    feature_ids: tuple[str, ...]
    geometries: npt.NDArray[np.object_]  # normalised
    wkb: list[bytes]
    attributes: list[str]  # canonical JSON
    planar_m2: FloatArray
    ellipsoidal_m2: FloatArray
    bounds: FloatArray  # (n, 4): minx, miny, maxx, maxy
    hashes: list[str]
    content_hash: str
    fields: tuple[str, ...]
    crs: int

    @property
    def area_m2(self) -> float:
        """Sum of the ellipsoidal areas."""
        return float(self.ellipsoidal_m2.sum()) if len(self.ellipsoidal_m2) else 0.0

    def __len__(self) -> int:
        return len(self.feature_ids)


def _check_ids(feature_ids: Sequence[Any]) -> None:
    for index, fid in enumerate(feature_ids):
        reason = None
        if not isinstance(fid, str):
            reason = f"not text: {type(fid).__name__}"
        elif not fid:
            reason = "empty"
        elif len(fid) > _MAX_ID_LENGTH:
            reason = f"longer than {_MAX_ID_LENGTH} characters"
        elif "\x00" in fid:
            reason = "contains a NUL character"
        if reason is not None:
            raise InvalidInputError("version.feature_id_invalid", index=index, reason=reason)


def _check_geometries(geometries: npt.NDArray[np.object_]) -> FloatArray:
    missing = np.flatnonzero(shapely.is_missing(geometries))
    if missing.size:
        raise GeometryError("geometry.empty", index=int(missing[0]))
    empty = np.flatnonzero(shapely.is_empty(geometries))
    if empty.size:
        raise GeometryError("geometry.empty", index=int(empty[0]))
    bounds: FloatArray = np.asarray(shapely.bounds(geometries), dtype=np.float64).reshape(-1, 4)
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.all():
        raise GeometryError("geometry.non_finite", where=f"geometry {int(np.flatnonzero(~finite)[0])}")
    # bounds are finite but an inner vertex may not be (bounds skip NaN)
    coords, owner = shapely.get_coordinates(geometries, include_z=True, return_index=True)
    bad = ~np.isfinite(coords[:, :2]).all(axis=1)
    if bad.any():
        raise GeometryError("geometry.non_finite", where=f"geometry {int(owner[np.flatnonzero(bad)[0]])}")
    return bounds


def _areas(data: VectorData, geometries: npt.NDArray[np.object_]) -> tuple[FloatArray, FloatArray]:
    n = len(geometries)
    given = []
    for name, values in (("planar_m2", data.planar_m2), ("ellipsoidal_m2", data.ellipsoidal_m2)):
        if values is not None and len(values) != n:
            raise InvalidInputError("input.invalid", detail=f"{name} has {len(values)} values for {n} features")
        given.append(None if values is None else np.asarray(values, dtype=np.float64))
    planar, ellipsoidal = given
    if planar is not None and ellipsoidal is not None:
        return planar, ellipsoidal
    polygonal = np.isin(shapely.get_type_id(geometries), _POLYGONAL)
    if planar is None:
        planar = np.zeros(n)
        if polygonal.any():
            planar[polygonal] = planar_area(geometries[polygonal])
    if ellipsoidal is None:
        ellipsoidal = np.zeros(n)
        if polygonal.any():
            ellipsoidal[polygonal] = ellipsoidal_area(geometries[polygonal], data.crs)
    return planar, ellipsoidal


def _fields(data: VectorData) -> tuple[str, ...]:
    if data.fields:
        return tuple(data.fields)
    seen: dict[str, None] = {}
    for attributes in data.attributes:
        for key in attributes:
            seen.setdefault(key, None)
    return tuple(seen)


def _attribute_json(data: VectorData) -> list[str]:
    texts = []
    for index, attributes in enumerate(data.attributes):
        try:
            text = canonical_json(attributes)
            text.encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError) as err:
            raise InvalidInputError(
                "version.attribute_invalid", feature_id=data.feature_ids[index], reason=str(err)
            ) from None
        texts.append(text)
    return texts


def prepare_version(data: VectorData) -> PreparedVersion:
    """Validate ``data`` and compute the rows of a version: WKB, areas, bounds, hashes.

    Geometries that are not polygons get areas of 0.

    Raises
    ------
    GeometryError
        ``geometry.empty`` (None or empty), ``geometry.non_finite``.
    CRSError
        When polygon coordinates do not fit ``data.crs``.
    InvalidInputError
        ``version.feature_id_invalid``, ``version.attribute_invalid``.
    """
    _check_ids(data.feature_ids)
    raw = np.asarray(data.geometries, dtype=object).reshape(-1)
    bounds = _check_geometries(raw) if len(raw) else np.zeros((0, 4))
    geometries = shapely.normalize(raw) if len(raw) else raw
    wkb = list(shapely.to_wkb(geometries, byte_order=1, include_srid=False)) if len(raw) else []
    planar, ellipsoidal = _areas(data, geometries) if len(raw) else (np.zeros(0), np.zeros(0))
    attributes = _attribute_json(data)
    hashes = [feature_hash(f, w, a) for f, w, a in zip(data.feature_ids, wkb, attributes, strict=True)]
    return PreparedVersion(
        feature_ids=tuple(data.feature_ids),
        geometries=geometries,
        wkb=wkb,
        attributes=attributes,
        planar_m2=planar,
        ellipsoidal_m2=ellipsoidal,
        bounds=bounds,
        hashes=hashes,
        content_hash=content_hash(hashes),
        fields=_fields(data),
        crs=data.crs,
    )


def decode_attributes(texts: Iterable[str], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Parse stored attribute JSON, with keys back in the layer's field order.

    Examples
    --------
    >>> decode_attributes(['{"A":1,"B":"0701"}'], ["B", "A"])
    [{'B': '0701', 'A': 1}]
    """
    order = {name: i for i, name in enumerate(fields)}
    last = len(order)
    result = []
    for text in texts:
        values: dict[str, Any] = json.loads(text)
        if order and list(values) != [k for k in fields if k in values]:
            values = dict(sorted(values.items(), key=lambda item: order.get(item[0], last)))
        result.append(values)
    return result
