"""CJK fonts for charts, maps and documents.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: every chart and map
is drawn with a CJK family found here. Debian's ``fonts-noto-cjk`` is preferred;
common Windows and macOS fonts are the fallback. :func:`mpl_context` applies the
family (with DejaVu Sans behind it for the rest) and ``axes.unicode_minus = False``
to one drawing, under a lock, because matplotlib's rc parameters are global.

Examples
--------
>>> cjk_font_family() in FAMILIES
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

__all__ = ["FAMILIES", "cjk_font_family", "cjk_font_path", "cjk_serif_family", "mpl_context"]

# (family, candidate files) in order of preference.
_CANDIDATES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (
        "Noto Sans CJK SC",
        (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        ),
    ),
    (
        "Noto Serif CJK SC",
        (
            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
        ),
    ),
    ("Source Han Sans SC", ("/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",)),
    ("WenQuanYi Zen Hei", ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)),
    ("Microsoft YaHei", ("C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/msyh.ttf")),
    ("SimHei", ("C:/Windows/Fonts/simhei.ttf",)),
    ("SimSun", ("C:/Windows/Fonts/simsun.ttc",)),
    ("PingFang SC", ("/System/Library/Fonts/PingFang.ttc",)),
    ("Hiragino Sans GB", ("/System/Library/Fonts/Hiragino Sans GB.ttc",)),
    ("Songti SC", ("/System/Library/Fonts/Supplemental/Songti.ttc",)),
)
FAMILIES: Final[tuple[str, ...]] = tuple(family for family, _ in _CANDIDATES)
_SERIF: Final[tuple[str, ...]] = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC")
_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def _found() -> tuple[str, Path] | None:
    for family, paths in _CANDIDATES:
        for candidate in paths:
            path = Path(candidate)
            if path.is_file():
                return family, path
    return _from_matplotlib()


def _from_matplotlib() -> tuple[str, Path] | None:
    # Fonts installed elsewhere (another distribution's layout, a user font directory).
    from matplotlib import font_manager

    by_name = {entry.name: Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    for family in FAMILIES:
        if family in by_name:
            return family, by_name[family]
    return None


def cjk_font_path() -> Path | None:
    """Return the file of the CJK font used for charts and maps, or None when there is none.

    Noto Sans/Serif CJK (Debian ``fonts-noto-cjk``) first, then common Windows and
    macOS fonts.
    """
    found = _found()
    return found[1] if found else None


def cjk_font_family() -> str:
    """Return the CJK family name for matplotlib and docx (``"Noto Sans CJK SC"`` on Debian).

    When no CJK font is installed this is still ``"Noto Sans CJK SC"``: documents
    name it and the reader's machine substitutes; charts then show boxes, which is
    why :func:`cjk_font_path` exists for a start-up warning.
    """
    found = _found()
    return found[0] if found else FAMILIES[0]


@lru_cache(maxsize=1)
def cjk_serif_family() -> str:
    """Return an installed CJK serif (宋体-like) family, else the sans family."""
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in _SERIF:
        if family in names:
            return family
    return cjk_font_family()


@lru_cache(maxsize=1)
def _register_with_matplotlib() -> None:
    # A matplotlib font cache built before fonts-noto-cjk was installed does not list it:
    # add the font files found on disk (all faces of a .ttc, and the bold sibling).
    from matplotlib import font_manager

    found = _found()
    if found is None:
        return
    family, path = found
    if any(entry.name == family for entry in font_manager.fontManager.ttflist):
        return
    for candidate in (path, path.with_name(path.name.replace("Regular", "Bold"))):
        if candidate.is_file():
            try:
                font_manager.fontManager.addfont(str(candidate))
            except (OSError, RuntimeError, ValueError):  # an unreadable font file: fall back to DejaVu
                continue


@contextmanager
def mpl_context(**extra: Any) -> Iterator[None]:
    """Apply the CJK font (and ``extra`` rc parameters) to the matplotlib drawing done inside.

    The lock serialises drawings: matplotlib's rc parameters are process-wide.
    """
    import matplotlib

    _register_with_matplotlib()
    params: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_font_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
    }
    params.update(extra)
    with _LOCK, matplotlib.rc_context(params):  # type: ignore[arg-type]
        yield
