"""``guotu review``: parcel compliance review (合规性审查) — review, show, rerun, approve, list, layer.

``guotu review FILE --use 0701 --mode 出让 --method 挂牌 --far 2.0 --year 2026`` reviews the
parcel of FILE; the exit code is 0 for 符合 and 需论证, 1 for 不符合 (blocking findings),
2 for bad input, 3 for the environment.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
import typer.core
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, err_console, out_console

__all__ = ["app"]


class _DefaultGroup(typer.core.TyperGroup):
    """A group whose first argument, when it is not a sub-command, is the parcel file (``guotu review FILE``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["parcel", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultGroup,
    help="合规性审查：宗地对照一张图、供应计划与用地政策 / Parcel compliance review. "
    "Usage: guotu review FILE --use 0701 --mode 出让 … (or a sub-command).",
    no_args_is_help=True,
)

_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)


class Format(StrEnum):
    """Output formats."""

    text = "text"
    json = "json"
    docx = "docx"
    pdf = "pdf"


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def _store(db: str | None) -> Any:
    from guotu.services.layers import open_store

    return open_store(db)


def _actor() -> str:
    from guotu.services.audit import cli_actor

    return cli_actor()


_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def _print_review(data: dict[str, Any]) -> None:
    console = out_console()
    en = current_lang() == "en"
    attrs, parcel = data["attributes"], data["parcel"]
    console.print(
        f"宗地 {attrs.get('parcel_id') or '—'} {attrs.get('name') or ''}  用途 {attrs['use']}（{attrs['use_name']}）  "
        f"面积 {parcel['area_ha']} 公顷 / {parcel['area_mu']} 亩  审查日期 {data['review_date']}"
    )
    table = Table(title="图层叠加分析 / Layers", show_lines=False)
    for column in ("图层", "版本", "管控", "关系", "重叠(公顷)", "占比", "要素", "属性值"):
        table.add_column(column)
    for layer in data["layers"]:
        values = ", ".join(f"{v['value']}:{v['area_ha']}" for v in layer["values"][:5])
        table.add_row(
            layer["kind_zh"],
            "—" if layer["layer"] is None else f"{layer['layer']} v{layer['version']}",
            layer["control_zh"],
            layer["relation_zh"],
            layer["overlap_ha"],
            f"{float(layer['share']) * 100:.2f}%",
            str(layer["feature_count"]),
            values,
        )
    console.print(table)
    for finding in data["findings"]:
        style = _SEVERITY_STYLE.get(finding["severity"], "")
        text = finding["message_en"] if en else finding["message_zh"]
        console.print(
            f"[{style}]{finding['severity']:7} {finding['rule']:3}[/{style}] {text}  ({finding['legal_source']})"
        )
    console.print(f"[bold]{_t('review.label.conclusion')}: {data['conclusion']} ({data['conclusion_en']})[/bold]")
    if data.get("id"):
        err_console().print(_t("review.label.saved", id=data["id"]))


def _output(data: dict[str, Any], review: Any, fmt: Format, out: Path | None, store: Any) -> None:
    if fmt is Format.json:
        emit_json(data, out)
    elif fmt is Format.text:
        _print_review(data)
    else:
        from guotu.reports.review import write_review_report

        target = out or Path(f"review-{data.get('id') or 'draft'}.{fmt.value}")
        written = write_review_report(store, review, target, fmt=fmt.value)
        err_console().print(str(written))


def _params(path: Path | None) -> Any:
    if path is None:
        return None
    import json

    from guotu.errors import InvalidInputError
    from guotu.services.review import ReviewParams

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InvalidInputError("review.params_invalid", reason=f"{path}: {err}") from None
    if not isinstance(raw, dict):
        raise InvalidInputError("review.params_invalid", reason=f"{path}: not a JSON object")
    return ReviewParams().with_overrides(raw)


def _exit(conclusion: str) -> None:
    if conclusion == "不符合":
        raise typer.Exit(1)


@app.command("parcel")
def parcel_command(
    file: Path = typer.Argument(..., help="Parcel file: GeoJSON, zipped shapefile, GeoPackage, DXF, 界址点 TXT."),
    use: str | None = typer.Option(
        None, "--use", help="Proposed use: a class code (0701) or name (default: the file's)."
    ),
    mode: str | None = typer.Option(None, "--mode", help="Supply mode: 出让, 划拨 or 租赁."),
    method: str | None = typer.Option(None, "--method", help="Grant method: 招标, 拍卖, 挂牌 or 协议."),
    far: str | None = typer.Option(None, "--far", help="Plot ratio (容积率): a value or a range 1.0-2.5."),
    year: int | None = typer.Option(None, "--year", help="Supply-plan year (enables the plan check)."),
    district: str | None = typer.Option(None, "--district", help="District code (区县) of the parcel."),
    city_size: str | None = typer.Option(
        None, "--city-size", help="小城市, 中等城市, 大城市, 特大城市, 超大城市 (H1)."
    ),
    declared_area: str | None = typer.Option(
        None, "--declared-area", help="Declared area in 公顷 (default: the file's)."
    ),
    key_project: str | None = typer.Option(None, "--key-project", help="State Council approval of a key project (P1)."),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="Plan jurisdiction (default: from the district)."
    ),
    parcel: str | None = typer.Option(None, "--parcel", help="Which parcel of a multi-parcel file (id or name)."),
    crs: str | None = typer.Option(None, "--crs", help="EPSG code when the file has none (DXF) or to override it."),
    on: str | None = typer.Option(None, "--on", help="Review date YYYY-MM-DD (default today)."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, json, docx or pdf."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (json/docx/pdf)."),
    save: bool = typer.Option(True, "--save/--no-save", help="Store the review (audited)."),
    params_file: Path | None = typer.Option(
        None, "--params", help="JSON file of review parameters overriding the defaults (layer rules, H1 caps …)."
    ),
    db: str | None = _DB,
) -> None:
    """Review one parcel against the one map in force, the supply plan and the rules."""
    from guotu.errors import InvalidInputError
    from guotu.services.review import review_parcel

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidInputError("review.number_invalid", field="--on", value=on) from None
    attrs: dict[str, Any] = {
        "mode": mode,
        "method": method,
        "far": far,
        "year": year,
        "district": district,
        "city_size": city_size,
        "declared_area_ha": declared_area,
        "key_project_approval": key_project,
    }
    if use:
        attrs["use"] = use
    epsg = None
    if crs:
        from guotu.services.review import resolve_crs

        epsg = resolve_crs(crs)
    with _store(db) as store:
        review = review_parcel(
            store,
            file,
            attrs,
            on=day,
            actor=_actor(),
            save=save,
            crs=epsg,
            parcel_id=parcel,
            jurisdiction=jurisdiction,
            params=_params(params_file),
        )
        _output(review.to_dict(), review, fmt, out, store)
    _exit(review.conclusion.value)


