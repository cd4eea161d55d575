"""Run the PDF text extraction in a capped subprocess (RELIABILITY §5.5).

The worker (:mod:`guotu.documents._pdf_worker`) gets the PDF's bytes on stdin, so it
parses exactly the bytes that were hashed, and answers with JSON on stdout. It runs
with an address-space limit, a CPU-time limit, no core dumps and no file writes,
and the parent kills it at the wall-clock timeout from the settings.
"""

from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guotu.errors import DocumentError
from guotu.settings import DocumentSettings

__all__ = ["PDF_MEMORY_LIMIT", "PdfText", "extract_pdf"]

logger = logging.getLogger(__name__)

#: Address-space limit of the worker, in bytes (RELIABILITY §5.5: 512 MiB). The worker
#: needs about 50 MiB for pdfplumber and tens of MiB per dense page.
PDF_MEMORY_LIMIT = 512 * 1024 * 1024
_WORKER = Path(__file__).with_name("_pdf_worker.py")
_EOF_WINDOW = 2048
_STDERR_TAIL = 2000


@dataclass(frozen=True)
class PdfText:
    """The text of every page and the page count."""

    text: str
    pages: int


def _check_complete(data: bytes, path: str) -> None:
    # A PDF ends with %%EOF (junk after it is tolerated, as viewers do); a file cut
    # short loses it. pdfminer would otherwise rebuild what it can and return a
    # silently partial text.
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise DocumentError("document.corrupt", path=path, reason="truncated: no %%EOF marker")


def _command(settings: DocumentSettings) -> list[str]:
    # The CPU limit follows the wall-clock timeout: a lower one would make the
    # configured timeout meaningless (a dense page takes about 70 ms, so the
    # default 500 pages need about 35 s). It backs the timeout up if the parent dies.
    cpu_seconds = max(1, math.ceil(settings.timeout_seconds))
    return [
        sys.executable,
        "-P",  # do not put the worker's directory on sys.path
        "-B",  # write no .pyc files
        str(_WORKER),
        "--max-pages",
        str(settings.pdf_max_pages),
        "--memory",
        str(PDF_MEMORY_LIMIT),
        "--cpu",
        str(cpu_seconds),
    ]


def _run_worker(data: bytes, *, path: str, settings: DocumentSettings) -> dict[str, Any]:
    try:
        completed = subprocess.run(
            _command(settings),
            input=data,
            capture_output=True,
            timeout=settings.timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("PDF worker timed out after %ss: %s", settings.timeout_seconds, path)
        raise DocumentError("document.timeout", path=path) from None
    stderr = completed.stderr.decode("utf-8", errors="replace")[-_STDERR_TAIL:]
    if completed.returncode != 0:
        logger.warning("PDF worker failed (exit %s) on %s: %s", completed.returncode, path, stderr)
        raise DocumentError("document.timeout", path=path)
    if stderr.strip():
        logger.debug("PDF worker stderr for %s: %s", path, stderr)
    try:
        result = json.loads(completed.stdout)
    except ValueError:
        logger.warning("PDF worker gave no JSON for %s: %s", path, stderr)
        raise DocumentError("document.timeout", path=path) from None
    if not isinstance(result, dict):
        raise DocumentError("document.timeout", path=path)
    return result


def extract_pdf(data: bytes, *, path: str, settings: DocumentSettings) -> PdfText:
    r"""Return the text of a PDF, extracted in a resource-limited subprocess.

    Parameters
    ----------
    data
        The whole file.
    path
        The document path, for error messages.
    settings
        ``pdf_max_pages`` and ``timeout_seconds`` apply.

    Returns
    -------
    PdfText
        Page texts joined by ``"\n"`` (see :mod:`guotu.documents._pdf_worker` for
        the layout of tables) and the page count.

    Raises
    ------
    DocumentError
        ``document.corrupt`` (truncated or malformed), ``document.encrypted``
        (a password is needed), ``document.too_many_pages``, or
        ``document.timeout`` (the worker timed out, crashed or hit a limit).
    """
    _check_complete(data, path)
    result = _run_worker(data, path=path, settings=settings)
    status = result.get("status")
    if status == "ok" and isinstance(result.get("text"), str):
        return PdfText(text=result["text"], pages=int(result.get("pages", 0)))
    if status == "encrypted":
        raise DocumentError("document.encrypted", path=path)
    if status == "too_many_pages":
        raise DocumentError(
            "document.too_many_pages",
            path=path,
            pages=result.get("pages"),
            limit=settings.pdf_max_pages,
        )
    if status == "corrupt":
        raise DocumentError("document.corrupt", path=path, reason=str(result.get("reason", "")))
    raise DocumentError("document.timeout", path=path)
