"""Pre-scan a .docx package before any of its XML is parsed (RELIABILITY §5.4, §5.5).

The scan reads the central directory first (entry count, names, declared sizes,
compression ratios), then streams every entry once with a byte counter. While
streaming it refuses DTDs and entity declarations in any part, nested archives,
macros, OLE and ActiveX objects, altChunk parts and external relationships other
than hyperlinks. It returns the name of the main document part.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import stat
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from guotu.documents._ole import OLE_MAGIC
from guotu.errors import DocumentError

__all__ = [
    "CHUNK_SIZE",
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "DocumentPackage",
    "iter_entry",
    "open_zip",
    "scan_package",
]

MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Entries smaller than this cannot amplify much whatever their ratio; exempting them
# keeps tiny, very repetitive XML parts from tripping the ratio rule.
RATIO_FLOOR_BYTES = 1024 * 1024
CHUNK_SIZE = 64 * 1024

_DEFAULT_MAIN_PART = "word/document.xml"
_ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_XML_MARKERS = (b"<!doctype", b"<!entity")
_MARKER_OVERLAP = max(len(m) for m in _XML_MARKERS) - 1
_MACRO_MARKERS = (b"macroenabled", b"vbaproject")
_MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml"})
_OBJECT_DIRS = ("word/activex/",)
# A chart keeps its data as a workbook (.xlsx, itself a zip) under word/embeddings/.
# Such a package is counted against the limits and never opened (nesting depth 1,
# RELIABILITY.md §5.4); OLE objects there are still refused by their magic bytes.
_EMBEDDED_PACKAGES = re.compile(r"^word/embeddings/[^/]+\.(?:xlsx|xlsm|docx|pptx)$", re.IGNORECASE)
# Relationship types (the last path segment) refused whatever their target mode.
_UNSAFE_RELATIONSHIPS = frozenset(
    {
        "aFChunk",
        "activeXControlBinary",
        "control",
        "oleObject",
        "subDocument",
        "vbaProject",
        "wordVbaData",
    }
)
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_LOCAL_TEMPLATE = re.compile(r"^(?:file:///)?[A-Za-z]:[\\/]")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class DocumentPackage:
    """What the scan learnt about a package."""

    main_part: str
    relationships: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def _unsafe(path: str, reason: str) -> DocumentError:
    return DocumentError("document.unsafe", path=path, reason=reason)


def _limit(path: str, reason: str) -> DocumentError:
    return DocumentError("document.archive_limit", path=path, reason=reason)


def open_zip(data: bytes, *, path: str) -> zipfile.ZipFile:
    """Open ``data`` as a zip archive, mapping any failure to ``document.corrupt``.

    Raises
    ------
    DocumentError
        ``document.corrupt`` when the central directory cannot be read.
    """
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise DocumentError("document.corrupt", path=path, reason=f"bad zip: {exc}") from None


def _check_name(info: zipfile.ZipInfo, path: str) -> None:
    name = info.orig_filename
    parts = name.replace("\\", "/").split("/")
    if (
        "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
        or any(ord(c) < 0x20 for c in name)
    ):
        raise _unsafe(path, f"unsafe entry name {name!r}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _unsafe(path, f"symbolic link entry {name!r}")


def _check_directory(infos: list[zipfile.ZipInfo], path: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _limit(path, f"{len(infos)} entries, limit {MAX_ENTRIES}")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES:
        raise _limit(path, f"declared size {declared} bytes, limit {MAX_TOTAL_BYTES}")
    seen: set[str] = set()
    for info in infos:
        _check_name(info, path)
        if info.filename.lower() in seen:
            raise _unsafe(path, f"duplicate entry {info.filename!r}")
        seen.add(info.filename.lower())
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocumentError(
                "document.corrupt",
                path=path,
                reason=f"compression method {info.compress_type} in {info.filename!r}",
            )
        if info.flag_bits & 0x1:
            raise DocumentError("document.encrypted", path=path)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise _limit(path, f"compression ratio {ratio:.0f}:1 in {info.filename!r}")
        _check_part_name(info.filename, path)


def _check_part_name(name: str, path: str) -> None:
    lower = name.lower()
    if posixpath.basename(lower) in _MACRO_PARTS:
        raise _unsafe(path, f"macros ({name})")
    if lower.startswith(_OBJECT_DIRS):
        raise _unsafe(path, f"embedded object or control ({name})")
    if lower.startswith("word/embeddings/") and not _EMBEDDED_PACKAGES.match(name):
        raise _unsafe(path, f"embedded object ({name})")


def iter_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, path: str, budget: list[int]) -> Iterator[bytes]:
    """Yield an entry's bytes in chunks, counting them against ``budget``.

    Parameters
    ----------
    archive, info
        The open archive and the entry to read.
    path
        The document path, for error messages.
    budget
        A one-item list holding the bytes still allowed; decremented in place so
        that one budget spans every entry of a package.

    Raises
    ------
    DocumentError
        ``document.archive_limit`` when the entry outgrows its declared size or the
        budget; ``document.corrupt`` when the data cannot be decompressed.
    """
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                produced += len(chunk)
                budget[0] -= len(chunk)
                if produced > info.file_size:
                    raise _limit(path, f"{info.filename!r} is larger than declared")
                if budget[0] < 0:
                    raise _limit(path, f"more than {MAX_TOTAL_BYTES} bytes uncompressed")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise DocumentError("document.corrupt", path=path, reason=f"{info.filename}: {exc}") from None


class _MarkerScanner:
    """Find DTD and entity declarations across chunk boundaries, in any encoding."""

    def __init__(self) -> None:
        self._tail = b""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._started = False

    def feed(self, chunk: bytes) -> bool:
        if not self._started:
            self._started = True
            self._decoder = _utf16_decoder(chunk)
        if self._decoder is not None:
            chunk = self._decoder.decode(chunk).encode("utf-8", errors="replace")
        window = (self._tail + chunk).lower()
        self._tail = window[-_MARKER_OVERLAP:]
        return any(marker in window for marker in _XML_MARKERS)


def _utf16_decoder(head: bytes) -> codecs.IncrementalDecoder | None:
    if head.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return codecs.getincrementaldecoder("utf-16-le")("replace")
    if head.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return codecs.getincrementaldecoder("utf-16-be")("replace")
    return None


class _RelationshipReader:
    """Collect ``(type, target, mode)`` from a .rels part, refusing any DTD."""

    def __init__(self, path: str) -> None:
        self.items: list[tuple[str, str, str]] = []
        self._path = path
        self.parser = make_parser(path)
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_RELS_NS} Relationship":
            rel_type = attrs.get("Type", "").rsplit("/", 1)[-1]
            self.items.append((rel_type, attrs.get("Target", ""), attrs.get("TargetMode", "")))


def make_parser(path: str) -> xml.parsers.expat.XMLParserType:
    """Return a namespace-aware expat parser that refuses DTDs and entities.

    External entities are never loaded, parameter entities are never parsed, and
    a DOCTYPE or an entity declaration raises ``document.unsafe`` at once.
    """

    def refuse(*_args: object) -> None:
        raise _unsafe(path, "XML document type declaration or entity")

    def refuse_external(*_args: object) -> int:
        raise _unsafe(path, "XML external entity")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    return parser


def _scan_entry(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    package: DocumentPackage,
    *,
    path: str,
    budget: list[int],
) -> None:
    markers = _MarkerScanner()
    rels = _RelationshipReader(path) if info.filename.lower().endswith(".rels") else None
    macro_scan = info.filename == "[Content_Types].xml"
    first = True
    for chunk in iter_entry(archive, info, path=path, budget=budget):
        if first:
            first = False
            _check_magic(chunk, info.filename, path)
        if markers.feed(chunk):
            raise _unsafe(path, f"DTD or entity declaration in {info.filename}")
        if macro_scan and any(m in chunk.lower() for m in _MACRO_MARKERS):
            raise _unsafe(path, "macro-enabled document (.docm)")
        if rels is not None:
            _parse(rels.parser, chunk, info.filename, path, final=False)
    if rels is not None:
        _parse(rels.parser, b"", info.filename, path, final=True)
        package.relationships[info.filename] = rels.items


def _check_magic(head: bytes, name: str, path: str) -> None:
    if head.startswith(_ARCHIVE_MAGICS) and _EMBEDDED_PACKAGES.match(name):
        if name.lower().endswith(".xlsm"):
            raise _unsafe(path, f"macro-enabled embedded workbook ({name})")
        return  # a chart's data: never opened
    if head.startswith(_ARCHIVE_MAGICS):
        raise _limit(path, f"nested archive {name!r}")
    if head.startswith(OLE_MAGIC):
        raise _unsafe(path, f"embedded OLE object ({name})")


def _parse(parser: xml.parsers.expat.XMLParserType, chunk: bytes, name: str, path: str, *, final: bool) -> None:
    try:
        parser.Parse(chunk, final)
    except xml.parsers.expat.ExpatError as exc:
        raise DocumentError("document.corrupt", path=path, reason=f"{name}: {exc}") from None


def _check_relationships(package: DocumentPackage, path: str) -> None:
    for rels_name, items in package.relationships.items():
        for rel_type, target, mode in items:
            if rel_type in _UNSAFE_RELATIONSHIPS:
                raise _unsafe(path, f"{rel_type} relationship in {rels_name}")
            if mode.lower() != "external" or rel_type == "hyperlink":
                continue
            if rel_type == "attachedTemplate" and _LOCAL_TEMPLATE.match(target):
                continue
            raise _unsafe(path, f"external {rel_type} relationship to {target[:80]!r}")


def _main_part(package: DocumentPackage, names: set[str], path: str) -> str:
    for rel_type, target, mode in package.relationships.get("_rels/.rels", []):
        if rel_type == "officeDocument" and mode.lower() != "external":
            part = posixpath.normpath(target.lstrip("/"))
            if part in names:
                return part
    if _DEFAULT_MAIN_PART in names:
        return _DEFAULT_MAIN_PART
    raise DocumentError("document.corrupt", path=path, reason="no main document part")


def scan_package(archive: zipfile.ZipFile, *, path: str) -> DocumentPackage:
    """Check a .docx package against the archive and content rules.

    Parameters
    ----------
    archive
        The package, opened with :func:`open_zip`.
    path
        The document path, for error messages.

    Returns
    -------
    DocumentPackage
        The main document part's name and the relationships found.

    Raises
    ------
    DocumentError
        ``document.archive_limit``, ``document.unsafe``, ``document.encrypted`` or
        ``document.corrupt``, the reason naming the rule and the part.
    """
    infos = archive.infolist()
    _check_directory(infos, path)
    package = DocumentPackage(main_part=_DEFAULT_MAIN_PART)
    budget = [MAX_TOTAL_BYTES]
    for info in infos:
        if not info.is_dir():
            _scan_entry(archive, info, package, path=path, budget=budget)
    _check_relationships(package, path)
    package.main_part = _main_part(package, {i.filename for i in infos}, path)
    return package
