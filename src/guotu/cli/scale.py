"""``guotu scale``: province- and nation-wide statistics on Dask (tabulate, diff, stats of GeoParquet layers).

``guotu scale tabulate LAYER --districts XZQ.gpkg --district-field XZQDM -c DLBM --local 2``
starts a LocalCluster of two worker processes (or connects to ``--scheduler
tcp://host:8786``, default from ``GUOTU_SCALE_SCHEDULER``), partitions the GeoParquet
layer on the workers and computes every partition with guotu's overlay engine. Results
go to stdout or ``-o`` as a table, CSV, JSON or xlsx; progress (partitions done) and
errors go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guotu.cli.output import emit, err_console
from guotu.cli.overlay import print_table
from guotu.errors import InvalidInputError

if TYPE_CHECKING:
    from guotu.scale import AreaTable, DaskEngine, DiffTable

__all__ = ["app"]

logger = logging.getLogger(__name__)

app = typer.Typer(
    help="分布式统计（Dask）/ Province-wide statistics on Dask: tabulate, diff, stats of GeoParquet layers.",
    no_args_is_help=True,
)

T = TypeVar("T")


class OutputFormat(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class AreaKind(StrEnum):
    """Area kinds: official ellipsoidal, or planar in the Gauss-Krüger plane."""

    ellipsoidal = "ellipsoidal"
    planar = "planar"


class PartitionBy(StrEnum):
    """How features are assigned to partitions."""

    hilbert = "hilbert"
    field = "field"
    input = "input"


# ---------------------------------------------------------------------------
# shared options

_SCHEDULER = typer.Option(
    None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: GUOTU_SCALE_SCHEDULER)."
)
_LOCAL = typer.Option(
    None, "--local", min=1, help="Start a LocalCluster of N worker processes (default: GUOTU_SCALE_WORKERS)."
)
_MEMORY = typer.Option(None, "--memory-limit", help="Memory per local worker, e.g. 4GiB (GUOTU_SCALE_MEMORY_LIMIT).")
_PARTITIONS = typer.Option(
    None, "--partitions", min=1, help="Number of partitions (default: one per 100 000 features)."
)
_PARTITION_BY = typer.Option(
    PartitionBy.hilbert, "--partition-by", help="hilbert (spatial), field (a code column) or input (as the files come)."
)
_PARTITION_FIELD = typer.Option(None, "--partition-field", help="Code column for --partition-by field (e.g. XZQDM).")
_FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv, json or xlsx (xlsx needs -o).")
_OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
_CRS = typer.Option(None, "--crs", help="CRS of GeoParquet files that declare none (e.g. EPSG:4527).")
_AREA = typer.Option(AreaKind.ellipsoidal, "--area", help="ellipsoidal (official) or planar area.")
_AREA_FIELD = typer.Option(None, "--area-field", help="Take each feature's area from this column (e.g. TBMJ).")
_DISTRICTS = typer.Option(None, "--districts", help="District layer (any format guotu reads).")
_DISTRICT_FIELD = typer.Option("XZQDM", "--district-field", help="District code field.")


def _engine(
    scheduler: str | None,
    local: int | None,
    memory_limit: str | None,
    partitions: int | None,
    partition_by: PartitionBy,
    partition_field: str | None,
) -> DaskEngine:
    from guotu.scale import DaskEngine
    from guotu.settings import ScaleSettings

    if scheduler and local:
        raise InvalidInputError("scale.options_conflict")
    settings = ScaleSettings()
    address = scheduler if scheduler else (None if local else settings.scheduler)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    return DaskEngine(
        scheduler=address,
        local_workers=None if address else (local or settings.workers),
        memory_limit=memory_limit or settings.memory_limit,
        partitions=partitions,
        partition_by=partition_by.value,
        partition_field=partition_field,
    )


def _with_progress(label: str, job: Callable[[Callable[[int, int], None]], T]) -> T:
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        transient=False,
    ) as progress:
        task = progress.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return job(advance)


# ---------------------------------------------------------------------------
# output


def _official(area_m2: float) -> tuple[Decimal, Decimal]:
    from guotu.scale.jobs import official_figures

    return official_figures(area_m2)


def _area_rows(table: AreaTable) -> tuple[list[str], list[list[Any]]]:
    has_district = any(r.district is not None for r in table.rows)
    has_zone = any(r.zone is not None for r in table.rows)
    header = [*(["district"] if has_district else []), *(["zone"] if has_zone else []), "class"]
    header += ["area_m2", "公顷", "亩", "feature_count"]
    rows: list[list[Any]] = []
    for r in table.rows:
        hectares, mu = _official(r.area_m2)
        keys = [*([r.district] if has_district else []), *([r.zone] if has_zone else []), r.class_code]
        rows.append([*keys, r.area_m2, hectares, mu, r.feature_count])
    return header, rows


def _diff_rows(table: DiffTable) -> tuple[list[str], list[list[Any]]]:
    header = ["summary", "kind", "whlx", "class_before", "class_after", "district", "area_m2", "公顷", "亩", "count"]
    rows: list[list[Any]] = []
    for name, items in (("class", table.by_class), ("district", table.by_district)):
        for r in items:
            hectares, mu = _official(r.area_m2)
            keys = [name, r.kind.value, r.kind.whlx, r.class_before, r.class_after, r.district]
            rows.append([*keys, r.area_m2, hectares, mu, r.count])
    return header, rows


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in row])
    return buffer.getvalue()


def _rich(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    out = Table(title=title)
    for name in header:
        out.add_column(name, justify="right" if name in ("area_m2", "公顷", "亩", "feature_count", "count") else "left")
    for row in rows:
        out.add_row(*("—" if v is None else f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row))
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _xlsx(path: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    try:
        from guotu.reports.xlsx import Sheet, write_workbook
    except ImportError:
        _xlsx_openpyxl(path, name, header, rows)
        return
    write_workbook(path, [Sheet(name=name, header=list(header), rows=[list(r) for r in rows])])


def _xlsx_openpyxl(path: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Fallback writer: text that a spreadsheet would read as a formula is stored as quoted text."""
    import os
    import tempfile

    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".guotu-", suffix=".xlsx", dir=directory)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInputError("scale.xlsx_unavailable", reason=err.strerror or str(err)) from err


