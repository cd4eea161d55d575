"""Logging set-up for the edges (CLI, server). The library itself adds no handlers."""

from __future__ import annotations

import logging
import re
import sys

__all__ = ["configure_logging", "mask_url"]

_PASSWORD_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@]+:)[^@]*@", re.IGNORECASE)


def mask_url(url: str) -> str:
    """Hide the password in a database URL.

    Examples
    --------
    >>> mask_url("postgresql://guotu:secret@localhost/db")
    'postgresql://guotu:***@localhost/db'
    """
    return _PASSWORD_IN_URL.sub(r"\g<scheme>***@", url)


def configure_logging(verbosity: int = 0) -> None:
    """Send guotu's logs to stderr, in English, at a level set by ``-v``/``-q``.

    Parameters
    ----------
    verbosity
        ``-1`` errors only, ``0`` warnings, ``1`` info, ``2`` or more debug.
    """
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("guotu")
    root.handlers[:] = [handler]
    root.setLevel(level)
