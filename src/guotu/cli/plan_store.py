"""``guotu plans``: stored supply plans — save an approved plan, adjust it (计划调整), list versions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, out_console
from guotu.cli.supply import _DB, _FORMAT, Format, _open, parse_day

__all__ = ["app"]

app = typer.Typer(help="供应计划入库、调整与版本 / Stored plans, adjustments and versions.", no_args_is_help=True)


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


@app.command("save")
def save_command(
    file: Path = typer.Argument(..., help="The plan document (.txt .docx .pdf .doc .wps)."),
    status: str = typer.Option("已批准", help="草案, 已批准 or 已公布."),
    approval: str | None = typer.Option(None, help="Approving document (default: the plan's own number)."),
    effective: str | None = typer.Option(None, help="Effective date (default: 1 January of the plan year)."),
    db: str | None = _DB,
) -> None:
    """Read a plan document and store it as a plan version."""
    from guotu.services.audit import cli_actor
    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan

    plan = read_plan(file)
    with _open(db) as store:
        saved = save_plan(
            store, plan, actor=cli_actor(), status=status, approval_document=approval,
            effective_date=parse_day(effective, "effective"),
        )  # fmt: skip
    out_console().print(_t("ui.plans.saved", jurisdiction=saved.jurisdiction, year=saved.year, version=saved.version))


@app.command("adjust")
def adjust_command(
    file: Path = typer.Argument(..., help="The adjusted plan document."),
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="Jurisdiction code or name."),
    year: int = typer.Option(..., help="Plan year."),
    approval: str = typer.Option(..., help="Document approving the adjustment."),
    effective: str = typer.Option(..., help="Date the adjustment takes effect (YYYY-MM-DD)."),
    db: str | None = _DB,
) -> None:
    """Adjust an approved plan: a new version in force from --effective; earlier versions stay readable."""
    from guotu.services.audit import cli_actor
    from guotu.services.plan_versions import adjust_plan
    from guotu.services.plans import read_plan

    plan = read_plan(file)
    day = parse_day(effective, "effective")
    assert day is not None
    with _open(db) as store:
        saved = adjust_plan(
            store, jurisdiction, year, plan, actor=cli_actor(), approval_document=approval, effective_date=day
        )
    out_console().print(_t("ui.plans.saved", jurisdiction=saved.jurisdiction, year=saved.year, version=saved.version))


@app.command("versions")
def versions_command(
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j", help="Only this jurisdiction."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """List the stored plan versions."""
    from guotu.services.plan_versions import list_plans

    with _open(db) as store:
        versions = list_plans(store, jurisdiction)
    if output_format is Format.json:
        emit_json([v.to_dict(with_plan=False) for v in versions], None)
        return
    table = Table(title=_t("ui.plans.versions", count=len(versions)))
    for key in ("jurisdiction", "year", "version", "status", "effective", "approval", "adjusts"):
        table.add_column(_t(f"ui.plans.col.{key}"))
    for v in versions:
        table.add_row(
            v.jurisdiction, str(v.year), str(v.version), v.status, v.effective_date.isoformat(),
            v.approval_document or "", "" if v.adjusts is None else str(v.adjusts),
        )  # fmt: skip
    out_console().print(table)
