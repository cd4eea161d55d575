"""An uploaded GeoPackage, opened as the untrusted SQLite database it is (RELIABILITY.md §5.3).

Before GDAL sees the file, this module opens it itself: read-only and immutable
(``file:…?mode=ro&immutable=1``: no journal, no WAL, no lock files written beside
it), with ``trusted_schema`` off, ``cell_size_check`` on, memory mapping off and
``query_only`` on, and an authorizer that refuses ATTACH and any function outside
a short list of innocuous ones. It never attaches the file to another database.
Then it:

* runs ``PRAGMA quick_check`` (a flipped b-tree byte is refused here);
* reads the schema and refuses views, triggers, CHECK constraints, generated
  columns, defaults and expression indexes that call any function outside that
  list (``load_extension``, ``fts3_tokenizer``, ``zeroblob``, ``printf`` …), views
  with recursive queries, and virtual tables other than the R*Tree of the spatial
  index;
* lists the feature tables of ``gpkg_contents`` with their geometry column, and
  counts a table's rows and geometry bytes with plain SELECTs, so that the feature
  and vertex caps hold before GDAL builds a geometry.

Python 3.11's :mod:`sqlite3` cannot set ``SQLITE_DBCONFIG_DEFENSIVE`` (3.12 adds
``Connection.setconfig``); the read-only, immutable, query-only connection and the
authorizer stand in for it.
"""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from guotu.errors import InvalidInputError

__all__ = ["GpkgLayer", "check_schema", "inspect_geopackage", "is_sqlite", "layer_stats", "quote_identifier"]

_MAGIC: Final = b"SQLite format 3\x00"

#: Functions a GeoPackage schema (GDAL's, the standard's) uses, all innocuous.
_FUNCTIONS: Final = frozenset(
    """abs coalesce ifnull iif nullif length octet_length lower upper substr substring trim ltrim rtrim
    replace instr typeof min max count sum total avg round strftime date time julianday datetime unixepoch
    hex quote unicode char sign likely unlikely likelihood raise
    st_isempty st_minx st_maxx st_miny st_maxy st_geometrytype st_srid gpkg_isassignable""".split()
)
#: Words that may precede "(" in a schema without being a function call.
_KEYWORDS: Final = frozenset(
    """values in exists not and or when check key unique on using as select from where case then else end is
    like glob between over filter default generated always cast primary foreign references constraint with group
    by order having union all into set limit offset distinct join returning match regexp partition rows range
    begin if table index view trigger each row for after before instead of insert update delete abort fail ignore
    rollback conflict null notnull isnull escape collate asc desc nulls first last natural left right full inner
    outer cross except intersect autoincrement temp temporary virtual stored
    text varchar char nvarchar nchar clob integer int int2 int8 numeric decimal real double float boolean bool
    datetime timestamp blob tinyint smallint mediumint bigint character varying precision unsigned""".split()
)
#: After these words, "name (" is a table, index, view or column list, not a call.
_NAME_INTRODUCERS: Final = frozenset({"into", "references", "table", "index", "view", "exists", "on", "."})
_RTREE_MODULES: Final = frozenset({"rtree", "rtree_i32"})
_PRAGMAS: Final = frozenset({"trusted_schema", "cell_size_check", "mmap_size", "query_only", "quick_check"})

