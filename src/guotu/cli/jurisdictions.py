"""``guotu jurisdiction``: administrative units and development zones."""

from __future__ import annotations

import typer
from rich.table import Table

from guotu.cli.output import emit_json, out_console

__all__ = ["app"]

app = typer.Typer(help="行政区与开发区 / Jurisdictions and development zones.", no_args_is_help=True)
_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)


@app.command("load")
def load_command(
    boundaries: bool = typer.Option(True, help="Also load CGCS2000 boundaries (needs the [boundaries] extra)."),
    db: str | None = _DB,
) -> None:
    """Load the built-in jurisdictions (the seeds' cities, counties, districts, towns, zones)."""
    from guotu.services import jurisdictions as service
    from guotu.services.layers import open_store

    with open_store(db) as store:
        counts = service.load_jurisdictions(store, boundaries=boundaries)
    emit_json(counts, None)


@app.command("list")
def list_command(
    parent: str | None = typer.Option(None, help="Only the units under this code."),
    json_output: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    db: str | None = _DB,
) -> None:
    """List the jurisdictions in the store."""
    from guotu.services import jurisdictions as service
    from guotu.services.layers import open_store

    with open_store(db) as store:
        units = service.list_jurisdictions(store, parent)
    if json_output:
        emit_json(
            {
                "jurisdictions": [
                    {"code": u.code, "name": u.name, "level": u.level.value, "parent": u.parent} for u in units
                ]
            },
            None,
        )
        return
    table = Table()
    for column in ("代码 code", "名称 name", "级别 level", "上级 parent"):
        table.add_column(column)
    for u in units:
        table.add_row(u.code, u.name, u.level.value, u.parent or "")
    out_console().print(table)
