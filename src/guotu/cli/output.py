"""Output helpers shared by the commands: consoles, JSON, safe file writes."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from guotu.errors import InvalidInputError

__all__ = ["emit", "emit_json", "err_console", "out_console", "write_atomic"]


def out_console() -> Console:
    """Return a console on stdout: results only (wide when piped, so tables do not fold)."""
    width = None if sys.stdout.isatty() else 200
    return Console(file=sys.stdout, soft_wrap=True, highlight=False, width=width)


def err_console() -> Console:
    """Return a console on stderr: notes, progress, errors."""
    return Console(file=sys.stderr, highlight=False)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidInputError("file.write_failed", path=str(path), reason="no such directory")
    fd, tmp = tempfile.mkstemp(prefix=".guotu-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInputError("file.write_failed", path=str(path), reason=err.strerror or str(err)) from err


def emit(text: str, output: Path | None) -> None:
    """Send ``text`` to ``output`` (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_atomic(output, text if text.endswith("\n") else text + "\n")


def emit_json(data: Any, output: Path | None) -> None:
    """Send ``data`` as indented UTF-8 JSON."""
    emit(json.dumps(data, ensure_ascii=False, indent=2), output)
