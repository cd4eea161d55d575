"""``guotu layer``: the one map's layers — import, list, show, versions, check, stats, export."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, err_console, out_console
from guotu.domain.layers import LAYER_KINDS, LayerVersionInfo, LegalStatus

__all__ = ["app"]


class _LazyService:
    """The layer services, imported on first use so that ``guotu`` starts fast."""

    def __getattr__(self, name: str) -> Any:
        from guotu.services import layers

        return getattr(layers, name)


service = _LazyService()

app = typer.Typer(help="一张图图层：导入、版本、质检、统计、导出 / One-map layers.", no_args_is_help=True)

_DB = typer.Option(
    None, "--db", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)
_KINDS = ", ".join(k.id for k in LAYER_KINDS)


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


_FORMAT = typer.Option(Format.table, "--format", "-f", help="table (for people) or json.")


def _t(key: str, **params: object) -> str:
    return message(key, current_lang(), **params)


def _version_dict(v: LayerVersionInfo) -> dict[str, Any]:
    return {
        "layer": v.layer,
        "version": v.version,
        "content_hash": v.content_hash,
        "legal_status": v.legal_status.value,
        "filed": v.filed,
        "effective_date": v.effective_date.isoformat() if v.effective_date else None,
        "approval_document": v.approval_document,
        "crs": v.crs,
        "feature_count": v.feature_count,
        "area_m2": v.area_m2,
        "created_at": v.created_at.isoformat(),
        "parent": v.parent,
    }


def _findings_table(findings: list[dict[str, Any]]) -> Table:
    table = Table(title=_t("ui.layer.findings"))
    for key in ("severity", "code", "feature", "message"):
        table.add_column(_t(f"ui.layer.col.{key}"), overflow="fold")
    lang = current_lang()
    for f in findings[:200]:
        table.add_row(
            _t(f"ui.severity.{f['severity']}"),
            f["code"],
            str(f.get("feature_id") or ""),
            f["message_en"] if lang == "en" else f["message_zh"],
        )
    return table


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="Shapefile (.zip, folder or .shp), GeoPackage, GeoJSON or FileGDB."),
    name: str = typer.Option(..., "--name", "-n", help="Layer name in the store (created on first import)."),
    kind: str = typer.Option(..., "--kind", "-k", help=f"Layer kind: {_KINDS}, or its Chinese name."),
    jurisdiction: str | None = typer.Option(None, help="Code of the jurisdiction the layer covers."),
    layer: str | None = typer.Option(None, help="Layer inside a multi-layer file."),
    encoding: str | None = typer.Option(None, help="Attribute encoding when the file does not say (GBK, UTF-8)."),
    crs: str | None = typer.Option(None, help="Confirm the CRS (EPSG code) of a file without one."),
    id_field: str | None = typer.Option(None, help="Field with a stable feature id (e.g. BSM)."),
    status: LegalStatus = typer.Option(LegalStatus.DRAFTING, help="Legal status of the new version."),
    effective_date: str | None = typer.Option(None, help="Effective date (YYYY-MM-DD)."),
    approval: str | None = typer.Option(None, help="Approval document (批复文号)."),
    expected_parent: int | None = typer.Option(
        None, help="Refuse unless the latest version is this one (no lost updates)."
    ),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Import a file as the next version of a layer, after its quality checks.

    Exit code 0 imported, 1 blocked by error findings (nothing written), 2 bad input.
    """
    with service.open_store(db) as store:
        with err_console().status(_t("ui.layer.importing")):
            result = service.import_layer(
                store,
                file,
                name=name,
                kind=kind,
                jurisdiction=jurisdiction,
                layer=layer,
                encoding=encoding,
                crs=crs,
                id_field=id_field,
                legal_status=status,
                effective_date=_date(effective_date),
                approval_document=approval,
                expected_parent=... if expected_parent is None else expected_parent,
            )
    findings = [service.finding_dict(f) for f in result.findings]
    if output_format is Format.json:
        emit_json(
            {
                "layer": result.layer,
                "kind": result.kind,
                "imported": not result.blocked,
                "version": _version_dict(result.version) if result.version else None,
                "feature_count": result.feature_count,
                "crs": result.crs,
                "findings": findings,
                "seconds": round(result.seconds, 3),
            },
            None,
        )
    else:
        console = out_console()
        if result.version:
            v = result.version
            console.print(
                _t(
                    "ui.layer.imported",
                    layer=v.layer,
                    version=v.version,
                    count=v.feature_count,
                    crs=v.crs,
                    hash=v.content_hash[:12],
                )
            )
        else:
            console.print(
                _t("ui.layer.blocked", layer=result.layer, count=sum(1 for f in findings if f["severity"] == "error"))
            )
        if findings:
            console.print(_findings_table(findings))
    if result.blocked:
        raise typer.Exit(1)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from guotu.errors import InvalidInputError

        raise InvalidInputError("input.option_invalid", option="date", value=text, choices="YYYY-MM-DD") from None


