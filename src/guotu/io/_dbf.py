"""The dBase table (.dbf) of a shapefile, read without GDAL (RELIABILITY.md §5.3).

GDAL recodes DBF text from the code page it believes in, and with no ``.cpg`` and
no language driver (LDID) byte it believes in ISO-8859-1: a GBK table then reads as
mojibake without any error. This module reads the bytes itself, so that the
encoding is chosen, checked and recorded here:

1. the ``encoding=`` argument, if the caller gave one;
2. the ``.cpg`` file;
3. the LDID byte, when it names an East Asian code page (77/122 GBK, 79/120 Big5,
   78/121 Korean, 19/123 Japanese). Western LDIDs (0x57 "ANSI", 0x03 cp1252 …)
   are written by default whatever the text is, so they are only a last resort;
4. strict UTF-8, then GB18030 (a superset of GBK and GB2312);
5. else ``vector.encoding_unknown``.

A declared encoding (1–3) that does not decode the text is refused with
``vector.encoding_mismatch`` and the encoding that would work; it is never
overridden silently. A detected one (4) is returned with ten decoded samples, for
the person importing to confirm.

Values: C → str (trailing blanks removed, empty → None), N/F → int when the field
has no decimals and the text is an integer, else float; D → ISO date string;
L → bool; blanks, ``*`` overflows and ``00000000`` dates → None. Memo and binary
fields (M, B, G, P and the Visual FoxPro binary types) are not read: their values
are None and a warning names them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from guotu.errors import InvalidInputError

__all__ = [
    "DbfField",
    "DbfTable",
    "EncodingChoice",
    "choose_encoding",
    "codec_for_cpg",
    "deleted",
    "read_header",
    "read_values",
]

_HEADER: Final = struct.Struct("<B3BIHH")
_DESCRIPTOR_SIZE: Final = 32
_TERMINATOR: Final = 0x0D
_DELETED: Final = 0x2A  # '*'
_TEXT_TYPES: Final = frozenset("C")

#: LDID byte → Python codec, for the East Asian code pages only (see the module docstring).
_CJK_LDIDS: Final = {
    0x4D: "gb18030",
    0x7A: "gb18030",
    0x4F: "big5",
    0x78: "big5",
    0x4E: "cp949",
    0x79: "cp949",
    0x13: "cp932",
    0x7B: "cp932",
}
#: Western LDIDs, used only when neither UTF-8 nor GB18030 decodes the text.
_WESTERN_LDIDS: Final = {0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252"}
#: .cpg spellings that Python's codec registry does not know by that name.
_CPG_NAMES: Final = {
    "65001": "utf-8",
    "utf8": "utf-8",
    "936": "gb18030",
    "cp936": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "ansi936": "gb18030",
    "88591": "latin-1",
    "8859_1": "latin-1",
    "iso88591": "latin-1",
    "950": "big5",
    "big5": "big5",
}
_SAMPLES: Final = 10
_INTEGER: Final = re.compile(rb"^[+-]?\d+$")


@dataclass(frozen=True)
class DbfField:
    """One field descriptor: raw name bytes, type letter, width, decimals and offset in the record."""

    raw_name: bytes
    kind: str
    length: int
    decimals: int
    offset: int


@dataclass(frozen=True)
class DbfTable:
    """A DBF header, checked against the file's size."""

    path: Path
    n_records: int
    header_length: int
    record_length: int
    ldid: int
    fields: tuple[DbfField, ...]


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding chosen for a table, where it came from, and samples to confirm it.

    ``source`` is ``argument``, ``cpg``, ``ldid``, ``ascii`` (nothing to decode)
    or ``detected`` (a guess, to be confirmed: the samples show it at work).
    """

    encoding: str
    source: str
    declared: str | None = None
    samples: tuple[str, ...] = ()
    warnings: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def guessed(self) -> bool:
        """True when nothing declared the encoding and text had to be decoded."""
        return self.source == "detected"


def _invalid(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.dbf_invalid", path=path.name, reason=reason)


def read_header(path: Path) -> DbfTable:
    """Read and check a DBF header.

    Raises
    ------
    InvalidInputError
        ``vector.dbf_invalid`` when the header is short, inconsistent (record length
        against the fields, header length against the descriptors) or declares more
        records than the file holds.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEADER.size)
        if len(head) < _HEADER.size:
            raise _invalid(path, "the file is shorter than a DBF header")
        version, _, _, _, n_records, header_length, record_length = _HEADER.unpack(head)
        if version & 0x07 not in (3, 4) and version not in (0x30, 0x31, 0x32):
            raise _invalid(path, f"unknown version byte 0x{version:02x}")
        if header_length < _DESCRIPTOR_SIZE + 1 or header_length > size:
            raise _invalid(path, f"header length {header_length} for a file of {size} bytes")
        fh.seek(0)
        header = fh.read(header_length)
    ldid = header[29]
    fields: list[DbfField] = []
    offset = 1  # the deletion flag comes first
    position = _DESCRIPTOR_SIZE
    while position + _DESCRIPTOR_SIZE <= header_length and header[position] not in (_TERMINATOR, 0):
        descriptor = header[position : position + _DESCRIPTOR_SIZE]
        raw_name = descriptor[:11].split(b"\x00", 1)[0].rstrip(b" ")
        kind = chr(descriptor[11]).upper()
        length, decimals = descriptor[16], descriptor[17]
        if kind == "C":  # dBase stores long text widths in the decimals byte too
            length += 256 * decimals
            decimals = 0
        if not raw_name:
            raise _invalid(path, f"field {len(fields) + 1} has no name")
        if length == 0:
            raise _invalid(path, f"field {len(fields) + 1} has width 0")
        fields.append(DbfField(raw_name, kind, length, decimals, offset))
        offset += length
        position += _DESCRIPTOR_SIZE
    if offset > record_length:
        raise _invalid(path, f"the fields need {offset} bytes per record, the header says {record_length}")
    needed = header_length + n_records * record_length
    if size < needed:
        present = max(size - header_length, 0) // max(record_length, 1)
        raise _invalid(path, f"truncated: {n_records} records declared, {present} present")
    return DbfTable(path, n_records, header_length, record_length, ldid, tuple(fields))


