"""guotu (国土): land supply plans, the planning "one map", review and supervision.

The library's front door. The CLI (``guotu``) and the web app call the same
functions. Entry points are imported lazily, so ``import guotu`` stays cheap.

Examples
--------
>>> import guotu
>>> isinstance(guotu.__version__, str)
True
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from guotu.errors import GuotuError

if TYPE_CHECKING:
    from guotu.services.plans import check_plan, extract_plan, read_plan

try:
    __version__ = version("guotu")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["GuotuError", "__version__", "check_plan", "extract_plan", "read_plan"]

_LAZY = {
    "check_plan": "guotu.services.plans",
    "extract_plan": "guotu.services.plans",
    "read_plan": "guotu.services.plans",
    "review_parcel": "guotu.services.review",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guotu' has no attribute {name!r}")
    return getattr(import_module(module), name)
