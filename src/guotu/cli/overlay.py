"""``guotu overlay``: overlays of files, without a store (tabulate-intersection).

``guotu overlay tabulate LAYER ZONES`` reads two vector files (anything pyogrio
reads: GeoPackage, shapefile, GeoJSON, FileGDB …), checks that both are in a
CGCS2000 CRS (converting the zones into the layer's CRS when they differ), and
prints the area of each class of LAYER in each zone of ZONES, from the overlay
engine (:mod:`guotu.geo.overlay`). Results go to stdout (or ``-o``), progress
and errors to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guotu.cli.output import emit, err_console, out_console

if TYPE_CHECKING:
    from guotu.services.overlay import Tabulation

__all__ = ["app", "print_table", "tabulate_command"]

logger = logging.getLogger(__name__)

app = typer.Typer(help="叠加分析（文件到文件）/ Overlays of files: tabulate-intersection.", no_args_is_help=True)


class TableFormat(StrEnum):
    """Output formats of ``overlay tabulate``."""

    table = "table"
    csv = "csv"
    json = "json"


class AreaKind(StrEnum):
    """Area kinds: official ellipsoidal, or planar in the Gauss-Krüger plane."""

    ellipsoidal = "ellipsoidal"
    planar = "planar"


class Validate(StrEnum):
    """What to check for validity before the overlay."""

    overlay = "overlay"
    all = "all"


# ---------------------------------------------------------------------------
# reading


# ---------------------------------------------------------------------------
# output


def _csv(table: Tabulation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["zone", "class", "area_m2", "feature_count"])
    for row in table.rows():
        writer.writerow([row.zone, row.class_code, repr(row.area_m2), row.feature_count])
    return buffer.getvalue()


def _rich_table(table: Tabulation) -> Table:
    out = Table(title=f"{table.area_kind} m² (EPSG:{table.epsg})")
    for name, justify in (("zone", "left"), ("class", "left"), ("area_m2", "right"), ("features", "right")):
        out.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in table.rows():
        out.add_row(row.zone, row.class_code, f"{row.area_m2:,.2f}", str(row.feature_count))
    return out


def print_table(table: Table, output: Path | None) -> None:
    """Print a rich table to stdout, or as plain text to ``output``."""
    if output is None:
        out_console().print(table)
        return
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(table)
    emit(console.file.getvalue(), output)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# the command


_LAYER = typer.Argument(..., help="The layer to tabulate (e.g. a 三调 DLTB file).", show_default=False)
_ZONES = typer.Argument(..., help="The zones (districts, 规划分区, a control line …).", show_default=False)


@app.command("tabulate")
def tabulate_command(
    layer_path: Path = _LAYER,
    zones_path: Path = _ZONES,
    class_field: str = typer.Option(..., "--class-field", "-c", help="Class field of LAYER (e.g. DLBM)."),
    zone_field: str = typer.Option(..., "--zone-field", "-z", help="Zone identifier field of ZONES (e.g. XZQDM)."),
    area: AreaKind = typer.Option(AreaKind.ellipsoidal, "--area", help="ellipsoidal (official) or planar area."),
    area_field: str | None = typer.Option(
        None, "--area-field", help="Take each feature's area from this field (e.g. TBMJ) instead of computing it."
    ),
    output_format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, csv or json."),
    processes: int = typer.Option(1, "--processes", "-p", min=1, help="Worker processes."),
    layer_name: str | None = typer.Option(None, "--layer", help="Layer inside LAYER (GeoPackage, FileGDB)."),
    zones_layer: str | None = typer.Option(None, "--zones-layer", help="Layer inside ZONES."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Attribute encoding of shapefiles without .cpg (e.g. GBK)."
    ),
    crs: str | None = typer.Option(
        None, "--crs", help="CRS of files that declare none (e.g. EPSG:4527), as confirmed."
    ),
    transform: bool = typer.Option(
        True, "--transform/--no-transform", help="Convert ZONES into LAYER's CRS when they differ (else refuse)."
    ),
    validate: Validate = typer.Option(
        Validate.overlay, "--validate", help="overlay: check the features that are cut; all: check every feature."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Tabulate the area of LAYER by zone × class (tabulate-intersection)."""
    from guotu.services.overlay import tabulate_files

    table = _run(
        lambda progress, on_count: tabulate_files(
            layer_path,
            zones_path,
            class_field=class_field,
            zone_field=zone_field,
            area=area.value,
            area_field=area_field,
            processes=processes,
            layer=layer_name,
            zones_layer=zones_layer,
            encoding=encoding,
            crs=crs,
            transform=transform,
            validate=validate.value,
            progress=progress,
            on_count=on_count,
        )
    )
    if output_format is TableFormat.json:
        emit(json.dumps(table.to_dict(), ensure_ascii=False, indent=2), output)
    elif output_format is TableFormat.csv:
        emit(_csv(table), output)
    else:
        print_table(_rich_table(table), output)


def _run(job: Callable[[Callable[[int], None], Callable[[int], None]], Tabulation]) -> Tabulation:
    # No auto-refresh: no thread runs beside the worker processes (fork safety); the
    # bar moves when a chunk is done, and prints one final line when stderr is no TTY.
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        auto_refresh=False,
        transient=False,
    ) as progress:
        task = progress.add_task("tabulate", total=None)

        def advance(done: int) -> None:
            progress.update(task, completed=done)
            progress.refresh()

        def count(total: int) -> None:
            progress.update(task, total=total)

        table = job(advance, count)
        progress.update(task, completed=progress.tasks[0].total or table.features)
        progress.refresh()
    return table