_TOKEN: Final = re.compile(
    r"""
    (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    | (?P<word>[^\W\d][\w$]*)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.S | re.X,
)


@dataclass(frozen=True)
class GpkgLayer:
    """A feature table of a GeoPackage, as its own metadata describes it."""

    name: str
    geometry_column: str
    geometry_type: str
    srs_id: int | None
    z: int
    m: int


def _corrupt(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.gpkg_corrupt", path=path.name, reason=reason)


def _unsafe(path: Path, reason: str) -> InvalidInputError:
    return InvalidInputError("vector.gpkg_unsafe", path=path.name, reason=reason)


def is_sqlite(path: Path) -> bool:
    """Tell whether a file starts with the SQLite signature."""
    with path.open("rb") as fh:
        return fh.read(len(_MAGIC)) == _MAGIC


def _authorize(action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() not in _FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in _PRAGMAS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def quote_identifier(name: str) -> str:
    """Quote an SQL identifier (names with NUL are refused earlier)."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
    except sqlite3.Error as exc:
        raise _corrupt(path, str(exc)) from None
    with closing(connection):
        try:
            for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0", "query_only=ON"):
                connection.execute(f"PRAGMA {pragma}")
            connection.set_authorizer(_authorize)
            yield connection
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if "not authorized" in message or "prohibited" in message or "unsafe use" in message:
                raise _unsafe(path, message) from None
            raise _corrupt(path, message) from None


def _calls(sql: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, name) for each ``name (`` in ``sql``: ``call`` or ``module``."""
    previous: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup or "other"
        if kind in ("comment", "space"):
            continue
        token = match.group()
        if kind == "quoted":
            token = token[1:-1]
        if token == "(" and previous and previous[-1][0] in ("word", "quoted"):
            name = previous[-1][1].lower()
            before = previous[-2][1].lower() if len(previous) > 1 else ""
            if before == "using":
                yield "module", name
            elif before not in _NAME_INTRODUCERS and name not in _KEYWORDS:
                yield "call", name
        previous.append((kind, token))
        del previous[:-3]


def check_schema(rows: list[tuple[str, str, str | None]], path: Path) -> None:
    """Refuse schema objects that call functions outside the innocuous list."""
    for kind, name, sql in rows:
        if not sql:
            continue
        if kind == "view" and re.search(r"\brecursive\b", sql, re.IGNORECASE):
            raise _unsafe(path, f"view {name!r} runs a recursive query")
        for what, called in _calls(sql):
            if what == "module" and called not in _RTREE_MODULES:
                raise _unsafe(path, f"virtual table {name!r} uses module {called!r}")
            if what == "call" and called not in _FUNCTIONS:
                raise _unsafe(path, f"{kind} {name!r} calls {called}()")


def inspect_geopackage(path: Path) -> list[GpkgLayer]:
    """Check a GeoPackage and list its feature tables.

    Raises
    ------
    InvalidInputError
        ``vector.format_mismatch`` when the file is no SQLite database,
        ``vector.gpkg_corrupt`` when it cannot be opened or fails ``quick_check``,
        ``vector.gpkg_unsafe`` when its schema calls a function that is not
        innocuous, or names a table with a NUL.
    """
    if not is_sqlite(path):
        raise InvalidInputError("vector.format_mismatch", path=path.name, expected="GeoPackage (SQLite)")
    with _connect(path) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check(20)")]
        if problems != ["ok"]:
            raise _corrupt(path, "; ".join(str(p) for p in problems[:3]))
        schema = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        check_schema(schema, path)
        tables = {str(name) for kind, name, _ in schema if kind in ("table", "view")}
        if "gpkg_contents" not in tables or "gpkg_geometry_columns" not in tables:
            raise _corrupt(path, "no gpkg_contents or gpkg_geometry_columns table: not a GeoPackage")
        rows = connection.execute(
            "SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id, g.z, g.m "
            "FROM gpkg_contents AS c JOIN gpkg_geometry_columns AS g ON g.table_name = c.table_name "
            "WHERE lower(c.data_type) = 'features' ORDER BY c.table_name"
        ).fetchall()
    layers: list[GpkgLayer] = []
    for name, column, geometry_type, srs_id, z, m in rows:
        if not isinstance(name, str) or not isinstance(column, str) or "\x00" in name + column:
            raise _unsafe(path, "a table or column name holds NUL")
        if name not in tables:
            raise _corrupt(path, f"gpkg_contents lists {name!r}, which does not exist")
        layers.append(GpkgLayer(name, column, str(geometry_type), srs_id, int(z or 0), int(m or 0)))
    return layers


def layer_stats(path: Path, layer: GpkgLayer) -> tuple[int, int, int]:
    """Count a table's rows, and the largest and total size of its geometry blobs, in bytes.

    Raises
    ------
    InvalidInputError
        ``vector.gpkg_corrupt`` or ``vector.gpkg_unsafe`` as :func:`inspect_geopackage`.
    """
    table = quote_identifier(layer.name)
    column = quote_identifier(layer.geometry_column)
    with _connect(path) as connection:
        count, largest, total = connection.execute(
            f"SELECT count(*), max(length({column})), total(length({column})) FROM {table}"
        ).fetchone()
    return int(count or 0), int(largest or 0), int(total or 0)
