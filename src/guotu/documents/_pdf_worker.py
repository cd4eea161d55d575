r"""Extract a PDF's text in a separate, resource-limited process.

Run as a script (``python -P -B _pdf_worker.py --max-pages N --memory BYTES --cpu S``)
by :mod:`guotu.documents._pdf`. It reads the PDF's bytes from stdin, lowers its own
limits (address space, CPU seconds, file size, core dumps) before importing
pdfplumber, and writes one JSON object to stdout::

    {"status": "ok", "pages": 3, "text": "..."}
    {"status": "encrypted" | "corrupt" | "too_many_pages", "pages": 0, "reason": "..."}

It imports only the standard library and pdfplumber (not guotu), so it starts fast
and a hostile PDF meets as little code as possible. Exit status 0 means the JSON is
on stdout; anything else (a crash, a signal from a limit, ``MemoryError``, a library
that cannot be loaded under the limit) means no answer.

Layout of each page's text: the lines outside ruled tables (``page.find_tables()``)
and each table's rows, ordered top to bottom. A table is an empty line, one line
per row with the cells joined by ``"\t"``, and an empty line. A cell's wrapped
lines are joined with nothing between two CJK characters and a space otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from typing import Any

_Bbox = tuple[float, float, float, float]
_LIMIT_EXIT = 3


def _limit_resources(memory: int, cpu: int) -> None:
    if sys.platform == "win32":
        return
    import resource

    for limit, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_CORE, 0),
    ):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):  # pragma: no cover - e.g. RLIMIT_AS on macOS
            pass


def _forbid_file_writes() -> None:
    if sys.platform == "win32":
        return
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    except (ValueError, OSError):  # pragma: no cover
        pass


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _join_wrapped(lines: Sequence[str]) -> str:
    text = ""
    for line in (part.strip() for part in lines):
        if not line:
            continue
        if text and not (_is_cjk(text[-1]) and _is_cjk(line[0])):
            text += " "
        text += line
    return text


def _cell_text(cell: str | None) -> str:
    if not cell:
        return ""
    return _join_wrapped(cell.replace("\t", " ").split("\n"))


def _inside(obj: dict[str, Any], boxes: Sequence[_Bbox]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _outside_tables(boxes: Sequence[_Bbox]) -> Callable[[dict[str, Any]], bool]:
    def keep(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or not _inside(obj, boxes)

    return keep


def _bbox(raw: Sequence[float]) -> _Bbox:
    x0, top, x1, bottom = (float(v) for v in raw)
    return x0, top, x1, bottom


def _page_text(page: Any) -> str:
    tables = page.find_tables()
    boxes = [_bbox(t.bbox) for t in tables]
    rest = page.filter(_outside_tables(boxes)) if boxes else page
    blocks: list[tuple[float, int, list[str]]] = [
        (float(line["top"]), 0, [line["text"]]) for line in rest.extract_text_lines(strip=True, return_chars=False)
    ]
    for table in tables:
        rows = ["\t".join(_cell_text(c) for c in row) for row in table.extract()]
        blocks.append((float(table.bbox[1]), 1, ["", *rows, ""]))
    blocks.sort(key=lambda block: (block[0], block[1]))
    return "\n".join(line for _, _, lines in blocks for line in lines)


def _declared_pages(pdf: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
    except Exception:
        return None
    return count if isinstance(count, int) else None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    # pdfplumber wraps pdfminer's errors (PdfminerException(inner)); look inside.
    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    return any(isinstance(c, kind) for c in causes)


def _is_password_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError

    return _caused_by(exc, PDFEncryptionError)


def _extract(data: bytes, max_pages: int) -> dict[str, Any]:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if _is_password_error(exc):
            return {"status": "encrypted", "pages": 0, "reason": "password required"}
        raise
    with pdf:
        declared = _declared_pages(pdf)
        if declared is not None and declared > max_pages:
            return {"status": "too_many_pages", "pages": declared, "reason": ""}
        pages = pdf.pages
        if len(pages) > max_pages:
            return {"status": "too_many_pages", "pages": len(pages), "reason": ""}
        texts = []
        for page in pages:
            texts.append(_page_text(page))
            page.close()
        return {"status": "ok", "pages": len(pages), "text": "\n".join(texts)}


def _reason(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    detail = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {detail}"[:200] if detail else type(inner).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Read a PDF from stdin and write its text as JSON to stdout."""
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-pages", type=int, required=True)
    parser.add_argument("--memory", type=int, required=True)
    parser.add_argument("--cpu", type=int, required=True)
    args = parser.parse_args(argv)
    _limit_resources(args.memory, args.cpu)
    data = sys.stdin.buffer.read()
    try:
        import pdfplumber  # noqa: F401  - imported before file writes are forbidden
    except (ImportError, MemoryError) as exc:
        sys.stderr.write(f"cannot import pdfplumber: {exc}\n")
        return _LIMIT_EXIT
    _forbid_file_writes()
    try:
        result = _extract(data, args.max_pages)
    except Exception as exc:
        # Under the address-space limit, running out of memory also shows up as a
        # lazy import failing to map a shared library.
        if _caused_by(exc, MemoryError) or _caused_by(exc, ImportError):
            sys.stderr.write(f"resource limit: {exc!r}\n")
            return _LIMIT_EXIT
        result = {"status": "corrupt", "pages": 0, "reason": _reason(exc)}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
