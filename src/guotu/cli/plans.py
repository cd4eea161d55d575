"""``guotu plan``: read, extract and check supply plan documents."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit, emit_json, out_console
from guotu.domain.plan import SupplyPlan
from guotu.reports.plan_html import render_plan_html
from guotu.services.plans import read_plan

__all__ = ["app"]

app = typer.Typer(
    help="国有建设用地供应计划：提取与检查 / Supply plan documents: extract and check.",
    no_args_is_help=True,
)


class ExtractFormat(StrEnum):
    """Output formats of ``plan extract``."""

    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    """Output formats of ``plan check``."""

    text = "text"
    json = "json"
    html = "html"


_FILE = typer.Argument(..., help="The plan document (.txt .docx .pdf .doc .wps).", show_default=False)
_OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def _meta_lines(plan: SupplyPlan) -> list[str]:
    status = plan.status or "none"
    return [
        f"{_t('ui.plan.title')}: {plan.title or '—'}",
        f"{_t('ui.plan.jurisdiction')}: {plan.jurisdiction or '—'}{plan.scope or ''}  "
        f"{_t('ui.plan.year')}: {plan.year or '—'}  {_t('ui.plan.status')}: {_t('ui.status.' + status)}",
    ]


def _figures_table(plan: SupplyPlan) -> Table:
    table = Table(title=_t("ui.plan.figures"), show_lines=False)
    for key in (
        "id",
        "value",
        "unit",
        "measure",
        "category",
        "codes",
        "district",
        "mode",
        "source",
        "qualifier",
        "context",
        "link",
    ):
        table.add_column(_t(f"ui.figure.{key}"), overflow="fold")
    for fig in plan.figures:
        link = (fig.equivalent_of and f"= {fig.equivalent_of}") or (fig.share_of and f"% {fig.share_of}") or ""
        table.add_row(
            fig.id,
            str(fig.value),
            fig.unit,
            _t(f"ui.measure.{fig.measure}"),
            fig.category or "",
            " ".join(fig.category_codes),
            fig.district or "",
            fig.mode or "",
            fig.source or "",
            _t(f"ui.qualifier.{fig.qualifier}") if fig.qualifier else "",
            "✓" if fig.context else "",
            link,
        )
    return table


@app.command("extract")
def extract_command(
    file: Path = _FILE,
    output_format: ExtractFormat = typer.Option(
        ExtractFormat.table,
        "--format",
        "-f",
        help="table (for people) or json (the stable contract).",
    ),
    output: Path | None = _OUTPUT,
) -> None:
    """Extract every figure of a plan document with its meaning and source."""
    plan = read_plan(file, check=False)
    if output_format is ExtractFormat.json:
        data = plan.to_dict()
        data.pop("findings", None)
        data.pop("checks", None)
        emit_json(data, output)
        return
    console = out_console()
    for line in _meta_lines(plan):
        console.print(line)
    console.print(_figures_table(plan))


def _findings_text(plan: SupplyPlan) -> str:
    lang = current_lang()
    lines = _meta_lines(plan)
    counts = {s: sum(1 for f in plan.findings if f.severity.value == s) for s in ("error", "warning", "info")}
    lines.append(
        _t(
            "ui.summary",
            figures=len(plan.figures),
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
        )
    )
    lines.append("")
    if not plan.findings:
        lines.append(_t("ui.plan.no_findings"))
    for finding in plan.findings:
        text = finding.message_en if lang == "en" else finding.message_zh
        severity = _t(f"ui.severity.{finding.severity.value}")
        refs = ", ".join(finding.figures)
        lines.append(f"[{severity}] {finding.rule} {text}")
        lines.append(f"    {_t('ui.report.legal_source')}: {finding.legal_source}  ({refs})")
    lines.append("")
    lines.append(
        _t("ui.plan.checks") + ": " + "  ".join(f"{c['rule']} {_t('ui.check.' + c['status'])}" for c in plan.checks)
    )
    return "\n".join(lines)


@app.command("check")
def check_command(
    file: Path = _FILE,
    output_format: CheckFormat = typer.Option(
        CheckFormat.text,
        "--format",
        "-f",
        help="text, json (the stable contract) or html (a report with the document and its figures highlighted).",
    ),
    output: Path | None = _OUTPUT,
) -> None:
    """Check a plan document: sums, 亩/公顷, percentages, layout, housing rules.

    Exit code 0 with no error-severity finding, 1 with one, 2 on bad input.
    """
    plan = read_plan(file)
    if output_format is CheckFormat.json:
        emit_json(plan.to_dict(), output)
    elif output_format is CheckFormat.html:
        emit(render_plan_html(plan, lang=current_lang()), output)
    else:
        emit(_findings_text(plan), output)
    if plan.has_errors:
        raise typer.Exit(1)
