"""Detect a document's type from its bytes (magic numbers), not from its name."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from guotu.documents._ole import (
    OLE_MAGIC,
    OleEntry,
    OleError,
    read_directory,
    read_stream_head,
)
from guotu.documents._txt import looks_like_text
from guotu.documents._zipscan import open_zip
from guotu.errors import DocumentError

__all__ = ["Detected", "detect_type"]

# Kinds a supported extension may hold; everything else is reported, not read.
PDF, DOCX, DOC, RTF, TXT = "pdf", "docx", "doc", "rtf", "txt"
ENCRYPTED, UNSUPPORTED, UNKNOWN = "encrypted", "unsupported", "unknown"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "ELF executable"),
    (b"\xca\xfe\xba\xbe", "Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xfe\xed\xfa", "Mach-O executable"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "BMP image"),
    (b"RIFF", "RIFF media file"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"%!PS", "PostScript"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00\x01\x00\x00\x00", "TrueType font"),
    (b"OTTO", "OpenType font"),
    (b"wOFF", "web font"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# Short signatures that could begin a line of text: also require a NUL byte in the
# binary header that follows them (a DOS/PE header always has one in 64 bytes).
_WEAK_SIGNATURES = {b"MZ": 64, b"BM": 14, b"RIFF": 12}
_FIB_MAGIC = 0xA5EC
_FIB_ENCRYPTED = 0x0100


@dataclass(frozen=True)
class Detected:
    """A detected type: ``kind`` drives the reader, ``label`` goes into messages."""

    kind: str
    label: str


def _signature(data: bytes) -> str | None:
    for magic, label in _SIGNATURES:
        if not data.startswith(magic):
            continue
        header = _WEAK_SIGNATURES.get(magic)
        if header is None:
            return label
        if b"\x00" in data[len(magic) : header]:
            return label
    return None


def _detect_zip(data: bytes, path: str) -> Detected:
    with open_zip(data, path=path) as archive:
        names = set(archive.namelist())
    if "word/document.xml" in names:
        return Detected(DOCX, "docx")
    for marker, label in (
        ("xl/workbook.xml", "xlsx"),
        ("ppt/presentation.xml", "pptx"),
        ("mimetype", "OpenDocument"),
    ):
        if marker in names:
            return Detected(UNSUPPORTED, label)
    return Detected(UNSUPPORTED, "zip archive")


def _word_encrypted(data: bytes, names: dict[str, OleEntry]) -> bool:
    entry = names.get("WordDocument")
    if entry is None:
        return False
    head = read_stream_head(data, entry)
    if head is None or len(head) < 12:
        return False
    ident, flags = struct.unpack_from("<H8xH", head)
    return bool(ident == _FIB_MAGIC and flags & _FIB_ENCRYPTED)


def _detect_ole(data: bytes, path: str) -> Detected:
    try:
        entries = read_directory(data)
        names = {e.name: e for e in entries}
        if "EncryptedPackage" in names:
            return Detected(ENCRYPTED, "encrypted Office document")
        if _word_encrypted(data, names):
            return Detected(ENCRYPTED, "encrypted Word document")
    except OleError as exc:
        raise DocumentError("document.corrupt", path=path, reason=f"OLE2: {exc}") from None
    if "Workbook" in names or "Book" in names:
        return Detected(UNSUPPORTED, "xls")
    if "PowerPoint Document" in names:
        return Detected(UNSUPPORTED, "ppt")
    return Detected(DOC, "doc")


def detect_type(data: bytes, *, extension: str, path: str) -> Detected:
    """Detect what ``data`` is from its leading bytes.

    Parameters
    ----------
    data
        The whole file (not empty).
    extension
        The lower-case extension with its dot; only used to accept a PDF header
        after up to 1 KiB of leading junk when the name ends in ``.pdf``.
    path
        The document path, for error messages.

    Returns
    -------
    Detected
        ``kind`` is ``pdf``, ``docx``, ``doc`` (any OLE2 word-processing file),
        ``rtf``, ``txt`` (decodes, no NUL), ``encrypted`` (an OLE2 container with
        an encrypted package or an encrypted Word stream), ``unsupported`` (a known
        other type) or ``unknown`` (binary of no known kind).

    Raises
    ------
    DocumentError
        ``document.corrupt`` when a zip or OLE2 container cannot be read.
    """
    if data.startswith(b"%PDF-") or (extension == ".pdf" and b"%PDF-" in data[:1024]):
        return Detected(PDF, "pdf")
    if data.startswith(_ZIP_MAGICS):
        return _detect_zip(data, path)
    if data.startswith(OLE_MAGIC):
        return _detect_ole(data, path)
    if data.lstrip()[:5] == b"{\\rtf":
        return Detected(RTF, "rtf")
    label = _signature(data)
    if label is not None:
        return Detected(UNSUPPORTED, label)
    if looks_like_text(data):
        return Detected(TXT, "txt")
    return Detected(UNKNOWN, "unknown binary")