@app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="The file to check (nothing is written)."),
    kind: str = typer.Option(..., "--kind", "-k", help=f"Layer kind: {_KINDS}."),
    layer: str | None = typer.Option(None, help="Layer inside a multi-layer file."),
    encoding: str | None = typer.Option(None, help="Attribute encoding when the file does not say."),
    crs: str | None = typer.Option(None, help="Confirm the CRS (EPSG code)."),
    output_format: Format = _FORMAT,
) -> None:
    """Run the quality checks (成果质检) of a layer kind on a file. Exit 1 on error findings."""
    data, findings = service.check_file(file, kind=kind, layer=layer, encoding=encoding, crs=crs)
    rows = [service.finding_dict(f) for f in findings]
    if output_format is Format.json:
        emit_json({"feature_count": len(data), "crs": data.crs, "findings": rows}, None)
    else:
        console = out_console()
        console.print(_t("ui.layer.checked", count=len(data), crs=data.crs, findings=len(rows)))
        if rows:
            console.print(_findings_table(rows))
    if any(f["severity"] == "error" for f in rows):
        raise typer.Exit(1)


@app.command("list")
def list_command(output_format: Format = _FORMAT, db: str | None = _DB) -> None:
    """List the layers of the store."""
    with service.open_store(db) as store:
        layers = service.list_layers(store)
    if output_format is Format.json:
        emit_json(
            {
                "layers": [
                    {
                        "name": i.name,
                        "kind": i.kind,
                        "jurisdiction": i.jurisdiction,
                        "title": i.title,
                        "latest_version": i.latest_version,
                    }
                    for i in layers
                ]
            },
            None,
        )
        return
    table = Table()
    for key in ("name", "kind", "jurisdiction", "title", "latest"):
        table.add_column(_t(f"ui.layer.col.{key}"))
    for i in layers:
        table.add_row(i.name, i.kind, i.jurisdiction or "", i.title or "", str(i.latest_version or ""))
    out_console().print(table)


@app.command("versions")
def versions_command(
    name: str = typer.Argument(..., help="Layer name."), output_format: Format = _FORMAT, db: str | None = _DB
) -> None:
    """List a layer's versions with their legal status and content hash."""
    with service.open_store(db) as store:
        versions = service.list_versions(store, name)
    if output_format is Format.json:
        emit_json({"versions": [_version_dict(v) for v in versions]}, None)
        return
    table = Table()
    for key in ("version", "status", "effective", "approval", "features", "area", "hash"):
        table.add_column(_t(f"ui.layer.col.{key}"))
    for v in versions:
        table.add_row(
            str(v.version),
            v.legal_status.value + (" 部备案" if v.filed else ""),
            v.effective_date.isoformat() if v.effective_date else "",
            v.approval_document or "",
            str(v.feature_count),
            f"{v.area_m2 / 10_000:.4f} 公顷",
            v.content_hash[:12],
        )
    out_console().print(table)


