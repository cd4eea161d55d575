"""Pages and JSON API of the workflow services: 合规性审查, 动态维护, 监测预警, 重点项目.

The services (``guotu.services.review``, ``maintenance``, ``indicators``, ``supply``,
``projects``) are imported when a request needs them, so the app starts even while
one of them is unavailable (the page then says so with ``web.unavailable``, 503).
Their results are rendered through their ``to_dict`` JSON contracts.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from guotu.errors import ConfigurationError, GuotuError, InvalidInputError
from guotu.web.security import context, principal

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["workflows"])

#: Parcel files the review accepts (GeoJSON, zipped shapefile, GeoPackage, DXF, 界址点 TXT).
PARCEL_SUFFIXES = (".geojson", ".json", ".zip", ".gpkg", ".dxf", ".txt")


def _service(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"guotu.services.{name}")
    except ImportError as err:
        raise ConfigurationError("web.unavailable", feature=f"guotu.services.{name}") from err


def plain(value: Any) -> Any:
    """Return JSON-able data: ``to_dict`` when there is one, dataclasses, Decimals, dates, enums."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        try:
            return plain(value.to_dict())
        except TypeError:
            pass
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {
            str(k if not isinstance(k, tuple) else " / ".join(str(p) for p in k if p)): plain(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _render(request: Request, template: str, **values: Any) -> HTMLResponse:
    from guotu.web.pages import render

    return render(request, template, **values)


def _scope(request: Request, jurisdiction: str | None, year: int | None) -> tuple[str, int]:
    return (jurisdiction or "140300").strip()[:20], year or date.today().year


# ------------------------------------------------------------------ 合规性审查


class ReviewCreate(BaseModel):
    """A drawn parcel (GeoJSON geometry, EPSG:4490 lon/lat) and its attributes."""

    geometry: dict[str, Any]
    attributes: dict[str, Any] = Field(default_factory=dict)
    on: date | None = None


@router.get("/review", name="page_review", response_class=HTMLResponse)
def page_review(request: Request) -> HTMLResponse:
    """合规性审查: the history of reviews and the form to review a parcel."""
    review = _service("review")
    store = context(request).store
    reviews = sorted(plain(review.list_reviews(store)), key=lambda r: str(r.get("id")), reverse=True)
    return _render(
        request, "review.html", reviews=reviews, today=date.today().isoformat(), districts=_districts(store),
        uses=USE_CHOICES,
    )  # fmt: skip


#: Proposed uses offered by the review form (用地用海分类 2023); other codes can be typed.
USE_CHOICES: tuple[tuple[str, str], ...] = (
    ("0701", "城镇住宅用地"), ("0901", "商业用地"), ("0902", "商务金融用地"), ("1001", "工业用地"),
    ("1101", "物流仓储用地"), ("0801", "机关团体用地"), ("0804", "教育用地"), ("0806", "医疗卫生用地"),
    ("1201", "铁路用地"), ("1202", "公路用地"), ("1301", "供水用地"), ("1401", "公园绿地"),
)  # fmt: skip


def _districts(store: Any, city: str = "140300") -> list[tuple[str, str]]:
    try:
        return [(j.code, j.name) for j in store.list_jurisdictions(city)]
    except (GuotuError, AttributeError, TypeError):
        return []


def _attributes(
    use: str, mode: str, method: str, far: str, year: str, district: str, area: str, parcel_id: str = ""
) -> dict[str, Any]:
    raw = {"use": use, "mode": mode, "method": method, "far": far, "year": year, "district": district,
           "declared_area_ha": area, "parcel_id": parcel_id}  # fmt: skip
    return {k: v.strip() for k, v in raw.items() if v and v.strip()}


@router.post("/review", name="review_submit")
async def review_submit(
    request: Request,
    use: Annotated[str, Form(max_length=80)],
    parcel: Annotated[UploadFile | None, File()] = None,
    mode: Annotated[str, Form(max_length=20)] = "",
    method: Annotated[str, Form(max_length=20)] = "",
    far: Annotated[str, Form(max_length=20)] = "",
    year: Annotated[str, Form(max_length=4)] = "",
    district: Annotated[str, Form(max_length=20)] = "",
    area: Annotated[str, Form(max_length=20)] = "",
    parcel_id: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Review an uploaded parcel file with its attributes; show the result.

    (A parcel drawn on the map is sent by the page's script to ``POST /api/reviews``.)
    """
    from guotu.web.pages import read_upload

    review = _service("review")
    ctx = context(request)
    who = principal(request)
    if parcel is None or not parcel.filename:
        raise InvalidInputError("web.parcel_missing")
    path = await read_upload(request, parcel, allowed_suffixes=PARCEL_SUFFIXES)
    attrs = _attributes(use, mode, method, far, year, district, area, parcel_id)
    try:
        result = await run_in_threadpool(lambda: review.review_parcel(ctx.store, path, attrs, actor=who.actor))
    finally:
        path.unlink(missing_ok=True)
    return RedirectResponse(f"/review/{result.id}", status_code=303)


@router.get("/review/{review_id}", name="page_review_detail", response_class=HTMLResponse)
def page_review_detail(request: Request, review_id: str) -> HTMLResponse:
    """One review: conclusion, per-layer overlaps, findings with legal sources, versions used."""
    review = _service("review")
    _found, record = review.get_review(context(request).store, review_id)
    rerun = request.query_params.get("rerun")
    return _render(
        request, "review_detail.html", review=record, rerun=rerun if rerun in ("same", "changed") else None,
        relation_label=RELATION_LABEL,
    )  # fmt: skip


#: The per-layer status shown on the result page: 包含 / 部分 / 不涉及 / 无数据 (and the English).
RELATION_LABEL: dict[str, tuple[str, str, str]] = {
    "inside": ("包含", "inside", "rel-in"),
    "partly": ("部分", "partly", "rel-part"),
    "outside": ("不涉及", "not affected", "rel-out"),
    "touching": ("不涉及", "not affected (touching)", "rel-out"),
    "sliver": ("不涉及", "not affected (sliver)", "rel-out"),
    "no_data": ("无数据", "no data", "rel-none"),
}


@router.post("/review/{review_id}/rerun", name="review_rerun")
def review_rerun(request: Request, review_id: str) -> Response:
    """Compute a stored review again from its stored inputs and data versions (audited)."""
    review = _service("review")
    _again, identical = review.rerun_review(context(request).store, review_id, actor=principal(request).actor)
    return RedirectResponse(f"/review/{review_id}?rerun={'same' if identical else 'changed'}", status_code=303)


@api_router.get("/reviews/{review_id}/map", name="api_review_map")
def api_review_map(request: Request, review_id: str) -> dict[str, Any]:
    """GeoJSON (lon/lat) of a review: the parcel, the layers around it and the parts occupied."""
    from guotu.services.features import review_map

    return review_map(context(request).store, review_id)


@router.post("/review/{review_id}/decision", name="review_decision")
def review_decision(
    request: Request,
    review_id: str,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Approve or reject a submitted review (maker-checker is the service's rule)."""
    review = _service("review")
    review.approve_review(
        context(request).store, review_id, actor=principal(request).actor, approve=decision == "approve", note=note
    )
    return RedirectResponse(f"/review/{review_id}", status_code=303)


@api_router.get("/reviews", name="api_reviews")
def api_reviews(request: Request, district: str | None = None, year: int | None = None) -> dict[str, Any]:
    """List the stored reviews."""
    review = _service("review")
    return {"reviews": plain(review.list_reviews(context(request).store, district=district, year=year))}


@api_router.get("/reviews/{review_id}", name="api_review")
def api_review(request: Request, review_id: str) -> dict[str, Any]:
    """Return one review (the JSON contract of ``docs/review.schema.json``)."""
    review = _service("review")
    found, _record = review.get_review(context(request).store, review_id)
    result: dict[str, Any] = plain(found)
    return result


@api_router.post("/reviews", name="api_review_create", status_code=201)
def api_review_create(request: Request, body: ReviewCreate) -> dict[str, Any]:
    """Review a drawn parcel (GeoJSON in EPSG:4490) with its attributes; the review is stored."""
    import json

    import shapely

    review = _service("review")
    try:
        geometry = shapely.from_geojson(json.dumps(body.geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError) as err:
        raise InvalidInputError("features.geometry_invalid", reason=str(err)[:120]) from None
    found = review.review_parcel(
        context(request).store, geometry, body.attributes, crs=4490, on=body.on, actor=principal(request).actor
    )
    result: dict[str, Any] = plain(found)
    return result


# ------------------------------------------------------------------ 动态维护


@router.get("/maintenance", name="page_maintenance", response_class=HTMLResponse)
def page_maintenance(request: Request) -> HTMLResponse:
    """动态维护: the change sets with their status, and the form to start one from an "after" file."""
    maintenance = _service("maintenance")
    store = context(request).store
    items = [plain(c) for c in maintenance.list_maintenances(store)]
    for c in items:
        c["layer_names"] = [_kind_zh(k) for k in c.get("layers", {})]
        c["item_count"] = len(c.get("items", []))
    layers = [(i.name, f"{i.title or i.name}（{_kind_zh(i.kind)}）") for i in store.list_layers()
              if i.kind not in ("custom", "current_land_use")]  # fmt: skip
    return _render(request, "maintenance.html", items=items, layers=layers, today=date.today().isoformat())


def _kind_zh(kind: str) -> str:
    from guotu.domain.layers import layer_kind

    try:
        return layer_kind(kind).name_zh
    except GuotuError:
        return kind


#: 维护类型 (WHLX) labels.
WHLX_LABEL: dict[str, tuple[str, str]] = {"1": ("调入", "in"), "2": ("属性变更", "attribute"), "3": ("调出", "out")}


def _whly_codes() -> dict[str, str]:
    from guotu.domain.maintenance import WHLY_CODES as codes

    return dict(codes)


WHLY_CODES = _whly_codes()


def _reconciles(row: dict[str, Any]) -> bool | None:
    if row.get("change_unit") or None in (row.get("before"), row.get("after"), row.get("removed"), row.get("added")):
        return None
    try:
        before, after = Decimal(row["before"]), Decimal(row["after"])
        out, into = Decimal(row["removed"]), Decimal(row["added"])
    except (ArithmeticError, ValueError):
        return None
    places = max(-Decimal(v).as_tuple().exponent for v in (row["before"], row["after"]))  # type: ignore[operator]
    return abs(before - out + into - after) <= Decimal(1).scaleb(-int(places))


@router.get("/maintenance/{key}", name="page_maintenance_detail", response_class=HTMLResponse)
def page_maintenance_detail(request: Request, key: str) -> HTMLResponse:
    """One change set: before/调出/调入/after per layer, findings, change items, map; approval and downloads."""
    maintenance = _service("maintenance")
    store = context(request).store
    changes, revision = maintenance.get_maintenance(store, key)
    item = plain(changes)
    stats: dict[str, Any] = {"layers": [], "boundary": None}
    try:
        stats = plain(maintenance.check(store, key, actor=principal(request).actor, save=False).statistics)
    except GuotuError as err:
        stats["error"] = err.message(request.state.lang)
    for row in stats.get("layers", []):
        row["kind_zh"] = _kind_zh(row["layer"])
        row["reconciles"] = _reconciles(row)
    has_geometry = any(i.get("geometry_wkb") for i in item.get("items", []))
    for i in item.get("items", []):
        i["kind_zh"] = _kind_zh(i["layer"])
        i["type_zh"], i["type_en"] = WHLX_LABEL.get(str(i.get("whlx")), (i.get("whlx"), i.get("whlx")))
        i["whly_label"] = WHLY_CODES.get(str(i.get("whly") or ""), "")
        i["area_ha"] = (Decimal(i["area_m2"]) / 10000).quantize(Decimal("0.0001")) if i.get("area_m2") else None
        i.pop("geometry_wkb", None)
    return _render(
        request, "maintenance_detail.html", item=item, revision=revision, key=key, stats=stats,
        has_geometry=has_geometry, today=date.today().isoformat(),
    )  # fmt: skip


@api_router.get("/maintenance/{key}/map", name="api_maintenance_map")
def api_maintenance_map(request: Request, key: str) -> dict[str, Any]:
    """GeoJSON (lon/lat) of a maintenance: the layers before, the 调出 and 调入 polygons."""
    from guotu.services.features import maintenance_map

    return maintenance_map(context(request).store, key)


@router.post("/maintenance/new", name="maintenance_new")
async def maintenance_new(
    request: Request,
    layer: Annotated[str, Form(max_length=100)],
    after: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=200)] = "",
    year: Annotated[int, Form(ge=2000, le=2100)] = 2026,
    jurisdiction: Annotated[str, Form(max_length=20)] = "140300",
) -> Response:
    """Draft a maintenance of one layer from an uploaded maintained ("after") file: the diff is its change set."""
    from guotu.web.pages import read_upload

    maintenance = _service("maintenance")
    ctx = context(request)
    actor = principal(request).actor
    path = await read_upload(request, after, allowed_suffixes=(".gpkg", ".zip", ".geojson", ".json", ".fgb"))

    def run() -> str:
        draft = maintenance.new_maintenance(
            ctx.store, jurisdiction=jurisdiction, year=year, layers=[layer], actor=actor, title=title
        )
        maintenance.diff_changes(ctx.store, draft.key, path, layer=layer, actor=actor)
        maintenance.check(ctx.store, draft.key, actor=actor)
        return str(draft.key)

    try:
        key = await run_in_threadpool(run)
    finally:
        path.unlink(missing_ok=True)
    return RedirectResponse(f"/maintenance/{key}", status_code=303)


@router.post("/maintenance/{key}/check", name="maintenance_check")
def maintenance_check(request: Request, key: str) -> Response:
    """Run the rule checks and the statistics of a change set (stored with it)."""
    maintenance = _service("maintenance")
    maintenance.check(context(request).store, key, actor=principal(request).actor)
    return RedirectResponse(f"/maintenance/{key}", status_code=303)


@router.post("/maintenance/{key}/approve", name="maintenance_approve")
def maintenance_approve(
    request: Request,
    key: str,
    approval_document: Annotated[str, Form(min_length=1, max_length=200)],
    approval_date: Annotated[date, Form()],
    revision: Annotated[int, Form()],
) -> Response:
    """Approve a change set: the next version of each layer (compare-and-set on its revision)."""
    maintenance = _service("maintenance")
    maintenance.approve(
        context(request).store, key, approval_document=approval_document, approval_date=approval_date,
        actor=principal(request).actor, expected_revision=revision,
    )  # fmt: skip
    return RedirectResponse(f"/maintenance/{key}", status_code=303)


@api_router.get("/maintenance", name="api_maintenances")
def api_maintenances(request: Request, jurisdiction: str | None = None, year: int | None = None) -> dict[str, Any]:
    """List the change sets."""
    maintenance = _service("maintenance")
    items = maintenance.list_maintenances(context(request).store, jurisdiction=jurisdiction, year=year)
    return {"maintenances": [plain(c) for c in items]}


@api_router.get("/maintenance/{key}", name="api_maintenance")
def api_maintenance(request: Request, key: str) -> dict[str, Any]:
    """Return one change set with its revision (send it back to approve)."""
    maintenance = _service("maintenance")
    changes, revision = maintenance.get_maintenance(context(request).store, key)
    return {"maintenance": plain(changes), "revision": revision}


# ------------------------------------------------------------------ 监测预警


@router.get("/monitoring", name="page_monitoring", response_class=HTMLResponse)
def page_monitoring(
    request: Request, jurisdiction: str | None = None, year: int | None = None, parcel: str | None = None
) -> HTMLResponse:
    """监测预警: indicators with traffic lights and history; plan execution with a chart; warnings; readiness."""
    code, y = _scope(request, jurisdiction, year)
    store = context(request).store
    lang = request.state.lang
    indicators = _monitoring_indicators(store, code, y)
    execution, rows, chart, warnings = _monitoring_execution(request, store, code, y)
    warnings = [*indicators["warnings"], *warnings]
    readiness = _readiness(store, code, parcel) if parcel else None
    imported = request.query_params.get("imported")
    return _render(
        request, "monitoring.html", indicators=indicators["rows"], execution=execution, rows=rows, chart=chart,
        warnings=warnings, jurisdiction=code, year=y, lang_en=lang == "en", readiness=readiness, parcel=parcel or "",
        imported=imported,
    )  # fmt: skip


def _num(text: Any) -> float | None:
    try:
        return None if text is None or text == "" else float(text)
    except (TypeError, ValueError):
        return None


def _monitoring_indicators(store: Any, code: str, year: int) -> dict[str, Any]:
    from guotu.web.charts import sparkline

    indicators = _service("indicators")
    catalogue = plain(indicators.list_indicators())
    try:
        history = plain(indicators.history(store, code, year=year))
    except GuotuError:
        history = []
    series: dict[str, list[dict[str, Any]]] = {}
    for value in history:
        series.setdefault(value["code"], []).append(value)
    rows, warnings = [], []
    for item in catalogue:
        values = series.get(item["code"], [])
        latest = values[-1] if values else None
        target = (latest or {}).get("target") or {}
        level = latest["level"] if latest else "n/a"
        spark = sparkline([_num(v["value"]) for v in values[-12:]], [v["level"] for v in values[-12:]])
        rows.append({**item, "latest": latest, "level": level, "target": target, "spark": spark,
                     "history_len": len(values)})  # fmt: skip
        if level in ("yellow", "red"):
            warnings.append({
                "severity": "error" if level == "red" and item["kind"] == "binding" else "warning",
                "rule": item["code"], "message_zh": f"{item['name_zh']}：现状 {latest['value'] if latest else '—'}"
                f"{item['unit']}，目标 {target.get('target', '—')}{item['unit']}",
                "message_en": f"{item['name_en']}: {latest['value'] if latest else '—'} {item['unit']}, "
                f"target {target.get('target', '—')} {item['unit']}",
                "legal_source": target.get("source", ""),
            })  # fmt: skip
    return {"rows": rows, "warnings": warnings}


def _monitoring_execution(
    request: Request, store: Any, code: str, year: int
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], Any, list[dict[str, Any]]]:
    from guotu.web.charts import bars

    try:
        execution = plain(_service("supply").progress(store, code, year))
    except GuotuError as err:  # no plan or records yet: the dashboard says so
        return {"note": err.message(request.state.lang)}, [], None, []
    rows = execution.get("rows", [])
    names = dict(_districts(store, code))
    for r in rows:
        r["district_name"] = names.get(r.get("district") or "", r.get("district"))
        r["over"] = r.get("remaining") is not None and (_num(r["remaining"]) or 0) < 0
    whole = [r for r in rows if not r.get("district")]
    chart_rows = [(r["category"] or "—", _num(r.get("planned")), _num(r.get("supplied")) or 0.0) for r in whole[:12]]
    lang = request.state.lang
    labels = ("planned", "supplied") if lang == "en" else ("计划", "已供应")
    return execution, rows, bars(chart_rows, labels=labels) if chart_rows else None, execution.get("findings", [])


def _readiness(store: Any, code: str, parcel: str) -> dict[str, Any] | None:
    from guotu.domain.supply import READINESS_ITEMS

    try:
        found = _service("supply").get_readiness(store, code, parcel.strip()[:60])
    except GuotuError:
        return None
    data: dict[str, Any] = plain(found)
    for item in data.get("items", []):
        item["label_zh"], item["label_en"] = READINESS_ITEMS.get(item["item"], (item["item"], item["item"]))
    return data


@router.post("/monitoring/supply-import", name="supply_import")
async def supply_import(
    request: Request,
    records: Annotated[UploadFile, File()],
    jurisdiction: Annotated[str, Form(max_length=20)] = "140300",
    year: Annotated[str, Form(max_length=4)] = "",
) -> HTMLResponse:
    """Import supply records (.xlsx / .csv): all rows or none, audited; the findings are shown."""
    from guotu.web.pages import read_upload

    supply = _service("supply")
    ctx = context(request)
    who = principal(request)
    path = await read_upload(request, records, allowed_suffixes=(".xlsx", ".csv"))
    y = int(year) if year.isdigit() else None
    try:
        result = await run_in_threadpool(
            lambda: supply.import_records(ctx.store, path, jurisdiction=jurisdiction, year=y, actor=who.actor)
        )
    finally:
        path.unlink(missing_ok=True)
    code, yy = _scope(request, jurisdiction, y)
    indicators = _monitoring_indicators(ctx.store, code, yy)
    execution, rows, chart, warnings = _monitoring_execution(request, ctx.store, code, yy)
    return _render(
        request, "monitoring.html", indicators=indicators["rows"], execution=execution, rows=rows, chart=chart,
        warnings=[*indicators["warnings"], *warnings], jurisdiction=code, year=yy, lang_en=request.state.lang == "en",
        readiness=None, parcel="", imported=None, import_result=plain(result), import_name=records.filename,
    )  # fmt: skip


@router.post("/monitoring/evaluate", name="indicators_evaluate")
def indicators_evaluate(
    request: Request, jurisdiction: Annotated[str, Form(max_length=20)], year: Annotated[int, Form()]
) -> Response:
    """Evaluate every indicator now (stored as history, warnings as findings)."""
    indicators = _service("indicators")
    indicators.evaluate(context(request).store, jurisdiction, year, actor=principal(request).actor)
    return RedirectResponse(f"/monitoring?jurisdiction={jurisdiction}&year={year}", status_code=303)


@api_router.get("/indicators", name="api_indicators")
def api_indicators(request: Request, jurisdiction: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Return the indicator catalogue and the evaluated history of a jurisdiction."""
    indicators = _service("indicators")
    code, y = _scope(request, jurisdiction, year)
    return {
        "indicators": plain(indicators.list_indicators()),
        "history": plain(indicators.history(context(request).store, code, year=y)),
    }


@api_router.get("/supply/progress", name="api_supply_progress")
def api_supply_progress(request: Request, jurisdiction: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Return the execution of the supply plan (完成率 by category and district, findings)."""
    supply = _service("supply")
    code, y = _scope(request, jurisdiction, year)
    result: dict[str, Any] = plain(supply.progress(context(request).store, code, y))
    return result


# ------------------------------------------------------------------ 重点项目


#: Project statuses and mapping modes in the scheme's order.
PROJECT_STATUSES: tuple[str, ...] = ("实施", "延续", "撤销", "更新", "新增")
PROJECT_MODES: tuple[str, ...] = ("精准上图", "示意上图", "增补清单")


@router.get("/projects", name="page_projects", response_class=HTMLResponse)
def page_projects(request: Request, jurisdiction: str | None = None, year: int | None = None) -> HTMLResponse:
    """重点项目: counts by status × mapping mode with the reconciliation line, the list, the import form."""
    code, y = _scope(request, jurisdiction, year)
    return _projects_page(request, code, y)


def _projects_page(request: Request, code: str, year: int, **extra: Any) -> HTMLResponse:
    projects = _service("projects")
    store = context(request).store
    items = [plain(p[0]) for p in projects.list_projects(store, jurisdiction=code, year=year)]
    stats: dict[str, Any] | None = None
    try:
        stats = plain(projects.project_stats(store, jurisdiction=code, year=year))
    except GuotuError:
        stats = None
    matrix: list[dict[str, Any]] = []
    if stats:
        counts = stats["counts"]
        cells = counts.get("by_status_mode", {})
        for status in PROJECT_STATUSES:
            row = cells.get(status, {})
            matrix.append({"status": status, "cells": [row.get(m, 0) for m in PROJECT_MODES],
                           "total": counts.get("by_status", {}).get(status, 0),
                           "stated": (stats.get("stated_by_status") or {}).get(status)})  # fmt: skip
    return _render(
        request, "projects.html", items=items, stats=stats, matrix=matrix, modes=PROJECT_MODES, jurisdiction=code,
        year=year, **extra,
    )  # fmt: skip


@router.post("/projects/import", name="projects_import")
async def projects_import(
    request: Request,
    projects_file: Annotated[UploadFile, File()],
    jurisdiction: Annotated[str, Form(max_length=20)] = "140300",
    year: Annotated[int, Form(ge=2000, le=2100)] = 2026,
) -> Response:
    """Import a key project list (.xlsx / .csv), replacing that jurisdiction's list of the year (audited)."""
    from guotu.web.pages import read_upload

    projects = _service("projects")
    ctx = context(request)
    actor = principal(request).actor
    path = await read_upload(request, projects_file, allowed_suffixes=(".xlsx", ".csv"))
    try:
        await run_in_threadpool(
            lambda: projects.import_projects(ctx.store, path, jurisdiction=jurisdiction, year=year, actor=actor)
        )
    finally:
        path.unlink(missing_ok=True)
    return RedirectResponse(f"/projects?jurisdiction={jurisdiction}&year={year}", status_code=303)


@api_router.get("/projects", name="api_projects")
def api_projects(request: Request, jurisdiction: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Return the key projects of a jurisdiction and year, with their statistics."""
    projects = _service("projects")
    code, y = _scope(request, jurisdiction, year)
    store = context(request).store
    items = [plain(p[0]) for p in projects.list_projects(store, jurisdiction=code, year=y)]
    return {"projects": items, "stats": plain(projects.project_stats(store, jurisdiction=code, year=y))}


def template_exists(name: str) -> bool:
    """Whether a page template ships (for tests)."""
    return (Path(__file__).parent / "templates" / name).is_file()


# ------------------------------------------------------------------ downloads (reports, packages), audited


def _download(request: Request, action: str, target: str, build: Any, filename: str, media: str) -> Response:
    """Build a file in a private temp dir (outside the web root), audit the download, send the bytes."""
    import tempfile
    from urllib.parse import quote

    from guotu.services.audit import audited

    ctx = context(request)
    ctx.upload_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ctx.upload_dir, prefix="dl-") as tmp:
        with audited(ctx.store, actor=principal(request).actor, action=action, target=target, inputs={}) as event:
            path = Path(build(Path(tmp)))
            payload = path.read_bytes()
            event.result = {"file": filename, "bytes": len(payload)}
    disposition = f"attachment; filename=\"download{Path(filename).suffix}\"; filename*=UTF-8''{quote(filename)}"
    return Response(payload, media_type=media, headers={"Content-Disposition": disposition})


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/review/{review_id}/report.docx", name="review_report")
def review_report(request: Request, review_id: str) -> Response:
    """Download the review report (.docx with maps, overlap tables, findings and legal sources)."""
    from guotu.reports.review import write_review_report

    review = _service("review")
    found, _record = review.get_review(context(request).store, review_id)
    lang = request.state.lang

    def build(folder: Path) -> Path:
        return write_review_report(context(request).store, found, folder / "review.docx", fmt="docx", lang=lang)

    return _download(
        request, "review.report_download", f"review:{review_id}", build, f"合规性审查-{review_id}.docx", _DOCX
    )


@router.get("/review/{review_id}/report.pdf", name="review_report_pdf")
def review_report_pdf(request: Request, review_id: str) -> Response:
    """Download the review report as PDF (LibreOffice converts the .docx)."""
    from guotu.reports.review import write_review_report

    review = _service("review")
    found, _record = review.get_review(context(request).store, review_id)
    lang = request.state.lang

    def build(folder: Path) -> Path:
        return write_review_report(context(request).store, found, folder / "review.pdf", fmt="pdf", lang=lang)

    return _download(
        request, "review.report_download", f"review:{review_id}", build, f"合规性审查-{review_id}.pdf",
        "application/pdf",
    )  # fmt: skip


@router.get("/maintenance/{key}/report.docx", name="maintenance_report")
def maintenance_report(request: Request, key: str) -> Response:
    """Download the maintenance report (.docx)."""
    from guotu.reports.maintenance import build_report

    _service("maintenance").get_maintenance(context(request).store, key)

    def build(folder: Path) -> Path:
        return build_report(context(request).store, key, folder / "maintenance.docx")[0]

    return _download(request, "maintenance.report_download", f"maintenance:{key}", build, f"动态维护-{key}.docx", _DOCX)


@router.get("/maintenance/{key}/package.zip", name="maintenance_package")
def maintenance_package(request: Request, key: str) -> Response:
    """Download the national exchange package (GeoPackage) of a change set, zipped."""
    import zipfile

    maintenance = _service("maintenance")
    store = context(request).store

    def build(folder: Path) -> Path:
        out = folder / "package"
        files = maintenance.package(store, key, out, formats=("gpkg",))
        archive = folder / "package.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                for item in [f] if f.is_file() else sorted(p for p in f.rglob("*") if p.is_file()):
                    z.write(item, item.relative_to(out))
        return archive

    return _download(request, "maintenance.package_download", f"maintenance:{key}", build, f"动态维护-{key}.zip",
                     "application/zip")  # fmt: skip
