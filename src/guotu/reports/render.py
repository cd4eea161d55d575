"""Render documents to PDF (LibreOffice) and pages to PNG (poppler's ``pdftoppm``).

For PDF copies of reports and for tests that look at the pages. LibreOffice runs
through :func:`guotu.services.office.convert_file` (its own temporary profile per
call, macros off, process group killed on a timeout).

Examples
--------
>>> import shutil
>>> bool(shutil.which("pdftoppm"))
True
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from guotu.errors import DependencyMissingError, InvalidInputError, NotFoundError
from guotu.services.office import convert_file

__all__ = ["docx_to_pdf", "docx_to_pngs", "pdf_to_pngs", "to_pdf"]

_PAGE = re.compile(r"-(\d+)\.png$")


def to_pdf(source: Path, out_dir: Path, *, timeout_s: float = 120) -> Path:
    """Convert any document LibreOffice opens (.docx, .xlsx, .odt ...) to ``out_dir/<stem>.pdf``."""
    return convert_file(Path(source), Path(out_dir), target="pdf", timeout_s=timeout_s)


def docx_to_pdf(docx: Path, out_dir: Path, *, timeout_s: float = 120) -> Path:
    """Convert a .docx to ``out_dir/<stem>.pdf`` with LibreOffice headless.

    Raises
    ------
    NotFoundError
        ``report.source_missing``.
    DependencyMissingError
        ``report.libreoffice_missing`` (with the install hint) when ``soffice`` is absent.
    DocumentError
        ``document.timeout``.
    InvalidInputError
        ``report.conversion_failed``.
    """
    return convert_file(Path(docx), Path(out_dir), target="pdf", timeout_s=timeout_s)


def pdf_to_pngs(
    pdf: Path,
    out_dir: Path,
    *,
    dpi: int = 80,
    first: int = 1,
    last: int | None = None,
    timeout_s: float = 120,
) -> list[Path]:
    """Render pages ``first``..``last`` of a PDF to ``out_dir/<stem>-<page>.png``; return them in page order.

    Raises
    ------
    NotFoundError
        ``report.source_missing``.
    InvalidInputError
        ``report.page_range_invalid``, or ``report.render_failed`` when pdftoppm fails.
    DependencyMissingError
        ``report.pdftoppm_missing``.
    """
    pdf = Path(pdf)
    if not pdf.is_file():
        raise NotFoundError("report.source_missing", path=str(pdf))
    if first < 1 or (last is not None and last < first):
        raise InvalidInputError("report.page_range_invalid", first=first, last=last)
    program = shutil.which("pdftoppm")
    if program is None:
        raise DependencyMissingError("report.pdftoppm_missing", path=str(pdf))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="guotu-pdftoppm-", dir=out_dir) as tmp:
        command = [program, "-png", "-r", str(int(dpi)), "-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        command += [str(pdf), str(Path(tmp) / "page")]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise InvalidInputError("report.render_failed", path=str(pdf), reason="timeout") from None
        pages = sorted(
            ((int(m.group(1)), p) for p in Path(tmp).glob("page-*.png") if (m := _PAGE.search(p.name))),
        )
        if done.returncode != 0 or not pages:
            reason = done.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {done.returncode}"
            raise InvalidInputError("report.render_failed", path=str(pdf), reason=reason)
        result: list[Path] = []
        for number, page in pages:
            target = out_dir / f"{pdf.stem}-{number}.png"
            page.replace(target)
            result.append(target)
        return result


def docx_to_pngs(docx: Path, out_dir: Path, *, dpi: int = 80, timeout_s: float = 120) -> list[Path]:
    """Render every page of a .docx to PNG (LibreOffice → PDF in ``out_dir``, then pdftoppm)."""
    pdf = docx_to_pdf(docx, out_dir, timeout_s=timeout_s)
    return pdf_to_pngs(pdf, out_dir, dpi=dpi, timeout_s=timeout_s)
