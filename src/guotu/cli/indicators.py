"""``guotu indicators``: the indicator catalogue, targets, evaluation (for a cron job) and history."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, out_console
from guotu.cli.supply import _DB, _FORMAT, _JURISDICTION, Format, _open, findings_table, parse_day

__all__ = ["app"]

app = typer.Typer(help="指标模型与监测预警 / Indicators, targets and warnings.", no_args_is_help=True)


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        from guotu.errors import InvalidInputError

        raise InvalidInputError("input.option_invalid", option=option, value=text, choices="a number") from None


@app.command("list")
def list_command(output_format: Format = _FORMAT) -> None:
    """List the indicator catalogue."""
    from guotu.services.indicators import list_indicators

    indicators = list_indicators()
    if output_format is Format.json:
        emit_json([i.to_dict() for i in indicators], None)
        return
    lang = current_lang()
    table = Table(title=_t("ui.indicators.catalogue"))
    for key in ("code", "name", "kind", "unit", "direction", "formula"):
        table.add_column(_t(f"ui.indicators.col.{key}"))
    for i in indicators:
        table.add_row(
            i.code,
            i.name_en if lang == "en" else i.name_zh,
            _t(f"ui.indicators.kind.{i.kind}"),
            i.unit,
            _t(f"ui.indicators.direction.{i.direction}"),
            i.formula,
        )
    out_console().print(table)


@app.command("set-target")
def set_target_command(
    code: str = typer.Argument(..., help="Indicator code or Chinese name."),
    target: str = typer.Argument(..., help="Target value, in the indicator's unit."),
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Year the target applies to."),
    yellow: str | None = typer.Option(None, help="Early-warning level (above a floor, below a ceiling)."),
    red: str | None = typer.Option(None, help="Red level (default: the target)."),
    source: str = typer.Option("", help="Where the target comes from (document)."),
    db: str | None = _DB,
) -> None:
    """Set an indicator's target and thresholds for a jurisdiction and year."""
    from guotu.services.audit import cli_actor
    from guotu.services.indicators import set_target

    value = _decimal(target, "target")
    assert value is not None
    with _open(db) as store:
        saved = set_target(
            store, code, jurisdiction, year, value, actor=cli_actor(),
            yellow=_decimal(yellow, "yellow"), red=_decimal(red, "red"), source=source,
        )  # fmt: skip
    out_console().print(_t("ui.indicators.target_set", code=saved.code, target=saved.target, year=year))


@app.command("set-input")
def set_input_command(
    code: str = typer.Argument(..., help="Indicator code."),
    value: str = typer.Argument(..., help="The value."),
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Year."),
    name: str = typer.Option("value", help="Input name: value (a stated indicator) or base (expansion multiple)."),
    source: str = typer.Option("", help="Where the value comes from."),
    db: str | None = _DB,
) -> None:
    """Record an input of a formula (城镇化率 from statistics, the base of the expansion multiple)."""
    from guotu.services.audit import cli_actor
    from guotu.services.indicators import set_input

    number = _decimal(value, "value")
    assert number is not None
    with _open(db) as store:
        set_input(store, code, jurisdiction, year, number, actor=cli_actor(), name=name, source=source)
    out_console().print(_t("ui.indicators.input_set", code=code, name=name, value=number))


@app.command("evaluate")
def evaluate_command(
    jurisdiction: str = _JURISDICTION,
    year: int = typer.Option(..., help="Year."),
    on: str | None = typer.Option(None, help="Date of the data (YYYY-MM-DD); default today."),
    code: list[str] = typer.Option([], "--code", "-c", help="Only these indicators (repeatable)."),
    no_save: bool = typer.Option(False, "--no-save", help="Do not store the values as history."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Evaluate indicators against their targets and store the history (run it from cron).

    Exit 1 when a binding indicator is red.
    """
    from guotu.services.audit import cli_actor
    from guotu.services.indicators import evaluate

    with _open(db) as store:
        result = evaluate(
            store, jurisdiction, year, actor=cli_actor(), on=parse_day(on, "on"), codes=code or None, save=not no_save
        )
    if output_format is Format.json:
        emit_json(result.to_dict(), None)
    else:
        table = Table(title=_t("ui.indicators.evaluation", jurisdiction=result.jurisdiction, on=result.on.isoformat()))
        for key in ("code", "value", "target", "level", "note"):
            table.add_column(_t(f"ui.indicators.col.{key}"))
        for v in result.values:
            table.add_row(
                v.code,
                "" if v.value is None else f"{v.value} {v.unit}",
                "" if v.target is None else str(v.target.target),
                _t(f"ui.indicators.level.{v.level.value}"),
                _t(f"ui.indicators.reason.{v.reason}") if v.reason else "",
            )
        console = out_console()
        console.print(table)
        if result.findings:
            console.print(findings_table(result.findings))
    if any(f.severity.value == "error" for f in result.findings):
        raise typer.Exit(1)


@app.command("history")
def history_command(
    jurisdiction: str = _JURISDICTION,
    code: str | None = typer.Option(None, "--code", "-c", help="One indicator."),
    year: int | None = typer.Option(None, help="One year."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Show stored evaluations, oldest first."""
    from guotu.services.indicators import history

    with _open(db) as store:
        values = history(store, jurisdiction, code=code, year=year)
    if output_format is Format.json:
        emit_json([v.to_dict() for v in values], None)
        return
    table = Table(title=_t("ui.indicators.history", count=len(values)))
    for key in ("evaluated", "on", "code", "value", "level"):
        table.add_column(_t(f"ui.indicators.col.{key}"))
    for v in values:
        table.add_row(
            v.evaluated_at[:19], v.on, v.code, "" if v.value is None else f"{v.value} {v.unit}",
            _t(f"ui.indicators.level.{v.level.value}"),
        )  # fmt: skip
    out_console().print(table)
