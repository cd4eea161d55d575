"""Run LibreOffice headless to convert a file (docx → pdf, xlsx → csv ...), safely.

A thin wrapper over :mod:`guotu.documents._office` for the edges (reports, web)
that may not import ``guotu.documents``: each conversion gets its own temporary
directory with a copy of the input, a fresh LibreOffice profile with macros off,
and ``HOME``/``TMPDIR``; on a timeout the whole process group is killed. The result
is moved into ``out_dir`` only when LibreOffice produced it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from guotu.documents import _office
from guotu.errors import DependencyMissingError, InvalidInputError, NotFoundError
from guotu.settings import DocumentSettings

__all__ = ["OFFICIAL_FONT_SUBSTITUTES", "convert_file", "soffice_path"]

# The bureau's fonts are not on Debian: render them with the installed Noto CJK faces
# (fontconfig alone picks Noto Sans CJK JP for all of them).
OFFICIAL_FONT_SUBSTITUTES: dict[str, str] = {
    "方正小标宋简体": "Noto Serif CJK SC",
    "方正小标宋_GBK": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "仿宋_GB2312": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "KaiTi": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "微软雅黑": "Noto Sans CJK SC",
    "Microsoft YaHei": "Noto Sans CJK SC",
}


def _profile_settings(substitutes: dict[str, str]) -> str:
    if not substitutes:
        return _office.PROFILE_SETTINGS
    pairs = "".join(
        f'<node oor:name="_{index}" oor:op="replace">'
        '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(old)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(new)}</value></prop>'
        "</node>"
        for index, (old, new) in enumerate(substitutes.items())
    )
    extra = (
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>\n'
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>\n'
    )
    return _office.PROFILE_SETTINGS.replace("</oor:items>", extra + "</oor:items>")


def soffice_path(settings: DocumentSettings | None = None) -> str | None:
    """Return the LibreOffice program (``GUOTU_DOCUMENT_SOFFICE`` or ``soffice`` on PATH), or None."""
    return _office.find_soffice(settings or DocumentSettings())


def convert_file(
    source: Path,
    out_dir: Path,
    *,
    target: str,
    timeout_s: float = 120.0,
    settings: DocumentSettings | None = None,
    font_substitutes: dict[str, str] | None = None,
) -> Path:
    """Convert ``source`` with LibreOffice and return the converted file in ``out_dir``.

    Parameters
    ----------
    source
        The file to convert; LibreOffice works on a copy.
    out_dir
        Where the result goes (created if needed), named ``<source stem>.<ext>``.
    target
        LibreOffice's ``--convert-to`` argument, e.g. ``"pdf"``, ``"csv"`` or
        ``'csv:Text - txt - csv (StarCalc):44,34,76,1'``. The extension is the part before ``:``.
    timeout_s
        Time limit for the conversion.
    font_substitutes
        LibreOffice's font replacement table for this conversion (font named in the
        document → installed font); :data:`OFFICIAL_FONT_SUBSTITUTES` when None, ``{}`` for none.

    Raises
    ------
    NotFoundError
        ``report.source_missing`` when ``source`` is not a file.
    DependencyMissingError
        ``report.libreoffice_missing`` when LibreOffice is not installed.
    DocumentError
        ``document.timeout`` on a timeout.
    InvalidInputError
        ``report.conversion_failed`` when LibreOffice produced nothing.
    """
    source = Path(source)
    if not source.is_file():
        raise NotFoundError("report.source_missing", path=str(source))
    soffice = soffice_path(settings)
    if soffice is None:
        raise DependencyMissingError("report.libreoffice_missing", path=str(source))
    extension = target.split(":", 1)[0]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="guotu-office-") as tmp:
        workdir = Path(tmp)
        copy = workdir / f"input{source.suffix.lower()}"
        shutil.copyfile(source, copy)
        profile = workdir / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            _profile_settings(OFFICIAL_FONT_SUBSTITUTES if font_substitutes is None else font_substitutes),
            encoding="utf-8",
        )
        outdir = workdir / "out"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(copy),
        ]
        output = _office.run_soffice(command, workdir=workdir, path=str(source), timeout=timeout_s)
        produced = outdir / f"input.{extension}"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise InvalidInputError("report.conversion_failed", path=str(source), reason=_office.failure_reason(output))
        result = out_dir / f"{source.stem}.{extension}"
        staging = out_dir / f".{result.name}.{os.getpid()}.tmp"
        shutil.copyfile(produced, staging)
        os.replace(staging, result)
        return result
