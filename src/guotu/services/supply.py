"""Supply records in the store: totals, listing and execution against the plan in force.

Records are of kind ``supply_record``, key ``"{jurisdiction}:{year}:{parcel_id}"``,
scoped by jurisdiction code and plan year, with the parcel geometry when given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from guotu.domain.findings import Finding, Severity
from guotu.domain.supply import (
    OFF_PLAN,
    TOTAL,
    ColumnMapping,
    Execution,
    ExecutionParams,
    ImportParams,
    PlanStructure,
    Readiness,
    SupplyRecord,
    assign_category,
    duplicate_findings,
    evaluate_execution,
    guess_mapping,
    parse_row,
    plan_structure,
    resolve_district,
)
from guotu.errors import InvalidInputError, NotFoundError
from guotu.services.audit import audited
from guotu.services.plan_versions import PlanVersion, list_plans, plan_in_force, resolve_jurisdiction
from guotu.store.base import Store

__all__ = [
    "KIND",
    "OFF_PLAN",
    "PROFILE_KIND",
    "READINESS_KIND",
    "TOTAL",
    "ImportResult",
    "get_profile",
    "get_readiness",
    "import_records",
    "list_readiness",
    "list_records",
    "mark_ready",
    "plan_on_function",
    "planned_totals",
    "progress",
    "save_profile",
    "save_records",
    "set_readiness_item",
    "structure_in_force",
    "structure_of",
    "supplied_totals",
]

#: Record kind of a supply record.
KIND: Final = "supply_record"


def structure_of(version: PlanVersion) -> PlanStructure:
    """Return the plan structure (total, categories, layout in 公顷, district codes) of a stored version."""
    parent = version.jurisdiction
    return plan_structure(
        version.plan,
        jurisdiction=version.jurisdiction,
        year=version.year,
        version=version.version,
        effective_date=version.effective_date,
        district_code=lambda name: resolve_district(name, parent),
    )


def structure_in_force(store: Store, jurisdiction: str, year: int, on: date | None = None) -> PlanStructure | None:
    """Return the structure of the plan version in force on ``on`` (None when no plan is in force)."""
    version = plan_in_force(store, jurisdiction, year, on)
    return structure_of(version) if version is not None else None


def plan_on_function(store: Store, jurisdiction: str, year: int) -> Callable[[date], PlanStructure | None]:
    """Return a function giving the plan structure in force on a date (versions read once)."""
    code = resolve_jurisdiction(store, jurisdiction)
    versions = [v for v in list_plans(store, code, year=year) if v.status in ("已批准", "已公布")]
    structures = {v.version: structure_of(v) for v in versions}

    @cache
    def plan_on(day: date) -> PlanStructure | None:
        candidates = [v for v in versions if v.effective_date <= day]
        if not candidates:
            return None
        chosen = max(candidates, key=lambda v: (v.effective_date, v.version))
        return structures[chosen.version]

    return plan_on


def planned_totals(
    store: Store, jurisdiction: str, year: int, on: date | None = None
) -> dict[tuple[str, str | None], Decimal]:
    """Planned 公顷 by (category label or ``合计``, district code or None) of the plan in force on ``on``.

    The keys are those of :func:`supplied_totals`, so quota left = planned − supplied.
    Empty when no plan is in force.
    """
    structure = structure_in_force(store, jurisdiction, year, on)
    return structure.planned_totals() if structure is not None else {}


def _write(store: Store, records: Sequence[SupplyRecord]) -> list[SupplyRecord]:
    """Write new records with their plan category (inside the caller's transaction)."""
    saved: list[SupplyRecord] = []
    plans: dict[tuple[str, int], Callable[[date], PlanStructure | None]] = {}
    for record in records:
        scope = (record.jurisdiction, record.year)
        if scope not in plans:
            plans[scope] = plan_on_function(store, record.jurisdiction, record.year)
        record = assign_category(record, plans[scope](record.supply_date))
        store.put_record(
            KIND,
            record.key,
            record.to_dict(),
            jurisdiction=record.jurisdiction,
            year=record.year,
            status="已供应",
            geometry=record.geometry,
            crs=record.crs if record.geometry is not None else None,
            expected_revision=None,
        )
        saved.append(record)
    return saved


def save_records(
    store: Store, records: Sequence[SupplyRecord], *, actor: str, source: str | None = None
) -> list[SupplyRecord]:
    """Store new supply records, all or none, each with its plan category assigned.

    The category is the one the record's use falls in, in the plan version in force
    on its date (None when off-plan).

    Raises
    ------
    ConflictError
        ``record.exists`` when a parcel of the same jurisdiction and year is already recorded.
    """
    keys = [r.key for r in records]
    with audited(
        store,
        actor=actor,
        action="supply.save",
        target=f"{KIND}:{records[0].jurisdiction}:{records[0].year}" if records else KIND,
        inputs={"records": len(records), "source": source, "first": keys[:5]},
    ) as event:
        saved = _write(store, records)
        event.result = {"written": len(saved)}
    return saved


def list_records(
    store: Store,
    jurisdiction: str,
    year: int,
    *,
    until: date | None = None,
    district: str | None = None,
    category: str | None = None,
) -> list[SupplyRecord]:
    """Return the supply records of a jurisdiction's plan year, by date then parcel id."""
    code = resolve_jurisdiction(store, jurisdiction)
    records = [
        replace(SupplyRecord.from_dict(r.data), geometry=r.geometry, crs=r.crs)
        for r in store.list_records(KIND, jurisdiction=code, year=year)
    ]

    out = [
        r
        for r in records
        if (until is None or r.supply_date <= until)
        and (district is None or r.district == district)
        and (category is None or r.plan_category == category)
    ]
    return sorted(out, key=lambda r: (r.supply_date, r.parcel_id))


def supplied_totals(
    store: Store, jurisdiction: str, year: int, *, until: date | None = None
) -> dict[tuple[str, str | None], Decimal]:
    """Supplied 公顷 by (plan category label, district code or None), up to ``until``.

    Each record counts under the label of the category its use falls in, in the
    plan version in force on ``until`` (or the latest), else in the version in
    force on its own date, else under ``计划外``. Every record counts in
    ``(label, None)`` and ``("合计", None)``, and, when it has a district, in
    ``(label, district)`` and ``("合计", district)``. District keys are codes
    (``140302``; 高新区 is ``140300-Z01``).

    Parameters
    ----------
    jurisdiction
        Code or name (阳泉市 → 140300).
    until
        Last supply date included (None: all).
    """
    records = list_records(store, jurisdiction, year, until=until)
    plan_on = plan_on_function(store, jurisdiction, year)
    current = plan_on(until) if until is not None else plan_on(date(year, 12, 31))
    out: dict[tuple[str, str | None], Decimal] = {}
    for record in records:
        category = current.category_for(record.use_code) if current is not None else None
        if category is None:
            at_date = plan_on(record.supply_date)
            category = at_date.category_for(record.use_code) if at_date is not None else None
        label = category.label if category is not None else OFF_PLAN
        keys: list[tuple[str, str | None]] = [(label, None), (TOTAL, None)]
        if record.district is not None:
            keys += [(label, record.district), (TOTAL, record.district)]
        for key in keys:
            out[key] = out.get(key, Decimal(0)) + record.area_ha
    return out


def progress(
    store: Store, jurisdiction: str, year: int, on: date | None = None, *, params: ExecutionParams | None = None
) -> Execution:
    """Return the execution of the year's plan up to ``on``: progress table and findings.

    Each record is measured against the plan version in force on its date; the
    table against the version in force on ``on`` (see
    :func:`guotu.domain.supply.evaluate_execution`).
    """
    code = resolve_jurisdiction(store, jurisdiction)
    records = list_records(store, code, year, until=on)
    return evaluate_execution(
        records, plan_on_function(store, code, year), jurisdiction=code, year=year, on=on, params=params
    )


# ----------------------------------------------------------------------------- import

#: Record kind of a saved column-mapping profile.
PROFILE_KIND: Final = "supply_import_profile"
_TABLE_SUFFIXES: Final = (".csv", ".xlsx", ".xlsm")
_MAX_ROWS: Final = 200_000


@dataclass(frozen=True)
class ImportResult:
    """The outcome of an import: records written (all or none) and the findings.

    ``written`` is 0 when any finding is an error: nothing was stored.
    """

    path: str
    rows: int
    mapping: ColumnMapping
    records: tuple[SupplyRecord, ...]
    findings: tuple[Finding, ...]
    written: int

    @property
    def accepted(self) -> bool:
        """True when the records were stored."""
        return self.written > 0 or (self.rows == 0 and not self.findings)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "path": self.path,
            "rows": self.rows,
            "written": self.written,
            "mapping": self.mapping.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }


