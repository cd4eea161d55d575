"""The JSON API (``/api``): the same services as the pages and the CLI, described by OpenAPI."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from guotu.services import consultation, features, users
from guotu.services.audit import list_events
from guotu.web.security import context, principal

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])


class AreaStatsRequest(BaseModel):
    """A drawn polygon (GeoJSON, EPSG:4490 lon/lat) and the layers to measure in it."""

    geometry: dict[str, Any]
    layers: list[str] = Field(min_length=1, max_length=20)
    as_of: date | None = None


class CommentCreate(BaseModel):
    """A public comment."""

    subject: str = Field(default="", max_length=200)
    text: str = Field(max_length=2000)


class CommentDecision(BaseModel):
    """A moderation decision, with the revision it was made on (compare-and-set)."""

    decision: str = Field(pattern="^(approved|rejected)$")
    revision: int | None = None


class UserCreate(BaseModel):
    """A new account."""

    name: str = Field(max_length=64)
    password: str = Field(max_length=256)
    role: str = Field(max_length=20)
    districts: list[str] = Field(default_factory=list, max_length=50)


@router.get("/me", name="api_me")
def api_me(request: Request) -> dict[str, Any]:
    """Describe the caller: name, role, scope, and the CSRF token for state-changing calls."""
    who = principal(request)
    return {
        "name": who.name,
        "role": who.role,
        "districts": list(who.districts),
        "signed_in": who.signed_in,
        "csrf_token": getattr(request.state, "csrf", ""),
    }


@router.get("/layers", name="api_layers")
def api_layers(request: Request, as_of: date | None = None) -> dict[str, Any]:
    """List the layers the caller may see, grouped by kind, each with the version served and its classes."""
    who = principal(request)
    store = context(request).store
    out = []
    for c in features.list_collections(store, who.viewer, as_of=as_of):
        out.append(
            {
                "id": c.id,
                "title": c.title,
                "kind": c.kind,
                "kind_zh": c.kind_zh,
                "kind_en": c.kind_en,
                "jurisdiction": c.jurisdiction,
                "bbox": c.bbox,
                "class_field": c.class_field,
                "colour": features.kind_colour(c.kind),
                "classes": features.class_values(store, c),
                "version": c.version_dict(),
                "versions": features.list_layer_versions(store, who.viewer, c.id),
            }
        )
    return {"layers": out}


@router.get("/layers/{layer}/versions", name="api_layer_versions")
def api_layer_versions(request: Request, layer: str) -> dict[str, Any]:
    """List the versions of a layer with their legal status (the public: published ones only)."""
    return {"versions": features.list_layer_versions(context(request).store, principal(request).viewer, layer)}


@router.post("/stats/area", name="api_area_stats")
def api_area_stats(request: Request, body: AreaStatsRequest) -> dict[str, Any]:
    """Ellipsoidal areas by class of the given layers inside a drawn polygon."""
    return features.area_statistics(
        context(request).store, principal(request).viewer, body.geometry, body.layers, as_of=body.as_of
    )


@router.get("/plans", name="api_plans")
def api_plans(request: Request) -> dict[str, Any]:
    """Every stored plan version (without the full text)."""
    from guotu.services.plan_versions import list_plans

    return {"plans": [p.to_dict(with_plan=False) | {"key": p.key} for p in list_plans(context(request).store)]}


@router.get("/plans/{key}", name="api_plan")
def api_plan(request: Request, key: str) -> dict[str, Any]:
    """One plan version with its figures and findings."""
    from guotu.errors import NotFoundError
    from guotu.services.plan_versions import list_plans

    for p in list_plans(context(request).store):
        if p.key == key:
            return p.to_dict() | {"key": p.key}
    raise NotFoundError("record.not_found", kind="plan_version", key=key[:80])


@router.get("/public/plans", name="api_public_plans")
def api_public_plans(request: Request) -> dict[str, Any]:
    """List the published (已公布) plan versions only."""
    from guotu.services.plan_versions import list_plans

    plans = [p for p in list_plans(context(request).store) if p.status == "已公布"]
    return {"plans": [p.to_dict() | {"key": p.key} for p in plans]}


@router.post("/plans/extract", name="api_plan_extract")
async def api_plan_extract(request: Request, document: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Read an uploaded plan document: its figures and findings (nothing is stored)."""
    from guotu.web.pages import extract_upload

    plan, name, inputs = await extract_upload(request, document)
    result: dict[str, Any] = plan.to_dict()
    result["upload"] = {"name": name, "sha256": inputs.get("sha256"), "size": inputs.get("size")}
    return result


@router.get("/comments", name="api_comments")
def api_comments(request: Request, status: str | None = None) -> dict[str, Any]:
    """Comments for moderation."""
    return {"comments": [c.to_dict() for c in consultation.list_comments(context(request).store, status=status)]}


@router.post("/comments", name="api_comment_create", status_code=201)
def api_comment_create(request: Request, body: CommentCreate) -> dict[str, Any]:
    """Submit a public comment (pending until moderated)."""
    c = consultation.submit_comment(context(request).store, body.subject, body.text, actor=principal(request).actor)
    return {"key": c.key, "status": c.status}


@router.post("/comments/{key}/moderate", name="api_comment_moderate")
def api_comment_moderate(request: Request, key: str, body: CommentDecision) -> dict[str, Any]:
    """Approve or reject a comment."""
    c = consultation.moderate_comment(
        context(request).store, key, body.decision, actor=principal(request).actor, expected_revision=body.revision
    )
    return c.to_dict()


@router.get("/audit", name="api_audit")
def api_audit(
    request: Request, limit: int = 100, actor: str | None = None, action: str | None = None
) -> dict[str, Any]:
    """List the newest audit events."""
    events = list_events(context(request).store, limit=max(1, min(limit, 1000)), actor=actor, action_prefix=action)
    return {
        "events": [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "outcome": e.outcome,
                "inputs": e.inputs,
                "result": e.result,
                "hash": e.hash,
            }
            for e in events
        ]
    }


@router.get("/users", name="api_users")
def api_users(request: Request) -> dict[str, Any]:
    """Every account (never a hash)."""
    return {"users": [u.to_dict() for u in users.list_users(context(request).store)]}


@router.post("/users", name="api_user_create", status_code=201)
def api_user_create(request: Request, body: UserCreate) -> dict[str, Any]:
    """Create an account."""
    ctx = context(request)
    user = users.create_user(
        ctx.store,
        body.name,
        body.password,
        role=body.role,
        actor=principal(request).actor,
        districts=tuple(body.districts),
        policy=ctx.policy,
    )
    return user.to_dict()


@router.get("/docs", name="api_docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI, vendored (no CDN)."""
    from guotu.web.pages import render

    return render(request, "api_docs.html")


@router.get("/openapi.json", name="api_openapi", include_in_schema=False)
async def api_openapi(request: Request) -> JSONResponse:
    """Return the OpenAPI description of the API."""
    schema = await run_in_threadpool(request.app.openapi)
    return JSONResponse(schema)