@app.command("show")
def show_command(
    review_id: str = typer.Argument(..., help="Review id."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, json, docx or pdf."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file."),
    db: str | None = _DB,
) -> None:
    """Show a stored review."""
    from guotu.services.review import get_review

    with _store(db) as store:
        review, raw = get_review(store, review_id)
        _output(raw, review, fmt, out, store)


@app.command("rerun")
def rerun_command(
    review_id: str = typer.Argument(..., help="Review id."),
    json_out: bool = typer.Option(False, "--json", help="Print the re-run result as JSON."),
    db: str | None = _DB,
) -> None:
    """Compute a stored review again from its stored inputs and data versions; exit 1 if it differs."""
    from guotu.services.review import rerun_review

    with _store(db) as store:
        review, identical = rerun_review(store, review_id, actor=_actor())
    if json_out:
        emit_json({"id": review_id, "identical": identical, "review": review.to_dict()}, None)
    else:
        out_console().print(_t("review.label.identical" if identical else "review.label.different"))
        out_console().print(f"{_t('review.label.conclusion')}: {review.conclusion.value}")
    if not identical:
        raise typer.Exit(1)


@app.command("approve")
def approve_command(
    review_id: str = typer.Argument(..., help="Review id."),
    reject: bool = typer.Option(False, "--return", help="Return (已退回) instead of approving (已通过)."),
    note: str = typer.Option("", "--note", help="Reason or remark."),
    db: str | None = _DB,
) -> None:
    """Approve (已通过) or return (已退回) a submitted review."""
    from guotu.services.review import approve_review

    with _store(db) as store:
        result = approve_review(store, review_id, actor=_actor(), approve=not reject, note=note)
    out_console().print(f"{result['id']}: {result['status']}")


@app.command("list")
def list_command(
    district: str | None = typer.Option(None, "--district"),
    year: int | None = typer.Option(None, "--year"),
    status: str | None = typer.Option(None, "--status", help="已提交, 已通过 or 已退回."),
    json_out: bool = typer.Option(False, "--json"),
    db: str | None = _DB,
) -> None:
    """List stored reviews."""
    from guotu.services.review import list_reviews

    with _store(db) as store:
        rows = list_reviews(store, district=district, year=year, status=status)
    if json_out:
        emit_json(rows, None)
        return
    table = Table()
    for column in ("id", "review_date", "conclusion", "status", "use", "parcel_id", "area_ha"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row[c] or "") for c in ("id", "review_date", "conclusion", "status", "use", "parcel_id", "area_ha"))
        )
    out_console().print(table)


@app.command("layer")
def layer_command(
    file: Path = typer.Argument(
        ..., help="A submitted plan layer (详细规划 / 专项规划 / 村庄规划) to check feature by feature."
    ),
    use_field: str | None = typer.Option(
        None, "--use-field", help="Field holding each feature's use (default YDYHFLDM …)."
    ),
    use: str | None = typer.Option(None, "--use", help="Use for features without one."),
    district: str | None = typer.Option(None, "--district"),
    city_size: str | None = typer.Option(None, "--city-size"),
    crs: str | None = typer.Option(None, "--crs", help="EPSG code when the file has none."),
    on: str | None = typer.Option(None, "--on", help="Review date YYYY-MM-DD (default today)."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    out: Path | None = typer.Option(None, "--out", "-o"),
    db: str | None = _DB,
) -> None:
    """一张图核对: review every feature of a submitted layer; summary of conflicts by type and area."""
    from guotu.services.review import resolve_crs, review_layer

    defaults = {k: v for k, v in {"use": use, "district": district, "city_size": city_size}.items() if v}
    with _store(db) as store:
        result = review_layer(
            store,
            file,
            use_field=use_field,
            defaults=defaults,
            on=date.fromisoformat(on) if on else None,
            crs=resolve_crs(crs) if crs else None,
            actor=_actor(),
        )
    data = result.to_dict()
    if fmt is Format.json:
        emit_json(data, out)
    else:
        console = out_console()
        console.print("结论 / conclusions: " + ", ".join(f"{k} {v}" for k, v in data["conclusions"].items()))
        table = Table(title="冲突汇总 / Conflicts by type")
        for column in ("规则", "级别", "发现数", "要素数", "面积(公顷)", "面积(亩)"):
            table.add_column(column)
        for row in data["summary"]:
            table.add_row(
                row["rule"], row["severity"], str(row["findings"]), str(row["features"]), row["area_ha"], row["area_mu"]
            )
        console.print(table)
    if data["conclusions"].get("不符合"):
        raise typer.Exit(1)
