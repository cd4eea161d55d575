"""``guotu db``: create, migrate, back up and restore the store.

Each command resolves the URL (``--url``, else ``GUOTU_DATABASE_URL``, else the
embedded default ``sqlite:///guotu.db``), calls one function of
:mod:`guotu.services.database` and prints one line on stdout. URLs are printed with
their password masked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.log import mask_url
from guotu.services.database import backup_database, init_database, migrate_database, restore_database
from guotu.settings import GeneralSettings

__all__ = ["app"]

app = typer.Typer(
    help="数据库：初始化、升级、备份与恢复 / The store: create, migrate, back up and restore.",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Store URL: sqlite:///path or postgresql://user@host/db (default: GUOTU_DATABASE_URL, "
        "else sqlite:///guotu.db).",
        show_default=False,
    ),
]


def _url(url: str | None) -> str:
    return url or GeneralSettings().database_url


def _say(key: str, **params: object) -> None:
    typer.echo(message(key, current_lang(), **params))


@app.command("init")
def init(url: UrlOption = None) -> None:
    """Create the store's tables (a new SQLite file if needed); up-to-date stores are left alone."""
    target = _url(url)
    version = init_database(target)
    _say("db.initialised", target=mask_url(target), version=version)


@app.command("migrate")
def migrate(url: UrlOption = None) -> None:
    """Apply pending schema migrations, each in its own transaction."""
    target = _url(url)
    applied, version = migrate_database(target)
    if applied:
        _say("db.migrated", target=mask_url(target), applied=", ".join(str(n) for n in applied))
    else:
        _say("db.up_to_date", target=mask_url(target), version=version)


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to create (it must not exist).", show_default=False)],
    url: UrlOption = None,
) -> None:
    """Write a consistent backup (SQLite: online backup; PostgreSQL: pg_dump custom format)."""
    target = _url(url)
    path = backup_database(target, file)
    _say("db.backed_up", target=mask_url(target), path=str(path))


@app.command("restore")
def restore(
    file: Annotated[
        Path, typer.Argument(help="A backup made by 'guotu db backup' of the same backend.", show_default=False)
    ],
    url: UrlOption = None,
) -> None:
    """Restore a backup into an empty store (a store holding data is refused)."""
    target = _url(url)
    restore_database(target, file)
    _say("db.restored", target=mask_url(target), path=str(file))