def _emit(
    fmt: OutputFormat, output: Path | None, title: str, data: dict[str, Any], header: list[str], rows: list[list[Any]]
) -> None:
    if fmt is OutputFormat.json:
        emit(json.dumps(data, ensure_ascii=False, indent=2), output)
    elif fmt is OutputFormat.csv:
        emit(_csv(header, rows), output)
    elif fmt is OutputFormat.xlsx:
        if output is None:
            raise InvalidInputError("input.option_invalid", option="--output", value="", choices="a .xlsx path")
        _xlsx(output, title, header, rows)
    else:
        print_table(_rich(title, header, rows), output)


def _zone_spec(path: Path | None, field: str) -> Any:
    from guotu.scale import ZoneSpec

    return None if path is None else ZoneSpec(path, field)


# ---------------------------------------------------------------------------
# commands


@app.command("tabulate")
def tabulate_command(
    layer: Path = typer.Argument(..., help="GeoParquet layer: a file or a folder of files.", show_default=False),
    class_field: str = typer.Option(..., "--class-field", "-c", help="Class field (e.g. DLBM)."),
    zones: Path | None = typer.Option(None, "--zones", help="Zone layer (规划分区, control lines …)."),
    zone_field: str | None = typer.Option(None, "--zone-field", "-z", help="Zone identifier field (e.g. GHFQDM)."),
    districts: Path | None = _DISTRICTS,
    district_field: str = _DISTRICT_FIELD,
    area: AreaKind = _AREA,
    area_field: str | None = _AREA_FIELD,
    crs: str | None = _CRS,
    scheduler: str | None = _SCHEDULER,
    local: int | None = _LOCAL,
    memory_limit: str | None = _MEMORY,
    partitions: int | None = _PARTITIONS,
    partition_by: PartitionBy = _PARTITION_BY,
    partition_field: str | None = _PARTITION_FIELD,
    output_format: OutputFormat = _FORMAT,
    output: Path | None = _OUTPUT,
) -> None:
    """Area of LAYER by district × zone × class (tabulate-intersection), on Dask."""
    from guotu.scale import TabulateJob

    if zones is not None and not zone_field:
        raise InvalidInputError("input.option_invalid", option="--zone-field", value="", choices="a field of --zones")
    job = TabulateJob(
        layer,
        class_field,
        zones=_zone_spec(zones, zone_field or ""),
        districts=_zone_spec(districts, district_field),
        area=area.value,
        area_field=area_field,
        crs=crs,
    )
    with _engine(scheduler, local, memory_limit, partitions, partition_by, partition_field) as engine:
        table = _with_progress("tabulate", lambda progress: engine.tabulate(job, progress=progress))
    header, rows = _area_rows(table)
    _emit(output_format, output, "tabulate", table.to_dict(), header, rows)


