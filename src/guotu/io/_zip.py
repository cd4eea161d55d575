"""Zip archives of vector data, opened as hostile input (RELIABILITY.md §5.4).

Nothing is extracted wholesale. :func:`scan_zip` reads the central directory and
refuses, before a byte is inflated: too many entries, a declared size over the cap,
an entry inflating more than ``max_ratio``:1, entries that overlap one another (the
overlapping-entry bomb), nested archives, encrypted entries, and names that could
escape a directory (``..``, absolute paths, drive letters, backslashes, NUL,
control characters) or that are symbolic links. :func:`extract` then streams only
the entries the caller picked, each to a name the caller generated, counting bytes
so that an entry whose header lies about its size stops at the cap.

Names without the UTF-8 flag are decoded as strict UTF-8 when they are (zips made on
macOS and Linux often omit the flag), else as GB18030 (zips made on Chinese Windows
store GBK names), else as CP437, the zip default.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from guotu.errors import InvalidInputError

__all__ = ["ZipMember", "declared_entries", "extract", "is_zip", "scan_zip"]

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_NESTED_SUFFIXES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".kmz")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 16
#: Entries every archiver adds and nobody means: macOS resource forks, Finder and
#: Explorer metadata.
_JUNK_DIRS = frozenset({"__macosx"})
_JUNK_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class ZipMember:
    """An entry of a scanned archive.

    Attributes
    ----------
    info
        The entry as :mod:`zipfile` read it.
    name
        Its path inside the archive, decoded (``/`` separated, no leading ``/``).
    """

    info: zipfile.ZipInfo
    name: str

    @property
    def basename(self) -> str:
        """The last component of :attr:`name`."""
        return posixpath.basename(self.name)

    @property
    def directory(self) -> str:
        """The folder of :attr:`name` inside the archive ('' at the top)."""
        return posixpath.dirname(self.name)


def _unsafe(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.unsafe_archive", path=path.name, reason=reason)


def _limit(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.archive_limit", path=path.name, reason=reason)


def _corrupt(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.archive_corrupt", path=path.name, reason=reason)


def _decode_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the bytes as CP437: undo it
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def _check_name(name: str, info: zipfile.ZipInfo, path: Path) -> None:
    parts = name.split("/")
    if (
        "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)
    ):
        raise _unsafe(path, f"entry name {name!r}")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise _unsafe(path, f"symbolic link {name!r}")


def _is_junk(name: str) -> bool:
    parts = name.lower().split("/")
    return bool(_JUNK_DIRS.intersection(parts[:-1])) or parts[-1] in _JUNK_FILES or parts[-1].startswith("._")


def _local_spans(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path) -> None:
    """Refuse entries whose data overlap (Fifield's overlapping-entry bomb) or lie beyond the directory."""
    fp = archive.fp
    if fp is None:  # pragma: no cover - the archive is open
        raise _corrupt(path, "closed archive")
    end_of_data = archive.start_dir
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        fp.seek(info.header_offset)
        header = fp.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise _corrupt(path, f"bad local header for {info.orig_filename!r}")
        fields = _LOCAL_HEADER.unpack(header)
        name_length, extra_length = fields[-2], fields[-1]
        start = info.header_offset
        end = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        spans.append((start, end, info.orig_filename))
    spans.sort()
    for (_, end, name), (next_start, _, _) in itertools.pairwise(spans):
        if end > next_start:
            raise _limit(path, f"entries overlap ({name!r})")
    if spans and spans[-1][1] > end_of_data:
        raise _limit(path, f"entry {spans[-1][2]!r} runs into the central directory")


def scan_zip(
    archive: zipfile.ZipFile,
    path: Path,
    *,
    max_entries: int,
    max_bytes: int,
    max_ratio: float,
    ratio_floor: int,
) -> list[ZipMember]:
    """Check an archive's central directory and return its useful file entries.

    Parameters
    ----------
    archive
        The open archive.
    path
        Its path, for messages.
    max_entries, max_bytes
        Most entries and most declared uncompressed bytes in total.
    max_ratio, ratio_floor
        Most uncompressed-to-compressed ratio for entries larger than ``ratio_floor`` bytes.

    Returns
    -------
    list of ZipMember
        File entries (directories and archiver junk left out), names decoded.

    Raises
    ------
    InvalidInputError
        ``vector.archive_limit``, ``vector.unsafe_archive`` or ``vector.archive_corrupt``.
    """
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise _limit(path, f"{len(infos)} entries (limit {max_entries})")
    declared = sum(info.file_size for info in infos)
    if declared > max_bytes:
        raise _limit(path, f"{declared} bytes uncompressed (limit {max_bytes})")
    members: list[ZipMember] = []
    seen: set[str] = set()
    for info in infos:
        name = _decode_name(info)
        _check_name(name, info, path)
        if name.casefold() in seen:
            raise _unsafe(path, f"duplicate entry {name!r}")
        seen.add(name.casefold())
        if info.is_dir() or _is_junk(name):
            continue
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise _corrupt(path, f"encrypted entry {name!r}")
        if info.compress_type not in _METHODS:
            raise _corrupt(path, f"compression method {info.compress_type} of {name!r}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ratio_floor and ratio > max_ratio:
            raise _limit(path, f"{name!r} inflates {ratio:.0f}:1 (limit {max_ratio:g}:1)")
        if name.lower().endswith(_NESTED_SUFFIXES):
            raise _limit(path, f"nested archive {name!r}")
        members.append(ZipMember(info, name))
    _local_spans(archive, infos, path)
    return members


def extract(
    archive: zipfile.ZipFile,
    targets: list[tuple[ZipMember, Path]],
    path: Path,
    *,
    max_bytes: int,
) -> None:
    """Stream the chosen entries to the chosen files, counting every byte.

    Parameters
    ----------
    archive
        The open, scanned archive.
    targets
        (entry, destination) pairs; destinations are generated by the caller.
    path
        The archive's path, for messages.
    max_bytes
        Most bytes written in total.

    Raises
    ------
    InvalidInputError
        ``vector.archive_limit`` when an entry outgrows its declared size or the
        total outgrows ``max_bytes``; ``vector.archive_corrupt`` when an entry
        cannot be inflated (CRC error, truncated data).
    """
    budget = max_bytes
    for member, destination in targets:
        declared = member.info.file_size
        written = 0
        try:
            with archive.open(member.info) as source, destination.open("xb") as sink:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    budget -= len(chunk)
                    if written > declared:
                        raise _limit(path, f"{member.name!r} is larger than its header says")
                    if budget < 0:
                        raise _limit(path, f"more than {max_bytes} bytes uncompressed")
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
            raise _corrupt(path, f"{member.name}: {exc}") from None


def declared_entries(path: Path) -> int | None:
    """Entry count from the end-of-central-directory record, read before :mod:`zipfile` parses anything.

    Returns None when the record is absent or the archive is a zip64 one (whose
    count :func:`scan_zip` checks after parsing).
    """
    size = path.stat().st_size
    tail_length = min(size, _EOCD.size + 0xFFFF)
    with path.open("rb") as fh:
        fh.seek(size - tail_length)
        tail = fh.read(tail_length)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    total = int(_EOCD.unpack_from(tail, at)[4])
    return None if total == 0xFFFF else total


def is_zip(path: Path) -> bool:
    """Tell whether a file starts with a zip signature."""
    with path.open("rb") as fh:
        return fh.read(4) in _ZIP_MAGICS
