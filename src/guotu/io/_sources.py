"""Find the layers in an upload (file, folder or zip) and bring the chosen one to disk.

An upload may be one file (.shp, .gpkg, .geojson, .parquet), a folder (a FileGDB
``.gdb``, or a folder of shapefiles) or a zip of any of these. This module groups
what it finds into candidate layers: a shapefile is the .shp/.shx/.dbf/.prj/.cpg
files (and our ``.aliases.csv``) sharing a folder and a stem, compared without
case; a ``.gdb`` folder, even one level down, is one container. When several
candidates exist, the caller must name one (``vector.multiple_layers`` lists them,
with the parts each shapefile lacks). From a zip only the chosen candidate's entries
are extracted, to generated names in a private temporary folder.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from guotu.errors import InvalidInputError
from guotu.io._zip import ZipMember, extract

__all__ = [
    "CONTAINERS",
    "Candidate",
    "discover",
    "folder_entries",
    "materialise",
    "select",
]

Entry = Path | ZipMember

SHAPE_PARTS: Final = (".shp", ".shx", ".dbf", ".prj", ".cpg")
REQUIRED_PARTS: Final = (".shp", ".shx", ".dbf")
ALIASES_SUFFIX: Final = ".aliases.csv"
#: Kinds that hold layers of their own (``layer=`` picks inside them).
CONTAINERS: Final = frozenset({"gpkg", "gdb"})
_SUFFIX_KIND: Final = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
}
_GDB_FILE: Final = re.compile(r"^[A-Za-z0-9_.\-]+$")
_MAX_FOLDER_DEPTH: Final = 3


@dataclass
class Candidate:
    """A layer (or a container of layers) found in an upload.

    Attributes
    ----------
    name
        The name shown to people and matched by ``layer=``: the file's stem.
    kind
        ``shapefile``, ``gpkg``, ``geojson``, ``parquet`` or ``gdb``.
    location
        The folder (and stem) inside the upload, to tell same-named layers apart.
    parts
        Shapefile parts by suffix (``.shp`` … ``.aliases.csv``); ``""`` for a single-file format.
    files
        The files of a ``.gdb`` folder, by base name.
    """

    name: str
    kind: str
    location: str
    parts: dict[str, Entry] = field(default_factory=dict)
    files: dict[str, Entry] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        """Required shapefile parts that are absent."""
        if self.kind != "shapefile":
            return ()
        return tuple(p for p in REQUIRED_PARTS if p not in self.parts)

    def label(self) -> str:
        """Return the name, with the missing parts of an incomplete shapefile."""
        return f"{self.name} (−{', '.join(self.missing)})" if self.missing else self.name


def _split(base: str) -> tuple[str, str]:
    lower = base.lower()
    if lower.endswith(ALIASES_SUFFIX):
        return base[: -len(ALIASES_SUFFIX)], ALIASES_SUFFIX
    stem, suffix = posixpath.splitext(base)
    return stem, suffix.lower()


def discover(entries: list[tuple[str, Entry]]) -> list[Candidate]:
    """Group an upload's files (``/``-separated names relative to its root) into candidates."""
    shapes: dict[tuple[str, str], Candidate] = {}
    gdbs: dict[str, Candidate] = {}
    singles: list[Candidate] = []
    for name, entry in entries:
        parts = name.split("/")
        gdb_at = next((i for i, p in enumerate(parts[:-1]) if p.lower().endswith(".gdb")), None)
        if gdb_at is not None:
            key = "/".join(parts[: gdb_at + 1])
            candidate = gdbs.setdefault(key, Candidate(parts[gdb_at][:-4], "gdb", key))
            if gdb_at == len(parts) - 2 and _GDB_FILE.match(parts[-1]):
                candidate.files[parts[-1]] = entry
                if isinstance(entry, Path):  # a folder on disk: read in place
                    candidate.parts[""] = entry.parent
            continue
        directory = "/".join(parts[:-1])
        stem, suffix = _split(parts[-1])
        if suffix in SHAPE_PARTS or suffix == ALIASES_SUFFIX:
            location = posixpath.join(directory, stem)
            candidate = shapes.setdefault((directory, stem.casefold()), Candidate(stem, "shapefile", location))
            candidate.parts[suffix] = entry
        elif suffix in _SUFFIX_KIND:
            singles.append(Candidate(stem, _SUFFIX_KIND[suffix], posixpath.join(directory, stem), {"": entry}))
    found = [c for c in shapes.values() if any(p in c.parts for p in REQUIRED_PARTS)]
    found += list(gdbs.values()) + singles
    found.sort(key=lambda c: (c.location.count("/"), c.location.casefold()))
    return found


