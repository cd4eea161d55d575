"""read_document: real .txt, .docx, .pdf and .doc/.wps files made in the tests, good and hostile."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from guotu.documents import _pdf, _zipscan
from guotu.documents.readers import DocumentText, read_document
from guotu.errors import DependencyMissingError, DocumentError, GuotuError, InvalidInputError
from guotu.settings import DocumentSettings

CJK_FONT = "STSong-Light"
PLAN_TEXT = "某县2024年度国有建设用地供应计划\n一、供应总量\n居住用地77.33公顷，工矿仓储用地50.5公顷。\n"


def read(path: Path, **settings: object) -> DocumentText:
    """read_document, checking that the file is left exactly as it was, whatever happens."""
    before = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
    try:
        return read_document(path, settings=DocumentSettings(**settings) if settings else None)
    finally:
        if before is not None:
            assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def fails(path: Path, code: str, **settings: object) -> GuotuError:
    with pytest.raises(GuotuError) as caught:
        read(path, **settings)
    assert caught.value.code == code, caught.value
    assert caught.value.message("zh") and caught.value.message("en")
    return caught.value


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- .txt ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PLAN_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PLAN_TEXT.encode("utf-8"), "utf-8-sig"),
        (PLAN_TEXT.encode("gb18030"), "gb18030"),
        (PLAN_TEXT.encode("gbk"), "gb18030"),
        (PLAN_TEXT.encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + PLAN_TEXT.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_txt_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = write(tmp_path, "plan.txt", data)
    doc = read(path)
    assert doc.text == PLAN_TEXT
    assert doc.encoding == encoding
    assert (doc.format, doc.path, doc.size, doc.pages) == ("txt", str(path), len(data), None)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_txt_line_endings_become_newlines_and_nothing_else_changes(tmp_path: Path) -> None:
    text = "第一行\r\n第二行\r第三行\n\u3000全角：７７．３３公顷\t表"
    doc = read(write(tmp_path, "plan.TXT", text.encode("gbk")))
    assert doc.text == "第一行\n第二行\n第三行\n\u3000全角：７７．３３公顷\t表"


def test_txt_path_may_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.txt", b"abc")
    assert read_document(str(path)).path == str(path)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "document.empty"),
        (" \r\n\t\u3000\n".encode(), "document.empty"),
        (b"\xef\xbb\xbf", "document.empty"),
        (b"\xef\xbb\xbf  \r\n", "document.empty"),
        ("居住用地\x00公顷".encode(), "document.unsupported_type"),
        ("居住用地\x00".encode("utf-16"), "document.unsupported_type"),
        (b"plan \x80\x81\xff\xfe end", "document.encoding_unknown"),
        (b"\xff\xfe\x00\xd8", "document.encoding_unknown"),  # UTF-16 BOM, lone surrogate
    ],
    ids=[
        "empty",
        "whitespace",
        "bom-only",
        "bom-whitespace",
        "nul",
        "nul-utf16",
        "undecodable",
        "bad-utf16",
    ],
)
def test_txt_bad_input(tmp_path: Path, data: bytes, code: str) -> None:
    fails(write(tmp_path, "plan.txt", data), code)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.txt", PLAN_TEXT.encode())
    err = fails(path, "document.too_large", max_bytes=10)
    assert err.params["limit"] == 10
    assert err.params["size"] == path.stat().st_size


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as missing:
        read_document(tmp_path / "nope.txt")
    assert missing.value.code == "file.not_found"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InvalidInputError) as directory:
        read_document(folder)
    assert directory.value.code == "file.not_a_file"


@pytest.mark.parametrize("name", ["plan.xlsx", "plan", "plan.docm", "plan.txt.exe"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    fails(write(tmp_path, name, PLAN_TEXT.encode()), "document.unsupported_type")


# --- .docx: text -----------------------------------------------------------------------------


def plan_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某县2024年度国有建设用地供应计划")
    document.add_paragraph("一、供应总量")
    rows = [
        ("用地类型", "城区", "开发区", "合计"),
        ("居住用地", "40.00", "37.33", "77.33"),
        ("工矿仓储用地", "20.5", "30", "50.5"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("合计127.83公顷。")
    document.sections[0].header.paragraphs[0].text = "页眉不读"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PLAN_DOCX_TEXT = (
    "某县2024年度国有建设用地供应计划\n一、供应总量\n"
    "\n用地类型\t城区\t开发区\t合计\n居住用地\t40.00\t37.33\t77.33\n工矿仓储用地\t20.5\t30\t50.5\n\n"
    "合计127.83公顷。"
)


def test_docx_paragraphs_and_table_in_reading_order(tmp_path: Path, network_attempts: list[object]) -> None:
    data = plan_docx()
    doc = read(write(tmp_path, "plan.docx", data))
    assert doc.text == PLAN_DOCX_TEXT
    assert (doc.format, doc.encoding, doc.pages, doc.size) == ("docx", None, None, len(data))
    assert network_attempts == []


def test_docx_structure_breaks_merged_and_nested_cells(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行")
    paragraph.add_run().add_tab()
    paragraph.add_run("右侧")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "分区"
    table.cell(0, 2).text = "面积"
    table.cell(1, 0).text = "城区"
    table.cell(1, 1).text = "居住"
    table.cell(1, 1).add_paragraph("用地")
    table.cell(1, 2).text = "40"
    table.cell(1, 0).merge(table.cell(2, 0))
    nested = table.cell(2, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "甲"
    nested.cell(0, 1).text = "乙\t丙"
    table.cell(2, 2).text = "37.33"
    document.add_table(rows=1, cols=1).cell(0, 0).text = "第二表"
    document.add_paragraph("结束")
    out = io.BytesIO()
    document.save(out)
    doc = read(write(tmp_path, "s.docx", out.getvalue()))
    assert doc.text == (
        "第一行\n第二行\t右侧\n"
        "\n"  # the page break's own paragraph: an empty line
        "\n分区\t\t面积\n城区\t居住 用地\t40\n\t甲 乙 丙\t37.33\n\n"
        "\n第二表\n\n"
        "结束"
    )


def with_body(data: bytes, fragment: str, rels: str = "") -> bytes:
    """Insert raw WordprocessingML before the body's sectPr, and relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode()
        rel_xml = archive.read("word/_rels/document.xml.rels").decode()
    body = body.replace("<w:sectPr", fragment + "<w:sectPr", 1)
    rel_xml = rel_xml.replace("</Relationships>", rels + "</Relationships>")
    return rewrite_zip(
        data,
        replace={
            "word/document.xml": body.encode(),
            "word/_rels/document.xml.rels": rel_xml.encode(),
        },
    )


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def relationship(rel_id: str, kind: str, target: str, *, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" Target="{target}"{mode}/>'


def test_docx_hyperlinks_insertions_kept_deletions_and_textboxes_skipped(
    tmp_path: Path, network_attempts: list[object]
) -> None:
    fragment = (
        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink>'
        "<w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        '<w:r><w:t xml:space="preserve"> 尾 </w:t></w:r></w:p>'
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>内容控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    rels = relationship("rIdLink", "hyperlink", "http://127.0.0.1:9/x")
    doc = read(write(tmp_path, "h.docx", with_body(plan_docx(), fragment, rels)))
    assert doc.text.endswith("合计127.83公顷。\n链接文字新增 尾 \n内容控件")
    assert network_attempts == []


def test_docx_local_attached_template_is_accepted(tmp_path: Path) -> None:
    rels = (
        f'<Relationship Id="rIdT" Type="{REL}/attachedTemplate" '
        'Target="file:///C:\\Users\\a\\Templates\\红头文件.dotx" TargetMode="External"/>'
    )
    assert read(write(tmp_path, "t.docx", with_body(plan_docx(), "", rels))).text == PLAN_DOCX_TEXT


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def saved(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def test_docx_without_text(tmp_path: Path) -> None:
    fails(write(tmp_path, "empty.docx", saved(docx.Document())), "document.empty")
    scan = docx.Document()
    scan.add_picture(io.BytesIO(tiny_png()))
    fails(write(tmp_path, "scan.docx", saved(scan)), "document.no_text")


# --- .docx: hostile packages -----------------------------------------------------------------


def rewrite_zip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """Copy a zip, replacing or adding members; names are written verbatim."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the central directory and the local header declare ``size`` for ``name``."""
    raw = bytearray(data)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        if bytes(raw[central + 46 : central + 46 + name_length]) == name.encode():
            struct.pack_into("<I", raw, central + 24, size)
            local = struct.unpack_from("<I", raw, central + 42)[0]
            struct.pack_into("<I", raw, local + 22, size)
            return bytes(raw)
        central = raw.find(b"PK\x01\x02", central + 4)
    raise KeyError(name)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XXE = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">' for i in range(1, 10))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    + "</w:body></w:document>"
)


def _content_types_docm(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return rewrite_zip(data, replace={"[Content_Types].xml": types.encode()})


def _many_entries(data: bytes) -> bytes:
    return rewrite_zip(data, add={f"word/media/f{i}.bin": b"x" for i in range(1001)})


def _inner_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as inner:
        inner.writestr("a.txt", "a")
    return out.getvalue()


HOSTILE_DOCX: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "xxe": (
        lambda d: rewrite_zip(d, replace={"word/document.xml": XXE.encode()}),
        "document.unsafe",
    ),
    "billion-laughs": (
        lambda d: rewrite_zip(d, replace={"word/document.xml": LAUGHS.encode()}),
        "document.unsafe",
    ),
    "xxe-utf16": (
        lambda d: rewrite_zip(
            d,
            replace={"word/document.xml": XXE.replace("?>", ' encoding="UTF-16"?>').encode("utf-16")},
        ),
        "document.unsafe",
    ),
    "doctype-in-rels": (
        lambda d: rewrite_zip(d, add={"customXml/x.xml": b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><x/>'}),
        "document.unsafe",
    ),
    "docm-content-type": (_content_types_docm, "document.unsafe"),
    "vba-project": (
        lambda d: rewrite_zip(d, add={"word/vbaProject.bin": b"\x00" * 64}),
        "document.unsafe",
    ),
    "external-image": (
        lambda d: with_body(
            d,
            "",
            relationship("rIdX", "image", "http://127.0.0.1:9/x"),
        ),
        "document.unsafe",
    ),
    "external-template-unc": (
        lambda d: with_body(
            d,
            "",
            relationship("rIdX", "attachedTemplate", "\\\\10.0.0.1\\t.dotm"),
        ),
        "document.unsafe",
    ),
    "alt-chunk": (
        lambda d: rewrite_zip(
            with_body(
                d,
                '<w:altChunk r:id="rIdA"/>',
                f'<Relationship Id="rIdA" Type="{REL}/aFChunk" Target="a.html"/>',
            ),
            add={"word/a.html": b"<html>x</html>"},
        ),
        "document.unsafe",
    ),
    "ole-object": (
        lambda d: rewrite_zip(
            d,
            add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
        ),
        "document.unsafe",
    ),
    "zip-slip": (lambda d: rewrite_zip(d, add={"../../evil.txt": b"x"}), "document.unsafe"),
    "absolute-name": (lambda d: rewrite_zip(d, add={"/tmp/evil.xml": b"<x/>"}), "document.unsafe"),
    "backslash-name": (
        lambda d: rewrite_zip(d, add={"word\\..\\evil.xml": b"<x/>"}),
        "document.unsafe",
    ),
    "too-many-entries": (_many_entries, "document.archive_limit"),
    "high-ratio": (
        lambda d: rewrite_zip(d, add={"word/media/zeros.bin": bytes(50 * 1024 * 1024)}),
        "document.archive_limit",
    ),
    "declared-2gb": (
        lambda d: patch_declared_size(d, "word/document.xml", 2 * 1024**3),
        "document.archive_limit",
    ),
    "nested-zip": (
        lambda d: rewrite_zip(d, add={"word/media/image9.png": _inner_zip()}),
        "document.archive_limit",
    ),
    "truncated": (lambda d: d[: len(d) // 2], "document.corrupt"),
    "malformed-xml": (
        lambda d: rewrite_zip(d, replace={"word/document.xml": b"<w:document><w:body>"}),
        "document.corrupt",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_DOCX))
def test_hostile_docx_is_refused(tmp_path: Path, network_attempts: list[object], case: str) -> None:
    build, code = HOSTILE_DOCX[case]
    path = write(tmp_path, "hostile.docx", build(plan_docx()))
    started = time.perf_counter()
    err = fails(path, code)
    assert time.perf_counter() - started < 5
    assert network_attempts == []
    assert "reason" in err.params or code == "document.corrupt"
    assert sorted(os.listdir(tmp_path)) == ["hostile.docx"]  # nothing extracted next to it


def test_lying_size_header_is_refused(tmp_path: Path) -> None:
    # The header says 100 bytes; the entry holds 1 MB. zipfile stops at the declared
    # size and the CRC no longer matches, so the entry is never fully inflated.
    data = rewrite_zip(plan_docx(), add={"word/media/big.bin": b"a" * 1_000_000})
    path = write(tmp_path, "lying.docx", patch_declared_size(data, "word/media/big.bin", 100))
    with pytest.raises(DocumentError) as caught:
        read(path)
    assert caught.value.code in ("document.corrupt", "document.archive_limit")


def test_expat_refuses_doctype_even_without_the_byte_scan() -> None:
    parser = _zipscan.make_parser("x.docx")
    with pytest.raises(DocumentError) as caught:
        parser.Parse(XXE.encode(), True)
    assert caught.value.code == "document.unsafe"


# --- type detection ----------------------------------------------------------------------------


def make_cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 OLE2 compound file: header, one FAT sector, one directory sector, data."""
    assert len(streams) <= 3
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_sector, end]
    entries = [_dir_entry("Root Entry", 5, end, 0, child=1 if streams else free)]
    data: list[bytes] = []
    for index, (name, content) in enumerate(streams.items(), start=1):
        count = -(-len(content) // 512)
        start = 2 + len(data) if count else end
        for i in range(count):
            data.append(content[i * 512 : (i + 1) * 512].ljust(512, b"\x00"))
            fat.append(start + i + 1 if i < count - 1 else end)
        entries.append(_dir_entry(name, 2, start, len(content), right=index + 1 if index < len(streams) else free))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))
    return bytes(header) + fat_bytes + b"".join(entries).ljust(512, b"\x00") + b"".join(data)


def _dir_entry(
    name: str, kind: int, start: int, size: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    raw = bytearray(128)
    raw[: len(encoded)] = encoded
    struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
    struct.pack_into("<III", raw, 68, 0xFFFFFFFF, right, child)
    struct.pack_into("<IQ", raw, 116, start, size)
    return bytes(raw)


def word_stream(*, encrypted: bool) -> bytes:
    fib = bytearray(4096)
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0804, 0, 0x0100 if encrypted else 0)
    return bytes(fib)


def small_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "plan")
    page.save()
    return out.getvalue()


MZ = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + bytes(48)
    + b"This program cannot be run in DOS mode."
)


@pytest.mark.parametrize(
    ("name", "make", "code", "detected"),
    [
        ("plan.txt", plan_docx, "document.type_mismatch", "docx"),
        ("plan.pdf", plan_docx, "document.type_mismatch", "docx"),
        ("plan.doc", plan_docx, "document.type_mismatch", "docx"),
        ("plan.txt", small_pdf, "document.type_mismatch", "pdf"),
        ("plan.docx", small_pdf, "document.type_mismatch", "pdf"),
        ("plan.pdf", lambda: PLAN_TEXT.encode(), "document.type_mismatch", "txt"),
        ("plan.docx", lambda: PLAN_TEXT.encode("gbk"), "document.type_mismatch", "txt"),
        ("plan.pdf", lambda: MZ, "document.unsupported_type", "Windows executable"),
        ("plan.txt", lambda: MZ, "document.unsupported_type", "Windows executable"),
        (
            "plan.docx",
            lambda: b"\x7fELF\x02\x01\x01" + bytes(64),
            "document.unsupported_type",
            "ELF executable",
        ),
        ("plan.pdf", tiny_png, "document.unsupported_type", "PNG image"),
        (
            "plan.doc",
            lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF",
            "document.unsupported_type",
            "JPEG image",
        ),
        ("plan.txt", lambda: b"GIF89a\x01\x00\x01\x00", "document.unsupported_type", "GIF image"),
        (
            "plan.docx",
            lambda: rewrite_zip(plan_docx(), add={"xl/workbook.xml": b"<x/>"}).replace(
                b"word/document.xml", b"word/documenX.xml"
            ),
            "document.unsupported_type",
            "xlsx",
        ),
        ("plan.doc", lambda: make_cfb({"Workbook": b""}), "document.unsupported_type", "xls"),
        (
            "plan.pdf",
            lambda: bytes(range(1, 256)) * 4,
            "document.unsupported_type",
            "unknown binary",
        ),
        ("plan.txt", lambda: make_cfb({"WordDocument": b""}), "document.type_mismatch", "doc"),
    ],
)
def test_content_decides_the_type(
    tmp_path: Path, name: str, make: Callable[[], bytes], code: str, detected: str
) -> None:
    err = fails(write(tmp_path, name, make()), code)
    assert err.params["detected"] == detected


def test_encrypted_office_containers(tmp_path: Path) -> None:
    package = make_cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 16})
    fails(write(tmp_path, "plan.docx", package), "document.encrypted")
    fails(
        write(tmp_path, "plan.doc", make_cfb({"WordDocument": word_stream(encrypted=True)})),
        "document.encrypted",
    )
    fails(
        write(tmp_path, "broken.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        "document.corrupt",
    )


# --- .pdf ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _cjk_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def canvas_pdf(path: Path, pages: list[list[str]], **options: object) -> Path:
    page = canvas.Canvas(str(path), pagesize=A4, **options)
    for lines in pages:
        page.setFont(CJK_FONT, 12)
        for i, line in enumerate(lines):
            page.drawString(72, 760 - 20 * i, line)
        page.showPage()
    page.save()
    return path


def compact(text: str) -> str:
    return "".join(text.split())


def test_pdf_chinese_text_and_pages(tmp_path: Path) -> None:
    path = canvas_pdf(
        tmp_path / "plan.pdf",
        [
            ["2024年度国有建设用地供应计划", "居住用地77.33公顷，商服用地12.5公顷。"],
            ["第二页 工矿仓储用地 30 公顷"],
        ],
    )
    doc = read(path)
    assert (doc.format, doc.pages, doc.encoding) == ("pdf", 2, None)
    assert doc.text == (
        "2024年度国有建设用地供应计划\n居住用地77.33公顷，商服用地12.5公顷。\n第二页 工矿仓储用地 30 公顷"
    )
    assert "居住用地77.33公顷" in compact(doc.text)
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_ruled_table_becomes_tab_separated_rows(tmp_path: Path) -> None:
    style = ParagraphStyle("body", fontName=CJK_FONT, fontSize=11, leading=14)
    table = Table([["用地类型", "城区", "开发区"], ["居住用地", "40.00", "37.33"], ["商服用地", "5.5", "7"]])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
            ]
        )
    )
    path = tmp_path / "table.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [
            Paragraph("表前文字：供应计划如下", style),
            Spacer(1, 12),
            table,
            Spacer(1, 12),
            Paragraph("表后文字：合计77.33公顷", style),
        ]
    )
    assert read(path).text == (
        "表前文字：供应计划如下\n\n用地类型\t城区\t开发区\n居住用地\t40.00\t37.33\n商服用地\t5.5\t7\n\n表后文字：合计77.33公顷"
    )


def test_pdf_scan_without_text(tmp_path: Path) -> None:
    page = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    page.rect(50, 50, 400, 600, fill=1)
    page.circle(300, 400, 80, fill=1)
    page.save()
    fails(tmp_path / "scan.pdf", "document.no_text")


def test_pdf_encrypted(tmp_path: Path) -> None:
    fails(canvas_pdf(tmp_path / "secret.pdf", [["机密"]], encrypt="secret"), "document.encrypted")


def test_pdf_truncated_and_malformed(tmp_path: Path) -> None:
    data = canvas_pdf(tmp_path / "plan.pdf", [["居住用地"]]).read_bytes()
    err = fails(write(tmp_path, "cut.pdf", data[: len(data) // 2]), "document.corrupt")
    assert "truncated" in err.params["reason"]
    fails(
        write(tmp_path, "junk.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n%%EOF\n"),
        "document.corrupt",
    )


def test_pdf_page_limit(tmp_path: Path) -> None:
    path = canvas_pdf(tmp_path / "plan.pdf", [["一"], ["二"], ["三"]])
    err = fails(path, "document.too_many_pages", pdf_max_pages=2)
    assert (err.params["pages"], err.params["limit"]) == (3, 2)


def raw_pdf(content: bytes, *, catalog: bytes = b"", count: int = 1, flate: bool = False) -> bytes:
    """A hand-written one-page PDF with a correct xref table."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 " + font + b" >> >> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), b"/Filter /FlateDecode " if flate else b"")
        + content
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zeros_deflate(size_mib: int) -> bytes:
    """A zlib stream of ``size_mib`` MiB of NUL bytes, built from one repeated block."""
    block = 4 * 1024 * 1024
    packer = zlib.compressobj(9)
    first = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    total = size_mib * 1024 * 1024
    adler = ((total % 65521) << 16) | 1  # Adler-32 of NUL bytes: A stays 1, B counts them
    return first + repeat * (total // block - 1) + b"\x03\x00" + struct.pack(">I", adler)


def test_pdf_javascript_is_never_run_and_text_is_read(tmp_path: Path) -> None:
    action = b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "
    data = raw_pdf(b"BT /F1 12 Tf 72 720 Td (land supply plan) Tj ET", catalog=action)
    assert read(write(tmp_path, "js.pdf", data)).text == "land supply plan"


def test_pdf_lying_page_count_is_refused_before_parsing_pages(tmp_path: Path) -> None:
    data = raw_pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET", count=10_000_000)
    err = fails(write(tmp_path, "pages.pdf", data), "document.too_many_pages")
    assert err.params["pages"] == 10_000_000


def test_pdf_flate_bomb_hits_the_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A content stream that inflates past the worker's address-space limit. The limit
    # is lowered to 192 MiB (from 512) so that inflating up to it takes a fraction of
    # a second; the mechanism is the same.
    monkeypatch.setattr(_pdf, "PDF_MEMORY_LIMIT", 192 * 1024 * 1024)
    path = write(tmp_path, "bomb.pdf", raw_pdf(zeros_deflate(256), flate=True))
    started = time.perf_counter()
    fails(path, "document.timeout")
    assert time.perf_counter() - started < 10


def test_pdf_worker_timeout(tmp_path: Path) -> None:
    path = canvas_pdf(tmp_path / "plan.pdf", [["居住用地"]])
    fails(path, "document.timeout", timeout_seconds=0.001)


# --- .doc / .wps (LibreOffice) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def legacy_doc(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real Word 97 .doc, converted by LibreOffice from the plan .docx."""
    import subprocess

    work = tmp_path_factory.mktemp("soffice")
    source = write(work, "plan.docx", plan_docx())
    env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "doc",
            "--outdir",
            str(work / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    return (work / "out" / "plan.doc").read_bytes()


@pytest.fixture()
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile at an empty directory, to check that conversions leave nothing behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.libreoffice
@pytest.mark.parametrize("extension", [".doc", ".wps", ".DOC"])
def test_doc_and_wps_via_libreoffice(tmp_path: Path, legacy_doc: bytes, private_tmp: Path, extension: str) -> None:
    assert legacy_doc.startswith(b"\xd0\xcf\x11\xe0")
    path = write(tmp_path, f"plan{extension}", legacy_doc)
    doc = read(path)
    assert doc.text == PLAN_DOCX_TEXT
    assert doc.format == extension.lstrip(".").lower()
    assert doc.sha256 == hashlib.sha256(legacy_doc).hexdigest()
    assert list(private_tmp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, "tmp"])


@pytest.mark.libreoffice
def test_doc_conversion_failure_cleans_up(tmp_path: Path, soffice: str, private_tmp: Path) -> None:
    path = write(tmp_path, "broken.doc", make_cfb({"WordDocument": word_stream(encrypted=False)}))
    with pytest.raises(DocumentError) as caught:
        read(path)
    assert caught.value.code in ("document.conversion_failed", "document.empty")
    assert list(private_tmp.iterdir()) == []


@pytest.mark.libreoffice
def test_doc_conversion_timeout_kills_libreoffice_and_cleans_up(
    tmp_path: Path, legacy_doc: bytes, private_tmp: Path
) -> None:
    started = time.perf_counter()
    fails(write(tmp_path, "plan.doc", legacy_doc), "document.timeout", timeout_seconds=0.3)
    assert time.perf_counter() - started < 5
    assert list(private_tmp.iterdir()) == []


def test_missing_libreoffice(tmp_path: Path, private_tmp: Path) -> None:
    path = write(tmp_path, "plan.wps", make_cfb({"WordDocument": word_stream(encrypted=False)}))
    with pytest.raises(DependencyMissingError) as caught:
        read(path, soffice="/nonexistent/soffice")
    assert caught.value.code == "document.libreoffice_missing"
    assert caught.value.params["extension"] == ".wps"
    assert "libreoffice-writer-nogui" in caught.value.message("en")
    assert list(private_tmp.iterdir()) == []


def test_docx_with_a_chart_workbook_reads(tmp_path: Path) -> None:
    # A chart keeps its data in an embedded .xlsx (a zip inside the zip, depth 1):
    # counted against the limits, never opened, and the text still reads.
    data = with_body(
        plan_docx(),
        "",
        f'<Relationship Id="rIdC" Type="{REL}/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/>',
    )
    data = rewrite_zip(data, add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": _inner_zip()})
    document = read(write(tmp_path, "chart.docx", data))
    assert "居住用地" in document.text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsm", None),
        ("word/embeddings/oleObject2.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        ("word/embeddings/payload.exe", b"MZ" + bytes(64)),
    ],
)
def test_other_embeddings_stay_refused(tmp_path: Path, name: str, content: bytes | None) -> None:
    data = rewrite_zip(plan_docx(), add={name: content if content is not None else _inner_zip()})
    fails(write(tmp_path, "embedded.docx", data), "document.unsafe")
