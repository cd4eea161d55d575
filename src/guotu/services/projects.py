"""The key project list (重点建设项目清单): import from .xlsx/.csv, link 精准上图 projects to polygons, count.

Each project is a record of kind ``key_project`` with key
``<行政区代码>-<年度>-<项目编号>``, its status as the record status and, for a
linked 精准上图 project, its polygon (WKB and EPSG). An import replaces the list
of that jurisdiction and year in one audited transaction.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import shapely

from guotu.domain.findings import Finding
from guotu.domain.projects import (
    HEADER_ALIASES,
    KeyProject,
    MappingMode,
    ProjectCounts,
    ProjectStatus,
    count_projects,
    parse_project_table,
    reconcile_counts,
)
from guotu.errors import InvalidInputError
from guotu.io.vector_read import read_vector
from guotu.services.audit import audited
from guotu.store.base import Store

__all__ = ["RECORD_KIND", "ImportedProjects", "ProjectStats", "import_projects", "list_projects", "project_stats"]

logger = logging.getLogger(__name__)

RECORD_KIND: Final = "key_project"
_MAX_ROWS: Final = 100_000


def _read_table(path: Path) -> tuple[list[Any], list[list[Any]], int]:
    """Header, rows and the line number of the first row; the header is the first row naming a code column."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            import openpyxl  # type: ignore[import-untyped]

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True, max_row=_MAX_ROWS)]
            finally:
                book.close()
        elif suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:  # pragma: no cover - gb18030 decodes any byte string
                raise InvalidInputError("projects.file_unreadable", path=str(path), reason="encoding")
            rows = [list(r) for r in csv.reader(io.StringIO(text))][:_MAX_ROWS]
        else:
            raise InvalidInputError("projects.format_unknown", path=str(path))
    except InvalidInputError:
        raise
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise InvalidInputError("projects.file_unreadable", path=str(path), reason=str(exc)[:200]) from None
    code_names = {a.upper() for a in HEADER_ALIASES["code"]}
    for i, row in enumerate(rows[:20]):
        if any(str(c or "").strip().upper() in code_names for c in row):
            return row, rows[i + 1 :], i + 2
    if not rows:
        raise InvalidInputError("projects.empty", path=str(path))
    header = ", ".join(str(c) for c in rows[0] if c is not None)
    raise InvalidInputError("projects.columns_missing", missing=HEADER_ALIASES["code"][0], header=header)


@dataclass(frozen=True)
class ImportedProjects:
    """What an import did."""

    projects: tuple[KeyProject, ...]
    counts: ProjectCounts
    linked: tuple[str, ...]
    findings: tuple[Finding, ...]


def _geometries(path: Path, code_field: str, codes: set[str]) -> tuple[dict[str, bytes], int]:
    data = read_vector(path)
    if data.attributes and code_field not in data.attributes[0]:
        raise InvalidInputError("projects.code_field_missing", field=code_field)
    shapes: dict[str, list[Any]] = {}
    for geom, attrs in zip(data.geometries, data.attributes, strict=True):
        code = str(attrs.get(code_field) or "").strip()
        if code and geom is not None:
            shapes.setdefault(code, []).append(geom)
    unknown = sorted(set(shapes) - codes)
    if unknown:
        raise InvalidInputError("projects.geometry_unknown_code", codes=", ".join(unknown[:20]))
    return {c: shapely.to_wkb(shapely.union_all(g)) for c, g in shapes.items()}, data.crs


