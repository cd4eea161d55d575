"""``guotu maintain``: dynamic maintenance (动态维护) — draft, add changes, check, approve, package, report."""

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
from guotu.errors import InvalidInputError

__all__ = ["app"]

app = typer.Typer(help="国土空间总体规划动态维护 / Dynamic maintenance of the master plan.", no_args_is_help=True)

_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


_FORMAT = typer.Option(Format.table, "--format", "-f", help="table (for people) or json.")


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def _store(db: str | None) -> Any:
    from guotu.services.layers import open_store

    return open_store(db)


def _actor() -> str:
    from guotu.services.audit import cli_actor

    return cli_actor()


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError("input.option_invalid", option="date", value=text, choices="YYYY-MM-DD") from None


def _summary(changes: Any) -> dict[str, Any]:
    return {
        "key": changes.key,
        "jurisdiction": changes.jurisdiction,
        "year": changes.year,
        "title": changes.title,
        "status": changes.status.value,
        "layers": {k: {"layer": n, "version": v} for k, (n, v) in changes.layers.items()},
        "items": len(changes.items),
        "approval_document": changes.approval_document,
        "approval_date": changes.approval_date.isoformat() if changes.approval_date else None,
        "versions_after": dict(changes.versions_after),
    }


def _print_summary(changes: Any) -> None:
    console = out_console()
    console.print(f"{_t('ui.maintain.key')}: {changes.key}  {changes.title}")
    console.print(
        f"{_t('ui.maintain.status')}: {_t('ui.maintain.status.' + changes.status.value)}"
        f"  {_t('ui.maintain.items')}: {len(changes.items)}"
    )
    for kind, (name, version) in changes.layers.items():
        console.print(f"  {kind}: {name} v{version}")
    for name, version in changes.versions_after.items():  # after approval: the new versions
        console.print(f"  {name} → v{version}")


def _show(changes: Any, output_format: Format) -> None:
    """Print a maintenance as JSON or as its summary lines."""
    if output_format is Format.json:
        emit_json(_summary(changes), None)
    else:
        _print_summary(changes)


def _stats_table(stats: Any) -> Table:
    from guotu.domain.layers import layer_kind

    table = Table()
    for key in ("layer", "before", "removed", "added", "after", "unit"):
        table.add_column(_t(f"ui.maintain.{key}"), justify="left" if key in ("layer", "unit") else "right")
    for row in stats.layers:
        name = layer_kind(row.layer).name_zh if current_lang() == "zh" else layer_kind(row.layer).name_en
        change = f" ({row.change_unit})" if row.change_unit else ""
        table.add_row(
            name,
            *(
                "—" if getattr(row, k) is None else str(getattr(row, k))
                for k in ("before", "removed", "added", "after")
            ),
            row.unit + change,
        )
    return table


def _findings_table(findings: Any) -> Table:
    table = Table(title=_t("ui.maintain.findings"))
    for column in ("rule", "severity", "message"):
        table.add_column(_t(f"ui.maintain.{column}"), overflow="fold")
    en = current_lang() == "en"
    for f in findings:
        table.add_row(f.rule, _t(f"ui.severity.{f.severity.value}"), f.message_en if en else f.message_zh)
    return table


