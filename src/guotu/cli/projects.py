"""``guotu projects``: the key project list (重点建设项目清单) — import and counts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, out_console
from guotu.errors import InvalidInputError

__all__ = ["app"]

app = typer.Typer(help="重点建设项目清单 / Key project list.", no_args_is_help=True)

_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)
_STATUS = typer.Option([], "--status", help="A stated count, STATUS=N (e.g. 实施=118; repeat).")
_TOTAL = typer.Option(None, "--total", help="The stated total (default: the maintenance record's).")


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


_FORMAT = typer.Option(Format.table, "--format", "-f", help="table (for people) or json.")


def _counts(pairs: list[str]) -> dict[str, int] | None:
    if not pairs:
        return None
    out: dict[str, int] = {}
    for text in pairs:
        name, sep, value = text.partition("=")
        if not sep or not value.strip().isdigit():
            raise InvalidInputError("input.option_invalid", option="--status", value=text, choices="STATUS=N")
        out[name.strip()] = int(value)
    return out


def _print(counts: Any, findings: Any, stated: dict[str, int] | None = None) -> None:
    console = out_console()
    if counts.total == 0 and stated:
        table = Table()
        table.add_column("状态 / status")
        table.add_column("方案表述 / stated", justify="right")
        for name, value in stated.items():
            table.add_row(name, str(value))
        console.print(table)
        _print_findings(findings)
        return
    table = Table()
    table.add_column("状态 / status")
    modes = list(counts.by_mode)
    for mode in modes:
        table.add_column(mode, justify="right")
    table.add_column("合计 / total", justify="right")
    for status, row in counts.by_status_mode.items():
        table.add_row(status, *(str(row[m]) for m in modes), str(counts.by_status[status]))
    table.add_row("合计", *(str(counts.by_mode[m]) for m in modes), str(counts.total))
    console.print(table)
    _print_findings(findings)


def _print_findings(findings: Any) -> None:
    en = current_lang() == "en"
    for f in findings:
        out_console().print(f"[{f.severity.value}] {f.rule} {f.message_en if en else f.message_zh}", markup=False)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="The list (.xlsx or .csv) with Chinese headers."),
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="行政区代码."),
    year: int = typer.Option(..., "--year", "-y", help="年度."),
    geometry: Path | None = typer.Option(None, help="Polygons of the 精准上图 projects (GeoPackage, shapefile ...)."),
    code_field: str = typer.Option("XMBH", help="The project code field of the polygons."),
    total: int | None = _TOTAL,
    status: list[str] = _STATUS,
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Import a key project list (replacing the list of that jurisdiction and year). Exit 1 on error findings."""
    from guotu.services.audit import cli_actor
    from guotu.services.layers import open_store
    from guotu.services.projects import import_projects

    with open_store(db) as store:
        result = import_projects(
            store,
            file,
            jurisdiction=jurisdiction,
            year=year,
            actor=cli_actor(),
            geometry=geometry,
            code_field=code_field,
            stated_total=total,
            stated_by_status=_counts(status),
        )
    if output_format is Format.json:
        emit_json(
            {
                "counts": result.counts.to_dict(),
                "linked": len(result.linked),
                "findings": [f.to_dict() for f in result.findings],
            },
            None,
        )
    else:
        out_console().print(
            message("ui.projects.imported", current_lang(), count=result.counts.total, linked=len(result.linked))
        )
        _print(result.counts, result.findings)
    if any(f.severity.value == "error" for f in result.findings):
        raise typer.Exit(1)


@app.command("stats")
def stats_command(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="行政区代码."),
    year: int = typer.Option(..., "--year", "-y", help="年度."),
    total: int | None = _TOTAL,
    status: list[str] = _STATUS,
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Count a stored list by status and mapping mode and reconcile with the scheme. Exit 1 on error findings."""
    from guotu.services.layers import open_store
    from guotu.services.projects import project_stats

    with open_store(db) as store:
        stats = project_stats(
            store, jurisdiction=jurisdiction, year=year, stated_total=total, stated_by_status=_counts(status)
        )
    if output_format is Format.json:
        emit_json(
            {
                "counts": stats.counts.to_dict(),
                "stated_total": stats.stated_total,
                "stated_by_status": stats.stated_by_status,
                "findings": [f.to_dict() for f in stats.findings],
            },
            None,
        )
    else:
        _print(stats.counts, stats.findings, stats.stated_by_status)
    if any(f.severity.value == "error" for f in stats.findings):
        raise typer.Exit(1)