def import_projects(
    store: Store,
    path: str | os.PathLike[str],
    *,
    jurisdiction: str,
    year: int,
    actor: str,
    geometry: str | os.PathLike[str] | None = None,
    code_field: str = "XMBH",
    stated_total: int | None = None,
    stated_by_status: Mapping[str, int] | None = None,
) -> ImportedProjects:
    """Import a project list, replacing the list of that jurisdiction and year.

    Parameters
    ----------
    path
        ``.xlsx`` (first sheet) or ``.csv`` (UTF-8 or GB18030) with Chinese headers.
    geometry
        A vector file of project polygons, keyed by ``code_field``; 精准上图 projects
        are linked to them.
    stated_total, stated_by_status
        The scheme's counts to reconcile with (default: those of a maintenance record of
        the same jurisdiction and year, if it states them).

    Raises
    ------
    InvalidInputError
        ``projects.*`` codes (columns, values, duplicates, formats), the geometry file's read errors.
    """
    source = Path(path)
    header, rows, first = _read_table(source)
    projects = parse_project_table(header, rows, first_line=first)
    if not projects:
        raise InvalidInputError("projects.empty", path=str(source))
    shapes: dict[str, bytes] = {}
    crs: int | None = None
    if geometry is not None:
        shapes, crs = _geometries(Path(geometry), code_field, {p.code for p in projects})
    linked = tuple(sorted(c for c in shapes if any(p.code == c for p in projects)))
    unlinked = [p.code for p in projects if p.mode is MappingMode.PRECISE and p.code not in shapes]
    counts = count_projects(projects, linked=linked)
    stated_total, stated_by_status = _stated(store, jurisdiction, year, stated_total, stated_by_status)
    findings = reconcile_counts(
        counts, stated_total=stated_total, stated_by_status=stated_by_status, unlinked_precise=unlinked
    )
    prefix = f"{jurisdiction}-{year}-"
    with audited(
        store,
        actor=actor,
        action="projects.import",
        target=f"key_project:{jurisdiction}-{year}",
        inputs={"path": str(source), "geometry": str(geometry) if geometry else None, "count": len(projects)},
    ) as event:
        old = store.list_records(RECORD_KIND, key_prefix=prefix)
        for record in old:
            store.delete_record(RECORD_KIND, record.key)
        for project in projects:
            wkb = shapes.get(project.code)
            store.put_record(
                RECORD_KIND,
                f"{prefix}{project.code}",
                project.to_dict(),
                jurisdiction=jurisdiction,
                year=year,
                status=project.status.value,
                geometry=wkb,
                crs=crs if wkb is not None else None,
            )
        event.before = {"count": len(old)}
        event.after = {"count": len(projects), "linked": len(linked)}
        event.result = counts.to_dict()
    logger.info("imported %d key projects for %s %d (%d linked)", len(projects), jurisdiction, year, len(linked))
    return ImportedProjects(tuple(projects), counts, linked, tuple(findings))


def _stated(
    store: Store, jurisdiction: str, year: int, total: int | None, by_status: Mapping[str, int] | None
) -> tuple[int | None, Mapping[str, int] | None]:
    if total is not None or by_status is not None:
        return total, by_status
    for record in store.list_records("maintenance", jurisdiction=jurisdiction, year=year):
        stated = record.data.get("projects") or {}
        if stated.get("total") is not None:
            counts = {str(k): int(v) for k, v in (stated.get("by_status") or {}).items()}
            order = [s.value for s in ProjectStatus]
            return int(stated["total"]), {k: counts[k] for k in sorted(counts, key=lambda k: _rank(order, k))}
    return None, None


def _rank(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


def list_projects(store: Store, *, jurisdiction: str, year: int) -> list[tuple[KeyProject, bytes | None, int | None]]:
    """Return the projects of a list with their geometry (WKB, EPSG) when linked."""
    return [
        (KeyProject.from_dict(r.data), r.geometry, r.crs)
        for r in store.list_records(RECORD_KIND, jurisdiction=jurisdiction, year=year)
    ]


@dataclass(frozen=True)
class ProjectStats:
    """Counts of a stored list and the reconciliation findings."""

    counts: ProjectCounts
    findings: tuple[Finding, ...]
    stated_total: int | None
    stated_by_status: dict[str, int] | None


def project_stats(
    store: Store,
    *,
    jurisdiction: str,
    year: int,
    stated_total: int | None = None,
    stated_by_status: Mapping[str, int] | None = None,
) -> ProjectStats:
    """Count a stored list by status and mode and reconcile with the scheme's counts.

    Without a stored list, the scheme's stated counts (given or from its maintenance
    record) are reconciled with each other only.
    """
    rows = list_projects(store, jurisdiction=jurisdiction, year=year)
    projects: Sequence[KeyProject] = [p for p, _, _ in rows]
    linked = [p.code for p, wkb, _ in rows if wkb is not None]
    total, by_status = _stated(store, jurisdiction, year, stated_total, stated_by_status)
    counts = count_projects(projects, linked=linked)
    unlinked = [p.code for p, wkb, _ in rows if p.mode is MappingMode.PRECISE and wkb is None]
    findings = reconcile_counts(
        counts if projects else None, stated_total=total, stated_by_status=by_status, unlinked_precise=unlinked
    )
    return ProjectStats(counts, tuple(findings), total, dict(by_status) if by_status else None)