@app.command("new")
def new_command(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="行政区代码 (e.g. 140300)."),
    year: int | None = typer.Option(None, "--year", "-y", help="维护年度."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="A store layer to maintain (repeat)."),
    title: str = typer.Option("", help="The scheme's title."),
    key: str | None = typer.Option(None, help="Record key (default <jurisdiction>-<year>-<nn>)."),
    scheme: Path | None = typer.Option(None, "--from-scheme", help="Enter a scheme's figures from its text (.txt)."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Draft a maintenance of some layers, or enter a published scheme from its text."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        if scheme is not None:
            text = scheme.read_text(encoding="utf-8")
            changes = svc.record_scheme(store, actor=_actor(), text=text, jurisdiction=jurisdiction, key=key)
        else:
            if year is None or not layer:
                raise InvalidInputError("input.option_invalid", option="--year/--layer", value="", choices="both")
            changes = svc.new_maintenance(
                store, jurisdiction=jurisdiction, year=year, layers=layer, actor=_actor(), title=title, key=key
            )
    _show(changes, output_format)


_WHLY = typer.Option(None, help="维护理由 code (WHLY) for polygons without one.")
_NOTE = typer.Option("", help="备注 (BZ).")
_APPROVAL = typer.Option(None, "--approval-ref", help="Approval reference of the changes (紫线 调出 needs one).")
_DISTRICTS = typer.Option(None, help="A store layer of districts, for statistics by district.")
_DISTRICT_FIELD = typer.Option(None, help="The districts' code field (e.g. XZQDM).")
_CRS = typer.Option(None, help="Confirm the CRS (EPSG code) of a file without one.")


@app.command("add")
def add_command(
    key: str = typer.Argument(..., help="The maintenance."),
    file: Path = typer.Argument(..., help="Change polygons (GeoPackage, shapefile, FileGDB ...)."),
    layer: str = typer.Option(..., "--layer", "-l", help="The maintained layer (store name or kind)."),
    whlx: str | None = typer.Option(
        None, help="维护类型 for polygons without a WHLX field: 1 调入, 2 属性变更, 3 调出."
    ),
    whly: str | None = _WHLY,
    note: str = _NOTE,
    jdzbly: str | None = typer.Option(None, help="机动指标来源 (城镇开发边界)."),
    kzbshslx: str | None = typer.Option(None, help="扩展倍数核算类型 (城镇开发边界)."),
    approval_ref: str | None = _APPROVAL,
    districts: str | None = _DISTRICTS,
    district_field: str | None = _DISTRICT_FIELD,
    crs: str | None = _CRS,
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Add the polygons of a file as 调入 / 属性变更 / 调出 items of one layer."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        changes = svc.add_changes(
            store,
            key,
            file,
            layer=layer,
            actor=_actor(),
            whlx=whlx,
            whly=whly,
            note=note,
            jdzbly=jdzbly,
            kzbshslx=kzbshslx,
            approval_ref=approval_ref,
            districts=districts,
            district_field=district_field,
            crs=crs,
        )
    _show(changes, output_format)


@app.command("diff")
def diff_command(
    key: str = typer.Argument(..., help="The maintenance."),
    file: Path = typer.Argument(..., help="The maintained layer ('after' database)."),
    layer: str = typer.Option(..., "--layer", "-l", help="The maintained layer (store name or kind)."),
    id_field: str | None = typer.Option(None, help="Field with a stable feature id (BSM)."),
    whly: str | None = _WHLY,
    note: str = _NOTE,
    approval_ref: str | None = _APPROVAL,
    districts: str | None = _DISTRICTS,
    district_field: str | None = _DISTRICT_FIELD,
    crs: str | None = _CRS,
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Add the changes found by comparing an 'after' file with the layer's base version."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        changes = svc.diff_changes(
            store,
            key,
            file,
            layer=layer,
            actor=_actor(),
            whly=whly,
            note=note,
            approval_ref=approval_ref,
            id_field=id_field,
            districts=districts,
            district_field=district_field,
            crs=crs,
        )
    _show(changes, output_format)


@app.command("revise")
def revise_command(
    key: str = typer.Argument(..., help="The maintenance."),
    remove: list[str] = typer.Option([], "--remove", help="Item id to remove (repeat)."),
    set_: list[str] = typer.Option([], "--set", help="ITEM.FIELD=VALUE, e.g. I0003.approval_ref=阳政函〔2026〕1号."),
    boundary: list[str] = typer.Option(
        [],
        "--boundary",
        help="城镇开发边界 figure NAME=VALUE (multiple, multiple_after, expansion, expansion_after, reserve, "
        "reserve_share_pct, base, accounting_type, planned_construction_land).",
    ),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Revise a draft: remove items, change an item's codes or approval reference."""
    from guotu.services import maintenance as svc

    update: dict[str, dict[str, str]] = {}
    for text in set_:
        target, sep, value = text.partition("=")
        item, dot, field = target.partition(".")
        if not sep or not dot:
            raise InvalidInputError("input.option_invalid", option="--set", value=text, choices="ITEM.FIELD=VALUE")
        update.setdefault(item, {})[field] = value
    figures: dict[str, str] = {}
    for text in boundary:
        name, sep, value = text.partition("=")
        if not sep:
            raise InvalidInputError("input.option_invalid", option="--boundary", value=text, choices="NAME=VALUE")
        figures[name.strip()] = value.strip()
    with _store(db) as store:
        changes = svc.revise(store, key, actor=_actor(), remove=remove, update=update, boundary=figures or None)
    _show(changes, output_format)


def _params(jurisdiction: str, expansion_limit: str | None, reserve_share_limit: str | None) -> Any:
    from dataclasses import replace
    from decimal import Decimal, InvalidOperation

    from guotu.domain.maintenance import MaintenanceParams

    params = MaintenanceParams.for_jurisdiction(jurisdiction)
    try:
        if expansion_limit is not None:
            params = replace(params, expansion_limit=Decimal(expansion_limit))
        if reserve_share_limit is not None:
            params = replace(params, reserve_share_limit=Decimal(reserve_share_limit))
    except InvalidOperation:
        raise InvalidInputError("input.option_invalid", option="limit", value="", choices="a number") from None
    return params


def _check_output(result: Any, output_format: Format) -> None:
    if output_format is Format.json:
        emit_json(
            {
                **_summary(result.changes),
                "params": result.params.to_dict(),
                "statistics": result.statistics.to_dict(),
                "findings": [f.to_dict() for f in result.findings],
                "blocked": result.blocked,
            },
            None,
        )
    else:
        console = out_console()
        _print_summary(result.changes)
        console.print(_stats_table(result.statistics))
        console.print(_findings_table(result.findings))


@app.command("check")
def check_command(
    key: str = typer.Argument(..., help="The maintenance."),
    expansion_limit: str | None = typer.Option(None, help="B1/B3 expansion multiple limit (default per jurisdiction)."),
    reserve_share_limit: str | None = typer.Option(None, help="B4 reserve share limit (default 0.05)."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Check the change polygons and the statistics against the rules. Exit 1 when an error finding blocks."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        changes, _ = svc.get_maintenance(store, key)
        params = _params(changes.jurisdiction, expansion_limit, reserve_share_limit)
        result = svc.check(store, key, actor=_actor(), params=params)
    _check_output(result, output_format)
    if result.blocked:
        raise typer.Exit(1)


@app.command("show")
def show_command(
    key: str = typer.Argument(..., help="The maintenance."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Show a maintenance with its statistics and findings (nothing is saved)."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        result = svc.check(store, key, actor=_actor(), save=False)
    _check_output(result, output_format)


@app.command("list")
def list_command(
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j"),
    year: int | None = typer.Option(None, "--year", "-y"),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """List the maintenances."""
    from guotu.services import maintenance as svc

    with _store(db) as store:
        found = svc.list_maintenances(store, jurisdiction=jurisdiction, year=year)
    if output_format is Format.json:
        emit_json({"maintenances": [_summary(c) for c in found]}, None)
        return
    table = Table()
    for column in ("key", "status", "items"):
        table.add_column(_t(f"ui.maintain.{column}"))
    table.add_column(_t("ui.maintain.title"))
    for c in found:
        table.add_row(c.key, _t("ui.maintain.status." + c.status.value), str(len(c.items)), c.title)
    out_console().print(table)


@app.command("approve")
def approve_command(
    key: str = typer.Argument(..., help="The maintenance."),
    document: str = typer.Option(..., "--document", help="The approval document (批准文号)."),
    approval_date: str = typer.Option(..., "--date", help="Approval date, YYYY-MM-DD (effective date)."),
    expected_revision: int | None = typer.Option(None, help="Refuse unless the record is still at this revision."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Approve: create the next version of every maintained layer, in one transaction."""
    from guotu.services import maintenance as svc

    day = _date(approval_date)
    assert day is not None
    with _store(db) as store:
        changes = svc.approve(
            store,
            key,
            approval_document=document,
            approval_date=day,
            actor=_actor(),
            expected_revision=expected_revision,
        )
    _show(changes, output_format)


@app.command("package")
def package_command(
    key: str = typer.Argument(..., help="The maintenance."),
    out_dir: Path = typer.Argument(..., help="Folder for the package."),
    fmt: list[str] = typer.Option(["gdb", "gpkg"], "--format", help="gdb and/or gpkg (repeat)."),
    overwrite: bool = typer.Option(False, help="Replace an existing package."),
    ysdm: list[str] = typer.Option(
        [], "--ysdm", help="要素代码 of a layer kind, KIND=CODE (the province's spec; repeat)."
    ),
    db: str | None = _DB,
) -> None:
    """Write the national exchange package (WHQ/WHH/WHC layers) as FileGDB and GeoPackage."""
    from guotu.domain.layers import layer_kind
    from guotu.services import maintenance as svc

    codes: dict[str, str] = {}
    for text in ysdm:
        kind, sep, code = text.partition("=")
        if not sep:
            raise InvalidInputError("input.option_invalid", option="--ysdm", value=text, choices="KIND=CODE")
        codes[layer_kind(kind).id] = code.strip()
    with _store(db) as store:
        paths = svc.package(store, key, out_dir, formats=fmt, overwrite=overwrite, ysdm=codes)
    for path in paths:
        out_console().print(_t("ui.maintain.written", path=str(path)))


@app.command("report")
def report_command(
    key: str = typer.Argument(..., help="The maintenance."),
    output: Path = typer.Argument(..., help="The report (.docx)."),
    html: Path | None = typer.Option(None, help="Also write the report as HTML."),
    db: str | None = _DB,
) -> None:
    """Write the maintenance report (.docx, optionally HTML) with tables, findings and maps."""
    from guotu.reports.maintenance import build_report

    with _store(db) as store:
        written = build_report(store, key, output, html=html)
    for path in written:
        out_console().print(_t("ui.maintain.written", path=str(path)))
