"""OGC API Features (``/ogc``) and vector tiles (``/tiles``): JSON with ``?f=json`` or Accept, HTML otherwise.

Coordinates are EPSG:4490 longitude/latitude (CRS84 axis order); the public sees the
published version of each published layer, staff what their role and scope allow.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from guotu.errors import InvalidInputError
from guotu.services import features
from guotu.web.errors import wants_json
from guotu.web.security import context, principal

__all__ = ["router", "tiles_router"]

router = APIRouter(prefix="/ogc", tags=["ogc"])
tiles_router = APIRouter(tags=["tiles"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
GEOJSON = "application/geo+json"


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _link(href: str, rel: str, type_: str, title: str = "") -> dict[str, str]:
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


def _respond(request: Request, body: dict[str, Any], template: str, media: str = "application/json") -> Response:
    if wants_json(request):
        return JSONResponse(body, media_type=media)
    from guotu.web.pages import render

    return render(request, "ogc.html", body=body, view=template)


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    text = value.split("T")[0]
    if "/" in text:
        raise InvalidInputError("features.datetime_invalid", value=value[:40])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError("features.datetime_invalid", value=value[:40]) from None


@router.get("", name="ogc_landing")
def ogc_landing(request: Request) -> Response:
    """Return the landing page."""
    base = _base(request)
    body = {
        "title": "guotu OGC API Features",
        "description": "国土空间规划一张图 (territorial planning one map)",
        "links": [
            _link(f"{base}/ogc?f=json", "self", "application/json"),
            _link(f"{base}/ogc?f=html", "alternate", "text/html"),
            _link(f"{base}/api/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0"),
            _link(f"{base}/api/docs", "service-doc", "text/html"),
            _link(f"{base}/ogc/conformance?f=json", "conformance", "application/json"),
            _link(f"{base}/ogc/collections?f=json", "data", "application/json"),
        ],
    }
    return _respond(request, body, "landing")


@router.get("/conformance", name="ogc_conformance")
def ogc_conformance(request: Request) -> Response:
    """Return the conformance classes."""
    return _respond(request, {"conformsTo": CONFORMANCE}, "conformance")


def _collection_json(base: str, c: features.Collection) -> dict[str, Any]:
    url = f"{base}/ogc/collections/{c.id}"
    out: dict[str, Any] = {
        "id": c.id,
        "title": c.title,
        "description": f"{c.kind_zh} / {c.kind_en}",
        "itemType": "feature",
        "crs": [CRS84, CRS4490],
        "storageCrs": f"http://www.opengis.net/def/crs/EPSG/0/{c.version.crs}",
        "guotu:version": c.version_dict(),
        "guotu:kind": c.kind,
        "links": [
            _link(f"{url}?f=json", "self", "application/json"),
            _link(f"{url}?f=html", "alternate", "text/html"),
            _link(f"{url}/items?f=json", "items", GEOJSON),
            _link(f"{url}/items?f=html", "items", "text/html"),
        ],
    }
    if c.bbox is not None:
        out["extent"] = {"spatial": {"bbox": [list(c.bbox)], "crs": CRS84}}
    return out


@router.get("/collections", name="ogc_collections")
def ogc_collections(request: Request, datetime: str | None = None) -> Response:
    """List the layers the caller may see."""
    base = _base(request)
    found = features.list_collections(context(request).store, principal(request).viewer, as_of=_as_of(datetime))
    body = {
        "links": [
            _link(f"{base}/ogc/collections?f=json", "self", "application/json"),
            _link(f"{base}/ogc/collections?f=html", "alternate", "text/html"),
        ],
        "collections": [_collection_json(base, c) for c in found],
    }
    return _respond(request, body, "collections")


@router.get("/collections/{collection_id}", name="ogc_collection")
def ogc_collection(request: Request, collection_id: str, datetime: str | None = None) -> Response:
    """One collection."""
    c = features.get_collection(
        context(request).store, principal(request).viewer, collection_id, as_of=_as_of(datetime)
    )
    return _respond(request, _collection_json(_base(request), c), "collection")


@router.get("/collections/{collection_id}/items", name="ogc_items")
def ogc_items(
    request: Request,
    collection_id: str,
    bbox: str | None = None,
    limit: int = Query(10, ge=1, le=100_000),
    offset: int = Query(0, ge=0),
    properties: str | None = None,
    datetime: str | None = None,
    version: int | None = Query(None, ge=1),
) -> Response:
    """Features of a collection, a page at a time."""
    ctx = context(request)
    props = [p.strip() for p in properties.split(",") if p.strip()] if properties is not None else None
    page = features.query_items(
        ctx.store,
        principal(request).viewer,
        collection_id,
        bbox=features.parse_bbox(bbox),
        limit=limit,
        offset=offset,
        properties=props,
        as_of=_as_of(datetime),
        version=version,
        max_limit=ctx.settings.max_page_size,
    )
    base = f"{_base(request)}/ogc/collections/{collection_id}/items"
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "f")}

    def href(off: int, f: str = "json") -> str:
        return f"{base}?{urlencode({**params, 'offset': off, 'f': f})}"

    links = [_link(href(offset), "self", GEOJSON), _link(href(offset, "html"), "alternate", "text/html")]
    if offset + page.number_returned < page.number_matched:
        links.append(_link(href(offset + limit), "next", GEOJSON))
    if offset > 0:
        links.append(_link(href(max(0, offset - limit)), "prev", GEOJSON))
    body = {
        "type": "FeatureCollection",
        "features": page.features,
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
        "timeStamp": _now(),
        "links": links,
        "guotu:version": page.collection.version_dict(),
    }
    return _respond(request, body, "items", GEOJSON)


@router.get("/collections/{collection_id}/items/{item_id}", name="ogc_item")
def ogc_item(request: Request, collection_id: str, item_id: str, datetime: str | None = None) -> Response:
    """One feature."""
    _c, feature = features.get_item(
        context(request).store, principal(request).viewer, collection_id, item_id, as_of=_as_of(datetime)
    )
    base = f"{_base(request)}/ogc/collections/{collection_id}"
    feature["links"] = [
        _link(f"{base}/items/{item_id}?f=json", "self", GEOJSON),
        _link(f"{base}/items/{item_id}?f=html", "alternate", "text/html"),
        _link(f"{base}?f=json", "collection", "application/json"),
    ]
    return _respond(request, feature, "item", GEOJSON)


@tiles_router.get("/tiles/{layer}/{z}/{x}/{y}.pbf", name="tile")
async def tile(
    request: Request, layer: str, z: int, x: int, y: int, v: int | None = Query(None, ge=1), as_of: str | None = None
) -> Response:
    """Return a Mapbox vector tile of a layer version (web mercator), cached per version."""
    ctx = context(request)
    who = principal(request)
    data = await run_in_threadpool(
        features.vector_tile, ctx.store, who.viewer, layer, z, x, y, version=v, as_of=_as_of(as_of), cache=ctx.tiles
    )
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    cache = "public, max-age=300" if who.role == "public" else "private, max-age=300"
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Cookie"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/vnd.mapbox-vector-tile", headers=headers)
