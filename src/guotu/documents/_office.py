"""Convert .doc and .wps files to .docx with LibreOffice, in a throw-away directory.

Each conversion gets its own temporary directory holding a copy of the input, a
fresh LibreOffice profile (parallel conversions sharing a profile lose jobs
silently), the output, and ``HOME``/``TMPDIR`` for anything else LibreOffice
writes. Macros are switched off in that profile. The directory is removed when the
conversion ends, whether it succeeds, fails or times out; on a timeout the whole
process group is killed first.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from guotu.errors import DependencyMissingError, DocumentError
from guotu.settings import DocumentSettings

__all__ = ["PROFILE_SETTINGS", "convert_to_docx", "failure_reason", "find_soffice", "run_soffice"]

logger = logging.getLogger(__name__)

PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""
_STDERR_TAIL = 300


def find_soffice(settings: DocumentSettings) -> str | None:
    """Return the LibreOffice program to run, or None when there is none.

    ``settings.soffice`` wins when set: a path must name an executable file, a bare
    name is looked up on ``PATH``. Otherwise ``soffice``, then ``libreoffice``, are
    looked up on ``PATH``.
    """
    configured = settings.soffice
    if configured:
        if os.sep in configured or (os.altsep and os.altsep in configured):
            usable = os.path.isfile(configured) and os.access(configured, os.X_OK)
            return configured if usable else None
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # soffice is a launcher that starts soffice.bin; kill the whole session, which
    # start_new_session made ours alone. The leader is not reaped yet, so its pid
    # cannot have been reused.
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is not None:
            killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except ProcessLookupError:
        pass
    process.communicate()


def run_soffice(command: list[str], *, workdir: Path, path: str, timeout: float) -> str:
    env = {**os.environ, "HOME": str(workdir), "TMPDIR": str(workdir), "TMP": str(workdir)}
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            logger.warning("LibreOffice timed out after %ss converting %s", timeout, path)
            raise DocumentError("document.timeout", path=path) from None
    output = (stdout + stderr).decode("utf-8", errors="replace")
    logger.debug("LibreOffice exit %s for %s: %s", process.returncode, path, output)
    return output


def failure_reason(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no output file"])[-1][-_STDERR_TAIL:]


def convert_to_docx(data: bytes, *, path: str, extension: str, settings: DocumentSettings) -> bytes:
    """Convert a .doc or .wps file's bytes to .docx bytes with LibreOffice.

    Parameters
    ----------
    data
        The whole file; it is copied into the temporary directory, so LibreOffice
        never opens (or leaves a lock file next to) the original.
    path
        The document path, for error messages.
    extension
        ``.doc`` or ``.wps``; the copy keeps it.
    settings
        ``soffice`` and ``timeout_seconds`` apply.

    Returns
    -------
    bytes
        The converted .docx.

    Raises
    ------
    DependencyMissingError
        ``document.libreoffice_missing`` when LibreOffice cannot be found.
    DocumentError
        ``document.timeout`` or ``document.conversion_failed``.
    """
    soffice = find_soffice(settings)
    if soffice is None:
        raise DependencyMissingError("document.libreoffice_missing", path=path, extension=extension)
    with tempfile.TemporaryDirectory(prefix="guotu-office-") as tmp:
        workdir = Path(tmp)
        source = workdir / f"input{extension}"
        source.write_bytes(data)
        profile = workdir / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        outdir = workdir / "out"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            str(source),
        ]
        output = run_soffice(command, workdir=workdir, path=path, timeout=settings.timeout_seconds)
        result = outdir / "input.docx"
        if not result.is_file():
            raise DocumentError("document.conversion_failed", path=path, reason=failure_reason(output))
        return result.read_bytes()