def _records(table: DbfTable) -> npt.NDArray[np.uint8]:
    count = table.n_records * table.record_length
    data = np.fromfile(table.path, dtype=np.uint8, count=count, offset=table.header_length)
    return data.reshape(table.n_records, table.record_length)


def deleted(table: DbfTable) -> npt.NDArray[np.bool_]:
    """Tell, per record, whether it is marked deleted (``*``)."""
    if not table.n_records:
        return np.zeros(0, dtype=bool)
    flags = np.fromfile(
        table.path, dtype=np.uint8, count=table.n_records * table.record_length, offset=table.header_length
    )
    result: npt.NDArray[np.bool_] = flags[:: table.record_length] == _DELETED
    return result


def codec_for_cpg(text: str) -> str | None:
    """Map the text of a ``.cpg`` file to a Python codec name, or None when unknown.

    Examples
    --------
    >>> codec_for_cpg("UTF-8"), codec_for_cpg("936"), codec_for_cpg("ANSI 936"), codec_for_cpg("klingon")
    ('utf-8', 'gb18030', 'gb18030', None)
    """
    key = re.sub(r"[\s\-]", "", text.strip().lstrip("\ufeff")).lower()
    if not key:
        return None
    if key in _CPG_NAMES:
        return _CPG_NAMES[key]
    if key.isdigit():
        key = f"cp{key}"
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    return "gb18030" if name in ("gbk", "gb2312") else name


def _strip(raw: bytes) -> bytes:
    return raw.rstrip(b" \x00")


