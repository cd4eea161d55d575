"""``guotu area FILE``: planar and official ellipsoidal area of every feature of a vector file.

Official totals are given in 公顷 (4 decimals) and 亩 (2 decimals) as Decimal
strings, rounded the official way (:func:`guotu.geo.area.official_area`).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from guotu.cli.output import emit
from guotu.cli.overlay import print_table

__all__ = ["area_command"]

#: Decimals of the official totals.
_HECTARE_DECIMALS = 4
_MU_DECIMALS = 2


class AreaFormat(StrEnum):
    """Output formats of ``area``."""

    table = "table"
    json = "json"


def _table(report: dict[str, Any], epsg: int) -> Table:
    table = Table(title=f"EPSG:{epsg}")
    for name in ("index", "planar_m2", "ellipsoidal_m2"):
        table.add_column(name, justify="right")
    for row in report["features"]:
        planar = "—" if row["planar_m2"] is None else f"{row['planar_m2']:,.2f}"
        table.add_row(str(row["index"]), planar, f"{row['ellipsoidal_m2']:,.2f}")
    total = report["total"]
    planar_total = "—" if total["planar_m2"] is None else f"{total['planar_m2']:,.2f}"
    table.add_section()
    table.add_row("Σ", planar_total, f"{total['ellipsoidal_m2']:,.2f}")
    table.caption = f"{total['公顷']} 公顷 = {total['亩']} 亩"
    return table


def area_command(
    file: Path = typer.Argument(
        ..., help="A vector file of polygons (GeoPackage, shapefile, GeoJSON …).", show_default=False
    ),
    output_format: AreaFormat = typer.Option(AreaFormat.table, "--format", "-f", help="table or json."),
    layer: str | None = typer.Option(None, "--layer", help="Layer inside FILE (GeoPackage, FileGDB)."),
    crs: str | None = typer.Option(
        None, "--crs", help="CRS of a file that declares none (e.g. EPSG:4527), as confirmed."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Print the planar and official ellipsoidal area (m²) of every feature, and the totals."""
    from guotu.services.overlay import area_of_file

    epsg, report = area_of_file(file, layer=layer, crs=crs)
    if output_format is AreaFormat.json:
        emit(json.dumps({"epsg": epsg, **report}, ensure_ascii=False, indent=2), output)
    else:
        print_table(_table(report, epsg), output)
