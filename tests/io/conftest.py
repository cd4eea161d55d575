"""Fixtures for the vector I/O tests: files made in code, and a watched temporary folder.

Every file of the bad-input corpus (RELIABILITY.md §5.1–5.4) is generated here or in
the tests, from shapely geometries written by pyogrio, then damaged byte by byte
where a case needs it. Nothing is checked in.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyogrio import raw

X0, Y0 = 39_500_000.0, 4_400_000.0  # zone 39 (CM 117°E), prefixed eastings, EPSG:4527


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The folder tempfile uses during the test; it must be empty again afterwards."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == [], "temporary files were left behind"


def squares(n: int, *, x0: float = X0, y0: float = Y0, size: float = 100.0) -> list[shapely.Geometry]:
    """``n`` adjacent squares in a row, as MultiPolygons."""
    return [shapely.MultiPolygon([shapely.box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size)]) for i in range(n)]


def _array(values: list[Any]) -> np.ndarray:
    sample = next((v for v in values if v is not None), "")
    if isinstance(sample, str):
        return np.array(values, dtype=object)
    if isinstance(sample, bool):
        return np.array(values, dtype=bool)
    if isinstance(sample, int):
        return np.array([0 if v is None else v for v in values], dtype=np.int64)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def write_layer(
    path: Path,
    geoms: list[Any],
    fields: dict[str, list[Any]] | None = None,
    *,
    driver: str = "ESRI Shapefile",
    crs: str | None = "EPSG:4527",
    encoding: str | None = None,
    geometry_type: str = "MultiPolygon",
    layer: str | None = None,
    wkb: list[bytes | None] | None = None,
) -> Path:
    """Write geometries (or raw WKB) and fields with pyogrio, as a real tool would."""
    fields = fields or {}
    if wkb is None:
        wkb = [None if g is None else shapely.to_wkb(g, flavor="iso") for g in geoms]
    raw.write(
        path,
        np.array(wkb, dtype=object),
        [_array(v) for v in fields.values()],
        list(fields),
        driver=driver,
        geometry_type=geometry_type,
        crs=crs,
        encoding=encoding,
        layer=layer,
    )
    return path


class _RawNameInfo(zipfile.ZipInfo):
    """A zip entry whose name bytes are written as given, without the UTF-8 flag."""

    __slots__ = ("raw_name",)

    @classmethod
    def from_info(cls, info: zipfile.ZipInfo, raw_name: bytes) -> _RawNameInfo:
        new = cls(info.filename)
        new.compress_type, new.create_system, new.external_attr = (
            info.compress_type,
            info.create_system,
            info.external_attr,
        )
        new.raw_name = raw_name
        return new

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.raw_name, self.flag_bits


def zip_entries(
    path: Path,
    entries: list[tuple[str | bytes, bytes]],
    *,
    symlink: bool = False,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A zip whose names are written as given: bytes go in without the UTF-8 flag."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            shown = name.decode("cp437") if isinstance(name, bytes) else name
            info = zipfile.ZipInfo(shown)
            info.compress_type = compression
            if symlink:
                info.create_system = 3
                info.external_attr = 0o120777 << 16
            if isinstance(name, bytes):
                info = _RawNameInfo.from_info(info, name)
            archive.writestr(info, data)
    return path


def shapefile_parts(shp: Path) -> dict[str, bytes]:
    """The bytes of a shapefile's files by suffix."""
    return {p.suffix.lower(): p.read_bytes() for p in shp.parent.iterdir() if p.stem == shp.stem}


class Kit:
    """The helpers above, handed to tests as a fixture (conftest modules are not importable)."""

    X0, Y0 = X0, Y0
    squares = staticmethod(squares)
    write_layer = staticmethod(write_layer)
    zip_entries = staticmethod(zip_entries)
    shapefile_parts = staticmethod(shapefile_parts)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