def _decode(raw: bytes, encoding: str) -> str | None:
    """Decode one value strictly, tolerating only a last character cut by the field width."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        text = decoder.decode(raw, final=False)
    except UnicodeDecodeError:
        return None
    return text if decoder.getstate()[0] else None


def _text_bytes(table: DbfTable, records: npt.NDArray[np.uint8]) -> list[bytes]:
    """Collect the distinct non-ASCII byte strings of the table: field names and text values."""
    found: dict[bytes, None] = {}
    for item in table.fields:
        if any(b >= 0x80 for b in item.raw_name):
            found[item.raw_name] = None
    if not len(records):
        return list(found)
    live = records[records[:, 0] != _DELETED]
    for item in table.fields:
        if item.kind not in _TEXT_TYPES:
            continue
        column = live[:, item.offset : item.offset + item.length]
        rows = column[(column >= 0x80).any(axis=1)]
        if not len(rows):
            continue
        for raw in np.unique(rows, axis=0):
            found[_strip(raw.tobytes())] = None
    return list(found)


def _decodes(texts: Iterable[bytes], encoding: str) -> bool:
    return all(_decode(raw, encoding) is not None for raw in texts)


def _samples(texts: list[bytes], encoding: str) -> tuple[str, ...]:
    decoded = (_decode(raw, encoding) for raw in texts)
    return tuple(text for text in decoded if text)[:_SAMPLES]


def _detect(texts: list[bytes]) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        if _decodes(texts, encoding):
            return encoding
    return None


def choose_encoding(
    table: DbfTable,
    *,
    argument: str | None = None,
    cpg: str | None = None,
) -> EncodingChoice:
    """Choose the encoding of a table's text (see the module docstring for the order).

    Parameters
    ----------
    table
        The checked header.
    argument
        An encoding the caller named (it wins, but must decode the text).
    cpg
        The text of the ``.cpg`` file, if any.

    Raises
    ------
    InvalidInputError
        ``input.option_invalid`` for an unknown ``argument``;
        ``vector.encoding_mismatch`` when the declared encoding does not decode the
        text (its parameters name a ``suggested`` one, if any works);
        ``vector.encoding_unknown`` when nothing decodes it.
    """
    texts = _text_bytes(table, _records(table))
    path = table.path.name
    warnings: list[dict[str, Any]] = []
    declared: list[tuple[str, str, str]] = []  # (codec, source, as written)
    if argument is not None:
        codec = codec_for_cpg(argument)
        if codec is None:
            raise InvalidInputError(
                "input.option_invalid", option="encoding", value=argument, choices="UTF-8, GBK, GB18030 …"
            )
        declared.append((codec, "argument", argument))
    if cpg is not None and not declared:
        codec = codec_for_cpg(cpg)
        if codec is None:
            warnings.append({"code": "qc.cpg_unknown", "cpg": cpg.strip()[:40]})
        else:
            declared.append((codec, "cpg", cpg.strip()))
    if table.ldid in _CJK_LDIDS and not declared:
        declared.append((_CJK_LDIDS[table.ldid], "ldid", f"LDID 0x{table.ldid:02x}"))
    if declared:
        codec, source, written = declared[0]
        if not _decodes(texts, codec):
            suggested = _detect(texts)
            raise InvalidInputError(
                "vector.encoding_mismatch",
                path=path,
                declared=written,
                source=source,
                suggested=suggested or "?",
                samples=", ".join(_samples(texts, suggested)) if suggested else "",
            )
        return EncodingChoice(codec, source, written, _samples(texts, codec), tuple(warnings))
    if not texts:
        return EncodingChoice("utf-8", "ascii", None, (), tuple(warnings))
    detected = _detect(texts)
    if detected is None and table.ldid in _WESTERN_LDIDS:
        detected = _WESTERN_LDIDS[table.ldid]
    if detected is None:
        raise InvalidInputError("vector.encoding_unknown", path=path)
    return EncodingChoice(detected, "detected", None, _samples(texts, detected), tuple(warnings))


def _text_values(column: npt.NDArray[np.uint8], encoding: str) -> tuple[list[Any], int]:
    values: list[Any] = []
    truncated = 0
    width = column.shape[1]
    for raw in column.view(f"S{width}").ravel().tolist():  # numpy strips trailing NULs
        raw = raw.rstrip(b" \x00")
        if not raw:
            values.append(None)
        elif raw.isascii():
            values.append(raw.decode("ascii"))
        else:
            text = _decode(raw, encoding)
            if text is None:  # choose_encoding checked every value: cannot happen
                text = raw.decode(encoding, errors="replace")
            elif len(text.encode(encoding)) < len(raw):
                truncated += 1
            values.append(text)
    return values, truncated


def _number_values(column: npt.NDArray[np.uint8], decimals: int) -> tuple[list[Any], int]:
    values: list[Any] = []
    bad = 0
    width = column.shape[1]
    for raw in column.view(f"S{width}").ravel().tolist():
        text = raw.strip(b" \x00")
        if not text or text.startswith(b"*"):  # blank, or an overflow marker ('*****')
            values.append(None)
            bad += bool(text)
            continue
        try:
            if decimals == 0 and _INTEGER.match(text):
                values.append(int(text))
            else:
                values.append(float(text.replace(b",", b".")))
        except ValueError:
            values.append(None)
            bad += 1
    return values, bad


def _date_values(column: npt.NDArray[np.uint8]) -> tuple[list[Any], int]:
    values: list[Any] = []
    bad = 0
    width = column.shape[1]
    for raw in column.view(f"S{width}").ravel().tolist():
        text = raw.strip(b" \x00")
        if not text or text.strip(b"0") == b"":
            values.append(None)
            continue
        try:
            values.append(dt.date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat())
        except ValueError:
            values.append(None)
            bad += 1
    return values, bad


def _bool_values(column: npt.NDArray[np.uint8]) -> list[Any]:
    table = {ord(c): True for c in "TtYy"} | {ord(c): False for c in "FfNn"}
    return [table.get(int(b)) for b in column[:, 0]]


_TYPE_NAMES: Final = {"C": "str", "N": "float", "F": "float", "D": "date", "L": "bool"}


def _field_type(item: DbfField) -> dict[str, Any]:
    kind = _TYPE_NAMES.get(item.kind, "unsupported")
    if item.kind in "NF" and item.decimals == 0:
        kind = "int"
    return {"type": kind, "width": item.length, "precision": item.decimals, "dbf_type": item.kind}


def read_values(
    table: DbfTable, encoding: str, rows: npt.NDArray[np.int64]
) -> tuple[list[bytes], list[list[Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Read the values of the given records.

    Parameters
    ----------
    table
        The checked header.
    encoding
        Codec from :func:`choose_encoding`.
    rows
        Record numbers to read (the shapefile FIDs GDAL returned), in output order.

    Returns
    -------
    tuple
        Raw field names, one list of values per field, one type description per
        field (``type``: str, int, float, date, bool or unsupported, plus width and
        precision), and warnings (dicts with a ``code``).

    Raises
    ------
    InvalidInputError
        ``vector.dbf_invalid`` when a FID has no record.
    """
    records = _records(table)
    if len(rows) and (rows.min() < 0 or rows.max() >= table.n_records):
        raise _invalid(table.path, f"a shape has no record (FID {int(rows.max())} of {table.n_records})")
    records = records[rows]
    columns: list[list[Any]] = []
    warnings: list[dict[str, Any]] = []
    for item in table.fields:
        column = np.ascontiguousarray(records[:, item.offset : item.offset + item.length])
        name = item.raw_name.decode(encoding, errors="replace")
        if item.kind == "C":
            values, truncated = _text_values(column, encoding)
            if truncated:
                warnings.append({"code": "qc.value_truncated", "field": name, "count": truncated})
        elif item.kind in "NF":
            values, bad = _number_values(column, item.decimals)
            if bad:
                warnings.append({"code": "qc.value_unreadable", "field": name, "count": bad})
        elif item.kind == "D":
            values, bad = _date_values(column)
            if bad:
                warnings.append({"code": "qc.value_unreadable", "field": name, "count": bad})
        elif item.kind == "L":
            values = _bool_values(column)
        else:
            values = [None] * len(rows)
            warnings.append({"code": "qc.field_unsupported", "field": name, "dbf_type": item.kind})
        columns.append(values)
    return [f.raw_name for f in table.fields], columns, [_field_type(f) for f in table.fields], warnings
