"""Decode plain-text documents: a BOM first, then strict UTF-8, then GB18030."""

from __future__ import annotations

import codecs

from guotu.errors import DocumentError

__all__ = ["decode_text", "looks_like_text"]

# Longest BOM first: the UTF-8 BOM cannot be confused with the UTF-16 ones.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACKS = ("utf-8", "gb18030")
_SNIFF_BYTES = 64 * 1024


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _binary(path: str) -> DocumentError:
    return DocumentError("document.unsupported_type", path=path, detected="binary (NUL bytes)")


def decode_text(data: bytes, *, path: str) -> tuple[str, str]:
    """Decode a text file's bytes.

    The order is: a byte-order mark (UTF-8, UTF-16 LE/BE), then strict UTF-8, then
    strict GB18030 (a superset of GBK and GB2312). NUL characters mean the file is
    binary, not text.

    Parameters
    ----------
    data
        The whole file.
    path
        The path as given, for error messages.

    Returns
    -------
    tuple of (str, str)
        The text (without its BOM) and the encoding used: ``utf-8-sig``,
        ``utf-16``, ``utf-8`` or ``gb18030``.

    Raises
    ------
    DocumentError
        ``document.unsupported_type`` for NUL-bearing data,
        ``document.encoding_unknown`` when no encoding decodes the bytes.

    Examples
    --------
    >>> decode_text("供应计划".encode("gbk"), path="a.txt")
    ('供应计划', 'gb18030')
    """
    bom_encoding = _bom_encoding(data)
    if bom_encoding is None and b"\x00" in data:
        raise _binary(path)
    for encoding in (bom_encoding,) if bom_encoding else _FALLBACKS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise _binary(path)
        return text, encoding
    raise DocumentError("document.encoding_unknown", path=path)


def looks_like_text(data: bytes) -> bool:
    r"""Tell whether the start of ``data`` decodes as text with no NUL.

    Only the first 64 KiB are tried, with incremental decoders so that a character
    cut at the boundary does not count as an error.

    Examples
    --------
    >>> looks_like_text("居住用地".encode("utf-8")), looks_like_text(b"MZ\x90\x00")
    (True, False)
    """
    head = data[:_SNIFF_BYTES]
    bom_encoding = _bom_encoding(head)
    for encoding in (bom_encoding,) if bom_encoding else _FALLBACKS:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            text = decoder.decode(head, final=len(head) == len(data))
        except UnicodeDecodeError:
            continue
        return "\x00" not in text
    return False
