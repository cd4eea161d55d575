r"""Read a plan document (.txt, .docx, .pdf, .doc, .wps) to text, safely.

:func:`read_document` is the one entry point. It checks the file (exists, regular,
not empty, within ``max_bytes``), detects the type from the bytes, refuses an
extension that contradicts them, and extracts the text:

- .txt: decoded by BOM, then strict UTF-8, then GB18030 (:mod:`._txt`);
- .docx: pre-scanned for zip bombs, XXE, macros, OLE and external parts, then read
  as a stream (:mod:`._zipscan`, :mod:`._docx`);
- .pdf: extracted with pdfplumber in a capped subprocess (:mod:`._pdf`);
- .doc and .wps: converted to .docx by LibreOffice in a temporary directory, then
  read as .docx (:mod:`._office`).

Text conventions, which later character spans rely on: lines are separated by
``"\n"`` (``"\r\n"`` and ``"\r"`` are converted), nothing else is changed (no
full-width conversion, no trimming). A table row is one line of tab-separated cells,
with an empty line before and after each table, in .docx and in .pdf alike.

A .docx, .doc or .wps whose body has no text raises ``document.no_text`` when the
body holds pictures (a scan pasted into Word) and ``document.empty`` otherwise; a
PDF without text raises ``document.no_text``; a text file of only whitespace raises
``document.empty``.

Errors (all :class:`~guotu.errors.InvalidInputError` subclasses unless noted)::

    file.not_found, file.not_a_file       the path (InvalidInputError)
    document.unsupported_type             unknown extension, known binary content
    document.type_mismatch                extension contradicts the content
    document.too_large                    over settings.max_bytes (checked via stat)
    document.empty, document.no_text      nothing to read
    document.encoding_unknown             .txt that neither UTF-8 nor GB18030 decodes
    document.corrupt                      broken zip, XML, OLE2 or PDF; truncated PDF
    document.encrypted                    password-protected PDF, .docx or .doc
    document.unsafe                       DTD/entities, macros, OLE, external parts
    document.archive_limit                entry count, size, ratio, nesting
    document.too_many_pages               PDF over settings.pdf_max_pages
    document.timeout                      PDF worker or LibreOffice timed out/crashed
    document.conversion_failed            LibreOffice produced no .docx
    document.libreoffice_missing          DependencyMissingError, for .doc/.wps
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from guotu.documents import _detect
from guotu.documents._docx import extract_docx
from guotu.documents._office import convert_to_docx
from guotu.documents._pdf import extract_pdf
from guotu.documents._txt import decode_text
from guotu.errors import DocumentError, InvalidInputError
from guotu.settings import DocumentSettings

__all__ = ["SUPPORTED_EXTENSIONS", "DocumentText", "read_document"]

logger = logging.getLogger(__name__)

#: The content kinds each supported extension may hold. RTF is accepted as .doc
#: or .wps because word processors often save it under those names.
SUPPORTED_EXTENSIONS: dict[str, frozenset[str]] = {
    ".txt": frozenset({_detect.TXT}),
    ".docx": frozenset({_detect.DOCX}),
    ".pdf": frozenset({_detect.PDF}),
    ".doc": frozenset({_detect.DOC, _detect.RTF}),
    ".wps": frozenset({_detect.DOC, _detect.RTF}),
}


@dataclass(frozen=True)
class DocumentText:
    """The text of a document and where it came from.

    Attributes
    ----------
    text
        The document's text; every later character span refers to this string.
    format
        ``txt``, ``docx``, ``pdf``, ``doc`` or ``wps`` (from the extension, once the
        content has been checked against it).
    path
        The path as given.
    sha256
        Hex digest of the original bytes.
    size
        Size of the original file, in bytes.
    encoding
        For .txt: ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``; else None.
    pages
        For .pdf: the page count; else None.
    """

    text: str = field(repr=False)
    format: str
    path: str
    sha256: str
    size: int
    encoding: str | None = None
    pages: int | None = None


@dataclass(frozen=True)
class _Extracted:
    text: str
    encoding: str | None = None
    pages: int | None = None
    graphics: int = 0


def _file_size(path: str) -> int:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InvalidInputError("file.not_found", path=path) from None
    except OSError as exc:
        logger.debug("cannot stat %s: %s", path, exc)
        raise DocumentError("document.unreadable", path=path) from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInputError("file.not_a_file", path=path)
    return info.st_size


def _read_bytes(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        logger.debug("cannot read %s: %s", path, exc)
        raise DocumentError("document.unreadable", path=path) from None
    if len(data) > limit:  # the file grew after stat
        raise DocumentError("document.too_large", path=path, size=len(data), limit=limit)
    return data


def _check_kind(detected: _detect.Detected, *, extension: str, path: str) -> None:
    if detected.kind in SUPPORTED_EXTENSIONS[extension]:
        return
    if detected.kind == _detect.ENCRYPTED and extension in (".docx", ".doc", ".wps"):
        raise DocumentError("document.encrypted", path=path)
    if detected.kind == _detect.UNKNOWN and extension == ".txt":
        return  # let the decoder say whether it is binary or an unknown encoding
    if detected.kind in (_detect.UNSUPPORTED, _detect.UNKNOWN):
        raise DocumentError("document.unsupported_type", path=path, detected=detected.label)
    raise DocumentError("document.type_mismatch", path=path, extension=extension, detected=detected.label)


def _read_txt(data: bytes, path: str, settings: DocumentSettings) -> _Extracted:
    text, encoding = decode_text(data, path=path)
    return _Extracted(text=text, encoding=encoding)


def _read_docx(data: bytes, path: str, settings: DocumentSettings) -> _Extracted:
    body = extract_docx(data, path=path)
    return _Extracted(text=body.text, graphics=body.graphics)


def _read_pdf(data: bytes, path: str, settings: DocumentSettings) -> _Extracted:
    pdf = extract_pdf(data, path=path, settings=settings)
    return _Extracted(text=pdf.text, pages=pdf.pages)


def _office_reader(extension: str) -> Callable[[bytes, str, DocumentSettings], _Extracted]:
    def read(data: bytes, path: str, settings: DocumentSettings) -> _Extracted:
        converted = convert_to_docx(data, path=path, extension=extension, settings=settings)
        return _read_docx(converted, path, settings)

    return read


_READERS: dict[str, Callable[[bytes, str, DocumentSettings], _Extracted]] = {
    ".txt": _read_txt,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".doc": _office_reader(".doc"),
    ".wps": _office_reader(".wps"),
}


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_has_text(extracted: _Extracted, text: str, *, extension: str, path: str) -> None:
    if text.strip():
        return
    if extension == ".pdf" or extracted.graphics:
        raise DocumentError("document.no_text", path=path)
    raise DocumentError("document.empty", path=path)


def read_document(path: str | os.PathLike[str], *, settings: DocumentSettings | None = None) -> DocumentText:
    r"""Read a plan document to text.

    The file is only read, never modified; LibreOffice and the PDF worker see a
    copy of its bytes, and everything they write goes to a temporary directory
    that is removed afterwards. No network connection is made.

    Parameters
    ----------
    path
        A .txt, .docx, .pdf, .doc or .wps file (the extension is case-insensitive).
    settings
        Limits and the LibreOffice location; ``DocumentSettings()`` when omitted.

    Returns
    -------
    DocumentText
        The text (see the module docstring for its conventions) with the format,
        SHA-256, size, and the encoding (.txt) or page count (.pdf).

    Raises
    ------
    InvalidInputError
        ``file.not_found`` or ``file.not_a_file``.
    DocumentError
        One of the ``document.*`` codes listed in the module docstring.
    DependencyMissingError
        ``document.libreoffice_missing`` for a .doc or .wps without LibreOffice.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     plan = pathlib.Path(tmp, "plan.txt")
    ...     _ = plan.write_bytes("居住用地77.33公顷\r\n".encode("gbk"))
    ...     doc = read_document(plan)
    >>> doc.text, doc.encoding, doc.format
    ('居住用地77.33公顷\n', 'gb18030', 'txt')
    """
    # Without the pydantic mypy plugin, positional Field defaults look required.
    settings = settings or DocumentSettings()
    shown = os.fspath(path)
    started = time.perf_counter()
    size = _file_size(shown)
    extension = os.path.splitext(shown)[1].lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise DocumentError("document.unsupported_type", path=shown, extension=extension)
    if size > settings.max_bytes:
        raise DocumentError("document.too_large", path=shown, size=size, limit=settings.max_bytes)
    data = _read_bytes(shown, settings.max_bytes)
    if not data:
        raise DocumentError("document.empty", path=shown)
    detected = _detect.detect_type(data, extension=extension, path=shown)
    _check_kind(detected, extension=extension, path=shown)
    extracted = _READERS[extension](data, shown, settings)
    text = _normalise_newlines(extracted.text)
    _check_has_text(extracted, text, extension=extension, path=shown)
    logger.debug(
        "read %s as %s: %d bytes, %d characters in %.3fs",
        shown,
        extension,
        len(data),
        len(text),
        time.perf_counter() - started,
    )
    return DocumentText(
        text=text,
        format=extension.lstrip("."),
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding=extracted.encoding,
        pages=extracted.pages,
    )
