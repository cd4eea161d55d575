"""Exceptions raised by guotu.

Every error has a stable ``code`` (for example ``document.encrypted``) and the
parameters needed to explain it. The text a person reads comes from the message
catalogue (:mod:`guotu.catalogue`) in Chinese or English; the technical detail goes
to the log. Findings of a check are data (:class:`guotu.domain.findings.Finding`),
never exceptions: an exception means the check itself could not run.

The tree is shallow, so callers can pick what to catch::

    GuotuError
    ├── InvalidInputError        bad input: a file, a value or an option (exit 2)
    │   ├── DocumentError        a document that cannot be read as text
    │   ├── GeometryError        invalid or unusable geometry
    │   └── CRSError             missing, wrong or unsupported coordinate system
    ├── NotFoundError            a named thing does not exist (exit 2)
    ├── ConflictError            a concurrent or stale change (exit 1)
    ├── StorageError             the store failed (exit 3)
    └── ConfigurationError       settings or environment (exit 3)
        └── DependencyMissingError   an optional program or package is missing

Exit codes follow the CLI contract: 0 success, 1 blocking findings or a conflict,
2 bad input, 3 an environment problem.
"""

from __future__ import annotations

from typing import Any, ClassVar

from guotu.catalogue import message

__all__ = [
    "CRSError",
    "ConfigurationError",
    "ConflictError",
    "DependencyMissingError",
    "DocumentError",
    "GeometryError",
    "GuotuError",
    "InvalidInputError",
    "NotFoundError",
    "StorageError",
]


class GuotuError(Exception):
    """Root of every error guotu raises on purpose.

    Parameters
    ----------
    code
        Stable error code; it selects the catalogue text. Defaults to the
        class's ``default_code``.
    **params
        Values the catalogue text refers to (file names, limits, ...).

    Examples
    --------
    >>> err = DocumentError("document.empty", path="a.txt")
    >>> err.code
    'document.empty'
    >>> err.message("en")
    'The document is empty: a.txt'
    """

    default_code: ClassVar[str] = "guotu.error"
    exit_code: ClassVar[int] = 2

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.default_code
        self.params = params
        super().__init__(f"[{self.code}] {self.message('en')}")

    def message(self, lang: str = "zh") -> str:
        """Return the user-facing message in ``lang`` (``zh`` or ``en``)."""
        return message(self.code, lang, **self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the code and parameters across pickling (errors raised in worker processes).
        return (_rebuild, (type(self), self.code, self.params))


def _rebuild(cls: type[GuotuError], code: str, params: dict[str, Any]) -> GuotuError:
    return cls(code, **params)


class InvalidInputError(GuotuError):
    """Input that guotu cannot accept: a file, a value or an option."""

    default_code = "input.invalid"


class DocumentError(InvalidInputError):
    """A document that cannot be read as text."""

    default_code = "document.unreadable"


class GeometryError(InvalidInputError):
    """Geometry that is invalid or unusable."""

    default_code = "geometry.invalid"


class CRSError(InvalidInputError):
    """A coordinate reference system that is missing, wrong or unsupported."""

    default_code = "crs.invalid"


class NotFoundError(GuotuError):
    """A named object does not exist."""

    default_code = "object.not_found"


class ConflictError(GuotuError):
    """A stale or concurrent change was refused."""

    default_code = "object.conflict"
    exit_code = 1


class StorageError(GuotuError):
    """The store failed to read or write."""

    default_code = "storage.failed"
    exit_code = 3


class ConfigurationError(GuotuError):
    """Settings or the environment are not usable."""

    default_code = "config.invalid"
    exit_code = 3


class DependencyMissingError(ConfigurationError):
    """An optional program or package needed for this input is not installed."""

    default_code = "dependency.missing"
