"""``guotu supply``: supply records (宗地供应) — import, list, progress against the plan, readiness, reports."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, out_console
from guotu.domain.findings import Finding

__all__ = ["app", "findings_table"]

app = typer.Typer(
    help="宗地供应：导入、计划执行、净地检查、报告 / Supply records and plan execution.", no_args_is_help=True
)

_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)
_JURISDICTION = typer.Option(..., "--jurisdiction", "-j", help="Jurisdiction code or name (140300, 阳泉市).")


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


_FORMAT = typer.Option(Format.table, "--format", "-f", help="table (for people) or json.")


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def parse_day(text: str | None, option: str = "date") -> date | None:
    """Read a YYYY-MM-DD option (``input.option_invalid`` otherwise)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from guotu.errors import InvalidInputError

        raise InvalidInputError("input.option_invalid", option=option, value=text, choices="YYYY-MM-DD") from None


def _open(db: str | None) -> Any:
    from guotu.services.layers import open_store

    return open_store(db)


def findings_table(findings: list[Finding] | tuple[Finding, ...], title: str | None = None) -> Table:
    """Return a table of findings (severity, rule, message) in the language of the call."""
    table = Table(title=title or _t("ui.supply.findings"))
    for key in ("severity", "rule", "message"):
        table.add_column(_t(f"ui.supply.col.{key}"), overflow="fold")
    lang = current_lang()
    for f in findings[:500]:
        table.add_row(_t(f"ui.severity.{f.severity.value}"), f.rule, f.message_en if lang == "en" else f.message_zh)
    return table


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help=".xlsx, .csv, GeoPackage or shapefile of supply records."),
    jurisdiction: str = _JURISDICTION,
    year: int | None = typer.Option(None, help="Plan year (default: the year of each record's date)."),
    profile: str | None = typer.Option(None, help="Use a saved column-mapping profile."),
    save_profile: str | None = typer.Option(None, help="Save the column mapping used under this name."),
    sheet: str | None = typer.Option(None, help="Worksheet of an .xlsx (default: the first)."),
    layer: str | None = typer.Option(None, help="Layer of a multi-layer vector file."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Import supply records, all or nothing. Exit 0 imported, 1 rejected by findings, 2 bad input."""
    from guotu.services.audit import cli_actor
    from guotu.services.supply import import_records

    with _open(db) as store:
        result = import_records(
            store,
            file,
            jurisdiction=jurisdiction,
            year=year,
            actor=cli_actor(),
            profile=profile,
            save_profile_as=save_profile,
            sheet=sheet,
            layer=layer,
        )
    if output_format is Format.json:
        emit_json(result.to_dict(), None)
    else:
        console = out_console()
        if result.written:
            console.print(_t("ui.supply.imported", count=result.written, rows=result.rows))
        else:
            errors = sum(1 for f in result.findings if f.severity.value == "error")
            console.print(_t("ui.supply.rejected", errors=errors, rows=result.rows))
        if result.findings:
            console.print(findings_table(result.findings))
    if not result.written and result.findings:
        raise typer.Exit(1)


@app.command("list")
def list_command(
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Plan year."),
    until: str | None = typer.Option(None, help="Last supply date included (YYYY-MM-DD)."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """List the supply records of a plan year."""
    from guotu.services.supply import list_records

    with _open(db) as store:
        records = list_records(store, jurisdiction, year, until=parse_day(until, "until"))
    if output_format is Format.json:
        emit_json([r.to_dict() for r in records], None)
        return
    table = Table(title=_t("ui.supply.records", count=len(records)))
    for key in ("parcel", "date", "district", "use", "category", "area", "mode"):
        table.add_column(_t(f"ui.supply.col.{key}"))
    for r in records:
        table.add_row(
            r.parcel_id,
            r.supply_date.isoformat(),
            r.district or "",
            r.use_code,
            r.plan_category or _t("ui.supply.off_plan"),
            str(r.area_ha),
            r.mode + (f"/{r.method}" if r.method else ""),
        )
    out_console().print(table)


@app.command("progress")
def progress_command(
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Plan year."),
    on: str | None = typer.Option(None, help="Report date (YYYY-MM-DD); default: all records."),
    districts: bool = typer.Option(False, "--districts", help="Also show category × district rows."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Plan execution: planned vs supplied, 完成率, and findings. Exit 1 when a finding is an error."""
    from guotu.services.supply import progress

    with _open(db) as store:
        result = progress(store, jurisdiction, year, parse_day(on, "on"))
    if output_format is Format.json:
        emit_json(result.to_dict(), None)
    else:
        table = Table(title=_t("ui.supply.progress", jurisdiction=result.jurisdiction, year=year,
                               version=result.plan_version or "-"))  # fmt: skip
        for key in ("category", "district", "planned", "supplied", "rate", "q1", "q2", "q3", "q4"):
            table.add_column(_t(f"ui.supply.col.{key}"), justify="left" if key in ("category", "district") else "right")
        for row in result.rows:
            if row.district is not None and not districts:
                continue
            label = row.category + (f" ({_t('ui.supply.guiding')})" if row.guiding else "")
            table.add_row(
                label,
                row.district or "",
                "" if row.planned is None else str(row.planned),
                str(row.supplied),
                "" if row.rate is None else f"{row.rate}%",
                *(str(q) for q in row.by_quarter),
            )
        for row in result.by_mode:
            table.add_row(
                f"{_t('ui.supply.mode')}：{row.category}",
                "",
                "" if row.planned is None else str(row.planned),
                str(row.supplied),
                "" if row.rate is None else f"{row.rate}%",
                *(str(q) for q in row.by_quarter),
            )
        console = out_console()
        console.print(table)
        if result.findings:
            console.print(findings_table(result.findings))
    if result.has_errors:
        raise typer.Exit(1)


@app.command("ready")
def ready_command(
    parcel: str = typer.Argument(..., help="Parcel id (宗地编号)."),
    jurisdiction: str = _JURISDICTION,
    item: str | None = typer.Option(
        None,
        help="Checklist item: rights_clear, compensation_settled, no_disputes, planning_conditions, "
        "site_access, utilities.",
    ),
    done: bool = typer.Option(True, "--done/--open", help="Mark the item done (with --evidence) or open again."),
    evidence: str = typer.Option("", help="Evidence for a done item (document number, file, photo)."),
    mark: bool = typer.Option(False, "--mark", help="Mark the parcel ready for listing (needs every item done)."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Readiness before 出让 (净地 / 前期审核): show or update a parcel's checklist.

    Exit 1 when --mark is refused because items are open.
    """
    from guotu.domain.supply import READINESS_ITEMS
    from guotu.services.audit import cli_actor
    from guotu.services.supply import get_readiness, mark_ready, set_readiness_item

    with _open(db) as store:
        if item is not None:
            set_readiness_item(store, jurisdiction, parcel, item, done=done, evidence=evidence, actor=cli_actor())
        state = (
            mark_ready(store, jurisdiction, parcel, actor=cli_actor())
            if mark
            else get_readiness(store, jurisdiction, parcel)
        )
    if output_format is Format.json:
        emit_json(state.to_dict(), None)
        return
    lang = current_lang()
    table = Table(title=_t("ui.supply.readiness", parcel=parcel, state=_t(f"ui.supply.ready.{state.ready}")))
    for key in ("item", "done", "evidence"):
        table.add_column(_t(f"ui.supply.col.{key}"), overflow="fold")
    for i in state.items:
        zh, en = READINESS_ITEMS[i.item]
        table.add_row(en if lang == "en" else zh, "✓" if i.done else "✗", i.evidence)
    out_console().print(table)


class ReportKind(StrEnum):
    """Report kinds."""

    quarterly = "quarterly"
    annual = "annual"
    tables = "tables"


@app.command("report")
def report_command(
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Plan year."),
    kind: ReportKind = typer.Option(
        ReportKind.quarterly, help="quarterly, annual, or tables (117号 汇总表/住房用地表)."
    ),
    quarter: int | None = typer.Option(None, min=1, max=4, help="Quarter of a quarterly report (default: the last)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .docx or .xlsx."),
    db: str | None = _DB,
) -> None:
    """Write the quarterly execution report, the annual summary or the plan tables (.docx or .xlsx)."""
    from guotu.reports.supervision import write_report

    with _open(db) as store:
        path = write_report(store, jurisdiction, year, kind=kind.value, quarter=quarter, out=out)
    out_console().print(_t("ui.supply.report_written", path=str(path)))