@app.command("stats")
def stats_command(
    layer: Path = typer.Argument(..., help="GeoParquet layer: a file or a folder of files.", show_default=False),
    class_field: str | None = typer.Option(None, "--class-field", "-c", help="Class field (e.g. DLBM)."),
    districts: Path | None = _DISTRICTS,
    district_field: str = _DISTRICT_FIELD,
    area: AreaKind = _AREA,
    area_field: str | None = _AREA_FIELD,
    crs: str | None = _CRS,
    scheduler: str | None = _SCHEDULER,
    local: int | None = _LOCAL,
    memory_limit: str | None = _MEMORY,
    partitions: int | None = _PARTITIONS,
    partition_by: PartitionBy = _PARTITION_BY,
    partition_field: str | None = _PARTITION_FIELD,
    output_format: OutputFormat = _FORMAT,
    output: Path | None = _OUTPUT,
) -> None:
    """Area and feature count of LAYER by class (and district), on Dask."""
    from guotu.scale import StatsJob

    job = StatsJob(
        layer,
        class_field,
        districts=_zone_spec(districts, district_field),
        area=area.value,
        area_field=area_field,
        crs=crs,
    )
    with _engine(scheduler, local, memory_limit, partitions, partition_by, partition_field) as engine:
        table = _with_progress("stats", lambda progress: engine.stats(job, progress=progress))
    header, rows = _area_rows(table)
    _emit(output_format, output, "stats", table.to_dict(), header, rows)


@app.command("diff")
def diff_command(
    before: Path = typer.Argument(..., help="GeoParquet layer, the earlier version.", show_default=False),
    after: Path = typer.Argument(..., help="GeoParquet layer, the later version.", show_default=False),
    id_field: str = typer.Option("BSM", "--id-field", help="Field identifying features across versions (标识码)."),
    class_field: str | None = typer.Option(None, "--class-field", "-c", help="Class field (e.g. DLBM)."),
    compare: list[str] = typer.Option([], "--compare", help="Fields whose change is 属性变更 (default: the class)."),
    districts: Path | None = _DISTRICTS,
    district_field: str = _DISTRICT_FIELD,
    crs: str | None = _CRS,
    scheduler: str | None = _SCHEDULER,
    local: int | None = _LOCAL,
    memory_limit: str | None = _MEMORY,
    partitions: int | None = _PARTITIONS,
    output_format: OutputFormat = _FORMAT,
    output: Path | None = _OUTPUT,
) -> None:
    """调入 / 调出 / 属性变更 areas between two versions, by class (and district), on Dask."""
    from guotu.scale import DiffJob

    job = DiffJob(
        before,
        after,
        id_field,
        class_field,
        districts=_zone_spec(districts, district_field),
        compare_fields=tuple(compare),
        crs=crs,
    )
    with _engine(scheduler, local, memory_limit, partitions, PartitionBy.hilbert, None) as engine:
        table = _with_progress("diff", lambda progress: engine.diff(job, progress=progress))
    header, rows = _diff_rows(table)
    _emit(output_format, output, "diff", table.to_dict(), header, rows)