def folder_entries(folder: Path) -> list[tuple[str, Entry]]:
    """List the regular files under a folder (a few levels deep), with names relative to it.

    Raises
    ------
    InvalidInputError
        ``vector.unsafe_archive`` when the folder holds a symbolic link.
    """
    entries: list[tuple[str, Entry]] = []
    root_depth = len(folder.parts)
    for current, directories, files in os.walk(folder, followlinks=False):
        here = Path(current)
        for name in [*directories, *files]:
            if (here / name).is_symlink():
                raise InvalidInputError("vector.unsafe_archive", path=folder.name, reason=f"symbolic link {name!r}")
        if len(here.parts) - root_depth >= _MAX_FOLDER_DEPTH:
            directories.clear()
        for name in files:
            entries.append(((here / name).relative_to(folder).as_posix(), here / name))
    if folder.name.lower().endswith(".gdb"):  # the folder is the container itself
        entries = [(f"{folder.name}/{name}", entry) for name, entry in entries]
    return entries


def select(candidates: list[Candidate], layer: str | None, path: Path) -> tuple[Candidate, str | None]:
    """Pick the candidate ``layer`` names; return it and the layer to pick inside it, if any.

    Raises
    ------
    InvalidInputError
        ``vector.no_layer``, ``vector.multiple_layers``, ``vector.layer_not_found``,
        or ``vector.shapefile_incomplete`` for a chosen shapefile that lacks a part.
    """
    if not candidates:
        raise InvalidInputError("vector.no_layer", path=path.name)
    inner: str | None = None
    if len(candidates) == 1:
        chosen = candidates[0]
        if chosen.kind in CONTAINERS:
            inner = layer
        elif layer is not None and layer not in (chosen.name, chosen.location):
            raise InvalidInputError("vector.layer_not_found", path=path.name, layer=layer, layers=chosen.label())
    else:
        listing = ", ".join(c.label() for c in candidates)
        if layer is None:
            raise InvalidInputError("vector.multiple_layers", path=path.name, layers=listing, count=len(candidates))
        matches = [c for c in candidates if layer == c.location] or [c for c in candidates if layer == c.name]
        if len(matches) != 1:
            code = "vector.multiple_layers" if matches else "vector.layer_not_found"
            raise InvalidInputError(code, path=path.name, layer=layer, layers=listing, count=len(candidates))
        chosen = matches[0]
    if chosen.missing:
        raise InvalidInputError(
            "vector.shapefile_incomplete", path=path.name, layer=chosen.name, missing=", ".join(chosen.missing)
        )
    return chosen, inner


def materialise(
    candidate: Candidate,
    archive: zipfile.ZipFile | None,
    work: Path | None,
    path: Path,
    *,
    max_bytes: int,
) -> Candidate:
    """Return the candidate with every part on disk: extracted under generated names if zipped."""
    if archive is None or work is None:
        return candidate
    targets: list[tuple[ZipMember, Path]] = []
    result = Candidate(candidate.name, candidate.kind, candidate.location)
    if candidate.kind == "gdb":
        folder = work / "layer.gdb"
        folder.mkdir()
        for base, entry in candidate.files.items():
            assert isinstance(entry, ZipMember)
            targets.append((entry, folder / base))
        result.parts[""] = folder
    else:
        extension = {"gpkg": ".gpkg", "geojson": ".geojson", "parquet": ".parquet"}.get(candidate.kind, "")
        for suffix, entry in candidate.parts.items():
            assert isinstance(entry, ZipMember)
            destination = work / f"layer{suffix or extension}"
            targets.append((entry, destination))
            result.parts[suffix] = destination
    extract(archive, targets, path, max_bytes=max_bytes)
    return result