def save_profile(store: Store, name: str, mapping: ColumnMapping, *, actor: str) -> None:
    """Save a column mapping under ``name`` for later imports."""
    if not name.strip() or len(name) > 100:
        raise InvalidInputError("supply.profile_name_invalid", name=name)
    with audited(store, actor=actor, action="supply.profile_save", target=f"{PROFILE_KIND}:{name}") as event:
        store.put_record(PROFILE_KIND, name, mapping.to_dict())
        event.after = mapping.to_dict()


def get_profile(store: Store, name: str) -> ColumnMapping:
    """Return a saved column mapping.

    Raises
    ------
    NotFoundError
        ``supply.profile_not_found``.
    """
    record = store.find_record(PROFILE_KIND, name)
    if record is None:
        raise NotFoundError("supply.profile_not_found", name=name)
    return ColumnMapping.from_dict(record.data)


def _read_csv(path: Path, expected: set[str] | None) -> tuple[list[str], list[dict[str, Any]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInputError("supply.encoding_unknown", path=str(path))
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise InvalidInputError("supply.table_empty", path=str(path))
    return _header_and_rows(path, rows, expected)


def _header_and_rows(
    path: Path, rows: list[list[Any]], expected: set[str] | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """Find the header row and key the rows by it.

    The header row is the first of the first 10 rows that holds every ``expected``
    header (a given mapping), or else names at least 3 record fields.
    """
    for index, candidate in enumerate(rows[:10]):
        headers = [str(c).strip() if c is not None else "" for c in candidate]
        found = expected <= set(headers) if expected else len(guess_mapping([h for h in headers if h]).columns) >= 3
        if found:
            body = rows[index + 1 :]
            if len(body) > _MAX_ROWS:
                raise InvalidInputError("supply.too_many_rows", path=str(path), limit=_MAX_ROWS)
            return headers, [
                {h: (r[i] if i < len(r) else None) for i, h in enumerate(headers) if h}
                for r in body
                if any(c not in (None, "") for c in r)
            ]
    raise InvalidInputError("supply.header_not_found", path=str(path))


def _read_xlsx(path: Path, sheet: str | None, expected: set[str] | None) -> tuple[list[str], list[dict[str, Any]]]:
    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a broken file
        raise InvalidInputError("supply.table_unreadable", path=str(path), reason=type(err).__name__) from err
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise NotFoundError(
                    "supply.sheet_not_found", path=str(path), sheet=sheet, sheets="、".join(book.sheetnames)
                )
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise InvalidInputError("supply.table_empty", path=str(path))
    return _header_and_rows(path, rows, expected)


def _read_vector_rows(
    path: Path, layer: str | None
) -> tuple[list[str], list[dict[str, Any]], list[tuple[bytes, Decimal] | None], int]:
    import shapely

    from guotu.geo.area import ellipsoidal_area, official_area
    from guotu.io.vector_read import read_vector

    data = read_vector(path, layer=layer)
    headers = [data.field_aliases.get(f, f) for f in data.fields]
    rows = [{data.field_aliases.get(k, k): v for k, v in attrs.items()} for attrs in data.attributes]
    areas = ellipsoidal_area(data.geometries, data.crs)
    shapes: list[tuple[bytes, Decimal] | None] = []
    for geom, m2 in zip(data.geometries, areas, strict=True):
        if geom is None or shapely.is_empty(geom):
            shapes.append(None)
        else:
            shapes.append((shapely.to_wkb(geom), official_area(float(m2), "公顷", decimals=4)))
    return headers, rows, shapes, data.crs


def import_records(
    store: Store,
    path: str | Path,
    *,
    jurisdiction: str,
    actor: str,
    year: int | None = None,
    profile: str | None = None,
    mapping: ColumnMapping | None = None,
    save_profile_as: str | None = None,
    sheet: str | None = None,
    layer: str | None = None,
    params: ImportParams | None = None,
) -> ImportResult:
    """Import supply records from .xlsx / .csv or a vector file (GeoPackage, shapefile ...), atomically.

    Columns are recognised from the land-market headers (宗地编号, 位置, 行政区, 面积,
    土地用途, 供地方式, 成交价格, 签订日期, 容积率 ...) with units in the headers
    (公顷/亩/平方米, 万元/元), or taken from a saved ``profile`` or an explicit
    ``mapping``. Every row is validated (unknown use, district or mode; negative,
    missing or implausible area; dates outside the year; duplicates in the file or
    in the store); when any finding is an error, nothing is written. From a vector
    file, each record keeps its geometry, and the area is the official ellipsoidal
    area when the table has no area column.

    Raises
    ------
    InvalidInputError
        ``supply.format_unsupported``, ``supply.header_not_found``,
        ``supply.columns_missing``, ``supply.table_empty``, ``supply.table_unreadable`` …
    NotFoundError
        ``file.not_found``, ``supply.profile_not_found``, ``jurisdiction.not_found``.
    """
    source = Path(path)
    if not source.exists():
        raise NotFoundError("file.not_found", path=str(source))
    code = resolve_jurisdiction(store, jurisdiction)
    shapes: list[tuple[bytes, Decimal] | None] = []
    crs: int | None = None
    suffix = source.suffix.lower()
    given = mapping or (get_profile(store, profile) if profile else None)
    expected = set(given.columns.values()) if given is not None else None
    if suffix == ".csv":
        headers, rows = _read_csv(source, expected)
    elif suffix in (".xlsx", ".xlsm"):
        headers, rows = _read_xlsx(source, sheet, expected)
    elif suffix in (".gpkg", ".shp", ".zip", ".geojson", ".json", ".gdb", ".fgb"):
        headers, rows, shapes, crs = _read_vector_rows(source, layer)
    else:
        raise InvalidInputError("supply.format_unsupported", path=str(source), suffix=suffix or "-")
    used = given or guess_mapping(headers)
    missing = [f for f in ("parcel_id", "use", "date") if f not in used.columns]
    if "mode" not in used.columns and "method" not in used.columns:
        missing.append("mode")
    if "area" not in used.columns and not shapes:
        missing.append("area")
    absent = [h for h in used.columns.values() if h not in headers]
    if missing or absent:
        raise InvalidInputError(
            "supply.columns_missing",
            path=str(source),
            missing="、".join(missing + absent),
            headers="、".join(headers),
        )
    findings: list[Finding] = []
    parsed: list[tuple[int, SupplyRecord]] = []
    header_row = 1
    for index, row in enumerate(rows):
        shape = shapes[index] if shapes else None
        record, row_findings = parse_row(
            row,
            used,
            row_number=index + header_row + 1,
            jurisdiction=code,
            year=year,
            district_code=lambda name: resolve_district(name, code),
            area_ha_from_geometry=shape[1] if shape else None,
            params=params,
        )
        findings.extend(row_findings)
        if record is not None:
            if shape is not None:
                record = replace(record, geometry=shape[0], crs=crs)
            parsed.append((index + header_row + 1, record))
    existing = {r.key for r in store.list_records(KIND, jurisdiction=code)}
    findings.extend(duplicate_findings(parsed, existing))
    records = tuple(r for _, r in parsed)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    inputs = {"path": str(source), "jurisdiction": code, "year": year, "rows": len(rows), "profile": profile}
    written: list[SupplyRecord] = []
    try:
        with audited(store, actor=actor, action="supply.import", target=f"{KIND}:{code}", inputs=inputs) as event:
            if errors:
                raise InvalidInputError("supply.import_rejected", path=str(source), errors=len(errors))
            written = _write(store, records)
            if save_profile_as:
                store.put_record(PROFILE_KIND, save_profile_as, used.to_dict())
            event.result = {"written": len(written), "findings": len(findings)}
    except InvalidInputError as err:
        if err.code != "supply.import_rejected":
            raise
    return ImportResult(
        path=str(source),
        rows=len(rows),
        mapping=used,
        records=tuple(written) if written else records,
        findings=tuple(findings),
        written=len(written),
    )


# ----------------------------------------------------------------------------- readiness

#: Record kind of a parcel's readiness checklist.
READINESS_KIND: Final = "readiness"


def get_readiness(store: Store, jurisdiction: str, parcel_id: str) -> Readiness:
    """Return a parcel's readiness checklist (every item open when none is recorded)."""
    code = resolve_jurisdiction(store, jurisdiction)
    record = store.find_record(READINESS_KIND, f"{code}:{parcel_id}")
    if record is None:
        return Readiness.empty(code, parcel_id)
    return Readiness.from_dict(record.data, revision=record.revision)


def list_readiness(store: Store, jurisdiction: str) -> list[Readiness]:
    """Return the recorded checklists of a jurisdiction, by parcel id."""
    code = resolve_jurisdiction(store, jurisdiction)
    return [
        Readiness.from_dict(r.data, revision=r.revision) for r in store.list_records(READINESS_KIND, jurisdiction=code)
    ]


def _put_readiness(store: Store, before: Readiness, after: Readiness) -> Readiness:
    record = store.put_record(
        READINESS_KIND,
        after.key,
        after.to_dict(),
        jurisdiction=after.jurisdiction,
        status="ready" if after.ready else "open",
        expected_revision=before.revision,
    )
    return replace(after, revision=record.revision)


def set_readiness_item(
    store: Store,
    jurisdiction: str,
    parcel_id: str,
    item: str,
    *,
    done: bool,
    evidence: str = "",
    actor: str,
) -> Readiness:
    """Record one checklist item as done (with its evidence) or open again.

    Reopening an item of a parcel marked ready withdraws the mark.

    Raises
    ------
    InvalidInputError
        ``readiness.item_unknown``, ``readiness.evidence_required``.
    ConflictError
        ``record.stale`` when someone changed the checklist meanwhile.
    """
    code = resolve_jurisdiction(store, jurisdiction)
    target = f"{READINESS_KIND}:{code}:{parcel_id}"
    inputs = {"item": item, "done": done, "evidence": evidence}
    with audited(store, actor=actor, action="supply.readiness_item", target=target, inputs=inputs) as event:
        before = get_readiness(store, code, parcel_id)
        after = before.with_item(item, done=done, evidence=evidence, by=actor, at=_now())
        saved = _put_readiness(store, before, after)
        event.before, event.after = before.to_dict(), saved.to_dict()
    return saved


def mark_ready(store: Store, jurisdiction: str, parcel_id: str, *, actor: str) -> Readiness:
    """Mark a parcel ready for listing (净地), which needs every item done.

    Raises
    ------
    ConflictError
        ``readiness.items_open`` (naming the open items), ``record.stale``.
    """
    code = resolve_jurisdiction(store, jurisdiction)
    target = f"{READINESS_KIND}:{code}:{parcel_id}"
    with audited(store, actor=actor, action="supply.readiness_ready", target=target) as event:
        before = get_readiness(store, code, parcel_id)
        saved = _put_readiness(store, before, before.marked_ready(by=actor, at=_now()))
        event.after = saved.to_dict()
    return saved


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