@app.command("show")
def show_command(
    name: str = typer.Argument(..., help="Layer name."),
    version: int | None = typer.Option(None, help="Version number (default: the latest)."),
    as_of: str | None = typer.Option(None, "--as-of", help="The version in force on this date (YYYY-MM-DD)."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Describe a layer and one version (the latest, a number, or the one in force on a date)."""
    with service.open_store(db) as store:
        shown = service.show_layer(store, name, version, as_of=_date(as_of))
    info, chosen, findings = shown["layer"], shown["version"], shown["findings"]
    if output_format is Format.json:
        emit_json(
            {
                "layer": {"name": info.name, "kind": info.kind, "jurisdiction": info.jurisdiction, "title": info.title},
                "version": _version_dict(chosen) if chosen else None,
                "findings": findings,
            },
            None,
        )
        return
    console = out_console()
    console.print(f"{info.name}  {info.kind}  {info.title or ''}")
    if chosen:
        console.print(json.dumps(_version_dict(chosen), ensure_ascii=False, indent=2))
    if findings:
        console.print(_findings_table(findings))


@app.command("status")
def status_command(
    name: str = typer.Argument(..., help="Layer name."),
    version: int = typer.Argument(..., help="Version number."),
    status: LegalStatus = typer.Argument(..., help="New legal status: 现行 or 已废止."),
    effective_date: str | None = typer.Option(None, help="Effective date (YYYY-MM-DD)."),
    approval: str | None = typer.Option(None, help="Approval document (批复文号)."),
    filed: bool | None = typer.Option(None, help="Filed with the ministry (部备案)."),
    db: str | None = _DB,
) -> None:
    """Move a version along 在编 → 现行 → 已废止 (the content never changes)."""
    with service.open_store(db) as store:
        v = service.set_legal_status(
            store, name, version, status, effective_date=_date(effective_date), approval_document=approval, filed=filed
        )
    emit_json(_version_dict(v), None)


@app.command("stats")
def stats_command(
    name: str = typer.Argument(..., help="Layer name."),
    version: int | None = typer.Option(None, help="Version (default: the latest)."),
    class_field: str | None = typer.Option(None, help="Class attribute (default: the kind's, e.g. DLBM)."),
    zones: str | None = typer.Option(None, help="A zone layer to cross with (districts, planning zones)."),
    zone_field: str | None = typer.Option(None, help="Zone attribute of the zone layer."),
    area: str = typer.Option("ellipsoidal", help="ellipsoidal (official) or planar."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Area by class (× zone): the statistics every report leans on."""
    with service.open_store(db) as store:
        tab = service.layer_stats(
            store, name, version, class_field=class_field, zones=zones, zone_field=zone_field, area=area
        )
    rows = [
        {
            "zone": r.zone,
            "class": r.class_code,
            "area_m2": r.area_m2,
            "公顷": round(r.area_m2 / 10_000, 4),
            "features": r.feature_count,
        }
        for r in tab.rows()
    ]
    if output_format is Format.json:
        emit_json({"area": tab.area_kind, "rows": rows}, None)
        return
    table = Table()
    for key in ("zone", "class", "area", "features"):
        table.add_column(_t(f"ui.layer.col.{key}"))
    for r in rows:
        table.add_row(str(r["zone"]), str(r["class"]), f"{r['公顷']:.4f}", str(r["features"]))
    out_console().print(table)


@app.command("diff")
def diff_command(
    name: str = typer.Argument(..., help="Layer name."),
    before: int = typer.Argument(..., help="The earlier version."),
    after: int = typer.Argument(..., help="The later version."),
    class_field: str | None = typer.Option(None, help="Class attribute (default: the kind's)."),
    districts: str | None = typer.Option(None, help="A district layer to split the changes by."),
    district_field: str | None = typer.Option(None, help="District attribute of that layer."),
    output_format: Format = _FORMAT,
    db: str | None = _DB,
) -> None:
    """Compare two versions: 调入 / 调出 / 属性变更 areas by class (and district)."""
    with service.open_store(db) as store:
        result = service.diff_layer(
            store, name, before, after, class_field=class_field, districts=districts, district_field=district_field
        )
    data = result.to_dict()
    if output_format is Format.json:
        emit_json(data, None)
        return
    console = out_console()
    for kind in ("调入", "调出", "属性变更"):
        console.print(f"{kind}: {result.total(kind) / 10_000:.4f} 公顷")
    table = Table()
    for key in ("change", "class", "area"):
        table.add_column(_t(f"ui.layer.col.{key}"))
    for row in data["by_class"]:
        classes = (
            row["class_before"]
            if row["class_before"] == row["class_after"]
            else f"{row['class_before'] or '—'} → {row['class_after'] or '—'}"
        )
        table.add_row(row["kind"], classes, f"{row['area_m2'] / 10_000:.4f}")
    console.print(table)


@app.command("export")
def export_command(
    name: str = typer.Argument(..., help="Layer name."),
    file: Path = typer.Argument(..., help="Target: .gpkg, .shp/.zip, .geojson, .parquet or .gdb."),
    version: int | None = typer.Option(None, help="Version (default: the latest)."),
    driver: str | None = typer.Option(
        None, help="Force a format (GPKG, ESRI Shapefile, GeoJSON, Parquet, OpenFileGDB)."
    ),
    overwrite: bool = typer.Option(False, help="Replace an existing target."),
    db: str | None = _DB,
) -> None:
    """Export a layer version to a file."""
    with service.open_store(db) as store:
        path = service.export_layer(store, name, file, version=version, driver=driver, overwrite=overwrite)
    err_console().print(_t("ui.layer.exported", path=str(path)))
