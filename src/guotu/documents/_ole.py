"""A minimal, bounded reader for OLE2 compound files (.doc, .wps, encrypted .docx).

Only what type detection needs: the names of the directory entries and the first
bytes of a stream. Every chain walk is bounded by the number of sectors in the
file, so a crafted file with a cyclic or out-of-range chain fails with
:class:`OleError` instead of looping.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["OLE_MAGIC", "OleEntry", "OleError", "read_directory", "read_stream_head"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_HEADER_SIZE = 512
_DIR_ENTRY_SIZE = 128
_HEADER_DIFAT_ENTRIES = 109
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_STREAM_TYPE = 2


class OleError(Exception):
    """The compound file is malformed; the message says how."""


@dataclass(frozen=True)
class OleEntry:
    """One directory entry: a storage or a stream."""

    name: str
    kind: int
    start: int
    size: int


@dataclass(frozen=True)
class _Layout:
    sector_size: int
    sector_count: int
    mini_cutoff: int


def _u32(data: bytes, offset: int) -> int:
    value: int = struct.unpack_from("<I", data, offset)[0]
    return value


def _layout(data: bytes) -> _Layout:
    if len(data) < _HEADER_SIZE or not data.startswith(OLE_MAGIC):
        raise OleError("not an OLE2 compound file")
    shift: int = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise OleError(f"bad sector shift {shift}")
    size = 1 << shift
    # Version 4 files pad the header to a whole 4096-byte sector.
    count = (len(data) - size) // size if len(data) > size else 0
    return _Layout(size, count, _u32(data, 0x38))


def _sector(data: bytes, layout: _Layout, number: int) -> bytes:
    if number >= layout.sector_count:
        raise OleError(f"sector {number} is outside the file")
    start = (number + 1) * layout.sector_size
    return data[start : start + layout.sector_size]


def _fat_sector_numbers(data: bytes, layout: _Layout) -> list[int]:
    numbers = [_u32(data, 0x4C + 4 * i) for i in range(_HEADER_DIFAT_ENTRIES)]
    next_difat = _u32(data, 0x44)
    per_sector = layout.sector_size // 4 - 1
    for _ in range(layout.sector_count + 1):
        if next_difat > _MAX_REGULAR_SECTOR:
            break
        sector = _sector(data, layout, next_difat)
        numbers.extend(_u32(sector, 4 * i) for i in range(per_sector))
        next_difat = _u32(sector, 4 * per_sector)
    else:
        raise OleError("DIFAT chain does not end")
    return [n for n in numbers if n <= _MAX_REGULAR_SECTOR]


def _fat(data: bytes, layout: _Layout) -> list[int]:
    fat: list[int] = []
    for number in _fat_sector_numbers(data, layout):
        sector = _sector(data, layout, number)
        fat.extend(struct.unpack_from(f"<{len(sector) // 4}I", sector))
    return fat


def _chain(fat: list[int], start: int, layout: _Layout) -> list[int]:
    chain: list[int] = []
    current = start
    seen: set[int] = set()
    while current <= _MAX_REGULAR_SECTOR:
        if current in seen or current >= len(fat) or len(chain) > layout.sector_count:
            raise OleError("broken sector chain")
        seen.add(current)
        chain.append(current)
        current = fat[current]
    return chain


def _entry(raw: bytes) -> OleEntry | None:
    name_length: int = struct.unpack_from("<H", raw, 64)[0]
    kind = raw[66]
    if kind == 0 or not 2 <= name_length <= 64:
        return None
    name = raw[: name_length - 2].decode("utf-16-le", errors="replace")
    size: int = struct.unpack_from("<Q", raw, 120)[0]
    return OleEntry(name=name, kind=kind, start=_u32(raw, 116), size=size)


def read_directory(data: bytes) -> list[OleEntry]:
    """Return the directory entries of the compound file ``data``.

    Parameters
    ----------
    data
        The whole file.

    Returns
    -------
    list of OleEntry
        Storages and streams in directory order, the root entry first.

    Raises
    ------
    OleError
        If the header, the FAT or the directory chain is malformed.
    """
    layout = _layout(data)
    fat = _fat(data, layout)
    entries: list[OleEntry] = []
    for number in _chain(fat, _u32(data, 0x30), layout):
        sector = _sector(data, layout, number)
        for offset in range(0, len(sector) - _DIR_ENTRY_SIZE + 1, _DIR_ENTRY_SIZE):
            entry = _entry(sector[offset : offset + _DIR_ENTRY_SIZE])
            if entry is not None:
                entries.append(entry)
    return entries


def read_stream_head(data: bytes, entry: OleEntry) -> bytes | None:
    """Return the first sector of a stream kept in regular sectors.

    Parameters
    ----------
    data
        The whole file.
    entry
        A stream entry from :func:`read_directory`.

    Returns
    -------
    bytes or None
        Up to one sector of the stream's first bytes, or None when the stream is
        small enough to live in the mini stream (not needed for detection).

    Raises
    ------
    OleError
        If the stream's first sector lies outside the file.
    """
    layout = _layout(data)
    if entry.kind != _STREAM_TYPE or entry.size < layout.mini_cutoff:
        return None
    return _sector(data, layout, entry.start)[: entry.size]
