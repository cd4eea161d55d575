"""Numbered SQL migrations shipped in ``guotu/store/migrations/<backend>/NNNN_name.sql``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Migration", "head", "load", "sqlite_statements"]


@dataclass(frozen=True)
class Migration:
    """One schema change: its number, name and SQL text."""

    number: int
    name: str
    sql: str


@cache
def load(backend: str) -> tuple[Migration, ...]:
    """Return the migrations of ``backend`` (``sqlite`` or ``postgis``), in order.

    Examples
    --------
    >>> load("sqlite")[0].number
    1
    """
    root = resources.files("guotu.store").joinpath("migrations", backend)
    found = []
    for entry in root.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    if [m.number for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations of {backend} are not numbered 1..n: {[m.number for m in found]}")
    return tuple(found)


def head(backend: str) -> int:
    """Return the number of the newest migration of ``backend``."""
    return len(load(backend))


def sqlite_statements(sql: str) -> list[str]:
    r"""Split a script into statements (triggers included), for use inside a transaction.

    ``executescript`` would commit first, so migrations run statement by statement.

    Examples
    --------
    >>> sqlite_statements("CREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;")
    ['CREATE TABLE a (x);', 'CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;']
    """
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise RuntimeError(f"incomplete SQL statement: {buffer[:80]!r}")
    return statements
