"""OGC API Features and vector tiles: visibility, paging, bbox, properties, datetime, lon/lat output."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import pytest
import shapely
from pyproj import Transformer
from tests.web.conftest import Web


def _json(client: Any, path: str, **params: Any) -> Any:
    r = client.get(path, params={"f": "json", **params})
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_landing_and_conformance(web: Web) -> None:
    client = web.client()
    landing = _json(client, "/ogc")
    assert {"self", "conformance", "data", "service-desc"} <= {link["rel"] for link in landing["links"]}
    conf = _json(client, "/ogc/conformance")["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conf
    html = client.get("/ogc", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")


def test_public_sees_published_layers_only(web: Web) -> None:
    public = {c["id"] for c in _json(web.client(), "/ogc/collections")["collections"]}
    staff = {c["id"] for c in _json(web.login("viewer"), "/ogc/collections")["collections"]}
    assert public == {"yjjbnt", "survey"}
    assert staff == {"yjjbnt", "survey", "draft_only"}
    assert web.client().get("/ogc/collections/draft_only?f=json").status_code == 404
    assert web.client().get("/tiles/draft_only/0/0/0.pbf").status_code == 404
    # the public gets the version in force (v1), staff the latest (v2)
    assert _json(web.client(), "/ogc/collections/survey")["guotu:version"]["version"] == 1
    assert _json(web.login("viewer"), "/ogc/collections/survey")["guotu:version"]["version"] == 2


def test_items_paging_links_and_counts(web: Web, one_map: dict[str, Any]) -> None:
    client = web.client()
    total = len(one_map["survey"])
    page = _json(client, "/ogc/collections/survey/items", limit=7, offset=0)
    assert page["numberMatched"] == total and page["numberReturned"] == 7
    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert "next" in rels and "prev" not in rels and "offset=7" in rels["next"]
    last = _json(client, "/ogc/collections/survey/items", limit=7, offset=total - 3)
    assert last["numberReturned"] == 3 and "next" not in {link["rel"] for link in last["links"]}
    ids = [f["id"] for f in page["features"]] + [f["id"] for f in _json(client, "/ogc/collections/survey/items",
                                                                          limit=7, offset=7)["features"]]  # fmt: skip
    assert len(set(ids)) == 14 and ids == sorted(ids)
    assert client.get("/ogc/collections/survey/items?limit=0&f=json").status_code in (400, 422)
    assert client.get("/ogc/collections/survey/items?limit=5000&f=json").json()["code"] == "features.limit_invalid"


def test_coordinates_are_lon_lat_in_4490(web: Web, one_map: dict[str, Any]) -> None:
    feature = _json(web.client(), "/ogc/collections/survey/items", limit=1)["features"][0]
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 116 < lon < 118 and 38 < lat < 40  # the synthetic map is around 117°E, 39°N
    source = one_map["survey"]
    position = source.feature_ids.index(feature["id"])
    back = Transformer.from_crs(4490, source.crs, always_xy=True)
    x, y = back.transform(lon, lat)
    assert shapely.distance(source.geometries[position].exterior, shapely.Point(x, y)) < 0.01


def test_bbox_properties_and_single_item(web: Web) -> None:
    client = web.client()
    coll = _json(client, "/ogc/collections/yjjbnt")
    minx, miny, maxx, maxy = coll["extent"]["spatial"]["bbox"][0]
    quarter = f"{minx},{miny},{(minx + maxx) / 2},{(miny + maxy) / 2}"
    part = _json(client, "/ogc/collections/yjjbnt/items", bbox=quarter, limit=1000)
    whole = _json(client, "/ogc/collections/yjjbnt/items", limit=1000)
    assert 0 < part["numberMatched"] < whole["numberMatched"]
    for f in part["features"]:
        assert shapely.intersects(shapely.geometry.shape(f["geometry"]), shapely.box(*map(float, quarter.split(","))))
    only = _json(client, "/ogc/collections/survey/items", properties="DLBM", limit=2)
    assert all(set(f["properties"]) == {"DLBM"} for f in only["features"])
    bad = client.get("/ogc/collections/survey/items", params={"f": "json", "properties": "DLBM,nope'--"})
    assert bad.status_code == 400 and bad.json()["code"] == "features.property_unknown"
    assert client.get("/ogc/collections/survey/items?bbox=1,2,3&f=json").json()["code"] == "features.bbox_invalid"
    first = whole["features"][0]["id"]
    item = _json(client, f"/ogc/collections/yjjbnt/items/{first}")
    assert item["id"] == first and item["type"] == "Feature"
    assert client.get("/ogc/collections/yjjbnt/items/nope?f=json").status_code == 404


def test_datetime_selects_the_version_in_force(web: Web) -> None:
    staff = web.login("viewer")
    assert (
        _json(staff, "/ogc/collections/survey/items", limit=1, datetime="2025-06-01")["guotu:version"]["version"] == 1
    )
    before = staff.get("/ogc/collections/survey/items", params={"f": "json", "datetime": "2020-01-01"})
    assert before.status_code == 404
    assert staff.get("/ogc/collections/survey/items?datetime=yesterday&f=json").json()["code"] == (
        "features.datetime_invalid"
    )


def test_html_items_page(web: Web) -> None:
    r = web.client().get("/ogc/collections/survey/items?limit=3", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "DLBM" in r.text


def test_vector_tiles(web: Web) -> None:
    client = web.client()
    # The tile of zoom 8 holding 117°E, 39°N.
    r = client.get("/tiles/survey/8/211/97.pbf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    tile = mapbox_vector_tile.decode(r.content)
    assert tile["survey"]["features"] and "DLBM" in tile["survey"]["features"][0]["properties"]
    again = client.get("/tiles/survey/8/211/97.pbf", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    empty = client.get("/tiles/survey/8/0/0.pbf")
    assert empty.status_code == 200 and not mapbox_vector_tile.decode(empty.content)["survey"]["features"]
    ring = tile["survey"]["features"][0]["geometry"]["coordinates"]
    flat = [
        c for part in ring for c in (part if isinstance(part[0][0], (int, float)) else [p for q in part for p in q])
    ]
    assert all(-100 <= x <= 4196 and -100 <= y <= 4196 for x, y in flat)
    assert web.app.state.ctx.tiles.hits >= 1


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_api_layers_and_versions(web: Web, fmt: str) -> None:
    body = web.login("viewer").get("/api/layers").json()
    survey = next(layer for layer in body["layers"] if layer["id"] == "survey")
    assert [v["legal_status"] for v in survey["versions"]] == ["现行", "在编"]
    assert survey["classes"] and survey["class_field"] == "DLBM"
    public = web.client().get("/api/layers/survey/versions").json()["versions"]
    assert [v["legal_status"] for v in public] == ["现行"]


def test_a_sweep_of_tiles_never_fails(web1: Web) -> None:
    # Rounding to tile pixels can turn rings invalid (geometry collections): every tile must still encode.
    client = web1.client()
    statuses = set()
    for z, xs, ys in ((6, range(51, 54), range(23, 26)), (9, range(422, 425), range(193, 197)),
                      (11, range(1690, 1694), range(775, 779))):  # fmt: skip
        for x in xs:
            for y in ys:
                statuses.add(client.get(f"/tiles/survey/{z}/{x}/{y}.pbf").status_code)
    assert statuses == {200}


def test_polygonal_parts_of_repaired_geometries() -> None:
    from guotu.services.features import _polygonal

    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    fixed = _polygonal(bowtie)
    assert fixed is not None and fixed.geom_type == "MultiPolygon" and fixed.is_valid
    mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (5, 5)])])
    assert _polygonal(mixed).geom_type == "Polygon"
    assert _polygonal(shapely.LineString([(0, 0), (1, 1)])) is None
